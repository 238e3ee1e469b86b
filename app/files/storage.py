"""Where uploaded files live: in the database, so every app instance serves the same bytes.

The two functions are the whole interface; an object store could stand behind
them without a change to their callers.
"""

import hashlib

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class StoredFile(db.Model):
    #: SHA-256 of the content: identical uploads are stored once.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


def store_bytes(data: bytes) -> str:
    """Keep ``data`` (in the current transaction) and return its key."""
    key = hashlib.sha256(data).hexdigest()
    if db.session.get(StoredFile, key) is None:
        db.session.add(StoredFile(key=key, data=data))
    return key


def load_bytes(key: str) -> bytes | None:
    stored = db.session.get(StoredFile, key)
    return stored.data if stored else None
