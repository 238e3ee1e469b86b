"""Job kinds the tests register (as a domain would), and readers of the job table.

``tests.steps`` counts through ``steps`` steps, reporting each, and returns them as a
CSV; with a ``gate`` it waits at every step until the test lets it go on, so a test can
look at a job while it runs.
"""

import csv
import hashlib
import io
import threading
import time
from contextlib import contextmanager

from sqlalchemy import select, text

from app.extensions import db
from app.files.storage import store_bytes
from app.jobs.models import Job
from app.jobs.registry import JobResult, register
from app.jobs.worker import work


class Gate:
    """Holds a running job function at each step until the test opens it."""

    def __init__(self):
        self.reached = threading.Semaphore(0)
        self.go = threading.Semaphore(0)

    def wait_for_step(self, timeout=10):
        assert self.reached.acquire(timeout=timeout), "the job function did not reach its next step"

    def open(self, steps=1):
        for _ in range(steps):
            self.go.release()


GATES: dict[str, Gate] = {}
#: Job ids in the order the ``tests.record`` function ran them, over every worker.
RAN: list[int] = []
_ran_lock = threading.Lock()


def gate(name: str) -> Gate:
    GATES[name] = Gate()
    return GATES[name]


def _pass(context, step):
    if "gate" in context.arguments:
        held = GATES[context.arguments["gate"]]
        held.reached.release()
        assert held.go.acquire(timeout=10), "the test never let the job function go on"


@register("tests.steps")
def count_steps(context):
    steps = context.arguments["steps"]
    rows = []
    for step in range(1, steps + 1):
        _pass(context, step)
        if context.arguments.get("stop_early", True):
            context.check_cancelled()
        rows.append((step, step * step))
        context.progress(step, steps)
    out = io.StringIO()
    csv.writer(out).writerows([("step", "square"), *rows])
    return JobResult(out.getvalue().encode(), "squares.csv", "text/csv; charset=utf-8")


@register("tests.writes")
def write_then_maybe_fail(context):
    """Keeps a file in the session (the function's own work), reports progress, then fails or not."""
    store_bytes(context.arguments["data"].encode())
    context.progress(1, 2)
    _pass(context, 1)
    if context.arguments.get("fail"):
        raise RuntimeError("the export found a malformed row")
    context.progress(2, 2)


@register("tests.fails")
def fail(context):
    raise ValueError(f"no meeting {context.arguments['meeting']}")


@register("tests.record")
def record(context):
    with _ran_lock:
        RAN.append(context.job_id)
    time.sleep(context.arguments.get("seconds", 0.01))


@register("tests.sleeps")
def sleep_without_progress(context):
    RAN.append(context.job_id)
    time.sleep(context.arguments["seconds"])


def job_row(job_id: int):
    """The job's row as another connection sees it now (what a polling page reads)."""
    with db.engine.connect() as connection:
        return connection.execute(select(Job.__table__).where(Job.id == job_id)).one()


def stored_file_count(data: bytes) -> int:
    """How many stored files hold ``data``, as another connection sees it now."""
    with db.engine.connect() as connection:
        return connection.execute(
            text("SELECT count(*) FROM stored_file WHERE key = :key"), {"key": hashlib.sha256(data).hexdigest()}
        ).scalar_one()


def fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


@contextmanager
def running_worker(app, poll_interval=0.02, worker_id=None):
    """``work()`` in its own thread, as ``flask jobs work`` runs it; stops it after its current job."""
    stop = threading.Event()

    def run():
        with app.app_context():
            work(poll_interval, stop_event=stop, worker_id=worker_id)

    loop = threading.Thread(target=run)
    loop.start()
    try:
        yield stop
    finally:
        stop.set()
        for held in GATES.values():  # a test that failed midway must not leave the worker waiting
            held.open(100)
        loop.join(timeout=30)
        assert not loop.is_alive(), "the job worker did not stop"


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
