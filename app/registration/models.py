"""Delegates' registrations and the days each attends."""

import enum
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext
from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, enum_column, utcnow
from app.delegations.models import Delegation
from app.extensions import db
from app.locale import DEFAULT_LOCALE, interface_locale
from app.meetings.models import Meeting
from app.text import fold


class RegistrationStatus(enum.Enum):
    UNCONFIRMED = "unconfirmed"  # email address not confirmed yet: holds no seat
    CONFIRMED = "confirmed"  # holds a seat
    WAITLISTED = "waitlisted"
    AWAITING_APPROVAL = "awaiting-approval"
    CANCELLED = "cancelled"

    @property
    def label(self):
        """What the status is called, in the reader's language (translated when shown)."""
        return _STATUS_LABELS[self]


class DelegateRole(enum.Enum):
    HEAD = "head-of-delegation"
    DELEGATE = "delegate"
    EXPERT = "expert"
    OBSERVER = "observer"
    SPEAKER = "speaker"

    @property
    def label(self):
        """What the role is called, in the reader's language (translated when shown)."""
        return _ROLE_LABELS[self]


# Lazy: bound at import, translated each time a page or an email shows them.
_STATUS_LABELS = {
    RegistrationStatus.UNCONFIRMED: lazy_gettext("Waiting for you to confirm your email address"),
    RegistrationStatus.CONFIRMED: lazy_gettext("Confirmed"),
    RegistrationStatus.WAITLISTED: lazy_gettext("On the waiting list"),
    RegistrationStatus.AWAITING_APPROVAL: lazy_gettext("Awaiting the organisers' approval"),
    RegistrationStatus.CANCELLED: lazy_gettext("Cancelled"),
}
_ROLE_LABELS = {
    DelegateRole.HEAD: lazy_gettext("Head of delegation"),
    DelegateRole.DELEGATE: lazy_gettext("Delegate"),
    DelegateRole.EXPERT: lazy_gettext("Expert"),
    DelegateRole.OBSERVER: lazy_gettext("Observer"),
    DelegateRole.SPEAKER: lazy_gettext("Speaker"),
}
#: The salutations a delegate may choose: the stored value, and what it is called in each
#: language (a French page and email say "M." where an English one says "Mr").
SALUTATIONS = {
    "Mr": lazy_gettext("Mr"),
    "Ms": lazy_gettext("Ms"),
    "Mx": lazy_gettext("Mx"),
    "Dr": lazy_gettext("Dr"),
    "Prof.": lazy_gettext("Prof."),
    "H.E.": lazy_gettext("H.E."),
}


#: The registrations counted by the one-head rule: a head whose address is confirmed and who
#: has not cancelled. An unconfirmed one (a mistyped address, say) blocks no one.
HEAD_HOLDS_PLACE = "role = 'head-of-delegation' AND status IN ('confirmed', 'waitlisted', 'awaiting-approval')"


def new_uid() -> str:
    return secrets.token_urlsafe(24)


