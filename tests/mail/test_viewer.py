"""The outbox viewer (ENABLE_DEV_ROUTES only): a newcomer running `make run` without a mail
server follows the delegate's whole path in the browser."""

import re

import pytest

from tests.helpers.factories import make_open_meeting
from tests.helpers.forms import form_data


@pytest.fixture
def config_overrides():
    return {"ENABLE_DEV_ROUTES": True, "MAIL_SERVER": None}


def test_the_check_email_page_leads_to_the_message_and_its_confirm_link_works(client):
    meeting = make_open_meeting()
    client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="hanna@mfa.example"))
    page = client.get(f"/meetings/{meeting.slug}/register/check-your-email").text
    assert 'href="/dev/outbox/"' in page
    outbox = client.get("/dev/outbox/").text
    assert "hanna@mfa.example" in outbox and "pending" in outbox
    message_path = re.search(r'href="(/dev/outbox/\d+)"', outbox).group(1)
    message = client.get(message_path).text
    assert "Please confirm your registration" in message
    assert f'src="{message_path}/html"' in message and "sandbox" in message
    confirm = re.search(r'href="http://meetings\.test(/meetings/[^"]+/confirm/[^"]+)"', message).group(1)
    assert client.post(confirm).status_code == 302  # the listed link is the real one


def test_the_html_is_served_sandboxed_and_framed_by_this_site_only(client):
    meeting = make_open_meeting()
    client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting))
    message_path = re.search(r'href="(/dev/outbox/\d+)"', client.get("/dev/outbox/").text).group(1)
    response = client.get(f"{message_path}/html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "frame-ancestors 'self'" in policy and "script-src 'none'" in policy
    assert "Confirm my registration" in response.text


def test_unknown_messages_and_invites_are_404(client):
    assert client.get("/dev/outbox/999999").status_code == 404
    assert client.get("/dev/outbox/999999/html").status_code == 404
    assert client.get("/dev/outbox/999999/invite.ics").status_code == 404


def test_production_refuses_the_setting(monkeypatch):
    from config import ProductionConfig

    monkeypatch.setenv("ENABLE_DEV_ROUTES", "1")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/app")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    with pytest.raises(RuntimeError, match="ENABLE_DEV_ROUTES"):
        ProductionConfig().validate()
