"""``flask users``: accounts from the command line, acting as the system; the password comes
on standard input, and every change is in the audit log."""

import pytest
from sqlalchemy import func, select

from app.actors import ActorKind
from app.audit.models import AuditEntry
from app.auth.models import Account, Role
from app.auth.permissions import assigned_meeting_ids
from app.extensions import db
from tests.helpers.accounts import PASSWORD, make_account, sign_in
from tests.helpers.factories import make_meeting
from tests.helpers.outbox import queued
from tests.manage import browser, reload, signed_in

NEW_PASSWORD = "amber-harbour-kettle-42"


def users(runner, *args, password=None):
    return runner.invoke(args=["users", *args], input=None if password is None else f"{password}\n")


def account_count() -> int:
    return db.session.scalar(select(func.count(Account.id)))


def by_email(email: str) -> Account | None:
    db.session.expire_all()
    return db.session.scalar(select(Account).where(Account.email == email))


def logged(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def assert_by_the_command(entry: AuditEntry, account: Account):
    assert (entry.actor_kind, entry.actor_label) == (ActorKind.SYSTEM, "flask users")
    assert (entry.target_kind, entry.target_ref) == ("account", str(account.id))


@pytest.fixture
def meetings(app):
    return make_meeting(slug="khartoum-2026", title="Khartoum Process 2026"), make_meeting(
        slug="rabat-2026", title="Rabat Process 2026"
    )


def test_create_makes_an_account_with_its_role_meetings_and_the_password_read_from_standard_input(
    app, runner, meetings
):
    result = users(
        runner,
        "create",
        "Selam.Tadesse@MFA.example",
        "--role",
        "organiser",
        "--meeting",
        "khartoum-2026",
        "--meeting",
        "rabat-2026",
        "--name",
        "Selam Tadesse",
        password=PASSWORD,
    )

    assert result.exit_code == 0, result.output
    assert "Created the organiser account selam.tadesse@mfa.example." in result.output
    account = by_email("selam.tadesse@mfa.example")
    assert (account.role, account.name) == (Role.ORGANISER, "Selam Tadesse")
    assert assigned_meeting_ids(account) == {meeting.id for meeting in meetings}
    assert queued() == []  # the operator chose the password: no link is sent
    client = signed_in(app, account)
    assert all(meeting.title in client.get("/manage/").text for meeting in meetings)
    [entry] = logged("account.created")
    assert_by_the_command(entry, account)


@pytest.mark.parametrize(
    "args, password, message",
    [
        (["--role", "chief"], PASSWORD, "Invalid value for '--role'"),
        (["--role", "organiser", "--meeting", "khartoum-2026", "--meeting", "nowhere"], PASSWORD, "nowhere"),
        (["--role", "viewer"], "password1234!", "This password is one of the commonest"),
        (["--role", "viewer"], "short", "at least 12 characters"),
        (["--role", "viewer"], "", "Give the password on standard input"),
        (["--role", "viewer"], None, "Give the password on standard input"),
    ],
)
def test_create_refuses_a_bad_role_an_unknown_meeting_or_a_weak_password_and_makes_nothing(
    app, runner, meetings, args, password, message
):
    result = users(runner, "create", "new.person@mfa.example", *args, password=password)
    assert result.exit_code != 0 and message in result.output, result.output
    assert account_count() == 0 and logged("account.created") == []


def test_create_refuses_an_address_that_has_an_account_whatever_its_case(app, runner):
    existing = make_account(Role.VIEWER, email="taken@mfa.example")
    result = users(runner, "create", "TAKEN@mfa.example", "--role", "admin", password=NEW_PASSWORD)
    assert result.exit_code != 0 and "There is already an account with the address" in result.output
    assert account_count() == 1 and reload(existing).role is Role.VIEWER
    assert "not right" in sign_in(browser(app), existing, NEW_PASSWORD).text


def test_list_shows_each_accounts_role_state_and_meetings(app, runner, meetings):
    khartoum, rabat = meetings
    make_account(Role.ADMIN, email="admin@mfa.example")
    make_account(Role.ORGANISER, email="organiser@mfa.example", meetings=[khartoum, rabat])
    viewer = make_account(Role.VIEWER, email="viewer@mfa.example")
    users(runner, "deactivate", viewer.email)

    result = users(runner, "list")

    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "admin@mfa.example\tadmin\tactive\tall meetings",
        "organiser@mfa.example\torganiser\tactive\tKhartoum Process 2026; Rabat Process 2026",
        "viewer@mfa.example\tviewer\tdeactivated\tno meetings",
    ]


