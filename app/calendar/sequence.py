"""The meeting's iCalendar SEQUENCE, raised by the model itself whenever a calendar would show a change.

Calendar clients replace an event they hold only when the new copy has a higher
SEQUENCE (RFC 5545 3.8.7.4), so every code path that changes what a calendar shows
must raise it, and nothing else may: a listener on the session does it at flush
time, once per flush, whoever changed the meeting.
"""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.meetings.models import Meeting, MeetingStatus

#: Columns whose change a calendar shows (dates, times, place, title, zone).
CALENDAR_FIELDS = (
    "title",
    "start_date",
    "end_date",
    "starts_at",
    "ends_at",
    "has_times",
    "venue",
    "city",
    "country",
    "timezone",
)


def _track_old_values(field):
    # Load the old value when a column is set on an expired instance, so that
    # setting an unchanged value is seen as no change rather than as a new one.
    event.listen(getattr(Meeting, field), "set", lambda target, value, old, initiator: None, active_history=True)


for _field in (*CALENDAR_FIELDS, "status"):
    _track_old_values(_field)


def _cancellation_changed(state) -> bool:
    history = state.attrs.status.history
    if not history.has_changes():
        return False
    before = (history.deleted or history.unchanged or (None,))[0]
    after = history.added[0] if history.added else None
    return (before is MeetingStatus.CANCELLED) != (after is MeetingStatus.CANCELLED)


def calendar_changed(meeting: Meeting) -> bool:
    """Whether the pending changes of a meeting alter what a calendar shows of it."""
    state = inspect(meeting)
    return any(state.attrs[name].history.has_changes() for name in CALENDAR_FIELDS) or _cancellation_changed(state)


@event.listens_for(Session, "before_flush")
def _raise_ical_sequence(session, flush_context, instances):
    for obj in session.dirty:
        if not isinstance(obj, Meeting) or inspect(obj).attrs.ical_sequence.history.has_changes():
            continue
        if calendar_changed(obj):
            # An SQL expression, so that two concurrent edits both count.
            obj.ical_sequence = Meeting.ical_sequence + 1
