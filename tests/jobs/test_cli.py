"""``flask jobs list``, ``show`` and ``cancel``: what an operator reads and does."""

from app.extensions import db
from app.jobs.models import JobState
from app.jobs.services import enqueue_job, get_job
from app.jobs.worker import run_pending
from tests.helpers import jobs  # noqa: F401  (registers the test job kinds this module runs)
from tests.helpers.actors import ORGANISER


def test_an_operator_lists_shows_saves_and_cancels_jobs(app, runner, now, tmp_path):
    done = enqueue_job("tests.steps", {"steps": 2}, owner=ORGANISER, now=now).id
    db.session.commit()
    run_pending()
    waiting = enqueue_job("tests.fails", {"meeting": 3}, owner=ORGANISER, now=now).id
    db.session.commit()

    listed = runner.invoke(args=["jobs", "list"]).output
    assert f"{done}  succeeded" in listed and f"{waiting}  queued" in listed and "organiser 1" in listed

    saved = tmp_path / "squares.csv"
    shown = runner.invoke(args=["jobs", "show", str(done), "--save", str(saved)])
    assert shown.exit_code == 0 and "Progress: 2 of 2" in shown.output
    assert "Result: squares.csv (text/csv; charset=utf-8" in shown.output
    assert saved.read_text().splitlines() == ["step,square", "1,1", "2,4"]

    cancelled = runner.invoke(args=["jobs", "cancel", str(waiting)])
    assert cancelled.exit_code == 0 and f"Cancelled job {waiting}." in cancelled.output
    db.session.expire_all()
    assert get_job(waiting).state is JobState.CANCELLED

    again = runner.invoke(args=["jobs", "cancel", str(waiting)])
    assert again.exit_code == 1 and "already finished (cancelled)" in again.output
    assert runner.invoke(args=["jobs", "show", "999999"]).exit_code == 1
