"""The registration emails as a delegate's mail client receives them: through the outbox,
the worker and a real SMTP server."""

import icalendar
import pytest

from app.mail.worker import send_pending
from tests.helpers.factories import make_open_meeting
from tests.helpers.forms import form_data, link_in


@pytest.fixture
def config_overrides(smtp):
    return smtp.config


def body(message, subtype):
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else None


def calendar_parts(message):
    """The inline text/calendar part and the invite.ics attachment, where present."""
    return [
        part
        for part in message.walk()
        if part.get_content_type() == "text/calendar" or part.get_filename() == "invite.ics"
    ]


def test_register_confirm_and_receive_the_invite(client, smtp, now):
    meeting = make_open_meeting(
        title="Thematic Meeting on Trafficking, Smuggling; and Return",
        city="Nairobi",
        timezone="Africa/Nairobi",
        country="KE",
    )
    client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting, email="Hanna.Girma@mfa.example"))
    assert send_pending().sent == 1
    [first] = smtp.wait_for(1)
    message = first.message
    assert first.rcpt_tos == ["hanna.girma@mfa.example"]
    assert message["To"].addresses[0].display_name == "Dawit Bekele"
    assert message["Reply-To"] and message["Message-ID"] and message["Date"]
    assert "Confirm my registration" in body(message, "html")
    confirm = link_in(body(message, "plain"), "confirm")
    assert calendar_parts(message) == []

    client.post(confirm)
    assert send_pending().sent == 1
    confirmation = smtp.wait_for(2)[1].message
    assert "Registration confirmed" in confirmation["Subject"]
    assert "confirmed" in body(confirmation, "plain") and "confirmed" in body(confirmation, "html")
    inline, attachment = calendar_parts(confirmation)
    assert inline.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "invite.ics"
    invite = icalendar.Calendar.from_ical(inline.get_content())
    [event] = invite.walk("VEVENT")
    assert str(event["SUMMARY"]) == meeting.title
    assert str(event["ATTENDEE"]) == "mailto:hanna.girma@mfa.example"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert event.decoded("DTSTART") == meeting.starts_at  # same instant, written in Nairobi time


def test_a_delegate_is_told_their_place_on_the_waiting_list(client, smtp, now):
    meeting = make_open_meeting(capacity=0)
    client.post(f"/meetings/{meeting.slug}/register", data=form_data(meeting))
    send_pending()
    confirm = link_in(body(smtp.wait_for(1)[0].message, "plain"), "confirm")
    client.post(confirm)
    send_pending()
    waiting = smtp.wait_for(2)[1].message
    assert "waiting list" in waiting["Subject"] and "number 1" in body(waiting, "plain")
    assert calendar_parts(waiting) == []
