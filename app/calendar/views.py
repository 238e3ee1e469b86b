"""The public .ics files: one meeting (optionally with its programme) and the subscribable feeds."""
import hashlib
from datetime import datetime, timezone
from functools import wraps

from flask import Blueprint, Response, abort, current_app, request

from app.calendar import services
from app.calendar.invites import feed_calendar, meeting_calendar
from app.extensions import page_cache
from app.meetings.services import get_public_meeting, parse_filters

bp = Blueprint("calendar", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"
#: Rendered calendars are keyed by the catalogue's version, so they can be kept long.
CACHE_SECONDS = 24 * 3600


def _validators():
    """An ETag and a Last-Modified that change when any meeting changes (and daily, as feeds age)."""
    count, latest = services.get_calendar_version()
    today = datetime.now(timezone.utc).date()
    raw = f"{count}:{latest}|{today}|{request.full_path}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32], latest


def conditional_calendar(view):
    """Serve a calendar from the cache with an ETag and Last-Modified; answer 304 when the client is current.

    Unlike ``cached_response`` the ETag does not move with a time bucket, so a
    client polling a feed every few hours still gets 304s while nothing changed.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        etag, last_modified = _validators()
        response = Response(status=200)
        response.set_etag(etag, weak=True)  # weak: DTSTAMP differs between renderings
        response.last_modified = last_modified
        response.cache_control.public, response.cache_control.no_cache = True, True
        if response.make_conditional(request).status_code == 304:
            return response
        caching = current_app.config["PAGE_CACHE_SECONDS"] > 0
        entry = page_cache.get(f"calendar:{etag}") if caching else None
        if entry is None:
            rendered = view(*args, **kwargs)
            entry = (rendered.get_data(), dict(rendered.headers))
            if caching:
                page_cache.set(f"calendar:{etag}", entry, timeout=CACHE_SECONDS)
        body, headers = entry
        response.set_data(body)
        response.headers.update(headers)
        return response

    return wrapper


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, content_type=CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/meetings/<slug>.ics")
@conditional_calendar
def meeting_ics(slug):
    meeting = get_public_meeting(slug)
    if meeting is None:
        abort(404, description="There is no published meeting at this address.")
    if not meeting.dates_confirmed:
        abort(404, description="The dates of this meeting are not fixed yet, so it cannot be added "
                               "to a calendar. Please come back when they are announced.")
    programme = request.args.get("programme") == "1"
    filename = f"{meeting.slug}-programme.ics" if programme else f"{meeting.slug}.ics"
    return _ics(meeting_calendar(meeting, programme=programme), filename)


@bp.get("/calendar.ics")
@conditional_calendar
def feed():
    # Unknown filter values are dropped by parse_filters: the feed is then wider, never an error.
    filters = services.feed_filters(parse_filters(request.args).filters)
    meetings = services.list_feed_meetings(datetime.now(timezone.utc), filters)
    name = services.feed_name(current_app.config["SECRETARIAT_NAME"], filters)
    return _ics(feed_calendar(meetings, name=name), "meetings.ics")
