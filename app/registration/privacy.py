"""The privacy notice a delegate is shown when they register, and its version.

The notice's text is a template (templates/privacy/notice.html); its version is a digest of
that text, so any change to the notice is a new version, and each registration records the
version its delegate was shown.
"""

import hashlib

from flask import Blueprint, current_app, render_template

NOTICE = "privacy/notice.html"

bp = Blueprint("privacy", __name__)


def version_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def notice_version() -> str:
    """The version of the notice as it stands."""
    source, _, _ = current_app.jinja_env.loader.get_source(current_app.jinja_env, NOTICE)
    return version_of(source)


@bp.get("/privacy")
def notice():
    return render_template("privacy/page.html", version=notice_version())
