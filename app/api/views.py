"""The public JSON API, thin over the catalogue services. It answers in English whatever the
reader's language (``english_only``): machines read it, and its messages and labels stay put."""

from datetime import datetime

from flask import Blueprint, abort, jsonify, request

from app.locale import english_only
from app.meetings import services
from app.meetings.cache import cached_response, request_now, valid_until
from app.meetings.models import DocumentVisibility, Meeting
from app.meetings.pages import public_meeting_or_404
from app.urls import absolute_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_PER_PAGE = 100


def _instant(value: datetime | None):
    return value.isoformat().replace("+00:00", "Z") if value else None


def _local(meeting, value: datetime | None):
    return meeting.local(value).isoformat() if value else None


def meeting_summary(meeting: Meeting, now: datetime) -> dict:
    opens, closes = services.get_registration_window(meeting)
    return {
        "slug": meeting.slug,
        "title": meeting.title,
        "type": meeting.meeting_type.value,
        "type_label": meeting.meeting_type.label,
        "status": meeting.status.value,
        "timezone": meeting.timezone,
        "start_date": meeting.start_date.isoformat() if meeting.start_date else None,
        "end_date": meeting.end_date.isoformat() if meeting.end_date else None,
        "dates_confirmed": meeting.dates_confirmed,
        "has_times": meeting.has_times,
        "starts_at": _instant(meeting.starts_at),
        "ends_at": _instant(meeting.ends_at),
        "starts_at_local": _local(meeting, meeting.starts_at),
        "ends_at_local": _local(meeting, meeting.ends_at),
        "city": meeting.city,
        "country": meeting.country or None,
        "country_name": meeting.country_name or None,
        "domain": meeting.domain.value if meeting.domain else None,
        "summary": meeting.summary,
        "registration": services.get_registration_state(meeting, now).value,
        "registration_opens_at": _instant(opens),
        "registration_closes_at": _instant(closes),
        "url": absolute_url("meetings.meeting", slug=meeting.slug),
        "api_url": absolute_url("api.meeting", slug=meeting.slug),
    }


def meeting_detail(meeting: Meeting, now: datetime) -> dict:
    data = meeting_summary(meeting, now)
    data.update(
        {
            "venue": meeting.venue,
            "host_country": meeting.host_country or None,
            "chair": meeting.chair,
            "co_chairs": meeting.co_chairs,
            "theme": meeting.theme,
            "description_markdown": meeting.description,
            "programme": [
                {
                    "title": s.title,
                    "starts_at": _instant(s.starts_at),
                    "ends_at": _instant(s.ends_at),
                    "starts_at_local": _local(meeting, s.starts_at),
                    "ends_at_local": _local(meeting, s.ends_at),
                    "speakers": s.speakers,
                    "moderators": s.moderators,
                    "room": s.room,
                    "description": s.description,
                }
                for s in meeting.sessions
            ],
            "documents": [
                {
                    "title": d.title,
                    "kind": d.kind.value,
                    "language": d.language,
                    "filename": d.filename,
                    "content_type": d.content_type,
                    "size": d.size,
                    "url": absolute_url("meetings.document", slug=meeting.slug, document_id=d.id, filename=d.filename),
                }
                for d in meeting.documents
                # Delegates-only documents are served only through a delegate's own page.
                if d.visibility is DocumentVisibility.PUBLIC
            ],
        }
    )
    return data


@bp.get("/meetings")
@english_only
@cached_response
def meetings():
    """Upcoming meetings (``?when=upcoming``, the default) or past ones (``?when=past``)."""
    now = request_now()
    parsed = services.parse_filters(request.args)
    if parsed.problems:
        abort(400, description=" ".join(parsed.problems))
    page = services.parse_page(request.args.get("page"))
    per_page = services.parse_page(request.args.get("per_page", str(services.ARCHIVE_PAGE_SIZE)))
    if page is None or per_page is None or per_page > MAX_PER_PAGE:
        abort(400, description=f"page must be a positive integer and per_page between 1 and {MAX_PER_PAGE}.")
    when = request.args.get("when", "upcoming")
    if when == "past":
        pagination = services.list_past(now, parsed.filters, page, per_page)
        items, total, pages = pagination.items, pagination.total, pagination.pages
        valid_until(services.get_next_change(items, now))
    elif when == "upcoming":
        everything = services.list_upcoming(now, parsed.filters)
        valid_until(services.get_next_change(everything, now))  # the count drops when one ends
        items = everything[(page - 1) * per_page : page * per_page]
        total, pages = len(everything), -(-len(everything) // per_page)
    else:
        abort(400, description="when must be 'upcoming' or 'past'.")
    if page > max(pages, 1):
        abort(404, description=f"There is no page {page}; there are {max(pages, 1)}.")
    return jsonify(
        meetings=[meeting_summary(m, now) for m in items],
        page=page,
        per_page=per_page,
        pages=pages,
        total=total,
        filters=parsed.filters.as_args(),
        when=when,
    )


@bp.get("/meetings/<slug>")
@english_only
@cached_response
def meeting(slug):
    found, now = public_meeting_or_404(slug), request_now()
    valid_until(services.get_next_change([found], now))
    return jsonify(meeting_detail(found, now))
