"""Changing what calendars show of a meeting with delegates, in the editor: a preview of what
changes and whom it tells, with nothing changed, then the change and its emails together."""

import re
from datetime import date

from app.auth.models import Role
from app.extensions import db
from app.meetings.models import Meeting, ProgrammeSession
from tests.helpers.accounts import make_account
from tests.helpers.factories import make_session
from tests.helpers.outbox import queued
from tests.manage import signed_in, visible
from tests.manage.test_meeting_editor import form
from tests.registration.test_meeting_changes import setup_meeting


def test_the_editor_shows_the_preview_before_it_moves_a_meeting_with_delegates(app):
    meeting, confirmed, waiting, gone = setup_meeting()
    session = make_session(meeting, date(2027, 3, 25), "10:00", "11:00")
    client = signed_in(app, make_account(Role.ORGANISER, meetings=[meeting]))
    edit = form(
        title_en=meeting.title,
        start_date="2027-03-29",
        end_date="2027-03-30",
        timezone="Europe/Rome",
        city="Rome",
        country="IT",
        venue_en=meeting.venue,
        registration_opens="2027-01-01T09:00",
        registration_closes="2027-03-20T17:00",
        capacity="1",
        move_sessions="y",
    )
    emails = len(queued())

    page = client.post(f"/manage/meetings/{meeting.slug}/edit", data=edit)

    shown = visible(page.text)
    assert "Dates: now 29–30 March 2027 (was 25–26 March 2027)" in shown
    assert "1 confirmed delegate receives an updated calendar invitation." in shown and 'value="confirm"' in page.text
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).start_date == date(2027, 3, 25) and len(queued()) == emails

    done = client.post(f"/manage/meetings/{meeting.slug}/edit", data=edit | {"step": "confirm"})

    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).start_date == date(2027, 3, 29)
    assert db.session.get(ProgrammeSession, session.id).starts_at.astimezone(meeting.zone).date() == date(2027, 3, 29)
    assert queued(confirmed.email)[-1].subject.startswith("Meeting updated") and len(queued()) == emails + 2


def edited(meeting, **fields):
    """The editor's form for ``setup_meeting``'s meeting as it stands, but for ``fields``."""
    values = {
        "title_en": meeting.title,
        "start_date": "2027-03-25",
        "end_date": "2027-03-26",
        "start_time": "09:00",
        "end_time": "17:00",
        "timezone": "Europe/Rome",
        "city": "Rome",
        "country": "IT",
        "venue_en": meeting.venue,
        "registration_opens": "2027-01-01T09:00",
        "registration_closes": "2027-03-20T17:00",
        "capacity": "1",
    }
    return form(**(values | fields))


def test_a_change_no_calendar_shows_is_saved_at_once_and_the_page_says_no_one_was_emailed(app):
    meeting, *_ = setup_meeting()
    client = signed_in(app, make_account(Role.ORGANISER, meetings=[meeting]))
    emails = len(queued())
    done = client.post(f"/manage/meetings/{meeting.slug}/edit", data=edited(meeting, summary_en="A new summary."))
    assert done.status_code == 302 and len(queued()) == emails
    assert "Nothing a calendar shows changed, so no one was emailed." in visible(client.get(done.location).text)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).summary == "A new summary."


def test_the_organiser_may_leave_the_programme_where_it_was(app):
    meeting, *_ = setup_meeting()
    session = make_session(meeting, date(2027, 3, 25), "10:00", "11:00")
    before = session.starts_at
    client = signed_in(app, make_account(Role.ORGANISER, meetings=[meeting]))
    moved = edited(meeting, start_date="2027-03-29", end_date="2027-03-30")
    preview = client.post(f"/manage/meetings/{meeting.slug}/edit", data=moved)
    [box] = re.findall(r'<input[^>]*name="move_sessions"[^>]*>', preview.text)
    assert " checked" in box  # offered ticked
    # Unticked: a checkbox left unticked is not sent.
    client.post(f"/manage/meetings/{meeting.slug}/edit", data=moved | {"step": "confirm", "previewed": "1"})
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).start_date == date(2027, 3, 29)
    assert db.session.get(ProgrammeSession, session.id).starts_at == before
