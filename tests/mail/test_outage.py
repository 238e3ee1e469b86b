"""The worker losing its database connection after the SMTP server accepted a message.

On PostgreSQL the outage is real: when the sink accepts a message, the test database
stops accepting connections and every open one is terminated (``pg_terminate_backend``),
for a set time. SQLite has no server to lose, so there the worker's DB-API connection is
closed under it at the commit that records "sent": a simulated disconnect, marked below.
"""

import threading
import time
from collections import Counter
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from app.extensions import db
from app.mail.outbox import AttemptOutcome, OutboxStatus
from app.mail.worker import send_pending, work
from tests.helpers.database import is_postgres
from tests.helpers.mail import attempts_of, on_accept, queue, rows


class Outage:
    """Takes a PostgreSQL database away for a while: no new connections, the open ones ended."""

    def __init__(self, url):
        url = make_url(url)
        self.database = url.database
        self._admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        self.over = threading.Event()

    def begin(self, seconds):
        with self._admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.database}" ALLOW_CONNECTIONS false'))
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                    "WHERE datname = :name AND backend_type = 'client backend'"
                ),
                {"name": self.database},
            )
        threading.Timer(seconds, self.end).start()

    def end(self):
        with self._admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.database}" ALLOW_CONNECTIONS true'))
        self.over.set()

    def close(self):
        self.end()
        self._admin.dispose()


@pytest.fixture
def outage(migrated):
    if not is_postgres(migrated):
        pytest.skip("a real database outage needs PostgreSQL")
    taken = Outage(migrated)
    yield taken
    taken.close()


@contextmanager
def running_worker(app):
    """``work()`` in its own thread, as ``flask mail work`` runs it."""
    stop = threading.Event()

    def run():
        with app.app_context():
            work(0.05, stop_event=stop)

    loop = threading.Thread(target=run)
    loop.start()
    try:
        yield
    finally:
        stop.set()
        loop.join(timeout=30)


def _all_sent_before(deadline):
    while time.monotonic() < deadline:
        if {row.status for row in rows()} == {OutboxStatus.SENT}:
            return True
        time.sleep(0.05)
    return False


def _assert_sent_once_and_never_abandoned(smtp, messages):
    assert Counter(smtp.message_ids()) == Counter({m.message_id: 1 for m in messages})
    for row in rows():
        assert row.attempts == 1 and row.claimed_by is None and row.sending_started_at is None
        assert [a.outcome for a in attempts_of(row.id)] == [AttemptOutcome.SENT]


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "retry_seconds, outage_seconds, smtp_sessions",
    [
        (10, 0.5, 1),  # the worker rides the outage out, records "sent" and carries on with the batch
        (0.2, 1.5, 2),  # it gives the batch up, then records "sent", hands the rest back and sends it
    ],
    ids=["short-outage", "outage-longer-than-the-retries"],
)
def test_a_database_outage_after_the_server_accepted_a_message_sends_it_once(
    app, smtp, outage, retry_seconds, outage_seconds, smtp_sessions
):
    lease = 4.0
    app.config.update(MAIL_CLAIM_SECONDS=lease, MAIL_DB_RETRY_SECONDS=retry_seconds)
    messages = queue(4, calendar=False)
    on_accept(smtp, lambda: outage.begin(outage_seconds), nth=1)
    started = time.monotonic()

    with running_worker(app):
        assert outage.over.wait(timeout=10)
        # Marked sent, and the other claimed messages sent, well before the lease ends.
        assert _all_sent_before(started + lease - 0.5)
    smtp.wait_for(4)
    _assert_sent_once_and_never_abandoned(smtp, messages)
    assert smtp.sessions == smtp_sessions


@contextmanager
def connection_closed_at_the_commit_after(armed: threading.Event, *, applied: bool):
    """SIMULATED disconnect: at the first commit after ``armed`` is set, the DB-API
    connection is closed under the session, so the commit fails as on a dropped
    connection. ``applied``: the commit reached the database first (only its reply is lost)."""

    def close(connection):
        if armed.is_set():
            armed.clear()
            dbapi_connection = connection.connection.dbapi_connection
            if applied:
                dbapi_connection.commit()
            dbapi_connection.close()

    event.listen(db.engine, "commit", close)
    try:
        yield
    finally:
        event.remove(db.engine, "commit", close)


@pytest.mark.parametrize("applied", [False, True], ids=["commit-lost", "reply-lost"])
def test_a_connection_lost_at_the_sent_commit_is_retried_not_resent(app, smtp, applied):
    messages = queue(3, calendar=False)
    armed = threading.Event()
    on_accept(smtp, armed.set, nth=1)

    with connection_closed_at_the_commit_after(armed, applied=applied):
        stats = send_pending()

    assert not armed.is_set()  # the disconnect did happen
    assert stats.sent == 3 and {row.status for row in rows()} == {OutboxStatus.SENT}
    smtp.wait_for(3)
    _assert_sent_once_and_never_abandoned(smtp, messages)
