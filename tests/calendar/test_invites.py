"""The iCalendar builders, read back (and their daily rules expanded) by three independent readers."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import vobject
from hypothesis import given
from hypothesis import strategies as st

from app.calendar import (
    UndatedMeetingError,
    feed_calendar,
    meeting_calendar,
    meeting_uid,
    personal_invite,
)
from app.calendar.ics import fold
from app.extensions import db
from app.meetings.models import MeetingStatus, MeetingType
from tests.helpers.calendar import (
    HOSTILE_TITLE,
    HOSTILE_VENUE,
    check_lines,
    content_lines,
    event_lines,
    expand_all,
    long_text,
    read_all,
    read_ical,
    read_vobject,
    unfold,
)
from tests.helpers.factories import make_meeting, make_session

UTC = UTC


def rome_meeting(**fields):
    """26–29 March 2027 in Rome: Europe switches to summer time on Sunday 28 March."""
    return make_meeting(
        dates=(date(2027, 3, 26), date(2027, 3, 29)), timezone="Europe/Rome", city="Rome", country="IT", **fields
    )


def test_a_meeting_is_one_event_with_everything_a_calendar_shows(app):
    meeting = make_meeting(
        dates=(date(2027, 5, 18), date(2027, 5, 19)),
        summary="Protection and asylum.",
        meeting_type=MeetingType.STEERING_COMMITTEE,
    )
    data = meeting_calendar(meeting)
    check_lines(data)
    calendar = icalendar.Calendar.from_ical(data)
    assert (str(calendar["VERSION"]), str(calendar["CALSCALE"])) == ("2.0", "GREGORIAN")
    assert "Khartoum Process Secretariat" in str(calendar["PRODID"])
    [event] = calendar.walk("VEVENT")
    url = f"http://meetings.test/meetings/{meeting.slug}"
    assert str(event["UID"]) == meeting_uid(meeting) == f"meeting-{meeting.id}@meetings.test"
    assert str(event["DESCRIPTION"]) == f"Protection and asylum.\n\nDetails: {url}"
    assert str(event["URL"]) == url
    assert str(event["LOCATION"]) == "United Nations Conference Centre, Addis Ababa, Ethiopia"
    assert str(event["ORGANIZER"]) == "mailto:secretariat@khartoumprocess.example"
    assert event["ORGANIZER"].params["CN"] == "Khartoum Process Secretariat"
    assert event["CATEGORIES"].cats == ["Steering Committee Meeting"]
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CONFIRMED", 0)
    assert event["LAST-MODIFIED"].dt == meeting.updated_at.replace(microsecond=0)
    assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt  # a public copy is stamped with its revision
    assert content_lines(data, "DTSTART;TZID") == ["DTSTART;TZID=Africa/Addis_Ababa:20270518T090000"]
    assert content_lines(data, "TZID") == ["TZID:Africa/Addis_Ababa"]
    assert calendar.get_missing_tzids() == set()


def utc(*fields) -> datetime:
    return datetime(*fields, tzinfo=UTC)


def test_a_0900_session_in_addis_ababa_is_0600_utc_for_every_reader(app):
    meeting = make_meeting(dates=(date(2027, 10, 19), date(2027, 10, 20)))
    make_session(meeting, date(2027, 10, 19), "09:00", "10:30", title="Opening")
    data = meeting_calendar(meeting, programme=True)
    [whole, session] = read_all(data, zones=["Africa/Addis_Ababa"])
    assert (whole["start"], whole["end"]) == (utc(2027, 10, 19, 6), utc(2027, 10, 19, 14))  # the first day
    assert (session["start"], session["end"]) == (utc(2027, 10, 19, 6), utc(2027, 10, 19, 7, 30))
    occurrences = expand_all(data, zones=["Africa/Addis_Ababa"])
    assert [(o["start"], o["end"]) for o in occurrences if o["uid"] == meeting_uid(meeting)] == [
        (utc(2027, 10, 19, 6), utc(2027, 10, 19, 14)),
        (utc(2027, 10, 20, 6), utc(2027, 10, 20, 14)),
    ]


def test_summer_time_in_rome_is_right_before_and_after_the_switch(app):
    meeting = rome_meeting()
    make_session(meeting, date(2027, 3, 26), "09:00", "10:00", title="Before the switch")
    make_session(meeting, date(2027, 3, 29), "09:00", "10:00", title="After the switch")
    data = meeting_calendar(meeting, programme=True)
    assert content_lines(data, "DTSTART;TZID")[1:] == [
        "DTSTART;TZID=Europe/Rome:20270326T090000",
        "DTSTART;TZID=Europe/Rome:20270329T090000",
    ]
    # Renamed zones: the readers can only use the VTIMEZONE we generated.
    _, before, after = read_all(data, zones=["Europe/Rome"])
    assert before["start"] == datetime(2027, 3, 26, 8, tzinfo=UTC)
    assert after["start"] == datetime(2027, 3, 29, 7, tzinfo=UTC)
    assert read_all(data)[1:] == [before, after]  # and the readers' own zone data agrees


def test_a_zone_whose_offset_changed_uses_dated_observances(app):
    # Khartoum moved from UTC+3 to UTC+2 on 1 November 2017: no yearly rule describes that.
    early = make_meeting(dates=(date(2016, 5, 24), date(2016, 5, 25)), timezone="Africa/Khartoum", country="SD")
    late = make_meeting(dates=(date(2018, 5, 24), date(2018, 5, 25)), timezone="Africa/Khartoum", country="SD")
    data = feed_calendar([early, late], name="Sudan")
    zones = unfold(data).split("BEGIN:VEVENT")[0]
    assert zones.count("BEGIN:VTIMEZONE") == 1 and "RRULE" not in zones
    assert event_lines(data, "RRULE") == ["RRULE:FREQ=DAILY;COUNT=2"] * 2  # the meetings' own rules
    starts = [event["start"] for event in read_all(data, zones=["Africa/Khartoum"])]
    assert starts == [datetime(2016, 5, 24, 6, tzinfo=UTC), datetime(2018, 5, 24, 7, tzinfo=UTC)]
    assert [o["start"] for o in expand_all(data, zones=["Africa/Khartoum"])] == [
        utc(2016, 5, 24, 6),
        utc(2016, 5, 25, 6),
        utc(2018, 5, 24, 7),
        utc(2018, 5, 25, 7),
    ]


def test_a_meeting_across_a_change_of_offset_keeps_its_local_hours(app):
    # Khartoum went from UTC+3 to UTC+2 at midnight on 1 November 2017, between the two days.
    meeting = make_meeting(dates=(date(2017, 10, 31), date(2017, 11, 1)), timezone="Africa/Khartoum", country="SD")
    occurrences = expand_all(meeting_calendar(meeting), zones=["Africa/Khartoum"])
    assert [(o["start"], o["end"]) for o in occurrences] == [
        (utc(2017, 10, 31, 6), utc(2017, 10, 31, 14)),
        (utc(2017, 11, 1, 7), utc(2017, 11, 1, 15)),
    ]


def test_a_meeting_over_the_new_year_is_read_right_in_both_years(app):
    meeting = make_meeting(dates=(date(2027, 12, 30), date(2028, 1, 2)), timezone="Europe/Rome", country="IT")
    data = meeting_calendar(meeting)
    assert event_lines(data, "RRULE") == ["RRULE:FREQ=DAILY;COUNT=4"]
    starts = [o["start"] for o in expand_all(data, zones=["Europe/Rome"])]
    assert starts == [utc(2027, 12, 30, 8), utc(2027, 12, 31, 8), utc(2028, 1, 1, 8), utc(2028, 1, 2, 8)]


def test_a_one_day_meeting_is_a_single_event(app):
    for times in ((time(9), time(17)), None):
        meeting = make_meeting(dates=(date(2027, 6, 1), date(2027, 6, 1)), times=times)
        data = meeting_calendar(meeting)
        assert event_lines(data, "RRULE") == event_lines(data, "EXDATE") == []
        assert len(expand_all(data)) == 1


def test_hours_through_the_night_stay_one_event_as_entered(app):
    # 18:00 on the first day to 09:00 on the second are no daily hours to repeat.
    meeting = make_meeting(dates=(date(2027, 6, 1), date(2027, 6, 2)), times=(time(18), time(9)))
    data = meeting_calendar(meeting)
    assert event_lines(data, "RRULE") == []
    assert [(o["start"], o["end"]) for o in expand_all(data)] == [(utc(2027, 6, 1, 15), utc(2027, 6, 2, 6))]


def test_a_meeting_without_times_is_all_day_with_an_exclusive_end(app):
    meeting = make_meeting(dates=(date(2027, 2, 8), date(2027, 2, 9)), times=None, timezone="Europe/Malta")
    data = meeting_calendar(meeting)
    assert content_lines(data, "DTSTART") == ["DTSTART;VALUE=DATE:20270208"]
    assert content_lines(data, "DTEND") == ["DTEND;VALUE=DATE:20270209"]  # one day a time
    assert content_lines(data, "RRULE") == ["RRULE:FREQ=DAILY;COUNT=2"]
    assert "BEGIN:VTIMEZONE" not in unfold(data)
    [event] = read_all(data)
    assert (event["start"], event["end"]) == (date(2027, 2, 8), date(2027, 2, 9))
    assert [(o["start"], o["end"]) for o in expand_all(data)] == [
        (date(2027, 2, 8), date(2027, 2, 9)),
        (date(2027, 2, 9), date(2027, 2, 10)),
    ]


def test_a_meeting_in_utc_is_written_in_utc(app):
    meeting = make_meeting(dates=(date(2027, 6, 1), date(2027, 6, 1)), timezone="UTC")
    data = meeting_calendar(meeting)
    assert content_lines(data, "DTSTART") == ["DTSTART:20270601T090000Z"]
    assert "VTIMEZONE" not in unfold(data)
    assert "RRULE" not in unfold(data)  # one day


def test_text_with_commas_semicolons_scripts_and_emoji_round_trips_exactly(app):
    summary = long_text(2000)
    meeting = make_meeting(title=HOSTILE_TITLE, venue=HOSTILE_VENUE, summary=summary, city="Addis Ababa")
    make_session(
        meeting,
        meeting.start_date,
        "09:00",
        "10:00",
        title=HOSTILE_TITLE,
        room="ክፍል 1, east",
        description=long_text(700),
    )
    invite = personal_invite(
        meeting, uid="r1@meetings.test", attendee_name="Ḥasan, ʿAlī; ሀሰን 🙂", attendee_email="ali@example.org"
    )
    for data in (meeting_calendar(meeting, programme=True), feed_calendar([meeting], name=HOSTILE_TITLE), invite):
        lines = check_lines(data)
        assert sum(line.startswith(b" ") for line in lines) > 30  # the long lines really were folded
        events = read_all(data)
        assert events[0]["summary"] == HOSTILE_TITLE
        assert events[0]["location"] == f"{HOSTILE_VENUE}, Addis Ababa, Ethiopia"
        assert events[0]["description"].startswith(summary + "\n\nDetails: http://meetings.test/meetings/")
    programme = read_all(meeting_calendar(meeting, programme=True))
    assert programme[1]["description"].startswith(long_text(700) + "\n\n")
    assert programme[1]["location"].startswith("ክፍል 1, east, " + HOSTILE_VENUE)


def test_a_literal_backslash_n_stays_a_backslash_n(app):
    # icalendar itself turns a literal "\N" into a line break; our writer escapes every backslash.
    title = r"C:\Network\new, \N and \n are not line breaks"
    data = meeting_calendar(make_meeting(title=title))
    assert read_vobject(data)[0]["summary"] == title
    assert read_ical(data)[0]["summary"] == title


def test_control_characters_are_dropped_and_line_breaks_kept(app):
    meeting = make_meeting(summary="first\r\nsecond\rthird\x07\x1b\tend")
    description = read_all(meeting_calendar(meeting))[0]["description"]
    assert description.startswith("first\nsecond\nthird\tend\n\n")


def test_statuses(app):
    cancelled = make_meeting(status=MeetingStatus.CANCELLED, summary="Postponed.")
    [event] = read_all(meeting_calendar(cancelled))
    assert event["status"] == "CANCELLED"
    assert event["description"].startswith("This meeting has been cancelled.\n\nPostponed.")
    assert read_all(meeting_calendar(make_meeting()))[0]["status"] == "CONFIRMED"


def test_a_meeting_whose_dates_are_to_be_confirmed_is_no_event(app):
    undated = make_meeting(dates=())
    with pytest.raises(UndatedMeetingError):
        meeting_calendar(undated)
    with pytest.raises(UndatedMeetingError):
        personal_invite(undated, uid="x@y", attendee_name="A", attendee_email="a@example.org")
    dated = make_meeting()
    assert [e["uid"] for e in read_all(feed_calendar([undated, dated], name="All"))] == [meeting_uid(dated)]


def test_the_feed_names_itself_and_tells_clients_how_often_to_refresh(app):
    meetings = [
        make_meeting(),
        make_meeting(timezone="Europe/Berlin", city="Berlin", country="DE"),
        make_meeting(timezone="Europe/Berlin"),
    ]
    data = feed_calendar(meetings, name="Khartoum Process: meetings, all")
    calendar = icalendar.Calendar.from_ical(data)
    vcalendar = vobject.readOne(data.decode())  # icalendar leaves X-WR-CALNAME and NAME escaped
    assert vcalendar.x_wr_calname.value == vcalendar.contents["name"][0].value == "Khartoum Process: meetings, all"
    assert content_lines(data, "X-WR-CALNAME") == ["X-WR-CALNAME:Khartoum Process: meetings\\, all"]
    assert content_lines(data, "REFRESH-INTERVAL") == ["REFRESH-INTERVAL;VALUE=DURATION:PT6H"]
    assert content_lines(data, "X-PUBLISHED-TTL") == ["X-PUBLISHED-TTL:PT6H"]
    assert [tz.tz_name for tz in calendar.timezones] == ["Africa/Addis_Ababa", "Europe/Berlin"]
    assert [e["uid"] for e in read_all(data)] == [meeting_uid(m) for m in meetings]
    assert read_all(feed_calendar([], name="Nothing")) == []


def test_personal_invite_is_a_request_from_the_secretariat_to_the_delegate(app):
    meeting = rome_meeting(title="Thematic Meeting on protection")
    meeting.ical_sequence = 4
    db.session.commit()
    data = personal_invite(
        meeting,
        uid="registration-7@meetings.test",
        attendee_name="Amina Yusuf",
        attendee_email="amina@example.org",
        role="CHAIR",
    )
    check_lines(data)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:amina@example.org"
    assert {k: attendee.params[k] for k in ("CN", "ROLE", "PARTSTAT", "RSVP")} == {
        "CN": "Amina Yusuf",
        "ROLE": "CHAIR",
        "PARTSTAT": "ACCEPTED",
        "RSVP": "FALSE",
    }
    assert str(event["ORGANIZER"]) == "mailto:secretariat@khartoumprocess.example"
    assert abs(event["DTSTAMP"].dt - datetime.now(UTC)) < timedelta(minutes=1)
    [read] = read_all(data, zones=["Europe/Rome"])
    assert (read["uid"], read["sequence"], read["status"]) == ("registration-7@meetings.test", 4, "CONFIRMED")
    assert read["start"] == datetime(2027, 3, 26, 8, tzinfo=UTC)
    vcal = vobject.readOne(data.decode())
    assert vcal.vevent.attendee.params["PARTSTAT"] == ["ACCEPTED"]
    assert vcal.vevent.attendee.params["CN"] == ["Amina Yusuf"]


def test_a_cancellation_keeps_the_uid_and_raises_the_sequence(app):
    meeting = make_meeting()
    request = read_all(personal_invite(meeting, uid="r@x", attendee_name="A B", attendee_email="a@example.org"))
    data = personal_invite(meeting, uid="r@x", attendee_name="A B", attendee_email="a@example.org", cancel=True)
    assert str(icalendar.Calendar.from_ical(data)["METHOD"]) == "CANCEL"
    [cancel] = read_all(data)
    assert (cancel["uid"], cancel["status"]) == ("r@x", "CANCELLED")
    assert cancel["sequence"] > request[0]["sequence"]
    # The whole series is withdrawn: the same rule, and no RECURRENCE-ID naming one day.
    assert event_lines(data, "RRULE") == ["RRULE:FREQ=DAILY;COUNT=2"] and "RECURRENCE-ID" not in unfold(data)
    assert [o["status"] for o in expand_all(data)] == ["CANCELLED", "CANCELLED"]
    # When the meeting itself was cancelled, its own SEQUENCE already went up.
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    data = personal_invite(meeting, uid="r@x", attendee_name="A B", attendee_email="a@example.org", cancel=True)
    assert read_all(data)[0]["sequence"] == meeting.ical_sequence == 1
    explicit = personal_invite(meeting, uid="r@x", attendee_name="A", attendee_email="a@example.org", sequence=9)
    assert read_all(explicit)[0]["sequence"] == 9


def test_a_double_quote_in_a_name_cannot_break_the_attendee(app):
    data = personal_invite(
        make_meeting(), uid="q@x", attendee_name='Ali "the Elder", Jr.', attendee_email="ali@example.org"
    )
    attendee = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["ATTENDEE"]
    assert attendee.params["CN"] == "Ali 'the Elder', Jr."


@pytest.mark.parametrize("field, value", [("role", "BOSS"), ("attendee_email", "not an address")])
def test_personal_invite_refuses_a_bad_role_or_address(app, field, value):
    arguments = dict(uid="x@y", attendee_name="A", attendee_email="a@example.org") | {field: value}
    with pytest.raises(ValueError):
        personal_invite(make_meeting(), **arguments)


def test_builders_need_no_request(app):
    """The registration worker sends invites outside any request: the URLs come from BASE_URL."""
    meeting = make_meeting(dates=(date(2027, 1, 5), date(2027, 1, 5)), times=(time(9), time(12)))
    assert read_all(meeting_calendar(meeting))[0]["url"] == f"http://meetings.test/meetings/{meeting.slug}"


def test_a_change_not_yet_saved_is_not_hidden_by_the_event_cache(app):
    meeting = make_meeting(title="Saved title")
    assert read_all(meeting_calendar(meeting))[0]["summary"] == "Saved title"
    meeting.title = "Pending title"
    assert read_all(meeting_calendar(meeting))[0]["summary"] == "Pending title"
    db.session.commit()
    assert read_all(meeting_calendar(meeting))[0]["summary"] == "Pending title"


@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), max_size=400))
def test_folding_keeps_lines_short_and_characters_whole(line):
    folded = fold("DESCRIPTION:" + line)
    physical = folded.split(b"\r\n")
    assert all(len(part) <= 75 for part in physical)
    assert all(part.startswith(b" ") for part in physical[1:])
    assert [part.decode("utf-8") for part in physical]  # no character was cut in two
    assert folded.replace(b"\r\n ", b"").decode("utf-8") == "DESCRIPTION:" + line


@pytest.mark.parametrize("prefix", range(60, 76))
def test_folding_never_separates_a_backslash_from_what_it_escapes(prefix):
    line = "X" * prefix + "\\\\\\,\\;" * 20
    for part in fold(line).split(b"\r\n "):
        run = len(part) - len(part.rstrip(b"\\"))
        assert run % 2 == 0, part


# --- The days a delegate attends ---------------------------------------------------------

MARCH_27, MARCH_28, MARCH_29 = date(2027, 3, 27), date(2027, 3, 28), date(2027, 3, 29)


def three_days(**fields):
    """27–29 March 2027: Rome switches to summer time on the 28th."""
    return make_meeting(dates=(MARCH_27, MARCH_29), **fields)


def invite(meeting, attended_days, **fields):
    return personal_invite(
        meeting, uid="r@x", attendee_name="A B", attendee_email="a@example.org", attended_days=attended_days, **fields
    )


@pytest.mark.parametrize(
    "fields, exdate, starts",
    [
        (
            dict(timezone="Europe/Rome", times=(time(9), time(17, 30))),
            "EXDATE;TZID=Europe/Rome:20270328T090000",
            [utc(2027, 3, 27, 8), utc(2027, 3, 29, 7)],
        ),
        (dict(timezone="UTC"), "EXDATE:20270328T090000Z", [utc(2027, 3, 27, 9), utc(2027, 3, 29, 9)]),
        (dict(timezone="Europe/Rome", times=None), "EXDATE;VALUE=DATE:20270328", [MARCH_27, MARCH_29]),
    ],
    ids=["zoned", "utc", "all-day"],
)
def test_a_day_not_attended_is_an_exdate_like_dtstart(app, fields, exdate, starts):
    data = invite(three_days(**fields), [MARCH_27, MARCH_29])
    check_lines(data)
    assert event_lines(data, "RRULE") == ["RRULE:FREQ=DAILY;COUNT=3"]
    assert event_lines(data, "EXDATE") == [exdate]
    assert "RDATE" not in unfold(data).split("BEGIN:VEVENT")[1]
    assert [o["start"] for o in expand_all(data, zones=["Europe/Rome"] if "Rome" in exdate else [])] == starts


def test_every_day_or_none_given_leaves_nothing_out(app):
    meeting = three_days(timezone="Europe/Rome")
    for attended in (None, [MARCH_27, MARCH_28, MARCH_29], [date(2027, 3, 26), MARCH_27, MARCH_28, MARCH_29], []):
        data = invite(meeting, attended)
        assert event_lines(data, "EXDATE") == [], attended
        assert len(expand_all(data)) == 3
    # Days that are not the meeting's are not its occurrences either.
    assert event_lines(invite(meeting, [MARCH_27, MARCH_28, date(2027, 4, 1)]), "EXDATE") == [
        "EXDATE;TZID=Europe/Rome:20270329T090000"
    ]


def test_two_days_apart_leave_the_day_between_and_the_first_out(app):
    meeting = make_meeting(dates=(date(2027, 3, 26), MARCH_29), timezone="Europe/Rome", times=(time(9), time(17, 30)))
    data = invite(meeting, [MARCH_27, MARCH_29])
    assert event_lines(data, "DTSTART") == ["DTSTART;TZID=Europe/Rome:20270326T090000"]  # the series is the meeting's
    assert event_lines(data, "EXDATE") == [
        "EXDATE;TZID=Europe/Rome:20270326T090000",
        "EXDATE;TZID=Europe/Rome:20270328T090000",
    ]
    assert [o["start"] for o in expand_all(data, zones=["Europe/Rome"])] == [utc(2027, 3, 27, 8), utc(2027, 3, 29, 7)]


@pytest.mark.parametrize(
    "day, start, end",
    [
        (MARCH_27, "20270327T090000", (utc(2027, 3, 27, 8), utc(2027, 3, 27, 16, 30))),
        (MARCH_28, "20270328T090000", (utc(2027, 3, 28, 7), utc(2027, 3, 28, 15, 30))),
        (MARCH_29, "20270329T090000", (utc(2027, 3, 29, 7), utc(2027, 3, 29, 15, 30))),
    ],
)
def test_one_day_of_several_is_a_single_event_on_that_day(app, day, start, end):
    meeting = three_days(timezone="Europe/Rome", times=(time(9), time(17, 30)))
    for cancel in (False, True):
        data = invite(meeting, [day], cancel=cancel)
        assert event_lines(data, "DTSTART") == [f"DTSTART;TZID=Europe/Rome:{start}"]
        assert event_lines(data, "DTEND") == [f"DTEND;TZID=Europe/Rome:{start[:9]}173000"]
        assert event_lines(data, "RRULE") == event_lines(data, "EXDATE") == []
        assert [(o["start"], o["end"]) for o in expand_all(data, zones=["Europe/Rome"])] == [end]


def test_one_all_day_of_several_is_a_single_all_day_event(app):
    data = invite(three_days(times=None), [MARCH_28])
    assert event_lines(data, "DTSTART") == ["DTSTART;VALUE=DATE:20270328"]
    assert event_lines(data, "DTEND") == ["DTEND;VALUE=DATE:20270329"]
    assert event_lines(data, "RRULE") == []
    assert [(o["start"], o["end"]) for o in expand_all(data)] == [(MARCH_28, MARCH_29)]


def test_the_public_event_is_the_whole_meeting_whatever_an_invite_leaves_out(app):
    meeting = three_days(timezone="Europe/Rome")
    public = meeting_calendar(meeting)
    invite(meeting, [MARCH_28])
    assert meeting_calendar(meeting) == public
    assert event_lines(public, "RRULE") == ["RRULE:FREQ=DAILY;COUNT=3"] and event_lines(public, "EXDATE") == []
