"""The job worker: a job's run from claim to outcome, leases, cancellation, concurrent workers."""

import csv
import io
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from app.actors import ActorKind
from app.db import utcnow
from app.extensions import db
from app.jobs.claims import claim_next, finish
from app.jobs.models import Job, JobState
from app.jobs.services import cancel_job, enqueue_job, load_result
from app.jobs.worker import run_pending
from tests.helpers.actors import ORGANISER, SYSTEM
from tests.helpers.database import is_postgres
from tests.helpers.jobs import RAN, fresh, gate, job_row, running_worker, stored_file_count, wait_until

LEASE = timedelta(seconds=300)


@pytest.fixture
def config_overrides():
    # A running function sees a cancellation at its next look, not a second later.
    return {"JOBS_CANCEL_CHECK_SECONDS": 0}


def queue(kind, arguments=None, *, owner=ORGANISER, count=1):
    jobs = [enqueue_job(kind, arguments or {}, owner=owner, now=utcnow()) for _ in range(count)]
    db.session.commit()
    return [job.id for job in jobs]


def test_a_job_runs_with_its_progress_visible_while_it_runs_and_its_result_stored(app):
    steps = gate("export")
    (job_id,) = queue("tests.steps", {"steps": 3, "gate": "export"})

    with running_worker(app):
        steps.wait_for_step()
        assert (job_row(job_id).state, job_row(job_id).progress_done) == (JobState.RUNNING, 0)
        steps.open()
        steps.wait_for_step()  # step 1 is done and reported; the function waits before step 2
        seen = job_row(job_id)
        assert (seen.state, seen.progress_done, seen.progress_total) == (JobState.RUNNING, 1, 3)
        steps.open(2)
        wait_until(lambda: job_row(job_id).state is not JobState.RUNNING)

    job = fresh(job_id)
    assert (job.state, job.progress_done, job.progress_total, job.attempts) == (JobState.SUCCEEDED, 3, 3, 1)
    assert job.claimed_by is None and job.finished_at >= job.started_at >= job.created_at
    result = load_result(job)
    assert (result.filename, result.content_type) == ("squares.csv", "text/csv; charset=utf-8")
    assert list(csv.reader(io.StringIO(result.data.decode()))) == [
        ["step", "square"],
        ["1", "1"],
        ["2", "4"],
        ["3", "9"],
    ]


def test_reporting_progress_commits_none_of_the_functions_own_work(app):
    held = gate("partial")
    (job_id,) = queue("tests.writes", {"data": "half an export", "fail": True, "gate": "partial"})

    with running_worker(app):
        held.wait_for_step()
        assert job_row(job_id).progress_done == 1
        assert stored_file_count(b"half an export") == 0
        held.open()
        wait_until(lambda: job_row(job_id).state is not JobState.RUNNING)

    assert fresh(job_id).state is JobState.FAILED
    assert stored_file_count(b"half an export") == 0


def test_the_functions_work_is_committed_with_its_success(app):
    (job_id,) = queue("tests.writes", {"data": "a whole export"})

    assert run_pending().succeeded == 1

    assert fresh(job_id).state is JobState.SUCCEEDED and fresh(job_id).result_file_key is None
    assert stored_file_count(b"a whole export") == 1


def test_an_exception_fails_the_job_with_its_type_and_message_only_and_the_worker_goes_on(app):
    failing, fine = queue("tests.fails", {"meeting": 7})[0], queue("tests.steps", {"steps": 2})[0]

    stats = run_pending()

    assert (stats.failed, stats.succeeded) == (1, 1)
    job = fresh(failing)
    assert (job.state, job.error, job.attempts) == (JobState.FAILED, "ValueError: no meeting 7", 1)
    assert job.finished_at is not None and job.claimed_by is None and job.result_file_key is None
    assert fresh(fine).state is JobState.SUCCEEDED


def test_a_kind_no_function_is_registered_for_fails_with_the_reason(app):
    # Queued by a release that knew the kind, run by one that does not.
    job = Job(kind="reports.retired", arguments={}, owner_kind=ActorKind.SYSTEM, owner_label="tests")
    db.session.add(job)
    db.session.commit()

    assert run_pending().failed == 1

    job = fresh(job.id)
    assert job.state is JobState.FAILED
    assert "No function is registered for the job kind 'reports.retired'" in job.error


def test_a_cancelled_running_job_stops_at_its_next_look_and_keeps_nothing(app):
    steps = gate("long")
    (job_id,) = queue("tests.steps", {"steps": 100, "gate": "long"})

    with running_worker(app):
        steps.wait_for_step()
        steps.open()
        steps.wait_for_step()  # step 1 done
        assert cancel_job(job_id, actor=ORGANISER, now=utcnow()).state is JobState.RUNNING
        assert job_row(job_id).cancel_requested
        steps.open()  # the function looks before step 2's work, and stops
        wait_until(lambda: job_row(job_id).state is not JobState.RUNNING)

    job = fresh(job_id)
    assert (job.state, job.progress_done, job.result_file_key) == (JobState.CANCELLED, 1, None)
    assert job.finished_at is not None and job.claimed_by is None


def test_a_function_that_finishes_despite_a_cancellation_is_cancelled_all_the_same(app):
    steps = gate("stubborn")
    (job_id,) = queue("tests.steps", {"steps": 2, "gate": "stubborn", "stop_early": False})

    with running_worker(app):
        steps.wait_for_step()
        cancel_job(job_id, actor=SYSTEM, now=utcnow())
        steps.open(2)
        wait_until(lambda: job_row(job_id).state is not JobState.RUNNING)

    job = fresh(job_id)
    assert (job.state, job.result_file_key) == (JobState.CANCELLED, None)
    assert db.session.scalar(text("SELECT count(*) FROM stored_file")) == 0


