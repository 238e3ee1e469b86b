"""The days a delegate attends, kept as rows: counted and filtered by day, edited, and moved with the meeting."""

from dataclasses import replace
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.meetings.changes import MeetingEdit
from app.registration import services
from app.registration.meeting_changes import change_meeting
from app.registration.models import Registration, RegistrationDay
from tests.helpers.actors import DELEGATE, ORGANISER
from tests.helpers.factories import make_open_meeting, make_registration, registration_data

MON, TUE, WED = date(2027, 3, 15), date(2027, 3, 16), date(2027, 3, 17)


def expected_per_day(meeting):
    rows = db.session.execute(
        select(RegistrationDay.day, func.count())
        .join(Registration)
        .where(Registration.meeting_id == meeting.id)
        .group_by(RegistrationDay.day)
        .order_by(RegistrationDay.day)
    )
    return dict(rows.all())


def test_the_days_are_rows_the_database_counts_and_filters(app):
    meeting = make_open_meeting(dates=(MON, WED), delegation_quota=None)
    make_registration(meeting)  # every day
    make_registration(meeting, days=[TUE.isoformat()])
    make_registration(meeting, days=[MON.isoformat(), WED.isoformat()])
    assert expected_per_day(meeting) == {MON: 2, TUE: 2, WED: 2}
    on_tuesday = select(Registration.last_name).join(RegistrationDay).where(RegistrationDay.day == TUE)
    assert len(db.session.scalars(on_tuesday).all()) == 2


def test_editing_the_days_changes_the_rows(app, now):
    meeting = make_open_meeting(dates=(MON, WED), delegation_quota=None)
    registration = make_registration(meeting, days=[MON.isoformat(), TUE.isoformat()])
    services.update_registration(
        registration,
        registration_data(email=registration.email, days=[TUE.isoformat(), WED.isoformat()]),
        now,
        actor=DELEGATE,
    )
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).days == [TUE, WED]
    assert expected_per_day(meeting) == {TUE: 1, WED: 1}


def test_when_the_meeting_moves_each_delegate_keeps_the_same_days_of_it(app, now):
    meeting = make_open_meeting(dates=(MON, WED), delegation_quota=None)
    everything = make_registration(meeting)
    second_day = make_registration(meeting, days=[TUE.isoformat()])
    last_day = make_registration(meeting, days=[WED.isoformat()])
    # A week later, and one day shorter: the third day is gone.
    change_meeting(
        meeting,
        replace(MeetingEdit.of(meeting), start_date=date(2027, 3, 22), end_date=date(2027, 3, 23)),
        now,
        actor=ORGANISER,
    )
    db.session.expire_all()
    assert db.session.get(Registration, everything.id).days == [date(2027, 3, 22), date(2027, 3, 23)]
    assert db.session.get(Registration, second_day.id).days == [date(2027, 3, 23)]
    assert db.session.get(Registration, last_day.id).days == [date(2027, 3, 22), date(2027, 3, 23)]
