"""One function per email a delegate receives; each only queues it in the outbox.

They live beside the rules that cause them; the caller's service commits the outbox row
with the change, and passes what the email shows (a waiting-list position, say) rather
than have the email query for it.
"""

from urllib.parse import urlsplit

from flask import current_app, render_template

from app.calendar.invites import personal_invite
from app.locale import writing_in
from app.mail.outbox import enqueue
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


def _queue(registration: Registration, template: str, subject: str, *, invite=None, method=None, **context):
    """Queue the email, written in the language of the registration."""
    with writing_in(registration.language):
        return _queue_written(registration, template, subject, invite=invite, method=method, **context)


def _queue_written(registration: Registration, template: str, subject: str, *, invite, method, **context):
    meeting = registration.meeting
    context.update(
        registration=registration,
        meeting=meeting,
        manage_url=manage_url(registration),
        meeting_url=absolute_url("meetings.meeting", slug=meeting.slug),
        dates=format_dates(meeting),
        times=format_times(meeting),
        # The days attended, named only when the meeting has several.
        attended_days=", ".join(format_day(day) for day in registration.days) if len(meeting.days) > 1 else "",
        secretariat=current_app.config["SECRETARIAT_NAME"],
        invite=invite is not None,
    )
    return enqueue(
        to_email=registration.email,
        to_name=registration.full_name,
        subject=" ".join(f"{subject}: {meeting.title}".split()),
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
    return _queue(registration, "confirm_address", "Please confirm your registration", confirm_url=url)


def registration_exists(registration: Registration):
    return _queue(registration, "registration_exists", "Your registration")


def fresh_link(registration: Registration):
    """The new manage link the delegate asked for; the older ones no longer work."""
    return _queue(registration, "fresh_link", "Your new registration link")


def status_changed(registration: Registration, *, position: int | None = None):
    """The email for the state a registration has just reached; ``position`` on the waiting list."""
    status = registration.status
    if status is RegistrationStatus.CONFIRMED:
        return _queue(
            registration, "confirmed", "Registration confirmed", invite=_invite(registration), method="REQUEST"
        )
    if status is RegistrationStatus.WAITLISTED:
        return _queue(registration, "waitlisted", "You are on the waiting list", position=position)
    if status is RegistrationStatus.AWAITING_APPROVAL:
        return _queue(registration, "awaiting_approval", "Registration received")
    raise ValueError(f"no email for a registration that is {status.value}")


def registration_cancelled(registration: Registration, *, had_seat: bool):
    invite = _invite(registration, cancel=True) if had_seat else None
    return _queue(
        registration, "cancelled", "Registration cancelled", invite=invite, method="CANCEL" if invite else None
    )


def invite_updated(registration: Registration):
    """A confirmed delegate changed what their invite shows: the updated invite."""
    return _queue(
        registration, "invite_updated", "Calendar invitation updated", invite=_invite(registration), method="REQUEST"
    )


def meeting_changed(registration: Registration, changes: list[str]):
    """Confirmed delegates get the updated invite; others a plain notice."""
    confirmed = registration.status is RegistrationStatus.CONFIRMED
    return _queue(
        registration,
        "meeting_changed",
        "Meeting updated",
        changes=changes,
        invite=_invite(registration) if confirmed else None,
        method="REQUEST" if confirmed else None,
    )


def meeting_cancelled(registration: Registration):
    confirmed = registration.status is RegistrationStatus.CONFIRMED
    return _queue(
        registration,
        "meeting_cancelled",
        "Meeting cancelled",
        invite=_invite(registration, cancel=True) if confirmed else None,
        method="CANCEL" if confirmed else None,
    )
