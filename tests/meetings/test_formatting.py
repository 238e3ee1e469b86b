"""What a page says of a meeting's registration window, at a given ``now``, in the meeting's zone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.meetings.formatting import registration_sentence
from app.meetings.models import MeetingStatus
from app.meetings.services import get_next_change, get_registration_window
from app.registration.rules import registration_closed_reason
from tests.helpers.factories import make_meeting

#: A year ahead of any day the tests run on: its instants are in the future.
YEAR = date.today().year + 1
MINUTE = timedelta(minutes=1)


def at(zone: str, *fields) -> datetime:
    """An instant given as a local time in ``zone``."""
    return datetime(*fields, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def rome_across_summer_time(**fields):
    """Opens in March before summer time (CET), closes in April after it (CEST)."""
    return make_meeting(
        timezone="Europe/Rome",
        city="Rome",
        country="IT",
        dates=(date(YEAR, 4, 20), date(YEAR, 4, 21)),
        times=(time(9, 30), time(17)),
        registration_opens_at=at("Europe/Rome", YEAR, 3, 20, 9),
        registration_closes_at=at("Europe/Rome", YEAR, 4, 10, 17, 30),
        **fields,
    )


def test_the_sentence_follows_the_window_and_the_zones_summer_time(app):
    meeting = rome_across_summer_time()
    opens, closes = meeting.registration_opens_at, meeting.registration_closes_at
    assert registration_sentence(meeting, opens - MINUTE) == f"Registration opens on 20 March {YEAR} at 09:00 CET."
    for now in (opens, closes - MINUTE):  # open from its first instant
        assert registration_sentence(meeting, now) == f"Registration closes on 10 April {YEAR} at 17:30 CEST."
    for now in (closes, closes + timedelta(days=400)):  # closed at its last instant, and after the meeting
        assert registration_sentence(meeting, now) == f"Registration closed on 10 April {YEAR} at 17:30 CEST."


def test_addis_ababa_reads_in_eat_and_a_full_meeting_still_says_when_it_closes(app):
    meeting = make_meeting(
        dates=(date(YEAR, 12, 16), date(YEAR, 12, 17)),
        registration_opens_at=at("Africa/Addis_Ababa", YEAR, 12, 1, 9),
        registration_closes_at=at("Africa/Addis_Ababa", YEAR, 12, 15, 9),
        capacity=1,
        seats_taken=1,
    )
    before, during = at("Africa/Addis_Ababa", YEAR, 11, 30, 12), at("Africa/Addis_Ababa", YEAR, 12, 2, 12)
    assert registration_sentence(meeting, before) == f"Registration opens on 1 December {YEAR} at 09:00 EAT."
    assert registration_sentence(meeting, during) == f"Registration closes on 15 December {YEAR} at 09:00 EAT."


def test_without_a_closing_time_registration_closes_when_the_meeting_ends(app):
    meeting = make_meeting(
        dates=(date(YEAR, 12, 16), date(YEAR, 12, 17)),
        times=(time(9), time(17, 30)),
        registration_opens_at=at("Africa/Addis_Ababa", YEAR, 12, 1, 9),
    )
    during = at("Africa/Addis_Ababa", YEAR, 12, 2, 12)
    assert get_registration_window(meeting) == (meeting.registration_opens_at, meeting.ends_at)
    assert registration_sentence(meeting, during) == f"Registration closes on 17 December {YEAR} at 17:30 EAT."
    undated = make_meeting(dates=(), registration_opens_at=at("Africa/Addis_Ababa", YEAR, 12, 1, 9))
    assert get_registration_window(undated) == (undated.registration_opens_at, None)
    assert registration_sentence(undated, during) is None  # open, and nothing says until when


def test_nothing_is_said_without_online_registration_or_once_cancelled(app):
    offline = make_meeting(dates=(date(YEAR, 12, 16), date(YEAR, 12, 17)))
    assert get_registration_window(offline) == (None, None)
    cancelled = rome_across_summer_time(status=MeetingStatus.CANCELLED)
    for now in (
        at("Europe/Rome", YEAR, 1, 1, 12),
        at("Europe/Rome", YEAR, 4, 1, 12),
        at("Europe/Rome", YEAR, 5, 1, 12),
    ):
        assert registration_sentence(offline, now) is None
        assert registration_sentence(cancelled, now) is None


@pytest.mark.parametrize(
    "zone, expected",
    [("Asia/Dubai", "09:00 UTC+4"), ("America/Sao_Paulo", "09:00 UTC-3"), ("Asia/Kolkata", "09:00 IST")],
)
def test_a_zone_without_an_abbreviation_reads_as_its_offset(app, zone, expected):
    meeting = make_meeting(
        timezone=zone, dates=(date(YEAR, 12, 16),) * 2, registration_opens_at=at(zone, YEAR, 12, 1, 9)
    )
    now = meeting.registration_opens_at - MINUTE
    assert registration_sentence(meeting, now) == f"Registration opens on 1 December {YEAR} at {expected}."


def test_the_registration_form_says_when_it_opens_in_the_same_words(app):
    meeting = rome_across_summer_time()
    now = meeting.registration_opens_at - MINUTE
    assert registration_closed_reason(meeting, now) == registration_sentence(meeting, now)
    assert registration_closed_reason(meeting, now) == f"Registration opens on 20 March {YEAR} at 09:00 CET."


def test_the_next_change_is_the_first_instant_ahead_that_the_pages_show(app):
    meeting = rome_across_summer_time()
    opens, closes, ends = meeting.registration_opens_at, meeting.registration_closes_at, meeting.ends_at
    assert get_next_change([meeting], opens - MINUTE) == opens
    assert get_next_change([meeting], opens) == closes  # at the instant itself the page has changed already
    assert get_next_change([meeting], closes) == ends
    assert get_next_change([meeting], ends) is None
    offline = make_meeting(dates=(date(YEAR, 1, 5),) * 2, times=(time(9), time(10)))
    new_year = at("Europe/Rome", YEAR, 1, 1, 0)
    assert get_next_change([meeting, offline], new_year) == offline.ends_at  # the soonest of every meeting's
    assert get_next_change([make_meeting(dates=())], opens) is None
    assert get_next_change([], opens) is None


def test_a_window_closing_at_midnight_names_the_day_it_ends(app):
    # An all-day meeting without a closing time takes registrations until it ends: midnight
    # after its last day, which is the end of that day, not the start of the next.
    meeting = make_meeting(
        dates=(date(YEAR, 12, 16), date(YEAR, 12, 17)),
        times=None,
        registration_opens_at=at("Africa/Addis_Ababa", YEAR, 12, 1, 9),
    )
    during = at("Africa/Addis_Ababa", YEAR, 12, 2, 12)
    assert registration_sentence(meeting, during) == f"Registration closes on 17 December {YEAR} at 24:00 EAT."


def test_a_window_opening_at_midnight_names_the_day_it_opens(app):
    meeting = make_meeting(
        dates=(date(YEAR, 12, 16), date(YEAR, 12, 17)),
        times=None,
        registration_opens_at=at("Africa/Addis_Ababa", YEAR, 12, 1, 0),
    )
    before = at("Africa/Addis_Ababa", YEAR, 11, 20, 12)
    assert registration_sentence(meeting, before) == f"Registration opens on 1 December {YEAR} at 00:00 EAT."
