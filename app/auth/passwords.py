"""Passwords: argon2id hashes (argon2-cffi) and the policy a new password must meet.

The hash parameters come from the ARGON2_* settings: argon2-cffi's defaults (the RFC 9106
low-memory profile) everywhere but the testing configuration, which makes them cheap.
A hash made with older parameters is replaced at the next sign-in.
"""

import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext
from zxcvbn.frequency_lists import FREQUENCY_LISTS

#: The longest password accepted: far beyond any passphrase, short of a denial of service.
MAX_LENGTH = 256


@functools.cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; an account without a password matches nothing, after
    the same work as one with a password, so the time taken tells nothing either."""
    try:
        return hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


def _dummy_hash() -> str:
    config = current_app.config
    return _dummy(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])


@functools.cache
def _dummy(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_cost, parallelism).hash("no account has this password")


@functools.cache
def _common() -> frozenset[str]:
    """zxcvbn's 30,000 commonest passwords, from leaked password lists."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, email: str = "") -> list[str]:
    """What is wrong with ``password`` as a new password for ``email``; empty when it will do."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return [gettext("Choose a password of at least %(count)d characters.", count=minimum)]
    if len(password) > MAX_LENGTH:
        return [gettext("Choose a password of at most %(count)d characters.", count=MAX_LENGTH)]
    lowered = password.lower()
    # "password1234!" is "password" with the usual decoration: checked without it.
    bare = re.sub(r"[\d\W_]+$", "", lowered)
    local_part = email.lower().partition("@")[0]
    if lowered in _common() or bare in _common() or len(set(password)) <= 2:
        return [gettext("This password is one of the commonest, which are tried first: choose another.")]
    if len(local_part) >= 4 and local_part in lowered:
        return [gettext("Choose a password that does not contain your email address.")]
    return []
