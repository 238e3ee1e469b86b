"""Every iCalendar byte the application sends is built here (RFC 5545, iTIP RFC 5546).

Times are written in the meeting's own zone (``TZID=<IANA name>`` plus a VTIMEZONE
generated from the zone data) so a delegate's client converts them to the
delegate's zone; meetings known only by their dates are all-day events with the
exclusive DTEND that RFC 5545 asks for. A meeting over several days is one event
per day by a daily rule (``schedule``), in the public calendars and the invites alike.
A meeting whose dates are to be confirmed cannot be an event at all (DTSTART is
required), so the builders refuse it.

Public calendars (a meeting's .ics, the feeds) carry DTSTAMP = LAST-MODIFIED = the
meeting's last change, so a meeting's event is the same bytes until it changes and
is kept in a per-process cache; personal invites are stamped when they are sent.

An event is written in one language: a feed's or .ics's is its address's (``?lang=``), a
personal invite's the delegate's (it is built inside ``app.locale.writing_in``). The words
the app adds ("This meeting has been cancelled.") are the interface's; the meeting's own
title, summary and venue are its content in that language, or in the original when it has
none. SUMMARY and DESCRIPTION say with RFC 5545's LANGUAGE parameter which language they
are in when it is not English and the whole text is in it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext
from icalendar import Calendar, Event, vCalAddress, vDuration
from sqlalchemy import inspect

from app.calendar.ics import assemble, display_name, serialise, text
from app.calendar.schedule import Schedule, in_zone, meeting_schedule
from app.calendar.timezones import UTC_ZONES, vtimezone
from app.locale import DEFAULT_LOCALE, interface_locale, resolve_locale, setting_in_language
from app.meetings.content import location, shown
from app.meetings.formatting import format_day

#: How often subscribed clients should fetch a feed again.
FEED_REFRESH = timedelta(hours=6)
ATTENDEE_ROLES = frozenset({"CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT"})
_EVENT_CACHE_SIZE = 5000
_event_cache: dict[tuple, "_Written"] = {}


@dataclass(frozen=True)
class _Written:
    """A VEVENT written out, with the (zone, year) pairs its times use (for the VTIMEZONEs)."""

    data: bytes
    zones: frozenset


def _config(name):
    return current_app.config[name]


def _host() -> str:
    return urlsplit(_config("BASE_URL")).hostname or "localhost"


def meeting_uid(meeting) -> str:
    """The UID of a meeting in feeds and .ics files: stable, so a re-import updates it."""
    return f"meeting-{meeting.id}@{_host()}"


def session_uid(session) -> str:
    return f"meeting-{session.meeting_id}-session-{session.id}@{_host()}"


def meeting_url(meeting) -> str:
    """The absolute address of the meeting's public page (works outside a request too)."""
    path = current_app.url_map.bind("localhost").build("meetings.meeting", {"slug": meeting.slug})
    return _config("BASE_URL") + path


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _revision(meeting) -> datetime:
    return meeting.updated_at.astimezone(UTC) if meeting.updated_at else _now()


def _organizer() -> vCalAddress:
    organizer = vCalAddress(f"mailto:{_config('SECRETARIAT_EMAIL')}")
    organizer.params["CN"] = display_name(setting_in_language("SECRETARIAT_NAME"))
    return organizer


@dataclass(frozen=True)
class _Wording:
    """A text property's value, and the one language all of it is in (None when it mixes them)."""

    value: str
    language: str | None


def _in(*languages: str | None) -> str | None:
    """The language of a text made of pieces in ``languages``: theirs if they agree."""
    return languages[0] if languages and all(language == languages[0] for language in languages) else None


def _description(meeting, url, locale: str) -> _Wording:
    ours = interface_locale()  # the language of the words the app adds
    parts = [gettext("This meeting has been cancelled.")] if meeting.is_cancelled else []
    summary = shown(meeting, "summary", locale)
    languages = [ours]
    if summary.text:
        parts.append(summary.text)
        languages.append(summary.language)
    parts.append(gettext("Details: %(url)s", url=url))
    return _Wording("\n\n".join(parts), _in(*languages))


def _session_description(session, url, locale: str) -> _Wording:
    ours = interface_locale()
    lines = [gettext("Speakers: %(names)s", names=session.speakers)] if session.speakers else []
    lines += [gettext("Moderator: %(names)s", names=session.moderators)] if session.moderators else []
    description = shown(session, "description", locale)
    title = shown(session.meeting, "title", locale)
    parts = [description.text] if description.text else []
    parts += ["\n".join(lines)] if lines else []
    parts.append(gettext("Part of %(title)s: %(url)s#programme", title=title.text, url=url))
    if session.meeting.programme_version and session.meeting.programme_updated_at:
        day = format_day(session.meeting.local(session.meeting.programme_updated_at).date())
        parts.append(gettext("Programme updated on %(day)s.", day=day))
    languages = [ours, title.language] + ([description.language] if description.text else [])
    return _Wording("\n\n".join(parts), _in(*languages))


