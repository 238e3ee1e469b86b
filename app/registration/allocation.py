"""Seat allocation under a lock on the meeting row: never more seats than the capacity,
never more than the quota per delegation, whatever runs at the same time."""

from datetime import datetime

from sqlalchemy import func, select

from app.delegations.models import Delegation
from app.extensions import db
from app.meetings.models import Meeting
from app.registration import history
from app.registration.models import Registration, RegistrationStatus


def count_confirmed(meeting: Meeting, delegation: Delegation, excluding: Registration | None = None) -> int:
    query = select(func.count(Registration.id)).where(
        Registration.meeting_id == meeting.id,
        Registration.delegation_id == delegation.id,
        Registration.status == RegistrationStatus.CONFIRMED,
    )
    if excluding is not None and excluding.id is not None:
        query = query.where(Registration.id != excluding.id)
    return db.session.scalar(query)


def has_free_seat(meeting: Meeting) -> bool:
    return meeting.capacity is None or meeting.seats_taken < meeting.capacity


def under_quota(meeting: Meeting, delegation: Delegation, excluding: Registration | None = None) -> bool:
    quota = meeting.delegation_quota
    return quota is None or count_confirmed(meeting, delegation, excluding) < quota


def take_seat(meeting: Meeting, registration: Registration):
    registration.status = RegistrationStatus.CONFIRMED
    meeting.seats_taken += 1


def release_seat(meeting: Meeting, registration: Registration):
    if registration.status is RegistrationStatus.CONFIRMED:
        meeting.seats_taken -= 1


def place(meeting: Meeting, registration: Registration, now: datetime, *, approved=False):
    """Give a registration whose address is confirmed its place: a seat, the waiting list, or approval.

    ``now`` orders the waiting list: the moment the registration entered allocation.
    """
    if registration.queued_at is None:
        registration.queued_at = now
    if meeting.requires_approval and not approved:
        registration.status = RegistrationStatus.AWAITING_APPROVAL
    elif has_free_seat(meeting) and under_quota(meeting, registration.delegation):
        take_seat(meeting, registration)
    else:
        registration.status = RegistrationStatus.WAITLISTED


def promote_waitlisted(meeting: Meeting) -> list[Registration]:
    """Fill free seats from the waiting list, in order, skipping delegations at their quota."""
    promoted = []
    waiting = db.session.scalars(
        select(Registration)
        .where(
            Registration.meeting_id == meeting.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.queued_at, Registration.id)
    ).all()
    for candidate in waiting:
        if not has_free_seat(meeting):
            break
        if under_quota(meeting, candidate.delegation):
            take_seat(meeting, candidate)
            history.because(candidate, "a seat became free: promoted from the waiting list")
            db.session.flush()
            promoted.append(candidate)
    return promoted


def waitlist_position(registration: Registration) -> int | None:
    if registration.status is not RegistrationStatus.WAITLISTED:
        return None
    ahead = select(func.count(Registration.id)).where(
        Registration.meeting_id == registration.meeting_id,
        Registration.status == RegistrationStatus.WAITLISTED,
        (Registration.queued_at < registration.queued_at)
        | ((Registration.queued_at == registration.queued_at) & (Registration.id < registration.id)),
    )
    return db.session.scalar(ahead) + 1


def waitlist_size(meeting: Meeting) -> int:
    """How many delegates are on the meeting's waiting list."""
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.meeting_id == meeting.id, Registration.status == RegistrationStatus.WAITLISTED
        )
    )
