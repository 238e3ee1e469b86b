"""registrations and the organisations that send delegations

Revision ID: 0003_registration
Revises: 0002_outbox
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_registration"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None

STATUSES = ("unconfirmed", "confirmed", "waitlisted", "awaiting-approval", "cancelled")
ROLES = ("head-of-delegation", "delegate", "expert", "observer", "speaker")

#: The international organisations named in the Khartoum Process's meetings.
ORGANISATIONS = [
    ("African Union Commission", "AUC"),
    ("European Commission", "EC"),
    ("Intergovernmental Authority on Development", "IGAD"),
    ("International Centre for Migration Policy Development", "ICMPD"),
    ("International Organization for Migration", "IOM"),
    ("Office of the United Nations High Commissioner for Refugees", "UNHCR"),
    ("United Nations Office on Drugs and Crime", "UNODC"),
    ("World Bank", ""),
]


def upgrade():
    organisation = op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("acronym", sa.String(length=30), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    op.bulk_insert(
        organisation, [{"name": name, "acronym": acronym, "active": True} for name, acronym in ORGANISATIONS]
    )
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="registrationstatus", native_enum=False, create_constraint=True, length=40),
            nullable=False,
        ),
        sa.Column("salutation", sa.String(length=20), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("delegation", sa.String(length=40), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("function", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(*ROLES, name="delegaterole", native_enum=False, create_constraint=True, length=40),
            nullable=False,
        ),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("dietary_needs", sa.Text(), nullable=False),
        sa.Column("accessibility_needs", sa.Text(), nullable=False),
        sa.Column("needs_visa_letter", sa.Boolean(), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=True),
        sa.Column("passport_number", sa.String(length=30), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("passport_expiry", sa.Date(), nullable=True),
        sa.Column("list_consent", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("email_confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(country IS NULL) != (organisation_id IS NULL)", name=op.f("ck_registration_one_delegation")
        ),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_registration_email_lower_case")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_registration_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_registration_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint("uid", name=op.f("uq_registration_uid")),
    )
    with op.batch_alter_table("registration") as batch_op:
        batch_op.create_index("ix_registration_meeting_status", ["meeting_id", "status"])
        batch_op.create_index("ix_registration_meeting_delegation", ["meeting_id", "delegation"])
        batch_op.create_index(
            "uq_registration_meeting_email_live",
            ["meeting_id", "email"],
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        )


def downgrade():
    op.drop_table("registration")
    op.drop_table("organisation")
