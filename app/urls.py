"""Absolute links for what leaves the application (emails, calendar files).

They point at BASE_URL, the address the application is served on, whatever
request (if any) is being handled: a worker or a CLI command has none.
"""
from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
