"""Benchmark of the calendar feed with 1,000 meetings (not a test): `.venv/bin/python bench/feed.py`.

Builds the meetings in a throw-away SQLite database, then times
  - feed_calendar() alone over the 1,000 meetings (the iCalendar builder),
    cold, and with each meeting's event already written (the state after a meeting changed),
  - GET /calendar.ics through the Flask test client: cold, just after one meeting
    changed, answered from the response cache, and a poller's conditional GET (304),
and prints the best and median of each. Options: --meetings N, --runs N.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.calendar import feed_calendar, invites  # noqa: E402
from app.calendar.services import list_feed_meetings  # noqa: E402
from app.calendar.timezones import vtimezone  # noqa: E402
from app.extensions import db, page_cache  # noqa: E402
from app.meetings.catalogue import CatalogueState  # noqa: E402
from app.meetings.models import Meeting, MeetingStatus, MeetingType  # noqa: E402
from config import TestingConfig  # noqa: E402

PLACES = [
    ("Africa/Addis_Ababa", "Addis Ababa", "ET"),
    ("Africa/Khartoum", "Khartoum", "SD"),
    ("Europe/Rome", "Rome", "IT"),
    ("Europe/Berlin", "Berlin", "DE"),
    ("Europe/Brussels", "Brussels", "BE"),
    ("Europe/Malta", "Valletta", "MT"),
]
SUMMARY = (
    "Delegates of the member states and organisations discuss return, readmission and reintegration; "
    "አዲስ አበባ · الخرطوم · 🌍. "
) * 3


def make_meetings(count: int):
    today = date.today()
    types = list(MeetingType)
    for number in range(count):
        zone, city, country = PLACES[number % len(PLACES)]
        meeting = Meeting(
            slug=f"bench-{number}",
            title=f"Thematic Meeting {number}, {city}; session {number % 7}",
            meeting_type=types[number % len(types)],
            timezone=zone,
            city=city,
            country=country,
            venue="Conference Centre, Hall B",
            summary=SUMMARY,
            status=MeetingStatus.CANCELLED if number % 25 == 0 else MeetingStatus.PUBLISHED,
        )
        start = today - timedelta(days=300) + timedelta(days=number % 1000)
        times = (clock(9), clock(17, 30)) if number % 4 else (None, None)
        meeting.set_schedule(start, start + timedelta(days=number % 3), *times)
        db.session.add(meeting)
    db.session.commit()


def timed(function, runs: int, setup=lambda: None) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds of each run; CPU time is what a busy machine distorts least."""
    results = []
    for _ in range(runs):
        setup()
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        results.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return results


def empty_caches():
    invites._event_cache.clear()
    invites._timezone.cache_clear()
    vtimezone.cache_clear()
    page_cache.clear()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config = TestingConfig()
        config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/feed.sqlite"
        config.PAGE_CACHE_SECONDS = 300
        app = create_app(config)
        with app.app_context():
            db.create_all()
            # The migrations seed the catalogue version's row, create_all does not; without
            # it the calendars have no ETag and no cache.
            db.session.add(CatalogueState(id=1, version=0))
            make_meetings(options.meetings)
            print(table(app, options))
            db.session.remove()
            db.engine.dispose()


def table(app, options) -> str:
    meetings = list_feed_meetings(datetime.now(UTC))
    body = feed_calendar(meetings, name="Bench")
    client = app.test_client()
    changes = iter(range(10**6))

    def change_one_meeting():
        meetings[0].title = f"Thematic Meeting, changed {next(changes)}"
        db.session.commit()

    def get(**headers):
        assert client.get("/calendar.ics", headers=headers).status_code in (200, 304)

    etag = client.get("/calendar.ics").headers["ETag"]
    runs = options.runs
    rows = [
        (
            "feed_calendar(), cold (no cache at all)",
            timed(lambda: feed_calendar(meetings, name="B"), runs, setup=empty_caches),
        ),
        ("feed_calendar(), each meeting's event cached", timed(lambda: feed_calendar(meetings, name="B"), runs)),
        ("GET /calendar.ics, cold (no cache at all)", timed(get, runs, setup=empty_caches)),
        ("GET /calendar.ics, just after a meeting changed", timed(get, runs, setup=change_one_meeting)),
        ("GET /calendar.ics, cached response", timed(get, runs * 5)),
    ]
    etag = client.get("/calendar.ics").headers["ETag"]
    rows.append(("GET /calendar.ics, If-None-Match (304)", timed(lambda: get(**{"If-None-Match": etag}), runs * 5)))
    lines = [
        f"Calendar feed: {len(meetings)} meetings, {len(body) / 1024:.0f} KiB, "
        f"{body.count(b'BEGIN:VTIMEZONE')} time zones",
        "",
        f"| {'what':<48} | runs | best ms | median ms | median CPU ms |",
        f"| {'-' * 48} | ---: | ------: | --------: | ------------: |",
    ]
    for label, results in rows:
        wall, cpu = [r[0] for r in results], [r[1] for r in results]
        lines.append(
            f"| {label:<48} | {len(results):>4} | {min(wall):>7.1f} | {statistics.median(wall):>9.1f} "
            f"| {statistics.median(cpu):>13.1f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
