"""The outbox viewer: the emails the app has queued, each shown as its recipient would see it.

For a computer without a mail server (``make run``): someone following the delegate's path in
the browser reads the confirmation email here. It exists only when ENABLE_DEV_ROUTES is set,
which the production configuration refuses.
"""

import re

from flask import Blueprint, Response, abort, render_template
from sqlalchemy import select

from app.extensions import db
from app.mail.outbox import OutboxMessage
from app.security import allow

bp = Blueprint("outbox_viewer", __name__, url_prefix="/dev/outbox")
#: How many of the newest messages the list shows.
LIST_SIZE = 200
_LINK = re.compile(r"https?://[^\s<>\"']+")


def _message(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404, description="There is no such message in the outbox.")
    return message


@bp.get("/")
def index():
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(LIST_SIZE)
    ).all()
    return render_template("mail_viewer/index.html", messages=messages)


@bp.get("/<int:message_id>")
def message(message_id):
    message = _message(message_id)
    # The frame is sandboxed, so its links cannot be followed: they are listed beside it.
    links = list(dict.fromkeys(_LINK.findall(message.text)))
    return render_template("mail_viewer/message.html", message=message, links=links)


@bp.get("/<int:message_id>/html")
@allow("email-preview")
def html(message_id):
    """The message's HTML alone, for the sandboxed frame of the message page."""
    return Response(_message(message_id).html, mimetype="text/html")


@bp.get("/<int:message_id>/invite.ics")
def invite(message_id):
    message = _message(message_id)
    if not message.calendar:
        abort(404, description="This message carries no calendar invitation.")
    return Response(
        message.calendar,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="invite.ics"'},
    )


def init_app(app):
    if app.config.get("ENABLE_DEV_ROUTES"):
        app.register_blueprint(bp)
