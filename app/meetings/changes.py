"""Organisers' changes to what a calendar shows of a meeting, and their description in words.

Telling the meeting's delegates is the registration side's (app.registration.meeting_changes).
"""

from dataclasses import dataclass, replace
from datetime import date, time
from types import SimpleNamespace

from flask_babel import gettext
from flask_babel.speaklater import LazyString

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
    #: IANA name; None keeps the meeting's zone (local dates and times stay, instants move).
    timezone: str | None = None

    @classmethod
    def of(cls, meeting: Meeting) -> "MeetingEdit":
        times = (
            (meeting.local(meeting.starts_at).time(), meeting.local(meeting.ends_at).time())
            if meeting.has_times
            else (None, None)
        )
        return cls(
            meeting.title,
            meeting.venue,
            meeting.city,
            meeting.country,
            meeting.start_date,
            meeting.end_date,
            *times,
            meeting.timezone,
        )


def _place(edit: MeetingEdit) -> str:
    return ", ".join(part for part in (edit.venue, edit.city, country_name(edit.country)) if part)


def _schedule(meeting: Meeting) -> SimpleNamespace:
    """What ``format_dates`` and ``format_times`` read of the meeting's schedule, as it is now."""
    return SimpleNamespace(
        dates_confirmed=meeting.dates_confirmed,
        start_date=meeting.start_date,
        end_date=meeting.end_date,
        has_times=meeting.has_times,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        local=meeting.local,
    )


def _times(schedule) -> str:
    return format_times(schedule) or gettext("to be announced")


def _said(write) -> LazyString:
    """A sentence written when it is read: each delegate's email is in their own language."""
    return LazyString(write)


def _describe(before: MeetingEdit, after: MeetingEdit, schedule_before, meeting: Meeting) -> list:
    """What changed, in words a delegate reads (dates and times as the meeting page shows them)."""
    changes = []
    if before.title != after.title:
        changes.append(
            _said(lambda: gettext("Title: now “%(new)s” (was “%(old)s”)", new=after.title, old=before.title))
        )
    schedule_after = _schedule(meeting)
    if (before.start_date, before.end_date) != (after.start_date, after.end_date):
        changes.append(
            _said(
                lambda: gettext(
                    "Dates: now %(new)s (was %(old)s)",
                    new=format_dates(schedule_after),
                    old=format_dates(schedule_before),
                )
            )
        )
    if (before.start_time, before.end_time) != (after.start_time, after.end_time):
        changes.append(
            _said(
                lambda: gettext(
                    "Times: now %(new)s (was %(old)s)", new=_times(schedule_after), old=_times(schedule_before)
                )
            )
        )
    if after.timezone is not None and before.timezone != after.timezone:
        changes.append(
            _said(lambda: gettext("Time zone: now %(new)s (was %(old)s)", new=after.timezone, old=before.timezone))
        )
    if _place(before) != _place(after):
        changes.append(
            _said(lambda: gettext("Place: now %(new)s (was %(old)s)", new=_place(after), old=_place(before)))
        )
    return changes


def apply_edit(meeting: Meeting, edit: MeetingEdit) -> list:
    """Apply ``edit`` to the meeting (not committed); what changed, in words a delegate reads:
    each a lazy string, written in the language of whoever reads it (``app.locale.writing_in``)."""
    before = MeetingEdit.of(meeting)
    schedule_before = _schedule(meeting)
    meeting.title, meeting.venue, meeting.city, meeting.country = edit.title, edit.venue, edit.city, edit.country
    if edit.timezone is None:
        edit = replace(edit, timezone=before.timezone)
    moved_zone = edit.timezone != before.timezone
    if moved_zone:
        meeting.timezone = edit.timezone
    if moved_zone or (edit.start_date, edit.end_date, edit.start_time, edit.end_time) != (
        before.start_date,
        before.end_date,
        before.start_time,
        before.end_time,
    ):
        meeting.set_schedule(edit.start_date, edit.end_date, edit.start_time, edit.end_time)
    return _describe(before, edit, schedule_before, meeting)
