from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.meetings import cache
from app.meetings.models import MeetingStatus, MeetingType
from tests.helpers.factories import make_document, make_meeting, make_past_meeting, make_session


def test_upcoming_meetings_as_json(client, now):
    meeting = make_meeting(
        title="Steering Committee Meeting",
        timezone="Europe/Rome",
        city="Rome",
        country="IT",
        dates=(date(2027, 1, 28),) * 2,
        times=(time(9, 30), time(17)),
        registration_opens_at=now - timedelta(days=1),
    )
    make_meeting(status=MeetingStatus.DRAFT)
    data = client.get("/api/v1/meetings").get_json()
    assert (data["total"], data["page"], data["pages"], data["when"]) == (1, 1, 1, "upcoming")
    [item] = data["meetings"]
    assert item["slug"] == meeting.slug and item["title"] == "Steering Committee Meeting"
    assert item["starts_at"] == "2027-01-28T08:30:00Z"
    assert item["starts_at_local"] == "2027-01-28T09:30:00+01:00"
    assert item["timezone"] == "Europe/Rome" and item["country_name"] == "Italy"
    assert item["registration"] == "open"
    assert item["url"].endswith(f"/meetings/{meeting.slug}")


def test_past_meetings_filtered_and_paginated(client):
    for i in range(5):
        make_past_meeting(days_ago=20 + i, meeting_type=MeetingType.TRAINING, title=f"Training {i}")
    make_past_meeting(meeting_type=MeetingType.THEMATIC_MEETING)
    data = client.get("/api/v1/meetings?when=past&type=training&per_page=2&page=3").get_json()
    assert (data["total"], data["pages"], data["page"]) == (5, 3, 3)
    assert [m["title"] for m in data["meetings"]] == ["Training 4"]
    assert data["filters"] == {"type": "training"}


def test_a_meeting_with_programme_and_documents(client):
    meeting = make_meeting(dates=(date(2026, 12, 9), date(2026, 12, 10)), timezone="Africa/Nairobi")
    make_session(meeting, date(2026, 12, 9), "09:00", "10:00", "Opening", speakers="Kenya", room="Tsavo")
    make_document(meeting, b"%PDF-1.4 x", title="Concept note", filename="concept-note.pdf")
    data = client.get(f"/api/v1/meetings/{meeting.slug}").get_json()
    [session] = data["programme"]
    assert session["title"] == "Opening" and session["starts_at"] == "2026-12-09T06:00:00Z"
    assert session["starts_at_local"] == "2026-12-09T09:00:00+03:00"
    [document] = data["documents"]
    assert document["title"] == "Concept note" and document["size"] == 10
    assert client.get(document["url"].replace("http://localhost", "")).data == b"%PDF-1.4 x"


