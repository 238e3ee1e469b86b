"""An organiser changes or cancels a meeting: the change and the notice to every registered
delegate (confirmed ones with the updated invite or its cancellation) commit together."""

from dataclasses import asdict
from datetime import date, datetime

from sqlalchemy import select

from app.actors import Actor
from app.audit.services import changes as audit_changes
from app.audit.services import record
from app.extensions import db
from app.meetings.changes import MeetingEdit, apply_edit
from app.meetings.locks import lock_meeting
from app.meetings.models import Meeting, MeetingStatus
from app.registration import notifications
from app.registration.models import Registration, RegistrationStatus


def _delegates(meeting: Meeting) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.meeting_id == meeting.id, Registration.status != RegistrationStatus.CANCELLED)
            .order_by(Registration.id)
        )
    )


def _target(meeting: Meeting) -> tuple[str, int]:
    return ("meeting", meeting.id)


def _follow(attended: list[date], before: list[date], after: list[date]) -> list[date]:
    """The days a delegate attends once the meeting moves: the same days of the meeting (its
    first, its second...), or every day if they attended every day or none of theirs remains."""
    if set(attended) >= set(before):
        return after
    kept = [after[before.index(day)] for day in attended if day in before and before.index(day) < len(after)]
    return kept or after


def change_meeting(meeting: Meeting, edit: MeetingEdit, now: datetime, *, actor: Actor) -> list[str]:
    """Apply ``edit``; tell every registered delegate what changed (confirmed ones with the
    updated invite) in the same transaction. Returns the changes; none means nothing is sent."""
    meeting = lock_meeting(meeting.id)
    days_before, before = meeting.days, MeetingEdit.of(meeting)
    changes = apply_edit(meeting, edit)
    if changes:
        meeting.updated_at = now
        changed = audit_changes(asdict(before), asdict(MeetingEdit.of(meeting)))
        record("meeting.changed", actor=actor, now=now, meeting_id=meeting.id, target=_target(meeting), changed=changed)
    delegates = _delegates(meeting) if changes else []
    if meeting.days != days_before:
        for registration in delegates:
            registration.set_days(_follow(registration.days, days_before, meeting.days))
    db.session.flush()  # raises the calendar sequence before the invites are built
    for registration in delegates:
        notifications.meeting_changed(registration, changes)
    db.session.commit()
    return changes


def cancel_meeting(meeting: Meeting, now: datetime, *, actor: Actor) -> int:
    """Cancel the meeting; confirmed delegates get the invite's cancellation, others a notice."""
    meeting = lock_meeting(meeting.id)
    if meeting.status is MeetingStatus.CANCELLED:
        db.session.rollback()
        return 0
    changed = {"status": [meeting.status.value, MeetingStatus.CANCELLED.value]}
    meeting.status = MeetingStatus.CANCELLED
    meeting.updated_at = now
    record("meeting.cancelled", actor=actor, now=now, meeting_id=meeting.id, target=_target(meeting), changed=changed)
    db.session.flush()
    delegates = _delegates(meeting)
    for registration in delegates:
        notifications.meeting_cancelled(registration)
    db.session.commit()
    return len(delegates)
