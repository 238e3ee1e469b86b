"""Three independent iCalendar readers (icalendar, vobject, ical), the RFC 5545 line checks, hostile text.

Each reader turns a calendar into plain dicts, one per VEVENT, with every instant in
UTC, so a test can assert that all of them understood the same thing. Each also expands
the events' recurrences its own way (icalendar through recurring-ical-events, vobject's
dateutil rruleset, ical's timeline) into one dict per occurrence.
"""

import re
import uuid
from datetime import UTC, date, datetime

import icalendar
import recurring_ical_events
import vobject
from ical.calendar_stream import IcsCalendarStream

HOSTILE_TITLE = "Return, readmission; reintegration \\ አዲስ አበባ · الخرطوم 🌍🤝 meeting, part 2;"
HOSTILE_VENUE = 'Conference hall "Africa"; UNECA, ክፍል ፩ · قاعة الصداقة 🏛️, wing B'


def long_text(length=2000):
    """Commas, semicolons, backslashes, newlines, Amharic, Arabic and emoji, exactly ``length`` characters."""
    piece = "Line one, with commas; semicolons \\ backslash.\nአዲስ አበባ ላይ ስብሰባ — اجتماع في الخرطوم 🇪🇹🇸🇩✨\n"
    return (piece * (length // len(piece) + 1))[:length]


def check_lines(data: bytes) -> list[bytes]:
    """Assert RFC 5545 3.1 on raw bytes: CRLF only, at most 75 octets a line, no character split."""
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")[:-1]
    for line in lines:
        assert b"\r" not in line and b"\n" not in line, line
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # raises if a fold split a multi-byte character
    return lines


def _text(data) -> str:
    return data if isinstance(data, str) else data.decode("utf-8")


def unfold(data) -> str:
    return _text(data).replace("\r\n ", "").replace("\r\n\t", "")


def content_lines(data: bytes, name: str) -> list[str]:
    """The unfolded lines that start with a property name (and maybe parameters), e.g. 'DTSTART;TZID'."""
    return [line for line in unfold(data).split("\r\n") if re.match(rf"{re.escape(name)}[;:=]", line)]


def event_lines(data: bytes, name: str) -> list[str]:
    """Like ``content_lines``, but only the lines of VEVENTs (a VTIMEZONE has RRULEs too)."""
    lines, inside = [], False
    for line in unfold(data).split("\r\n"):
        inside = (inside or line == "BEGIN:VEVENT") and line != "END:VEVENT"
        if inside and re.match(rf"{re.escape(name)}[;:=]", line):
            lines.append(line)
    return lines


def rename_zones(data: bytes, zones) -> str:
    """The calendar with each IANA zone renamed, so a reader can only use the VTIMEZONE we wrote.

    The new names are unique: vobject and icalendar remember a zone by its TZID for the
    rest of the process, and must not reuse one read from another test's calendar.
    """
    text = unfold(data)
    for zone in zones:
        name = f"X-Test-{uuid.uuid4().hex}"
        text = text.replace(f"TZID:{zone}\r\n", f"TZID:{name}\r\n").replace(f"TZID={zone}:", f"TZID={name}:")
    return text


def _utc(value):
    if isinstance(value, datetime):
        assert value.tzinfo is not None, "floating time"
        return value.astimezone(UTC)
    assert isinstance(value, date)
    return value


def read_icalendar(text) -> list[dict]:
    calendar = icalendar.Calendar.from_ical(text)
    return [
        {
            "uid": str(e["UID"]),
            "summary": str(e["SUMMARY"]),
            "description": str(e["DESCRIPTION"]),
            "location": str(e.get("LOCATION", "")),
            "status": str(e["STATUS"]),
            "sequence": int(e["SEQUENCE"]),
            "start": _utc(e["DTSTART"].dt),
            "end": _utc(e["DTEND"].dt),
            "url": str(e["URL"]),
        }
        for e in calendar.walk("VEVENT")
    ]


def read_vobject(text) -> list[dict]:
    calendar = vobject.readOne(_text(text))
    events = []
    for e in getattr(calendar, "vevent_list", []):
        events.append(
            {
                "uid": e.uid.value,
                "summary": e.summary.value,
                "description": e.description.value,
                "location": e.location.value if hasattr(e, "location") else "",
                "status": e.status.value,
                "sequence": int(e.sequence.value),
                "start": _utc(e.dtstart.value),
                "end": _utc(e.dtend.value),
                "url": e.url.value,
            }
        )
    return events


def read_ical(text) -> list[dict]:
    calendar = IcsCalendarStream.calendar_from_ics(_text(text))
    return [
        {
            "uid": e.uid,
            "summary": e.summary,
            "description": e.description,
            "location": e.location or "",
            "status": e.status.value,
            "sequence": e.sequence,
            "start": _utc(e.dtstart),
            "end": _utc(e.dtend),
            "url": e.url,
        }
        for e in calendar.events
    ]


READERS = {"icalendar": read_icalendar, "vobject": read_vobject, "ical": read_ical}


def read_all(data, *, zones=()) -> list[dict]:
    """The events as every reader sees them; asserts the readers agree and returns their reading.

    With ``zones``, the readers are given the calendar with those zones renamed, so
    the instants they compute come from our VTIMEZONE and not from their own zone data.
    """
    text = rename_zones(data, zones) if zones else _text(data)
    readings = {name: read(text) for name, read in READERS.items()}
    first = readings["icalendar"]
    for name, events in readings.items():
        assert events == first, f"{name} read the calendar differently from icalendar"
    return first


# --- Occurrences ------------------------------------------------------------------------

#: Every expansion covers this span: wider than any meeting a test makes.
EXPAND_FROM, EXPAND_TO = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def occurrence(uid, start, end, status) -> dict:
    """One occurrence as every expander reports it: instants in UTC, or dates for all-day ones."""
    return {"uid": str(uid), "start": _utc(start), "end": _utc(end), "status": str(status)}


def in_order(occurrences) -> list[dict]:
    return sorted(occurrences, key=lambda o: (o["start"].isoformat(), o["uid"]))


def expand_icalendar(text) -> list[dict]:
    calendar = icalendar.Calendar.from_ical(text)
    return in_order(
        occurrence(e["UID"], e["DTSTART"].dt, e["DTEND"].dt, e["STATUS"])
        for e in recurring_ical_events.of(calendar).between(EXPAND_FROM, EXPAND_TO)
    )


def expand_vobject(text) -> list[dict]:
    """Each VEVENT's dateutil rruleset; each occurrence lasts DTEND − DTSTART (RFC 5545's exact duration)."""
    calendar = vobject.readOne(_text(text))
    occurrences = []
    for e in getattr(calendar, "vevent_list", []):
        start, end = e.dtstart.value, e.dtend.value
        rules = e.getrruleset(addRDate=True)
        for instance in rules if rules is not None else [start]:
            if isinstance(start, datetime):
                first = instance.astimezone(UTC)
                occurrences.append(occurrence(e.uid.value, first, first + (_utc(end) - _utc(start)), e.status.value))
            else:  # dateutil expands dates as naive midnights
                day = instance.date() if isinstance(instance, datetime) else instance
                occurrences.append(occurrence(e.uid.value, day, day + (end - start), e.status.value))
    return in_order(occurrences)


def expand_ical(text) -> list[dict]:
    calendar = IcsCalendarStream.calendar_from_ics(_text(text))
    return in_order(occurrence(e.uid, e.dtstart, e.dtend, e.status.value) for e in calendar.timeline_tz(UTC))


EXPANDERS = {"icalendar": expand_icalendar, "vobject": expand_vobject, "ical": expand_ical}


def expand_all(data, *, zones=()) -> list[dict]:
    """The occurrences as every reader expands them; asserts the readers agree and returns them.

    ``zones`` as for ``read_all``: renamed, so the instants come from our VTIMEZONE.
    """
    text = rename_zones(data, zones) if zones else _text(data)
    expansions = {name: expand(text) for name, expand in EXPANDERS.items()}
    first = expansions["icalendar"]
    for name, occurrences in expansions.items():
        assert occurrences == first, f"{name} expanded the calendar differently from icalendar"
    return first