class Registration(db.Model):
    __table_args__ = (
        # One live registration per address and meeting; a cancelled one does not block a new one.
        Index(
            "uq_registration_meeting_email_live",
            "meeting_id",
            "email",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
        Index("ix_registration_meeting_status", "meeting_id", "status"),
        # At most one head per delegation and meeting among those whose address is confirmed;
        # the services say so first, this holds it whatever runs at the same time.
        Index(
            "uq_registration_head_of_delegation",
            "meeting_id",
            "delegation_id",
            unique=True,
            sqlite_where=text(HEAD_HOLDS_PLACE),
            postgresql_where=text(HEAD_HOLDS_PLACE),
        ),
        Index("ix_registration_meeting_delegation", "meeting_id", "delegation_id"),
        Index("ix_registration_meeting_search_key", "meeting_id", "search_key"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    #: Unguessable public identifier: signed into every link and used as the invite's UID.
    uid: Mapped[str] = mapped_column(String(40), unique=True, default=new_uid)
    #: active_history: the state it leaves is loaded when it changes, for the history row.
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus), default=RegistrationStatus.UNCONFIRMED, active_history=True
    )
    salutation: Mapped[str] = mapped_column(String(20))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    #: Stored lower-case, so the same address cannot register twice.
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: The state or organisation represented: quotas count by it.
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    position: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[DelegateRole] = mapped_column(enum_column(DelegateRole))
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    needs_visa_letter: Mapped[bool] = mapped_column(default=False)
    # Passport details: asked only for a visa letter; to be removed after the meeting.
    nationality: Mapped[str | None] = mapped_column(String(2))
    passport_number: Mapped[str | None] = mapped_column(String(30))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    passport_expiry: Mapped[date | None] = mapped_column(Date)
    #: Agreed to appear in the published List of Participants (off unless ticked).
    list_consent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the registration entered seat allocation; orders the waiting list.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Signed into every manage link; raised when the delegate asks for a fresh link,
    #: so links carrying an older value stop working.
    link_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: When the registration's links were last emailed; emailing them again waits
    #: REMINDER_EMAIL_SECONDS, so no one can flood an address through the form.
    links_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Raised whenever something this delegate's own invite shows changes (their name, role,
    #: days); the invite's SEQUENCE is the meeting's plus this, so it never goes down.
    invite_revision: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Name and email folded (app.text.fold) for search, written with the details; the
    #: delegation's names are searched in its own key.
    search_key: Mapped[str] = mapped_column(String(700), default="", server_default="")
    #: The version of the privacy notice (app.registration.privacy) the delegate was shown.
    privacy_notice_version: Mapped[str | None] = mapped_column(String(16))
    #: The language the registration was made in: every email to the delegate is written in it.
    language: Mapped[str] = mapped_column(String(8), default=DEFAULT_LOCALE, server_default=DEFAULT_LOCALE)

    meeting: Mapped[Meeting] = relationship()
    delegation: Mapped[Delegation] = relationship(lazy="joined", innerjoin=True)
    attendance_days: Mapped[list["RegistrationDay"]] = relationship(
        cascade="all, delete-orphan", order_by="RegistrationDay.day", passive_deletes=True
    )

    #: What the delegate's personal invite shows of the registration itself; its language too,
    #: so a calendar replaces an invite in the old language with the new one.
    INVITE_FIELDS = ("first_name", "last_name", "role", "days", "language")

    @property
    def invite_sequence(self) -> int:
        """The SEQUENCE of this delegate's invite: it rises with the meeting's and with theirs."""
        return self.meeting.ical_sequence + self.invite_revision

    @property
    def days(self) -> list[date]:
        """The days (in the meeting's zone) the delegate will attend, in order."""
        return [row.day for row in self.attendance_days]

    def set_days(self, days: list[date]) -> None:
        """Keep the rows of the days that stay, so a day is never deleted and added back."""
        wanted = set(days)
        self.attendance_days = [row for row in self.attendance_days if row.day in wanted] + [
            RegistrationDay(day=day) for day in sorted(wanted - set(self.days))
        ]

    def refresh_search_key(self) -> None:
        """Set after the details change."""
        self.search_key = fold(" ".join((self.first_name, self.last_name, self.email)))

    @property
    def salutation_label(self):
        """The salutation in the reader's language ("M." for "Mr" in French)."""
        return SALUTATIONS.get(self.salutation, self.salutation)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def delegation_name(self):
        """The delegation's name in the reader's language."""
        return self.delegation.display_name(interface_locale())

    @property
    def is_active(self):
        return self.status is not RegistrationStatus.CANCELLED


class RegistrationDay(db.Model):
    """A day a delegate will attend: the desk filters by it, check-in counts by it."""

    __table_args__ = (Index("ix_registration_day_day", "day"),)

    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
