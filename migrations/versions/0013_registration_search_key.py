"""registration: a search key over name, email and delegation, accents and case folded

Filled here for the registrations that exist; the services keep it current.

Revision ID: 0013_registration_search_key
Revises: 0012_invite_revision
"""

import unicodedata

import pycountry
import sqlalchemy as sa
from alembic import op

revision = "0013_registration_search_key"
down_revision = "0012_invite_revision"
branch_labels = None
depends_on = None


def _fold(value):
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join("".join(char if char.isalnum() else " " for char in plain).split())


def _country(code):
    country = pycountry.countries.get(alpha_2=code) if code else None
    return (getattr(country, "common_name", None) or country.name) if country else ""


def upgrade():
    op.add_column("registration", sa.Column("search_key", sa.String(length=700), server_default="", nullable=False))
    op.create_index("ix_registration_meeting_search_key", "registration", ["meeting_id", "search_key"])
    connection = op.get_bind()
    organisations = {
        row.id: f"{row.name} ({row.acronym})" if row.acronym else row.name
        for row in connection.execute(sa.text("SELECT id, name, acronym FROM organisation"))
    }
    rows = connection.execute(
        sa.text("SELECT id, first_name, last_name, email, country, organisation_id FROM registration")
    ).all()
    for row in rows:
        delegation = organisations.get(row.organisation_id) or _country(row.country)
        key = _fold(" ".join((row.first_name, row.last_name, row.email, delegation)))
        connection.execute(
            sa.text("UPDATE registration SET search_key = :key WHERE id = :id"), {"key": key, "id": row.id}
        )


def downgrade():
    op.drop_index("ix_registration_meeting_search_key", table_name="registration")
    with op.batch_alter_table("registration") as batch:
        batch.drop_column("search_key")
