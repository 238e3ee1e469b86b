"""Sign-in and reset attempts are limited: per client address every attempt counts; per
account and address, and per account from everywhere, only failed ones. A refused attempt
is a clear 429 that signs no one in and writes nothing."""

import secrets

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from tests.helpers.accounts import PASSWORD, make_account
from tests.helpers.outbox import queued

TOO_MANY_SIGN_INS = "There have been too many attempts to sign in from here."
TOO_MANY_RESETS = "You have asked for several links in a short while."
WRONG_PASSWORD = "not-the-password-at-all"


def limits(**settings):
    values = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(4)}",
        "RATE_LIMIT_LOGIN_ADDRESS": "50 per minute",
        "RATE_LIMIT_LOGIN_ACCOUNT_ADDRESS": "3 per minute",
        "RATE_LIMIT_LOGIN_ACCOUNT": "50 per minute",
        "RATE_LIMIT_RESET_ADDRESS": "50 per minute",
    }
    values.update(settings)
    return values


def attempt(app, email, password=PASSWORD, address="127.0.0.1", client=None):
    """One sign-in from ``address``, in a browser of its own unless ``client`` is given."""
    client = client or app.test_client()
    return client.post(
        "/manage/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def codes(responses) -> list[int]:
    return [response.status_code for response in responses]


def audit_lines() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


def assert_refused(response):
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert TOO_MANY_SIGN_INS in text and "<html" in text
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("config_overrides", [limits()])
def test_failures_on_one_account_from_one_address_are_limited(app):
    account = make_account()
    assert codes(attempt(app, account.email, WRONG_PASSWORD) for _ in range(3)) == [200, 200, 200]
    assert_refused(attempt(app, account.email, WRONG_PASSWORD))
    lines = audit_lines()

    client = app.test_client()
    refused = attempt(app, account.email, PASSWORD, client=client)
    assert_refused(refused)
    assert audit_lines() == lines  # the refused attempt, right password and all, is not even logged
    assert client.get("/manage/").status_code == 302  # and signs no one in
    assert client.get("/manage/login").status_code == 200  # reading the page is never limited


@pytest.mark.parametrize("config_overrides", [limits()])
def test_successful_sign_ins_do_not_count_towards_the_accounts_limits(app):
    account = make_account()
    assert codes(attempt(app, account.email) for _ in range(4)) == [302] * 4
    assert codes(attempt(app, account.email, WRONG_PASSWORD) for _ in range(3)) == [200] * 3
    assert_refused(attempt(app, account.email, WRONG_PASSWORD))


@pytest.mark.parametrize("config_overrides", [limits()])
def test_another_account_from_the_same_address_is_not_shut_out(app):
    tried, other = make_account(), make_account()
    for _ in range(3):
        attempt(app, tried.email, WRONG_PASSWORD)
    assert_refused(attempt(app, tried.email))
    assert attempt(app, other.email).status_code == 302
    assert attempt(app, other.email, WRONG_PASSWORD).status_code == 200
    # The same account from another address is not shut out by this address's failures either.
    assert attempt(app, tried.email, address="192.0.2.8").status_code == 302


@pytest.mark.parametrize("config_overrides", [limits(RATE_LIMIT_LOGIN_ADDRESS="4 per minute")])
def test_every_attempt_from_one_address_counts_towards_its_limit(app):
    accounts = [make_account() for _ in range(5)]
    assert codes(attempt(app, account.email) for account in accounts[:4]) == [302] * 4
    client = app.test_client()
    assert_refused(attempt(app, accounts[4].email, client=client))
    assert client.get("/manage/").status_code == 302
    assert attempt(app, accounts[4].email, address="192.0.2.8").status_code == 302


@pytest.mark.parametrize("config_overrides", [limits(RATE_LIMIT_LOGIN_ACCOUNT="4 per minute")])
def test_failures_on_one_account_from_many_addresses_meet_the_accounts_ceiling(app):
    account = make_account(email="admin.office@secretariat.example")
    typed = [
        "admin.office@secretariat.example",
        "Admin.Office@Secretariat.example",
        " admin.office@secretariat.example",
    ]
    results = [
        attempt(app, typed[number % 3], WRONG_PASSWORD, address=f"198.51.100.{number}").status_code
        for number in range(1, 5)
    ]
    assert results == [200] * 4
    lines = audit_lines()
    client = app.test_client()
    assert_refused(attempt(app, account.email, address="203.0.113.9", client=client))
    assert client.get("/manage/").status_code == 302
    assert audit_lines() == lines
    assert attempt(app, make_account().email, address="203.0.113.9").status_code == 302


@pytest.mark.parametrize("config_overrides", [limits(RATE_LIMIT_RESET_ADDRESS="2 per minute")])
def test_reset_requests_are_limited_per_address(app):
    account = make_account()
    client = app.test_client()
    posts = [client.post("/manage/reset", data={"email": account.email}) for _ in range(3)]
    assert codes(posts) == [200, 200, 429]
    assert TOO_MANY_RESETS in posts[2].get_data(as_text=True)
    assert int(posts[2].headers["Retry-After"]) > 0
    assert len(queued(account.email)) == 2
    assert client.get("/manage/reset").status_code == 200
    other = client.post("/manage/reset", data={"email": account.email}, environ_base={"REMOTE_ADDR": "192.0.2.8"})
    assert other.status_code == 200
    assert len(queued(account.email)) == 3
