"""the programme's version, and documents for delegates only

- ``meeting.programme_version``, ``programme_updated_at``, ``programme_changes``: a change to
  the published programme of a meeting with confirmed delegates raises the version, which
  the public page and the programme's .ics show; 0 and nothing for every meeting so far.
- ``document.visibility``: public (every document so far) or delegates (listed only on a
  registered delegate's own page).

Revision ID: 0018_programme_documents
Revises: 0017_accounts_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_programme_documents"
down_revision = "0017_accounts_audit"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("programme_version", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("programme_updated_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("programme_changes", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("document") as batch:
        batch.add_column(
            sa.Column(
                "visibility",
                sa.Enum(
                    "public",
                    "delegates",
                    name="documentvisibility",
                    native_enum=False,
                    create_constraint=True,
                    length=40,
                ),
                server_default="public",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("document") as batch:
        batch.drop_constraint(op.f("ck_document_documentvisibility"), type_="check")
        batch.drop_column("visibility")
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("programme_changes")
        batch.drop_column("programme_updated_at")
        batch.drop_column("programme_version")
