"""The job table: one row per piece of long work, from queued to its outcome."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.actors import Actor, ActorKind
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db


class JobState(enum.Enum):
    QUEUED = "queued"
    #: Claimed by a worker until its lease (``next_attempt_at``) expires.
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("progress_done >= 0", name="progress_done_not_negative"),
        CheckConstraint(
            "progress_total IS NULL OR (progress_total >= 0 AND progress_done <= progress_total)",
            name="progress_within_total",
        ),
        CheckConstraint("state <> 'running' OR claimed_by IS NOT NULL", name="running_is_claimed"),
        CheckConstraint(
            "state NOT IN ('succeeded', 'failed', 'cancelled') OR finished_at IS NOT NULL",
            name="finished_has_finished_at",
        ),
        CheckConstraint(
            "(result_file_key IS NULL) = (result_filename IS NULL) "
            "AND (result_file_key IS NULL) = (result_content_type IS NULL)",
            name="result_complete",
        ),
        CheckConstraint("result_file_key IS NULL OR state = 'succeeded'", name="result_only_when_succeeded"),
        # Serves the worker's claim: state IN (queued, running) AND next_attempt_at <= now.
        Index("ix_job_state_next_attempt_at", "state", "next_attempt_at"),
        # Serves an owner's list of their jobs.
        Index("ix_job_owner", "owner_kind", "owner_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The registered name of the function that does the work ("registration.export").
    kind: Mapped[str] = mapped_column(String(100))
    #: What the function is given; plain JSON, fixed at enqueue.
    arguments: Mapped[dict] = mapped_column(JSON, default=dict)
    # Who asked for the job (app.actors.Actor), so that they can list theirs.
    owner_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    owner_ref: Mapped[str | None] = mapped_column(String(120))
    owner_label: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[JobState] = mapped_column(enum_column(JobState), default=JobState.QUEUED)
    progress_done: Mapped[int] = mapped_column(default=0)
    #: NULL while the function has not said how much there is to do.
    progress_total: Mapped[int | None]
    #: The result's key in the blob store (app.files.storage); NULL for a job without a file.
    result_file_key: Mapped[str | None] = mapped_column(String(64), ForeignKey("stored_file.key"))
    result_filename: Mapped[str | None] = mapped_column(String(255))
    result_content_type: Mapped[str | None] = mapped_column(String(255))
    #: Why it failed: the exception's type and message, never a traceback.
    error: Mapped[str | None] = mapped_column(Text)
    #: Worker holding the lease while running (host:pid:random).
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    #: When a worker may take the job: at once while queued, the end of the running
    #: worker's lease (renewed while it runs) while running.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Runs started, including those of workers that died holding the job.
    attempts: Mapped[int] = mapped_column(default=0)
    #: Asked to stop while running; the function sees it through ``context.cancelled()``.
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<Job {self.id} {self.kind} {self.state.value}>"

    @property
    def owner(self) -> Actor:
        return Actor(self.owner_kind, self.owner_ref, self.owner_label)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED
