from datetime import date, time, timedelta

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
