"""Error pages (HTML for the site, JSON for the API): nothing a user does ends in a bare 500."""

from flask import jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.security import escape_for_log
from app.urls import base_url_adapter


def _wants_json():
    return request.path.startswith("/api/")


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
        return render_template("errors/error.html", error=error), error.code, headers

    @app.errorhandler(Exception)
    def unexpected_error(error):
        # Escaped: a %0a in the address must not start a line of its own in the log.
        app.logger.exception("unhandled error on %s %s", request.method, escape_for_log(request.path))
        db.session.rollback()
        return http_error(InternalServerError())
