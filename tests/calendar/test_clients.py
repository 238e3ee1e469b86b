"""Every kind of output stored in a real CalDAV server (Radicale) and read back from it.

Radicale runs in a subprocess on a free loopback port with a temporary storage
folder and no authentication. Each calendar is uploaded the way a client does it
(a whole calendar PUT on a new collection; an invite PUT as one event resource,
its METHOD removed as RFC 4791 4.1 asks of a stored object), then fetched back
and read: the server must have accepted and kept what we wrote. A meeting over
several days is one event with a daily rule: the server expands it itself
(calendar-query with ``expand``, RFC 4791 9.6.5) and must find the same occurrences,
at the same instants, as the three readers here.
"""

import base64
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from xml.etree import ElementTree

import icalendar
import pytest

from app.calendar import meeting_uid, personal_invite
from tests.helpers.calendar import (
    EXPAND_FROM,
    EXPAND_TO,
    HOSTILE_TITLE,
    HOSTILE_VENUE,
    check_lines,
    event_lines,
    expand_all,
    in_order,
    long_text,
    occurrence,
    read_all,
    rename_zones,
    unfold,
)
from tests.helpers.factories import make_meeting, make_session

UTC = UTC
START_DEADLINE = 30  # seconds for Radicale to say it is ready
CALDAV = "urn:ietf:params:xml:ns:caldav"
#: Every VEVENT of a collection, its recurrences expanded by the server (the time range
#: also keeps events without a rule: Radicale's expand leaves them out without one).
EXPAND_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data><C:expand start="{start}" end="{end}"/></C:calendar-data></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start}" end="{end}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""


class Radicale:
    """A Radicale server owned by the test run, spoken to over HTTP."""

    def __init__(self, storage):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "radicale",
                "--config",
                "",
                "--server-hosts",
                f"127.0.0.1:{self.port}",
                "--auth-type",
                "none",
                "--storage-filesystem-folder",
                str(storage),
                "--logging-level",
                "info",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.process.stderr:
            self.log.put(line)
        self.log.put(None)

    def wait_until_ready(self):
        deadline = time.monotonic() + START_DEADLINE
        seen = []
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self.log.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break
            seen.append(line)
            if "Radicale server ready" in line:
                return
        raise RuntimeError("Radicale did not start:\n" + "".join(seen[-20:]))

    def request(self, method, path, body=None, content_type="text/calendar; charset=utf-8", headers=()):
        headers = {"Authorization": "Basic " + base64.b64encode(b"tester:x").decode(), **dict(headers)}
        if body is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def new_calendar(self):
        path = f"/tester/{uuid.uuid4().hex}/"
        status, body = self.request("MKCALENDAR", path)
        assert status == 201, body
        return path

    def expand(self, collection) -> list[dict]:
        """The occurrences the server computes: one expanded VEVENT each, in UTC, no rule left."""
        stamp = "%Y%m%dT%H%M%SZ"
        query = EXPAND_QUERY.format(start=EXPAND_FROM.strftime(stamp), end=EXPAND_TO.strftime(stamp))
        status, body = self.request(
            "REPORT", collection, query.encode(), "application/xml; charset=utf-8", {"Depth": "1"}
        )
        assert status == 207, body
        found = []
        for data in ElementTree.fromstring(body).iter(f"{{{CALDAV}}}calendar-data"):
            for e in icalendar.Calendar.from_ical(data.text).walk("VEVENT"):
                assert "RRULE" not in e and "EXDATE" not in e, "the server did not expand the event"
                found.append(occurrence(e["UID"], e["DTSTART"].dt, e["DTEND"].dt, e["STATUS"]))
        return in_order(found)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    server = Radicale(tmp_path_factory.mktemp("radicale"))
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


def store_calendar(radicale, data: bytes) -> bytes:
    """Upload a whole calendar as a new collection and fetch the collection back."""
    path = radicale.new_calendar()
    status, body = radicale.request("PUT", path, data)
    assert status in (200, 201), body
    status, stored = radicale.request("GET", path)
    assert status == 200
    return stored


def as_stored_object(invite: bytes) -> bytes:
    """What a client files in its calendar from an iTIP message: the object without METHOD."""
    return b"".join(line + b"\r\n" for line in invite.split(b"\r\n")[:-1] if not line.startswith(b"METHOD:"))


def hostile_meeting():
    meeting = make_meeting(
        dates=(date(2027, 3, 26), date(2027, 3, 29)),
        timezone="Europe/Rome",
        city="Rome",
        country="IT",
        title=HOSTILE_TITLE,
        venue=HOSTILE_VENUE,
        summary=long_text(2000),
    )
    make_session(meeting, date(2027, 3, 26), "09:00", "10:00", title="Before the switch")
    make_session(meeting, date(2027, 3, 29), "09:00", "10:00", title="After the switch")
    return meeting