def test_errors_are_json_with_a_message(client):
    for url, status in [
        ("/api/v1/meetings?year=abc", 400),
        ("/api/v1/meetings?type=concert", 400),
        ("/api/v1/meetings?page=0", 400),
        ("/api/v1/meetings?per_page=1000", 400),
        ("/api/v1/meetings?when=someday", 400),
        ("/api/v1/meetings?page=7", 404),
        ("/api/v1/meetings/no-such-meeting", 404),
        ("/api/v1/nothing-here", 404),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.is_json and response.get_json()["error"]["message"], url


def test_drafts_are_not_in_the_api(client):
    draft = make_meeting(status=MeetingStatus.DRAFT)
    assert client.get(f"/api/v1/meetings/{draft.slug}").status_code == 404


# --- The registration window: both instants in UTC, and the state -------------------------------

#: A year ahead of any day the tests run on; the instants of 2026 below are behind every run.
YEAR = date.today().year + 1


def at(zone: str, *fields) -> datetime:
    """An instant given as a local time in ``zone``."""
    return datetime(*fields, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_of(client, meeting) -> tuple:
    """(state, opens, closes) from the meeting's own answer, checked against its entry in the list."""
    detail = client.get(f"/api/v1/meetings/{meeting.slug}").get_json()
    window = (detail["registration"], detail["registration_opens_at"], detail["registration_closes_at"])
    when = "past" if meeting.ends_at <= datetime.now(UTC) else "upcoming"
    [listed] = [
        m for m in client.get(f"/api/v1/meetings?when={when}").get_json()["meetings"] if m["slug"] == meeting.slug
    ]
    assert (listed["registration"], listed["registration_opens_at"], listed["registration_closes_at"]) == window
    return window


def test_the_window_in_utc_before_it_opens_while_open_and_after_it_closes(client):
    rome = dict(timezone="Europe/Rome", city="Rome", country="IT", dates=(date(YEAR, 4, 20),) * 2)
    not_yet = make_meeting(
        registration_opens_at=at("Europe/Rome", YEAR, 3, 20, 9),  # CET, UTC+1
        registration_closes_at=at("Europe/Rome", YEAR, 4, 10, 17, 30),  # CEST, UTC+2
        **rome,
    )
    assert window_of(client, not_yet) == ("not-yet-open", f"{YEAR}-03-20T08:00:00Z", f"{YEAR}-04-10T15:30:00Z")
    open_ = make_meeting(
        registration_opens_at=at("Africa/Addis_Ababa", 2026, 1, 10, 9),
        registration_closes_at=at("Africa/Addis_Ababa", YEAR, 12, 15, 9),  # EAT, UTC+3
        dates=(date(YEAR, 12, 16),) * 2,
    )
    assert window_of(client, open_) == ("open", "2026-01-10T06:00:00Z", f"{YEAR}-12-15T06:00:00Z")
    closed = make_meeting(
        registration_opens_at=at("Europe/Rome", 2026, 2, 1, 9),
        registration_closes_at=at("Europe/Rome", 2026, 3, 2, 17, 30),
        **rome,
    )
    assert window_of(client, closed) == ("closed", "2026-02-01T08:00:00Z", "2026-03-02T16:30:00Z")


def test_without_a_closing_time_the_window_closes_when_the_meeting_ends(client):
    meeting = make_meeting(
        registration_opens_at=at("Africa/Addis_Ababa", 2026, 1, 10, 9),
        dates=(date(YEAR, 12, 16), date(YEAR, 12, 17)),
        times=(time(9), time(17, 30)),
    )
    assert window_of(client, meeting) == ("open", "2026-01-10T06:00:00Z", f"{YEAR}-12-17T14:30:00Z")
    full = make_meeting(registration_opens_at=at("Africa/Addis_Ababa", 2026, 1, 10, 9), capacity=1, seats_taken=1)
    assert window_of(client, full)[0] == "full"


def test_no_online_registration_cancelled_and_past(client):
    assert window_of(client, make_meeting()) == ("none", None, None)
    cancelled = make_meeting(
        status=MeetingStatus.CANCELLED,
        registration_opens_at=at("Africa/Addis_Ababa", 2026, 1, 10, 9),
        registration_closes_at=at("Africa/Addis_Ababa", YEAR, 12, 15, 9),
        dates=(date(YEAR, 12, 16),) * 2,
    )
    assert window_of(client, cancelled) == ("closed", "2026-01-10T06:00:00Z", f"{YEAR}-12-15T06:00:00Z")
    past = make_past_meeting(registration_opens_at=at("Africa/Addis_Ababa", 2026, 1, 10, 9, 15))
    assert window_of(client, past) == ("closed", "2026-01-10T06:15:00Z", utc(past.ends_at))


@pytest.mark.parametrize("config_overrides", [{"PAGE_CACHE_SECONDS": 3600}])
def test_a_cached_answer_changes_the_moment_registration_opens(client, monkeypatch, config_overrides):
    opens = at("Africa/Addis_Ababa", YEAR, 12, 1, 9, 30)  # 06:30 UTC: the half hour, inside one bucket
    meeting = make_meeting(registration_opens_at=opens, dates=(date(YEAR, 12, 16),) * 2)
    clock = [opens - timedelta(minutes=1)]
    monkeypatch.setattr(cache, "utcnow", lambda: clock[0])
    paths = (f"/api/v1/meetings/{meeting.slug}", "/api/v1/meetings")
    detail, listing = (client.get(path).get_json() for path in paths)
    assert detail["registration"] == listing["meetings"][0]["registration"] == "not-yet-open"
    clock[0] = opens + timedelta(minutes=1)
    detail, listing = (client.get(path).get_json() for path in paths)
    assert detail["registration"] == listing["meetings"][0]["registration"] == "open"
