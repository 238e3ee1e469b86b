"""Fixtures: the application on a real, migrated database (SQLite by default,
PostgreSQL when TEST_DATABASE_URL names one), its client and CLI runner."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, func, select, text, update

from app import create_app
from app.delegations.models import Delegation
from app.delegations.seed import seed_rows
from app.extensions import db
from tests.helpers.database import make_config
from tests.helpers.smtp import SmtpSink


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The catalogues compiled from the .po files as they stand (make test does it too)."""
    subprocess.run([sys.executable, "tools/i18n.py", "compile"], check=True, cwd=Path(__file__).parents[1])


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
        if connection.dialect.name == "postgresql":  # what tables do not take with them
            connection.execute(text("DROP FUNCTION IF EXISTS audit_entry_never_edited() CASCADE"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated(database_url):
    """The test database, emptied and brought to the newest migration once per run."""
    _drop_everything(database_url)
    app = create_app(make_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


#: When the seeded delegations last changed, as far as the tests know.
SEEDED_AT = datetime(2026, 1, 1, tzinfo=UTC)
#: Reference data the migrations seed; tests keep it.
SEEDED_TABLES = {"delegation", "catalogue_state"}


def _delegations_state(connection):
    return tuple(connection.execute(select(func.count(Delegation.id), func.max(Delegation.updated_at))).one())


def _empty_tables(seeded_delegations):
    """Empty what tests write; the delegations are seeded again only if a test changed them."""
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in SEEDED_TABLES]
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())
        if _delegations_state(connection) != seeded_delegations:
            connection.execute(Delegation.__table__.delete())
            connection.execute(Delegation.__table__.insert(), [row | {"updated_at": SEEDED_AT} for row in seed_rows()])


@pytest.fixture
def config_overrides():
    """Override in a test module to change settings of the ``app`` fixture."""
    return {}


@pytest.fixture(scope="session")
def seeded_delegations(migrated):
    """The seeded delegations' count and latest change, set to one known moment so a test's change shows."""
    engine = create_engine(migrated)
    with engine.begin() as connection:
        connection.execute(update(Delegation).values(updated_at=SEEDED_AT))
        state = _delegations_state(connection)
    engine.dispose()
    return state


class Client(FlaskClient):
    """A test client whose every request starts with an empty ``g``, as in production.

    The ``app`` fixture keeps one application context open for the whole test, which each
    request would otherwise reuse, with what the last request left in ``g``: Flask-Login's
    signed-in account, Flask-WTF's CSRF token. One client would then be served as another.
    """

    def open(self, *args, **kwargs):
        vars(g._get_current_object()).clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def app(migrated, seeded_delegations, config_overrides):
    app = create_app(make_config(migrated, **config_overrides))
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables(seeded_delegations)
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


@pytest.fixture
def smtp():
    """A running SMTP sink; a test module points the app at it with
    ``config_overrides`` returning ``smtp.config``."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.release()
    sink.stop()