def test_a_cancelled_queued_job_is_never_run(app):
    (job_id,) = queue("tests.record")
    RAN.clear()

    cancel_job(job_id, actor=ORGANISER, now=utcnow())

    assert run_pending().ran == 0 and RAN == []
    assert fresh(job_id).state is JobState.CANCELLED


def test_a_dead_workers_job_runs_again_after_its_lease_and_its_late_outcome_is_not_kept(app):
    (job_id,) = queue("tests.steps", {"steps": 2})
    now = utcnow()
    assert claim_next(worker_id="dead", now=now, lease=LEASE, max_attempts=3) == job_id

    assert run_pending(now=now + LEASE - timedelta(seconds=1), worker_id="early").ran == 0
    assert run_pending(now=now + LEASE, worker_id="next").succeeded == 1

    job = fresh(job_id)
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 2)
    # The dead worker wakes up: nothing it records overwrites its successor's outcome.
    assert not finish(job_id, worker_id="dead", now=now + LEASE, state=JobState.FAILED, error="late")
    db.session.commit()
    assert (fresh(job_id).state, fresh(job_id).error) == (JobState.SUCCEEDED, None)


def test_a_job_that_kills_every_worker_is_given_up_after_the_maximum_attempts(app):
    app.config["JOBS_MAX_ATTEMPTS"] = 2
    (job_id,) = queue("tests.record")
    now = utcnow()
    claim_next(worker_id="dead-1", now=now, lease=LEASE, max_attempts=2)
    claim_next(worker_id="dead-2", now=now + LEASE, lease=LEASE, max_attempts=2)
    RAN.clear()

    assert run_pending(now=now + 2 * LEASE, worker_id="next").ran == 0

    job = fresh(job_id)
    assert (job.state, job.attempts, RAN) == (JobState.FAILED, 2, [])
    assert job.error == "worker dead-2 stopped while running it; gave up after 2 attempts"


def test_claims_are_exclusive_until_the_lease_expires(app):
    first, second = queue("tests.record", count=2)
    now = utcnow()

    claims = [claim_next(worker_id=worker, now=now, lease=LEASE, max_attempts=3) for worker in ("a", "b", "c")]

    assert claims == [first, second, None]
    assert claim_next(worker_id="d", now=now + LEASE, lease=LEASE, max_attempts=3) == first


def test_a_long_step_keeps_its_lease_against_another_worker(app):
    """The lease is renewed while the function runs, though it reports no progress."""
    app.config["JOBS_CLAIM_SECONDS"] = 0.3
    (job_id,) = queue("tests.sleeps", {"seconds": 1.2})
    RAN.clear()
    slow = threading.Thread(target=_run_pending_in_thread, args=(app, "slow", {}))

    slow.start()
    wait_until(lambda: [job_id] == RAN)
    eager = 0
    while slow.is_alive():  # a second worker polls for due jobs meanwhile
        eager += run_pending(worker_id="eager").ran
        threading.Event().wait(0.05)

    assert (eager, RAN) == (0, [job_id])
    assert (fresh(job_id).state, fresh(job_id).attempts) == (JobState.SUCCEEDED, 1)


def _run_pending_in_thread(app, worker_id, results):
    with app.app_context():
        results[worker_id] = run_pending(worker_id=worker_id).ids


def test_parallel_workers_never_run_a_job_twice(app):
    ids = queue("tests.record", {"seconds": 0.005}, count=40)
    RAN.clear()
    results = {}
    workers = [threading.Thread(target=_run_pending_in_thread, args=(app, f"w{i}", results)) for i in range(4)]

    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert Counter(RAN) == Counter(dict.fromkeys(ids, 1))
    assert sorted(sum(results.values(), [])) == ids and len(results) == 4
    assert {(row.state, row.attempts) for row in map(fresh, ids)} == {(JobState.SUCCEEDED, 1)}


def test_a_claim_skips_a_job_another_worker_is_claiming_without_waiting(app, migrated):
    if not is_postgres(migrated):
        pytest.skip("row locks (SKIP LOCKED) need PostgreSQL")
    locked, free = queue("tests.record", count=2)
    other = create_engine(migrated).connect()
    claimed = []
    try:
        other.begin()
        other.execute(text(f"SELECT id FROM job WHERE id = {locked} FOR UPDATE"))
        claimer = threading.Thread(target=lambda: claimed.append(_claim_in_thread(app)))
        claimer.start()
        claimer.join(timeout=10)
        assert not claimer.is_alive()  # it did not wait for the other worker's lock
        other.rollback()
    finally:
        other.close()
    assert claimed == [free]


def _claim_in_thread(app):
    with app.app_context():
        return claim_next(worker_id="b", now=utcnow(), lease=LEASE, max_attempts=3)


def test_a_stopped_worker_finishes_its_current_job_and_takes_no_other(app):
    steps = gate("current")
    current, waiting = queue("tests.steps", {"steps": 1, "gate": "current"})[0], queue("tests.steps", {"steps": 1})[0]

    with running_worker(app) as stop:
        steps.wait_for_step()
        stop.set()  # SIGTERM
        steps.open()
        wait_until(lambda: job_row(current).state is not JobState.RUNNING)

    assert fresh(current).state is JobState.SUCCEEDED
    assert fresh(waiting).state is JobState.QUEUED
