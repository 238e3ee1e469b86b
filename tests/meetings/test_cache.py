"""The page cache: its version check (on PostgreSQL one held autocommit connection per thread),
and what it shares: only what is the same for every reader of a language."""

import os
import re
import time as time_module
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import make_response, session
from sqlalchemy import text

from app.auth.models import Role
from app.extensions import db, page_cache
from app.meetings import cache
from app.meetings.cache import cached_response, read_catalogue_state, read_catalogue_version
from app.meetings.catalogue import get_catalogue_state
from app.meetings.services import get_catalogue_version
from tests.helpers.accounts import make_account, sign_in
from tests.helpers.factories import make_meeting
from tests.helpers.locale import label_meeting_types_by_reader

on_postgres = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the held connection is used on PostgreSQL only",
)


def test_the_version_read_outside_the_session_is_the_sessions(app):
    make_meeting()
    assert read_catalogue_version() == get_catalogue_version() is not None
    make_meeting()
    assert read_catalogue_version() == get_catalogue_version()
    version, changed_at = read_catalogue_state()
    assert (version, changed_at) == get_catalogue_state() and changed_at.tzinfo is UTC


@on_postgres
@pytest.mark.parametrize("config_overrides", [{"PAGE_CACHE_SECONDS": 300}])
def test_a_lost_connection_is_replaced_and_pages_stay_right(app, client, config_overrides):
    meeting = make_meeting(title="Before the restart")
    assert "Before the restart" in client.get(f"/meetings/{meeting.slug}").text
    db.session.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )
    db.session.commit()
    meeting.title = "After the restart"
    db.session.commit()
    assert "After the restart" in client.get(f"/meetings/{meeting.slug}").text
    assert "After the restart" in client.get(f"/meetings/{meeting.slug}").text


# --- What is shared: only what is the same for every reader of a language ------------


@pytest.fixture
def config_overrides():
    return {"PAGE_CACHE_SECONDS": 300}  # the page cache on, as in production


def entries() -> int:
    return len(page_cache.cache._cache)


def visit(app, client, path):
    """``client``'s GET of ``path`` in an application context of its own, as every request has
    in production: the test's context would keep Flask-Login's signed-in account in ``g`` and
    serve it to the next client."""
    with app.app_context():
        return client.get(path)


def signed_in(app):
    """A client signed in to the back office through its sign-in form, and its account."""
    account = make_account(Role.ORGANISER)
    client = app.test_client()
    with app.app_context():
        assert sign_in(client, account).status_code == 302
    return client, account


BACK_OFFICE = '<a href="/manage/">Back office</a>'


def test_a_page_rendered_for_a_signed_in_reader_is_never_served_to_anyone_else(app, monkeypatch):
    label_meeting_types_by_reader(monkeypatch)
    meeting = make_meeting()
    path = f"/meetings/{meeting.slug}"
    client, account = signed_in(app)
    mine = visit(app, client, path)
    assert BACK_OFFICE in mine.text
    assert f"Thematic Meeting [en] (signed in as {account.get_id()})" in mine.text
    assert mine.headers["Cache-Control"] == "private, no-cache"
    assert entries() == 0
    anonymous = visit(app, app.test_client(), path)
    assert BACK_OFFICE not in anonymous.text and "signed in as" not in anonymous.text
    assert "Thematic Meeting [en]" in anonymous.text
    assert anonymous.headers["Cache-Control"] == "public, no-cache"


def test_a_cached_anonymous_page_is_never_served_to_a_signed_in_reader(app, monkeypatch):
    label_meeting_types_by_reader(monkeypatch)
    meeting = make_meeting()
    path = f"/meetings/{meeting.slug}"
    assert BACK_OFFICE not in visit(app, app.test_client(), path).text
    assert entries() == 1
    client, account = signed_in(app)
    mine = visit(app, client, path)
    assert BACK_OFFICE in mine.text and f"(signed in as {account.get_id()})" in mine.text
    assert mine.headers["Cache-Control"] == "private, no-cache"
    remembered = app.test_client()
    remembered.set_cookie("remember_token", "7|signature")  # Flask-Login's cookie, should one ever be set
    assert visit(app, remembered, path).headers["Cache-Control"] == "private, no-cache"


def test_a_page_with_a_flashed_message_is_neither_stored_nor_served_from_the_cache(app):
    meeting = make_meeting()
    path = f"/meetings/{meeting.slug}"
    assert "Saved." not in app.test_client().get(path).text  # cached for everyone
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("success", "Saved.")]
    assert "Saved." in visitor.get(path).text
    assert "Saved." not in app.test_client().get(path).text
    assert entries() == 1


def test_a_response_that_sets_a_cookie_or_changes_the_session_is_never_stored(app):
    renders = []

    def sets_a_cookie():
        renders.append("cookie")
        response = make_response(f"render {len(renders)}")
        response.set_cookie("choice", "mine")
        return response

    def writes_the_session():
        renders.append("session")
        session["seen"] = True
        return f"render {len(renders)}"

    app.add_url_rule("/sets-a-cookie", view_func=cached_response(sets_a_cookie))
    app.add_url_rule("/writes-the-session", view_func=cached_response(writes_the_session))
    for path, cookie in (("/sets-a-cookie", "choice=mine"), ("/writes-the-session", "session=")):
        first, second = app.test_client().get(path), app.test_client().get(path)
        assert first.text != second.text, path  # each rendered for its own reader
        assert second.headers["Set-Cookie"].startswith(cookie)
        assert second.headers["Cache-Control"] == "private, no-cache"
    assert entries() == 0


