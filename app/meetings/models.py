"""Meetings, their programme sessions and their documents."""

import enum
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, attribute_keyed_dict, mapped_column, relationship

from app import countries
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.locale import interface_locale

if TYPE_CHECKING:
    from app.meetings.translations import DocumentTranslation, MeetingTranslation, ProgrammeSessionTranslation


class MeetingType(enum.Enum):
    SENIOR_OFFICIALS = "senior-officials-meeting"
    STEERING_COMMITTEE = "steering-committee"
    THEMATIC_MEETING = "thematic-meeting"
    THEMATIC_WORKSHOP = "thematic-workshop"
    TRAINING = "training"
    WORKING_GROUP = "informal-working-group"
    STOCK_TAKING = "stock-taking"

    @property
    def label(self):
        return str(MEETING_TYPE_LABELS[self])


MEETING_TYPE_LABELS = {
    MeetingType.SENIOR_OFFICIALS: lazy_gettext("Senior Officials' Meeting"),
    MeetingType.STEERING_COMMITTEE: lazy_gettext("Steering Committee Meeting"),
    MeetingType.THEMATIC_MEETING: lazy_gettext("Thematic Meeting"),
    MeetingType.THEMATIC_WORKSHOP: lazy_gettext("Thematic Workshop"),
    MeetingType.TRAINING: lazy_gettext("Training"),
    MeetingType.WORKING_GROUP: lazy_gettext("Informal Working Group"),
    MeetingType.STOCK_TAKING: lazy_gettext("Technical stock-taking meeting"),
}


class Domain(enum.Enum):
    """The five domains of the Joint Valletta Action Plan."""

    DEVELOPMENT = "development"
    LEGAL_MIGRATION = "legal-migration"
    PROTECTION = "protection"
    IRREGULAR_MIGRATION = "irregular-migration"
    RETURN = "return"

    @property
    def label(self):
        return str(DOMAIN_LABELS[self])


DOMAIN_LABELS = {
    Domain.DEVELOPMENT: lazy_gettext("1. Development benefits of migration and root causes"),
    Domain.LEGAL_MIGRATION: lazy_gettext("2. Legal migration and mobility"),
    Domain.PROTECTION: lazy_gettext("3. Protection and asylum"),
    Domain.IRREGULAR_MIGRATION: lazy_gettext("4. Irregular migration, smuggling and trafficking"),
    Domain.RETURN: lazy_gettext("5. Return, readmission and reintegration"),
}


class Eligibility(enum.Enum):
    """Which delegations may register for a meeting."""

    EVERYONE = "everyone"
    #: Members, institutions and observers of the Process.
    PROCESS = "process"
    STEERING_COMMITTEE = "steering-committee"

    @property
    def label(self):
        return str(ELIGIBILITY_LABELS[self])


ELIGIBILITY_LABELS = {
    Eligibility.EVERYONE: lazy_gettext("Open to every delegation"),
    Eligibility.PROCESS: lazy_gettext("Members, institutions and observers of the Process"),
    Eligibility.STEERING_COMMITTEE: lazy_gettext("Members of the Steering Committee"),
}


class MeetingStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class DocumentVisibility(enum.Enum):
    #: Listed on the meeting's public page and in the API.
    PUBLIC = "public"
    #: Listed and downloadable only from a registered delegate's own page.
    DELEGATES = "delegates"


class DocumentKind(enum.Enum):
    JOINT_CONCLUSIONS = "joint-conclusions"
    REPORT = "report"
    PROGRAMME = "programme"
    MAPPING = "mapping"
    OTHER = "other"

    @property
    def label(self):
        return str(DOCUMENT_KIND_LABELS[self])


DOCUMENT_KIND_LABELS = {
    DocumentKind.JOINT_CONCLUSIONS: lazy_gettext("Joint conclusions"),
    DocumentKind.REPORT: lazy_gettext("Report"),
    DocumentKind.PROGRAMME: lazy_gettext("Programme"),
    DocumentKind.MAPPING: lazy_gettext("Mapping"),
    DocumentKind.OTHER: lazy_gettext("Other"),
}


