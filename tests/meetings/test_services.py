from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.extensions import db
from app.meetings import services
from app.meetings.models import Domain, Meeting, MeetingStatus, MeetingType
from app.meetings.services import ArchiveFilters, RegistrationState
from tests.helpers.factories import make_meeting, make_past_meeting, make_session


def test_upcoming_lists_public_meetings_soonest_first_and_undated_last(app, now):
    later = make_meeting(dates=(date.today() + timedelta(days=40),) * 2, title="Later")
    sooner = make_meeting(dates=(date.today() + timedelta(days=5),) * 2, title="Sooner")
    undated = make_meeting(dates=(), title="Dates to be confirmed")
    cancelled = make_meeting(dates=(date.today() + timedelta(days=10),) * 2, status=MeetingStatus.CANCELLED)
    make_meeting(status=MeetingStatus.DRAFT, title="Draft")
    make_past_meeting(title="Over")

    assert services.list_upcoming(now) == [sooner, cancelled, later, undated]


def test_a_meeting_under_way_is_still_upcoming(app, now):
    running = make_meeting(dates=(date.today() - timedelta(days=1), date.today() + timedelta(days=1)))
    assert services.list_upcoming(now) == [running]


def test_past_meetings_newest_first_in_pages_of_twenty(app, now):
    meetings = [make_past_meeting(days_ago=10 + i * 3) for i in range(45)]
    first = services.list_past(now, ArchiveFilters(), page=1)
    third = services.list_past(now, ArchiveFilters(), page=3)
    assert (first.total, first.pages) == (45, 3)
    assert first.items == meetings[:20]
    assert third.items == meetings[40:]


def test_archive_filters_combine(app, now):
    match = make_past_meeting(
        days_ago=400,
        country="IT",
        timezone="Europe/Rome",
        domain=Domain.RETURN,
        meeting_type=MeetingType.THEMATIC_MEETING,
        title="Return and reintegration",
    )
    make_past_meeting(days_ago=400, country="IT", timezone="Europe/Rome", domain=Domain.PROTECTION)
    make_past_meeting(days_ago=400, country="ET", domain=Domain.RETURN)
    make_past_meeting(
        days_ago=400, country="IT", timezone="Europe/Rome", domain=Domain.RETURN, meeting_type=MeetingType.TRAINING
    )
    filters = ArchiveFilters(
        meeting_type=MeetingType.THEMATIC_MEETING,
        country="IT",
        domain=Domain.RETURN,
        year=match.start_date.year,
        text="reintegration",
    )
    assert services.list_past(now, filters, 1).items == [match]


def test_year_filter_uses_the_local_date_of_the_meeting(app, now):
    new_year = make_meeting(dates=(date(2020, 1, 1), date(2020, 1, 1)), times=(time(0, 30), time(8, 0)))
    assert new_year.starts_at.year == 2019  # 00:30 in Addis Ababa is still 2019 in UTC
    assert services.list_past(now, ArchiveFilters(year=2020), 1).items == [new_year]
    assert services.list_past(now, ArchiveFilters(year=2019), 1).items == []


def test_text_search_matches_title_or_summary_case_insensitively_and_literally(app, now):
    by_title = make_past_meeting(title="People Smuggling")
    by_summary = make_past_meeting(summary="Networks of SMUGGLERS along the route")
    make_past_meeting(title="Protection", summary="Durable solutions")
    percent = make_past_meeting(title="100% attendance")
    assert set(services.list_past(now, ArchiveFilters(text="smuggl"), 1).items) == {by_title, by_summary}
    assert services.list_past(now, ArchiveFilters(text="%"), 1).items == [percent]
    assert services.list_past(now, ArchiveFilters(text="_"), 1).items == []


def test_parse_filters_keeps_good_values_and_reports_bad_ones():
    parsed = services.parse_filters(
        {
            "type": "thematic-meeting",
            "year": "99999",
            "country": "it",
            "domain": "nonsense",
            "q": "  smuggling   networks ",
        }
    )
    assert parsed.filters == ArchiveFilters(
        meeting_type=MeetingType.THEMATIC_MEETING, country="IT", text="smuggling networks"
    )
    assert len(parsed.problems) == 2
    assert any("99999" in p for p in parsed.problems)
    assert any("nonsense" in p for p in parsed.problems)


