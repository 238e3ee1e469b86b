"""Caching of public catalogue responses, valid across every app instance.

Each instance keeps rendered responses in its own memory, keyed by the catalogue
version read from the shared database, so a change to any meeting is seen by all
instances on their next request. Entries also expire after PAGE_CACHE_SECONDS,
because a page's state moves with the clock (registration opens, a meeting ends).
The ETag is a hash of the body itself, so a client revalidating at any later time
gets a 304 exactly when what it holds is still what it would be sent.
"""
import hashlib
import time
from functools import wraps

from flask import current_app, make_response, request

from app.extensions import page_cache
from app.meetings.services import get_catalogue_version


def _cache_key() -> str:
    ttl = current_app.config["PAGE_CACHE_SECONDS"]
    bucket = int(time.time() // ttl) if ttl > 0 else 0
    return f"page|{get_catalogue_version()}|{bucket}|{request.full_path}"


def cached_response(view):
    """Serve a GET view from the catalogue cache, with an ETag and conditional GET."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        ttl = current_app.config["PAGE_CACHE_SECONDS"]
        key = _cache_key()
        entry = page_cache.get(key) if ttl > 0 else None
        if entry is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.direct_passthrough:
                return response
            body = response.get_data()
            entry = (body, dict(response.headers), hashlib.sha256(body).hexdigest()[:32])
            if ttl > 0:
                page_cache.set(key, entry, timeout=ttl)
        body, headers, etag = entry
        if etag in request.if_none_match:
            response = current_app.response_class(status=304)
        else:
            response = current_app.response_class(body, headers=headers)
        response.set_etag(etag)
        response.headers["Cache-Control"] = "public, no-cache"
        return response

    return wrapper
