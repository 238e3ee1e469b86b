"""The site in French and a meeting's Arabic content, in headless Chromium: the footer's
language switch and the remembered choice, axe-core and reflow at 320 px."""

import pytest
from playwright.sync_api import expect

from app.demo.loader import load_demo
from tests.browser.test_public_pages import DEVICES, OVERFLOW, open_page
from tests.helpers.accessibility import A11Y_PROBLEMS, serious_violations
from tests.helpers.public_pages import OPEN_MEETING, PublicPage, make_public_pages

pytestmark = pytest.mark.browser

#: The Arabic title the demo gives the meeting that takes registrations.
ARABIC_TITLE = "الاجتماع المواضيعي بشأن الاتجار بالبشر"


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True}  # the forms as served, with their CSRF token fields


def _in(language: str, page: PublicPage) -> PublicPage:
    separator = "&" if "?" in page.path else "?"
    return PublicPage(page.name, f"{page.path}{separator}lang={language}", page.submit_empty, page.status)


@pytest.fixture
def french_pages(app):
    return [_in("fr", page) for page in make_public_pages()]


@pytest.fixture
def small_phone(browser, devices):
    context = browser.new_context(**devices[DEVICES[320]])
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _problems(page, public_page, width=None) -> list[str]:
    """What axe, our own checks and (given a width) the reflow check find on the open page."""
    found = [f"{public_page.name}: {violation}" for violation in serious_violations(page)]
    found += [f"{public_page.name}: {problem}" for problem in page.evaluate(A11Y_PROBLEMS)]
    if width is not None:
        measured = page.evaluate(OVERFLOW)
        if not measured["scrollWidth"] <= measured["clientWidth"] <= measured["innerWidth"] == width:
            found.append(
                f"{public_page.name}: {measured['scrollWidth']}px wide on a {width}px screen; "
                f"too wide: {', '.join(measured['wide']) or '?'}"
            )
    return found


def test_the_footer_switch_changes_the_language_and_the_next_page_remembers_it(app, live_server, page):
    load_demo()
    page.goto(f"{live_server}/meetings/{OPEN_MEETING}")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    # Back on the page the reader was on, now in French, with no ?lang= in the address.
    expect(page).to_have_url(f"{live_server}/meetings/{OPEN_MEETING}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_attached()
    header = page.get_by_role("navigation", name="Menu principal")
    expect(header.get_by_role("link", name="Réunions à venir")).to_be_visible()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "lang"]
    assert cookie["value"] == "fr" and cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    # The next page, reached by a plain link, is in French too: the cookie carries the choice.
    header.get_by_role("link", name="Réunions passées").click()
    expect(page).to_have_url(f"{live_server}/meetings/archive")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    languages = page.get_by_role("navigation", name="Langue")
    expect(languages.get_by_role("link", name="Français")).to_have_attribute("aria-current", "true")
    expect(languages.get_by_role("link", name="English")).to_have_attribute("lang", "en")

    languages.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Past meetings")).to_be_visible()


def test_french_pages_pass_axe_and_do_not_scroll_sideways_at_320px(french_pages, live_server, browser, small_phone):
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    desktop.set_default_timeout(10_000)
    try:
        found = []
        for page, width in ((desktop.new_page(), None), (small_phone, 320)):
            for public_page in french_pages:
                found += open_page(page, live_server, public_page)
                if page.locator("html").get_attribute("lang") != "fr":
                    found.append(f"{public_page.name}: <html lang> is not fr")
                found += _problems(page, public_page, width)
    finally:
        desktop.close()
    assert found == [], "\n".join(found)


def test_a_meeting_with_arabic_content_reads_right_to_left_and_passes_axe(app, live_server, browser, small_phone):
    load_demo()
    meeting = PublicPage("meeting page in Arabic", f"/meetings/{OPEN_MEETING}?lang=ar")
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    desktop.set_default_timeout(10_000)
    try:
        found = []
        for page, width in ((desktop.new_page(), None), (small_phone, 320)):
            found += open_page(page, live_server, meeting)
            # The interface stays English until an Arabic catalogue exists; the content is Arabic.
            expect(page.locator("html")).to_have_attribute("lang", "en")
            title = page.locator('[lang="ar"][dir="rtl"]', has_text=ARABIC_TITLE).first
            expect(title).to_be_visible()
            assert title.evaluate("el => getComputedStyle(el).direction") == "rtl"
            found += _problems(page, meeting, width)
    finally:
        desktop.close()
    assert found == [], "\n".join(found)
