"""What every response promises the browser, and what the app believes of a request.

- Every response (pages, JSON, calendars, documents, errors, 304s, static files) carries
  the headers below: a Content-Security-Policy without inline scripts, nosniff, a
  Referrer-Policy, a Permissions-Policy; HTTPS responses add HSTS where HSTS_SECONDS is set.
- A page that needs more asks for it by name, ``@allow("camera")``; EXCEPTIONS says what
  each name loosens, and a page can loosen nothing else.
- The client's address, scheme, host and port come from X-Forwarded-* only through
  PROXY_HOPS trusted proxies (werkzeug's ProxyFix); the host must be in TRUSTED_HOSTS.
- With LOOPBACK_ONLY (the public development key) the app answers this computer only.
- Log records of the app, werkzeug and gunicorn have access tokens masked.
"""

import functools
import ipaddress
import logging
import re

from flask import abort, current_app, request
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix

#: The Content-Security-Policy of every response.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
#: Browser features no page uses; a page that needs one asks for it with ``allow``.
PERMISSIONS = {"camera": "()", "microphone": "()", "geolocation": "()", "payment": "()", "usb": "()"}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # No page address is sent in a Referer, not even to this site: manage and confirmation
    # links carry a token. The origin still is, which Flask-WTF checks on HTTPS form posts.
    "Referrer-Policy": "strict-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
}

#: What a page may ask for by name: changes to CSP, PERMISSIONS and HEADERS.
EXCEPTIONS = {
    # The check-in desk reads badges with the device's camera.
    "camera": {"permissions": {"camera": "(self)"}},
    # A page showing a delegate's details or carrying their token: in no cache, and
    # not even the origin in a Referer (these forms' CSRF check needs no Referer).
    "delegate-details": {"headers": {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}},
    # A page whose address holds a password link's token: the same.
    "password-link": {"headers": {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}},
    # An email's HTML (inline styles, as email clients need), served at its own address and
    # shown in an <iframe> of one of this site's pages: sandboxed, no scripts, framed by us only.
    "email-preview": {
        "csp": {"style-src": "'unsafe-inline'", "script-src": "'none'", "frame-ancestors": "'self'", "sandbox": ""},
        "headers": {"X-Frame-Options": "SAMEORIGIN"},
    },
}


def allow(*names):
    """Give a view the named exceptions to the policy: ``@allow("camera")``."""
    unknown = sorted(set(names) - EXCEPTIONS.keys())
    if unknown:
        raise ValueError(f"no policy exception named {', '.join(unknown)}; they are {', '.join(EXCEPTIONS)}")

    def decorate(view):
        view.policy_exceptions = (*getattr(view, "policy_exceptions", ()), *names)
        return view

    return decorate


@functools.cache
def policy_headers(names: tuple[str, ...] = ()) -> dict[str, str]:
    """The headers of a response whose view was given the exceptions ``names``."""
    csp, permissions, headers = dict(CSP), dict(PERMISSIONS), dict(HEADERS)
    for name in names:
        csp.update(EXCEPTIONS[name].get("csp", {}))
        permissions.update(EXCEPTIONS[name].get("permissions", {}))
        headers.update(EXCEPTIONS[name].get("headers", {}))
    headers["Content-Security-Policy"] = "; ".join(f"{key} {value}".strip() for key, value in csp.items())
    headers["Permissions-Policy"] = ", ".join(f"{key}={value}" for key, value in permissions.items())
    return headers


def _apply_policy(response):
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    response.headers.update(policy_headers(tuple(getattr(view, "policy_exceptions", ()))))
    hsts = current_app.config["HSTS_SECONDS"]
    if hsts and request.is_secure:
        response.headers["Strict-Transport-Security"] = f"max-age={hsts}"
    return response


def _from_this_computer() -> bool:
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False  # relayed by a proxy: the peer's loopback address says nothing of the client
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _answer_this_computer_only():
    if not _from_this_computer():
        abort(
            403,
            description=_(
                "This server runs the development configuration, whose key is public: "
                "it answers only the computer it runs on."
            ),
        )


# --- Logs ----------------------------------------------------------------------------

#: Access tokens in addresses: confirmation and manage links (/meetings/<slug>/confirm/<token>,
#: /meetings/<slug>/registration/<token>[/cancel]), a reset link's /reset/<token> or ?token=.
#: The same rules as the maps in deploy/nginx.conf.
_TOKEN_PATHS = re.compile(r"(?i)(/+meetings/+[^/?\s]+/+(?:confirm|registration)/+|/reset/+)[^/?\s\"']+")
_TOKEN_QUERY = re.compile(r"(?i)([?&]token=)[^&\s\"']+")
#: Loggers whose records are masked: Flask's app.logger (log through it), the development
#: server's access log, gunicorn's.
MASKED_LOGGERS = ("werkzeug", "gunicorn.error", "gunicorn.access")


def mask_tokens(text: str) -> str:
    """``text`` with every access token replaced by "[token]"."""
    return _TOKEN_QUERY.sub(r"\1[token]", _TOKEN_PATHS.sub(r"\1[token]", text))


def escape_for_log(text: str) -> str:
    """``text`` on one line: line breaks, other unprintable characters and backslashes escaped,
    so that what a client sends cannot pose as a line of the log."""
    return "".join(c if c.isprintable() and c != "\\" else c.encode("unicode_escape").decode("ascii") for c in text)


class MaskTokens(logging.Filter):
    """Masks access tokens in a record's message and traceback before any handler sees it."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's to report, not ours
            return True
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_tokens(logging.Formatter().formatException(record.exc_info))
        return True


def _mask_logs(app):
    for logger in (app.logger, *map(logging.getLogger, MASKED_LOGGERS)):
        if not any(isinstance(f, MaskTokens) for f in logger.filters):
            logger.addFilter(MaskTokens())


def init_app(app):
    """Install the policy on ``app``; called first in ``create_app``."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=0)
    if app.config["LOOPBACK_ONLY"]:
        app.before_request(_answer_this_computer_only)
    app.after_request(_apply_policy)
    _mask_logs(app)
