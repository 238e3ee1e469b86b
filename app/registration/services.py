"""What delegates and organisers do to registrations. Each service takes ``now`` and the
acting party (``actor``), applies the rules (app.registration.rules) and commits its state
change together with the emails it causes (the outbox), so a committed change always has
its emails."""

from datetime import date, datetime, timedelta

from flask_babel import gettext, lazy_gettext
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app import text
from app.actors import Actor, ActorKind
from app.audit.services import record
from app.delegations.models import Delegation
from app.delegations.services import get_delegation
from app.extensions import db
from app.meetings.locks import lock_meeting
from app.meetings.models import Meeting
from app.registration import allocation, history, notifications
from app.registration.data import RegistrationData, RegistrationResult
from app.registration.exceptions import RegistrationRefused
from app.registration.links import may_email_links
from app.registration.models import Registration, RegistrationStatus
from app.registration.rules import (
    check_details,
    check_rules,
    head_problem,
    quota_error,
)

#: How long a confirmation link (and an unconfirmed registration) lives.
CONFIRMATION_HOURS = 48
HEAD_TAKEN_ON_CONFIRM = lazy_gettext("Change your role on your registration page, then confirm again.")


def _apply(registration: Registration, data: RegistrationData) -> bool:
    """Store ``data`` on the registration; whether what its invite shows changed (then the
    invite's revision rises)."""
    shown = tuple(getattr(registration, name) for name in Registration.INVITE_FIELDS)
    registration.delegation = get_delegation(data.delegation)  # the rules have checked it
    for name in (
        "salutation",
        "first_name",
        "last_name",
        "phone",
        "position",
        "function",
        "role",
        "dietary_needs",
        "accessibility_needs",
        "list_consent",
    ):
        setattr(registration, name, getattr(data, name))
    registration.set_days([date.fromisoformat(day) for day in data.days] or registration.meeting.days)
    registration.needs_visa_letter = data.needs_visa_letter
    if data.language:
        registration.language = data.language
    if data.privacy_notice_version:
        registration.privacy_notice_version = data.privacy_notice_version
    visa = data.needs_visa_letter
    registration.nationality = data.nationality if visa else None
    registration.passport_number = data.passport_number if visa else None
    registration.date_of_birth = data.date_of_birth if visa else None
    registration.passport_expiry = data.passport_expiry if visa else None
    registration.refresh_search_key()
    if registration.id is None or shown == tuple(getattr(registration, name) for name in Registration.INVITE_FIELDS):
        return False
    registration.invite_revision += 1
    return True


def get_live_registration(meeting: Meeting, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.meeting_id == meeting.id,
            Registration.email == email.lower(),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )


def find_registrations(meeting: Meeting, query: str) -> list[Registration]:
    """The meeting's registrations whose name, email or delegation holds every word of ``query``,
    whatever their accents and case."""
    statement = select(Registration).join(Delegation).where(Registration.meeting_id == meeting.id)
    searched = Registration.search_key + " " + Delegation.search_key
    for word in text.fold(query).split():
        statement = statement.where(searched.contains(word, autoescape=True))
    return list(db.session.scalars(statement.order_by(Registration.last_name, Registration.first_name)))


def get_registration(meeting: Meeting, uid: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.meeting_id == meeting.id, Registration.uid == uid))


def _remind_existing(existing: Registration, now: datetime) -> RegistrationResult:
    """Email the existing registration's link (unless it was emailed moments ago)."""
    if may_email_links(existing, now):
        if existing.status is RegistrationStatus.UNCONFIRMED:
            notifications.confirm_address(existing)
        else:
            notifications.registration_exists(existing)
        existing.links_sent_at = now
    db.session.commit()
    return RegistrationResult(existing, created=False)


def register_delegate(meeting: Meeting, data: RegistrationData, now: datetime, *, actor: Actor) -> RegistrationResult:
    """Record a registration awaiting email confirmation, or re-send the links of an existing one.

    The rules are checked first, whoever the address belongs to, so the answer never
    tells whether an address is registered; only the email does.
    """
    try:
        email = text.canonical_email(data.email)
    except text.InvalidEmail as error:
        raise RegistrationRefused({"email": str(error)}) from None
    errors = check_rules(meeting, data, now)
    if errors:
        raise RegistrationRefused(errors)
    history.acting(now, actor, "registered")
    existing = get_live_registration(meeting, email)
    if existing is not None and _expired(existing, now):
        db.session.delete(existing)
        db.session.flush()
        existing = None
    if existing is not None:
        return _remind_existing(existing, now)
    registration = Registration(meeting=meeting, email=email, created_at=now, links_sent_at=now)
    _apply(registration, data)
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:  # the same address registered in a request running at the same time
        db.session.rollback()
        return _remind_existing(get_live_registration(meeting, email), now)
    notifications.confirm_address(registration)
    db.session.commit()
    return RegistrationResult(registration, created=True)


def _tell_status(registration: Registration):
    notifications.status_changed(registration, position=allocation.waitlist_position(registration))


def _expired(registration: Registration, now: datetime) -> bool:
    return registration.status is RegistrationStatus.UNCONFIRMED and registration.created_at < now - timedelta(
        hours=CONFIRMATION_HOURS
    )


