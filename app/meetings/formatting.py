"""How dates, times and zones of a meeting read on a page: always in the meeting's own zone."""

from datetime import datetime, timedelta

from app.meetings.services import RegistrationState, get_registration_state, get_registration_window

#: What a page and the registration form say of a registration window's instants. Each is a
#: whole sentence, so that it translates as one; the day, time and zone are filled in.
REGISTRATION_OPENS = "Registration opens on {day} at {time} {zone}."
REGISTRATION_CLOSES = "Registration closes on {day} at {time} {zone}."
REGISTRATION_CLOSED = "Registration closed on {day} at {time} {zone}."


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


def _sentence_at(sentence: str, instant: datetime, meeting) -> str:
    local = meeting.local(instant)
    day, time = local.date(), format_time(instant, meeting)
    if time == "00:00":  # the end of the day before, which "on 18 December at 00:00" would hide
        day, time = day - timedelta(days=1), "24:00"
    return sentence.format(day=format_day(day), time=time, zone=zone_abbreviation(instant, meeting))


def registration_sentence(meeting, now: datetime) -> str | None:
    """'Registration opens on 1 December 2026 at 09:00 EAT.', '... closes on ...' or
    '... closed on ...', in the meeting's zone at ``now``. None when there is no such
    instant to tell: no online registration, a cancelled meeting, a window with no end."""
    state = get_registration_state(meeting, now)
    opens, closes = get_registration_window(meeting)
    if state is RegistrationState.NOT_YET_OPEN:
        return _sentence_at(REGISTRATION_OPENS, opens, meeting)
    if state.takes_registrations and closes is not None:
        return _sentence_at(REGISTRATION_CLOSES, closes, meeting)
    if state is RegistrationState.CLOSED and not meeting.is_cancelled:
        return _sentence_at(REGISTRATION_CLOSED, closes, meeting)
    return None


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
