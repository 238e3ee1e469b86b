"""Every public page on a phone, a small phone and a tablet (WCAG 1.4.10, reflow), and
through axe-core (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import expect

from tests.helpers.accessibility import A11Y_PROBLEMS, serious_violations
from tests.helpers.public_pages import OPEN_MEETING, make_public_pages

pytestmark = pytest.mark.browser

#: Playwright's descriptors (viewport, scale, touch, mobile) of a 320, a 390 and a 768 px wide screen.
DEVICES = {320: "Galaxy S9+", 390: "iPhone 13", 768: "iPad Mini"}

#: The page's widths, and the innermost elements whose box or content reaches past the screen's right edge.
OVERFLOW = """() => {
  const edge = document.documentElement.clientWidth;
  const wide = Array.from(document.body.querySelectorAll('*'))
    .filter(el => el.getClientRects().length && Math.max(el.getBoundingClientRect().right,
      el.clientWidth ? el.getBoundingClientRect().left + el.scrollWidth : 0) > edge + 0.5);
  const innermost = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));
  const describe = el => `<${el.localName}${el.id ? '#' + el.id : ''}${el.className ? '.' + el.className : ''}>`
    + ` ${Math.round(el.getBoundingClientRect().width)}px wide`;
  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: edge,
    innerWidth: window.innerWidth,
    wide: innermost.slice(0, 5).map(describe),
  };
}"""


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True}  # the forms as served, with their CSRF token fields


@pytest.fixture
def public_pages(app):
    return make_public_pages()


@pytest.fixture(params=sorted(DEVICES), ids=lambda width: f"{width}px")
def device(request, browser, devices):
    """A page in a context emulating the device: its viewport, scale, touch and mobile layout."""
    context = browser.new_context(**devices[DEVICES[request.param]])
    context.set_default_timeout(10_000)
    yield request.param, context.new_page()
    context.close()


def open_page(page, base_url, public_page) -> list[str]:
    """Show ``public_page`` as a user reaches it (a form's error state by sending it empty);
    return what went wrong on the way."""
    response = page.goto(base_url + public_page.path)
    if public_page.submit_empty and response.ok:
        # A click event, not a pointer's: a page too wide for the screen must fail on its
        # width here, and tapping is the phone test's own concern.
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit]").first.dispatch_event("click")
        response = navigation.value
    if response.status != public_page.status:
        return [f"{public_page.name}: {public_page.path} answered {response.status}, not {public_page.status}"]
    return []


def test_no_public_page_scrolls_sideways(public_pages, live_server, device):
    width, page = device
    problems = []
    for public_page in public_pages:
        problems += open_page(page, live_server, public_page)
        measured = page.evaluate(OVERFLOW)
        # Were the page wider than the screen, a mobile browser would zoom out to fit it and
        # report a wider window: the page must be laid out at the device's own width.
        if not measured["scrollWidth"] <= measured["clientWidth"] <= measured["innerWidth"] == width:
            problems.append(
                f"{public_page.name}: {measured['scrollWidth']}px wide on a {width}px screen "
                f"(window {measured['innerWidth']}px); too wide: {', '.join(measured['wide']) or '?'}"
            )
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", [1280, 320], ids=["desktop", "phone"])
def test_public_pages_pass_axe_and_our_accessibility_checks(public_pages, live_server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        found = []
        for public_page in public_pages:
            found += open_page(page, live_server, public_page)
            found += [f"{public_page.name}: {violation}" for violation in serious_violations(page)]
            found += [f"{public_page.name}: {problem}" for problem in page.evaluate(A11Y_PROBLEMS)]
    finally:
        context.close()
    assert found == [], "\n".join(found)


@pytest.fixture
def phone(browser, devices):
    context = browser.new_context(**devices["iPhone 13"])
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_phone_user_taps_through_registration(public_pages, live_server, phone):
    phone.goto(f"{live_server}/meetings/{OPEN_MEETING}")
    phone.get_by_role("link", name="Register").first.tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Register")

    register = phone.get_by_role("button", name="Register")
    register.scroll_into_view_if_needed()
    register.tap()
    expect(phone.get_by_label("First name")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#first_name-error")).to_be_visible()

    phone.get_by_label("Salutation").select_option("Ms")
    phone.get_by_label("First name").fill("Hiwet")
    phone.get_by_label("Last name").fill("Tesfaye")
    phone.get_by_label("Email").fill("hiwet.tesfaye@mfa.example")
    phone.get_by_label("Delegation", exact=True).select_option(label="Eritrea")
    phone.get_by_label("Position / title").fill("Counsellor")
    phone.get_by_label("Role in the delegation").select_option("delegate")
    register.tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your email")
