"""Accounts: creating and changing them, signing in and out, setting a password.

Every service takes ``now`` and the acting ``Actor``, writes its audit line and commits.
Account changes are the administrators' (``Permission.MANAGE_ACCOUNTS``), checked here by
``authorise``; an operator's command acts as the system, which may do all of it.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import delete, func, insert, select

from app import text
from app.actors import Actor, ActorKind
from app.audit.services import changes, record
from app.auth import notifications
from app.auth.models import Account, Role, account_meeting, new_session_token
from app.auth.passwords import hash_password, needs_rehash, password_problems, verify_password
from app.auth.permissions import EVERY_MEETING, NotPermitted, Permission, assigned_meeting_ids, may
from app.auth.tokens import read_password_token
from app.extensions import db

#: Who fails to sign in: not an account, whichever address they typed.
SIGN_IN_PAGE = Actor.system("sign-in page")
PERSONAL_FIELDS = ("email", "name")


class AccountRefused(Exception):
    """What is wrong, by form field ("" for the form as a whole)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def actor_for(account: Account) -> Actor:
    return Actor.organiser(account.id, account.email)


def authorise(actor: Actor, permission: Permission, meeting_id: int | None = None) -> None:
    """Raise NotPermitted unless ``actor`` may: the system (a command) may do anything, an
    organiser as their account's role and meetings allow, a delegate nothing here."""
    if actor.kind is ActorKind.SYSTEM:
        return
    account = get_account(int(actor.ref)) if actor.kind is ActorKind.ORGANISER and actor.ref else None
    if not may(account, permission, meeting_id):
        raise NotPermitted(permission.value)


def get_account(account_id: int) -> Account | None:
    return db.session.get(Account, account_id)


def get_account_by_email(email: str) -> Account | None:
    """The account of an address as typed (case aside); None for what no address can be."""
    if not isinstance(email, str) or len(email) > 254 or text.has_nul(email):
        return None
    return db.session.scalar(select(Account).where(Account.email == text.address_key(email)))


def list_accounts() -> list[Account]:
    return list(db.session.scalars(select(Account).order_by(Account.email)))


def _normalise_email(email: str) -> str:
    try:
        return text.canonical_email(email)
    except text.InvalidEmail as error:
        raise AccountRefused({"email": str(error)}) from None


def _snapshot(account: Account) -> dict:
    return {
        "email": account.email,
        "name": account.name,
        "role": account.role,
        "active": account.active,
        "meetings": sorted(assigned_meeting_ids(account)) if account.id else [],
    }


def _set_meetings(account: Account, meeting_ids: Iterable[int]) -> None:
    db.session.execute(delete(account_meeting).where(account_meeting.c.account_id == account.id))
    rows = [{"account_id": account.id, "meeting_id": meeting_id} for meeting_id in sorted(set(meeting_ids))]
    if rows:
        db.session.execute(insert(account_meeting), rows)


def _other_active_admins(account: Account) -> int:
    query = select(func.count(Account.id)).where(Account.role == Role.ADMIN, Account.active, Account.id != account.id)
    return db.session.scalar(query)


def _keep_an_admin(account: Account) -> None:
    if account.role is Role.ADMIN and account.active and not _other_active_admins(account):
        db.session.rollback()
        raise AccountRefused({"role": gettext("This is the only active administrator: make another one first.")})


def create_account(
    email: str,
    role: Role,
    *,
    now: datetime,
    actor: Actor,
    name: str = "",
    password: str | None = None,
    meeting_ids: Iterable[int] = (),
    language: str = "en",
) -> Account:
    """Make an account; without a password, email it a link to choose one."""
    authorise(actor, Permission.MANAGE_ACCOUNTS)
    email = _normalise_email(email)
    if get_account_by_email(email) is not None:
        raise AccountRefused({"email": gettext("There is already an account with this email address.")})
    if password is not None and (problems := password_problems(password, email)):
        raise AccountRefused({"password": problems[0]})
    account = Account(
        email=email, name=(name or "").strip(), role=role, language=language, created_at=now, updated_at=now
    )
    if password is not None:
        account.password_hash, account.password_changed_at = hash_password(password), now
    db.session.add(account)
    db.session.flush()
    _set_meetings(account, meeting_ids)
    after = _snapshot(account)
    record(
        "account.created",
        actor=actor,
        now=now,
        target=("account", account.id),
        changed=changes({}, after, PERSONAL_FIELDS),
    )
    if password is None:
        account.reset_sent_at = now
        notifications.account_created(account)
    db.session.commit()
    return account


def update_account(
    account: Account,
    *,
    now: datetime,
    actor: Actor,
    role: Role | None = None,
    name: str | None = None,
    meeting_ids: Iterable[int] | None = None,
) -> dict:
    """Change an account's role, name or meetings; returns what changed (nothing: no audit line)."""
    authorise(actor, Permission.MANAGE_ACCOUNTS)
    before = _snapshot(account)
    if role is not None and role is not account.role:
        _keep_an_admin(account)
        account.role = role
    if name is not None:
        account.name = name.strip()
    if meeting_ids is not None:
        _set_meetings(account, meeting_ids)
    changed = changes(before, _snapshot(account), PERSONAL_FIELDS)
    if changed:
        account.updated_at = now
        record("account.changed", actor=actor, now=now, target=("account", account.id), changed=changed)
    db.session.commit()
    return changed


def _end_sessions(account: Account) -> None:
    """Every session made with the old token ends at its next request."""
    account.session_token = new_session_token()


