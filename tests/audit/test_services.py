"""The audit log: what a line keeps of a change, that no line is ever edited, and reading the
log back filtered by person, action, meeting, days and address."""

import enum
import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.actors import Actor, ActorKind
from app.audit.models import AuditEntry
from app.audit.services import AuditFilter, address_hash, changes, list_entries, record
from app.extensions import db
from tests.helpers.database import make_config

ALICE, BOB = Actor.organiser(11, "alice@secretariat.example"), Actor.organiser(12, "bob@secretariat.example")
SYSTEM = Actor.system("tests")
DAY = datetime(2026, 3, 2, tzinfo=UTC)


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


def test_changes_keep_before_and_after_of_what_changed_only():
    before = {"title": "Rabat meeting", "capacity": 40, "status": Colour.RED, "venue": "Hall A"}
    after = {"title": "Rabat meeting", "capacity": 60, "status": Colour.BLUE, "venue": "Hall A"}
    assert changes(before, after) == {"capacity": [40, 60], "status": ["red", "blue"]}


def test_changes_keep_only_the_names_of_personal_fields():
    before = {"email": "old@mfa.example", "name": "Old Name", "role": "viewer"}
    after = {"email": "new@mfa.example", "name": "Old Name", "role": "organiser"}
    assert changes(before, after, personal=("email", "name")) == {"email": None, "role": ["viewer", "organiser"]}


def test_changes_read_fields_present_on_one_side_only_and_plain_values():
    day = date(2026, 3, 2)
    assert changes({}, {"meetings": {8, 1, 2}, "starts": datetime(2026, 3, 2, 9, tzinfo=UTC)}) == {
        "meetings": [None, [1, 2, 8]],  # a set in order, whatever order Python keeps it in
        "starts": [None, "2026-03-02T09:00:00+00:00"],
    }
    assert changes({"day": day, "gone": "x"}, {"day": day}) == {"gone": ["x", None]}
    assert changes({"rooms": {2, 1}}, {"rooms": [1, 2]}) == {}  # the same members, in any order


def test_a_line_is_written_with_the_callers_commit(app):
    record(
        "meeting.cancelled",
        actor=ALICE,
        now=DAY,
        meeting_id=7,
        target=("meeting", 7),
        changed={"status": ["published", "cancelled"]},
    )
    db.session.rollback()
    assert db.session.scalars(select(AuditEntry)).all() == []
    record("meeting.cancelled", actor=ALICE, now=DAY, meeting_id=7, target=("meeting", 7))
    db.session.commit()
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.actor_kind, entry.actor_ref, entry.actor_label) == (
        ActorKind.ORGANISER,
        "11",
        "alice@secretariat.example",
    )
    assert (entry.action, entry.meeting_id, entry.target_kind, entry.target_ref) == (
        "meeting.cancelled",
        7,
        "meeting",
        "7",
    )
    assert entry.at == DAY and entry.changes == {} and entry.address_hash is None


def test_an_unknown_action_is_refused(app):
    with pytest.raises(ValueError, match="unknown audit action"):
        record("meeting.deleted", actor=ALICE, now=DAY)
    db.session.commit()
    assert db.session.scalars(select(AuditEntry)).all() == []


def _one_line():
    record("meeting.changed", actor=ALICE, now=DAY, meeting_id=1, changed={"title": ["A", "B"]})
    db.session.commit()
    return db.session.scalars(select(AuditEntry)).one()


def test_a_line_cannot_be_edited_through_the_orm(app):
    entry = _one_line()
    entry.changes = {"title": ["A", "C"]}
    with pytest.raises(RuntimeError, match="never edited"):
        db.session.commit()
    db.session.rollback()
    entry = _one_line_again()
    assert entry.changes == {"title": ["A", "B"]}


def test_a_line_cannot_be_deleted_through_the_orm(app):
    entry = _one_line()
    db.session.delete(entry)
    with pytest.raises(RuntimeError, match="never edited"):
        db.session.flush()
    db.session.rollback()
    assert _one_line_again().id == entry.id


def _one_line_again():
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry)).one()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET changes = '{}'",
        "UPDATE audit_entry SET actor_ref = '12', actor_label = 'bob@secretariat.example'",
        "UPDATE audit_entry SET at = at",
    ],
)
def test_the_database_refuses_to_update_a_line(app, statement):
    entry_id = _one_line().id
    with pytest.raises(DBAPIError, match="the audit log is never edited"):
        db.session.execute(text(statement))
    db.session.rollback()
    entry = _one_line_again()
    assert (entry.id, entry.actor_ref, entry.changes) == (entry_id, "11", {"title": ["A", "B"]})


