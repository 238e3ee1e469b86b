"""How dates, times and zones of a meeting read on a page: always in the meeting's own zone,
in the interface's language (``app.locale.interface_locale``, which follows ``writing_in``).

English keeps its own formatter: Babel's ``en_GB`` intervals abbreviate the months and
space the dashes, and the pages have long read "19–20 October 2016". Other languages take
their month and day names and numbers from Babel: "14 novembre 2018", "1er décembre 2026",
"19–20 octobre 2016", "30 novembre – 2 décembre 2026". Times read "09:00" in both. Zone
abbreviations are the zone database's (EAT, CET, CEST), not Babel's short names
(EAT would read "+0300").
"""

from datetime import date, datetime, timedelta

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.numbers import format_decimal
from flask_babel import gettext, lazy_gettext

from app.locale import DEFAULT_LOCALE, interface_locale
from app.meetings.services import RegistrationState, get_registration_state, get_registration_window

#: What a page and the registration form say of a registration window's instants. Each is a
#: whole sentence, so that it translates as one; the day, time and zone are filled in.
REGISTRATION_OPENS = lazy_gettext("Registration opens on {day} at {time} {zone}.")
REGISTRATION_CLOSES = lazy_gettext("Registration closes on {day} at {time} {zone}.")
REGISTRATION_CLOSED = lazy_gettext("Registration closed on {day} at {time} {zone}.")


def _english() -> bool:
    return interface_locale() == DEFAULT_LOCALE


def _day_number(day: date, locale: str) -> str:
    """'14'; in French the first of a month is '1er'."""
    return "1er" if locale == "fr" and day.day == 1 else str(day.day)


def _babel_day(day: date, locale: str, with_year: bool = True) -> str:
    """'14 novembre 2018' or '1er décembre' (day, month, year: the order French and the
    site's other languages use)."""
    text = f"{_day_number(day, locale)} {babel_date(day, 'MMMM', locale=locale)}"
    return f"{text} {day.year}" if with_year else text


def format_day(day, with_year=True):
    """'14 November 2018' / '14 novembre 2018'; '1er décembre' without the year."""
    if _english():
        text = f"{day.day} {day:%B}"
        return f"{text} {day.year}" if with_year else text
    return _babel_day(day, interface_locale(), with_year)


def format_weekday(day) -> str:
    """'Monday' / 'lundi'."""
    return f"{day:%A}" if _english() else babel_date(day, "EEEE", locale=interface_locale())


def format_dates(meeting) -> str:
    """'24–25 May 2016', '30 November – 2 December 2026', or 'Dates to be confirmed'."""
    if not meeting.dates_confirmed:
        return gettext("Dates to be confirmed")
    start, end = meeting.start_date, meeting.end_date
    if start == end:
        return format_day(start)
    if (start.year, start.month) == (end.year, end.month):
        if _english():
            return f"{start.day}–{end.day} {end:%B} {end.year}"
        locale = interface_locale()
        return f"{_day_number(start, locale)}–{format_day(end)}"
    if start.year == end.year:
        return f"{format_day(start, with_year=False)} – {format_day(end)}"
    return f"{format_day(start)} – {format_day(end)}"


def format_time(instant: datetime, meeting) -> str:
    """'09:00' in the meeting's zone."""
    local = meeting.local(instant)
    return f"{local:%H:%M}" if _english() else babel_time(local.time(), "HH:mm", locale=interface_locale())


def zone_abbreviation(instant: datetime, meeting) -> str:
    """'EAT', 'CET' or 'CEST': the abbreviation in force at that instant; the UTC offset if the zone has none."""
    local = meeting.local(instant)
    name = local.tzname() or ""
    if name[:1] in "+-":
        offset = local.utcoffset().total_seconds() / 3600
        return f"UTC{offset:+g}"
    return name


def _sentence_at(sentence, instant: datetime, meeting, *, ends=False) -> str:
    local = meeting.local(instant)
    day, time = local.date(), format_time(instant, meeting)
    if ends and time == "00:00":  # the end of the day before, which "on 18 December at 00:00" would hide
        day, time = day - timedelta(days=1), "24:00"
    return str(sentence).format(day=format_day(day), time=time, zone=zone_abbreviation(instant, meeting))


def registration_sentence(meeting, now: datetime) -> str | None:
    """'Registration opens on 1 December 2026 at 09:00 EAT.', '... closes on ...' or
    '... closed on ...', in the meeting's zone at ``now``. None when there is no such
    instant to tell: no online registration, a cancelled meeting, a window with no end."""
    state = get_registration_state(meeting, now)
    opens, closes = get_registration_window(meeting)
    if state is RegistrationState.NOT_YET_OPEN:
        return _sentence_at(REGISTRATION_OPENS, opens, meeting)
    if state.takes_registrations and closes is not None:
        return _sentence_at(REGISTRATION_CLOSES, closes, meeting, ends=True)
    if state is RegistrationState.CLOSED and not meeting.is_cancelled:
        return _sentence_at(REGISTRATION_CLOSED, closes, meeting, ends=True)
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
    """'640 bytes', '12 KB', '1.5 MB' ('1,5 Mo' in French)."""
    locale = interface_locale()
    if size < 1024:
        return gettext("%(size)s bytes", size=format_decimal(size, "0", locale=locale))
    if size < 1024 * 1024:
        return gettext("%(size)s KB", size=format_decimal(round(size / 1024), "0", locale=locale))
    return gettext("%(size)s MB", size=format_decimal(size / (1024 * 1024), "0.0", locale=locale))


def language_name(code: str) -> str:
    """The name of the language ``code`` in the interface's: 'English' / 'anglais'."""
    try:
        return Locale.parse(code).get_language_name(interface_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code
