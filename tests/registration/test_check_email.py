"""After registering: the page names the address the email went to (from the session, never
the URL), how long the link lives, and, with no mail server, where the message can be read."""

import pytest

from tests.helpers.factories import make_open_meeting
from tests.helpers.forms import form_data


@pytest.fixture
def config_overrides():
    return {"MAIL_SERVER": "smtp.mfa.example"}


def register(client, meeting, email):
    response = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email=email))
    assert response.status_code == 302
    assert "mfa.example" not in response.location and "%40" not in response.location
    return client.get(response.location).get_data(as_text=True)


def test_the_page_names_the_address_and_the_links_lifetime(client):
    meeting = make_open_meeting()
    page = register(client, meeting, "Hanna.Tesfaye@MFA.example")
    assert "We have sent an email to <strong>hanna.tesfaye@mfa.example</strong>." in page
    assert "The link is valid for 48 hours" in page
    assert "No email is sent from this installation" not in page


def test_the_address_is_this_visitors_and_this_meetings_only(client, app):
    meeting, other = make_open_meeting(), make_open_meeting()
    register(client, meeting, "hanna@mfa.example")
    assert "hanna@mfa.example" not in client.get(f"/meetings/{other.slug}/register/check-your-email").text
    stranger = app.test_client()
    page = stranger.get(f"/meetings/{meeting.slug}/register/check-your-email").text
    assert "hanna@mfa.example" not in page and "We have sent an email to the address you gave." in page


def test_without_a_mail_server_the_page_says_nothing_is_sent_and_where_to_read_it(client, app):
    app.config["MAIL_SERVER"] = None
    page = register(client, make_open_meeting(), "hanna@mfa.example")
    assert "No email is sent from this installation" in page
    # The outbox viewer exists only where ENABLE_DEV_ROUTES is set: the commands are named instead.
    assert "flask mail list" in page and "/dev/outbox" not in page
    assert client.get("/dev/outbox/").status_code == 404
