"""The reader's language: how a request's is chosen, and the link that changes it.

The language is, in this order: ``?lang=xx`` in the address; else the reader's remembered
choice (the ``lang`` cookie, set by the language-switch link); else the browser's
Accept-Language; else English. A code the app does not know is passed over for the next
source. Calendars (``locale_from_url``) take it from the address only: calendar clients
send no Accept-Language, and a subscription must not change language with whoever polls.

Every cache holding rendered text keys on ``resolve_locale()``, the language as resolved:
a reader asking for Arabic gets ``ar`` even while the interface, which exists in English
and French only, falls back to English, because meetings' content may differ. Responses
whose language was negotiated say ``Vary: Accept-Language, Cookie``. Links the app builds
keep an explicit ``lang`` when the request had one. Flask-Babel's locale selector is
``interface_locale``: the interface exists in English and French only.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urlsplit

from babel import Locale
from flask import Blueprint, abort, current_app, has_app_context, has_request_context, redirect, request, url_for
from flask_babel import force_locale, refresh
from flask_babel import gettext as _
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

#: Languages the interface is written in.
INTERFACE_LOCALES = ("en", "fr")
#: Every language a reader may ask for: the interface's, and those meetings' content may be in.
KNOWN_LOCALES = (*INTERFACE_LOCALES, "ar")
DEFAULT_LOCALE = "en"
#: What the language-switch links say, each in its own language.
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
#: The gettext domains of app/translations, one per area of the app (tools/i18n.py keeps them).
TRANSLATION_DOMAINS = ("site", "meetings", "registration", "mail", "calendar", "manage")
COOKIE_NAME = "lang"
COOKIE_SECONDS = 365 * 24 * 3600

_RESOLVED = "app.locale.resolved"
#: Endpoints whose links never carry ``lang``: static files are the same in every language,
#: and the switch must not return the reader to the language they are leaving.
_WITHOUT_LANG = {"static", "locale.switch"}

bp = Blueprint("locale", __name__)

#: The language text is being written in for someone other than the reader (an email to a
#: delegate, in the language of their registration), whatever the request's.
_WRITING_FOR: ContextVar[str | None] = ContextVar("app.locale.writing_for", default=None)


def known_locale(code: str | None) -> str | None:
    """``code`` lower-cased if the app knows it, else None."""
    code = (code or "").strip().lower()
    return code if code in KNOWN_LOCALES else None


def url_locale() -> str | None:
    """The known language the request's address names with ``?lang=``, if any."""
    return known_locale(request.args.get("lang")) if has_request_context() else None


@functools.lru_cache(maxsize=256)
def _browser_locale(accept_language: str) -> str | None:
    """The known language an Accept-Language header prefers. Kept per header: browsers send few
    distinct ones, and parsing one costs nearly a tenth of serving a cached page. Nothing
    invalidates an entry (the answer depends on the header alone); the least used go first."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(KNOWN_LOCALES)


def locale_from_url(view):
    """Mark a view whose language comes from its address only (calendars, feeds)."""
    view.locale_from_url = True
    return view


def english_only(view):
    """Mark a view that answers in English whoever asks (the JSON API: machines read it)."""
    view.english_only = True
    return view


def _resolve() -> tuple[str, bool]:
    """(the language, whether it was negotiated from the cookie or Accept-Language)."""
    code = url_locale()
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, "english_only", False):
        return DEFAULT_LOCALE, False
    if code or getattr(view, "locale_from_url", False):
        return code or DEFAULT_LOCALE, False
    code = known_locale(request.cookies.get(COOKIE_NAME)) or _browser_locale(request.headers.get("Accept-Language", ""))
    return code or DEFAULT_LOCALE, True


@contextmanager
def writing_in(code: str | None):
    """Within this block, text is written in ``code`` (English for a code the app does not know):
    an email to a delegate is in their language, whoever's request or command sends it."""
    code = known_locale(code) or DEFAULT_LOCALE
    token = _WRITING_FOR.set(code)
    try:
        if has_app_context():  # Flask-Babel's translations and formats follow
            with force_locale(code if code in INTERFACE_LOCALES else DEFAULT_LOCALE):
                yield
        else:
            yield
    finally:
        _WRITING_FOR.reset(token)


