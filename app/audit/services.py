"""Writing the audit log (inside the caller's transaction) and reading it back, filtered."""

import enum
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.actors import Actor, ActorKind
from app.audit.actions import ACTIONS
from app.audit.models import AuditEntry
from app.extensions import db
from app.text import address_key


def address_hash(email: str) -> str:
    """A keyed hash of an email address: the same address always gives the same hash, so
    failed sign-ins on one address can be found, but the log never holds the address."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"audit-address\x00" + address_key(email).encode(), hashlib.sha256).hexdigest()


def _plain(value):
    """A value as the log keeps it: JSON-ready, enums by value, instants in ISO form."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(item) for item in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def changes(before: Mapping, after: Mapping, personal: Iterable[str] = ()) -> dict:
    """What changed between two snapshots: [before, after] for each field that changed, and
    None for a personal one, whose values the log must not keep."""
    personal = set(personal)
    changed = {}
    for field in dict.fromkeys([*before, *after]):
        old, new = _plain(before.get(field)), _plain(after.get(field))
        if old != new:
            changed[field] = None if field in personal else [old, new]
    return changed


def record(
    action: str,
    *,
    actor: Actor,
    now: datetime,
    meeting_id: int | None = None,
    target: tuple[str, object] | None = None,
    changed: dict | None = None,
    address: str | None = None,
) -> AuditEntry:
    """Add one line to the log in the caller's transaction (the caller commits)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    kind, ref = target if target is not None else ("", "")
    entry = AuditEntry(
        at=now,
        actor_kind=actor.kind,
        actor_ref=actor.ref,
        actor_label=actor.label,
        action=action,
        meeting_id=meeting_id,
        target_kind=kind,
        target_ref="" if ref is None else str(ref),
        changes=changed or {},
        address_hash=address_hash(address) if address is not None else None,
    )
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    #: Only what the organiser with this account id did.
    account_id: int | None = None
    action: str | None = None
    #: Only this meeting's lines; None: every line.
    meeting_id: int | None = None
    #: Days in UTC, both included.
    since: date | None = None
    until: date | None = None
    #: Only failed sign-ins on this address (compared by its keyed hash).
    address: str | None = None


def _conditions(audit_filter: AuditFilter) -> list:
    conditions = []
    if audit_filter.account_id is not None:
        conditions += [
            AuditEntry.actor_kind == ActorKind.ORGANISER,
            AuditEntry.actor_ref == str(audit_filter.account_id),
        ]
    if audit_filter.action:
        conditions.append(AuditEntry.action == audit_filter.action)
    if audit_filter.meeting_id is not None:
        conditions.append(AuditEntry.meeting_id == audit_filter.meeting_id)
    if audit_filter.since is not None:
        conditions.append(AuditEntry.at >= datetime.combine(audit_filter.since, time(), UTC))
    if audit_filter.until is not None and audit_filter.until < date.max:
        conditions.append(AuditEntry.at < datetime.combine(audit_filter.until + timedelta(days=1), time(), UTC))
    if audit_filter.address:
        conditions.append(AuditEntry.address_hash == address_hash(audit_filter.address))
    return conditions


def list_entries(audit_filter: AuditFilter, *, page: int = 1, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    """One page of the log's lines, newest first, and how many lines match in all."""
    conditions = _conditions(audit_filter)
    total = db.session.scalar(select(func.count(AuditEntry.id)).where(*conditions))
    query = (
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(db.session.scalars(query)), total
