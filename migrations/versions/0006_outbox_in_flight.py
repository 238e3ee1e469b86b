"""outbox: mark the message a worker is handing to the SMTP server

``sending_started_at`` is set in the commit just before a worker hands a message to the
server and cleared with its outcome. When a lease expires, only a message with it set
was really attempted; the rest of a dead worker's claims go back without an attempt.

Revision ID: 0006_outbox_in_flight
Revises: 0005_clean_text
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_outbox_in_flight"
down_revision = "0005_clean_text"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sending_started_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("sending_started_at")
