"""The .ics routes and feeds through the client: what they serve, filter, hide and answer to pollers."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import update

from app.calendar import invites, meeting_uid
from app.extensions import db, page_cache
from app.meetings.catalogue import CatalogueState, get_catalogue_state
from app.meetings.models import Domain, MeetingStatus, MeetingType
from tests.helpers.calendar import check_lines, content_lines, read_all
from tests.helpers.factories import make_meeting, make_past_meeting, make_session
from tests.helpers.locale import label_meeting_types_by_reader


def uids(response):
    assert response.status_code == 200, response.status_code
    check_lines(response.data)
    return [event["uid"] for event in read_all(response.data)]


def test_meeting_ics_is_a_calendar_download(app, client):
    meeting = make_meeting()
    response = client.get(f"/meetings/{meeting.slug}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{meeting.slug}.ics"'
    assert uids(response) == [meeting_uid(meeting)]
    assert client.get(f"/meetings/{meeting.slug}").mimetype == "text/html"  # the page route still answers


def test_the_ics_route_wins_over_the_meeting_page_even_for_slugs_with_dots(app, client):
    dotted = make_meeting(slug="som.2027")
    assert uids(client.get("/meetings/som.2027.ics")) == [meeting_uid(dotted)]
    assert client.get("/meetings/som.2027").mimetype == "text/html"


def test_programme_ics_adds_one_event_per_session(app, client):
    meeting = make_meeting()
    first = make_session(meeting, meeting.start_date, "09:00", "10:30", title="Opening")
    second = make_session(meeting, meeting.end_date, "14:00", "15:00", title="Conclusions")
    response = client.get(f"/meetings/{meeting.slug}.ics?programme=1")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{meeting.slug}-programme.ics"'
    assert uids(response) == [
        meeting_uid(meeting),
        f"meeting-{meeting.id}-session-{first.id}@meetings.test",
        f"meeting-{meeting.id}-session-{second.id}@meetings.test",
    ]


@pytest.mark.parametrize("status", [MeetingStatus.DRAFT, None])
def test_unknown_slugs_and_drafts_are_404(app, client, status):
    slug = make_meeting(status=status).slug if status else "no-such-meeting"
    response = client.get(f"/meetings/{slug}.ics")
    assert response.status_code == 404
    assert b"no published meeting" in response.data


def test_a_meeting_whose_dates_are_to_be_confirmed_has_no_ics(app, client):
    meeting = make_meeting(dates=())
    response = client.get(f"/meetings/{meeting.slug}.ics")
    assert response.status_code == 404
    assert b"dates of this meeting are not fixed yet" in response.data


def test_the_feed_holds_public_meetings_of_the_last_year_and_to_come(app, client, now):
    upcoming = make_meeting()
    cancelled = make_meeting(status=MeetingStatus.CANCELLED)
    recent = make_past_meeting(days_ago=300)
    make_past_meeting(days_ago=400)
    make_meeting(status=MeetingStatus.DRAFT)
    make_meeting(dates=())
    response = client.get("/calendar.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="meetings.ics"'
    events = {event["uid"]: event for event in read_all(response.data)}
    assert list(events) == [meeting_uid(m) for m in (recent, upcoming, cancelled)]
    assert events[meeting_uid(cancelled)]["status"] == "CANCELLED"


def test_feed_filters_by_type_country_and_domain(app, client):
    italy = make_meeting(country="IT", timezone="Europe/Rome", domain=Domain.RETURN)
    training = make_meeting(meeting_type=MeetingType.TRAINING, domain=Domain.PROTECTION)
    other = make_meeting()
    assert uids(client.get("/calendar.ics?type=training")) == [meeting_uid(training)]
    assert uids(client.get("/calendar.ics?country=it")) == [meeting_uid(italy)]
    assert uids(client.get("/calendar.ics?domain=protection")) == [meeting_uid(training)]
    assert uids(client.get("/calendar.ics?type=thematic-meeting&country=ET")) == [meeting_uid(other)]
    assert "X-WR-CALNAME:Khartoum Process Secretariat: meetings – Training · Italy" in client.get(
        "/calendar.ics?type=training&country=IT"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "type=nonsense",
        "country=Atlantis",
        "domain=%00%ff",
        "type=" + "x" * 5000,
        "year=abc&q=%27%22",
        "country=IT&type=nonsense",
    ],
)
def test_unknown_filter_values_give_a_corrected_feed(app, client, query):
    italy = make_meeting(country="IT", timezone="Europe/Rome")
    ethiopia = make_meeting()
    expected = [meeting_uid(italy)] if query.startswith("country=IT") else [meeting_uid(italy), meeting_uid(ethiopia)]
    assert uids(client.get(f"/calendar.ics?{query}")) == expected


def test_pollers_get_304_until_a_meeting_changes(app, client):
    meeting = make_meeting()
    first = client.get("/calendar.ics")
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/calendar.ics", headers={"If-Modified-Since": last_modified}).status_code == 304
    again = client.get("/calendar.ics")
    assert again.headers["ETag"] == etag and uids(again) == uids(first)  # the UID is stable across polls

    meeting.venue = "Sheraton Addis"
    db.session.commit()
    changed = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    [event] = read_all(changed.data)
    assert (event["uid"], event["sequence"]) == (meeting_uid(meeting), 1)
    assert client.get("/calendar.ics", headers={"If-None-Match": changed.headers["ETag"]}).status_code == 304


def test_a_description_change_gives_a_new_etag_but_the_same_sequence(app, client):
    meeting = make_meeting()
    etag = client.get(f"/meetings/{meeting.slug}.ics").headers["ETag"]
    meeting.summary = "New abstract."
    db.session.commit()
    response = client.get(f"/meetings/{meeting.slug}.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    [event] = read_all(response.data)
    assert event["sequence"] == 0 and event["description"].startswith("New abstract.")


def test_the_rendered_feed_is_cached_until_a_meeting_changes(app, client):
    app.config["PAGE_CACHE_SECONDS"] = 30
    meeting = make_meeting(title="Before")
    first = client.get("/calendar.ics")
    assert b"SUMMARY:Before" in first.data
    assert page_cache.get(f"calendar:{first.headers['ETag'][3:-1]}")[0] == first.data
    assert client.get("/calendar.ics").data == first.data
    meeting.title = "After"
    db.session.commit()
    assert b"SUMMARY:After" in client.get("/calendar.ics").data


def test_the_meeting_page_links_its_calendar_files(app, client):
    meeting = make_meeting()
    page = client.get(f"/meetings/{meeting.slug}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.slug}.ics"' in page and "Add to calendar" in page
    assert "Programme in your calendar" not in page
    make_session(meeting, meeting.start_date, "09:00", "10:00")
    page = client.get(f"/meetings/{meeting.slug}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.slug}.ics?programme=1"' in page
    undated = make_meeting(dates=())
    assert "Add to calendar" not in client.get(f"/meetings/{undated.slug}").get_data(as_text=True)


def test_the_meetings_list_offers_the_feed_as_webcal_and_https(app, client):
    """Both links point at BASE_URL, whatever host the request named."""
    page = client.get("/meetings/").get_data(as_text=True)
    assert 'href="webcal://meetings.test/calendar.ics"' in page
    assert 'href="http://meetings.test/calendar.ics"' in page
    app.config["BASE_URL"] = "https://meetings.example"
    https = client.get("/meetings/", base_url="https://elsewhere.example").get_data(as_text=True)
    assert 'href="https://meetings.example/calendar.ics"' in https
    assert 'href="webcal://meetings.example/calendar.ics"' in https


# --- The language of calendars, and the one catalogue version -------------------------


def categories(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return content_lines(response.data, "CATEGORIES")


def test_each_meetings_event_is_written_once_per_language(app, client, monkeypatch):
    label_meeting_types_by_reader(monkeypatch)  # the response cache is off: only the event cache runs
    meeting = make_meeting()
    for _ in range(2):
        assert categories(client.get("/calendar.ics?lang=fr")) == ["CATEGORIES:Thematic Meeting [fr]"]
        assert categories(client.get("/calendar.ics")) == ["CATEGORIES:Thematic Meeting [en]"]
        assert categories(client.get(f"/meetings/{meeting.slug}.ics?lang=ar")) == ["CATEGORIES:Thematic Meeting [ar]"]
    assert len(invites._event_cache) == 3


def test_a_cached_calendar_is_never_served_in_another_language(app, client, monkeypatch):
    app.config["PAGE_CACHE_SECONDS"] = 30
    label_meeting_types_by_reader(monkeypatch)
    make_meeting()
    french = client.get("/calendar.ics?lang=fr")
    english = client.get("/calendar.ics")
    assert categories(french) == ["CATEGORIES:Thematic Meeting [fr]"]
    assert categories(english) == ["CATEGORIES:Thematic Meeting [en]"]
    assert french.headers["ETag"] != english.headers["ETag"]
    assert client.get("/calendar.ics", headers={"If-None-Match": french.headers["ETag"]}).status_code == 200


def test_calendars_take_their_language_from_the_address_only(app, client, monkeypatch):
    label_meeting_types_by_reader(monkeypatch)
    meeting = make_meeting()
    client.set_cookie("lang", "fr")
    for path in ("/calendar.ics", f"/meetings/{meeting.slug}.ics"):
        response = client.get(path, headers={"Accept-Language": "fr"})
        assert categories(response) == ["CATEGORIES:Thematic Meeting [en]"], path
    assert categories(client.get("/calendar.ics?lang=fr")) == ["CATEGORIES:Thematic Meeting [fr]"]


def test_last_modified_is_when_the_catalogue_version_last_rose(app, client):
    meeting = make_meeting()
    long_ago = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    db.session.execute(update(CatalogueState).values(changed_at=long_ago))  # not a change to the catalogue
    db.session.commit()
    first = client.get("/calendar.ics")
    assert parsedate_to_datetime(first.headers["Last-Modified"]) == long_ago
    assert client.get("/calendar.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    assert client.get("/calendar.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    meeting.venue = "Sheraton Addis"
    db.session.commit()
    version, changed_at = get_catalogue_state()
    assert changed_at > long_ago + timedelta(days=1)
    changed = client.get("/calendar.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert changed.status_code == 200
    assert parsedate_to_datetime(changed.headers["Last-Modified"]) == changed_at.replace(microsecond=0)
    assert client.get("/calendar.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    ics = client.get(f"/meetings/{meeting.slug}.ics")
    assert ics.headers["Last-Modified"] == changed.headers["Last-Modified"]  # the same one version
    assert client.get("/calendar.ics", headers={"If-None-Match": changed.headers["ETag"]}).status_code == 304


def test_the_version_never_moves_back_in_time(app):
    meeting = make_meeting()
    ahead = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)  # set by an instance whose clock is ahead
    db.session.execute(update(CatalogueState).values(changed_at=ahead))
    db.session.commit()
    version, _ = get_catalogue_state()
    meeting.title = "Renamed"
    db.session.commit()
    assert get_catalogue_state() == (version + 1, ahead)
