"""Routes of the site as a whole, belonging to no domain: the icon browsers ask for at /favicon.ico."""

from flask import Blueprint, current_app, send_from_directory

bp = Blueprint("site", __name__)


@bp.get("/favicon.ico")
def favicon():
    # Served like any static file (conditional, cached for SEND_FILE_MAX_AGE_DEFAULT), with the
    # security headers every response gets.
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon")
