"""The meeting's iCalendar SEQUENCE: raised once per flush by what a calendar shows, never by anything else."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from tests.helpers.factories import make_meeting

START = date.today() + timedelta(days=60)

VISIBLE_CHANGES = {
    "title": lambda m: setattr(m, "title", "Renamed meeting"),
    "venue": lambda m: setattr(m, "venue", "African Union Conference Centre"),
    "city": lambda m: setattr(m, "city", "Bahir Dar"),
    "country": lambda m: setattr(m, "country", "SD"),
    "timezone": lambda m: setattr(m, "timezone", "Africa/Khartoum"),
    "dates": lambda m: m.set_schedule(START + timedelta(days=7), START + timedelta(days=8), time(9), time(17)),
    "times": lambda m: m.set_schedule(START, START + timedelta(days=1), time(10), time(17)),
    "all-day": lambda m: m.set_schedule(START, START + timedelta(days=1)),
    "cancelled": lambda m: setattr(m, "status", MeetingStatus.CANCELLED),
}

INVISIBLE_CHANGES = {
    "summary": lambda m: setattr(m, "summary", "A new abstract."),
    "description": lambda m: setattr(m, "description", "# New *markdown* text"),
    "capacity": lambda m: setattr(m, "capacity", 120),
    "seats": lambda m: setattr(m, "seats_taken", 3),
    "chair": lambda m: setattr(m, "chair", "Italy"),
    "registration": lambda m: setattr(m, "requires_approval", True),
    "same values": lambda m: (
        setattr(m, "title", m.title),
        m.set_schedule(START, START + timedelta(days=1), time(9), time(17)),
    ),
}


def fresh_meeting():
    meeting = make_meeting(dates=(START, START + timedelta(days=1)))
    assert meeting.ical_sequence == 0
    return meeting


@pytest.mark.parametrize("change", VISIBLE_CHANGES.values(), ids=VISIBLE_CHANGES.keys())
def test_a_change_a_calendar_shows_raises_the_sequence(app, change):
    meeting = fresh_meeting()
    change(meeting)
    db.session.commit()
    assert meeting.ical_sequence == 1


@pytest.mark.parametrize("change", INVISIBLE_CHANGES.values(), ids=INVISIBLE_CHANGES.keys())
def test_other_changes_leave_it_alone(app, change):
    meeting = fresh_meeting()
    change(meeting)
    db.session.commit()
    assert meeting.ical_sequence == 0


def test_several_changes_in_one_flush_count_once(app):
    meeting = fresh_meeting()
    meeting.title, meeting.venue, meeting.status = "New title", "New venue", MeetingStatus.CANCELLED
    meeting.set_schedule(START + timedelta(days=3), START + timedelta(days=3))
    db.session.commit()
    assert meeting.ical_sequence == 1
    meeting.title = "Another title"
    db.session.flush()
    meeting.city = "Another city"
    db.session.commit()
    assert meeting.ical_sequence == 3


def test_cancelling_and_reinstating_both_count_but_publishing_does_not(app):
    meeting = make_meeting(status=MeetingStatus.DRAFT)
    meeting.status = MeetingStatus.PUBLISHED
    db.session.commit()
    assert meeting.ical_sequence == 0
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    meeting.status = MeetingStatus.PUBLISHED
    db.session.commit()
    assert meeting.ical_sequence == 2


def test_every_code_path_gets_it_even_a_meeting_loaded_afresh(app):
    meeting_id = fresh_meeting().id
    db.session.expunge_all()
    loaded = db.session.scalar(select(Meeting).where(Meeting.id == meeting_id))
    loaded.venue = "Sheraton Addis"
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(Meeting, meeting_id).ical_sequence == 1


def test_an_explicit_sequence_is_respected(app):
    meeting = fresh_meeting()
    meeting.title, meeting.ical_sequence = "Imported", 7
    db.session.commit()
    assert meeting.ical_sequence == 7
