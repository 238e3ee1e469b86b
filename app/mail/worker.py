"""The outbox worker: sends claimed messages over one SMTP connection per batch.

Each message is marked in flight in the commit just before it is handed to the SMTP
server, and committed as sent right after the server accepts it. A crash loses at most
the status of the message in flight (which is then sent again, with the same
Message-ID, once its lease expires), never a message. A lost database connection is
ridden out (``app.mail.outage``): the outcome is recorded after reconnecting, and what
the worker could not send is handed back, not left to wait for the lease.
"""

import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

import flask_mail
from flask import current_app
from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.mail.claims import (
    claim_batch,
    mark_in_flight,
    new_worker_id,
    release,
    renew_lease,
)
from app.mail.compose import build_message
from app.mail.outage import (
    DatabaseUnavailable,
    Outcome,
    commit_retrying,
    reporting_loss,
    rollback,
    settle,
)
from app.mail.outbox import AttemptOutcome, OutboxMessage, OutboxStatus
from app.mail.smtp import (
    UNSENDABLE,
    close_connection,
    describe,
    open_connection,
    send,
    server_down,
)


@dataclass
class Settings:
    lease: timedelta
    max_attempts: int
    retry_base: float
    retry_max: float
    timeout: float
    batch_size: int
    #: Seconds to keep retrying a write after the database connection is lost.
    db_retry: float = 10.0

    @classmethod
    def from_config(cls, config) -> "Settings":
        return cls(
            lease=timedelta(seconds=float(config.get("MAIL_CLAIM_SECONDS", 300))),
            max_attempts=int(config.get("MAIL_MAX_ATTEMPTS", 10)),
            retry_base=float(config.get("MAIL_RETRY_BASE_SECONDS", 60)),
            retry_max=float(config.get("MAIL_RETRY_MAX_SECONDS", 7200)),
            timeout=float(config.get("MAIL_TIMEOUT_SECONDS", 30)),
            batch_size=int(config.get("MAIL_BATCH_SIZE", 50)),
            db_retry=float(config.get("MAIL_DB_RETRY_SECONDS", 10)),
        )

    def backoff(self, attempts: int) -> timedelta:
        """Wait before attempt ``attempts + 1``: base, 2 x base, 4 x base ... up to the cap."""
        return timedelta(seconds=min(self.retry_base * 2 ** max(attempts - 1, 0), self.retry_max))


@dataclass
class SendStats:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: Messages claimed but handed back unsent (the worker was asked to stop).
    released: int = 0
    #: The SMTP server could not be reached or dropped the connection.
    server_down: bool = False
    #: Why nothing was sent at all (no MAIL_SERVER), with the number waiting.
    not_sent_reason: str | None = None
    waiting: int = 0


def not_sending_reason(app) -> str | None:
    if not app.config.get("MAIL_SERVER"):
        return "MAIL_SERVER is not set"
    if app.extensions["mail"].suppress:
        return "MAIL_SUPPRESS_SEND is on (Flask-Mail's default when TESTING)"
    return None


def count_waiting() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
    )


@dataclass
class _Pass:
    """The state of one pass of the worker."""

    settings: Settings
    worker_id: str
    clock: Callable[[], datetime]
    stats: SendStats
    #: The message marked in flight by the last commit, if any.
    in_flight: int | None = None


def send_pending(
    *,
    batch_size: int | None = None,
    now: datetime | None = None,
    worker_id: str | None = None,
    stop_event: threading.Event | None = None,
) -> SendStats:
    """One pass: claim the due messages and send them through one SMTP connection.

    Commits as it goes, in the current session: call it with nothing pending. Raises
    ``DatabaseUnavailable`` when the database stayed out of reach; its ``owed`` holds
    the outcome it could not record, and the pass's other claims are still held.
    """
    settings = Settings.from_config(current_app.config)
    run = _Pass(settings, worker_id or new_worker_id(), (lambda: now) if now else utcnow, SendStats())
    with reporting_loss():
        reason = not_sending_reason(current_app)
        if reason:
            return SendStats(not_sent_reason=reason, waiting=count_waiting())
        ids = claim_batch(
            worker_id=run.worker_id,
            now=run.clock(),
            lease=settings.lease,
            batch_size=batch_size or settings.batch_size,
            max_attempts=settings.max_attempts,
        )
        run.stats.claimed = len(ids)
        if ids:
            _send_batch(run, ids, stop_event)
    return run.stats


def _load(ids: list[int]) -> list[tuple[int, int, flask_mail.Message | Exception]]:
    """(id, attempts so far, message or the error building it), read before any commit."""
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id))
    loaded = []
    for row in rows:
        try:
            loaded.append((row.id, row.attempts, build_message(row)))
        except UNSENDABLE as error:
            loaded.append((row.id, row.attempts, error))
    db.session.commit()
    return loaded


def _send_batch(run: _Pass, ids: list[int], stop_event) -> None:
    batch = deque(_load(ids))
    try:
        connection = open_connection(run.settings.timeout)
    except OSError as error:  # refused, unreachable, or an SMTP error before MAIL
        _server_unavailable(run, batch, error)
        return
    try:
        _send_each(run, batch, connection, stop_event)
    finally:
        close_connection(connection)


