"""How dates, times and zones of a meeting read on a page: always in the meeting's own zone."""

from datetime import datetime


def format_day(day, with_year=True):
    text = f"{day.day} {day:%B}"
    return f"{text} {day.year}" if with_year else text


def format_dates(meeting) -> str:
    """'24–25 May 2016', '30 November – 2 December 2026', or 'Dates to be confirmed'."""
    if not meeting.dates_confirmed:
        return "Dates to be confirmed"
    start, end = meeting.start_date, meeting.end_date
    if start == end:
        return format_day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B} {end.year}"
    if start.year == end.year:
        return f"{format_day(start, with_year=False)} – {format_day(end)}"
    return f"{format_day(start)} – {format_day(end)}"


def format_time(instant: datetime, meeting) -> str:
    """'09:00' in the meeting's zone."""
    return f"{meeting.local(instant):%H:%M}"


def zone_abbreviation(instant: datetime, meeting) -> str:
    """'EAT', 'CET' or 'CEST': the abbreviation in force at that instant; the UTC offset if the zone has none."""
    local = meeting.local(instant)
    name = local.tzname() or ""
    if name[:1] in "+-":
        offset = local.utcoffset().total_seconds() / 3600
        return f"UTC{offset:+g}"
    return name


def format_times(meeting) -> str:
    """'09:00–17:30 EAT' (daily hours) or '' when only the dates are known."""
    if not meeting.has_times:
        return ""
    start, end = meeting.starts_at, meeting.ends_at
    start_zone, end_zone = zone_abbreviation(start, meeting), zone_abbreviation(end, meeting)
    if start_zone == end_zone:
        return f"{format_time(start, meeting)}–{format_time(end, meeting)} {end_zone}"
    return f"{format_time(start, meeting)} {start_zone} – {format_time(end, meeting)} {end_zone}"


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
