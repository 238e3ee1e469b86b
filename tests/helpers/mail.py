"""Builders and readers shared by the mail tests."""

import itertools
from datetime import UTC, datetime

import icalendar
from sqlalchemy import select

from app.extensions import db
from app.mail.outbox import OutboxAttempt, OutboxMessage, enqueue

_counter = itertools.count(1)


def make_invite(method="REQUEST", *, uid="meeting-7@meetings.test", sequence=0) -> str:
    """An iCalendar invite as the calendar module builds them (METHOD, UID, SEQUENCE, attendee)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Khartoum Process//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", datetime(2026, 11, 1, 8, 0, tzinfo=UTC))
    event.add("dtstart", datetime(2027, 3, 10, 6, 0, tzinfo=UTC))
    event.add("dtend", datetime(2027, 3, 11, 14, 0, tzinfo=UTC))
    event.add("summary", "Thematic Meeting on Protection")
    event.add("location", "Hôtel Ivoire, Abidjan, Côte d’Ivoire")
    event.add("organizer", "mailto:secretariat@khartoumprocess.example")
    event.add("attendee", "mailto:amina@example.org", parameters={"CN": "Amina Diallo", "RSVP": "TRUE"})
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def queue(count=1, *, calendar=True, commit=True, **fields) -> list[OutboxMessage]:
    """``count`` queued emails, committed; ``calendar``: True for an invite, an iCalendar text, or False."""
    messages = []
    for _ in range(count):
        number = next(_counter)
        values = dict(
            to_email=f"delegate{number}@example.org",
            to_name=f"Delegate {number}",
            subject=f"Registration confirmed {number}",
            text=f"Dear delegate {number},\n\nWelcome.\n",
            html=f"<p>Dear delegate {number},</p><p>Welcome.</p>",
        )
        if calendar:
            values.update(
                calendar=make_invite(uid=f"registration-{number}@meetings.test") if calendar is True else calendar
            )
        values.update(fields)
        messages.append(enqueue(**values))
    if commit:
        db.session.commit()
    return messages


def rows() -> list[OutboxMessage]:
    """Every outbox row as the database has it now."""
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def attempts_of(message_id: int) -> list[OutboxAttempt]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxAttempt).where(OutboxAttempt.outbox_message_id == message_id).order_by(OutboxAttempt.id)
    ).all()


def on_accept(sink, callback, *, nth=1) -> None:
    """Call ``callback()`` in the sink's thread when it accepts its ``nth`` message, before
    the client hears the reply: the moment the message has gone but the sender cannot know."""
    handle_data, accepted = sink.handle_DATA, itertools.count(1)

    async def handle_DATA(server, session, envelope):
        reply = await handle_data(server, session, envelope)
        if reply.startswith("250") and next(accepted) == nth:
            callback()
        return reply

    sink.handle_DATA = handle_DATA  # aiosmtpd looks the hook up on each new SMTP session
