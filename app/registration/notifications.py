"""One function per email a delegate receives; each only queues it in the outbox.

They live beside the rules that cause them; the caller's service commits the outbox row
with the change, and passes what the email shows (a waiting-list position, say) rather
than have the email query for it.
"""

from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import gettext, lazy_gettext

from app.calendar.invites import personal_invite
from app.locale import setting_in_language, writing_in
from app.mail.outbox import enqueue
from app.meetings.content import location, shown
from app.meetings.formatting import format_dates, format_day, format_times
from app.registration.models import DelegateRole, Registration, RegistrationStatus
from app.registration.tokens import make_confirm_token, make_manage_token
from app.urls import absolute_url


def invite_uid(registration: Registration) -> str:
    """The UID of a delegate's personal invite: the same for every update and the cancellation."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"registration-{registration.uid}@{host}"


def manage_url(registration: Registration) -> str:
    return absolute_url("registration.manage", slug=registration.meeting.slug, token=make_manage_token(registration))


def _invite(registration: Registration, *, cancel=False) -> bytes:
    meeting = registration.meeting
    role = "OPT-PARTICIPANT" if registration.role is DelegateRole.OBSERVER else "REQ-PARTICIPANT"
    # A delegate's own cancellation must outrank the last invite they received.
    sequence = registration.invite_sequence + (1 if cancel and not meeting.is_cancelled else 0)
    with writing_in(registration.language):
        return personal_invite(
            meeting,
            uid=invite_uid(registration),
            attendee_name=registration.full_name,
            attendee_email=registration.email,
            role=role,
            cancel=cancel,
            sequence=sequence,
            attended_days=registration.days,
        )


def _greeting(registration: Registration) -> str:
    """'Dear Ms Bekele,': a sentence of its own, because French greets by the salutation
    alone ("Madame,"), and as "Madame, Monsieur," when the salutation says no more."""
    name = registration.last_name
    if registration.salutation == "Mr":
        return gettext("Dear Mr %(last_name)s,", last_name=name)
    if registration.salutation == "Ms":
        return gettext("Dear Ms %(last_name)s,", last_name=name)
    if registration.salutation == "H.E.":
        return gettext("Dear H.E. %(last_name)s,", last_name=name)
    return gettext("Dear %(salutation)s %(last_name)s,", salutation=str(registration.salutation_label), last_name=name)


def _queue(registration: Registration, template: str, subject, *, invite=None, method=None, **context):
    """Queue the email, written in the language of the registration. ``subject`` is a lazy
    string with a ``%(title)s``, translated here, in that language."""
    with writing_in(registration.language):
        return _queue_written(registration, template, subject, invite=invite, method=method, **context)


def _queue_written(registration: Registration, template: str, subject, *, invite, method, **context):
    meeting = registration.meeting
    title = shown(meeting, "title")
    context.update(
        registration=registration,
        meeting=meeting,
        title=title,
        greeting=_greeting(registration),
        salutation=str(registration.salutation_label),
        location=location(meeting),
        manage_url=manage_url(registration),
        meeting_url=absolute_url("meetings.meeting", slug=meeting.slug),
        dates=format_dates(meeting),
        times=format_times(meeting),
        # The days attended, named only when the meeting has several.
        attended_days=", ".join(format_day(day) for day in registration.days) if len(meeting.days) > 1 else "",
        secretariat=setting_in_language("SECRETARIAT_NAME"),
        invite=invite is not None,
    )
    return enqueue(
        to_email=registration.email,
        to_name=registration.full_name,
        subject=str(subject) % {"title": " ".join(title.text.split())},
        text=render_template(f"mail/{template}.txt", **context),
        html=render_template(f"mail/{template}.html", **context),
        calendar=invite.decode() if invite else None,
        calendar_method=method,
        # Services flush a new registration before they tell the delegate, so it has its id.
        meeting_id=registration.meeting_id,
        registration_id=registration.id,
    )


def personal_invite_file(registration: Registration) -> bytes:
    """The delegate's invite as the manage page offers it: the same UID and SEQUENCE as the last emailed."""
    return _invite(registration)


def confirm_address(registration: Registration):
    url = absolute_url("registration.confirm", slug=registration.meeting.slug, token=make_confirm_token(registration))
    return _queue(
        registration, "confirm_address", lazy_gettext("Please confirm your registration: %(title)s"), confirm_url=url
    )


def registration_exists(registration: Registration):
    return _queue(registration, "registration_exists", lazy_gettext("Your registration: %(title)s"))


def fresh_link(registration: Registration):
    """The new manage link the delegate asked for; the older ones no longer work."""
    return _queue(registration, "fresh_link", lazy_gettext("Your new registration link: %(title)s"))


def status_changed(registration: Registration, *, position: int | None = None):
    """The email for the state a registration has just reached; ``position`` on the waiting list."""
    status = registration.status
    if status is RegistrationStatus.CONFIRMED:
        return _queue(
            registration,
            "confirmed",
            lazy_gettext("Registration confirmed: %(title)s"),
            invite=_invite(registration),
            method="REQUEST",
        )
    if status is RegistrationStatus.WAITLISTED:
        return _queue(
            registration, "waitlisted", lazy_gettext("You are on the waiting list: %(title)s"), position=position
        )
    if status is RegistrationStatus.AWAITING_APPROVAL:
        return _queue(registration, "awaiting_approval", lazy_gettext("Registration received: %(title)s"))
    raise ValueError(f"no email for a registration that is {status.value}")


def registration_cancelled(registration: Registration, *, had_seat: bool):
    invite = _invite(registration, cancel=True) if had_seat else None
    return _queue(
        registration,
        "cancelled",
        lazy_gettext("Registration cancelled: %(title)s"),
        invite=invite,
        method="CANCEL" if invite else None,
    )


def invite_updated(registration: Registration):
    """A confirmed delegate changed what their invite shows: the updated invite."""
    return _queue(
        registration,
        "invite_updated",
        lazy_gettext("Calendar invitation updated: %(title)s"),
        invite=_invite(registration),
        method="REQUEST",
    )


def meeting_changed(registration: Registration, changes: list[str]):
    """Confirmed delegates get the updated invite; others a plain notice."""
    confirmed = registration.status is RegistrationStatus.CONFIRMED
    return _queue(
        registration,
        "meeting_changed",
        lazy_gettext("Meeting updated: %(title)s"),
        changes=changes,
        invite=_invite(registration) if confirmed else None,
        method="REQUEST" if confirmed else None,
    )


def meeting_cancelled(registration: Registration):
    confirmed = registration.status is RegistrationStatus.CONFIRMED
    return _queue(
        registration,
        "meeting_cancelled",
        lazy_gettext("Meeting cancelled: %(title)s"),
        invite=_invite(registration, cancel=True) if confirmed else None,
        method="CANCEL" if confirmed else None,
    )
