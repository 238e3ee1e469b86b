"""registration: a revision of the delegate's own invite, added to the meeting's SEQUENCE

Revision ID: 0012_invite_revision
Revises: 0011_registration_events
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_invite_revision"
down_revision = "0011_registration_events"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (SQLite has it): a batch copy of the table would be needless here.
    op.add_column("registration", sa.Column("invite_revision", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("registration") as batch:
        batch.drop_column("invite_revision")