def _add_text(event: Event, name: str, value: _Wording) -> None:
    """A TEXT property, with LANGUAGE when it is all in one language other than English
    (English is what a reader assumes, and what every event said before it had a language)."""
    if value.language and value.language != DEFAULT_LOCALE:
        event.add(name, text(value.value), parameters={"LANGUAGE": value.language})
    else:
        event.add(name, text(value.value))


def _event(meeting, *, uid, start, end, summary, description, location, url, stamp, sequence, status):
    """A VEVENT with what every event of a meeting carries."""
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", stamp)
    event.add("DTSTART", start)
    event.add("DTEND", end)
    _add_text(event, "SUMMARY", summary)
    _add_text(event, "DESCRIPTION", description)
    if location:
        event.add("LOCATION", text(location))
    event.add("ORGANIZER", _organizer())
    event.add("STATUS", status)
    event.add("CATEGORIES", [str(meeting.meeting_type.label)])
    event.add("URL", url)
    event.add("SEQUENCE", sequence)
    event.add("LAST-MODIFIED", _revision(meeting))
    return event


def _repeat(event: Event, schedule: Schedule) -> Event:
    """The daily rule of a meeting over several days, and the days left out of it."""
    if schedule.count > 1:
        event.add("RRULE", {"FREQ": "DAILY", "COUNT": schedule.count})
    for value in schedule.exdates:
        # One value a line, of DTSTART's type and zone (icalendar writes the same TZID
        # or VALUE=DATE): every reader takes several EXDATE lines.
        event.add("EXDATE", value)
    return event


def _meeting_event(meeting, schedule: Schedule, *, stamp, uid=None, sequence=None, status=None) -> Event:
    url = meeting_url(meeting)
    locale = resolve_locale()
    title = shown(meeting, "title", locale)
    event = _event(
        meeting,
        uid=uid or meeting_uid(meeting),
        start=schedule.start,
        end=schedule.end,
        summary=_Wording(title.text, title.language),
        description=_description(meeting, url, locale),
        location=location(meeting, locale),
        url=url,
        stamp=stamp,
        sequence=meeting.ical_sequence if sequence is None else sequence,
        status=status or ("CANCELLED" if meeting.is_cancelled else "CONFIRMED"),
    )
    return _repeat(event, schedule)


def programme_sequence(meeting) -> int:
    """A programme session's SEQUENCE: the meeting's, plus the programme's version, which rises
    with each change announced to confirmed delegates (app.meetings.programme); both only rise."""
    return meeting.ical_sequence + (meeting.programme_version or 0)


def _programme_revision(meeting) -> datetime:
    """A session's LAST-MODIFIED: the later of the meeting's change and the programme's announced one."""
    revision = _revision(meeting)
    if meeting.programme_updated_at is not None:
        revision = max(revision, meeting.programme_updated_at.astimezone(UTC))
    return revision


def _session_event(session) -> Event:
    meeting = session.meeting
    url = meeting_url(meeting)
    locale = resolve_locale()
    title, meeting_title = shown(session, "title", locale), shown(meeting, "title", locale)
    event = _event(
        meeting,
        uid=session_uid(session),
        start=in_zone(session.starts_at, meeting),
        end=in_zone(session.ends_at, meeting),
        summary=_Wording(f"{title.text} – {meeting_title.text}", _in(title.language, meeting_title.language)),
        description=_session_description(session, url, locale),
        location=", ".join(part for part in (session.room, location(meeting, locale)) if part),
        url=url,
        stamp=_programme_revision(meeting),
        sequence=programme_sequence(meeting),
        status="CANCELLED" if meeting.is_cancelled else "CONFIRMED",
    )
    del event["LAST-MODIFIED"]
    event.add("LAST-MODIFIED", _programme_revision(meeting))
    return event


def _write(event: Event, schedule: Schedule | None = None) -> _Written:
    """The event's bytes, and the (zone, year) pairs of its first start and end and of its
    last occurrence, which a VTIMEZONE must cover."""
    values = [event["DTSTART"].dt, event["DTEND"].dt]
    if schedule is not None:
        values.append(schedule.start_on(schedule.days[-1]))
    zones = set()
    for value in values:
        key = getattr(getattr(value, "tzinfo", None), "key", None)
        if key and key not in UTC_ZONES:
            zones.add((key, value.year))
    return _Written(serialise(event), frozenset(zones))


