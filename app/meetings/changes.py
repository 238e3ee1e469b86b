"""Organisers' changes to what a calendar shows of a meeting, and their description in words.

Telling the meeting's delegates is the registration side's (app.registration.meeting_changes).
"""

from dataclasses import dataclass
from datetime import date, time

from app.meetings.formatting import format_dates, format_times
from app.meetings.models import Meeting, country_name


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
        times = (
            (meeting.local(meeting.starts_at).time(), meeting.local(meeting.ends_at).time())
            if meeting.has_times
            else (None, None)
        )
        return cls(
            meeting.title, meeting.venue, meeting.city, meeting.country, meeting.start_date, meeting.end_date, *times
        )


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
        changes.append(
            f"Times: now {format_times(meeting) or 'to be announced'} (was {times_before or 'to be announced'})"
        )
    if _place(before) != _place(after):
        changes.append(f"Place: now {_place(after)} (was {_place(before)})")
    return changes


def apply_edit(meeting: Meeting, edit: MeetingEdit) -> list[str]:
    """Apply ``edit`` to the meeting (not committed); what changed, in words a delegate reads."""
    before = MeetingEdit.of(meeting)
    shown_before = (format_dates(meeting), format_times(meeting))
    meeting.title, meeting.venue, meeting.city, meeting.country = edit.title, edit.venue, edit.city, edit.country
    if (edit.start_date, edit.end_date, edit.start_time, edit.end_time) != (
        before.start_date,
        before.end_date,
        before.start_time,
        before.end_time,
    ):
        meeting.set_schedule(edit.start_date, edit.end_date, edit.start_time, edit.end_time)
    return _describe(before, edit, shown_before, meeting)
