"""Queries and rules of the public meetings catalogue."""

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

import pycountry
from flask_babel import gettext, lazy_gettext
from sqlalchemy import extract, or_, select

from app.extensions import db
from app.meetings.catalogue import CatalogueState
from app.meetings.models import Domain, Meeting, MeetingStatus, MeetingType
from app.text import has_nul, single_line_problem

ARCHIVE_PAGE_SIZE = 20
PUBLIC_STATUSES = (MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED)
MIN_YEAR, MAX_YEAR = 1990, 2100
SLUG_MAX_LENGTH = 120


class RegistrationState(enum.Enum):
    NONE = "none"  # the meeting takes no registrations online
    NOT_YET_OPEN = "not-yet-open"
    OPEN = "open"
    FULL = "full"
    CLOSED = "closed"

    @property
    def label(self):
        return str(REGISTRATION_STATE_LABELS[self])

    @property
    def takes_registrations(self) -> bool:
        """Whether the form accepts registrations now (a full meeting takes them onto its waiting list)."""
        return self in (RegistrationState.OPEN, RegistrationState.FULL)


REGISTRATION_STATE_LABELS = {
    RegistrationState.NONE: lazy_gettext("No online registration"),
    RegistrationState.NOT_YET_OPEN: lazy_gettext("Registration not yet open"),
    RegistrationState.OPEN: lazy_gettext("Registration open"),
    RegistrationState.FULL: lazy_gettext("Registration full (waiting list)"),
    RegistrationState.CLOSED: lazy_gettext("Registration closed"),
}


def get_registration_window(meeting: Meeting) -> tuple[datetime | None, datetime | None]:
    """When online registration opens and closes: (None, None) when the meeting takes none
    online. Without a closing time of its own it closes when the meeting ends; it never
    closes (None) while the dates are to be confirmed."""
    if meeting.registration_opens_at is None:
        return None, None
    return meeting.registration_opens_at, meeting.registration_closes_at or meeting.ends_at


def get_registration_state(meeting: Meeting, now: datetime) -> RegistrationState:
    """Where the meeting's registration stands at ``now``."""
    opens, closes = get_registration_window(meeting)
    if opens is None:
        return RegistrationState.NONE
    if meeting.is_cancelled:
        return RegistrationState.CLOSED
    if now < opens:
        return RegistrationState.NOT_YET_OPEN
    if closes is not None and now >= closes:
        return RegistrationState.CLOSED
    if meeting.capacity is not None and meeting.seats_taken >= meeting.capacity:
        return RegistrationState.FULL
    return RegistrationState.OPEN


def get_next_change(meetings, now: datetime) -> datetime | None:
    """The first instant after ``now`` at which what the pages show of ``meetings`` changes
    by the clock alone (registration opens or closes, a meeting ends); None if it never does."""
    instants = (
        instant
        for meeting in meetings
        for instant in (*get_registration_window(meeting), meeting.ends_at)
        if instant is not None and instant > now
    )
    return min(instants, default=None)


@dataclass(frozen=True)
class ArchiveFilters:
    """Filters of the archive and the API, as parsed from a query string."""

    meeting_type: MeetingType | None = None
    year: int | None = None
    country: str | None = None
    domain: Domain | None = None
    text: str = ""

    def as_args(self) -> dict:
        """The filters as URL query arguments (only those set)."""
        args = {
            "type": self.meeting_type.value if self.meeting_type else None,
            "year": self.year,
            "country": self.country,
            "domain": self.domain.value if self.domain else None,
            "q": self.text or None,
        }
        return {key: value for key, value in args.items() if value is not None}


@dataclass
class ParsedFilters:
    filters: ArchiveFilters
    #: One message per argument that was ignored because it made no sense.
    problems: list[str] = field(default_factory=list)


def parse_filters(args) -> ParsedFilters:
    """Read the filters from a mapping of query arguments, dropping (and reporting) bad ones."""
    problems = []
    values = {}
    raw_type = (args.get("type") or "").strip()
    if raw_type:
        try:
            values["meeting_type"] = MeetingType(raw_type)
        except ValueError:
            problems.append(gettext("Unknown meeting type “%(value)s” was ignored.", value=raw_type[:40]))
    raw_year = (args.get("year") or "").strip()
    if raw_year:
        if _is_number(raw_year) and MIN_YEAR <= int(raw_year) <= MAX_YEAR:
            values["year"] = int(raw_year)
        else:
            problems.append(
                gettext(
                    "Year “%(value)s” is not a year between %(first)s and %(last)s; it was ignored.",
                    value=raw_year[:10],
                    first=MIN_YEAR,
                    last=MAX_YEAR,
                )
            )
    raw_country = (args.get("country") or "").strip()
    if raw_country:
        country = pycountry.countries.get(alpha_2=raw_country.upper()) if len(raw_country) == 2 else None
        if country:
            values["country"] = country.alpha_2
        else:
            problems.append(
                gettext("Unknown country “%(value)s” was ignored; use a two-letter ISO code.", value=raw_country[:40])
            )
    raw_domain = (args.get("domain") or "").strip()
    if raw_domain:
        try:
            values["domain"] = Domain(raw_domain)
        except ValueError:
            problems.append(gettext("Unknown action-plan domain “%(value)s” was ignored.", value=raw_domain[:40]))
    raw_text = args.get("q") or ""
    if single_line_problem(raw_text):
        problems.append(gettext("The search text held control characters; it was ignored."))
    else:
        values["text"] = " ".join(raw_text.split())[:200]
    return ParsedFilters(ArchiveFilters(**values), problems)


