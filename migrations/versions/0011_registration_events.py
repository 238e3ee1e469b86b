"""registration history: a row for every change of a registration's state

Registrations that exist get one row each, from nothing to their present state, dated
when they were made and attributed to the system (what happened before is not known).

Revision ID: 0011_registration_events
Revises: 0010_outbox_refs_attachments
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_registration_events"
down_revision = "0010_outbox_refs_attachments"
branch_labels = None
depends_on = None

STATUSES = ("unconfirmed", "confirmed", "waitlisted", "awaiting-approval", "cancelled")


def _status(name, nullable):
    return sa.Column(
        name,
        sa.Enum(*STATUSES, name=name, native_enum=False, create_constraint=True, length=40),
        nullable=nullable,
    )


def upgrade():
    events = op.create_table(
        "registration_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        _status("from_status", True),
        _status("to_status", False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_kind", sa.String(length=20), nullable=False),
        sa.Column("actor_ref", sa.String(length=60), nullable=True),
        sa.Column("actor_label", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_registration_event_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_event")),
    )
    op.create_index("ix_registration_event_registration_id_at", "registration_event", ["registration_id", "at"])
    registration = sa.table(
        "registration", sa.column("id"), sa.column("status"), sa.column("created_at", sa.DateTime())
    )
    rows = op.get_bind().execute(sa.select(registration.c.id, registration.c.status, registration.c.created_at))
    op.bulk_insert(
        events,
        [
            {
                "registration_id": id_,
                "from_status": None,
                "to_status": status,
                "at": created,
                "actor_kind": "system",
                "actor_ref": None,
                "actor_label": "migration",
                "reason": "state when the history began",
            }
            for id_, status, created in rows
        ],
    )


def downgrade():
    op.drop_index("ix_registration_event_registration_id_at", table_name="registration_event")
    op.drop_table("registration_event")