def test_an_address_hash_is_keyed_and_ignores_case_and_spaces(app, migrated):
    hashed = address_hash("Hanna@Secretariat.example")
    assert hashed == address_hash("  hanna@secretariat.example ")
    assert hashed != address_hash("hanna2@secretariat.example")
    assert hashed != hashlib.sha256(b"hanna@secretariat.example").hexdigest()
    other_site = create_app(make_config(migrated, SECRET_KEY="another site's key"))
    with other_site.app_context():
        assert address_hash("hanna@secretariat.example") != hashed


# Reading the log back


def _line(action, at, actor=ALICE, meeting_id=None, address=None):
    return record(action, actor=actor, now=at, meeting_id=meeting_id, address=address)


@pytest.fixture
def log(app):
    """Lines of two organisers, a delegate and the sign-in page, over four days."""
    lines = {
        "alice_changed": _line("meeting.changed", DAY - timedelta(seconds=1), meeting_id=1),  # 1 March, 23:59:59
        "alice_cancelled": _line("meeting.cancelled", DAY, meeting_id=1),  # 2 March, midnight
        "bob_changed": _line("meeting.changed", DAY + timedelta(hours=12), BOB, meeting_id=2),
        "delegate": _line("registration.cancelled", DAY + timedelta(hours=13), Actor(ActorKind.DELEGATE, "11")),
        "failed": _line(
            "account.sign_in_failed", DAY + timedelta(days=1, hours=23, minutes=59), SYSTEM, address="X@y.example"
        ),
        "failed_other": _line("account.sign_in_failed", DAY + timedelta(days=2), SYSTEM, address="z@y.example"),
    }
    db.session.commit()
    return {name: entry.id for name, entry in lines.items()}


def ids(audit_filter=None, **paging):
    entries, total = list_entries(audit_filter or AuditFilter(), **paging)
    return [entry.id for entry in entries], total


def test_the_log_reads_newest_first_with_its_total(log):
    order = ["failed_other", "failed", "delegate", "bob_changed", "alice_cancelled", "alice_changed"]
    assert ids() == ([log[name] for name in order], 6)


def test_lines_at_the_same_instant_read_newest_written_first(app):
    first, second, third = (_line("meeting.changed", DAY, meeting_id=1) for _ in range(3))
    db.session.commit()
    assert ids() == ([third.id, second.id, first.id], 3)
    assert ids(AuditFilter(action="meeting.changed")) == ([third.id, second.id, first.id], 3)
    assert ids(AuditFilter(meeting_id=1, account_id=11)) == ([third.id, second.id, first.id], 3)


def test_the_log_is_read_page_by_page(log):
    order = ["failed_other", "failed", "delegate", "bob_changed", "alice_cancelled", "alice_changed"]
    assert ids(page=1, per_page=4) == ([log[name] for name in order[:4]], 6)
    assert ids(page=2, per_page=4) == ([log[name] for name in order[4:]], 6)
    assert ids(page=3, per_page=4) == ([], 6)


def test_the_log_filters_by_person(log):
    # Only what the organiser did: not a delegate whose reference happens to be the same.
    assert ids(AuditFilter(account_id=11)) == ([log["alice_cancelled"], log["alice_changed"]], 2)
    assert ids(AuditFilter(account_id=12)) == ([log["bob_changed"]], 1)


def test_the_log_filters_by_action_and_meeting(log):
    assert ids(AuditFilter(action="meeting.changed")) == ([log["bob_changed"], log["alice_changed"]], 2)
    assert ids(AuditFilter(meeting_id=1)) == ([log["alice_cancelled"], log["alice_changed"]], 2)
    assert ids(AuditFilter(action="meeting.changed", meeting_id=2, account_id=12)) == ([log["bob_changed"]], 1)
    assert ids(AuditFilter(action="meeting.published")) == ([], 0)


def test_the_log_filters_by_days_in_utc_both_included(log):
    assert ids(AuditFilter(since=date(2026, 3, 2), until=date(2026, 3, 3))) == (
        [log["failed"], log["delegate"], log["bob_changed"], log["alice_cancelled"]],
        4,
    )
    assert ids(AuditFilter(until=date(2026, 3, 1))) == ([log["alice_changed"]], 1)
    assert ids(AuditFilter(since=date(2026, 3, 4))) == ([log["failed_other"]], 1)
    assert ids(AuditFilter(since=date(2026, 3, 2), until=date(2026, 3, 2)))[1] == 3


def test_the_log_filters_failed_sign_ins_by_address_without_holding_it(log):
    assert ids(AuditFilter(address=" x@Y.example")) == ([log["failed"]], 1)
    assert ids(AuditFilter(address="nobody@y.example")) == ([], 0)
    stored = db.session.scalars(select(AuditEntry.address_hash).where(AuditEntry.address_hash.is_not(None))).all()
    assert all("@" not in value for value in stored)
