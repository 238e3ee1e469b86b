"""After each step the delegate sees what happened and what comes next: the page after
confirming, the manage page's invitation and programme, the visa letter, the confirmation
email's summary, and a cancellation asked once before it acts."""

from datetime import date, timedelta

import icalendar

from app.extensions import db
from app.meetings.formatting import format_day
from app.registration.models import Registration
from app.registration.models import RegistrationStatus as S
from tests.helpers.factories import make_open_meeting, make_registration, make_session
from tests.helpers.forms import form_data, link_in
from tests.helpers.outbox import queued


def register_and_confirm(client, meeting, email, **fields):
    client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email=email, role="delegate", **fields))
    response = client.post(link_in(queued(email)[-1].text, "confirm"))
    assert response.status_code == 302
    return response.location, client.get(response.location).get_data(as_text=True)


def event(calendar_bytes):
    [vevent] = icalendar.Calendar.from_ical(calendar_bytes).walk("VEVENT")
    return vevent


def test_a_confirmed_delegate_sees_the_seat_and_downloads_the_same_invite(client):
    meeting = make_open_meeting()
    manage, page = register_and_confirm(client, meeting, "seated@mfa.example")
    assert "Your address is confirmed." in page and "Your seat is confirmed." in page
    download = client.get(f"{manage}/invite.ics")
    assert download.status_code == 200 and download.mimetype == "text/calendar"
    assert download.headers["Cache-Control"] == "no-store"
    emailed = event(queued("seated@mfa.example")[-1].calendar)
    offered = event(download.data)
    assert (str(offered["UID"]), offered["SEQUENCE"]) == (str(emailed["UID"]), emailed["SEQUENCE"])
    assert offered.decoded("DTSTART") == emailed.decoded("DTSTART")


def test_a_waitlisted_delegate_sees_their_place_and_what_happens_next(client):
    meeting = make_open_meeting(capacity=1, delegation_quota=None)
    make_registration(meeting)
    make_registration(meeting)  # first on the waiting list
    manage, page = register_and_confirm(client, meeting, "third@mfa.example")
    assert "You are number 2 of 2 on the waiting list." in page
    assert "you get it automatically" in page
    assert client.get(f"{manage}/invite.ics").status_code == 404  # no seat, no invitation


def test_a_delegate_awaiting_approval_is_told_who_decides_and_by_when(client, app):
    meeting = make_open_meeting(requires_approval=True)
    meeting.registration_closes_at = meeting.starts_at - timedelta(days=3)
    db.session.commit()
    _, page = register_and_confirm(client, meeting, "pending@mfa.example")
    assert "Your registration awaits the organisers' approval." in page
    closes = format_day(meeting.local(meeting.registration_closes_at).date())  # in the meeting's zone
    assert f"{app.config['SECRETARIAT_NAME']} decides on each registration" in page
    assert f"usually by the close of registration on {closes}." in page


def test_the_manage_page_links_the_programme_and_shows_the_visa_letter(client):
    meeting = make_open_meeting()
    make_session(meeting, meeting.start_date, "09:00", "10:30", title="Opening")
    visa = dict(
        needs_visa_letter="y",
        nationality="ER",
        passport_number="P1234567",
        date_of_birth="1980-05-01",
        passport_expiry=(meeting.end_date + timedelta(days=900)).isoformat(),
    )
    _, page = register_and_confirm(client, meeting, "visa@mfa.example", **visa)
    assert f'href="/meetings/{meeting.slug}#programme">The programme</a>' in page
    assert "Visa invitation letter</dt><dd>Requested." in page
    email = queued("visa@mfa.example")[-1]
    assert "Your visa invitation letter: the secretariat prepares it once your seat is confirmed" in email.text
    assert "Your visa invitation letter:</strong>" in email.html


def test_the_confirmation_email_summarises_what_was_registered(client):
    meeting = make_open_meeting(dates=(date(2027, 5, 10), date(2027, 5, 11)))
    register_and_confirm(
        client,
        meeting,
        "summary@mfa.example",
        days=["2027-05-11"],
        dietary_needs="Vegetarian",
        delegation="org:IOM",
    )
    text = queued("summary@mfa.example")[-1].text
    for line in (
        "- Delegation: International Organization for Migration (IOM)",
        "- Role: Delegate",
        "- Days: 11 May 2027",
        "- Dietary needs: Vegetarian",
        "- Accessibility needs: none declared",
        "- Visa invitation letter: not requested",
    ):
        assert line in text
    assert "11 May 2027" in queued("summary@mfa.example")[-1].html


def test_cancelling_asks_once_and_says_where_the_seat_goes(client):
    meeting = make_open_meeting(capacity=1, delegation_quota=None)
    manage, _ = register_and_confirm(client, meeting, "leaving@mfa.example")
    waiting = make_registration(meeting)
    page = client.get(f"{manage}/cancel")
    assert page.status_code == 200
    assert "Cancel your registration?" in page.text
    assert "Your seat goes to the next delegate on the waiting list" in page.text
    assert db.session.get(Registration, waiting.id).status is S.WAITLISTED  # asking changed nothing
    done = client.post(f"{manage}/cancel")
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status is S.CONFIRMED
    assert "This registration is cancelled." in client.get(manage).text
    assert client.get(f"{manage}/cancel").status_code == 302  # nothing left to cancel: back to the page
