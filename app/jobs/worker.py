"""The job worker: claims a due job, runs its function, records the outcome.

One job at a time per worker; run several workers to run several jobs at once (on
PostgreSQL any number share the table). What the function adds to the session is
committed together with its success, and rolled back when it fails or is cancelled.
An exception in the function fails the job with the exception's type and message (no
traceback, which may hold personal data, is stored; it goes to the worker's log). A
stop request (SIGTERM) takes effect after the current job.
"""

import threading
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError

from app.actors import Actor
from app.db import utcnow
from app.extensions import db
from app.files.storage import store_bytes
from app.jobs.claims import claim_next, finish, new_worker_id
from app.jobs.lease import Lease
from app.jobs.models import Job, JobState
from app.jobs.registry import JobCancelled, JobResult, UnknownJobKind, lookup

_ERROR_LENGTH = 2000


@dataclass
class Settings:
    lease: timedelta
    max_attempts: int
    #: Seconds between two looks at the row for a cancellation, at most.
    cancel_check: float

    @classmethod
    def from_config(cls, config) -> "Settings":
        return cls(
            lease=timedelta(seconds=float(config.get("JOBS_CLAIM_SECONDS", 300))),
            max_attempts=int(config.get("JOBS_MAX_ATTEMPTS", 3)),
            cancel_check=float(config.get("JOBS_CANCEL_CHECK_SECONDS", 1)),
        )


@dataclass
class RunStats:
    succeeded: int = 0
    failed: int = 0
    cancelled: int = 0
    #: Jobs this worker ran but could not record: another worker had taken them over.
    lost: int = 0
    ids: list[int] = field(default_factory=list)

    @property
    def ran(self) -> int:
        return len(self.ids)


@dataclass
class Context:
    """What a job function is given (app.jobs.registry.JobContext)."""

    job_id: int
    kind: str
    arguments: dict
    owner: Actor
    _lease: Lease

    def progress(self, done: int, total: int | None = None) -> None:
        if done < 0 or (total is not None and not 0 <= done <= total):
            raise ValueError(f"progress {done} of {total} is not a count of steps done")
        self._lease.renew(progress_done=done, progress_total=total)

    def cancelled(self) -> bool:
        return self._lease.look()

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise JobCancelled()


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:_ERROR_LENGTH]


def run_pending(
    *, now: datetime | None = None, worker_id: str | None = None, stop_event: threading.Event | None = None
) -> RunStats:
    """Run due jobs one after another until none is due or ``stop_event`` is set.

    Commits as it goes, in the current session: call it with nothing pending. ``now``
    fixes the clock of the claims (tests).
    """
    settings = Settings.from_config(current_app.config)
    worker_id = worker_id or new_worker_id()
    stats = RunStats()
    while stop_event is None or not stop_event.is_set():
        job_id = claim_next(
            worker_id=worker_id, now=now or utcnow(), lease=settings.lease, max_attempts=settings.max_attempts
        )
        if job_id is None:
            break
        stats.ids.append(job_id)
        _run(job_id, worker_id, settings, stats)
    return stats


def _run(job_id: int, worker_id: str, settings: Settings, stats: RunStats) -> None:
    job = db.session.execute(
        select(Job.kind, Job.arguments, Job.owner_kind, Job.owner_ref, Job.owner_label).where(Job.id == job_id)
    ).one()
    db.session.commit()
    with Lease(job_id, worker_id=worker_id, lease=settings.lease, cancel_check=settings.cancel_check) as lease:
        context = Context(job_id, job.kind, job.arguments, Actor(job.owner_kind, job.owner_ref, job.owner_label), lease)
        outcome, values = JobState.SUCCEEDED, {}
        try:
            result = lookup(job.kind)(context)
            if lease.should_stop:  # asked to stop, but the function finished anyway: nothing is kept
                outcome = JobState.CANCELLED
            elif result is not None:
                values = _stored(result)
        except JobCancelled:
            outcome = JobState.CANCELLED
        except UnknownJobKind as error:
            outcome, values = JobState.FAILED, {"error": str(error)}
        except Exception as error:
            current_app.logger.exception("Job %s (%s) failed.", job_id, job.kind)
            outcome, values = JobState.FAILED, {"error": describe(error)}
    _record(job_id, worker_id, outcome, values, stats)


def _stored(result: JobResult) -> dict:
    if not isinstance(result, JobResult):
        raise TypeError(f"a job function returns None or a JobResult, not {type(result).__name__}")
    return dict(
        result_file_key=store_bytes(result.data),
        result_filename=result.filename,
        result_content_type=result.content_type,
    )


def _record(job_id: int, worker_id: str, outcome: JobState, values: dict, stats: RunStats) -> None:
    """Commit the outcome, with the function's work if it succeeded; a cancellation asked meanwhile wins."""
    now = utcnow()
    if outcome is not JobState.SUCCEEDED:
        db.session.rollback()
    if outcome is JobState.SUCCEEDED and finish(job_id, worker_id=worker_id, now=now, state=outcome, **values):
        stats.succeeded += 1
    else:
        if outcome is JobState.SUCCEEDED:  # cancelled meanwhile: drop the function's work and its result
            db.session.rollback()
            outcome, values = JobState.CANCELLED, {}
        if not finish(job_id, worker_id=worker_id, now=now, state=outcome, **values):
            db.session.rollback()
            current_app.logger.warning("Job %s was taken over by another worker; its outcome is theirs.", job_id)
            stats.lost += 1
            return
        stats.failed += outcome is JobState.FAILED
        stats.cancelled += outcome is JobState.CANCELLED
    db.session.commit()


def _database_lost(error: BaseException) -> bool:
    return isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and error.connection_invalidated)


def work(
    poll_interval: float = 1.0,
    *,
    stop_event: threading.Event | None = None,
    worker_id: str | None = None,
    report=None,
) -> None:
    """Run jobs until ``stop_event`` is set, waiting ``poll_interval`` seconds when none is due.

    ``report(stats)`` hears of every pass that ran jobs. A lost database connection is
    logged and tried again after ``poll_interval``; a job whose outcome could not be
    recorded runs again once its lease expires.
    """
    stop_event = stop_event or threading.Event()
    worker_id = worker_id or new_worker_id()
    while not stop_event.is_set():
        try:
            stats = run_pending(worker_id=worker_id, stop_event=stop_event)
        except DBAPIError as error:
            if not _database_lost(error):
                raise
            current_app.logger.exception("The job worker could not reach the database; it will try again.")
            with suppress(DBAPIError):  # a connection already gone has nothing to undo
                db.session.rollback()
            stop_event.wait(poll_interval)
            continue
        if stats.ran and report is not None:
            report(stats)
        if not stats.ran:
            stop_event.wait(poll_interval)
