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


# --- the personal invite's revision ---------------------------------------------------


def _sequence(message):
    import icalendar

    (event,) = icalendar.Calendar.from_ical(message.calendar).walk("VEVENT")
    return int(event["SEQUENCE"])


def test_an_edit_of_what_the_invite_shows_sends_it_again_with_a_higher_sequence(app, now):
    from tests.helpers.factories import make_registration
    from tests.helpers.outbox import queued

    meeting = make_open_meeting(dates=(now.date() + timedelta(days=40), now.date() + timedelta(days=41)))
    registration = make_registration(meeting, email="amina@mfa.example", first_name="Amina")
    first = _sequence(queued("amina@mfa.example")[-1])
    mine = Actor.delegate(registration)
    services.update_registration(
        registration,
        registration_data(email=registration.email, first_name="Aminata", last_name="Tesfaye"),
        now,
        actor=mine,
    )
    updated = queued("amina@mfa.example")[-1]
    assert updated.calendar_method == "REQUEST" and "Aminata" in updated.calendar
    assert _sequence(updated) == first + 1
    before = len(queued("amina@mfa.example"))
    services.update_registration(
        registration,
        registration_data(email=registration.email, first_name="Aminata", last_name="Tesfaye", position="Consul"),
        now,
        actor=mine,
    )
    assert len(queued("amina@mfa.example")) == before  # the invite shows no position: nothing sent


def test_the_invite_sequence_adds_the_meetings_and_never_goes_down(app, now):
    from app.meetings.changes import MeetingEdit
    from app.registration.meeting_changes import change_meeting
    from tests.helpers.factories import make_registration
    from tests.helpers.outbox import queued

    meeting = make_open_meeting()
    registration = make_registration(meeting, email="seq@mfa.example")
    services.update_registration(
        registration,
        registration_data(email=registration.email, last_name="Renamed"),
        now,
        actor=Actor.delegate(registration),
    )
    after_edit = _sequence(queued("seq@mfa.example")[-1])
    edit = MeetingEdit.of(meeting)
    change_meeting(meeting, MeetingEdit(**{**edit.__dict__, "title": "Renamed meeting"}), now, actor=ORGANISER)
    after_move = _sequence(queued("seq@mfa.example")[-1])
    assert after_move > after_edit
    cancel = services.cancel_registration(registration, now, actor=Actor.delegate(registration))
    assert cancel == [] and _sequence(queued("seq@mfa.example")[-1]) > after_move