def test_set_role_changes_the_role_and_with_meeting_replaces_the_meetings(app, runner, meetings):
    khartoum, rabat = meetings
    account = make_account(Role.ORGANISER, meetings=[khartoum])
    client = signed_in(app, account)

    result = users(runner, "set-role", account.email, "viewer")
    assert result.exit_code == 0 and f"{account.email} is now viewer." in result.output
    assert reload(account).role is Role.VIEWER and assigned_meeting_ids(account) == {khartoum.id}
    assert client.get(f"/manage/meetings/{khartoum.slug}/audit").status_code == 403  # a viewer's pages only

    result = users(runner, "set-role", account.email, "viewer", "--meeting", "rabat-2026")
    assert result.exit_code == 0 and assigned_meeting_ids(reload(account)) == {rabat.id}
    assert rabat.title in client.get("/manage/").text and khartoum.title not in client.get("/manage/").text

    assert "Nothing changed." in users(runner, "set-role", account.email, "viewer").output
    first, second = logged("account.changed")
    assert_by_the_command(first, account)
    assert_by_the_command(second, account)
    assert first.changes == {"role": ["organiser", "viewer"]}
    assert second.changes == {"meetings": [[khartoum.id], [rabat.id]]}


@pytest.mark.parametrize(
    "args, message",
    [
        (["nobody@mfa.example", "viewer"], "No account has the address nobody@mfa.example."),
        (["{email}", "chief"], "'chief' is not one of 'admin', 'organiser', 'viewer'"),
        (["{email}", "viewer", "--meeting", "nowhere"], "No meeting with the slug nowhere."),
    ],
)
def test_set_role_refuses_an_unknown_address_role_or_meeting(app, runner, meetings, args, message):
    account = make_account(Role.ORGANISER, meetings=[meetings[0]])
    result = users(runner, "set-role", *(arg.format(email=account.email) for arg in args))
    assert result.exit_code != 0 and message in result.output, result.output
    assert reload(account).role is Role.ORGANISER and assigned_meeting_ids(account) == {meetings[0].id}
    assert logged("account.changed") == []


def test_set_role_keeps_an_active_admin(app, runner):
    admin = make_account(Role.ADMIN)
    result = users(runner, "set-role", admin.email, "organiser")
    assert result.exit_code != 0 and "This is the only active administrator" in result.output
    assert reload(admin).role is Role.ADMIN


def test_set_password_replaces_the_password_and_ends_every_session(app, runner):
    account = make_account(Role.ORGANISER)
    client = signed_in(app, account)

    result = users(runner, "set-password", account.email, password=NEW_PASSWORD)

    assert result.exit_code == 0 and "its sessions have ended" in result.output
    ended = client.get("/manage/")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/manage/login")
    assert "not right" in sign_in(browser(app), account, PASSWORD).text
    assert sign_in(browser(app), account, NEW_PASSWORD).status_code == 302
    [entry] = logged("account.password_changed")
    assert_by_the_command(entry, account)


def test_set_password_refuses_a_weak_password_and_keeps_the_old_one_and_the_sessions(app, runner):
    account = make_account(Role.ORGANISER)
    client = signed_in(app, account)
    result = users(runner, "set-password", account.email, password="password1234!")
    assert result.exit_code != 0 and "commonest" in result.output
    assert client.get("/manage/").status_code == 200
    assert sign_in(browser(app), account, PASSWORD).status_code == 302
    assert logged("account.password_changed") == []


def test_deactivate_ends_the_sessions_and_activate_lets_the_account_sign_in_again(app, runner):
    account = make_account(Role.VIEWER)
    client = signed_in(app, account)

    result = users(runner, "deactivate", account.email)
    assert result.exit_code == 0 and f"{account.email} can no longer sign in." in result.output
    assert client.get("/manage/").status_code == 302
    assert "not right" in sign_in(browser(app), account).text

    result = users(runner, "activate", account.email)
    assert result.exit_code == 0 and f"{account.email} can sign in again." in result.output
    assert sign_in(browser(app), account).status_code == 302
    [deactivated], [reactivated] = logged("account.deactivated"), logged("account.reactivated")
    assert_by_the_command(deactivated, account)
    assert_by_the_command(reactivated, account)


def test_deactivate_keeps_an_active_admin_and_unknown_addresses_are_refused(app, runner):
    admin = make_account(Role.ADMIN)
    result = users(runner, "deactivate", admin.email)
    assert result.exit_code != 0 and "This is the only active administrator" in result.output
    assert reload(admin).active
    for command in ("deactivate", "activate", "set-password"):
        result = users(runner, command, "nobody@mfa.example", password=NEW_PASSWORD)
        assert result.exit_code != 0 and "No account has the address nobody@mfa.example." in result.output
