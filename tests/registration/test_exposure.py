"""What an outsider can learn or do through the delegate pages: nothing tells who is
registered, nobody can flood an address, passport numbers stay masked, and manage links
can be replaced and end after the meeting."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.mail.outbox import OutboxMessage
from app.registration.models import Registration
from tests.helpers.actors import DELEGATE
from tests.helpers.factories import make_open_meeting, make_registration
from tests.helpers.forms import form_data, link_in
from tests.helpers.outbox import queued


def outbox_size():
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def _page(client, meeting, email, **fields):
    response = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email=email, **fields))
    return response.status_code, response.location, response.text.replace(email, "ADDRESS")


# --- nothing tells who is registered ---------------------------------------------------


@pytest.mark.parametrize(
    "meeting_fields, form_fields",
    [
        ({"invitation_code": "SOM-2027"}, {"invitation_code": "guess"}),
        ({"delegation_quota": 1}, {}),
        ({}, {"days": ["1999-01-01"]}),
        ({}, {}),
    ],
)
def test_the_answer_is_the_same_for_a_registered_and_an_unknown_address(client, meeting_fields, form_fields):
    meeting = make_open_meeting(**meeting_fields)
    make_registration(meeting, email="registered@mfa.example", delegation="state:SD", invitation_code="SOM-2027")
    if meeting_fields.get("delegation_quota"):
        make_registration(meeting, email="seated@mfa.example", invitation_code="SOM-2027")  # fills Ethiopia
        form_fields = {"delegation": "state:ET"}
    registered = _page(client, meeting, "registered@mfa.example", **form_fields)
    unknown = _page(client, meeting, "unknown@mfa.example", **form_fields)
    assert registered == unknown


def test_only_the_email_says_the_address_was_registered(client):
    meeting = make_open_meeting()
    make_registration(meeting, email="registered@mfa.example")
    client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="registered@mfa.example"))
    client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="unknown@mfa.example"))
    assert "already registered" in queued("registered@mfa.example")[-1].text
    assert "/confirm/" in queued("unknown@mfa.example")[-1].text
    assert "existing" not in client.get(f"/meetings/{meeting.slug}/register/check-your-email").text


# --- no flooding ------------------------------------------------------------------------


@pytest.fixture
def throttled(app, monkeypatch):
    monkeypatch.setitem(app.config, "REMINDER_EMAIL_SECONDS", 300)


def test_an_address_gets_its_links_at_most_once_every_few_minutes(client, throttled):
    meeting = make_open_meeting()
    make_registration(meeting, email="victim@mfa.example")
    before = len(queued("victim@mfa.example"))
    answers = {_page(client, meeting, "victim@mfa.example") for _ in range(20)}
    assert len(answers) == 1 and next(iter(answers))[0] == 302
    assert len(queued("victim@mfa.example")) == before  # it was emailed moments ago, when it registered


def test_the_links_go_out_again_once_the_wait_is_over(app, throttled, now):
    from app.registration import services
    from tests.helpers.factories import registration_data

    meeting = make_open_meeting()
    registration = make_registration(meeting, email="late@mfa.example", now=now - timedelta(minutes=10))
    before = len(queued("late@mfa.example"))
    services.register_delegate(meeting, registration_data(email="late@mfa.example"), now, actor=DELEGATE)
    services.register_delegate(
        meeting, registration_data(email="late@mfa.example"), now + timedelta(seconds=5), actor=DELEGATE
    )
    assert len(queued("late@mfa.example")) == before + 1
    assert db.session.get(Registration, registration.id).links_sent_at == now


# --- passport details ---------------------------------------------------------------------


def _visa(meeting):
    return dict(
        needs_visa_letter=True,
        nationality="ER",
        passport_number="P1234567",
        date_of_birth=date(1980, 5, 1),
        passport_expiry=meeting.end_date + timedelta(days=400),
    )


def test_the_manage_page_masks_the_passport_number_and_keeps_it_when_left_empty(client):
    meeting = make_open_meeting()
    make_registration(meeting, email="visa@mfa.example", **_visa(meeting))
    manage = link_in(queued("visa@mfa.example")[-1].text, "registration")
    page = client.get(manage)
    assert "P1234567" not in page.text and "•••••567" in page.text
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"

    visa = {
        "needs_visa_letter": "y",
        "nationality": "ER",
        "date_of_birth": "1980-05-01",
        "passport_expiry": (meeting.end_date + timedelta(days=400)).isoformat(),
    }
    saved = client.post(manage, data=form_data(meeting, email=None, position="Consul", passport_number="", **visa))
    assert saved.status_code == 302
    stored = db.session.scalar(select(Registration).where(Registration.email == "visa@mfa.example"))
    db.session.refresh(stored)
    assert (stored.position, stored.passport_number) == ("Consul", "P1234567")

    replaced = client.post(manage, data=form_data(meeting, email=None, passport_number="N7654321", **visa))
    assert replaced.status_code == 302
    db.session.refresh(stored)
    assert stored.passport_number == "N7654321"


def test_pages_with_a_delegates_details_are_not_stored_or_referred(client):
    meeting = make_open_meeting()
    make_registration(meeting, confirm=False, email="private@mfa.example")
    confirm = link_in(queued("private@mfa.example")[-1].text, "confirm")
    for response in (
        client.get(confirm),
        client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, first_name="")),
    ):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


# --- manage links: replaced on request, ended after the meeting -----------------------


def test_a_fresh_link_replaces_the_old_ones(client):
    meeting = make_open_meeting()
    make_registration(meeting, email="lost@mfa.example")
    old = link_in(queued("lost@mfa.example")[-1].text, "registration")
    assert client.get(old).status_code == 200

    known = client.post(f"/meetings/{meeting.slug}/new-link", data={"email": " LOST@mfa.example "})
    unknown = client.post(f"/meetings/{meeting.slug}/new-link", data={"email": "nobody@mfa.example"})
    assert known.status_code == unknown.status_code == 200 and known.text == unknown.text
    assert queued("nobody@mfa.example") == []
    fresh = link_in(queued("lost@mfa.example")[-1].text, "registration")
    assert fresh != old
    assert client.get(fresh).status_code == 200
    refused = client.get(old)
    assert refused.status_code == 400 and "newer link" in refused.text
    assert client.post(f"{old}/cancel").status_code == 400
    assert db.session.scalar(select(Registration.status)).value == "confirmed"


def test_a_fresh_link_is_not_sent_twice_within_the_wait(client, throttled):
    meeting = make_open_meeting()
    make_registration(meeting, email="lost@mfa.example")
    before = outbox_size()
    client.post(f"/meetings/{meeting.slug}/new-link", data={"email": "lost@mfa.example"})
    assert outbox_size() == before  # the registration email went out moments ago


@pytest.mark.parametrize("days_after, works", [(29, True), (31, False)])
def test_manage_links_end_a_while_after_the_meeting(client, days_after, works):
    meeting = make_open_meeting()
    make_registration(meeting, email="after@mfa.example")
    manage = link_in(queued("after@mfa.example")[-1].text, "registration")
    # A one-day meeting days_after days ago on its own calendar: it ended between
    # days_after - 1 and days_after days ago, whatever the hour the test runs at.
    day = datetime.now(meeting.zone).date() - timedelta(days=days_after)
    meeting.set_schedule(day, day)
    db.session.commit()
    before = outbox_size()
    assert (client.get(manage).status_code == 200) is works
    page = client.post(f"/meetings/{meeting.slug}/new-link", data={"email": "after@mfa.example"})
    if not works:
        assert client.get(manage).status_code == 410 and "ended some time ago" in client.get(manage).text
        assert "ended some time ago" in page.text and outbox_size() == before
