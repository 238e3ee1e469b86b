"""The migrations build the schema the models describe, on SQLite and PostgreSQL alike."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from tests.conftest import table_names


def test_the_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_go_down_and_up_again(app, migrated):
    db.session.remove()
    db.engine.dispose()
    downgrade(revision="base")
    assert table_names(migrated) <= {"alembic_version"}
    upgrade()
    assert {"meeting", "registration", "outbox_message", "organisation"} <= table_names(migrated)
    assert inspect(db.engine).get_check_constraints("meeting")
