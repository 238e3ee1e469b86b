"""Outbox worker throughput: N emails with calendar invites through a local SMTP sink.

    .venv/bin/python bench/outbox.py [-n 2000] [--batch-size 100] [--workers 1]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_outbox .venv/bin/python bench/outbox.py

Queues N messages (HTML + text + an iCalendar METHOD:REQUEST invite) in the database
named by DATABASE_URL (default: a temporary SQLite file; a PostgreSQL database is
created when missing, migrated, and its outbox emptied), starts aiosmtpd on a free
loopback port in its own process, runs the worker (``send_pending`` passes, in
``--workers`` processes) until the outbox is empty, and checks that every message
arrived exactly once. Prints a summary and a ``BENCH_OUTBOX key=value ...`` line;
exits 1 when a message was lost or doubled.
"""

import argparse
import multiprocessing
import os
import resource
import socket
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from datetime import time as dt_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, delete, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.smtpsink import run_sink  # noqa: E402


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url():
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='bench-outbox-')}/outbox.sqlite"
    parsed = make_url(url)
    if parsed.database == "test":
        sys.exit("refusing to run on database 'test' (the test suite's); use bench_outbox")
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            )
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        engine.dispose()
    return url


def _make_app(url, port):
    from app import create_app
    from config import load_config

    config = load_config("development")
    config.SQLALCHEMY_DATABASE_URI = url
    config.MAIL_SERVER, config.MAIL_PORT, config.MAIL_SUPPRESS_SEND = "127.0.0.1", port, False
    return create_app(config)


def _meeting():
    """The meeting the invites are for, built in memory (never stored): the invites come from
    the calendar module exactly as registration emails carry them."""
    from app.meetings.models import Meeting, MeetingStatus, MeetingType

    meeting = Meeting(
        id=1,
        slug="thematic-meeting-protection-abidjan",
        title="Thematic Meeting on Protection",
        meeting_type=MeetingType.THEMATIC_MEETING,
        status=MeetingStatus.PUBLISHED,
        timezone="Africa/Abidjan",
        venue="Hôtel Ivoire",
        city="Abidjan",
        country="CI",
        summary="Protection and durable solutions.",
        ical_sequence=0,
        updated_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
    )
    meeting.set_schedule(date(2027, 3, 10), date(2027, 3, 11), dt_time(9, 0), dt_time(17, 0))
    return meeting


def _prepare(app, count):
    """Migrate, empty the outbox and queue ``count`` invites; seconds spent queueing."""
    from flask_migrate import upgrade

    from app.calendar.invites import personal_invite
    from app.extensions import db
    from app.mail.outbox import OutboxAttempt, OutboxMessage, enqueue

    with app.app_context():
        upgrade()
        db.session.execute(delete(OutboxAttempt))
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
        paragraph = "<p>" + "\n".join(["The programme, the venue and the practical information follow."] * 12) + "</p>"
        meeting = _meeting()
        started = time.perf_counter()
        for number in range(count):
            invite = personal_invite(
                meeting,
                uid=f"registration-{number}@bench.example",
                attendee_name=f"Délégué {number}",
                attendee_email=f"delegate{number}@example.org",
            )
            enqueue(
                to_email=f"delegate{number}@example.org",
                to_name=f"Délégué {number}",
                subject=f"Registration confirmed: Thematic Meeting on Protection ({number})",
                text=f"Dear delegate {number},\n\nYour seat is confirmed.\n" + "Details.\n" * 30,
                html=f"<p>Dear delegate {number},</p>\n" + "\n".join([paragraph] * 3),
                calendar=invite,
            )
            if number % 500 == 499:
                db.session.commit()
        db.session.commit()
        return time.perf_counter() - started


def _drain(url, port, batch_size):
    app = _make_app(url, port)
    from app.mail.worker import send_pending

    with app.app_context():
        while send_pending(batch_size=batch_size).claimed:
            pass


def _run_workers(url, port, batch_size, workers):
    """Wall-clock seconds and worker CPU seconds to empty the outbox."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    if workers == 1:
        _drain(url, port, batch_size)
    else:
        processes = [multiprocessing.Process(target=_drain, args=(url, port, batch_size)) for _ in range(workers)]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
    return time.perf_counter() - started, _cpu_seconds() - cpu


def _cpu_seconds():
    """CPU time of this process and of its finished children (worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _stored(app):
    from app.extensions import db
    from app.mail.outbox import OutboxMessage

    with app.app_context():
        return db.session.execute(select(OutboxMessage.message_id, OutboxMessage.status)).all()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--messages", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    url, port = _database_url(), _free_port()
    app = _make_app(url, port)
    queue_seconds = _prepare(app, args.messages)
    here, there = multiprocessing.Pipe()
    sink = multiprocessing.Process(target=run_sink, args=(port, there))
    sink.start()
    here.recv()
    seconds, worker_cpu = _run_workers(url, port, args.batch_size, args.workers)
    here.send("report")
    ids, sink_cpu = here.recv()
    received = Counter(ids)
    sink.join()

    stored = _stored(app)
    sent = sum(1 for _, status in stored if status.value == "sent")
    exactly_once = received == Counter(message_id for message_id, _ in stored) and sent == args.messages
    rate = args.messages / seconds
    backend = make_url(url).get_backend_name()
    print(
        f"outbox on {backend}: queued {args.messages} emails with invites in {queue_seconds:.2f} s; "
        f"sent in {seconds:.2f} s = {rate:.0f} emails/s ({args.workers} worker(s), batch {args.batch_size}; "
        f"CPU per email: worker {worker_cpu / args.messages * 1000:.2f} ms, "
        f"SMTP sink {sink_cpu / args.messages * 1000:.2f} ms); "
        + (
            "every message arrived exactly once"
            if exactly_once
            else f"MISMATCH: {sum(received.values())} received, {len(received)} distinct, {sent} marked sent"
        )
    )
    print(
        f"BENCH_OUTBOX backend={backend} emails={args.messages} workers={args.workers} "
        f"batch={args.batch_size} seconds={seconds:.3f} rate={rate:.1f} worker_cpu={worker_cpu:.3f} "
        f"sink_cpu={sink_cpu:.3f} exactly_once={int(exactly_once)}"
    )
    return 0 if exactly_once else 1


if __name__ == "__main__":
    sys.exit(main())
