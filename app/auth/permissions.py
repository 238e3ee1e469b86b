"""Roles as sets of named permissions, and the one function that decides.

A permission about one meeting (``Permission.scoped``) is held for the meetings an
account is assigned to, or for every meeting by a role in ``EVERY_MEETING``. A new role
(door staff for check-in, say) is one more entry in ``ROLES``, not one more ``if``.
"""

import enum

from sqlalchemy import select

from app.auth.models import Account, Role, account_meeting
from app.extensions import db


class Permission(enum.Enum):
    #: See a meeting in the back office: its overview, lists and exports.
    VIEW_MEETING = "meeting.view"
    #: Change a meeting, its programme and its documents.
    EDIT_MEETING = "meeting.edit"
    #: Create a meeting (its creator is then assigned to it).
    CREATE_MEETING = "meeting.create"
    #: Decide who attends: approve, refuse, move on the waiting list.
    DECIDE_REGISTRATIONS = "registrations.decide"
    #: Read a meeting's audit log.
    VIEW_MEETING_AUDIT = "audit.meeting"
    #: Read the whole audit log, every meeting's and the accounts'.
    VIEW_AUDIT = "audit.all"
    MANAGE_ACCOUNTS = "accounts.manage"
    MANAGE_DELEGATIONS = "delegations.manage"

    @property
    def scoped(self) -> bool:
        """Whether the permission is about one meeting, and so held meeting by meeting."""
        return self in _SCOPED


_SCOPED = {
    Permission.VIEW_MEETING,
    Permission.EDIT_MEETING,
    Permission.DECIDE_REGISTRATIONS,
    Permission.VIEW_MEETING_AUDIT,
}

ROLES: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ORGANISER: frozenset(
        {
            Permission.VIEW_MEETING,
            Permission.EDIT_MEETING,
            Permission.CREATE_MEETING,
            Permission.DECIDE_REGISTRATIONS,
            Permission.VIEW_MEETING_AUDIT,
        }
    ),
    Role.VIEWER: frozenset({Permission.VIEW_MEETING}),
}
#: Roles whose meeting permissions hold for every meeting, assigned or not.
EVERY_MEETING = frozenset({Role.ADMIN})


class NotPermitted(Exception):
    """The account may not do this."""


def assigned_meeting_ids(account: Account) -> set[int]:
    query = select(account_meeting.c.meeting_id).where(account_meeting.c.account_id == account.id)
    return set(db.session.scalars(query))


def sees_every_meeting(account: Account | None) -> bool:
    return account is not None and account.active and account.role in EVERY_MEETING


def may(account: Account | None, permission: Permission, meeting_id: int | None = None) -> bool:
    """Whether ``account`` holds ``permission`` (for the meeting ``meeting_id``, if the
    permission is about one: without it, for no meeting)."""
    if account is None or not account.active or permission not in ROLES[account.role]:
        return False
    if not permission.scoped or account.role in EVERY_MEETING:
        return True
    return meeting_id is not None and meeting_id in assigned_meeting_ids(account)


def require(account: Account | None, permission: Permission, meeting_id: int | None = None) -> None:
    """Raise NotPermitted unless ``may``; services call it with the acting account."""
    if not may(account, permission, meeting_id):
        raise NotPermitted(permission.value)


def permissions_of(account: Account | None, meeting_id: int | None = None) -> frozenset[Permission]:
    """Every permission ``account`` holds here: the global ones, and for ``meeting_id`` the scoped."""
    return frozenset(p for p in Permission if may(account, p, meeting_id))
