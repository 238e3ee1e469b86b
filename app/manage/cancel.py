"""Cancelling a meeting from the back office: a page that says whom it tells, then the button."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from app.auth.access import current_account, requires
from app.auth.permissions import Permission
from app.auth.services import actor_for
from app.db import utcnow
from app.manage.queries import current_meeting, meeting_from_slug
from app.manage.views import bp
from app.registration.meeting_changes import cancel_meeting, cancellation_recipients


@bp.route("/meetings/<slug>/cancel", methods=["GET", "POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def cancel(slug):
    meeting = current_meeting()
    if meeting.is_cancelled:
        flash(gettext("This meeting is already cancelled."), "warning")
        return redirect(url_for("manage.meeting", slug=meeting.slug))
    if request.method != "POST":
        recipients = cancellation_recipients(meeting)
        return render_template("manage/meeting_cancel.html", meeting=meeting, recipients=recipients)
    told = cancel_meeting(meeting, utcnow(), actor=actor_for(current_account()))
    flash(
        ngettext(
            "The meeting has been cancelled; %(num)d delegate has been told by email.",
            "The meeting has been cancelled; %(num)d delegates have been told by email.",
            told,
        ),
        "success",
    )
    return redirect(url_for("manage.meeting", slug=meeting.slug))
