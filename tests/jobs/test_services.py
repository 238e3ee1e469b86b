"""Queueing, listing and cancelling jobs, and what the job table refuses."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.actors import Actor
from app.extensions import db
from app.jobs.models import JobState
from app.jobs.registry import UnknownJobKind, register
from app.jobs.services import JobError, cancel_job, describe_job, enqueue_job, get_job, list_jobs
from app.jobs.worker import run_pending
from tests.helpers.actors import ORGANISER, SYSTEM
from tests.helpers.jobs import count_steps


def test_a_job_is_queued_in_the_callers_transaction(app, now):
    job = enqueue_job("tests.steps", {"steps": 2}, owner=ORGANISER, now=now)
    assert (job.state, job.owner, job.arguments, job.progress_done) == (JobState.QUEUED, ORGANISER, {"steps": 2}, 0)

    db.session.rollback()  # the change that queued it was rolled back

    assert db.session.scalar(text("SELECT count(*) FROM job")) == 0


def test_a_kind_nobody_registered_is_refused_at_once(app, now):
    with pytest.raises(UnknownJobKind):
        enqueue_job("tests.nobody", owner=ORGANISER, now=now)


def test_a_kind_is_registered_to_one_function(app):
    register("tests.steps", count_steps)  # the same function again is harmless
    with pytest.raises(ValueError, match="already registered"):
        register("tests.steps", lambda context: None)


def test_an_owner_lists_their_own_jobs_newest_first(app, now):
    first = enqueue_job("tests.record", owner=ORGANISER, now=now)
    enqueue_job("tests.record", owner=Actor.organiser(2), now=now)
    enqueue_job("tests.record", owner=SYSTEM, now=now)
    second = enqueue_job("tests.record", owner=ORGANISER, now=now)
    db.session.commit()

    assert [job.id for job in list_jobs(ORGANISER)] == [second.id, first.id]
    assert len(list_jobs()) == 4 and len(list_jobs(Actor.system("another task"))) == 0


def test_only_its_owner_or_the_system_may_cancel_a_job(app, now):
    job = enqueue_job("tests.record", owner=ORGANISER, now=now)
    db.session.commit()

    with pytest.raises(JobError, match=f"No job with id {job.id}"):
        cancel_job(job.id, actor=Actor.organiser(2), now=now)
    assert get_job(job.id).state is JobState.QUEUED

    assert cancel_job(job.id, actor=SYSTEM, now=now).state is JobState.CANCELLED


def test_a_finished_job_cannot_be_cancelled(app, now):
    job_id = enqueue_job("tests.steps", {"steps": 1}, owner=ORGANISER, now=now).id
    db.session.commit()
    run_pending()

    with pytest.raises(JobError, match="already finished \\(succeeded\\)"):
        cancel_job(job_id, actor=ORGANISER, now=now)


def test_a_polling_page_reads_progress_and_result_but_not_the_arguments(app, now):
    job_id = enqueue_job("tests.steps", {"steps": 2, "secret": "passport"}, owner=ORGANISER, now=now).id
    db.session.commit()
    run_pending()

    described = describe_job(get_job(job_id))

    assert described["state"] == "succeeded" and described["progress"] == {"done": 2, "total": 2}
    assert described["result"] == {"filename": "squares.csv", "content_type": "text/csv; charset=utf-8"}
    assert "passport" not in str(described)


@pytest.mark.parametrize(
    "values",
    [
        "state = 'running'",  # running, claimed by no worker
        "progress_done = 5, progress_total = 4",
        "state = 'failed'",  # finished, with no time
        "result_file_key = 'missing', result_filename = 'x.csv', result_content_type = 'text/csv'",
    ],
)
def test_the_table_refuses_a_job_in_an_impossible_state(app, now, values):
    job_id = enqueue_job("tests.record", owner=ORGANISER, now=now).id
    db.session.commit()

    with pytest.raises(IntegrityError):
        db.session.execute(text(f"UPDATE job SET {values} WHERE id = {job_id}"))
        db.session.commit()
    db.session.rollback()
