"""The programme editor's pages (/manage/meetings/<slug>/programme...), and the public page's
notice of a changed programme."""

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.db import MAX_ID
from app.extensions import db
from app.meetings.models import ProgrammeSession
from app.meetings.translations import set_translation
from tests.helpers.accounts import make_account
from tests.helpers.factories import make_meeting, make_open_meeting, make_registration, make_session
from tests.manage import browser, reload, signed_in, visible

DAY = date.today() + timedelta(days=40)


def form(day=DAY, start="09:00", end="10:00", title="Opening", **fields):
    values = {"day": day if isinstance(day, str) else day.isoformat(), "start": start, "end": end, "title_en": title}
    values.update(fields)
    return values


@pytest.fixture
def meeting(app):
    return make_meeting(dates=(DAY, DAY + timedelta(days=1)))


@pytest.fixture
def organiser(app, meeting):
    return signed_in(app, make_account(Role.ORGANISER, meetings=[meeting]))


def base(meeting):
    return f"/manage/meetings/{meeting.slug}/programme"


def sessions_of(meeting):
    db.session.expire_all()
    return list(db.session.scalars(select(ProgrammeSession).where(ProgrammeSession.meeting_id == meeting.id)))


def errors_of(page: str) -> list[str]:
    return [visible(error) for error in re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', page, re.S)]


def test_the_list_shows_the_sessions_by_day(app, meeting, organiser):
    make_session(meeting, DAY, "09:00", "10:00", title="Opening", room="Hall 1")
    make_session(meeting, DAY + timedelta(days=1), "14:00", "15:00", title="Closing")
    page = organiser.get(base(meeting))
    assert page.status_code == 200
    text = visible(page.text)
    assert "09:00–10:00 · Opening" in text and "Room: Hall 1" in text
    assert text.index("Opening") < text.index("Closing")
    assert "Add a session" in text


def test_a_viewer_sees_the_list_but_may_not_change_it(app, meeting):
    session = make_session(meeting, DAY, "09:00", "10:00", title="Opening")
    viewer = signed_in(app, make_account(Role.VIEWER, meetings=[meeting]))
    page = viewer.get(base(meeting))
    assert page.status_code == 200 and "Opening" in page.text
    assert "Add a session" not in page.text and "Move up" not in page.text
    assert viewer.get(f"{base(meeting)}/new").status_code == 403
    assert viewer.post(f"{base(meeting)}/new", data=form()).status_code == 403
    assert viewer.post(f"{base(meeting)}/{session.id}", data=form(title="Taken over")).status_code == 403
    assert viewer.post(f"{base(meeting)}/{session.id}/move", data={"direction": "up"}).status_code == 403
    assert viewer.post(f"{base(meeting)}/{session.id}/delete").status_code == 403
    assert [s.title for s in sessions_of(meeting)] == ["Opening"]


def test_an_organiser_of_another_meeting_may_not_open_or_change_it(app, meeting):
    session = make_session(meeting, DAY, "09:00", "10:00", title="Opening")
    other = signed_in(app, make_account(Role.ORGANISER, meetings=[make_meeting()]))
    assert other.get(base(meeting)).status_code == 403
    assert other.post(f"{base(meeting)}/new", data=form()).status_code == 403
    assert other.post(f"{base(meeting)}/{session.id}/delete").status_code == 403
    assert len(sessions_of(meeting)) == 1


def test_signed_out_visitors_are_sent_to_sign_in(app, meeting):
    assert browser(app).get(base(meeting)).status_code == 302


def test_adding_a_session(app, meeting, organiser):
    page = organiser.get(f"{base(meeting)}/new")
    assert page.status_code == 200
    # The day is one of the meeting's; times are typed in its zone.
    assert re.findall(r'<option[^>]*value="([\d-]+)"', page.text) == [
        DAY.isoformat(),
        (DAY + timedelta(days=1)).isoformat(),
    ]
    assert 'type="time"' in page.text and "Africa/Addis Ababa" in page.text
    assert re.search(r'<input [^>]*dir="rtl" id="title_ar" lang="ar"', page.text)
    response = organiser.post(
        f"{base(meeting)}/new", data=form(start="09:30", end="11:00", title_fr="Ouverture", room="Hall 1")
    )
    assert response.status_code == 302 and response.location.endswith(base(meeting))
    [session] = sessions_of(meeting)
    assert (session.title, session.room, session.local_start.time()) == ("Opening", "Hall 1", time(9, 30))
    assert session.translations["fr"].title == "Ouverture"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.meeting_id == meeting.id)).one()
    assert entry.action == "programme.changed" and entry.actor_kind.value == "organiser"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"day": (DAY + timedelta(days=5)).isoformat()}, "The meeting runs from"),
        ({"day": "not-a-day"}, "Choose the day of the session."),
        ({"start": "11:00", "end": "10:00"}, "The session must end after it starts."),
        ({"start": "9h30"}, "Enter a time as hours and minutes"),
        ({"start": "٠٩:٣٠"}, "Enter a time as hours and minutes"),
        ({"start": "99:99"}, "Enter a time as hours and minutes"),
        ({"start": "09:30:x9"}, "Enter a time as hours and minutes"),
        ({"end": ""}, "Enter the time the session ends"),
        ({"title_en": ""}, "Enter the session's title."),
        ({"title_en": "x" * 5000}, "Use at most 300 characters."),
        ({"room": "Hall\x00 1"}, "Use a single line"),
        ({"description_en": "a\x00b"}, "Remove the control"),
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(app, meeting, organiser, values, message):
    page = organiser.post(f"{base(meeting)}/new", data=form(**values))
    assert page.status_code == 200
    assert any(message in error for error in errors_of(page.text)), errors_of(page.text)
    assert page.text.count("Error:") >= 1
    assert sessions_of(meeting) == []


