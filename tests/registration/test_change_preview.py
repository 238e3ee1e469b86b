"""Before an organiser confirms a change or a cancellation: what will change and whom it
tells, with nothing changed and nothing sent."""

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from app.extensions import db
from app.meetings.changes import MeetingEdit
from app.meetings.models import Meeting, ProgrammeSession
from app.registration.meeting_changes import cancellation_recipients, change_meeting, preview_change
from app.registration.models import RegistrationStatus
from tests.helpers.actors import ORGANISER
from tests.helpers.factories import make_session
from tests.helpers.outbox import queued
from tests.registration.test_meeting_changes import setup_meeting


def test_a_preview_names_the_change_and_its_recipients_and_changes_nothing(app, now):
    meeting, confirmed, waiting, gone = setup_meeting()
    emails, sequence = len(queued()), meeting.ical_sequence
    edit = replace(MeetingEdit.of(meeting), start_date=date(2027, 3, 29), end_date=date(2027, 3, 30), city="Milan")

    preview = preview_change(meeting, edit)

    assert preview.changes == [
        "Dates: now 29–30 March 2027 (was 25–26 March 2027)",
        "Place: now United Nations Conference Centre, Milan, Italy (was United Nations Conference Centre, Rome, Italy)",
    ]
    assert preview.updated_invites == [confirmed] and preview.notices == [waiting]  # not the cancelled one
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert (stored.start_date, stored.city, stored.ical_sequence) == (date(2027, 3, 25), "Rome", sequence)
    assert len(queued()) == emails
    # The change itself then says and sends what the preview said.
    assert change_meeting(stored, edit, now, actor=ORGANISER) == preview.changes
    assert len(queued()) == emails + 2


def test_a_preview_of_nothing_a_calendar_shows_tells_no_one(app):
    meeting, *_ = setup_meeting()
    preview = preview_change(meeting, MeetingEdit.of(meeting))
    assert (preview.changes, preview.updated_invites, preview.notices) == ([], [], [])


def test_cancelling_tells_confirmed_delegates_and_the_others_apart(app):
    meeting, confirmed, waiting, gone = setup_meeting()
    recipients = cancellation_recipients(meeting)
    assert recipients.updated_invites == [confirmed] and recipients.notices == [waiting]
    assert waiting.status is RegistrationStatus.WAITLISTED


def test_a_meeting_moved_with_its_programme_keeps_each_session_at_its_local_time(app, now):
    meeting, confirmed, *_ = setup_meeting()
    opening = make_session(meeting, date(2027, 3, 25), "09:00", "10:30", title="Opening")
    closing = make_session(meeting, date(2027, 3, 26), "16:00", "17:00", title="Closing")
    edit = replace(MeetingEdit.of(meeting), start_date=date(2027, 3, 29), end_date=date(2027, 3, 30))

    change_meeting(meeting, edit, now, actor=ORGANISER, move_sessions=True)

    db.session.expire_all()
    rome = ZoneInfo("Europe/Rome")
    # Summer time began on 28 March: the same local hours are an hour earlier in UTC.
    assert db.session.get(ProgrammeSession, opening.id).starts_at == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    moved = db.session.get(ProgrammeSession, closing.id)
    assert (moved.starts_at.astimezone(rome).isoformat(), moved.ends_at.astimezone(rome).time()) == (
        "2027-03-30T16:00:00+02:00",
        time(17, 0),
    )


def test_a_meeting_moved_without_its_programme_leaves_the_sessions_where_they_were(app, now):
    meeting, *_ = setup_meeting()
    opening = make_session(meeting, date(2027, 3, 25), "09:00", "10:30")
    before = opening.starts_at
    change_meeting(
        meeting,
        replace(MeetingEdit.of(meeting), start_date=date(2027, 3, 29), end_date=date(2027, 3, 30)),
        now,
        actor=ORGANISER,
    )
    db.session.expire_all()
    assert db.session.get(ProgrammeSession, opening.id).starts_at == before
