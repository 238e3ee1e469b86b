"""``flask mail ...``, including a worker process killed in the middle of a batch."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from app.mail.outbox import AttemptOutcome, OutboxStatus
from app.mail.worker import send_pending
from tests.helpers.mail import attempts_of, queue, rows

ROOT = Path(__file__).resolve().parents[2]


def test_send_pending_prints_the_counts(app, runner, smtp):
    queue(2)

    result = runner.invoke(args=["mail", "send-pending"])

    assert result.exit_code == 0
    assert result.output == "Sent 2, retrying 0, failed 0.\n"
    assert len(smtp.wait_for(2)) == 2


def test_send_pending_says_why_nothing_is_sent_without_a_server(app, runner, smtp):
    app.config["MAIL_SERVER"] = None
    queue(3)

    result = runner.invoke(args=["mail", "send-pending"])

    assert result.exit_code == 0
    assert result.output == "Not sent: MAIL_SERVER is not set; 3 messages wait in the outbox.\n"
    assert {row.status for row in rows()} == {OutboxStatus.PENDING}


def test_send_pending_reports_an_unreachable_server(app, runner, smtp):
    queue(1)
    smtp.stop()

    result = runner.invoke(args=["mail", "send-pending"])

    assert result.output == "Sent 0, retrying 1, failed 0 (the SMTP server is unavailable).\n"


def test_list_shows_the_most_recent_messages(app, runner, smtp):
    app.config["MAIL_SERVER"] = None
    first, second = queue(2, subject="Registration confirmed: Thematic Meeting")

    lines = runner.invoke(args=["mail", "list"]).output.splitlines()

    assert lines[0].split()[:4] == [str(second.id), "pending", "0", second.to_email]
    assert lines[1].split()[0] == str(first.id)
    assert "Registration confirmed: Thematic Meeting" in lines[0]
    assert lines[-1] == "Pending messages are not sent: MAIL_SERVER is not set."


def test_list_on_an_empty_outbox(app, runner):
    assert runner.invoke(args=["mail", "list"]).output == "The outbox is empty.\n"


def test_show_prints_headers_text_and_the_invite(app, runner):
    (message,) = queue(to_name="Zoë Müller", to_email="zoe@example.org", text="Dear Zoë,\nWelcome.\n")

    result = runner.invoke(args=["mail", "show", str(message.id)])

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"Message {message.id}: pending, 0 attempt(s)"
    assert "To: Zoë Müller <zoe@example.org>" in lines
    assert "From: Khartoum Process Secretariat <secretariat@khartoumprocess.example>" in lines
    assert "Reply-To: Khartoum Process Secretariat <secretariat@khartoumprocess.example>" in lines
    assert f"Message-ID: {message.message_id}" in lines
    assert any(line.startswith("Date: ") for line in lines)
    assert "Calendar: invite.ics inline and attached, METHOD:REQUEST" in lines
    assert result.output.endswith("\nDear Zoë,\nWelcome.\n\n")


def test_show_a_plain_message_and_an_unknown_id(app, runner):
    (message,) = queue(calendar=False)

    assert "Calendar: none" in runner.invoke(args=["mail", "show", str(message.id)]).output
    result = runner.invoke(args=["mail", "show", "999999"])
    assert result.exit_code == 1
    assert "No outbox message with id 999999." in result.output


def _fail(app, smtp, count):
    """``count`` messages the server refused until the worker gave them up."""
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    messages = queue(count)
    smtp.refuse = "554 5.7.1 Relay access denied"
    send_pending()
    smtp.refuse = None
    assert {row.status for row in rows()} == {OutboxStatus.FAILED}
    return messages


def test_retry_sends_a_failed_message_again_with_its_message_id(app, runner, smtp):
    failed, other = _fail(app, smtp, 2)

    result = runner.invoke(args=["mail", "retry", str(failed.id)])

    assert (result.exit_code, result.output) == (0, f"Requeued 1 failed message ({failed.id}).\n")
    shown = runner.invoke(args=["mail", "show", str(failed.id)]).output.splitlines()
    assert shown[:2] == [f"Message {failed.id}: pending, 0 attempt(s)", "Last error: 554 5.7.1 Relay access denied"]
    assert runner.invoke(args=["mail", "send-pending"]).output == "Sent 1, retrying 0, failed 0.\n"
    assert smtp.message_ids() == [failed.message_id]
    assert [row.status for row in rows()] == [OutboxStatus.SENT, OutboxStatus.FAILED]
    assert [a.outcome for a in attempts_of(failed.id)] == [AttemptOutcome.FAILED, AttemptOutcome.SENT]


def test_retry_all_failed_requeues_every_failed_message(app, runner, smtp):
    messages = _fail(app, smtp, 3)
    (pending,) = queue()

    assert runner.invoke(args=["mail", "retry", "--all-failed"]).output == "Requeued 3 failed messages.\n"

    assert {row.status for row in rows()} == {OutboxStatus.PENDING}
    assert send_pending().sent == 4
    assert Counter(smtp.message_ids()) == Counter({m.message_id: 1 for m in messages + [pending]})
    assert runner.invoke(args=["mail", "retry", "--all-failed"]).output == "No failed messages.\n"


def test_retry_refuses_an_unknown_id_and_a_message_that_did_not_fail(app, runner, smtp):
    app.config["MAIL_SERVER"] = None
    (message,) = queue()

    unknown = runner.invoke(args=["mail", "retry", "999999"])
    pending = runner.invoke(args=["mail", "retry", str(message.id)])
    neither = runner.invoke(args=["mail", "retry"])

    assert unknown.exit_code == 1 and "No outbox message with id 999999." in unknown.output
    assert pending.exit_code == 1
    assert f"Message {message.id} is pending, not failed; only a failed message can be retried." in pending.output
    assert neither.exit_code == 2 and "--all-failed" in neither.output
    assert [(row.status, row.attempts) for row in rows()] == [(OutboxStatus.PENDING, 0)]


def _worker(migrated, smtp, tmp_path, *args):
    """``flask mail work`` in its own process, on the test database and the sink."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "FLASK_CONFIG": "development",
        "DATABASE_URL": migrated,
        "MAIL_SERVER": smtp.host,
        "MAIL_PORT": str(smtp.port),
    }
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115  (closed by the caller, after the process)
    command = [sys.executable, "-m", "flask", "mail", "work", "--poll-interval", "0.05", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log


def _wait(condition, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        threading.Event().wait(0.01)


@pytest.fixture
def processes():
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_worker_killed_mid_batch_resumes_without_loss_or_duplicates(app, runner, smtp, migrated, tmp_path, processes):
    messages = queue(8)
    smtp.hold(after=3)
    worker, _ = _worker(migrated, smtp, tmp_path, "--claim-seconds", "1")
    processes.append(worker)

    # Kill -9 while the server holds the MAIL command of the 4th message.
    _wait(lambda: smtp.holding_mail, what="the 4th message")
    worker.kill()
    worker.wait()
    smtp.release()
    assert len(smtp.messages) == 3
    assert [row.status for row in rows()] == [OutboxStatus.SENT] * 3 + [OutboxStatus.SENDING] * 5

    _wait(
        lambda: runner.invoke(args=["mail", "send-pending"]).output.startswith("Sent 5,"),
        what="the lease to expire and the rest to be sent",
    )

    assert Counter(smtp.message_ids()) == Counter({m.message_id: 1 for m in messages})
    assert {row.status for row in rows()} == {OutboxStatus.SENT}
    # The 4th had been handed to the server: an attempt. The 5th to 8th were never tried.
    in_flight, *untried = rows()[3:]
    assert in_flight.attempts == 2
    assert [a.outcome for a in attempts_of(in_flight.id)] == [AttemptOutcome.ABANDONED, AttemptOutcome.SENT]
    assert [(row.attempts, [a.outcome for a in attempts_of(row.id)]) for row in untried] == [
        (1, [AttemptOutcome.SENT])
    ] * 4


def test_sigterm_stops_the_worker_after_the_current_message(app, runner, smtp, migrated, tmp_path, processes):
    messages = queue(6)
    smtp.hold(after=2)
    worker, log = _worker(migrated, smtp, tmp_path)
    processes.append(worker)

    _wait(lambda: smtp.holding_mail, what="the 3rd message")
    worker.send_signal(signal.SIGTERM)
    smtp.release()

    assert worker.wait(timeout=10) == 0
    log.seek(0)
    output = log.read()
    assert output.startswith("Outbox worker started.\n") and output.endswith("Outbox worker stopped.\n")
    assert len(smtp.messages) == 3
    assert [row.status for row in rows()] == [OutboxStatus.SENT] * 3 + [OutboxStatus.PENDING] * 3

    assert runner.invoke(args=["mail", "send-pending"]).output == "Sent 3, retrying 0, failed 0.\n"
    assert Counter(smtp.message_ids()) == Counter({m.message_id: 1 for m in messages})