def test_missing_fields_are_refused_without_an_error(app, meeting, organiser):
    page = organiser.post(f"{base(meeting)}/new", data={})
    assert page.status_code == 200 and sessions_of(meeting) == []


def test_a_meeting_to_be_confirmed_says_so(app):
    undated = make_meeting(dates=())
    client = signed_in(app, make_account(Role.ORGANISER, meetings=[undated]))
    assert "dates are to be confirmed" in client.get(base(undated)).text
    page = client.post(f"{base(undated)}/new", data=form())
    assert page.status_code == 200 and "dates are to be confirmed" in page.text
    assert sessions_of(undated) == []


def test_editing_a_session(app, meeting, organiser):
    session = make_session(meeting, DAY, "09:00", "10:00", title="Opening")
    page = organiser.get(f"{base(meeting)}/{session.id}")
    assert page.status_code == 200 and 'value="09:00"' in page.text and 'value="Opening"' in page.text
    response = organiser.post(f"{base(meeting)}/{session.id}", data=form(start="14:00", end="15:30", title="Welcome"))
    assert response.status_code == 302
    session = reload(session)
    assert (session.title, session.local_start.time(), session.local_end.time()) == ("Welcome", time(14), time(15, 30))


def test_a_session_of_another_meeting_or_past_the_largest_id_is_not_found(app, meeting, organiser):
    stranger = make_session(make_meeting(), DAY, "09:00", "10:00", title="Elsewhere")
    assert organiser.get(f"{base(meeting)}/{stranger.id}").status_code == 404
    assert organiser.post(f"{base(meeting)}/{stranger.id}/delete").status_code == 404
    assert organiser.post(f"{base(meeting)}/{stranger.id}/move", data={"direction": "up"}).status_code == 404
    assert organiser.get(f"{base(meeting)}/{MAX_ID + 1}").status_code == 404
    assert organiser.get(f"{base(meeting)}/99999999999999999999").status_code == 404
    assert reload(stranger).title == "Elsewhere"


def test_moving_a_session_up_and_down(app, meeting, organiser):
    make_session(meeting, DAY, "09:00", "09:30", title="Keynote")
    panel = make_session(meeting, DAY, "09:30", "11:00", title="Panel")
    response = organiser.post(f"{base(meeting)}/{panel.id}/move", data={"direction": "up"})
    assert response.status_code == 302
    text = visible(organiser.get(base(meeting)).text)
    assert "09:00–10:30 · Panel" in text and "10:30–11:00 · Keynote" in text
    organiser.post(f"{base(meeting)}/{panel.id}/move", data={"direction": "down"})
    text = visible(organiser.get(base(meeting)).text)
    assert "09:00–09:30 · Keynote" in text and "09:30–11:00 · Panel" in text
    page = organiser.post(f"{base(meeting)}/{panel.id}/move", data={"direction": "sideways"}, follow_redirects=True)
    assert "Choose whether to move the session up or down." in page.text


def test_removing_a_session_asks_first(app, meeting, organiser):
    session = make_session(meeting, DAY, "09:00", "10:00", title="Opening")
    page = organiser.get(f"{base(meeting)}/{session.id}/delete")
    assert page.status_code == 200 and "Remove this session?" in page.text and "Opening" in page.text
    assert len(sessions_of(meeting)) == 1  # asking removes nothing
    response = organiser.post(f"{base(meeting)}/{session.id}/delete")
    assert response.status_code == 302
    assert sessions_of(meeting) == []
    assert db.session.scalars(select(AuditEntry.changes).where(AuditEntry.meeting_id == meeting.id)).one()[
        "change"
    ] == [None, "removed"]


def announced_meeting(app):
    meeting = make_open_meeting(dates=(DAY, DAY + timedelta(days=1)))
    make_registration(meeting)
    client = signed_in(app, make_account(Role.ORGANISER, meetings=[meeting]))
    session = make_session(meeting, DAY, "09:00", "10:00", title="Opening")
    set_translation(session, "fr", title="Ouverture")
    db.session.commit()
    response = client.post(f"{base(meeting)}/{session.id}", data=form(start="09:30", end="10:30", room="Hall 2"))
    assert response.status_code == 302
    return reload(meeting)


def notice(page: str) -> str | None:
    found = re.search(r'<div class="notice programme-updated"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1) if found else None


def test_the_public_page_tells_of_an_announced_change(app, client):
    meeting = announced_meeting(app)
    assert meeting.programme_version == 1
    day = meeting.local(meeting.programme_updated_at).date()
    shown = visible(notice(client.get(f"/meetings/{meeting.slug}").text))
    assert f"Programme updated on {day.day} {day:%B} {day.year}" in shown
    assert "Changed: Opening (time, room)" in shown


def test_the_public_notice_is_in_the_readers_language(app, client):
    meeting = announced_meeting(app)
    french = notice(client.get(f"/meetings/{meeting.slug}?lang=fr").text)
    assert french is not None
    [item] = re.findall(r'<li data-change="changed">(.*?)</li>', french, re.S)
    # The session's French title, and the day written the French way (no English month).
    assert "Ouverture" in item and "Opening" not in item
    day = meeting.local(meeting.programme_updated_at).date()
    assert str(day.year) in french and f"{day:%B}" not in visible(french).replace("Programme", "")


def test_a_meeting_without_an_announced_change_shows_no_notice(app, meeting, client, organiser):
    session = make_session(meeting, DAY, "09:00", "10:00", title="Opening")
    organiser.post(f"{base(meeting)}/{session.id}", data=form(start="09:30", end="10:30"))
    assert reload(meeting).programme_version == 0
    assert notice(client.get(f"/meetings/{meeting.slug}").text) is None
