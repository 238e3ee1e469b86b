"""Who may do what: each role's permissions, on which meetings, and the services that refuse
an account without them."""

import pytest
from sqlalchemy import func, select

from app.actors import Actor
from app.audit.models import AuditEntry
from app.auth import services
from app.auth.models import Account, Role
from app.auth.permissions import NotPermitted, Permission, may, permissions_of, sees_every_meeting
from app.auth.services import actor_for, authorise
from app.extensions import db
from tests.helpers.accounts import PASSWORD, make_account
from tests.helpers.actors import SYSTEM
from tests.helpers.factories import make_meeting
from tests.helpers.outbox import queued

P = Permission
#: What each role may do on a meeting it works on, as the roles are described to organisers.
EXPECTED = {
    Role.ADMIN: set(Permission),
    Role.ORGANISER: {P.VIEW_MEETING, P.EDIT_MEETING, P.CREATE_MEETING, P.DECIDE_REGISTRATIONS, P.VIEW_MEETING_AUDIT},
    Role.VIEWER: {P.VIEW_MEETING},
}
SCOPED = {P.VIEW_MEETING, P.EDIT_MEETING, P.DECIDE_REGISTRATIONS, P.VIEW_MEETING_AUDIT}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_holds_exactly_its_permissions_on_a_meeting_it_works_on(app, role):
    meeting = make_meeting()
    account = make_account(role, meetings=[meeting])
    held = {permission for permission in Permission if may(account, permission, meeting.id)}
    assert held == EXPECTED[role]
    assert permissions_of(account, meeting.id) == EXPECTED[role]


def test_the_permissions_about_one_meeting_are_the_scoped_ones(app):
    assert {permission for permission in Permission if permission.scoped} == SCOPED


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.VIEWER])
def test_organisers_and_viewers_hold_meeting_permissions_only_on_their_meetings(app, role):
    mine, other = make_meeting(), make_meeting()
    account = make_account(role, meetings=[mine])
    assert may(account, P.VIEW_MEETING, mine.id)
    assert not may(account, P.VIEW_MEETING, other.id)
    assert not may(account, P.VIEW_MEETING)  # a scoped permission for no meeting in particular
    assert permissions_of(account, other.id) == EXPECTED[role] - SCOPED
    assert not sees_every_meeting(account)


def test_an_organiser_holds_the_permissions_about_no_meeting_without_one(app):
    account = make_account(Role.ORGANISER)
    assert may(account, P.CREATE_MEETING)
    assert not may(account, P.EDIT_MEETING, make_meeting().id)


def test_assigning_a_meeting_grants_its_permissions(app, now):
    mine, later = make_meeting(), make_meeting()
    account = make_account(Role.ORGANISER, meetings=[mine])
    assert not may(account, P.EDIT_MEETING, later.id)
    services.update_account(account, meeting_ids=[mine.id, later.id], now=now, actor=SYSTEM)
    assert may(account, P.EDIT_MEETING, later.id)
    services.update_account(account, meeting_ids=[later.id], now=now, actor=SYSTEM)
    assert not may(account, P.EDIT_MEETING, mine.id)


def test_an_admin_holds_every_permission_on_every_meeting(app):
    meeting = make_meeting()
    admin = make_account(Role.ADMIN)  # assigned to nothing
    assert sees_every_meeting(admin)
    assert permissions_of(admin, meeting.id) == set(Permission)
    assert all(may(admin, permission) for permission in Permission)


@pytest.mark.parametrize("role", list(Role))
def test_a_deactivated_account_holds_nothing(app, role, now):
    meeting = make_meeting()
    make_account(Role.ADMIN)  # so that even the admin under test may be deactivated
    account = make_account(role, meetings=[meeting])
    services.deactivate_account(account, now=now, actor=SYSTEM)
    assert permissions_of(account, meeting.id) == frozenset()
    assert permissions_of(account) == frozenset()
    assert not sees_every_meeting(account)


def test_no_account_holds_nothing(app):
    meeting = make_meeting()
    assert permissions_of(None, meeting.id) == frozenset()
    assert not sees_every_meeting(None)


def test_the_system_is_authorised_for_everything(app):
    meeting = make_meeting()
    for permission in Permission:
        authorise(SYSTEM, permission, meeting.id)
        authorise(SYSTEM, permission)


