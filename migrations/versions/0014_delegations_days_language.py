"""delegations as records, the days attended as rows, the language of each registration

- ``delegation``: every ISO 3166 state and the organisations of the Process, seeded from
  ``app.delegations.seed`` as it stands (later additions go through ``flask delegations
  seed``), with the organisations already in ``organisation`` carried over (matched by
  acronym or name, else added with standing "other"); ``organisation`` is dropped.
- ``registration.delegation_id`` replaces ``country``, ``organisation_id`` and the
  ``delegation`` string; at most one head per delegation and meeting among the registrations
  whose address is confirmed. Where there were several, the first to register stays head and
  the others become delegates.
- ``registration_day`` replaces the JSON ``days`` (an empty list meant every day).
- ``registration.language``: English for every registration made so far.
- ``meeting.eligibility``: every meeting so far was open to everyone.
- The registrations' search key holds name and email; the delegation's names are searched
  in its own key.

Revision ID: 0014_delegations_days_language
Revises: 0013_registration_search_key
"""

import json
import unicodedata
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from app.delegations.seed import seed_rows
from app.text import sort_key as seed_sort_key

revision = "0014_delegations_days_language"
down_revision = "0013_registration_search_key"
branch_labels = None
depends_on = None

STANDINGS = ("member", "institution", "observer", "other")
ELIGIBILITIES = ("everyone", "process", "steering-committee")
HEAD_HOLDS_PLACE = "role = 'head-of-delegation' AND status IN ('confirmed', 'waitlisted', 'awaiting-approval')"
LIVE = "status != 'cancelled'"