@pytest.mark.parametrize(
    "raw, page", [(None, 1), ("", 1), ("3", 3), ("abc", None), ("0", None), ("-1", None), ("9999999999", None)]
)
def test_parse_page(raw, page):
    assert services.parse_page(raw) == page


def test_drafts_are_not_public(app):
    draft = make_meeting(status=MeetingStatus.DRAFT)
    assert services.get_public_meeting(draft.slug) is None
    cancelled = make_meeting(status=MeetingStatus.CANCELLED)
    assert services.get_public_meeting(cancelled.slug) == cancelled


def test_registration_state_follows_window_capacity_and_cancellation(app, now):
    meeting = make_meeting(
        registration_opens_at=now + timedelta(days=1), registration_closes_at=now + timedelta(days=5), capacity=2
    )
    assert services.get_registration_state(meeting, now) is RegistrationState.NOT_YET_OPEN
    assert services.get_registration_state(meeting, now + timedelta(days=2)) is RegistrationState.OPEN
    meeting.seats_taken = 2
    assert services.get_registration_state(meeting, now + timedelta(days=2)) is RegistrationState.FULL
    assert services.get_registration_state(meeting, now + timedelta(days=5)) is RegistrationState.CLOSED
    meeting.seats_taken = 0
    meeting.status = MeetingStatus.CANCELLED
    assert services.get_registration_state(meeting, now + timedelta(days=2)) is RegistrationState.CLOSED
    assert services.get_registration_state(make_meeting(), now) is RegistrationState.NONE


def test_catalogue_version_changes_with_meetings_and_their_programme(app):
    meeting = make_meeting()
    first = services.get_catalogue_version()
    make_session(meeting, meeting.start_date, "09:00", "10:00")
    second = services.get_catalogue_version()
    assert second != first
    meeting.title = "Renamed"
    db.session.commit()
    third = services.get_catalogue_version()
    assert third != second
    db.session.delete(meeting)
    db.session.commit()
    assert services.get_catalogue_version() != third


def test_schedule_is_stored_in_utc_with_the_zone_beside_it(app):
    rome = make_meeting(timezone="Europe/Rome", dates=(date(2027, 1, 28),) * 2, times=(time(9, 30), time(17, 0)))
    db.session.expire_all()
    rome = db.session.get(Meeting, rome.id)
    assert rome.starts_at == datetime(2027, 1, 28, 8, 30, tzinfo=UTC)
    assert rome.local(rome.starts_at).strftime("%H:%M %Z") == "09:30 CET"
    all_day = make_meeting(timezone="Africa/Addis_Ababa", dates=(date(2026, 12, 9), date(2026, 12, 10)), times=None)
    assert not all_day.has_times
    assert all_day.starts_at == datetime(2026, 12, 8, 21, 0, tzinfo=UTC)
    assert all_day.ends_at == datetime(2026, 12, 10, 21, 0, tzinfo=UTC)


def test_schedule_rejects_an_end_before_the_start():
    meeting = Meeting(timezone="Europe/Rome")
    with pytest.raises(ValueError):
        meeting.set_schedule(date(2027, 1, 2), date(2027, 1, 1))
    with pytest.raises(ValueError):
        meeting.set_schedule(date(2027, 1, 1), date(2027, 1, 1), time(10), time(9))


def test_seats_change_the_catalogue_version_only_when_the_meeting_fills_or_frees(app):
    meeting = make_meeting(capacity=2)
    version = services.get_catalogue_version()
    meeting.seats_taken = 1
    db.session.commit()
    assert services.get_catalogue_version() == version  # still open: the pages show the same
    meeting.seats_taken = 2
    db.session.commit()
    full = services.get_catalogue_version()
    assert full != version  # now full
    meeting.seats_taken = 1
    db.session.commit()
    assert services.get_catalogue_version() != full  # open again
