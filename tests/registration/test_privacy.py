"""The form links a privacy notice; each registration records the version its delegate was shown,
and a changed notice is a new version."""

import hashlib
from pathlib import Path

from app.extensions import db
from app.registration import privacy
from app.registration.models import Registration
from tests.helpers.factories import make_open_meeting
from tests.helpers.forms import form_data

NOTICE_FILE = Path(__file__).parents[2] / "templates" / "privacy" / "notice.html"


def test_the_notice_says_what_is_kept_why_for_how_long_and_whom_to_ask(client, app):
    page = client.get("/privacy")
    assert page.status_code == 200
    for heading in ("What we keep", "Why", "Who sees it", "For how long", "Whom to ask"):
        assert f">{heading}</h2>" in page.text
    assert f'href="mailto:{app.config["SECRETARIAT_EMAIL"]}"' in page.text
    assert "Passport details are removed once the meeting has ended." in page.text


def test_the_form_links_it_and_the_registration_records_its_version(client):
    meeting = make_open_meeting()
    assert 'href="/privacy">privacy notice</a>' in client.get(f"/meetings/{meeting.slug}/register").text
    client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="p@mfa.example"))
    recorded = db.session.query(Registration).filter_by(email="p@mfa.example").one().privacy_notice_version
    # The version is the file's digest, computed here independently of the app.
    assert recorded == hashlib.sha256(NOTICE_FILE.read_bytes()).hexdigest()[:12]
    assert f"Version {recorded}." in client.get("/privacy").text


def test_a_changed_notice_is_a_new_version(app):
    text = NOTICE_FILE.read_text()
    assert privacy.version_of(text) == privacy.notice_version()
    assert privacy.version_of(text.replace("48 hours", "72 hours")) != privacy.notice_version()
