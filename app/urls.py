"""Absolute links: in emails and calendar files, and in pages and API answers too.

They point at BASE_URL, the address the application is served on, whatever
request (if any) is being handled: a worker or a CLI command has none, and a
request's Host header is the client's to choose, so a page cached for everyone
must never be built from it.
"""

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import MapAdapter


def base_url_adapter() -> MapAdapter:
    """The app's URL map bound to BASE_URL."""
    base = urlsplit(current_app.config["BASE_URL"])
    return current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)


def absolute_url(endpoint: str, **values) -> str:
    return base_url_adapter().build(endpoint, values, force_external=True)
