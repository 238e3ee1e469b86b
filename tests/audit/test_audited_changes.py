"""The organisers' changes to meetings and registrations write their audit line in the same
commit as the change: both, or neither."""

from dataclasses import replace
from datetime import date, time

import pytest
from sqlalchemy import select, update

from app.actors import ActorKind
from app.audit.models import AuditEntry
from app.auth.models import Role
from app.auth.services import actor_for
from app.extensions import db
from app.meetings.changes import MeetingEdit
from app.meetings.models import Meeting, MeetingStatus
from app.registration import services
from app.registration.meeting_changes import cancel_meeting, change_meeting
from app.registration.models import Registration, RegistrationStatus
from tests.helpers.accounts import make_account
from tests.helpers.actors import DELEGATE
from tests.helpers.factories import make_open_meeting, make_registration
from tests.helpers.outbox import queued


def lines(action=None) -> list[AuditEntry]:
    """The log's lines about meetings and registrations (not the organiser's own account)."""
    query = select(AuditEntry).where(AuditEntry.action.not_like("account.%")).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


@pytest.fixture
def organiser(app):
    return make_account(Role.ORGANISER)


@pytest.fixture
def meeting(app):
    return make_open_meeting(
        title="Thematic Meeting on Returns",
        venue="Hall A",
        dates=(date(2027, 3, 25), date(2027, 3, 26)),
        times=(time(9, 0), time(17, 0)),
    )


def test_a_meeting_change_is_logged_with_the_changed_fields_only(meeting, organiser, now):
    edit = replace(MeetingEdit.of(meeting), title="Thematic Meeting on Legal Pathways", venue="Hall B")
    change_meeting(meeting, edit, now, actor=actor_for(organiser))
    [entry] = lines()
    assert entry.action == "meeting.changed"
    assert entry.changes == {
        "title": ["Thematic Meeting on Returns", "Thematic Meeting on Legal Pathways"],
        "venue": ["Hall A", "Hall B"],
    }
    assert (entry.meeting_id, entry.target_kind, entry.target_ref) == (meeting.id, "meeting", str(meeting.id))
    assert (entry.actor_kind, entry.actor_ref) == (ActorKind.ORGANISER, str(organiser.id))
    assert entry.at == now


def test_new_dates_are_logged_as_days(meeting, organiser, now):
    edit = replace(MeetingEdit.of(meeting), start_date=date(2027, 3, 29), end_date=date(2027, 3, 30))
    change_meeting(meeting, edit, now, actor=actor_for(organiser))
    [entry] = lines("meeting.changed")
    assert entry.changes == {"start_date": ["2027-03-25", "2027-03-29"], "end_date": ["2027-03-26", "2027-03-30"]}


def test_an_edit_that_changes_nothing_is_not_logged(meeting, organiser, now):
    assert change_meeting(meeting, MeetingEdit.of(meeting), now, actor=actor_for(organiser)) == []
    assert lines() == []


def test_a_meeting_change_that_fails_leaves_no_line(meeting, organiser, now):
    registration = make_registration(meeting)
    emails = len(queued())
    # A stored address the outbox refuses: the change fails after its line was added.
    db.session.execute(update(Registration).where(Registration.id == registration.id).values(email="no-address"))
    db.session.commit()
    edit = replace(MeetingEdit.of(meeting), title="Thematic Meeting on Legal Pathways")
    with pytest.raises(ValueError):
        change_meeting(meeting, edit, now, actor=actor_for(organiser))
    db.session.remove()
    assert lines() == []
    assert db.session.get(Meeting, meeting.id).title == "Thematic Meeting on Returns"
    assert len(queued()) == emails


def test_cancelling_a_meeting_is_logged_once(meeting, organiser, now):
    make_registration(meeting)
    cancel_meeting(meeting, now, actor=actor_for(organiser))
    [entry] = lines()
    assert entry.action == "meeting.cancelled"
    assert entry.changes == {"status": ["published", "cancelled"]}
    assert (entry.meeting_id, entry.target_ref, entry.actor_ref) == (meeting.id, str(meeting.id), str(organiser.id))
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.CANCELLED
    assert cancel_meeting(meeting, now, actor=actor_for(organiser)) == 0
    assert len(lines()) == 1


def test_an_approval_is_logged_with_the_status_before_and_after(organiser, now):
    meeting = make_open_meeting(capacity=5, requires_approval=True)
    registration = make_registration(meeting)
    assert lines() == []  # registering and confirming are the delegate's own: not in this log
    services.approve_registration(registration, now, actor=actor_for(organiser))
    [entry] = lines()
    assert entry.action == "registration.approved"
    assert entry.changes == {"status": ["awaiting-approval", "confirmed"]}
    assert (entry.target_kind, entry.target_ref) == ("registration", registration.uid)
    assert (entry.meeting_id, entry.actor_ref) == (meeting.id, str(organiser.id))
    text = str(entry.changes) + entry.target_ref + entry.actor_label
    assert registration.email not in text and registration.last_name not in text


def test_an_approval_refused_leaves_no_line(organiser, now):
    meeting = make_open_meeting(capacity=5)
    registration = make_registration(meeting)  # confirmed already: nothing to approve
    with pytest.raises(services.RegistrationRefused):
        services.approve_registration(registration, now, actor=actor_for(organiser))
    assert lines() == []


def test_an_organisers_cancellation_is_logged(meeting, organiser, now):
    registration = make_registration(meeting)
    services.cancel_registration(registration, now, actor=actor_for(organiser))
    [entry] = lines()
    assert entry.action == "registration.cancelled"
    assert entry.changes == {"status": ["confirmed", "cancelled"]}
    assert (entry.target_kind, entry.target_ref, entry.meeting_id) == ("registration", registration.uid, meeting.id)
    services.cancel_registration(registration, now, actor=actor_for(organiser))
    assert len(lines()) == 1  # cancelling again changes nothing


def test_a_delegates_own_cancellation_is_not_in_the_audit_log(meeting, now):
    registration = make_registration(meeting)
    services.cancel_registration(registration, now, actor=DELEGATE)
    assert db.session.get(Registration, registration.id).status is RegistrationStatus.CANCELLED
    assert lines() == []