#: Languages a meeting's content may be written in (app.meetings.translations); Arabic is
#: written right to left.
CONTENT_LANGUAGES = ("en", "fr", "ar")
_CONTENT_LANGUAGE = ", ".join(f"'{code}'" for code in CONTENT_LANGUAGES)


def _translations(model: str):
    """The translations of a meeting, session or document by language, loaded with it: a page
    showing many of them costs one more query, not one per object."""
    return relationship(
        model,
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )


def country_name(code):
    """The country's name in the reader's language."""
    return countries.name(code, interface_locale())


class Meeting(db.Model):
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint("ends_at > starts_at", name="instants_ordered"),
        CheckConstraint("(start_date IS NULL) = (starts_at IS NULL)", name="dates_and_instants_together"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("seats_taken >= 0", name="seats_taken_not_negative"),
        CheckConstraint(f"original_language IN ({_CONTENT_LANGUAGE})", name="original_language_known"),
        CheckConstraint("delegation_quota IS NULL OR delegation_quota >= 1", name="quota_positive"),
        Index("ix_meeting_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public, human-readable identifier used in URLs; never changes once published.
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    meeting_type: Mapped[MeetingType] = mapped_column(enum_column(MeetingType))
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus), default=MeetingStatus.DRAFT)
    #: IANA time-zone name of the venue; every local time is rendered in it.
    timezone: Mapped[str] = mapped_column(String(64))
    #: Local calendar dates in the meeting's zone; NULL while dates are to be confirmed.
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    #: The same span as UTC instants (local midnights for an all-day meeting).
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: False when only the dates are known: the meeting is shown as all-day.
    has_times: Mapped[bool] = mapped_column(default=False)
    venue: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    #: ISO 3166-1 alpha-2 codes.
    country: Mapped[str] = mapped_column(String(2), default="")
    host_country: Mapped[str] = mapped_column(String(2), default="")
    chair: Mapped[str] = mapped_column(String(300), default="")
    co_chairs: Mapped[str] = mapped_column(String(300), default="")
    theme: Mapped[str] = mapped_column(String(300), default="")
    domain: Mapped[Domain | None] = mapped_column(enum_column(Domain))
    #: Plain-text abstract shown in lists and searched.
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Markdown, rendered and sanitised on the meeting page.
    description: Mapped[str] = mapped_column(Text, default="")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Seats for confirmed delegates; NULL means no limit.
    capacity: Mapped[int | None]
    #: Confirmed seats, kept by the registration service under a row lock.
    seats_taken: Mapped[int] = mapped_column(default=0, active_history=True)
    #: Most confirmed delegates one delegation may have; NULL means no quota.
    delegation_quota: Mapped[int | None]
    #: Which delegations may register.
    eligibility: Mapped[Eligibility] = mapped_column(
        enum_column(Eligibility), default=Eligibility.EVERYONE, server_default=Eligibility.EVERYONE.value
    )
    #: Confirmed delegates wait for an organiser's approval before holding a seat.
    requires_approval: Mapped[bool] = mapped_column(default=False)
    #: When set, the registration form asks for this code (invitation-only meetings).
    invitation_code: Mapped[str | None] = mapped_column(String(64))
    #: iCalendar SEQUENCE: raised whenever something a calendar shows changes.
    ical_sequence: Mapped[int] = mapped_column(default=0)
    #: Raised by a change to the published programme of a meeting with confirmed delegates.
    programme_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: When the programme's version last rose, and what changed then (short descriptions).
    programme_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    programme_changes: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    #: The language title, summary, description and venue (and the sessions' texts) are written
    #: in; other languages are in ``translations`` (app.meetings.translations).
    original_language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)

    sessions: Mapped[list["ProgrammeSession"]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="(ProgrammeSession.starts_at, ProgrammeSession.position)",
    )
    documents: Mapped[list["Document"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Document.position"
    )
    translations: Mapped[dict[str, "MeetingTranslation"]] = _translations("MeetingTranslation")

    def __repr__(self):
        return f"<Meeting {self.slug}>"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_public(self):
        return self.status in (MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED)

    @property
    def is_cancelled(self):
        return self.status is MeetingStatus.CANCELLED

    @property
    def dates_confirmed(self):
        return self.start_date is not None

    @property
    def country_name(self):
        return country_name(self.country)

    @property
    def host_country_name(self):
        return country_name(self.host_country)

    @property
    def location(self):
        return ", ".join(part for part in (self.venue, self.city, self.country_name) if part)

    def set_schedule(self, start_date=None, end_date=None, start_time=None, end_time=None):
        """Set the dates (and optionally daily start and end times) in the meeting's zone.

        With no dates the meeting is 'dates to be confirmed'; without times it is an
        all-day meeting whose UTC span runs from local midnight to the midnight after
        its last day.
        """
        if start_date is None:
            self.start_date = self.end_date = self.starts_at = self.ends_at = None
            self.has_times = False
            return
        end_date = end_date or start_date
        if end_date < start_date:
            raise ValueError("the meeting cannot end before it starts")
        if (start_time is None) != (end_time is None):
            raise ValueError("give both a start and an end time, or neither")
        zone = self.zone
        self.start_date, self.end_date = start_date, end_date
        self.has_times = start_time is not None
        if self.has_times:
            starts = datetime.combine(start_date, start_time, zone)
            ends = datetime.combine(end_date, end_time, zone)
        else:
            starts = datetime.combine(start_date, time(0), zone)
            ends = datetime.combine(end_date + timedelta(days=1), time(0), zone)
        if ends <= starts:
            raise ValueError("the meeting must end after it starts")
        self.starts_at = starts.astimezone(UTC)
        self.ends_at = ends.astimezone(UTC)

    def has_ended(self, now: datetime) -> bool:
        """Whether the meeting is over at ``now`` (the archive's rule); never while its dates are to be confirmed."""
        return self.ends_at is not None and self.ends_at <= now

    def local(self, instant: datetime) -> datetime:
        """An instant shown in the meeting's own time zone."""
        return instant.astimezone(self.zone)

    @property
    def days(self) -> list[date]:
        if not self.dates_confirmed:
            return []
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=i) for i in range(count)]