def assert_same_events(stored: bytes, original: bytes):
    check_lines(original)
    by_uid = lambda event: event["uid"]  # noqa: E731  (the server may list them in another order)
    ours, theirs = sorted(read_all(original), key=by_uid), sorted(read_all(stored), key=by_uid)
    assert theirs == ours
    return theirs


def expanded_everywhere(radicale, data: bytes, *, zones=(), invite=False) -> list[dict]:
    """The occurrences of ``data`` as the three readers and the server expand them; all must agree.

    With ``zones`` renamed (see ``rename_zones``), everyone computes the instants from our VTIMEZONE.
    """
    check_lines(data)
    ours = expand_all(data, zones=zones)
    text = rename_zones(data, zones).encode() if zones else data
    collection = radicale.new_calendar()
    if invite:
        status, body = radicale.request("PUT", f"{collection}invite.ics", as_stored_object(text))
    else:
        status, body = radicale.request("PUT", collection, text)
    assert status in (200, 201), body
    assert radicale.expand(collection) == ours, "the server expanded the calendar differently"
    return ours


def utc(*fields) -> datetime:
    return datetime(*fields, tzinfo=UTC)


def test_the_meeting_ics_is_kept_by_a_caldav_server(app, client, radicale):
    meeting = hostile_meeting()
    original = client.get(f"/meetings/{meeting.slug}.ics").data
    [event] = assert_same_events(store_calendar(radicale, original), original)
    assert (event["uid"], event["summary"]) == (meeting_uid(meeting), HOSTILE_TITLE)
    assert event["description"].startswith(long_text(2000))
    # The first day's hours (09:00–17:00 CET), repeated on the four days.
    assert (event["start"], event["end"]) == (utc(2027, 3, 26, 8), utc(2027, 3, 26, 16))
    found = expanded_everywhere(radicale, original, zones=["Europe/Rome"])
    assert [(o["start"], o["end"]) for o in found] == [
        (utc(2027, 3, 26, 8), utc(2027, 3, 26, 16)),
        (utc(2027, 3, 27, 8), utc(2027, 3, 27, 16)),
        (utc(2027, 3, 28, 7), utc(2027, 3, 28, 15)),  # summer time from 02:00 that Sunday
        (utc(2027, 3, 29, 7), utc(2027, 3, 29, 15)),
    ]


def test_the_programme_ics_is_kept_with_summer_time_right(app, client, radicale):
    meeting = hostile_meeting()
    original = client.get(f"/meetings/{meeting.slug}.ics?programme=1").data
    stored = store_calendar(radicale, original)
    events = {event["summary"]: event for event in assert_same_events(stored, original)}
    assert events[f"Before the switch – {HOSTILE_TITLE}"]["start"] == datetime(2027, 3, 26, 8, tzinfo=UTC)
    assert events[f"After the switch – {HOSTILE_TITLE}"]["start"] == datetime(2027, 3, 29, 7, tzinfo=UTC)


def test_the_feed_is_kept_whole(app, client, radicale):
    meetings = [hostile_meeting(), make_meeting(), make_meeting(times=None, timezone="Europe/Berlin")]
    original = client.get("/calendar.ics").data
    events = assert_same_events(store_calendar(radicale, original), original)
    assert sorted(e["uid"] for e in events) == sorted(meeting_uid(m) for m in meetings)
    all_day = next(e for e in events if e["uid"] == meeting_uid(meetings[2]))
    assert isinstance(all_day["start"], date) and not isinstance(all_day["start"], datetime)
    assert (all_day["end"] - all_day["start"]).days == 1  # one day, repeated
    found = expanded_everywhere(radicale, original)
    assert [sum(o["uid"] == meeting_uid(m) for o in found) for m in meetings] == [4, 2, 2]


def test_an_invite_then_its_cancellation_replace_one_event(app, radicale):
    meeting = hostile_meeting()
    arguments = dict(
        uid="registration-42@meetings.test", attendee_name="ሀሰን, Ḥasan; 🙂", attendee_email="hasan@example.org"
    )
    request, cancel = personal_invite(meeting, **arguments), personal_invite(meeting, cancel=True, **arguments)
    collection = radicale.new_calendar()
    href = f"{collection}registration-42.ics"
    for message, status_after in ((request, "CONFIRMED"), (cancel, "CANCELLED")):
        check_lines(message)
        status, body = radicale.request("PUT", href, as_stored_object(message))
        assert status in (201, 204), body
        status, stored = radicale.request("GET", href)
        [event] = assert_same_events(stored, message)
        assert (event["uid"], event["status"]) == ("registration-42@meetings.test", status_after)
        assert "ATTENDEE;" in unfold(stored) and "PARTSTAT=ACCEPTED" in unfold(stored)
    status, listing = radicale.request("GET", collection)
    assert [e["uid"] for e in read_all(listing)] == ["registration-42@meetings.test"]
    assert read_all(listing)[0]["sequence"] == read_all(request)[0]["sequence"] + 1


# --- One occurrence a day, the same in every reader and in the server --------------------


