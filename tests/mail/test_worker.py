"""The worker against a real SMTP server: down, refusing, slow, and several workers at once."""

import threading
from collections import Counter
from datetime import timedelta

from flask_mail import email_dispatched
from sqlalchemy import create_engine, text

from app.db import utcnow
from app.extensions import db
from app.mail.claims import claim_batch, mark_in_flight
from app.mail.outbox import AttemptOutcome, OutboxStatus
from app.mail.worker import Settings, send_pending, work
from tests.helpers.database import is_postgres
from tests.helpers.mail import attempts_of, queue, rows


def _drain(app, results, *, batch_size, worker_id):
    """A worker in a thread: passes until nothing is left to claim."""
    with app.app_context():
        sent = 0
        while (stats := send_pending(batch_size=batch_size, worker_id=worker_id)).claimed:
            sent += stats.sent
        results[worker_id] = sent


def test_server_down_then_up_delivers_every_message_exactly_once(app, smtp):
    messages = queue(5)
    smtp.stop()
    now = utcnow()

    stats = send_pending(now=now)

    assert stats.server_down and stats.retrying == 5 and stats.sent == 0
    for row in rows():
        assert row.status is OutboxStatus.PENDING and row.attempts == 1 and row.claimed_by is None
        assert "ConnectionRefusedError" in row.last_error
        assert row.next_attempt_at == now + timedelta(seconds=60)
        assert [a.outcome for a in attempts_of(row.id)] == [AttemptOutcome.RETRY]
    assert send_pending(now=now + timedelta(seconds=30)).claimed == 0  # still backing off

    smtp.start()
    stats = send_pending(now=now + timedelta(seconds=61))

    assert stats.sent == 5
    smtp.wait_for(5)
    assert sorted(smtp.message_ids()) == sorted(m.message_id for m in messages)
    assert {row.status for row in rows()} == {OutboxStatus.SENT}
    assert send_pending(now=now + timedelta(days=1)).claimed == 0
    assert len(smtp.messages) == 5


def test_a_server_closing_mid_batch_stops_the_batch(app, smtp):
    queue(4)
    smtp.refuse = "421 4.3.2 Service shutting down"

    stats = send_pending()

    assert stats.server_down and stats.retrying == 4 and smtp.mail_commands == 1
    assert all(row.last_error.startswith("421 ") for row in rows())

    smtp.refuse = None
    stats = send_pending(now=utcnow() + timedelta(minutes=2))
    assert stats.sent == 4 and len(smtp.wait_for(4)) == 4


def test_backoff_doubles_up_to_its_cap():
    settings = Settings(
        lease=timedelta(seconds=300), max_attempts=10, retry_base=60, retry_max=7200, timeout=30, batch_size=50
    )

    delays = [settings.backoff(n).total_seconds() for n in range(1, 10)]

    assert delays == [60, 120, 240, 480, 960, 1920, 3840, 7200, 7200]


def test_a_refusing_server_gets_every_attempt_recorded_then_the_message_fails(app, smtp):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    (message,) = queue()
    smtp.refuse = "554 5.7.1 Message refused"
    now = utcnow()

    outcomes = []
    for hour in range(4):
        outcomes.append(send_pending(now=now + timedelta(hours=hour)))

    assert [(s.retrying, s.failed) for s in outcomes] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    (row,) = rows()
    assert row.status is OutboxStatus.FAILED and row.attempts == 3
    assert row.last_error == "554 5.7.1 Message refused"
    attempts = attempts_of(message.id)
    assert [a.outcome for a in attempts] == [AttemptOutcome.RETRY, AttemptOutcome.RETRY, AttemptOutcome.FAILED]
    assert all(a.error == "554 5.7.1 Message refused" and a.worker for a in attempts)
    assert smtp.messages == [] and smtp.mail_commands == 3


def test_a_temporary_refusal_is_retried_and_then_delivered(app, smtp):
    queue(2)
    smtp.refuse = "451 4.3.0 Try again later"

    assert send_pending().retrying == 2

    smtp.refuse = None
    assert send_pending(now=utcnow() + timedelta(minutes=2)).sent == 2
    assert [row.attempts for row in rows()] == [2, 2]
    assert len(smtp.wait_for(2)) == 2


