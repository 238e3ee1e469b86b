"""outbox: what a message is about (meeting, registration), and its attachments

The references are plain nullable ids, emptied when the meeting or registration is deleted.
Attachment bytes live in stored_file; outbox_attachment says where and how each is shown.

On SQLite adding a foreign key copies outbox_message, and dropping the old copy there
cascades to every row of outbox_attempt: the attempts are kept aside and put back.

Revision ID: 0010_outbox_refs_attachments
Revises: 0009_jobs
"""

from contextlib import contextmanager, nullcontext

import sqlalchemy as sa
from alembic import op

revision = "0010_outbox_refs_attachments"
down_revision = "0009_jobs"
branch_labels = None
depends_on = None

_REFERENCES = (("meeting_id", "meeting"), ("registration_id", "registration"))


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


@contextmanager
def _keeping_attempts():
    """Around a copy of outbox_message on SQLite, whose DROP TABLE deletes the attempts (ON DELETE CASCADE)."""
    op.execute("CREATE TEMPORARY TABLE outbox_attempt_kept AS SELECT * FROM outbox_attempt")
    yield
    op.execute("DELETE FROM outbox_attempt")
    op.execute("INSERT INTO outbox_attempt SELECT * FROM outbox_attempt_kept")
    op.execute("DROP TABLE outbox_attempt_kept")


def upgrade():
    with _keeping_attempts() if _sqlite() else nullcontext(), op.batch_alter_table("outbox_message") as batch_op:
        for column, table in _REFERENCES:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                f"fk_outbox_message_{column}_{table}", table, [column], ["id"], ondelete="SET NULL"
            )
            batch_op.create_index(f"ix_outbox_message_{column}", [column])
    op.create_table(
        "outbox_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column(
            "disposition",
            sa.Enum("attachment", "inline", name="disposition", native_enum=False, create_constraint=True, length=40),
            nullable=False,
        ),
        sa.Column("content_id", sa.String(length=255), nullable=True),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(disposition = 'inline') = (content_id IS NOT NULL)",
            name=op.f("ck_outbox_attachment_inline_has_content_id"),
        ),
        sa.CheckConstraint("size >= 0", name=op.f("ck_outbox_attachment_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_message.id"],
            name=op.f("fk_outbox_attachment_outbox_message_id_outbox_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attachment")),
    )
    op.create_index(
        "uq_outbox_attachment_message_content_id", "outbox_attachment", ["outbox_message_id", "content_id"], unique=True
    )
    op.create_index(
        "uq_outbox_attachment_message_position", "outbox_attachment", ["outbox_message_id", "position"], unique=True
    )
    op.create_index("ix_outbox_attachment_storage_key", "outbox_attachment", ["storage_key"])


def downgrade():
    # The blobs stay: documents may share them, and stored_file is older than this revision.
    op.drop_table("outbox_attachment")
    with _keeping_attempts() if _sqlite() else nullcontext(), op.batch_alter_table("outbox_message") as batch_op:
        for column, table in _REFERENCES:
            batch_op.drop_index(f"ix_outbox_message_{column}")
            batch_op.drop_constraint(f"fk_outbox_message_{column}_{table}", type_="foreignkey")
            batch_op.drop_column(column)
