"""Organisers' changes to a meeting reach its delegates, with invites that replace the old entry."""

from dataclasses import replace
from datetime import UTC, date, datetime, time

import icalendar

from app.extensions import db
from app.meetings.changes import MeetingEdit
from app.meetings.models import Meeting, MeetingStatus
from app.registration import services
from app.registration.meeting_changes import cancel_meeting, change_meeting
from tests.helpers.actors import DELEGATE, ORGANISER
from tests.helpers.factories import make_open_meeting, make_registration
from tests.helpers.outbox import queued


def event_of(calendar_text):
    calendar = icalendar.Calendar.from_ical(calendar_text)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def setup_meeting():
    meeting = make_open_meeting(
        capacity=1,
        delegation_quota=None,
        timezone="Europe/Rome",
        city="Rome",
        country="IT",
        dates=(date(2027, 3, 25), date(2027, 3, 26)),
        times=(time(9, 0), time(17, 0)),
    )
    confirmed = make_registration(meeting)
    waiting = make_registration(meeting)
    gone = make_registration(meeting)
    services.cancel_registration(gone, meeting.starts_at, actor=DELEGATE)
    return meeting, confirmed, waiting, gone


def test_moving_a_meeting_sends_updated_invites_with_the_same_uid_and_a_higher_sequence(app, now):
    meeting, confirmed, waiting, gone = setup_meeting()
    original_request = queued(confirmed.email)[-1].calendar
    _, old_event = event_of(original_request)
    emails_to_gone = len(queued(gone.email))

    edit = replace(MeetingEdit.of(meeting), start_date=date(2027, 3, 29), end_date=date(2027, 3, 30))
    changes = change_meeting(meeting, edit, now, actor=ORGANISER)

    assert changes == ["Dates: now 29–30 March 2027 (was 25–26 March 2027)"]
    update = queued(confirmed.email)[-1]
    assert update.subject.startswith("Meeting updated") and "29–30 March 2027" in update.text
    calendar, event = event_of(update.calendar)
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == old_event["UID"]
    assert int(event["SEQUENCE"]) == int(old_event["SEQUENCE"]) + 1
    # 09:00 in Rome after the switch to summer time (28 March 2027) is 07:00 UTC.
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    notice = queued(waiting.email)[-1]
    assert notice.subject.startswith("Meeting updated") and notice.calendar is None
    assert len(queued(gone.email)) == emails_to_gone


def test_an_edit_that_changes_nothing_a_calendar_shows_sends_nothing(app, now):
    meeting, confirmed, waiting, gone = setup_meeting()
    before, sequence = len(queued()), meeting.ical_sequence
    assert change_meeting(meeting, MeetingEdit.of(meeting), now, actor=ORGANISER) == []
    meeting.description = "A new paragraph about the agenda."
    db.session.commit()
    assert len(queued()) == before
    assert db.session.get(Meeting, meeting.id).ical_sequence == sequence


def test_a_new_venue_and_title_are_described(app, now):
    meeting, confirmed, *_ = setup_meeting()
    edit = replace(MeetingEdit.of(meeting), title="Thematic Meeting on Legal Pathways", venue="Palazzo Farnesina")
    changes = change_meeting(meeting, edit, now, actor=ORGANISER)
    assert any(c.startswith("Title: now “Thematic Meeting on Legal Pathways”") for c in changes)
    assert any(c.startswith("Place: now Palazzo Farnesina, Rome, Italy") for c in changes)
    _, event = event_of(queued(confirmed.email)[-1].calendar)
    assert str(event["SUMMARY"]) == "Thematic Meeting on Legal Pathways"


def test_cancelling_a_meeting_cancels_the_invites_of_confirmed_delegates(app, now):
    meeting, confirmed, waiting, gone = setup_meeting()
    _, old_event = event_of(queued(confirmed.email)[-1].calendar)
    assert cancel_meeting(meeting, now, actor=ORGANISER) == 2
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.CANCELLED
    cancellation = queued(confirmed.email)[-1]
    calendar, event = event_of(cancellation.calendar)
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == old_event["UID"] and int(event["SEQUENCE"]) > int(old_event["SEQUENCE"])
    notice = queued(waiting.email)[-1]
    assert "cancelled" in notice.subject.lower() and notice.calendar is None
    assert cancel_meeting(meeting, now, actor=ORGANISER) == 0  # cancelling twice sends nothing more
