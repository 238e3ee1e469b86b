"""Delegates' registrations and the organisations that send delegations."""

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import (
    JSON,
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
from app.extensions import db
from app.meetings.models import Meeting, country_name
from app.text import fold


class RegistrationStatus(enum.Enum):
    UNCONFIRMED = "unconfirmed"  # email address not confirmed yet: holds no seat
    CONFIRMED = "confirmed"  # holds a seat
    WAITLISTED = "waitlisted"
    AWAITING_APPROVAL = "awaiting-approval"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return {
            RegistrationStatus.UNCONFIRMED: "Waiting for you to confirm your email address",
            RegistrationStatus.CONFIRMED: "Confirmed",
            RegistrationStatus.WAITLISTED: "On the waiting list",
            RegistrationStatus.AWAITING_APPROVAL: "Awaiting the organisers' approval",
            RegistrationStatus.CANCELLED: "Cancelled",
        }[self]


class DelegateRole(enum.Enum):
    HEAD = "head-of-delegation"
    DELEGATE = "delegate"
    EXPERT = "expert"
    OBSERVER = "observer"
    SPEAKER = "speaker"

    @property
    def label(self):
        return self.value.replace("-", " ").capitalize()


class Organisation(db.Model):
    """An international organisation that may send a delegation; the organisers keep the list."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    acronym: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def display_name(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


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
        Index("ix_registration_meeting_delegation", "meeting_id", "delegation"),
        Index("ix_registration_meeting_search_key", "meeting_id", "search_key"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint("(country IS NULL) != (organisation_id IS NULL)", name="one_delegation"),
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
    #: ISO 3166-1 alpha-2 code of the member state represented, or NULL for an organisation.
    country: Mapped[str | None] = mapped_column(String(2))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    #: "state:ET" or "org:<id>": the key quotas count by.
    delegation: Mapped[str] = mapped_column(String(40))
    position: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[DelegateRole] = mapped_column(enum_column(DelegateRole))
    #: ISO dates (in the meeting's zone) the delegate will attend.
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
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
    #: Name, email and delegation folded (app.text.fold) for search, written with the details.
    search_key: Mapped[str] = mapped_column(String(700), default="", server_default="")

    meeting: Mapped[Meeting] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    #: What the delegate's personal invite shows of the registration itself.
    INVITE_FIELDS = ("first_name", "last_name", "role", "days")

    @property
    def invite_sequence(self) -> int:
        """The SEQUENCE of this delegate's invite: it rises with the meeting's and with theirs."""
        return self.meeting.ical_sequence + self.invite_revision

    def refresh_search_key(self) -> None:
        """Set after the details change; the delegation is read by its key, not the relationship,
        which is loaded only at the next flush."""
        organisation = db.session.get(Organisation, self.organisation_id) if self.organisation_id else None
        delegation = organisation.display_name if organisation else country_name(self.country)
        self.search_key = fold(" ".join((self.first_name, self.last_name, self.email, delegation or "")))

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def delegation_name(self):
        if self.organisation is not None:
            return self.organisation.display_name
        return country_name(self.country)

    @property
    def is_active(self):
        return self.status is not RegistrationStatus.CANCELLED
