"""Outbox messages know the meeting and registration they are about, for the email log."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.attachments import Attachment, OutboxAttachment
from app.mail.records import list_messages, remove_attachments
from app.registration.models import Registration
from tests.helpers.factories import make_meeting, make_open_meeting, make_registration
from tests.helpers.mail import queue, rows


def test_the_references_are_stored_and_a_meetings_or_delegates_emails_listed(app):
    first, second = make_meeting(), make_meeting()
    about_first = queue(2, calendar=False, meeting_id=first.id)
    (about_second,) = queue(calendar=False, meeting_id=second.id)
    queue(calendar=False)

    assert [m.id for m in list_messages(meeting_id=first.id)] == [m.id for m in reversed(about_first)]
    assert [m.id for m in list_messages(meeting_id=second.id)] == [about_second.id]
    assert list_messages(registration_id=12345) == []
    with pytest.raises(TypeError):
        list_messages()


def test_a_registrations_emails_carry_its_ids_from_the_notifications(app):
    meeting = make_open_meeting()
    registration = make_registration(meeting)  # the confirmation request, then the confirmed email
    other = make_registration(meeting, confirm=False)

    mine = list_messages(registration_id=registration.id)
    assert len(mine) == 2 and {m.meeting_id for m in mine} == {meeting.id}
    assert {m.to_email for m in mine} == {registration.email}
    assert [m.registration_id for m in list_messages(meeting_id=meeting.id)] == [other.id] + [registration.id] * 2
    assert [m.id for m in list_messages(meeting_id=meeting.id, registration_id=other.id)] == [
        m.id for m in list_messages(registration_id=other.id)
    ]


def test_deleting_a_registration_keeps_its_emails_without_the_reference(app):
    meeting = make_open_meeting()
    registration = make_registration(meeting)
    registration_id = registration.id
    db.session.delete(db.session.get(Registration, registration_id))
    db.session.commit()

    messages = rows()
    assert len(messages) == 2
    assert {(m.registration_id, m.meeting_id) for m in messages} == {(None, meeting.id)}
    assert list_messages(registration_id=registration_id) == []


def test_deleting_a_meeting_keeps_its_emails_without_the_reference(app):
    meeting = make_meeting()
    queue(calendar=False, meeting_id=meeting.id)
    db.session.delete(meeting)
    db.session.commit()

    (message,) = rows()
    assert message.meeting_id is None


def test_a_purge_removes_a_registrations_attachments_before_it_deletes_the_registration(app):
    meeting = make_open_meeting()
    registration = make_registration(meeting, confirm=False)
    letter = Attachment("letter.pdf", "application/pdf", b"%PDF visa letter")
    queue(calendar=False, meeting_id=meeting.id, registration_id=registration.id, attachments=[letter])
    (kept,) = queue(calendar=False, meeting_id=meeting.id, attachments=[Attachment("p.pdf", "application/pdf", b"x")])

    assert remove_attachments(registration_id=registration.id) == 1
    db.session.delete(registration)
    db.session.commit()

    assert [a.outbox_message_id for a in db.session.scalars(select(OutboxAttachment))] == [kept.id]


@pytest.mark.parametrize("value", ["7", 7.0, True])
def test_references_are_ids(app, value):
    with pytest.raises(ValueError):
        queue(calendar=False, commit=False, meeting_id=value)
