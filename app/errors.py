"""Error pages (HTML for the site, JSON for the API): nothing a user does ends in a bare 500.

A page says what went wrong in the reader's language: the title by status code, and the
description too unless the code that raised the error gave its own (translated where it
was raised). The JSON API keeps werkzeug's English: machines read it.
"""

from flask import current_app, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.security import escape_for_log
from app.urls import base_url_adapter

#: Title and description of each error a reader may meet, by status code. The English is
#: werkzeug's own, so an English page reads as it always has.
ERROR_TEXTS = {
    400: (
        lazy_gettext("Bad Request"),
        lazy_gettext("The browser (or proxy) sent a request that this server could not understand."),
    ),
    401: (
        lazy_gettext("Unauthorized"),
        lazy_gettext("The server could not verify that you are authorized to access the URL requested."),
    ),
    403: (
        lazy_gettext("Forbidden"),
        lazy_gettext(
            "You don't have the permission to access the requested resource. It is either read-protected or "
            "not readable by the server."
        ),
    ),
    404: (
        lazy_gettext("Not Found"),
        lazy_gettext(
            "The requested URL was not found on the server. If you entered the URL manually please check your "
            "spelling and try again."
        ),
    ),
    405: (lazy_gettext("Method Not Allowed"), lazy_gettext("The method is not allowed for the requested URL.")),
    406: (lazy_gettext("Not Acceptable"), lazy_gettext("The server cannot answer in a form the browser accepts.")),
    409: (
        lazy_gettext("Conflict"),
        lazy_gettext(
            "A conflict happened while processing the request. The resource might have been modified while the "
            "request was being processed."
        ),
    ),
    410: (lazy_gettext("Gone"), lazy_gettext("The requested URL is no longer available on this server.")),
    413: (
        lazy_gettext("Request Entity Too Large"),
        lazy_gettext("The data value transmitted exceeds the capacity limit."),
    ),
    414: (
        lazy_gettext("Request URI Too Long"),
        lazy_gettext(
            "The length of the requested URL exceeds the capacity limit for this server. "
            "The request cannot be processed."
        ),
    ),
    415: (
        lazy_gettext("Unsupported Media Type"),
        lazy_gettext("The server does not support the media type transmitted in the request."),
    ),
    416: (
        lazy_gettext("Requested Range Not Satisfiable"),
        lazy_gettext("The server cannot provide the requested range."),
    ),
    422: (
        lazy_gettext("Unprocessable Entity"),
        lazy_gettext("The request was well-formed but was unable to be followed due to semantic errors."),
    ),
    429: (
        lazy_gettext("Too Many Requests"),
        lazy_gettext("This user has exceeded an allotted request count. Try again later."),
    ),
    431: (
        lazy_gettext("Request Header Fields Too Large"),
        lazy_gettext("One or more header fields exceeds the maximum size."),
    ),
    500: (
        lazy_gettext("Internal Server Error"),
        lazy_gettext(
            "The server encountered an internal error and was unable to complete your request. Either the server "
            "is overloaded or there is an error in the application."
        ),
    ),
    501: (
        lazy_gettext("Not Implemented"),
        lazy_gettext("The server does not support the action requested by the browser."),
    ),
    503: (
        lazy_gettext("Service Unavailable"),
        lazy_gettext(
            "The server is temporarily unable to service your request due to maintenance downtime or capacity "
            "problems. Please try again later."
        ),
    ),
}


def _wants_json():
    """The API, and the back office's JSON endpoints (views marked ``json_endpoint``)."""
    if request.path.startswith("/api/"):
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "json_endpoint", False))


def error_texts(error: HTTPException) -> tuple[str, str]:
    """The title and description of ``error``'s page, in the reader's language."""
    title, description = ERROR_TEXTS.get(error.code, (None, None))
    if title is None:
        title, description = (
            lazy_gettext("Error %(code)s", code=error.code),
            lazy_gettext("The request could not be completed."),
        )
    if error.description != type(error).description:
        description = error.description  # given where it was raised, in the reader's language
    return str(title), str(description)


def register_error_handlers(app):
    @app.errorhandler(HTTPException)
    def http_error(error):
        if _wants_json():
            return jsonify(error={"status": error.code, "message": error.description}), error.code
        if request_ctx.url_adapter is None:
            # The Host was refused (TRUSTED_HOSTS) before any URL could be matched: the
            # page's links are built against BASE_URL instead.
            request_ctx.url_adapter = base_url_adapter()
        # The error's own headers (Allow on a 405, Retry-After when given) go with the page.
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        title, description = error_texts(error)
        page = render_template("errors/error.html", error=error, title=title, description=description)
        return page, error.code, headers

    @app.errorhandler(Exception)
    def unexpected_error(error):
        # Escaped: a %0a in the address must not start a line of its own in the log.
        app.logger.exception("unhandled error on %s %s", request.method, escape_for_log(request.path))
        db.session.rollback()
        return http_error(InternalServerError())
