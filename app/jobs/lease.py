"""The running worker's own line to its job row: progress, the lease, cancellation.

These writes go through their own short transaction on a connection of their own, never
through the session the job function works in: reporting progress must not commit the
function's half-done work. A heartbeat thread renews the lease while the function runs,
so a long step without progress does not let another worker take the job.
"""

import threading
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from app.db import utcnow
from app.extensions import db
from app.jobs.claims import held
from app.jobs.models import Job


class Lease:
    """This worker's hold on one running job, as seen by the job's last look at its row."""

    def __init__(self, job_id: int, *, worker_id: str, lease: timedelta, cancel_check: float):
        self.job_id, self.worker_id, self.lease, self.cancel_check = job_id, worker_id, lease, cancel_check
        self._engine = db.engine
        self._logger = current_app.logger
        self._lock = threading.Lock()
        self._looked_at = time.monotonic()
        self.cancel_requested = False
        #: Another worker took the job over (this one's lease had expired).
        self.lost = False
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    @property
    def should_stop(self) -> bool:
        return self.cancel_requested or self.lost

    def renew(self, **values) -> None:
        """Extend the lease, store ``values`` with it and commit, on this lease's own connection."""
        statement = (
            update(Job)
            .where(held(self.job_id, self.worker_id))
            .values(next_attempt_at=utcnow() + self.lease, **values)
            .returning(Job.cancel_requested)
        )
        with self._lock, self._engine.begin() as connection:
            row = connection.execute(statement).first()
            self._note(row)

    def look(self) -> bool:
        """Whether to stop, reading the row when the last look is older than ``cancel_check`` seconds."""
        if not self.should_stop and time.monotonic() - self._looked_at >= self.cancel_check:
            statement = select(Job.cancel_requested).where(held(self.job_id, self.worker_id))
            with self._lock, self._engine.connect() as connection:
                self._note(connection.execute(statement).first())
        return self.should_stop

    def _note(self, row) -> None:
        self._looked_at = time.monotonic()
        if row is None:
            self.lost = True
        elif row.cancel_requested:
            self.cancel_requested = True

    def __enter__(self) -> "Lease":
        self._heartbeat = threading.Thread(target=self._beat, name=f"job-{self.job_id}-lease", daemon=True)
        self._heartbeat.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._heartbeat.join()

    def _beat(self) -> None:
        interval = self.lease.total_seconds() / 3
        while not self._stop.wait(interval) and not self.lost:
            try:
                self.renew()
            except DBAPIError:  # the next beat tries again; the lease has two more beats to run
                self._logger.warning("Could not renew the lease on job %s; trying again.", self.job_id, exc_info=True)
