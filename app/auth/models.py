"""An organiser's account, and the meetings an organiser or a viewer is assigned to."""

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext
from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db


class Role(enum.Enum):
    #: Everything: every meeting, the accounts, the delegations list, the whole audit log.
    ADMIN = "admin"
    #: The meetings assigned to them and those they create.
    ORGANISER = "organiser"
    #: Reads the lists and exports of their meetings; changes nothing.
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return str(_ROLE_LABELS[self])


_ROLE_LABELS = {
    Role.ADMIN: lazy_gettext("Administrator"),
    Role.ORGANISER: lazy_gettext("Organiser"),
    Role.VIEWER: lazy_gettext("Viewer"),
}


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


#: Which meetings an organiser or a viewer works on (admins work on all of them).
account_meeting = Table(
    "account_meeting",
    db.metadata,
    Column("account_id", Integer, ForeignKey("account.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Account(db.Model):
    __tablename__ = "account"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower case, and unique: the sign-in name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role))
    #: An argon2id hash; NULL until the account's first password is set from its email.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    #: Part of every session's identity: replacing it (a new password, deactivation) ends
    #: every session that carries the old one.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    #: The language of the emails the account receives.
    language: Mapped[str] = mapped_column(String(2), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the last password link was emailed: one per RESET_EMAIL_SECONDS at most.
    reset_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The session's identity: the account and its current session token, so that a
        new token ends the sessions made with the old one."""
        return f"{self.id}:{self.session_token}"

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self):
        return f"<Account {self.id} {self.role.value}>"
