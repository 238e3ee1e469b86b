import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.extensions import db
from app.registration.models import Registration
from app.registration.models import RegistrationStatus as S
from app.registration.tokens import CONFIRM_SALT
from tests.helpers.factories import make_meeting, make_open_meeting, make_registration
from tests.helpers.forms import form_data, link_in
from tests.helpers.outbox import queued


def registrations():
    return db.session.scalar(select(func.count(Registration.id)))


def test_the_meeting_page_links_to_registration_only_while_it_is_open(client, now):
    open_meeting = make_open_meeting()
    closed = make_meeting()
    assert f'href="/meetings/{open_meeting.slug}/register"' in client.get(f"/meetings/{open_meeting.slug}").text
    assert "/register" not in client.get(f"/meetings/{closed.slug}").text


def test_a_delegate_registers_confirms_and_manages_the_registration(client, now):
    meeting = make_open_meeting(capacity=3)
    page = client.get(f"/meetings/{meeting.slug}/register")
    assert page.status_code == 200 and 'name="email"' in page.text
    response = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting))
    assert response.status_code == 302 and "check-your-email" in response.location
    assert "confirm your address" in client.get(response.location).text

    confirm_path = link_in(queued("dawit.bekele@mfa.example")[-1].text, "confirm")
    assert "Confirm my registration" in client.get(confirm_path).text
    assert db.session.scalar(select(Registration)).status is S.UNCONFIRMED  # a GET changes nothing
    response = client.post(confirm_path)
    assert response.status_code == 302
    manage = client.get(response.location)
    assert "Confirmed" in manage.text and "dawit.bekele@mfa.example" in manage.text

    manage_path = link_in(queued("dawit.bekele@mfa.example")[-1].text, "registration")
    assert manage_path == response.location
    edited = client.post(manage_path, data=form_data(meeting, position="Ambassador", email=None))
    assert edited.status_code == 302
    assert "Ambassador" in client.get(manage_path).text
    cancelled = client.post(f"{manage_path}/cancel")
    assert cancelled.status_code == 302
    assert "This registration is cancelled" in client.get(manage_path).text
    assert queued("dawit.bekele@mfa.example")[-1].calendar_method == "CANCEL"


def test_field_errors_are_shown_beside_their_fields_and_nothing_is_saved(client, now):
    meeting = make_open_meeting()
    response = client.post(
        f"/meetings/{meeting.slug}/register",
        data=form_data(meeting, email="not-an-address", first_name="", delegation="state:XX"),
    )
    assert response.status_code == 400
    assert "Enter a valid email address" in response.text
    assert "Enter your first name." in response.text
    assert "Choose a member state or an organisation from the list." in response.text
    assert registrations() == 0 and queued() == []


def test_passport_details_are_required_only_for_a_visa_letter(client, now):
    meeting = make_open_meeting()
    response = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, needs_visa_letter="y"))
    assert response.status_code == 400
    # Each of the four beside its field and in the summary at the top.
    assert response.text.count("the visa invitation letter needs it.") == 8
    response = client.post(
        f"/meetings/{meeting.slug}/register",
        data=form_data(
            meeting,
            needs_visa_letter="y",
            nationality="ET",
            passport_number="EP1234567",
            date_of_birth="1979-03-02",
            passport_expiry=(meeting.end_date + timedelta(days=900)).isoformat(),
        ),
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Registration.passport_number)) == "EP1234567"


def test_a_name_with_a_line_break_is_refused(client, now):
    meeting = make_open_meeting()
    response = client.post(
        f"/meetings/{meeting.slug}/register", data=form_data(meeting, last_name="Bekele\r\nBcc: everyone@example.org")
    )
    assert response.status_code == 400 and "single line" in response.text
    assert registrations() == 0


def test_the_form_says_why_registration_is_not_possible(client, now):
    not_yet = make_meeting(registration_opens_at=now + timedelta(days=3))
    page = client.get(f"/meetings/{not_yet.slug}/register")
    assert "Registration opens on" in page.text and 'name="email"' not in page.text
    assert client.post(f"/meetings/{not_yet.slug}/register", data=form_data(not_yet)).status_code == 400
    assert registrations() == 0


def test_the_form_says_when_the_quota_is_reached(client, now):
    meeting = make_open_meeting(delegation_quota=1)
    make_registration(meeting, delegation="state:ET")
    response = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting))
    assert response.status_code == 400
    assert "already has 1 confirmed delegates" in response.text
    assert registrations() == 1


