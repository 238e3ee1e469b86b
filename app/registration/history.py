"""A registration's history: a row for every change of its state, written in the same
flush as the change, with when (the service's ``now``), who (the ``Actor``) and why.

A service says once what it is doing, ``acting(now, actor, reason)``; every status that
changes in its transaction is then recorded, however deep in the allocation it changed
(a promotion from the waiting list inside a cancellation included). A status changed
without that context is refused at flush: no change goes unrecorded.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.actors import Actor
from app.db import UTCDateTime, enum_column
from app.extensions import db
from app.registration.models import Registration, RegistrationStatus

_CONTEXT = "registration.history"
_REASONS = "registration.history.reasons"


class RegistrationEvent(db.Model):
    """One change of a registration's state."""

    __tablename__ = "registration_event"
    __table_args__ = (Index("ix_registration_event_registration_id_at", "registration_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    #: NULL for the first row: the registration was made.
    from_status: Mapped[RegistrationStatus | None] = mapped_column(enum_column(RegistrationStatus, "from_status"))
    to_status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus, "to_status"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The Actor: its kind, its reference (a registration's uid, an account's id) and label.
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_ref: Mapped[str | None] = mapped_column(String(60))
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    reason: Mapped[str] = mapped_column(String(300), default="")

    registration: Mapped[Registration] = relationship()


def acting(now: datetime, actor: Actor, reason: str) -> None:
    """Declare, for the current transaction, when, by whom and why states change."""
    db.session.info[_CONTEXT] = (now, actor, reason)


def because(registration: Registration, reason: str) -> None:
    """A reason for one registration's change that differs from the service's own."""
    db.session.info.setdefault(_REASONS, {})[id(registration)] = reason


def list_events(registration: Registration) -> list[RegistrationEvent]:
    return list(
        db.session.scalars(
            db.select(RegistrationEvent)
            .where(RegistrationEvent.registration_id == registration.id)
            .order_by(RegistrationEvent.at, RegistrationEvent.id)
        )
    )


def _changes(session: Session):
    for registration in [*session.new, *session.dirty]:
        if not isinstance(registration, Registration):
            continue
        status = inspect(registration).attrs.status.history
        if registration in session.new:
            yield registration, None, registration.status or RegistrationStatus.UNCONFIRMED
        elif status.has_changes() and status.deleted and status.deleted[0] is not registration.status:
            yield registration, status.deleted[0], registration.status


@event.listens_for(Session, "before_flush")
def _record(session, flush_context, instances):
    changes = list(_changes(session))
    if not changes:
        return
    context = session.info.get(_CONTEXT)
    if context is None:
        raise RuntimeError("a registration's state changed outside a service: call history.acting() first")
    now, actor, reason = context
    reasons = session.info.get(_REASONS, {})
    for registration, before, after in changes:
        session.add(
            RegistrationEvent(
                registration=registration,
                from_status=before,
                to_status=after,
                at=now,
                actor_kind=actor.kind.value,
                actor_ref=actor.ref,
                actor_label=actor.label,
                reason=reasons.get(id(registration), reason)[:300],
            )
        )


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_CONTEXT, None)
    session.info.pop(_REASONS, None)
