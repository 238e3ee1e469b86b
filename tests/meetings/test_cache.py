"""The page cache's version check on PostgreSQL: one held autocommit connection per thread."""

import os

import pytest
from sqlalchemy import text

from app.extensions import db
from app.meetings.cache import read_catalogue_version
from app.meetings.services import get_catalogue_version
from tests.helpers.factories import make_meeting

on_postgres = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the held connection is used on PostgreSQL only",
)


def test_the_version_read_outside_the_session_is_the_sessions(app):
    make_meeting()
    assert read_catalogue_version() == get_catalogue_version() is not None
    make_meeting()
    assert read_catalogue_version() == get_catalogue_version()


@on_postgres
@pytest.mark.parametrize("config_overrides", [{"PAGE_CACHE_SECONDS": 300}])
def test_a_lost_connection_is_replaced_and_pages_stay_right(app, client, config_overrides):
    meeting = make_meeting(title="Before the restart")
    assert "Before the restart" in client.get(f"/meetings/{meeting.slug}").text
    db.session.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )
    db.session.commit()
    meeting.title = "After the restart"
    db.session.commit()
    assert "After the restart" in client.get(f"/meetings/{meeting.slug}").text
    assert "After the restart" in client.get(f"/meetings/{meeting.slug}").text