def test_one_smtp_connection_serves_a_whole_batch(app, smtp):
    queue(30, calendar=False)

    assert send_pending(batch_size=50).sent == 30

    assert smtp.sessions == 1 and smtp.mail_commands == 30


def test_batches_are_limited_to_the_batch_size(app, smtp):
    queue(25, calendar=False)

    passes = [send_pending(batch_size=10).sent for _ in range(4)]

    assert passes == [10, 10, 5, 0]
    assert smtp.sessions == 3


def test_without_a_mail_server_messages_wait_unsent(app, smtp):
    app.config["MAIL_SERVER"] = None
    queue(2)

    stats = send_pending()

    assert stats.not_sent_reason == "MAIL_SERVER is not set" and stats.waiting == 2
    assert [(row.status, row.attempts) for row in rows()] == [(OutboxStatus.PENDING, 0)] * 2
    assert smtp.sessions == 0


def test_claims_are_exclusive_until_the_lease_expires(app):
    queue(6, calendar=False)
    now, lease = utcnow(), timedelta(seconds=300)

    first = claim_batch(worker_id="a", now=now, lease=lease, batch_size=4, max_attempts=10)
    second = claim_batch(worker_id="b", now=now, lease=lease, batch_size=10, max_attempts=10)
    after_lease = claim_batch(worker_id="c", now=now + lease, batch_size=10, lease=lease, max_attempts=10)

    assert len(first) == 4 and len(second) == 2 and not set(first) & set(second)
    assert sorted(after_lease) == sorted(first + second)
    assert {row.claimed_by for row in rows()} == {"c"}


def test_only_a_claim_handed_to_the_server_counts_as_an_attempt(app):
    """Of a dead worker's claims, the one it had handed to the SMTP server may have gone
    out: that is an attempt. The others were never tried and count nothing."""
    in_flight, untried = queue(2, calendar=False)
    now, lease = utcnow(), timedelta(seconds=300)
    claim_batch(worker_id="dead", now=now, lease=lease, batch_size=10, max_attempts=10)
    mark_in_flight(in_flight.id, worker_id="dead", at=now)
    db.session.commit()

    claim_batch(worker_id="next", now=now + lease, lease=lease, batch_size=10, max_attempts=10)

    first, second = rows()
    assert (first.attempts, [(a.outcome, a.worker) for a in attempts_of(first.id)]) == (
        1,
        [(AttemptOutcome.ABANDONED, "dead")],
    )
    assert (second.attempts, attempts_of(second.id)) == (0, [])
    assert {row.claimed_by for row in rows()} == {"next"} and first.sending_started_at is None


def test_a_worker_taking_back_its_own_claims_records_no_abandoned_attempt(app):
    (message,) = queue(calendar=False)
    now, lease = utcnow(), timedelta(seconds=300)
    claim_batch(worker_id="w", now=now, lease=lease, batch_size=10, max_attempts=10)
    mark_in_flight(message.id, worker_id="w", at=now)
    db.session.commit()

    assert claim_batch(worker_id="w", now=now + lease, lease=lease, batch_size=10, max_attempts=10) == [message.id]

    assert (rows()[0].attempts, attempts_of(message.id)) == (0, [])