def _set_password(account: Account, password: str, now: datetime) -> None:
    if problems := password_problems(password, account.email):
        db.session.rollback()
        raise AccountRefused({"password": problems[0]})
    account.password_hash = hash_password(password)
    account.password_changed_at = account.updated_at = now
    _end_sessions(account)


def set_password(account: Account, password: str, *, now: datetime, actor: Actor) -> None:
    """An administrator or an operator sets an account's password; its sessions end."""
    authorise(actor, Permission.MANAGE_ACCOUNTS)
    _set_password(account, password, now)
    record("account.password_changed", actor=actor, now=now, target=("account", account.id))
    db.session.commit()


def change_own_password(account: Account, current: str, new: str, *, now: datetime) -> None:
    """The account's holder changes its password; their other sessions end (the caller
    signs the current one in again with the new token)."""
    if not verify_password(account.password_hash, current):
        raise AccountRefused({"current_password": gettext("This is not your current password.")})
    _set_password(account, new, now)
    record("account.password_changed", actor=actor_for(account), now=now, target=("account", account.id))
    db.session.commit()


def deactivate_account(account: Account, *, now: datetime, actor: Actor) -> None:
    """The account can no longer sign in, and its sessions end at once."""
    authorise(actor, Permission.MANAGE_ACCOUNTS)
    if not account.active:
        return
    _keep_an_admin(account)
    account.active, account.updated_at = False, now
    _end_sessions(account)
    record(
        "account.deactivated", actor=actor, now=now, target=("account", account.id), changed={"active": [True, False]}
    )
    db.session.commit()


def reactivate_account(account: Account, *, now: datetime, actor: Actor) -> None:
    authorise(actor, Permission.MANAGE_ACCOUNTS)
    if account.active:
        return
    account.active, account.updated_at = True, now
    record(
        "account.reactivated", actor=actor, now=now, target=("account", account.id), changed={"active": [False, True]}
    )
    db.session.commit()


def sign_in(email: str, password: str, *, now: datetime) -> Account | None:
    """The account ``email`` and ``password`` open, or None; either way a line in the log.

    A missing account, a wrong password and a deactivated account look the same, and take
    the same time (the hash is checked in every case).
    """
    account = get_account_by_email(email)
    matches = verify_password(account.password_hash if account else None, password)
    if account is None or not matches or not account.active:
        record(
            "account.sign_in_failed",
            actor=SIGN_IN_PAGE,
            now=now,
            target=("account", account.id) if account else None,
            address=email,
        )
        db.session.commit()
        return None
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.last_login_at = now
    record("account.signed_in", actor=actor_for(account), now=now, target=("account", account.id))
    db.session.commit()
    return account


def sign_out(account: Account, *, now: datetime) -> None:
    record("account.signed_out", actor=actor_for(account), now=now, target=("account", account.id))
    db.session.commit()


def _may_send_link(account: Account, now: datetime) -> bool:
    wait = timedelta(seconds=current_app.config["RESET_EMAIL_SECONDS"])
    return account.reset_sent_at is None or now - account.reset_sent_at >= wait


def request_password_reset(email: str, *, now: datetime, language: str) -> None:
    """Email a reset link to ``email`` if an active account has it; say nothing either way.

    One link per RESET_EMAIL_SECONDS at most, so the form cannot fill someone's inbox.
    """
    account = get_account_by_email(email)
    if account is None or not account.active or not _may_send_link(account, now):
        return
    account.reset_sent_at = now
    notifications.password_reset(account, language=language)
    record("account.password_reset_requested", actor=SIGN_IN_PAGE, now=now, target=("account", account.id))
    db.session.commit()


def send_setup_link(account: Account, *, now: datetime, actor: Actor) -> None:
    """An administrator sends an account a link to choose its password."""
    authorise(actor, Permission.MANAGE_ACCOUNTS)
    account.reset_sent_at = now
    if account.password_hash is None:
        notifications.account_created(account)
    else:
        notifications.password_reset(account, language=account.language)
    record("account.password_reset_requested", actor=actor, now=now, target=("account", account.id))
    db.session.commit()


def account_for_password_link(token: str) -> Account:
    """The account a password link is for (PasswordLinkError if it cannot be used)."""
    return read_password_token(token, get_account)


def reset_password(token: str, password: str, *, now: datetime) -> Account:
    """Set the password a link is for; the link, and every session, then stop working.

    The account's row is locked while the link is checked: of two requests with one link,
    the second finds it used."""
    account = read_password_token(
        token, lambda account_id: db.session.get(Account, account_id, with_for_update=True, populate_existing=True)
    )
    _set_password(account, password, now)
    record("account.password_reset", actor=actor_for(account), now=now, target=("account", account.id))
    db.session.commit()
    return account


def assign_creator(account: Account, meeting_id: int, *, now: datetime, actor: Actor) -> None:
    """Assign the meeting an organiser has just created to their account, so that they may go on
    editing it; audited, in the caller's transaction (the caller commits with the new meeting)."""
    if account.role in EVERY_MEETING or meeting_id in assigned_meeting_ids(account):
        return
    before = sorted(assigned_meeting_ids(account))
    db.session.execute(insert(account_meeting), [{"account_id": account.id, "meeting_id": meeting_id}])
    record(
        "account.changed",
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        target=("account", account.id),
        changed=changes({"meetings": before}, {"meetings": sorted([*before, meeting_id])}),
    )
