"""Organiser accounts for tests, made through the service, and signing them in through the form."""

import itertools

from app.actors import Actor
from app.auth.models import Account, Role
from app.auth.services import create_account
from app.db import utcnow

#: A password every test account may share: long enough, and in no list of common ones.
PASSWORD = "quiet-lantern-orbit-7"
_counter = itertools.count(1)


def make_account(role: Role | str = Role.ORGANISER, *, email=None, password=PASSWORD, meetings=(), **fields) -> Account:
    """A committed account (with ``password``, or None for one still to choose it) on ``meetings``."""
    role = Role(role)
    email = email or f"{role.value}{next(_counter)}@secretariat.example"
    return create_account(
        email,
        role,
        password=password,
        meeting_ids=[meeting.id for meeting in meetings],
        now=utcnow(),
        actor=Actor.system("tests"),
        **fields,
    )


def sign_in(client, account_or_email, password=PASSWORD, next_url=None):
    """Post the sign-in form; returns the response (a 302 to the back office when it worked)."""
    email = account_or_email if isinstance(account_or_email, str) else account_or_email.email
    data = {"email": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/manage/login", data=data)
