"""organiser accounts, the meetings they are assigned to, and the audit log

- ``account``: an organiser's sign-in (lower-case unique email, argon2 hash, role, the
  session token that ends its sessions when replaced).
- ``account_meeting``: the meetings an organiser or a viewer works on.
- ``audit_entry``: who did what; a trigger refuses any UPDATE, on both databases, since
  the log is never edited.

Revision ID: 0017_accounts_audit
Revises: 0016_meeting_content_languages
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_accounts_audit"
down_revision = "0016_meeting_content_languages"
branch_labels = None
depends_on = None


def _enum(*values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


NEVER_EDITED = "the audit log is never edited"


def upgrade():
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", _enum("admin", "organiser", "viewer", name="role"), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(), nullable=True),
        sa.Column("reset_sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_account_email_lower_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("email", name=op.f("uq_account_email")),
    )
    op.create_table(
        "account_meeting",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_account_meeting_account_id_account"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_account_meeting_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", "meeting_id", name=op.f("pk_account_meeting")),
    )
    op.create_index(op.f("ix_account_meeting_meeting_id"), "account_meeting", ["meeting_id"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_kind", _enum("delegate", "organiser", "system", name="actorkind"), nullable=False),
        sa.Column("actor_ref", sa.String(length=60), nullable=True),
        sa.Column("actor_label", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_ref", sa.String(length=60), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index(op.f("ix_audit_entry_action"), "audit_entry", ["action"])
    op.create_index("ix_audit_entry_actor", "audit_entry", ["actor_kind", "actor_ref"])
    op.create_index(op.f("ix_audit_entry_address_hash"), "audit_entry", ["address_hash"])
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    op.create_index("ix_audit_entry_meeting_id_at", "audit_entry", ["meeting_id", "at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_entry_never_edited() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{NEVER_EDITED}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_entry_never_edited BEFORE UPDATE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_never_edited()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_entry_never_edited BEFORE UPDATE ON audit_entry "
            f"BEGIN SELECT RAISE(ABORT, '{NEVER_EDITED}'); END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entry_never_edited ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_never_edited()")
    op.drop_table("audit_entry")
    op.drop_index(op.f("ix_account_meeting_meeting_id"), table_name="account_meeting")
    op.drop_table("account_meeting")
    op.drop_table("account")
