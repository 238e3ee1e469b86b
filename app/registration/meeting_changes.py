"""An organiser changes or cancels a meeting: the change and the notice to every registered
delegate (confirmed ones with the updated invite or its cancellation) commit together."""

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.actors import Actor
from app.audit.services import changes as audit_changes
from app.audit.services import record
from app.extensions import db
from app.meetings.changes import MeetingEdit, apply_edit
from app.meetings.editing import moved_by_days
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


@dataclass(frozen=True)
class ChangePreview:
    """What ``change_meeting`` would change and whom it would tell, before it does."""

    #: What changed, in words a delegate reads (empty: nothing a calendar shows changed).
    changes: list
    #: Confirmed delegates: they receive the updated invite.
    updated_invites: list[Registration]
    #: Waitlisted, awaiting approval and unconfirmed delegates: they receive a notice.
    notices: list[Registration]


def preview_change(meeting: Meeting, edit: MeetingEdit) -> ChangePreview:
    """``change_meeting``'s changes and recipients, computed in a savepoint rolled back:
    nothing is changed, nothing is sent."""
    savepoint = db.session.begin_nested()
    try:
        changes = apply_edit(meeting, edit)
        # The words are written now, while the meeting holds its new values.
        changes = [str(change) for change in changes]
    finally:
        savepoint.rollback()
    delegates = _delegates(meeting) if changes else []
    confirmed = [r for r in delegates if r.status is RegistrationStatus.CONFIRMED]
    return ChangePreview(changes, confirmed, [r for r in delegates if r.status is not RegistrationStatus.CONFIRMED])


def cancellation_recipients(meeting: Meeting) -> ChangePreview:
    """Whom cancelling the meeting tells: confirmed delegates its invite's cancellation, others a notice."""
    delegates = _delegates(meeting)
    confirmed = [r for r in delegates if r.status is RegistrationStatus.CONFIRMED]
    return ChangePreview([], confirmed, [r for r in delegates if r.status is not RegistrationStatus.CONFIRMED])


def _move_sessions(meeting: Meeting, days: int) -> None:
    """Move every session of the programme by ``days``, at the same time of day in the
    meeting's zone (a session at 09:00 stays at 09:00 across a change of summer time)."""
    for session in meeting.sessions:
        session.starts_at = moved_by_days(session.starts_at, meeting.zone, days)
        session.ends_at = moved_by_days(session.ends_at, meeting.zone, days)


def change_meeting(
    meeting: Meeting, edit: MeetingEdit, now: datetime, *, actor: Actor, move_sessions: bool = False
) -> list[str]:
    """Apply ``edit``; tell every registered delegate what changed (confirmed ones with the
    updated invite) in the same transaction. Returns the changes; none means nothing is sent.

    With ``move_sessions``, a meeting that moves takes its programme with it, by as many days."""
    meeting = lock_meeting(meeting.id)
    days_before, before = meeting.days, MeetingEdit.of(meeting)
    changes = apply_edit(meeting, edit)
    if move_sessions and days_before and meeting.days and meeting.days[0] != days_before[0]:
        _move_sessions(meeting, (meeting.days[0] - days_before[0]).days)
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
