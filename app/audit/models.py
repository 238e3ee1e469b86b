"""One line of the audit log; the database refuses to change one (migration 0017's trigger)."""

from datetime import datetime

from sqlalchemy import JSON, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.actors import ActorKind
from app.db import UTCDateTime, enum_column
from app.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_meeting_id_at", "meeting_id", "at"),
        Index("ix_audit_entry_actor", "actor_kind", "actor_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    #: The account's id for an organiser, the registration's uid for a delegate.
    actor_ref: Mapped[str | None] = mapped_column(String(60))
    #: What the system was doing; for an organiser, their email when they acted.
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    #: What was done: one of app.audit.actions.ACTIONS ("account.signed_in", "meeting.cancelled").
    action: Mapped[str] = mapped_column(String(60), index=True)
    #: The meeting concerned; a plain number, not a foreign key, so that no change to the
    #: meetings ever rewrites the log.
    meeting_id: Mapped[int | None]
    #: What was acted on: "meeting", "registration", "account", "delegation".
    target_kind: Mapped[str] = mapped_column(String(20), default="")
    target_ref: Mapped[str] = mapped_column(String(60), default="")
    #: Field -> [before, after] for what is not personal; field -> None for personal data,
    #: whose values the log never holds.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    #: A failed sign-in's attempted address, as a keyed hash (app.audit.services.address_hash).
    address_hash: Mapped[str | None] = mapped_column(String(64), index=True)


@event.listens_for(Session, "before_flush")
def _never_edited(session, flush_context, instances):
    """The log is only ever added to: an edit or a deletion through the ORM is a bug."""
    for entry in (*session.dirty, *session.deleted):
        if isinstance(entry, AuditEntry) and (entry in session.deleted or session.is_modified(entry)):
            raise RuntimeError("the audit log is never edited")
