"""registration: the version of the privacy notice the delegate was shown

Registrations made before the notice existed have none.

Revision ID: 0015_registration_privacy_notice
Revises: 0014_delegations_days_language
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_registration_privacy_notice"
down_revision = "0014_delegations_days_language"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("registration", sa.Column("privacy_notice_version", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("registration") as batch:
        batch.drop_column("privacy_notice_version")
