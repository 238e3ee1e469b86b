"""meeting content in several languages

- ``meeting.original_language``: the language a meeting's own columns are written in;
  English for every meeting so far.
- ``meeting_translation``, ``programme_session_translation``, ``document_translation``: the
  texts in the other languages, one row per object and language.
- ``document.version_of_id``: a document in another language is a version of the first,
  and the meeting page lists them together. Documents stored so far stand alone.

Revision ID: 0016_meeting_content_languages
Revises: 0015_registration_privacy_notice
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_meeting_content_languages"
down_revision = "0015_registration_privacy_notice"
branch_labels = None
depends_on = None

KNOWN_LANGUAGE = "language IN ('en', 'fr', 'ar')"


def _translation_table(name, parent, parent_column, *columns):
    op.create_table(
        name,
        sa.Column(parent_column, sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        *columns,
        sa.CheckConstraint(KNOWN_LANGUAGE, name=op.f(f"ck_{name}_language_known")),
        sa.ForeignKeyConstraint(
            [parent_column], [f"{parent}.id"], name=op.f(f"fk_{name}_{parent_column}_{parent}"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(parent_column, "language", name=op.f(f"pk_{name}")),
    )


def upgrade():
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("original_language", sa.String(length=2), server_default="en", nullable=False))
        batch.create_check_constraint(
            op.f("ck_meeting_original_language_known"), "original_language IN ('en', 'fr', 'ar')"
        )
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("version_of_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_document_version_of_id_document"), "document", ["version_of_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index(op.f("ix_document_version_of_id"), ["version_of_id"], unique=False)
        batch.create_check_constraint(op.f("ck_document_not_its_own_version"), "version_of_id != id")
        batch.create_unique_constraint("uq_document_version_language", ["version_of_id", "language"])
    _translation_table(
        "meeting_translation",
        "meeting",
        "meeting_id",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("theme", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
    )
    _translation_table(
        "programme_session_translation",
        "programme_session",
        "session_id",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
    )
    _translation_table(
        "document_translation",
        "document",
        "document_id",
        sa.Column("title", sa.String(length=300), nullable=False),
    )


def downgrade():
    op.drop_table("document_translation")
    op.drop_table("programme_session_translation")
    op.drop_table("meeting_translation")
    with op.batch_alter_table("document") as batch:
        batch.drop_constraint("uq_document_version_language", type_="unique")
        batch.drop_constraint(op.f("ck_document_not_its_own_version"), type_="check")
        batch.drop_index(op.f("ix_document_version_of_id"))
        batch.drop_constraint(op.f("fk_document_version_of_id_document"), type_="foreignkey")
        batch.drop_column("version_of_id")
    with op.batch_alter_table("meeting") as batch:
        batch.drop_constraint(op.f("ck_meeting_original_language_known"), type_="check")
        batch.drop_column("original_language")
