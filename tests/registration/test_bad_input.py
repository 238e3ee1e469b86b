"""Bad input and faults on the delegate's side: odd characters, odd addresses, a cancelled
meeting, an expired form, a connection lost after a commit — a clear answer, never a 500,
and nothing changed."""

import time

import pytest
from flask import g
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import event, func, select, update

from app.extensions import db
from app.meetings.models import Meeting
from app.registration import services
from app.registration.exceptions import RegistrationRefused
from app.registration.meeting_changes import cancel_meeting
from app.registration.models import Registration
from app.registration.models import RegistrationStatus as S
from tests.helpers.actors import DELEGATE, ORGANISER
from tests.helpers.factories import make_open_meeting, make_registration, registration_data
from tests.helpers.forms import form_data, link_in
from tests.helpers.outbox import queued

LINE_BREAKERS = ["\u2028", "\u2029", "\u0085", "\u0090", "\x00", "\x1b", "\u202e", "\u2066"]


def count():
    return db.session.scalar(select(func.count(Registration.id)))


@pytest.mark.parametrize("char", LINE_BREAKERS)
def test_the_form_refuses_a_name_that_is_not_one_clean_line(client, char):
    meeting = make_open_meeting()
    response = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, first_name=f"Eve{char}X"))
    assert response.status_code == 400
    assert "Use a single line" in response.text
    assert count() == 0 and queued() == []


@pytest.mark.parametrize("char", LINE_BREAKERS)
def test_the_manage_page_refuses_such_a_name_and_keeps_the_old_one(client, char):
    meeting = make_open_meeting()
    make_registration(meeting, email="eve@mfa.example", first_name="Eve")
    manage = link_in(queued("eve@mfa.example")[-1].text, "registration")
    response = client.post(manage, data=form_data(meeting, first_name=f"Eve{char}X", email=None))
    assert response.status_code == 400 and "Use a single line" in response.text
    db.session.expire_all()
    assert db.session.scalar(select(Registration.first_name)) == "Eve"


def test_joiners_that_persian_and_indic_names_need_are_kept(app, now):
    meeting = make_open_meeting()
    registration = make_registration(meeting, first_name="Mehr\u200cnaz", last_name="Ra\u200dj")
    assert (registration.first_name, registration.last_name) == ("Mehr\u200cnaz", "Ra\u200dj")


def test_the_service_applies_the_same_rule_to_any_caller(app, now):
    meeting = make_open_meeting()
    with pytest.raises(RegistrationRefused) as refused:
        services.register_delegate(
            meeting, registration_data(last_name="X\u2028Y", dietary_needs="no\x00"), now, actor=DELEGATE
        )
    assert set(refused.value.errors) == {"last_name", "dietary_needs"}
    assert count() == 0


def test_a_nul_byte_in_a_text_area_is_a_field_error(client):
    meeting = make_open_meeting()
    response = client.post(
        f"/meetings/{meeting.slug}/register",
        data=form_data(meeting, dietary_needs="Vegetarian\x00", accessibility_needs="Ramp\n\tplease"),
    )
    assert response.status_code == 400
    assert "Remove the control" in response.text
    assert count() == 0


def test_a_stored_bad_name_never_blocks_anyone_elses_change(app, now):
    """A row saved before the rule existed: promoting it, and cancelling the meeting, still work."""
    meeting = make_open_meeting(capacity=1)
    seated = make_registration(meeting)
    waiting = make_registration(meeting, email="eve@mfa.example")
    assert waiting.status is S.WAITLISTED
    db.session.execute(
        update(Registration).where(Registration.id == waiting.id).values(first_name="Eve\u2028Bcc: x@evil.example")
    )
    db.session.commit()

    services.cancel_registration(seated, now, actor=DELEGATE)
    assert db.session.get(Registration, waiting.id).status is S.CONFIRMED
    promoted = [m for m in queued("eve@mfa.example") if m.calendar_method == "REQUEST"]
    assert promoted, "the promoted delegate is told, whatever their stored name"

    cancel_meeting(db.session.get(Meeting, meeting.id), now, actor=ORGANISER)
    assert db.session.get(Meeting, meeting.id).is_cancelled
    assert queued("eve@mfa.example")[-1].calendar_method == "CANCEL"


# --- addresses -----------------------------------------------------------------------


