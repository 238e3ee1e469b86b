"""Reading what services queued in the outbox, for tests."""

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.mail.outbox import OutboxMessage


@dataclass
class Queued:
    to: str
    subject: str
    text: str
    html: str
    calendar: str | None
    calendar_method: str | None


def queued(email: str | None = None) -> list[Queued]:
    """Messages in the outbox, oldest first (only those to ``email`` if given)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if email is not None:
        query = query.where(OutboxMessage.to_email == email)
    return [
        Queued(
            m.to_email, m.subject, m.text, m.html, m.calendar, m.calendar_method.value if m.calendar_method else None
        )
        for m in db.session.scalars(query)
    ]
