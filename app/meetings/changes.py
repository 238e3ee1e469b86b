"""Organisers' changes to a meeting, and the notices they send to its registered delegates."""
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from app.extensions import db
from app.mail import messages
from app.meetings.formatting import format_dates, format_times
from app.meetings.models import Meeting, MeetingStatus, country_name
from app.registration import allocation
from app.registration.models import Registration, RegistrationStatus


@dataclass(frozen=True)
class MeetingEdit:
    """The new state of what a calendar shows of a meeting."""

    title: str
    venue: str
    city: str
    country: str
    start_date: date | None
    end_date: date | None
    start_time: time | None
    end_time: time | None

    @classmethod
    def of(cls, meeting: Meeting) -> "MeetingEdit":
        times = (meeting.local(meeting.starts_at).time(), meeting.local(meeting.ends_at).time()) \
            if meeting.has_times else (None, None)
        return cls(meeting.title, meeting.venue, meeting.city, meeting.country,
                   meeting.start_date, meeting.end_date, *times)


def _place(edit: MeetingEdit) -> str:
    return ", ".join(part for part in (edit.venue, edit.city, country_name(edit.country)) if part)


def _describe(before: MeetingEdit, after: MeetingEdit, shown_before: tuple[str, str], meeting: Meeting):
    """What changed, in words a delegate reads (dates and times as the meeting page shows them)."""
    changes = []
    if before.title != after.title:
        changes.append(f"Title: now “{after.title}” (was “{before.title}”)")
    dates_before, times_before = shown_before
    if (before.start_date, before.end_date) != (after.start_date, after.end_date):
        changes.append(f"Dates: now {format_dates(meeting)} (was {dates_before})")
    if (before.start_time, before.end_time) != (after.start_time, after.end_time):
        changes.append(f"Times: now {format_times(meeting) or 'to be announced'} "
                       f"(was {times_before or 'to be announced'})")
    if _place(before) != _place(after):
        changes.append(f"Place: now {_place(after)} (was {_place(before)})")
    return changes


def _delegates(meeting: Meeting) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.id)))


def change_meeting(meeting: Meeting, edit: MeetingEdit, now: datetime) -> list[str]:
    """Apply ``edit``; tell every registered delegate what changed (confirmed ones with the
    updated invite) in the same transaction. Returns the changes; none means nothing is sent."""
    meeting = allocation.lock_meeting(meeting.id)
    before = MeetingEdit.of(meeting)
    shown_before = (format_dates(meeting), format_times(meeting))
    meeting.title, meeting.venue, meeting.city, meeting.country = edit.title, edit.venue, edit.city, edit.country
    if (edit.start_date, edit.end_date, edit.start_time, edit.end_time) != \
            (before.start_date, before.end_date, before.start_time, before.end_time):
        meeting.set_schedule(edit.start_date, edit.end_date, edit.start_time, edit.end_time)
    changes = _describe(before, edit, shown_before, meeting)
    db.session.flush()  # raises the calendar sequence before the invites are built
    for registration in _delegates(meeting) if changes else []:
        messages.meeting_changed(registration, changes)
    db.session.commit()
    return changes


def cancel_meeting(meeting: Meeting, now: datetime) -> int:
    """Cancel the meeting; confirmed delegates get the invite's cancellation, others a notice."""
    meeting = allocation.lock_meeting(meeting.id)
    if meeting.status is MeetingStatus.CANCELLED:
        db.session.rollback()
        return 0
    meeting.status = MeetingStatus.CANCELLED
    db.session.flush()
    delegates = _delegates(meeting)
    for registration in delegates:
        messages.meeting_cancelled(registration)
    db.session.commit()
    return len(delegates)


