"""Back-office sessions: they end after a while without activity, and every other session of
an account ends when its password changes or it is deactivated."""

import re
from html import unescape

import pytest

from app.auth import services
from app.auth.access import current_account
from app.auth.models import Account, Role
from app.auth.sessions import start_session
from app.db import utcnow
from app.extensions import db
from tests.helpers.accounts import PASSWORD, make_account, sign_in
from tests.helpers.actors import SYSTEM
from tests.helpers.outbox import queued

NEW_PASSWORD = "violet-compass-meadow-38"
SIGNED_OUT_IDLE = "You were signed out after a long time without activity. Please sign in again."


def signed_in(client) -> bool:
    response = client.get("/manage/")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/manage/login"), response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def page_text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def seen(client, seconds_ago: float | None) -> None:
    """Make the session's last request ``seconds_ago`` (None: a session that never said)."""
    with client.session_transaction() as session:
        if seconds_ago is None:
            session.pop("_seen", None)
        else:
            session["_seen"] = utcnow().timestamp() - seconds_ago


def idle_seconds(app) -> int:
    return app.config["LOGIN_IDLE_MINUTES"] * 60


def test_a_session_unused_for_too_long_ends_and_the_sign_in_page_says_why(app, client):
    account = make_account()
    sign_in(client, account)
    seen(client, idle_seconds(app) + 5)
    response = client.get("/manage/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/login?next=/manage/account"
    login = client.get(response.headers["Location"])
    assert page_text(login).count(SIGNED_OUT_IDLE) == 1
    assert SIGNED_OUT_IDLE not in page_text(client.get("/manage/login"))  # said once
    assert not signed_in(client)
    assert sign_in(client, account, next_url="/manage/account").headers["Location"] == "/manage/account"


def test_a_session_used_within_the_idle_time_stays_and_is_kept_alive(app, client):
    sign_in(client, make_account())
    almost = idle_seconds(app) - 120
    seen(client, almost)
    assert signed_in(client)
    with client.session_transaction() as session:
        refreshed = utcnow().timestamp() - session["_seen"]
    assert refreshed < 60  # the request counts as activity: the idle time starts again
    assert SIGNED_OUT_IDLE not in page_text(client.get("/manage/account"))


def test_a_session_that_does_not_say_when_it_was_last_used_ends(client):
    sign_in(client, make_account())
    seen(client, None)
    assert not signed_in(client)


@pytest.mark.parametrize("config_overrides", [{"LOGIN_IDLE_MINUTES": 5}])
def test_the_idle_time_is_the_configured_one(client):
    sign_in(client, make_account())
    seen(client, 4 * 60)
    assert signed_in(client)
    seen(client, 5 * 60 + 5)
    assert not signed_in(client)


def test_signing_in_starts_a_fresh_session_that_ends_with_the_browser(client):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = sign_in(client, make_account())
    cookie = response.headers["Set-Cookie"]
    assert "expires" not in cookie.lower() and "max-age" not in cookie.lower()
    assert "remember_token" not in str(response.headers)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_changing_ones_password_ends_the_other_sessions_but_not_this_one(app):
    account = make_account()
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, account)
    sign_in(elsewhere, account)
    assert signed_in(here) and signed_in(elsewhere)
    response = here.post(
        "/manage/account",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not signed_in(elsewhere)
    assert signed_in(here)
    assert here.get("/manage/account").status_code == 200


def test_a_failed_password_change_ends_no_session(app):
    account = make_account()
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, account)
    sign_in(elsewhere, account)
    here.post(
        "/manage/account",
        data={"current_password": "not-my-password", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert signed_in(here) and signed_in(elsewhere)


def test_the_account_page_renewing_the_session_keeps_the_account_readable(app):
    """The account page signs the current session in again after a password change; the rest
    of that request (a page, a log line) must still be able to read who is signed in."""
    account = make_account()
    with app.test_request_context("/manage/account", method="POST"):
        start_session(db.session.get(Account, account.id))
        me = current_account()
        services.change_own_password(me, PASSWORD, NEW_PASSWORD, now=utcnow())
        start_session(me)  # as app.auth.views.account does
        assert isinstance(current_account(), Account)
        assert current_account().id == account.id


def test_deactivation_ends_a_signed_in_session_at_its_next_request(app, client, now):
    make_account(Role.ADMIN)
    account = make_account()
    sign_in(client, account)
    assert signed_in(client)
    services.deactivate_account(db.session.get(Account, account.id), now=now, actor=SYSTEM)
    assert not signed_in(client)
    # Reactivated, the account signs in again, but the old session stays ended.
    other = app.test_client()
    services.reactivate_account(db.session.get(Account, account.id), now=now, actor=SYSTEM)
    assert not signed_in(client)
    sign_in(other, account)
    assert signed_in(other)


def test_a_password_set_from_a_reset_link_ends_every_other_session(app, client):
    account = make_account()
    sign_in(client, account)
    forgetful = app.test_client()
    forgetful.post("/manage/reset", data={"email": account.email})
    [message] = queued(account.email)
    link = re.search(r"http://meetings\.test(/manage/reset/[^\s]+)", message.text).group(1)
    forgetful.post(link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert signed_in(forgetful)
    assert not signed_in(client)


def test_a_password_set_by_an_admin_ends_the_accounts_sessions(client, now):
    account = make_account()
    sign_in(client, account)
    services.set_password(db.session.get(Account, account.id), NEW_PASSWORD, now=now, actor=SYSTEM)
    assert not signed_in(client)
    assert sign_in(client, account, NEW_PASSWORD).headers["Location"] == "/manage/"