def confirm_registration(registration: Registration, now: datetime, *, actor: Actor) -> Registration:
    """The delegate confirmed their address: give them a seat, a place on the waiting list,
    or a place in the organisers' approval queue."""
    meeting = lock_meeting(registration.meeting_id)
    db.session.refresh(registration)
    if registration.status is not RegistrationStatus.UNCONFIRMED:
        db.session.rollback()
        return registration  # a second click on the link changes nothing
    if meeting.is_cancelled:
        db.session.rollback()
        raise RegistrationRefused(
            {"": gettext("This meeting has been cancelled, so registrations can no longer be confirmed.")}
        )
    problem = head_problem(meeting, registration.delegation, registration.role, registration)
    if problem:
        db.session.rollback()
        raise RegistrationRefused({"role": f"{problem} {HEAD_TAKEN_ON_CONFIRM}"})
    history.acting(now, actor, "address confirmed")
    registration.email_confirmed_at = now
    allocation.place(meeting, registration, now)
    db.session.flush()
    _tell_status(registration)
    db.session.commit()
    return registration


def _audit_decision(action: str, registration: Registration, before: RegistrationStatus, now, actor: Actor):
    record(
        action,
        actor=actor,
        now=now,
        meeting_id=registration.meeting_id,
        target=("registration", registration.uid),
        changed={"status": [before.value, registration.status.value]},
    )


def approve_registration(registration: Registration, now: datetime, *, actor: Actor) -> Registration:
    """An organiser approves: the delegate gets a seat if there is one, else the waiting list."""
    meeting = lock_meeting(registration.meeting_id)
    db.session.refresh(registration)
    if registration.status is not RegistrationStatus.AWAITING_APPROVAL:
        db.session.rollback()
        raise RegistrationRefused({"": gettext("Only a registration awaiting approval can be approved.")})
    history.acting(now, actor, "approved by the organisers")
    allocation.place(meeting, registration, now, approved=True)
    registration.updated_at = now
    _audit_decision("registration.approved", registration, RegistrationStatus.AWAITING_APPROVAL, now, actor)
    db.session.flush()
    _tell_status(registration)
    db.session.commit()
    return registration


def cancel_registration(registration: Registration, now: datetime, *, actor: Actor) -> list[Registration]:
    """Cancel, free the seat, and promote from the waiting list; returns who was promoted."""
    meeting = lock_meeting(registration.meeting_id)
    db.session.refresh(registration)
    if registration.status is RegistrationStatus.CANCELLED:
        db.session.rollback()
        return []
    had_seat = registration.status is RegistrationStatus.CONFIRMED
    history.acting(now, actor, "cancelled")
    allocation.release_seat(meeting, registration)
    before = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    if actor.kind is ActorKind.ORGANISER:  # a delegate's own cancellation is in the registration's history
        _audit_decision("registration.cancelled", registration, before, now, actor)
    promoted = allocation.promote_waitlisted(meeting)
    db.session.flush()
    notifications.registration_cancelled(registration, had_seat=had_seat)
    for delegate in promoted:
        _tell_status(delegate)
    db.session.commit()
    return promoted


def update_registration(
    registration: Registration, data: RegistrationData, now: datetime, *, actor: Actor
) -> Registration:
    """The delegate edits their details (and the language of their emails); a change of
    delegation must fit that delegation's quota."""
    meeting = lock_meeting(registration.meeting_id)
    db.session.refresh(registration)
    if registration.status is RegistrationStatus.CANCELLED:
        db.session.rollback()
        raise RegistrationRefused({"": gettext("This registration has been cancelled.")})
    if data.needs_visa_letter and not data.passport_number:
        # The manage page never shows the number on file: left empty, it stays as it is.
        data.passport_number = registration.passport_number
    errors = check_details(meeting, data, now, current=registration.delegation)
    if "delegation" not in errors:
        delegation = get_delegation(data.delegation)
        moves = delegation.id != registration.delegation_id
        if (
            registration.status is RegistrationStatus.CONFIRMED
            and moves
            and not allocation.under_quota(meeting, delegation)
        ):
            errors["delegation"] = quota_error(meeting)
        problem = head_problem(meeting, delegation, data.role, registration)
        if problem:
            errors["role"] = problem
    if errors:
        db.session.rollback()
        raise RegistrationRefused(errors)
    history.acting(now, actor, "details edited")
    invite_changed = _apply(registration, data)
    registration.updated_at = now
    promoted = allocation.promote_waitlisted(meeting)
    db.session.flush()
    if invite_changed and registration.status is RegistrationStatus.CONFIRMED:
        notifications.invite_updated(registration)
    for delegate in promoted:
        _tell_status(delegate)
    db.session.commit()
    return registration


def remove_passport_details(now: datetime, *, actor: Actor) -> int:
    """Clear the passport details of delegates to meetings that have ended; returns how many."""
    ended = select(Meeting.id).where(Meeting.ends_at < now)
    result = db.session.execute(
        update(Registration)
        .where(
            Registration.meeting_id.in_(ended),
            Registration.passport_number.is_not(None),
        )
        .values(nationality=None, passport_number=None, date_of_birth=None, passport_expiry=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def purge_unconfirmed(now: datetime, *, actor: Actor) -> int:
    """Delete registrations whose address was never confirmed within the link's lifetime."""
    result = db.session.execute(
        delete(Registration).where(
            Registration.status == RegistrationStatus.UNCONFIRMED,
            Registration.created_at < now - timedelta(hours=CONFIRMATION_HOURS),
        )
    )
    db.session.commit()
    return result.rowcount