def _fold(value):
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join("".join(char if char.isalnum() else " " for char in plain).split())


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def _create_delegation_table():
    return op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("kind", _enum(("state", "organisation"), "delegationkind"), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("standing", _enum(STANDINGS, "standing"), nullable=False),
        sa.Column("steering_committee", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_fr", sa.String(length=200), nullable=False),
        sa.Column("acronym_en", sa.String(length=30), nullable=False),
        sa.Column("acronym_fr", sa.String(length=30), nullable=False),
        sa.Column("sort_key_en", sa.LargeBinary(), nullable=False),
        sa.Column("sort_key_fr", sa.LargeBinary(), nullable=False),
        sa.Column("search_key", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("(kind = 'state') = (country IS NOT NULL)", name=op.f("ck_delegation_state_has_country")),
        sa.CheckConstraint("length(key) > 0", name=op.f("ck_delegation_key_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
        sa.UniqueConstraint("country", name=op.f("uq_delegation_country")),
        sa.UniqueConstraint("key", name=op.f("uq_delegation_key")),
    )


def _seed(connection, table, now):
    rows = [
        {name: getattr(value, "value", value) for name, value in row.items()} | {"updated_at": now}
        for row in seed_rows()
    ]
    op.bulk_insert(table, rows)
    return {row["key"]: row for row in rows}


def _add_other(connection, table, now, key, name, acronym="", *, country=None, active):
    """A delegation the seed does not know, of standing "other", named alike in both languages."""
    sort_key = seed_sort_key(name)
    connection.execute(
        table.insert().values(
            key=key,
            kind="state" if country else "organisation",
            country=country,
            standing="other",
            steering_committee=False,
            active=active,
            name_en=name,
            name_fr=name,
            acronym_en=acronym,
            acronym_fr=acronym,
            sort_key_en=sort_key,
            sort_key_fr=sort_key,
            search_key=_fold(f"{name} {acronym}"),
            updated_at=now,
        )
    )


def _carry_organisations(connection, table, seeded, now) -> dict[int, str]:
    """The key of each old organisation's delegation, adding those the seed does not know."""
    by_acronym = {row["acronym_en"]: key for key, row in seeded.items() if row["acronym_en"]}
    by_name = {row["name_en"]: key for key, row in seeded.items()}
    keys = {}
    for organisation in connection.execute(sa.text("SELECT id, name, acronym, active FROM organisation")):
        key = by_acronym.get(organisation.acronym) or by_name.get(organisation.name)
        if key is None:
            key = f"org:{organisation.acronym.upper() or f'ORG{organisation.id}'}"[:40]
            if key in seeded or key in keys.values():
                key = f"org:ORG{organisation.id}"
            _add_other(connection, table, now, key, organisation.name, organisation.acronym, active=organisation.active)
        keys[organisation.id] = key
    return keys


def _meeting_days(connection) -> dict[int, list[date]]:
    days = {}
    for meeting in connection.execute(sa.text("SELECT id, start_date, end_date FROM meeting")):
        start, end = meeting.start_date, meeting.end_date
        if isinstance(start, str):  # SQLite hands dates back as text
            start, end = date.fromisoformat(start), date.fromisoformat(end)
        days[meeting.id] = [start + timedelta(days=n) for n in range((end - start).days + 1)] if start else []
    return days


def _day_rows(connection) -> list[dict]:
    meeting_days = _meeting_days(connection)
    rows = []
    for registration in connection.execute(sa.text("SELECT id, meeting_id, days FROM registration")):
        stored = registration.days
        if isinstance(stored, str):
            stored = json.loads(stored or "[]")
        valid = set(meeting_days[registration.meeting_id])
        chosen = set()
        for value in stored or []:
            try:
                chosen.add(date.fromisoformat(value))
            except (TypeError, ValueError):
                continue
        for day in sorted(chosen & valid or valid):
            rows.append({"registration_id": registration.id, "day": day})
    return rows


def _one_head_each(connection):
    """Keep the first head of each delegation and meeting; the later ones become delegates."""
    heads = connection.execute(
        sa.text(
            f"SELECT id, meeting_id, delegation_id FROM registration WHERE {HEAD_HOLDS_PLACE} ORDER BY created_at, id"
        )
    ).all()
    seen = set()
    for head in heads:
        if (head.meeting_id, head.delegation_id) in seen:
            connection.execute(sa.text("UPDATE registration SET role = 'delegate' WHERE id = :id"), {"id": head.id})
        seen.add((head.meeting_id, head.delegation_id))


def upgrade():
    connection = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    delegation = _create_delegation_table()
    seeded = _seed(connection, delegation, now)
    organisation_keys = _carry_organisations(connection, delegation, seeded, now)

    with op.batch_alter_table("meeting") as batch:
        batch.add_column(
            sa.Column("eligibility", _enum(ELIGIBILITIES, "eligibility"), server_default="everyone", nullable=False)
        )

    day = op.create_table(
        "registration_day",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_registration_day_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", "day", name=op.f("pk_registration_day")),
    )
    op.create_index("ix_registration_day_day", "registration_day", ["day"])
    op.bulk_insert(day, _day_rows(connection))

    op.add_column("registration", sa.Column("delegation_id", sa.Integer(), nullable=True))
    op.add_column("registration", sa.Column("language", sa.String(length=8), server_default="en", nullable=False))
    connection.execute(
        sa.text(
            "UPDATE registration SET delegation_id = "
            "(SELECT id FROM delegation WHERE delegation.country = registration.country) WHERE country IS NOT NULL"
        )
    )
    for organisation_id, key in organisation_keys.items():
        connection.execute(
            sa.text(
                "UPDATE registration SET delegation_id = (SELECT id FROM delegation WHERE key = :key) "
                "WHERE organisation_id = :organisation"
            ),
            {"key": key, "organisation": organisation_id},
        )
    # A country ISO no longer lists: kept as a retired delegation of its code, not lost.
    for row in connection.execute(
        sa.text("SELECT DISTINCT country FROM registration WHERE delegation_id IS NULL AND country IS NOT NULL")
    ):
        _add_other(connection, delegation, now, f"state:{row.country}", row.country, country=row.country, active=False)
    connection.execute(
        sa.text(
            "UPDATE registration SET delegation_id = "
            "(SELECT id FROM delegation WHERE delegation.country = registration.country) WHERE delegation_id IS NULL"
        )
    )
    for row in connection.execute(sa.text("SELECT id, first_name, last_name, email FROM registration")).all():
        connection.execute(
            sa.text("UPDATE registration SET search_key = :key WHERE id = :id"),
            {"key": _fold(f"{row.first_name} {row.last_name} {row.email}"), "id": row.id},
        )
    _one_head_each(connection)

    # Indexes with a WHERE clause are made again after the copy SQLite's batch makes.
    op.drop_index("uq_registration_meeting_email_live", table_name="registration")
    op.drop_index("ix_registration_meeting_delegation", table_name="registration")
    with op.batch_alter_table("registration") as batch:
        batch.drop_constraint(op.f("ck_registration_one_delegation"), type_="check")
        batch.drop_constraint(op.f("fk_registration_organisation_id_organisation"), type_="foreignkey")
        batch.drop_column("country")
        batch.drop_column("organisation_id")
        batch.drop_column("delegation")
        batch.drop_column("days")
        batch.alter_column("delegation_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_registration_delegation_id_delegation"), "delegation", ["delegation_id"], ["id"]
        )
    op.create_index(
        "uq_registration_meeting_email_live",
        "registration",
        ["meeting_id", "email"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )
    op.create_index(
        "uq_registration_head_of_delegation",
        "registration",
        ["meeting_id", "delegation_id"],
        unique=True,
        sqlite_where=sa.text(HEAD_HOLDS_PLACE),
        postgresql_where=sa.text(HEAD_HOLDS_PLACE),
    )
    op.create_index("ix_registration_meeting_delegation", "registration", ["meeting_id", "delegation_id"])
    op.drop_table("organisation")


def downgrade():
    connection = op.get_bind()
    organisation = op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("acronym", sa.String(length=30), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    organisations = connection.execute(
        sa.text("SELECT id, name_en, acronym_en, active FROM delegation WHERE kind = 'organisation' ORDER BY id")
    ).all()
    op.bulk_insert(
        organisation,
        [{"id": o.id, "name": o.name_en, "acronym": o.acronym_en, "active": o.active} for o in organisations],
    )
    if connection.dialect.name == "postgresql":
        connection.execute(
            sa.text("SELECT setval('organisation_id_seq', (SELECT coalesce(max(id), 1) FROM organisation))")
        )

    op.drop_index("ix_registration_meeting_delegation", table_name="registration")
    op.drop_index("uq_registration_head_of_delegation", table_name="registration")
    op.drop_index("uq_registration_meeting_email_live", table_name="registration")
    with op.batch_alter_table("registration") as batch:
        batch.add_column(sa.Column("country", sa.String(length=2), nullable=True))
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("delegation", sa.String(length=40), server_default="", nullable=False))
        batch.add_column(sa.Column("days", sa.JSON(), nullable=True))
    for row in connection.execute(
        sa.text(
            "SELECT r.id, d.kind, d.country, d.id AS delegation_id FROM registration r JOIN delegation d ON d.id = r.delegation_id"
        )
    ).all():
        state = row.kind == "state"
        connection.execute(
            sa.text("UPDATE registration SET country = :c, organisation_id = :o, delegation = :k WHERE id = :id"),
            {
                "c": row.country if state else None,
                "o": None if state else row.delegation_id,
                "k": f"state:{row.country}" if state else f"org:{row.delegation_id}",
                "id": row.id,
            },
        )
    days = {}
    for row in connection.execute(sa.text("SELECT registration_id, day FROM registration_day ORDER BY day")):
        days.setdefault(row.registration_id, []).append(str(row.day))
    for (registration_id,) in connection.execute(sa.text("SELECT id FROM registration")).all():
        connection.execute(
            sa.text("UPDATE registration SET days = :days WHERE id = :id").bindparams(
                sa.bindparam("days", type_=sa.JSON())
            ),
            {"days": days.get(registration_id, []), "id": registration_id},
        )
    with op.batch_alter_table("registration") as batch:
        batch.drop_constraint(op.f("fk_registration_delegation_id_delegation"), type_="foreignkey")
        batch.drop_column("delegation_id")
        batch.drop_column("language")
        batch.alter_column("days", existing_type=sa.JSON(), nullable=False)
        batch.create_check_constraint(
            op.f("ck_registration_one_delegation"), "(country IS NULL) != (organisation_id IS NULL)"
        )
        batch.create_foreign_key(
            op.f("fk_registration_organisation_id_organisation"), "organisation", ["organisation_id"], ["id"]
        )
    op.create_index(
        "uq_registration_meeting_email_live",
        "registration",
        ["meeting_id", "email"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )
    op.create_index("ix_registration_meeting_delegation", "registration", ["meeting_id", "delegation"])
    op.drop_index("ix_registration_day_day", table_name="registration_day")
    op.drop_table("registration_day")
    with op.batch_alter_table("meeting") as batch:
        batch.drop_constraint(op.f("ck_meeting_eligibility"), type_="check")
        batch.drop_column("eligibility")
    op.drop_table("delegation")