def _send_each(run: _Pass, batch: deque, connection, stop_event) -> None:
    renewed = time.monotonic()
    while batch:
        if stop_event is not None and stop_event.is_set():
            _release(run, batch)
            return
        if time.monotonic() - renewed > run.settings.lease.total_seconds() / 2:
            batch, renewed = _renew(run, batch), time.monotonic()
            continue
        message_id, attempts, message = batch.popleft()
        if not isinstance(message, Exception):
            _mark_in_flight(run, message_id)
        error = message if isinstance(message, Exception) else send(connection, message)
        next_id = batch[0][0] if batch else None
        if error is None:
            _sent(run, message_id, attempts, next_id)
        elif isinstance(error, UNSENDABLE):
            _failure(run, message_id, attempts, error, permanent=True, next_id=next_id)
        elif server_down(error):
            _failure(run, message_id, attempts, error)
            _server_unavailable(run, batch, error)
            return
        else:
            _failure(run, message_id, attempts, error, next_id=next_id)


def _mark_in_flight(run: _Pass, message_id: int) -> None:
    """Commit that the message is about to be handed over, unless the last outcome's commit did."""
    if run.in_flight != message_id:
        commit_retrying(
            lambda: mark_in_flight(message_id, worker_id=run.worker_id, at=run.clock()), budget=run.settings.db_retry
        )
    run.in_flight = None


def _record(run: _Pass, outcome: Outcome, next_id: int | None) -> None:
    """Store the outcome, and mark the next message in flight, in one commit that survives a short outage."""

    def write():
        outcome.store(run.worker_id)
        if next_id is not None:
            mark_in_flight(next_id, worker_id=run.worker_id, at=outcome.at)

    with reporting_loss([outcome]):
        commit_retrying(write, budget=run.settings.db_retry)
    run.in_flight = next_id


def _sent(run: _Pass, message_id: int, attempts: int, next_id: int | None) -> None:
    at = run.clock()
    _record(
        run,
        Outcome(
            message_id,
            at,
            AttemptOutcome.SENT,
            None,
            dict(status=OutboxStatus.SENT, sent_at=at, attempts=attempts + 1, claimed_by=None, last_error=None),
        ),
        next_id,
    )
    run.stats.sent += 1


def _failure(
    run: _Pass, message_id: int, attempts: int, error: BaseException, *, permanent=False, next_id: int | None = None
) -> None:
    """Record a failed attempt: retry later with backoff, or give up after the maximum."""
    at, attempts, text = run.clock(), attempts + 1, describe(error)
    give_up = permanent or attempts >= run.settings.max_attempts
    if give_up:
        values = {"status": OutboxStatus.FAILED}
    else:
        values = {"status": OutboxStatus.PENDING, "next_attempt_at": at + run.settings.backoff(attempts)}
    values.update(attempts=attempts, last_error=text, claimed_by=None)
    _record(
        run, Outcome(message_id, at, AttemptOutcome.FAILED if give_up else AttemptOutcome.RETRY, text, values), next_id
    )
    if give_up:
        run.stats.failed += 1
    else:
        run.stats.retrying += 1


def _server_unavailable(run: _Pass, rest, error: BaseException) -> None:
    """The server is down: every message of the batch not yet sent counts the attempt."""
    run.stats.server_down = True
    for message_id, attempts, _ in rest:
        _failure(run, message_id, attempts, error)


def _renew(run: _Pass, rest: deque) -> deque:
    """Extend the lease on the rest of a slow batch; drop what another worker took over."""
    until = run.clock() + run.settings.lease
    held = renew_lease([item[0] for item in rest], worker_id=run.worker_id, until=until)
    return deque(item for item in rest if item[0] in held)


def _release(run: _Pass, rest) -> None:
    ids = [item[0] for item in rest]
    commit_retrying(lambda: release(ids=ids, worker_id=run.worker_id, now=run.clock()), budget=run.settings.db_retry)
    run.stats.released += len(rest)


def work(
    poll_interval: float = 1.0,
    *,
    stop_event: threading.Event | None = None,
    batch_size: int | None = None,
    worker_id: str | None = None,
    report=None,
) -> None:
    """Send passes until ``stop_event`` is set, waiting ``poll_interval`` seconds when idle.

    ``report(stats)`` hears of every pass that claimed messages, and once why nothing
    is sent (no MAIL_SERVER); without it the latter is logged. After losing the
    database the loop claims nothing until it has handed back what it held.
    """
    stop_event = stop_event or threading.Event()
    worker_id = worker_id or new_worker_id()
    told_why, owed = False, None  # owed: None, or the outcomes to store before handing back
    while not stop_event.is_set():
        try:
            if owed is not None:
                settle(owed, worker_id=worker_id, now=utcnow())
                owed = None
            stats = send_pending(batch_size=batch_size, worker_id=worker_id, stop_event=stop_event)
        except DatabaseUnavailable as lost:
            current_app.logger.exception("The outbox worker could not reach the database; it will try again.")
            rollback()
            owed = lost.owed
            stop_event.wait(poll_interval)
            continue
        if stats.not_sent_reason and not told_why:
            (report or _log_not_sending)(stats)
            told_why = True
        elif stats.claimed and report is not None:
            report(stats)
        if not stats.claimed or stats.server_down:
            stop_event.wait(poll_interval)
    if owed is not None:  # one last try; what stays claimed waits for its lease
        with suppress(DatabaseUnavailable):
            settle(owed, worker_id=worker_id, now=utcnow())


def _log_not_sending(stats: SendStats) -> None:
    current_app.logger.warning(
        "Not sending email: %s; %d messages wait in the outbox.", stats.not_sent_reason, stats.waiting
    )
