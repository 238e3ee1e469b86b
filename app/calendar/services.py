"""Which meetings a calendar feed holds, and its name."""

from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.meetings.models import Meeting, country_name
from app.meetings.services import PUBLIC_STATUSES, ArchiveFilters, apply_filters

#: How far back a feed reaches: clients keep the past year's meetings.
FEED_HISTORY = timedelta(days=365)


def feed_filters(filters: ArchiveFilters) -> ArchiveFilters:
    """The filters a feed honours (type, country, domain) out of the archive's."""
    return ArchiveFilters(meeting_type=filters.meeting_type, country=filters.country, domain=filters.domain)


def list_feed_meetings(now: datetime, filters: ArchiveFilters | None = None) -> list[Meeting]:
    """Public meetings with dates that end after a year ago, soonest first."""
    query = select(Meeting).where(Meeting.status.in_(PUBLIC_STATUSES), Meeting.ends_at > now - FEED_HISTORY)
    query = apply_filters(query, feed_filters(filters or ArchiveFilters()))
    return list(db.session.scalars(query.order_by(Meeting.starts_at, Meeting.id)))


def feed_name(organisation: str, filters: ArchiveFilters) -> str:
    """'Khartoum Process Secretariat: meetings – Training · Italy': what the feed is filtered on,
    in the feed's language.

    No commas: many readers do not unescape X-WR-CALNAME.
    """
    parts = [
        filters.meeting_type.label if filters.meeting_type else "",
        country_name(filters.country) if filters.country else "",
        filters.domain.label if filters.domain else "",
    ]
    narrowed = " · ".join(str(part) for part in parts if part)
    name = gettext("%(organisation)s: meetings", organisation=organisation)
    return f"{name} – {narrowed}" if narrowed else name
