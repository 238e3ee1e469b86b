"""The public pages as a user meets them, in headless Chromium."""

import io
import re
from datetime import date

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.demo.loader import load_demo
from app.extensions import db
from app.meetings.models import MeetingType
from tests.helpers.accessibility import A11Y_PROBLEMS
from tests.helpers.factories import make_meeting

pytestmark = pytest.mark.browser

ADDIS_2016 = "2nd-thematic-meeting-return-readmission-reintegration-addis-2016"


@pytest.fixture
def demo(app):
    load_demo()


def test_upcoming_lists_the_demo_meetings_and_marks_the_cancelled_one(demo, live_server, page):
    page.goto(live_server + "/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Upcoming meetings")
    titles = page.locator(".card-title").all_inner_texts()
    assert titles[:2] == [
        "Technical stock-taking meeting on the Joint Valletta Action Plan",
        "Thematic Meeting on Trafficking in Human Beings",
    ]  # soonest first
    assert "Training on Document Fraud Detection" in titles
    assert "2nd Thematic Meeting on Return, Readmission and Reintegration" not in titles  # past

    cancelled = page.locator(".card", has_text="Joint Valletta Action Plan")
    expect(cancelled.get_by_text("Cancelled", exact=True)).to_be_visible()
    title_link = cancelled.get_by_role("link")
    assert "line-through" in title_link.evaluate("a => getComputedStyle(a).textDecorationLine")
    nairobi = page.locator(".card", has_text="Trafficking in Human Beings")
    expect(nairobi.get_by_text("Cancelled", exact=True)).to_have_count(0)
    expect(nairobi).to_contain_text("Registration open")


def test_keyboard_user_tabs_to_skip_link_first_and_it_moves_focus_to_the_content(demo, live_server, page):
    page.goto(live_server + "/meetings/" + ADDIS_2016)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is not on screen"
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside the content, past the header's links
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def _archive_data():
    for number in range(1, 24):
        make_meeting(
            title=f"Matching meeting {number:02}",
            meeting_type=MeetingType.THEMATIC_MEETING,
            dates=(date(2019, 1, number), date(2019, 1, number)),
            commit=False,
        )
    for number in range(1, 4):
        make_meeting(
            title=f"Other year {number}",
            meeting_type=MeetingType.THEMATIC_MEETING,
            dates=(date(2018, 3, number), date(2018, 3, number)),
            commit=False,
        )
        make_meeting(
            title=f"Other type {number}",
            meeting_type=MeetingType.TRAINING,
            dates=(date(2019, 3, number), date(2019, 3, number)),
            commit=False,
        )
    db.session.commit()


def test_archive_filters_combine_and_survive_pagination(app, live_server, page):
    _archive_data()
    page.goto(live_server + "/meetings/archive")
    expect(page.locator(".result-count")).to_contain_text("29 meetings")

    page.get_by_label("Meeting type").select_option(label="Thematic Meeting")
    page.get_by_label("Year").select_option(label="2019")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"type=thematic-meeting"))
    expect(page.locator(".result-count")).to_have_text("23 meetings · Page 1 of 2")
    cards = page.locator(".card")
    expect(cards).to_have_count(20)
    assert all(t.startswith("Matching meeting") for t in page.locator(".card-title").all_inner_texts())

    page.get_by_role("navigation", name="Pages").get_by_role("link", name="2", exact=True).click()

    expect(page.locator(".result-count")).to_have_text("23 meetings · Page 2 of 2")
    query = page.url.split("?", 1)[1].split("&")
    assert sorted(query) == ["page=2", "type=thematic-meeting", "year=2019"]
    expect(page.get_by_label("Meeting type")).to_have_value("thematic-meeting")
    expect(page.get_by_label("Year")).to_have_value("2019")
    # Newest first: page 2 holds the three oldest matching meetings.
    assert page.locator(".card-title").all_inner_texts() == [
        "Matching meeting 03",
        "Matching meeting 02",
        "Matching meeting 01",
    ]
    expect(page.get_by_role("link", name="Previous")).to_have_attribute(
        "href", re.compile(r"(?=.*type=thematic-meeting)(?=.*year=2019)")
    )


