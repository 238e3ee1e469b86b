"""A delegate's invite follows the days they attend, through the registration services and the outbox."""

from datetime import UTC, date, datetime, time

import icalendar

from app.registration import services
from tests.helpers.actors import DELEGATE
from tests.helpers.calendar import event_lines, expand_all
from tests.helpers.factories import make_open_meeting, make_registration, registration_data
from tests.helpers.outbox import queued

MARCH_27, MARCH_28, MARCH_29 = date(2027, 3, 27), date(2027, 3, 28), date(2027, 3, 29)


def rome_meeting():
    """27–29 March 2027, 09:00–17:30 in Rome, across the switch to summer time on the 28th."""
    return make_open_meeting(
        dates=(MARCH_27, MARCH_29), times=(time(9), time(17, 30)), timezone="Europe/Rome", city="Rome", country="IT"
    )


def latest_invite(registration):
    """The last invite queued for the delegate: (METHOD, UID, SEQUENCE, the calendar's text)."""
    message = [m for m in queued(registration.email) if m.calendar][-1]
    calendar = icalendar.Calendar.from_ical(message.calendar)
    [event] = calendar.walk("VEVENT")
    assert message.calendar_method == str(calendar["METHOD"])
    return str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"]), message.calendar


def change_days(registration, days, now):
    data = registration_data(
        email=registration.email,
        first_name=registration.first_name,
        last_name=registration.last_name,
        days=[day.isoformat() for day in days],
    )
    services.update_registration(registration, data, now, actor=DELEGATE)


def starts(calendar_text) -> list[datetime]:
    return [o["start"] for o in expand_all(calendar_text, zones=["Europe/Rome"])]


def test_the_confirmation_invite_holds_the_days_registered_for(app):
    registration = make_registration(rome_meeting(), days=[MARCH_27.isoformat(), MARCH_29.isoformat()])
    method, _, _, text = latest_invite(registration)
    assert method == "REQUEST"
    assert event_lines(text, "EXDATE") == ["EXDATE;TZID=Europe/Rome:20270328T090000"]
    assert starts(text) == [datetime(2027, 3, 27, 8, tzinfo=UTC), datetime(2027, 3, 29, 7, tzinfo=UTC)]


def test_changing_days_sends_the_same_invite_with_a_higher_sequence_and_the_new_exdates(app, now):
    registration = make_registration(rome_meeting())
    _, uid, sequence, text = latest_invite(registration)
    assert event_lines(text, "EXDATE") == [] and len(starts(text)) == 3

    change_days(registration, [MARCH_27, MARCH_29], now)
    method, new_uid, new_sequence, text = latest_invite(registration)
    assert (method, new_uid) == ("REQUEST", uid) and new_sequence > sequence
    assert queued(registration.email)[-1].subject.startswith("Calendar invitation updated")
    assert event_lines(text, "EXDATE") == ["EXDATE;TZID=Europe/Rome:20270328T090000"]
    assert starts(text) == [datetime(2027, 3, 27, 8, tzinfo=UTC), datetime(2027, 3, 29, 7, tzinfo=UTC)]

    # Down to one day: a single event that day, still the same UID, higher again.
    sequence = new_sequence
    change_days(registration, [MARCH_28], now)
    _, new_uid, new_sequence, text = latest_invite(registration)
    assert new_uid == uid and new_sequence > sequence
    assert event_lines(text, "RRULE") == event_lines(text, "EXDATE") == []
    assert starts(text) == [datetime(2027, 3, 28, 7, tzinfo=UTC)]

    # Every day again: the series without exclusions.
    sequence = new_sequence
    change_days(registration, [MARCH_27, MARCH_28, MARCH_29], now)
    _, new_uid, new_sequence, text = latest_invite(registration)
    assert new_uid == uid and new_sequence > sequence
    assert event_lines(text, "EXDATE") == [] and len(starts(text)) == 3


def test_cancelling_withdraws_the_whole_series(app, now):
    registration = make_registration(rome_meeting(), days=[MARCH_27.isoformat(), MARCH_29.isoformat()])
    _, uid, sequence, _ = latest_invite(registration)
    services.cancel_registration(registration, now, actor=DELEGATE)
    method, cancel_uid, cancel_sequence, text = latest_invite(registration)
    assert (method, cancel_uid) == ("CANCEL", uid) and cancel_sequence > sequence
    assert "RECURRENCE-ID" not in text
    assert [o["status"] for o in expand_all(text, zones=["Europe/Rome"])] == ["CANCELLED", "CANCELLED"]
