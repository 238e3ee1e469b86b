"""Malformed input on the public pages gets the answer the README promises: dropped with a
notice on the pages, ignored on the feed, a 400 in the API, a 404 for what does not exist;
and no query string can grow the caches."""

import pytest

from app.extensions import page_cache
from app.meetings.models import MeetingType
from tests.helpers.factories import make_document, make_meeting, make_past_meeting


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/%00",
        "/meetings/a%00b",
        "/meetings/%00/register",
        "/meetings/%00.ics",
        "/api/v1/meetings/%00",
        "/meetings/" + "x" * 500,
    ],
)
def test_a_nul_or_impossible_slug_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_a_nul_in_the_search_is_dropped_with_a_notice(client):
    make_past_meeting(title="Thematic Meeting on Smuggling")
    page = client.get("/meetings/archive?q=smug%00gling")
    assert page.status_code == 200
    assert "control characters; it was ignored" in page.text
    assert "Thematic Meeting on Smuggling" in page.text


@pytest.mark.parametrize(
    "query, notice",
    [
        ("year=%C2%B2", "is not a year"),
        ("page=%C2%B2", "page number is not valid"),
        ("year=%D9%A2%D9%A0%D9%A1%D9%A6", "is not a year"),
    ],
)
def test_non_ascii_digits_are_dropped_with_a_notice(client, query, notice):
    page = client.get(f"/meetings/archive?{query}")
    assert page.status_code == 200 and notice in page.text


@pytest.mark.parametrize("query", ["page=%C2%B2", "per_page=%C2%B3", "year=%C2%B2", "q=%00"])
def test_the_api_answers_a_bad_value_with_a_400_naming_it(client, query):
    response = client.get(f"/api/v1/meetings?{query}")
    assert response.status_code == 400
    assert response.json["error"]["status"] == 400 and response.json["error"]["message"]


@pytest.mark.parametrize("query", ["year=%C2%B2", "page=%C2%B2", "type=%00", "q=%00", "country=%00%00"])
def test_the_feed_ignores_bad_values(client, query):
    make_meeting(title="Steering Committee Meeting")
    response = client.get(f"/calendar.ics?{query}")
    assert response.status_code == 200
    assert b"Steering Committee Meeting" in response.data


@pytest.mark.parametrize("document_id", [2**31, 2**31 - 1, 2**63, 10**30])
def test_a_document_id_out_of_range_is_not_found(client, document_id):
    meeting = make_meeting()
    make_document(meeting)
    assert client.get(f"/meetings/{meeting.slug}/documents/{document_id}/x.pdf").status_code == 404


# --- caches ---------------------------------------------------------------------------


@pytest.fixture
def config_overrides():
    return {"PAGE_CACHE_SECONDS": 30}


def entries() -> int:
    return len(page_cache.cache._cache)


@pytest.mark.parametrize(
    "path",
    [
        "/calendar.ics",
        "/",
        "/meetings/archive",
        "/api/v1/meetings",
        "/calendar.ics?type=nonsense",
        "/meetings/archive?type=nonsense",
    ],
)
def test_a_query_string_that_changes_nothing_adds_no_cache_entry(client, path):
    meeting = make_meeting()
    client.get(f"/meetings/{meeting.slug}.ics")
    separator = "&" if "?" in path else "?"
    client.get(f"{path}{separator}cb=0")
    cached = entries()
    for number in range(1, 40):
        assert client.get(f"{path}{separator}cb={number}").status_code == 200
        if "nonsense" in path:
            client.get(path.replace("nonsense", f"nonsense{number}"))
    assert entries() <= cached + 1


def test_different_known_filters_are_still_different_feeds(client):
    make_meeting(title="A training", meeting_type=MeetingType.TRAINING)
    make_meeting(title="A thematic meeting")
    training = client.get("/calendar.ics?type=training&cb=1").data
    everything = client.get("/calendar.ics?cb=2").data
    assert b"A thematic meeting" not in training and b"A thematic meeting" in everything
