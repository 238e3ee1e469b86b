"""catalogue version: one row raised with every change to the public catalogue

Revision ID: 0004_catalogue_state
Revises: 0003_registration
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_catalogue_state"
down_revision = "0003_registration"
branch_labels = None
depends_on = None


def upgrade():
    state = op.create_table(
        "catalogue_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_state")),
    )
    op.bulk_insert(state, [{"id": 1, "version": 0}])


def downgrade():
    op.drop_table("catalogue_state")
