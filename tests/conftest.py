"""Fixtures: the application on a real, migrated database (SQLite by default,
PostgreSQL when TEST_DATABASE_URL names one), its client and CLI runner."""

import asyncio
import email
import email.policy
import os
import socket
import threading
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, inspect, text

from app import create_app
from app.extensions import db
from config import TestingConfig


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def _drop_everything(url):
    engine = create_engine(url)
    with engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        metadata.drop_all(connection)
    engine.dispose()


def make_config(database_url, **overrides):
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


@pytest.fixture(scope="session")
def migrated(database_url):
    """The test database, emptied and brought to the newest migration once per run."""
    _drop_everything(database_url)
    app = create_app(make_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


#: Reference data the migrations seed; tests keep it.
SEEDED_TABLES = {"organisation", "catalogue_state"}


def _empty_tables():
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in SEEDED_TABLES]
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())


@pytest.fixture
def config_overrides():
    """Override in a test module to change settings of the ``app`` fixture."""
    return {}


@pytest.fixture
def app(migrated, config_overrides):
    app = create_app(make_config(migrated, **config_overrides))
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now():
    return datetime.now(UTC)


def table_names(url):
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def is_postgres(url):
    return url.startswith("postgresql")


def scalar(sql):
    return db.session.execute(text(sql)).scalar()


# --- A real SMTP server (aiosmtpd) for the mail tests -------------------------------


class SmtpSink:
    """aiosmtpd on a free loopback port, in a thread, keeping every message it accepts.

    ``stop()``/``start()`` take it down and up again on the same port. ``refuse`` set to
    an SMTP reply (e.g. "451 4.3.0 Try later") refuses every message at DATA; ``slow``
    delays each MAIL command by that many seconds; ``hold(after=n)`` holds MAIL
    commands after the n-th until ``release()`` (``holding_mail`` counts those held).
    ``sessions`` counts SMTP sessions (EHLO/HELO), ``mail_commands`` MAIL commands,
    ``messages`` the accepted messages parsed with the stdlib ``email`` package.
    """

    def __init__(self):
        self.host = "127.0.0.1"
        with socket.socket() as probe:
            probe.bind((self.host, 0))
            self.port = probe.getsockname()[1]
        self.messages, self.sessions, self.mail_commands = [], 0, 0
        self.refuse, self.slow = None, 0.0
        #: MAIL commands held (``hold()``) right now.
        self.holding_mail = 0
        self._hold_after, self._released = None, threading.Event()
        self._lock = threading.Lock()
        self._controller = None

    @property
    def config(self):
        """Settings that point the app's Flask-Mail at this sink."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_SUPPRESS_SEND": False}

    @property
    def running(self):
        return self._controller is not None

    def start(self):
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        with self._lock:
            self.sessions += 1
        return f"250 {server.hostname}"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self._lock:
            self.sessions += 1
        return responses

    def hold(self, after=0):
        """Hold every MAIL command after the first ``after`` until ``release()``."""
        self._released.clear()
        self._hold_after = after

    def release(self):
        self._hold_after = None
        self._released.set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self._lock:
            self.mail_commands += 1
            held = self._hold_after is not None and self.mail_commands > self._hold_after
            self.holding_mail += held
        while held and not self._released.is_set():
            await asyncio.sleep(0.005)
        self.holding_mail -= held
        if self.slow:
            await asyncio.sleep(self.slow)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.messages.append(
                SimpleNamespace(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    message=parsed,
                    raw=envelope.original_content,
                )
            )
        return "250 Message accepted for delivery"

    def message_ids(self):
        with self._lock:
            return [received.message["Message-ID"] for received in self.messages]

    def wait_for(self, count, timeout=10.0):
        """Poll until ``count`` messages arrived; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.messages)} of {count} messages arrived in {timeout} s")
            threading.Event().wait(0.01)
        return self.messages


@pytest.fixture
def smtp():
    """A running SMTP sink; a test module points the app at it with
    ``config_overrides`` returning ``smtp.config``."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.release()
    sink.stop()
