"""The reader's language: ?lang= over the remembered choice over Accept-Language, the
language-switch link, links that keep ?lang=, and Vary."""

import pytest

from app.locale import resolve_locale
from tests.helpers.factories import make_meeting


@pytest.mark.parametrize(
    "query, cookie, accept, expected",
    [
        ("lang=fr", "en", "en", "fr"),  # the address wins
        ("", "fr", "en", "fr"),  # then the remembered choice
        ("", "", "fr-CA,fr;q=0.9,en;q=0.5", "fr"),  # then the browser's
        ("", "", "de", "en"),  # then English
        ("lang=FR", "", "", "fr"),
        ("lang=ar", "", "fr", "ar"),  # a content language is kept as asked
        ("lang=xx", "fr", "", "fr"),  # an unknown code gives way to the next source
        ("lang=xx", "xx", "ar", "ar"),
        ("lang=", "", "", "en"),
    ],
)
def test_the_language_is_the_address_then_the_cookie_then_the_browser(app, query, cookie, accept, expected):
    headers = {"Accept-Language": accept} if accept else {}
    if cookie:
        headers["Cookie"] = f"lang={cookie}"
    with app.test_request_context(f"/?{query}", headers=headers):
        assert resolve_locale() == expected


def test_outside_a_request_the_language_is_english(app):
    assert resolve_locale() == "en"


def test_the_page_is_marked_with_the_interface_language(client):
    assert '<html lang="fr">' in client.get("/", headers={"Accept-Language": "fr"}).text
    assert '<html lang="en">' in client.get("/?lang=ar").text  # no Arabic interface: English
    client.set_cookie("lang", "fr")
    page = client.get("/", headers={"Accept-Language": "en"}).text
    assert '<html lang="fr">' in page
    assert '<html lang="en">' in client.get("/?lang=en").text


def test_the_language_switch_is_a_plain_link_that_sets_the_cookie_and_returns(client):
    page = client.get("/meetings/archive?type=training&lang=en").text
    assert '<a href="/language/fr?next=/meetings/archive?type%3Dtraining" lang="fr" hreflang="fr">Français</a>' in page
    assert (
        'href="/language/en?next=/meetings/archive?type%3Dtraining" lang="en" hreflang="en" aria-current="true"' in page
    )
    assert "<form" not in page.split('class="site-footer"')[1]

    response = client.get("/language/fr?next=/meetings/archive?type%3Dtraining%26lang%3Den")
    assert response.status_code == 303
    assert response.headers["Location"] == "/meetings/archive?type=training"  # lang= would override the choice
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=fr;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie
    assert response.headers["Cache-Control"] == "no-store"
    assert '<html lang="fr">' in client.get("/meetings/archive?type=training").text


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/meetings/archive?page=2&type=training", "/meetings/archive?page=2&type=training"),
        ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),  # a path of this site
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("////evil.example/", "/"),
        ("/\\evil.example/", "/"),  # browsers read a backslash as a slash
        ("\\\\evil.example", "/"),
        ("/\t/evil.example", "/"),  # and drop tabs and line breaks
        ("/\n/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http:/evil.example", "/"),
        ("meetings/archive", "/"),
    ],
)
def test_the_language_switch_returns_to_this_site_only(client, target, expected):
    response = client.get("/language/fr", query_string={"next": target})
    assert response.status_code == 303 and response.headers["Location"] == expected


def test_an_unknown_language_cannot_be_chosen(client):
    response = client.get("/language/xx?next=/")
    assert response.status_code == 404 and "Set-Cookie" not in response.headers


def test_links_the_app_builds_keep_an_explicit_lang(client):
    meeting = make_meeting()
    page = client.get("/?lang=fr").text
    assert 'href="/meetings/archive?lang=fr"' in page and f'href="/meetings/{meeting.slug}?lang=fr"' in page
    assert 'href="/static/css/site.css"' in page  # the same file in every language
    assert '/language/en?next=/"' in page  # the switch leaves the explicit language behind
    detail = client.get(f"/meetings/{meeting.slug}?lang=fr").text
    assert f'href="/meetings/{meeting.slug}.ics?lang=fr"' in detail  # the calendar in the page's language

    plain = client.get("/", headers={"Accept-Language": "fr"}).text
    assert "lang=fr" not in plain and 'href="/meetings/archive"' in plain
    assert "lang=xx" not in client.get("/?lang=xx").text  # nothing unknown is passed on


@pytest.mark.parametrize("config_overrides", [{"PAGE_CACHE_SECONDS": 300}])
def test_pages_vary_on_what_chose_their_language_and_calendars_on_nothing(client, config_overrides):
    meeting = make_meeting()
    for path in ("/", f"/meetings/{meeting.slug}", "/meetings/archive", "/no-such-page"):
        response = client.get(path)
        assert {"Accept-Language", "Cookie"} <= set(response.vary), path
        assert response.headers["X-Content-Type-Options"] == "nosniff"  # the policy's headers beside Vary
    assert "Accept-Language" not in client.get("/api/v1/meetings").vary  # English whoever asks
    assert "Accept-Language" not in client.get("/?lang=fr").vary  # the address chose it
    client.set_cookie("lang", "fr")
    for path in ("/calendar.ics", f"/meetings/{meeting.slug}.ics"):
        response = client.get(path, headers={"Accept-Language": "fr"})
        assert "Vary" not in response.headers, path


def test_writing_for_a_delegate_sets_flask_babels_language_too(app):
    from flask_babel import get_locale

    from app.locale import interface_locale, resolve_locale, writing_in

    with app.test_request_context("/?lang=en"):
        assert str(get_locale()) == "en"
        with writing_in("fr"):
            assert (interface_locale(), str(get_locale())) == ("fr", "fr")
        with writing_in("ar"):  # Arabic content, an English interface until a catalogue exists
            assert (resolve_locale(), interface_locale(), str(get_locale())) == ("ar", "en", "en")
        with writing_in("xx"):
            assert str(get_locale()) == "en"
        assert (interface_locale(), str(get_locale())) == ("en", "en")
    with writing_in("fr"):  # a worker or a command: no request at all
        assert (interface_locale(), str(get_locale())) == ("fr", "fr")
