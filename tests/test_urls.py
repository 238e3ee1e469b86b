"""Absolute links come from BASE_URL, never from the request's Host header."""

import pytest

from app.urls import absolute_url
from tests.helpers.factories import make_document, make_meeting

FORGED = "http://evil.example"


@pytest.fixture
def config_overrides():
    return {"PAGE_CACHE_SECONDS": 300}  # the page cache on, as in production


def test_a_forged_host_never_reaches_a_cached_page(client):
    meeting = make_meeting()
    make_document(meeting)
    paths = ["/", "/meetings/", "/api/v1/meetings", f"/api/v1/meetings/{meeting.slug}"]
    for _ in range(4):
        for path in paths:
            forged = client.get(path, base_url=FORGED)
            assert forged.status_code == 200 and "evil.example" not in forged.text, path
    for path in paths:
        assert "evil.example" not in client.get(path).text, path

    home = client.get("/").text
    assert 'href="webcal://meetings.test/calendar.ics"' in home
    assert 'href="http://meetings.test/calendar.ics"' in home
    detail = client.get(f"/api/v1/meetings/{meeting.slug}").get_json()
    assert detail["url"] == f"http://meetings.test/meetings/{meeting.slug}"
    assert detail["api_url"] == f"http://meetings.test/api/v1/meetings/{meeting.slug}"
    assert detail["documents"][0]["url"].startswith(f"http://meetings.test/meetings/{meeting.slug}/documents/")
    [listed] = client.get("/api/v1/meetings").get_json()["meetings"]
    assert listed["url"] == detail["url"] and listed["api_url"] == detail["api_url"]


def test_absolute_urls_keep_base_urls_scheme_port_and_path(app):
    app.config["BASE_URL"] = "https://example.org:8443/registration"
    assert (
        absolute_url("calendar.feed", type="training")
        == "https://example.org:8443/registration/calendar.ics?type=training"
    )
