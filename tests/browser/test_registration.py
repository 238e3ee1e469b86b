"""A delegate registers, confirms and cancels in a real browser."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.registration.models import Registration, RegistrationStatus
from tests.helpers.factories import make_open_meeting
from tests.helpers.outbox import queued

pytestmark = pytest.mark.browser


def test_a_delegate_registers_confirms_and_cancels(app, live_server, page):
    start = date.today() + timedelta(days=20)
    meeting = make_open_meeting(
        title="Thematic Meeting on Legal Pathways", dates=(start, start + timedelta(days=1)), capacity=50
    )
    page.goto(f"{live_server}/meetings/{meeting.slug}")
    page.get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")

    # The passport questions appear only when a visa letter is asked for.
    expect(page.get_by_label("Passport number")).to_be_hidden()
    page.get_by_label("I need a visa invitation letter").check()
    expect(page.get_by_label("Passport number")).to_be_visible()
    page.get_by_label("I need a visa invitation letter").uncheck()

    page.get_by_label("Salutation").select_option("Dr")
    page.get_by_label("First name").fill("Selam")
    page.get_by_label("Last name").fill("Haile")
    page.get_by_label("Email").fill("selam.haile@mfa.example")
    page.get_by_label("Delegation", exact=True).select_option(label="Ethiopia")
    page.get_by_label("Position / title").fill("Director General")
    page.get_by_label("Role in the delegation").select_option("head-of-delegation")
    page.get_by_label(re.compile(r"^" + str(start.day) + " ")).uncheck()  # attends the second day only
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    link = re.search(r"http://meetings\.test(\S+/confirm/\S+)", queued("selam.haile@mfa.example")[-1].text).group(1)
    page.goto(live_server + link)
    page.get_by_role("button", name="Confirm my registration").click()
    expect(page.locator(".status")).to_contain_text("Confirmed")
    db.session.expire_all()
    registration = db.session.query(Registration).one()
    assert registration.days == [start + timedelta(days=1)]

    page.get_by_role("link", name="Cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status is RegistrationStatus.CONFIRMED  # asked, not done
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_text("Your registration has been cancelled.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status is RegistrationStatus.CANCELLED


def test_field_errors_are_announced_beside_their_fields(app, live_server, page):
    meeting = make_open_meeting(dates=(date.today() + timedelta(days=9),) * 2)
    page.goto(f"{live_server}/meetings/{meeting.slug}/register")
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Register").click()
    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    described = email.get_attribute("aria-describedby")
    assert "email-error" in described
    expect(page.locator("#email-error")).to_contain_text("Enter a valid email address")
    expect(page.locator("#first_name-error")).to_contain_text("Enter your first name.")


def test_the_error_summary_takes_the_focus_and_leads_to_each_field(app, live_server, page):
    meeting = make_open_meeting(dates=(date.today() + timedelta(days=9),) * 2)
    page.goto(f"{live_server}/meetings/{meeting.slug}/register")
    page.get_by_role("button", name="Register").click()
    assert page.title().startswith("Error: Register: ")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    summary.get_by_role("link", name="Enter your last name.").click()
    expect(page.get_by_label("Last name")).to_be_focused()
    summary.get_by_role("link", name="Choose your role in the delegation.").click()
    expect(page.get_by_label("Role in the delegation")).to_be_focused()