class ProgrammeSession(db.Model):
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="instants_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    speakers: Mapped[str] = mapped_column(String(500), default="")
    moderators: Mapped[str] = mapped_column(String(500), default="")
    room: Mapped[str] = mapped_column(String(120), default="")
    #: Orders sessions that start at the same instant (parallel breakouts).
    position: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="sessions")
    translations: Mapped[dict[str, "ProgrammeSessionTranslation"]] = _translations("ProgrammeSessionTranslation")

    @property
    def local_start(self):
        return self.meeting.local(self.starts_at)

    @property
    def local_end(self):
        return self.meeting.local(self.ends_at)

    @property
    def local_day(self) -> date:
        return self.local_start.date()


class Document(db.Model):
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint("version_of_id != id", name="not_its_own_version"),
        #: One version of a document per language.
        UniqueConstraint("version_of_id", "language", name="uq_document_version_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind), default=DocumentKind.OTHER)
    #: ISO 639-1 code of the document's language.
    language: Mapped[str] = mapped_column(String(8), default="en")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    #: Key of the bytes in the document storage (app.files.storage).
    storage_key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    visibility: Mapped[DocumentVisibility] = mapped_column(
        enum_column(DocumentVisibility), default=DocumentVisibility.PUBLIC, server_default="public"
    )
    #: The first version of this document, when this row is the same document in another
    #: language (the meeting page lists them together: "Joint conclusions — EN / FR").
    version_of_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="documents")
    version_of: Mapped["Document | None"] = relationship(remote_side=[id], back_populates="other_versions")
    #: The versions in other languages, when this row is the first.
    other_versions: Mapped[list["Document"]] = relationship(back_populates="version_of")
    translations: Mapped[dict[str, "DocumentTranslation"]] = _translations("DocumentTranslation")


# The translations' classes, which the relationships above name, are mapped whoever imports
# this module first.
from app.meetings import translations as _translations_module  # noqa: E402, F401
