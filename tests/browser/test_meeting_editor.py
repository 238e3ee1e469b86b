"""The meeting editor's main path in Chromium: an organiser creates a meeting with a programme
and a document, publishes it, sees it on the public page in English and French, moves it by
a day after a delegate confirmed (who receives, through a real SMTP server, the updated
invite with a higher SEQUENCE, and finds the sessions moved), cancels it, and reads the log."""

import re
from datetime import date

import icalendar
import pytest
from fpdf import FPDF
from sqlalchemy import select

from app.auth.models import Role
from app.extensions import db
from app.mail.worker import send_pending
from app.meetings.models import Meeting, MeetingStatus, ProgrammeSession
from tests.helpers.accounts import PASSWORD, make_account
from tests.helpers.factories import make_registration

pytestmark = pytest.mark.browser


@pytest.fixture
def config_overrides(smtp):
    return smtp.config


def pdf_file(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Concept note")
    path = tmp_path / "concept-note.pdf"
    path.write_bytes(bytes(pdf.output()))
    return path


def to_delegate(smtp) -> list:
    """The messages the SMTP server accepted for the delegate, oldest first."""
    return [m.message for m in smtp.messages if "delegate@mfa.example" in m.rcpt_tos]


def invite_sequence(message) -> int:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            [event] = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
            return int(event["SEQUENCE"])
    raise AssertionError(f"no invite in {message['Subject']}")


def test_an_organiser_runs_a_meeting_from_the_browser(app, live_server, page, smtp, tmp_path):
    organiser = make_account(Role.ORGANISER, name="Selam Haile")
    page.goto(f"{live_server}/manage/login")
    page.fill("#email", organiser.email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")

    # Create the meeting.
    page.click("text=Create a meeting")
    page.fill("#title_en", "Thematic Meeting on Labour Migration")
    page.fill("#title_fr", "Réunion thématique sur la migration de travail")
    page.fill("#start_date", "2031-05-12")
    page.fill("#end_date", "2031-05-13")
    page.fill("#start_time", "09:00")
    page.fill("#end_time", "17:00")
    page.fill("#timezone", "Europe/Rome")
    page.fill("#city", "Rome")
    page.select_option("#country", "IT")
    page.fill("#registration_opens", "2026-11-01T09:00")
    page.fill("#registration_closes", "2031-05-01T17:00")
    page.fill("#capacity", "50")
    page.click("button[name=save]")
    assert "created as a draft" in page.inner_text("main")
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]

    # A session of the programme, and a document.
    page.click("text=The programme")
    page.click("main a.button")
    page.select_option("#day", "2031-05-12")
    page.fill("#start", "10:00")
    page.fill("#end", "11:30")
    page.fill("#title_en", "Opening session")
    page.click("main form button[type=submit]")
    assert "Opening session" in page.inner_text("main")
    page.goto(f"{live_server}/manage/meetings/{slug}/documents/new")
    page.set_input_files("#file", str(pdf_file(tmp_path)))
    page.fill("#title", "Concept note")
    page.click("main form button[type=submit]")
    assert "Concept note" in page.inner_text("main")

    # Publish; the public page in English and in French.
    page.goto(f"{live_server}/manage/meetings/{slug}/")
    page.click("text=Publish the meeting")
    page.goto(f"{live_server}/meetings/{slug}")
    public = page.inner_text("main")
    assert "Thematic Meeting on Labour Migration" in public and "Opening session" in public and "Concept note" in public
    page.goto(f"{live_server}/meetings/{slug}?lang=fr")
    assert "Réunion thématique sur la migration de travail" in page.inner_text("main")

    # A delegate confirms and receives the invite.
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == slug))
    delegate = make_registration(meeting, email="delegate@mfa.example")
    send_pending()
    confirmation = to_delegate(smtp)[-1]  # after the address confirmation: the seat, with its invite
    first_sequence = invite_sequence(confirmation)

    # Move the meeting by a day: the preview first, then the change and its emails.
    page.goto(f"{live_server}/manage/meetings/{slug}/edit")
    page.fill("#start_date", "2031-05-13")
    page.fill("#end_date", "2031-05-14")
    page.click("button[name=save]")
    preview = page.inner_text("main")
    assert "Dates: now 13–14 May 2031 (was 12–13 May 2031)" in preview
    assert "1 confirmed delegate receives an updated calendar invitation." in preview
    page.click("button[value=confirm]")
    send_pending()
    update = to_delegate(smtp)[-1]
    assert update["Subject"].startswith("Meeting updated")
    assert invite_sequence(update) > first_sequence
    db.session.expire_all()
    [session] = db.session.scalars(select(ProgrammeSession).where(ProgrammeSession.meeting_id == meeting.id)).all()
    assert session.starts_at.astimezone(meeting.zone).date() == date(2031, 5, 13)

    # Cancel it; the delegate's invite is withdrawn.
    page.goto(f"{live_server}/manage/meetings/{slug}/cancel")
    page.click("main button.button-danger")
    send_pending()
    withdrawn = to_delegate(smtp)[-1]
    [invite] = [part for part in withdrawn.walk() if part.get_content_type() == "text/calendar"]
    assert icalendar.Calendar.from_ical(invite.get_content())["METHOD"] == "CANCEL"
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.CANCELLED

    # The meeting's audit log, with its author.
    page.goto(f"{live_server}/manage/meetings/{slug}/audit")
    log = page.inner_text("main")
    for action in (
        "Meeting created",
        "Programme changed",
        "Document added",
        "Meeting published",
        "Meeting changed",
        "Meeting cancelled",
    ):
        assert action in log, action
    assert re.search(r"Selam Haile\s+Meeting cancelled", log)
    assert delegate.email not in log