def test_a_two_day_meeting_with_times_is_two_working_days_not_one_long_event(app, client, radicale):
    meeting = make_meeting(dates=(date(2027, 5, 18), date(2027, 5, 19)), times=(clock(9), clock(17, 30)))
    uid = meeting_uid(meeting)
    expected = [
        occurrence(uid, utc(2027, 5, 18, 6), utc(2027, 5, 18, 14, 30), "CONFIRMED"),  # Addis Ababa is UTC+3
        occurrence(uid, utc(2027, 5, 19, 6), utc(2027, 5, 19, 14, 30), "CONFIRMED"),
    ]
    ics = client.get(f"/meetings/{meeting.slug}.ics").data
    assert event_lines(ics, "DTEND") == ["DTEND;TZID=Africa/Addis_Ababa:20270518T173000"]
    assert event_lines(ics, "RRULE") == ["RRULE:FREQ=DAILY;COUNT=2"]
    assert expanded_everywhere(radicale, ics, zones=["Africa/Addis_Ababa"]) == expected
    assert expanded_everywhere(radicale, client.get("/calendar.ics").data) == expected
    assert all(o["end"] - o["start"] == timedelta(hours=8, minutes=30) for o in expected)


def rome_across_the_switch():
    """27–29 March 2027, 09:00–17:30 in Rome: summer time begins at 02:00 on the 28th."""
    return make_meeting(
        dates=(date(2027, 3, 27), date(2027, 3, 29)),
        times=(clock(9), clock(17, 30)),
        timezone="Europe/Rome",
        city="Rome",
        country="IT",
    )


@pytest.mark.parametrize("zones", [["Europe/Rome"], []], ids=["our VTIMEZONE", "their zone data"])
def test_each_day_starts_at_0900_in_rome_across_the_switch_to_summer_time(app, client, radicale, zones):
    meeting = rome_across_the_switch()
    ics = client.get(f"/meetings/{meeting.slug}.ics").data
    assert event_lines(ics, "DTSTART") == ["DTSTART;TZID=Europe/Rome:20270327T090000"]
    found = expanded_everywhere(radicale, ics, zones=zones)
    assert [(o["start"], o["end"]) for o in found] == [
        (utc(2027, 3, 27, 8), utc(2027, 3, 27, 16, 30)),
        (utc(2027, 3, 28, 7), utc(2027, 3, 28, 15, 30)),
        (utc(2027, 3, 29, 7), utc(2027, 3, 29, 15, 30)),
    ]


def test_an_all_day_meeting_is_one_all_day_event_a_day(app, client, radicale):
    meeting = make_meeting(dates=(date(2027, 2, 8), date(2027, 2, 10)), times=None, timezone="Europe/Malta")
    feed = client.get("/calendar.ics").data
    assert event_lines(feed, "DTSTART") == ["DTSTART;VALUE=DATE:20270208"]
    assert event_lines(feed, "DTEND") == ["DTEND;VALUE=DATE:20270209"]
    assert event_lines(feed, "RRULE") == ["RRULE:FREQ=DAILY;COUNT=3"]
    uid = meeting_uid(meeting)
    assert expanded_everywhere(radicale, feed) == [
        occurrence(uid, date(2027, 2, 8), date(2027, 2, 9), "CONFIRMED"),
        occurrence(uid, date(2027, 2, 9), date(2027, 2, 10), "CONFIRMED"),
        occurrence(uid, date(2027, 2, 10), date(2027, 2, 11), "CONFIRMED"),
    ]


def test_a_day_the_delegate_does_not_attend_is_absent_for_every_reader(app, radicale):
    meeting = rome_across_the_switch()
    arguments = dict(
        uid="registration-7@meetings.test",
        attendee_name="Amina Yusuf",
        attendee_email="amina@example.org",
        attended_days=[date(2027, 3, 27), date(2027, 3, 29)],
    )
    request = personal_invite(meeting, **arguments)
    assert event_lines(request, "EXDATE") == ["EXDATE;TZID=Europe/Rome:20270328T090000"]
    found = expanded_everywhere(radicale, request, zones=["Europe/Rome"], invite=True)
    assert [(o["uid"], o["start"], o["end"]) for o in found] == [
        ("registration-7@meetings.test", utc(2027, 3, 27, 8), utc(2027, 3, 27, 16, 30)),
        ("registration-7@meetings.test", utc(2027, 3, 29, 7), utc(2027, 3, 29, 15, 30)),
    ]
    # Its cancellation withdraws the whole series: same UID, no RECURRENCE-ID.
    cancel = personal_invite(meeting, cancel=True, **arguments)
    assert "RECURRENCE-ID" not in unfold(cancel) and event_lines(cancel, "RRULE") == ["RRULE:FREQ=DAILY;COUNT=3"]
    cancelled = expanded_everywhere(radicale, cancel, zones=["Europe/Rome"], invite=True)
    assert cancelled == [dict(o, status="CANCELLED") for o in found]
