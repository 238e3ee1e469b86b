"""Organiser sessions: Flask-Login over the signed session cookie, with an idle expiry.

A session names its account and the account's session token (``Account.get_id``): a new
password or a deactivation replaces the token, and every other session ends at its next
request. A session unused for LOGIN_IDLE_MINUTES ends too; its next page asks to sign in
again. No remember-me cookie: closing the browser ends the session.
"""

import secrets

from flask import current_app, request, session
from flask_login import login_user, logout_user

from app.auth.models import Account
from app.db import utcnow
from app.extensions import db, login_manager

#: When the session last made a request (a POSIX timestamp).
SEEN = "_seen"
#: Set when an idle session was ended, so the sign-in page can say why.
EXPIRED = "_expired"
#: How often, at most, a request refreshes SEEN (and so re-sends the cookie).
_REFRESH_SECONDS = 60


def init_app(app):
    login_manager.init_app(app)
    # No remember-me cookie is ever set, so Flask-Login's hook that refreshes one goes: it
    # reads the session on every response, which would make calendars vary on Cookie.
    app.after_request_funcs[None].remove(login_manager._update_remember_cookie)
    login_manager.user_loader(load_account)
    login_manager.session_protection = "basic"
    app.before_request(_expire_idle)
    app.after_request(_private)


def load_account(identity: str) -> Account | None:
    """The account a session names, if it is active and the session's token is current."""
    account_id, _, token = identity.partition(":")
    if not account_id.isascii() or not account_id.isdigit() or len(account_id) > 12:
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or not account.active or not secrets.compare_digest(account.session_token, token):
        return None
    return account


def start_session(account: Account) -> None:
    """Sign ``account`` in on this browser, in a fresh session."""
    session.clear()
    login_user(account)
    session[SEEN] = utcnow().timestamp()


def end_session() -> None:
    logout_user()
    for key in (SEEN, "_remember"):  # logout_user asks for a remember cookie's removal: there is none
        session.pop(key, None)


def _expire_idle():
    # Without a session cookie there is no one to sign out, and the session is left
    # unread: a response that never looked at it does not vary on Cookie (calendars).
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies or "_user_id" not in session:
        return
    now = utcnow().timestamp()
    seen = session.get(SEEN)
    idle = current_app.config["LOGIN_IDLE_MINUTES"] * 60
    if not isinstance(seen, (int, float)) or now - seen > idle:
        end_session()
        session[EXPIRED] = True
    elif now - seen > _REFRESH_SECONDS:
        session[SEEN] = now


def _private(response):
    """No back-office response is kept by a browser or a proxy: each is its reader's own."""
    if (request.path + "/").startswith("/manage/"):
        response.headers["Cache-Control"] = "no-store"
    return response