def _is_number(raw: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts "²", which ``int`` refuses."""
    return raw.isascii() and raw.isdigit()


def parse_page(raw) -> int | None:
    """A page number from a query argument; None when it is not a positive integer."""
    if raw is None or raw == "":
        return 1
    raw = str(raw).strip()
    if not _is_number(raw) or len(raw) > 6 or int(raw) < 1:
        return None
    return int(raw)


def _public():
    return select(Meeting).where(Meeting.status.in_(PUBLIC_STATUSES))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def apply_filters(query, filters: ArchiveFilters):
    """``query`` (of meetings) narrowed by the filters that are set."""
    if filters.meeting_type:
        query = query.where(Meeting.meeting_type == filters.meeting_type)
    if filters.year:
        query = query.where(
            Meeting.start_date >= date(filters.year, 1, 1), Meeting.start_date <= date(filters.year, 12, 31)
        )
    if filters.country:
        query = query.where(Meeting.country == filters.country)
    if filters.domain:
        query = query.where(Meeting.domain == filters.domain)
    for word in filters.text.split():
        pattern = f"%{_escape_like(word)}%"
        query = query.where(or_(Meeting.title.ilike(pattern, escape="\\"), Meeting.summary.ilike(pattern, escape="\\")))
    return query


def list_upcoming(now: datetime, filters: ArchiveFilters = ArchiveFilters()) -> list[Meeting]:
    """Public meetings that have not ended, soonest first; those without dates last."""
    query = (
        apply_filters(_public(), filters)
        .where(or_(Meeting.ends_at > now, Meeting.ends_at.is_(None)))
        .order_by(Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id)
    )
    return list(db.session.scalars(query))


def list_past(now: datetime, filters: ArchiveFilters, page: int, per_page: int = ARCHIVE_PAGE_SIZE):
    """One page of public meetings that have ended, newest first (a Flask-SQLAlchemy Pagination)."""
    query = (
        apply_filters(_public(), filters)
        .where(Meeting.ends_at <= now)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def list_archive_years(now: datetime) -> list[int]:
    """Years that have past public meetings, newest first, for the archive's filter."""
    year = extract("year", Meeting.start_date)
    query = (
        select(year)
        .where(Meeting.status.in_(PUBLIC_STATUSES), Meeting.ends_at <= now)
        .group_by(year)
        .order_by(year.desc())
    )
    return [int(value) for value in db.session.scalars(query)]


def list_archive_countries(now: datetime) -> list[str]:
    query = (
        select(Meeting.country)
        .where(Meeting.status.in_(PUBLIC_STATUSES), Meeting.ends_at <= now, Meeting.country != "")
        .group_by(Meeting.country)
    )
    return list(db.session.scalars(query))


def _possible_slug(slug: str) -> bool:
    # No meeting has such a slug, and PostgreSQL cannot even compare a NUL.
    return bool(slug) and len(slug) <= SLUG_MAX_LENGTH and not has_nul(slug)


def get_public_meeting(slug: str) -> Meeting | None:
    """A published or cancelled meeting by its slug; drafts are not public."""
    return db.session.scalar(_public().where(Meeting.slug == slug)) if _possible_slug(slug) else None


def get_meeting(slug: str) -> Meeting | None:
    """A meeting by its slug whatever its publication state: a delegate's own pages (confirm,
    manage, cancel) keep working when organisers unpublish a meeting that has registrations."""
    return db.session.scalar(select(Meeting).where(Meeting.slug == slug)) if _possible_slug(slug) else None


def get_catalogue_version() -> int | None:
    """The catalogue's version: it changes with any change to a meeting, its programme or
    documents (see ``CatalogueState``); None if the row is missing (then nothing is cached)."""
    return db.session.scalar(select(CatalogueState.version).where(CatalogueState.id == 1))
