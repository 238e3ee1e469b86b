"""catalogue version: when it last rose, the calendars' Last-Modified

Revision ID: 0008_catalogue_changed_at
Revises: 0007_registration_links
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008_catalogue_changed_at"
down_revision = "0007_registration_links"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("catalogue_state", sa.Column("changed_at", sa.DateTime(), nullable=True))
    # Nothing says when the version last rose before this: the upgrade is a change as good as any
    # (naive UTC, as every instant is stored).
    state = sa.table("catalogue_state", sa.column("changed_at", sa.DateTime()))
    op.execute(state.update().values(changed_at=datetime.now(UTC).replace(tzinfo=None)))
    with op.batch_alter_table("catalogue_state") as batch:
        batch.alter_column("changed_at", existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table("catalogue_state") as batch:
        batch.drop_column("changed_at")
