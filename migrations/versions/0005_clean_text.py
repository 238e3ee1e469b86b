"""clean stored text: one-line fields without controls or separators, canonical addresses

Names saved before there was one definition of a single line may hold U+2028, C1
controls or bidirectional overrides, which break every email to that delegate. They are
cleaned as the forms now require (the characters become spaces). Addresses are stored
in their canonical form: lower case, the domain in IDNA. An address whose canonical form
another live registration of the same meeting already has is left as it is, and so is
one that cannot be made ASCII (its emails fail and say why in the outbox).

The rules are written out here, not imported: a migration must keep meaning what it
meant when it ran.

Revision ID: 0005_clean_text
Revises: 0004_catalogue_state
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0005_clean_text"
down_revision = "0004_catalogue_state"
branch_labels = None
depends_on = None

_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
SINGLE_LINE = ("salutation", "first_name", "last_name", "phone", "position", "function")
MULTI_LINE = ("dietary_needs", "accessibility_needs")


def _bad(char, keep=""):
    return char not in keep and (char in _BIDI or unicodedata.category(char) in ("Cc", "Zl", "Zp"))


def _line(value):
    if not value or not any(_bad(c) for c in value):
        return value
    return " ".join("".join(" " if _bad(c) else c for c in value).split())


def _lines(value):
    if not value or not any(_bad(c, "\n\r\t") for c in value):
        return value
    return "".join(c for c in value if not _bad(c, "\n\r\t"))


def _email(value):
    local, at, domain = value.strip().rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return value
    return f"{local}{at}{domain}".lower()


registration = sa.table(
    "registration",
    sa.column("id", sa.Integer),
    sa.column("meeting_id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("status", sa.String),
    *(sa.column(name, sa.String) for name in SINGLE_LINE + MULTI_LINE),
)


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(registration)).mappings().all()
    taken = {(row["meeting_id"], row["email"]) for row in rows if row["status"] != "cancelled"}
    for row in rows:
        values = {name: _line(row[name]) for name in SINGLE_LINE if _line(row[name]) != row[name]}
        values.update({name: _lines(row[name]) for name in MULTI_LINE if _lines(row[name]) != row[name]})
        email = _email(row["email"])
        if email != row["email"] and (row["status"] == "cancelled" or (row["meeting_id"], email) not in taken):
            values["email"] = email
            taken.add((row["meeting_id"], email))
        if values:
            connection.execute(sa.update(registration).where(registration.c.id == row["id"]).values(**values))


def downgrade():
    """Nothing to undo: the cleaned text is what the old code accepted too."""
