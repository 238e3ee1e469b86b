"""Files and inline images an outbox message carries, kept in the blob store (``app.files``).

``enqueue`` checks every attachment before it stores anything, so a refused one changes
nothing; the bytes go to the blob store in the caller's transaction, which keeps
identical bytes once. The purges remove them with ``app.mail.records.remove_attachments``.
"""

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import enum_column
from app.extensions import db
from app.files.storage import store_bytes
from app.text import single_line_problem

#: The attachments of one message together, before base64 (which adds a third).
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
_TOKEN = r"[a-z0-9][a-z0-9!#$&^_.+-]*"
_CONTENT_TYPE = re.compile(rf"{_TOKEN}/{_TOKEN}")
#: A Content-ID as RFC 2392 URLs can name it without escaping: dot-atom text, one @ at most.
_CONTENT_ID = re.compile(r"[A-Za-z0-9_.+-]+(@[A-Za-z0-9.-]+)?")


class Disposition(enum.Enum):
    ATTACHMENT = "attachment"
    #: Shown inside the HTML, which refers to it as ``cid:<content_id>``.
    INLINE = "inline"


@dataclass(frozen=True)
class Attachment:
    """A file to attach, or with ``inline`` an image the HTML shows as ``cid:<content_id>``."""

    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str | None = None


class AttachmentRefused(ValueError):
    """An attachment enqueue will not store; the message says which and why."""


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachment"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint("(disposition = 'inline') = (content_id IS NOT NULL)", name="inline_has_content_id"),
        # One Content-ID per message (NULLs, the files, do not collide); the position orders the parts.
        Index("uq_outbox_attachment_message_content_id", "outbox_message_id", "content_id", unique=True),
        Index("uq_outbox_attachment_message_position", "outbox_message_id", "position", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"))
    #: Order among the message's attachments, from 0.
    position: Mapped[int]
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(255))
    disposition: Mapped[Disposition] = mapped_column(enum_column(Disposition))
    #: Without the angle brackets; set for inline parts only.
    content_id: Mapped[str | None] = mapped_column(String(255))
    #: The blob's key in ``app.files`` (SHA-256 of the bytes, shared by identical files).
    storage_key: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]

    message: Mapped["OutboxMessage"] = relationship(back_populates="attachments")  # noqa: F821


def check_attachments(attachments: Sequence[Attachment], html: str) -> list[Attachment]:
    """The attachments as they will be stored, or AttachmentRefused naming the first problem."""
    checked, content_ids, total = [], set(), 0
    for number, attachment in enumerate(attachments, 1):
        if not isinstance(attachment, Attachment):
            raise AttachmentRefused(f"attachment {number} is not an Attachment")
        data = attachment.data
        if not isinstance(data, bytes | bytearray) or not data:
            raise AttachmentRefused(f"attachment {number} has no bytes")
        problem = _filename_problem(attachment.filename)
        content_type = attachment.content_type.strip().lower() if isinstance(attachment.content_type, str) else ""
        if problem:
            raise AttachmentRefused(f"attachment {number}: the filename {problem}")
        if not _CONTENT_TYPE.fullmatch(content_type) or content_type.split("/")[0] in ("multipart", "message"):
            raise AttachmentRefused(f"attachment {number}: {attachment.content_type!r} is not a type/subtype")
        _check_content_id(number, attachment, content_type, html, content_ids)
        total += len(data)
        checked.append(
            Attachment(attachment.filename, content_type, bytes(data), attachment.inline, attachment.content_id)
        )
    if total > MAX_ATTACHMENT_BYTES:
        raise AttachmentRefused(
            f"the attachments come to {total} bytes; at most {MAX_ATTACHMENT_BYTES} fit in one email"
        )
    return checked


def _filename_problem(filename) -> str | None:
    if not isinstance(filename, str) or not filename.strip():
        return "is missing"
    if single_line_problem(filename) or filename != filename.strip():
        return "must be one line, without control characters or surrounding spaces"
    if "/" in filename or "\\" in filename or filename in (".", ".."):
        return "must not name a folder"
    if len(filename) > 255:
        return "is longer than 255 characters"
    return None


def _check_content_id(number: int, attachment: Attachment, content_type: str, html: str, seen: set) -> None:
    content_id = attachment.content_id
    if not attachment.inline:
        if content_id is not None:
            raise AttachmentRefused(f"attachment {number}: a content_id is for inline parts")
        return
    if not content_type.startswith("image/"):
        raise AttachmentRefused(f"attachment {number}: only images are shown inline")
    if not isinstance(content_id, str) or not _CONTENT_ID.fullmatch(content_id):
        raise AttachmentRefused(f"attachment {number}: an inline part needs a content_id such as qr@meetings")
    if content_id in seen:
        raise AttachmentRefused(f"attachment {number}: the content_id {content_id!r} is used twice")
    if f"cid:{content_id}".lower() not in html.lower():
        raise AttachmentRefused(f"attachment {number}: the HTML never shows cid:{content_id}")
    seen.add(content_id)


def store_attachments(message, attachments: Sequence[Attachment]) -> None:
    """Store checked attachments of ``message`` in the caller's transaction."""
    for position, attachment in enumerate(attachments):
        db.session.add(
            OutboxAttachment(
                message=message,
                position=position,
                filename=attachment.filename,
                content_type=attachment.content_type,
                disposition=Disposition.INLINE if attachment.inline else Disposition.ATTACHMENT,
                content_id=attachment.content_id if attachment.inline else None,
                storage_key=store_bytes(attachment.data),
                size=len(attachment.data),
            )
        )