def resolve_locale() -> str:
    """The reader's language as resolved (one of KNOWN_LOCALES); English outside a request.
    Within ``writing_in``, the language written in."""
    writing_for = _WRITING_FOR.get()
    if writing_for is not None:
        return writing_for
    if not has_request_context():
        return DEFAULT_LOCALE
    resolved = request.environ.get(_RESOLVED)
    if resolved is None:
        resolved = request.environ[_RESOLVED] = _resolve()
    return resolved[0]


def interface_locale() -> str:
    """The language the interface is shown in: the reader's, or English when it has none."""
    code = resolve_locale()
    return code if code in INTERFACE_LOCALES else DEFAULT_LOCALE


@functools.cache
def _direction(code: str) -> str:
    return "rtl" if Locale.parse(code).character_order == "right-to-left" else "ltr"


def interface_direction() -> str:
    """``rtl`` or ``ltr``: the writing direction of the interface's language (Arabic's is rtl)."""
    return _direction(interface_locale())


def setting_in_language(name: str) -> str:
    """A configured text (``SECRETARIAT_NAME``) in the language being written: the setting
    ``NAME_FR`` for French when it is set, else ``NAME`` itself."""
    config = current_app.config
    return config.get(f"{name}_{interface_locale().upper()}") or config[name]


def _here() -> str:
    """This page's path and query without ``lang``: where a language switch returns to."""
    query = [(name, value) for name, value in request.args.items(multi=True) if name != "lang"]
    return request.path + (f"?{urlencode(query)}" if query else "")


def language_links() -> list[SimpleNamespace]:
    """The language-switch links of this page: plain links, so a cached page holds no form token."""
    here, current = _here(), interface_locale()
    return [
        SimpleNamespace(
            code=code, name=name, url=url_for("locale.switch", code=code, next=here), current=code == current
        )
        for code, name in LANGUAGE_NAMES.items()
    ]


def local_path(target: str | None) -> str:
    """``target`` if it is a path on this site (without ``lang``), else "/": never another site."""
    target = target or ""
    # "//host" and "/\host" are other sites to a browser, which also drops tabs and line breaks.
    if not target.startswith("/") or target.startswith("//") or any(c == "\\" or not c.isprintable() for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name != "lang"]
    return parts.path + (f"?{urlencode(query)}" if query else "")


@bp.get("/language/<code>")
def switch(code):
    """Remember the reader's language in a cookie and go back to the page they were on."""
    code = known_locale(code)
    if code is None:
        abort(404, description=_("The site is not offered in that language."))
    response = redirect(request.script_root + local_path(request.args.get("next")), code=303)
    response.set_cookie(
        COOKIE_NAME,
        code,
        max_age=COOKIE_SECONDS,
        path=request.script_root or "/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _keep_explicit_lang(endpoint, values):
    if endpoint not in _WITHOUT_LANG and "lang" not in values:
        code = url_locale()
        if code:
            values["lang"] = code


def _vary(response):
    resolved = request.environ.get(_RESOLVED)
    if resolved is not None and resolved[1]:
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def init_app(app):
    """The switch route, links that keep ``lang``, Vary, and the template helpers."""
    app.register_blueprint(bp)
    # Each request chooses its language afresh: Flask-Babel keeps its choice in the application
    # context, which can outlive one request (a test's, a command's several requests).
    app.before_request(refresh)
    app.url_defaults(_keep_explicit_lang)
    app.after_request(_vary)
    app.add_template_global(interface_locale)
    app.add_template_global(language_links)
    app.add_template_global(setting_in_language)
    app.add_template_global(interface_direction)
