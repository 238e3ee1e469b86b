"""The outbox: every email is a row written in the transaction of the change that causes it.

``enqueue`` only adds the row to the session; the caller's service commits it together
with its state change, so a rolled-back change never sends and a committed one always
has its email. The worker (``app.mail.worker``) sends the rows after the commit.
"""

import enum
import re
from collections.abc import Sequence
from datetime import datetime
from email.utils import make_msgid, parseaddr
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.mail.attachments import Attachment, OutboxAttachment, check_attachments, store_attachments
from app.text import clean_single_line, single_line_problem


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    #: Claimed by a worker until its lease (``next_attempt_at``) expires.
    SENDING = "sending"
    SENT = "sent"
    #: Given up after the maximum number of attempts, or unsendable as stored.
    FAILED = "failed"


class CalendarMethod(enum.Enum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


class AttemptOutcome(enum.Enum):
    SENT = "sent"
    #: The attempt failed; the message waits for its next attempt.
    RETRY = "retry"
    #: The attempt failed and the message was given up.
    FAILED = "failed"
    #: A worker claimed the message and stopped (killed) before recording an outcome.
    ABANDONED = "abandoned"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("(calendar IS NULL) = (calendar_method IS NULL)", name="calendar_with_method"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_sent_at"),
        # Serves the worker's claim: status IN (pending, sending) AND next_attempt_at <= now.
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus), default=OutboxStatus.PENDING)
    to_email: Mapped[str] = mapped_column(String(320))
    to_name: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(998))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    #: iCalendar text sent inline (text/calendar) and as invite.ics; NULL for a plain email.
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[CalendarMethod | None] = mapped_column(enum_column(CalendarMethod))
    #: The Message-ID header, fixed at enqueue: a resend is recognisably the same email.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    #: Attempts made, including those of workers that died mid-send.
    attempts: Mapped[int] = mapped_column(default=0)
    #: When a worker may take the message: its next retry while pending, the end of
    #: the claiming worker's lease while sending.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Worker holding the lease while sending (host:pid:random).
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    #: Set by the claiming worker in the commit just before it hands the message to the
    #: SMTP server; NULL otherwise. A lease that expires with it set was a real attempt.
    sending_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the email is about, for the email log; plain ids because the outbox knows no
    #: domain. Emptied when the meeting or registration is deleted; the email stays.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"), index=True)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", passive_deletes=True, order_by=OutboxAttachment.position
    )
    attempt_log: Mapped[list["OutboxAttempt"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", passive_deletes=True, order_by="OutboxAttempt.id"
    )

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.status.value} to {self.to_email}>"

    @property
    def lease_expires_at(self) -> datetime | None:
        return self.next_attempt_at if self.status is OutboxStatus.SENDING else None


class OutboxAttempt(db.Model):
    """One try at sending an outbox message, with its outcome."""

    __tablename__ = "outbox_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[AttemptOutcome] = mapped_column(enum_column(AttemptOutcome))
    #: The SMTP reply or exception; NULL when sent.
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(120))

    message: Mapped[OutboxMessage] = relationship(back_populates="attempt_log")


_METHOD_LINE = re.compile(r"^METHOD:(.*?)\r?$", re.MULTILINE | re.IGNORECASE)
_ADDRESS_FORBIDDEN = set(' <>,;:"()[]\\')


def enqueue(
    *,
    to_email: str,
    to_name: str,
    subject: str,
    text: str,
    html: str,
    calendar: str | bytes | None = None,
    calendar_method: str | None = None,
    meeting_id: int | None = None,
    registration_id: int | None = None,
    attachments: Sequence[Attachment] = (),
) -> OutboxMessage:
    """Queue one email in the caller's transaction (added, not committed).

    Attachments are checked before anything is added (``AttachmentRefused``), then stored
    in the blob store, which flushes the session to find bytes it already holds.
    """
    to_email = _address(to_email)
    # Names and subjects come from what people typed: cleaned, never refused, so one
    # delegate's odd character cannot roll back a change that emails many others.
    to_name = _header_text("to_name", to_name or "", 300)
    subject = _header_text("subject", subject, 998)
    if not isinstance(text, str) or not isinstance(html, str):
        raise ValueError("text and html must be strings")
    calendar, method = _calendar(calendar, calendar_method)
    meeting_id, registration_id = _reference("meeting_id", meeting_id), _reference("registration_id", registration_id)
    attachments = check_attachments(attachments, html)
    now = utcnow()
    message = OutboxMessage(
        to_email=to_email,
        to_name=to_name,
        subject=subject,
        text=text,
        html=html,
        calendar=calendar,
        calendar_method=method,
        message_id=make_msgid(domain=_message_id_domain()),
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        meeting_id=meeting_id,
        registration_id=registration_id,
    )
    db.session.add(message)
    store_attachments(message, attachments)
    return message


def _reference(field: str, value) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValueError(f"{field} must be an id or None, not {value!r}")
    return value


def _header_text(field: str, value: str, max_length: int) -> str:
    """A header value as one clean line (no header injection), cut to ``max_length``."""
    if not isinstance(value, str):
        raise ValueError(f"{field} must be a string")
    return clean_single_line(value)[:max_length]


def _address(value: str) -> str:
    """A plain address; the services store them canonical, so anything else is a bug."""
    if not isinstance(value, str) or single_line_problem(value) or len(value) > 320:
        raise ValueError(f"{value!r} is not a plain email address")
    value = value.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain or _ADDRESS_FORBIDDEN & set(value):
        raise ValueError(f"{value!r} is not a plain email address")
    return value


def _calendar(calendar, method) -> tuple[str | None, CalendarMethod | None]:
    if calendar is None:
        if method is not None:
            raise ValueError("calendar_method given without a calendar")
        return None, None
    if isinstance(calendar, bytes):
        calendar = calendar.decode("utf-8")
    found = _METHOD_LINE.search(calendar)
    stated = found.group(1).strip().upper() if found else None
    method = (method or stated or "").upper()
    if method not in CalendarMethod.__members__:
        raise ValueError(f"calendar_method must be REQUEST or CANCEL, not {method or 'missing'!r}")
    if stated is not None and stated != method:
        raise ValueError(f"calendar_method {method} does not match the calendar's METHOD:{stated}")
    return calendar, CalendarMethod[method]


def _message_id_domain() -> str:
    """The sender's domain, so Message-IDs never depend on the machine's DNS name."""
    _, address = parseaddr(current_app.config.get("MAIL_DEFAULT_SENDER") or "")
    domain = address.rpartition("@")[2]
    return domain or urlsplit(current_app.config.get("BASE_URL", "")).hostname or "localhost"
