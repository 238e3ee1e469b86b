"""The catalogue version: what keys every app instance's caches of public pages and calendars.

It rises in the same transaction as any change the public pages show, so a change
made through one instance is seen by every instance on its next request. It is the
one version: the calendars' ETag and Last-Modified come from it too.
"""

from datetime import datetime

from sqlalchemy import BigInteger, case, event, inspect, literal, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.meetings.models import Document, Meeting, ProgrammeSession
from app.meetings.translations import (
    TRANSLATIONS,
    MeetingTranslation,
    ProgrammeSessionTranslation,
)


class CatalogueState(db.Model):
    """One row whose version rises in the same transaction as any change to a meeting,
    its programme or its documents: every app instance's page cache is keyed by it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    #: When the version last rose (UTC): the calendars' Last-Modified. Never moves back,
    #: even when the instance raising it has a clock behind the one that raised it before.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def get_catalogue_state() -> tuple[int, datetime] | None:
    """(version, when it last rose); None if the row is missing (then nothing is cached)."""
    row = db.session.execute(
        select(CatalogueState.version, CatalogueState.changed_at).where(CatalogueState.id == 1)
    ).first()
    return (row.version, row.changed_at) if row else None


_CATALOGUE = (Meeting, ProgrammeSession, Document, *TRANSLATIONS)


def _meeting_of(obj) -> Meeting | None:
    """The meeting a session, document or translation belongs to."""
    if isinstance(obj, (ProgrammeSession, Document, MeetingTranslation)):
        return obj.meeting
    parent = obj.session if isinstance(obj, ProgrammeSessionTranslation) else obj.document
    return parent.meeting if parent is not None else None


def _shows_a_change(session, obj) -> bool:
    """Whether a pending change to a catalogue object changes what the public pages show.

    A seat taken or freed changes them only when the meeting becomes full or stops being
    full: confirmations during a registration rush must not empty every page cache.
    """
    if obj not in session.dirty:
        return True
    if not session.is_modified(obj):
        return False
    if not isinstance(obj, Meeting):
        return True
    state = inspect(obj)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if not changed <= {"seats_taken", "updated_at"}:
        return True
    seats = state.attrs.seats_taken.history
    before = (seats.deleted or seats.unchanged or [obj.seats_taken])[0]
    full = lambda taken: obj.capacity is not None and taken >= obj.capacity  # noqa: E731
    return full(before) != full(obj.seats_taken)


@event.listens_for(Session, "before_flush")
def _note_catalogue_change(session, flush_context, instances):
    """A change to a session, a document or a translation is a change to its meeting
    (Last-Modified), and any change the public pages show raises the catalogue version, in the
    same transaction."""
    changed = False
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, _CATALOGUE) or not _shows_a_change(session, obj):
            continue
        changed = True
        meeting = None if isinstance(obj, Meeting) else _meeting_of(obj)
        if meeting is not None:
            meeting.updated_at = utcnow()
    if changed:
        table = CatalogueState.__table__
        now = literal(utcnow(), UTCDateTime())
        later = case((table.c.changed_at > now, table.c.changed_at), else_=now)
        session.connection().execute(table.update().values(version=table.c.version + 1, changed_at=later))
