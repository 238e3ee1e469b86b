"""Sending failed messages again, when whatever made them fail has been put right.

A requeued message is pending and due at once, with a fresh series of attempts; it keeps
its Message-ID (a recipient who did get an earlier try sees the same email) and its
attempt log (``attempts`` counts again from 0, the log keeps every earlier try).
"""

from datetime import datetime

from sqlalchemy import update

from app.actors import Actor
from app.extensions import db
from app.mail.outbox import OutboxMessage, OutboxStatus


class RequeueError(Exception):
    """A message that cannot be requeued, with the reason for the operator."""


def _requeue(*conditions, now: datetime) -> list[int]:
    return list(
        db.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.FAILED, *conditions)
            .values(
                status=OutboxStatus.PENDING, next_attempt_at=now, attempts=0, claimed_by=None, sending_started_at=None
            )
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
    )


def requeue_message(message_id: int, *, now: datetime, actor: Actor) -> None:
    """Queue one failed message to be sent again, due at ``now``, and commit."""
    if not _requeue(OutboxMessage.id == message_id, now=now):
        message = db.session.get(OutboxMessage, message_id)
        status = message.status.value if message else None
        db.session.rollback()
        if status is None:
            raise RequeueError(f"No outbox message with id {message_id}.")
        raise RequeueError(f"Message {message_id} is {status}, not failed; only a failed message can be retried.")
    db.session.commit()


def requeue_failed(*, now: datetime, actor: Actor) -> int:
    """Queue every failed message to be sent again, due at ``now``, and commit; how many."""
    count = len(_requeue(now=now))
    db.session.commit()
    return count