def test_an_address_with_accents_before_the_at_is_refused_clearly(client):
    meeting = make_open_meeting()
    response = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="zoë@exämple.com"))
    assert response.status_code == 400
    assert "part before the @" in response.text
    assert count() == 0 and queued() == []


@pytest.mark.parametrize("spelling", ["User@exämple.com", "user@xn--exmple-cua.com", "  USER@EXÄMPLE.COM "])
def test_every_spelling_of_one_address_is_one_registration(client, spelling):
    meeting = make_open_meeting()
    first = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="user@exämple.com"))
    assert first.status_code == 302
    again = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email=spelling))
    assert again.status_code == 302
    assert count() == 1
    assert db.session.scalar(select(Registration.email)) == "user@xn--exmple-cua.com"
    assert {m.to for m in queued()} == {"user@xn--exmple-cua.com"}


def test_an_address_pasted_with_spaces_around_it_is_accepted(client):
    meeting = make_open_meeting()
    response = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="  dawit@mfa.example\t"))
    assert response.status_code == 302
    assert db.session.scalar(select(Registration.email)) == "dawit@mfa.example"


# --- a cancelled meeting -------------------------------------------------------------


def test_no_one_confirms_a_registration_for_a_cancelled_meeting(client, now):
    meeting = make_open_meeting()
    make_registration(meeting, confirm=False, email="late@mfa.example")
    confirm = link_in(queued("late@mfa.example")[-1].text, "confirm")
    cancel_meeting(meeting, now, actor=ORGANISER)
    before = len(queued("late@mfa.example"))

    page = client.get(confirm)
    assert "has been cancelled" in page.text and "Confirm my registration" not in page.text
    response = client.post(confirm)
    assert response.status_code == 400 and "has been cancelled" in response.text
    assert db.session.scalar(select(Registration.status)) is S.UNCONFIRMED
    assert len(queued("late@mfa.example")) == before


# --- an expired form -----------------------------------------------------------------


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


class _TwoHoursAgo(TimestampSigner):
    def get_timestamp(self):
        return int(time.time()) - 2 * 3600


def _token_signed_two_hours_ago(client, app):
    """The form's CSRF token as the page would have given it two hours ago (the limit is one)."""
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=_TwoHoursAgo).dumps(raw)


def _csrf(page_text):
    # The tests' requests share the fixture's app context, where Flask-WTF keeps the
    # token it generated: forget it, so the next page gets a fresh one, as in production.
    g.pop("csrf_token", None)
    return page_text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_an_expired_form_comes_back_with_what_was_typed(client, app, csrf_on):
    meeting = make_open_meeting()
    _csrf(client.get(f"/meetings/{meeting.slug}/register").text)
    token = _token_signed_two_hours_ago(client, app)
    response = client.post(
        f"/meetings/{meeting.slug}/register",
        data=form_data(meeting, csrf_token=token, position="Minister Plenipotentiary"),
    )
    assert response.status_code == 400
    assert "open for a long time" in response.text
    assert 'value="Minister Plenipotentiary"' in response.text and 'value="dawit.bekele@mfa.example"' in response.text
    assert count() == 0
    resent = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, csrf_token=_csrf(response.text)))
    assert resent.status_code == 302 and count() == 1


def test_a_post_without_a_token_is_still_refused(client, csrf_on):
    meeting = make_open_meeting()
    response = client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting))
    assert response.status_code == 400
    assert count() == 0


# --- a connection lost after the commit ----------------------------------------------


def test_a_confirmation_reads_nothing_after_its_commit(client):
    """Once the seat is committed, the page must not need the database: a connection
    lost at that moment would otherwise turn a success into an error page."""
    meeting = make_open_meeting()
    make_registration(meeting, confirm=False, email="dawit@mfa.example")
    confirm = link_in(queued("dawit@mfa.example")[-1].text, "confirm")
    committed, after_commit = [], []

    def on_commit(session):
        committed.append(True)

    def on_execute(conn, cursor, statement, *args):
        if committed:
            after_commit.append(statement)

    event.listen(db.session, "after_commit", on_commit)
    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        response = client.post(confirm)
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
        event.remove(db.session, "after_commit", on_commit)
    assert response.status_code == 302 and "/registration/" in response.location
    assert committed and after_commit == []
    assert db.session.scalar(select(Registration.status)) is S.CONFIRMED
