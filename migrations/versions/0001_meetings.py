"""meetings, programme sessions and documents

Revision ID: e5413f4524fd
Revises:
Create Date: 2026-11-22 16:49:23.456658

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5413f4524fd"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "meeting_type",
            sa.Enum(
                "senior-officials-meeting",
                "steering-committee",
                "thematic-meeting",
                "thematic-workshop",
                "training",
                "informal-working-group",
                "stock-taking",
                name="meetingtype",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "cancelled",
                name="meetingstatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("has_times", sa.Boolean(), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("host_country", sa.String(length=2), nullable=False),
        sa.Column("chair", sa.String(length=300), nullable=False),
        sa.Column("co_chairs", sa.String(length=300), nullable=False),
        sa.Column("theme", sa.String(length=300), nullable=False),
        sa.Column(
            "domain",
            sa.Enum(
                "development",
                "legal-migration",
                "protection",
                "irregular-migration",
                "return",
                name="domain",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("registration_opens_at", sa.DateTime(), nullable=True),
        sa.Column("registration_closes_at", sa.DateTime(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("seats_taken", sa.Integer(), nullable=False),
        sa.Column("delegation_quota", sa.Integer(), nullable=True),
        sa.Column("requires_approval", sa.Boolean(), nullable=False),
        sa.Column("invitation_code", sa.String(length=64), nullable=True),
        sa.Column("ical_sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(start_date IS NULL) = (starts_at IS NULL)", name=op.f("ck_meeting_dates_and_instants_together")
        ),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name=op.f("ck_meeting_capacity_not_negative")),
        sa.CheckConstraint("delegation_quota IS NULL OR delegation_quota >= 1", name=op.f("ck_meeting_quota_positive")),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_meeting_dates_ordered")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_meeting_instants_ordered")),
        sa.CheckConstraint("seats_taken >= 0", name=op.f("ck_meeting_seats_taken_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("slug", name=op.f("uq_meeting_slug")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_status_starts_at", ["status", "starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "stored_file",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_file")),
    )
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "joint-conclusions",
                "report",
                "programme",
                "mapping",
                "other",
                name="documentkind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_document_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_document_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "programme_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("speakers", sa.String(length=500), nullable=False),
        sa.Column("moderators", sa.String(length=500), nullable=False),
        sa.Column("room", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_programme_session_instants_ordered")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_programme_session_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_session")),
    )
    with op.batch_alter_table("programme_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_session_meeting_id"), ["meeting_id"], unique=False)


def downgrade():

    with op.batch_alter_table("programme_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_session_meeting_id"))

    op.drop_table("programme_session")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_meeting_id"))

    op.drop_table("document")
    op.drop_table("stored_file")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_updated_at"))
        batch_op.drop_index("ix_meeting_status_starts_at")

    op.drop_table("meeting")
