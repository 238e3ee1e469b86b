"""jobs: long work run by the job worker, with its owner, progress, result and error

The index on (state, next_attempt_at) serves the worker's claim query; the one on the
owner serves an owner's list of their jobs.

Revision ID: 0009_jobs
Revises: 0008_catalogue_changed_at
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_jobs"
down_revision = "0008_catalogue_changed_at"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("arguments", sa.JSON(), nullable=False),
        sa.Column(
            "owner_kind",
            sa.Enum(
                "delegate",
                "organiser",
                "system",
                name="actorkind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("owner_ref", sa.String(length=120), nullable=True),
        sa.Column("owner_label", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "succeeded",
                "failed",
                "cancelled",
                name="jobstate",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=True),
        sa.Column("result_file_key", sa.String(length=64), nullable=True),
        sa.Column("result_filename", sa.String(length=255), nullable=True),
        sa.Column("result_content_type", sa.String(length=255), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "result_file_key IS NULL OR state = 'succeeded'", name=op.f("ck_job_result_only_when_succeeded")
        ),
        sa.CheckConstraint("state <> 'running' OR claimed_by IS NOT NULL", name=op.f("ck_job_running_is_claimed")),
        sa.CheckConstraint(
            "state NOT IN ('succeeded', 'failed', 'cancelled') OR finished_at IS NOT NULL",
            name=op.f("ck_job_finished_has_finished_at"),
        ),
        sa.CheckConstraint(
            "(result_file_key IS NULL) = (result_filename IS NULL) "
            "AND (result_file_key IS NULL) = (result_content_type IS NULL)",
            name=op.f("ck_job_result_complete"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_job_attempts_not_negative")),
        sa.CheckConstraint("progress_done >= 0", name=op.f("ck_job_progress_done_not_negative")),
        sa.CheckConstraint(
            "progress_total IS NULL OR (progress_total >= 0 AND progress_done <= progress_total)",
            name=op.f("ck_job_progress_within_total"),
        ),
        sa.ForeignKeyConstraint(
            ["result_file_key"], ["stored_file.key"], name=op.f("fk_job_result_file_key_stored_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_owner", ["owner_kind", "owner_ref"], unique=False)
        batch_op.create_index("ix_job_state_next_attempt_at", ["state", "next_attempt_at"], unique=False)


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_state_next_attempt_at")
        batch_op.drop_index("ix_job_owner")

    op.drop_table("job")
