"""What every page about one meeting needs first: the meeting, or a 404 page."""

from flask import abort
from flask_babel import gettext, lazy_gettext

from app.meetings.models import Meeting
from app.meetings.services import get_meeting, get_public_meeting

NOT_FOUND = lazy_gettext("There is no published meeting at this address.")


def public_meeting_or_404(slug: str) -> Meeting:
    """The published (or cancelled) meeting every public page shows; drafts are 404 too."""
    meeting = get_public_meeting(slug)
    if meeting is None:
        abort(404, description=str(NOT_FOUND))
    return meeting


def meeting_or_404(slug: str) -> Meeting:
    """The meeting of a delegate's own page, whatever its publication state."""
    meeting = get_meeting(slug)
    if meeting is None:
        abort(404, description=gettext("There is no meeting at this address."))
    return meeting
