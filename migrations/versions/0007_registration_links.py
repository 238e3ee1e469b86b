"""registration links: a generation signed into manage links, and when links were last emailed

Revision ID: 0007_registration_links
Revises: 0006_outbox_in_flight
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_registration_links"
down_revision = "0006_outbox_in_flight"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, which SQLite has: a batch copy of the table would be needless here.
    op.add_column("registration", sa.Column("link_generation", sa.Integer(), server_default="0", nullable=False))
    op.add_column("registration", sa.Column("links_sent_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("registration") as batch:
        batch.drop_column("links_sent_at")
        batch.drop_column("link_generation")
