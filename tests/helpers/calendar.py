"""Three independent iCalendar readers (icalendar, vobject, ical), the RFC 5545 line checks, hostile text.

Each reader turns a calendar into plain dicts, one per VEVENT, with every instant in
UTC, so a test can assert that all of them understood the same thing.
"""

import re
import uuid
from datetime import UTC, date, datetime

import icalendar
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


def unfold(data: bytes) -> str:
    return data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def content_lines(data: bytes, name: str) -> list[str]:
    """The unfolded lines that start with a property name (and maybe parameters), e.g. 'DTSTART;TZID'."""
    return [line for line in unfold(data).split("\r\n") if re.match(rf"{re.escape(name)}[;:=]", line)]


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
    calendar = vobject.readOne(text if isinstance(text, str) else text.decode("utf-8"))
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
    calendar = IcsCalendarStream.calendar_from_ics(text if isinstance(text, str) else text.decode("utf-8"))
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
    text = rename_zones(data, zones) if zones else (data if isinstance(data, str) else data.decode("utf-8"))
    readings = {name: read(text) for name, read in READERS.items()}
    first = readings["icalendar"]
    for name, events in readings.items():
        assert events == first, f"{name} read the calendar differently from icalendar"
    return first