def test_an_invitation_code_is_asked_for_and_checked(client, now):
    meeting = make_open_meeting(invitation_code="SOM-2027")
    assert 'name="invitation_code"' in client.get(f"/meetings/{meeting.slug}/register").text
    refused = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, invitation_code="guess"))
    assert refused.status_code == 400 and "not valid" in refused.text
    accepted = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, invitation_code="SOM-2027"))
    assert accepted.status_code == 302


def test_registering_twice_emails_the_link_and_the_page_does_not_tell(client, now):
    meeting = make_open_meeting()
    make_registration(meeting, email="dawit.bekele@mfa.example")
    response = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting))
    new = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="someone.new@mfa.example"))
    assert response.location == new.location
    assert client.get(response.location).text == client.get(new.location).text
    assert registrations() == 2
    reminder = queued("dawit.bekele@mfa.example")[-1]
    assert "already registered" in reminder.text and "/registration/" in reminder.text


def test_tampered_links_change_nothing_and_explain(client, now):
    meeting = make_open_meeting()
    registration = make_registration(meeting, confirm=False)
    confirm_path = link_in(queued(registration.email)[-1].text, "confirm")
    tampered = confirm_path[:-3] + ("xyz" if not confirm_path.endswith("xyz") else "abc")
    response = client.post(tampered)
    assert response.status_code == 400 and "altered" in response.text
    assert db.session.get(Registration, registration.id).status is S.UNCONFIRMED
    response = client.post(f"/meetings/{meeting.slug}/registration/not-a-token/cancel")
    assert response.status_code == 400
    assert db.session.get(Registration, registration.id).status is S.UNCONFIRMED


def test_a_link_for_another_meeting_is_refused(client, now):
    meeting, other = make_open_meeting(), make_open_meeting()
    registration = make_registration(meeting, confirm=False)
    token = link_in(queued(registration.email)[-1].text, "confirm").rsplit("/", 1)[1]
    response = client.post(f"/meetings/{other.slug}/confirm/{token}")
    assert response.status_code == 400 and "different meeting" in response.text
    assert db.session.get(Registration, registration.id).status is S.UNCONFIRMED


def test_an_expired_confirmation_link_is_refused(app, client, now):
    meeting = make_open_meeting()
    registration = make_registration(meeting, confirm=False)

    class TwoDaysAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 49 * 3600

    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=CONFIRM_SALT, signer=TwoDaysAgo).dumps(
        {"m": meeting.id, "r": registration.uid}
    )
    response = client.post(f"/meetings/{meeting.slug}/confirm/{token}")
    assert response.status_code == 400 and "expired" in response.text
    assert db.session.get(Registration, registration.id).status is S.UNCONFIRMED


def test_unknown_meetings_are_404(client):
    assert client.get("/meetings/nowhere/register").status_code == 404
    assert client.post("/meetings/nowhere/confirm/abc").status_code == 404


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_posts_without_a_csrf_token_are_refused(client, config_overrides, now):
    meeting = make_open_meeting()
    response = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting))
    assert response.status_code == 400
    assert registrations() == 0


@pytest.mark.parametrize(
    "fields, offered",
    [
        ({}, True),
        ({"capacity": 0}, True),  # full: the form puts delegates on the waiting list
        ({"registration_opens_at": "tomorrow"}, False),
        ({"registration_closes_at": "yesterday"}, False),
        ({"status": "cancelled"}, False),
    ],
)
def test_the_meeting_page_offers_register_only_while_the_form_takes_registrations(client, now, fields, offered):
    from app.meetings.models import MeetingStatus

    values = {"tomorrow": now + timedelta(days=1), "yesterday": now - timedelta(hours=1)}
    fields = {key: values.get(value, value) for key, value in fields.items()}
    if fields.get("status") == "cancelled":
        fields["status"] = MeetingStatus.CANCELLED
    meeting = make_open_meeting(now=now - timedelta(days=2), **fields)
    page = client.get(f"/meetings/{meeting.slug}").text
    assert (f'href="/meetings/{meeting.slug}/register"' in page) is offered
    form = client.get(f"/meetings/{meeting.slug}/register").text
    assert ('name="email"' in form) is offered
