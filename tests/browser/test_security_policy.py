"""The response policy in Chromium: pages work under it, and it stops what it should."""

import pytest

from app.demo.loader import load_demo
from app.registration.tokens import make_manage_token
from tests.helpers.factories import make_open_meeting, make_registration

pytestmark = pytest.mark.browser

#: Runs before any page script (Playwright injects it past the policy) and records violations.
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def test_the_pages_break_no_rule_of_the_policy(app, live_server, watched):
    load_demo()
    meeting = make_open_meeting(title="Open for registration")
    manage = f"/meetings/{meeting.slug}/registration/{make_manage_token(make_registration(meeting))}"
    for path in [
        "/",
        "/meetings/archive?type=thematic-meeting",
        "/meetings/thematic-meeting-trafficking-nairobi",
        f"/meetings/{meeting.slug}",
        f"/meetings/{meeting.slug}/register",
        manage,
        "/no-such-page",
    ]:
        watched.goto(live_server + path)
        assert watched.evaluate("window.violations") == [], path
    # The registration form's own script runs: the passport questions follow the visa box.
    watched.goto(f"{live_server}/meetings/{meeting.slug}/register")
    passport = watched.get_by_label("Passport number")
    assert not passport.is_visible()
    watched.get_by_label("I need a visa invitation letter").check()
    assert passport.is_visible()


def test_an_injected_inline_script_does_not_run(app, live_server, watched):
    watched.goto(live_server + "/")
    watched.evaluate("""() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.head.append(script);
    }""")
    assert watched.evaluate("typeof window.injected") == "undefined"
    assert any(v.startswith("script-src") for v in watched.evaluate("window.violations"))


def test_a_manage_page_sends_no_token_in_a_referer(app, live_server, watched):
    meeting = make_open_meeting()
    token = make_manage_token(make_registration(meeting))
    referers = []
    watched.on("request", lambda request: referers.append(request.headers.get("referer")))
    watched.goto(f"{live_server}/meetings/{meeting.slug}/registration/{token}")
    watched.get_by_role("link", name=meeting.title).first.click()
    watched.wait_for_load_state()
    sent = [r for r in referers if r]
    assert sent, "the meeting page asks for its stylesheet with a Referer"
    # The manage page sends none at all; other pages send their origin, never a path.
    assert all(token not in r and r == live_server + "/" for r in sent), sent
