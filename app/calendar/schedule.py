"""When a meeting's calendar event happens: one occurrence a day, under one UID.

A meeting over several days with times is its first day's hours repeated daily
(``RRULE:FREQ=DAILY;COUNT=n``) in the meeting's own zone, so every day keeps its local
hours across a change of summer time (09:00 in Rome is 08:00Z before the switch, 07:00Z
after) and the nights between the days stay free in a delegate's calendar. A meeting
known only by its dates is a one-day all-day event repeated the same way; a one-day
meeting is a single event. The days a delegate does not attend are left out with
EXDATEs of DTSTART's value type and zone, never with RDATEs alone: Outlook accepts
those only beside a rule.
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from app.calendar.timezones import UTC_ZONES


class UndatedMeetingError(ValueError):
    """The meeting's dates are to be confirmed, so it cannot be a calendar event yet."""


@dataclass(frozen=True)
class Schedule:
    """The first occurrence (DTSTART, DTEND), the days it happens on, and the days left out."""

    start: date | datetime
    end: date | datetime
    #: One occurrence each, in order; a single day is a single event, without a rule.
    days: tuple[date, ...]
    excluded: tuple[date, ...] = ()

    @property
    def count(self) -> int:
        return len(self.days)

    def start_on(self, day: date) -> date | datetime:
        """The start of the occurrence on ``day``: the first one's wall-clock time, in its zone."""
        if isinstance(self.start, datetime):
            return datetime.combine(day, self.start.time(), self.start.tzinfo)
        return day

    def end_on(self, day: date) -> date | datetime:
        if isinstance(self.end, datetime):
            return datetime.combine(day, self.end.time(), self.end.tzinfo)
        return day + timedelta(days=1)

    @property
    def exdates(self) -> list[date | datetime]:
        """EXDATE values: the starts of the occurrences left out."""
        return [self.start_on(day) for day in self.excluded]

    def attended(self, days: list[date] | None) -> "Schedule":
        """The occurrences of a delegate who attends ``days`` (None: every day)."""
        wanted = set(self.days if days is None else days)
        kept = [day for day in self.days if day in wanted]
        if not kept or len(kept) == len(self.days):
            # No day of the meeting at all cannot be an invite (an event without an
            # occurrence); the registration always holds one, so it is every day then.
            return self
        if len(kept) == 1:
            # One day of several: a plain event on that day rather than a rule whose other
            # occurrences are all excluded. Every client shows a single event the same way,
            # while some ignore EXDATE, or still show an excluded DTSTART (RFC 5545 lets
            # EXDATE remove it, and readers have differed on that); nor does the client ask
            # "this occurrence or the series?" for one day. Changing days later turns it
            # into the series (or back) by an ordinary iTIP update: same UID, higher
            # SEQUENCE, no RECURRENCE-ID, which replaces the whole event, as Outlook's own
            # "make recurring" and "remove recurrence" updates do.
            day = kept[0]
            return Schedule(self.start_on(day), self.end_on(day), (day,))
        return replace(self, excluded=tuple(day for day in self.days if day not in wanted))


def in_zone(instant: datetime, meeting) -> datetime:
    """An instant as the meeting's zone writes it: UTC (``Z``) for the UTC zones, else its TZID."""
    return instant.astimezone(UTC if meeting.timezone in UTC_ZONES else meeting.zone)


def meeting_schedule(meeting) -> Schedule:
    """The meeting's occurrences: each day's hours in its zone, or each day as an all-day event."""
    if not meeting.dates_confirmed:
        raise UndatedMeetingError(f"meeting {meeting.slug!r} has no dates yet")
    days = tuple(meeting.days)
    if not meeting.has_times:
        return Schedule(meeting.start_date, meeting.start_date + timedelta(days=1), days)
    start, end = in_zone(meeting.starts_at, meeting), in_zone(meeting.ends_at, meeting)
    first_end = datetime.combine(meeting.start_date, end.time(), start.tzinfo)
    if len(days) == 1 or first_end <= start:
        # One day; or hours that end before they start (through the night), which are no
        # daily hours: one event from the first start to the last end, as entered.
        return Schedule(start, end, (meeting.start_date,))
    return Schedule(start, first_end, days)
