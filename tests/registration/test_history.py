"""Every change of a registration's state leaves a row: from, to, when, who and why."""

from datetime import timedelta

import pytest

from app.actors import Actor, ActorKind
from app.extensions import db
from app.registration import services
from app.registration.history import list_events
from app.registration.models import Registration
from app.registration.models import RegistrationStatus as S
from tests.helpers.actors import ORGANISER
from tests.helpers.factories import make_open_meeting, registration_data


def steps(registration):
    return [(e.from_status, e.to_status, e.at, e.actor_kind, e.actor_ref, e.reason) for e in list_events(registration)]


def test_register_confirm_cancel_and_the_promotion_it_causes(app, now):
    meeting = make_open_meeting(capacity=1)
    first = services.register_delegate(meeting, registration_data(), now, actor=Actor.delegate()).registration
    me = Actor.delegate(first)
    services.confirm_registration(first, now + timedelta(minutes=5), actor=me)
    second = services.register_delegate(meeting, registration_data(), now, actor=Actor.delegate()).registration
    services.confirm_registration(second, now + timedelta(minutes=6), actor=Actor.delegate(second))
    assert second.status is S.WAITLISTED

    services.cancel_registration(first, now + timedelta(hours=1), actor=me)

    assert steps(first) == [
        (None, S.UNCONFIRMED, now, "delegate", None, "registered"),
        (S.UNCONFIRMED, S.CONFIRMED, now + timedelta(minutes=5), "delegate", first.uid, "address confirmed"),
        (S.CONFIRMED, S.CANCELLED, now + timedelta(hours=1), "delegate", first.uid, "cancelled"),
    ]
    promoted = steps(second)[-1]
    assert promoted[:4] == (S.WAITLISTED, S.CONFIRMED, now + timedelta(hours=1), "delegate")
    assert promoted[4] == first.uid and "promoted from the waiting list" in promoted[5]


def test_an_organisers_approval_is_recorded_as_theirs(app, now):
    meeting = make_open_meeting(requires_approval=True)
    registration = services.register_delegate(meeting, registration_data(), now, actor=Actor.delegate()).registration
    services.confirm_registration(registration, now, actor=Actor.delegate(registration))
    services.approve_registration(registration, now + timedelta(days=1), actor=ORGANISER)
    last = list_events(registration)[-1]
    assert (last.from_status, last.to_status) == (S.AWAITING_APPROVAL, S.CONFIRMED)
    assert (last.actor_kind, last.actor_ref, last.at) == (ActorKind.ORGANISER.value, "1", now + timedelta(days=1))


def test_an_edit_that_changes_no_state_adds_no_row(app, now):
    meeting = make_open_meeting()
    registration = services.register_delegate(meeting, registration_data(), now, actor=Actor.delegate()).registration
    before = len(list_events(registration))
    services.update_registration(
        registration, registration_data(email=registration.email, position="Minister"), now, actor=ORGANISER
    )
    assert len(list_events(registration)) == before


def test_a_state_changed_outside_a_service_is_refused(app, now):
    meeting = make_open_meeting()
    registration = services.register_delegate(meeting, registration_data(), now, actor=Actor.delegate()).registration
    registration.status = S.CONFIRMED
    with pytest.raises(RuntimeError, match="outside a service"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Registration, registration.id).status is S.UNCONFIRMED
    assert len(list_events(registration)) == 1