def test_text_in_one_language_is_never_served_for_another(app, monkeypatch):
    label_meeting_types_by_reader(monkeypatch)
    meeting = make_meeting()
    path = f"/meetings/{meeting.slug}"

    def label(accept=None, cookie=None):
        client = app.test_client()
        if cookie:
            client.set_cookie("lang", cookie)
        page = client.get(path, headers={"Accept-Language": accept} if accept else {}).text
        return page.split('<p class="eyebrow">')[1].split("</p>")[0]

    for _ in range(2):  # rendered, then served from the cache
        assert label("fr") == "Thematic Meeting [fr]"
        assert label() == "Thematic Meeting [en]"
        assert label("en", cookie="fr") == "Thematic Meeting [fr]"
        assert label("ar") == "Thematic Meeting [ar]"  # an English interface, but Arabic in the key
    assert entries() == 3
    assert label("de") == "Thematic Meeting [en]"  # English, and its cached copy
    assert entries() == 3


def test_a_page_named_in_the_address_keeps_its_links_to_itself(app):
    make_meeting()
    assert 'href="/meetings/archive?lang=fr"' in app.test_client().get("/?lang=fr").text
    chosen = app.test_client()
    chosen.set_cookie("lang", "fr")
    page = chosen.get("/").text  # French too, but no one asked for French links
    assert '<html lang="fr">' in page and "?lang=fr" not in page
    for number in range(10):  # an unknown code is English without lang=, not a new copy
        page = app.test_client().get(f"/?lang=zz{number}").text
        assert '<html lang="en">' in page and "?lang=" not in page and "zz" not in page
    assert entries() == 3


def test_a_query_the_key_leaves_out_is_never_stored_in_a_page(app):
    app.test_client().get("/?utm_source=planted")
    page = app.test_client().get("/").text  # the language links return to this page
    assert "planted" not in page and 'href="/language/fr?next=/"' in page


# --- A page that changes with the clock: registration opens or closes, the meeting ends ---------


class Clock:
    """The instant the cached views render at (``app.meetings.cache.utcnow``), moved by the test."""

    def __init__(self, monkeypatch, now):
        self.now = now
        monkeypatch.setattr(cache, "utcnow", lambda: self.now)

    def cross(self, instant, by=timedelta(minutes=1)):
        """From just before ``instant`` to just after it, within one bucket of the key (an hour
        here): only the instant itself can tell the two pages apart."""
        after = instant + by
        assert self.now < instant and after.timestamp() // 3600 == self.now.timestamp() // 3600
        self.now = after


def visible(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


@pytest.mark.parametrize("config_overrides", [{"PAGE_CACHE_SECONDS": 3600}])
def test_a_cached_page_changes_the_moment_registration_opens_closes_and_the_meeting_ends(
    app, client, monkeypatch, config_overrides
):
    year, zone = date.today().year + 1, ZoneInfo("Africa/Addis_Ababa")
    opens = datetime(year, 12, 1, 9, 30, tzinfo=zone).astimezone(UTC)
    closes = datetime(year, 12, 15, 9, 30, tzinfo=zone).astimezone(UTC)
    meeting = make_meeting(
        dates=(date(year, 12, 16), date(year, 12, 17)),
        times=(time(9), time(17, 30)),
        registration_opens_at=opens,
        registration_closes_at=closes,
    )
    path, minute = f"/meetings/{meeting.slug}", timedelta(minutes=1)
    clock = Clock(monkeypatch, opens - minute)
    before = client.get(path)
    assert f"Registration opens on 1 December {year} at 09:30 EAT." in visible(before)
    assert f"Registration opens on 1 December {year}" in visible(client.get("/"))
    assert client.get(path).text == before.text and entries() == 2  # served from the cache until then

    clock.cross(opens)
    etag = before.headers["ETag"]
    opened = client.get(path, headers={"If-None-Match": etag})
    assert opened.status_code == 200 and opened.headers["ETag"] != etag
    assert f"Registration open Register Registration closes on 15 December {year} at 09:30 EAT." in visible(opened)
    assert f"Registration closes on 15 December {year}" in visible(client.get("/"))

    clock.now = closes - minute
    assert client.get(path).text == opened.text  # cached again, up to the next change
    clock.cross(closes)
    closed = visible(client.get(path))
    assert f"Registration closed on 15 December {year} at 09:30 EAT." in closed and "Register " not in closed
    assert f"Registration closed on 15 December {year}" in visible(client.get("/"))

    clock.now = meeting.ends_at - minute
    assert "Add to calendar" in client.get(path).text and meeting.title in client.get("/").text
    clock.cross(meeting.ends_at)
    over = client.get(path).text
    assert "Download calendar file (.ics)" in over and "Add to calendar" not in over
    assert meeting.title not in client.get("/").text


@pytest.mark.parametrize("config_overrides", [{"PAGE_CACHE_SECONDS": 3600}])
def test_a_cached_entry_lasts_no_longer_than_the_window_allows(app, client, monkeypatch, config_overrides):
    opens = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3, seconds=90)
    meeting = make_meeting(registration_opens_at=opens)
    Clock(monkeypatch, opens - timedelta(seconds=40))
    client.get(f"/meetings/{meeting.slug}")
    [(expires, _)] = [v for k, v in page_cache.cache._cache.items() if k.endswith(f"/meetings/{meeting.slug}?")]
    assert 0 < expires - time_module.time() <= 41  # the store forgets it by the time the page changes
