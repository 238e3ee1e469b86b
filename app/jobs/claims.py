"""Workers claim jobs under a lease, so no two ever run the same one.

As in the outbox (app.mail.claims): on PostgreSQL the due rows are read with
``SELECT ... FOR UPDATE SKIP LOCKED``, so concurrent workers take different jobs without
waiting for each other, and every database gets a compare-and-set UPDATE that re-checks
the row is still due, which keeps SQLite (no row locks) exclusive. A claim sets
state=running, claimed_by and the lease end (``next_attempt_at``) and is committed
before the function starts; the running worker renews the lease. A job whose lease
expired was held by a dead worker: it runs again, and fails after the maximum attempts.

Every later write of the worker touches the row only while it still holds it, so a
worker that lost its lease records nothing over its successor.
"""

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import and_, select, update

from app.extensions import db
from app.jobs.models import Job, JobState

#: Due rows looked at per claim; the first that can be run is taken.
_CANDIDATES = 10


def new_worker_id() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


def _due(now: datetime):
    return and_(Job.state.in_((JobState.QUEUED, JobState.RUNNING)), Job.next_attempt_at <= now)


def held(job_id: int, worker_id: str):
    """The row, while this worker holds it."""
    return and_(Job.id == job_id, Job.claimed_by == worker_id, Job.state == JobState.RUNNING)


def _set(*conditions, **values) -> bool:
    return bool(
        db.session.execute(
            update(Job).where(*conditions).values(**values).execution_options(synchronize_session=False)
        ).rowcount
    )


def claim_next(*, worker_id: str, now: datetime, lease: timedelta, max_attempts: int) -> int | None:
    """Claim the oldest due job for this worker and commit; its id, or None.

    A due job left running by a dead worker is failed once it has had ``max_attempts``
    runs, and cancelled if its owner asked meanwhile. Runs in, and ends, the current
    session's transaction: call it with nothing pending.
    """
    candidates = db.session.execute(
        select(Job.id, Job.state, Job.claimed_by, Job.attempts, Job.cancel_requested)
        .where(_due(now))
        .order_by(Job.next_attempt_at, Job.id)
        .limit(_CANDIDATES)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = None
    for row in candidates:
        still_due = (Job.id == row.id, _due(now), Job.attempts == row.attempts)
        abandoned = row.state is JobState.RUNNING
        if abandoned and row.cancel_requested:
            _set(*still_due, state=JobState.CANCELLED, claimed_by=None, finished_at=now)
        elif abandoned and row.attempts >= max_attempts:
            error = f"worker {row.claimed_by} stopped while running it; gave up after {row.attempts} attempts"
            _set(*still_due, state=JobState.FAILED, claimed_by=None, finished_at=now, error=error)
        elif _set(
            *still_due,
            state=JobState.RUNNING,
            claimed_by=worker_id,
            next_attempt_at=now + lease,
            attempts=row.attempts + 1,
            started_at=now,
        ):
            claimed = row.id
            break
    db.session.commit()
    return claimed


def finish(job_id: int, *, worker_id: str, now: datetime, state: JobState, **values) -> bool:
    """Record the job's outcome if this worker still holds it (not committed); False when not.

    Success is recorded only if no cancellation was asked for meanwhile.
    """
    conditions = [held(job_id, worker_id)]
    if state is JobState.SUCCEEDED:
        conditions.append(Job.cancel_requested.is_(False))
    return _set(*conditions, state=state, claimed_by=None, finished_at=now, **values)
