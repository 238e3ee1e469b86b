"""The signed link that sets an account's password: from a reset request, or the first one
from the email a new account receives.

It carries a fingerprint of the account's password hash and session token, so it works
once: setting the password (or deactivating the account) changes both, and every earlier
link stops working. It expires after PASSWORD_RESET_SECONDS, or ACCOUNT_SETUP_SECONDS for
an account that has no password yet.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.auth.models import Account

SALT = "account-password"


class PasswordLinkError(Exception):
    """A password link that cannot be used; ``reason`` is expired, invalid or used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(account: Account) -> str:
    state = f"{account.password_hash or ''}\x00{account.session_token}".encode()
    return hashlib.sha256(state).hexdigest()[:24]


def make_password_token(account: Account) -> str:
    return _serializer().dumps({"a": account.id, "f": _fingerprint(account), "s": account.password_hash is None})


def link_lifetime(setup: bool) -> int:
    return current_app.config["ACCOUNT_SETUP_SECONDS" if setup else "PASSWORD_RESET_SECONDS"]


def read_password_token(token: str, load) -> Account:
    """The account a password link is for; ``load`` finds an account by id."""
    serializer = _serializer()
    try:
        payload = serializer.loads(token)
    except BadSignature:
        raise PasswordLinkError("invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int) or isinstance(payload["a"], bool):
        raise PasswordLinkError("invalid")
    try:
        serializer.loads(token, max_age=link_lifetime(bool(payload.get("s"))))
    except SignatureExpired:
        raise PasswordLinkError("expired") from None
    account = load(payload["a"])
    if account is None or not account.active or payload.get("f") != _fingerprint(account):
        raise PasswordLinkError("used")
    return account
