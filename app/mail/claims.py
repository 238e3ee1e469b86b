"""Workers claim outbox messages under a lease, so no two ever send the same one.

A claim sets status=sending, claimed_by and the lease end (``next_attempt_at``) and is
committed before anything is sent. On PostgreSQL the due rows are read with
``SELECT ... FOR UPDATE SKIP LOCKED``: concurrent workers on any number of machines
take disjoint rows without waiting for each other. Every database also gets a
compare-and-set UPDATE that re-checks the row is still due, which is what keeps
SQLite (one writer at a time, no row locks) exclusive. A worker that dies leaves its
rows in ``sending``; they become due again when the lease expires.

A worker marks a message in flight (``sending_started_at``) in the commit just before
it hands it to the SMTP server, and clears the mark with the outcome. Of a dead
worker's claims only the one in flight was attempted; the others were never tried and
go back to the queue without an attempt counted against them.
"""

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import and_, insert, select, update

from app.extensions import db
from app.mail.outbox import AttemptOutcome, OutboxAttempt, OutboxMessage, OutboxStatus

_CLAIMABLE = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


def _due(now: datetime):
    return and_(OutboxMessage.status.in_(_CLAIMABLE), OutboxMessage.next_attempt_at <= now)


def claim_batch(*, worker_id: str, now: datetime, lease: timedelta, batch_size: int, max_attempts: int) -> list[int]:
    """Claim up to ``batch_size`` due messages for this worker and commit; their ids, oldest first.

    Runs in, and ends, the current session's transaction: call it with nothing pending.
    """
    candidates = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.claimed_by, OutboxMessage.sending_started_at)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    ).all()
    if not candidates:
        db.session.rollback()
        return []
    claimed = set(
        db.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([row.id for row in candidates]), _due(now))
            .values(
                status=OutboxStatus.SENDING, claimed_by=worker_id, next_attempt_at=now + lease, sending_started_at=None
            )
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
    )
    abandoned = [row for row in candidates if row.id in claimed and _was_in_flight(row, worker_id)]
    claimed -= _record_abandoned(abandoned, now=now, max_attempts=max_attempts)
    db.session.commit()
    return [row.id for row in candidates if row.id in claimed]


def _was_in_flight(row, worker_id: str) -> bool:
    """An expired claim that was handed to the SMTP server by another worker, outcome unknown.

    A claim never handed over was no attempt; and a worker that takes back its own
    claims is alive, so none of them was abandoned.
    """
    return row.status is OutboxStatus.SENDING and row.sending_started_at is not None and row.claimed_by != worker_id


def _record_abandoned(rows, *, now, max_attempts) -> set[int]:
    """Count the attempt of a worker that died holding a message; give up on repeat offenders.

    A message that kills its worker every time must not stop the outbox for ever.
    Returns the ids given up.
    """
    given_up = set()
    for row in rows:
        attempts = db.session.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == row.id)) + 1
        error = f"worker {row.claimed_by} stopped while sending; its lease expired"
        values = {"attempts": attempts, "last_error": error}
        outcome = AttemptOutcome.ABANDONED
        if attempts >= max_attempts:
            values.update(status=OutboxStatus.FAILED, claimed_by=None)
            outcome = AttemptOutcome.FAILED
            given_up.add(row.id)
        _update(row.id, **values)
        db.session.execute(
            insert(OutboxAttempt).values(
                outbox_message_id=row.id, attempted_at=now, outcome=outcome, error=error, worker=row.claimed_by
            )
        )
    return given_up


def renew_lease(ids: list[int], *, worker_id: str, until: datetime) -> set[int]:
    """Extend this worker's lease on ``ids`` and commit; the ids it still holds."""
    if not ids:
        return set()
    held = set(
        db.session.scalars(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.claimed_by == worker_id,
                OutboxMessage.status == OutboxStatus.SENDING,
            )
            .values(next_attempt_at=until)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
    )
    db.session.commit()
    return held


def release(*, worker_id: str, now: datetime, ids: list[int] | None = None) -> int:
    """Hand this worker's unsent claims back, due at once: ``ids``, or all it holds (not committed).

    A worker stopping cleanly, or one that lost the database mid-batch, hands back what it
    did not send instead of leaving it to wait for the lease. Returns how many.
    """
    if ids is not None and not ids:
        return 0
    statement = update(OutboxMessage).where(
        OutboxMessage.claimed_by == worker_id, OutboxMessage.status == OutboxStatus.SENDING
    )
    if ids is not None:
        statement = statement.where(OutboxMessage.id.in_(ids))
    result = db.session.execute(
        statement.values(
            status=OutboxStatus.PENDING, claimed_by=None, next_attempt_at=now, sending_started_at=None
        ).execution_options(synchronize_session=False)
    )
    return result.rowcount


def mark_in_flight(message_id: int, *, worker_id: str, at: datetime) -> None:
    """Note that this worker is about to hand the message to the SMTP server (not committed)."""
    table = OutboxMessage.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == message_id, table.c.claimed_by == worker_id, table.c.status == OutboxStatus.SENDING)
        .values(sending_started_at=at)
    )


def _update(message_id: int, **values) -> None:
    # The tables, not the ORM classes: once per email, and no objects to synchronise.
    table = OutboxMessage.__table__
    db.session.execute(update(table).where(table.c.id == message_id).values(**values))


def record_attempt(
    message_id: int, *, worker_id: str, at: datetime, outcome: AttemptOutcome, error: str | None = None, **values
) -> bool:
    """Store one attempt's outcome and the message's new state, if this worker still holds it (not committed).

    Storing it again is a no-op: after a lost connection a worker cannot tell whether its
    commit arrived, so it stores the outcome again. False when nothing was stored.
    """
    table = OutboxMessage.__table__
    held = db.session.execute(
        update(table)
        .where(table.c.id == message_id, table.c.claimed_by == worker_id, table.c.status == OutboxStatus.SENDING)
        .values(sending_started_at=None, **values)
    ).rowcount
    if held:
        db.session.execute(
            insert(OutboxAttempt.__table__).values(
                outbox_message_id=message_id, attempted_at=at, outcome=outcome, error=error, worker=worker_id
            )
        )
    return bool(held)
