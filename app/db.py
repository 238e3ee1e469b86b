"""Column types every model shares, and the clock.

Instants are stored as naive UTC on both databases and read back aware; enums are
stored as their values in a checked VARCHAR, so the schema is the same on SQLite and
PostgreSQL. Services take ``now`` from their caller; ``utcnow`` is for defaults and for
the callers at the edge (a view, a command, the worker).
"""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator

#: The largest id a route accepts: PostgreSQL's INTEGER holds no more, so a larger one is a 404.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and always read back as an aware UTC datetime.

    SQLite has no time-zone-aware type; storing naive UTC on both databases keeps
    the schema identical and the values comparable.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware instant is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def enum_column(cls, name: str | None = None):
    """An enum column holding the members' values, checked by the database.

    ``name`` names its check constraint; two columns of one enum in one table need their own.
    """
    named = {"name": name} if name else {}  # unnamed, the enum takes its class's name
    return Enum(
        cls,
        **named,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
