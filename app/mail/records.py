"""What the outbox keeps about a meeting or a delegate: their emails, and the purge of attachments.

The references are plain ids (the outbox knows no domain); the email log lists them with
``list_messages``, and the purges that remove what a message contains call
``remove_attachments`` before they delete the registration, the meeting or the messages.
"""

from collections.abc import Iterable

from sqlalchemy import delete, select, update

from app.extensions import db
from app.files.storage import StoredFile
from app.mail.attachments import OutboxAttachment
from app.mail.outbox import OutboxMessage, OutboxStatus


def list_messages(*, meeting_id: int | None = None, registration_id: int | None = None) -> list[OutboxMessage]:
    """The emails about a meeting, a registration, or both given, newest first."""
    if meeting_id is None and registration_id is None:
        raise TypeError("list_messages needs a meeting_id or a registration_id")
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if meeting_id is not None:
        query = query.where(OutboxMessage.meeting_id == meeting_id)
    if registration_id is not None:
        query = query.where(OutboxMessage.registration_id == registration_id)
    return list(db.session.scalars(query))


def remove_attachments(
    *, message_ids: Iterable[int] | None = None, registration_id: int | None = None, meeting_id: int | None = None
) -> int:
    """Delete the attachments of the messages named, and the blobs no row refers to any more.

    In the caller's transaction; returns the number of attachments deleted. A message still
    pending that loses its attachments is marked failed rather than sent without them.
    """
    if message_ids is None and registration_id is None and meeting_id is None:
        raise TypeError("name the messages: message_ids, registration_id or meeting_id")
    messages = select(OutboxMessage.id)
    if message_ids is not None:
        messages = messages.where(OutboxMessage.id.in_(list(message_ids)))
    if registration_id is not None:
        messages = messages.where(OutboxMessage.registration_id == registration_id)
    if meeting_id is not None:
        messages = messages.where(OutboxMessage.meeting_id == meeting_id)
    found = db.session.execute(
        select(OutboxAttachment.id, OutboxAttachment.storage_key, OutboxAttachment.outbox_message_id).where(
            OutboxAttachment.outbox_message_id.in_(messages)
        )
    ).all()
    if not found:
        return 0
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_({row.outbox_message_id for row in found}),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.FAILED, last_error="Its attachments were removed before it was sent.")
    )
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.id.in_([row.id for row in found])))
    _delete_unreferenced_blobs({row.storage_key for row in found})
    return len(found)


def _delete_unreferenced_blobs(keys: set[str]) -> None:
    """Delete the blobs among ``keys`` that no table still refers to.

    The blob store is shared (a programme attached to an email may be a meeting's document,
    byte for byte) and the mail package may not know the domains' models: every column named
    ``storage_key``, or with a foreign key to the blob store, counts as a reference.
    """
    blobs = StoredFile.__tablename__
    kept = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if table.name != blobs and (
                column.name == "storage_key"
                or any(fk.target_fullname.startswith(f"{blobs}.") for fk in column.foreign_keys)
            ):
                kept.update(db.session.scalars(select(column).where(column.in_(keys)).distinct()))
    unused = keys - kept
    if unused:
        db.session.execute(delete(StoredFile).where(StoredFile.key.in_(unused)))