@pytest.fixture
def far_away_context(browser):
    """A browser whose own clock is in New Zealand: times on the page must not follow it."""
    context = browser.new_context(timezone_id="Pacific/Auckland", accept_downloads=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_meeting_page_shows_times_in_the_meetings_zone(demo, live_server, far_away_context):
    page = far_away_context.new_page()
    page.goto(live_server + "/meetings/" + ADDIS_2016)

    facts = page.locator(".facts-meeting")
    expect(facts).to_contain_text("19–20 October 2016")
    expect(facts).to_contain_text("09:00–17:30 EAT")
    expect(facts).to_contain_text("Africa/Addis Ababa")
    first_session = page.locator(".session").first
    expect(first_session.locator(".session-time")).to_have_text("09:00–10:00 EAT")
    expect(page.locator(".programme-day").first).to_contain_text("19 October 2016")

    page.goto(live_server + "/meetings/2nd-informal-working-group-rome-2016")
    expect(page.locator(".facts-meeting")).to_contain_text("10:00–16:00 CEST")


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


SMALLEST_TEXT = """() => {
  const sizes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el.getClientRects().length) continue;
    if (el.closest('.skip-link')) continue;  // off screen until focused
    sizes.push([parseFloat(getComputedStyle(el).fontSize), walker.currentNode.textContent.trim().slice(0, 40)]);
  }
  return sizes.sort((a, b) => a[0] - b[0])[0];
}"""


@pytest.mark.parametrize(
    "path", ["/meetings/" + ADDIS_2016, "/meetings/thematic-meeting-trafficking-nairobi", "/", "/meetings/archive"]
)
def test_pages_fit_a_phone_without_horizontal_scrolling(demo, live_server, phone, path):
    phone.goto(live_server + path)

    assert phone.evaluate("window.innerWidth") == 375, "the page does not use the device width"
    width = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"
    assert phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    size, text = phone.evaluate(SMALLEST_TEXT)
    assert size >= 13, f"text too small to read on a phone: {size}px ({text!r})"


def test_document_link_downloads_the_pdf(demo, live_server, page):
    page.goto(live_server + "/meetings/" + ADDIS_2016)
    row = page.locator(".documents tr", has_text="Joint conclusions")
    expect(row).to_contain_text("Joint conclusions — EN / FR")  # one document, its language versions

    with page.expect_download() as info:
        row.get_by_role("link", name="FR", exact=True).click()
    download = info.value

    assert download.suggested_filename == "conclusions-conjointes-fr.pdf"
    with open(download.path(), "rb") as file:
        data = file.read()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert "Conclusions conjointes" in reader.pages[0].extract_text()


HOSTILE = """Welcome to the meeting.

<script>window.pwned = "script"; alert("script")</script>

<img src="x" onerror="window.pwned = 'img'; alert('img')">

[Agenda](javascript:window.pwned='link';alert('link'))

<a href="#" onclick="window.pwned='click'">click me</a>
"""


def test_script_in_a_description_does_not_run(app, live_server, page):
    make_meeting(slug="hostile", title="Hostile description", description=HOSTILE)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(live_server + "/meetings/hostile")
    description = page.locator(".description")
    expect(description).to_contain_text("Welcome to the meeting.")
    expect(description).to_contain_text('<script>window.pwned = "script"')  # shown as text

    expect(description.locator("script, img, [onerror], [onclick]")).to_have_count(0)
    for link in description.get_by_role("link").all():
        link.click()
    description.get_by_text("click me").click()
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert dialogs == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/meetings/archive",
        "/meetings/" + ADDIS_2016,
        "/meetings/thematic-meeting-trafficking-nairobi",
        "/meetings/senior-officials-meeting-addis",
        "/meetings/no-such-meeting",
    ],
)
def test_pages_pass_basic_accessibility_checks(demo, live_server, page, path):
    page.goto(live_server + path)
    assert page.evaluate(A11Y_PROBLEMS) == []
