"""The links emailed to a delegate: how often they are sent, how long a manage link works,
and asking for a fresh one, which revokes the old ones."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app import text
from app.actors import Actor
from app.extensions import db
from app.meetings.models import Meeting
from app.registration import notifications
from app.registration.models import Registration, RegistrationStatus


def may_email_links(registration: Registration, now: datetime) -> bool:
    """Whether the registration's links may be emailed again: at most once every few minutes,
    so that nobody can flood an address by posting a form with it."""
    wait = timedelta(seconds=current_app.config["REMINDER_EMAIL_SECONDS"])
    return not wait or registration.links_sent_at is None or now - registration.links_sent_at >= wait


def manage_links_end(meeting: Meeting) -> datetime | None:
    """When the meeting's manage links stop working; None while its dates are to be confirmed."""
    if meeting.ends_at is None:
        return None
    return meeting.ends_at + timedelta(days=current_app.config["MANAGE_LINK_DAYS_AFTER_MEETING"])


def links_have_ended(meeting: Meeting, now: datetime) -> bool:
    end = manage_links_end(meeting)
    return end is not None and now >= end


def manage_link_problem(registration: Registration, generation: int, now: datetime) -> str | None:
    """Why a manage link signed with ``generation`` no longer works ("ended", "replaced"), or None."""
    if links_have_ended(registration.meeting, now):
        return "ended"
    if generation != registration.link_generation:
        return "replaced"
    return None


def send_fresh_link(meeting: Meeting, email: str, now: datetime, *, actor: Actor) -> None:
    """Email a new manage link to the address on file, revoking the older ones.

    Says nothing of whether the address is registered: an unknown address, a link sent
    moments ago and a fresh one all return alike; only the email (if any) tells.
    """
    try:
        email = text.canonical_email(email)
    except text.InvalidEmail:
        return
    if links_have_ended(meeting, now):
        return
    registration = db.session.scalar(
        select(Registration)
        .where(
            Registration.meeting_id == meeting.id,
            Registration.email == email,
            Registration.status != RegistrationStatus.CANCELLED,
        )
        .with_for_update()
    )
    if registration is None or not may_email_links(registration, now):
        db.session.rollback()
        return
    registration.link_generation += 1
    registration.links_sent_at = now
    notifications.fresh_link(registration)
    db.session.commit()
