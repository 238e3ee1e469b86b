"""The blob store: identical bytes are kept once, whoever stores them, even at the same moment."""

import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.files.storage import StoredFile, load_bytes, store_bytes
from tests.helpers.database import is_postgres


@pytest.fixture
def config_overrides():
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": 0, "pool_timeout": 30}}


def test_the_same_bytes_are_kept_once(app):
    first = store_bytes(b"%PDF-1.7 programme")
    assert store_bytes(b"%PDF-1.7 programme") == first
    db.session.commit()
    assert load_bytes(first) == b"%PDF-1.7 programme"
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1


@pytest.mark.postgres_only
def test_two_transactions_storing_the_same_new_bytes_at_once_both_commit(app, migrated):
    if not is_postgres(migrated):
        pytest.skip("SQLite lets one transaction write at a time: the race is PostgreSQL's")
    data, barrier, errors, keys = b"letter for the same delegate" * 100, threading.Barrier(4), [], []

    def store():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                keys.append(store_bytes(data))
                db.session.commit()
            except Exception as error:  # reported by the test, not lost in the thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(set(keys)) == 1
    assert load_bytes(keys[0]) == data
