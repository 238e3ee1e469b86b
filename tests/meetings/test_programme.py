"""The programme editor's services (app.meetings.programme): the rules, the audit line, the
programme's version, and what the public page and the programme .ics show of it."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
from sqlalchemy import select

from app.actors import Actor
from app.audit.models import AuditEntry
from app.calendar.invites import session_uid
from app.extensions import db
from app.meetings import programme
from app.meetings.models import MeetingStatus, ProgrammeSession
from tests.helpers.factories import make_meeting, make_open_meeting, make_registration, make_session

ACTOR = Actor.system("tests")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
DAY = date(2027, 3, 10)


def data(day=DAY, start="09:00", end="10:00", title="Opening", **fields):
    return programme.SessionData(
        day=day,
        start=time.fromisoformat(start) if start else None,
        end=time.fromisoformat(end) if end else None,
        titles=fields.pop("titles", {"en": title}),
        descriptions=fields.pop("descriptions", {}),
        **fields,
    )


def refused(call, *args, **kwargs) -> dict:
    with pytest.raises(programme.ProgrammeRefused) as caught:
        call(*args, now=NOW, actor=ACTOR, **kwargs)
    db.session.rollback()
    return caught.value.errors


def add(meeting, **fields):
    return programme.add_session(meeting, data(**fields), now=NOW, actor=ACTOR)


@pytest.fixture
def meeting(app):
    return make_meeting(dates=(DAY, DAY + timedelta(days=1)), timezone="Africa/Addis_Ababa")


def with_confirmed_delegate(**fields):
    meeting = make_open_meeting(dates=(DAY, DAY + timedelta(days=1)), **fields)
    make_registration(meeting)
    db.session.refresh(meeting)
    assert meeting.seats_taken == 1
    return meeting


def audit_lines(meeting):
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.meeting_id == meeting.id).order_by(AuditEntry.id))
    )


def test_a_session_is_stored_in_utc_from_the_meetings_own_zone(meeting):
    session = add(meeting, start="09:30", end="11:00", room="Hall 1", speakers="A. Diallo")
    db.session.expire_all()
    stored = db.session.get(ProgrammeSession, session.id)
    # Addis Ababa is UTC+3 all year.
    assert stored.starts_at == datetime(2027, 3, 10, 6, 30, tzinfo=UTC)
    assert stored.ends_at == datetime(2027, 3, 10, 8, 0, tzinfo=UTC)
    assert (stored.title, stored.room, stored.speakers) == ("Opening", "Hall 1", "A. Diallo")


def test_a_session_outside_the_meetings_days_is_refused(meeting):
    errors = refused(programme.add_session, meeting, data(day=DAY + timedelta(days=2)))
    assert "The meeting runs from 10 March 2027 to 11 March 2027" in errors["day"]
    assert "day" in refused(programme.add_session, meeting, data(day=DAY - timedelta(days=1)))
    assert "day" in refused(programme.add_session, meeting, data(day=None))
    assert meeting.sessions == []


def test_a_session_must_end_after_it_starts(meeting):
    assert refused(programme.add_session, meeting, data(start="10:00", end="09:00"))["end"] == (
        "The session must end after it starts."
    )
    assert "end" in refused(programme.add_session, meeting, data(start="10:00", end="10:00"))
    errors = refused(programme.add_session, meeting, data(start=None, end=None))
    assert set(errors) == {"start", "end"}


def test_a_meeting_whose_dates_are_to_be_confirmed_cannot_have_sessions(app):
    undated = make_meeting(dates=())
    errors = refused(programme.add_session, undated, data())
    assert errors == {"": "This meeting's dates are to be confirmed: set its dates before adding sessions."}


def test_a_nonexistent_local_time_in_a_dst_gap_is_refused(app):
    # Brussels springs forward on 28 March 2027: 02:00 to 03:00 does not exist.
    spring = date(2027, 3, 28)
    meeting = make_meeting(dates=(spring, spring), timezone="Europe/Brussels")
    errors = refused(programme.add_session, meeting, data(day=spring, start="02:30", end="04:00"))
    assert "02:30 does not exist on 28 March 2027" in errors["start"]
    session = add(meeting, day=spring, start="01:30", end="03:30")
    # 01:30 is still winter time (UTC+1), 03:30 already summer time (UTC+2): one hour long.
    assert session.starts_at == datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert session.ends_at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_an_hour_the_clocks_pass_twice_is_its_first_passing(app):
    autumn = date(2027, 10, 31)
    meeting = make_meeting(dates=(autumn, autumn), timezone="Europe/Brussels")
    session = add(meeting, day=autumn, start="02:30", end="03:30")
    assert session.starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # summer time, UTC+2
    assert session.ends_at == datetime(2027, 10, 31, 2, 30, tzinfo=UTC)  # winter time, UTC+1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "Two\nlines"}, "title_en"),
        ({"title": "   "}, "title_en"),
        ({"title": "x" * 301}, "title_en"),
        ({"room": "Hall\x00"}, "room"),
        ({"room": "r" * 121}, "room"),
        ({"speakers": "A\u202eB"}, "speakers"),
        ({"moderators": "m" * 501}, "moderators"),
        ({"descriptions": {"en": "bad\x07bell"}}, "description_en"),
        ({"titles": {"en": "Opening", "fr": "Ouverture\r\n"}}, "title_fr"),
    ],
)
def test_texts_are_clean_and_as_long_as_their_columns(meeting, fields, field):
    assert field in refused(programme.add_session, meeting, data(**fields))


def test_a_description_may_span_lines_and_translations_are_kept(meeting):
    session = add(
        meeting,
        titles={"en": "Opening", "fr": "Ouverture", "ar": "الافتتاح"},
        descriptions={"en": "Line one\nLine two", "fr": "Ligne"},
    )
    assert session.description == "Line one\nLine two"
    assert session.translations["fr"].title == "Ouverture"
    assert session.translations["ar"].title == "الافتتاح"
    assert "en" not in session.translations


def test_the_original_language_is_the_sessions_own_columns(app):
    meeting = make_meeting(dates=(DAY, DAY), original_language="fr")
    assert "title_fr" in refused(programme.add_session, meeting, data(titles={"en": "Opening"}))
    session = add(meeting, titles={"fr": "Ouverture", "en": "Opening"})
    assert session.title == "Ouverture"
    assert session.translations["en"].title == "Opening"


def test_every_change_writes_an_audit_line_with_before_and_after(meeting):
    session = add(meeting)
    programme.update_session(session, data(title="Welcome", room="Hall 2"), now=NOW, actor=ACTOR)
    programme.delete_session(session, now=NOW, actor=ACTOR)
    lines = audit_lines(meeting)
    assert [line.action for line in lines] == ["programme.changed"] * 3
    assert [line.changes["change"][1] for line in lines] == ["added", "changed", "removed"]
    assert lines[0].changes["title"] == [None, "Opening"]
    assert lines[1].changes["title"] == ["Opening", "Welcome"]
    assert lines[1].changes["room"] == ["", "Hall 2"]
    assert "starts_at" not in lines[1].changes
    assert lines[2].changes["title"] == ["Welcome", None]
    assert {line.target_ref for line in lines} == {str(session.id)}


def test_an_unchanged_session_records_nothing(meeting):
    session = add(meeting)
    assert programme.update_session(session, data(), now=NOW, actor=ACTOR) is False
    assert len(audit_lines(meeting)) == 1


def test_a_refused_change_changes_nothing(meeting):
    session = add(meeting)
    refused(programme.update_session, session, data(start="11:00", end="10:00"))
    db.session.expire_all()
    assert db.session.get(ProgrammeSession, session.id).ends_at == datetime(2027, 3, 10, 7, 0, tzinfo=UTC)
    assert len(audit_lines(meeting)) == 1


def test_moving_swaps_slots_each_keeping_its_length(meeting):
    keynote = add(meeting, title="Keynote", start="09:00", end="09:30")
    panel = add(meeting, title="Panel", start="09:30", end="11:00")
    other_day = add(meeting, title="Day two", day=DAY + timedelta(days=1))
    assert programme.move_session(panel, "up", now=NOW, actor=ACTOR) is True
    assert [s.title for s in programme.day_sessions(keynote)] == ["Panel", "Keynote"]
    assert (panel.local_start.time(), panel.local_end.time()) == (time(9, 0), time(10, 30))
    assert (keynote.local_start.time(), keynote.local_end.time()) == (time(10, 30), time(11, 0))
    assert programme.move_session(panel, "up", now=NOW, actor=ACTOR) is False  # first of its day
    assert programme.move_session(keynote, "down", now=NOW, actor=ACTOR) is False  # not into day two
    assert other_day.local_day == DAY + timedelta(days=1)
    moved = [line for line in audit_lines(meeting) if line.changes["change"][1] == "moved"]
    assert {line.target_ref for line in moved} == {str(keynote.id), str(panel.id)}


def test_parallel_sessions_swap_places(meeting):
    first = add(meeting, title="Room A")
    second = add(meeting, title="Room B")
    assert [s.title for s in programme.day_sessions(first)] == ["Room A", "Room B"]
    programme.move_session(second, "up", now=NOW, actor=ACTOR)
    assert [s.title for s in programme.day_sessions(first)] == ["Room B", "Room A"]
    assert first.starts_at == second.starts_at
    assert "" in refused(programme.move_session, first, "sideways")


def test_parallel_sessions_with_the_same_position_swap_places_too(meeting):
    first = make_session(meeting, DAY, "09:00", "10:00", title="Room A")
    second = make_session(meeting, DAY, "09:00", "10:00", title="Room B")
    assert first.position == second.position == 0
    assert programme.move_session(second, "up", now=NOW, actor=ACTOR) is True
    assert [s.title for s in programme.day_sessions(first)] == ["Room B", "Room A"]


def test_a_session_running_through_its_neighbour_cannot_swap_with_it(meeting):
    long = add(meeting, title="Long", start="09:00", end="12:00")
    add(meeting, title="Short", start="10:00", end="11:00")
    assert "" in refused(programme.move_session, long, "down")


def test_a_draft_meetings_changes_do_not_raise_the_version(app):
    draft = make_meeting(dates=(DAY, DAY), status=MeetingStatus.DRAFT, seats_taken=3)
    add(draft)
    assert (draft.programme_version, draft.programme_updated_at, draft.programme_changes) == (0, None, [])


def test_a_published_meeting_without_confirmed_delegates_does_not_raise_the_version(app):
    meeting = make_open_meeting(dates=(DAY, DAY))
    make_registration(meeting, confirm=False)  # registered, not confirmed: no seat
    session = add(meeting)
    programme.update_session(session, data(start="09:30", end="10:00"), now=NOW, actor=ACTOR)
    assert meeting.programme_version == 0


def test_changes_to_a_published_meeting_with_confirmed_delegates_raise_the_version(app):
    meeting = with_confirmed_delegate()
    session = add(meeting, title="Opening")
    db.session.expire_all()
    assert meeting.programme_version == 1
    assert meeting.programme_updated_at == NOW
    assert meeting.programme_changes == [{"change": "added", "session": session.id, "title": "Opening", "fields": []}]
    later = NOW + timedelta(days=1)
    programme.update_session(session, data(start="09:30", end="10:30", room="Hall 3"), now=later, actor=ACTOR)
    db.session.expire_all()
    assert meeting.programme_version == 2
    assert meeting.programme_updated_at == later
    assert meeting.programme_changes == [
        {"change": "changed", "session": session.id, "title": "Opening", "fields": ["time", "room"]}
    ]
    programme.delete_session(session, now=later, actor=ACTOR)
    db.session.expire_all()
    assert meeting.programme_version == 3
    assert meeting.programme_changes[0]["change"] == "removed"


def test_the_programme_ics_carries_the_version(app, client):
    meeting = with_confirmed_delegate()
    session = add(meeting, title="Opening")
    ical_sequence = meeting.ical_sequence

    def session_event():
        response = client.get(f"/meetings/{meeting.slug}.ics?programme=1")
        assert response.status_code == 200
        events = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
        return next(e for e in events if str(e["UID"]) == session_uid(session))

    before = session_event()
    assert int(before["SEQUENCE"]) == ical_sequence + 1
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    programme.update_session(session, data(start="09:30", end="10:30"), now=later, actor=ACTOR)
    after = session_event()
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after["LAST-MODIFIED"].dt == later
    assert after["DTSTART"].dt.time() == time(9, 30)
    assert "Programme updated on" in str(after["DESCRIPTION"])