def test_a_claim_never_takes_rows_another_worker_is_claiming(app, migrated):
    """PostgreSQL: rows locked by another worker are skipped, without waiting (SKIP LOCKED).
    SQLite: the other worker's write transaction makes this claim wait, and its
    compare-and-set UPDATE then leaves the rows the other worker took."""
    ids = [m.id for m in queue(6, calendar=False)]
    other = create_engine(migrated).connect()
    claimed = []
    try:
        other.begin()
        if is_postgres(migrated):
            other.execute(text(f"SELECT id FROM outbox_message WHERE id IN ({ids[0]}, {ids[1]}) FOR UPDATE"))
        else:
            other.execute(
                text(
                    f"UPDATE outbox_message SET status = 'sending', claimed_by = 'other', "
                    f"next_attempt_at = '2999-01-01' WHERE id IN ({ids[0]}, {ids[1]})"
                )
            )
        claimer = threading.Thread(target=lambda: _claim_in_thread(app, claimed))
        claimer.start()
        if is_postgres(migrated):
            claimer.join(timeout=10)
            assert not claimer.is_alive()  # it did not wait for the other worker's locks
        else:
            claimer.join(timeout=0.3)
            assert claimer.is_alive()  # SQLite: it waits for the other writer
        other.commit()
        claimer.join(timeout=10)
    finally:
        other.close()
    assert sorted(claimed) == ids[2:]


def _claim_in_thread(app, claimed):
    with app.app_context():
        claimed.extend(
            claim_batch(worker_id="b", now=utcnow(), lease=timedelta(seconds=300), batch_size=10, max_attempts=10)
        )


def test_parallel_workers_never_send_a_message_twice(app, smtp):
    messages = queue(60, calendar=False)
    smtp.slow = 0.002
    results = {}
    workers = [
        threading.Thread(target=_drain, args=(app, results), kwargs=dict(batch_size=5, worker_id=f"w{i}"))
        for i in range(4)
    ]

    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert sum(results.values()) == 60 and len(results) == 4
    smtp.wait_for(60)
    assert Counter(smtp.message_ids()) == Counter({m.message_id: 1 for m in messages})
    assert all(row.status is OutboxStatus.SENT and row.attempts == 1 for row in rows())


def test_a_slow_batch_keeps_its_lease_against_another_worker(app, smtp):
    app.config["MAIL_CLAIM_SECONDS"] = 0.6
    messages = queue(12, calendar=False)
    smtp.slow = 0.06  # the batch takes longer than the lease
    results = {}
    slow_worker = threading.Thread(target=_drain, args=(app, results), kwargs=dict(batch_size=50, worker_id="slow"))

    slow_worker.start()
    smtp.wait_for(1)  # the slow worker has claimed the whole batch
    eager = 0
    while slow_worker.is_alive():  # a second worker polls for due messages meanwhile
        eager += send_pending(worker_id="eager").sent
        threading.Event().wait(0.02)

    # Without renewal the eager worker would take (and send again) what the slow one holds.
    assert results["slow"] + eager == 12
    assert Counter(smtp.message_ids()) == Counter({m.message_id: 1 for m in messages})


def test_a_stop_request_hands_the_rest_of_the_batch_back(app, smtp):
    queue(5, calendar=False)
    stop = threading.Event()

    def stop_after_first(sender, message):
        stop.set()

    with email_dispatched.connected_to(stop_after_first):
        stats = send_pending(stop_event=stop)

    assert (stats.sent, stats.released) == (1, 4)
    assert [row.status for row in rows()] == [OutboxStatus.SENT] + [OutboxStatus.PENDING] * 4
    assert all(row.claimed_by is None for row in rows())
    assert send_pending().sent == 4


def test_the_work_loop_sends_what_is_queued_while_it_runs(app, smtp):
    stop = threading.Event()

    def run():
        with app.app_context():
            work(0.02, stop_event=stop)

    loop = threading.Thread(target=run)
    loop.start()
    try:
        queue(3)
        smtp.wait_for(3)
        queue(2)
        smtp.wait_for(5)
    finally:
        stop.set()
        loop.join(timeout=10)
    assert not loop.is_alive()
    assert len(smtp.messages) == 5


def test_the_work_loop_says_once_why_it_sends_nothing(app, smtp):
    app.config["MAIL_SERVER"] = None
    queue(2)
    stop, reports = threading.Event(), []

    def report(stats):
        reports.append(stats)
        stop.set()

    work(0.01, stop_event=stop, report=report)

    (stats,) = reports
    assert stats.not_sent_reason == "MAIL_SERVER is not set" and stats.waiting == 2
    assert {row.status for row in rows()} == {OutboxStatus.PENDING}
