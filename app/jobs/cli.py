"""``flask jobs ...``: run the worker, read and cancel jobs."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.actors import Actor
from app.db import utcnow
from app.jobs.models import JobState
from app.jobs.services import JobError, cancel_job, get_job, list_jobs, load_result
from app.jobs.worker import RunStats, work
from app.shutdown import stop_on_signals

jobs = AppGroup("jobs", help="Long work run off the web request, and its worker.")


def _summary(stats: RunStats) -> str:
    text = f"Ran {stats.ran} job(s): succeeded {stats.succeeded}, failed {stats.failed}, cancelled {stats.cancelled}"
    if stats.lost:
        text += f", taken over by another worker {stats.lost}"
    return text + "."


def _progress(job) -> str:
    return f"{job.progress_done} of {job.progress_total}" if job.progress_total is not None else str(job.progress_done)


@jobs.command("work")
@click.option(
    "--poll-interval",
    type=click.FloatRange(min=0.01),
    default=2.0,
    show_default=True,
    help="Seconds to wait when no job is due.",
)
@click.option(
    "--claim-seconds",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Lease on a running job, renewed while it runs (default JOBS_CLAIM_SECONDS, 300).",
)
def work_command(poll_interval, claim_seconds):
    """Run jobs as they are queued, until SIGTERM or Ctrl-C (after the current job)."""
    if claim_seconds is not None:
        current_app.config["JOBS_CLAIM_SECONDS"] = claim_seconds
    click.echo("Job worker started.")
    with stop_on_signals() as stop:
        work(poll_interval, stop_event=stop, report=lambda s: click.echo(_summary(s)))
    click.echo("Job worker stopped.")


@jobs.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--state", type=click.Choice([s.value for s in JobState]), default=None)
def list_command(limit, state):
    """The most recent jobs: id, state, progress, kind, owner, created."""
    found = list_jobs(limit=limit, state=JobState(state) if state else None)
    if not found:
        click.echo("No jobs.")
    for job in found:
        created = job.created_at.strftime("%Y-%m-%d %H:%M:%S")
        click.echo(
            f"{job.id:>6}  {job.state.value:<9} {_progress(job):>14}  {job.kind:<32.32} {str(job.owner):<24.24}"
            f"  {created} UTC"
        )


@jobs.command("show")
@click.argument("job_id", type=int)
@click.option("--save", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write the result here.")
def show_command(job_id, save):
    """One job: its state, progress, attempts, error and result file."""
    job = get_job(job_id)
    if job is None:
        raise click.ClickException(f"No job with id {job_id}.")
    click.echo(f"Job {job.id}: {job.kind}, {job.state.value}, {job.attempts} attempt(s)")
    click.echo(f"Owner: {job.owner}")
    click.echo(f"Arguments: {job.arguments}")
    click.echo(f"Progress: {_progress(job)}" + (" (cancellation asked)" if job.cancel_requested else ""))
    for label, value in (("Created", job.created_at), ("Started", job.started_at), ("Finished", job.finished_at)):
        if value:
            click.echo(f"{label}: {value:%Y-%m-%d %H:%M:%S} UTC")
    if job.claimed_by:
        click.echo(f"Worker: {job.claimed_by}, lease until {job.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC")
    if job.error:
        click.echo(f"Error: {job.error}")
    result = load_result(job)
    if result is not None:
        click.echo(f"Result: {result.filename} ({result.content_type}, {len(result.data)} bytes)")
    if save is not None:
        if result is None:
            raise click.ClickException(f"Job {job_id} has no result file.")
        save.write_bytes(result.data)
        click.echo(f"Saved to {save}.")


@jobs.command("cancel")
@click.argument("job_id", type=int)
def cancel_command(job_id):
    """Cancel a queued job, or ask a running one to stop."""
    try:
        job = cancel_job(job_id, actor=Actor.system("flask jobs cancel"), now=utcnow())
    except JobError as error:
        raise click.ClickException(str(error)) from error
    if job.state is JobState.CANCELLED:
        click.echo(f"Cancelled job {job_id}.")
    else:
        click.echo(f"Asked job {job_id} to stop; its worker marks it cancelled when it does.")
