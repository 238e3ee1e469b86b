"""Caching of public catalogue responses, valid across every app instance.

Each instance keeps rendered responses in its own memory, keyed by the catalogue
version read from the shared database, so a change to any meeting is seen by all
instances on their next request. A page also moves with the clock (registration opens
or closes, a meeting ends): the view names the first such instant (``valid_until``),
and its entry is served only before it; every entry expires after PAGE_CACHE_SECONDS
too, for what no view names (a meeting ending moves it into the archive).
The ETag is a hash of the body itself, so a client revalidating at any later time
gets a 304 exactly when what it holds is still what it would be sent.

Only what is the same for every reader of a language is cached: the key holds the
reader's language as resolved, and a request or response with anything of its reader's
own (a flashed message, a signed-in identity, a cookie set) is neither stored nor served
from the cache.
"""

import hashlib
import math
import threading
import weakref
from datetime import datetime
from functools import wraps

from flask import current_app, make_response, request, session
from sqlalchemy import event

from app.db import UTCDateTime, utcnow
from app.extensions import db, page_cache
from app.locale import resolve_locale, url_locale
from app.meetings.catalogue import get_catalogue_state

_STATE_QUERY = "SELECT version, changed_at FROM catalogue_state WHERE id = 1"
_CHANGED_AT = UTCDateTime()
_local = threading.local()
#: Every held connection, by engine, so that disposing of an engine closes them all.
_held: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_held_lock = threading.Lock()


def _close_held(engine):
    with _held_lock:
        connections = _held.pop(engine, [])
    for connection in connections:
        connection.close()


def _held_connection(engine):
    """This thread's autocommit psycopg connection for ``engine``, opened on first use."""
    mine = _local.__dict__.setdefault("connections", weakref.WeakKeyDictionary())
    connection = mine.get(engine)
    if connection is None:
        pooled = engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()  # taken out of the pool: held by this thread, not borrowed
        connection.autocommit = True
        mine[engine] = connection
        with _held_lock:
            if engine not in _held:
                event.listen(engine, "engine_disposed", _close_held)
            _held.setdefault(engine, []).append(connection)
    return connection


def read_catalogue_state():
    """(catalogue version, when it last rose), or None without the row, as cheaply as the
    database allows.

    On PostgreSQL each thread keeps one autocommit connection for it: one round trip
    per request, instead of the pool's ping, BEGIN, the query and the ROLLBACK of a
    session. SQLite reads it in the session (a local file costs no round trips).
    """
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return get_catalogue_state()
    connection = _held_connection(engine)
    try:
        with connection.cursor() as cursor:
            cursor.execute(_STATE_QUERY)
            row = cursor.fetchone()
    except engine.dialect.loaded_dbapi.Error:  # the server went away: reconnect next time
        _local.connections.pop(engine, None)
        connection.close()
        return get_catalogue_state()
    return (row[0], _CHANGED_AT.process_result_value(row[1], engine.dialect)) if row else None


def read_catalogue_version():
    """The catalogue version (None without the row): what the page cache keys on."""
    state = read_catalogue_state()
    return state[0] if state else None


#: The query arguments any cached page reads. Others (``?cb=123``) change nothing on the
#: page, so they are left out of the key: otherwise each would store one more copy.
KNOWN_ARGUMENTS = ("type", "year", "country", "domain", "q", "page", "per_page", "when")
#: What the key holds of a query: the known arguments, and ``lang`` (as resolved).
_KEYED_ARGUMENTS = frozenset((*KNOWN_ARGUMENTS, "lang"))
#: Session keys that make a page its reader's own: flashed messages, and the signed-in
#: identity Flask-Login keeps.
_READERS_OWN = ("_flashes", "_user_id")


def known_arguments() -> str:
    """The request's known query arguments in one canonical order."""
    return "&".join(
        f"{name}={value.strip()}" for name in KNOWN_ARGUMENTS for value in request.args.getlist(name) if value.strip()
    )


_NOT_CACHEABLE = "meetings.page_not_cacheable"
_NOW = "meetings.page_now"
_VALID_UNTIL = "meetings.page_valid_until"


def request_now() -> datetime:
    """The instant a cached view renders at: one per request, the one its cache entry is
    judged by, so the check and the page never disagree about the time."""
    return request.environ.setdefault(_NOW, utcnow())


def valid_until(instant: datetime | None) -> None:
    """Called by a view whose page changes by itself at ``instant`` (registration opens or
    closes, a meeting ends): its cached copy is served only before then."""
    held = request.environ.get(_VALID_UNTIL)
    if instant is not None and (held is None or instant < held):
        request.environ[_VALID_UNTIL] = instant


def do_not_cache() -> None:
    """Called by a view whose page repeats what the visitor typed (a notice about a bad
    value): such a page is rendered for that request only, so no input fills the cache."""
    request.environ[_NOT_CACHEABLE] = True


def _cache_key(now: datetime) -> str | None:
    version = read_catalogue_version()
    if version is None:
        return None
    ttl = current_app.config["PAGE_CACHE_SECONDS"]
    bucket = int(now.timestamp() // ttl) if ttl > 0 else 0
    # The language as resolved, and whether the address named it: links then keep ?lang=.
    return f"page|{version}|{bucket}|{resolve_locale()}|{url_locale() or ''}|{request.path}?{known_arguments()}"


def _readers_own_request() -> bool:
    """Whether the request carries something of its reader's own: a flashed message, or a
    signed-in identity (in the session, or Flask-Login's remember-me cookie)."""
    if any(name in session for name in _READERS_OWN):
        return True
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def _readers_own_response(response) -> bool:
    """Whether rendering made the response its reader's own: it sets a cookie, or it changed
    the session (showed a flashed message, stored a form's token, signed someone in)."""
    return "Set-Cookie" in response.headers or session.modified


def cached_response(view):
    """Serve a GET view from the catalogue cache, with an ETag and conditional GET.

    What invalidates an entry: the catalogue version rising, PAGE_CACHE_SECONDS passing,
    the instant the view named with ``valid_until`` coming.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        now, ttl = request_now(), current_app.config["PAGE_CACHE_SECONDS"]
        shared = not _readers_own_request()
        key = _cache_key(now) if shared and ttl > 0 else None
        entry = page_cache.get(key) if key else None
        if entry is not None and entry[3] is not None and now >= entry[3]:
            entry = None  # the page has changed by itself since it was rendered
        if entry is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.direct_passthrough:
                return response
            shared = shared and not _readers_own_response(response)
            body, until = response.get_data(), request.environ.get(_VALID_UNTIL)
            entry = (body, dict(response.headers), hashlib.sha256(body).hexdigest()[:32], until)
            # Stored only when the page is a function of its key: not when it repeats what the
            # visitor typed, nor when the query holds arguments the key leaves out.
            storable = not request.environ.get(_NOT_CACHEABLE) and _KEYED_ARGUMENTS.issuperset(request.args)
            if key and shared and storable:
                left = ttl if until is None else max(1, min(ttl, math.ceil((until - now).total_seconds())))
                page_cache.set(key, entry, timeout=left)
        body, headers, etag, _ = entry
        if etag in request.if_none_match:
            response = current_app.response_class(status=304)
        else:
            response = current_app.response_class(body, headers=headers)
        response.set_etag(etag)
        # Vary (Accept-Language, Cookie) is added by app.locale and by the session.
        response.headers["Cache-Control"] = "public, no-cache" if shared else "private, no-cache"
        return response

    return wrapper
