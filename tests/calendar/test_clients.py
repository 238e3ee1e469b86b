"""Every kind of output stored in a real CalDAV server (Radicale) and read back from it.

Radicale runs in a subprocess on a free loopback port with a temporary storage
folder and no authentication. Each calendar is uploaded the way a client does it
(a whole calendar PUT on a new collection; an invite PUT as one event resource,
its METHOD removed as RFC 4791 4.1 asks of a stored object), then fetched back
and read: the server must have accepted and kept what we wrote.
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
from datetime import UTC, date, datetime

import pytest

from app.calendar import meeting_uid, personal_invite
from tests.helpers.calendar import (
    HOSTILE_TITLE,
    HOSTILE_VENUE,
    check_lines,
    long_text,
    read_all,
    unfold,
)
from tests.helpers.factories import make_meeting, make_session

UTC = UTC
START_DEADLINE = 30  # seconds for Radicale to say it is ready


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

    def request(self, method, path, body=None, content_type="text/calendar; charset=utf-8"):
        headers = {"Authorization": "Basic " + base64.b64encode(b"tester:x").decode()}
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


def test_the_meeting_ics_is_kept_by_a_caldav_server(app, client, radicale):
    meeting = hostile_meeting()
    original = client.get(f"/meetings/{meeting.slug}.ics").data
    [event] = assert_same_events(store_calendar(radicale, original), original)
    assert (event["uid"], event["summary"]) == (meeting_uid(meeting), HOSTILE_TITLE)
    assert event["description"].startswith(long_text(2000))
    assert event["start"] == datetime(2027, 3, 26, 8, tzinfo=UTC)
    assert event["end"] == datetime(2027, 3, 29, 15, tzinfo=UTC)


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
    assert (all_day["end"] - all_day["start"]).days == 2


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
