"""The back office (/manage/) in a real browser: signing in and out, changing the password,
and each page's accessibility and layout at a tablet's and a phone's width."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.actors import Actor
from app.audit.services import record
from app.auth.models import Role
from app.auth.services import actor_for
from app.db import utcnow
from app.demo.loader import load_demo
from app.extensions import db
from app.meetings.models import Meeting
from tests.helpers.accessibility import serious_violations
from tests.helpers.accounts import PASSWORD, make_account
from tests.helpers.factories import make_meeting, make_past_meeting

pytestmark = pytest.mark.browser

WRONG = "The email address or the password is not right. Check both and try again."
NAIROBI = "thematic-meeting-trafficking-nairobi"
TABLET, PHONE = 768, 390
#: Where the screenshots go, for a person to look at; nothing asserts on them.
SHOTS = Path("/tmp/shots")


def _sign_in(page, live_server, email, password=PASSWORD):
    page.goto(f"{live_server}/manage/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_organiser_signs_in_changes_the_password_and_signs_out(app, live_server, page):
    smuggling = make_meeting(title="Thematic Meeting on Smuggling of Migrants")
    readmission = make_past_meeting(title="Workshop on Readmission")
    make_meeting(title="A meeting of someone else's")
    organiser = make_account(Role.ORGANISER, name="Selam Haile", meetings=[smuggling, readmission])
    new_password = "harbour-violet-compass-42"

    page.goto(f"{live_server}/manage/")
    expect(page).to_have_url(re.compile(r"/manage/login\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the back office")
    page.get_by_label("Email address").fill(organiser.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server}/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    titles = page.locator(".manage-meeting h3")
    expect(titles).to_have_text(["Thematic Meeting on Smuggling of Migrants", "Workshop on Readmission"])

    nav = page.get_by_role("navigation", name="Back office")
    nav.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password again").fill(new_password)
    page.get_by_role("button", name="Change the password").click()
    expect(page.locator(".notice-success")).to_contain_text("Your password has been changed.")

    nav.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server}/manage/login")
    expect(page.locator(".notice-success")).to_have_text("You have signed out.")
    expect(nav.get_by_role("button", name="Sign out")).to_have_count(0)

    _sign_in(page, live_server, organiser.email, PASSWORD)  # the old password
    expect(page).to_have_url(f"{live_server}/manage/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the back office")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(WRONG)
    assert page.title().startswith("Error: Sign in")

    page.get_by_label("Password", exact=True).fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/manage/")
    expect(page.locator(".manage-meeting h3")).to_have_count(2)


@pytest.fixture
def back_office(app):
    """The demo's meetings, an administrator, an organiser of the Nairobi meeting, and a few
    lines in the audit log (the accounts' creation, the meeting's changes, a failed sign-in)."""
    load_demo()
    nairobi = db.session.scalar(select(Meeting).where(Meeting.slug == NAIROBI))
    admin = make_account(Role.ADMIN, name="Amina Diallo")
    organiser = make_account(Role.ORGANISER, name="Selam Haile", meetings=[nairobi])
    now = utcnow()
    record(
        "meeting.changed",
        actor=actor_for(organiser),
        now=now,
        meeting_id=nairobi.id,
        target=("meeting", nairobi.id),
        changed={"capacity": [80, 120], "venue": ["Kenyatta International Convention Centre", "UN Gigiri"]},
    )
    record(
        "registration.approved",
        actor=actor_for(organiser),
        now=now,
        meeting_id=nairobi.id,
        target=("registration", "r-7f3a9c2e"),
        changed={"status": ["awaiting-approval", "confirmed"], "email": None},
    )
    record("account.sign_in_failed", actor=Actor.system("sign-in"), now=now, address="someone@secretariat.example")
    db.session.commit()
    return {"admin": admin, "organiser": organiser}


@pytest.fixture
def open_page(browser, devices):
    """``open_page(width)``: a page in a fresh browser, at a tablet's (768) or a phone's (390) width."""
    contexts = []

    def open_page(width):
        if width == PHONE:
            phone = devices["iPhone 13"]  # 390 × 664, scale 3, touch, mobile
            options = {key: value for key, value in phone.items() if key != "default_browser_type"}
        else:
            options = {"viewport": {"width": width, "height": 1024}}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


#: The back office's pages: name → (path, who looks: nobody, the admin, or a failed sign-in).
PAGES = {
    "login": ("/manage/login", None),
    "login-error": ("/manage/login", "wrong password"),
    "reset": ("/manage/reset", None),
    "home": ("/manage/", "admin"),
    "meeting": (f"/manage/meetings/{NAIROBI}/", "admin"),
    "meeting-audit": (f"/manage/meetings/{NAIROBI}/audit", "admin"),
    "audit": ("/manage/audit", "admin"),
    "accounts": ("/manage/accounts/", "admin"),
    "new-account": ("/manage/accounts/new", "admin"),
    "account-form": ("/manage/accounts/{organiser}", "admin"),
    "your-account": ("/manage/account", "admin"),
    "new-meeting": ("/manage/meetings/new", "admin"),
    "edit-meeting": (f"/manage/meetings/{NAIROBI}/edit", "admin"),
    "duplicate-meeting": (f"/manage/meetings/{NAIROBI}/duplicate", "admin"),
    "cancel-meeting": (f"/manage/meetings/{NAIROBI}/cancel", "admin"),
    "programme": (f"/manage/meetings/{NAIROBI}/programme", "admin"),
    "new-session": (f"/manage/meetings/{NAIROBI}/programme/new", "admin"),
    "documents": (f"/manage/meetings/{NAIROBI}/documents/", "admin"),
    "new-document": (f"/manage/meetings/{NAIROBI}/documents/new", "admin"),
}


def _show(page, live_server, back_office, name):
    """Bring ``page`` to the back-office page ``name``, signing in first when it needs it."""
    path, who = PAGES[name]
    admin = back_office["admin"]
    if who == "wrong password":
        _sign_in(page, live_server, admin.email, "not-the-password-at-all")
        expect(page.locator(".error-summary")).to_contain_text(WRONG)
        return
    if who == "admin":
        _sign_in(page, live_server, admin.email)
        expect(page).to_have_url(f"{live_server}/manage/")
    response = page.goto(live_server + path.format(organiser=back_office["organiser"].id))
    assert response.status == 200, f"{name}: {response.status}"


def _sideways(page):
    """How wide the page is against the viewport, when it scrolls sideways; None when it does not."""
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return None if scroll <= inner else {"scrollWidth": scroll, "innerWidth": inner}


@pytest.mark.parametrize("name", PAGES)
def test_back_office_pages_are_accessible_and_fit_a_tablet(back_office, live_server, open_page, name):
    page = open_page(TABLET)
    _show(page, live_server, back_office, name)

    assert page.evaluate("window.innerWidth") == TABLET
    assert serious_violations(page) == []
    assert _sideways(page) is None, f"{name} scrolls sideways at {TABLET} px: {_sideways(page)}"


def test_the_home_page_fits_a_phone(back_office, live_server, open_page):
    page = open_page(PHONE)
    _show(page, live_server, back_office, "home")

    assert page.evaluate("window.innerWidth") == PHONE, "the page does not use the device width"
    assert _sideways(page) is None, f"home scrolls sideways at {PHONE} px: {_sideways(page)}"


@pytest.mark.parametrize("width", [TABLET, PHONE])
def test_screenshots_for_a_person_to_look_at(back_office, live_server, open_page, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name in ["home", "audit", "accounts", "account-form", "login-error"]:
        page = open_page(width)
        _show(page, live_server, back_office, name)
        page.screenshot(path=SHOTS / f"manage-{name}-{width}.png", full_page=True)
