"""Riding out a lost database connection in the worker.

A worker that loses its connection after the SMTP server accepted a message must still
record it as sent, or it goes out again when the lease expires. So the worker's writes
are idempotent (``record_attempt`` and ``release`` only touch rows the worker still
holds) and are retried after a reconnect, for a few seconds; past that the worker keeps
what it could not record, and once the database answers again it records it and hands
back every other message it held, instead of leaving them to wait for the lease.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from flask import current_app
from sqlalchemy.exc import DBAPIError, OperationalError

from app.extensions import db
from app.mail.claims import record_attempt, release
from app.mail.outbox import AttemptOutcome

T = TypeVar("T")
_FIRST_WAIT, _LONGEST_WAIT = 0.05, 2.0


def database_lost(error: BaseException) -> bool:
    """The connection dropped or could not be made (not a constraint or a bad statement)."""
    return isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and error.connection_invalidated)


@dataclass
class Outcome:
    """One attempt's outcome and the message's new state, as the worker stores it."""

    message_id: int
    at: datetime
    outcome: AttemptOutcome
    error: str | None
    values: dict = field(default_factory=dict)

    def store(self, worker_id: str) -> bool:
        return record_attempt(
            self.message_id, worker_id=worker_id, at=self.at, outcome=self.outcome, error=self.error, **self.values
        )


class DatabaseUnavailable(Exception):
    """The database stayed out of reach; ``owed`` holds the outcomes not recorded."""

    def __init__(self, owed: list[Outcome]):
        super().__init__(f"the database stayed out of reach; {len(owed)} outcome(s) not recorded")
        self.owed = owed


@contextmanager
def reporting_loss(owed: list[Outcome] | None = None) -> Iterator[None]:
    """Turn a lost connection into ``DatabaseUnavailable(owed)``; other database errors pass."""
    try:
        yield
    except DBAPIError as error:
        if database_lost(error):
            raise DatabaseUnavailable(owed or []) from error
        raise


def commit_retrying(write: Callable[[], T], *, budget: float) -> T:
    """``write()`` then commit; after a lost connection, roll back and do both again on a new one.

    Tries for up to ``budget`` seconds, waiting 0.05 s, 0.1 s ... (at most 2 s) between
    tries, then raises the last error. ``write`` must be safe to run twice: a commit that
    failed may have been applied.
    """
    deadline, wait = time.monotonic() + budget, _FIRST_WAIT
    while True:
        try:
            result = write()
            db.session.commit()
            return result
        except DBAPIError as error:
            rollback()
            if not database_lost(error) or time.monotonic() + wait > deadline:
                raise
            current_app.logger.warning(
                "The outbox worker lost the database (%s); trying again in %.2f s.", error.orig, wait
            )
            time.sleep(wait)
            wait = min(wait * 2, _LONGEST_WAIT)


def rollback() -> None:
    """Roll back what the lost connection left; a connection already gone has nothing to undo."""
    with suppress(DBAPIError):
        db.session.rollback()


def settle(owed: list[Outcome], *, worker_id: str, now: datetime) -> int:
    """Store the outcomes not yet stored, then hand back every other message this worker holds.

    Returns how many went back to the queue (due at once); raises ``DatabaseUnavailable``
    while the database is still out of reach.
    """

    def write():
        for outcome in owed:
            outcome.store(worker_id)
        return release(worker_id=worker_id, now=now)

    with reporting_loss(owed):
        released = commit_retrying(write, budget=0)
    current_app.logger.warning(
        "The outbox worker reached the database again: %d outcome(s) recorded, %d message(s) handed back.",
        len(owed),
        released,
    )
    return released