def _write_public(meeting) -> _Written:
    schedule = meeting_schedule(meeting)
    return _write(_meeting_event(meeting, schedule, stamp=_revision(meeting)), schedule)


def _public_event(meeting) -> _Written:
    """The meeting's public event, written once per version of the meeting and language, and kept.

    What invalidates an entry: the meeting's updated_at or SEQUENCE moving (its key changes).
    """
    if meeting.id is None or meeting.updated_at is None or inspect(meeting).modified:
        return _write_public(meeting)  # not a stored version
    key = (
        resolve_locale(),  # the event's words and its content are in the reader's language
        meeting.id,
        meeting.updated_at,
        meeting.ical_sequence,
        *(_config(name) for name in ("BASE_URL", "SECRETARIAT_EMAIL")),
        setting_in_language("SECRETARIAT_NAME"),
    )
    written = _event_cache.get(key)
    if written is None:
        if len(_event_cache) >= _EVENT_CACHE_SIZE:
            _event_cache.clear()
        written = _event_cache[key] = _write_public(meeting)
    return written


@lru_cache(maxsize=512)
def _timezone(zone: str, first_year: int, last_year: int) -> bytes:
    return serialise(vtimezone(zone, first_year, last_year))


def _head(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("PRODID", f"-//{_config('SECRETARIAT_NAME')}//Meetings//EN")
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    return calendar


def _with_events(calendar: Calendar, events: list[_Written]) -> bytes:
    """The calendar around written events, with one VTIMEZONE per zone they use."""
    years = {}
    for event in events:
        for zone, year in event.zones:
            years.setdefault(zone, set()).add(year)
    zones = [_timezone(zone, min(used), max(used)) for zone, used in sorted(years.items())]
    return assemble(calendar, *zones, *(event.data for event in events))


def meeting_calendar(meeting, *, programme=False) -> bytes:
    """The meeting as one event; with ``programme``, plus one event per programme session."""
    events = [_public_event(meeting)]
    if programme:
        events += [_write(_session_event(session)) for session in meeting.sessions]
    return _with_events(_head("PUBLISH"), events)


def feed_calendar(meetings, *, name) -> bytes:
    """A calendar to subscribe to: the dated meetings among ``meetings``, one event each."""
    events = [_public_event(meeting) for meeting in meetings if meeting.dates_confirmed]
    calendar = _head("PUBLISH")
    calendar.add("NAME", text(name))
    calendar.add("X-WR-CALNAME", text(name))
    calendar.add("REFRESH-INTERVAL", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    return _with_events(calendar, events)


def _attendee(name: str, email: str, role: str) -> vCalAddress:
    email = (email or "").strip()
    if "@" not in email or any(c.isspace() for c in email):
        raise ValueError(f"not an email address: {email!r}")
    if role not in ATTENDEE_ROLES:
        raise ValueError(f"unknown attendee role {role!r}")
    attendee = vCalAddress(f"mailto:{email}")
    attendee.params.update(
        CN=display_name(name or email), ROLE=role, PARTSTAT="ACCEPTED", RSVP="FALSE", CUTYPE="INDIVIDUAL"
    )
    return attendee


def personal_invite(
    meeting,
    *,
    uid,
    attendee_name,
    attendee_email,
    role="REQ-PARTICIPANT",
    cancel=False,
    sequence=None,
    attended_days: list[date] | None = None,
) -> bytes:
    """A delegate's invite (METHOD:REQUEST) or its withdrawal (METHOD:CANCEL) for one meeting.

    ``uid`` must be stable for the meeting and the delegate. SEQUENCE defaults to the
    meeting's; a cancellation of a meeting that is itself still on goes one higher,
    because a client ignores a CANCEL that is not newer than the invite it holds.
    DTSTAMP is the time of sending, as iTIP asks. ``attended_days`` (dates in the
    meeting's zone; None for every day) leaves the other days out of the daily rule.
    A cancellation carries no RECURRENCE-ID, so it withdraws the whole series.
    """
    if sequence is None:
        sequence = meeting.ical_sequence + (1 if cancel and not meeting.is_cancelled else 0)
    schedule = meeting_schedule(meeting).attended(attended_days)
    status = "CANCELLED" if cancel else None
    event = _meeting_event(meeting, schedule, stamp=_now(), uid=uid, sequence=sequence, status=status)
    event.add("ATTENDEE", _attendee(attendee_name, attendee_email, role))
    return _with_events(_head("CANCEL" if cancel else "REQUEST"), [_write(event, schedule)])
