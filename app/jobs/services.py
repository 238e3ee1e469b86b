"""Queueing, reading and cancelling jobs; the worker (app.jobs.worker) runs them."""

import json
from datetime import datetime

from sqlalchemy import select, update

from app.actors import Actor, ActorKind
from app.extensions import db
from app.files.storage import load_bytes
from app.jobs.models import Job, JobState
from app.jobs.registry import JobResult, UnknownJobKind, is_registered


class JobError(Exception):
    """A job that cannot be found or changed, with the reason for the person who asked."""


def enqueue_job(kind: str, arguments: dict | None = None, *, owner: Actor, now: datetime) -> Job:
    """Queue a job in the caller's transaction, due at ``now`` (added and flushed, not committed).

    Like an email in the outbox, a job queued with a change is committed with it: a
    rolled-back change leaves no job behind.
    """
    if not is_registered(kind):
        raise UnknownJobKind(f"No function is registered for the job kind {kind!r}.")
    arguments = dict(arguments or {})
    json.dumps(arguments)  # refuse, here, what the JSON column could not store
    job = Job(
        kind=kind,
        arguments=arguments,
        owner_kind=owner.kind,
        owner_ref=owner.ref,
        owner_label=owner.label,
        state=JobState.QUEUED,
        progress_done=0,
        attempts=0,
        cancel_requested=False,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(job)
    db.session.flush()
    return job


def get_job(job_id: int) -> Job | None:
    return db.session.get(Job, job_id)


def _owned_by(owner: Actor):
    conditions = [Job.owner_kind == owner.kind]
    conditions.append(Job.owner_ref.is_(None) if owner.ref is None else Job.owner_ref == owner.ref)
    if owner.kind is ActorKind.SYSTEM:
        conditions.append(Job.owner_label == owner.label)
    return conditions


def list_jobs(owner: Actor | None = None, *, limit: int = 50, state: JobState | None = None) -> list[Job]:
    """The most recent jobs, newest first: ``owner``'s, or everyone's when None."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if owner is not None:
        query = query.where(*_owned_by(owner))
    if state is not None:
        query = query.where(Job.state == state)
    return list(db.session.scalars(query))


def may_manage(job: Job, actor: Actor) -> bool:
    """The owner, and the system (an operator's command), may cancel a job or read its result."""
    return actor.kind is ActorKind.SYSTEM or (actor.kind, actor.ref) == (job.owner_kind, job.owner_ref)


def cancel_job(job_id: int, *, actor: Actor, now: datetime) -> Job:
    """Cancel a queued job at once, or ask a running one to stop; commit.

    A running job stops when its function next looks (``context.cancelled()``), and is
    then marked cancelled by its worker.
    """
    job = get_job(job_id)
    if job is None or not may_manage(job, actor):
        raise JobError(f"No job with id {job_id}.")
    cancelled = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.QUEUED)
        .values(state=JobState.CANCELLED, finished_at=now, cancel_requested=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not cancelled:
        requested = db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.RUNNING)
            .values(cancel_requested=True)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not requested:
            db.session.rollback()
            raise JobError(f"Job {job_id} has already finished ({get_job(job_id).state.value}).")
    db.session.commit()
    db.session.refresh(job)
    return job


def load_result(job: Job) -> JobResult | None:
    """The file a succeeded job produced, or None."""
    if job.result_file_key is None:
        return None
    data = load_bytes(job.result_file_key)
    return JobResult(data, job.result_filename, job.result_content_type) if data is not None else None


def describe_job(job: Job) -> dict:
    """A job's state and progress as JSON for a page that polls it.

    Neither its arguments nor its error (an exception's message, for operators:
    ``flask jobs show``) are included.
    """

    def instant(value):
        return value.isoformat() if value else None

    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state.value,
        "progress": {"done": job.progress_done, "total": job.progress_total},
        "cancel_requested": job.cancel_requested,
        "result": {"filename": job.result_filename, "content_type": job.result_content_type}
        if job.result_file_key
        else None,
        "created_at": instant(job.created_at),
        "started_at": instant(job.started_at),
        "finished_at": instant(job.finished_at),
    }