def test_an_organiser_actor_is_authorised_as_their_account_allows(app):
    mine, other = make_meeting(), make_meeting()
    organiser = make_account(Role.ORGANISER, meetings=[mine])
    actor = actor_for(organiser)
    authorise(actor, P.EDIT_MEETING, mine.id)
    authorise(actor, P.CREATE_MEETING)
    with pytest.raises(NotPermitted):
        authorise(actor, P.EDIT_MEETING, other.id)
    with pytest.raises(NotPermitted):
        authorise(actor, P.MANAGE_ACCOUNTS)
    authorise(actor_for(make_account(Role.ADMIN)), P.MANAGE_ACCOUNTS)


def test_a_delegate_or_an_unknown_or_deactivated_account_is_authorised_for_nothing(app, now):
    meeting = make_meeting()
    make_account(Role.ADMIN)
    gone = make_account(Role.ADMIN)
    services.deactivate_account(gone, now=now, actor=SYSTEM)
    for actor in (Actor.delegate(), Actor.organiser(999_999), actor_for(gone)):
        for permission in Permission:
            with pytest.raises(NotPermitted):
                authorise(actor, permission, meeting.id)


def _audit_lines():
    return db.session.scalar(select(func.count(AuditEntry.id)))


def _fresh(account):
    db.session.expire_all()
    return db.session.get(Account, account.id)


@pytest.fixture
def refused_actors(app):
    """The actors of an organiser and a viewer of a meeting: neither manages accounts."""
    meeting = make_meeting()
    organiser = make_account(Role.ORGANISER, meetings=[meeting])
    viewer = make_account(Role.VIEWER, meetings=[meeting])
    return [actor_for(organiser), actor_for(viewer)]


def test_only_an_admin_creates_accounts(app, refused_actors, now):
    lines = _audit_lines()
    for actor in refused_actors:
        with pytest.raises(NotPermitted):
            services.create_account("new.person@secretariat.example", Role.ADMIN, now=now, actor=actor)
    assert services.get_account_by_email("new.person@secretariat.example") is None
    assert queued("new.person@secretariat.example") == []
    assert _audit_lines() == lines
    admin = make_account(Role.ADMIN)
    services.create_account("new.person@secretariat.example", Role.VIEWER, now=now, actor=actor_for(admin))
    assert services.get_account_by_email("new.person@secretariat.example") is not None


def test_only_an_admin_changes_an_account(app, refused_actors, now):
    target = make_account(Role.VIEWER, name="Before")
    lines = _audit_lines()
    for actor in refused_actors:
        with pytest.raises(NotPermitted):
            services.update_account(target, role=Role.ADMIN, name="After", now=now, actor=actor)
    target = _fresh(target)
    assert (target.role, target.name) == (Role.VIEWER, "Before")
    assert _audit_lines() == lines


def test_only_an_admin_deactivates_or_reactivates_an_account(app, refused_actors, now):
    active, inactive = make_account(Role.ORGANISER), make_account(Role.ORGANISER)
    services.deactivate_account(inactive, now=now, actor=SYSTEM)
    lines = _audit_lines()
    for actor in refused_actors:
        with pytest.raises(NotPermitted):
            services.deactivate_account(active, now=now, actor=actor)
        with pytest.raises(NotPermitted):
            services.reactivate_account(inactive, now=now, actor=actor)
    assert _fresh(active).active and not _fresh(inactive).active
    assert _audit_lines() == lines
    assert services.sign_in(active.email, PASSWORD, now=now) is not None


def test_only_an_admin_sets_someone_elses_password_or_sends_a_link(app, refused_actors, now):
    target = make_account(Role.ORGANISER)
    hashed, token = target.password_hash, target.session_token
    lines = _audit_lines()
    for actor in refused_actors:
        with pytest.raises(NotPermitted):
            services.set_password(target, "taken-over-by-someone", now=now, actor=actor)
        with pytest.raises(NotPermitted):
            services.send_setup_link(target, now=now, actor=actor)
    target = _fresh(target)
    assert (target.password_hash, target.session_token) == (hashed, token)
    assert queued(target.email) == []
    assert _audit_lines() == lines
    assert services.sign_in(target.email, "taken-over-by-someone", now=now) is None
