"""Seat allocation under real concurrency: threads, each with its own connection and
transaction, against the test database (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.meetings.models import Meeting
from app.registration import allocation, services
from app.registration.exceptions import RegistrationRefused
from app.registration.models import DelegateRole, Registration
from app.registration.models import RegistrationStatus as S
from tests.helpers.actors import DELEGATE
from tests.helpers.factories import make_open_meeting, make_registration
from tests.helpers.outbox import queued


@pytest.fixture
def config_overrides():
    # One connection per thread, so that all of them really do run at once.
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 60, "max_overflow": 0, "pool_timeout": 60}}


def run_at_once(app, jobs):
    """Run each job in its own thread and app context, released together by a barrier."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def runner(job):
        with app.app_context():
            try:
                prepared = job[0]()
                barrier.wait(timeout=60)
                job[1](prepared)
            except Exception as error:  # reported by the test, not lost in the thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []


def confirm_job(registration_id, now):
    return (
        lambda: db.session.get(Registration, registration_id),
        lambda registration: services.confirm_registration(registration, now, actor=DELEGATE),
    )


def statuses(meeting_id):
    db.session.expire_all()
    return list(
        db.session.scalars(select(Registration).where(Registration.meeting_id == meeting_id).order_by(Registration.id))
    )


def test_fifty_delegates_confirming_at_once_share_ten_seats(app, now):
    meeting = make_open_meeting(capacity=10, delegation_quota=None)
    ids = [make_registration(meeting, confirm=False).id for _ in range(50)]
    meeting_id = meeting.id
    db.session.remove()

    run_at_once(app, [confirm_job(i, now) for i in ids])

    registrations = statuses(meeting_id)
    confirmed = [r for r in registrations if r.status is S.CONFIRMED]
    waiting = [r for r in registrations if r.status is S.WAITLISTED]
    assert (len(confirmed), len(waiting)) == (10, 40)
    assert db.session.get(Meeting, meeting_id).seats_taken == 10
    # The waiting list has one consistent order: positions 1..40, each once, and
    # everyone confirmed was queued before everyone waiting.
    assert sorted(allocation.waitlist_position(r) for r in waiting) == list(range(1, 41))
    assert max(r.queued_at for r in confirmed) <= min(r.queued_at for r in waiting)
    # Every committed registration has exactly its two emails.
    for registration in registrations:
        subjects = [m.subject for m in queued(registration.email)]
        assert len(subjects) == 2, subjects


def test_a_delegation_quota_holds_under_concurrency(app, now):
    meeting = make_open_meeting(capacity=None, delegation_quota=3)
    ids = [make_registration(meeting, confirm=False, delegation="state:ET").id for _ in range(20)]
    meeting_id = meeting.id
    db.session.remove()

    run_at_once(app, [confirm_job(i, now) for i in ids])

    registrations = statuses(meeting_id)
    assert sum(r.status is S.CONFIRMED for r in registrations) == 3
    assert sum(r.status is S.WAITLISTED for r in registrations) == 17


def test_promotion_racing_new_confirmations_never_overbooks(app, now):
    meeting = make_open_meeting(capacity=5, delegation_quota=None)
    seated = [make_registration(meeting).id for _ in range(5)]
    waiting = [make_registration(meeting).id for _ in range(5)]
    newcomers = [make_registration(meeting, confirm=False).id for _ in range(10)]
    meeting_id = meeting.id
    db.session.remove()

    cancels = [
        (
            lambda i=i: db.session.get(Registration, i),
            lambda registration: services.cancel_registration(registration, now + timedelta(seconds=1), actor=DELEGATE),
        )
        for i in seated[:3]
    ]
    # The newcomers confirm after the waiting list formed: the services order it by their ``now``.
    later = datetime.now(UTC) + timedelta(seconds=5)
    run_at_once(app, cancels + [confirm_job(i, later) for i in newcomers])

    registrations = statuses(meeting_id)
    confirmed = [r for r in registrations if r.status is S.CONFIRMED]
    assert len(confirmed) == 5
    assert db.session.get(Meeting, meeting_id).seats_taken == 5
    # Freed seats went to the waiting list in order, before any newcomer.
    assert {r.id for r in confirmed} == set(seated[3:]) | set(waiting[:3])


def test_two_heads_of_one_delegation_confirming_at_once_leave_one_head(app, now):
    meeting = make_open_meeting(capacity=None, delegation_quota=None)
    ids = [make_registration(meeting, confirm=False, role=DelegateRole.HEAD).id for _ in range(2)]
    meeting_id = meeting.id
    db.session.remove()
    refused = []

    def confirm(registration):
        try:
            services.confirm_registration(registration, now, actor=DELEGATE)
        except RegistrationRefused as error:
            refused.append(error)

    run_at_once(app, [(lambda i=i: db.session.get(Registration, i), confirm) for i in ids])

    assert sorted(r.status.value for r in statuses(meeting_id)) == ["confirmed", "unconfirmed"]
    assert len(refused) == 1 and "already has a head of delegation" in refused[0].errors["role"]
