"""``flask demo load`` makes the demo's administrator on a database without accounts, with a
random password it prints once; after that it makes and prints nothing."""

import re

from sqlalchemy import delete, func, select

from app.auth.models import Account, Role
from app.demo.loader import DEMO_ADMIN, create_demo_admin
from app.extensions import db
from tests.helpers.accounts import make_account, sign_in
from tests.helpers.outbox import queued
from tests.manage import browser, signed_in

PRINTED = re.compile(r"sign in at /manage/login as (\S+) with the password\n\n    (\S+)\n")


def printed_admin(output: str) -> tuple[str, str]:
    match = PRINTED.search(output)
    assert match, output
    return match.group(1), match.group(2)


def test_the_first_demo_load_prints_an_admin_and_a_password_that_signs_in_once_only(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    email, password = printed_admin(first.output)
    assert email == DEMO_ADMIN and first.output.count(password) == 1
    assert len(password) >= 16

    client = signed_in(app, email, password)
    assert "Accounts" in client.get("/manage/").text  # an administrator's menu
    assert db.session.scalar(select(Account.role).where(Account.email == email)) is Role.ADMIN
    assert queued() == []  # nothing mailed: the operator has the password

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "nothing loaded" in second.output
    assert "password" not in second.output and password not in second.output
    assert db.session.scalar(select(func.count(Account.id))) == 1
    assert sign_in(browser(app), email, password).status_code == 302  # the first one still works


def test_every_new_database_gets_a_password_of_its_own(app):
    passwords = []
    for _ in range(2):
        email, password = create_demo_admin()
        passwords.append(password)
        assert sign_in(browser(app), email, password).status_code == 302
        db.session.execute(delete(Account))  # the next run starts on a database without accounts
        db.session.commit()
    assert passwords[0] != passwords[1]


def test_no_demo_admin_is_made_where_there_are_accounts_already(app):
    make_account(Role.VIEWER)
    assert create_demo_admin() is None
    assert db.session.scalar(select(func.count(Account.id))) == 1
