"""One head of delegation per delegation and meeting, among the delegates whose address is confirmed."""

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.registration import services
from app.registration.exceptions import RegistrationRefused
from app.registration.models import DelegateRole, Registration
from app.registration.models import RegistrationStatus as S
from tests.helpers.actors import DELEGATE
from tests.helpers.factories import make_open_meeting, make_registration, registration_data
from tests.helpers.forms import form_data, link_in
from tests.helpers.outbox import queued

HEAD = DelegateRole.HEAD


def test_a_second_head_of_the_same_delegation_is_refused_with_a_clear_message(app, now):
    meeting = make_open_meeting()
    make_registration(meeting, role=HEAD, delegation="state:ET")
    with pytest.raises(RegistrationRefused) as refused:
        services.register_delegate(meeting, registration_data(role=HEAD, delegation="state:ET"), now, actor=DELEGATE)
    assert refused.value.errors["role"].startswith("Ethiopia already has a head of delegation registered")
    # Another delegation, or another role, or another meeting: all fine.
    assert make_registration(meeting, role=HEAD, delegation="state:IT").role is HEAD
    assert make_registration(meeting, delegation="state:ET").status is S.CONFIRMED
    assert make_registration(make_open_meeting(), role=HEAD, delegation="state:ET").status is S.CONFIRMED


def test_an_unconfirmed_head_blocks_no_one_and_a_cancelled_one_frees_the_role(app, now):
    meeting = make_open_meeting()
    mistyped = make_registration(meeting, role=HEAD, confirm=False)
    real = make_registration(meeting, role=HEAD)
    assert real.status is S.CONFIRMED
    with pytest.raises(RegistrationRefused) as refused:  # the mistyped one, confirmed late
        services.confirm_registration(mistyped, now, actor=DELEGATE)
    assert "Change your role on your registration page" in refused.value.errors["role"]
    assert db.session.get(Registration, mistyped.id).status is S.UNCONFIRMED
    services.cancel_registration(real, now, actor=DELEGATE)
    assert (
        services.confirm_registration(db.session.get(Registration, mistyped.id), now, actor=DELEGATE).status
        is S.CONFIRMED
    )


def test_a_delegate_cannot_edit_themselves_into_a_taken_head_role(app, now):
    meeting = make_open_meeting()
    make_registration(meeting, role=HEAD)
    mine = make_registration(meeting)
    with pytest.raises(RegistrationRefused) as refused:
        services.update_registration(mine, registration_data(email=mine.email, role=HEAD), now, actor=DELEGATE)
    assert "role" in refused.value.errors
    assert db.session.get(Registration, mine.id).role is DelegateRole.DELEGATE
    # The head keeps their role through their own edits.
    head = db.session.scalar(select(Registration).where(Registration.role == HEAD))
    services.update_registration(
        head, registration_data(email=head.email, role=HEAD, position="Ambassador"), now, actor=DELEGATE
    )
    assert head.position == "Ambassador"


def test_the_database_holds_the_rule_whatever_the_services_do(app):
    meeting = make_open_meeting()
    make_registration(meeting, role=HEAD)
    other = make_registration(meeting)
    with pytest.raises(IntegrityError):
        db.session.execute(update(Registration).where(Registration.id == other.id).values(role=HEAD))
        db.session.flush()
    db.session.rollback()


def test_the_confirm_page_says_why_and_links_to_the_registration(client, app):
    meeting = make_open_meeting()
    client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="first@mfa.example"))
    client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="second@mfa.example"))
    first, second = (link_in(queued(to)[-1].text, "confirm") for to in ("first@mfa.example", "second@mfa.example"))
    assert client.post(first).status_code == 302
    response = client.post(second)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ethiopia already has a head of delegation" in html
    assert "Open your registration page to change your role" in html
