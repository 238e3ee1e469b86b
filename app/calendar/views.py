"""The public .ics files: one meeting (optionally with its programme) and the subscribable feeds.

Calendars read nothing of their reader but the address (no session, no cookie, no
Accept-Language: the language is ``?lang=`` or English), so one cached copy serves everyone.
"""

import hashlib
from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import gettext

from app.calendar import services
from app.calendar.invites import feed_calendar, meeting_calendar
from app.extensions import page_cache
from app.locale import locale_from_url, resolve_locale, setting_in_language
from app.meetings.cache import read_catalogue_state
from app.meetings.pages import public_meeting_or_404
from app.meetings.services import parse_filters

bp = Blueprint("calendar", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"
#: Rendered calendars are keyed by the catalogue's version, so they can be kept long.
CACHE_SECONDS = 24 * 3600


def _validators(identity: str):
    """An ETag and a Last-Modified from the catalogue version, which rises with any change to a
    meeting (the ETag also moves daily, as feeds age); None without the version row."""
    state = read_catalogue_state()
    if state is None:
        return None
    version, changed_at = state
    raw = f"{version}|{datetime.now(UTC).date()}|{identity}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32], changed_at


def _feed_filters():
    # Unknown filter values are dropped by parse_filters: the feed is then wider, never an error.
    return services.feed_filters(parse_filters(request.args).filters)


def _identity() -> str:
    """What the calendar depends on, parsed: the language, the path and the known parameters
    only, so an unknown or meaningless query string (``?cb=1``, ``?type=nonsense``) adds no
    cache entry."""
    if request.endpoint == "calendar.feed":
        return f"{resolve_locale()}|{request.path}|{sorted(_feed_filters().as_args().items())}"
    return f"{resolve_locale()}|{request.path}|programme={request.args.get('programme') == '1'}"


def conditional_calendar(view):
    """Serve a calendar from the cache with an ETag and Last-Modified; answer 304 when the client is current.

    Unlike ``cached_response`` the ETag does not move with a time bucket, so a
    client polling a feed every few hours still gets 304s while nothing changed.
    What invalidates an entry: the catalogue version rising, the day changing.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        validators = _validators(_identity())
        if validators is None:
            return view(*args, **kwargs)  # no version to validate against or to key on
        etag, last_modified = validators
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

    return locale_from_url(wrapper)


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, content_type=CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/meetings/<slug>.ics")
@conditional_calendar
def meeting_ics(slug):
    meeting = public_meeting_or_404(slug)
    if not meeting.dates_confirmed:
        abort(
            404,
            description=gettext(
                "The dates of this meeting are not fixed yet, so it cannot be added "
                "to a calendar. Please come back when they are announced."
            ),
        )
    programme = request.args.get("programme") == "1"
    filename = f"{meeting.slug}-programme.ics" if programme else f"{meeting.slug}.ics"
    return _ics(meeting_calendar(meeting, programme=programme), filename)


@bp.get("/calendar.ics")
@conditional_calendar
def feed():
    filters = _feed_filters()
    meetings = services.list_feed_meetings(datetime.now(UTC), filters)
    name = services.feed_name(setting_in_language("SECRETARIAT_NAME"), filters)
    return _ics(feed_calendar(meetings, name=name), "meetings.ics")
