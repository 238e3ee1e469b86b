"""Cancelling a meeting from the back office: the page says whom it tells; the button tells them."""

import icalendar

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from tests.helpers.accounts import make_account
from tests.helpers.outbox import queued
from tests.manage import signed_in, visible
from tests.registration.test_meeting_changes import setup_meeting


def test_an_organiser_sees_whom_cancelling_tells_then_cancels_and_they_are_told(app):
    meeting, confirmed, waiting, gone = setup_meeting()
    organiser = make_account(Role.ORGANISER, meetings=[meeting])
    client = signed_in(app, organiser)

    page = visible(client.get(f"/manage/meetings/{meeting.slug}/cancel").text)
    assert "1 confirmed delegate receives the cancellation of their calendar invitation" in page
    assert "1 other registered delegate" in page
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.PUBLISHED  # asking changed nothing

    done = client.post(f"/manage/meetings/{meeting.slug}/cancel")
    assert done.status_code == 302 and done.location.endswith(f"/manage/meetings/{meeting.slug}/")
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.CANCELLED
    cancellation = icalendar.Calendar.from_ical(queued(confirmed.email)[-1].calendar)
    assert cancellation["METHOD"] == "CANCEL"
    assert queued(waiting.email)[-1].calendar is None and "cancel" in queued(waiting.email)[-1].subject.lower()
    [line] = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "meeting.cancelled")).all()
    assert line.actor_ref == str(organiser.id) and line.meeting_id == meeting.id
    assert "2 delegates have been told" in visible(client.get(f"/manage/meetings/{meeting.slug}/").text)


def test_a_viewer_and_an_organiser_of_another_meeting_cannot_cancel(app):
    meeting, *_ = setup_meeting()
    for account in (make_account(Role.VIEWER, meetings=[meeting]), make_account(Role.ORGANISER)):
        client = signed_in(app, account)
        assert client.get(f"/manage/meetings/{meeting.slug}/cancel").status_code == 403
        assert client.post(f"/manage/meetings/{meeting.slug}/cancel").status_code == 403
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.PUBLISHED


def test_a_cancelled_meeting_is_not_cancelled_twice(app):
    meeting, confirmed, *_ = setup_meeting()
    client = signed_in(app, make_account(Role.ADMIN))
    client.post(f"/manage/meetings/{meeting.slug}/cancel")
    emails = len(queued())
    again = client.post(f"/manage/meetings/{meeting.slug}/cancel", follow_redirects=True)
    assert "already cancelled" in visible(again.text) and len(queued()) == emails
