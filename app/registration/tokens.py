"""Signed tokens in the links sent to delegates: unguessable, tamper-proof, bound to one meeting."""

from flask import current_app
from itsdangerous import (
    BadSignature,
    SignatureExpired,
    URLSafeSerializer,
    URLSafeTimedSerializer,
)

CONFIRM_SALT = "registration-confirm-email"
MANAGE_SALT = "registration-manage"


class TokenError(Exception):
    """A link that cannot be honoured; ``reason`` is expired, invalid, other-meeting or replaced."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _payload(registration):
    return {"m": registration.meeting_id, "r": registration.uid}


def make_confirm_token(registration) -> str:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT).dumps(_payload(registration))


def make_manage_token(registration) -> str:
    """The manage link's token; it carries the registration's link generation, so asking
    for a fresh link (which raises it) revokes every older one."""
    payload = {**_payload(registration), "g": registration.link_generation}
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=MANAGE_SALT).dumps(payload)


def _check(payload, meeting) -> str:
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), str):
        raise TokenError("invalid")
    if payload.get("m") != meeting.id:
        raise TokenError("other-meeting")
    return payload["r"]


def read_confirm_token(token: str, meeting, max_age_seconds: int) -> str:
    """The registration uid in a confirmation token for ``meeting``."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)
    try:
        payload = serializer.loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise TokenError("expired") from None
    except BadSignature:
        raise TokenError("invalid") from None
    return _check(payload, meeting)


def read_manage_token(token: str, meeting) -> tuple[str, int]:
    """(registration uid, link generation) of a manage token for ``meeting``.

    Links emailed before generations existed carry none: they are generation 0.
    """
    try:
        payload = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=MANAGE_SALT).loads(token)
    except BadSignature:
        raise TokenError("invalid") from None
    uid = _check(payload, meeting)
    generation = payload.get("g", 0)
    if not isinstance(generation, int):
        raise TokenError("invalid")
    return uid, generation
