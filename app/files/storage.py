"""Where uploaded files live: in the database, so every app instance serves the same bytes.

The two functions are the whole interface; an object store could stand behind
them without a change to their callers.
"""

import hashlib

from sqlalchemy import LargeBinary, String
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class StoredFile(db.Model):
    #: SHA-256 of the content: identical uploads are stored once.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


def store_bytes(data: bytes) -> str:
    """Keep ``data`` (in the current transaction) and return its key.

    On PostgreSQL two transactions storing the same new bytes at once both succeed: the row
    is inserted if absent (ON CONFLICT DO NOTHING), the second waiting for the first. SQLite
    lets one transaction write at a time, and the row is added with the transaction's other
    writes at commit, so storing takes no write lock early (a job reporting its progress
    from another connection meanwhile is not kept waiting).
    """
    key = hashlib.sha256(data).hexdigest()
    if db.session.get(StoredFile, key) is None:
        if db.session.get_bind().dialect.name == "postgresql":
            insert = postgresql.insert(StoredFile).values(key=key, data=data)
            db.session.execute(insert.on_conflict_do_nothing(index_elements=["key"]))
        else:
            db.session.add(StoredFile(key=key, data=data))
    return key


def load_bytes(key: str) -> bytes | None:
    stored = db.session.get(StoredFile, key)
    return stored.data if stored else None
