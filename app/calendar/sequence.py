"""The meeting's iCalendar SEQUENCE, raised by the model itself whenever a calendar would show a change.

Calendar clients replace an event they hold only when the new copy has a higher
SEQUENCE (RFC 5545 3.8.7.4), so every code path that changes what a calendar shows
must raise it, and nothing else may: a listener on the session does it at flush
time, once per flush, whoever changed the meeting. A meeting's title and venue in another
language (app.meetings.translations) are what a reader of that language's calendar shows, so
their changes count too; so does a change of the original language, which decides what a
reader without a translation is shown.
"""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.meetings.models import Meeting, MeetingStatus
from app.meetings.translations import MeetingTranslation

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
    "original_language",
)
#: The translated fields a calendar shows.
TRANSLATED_CALENDAR_FIELDS = ("title", "venue")


def _track_old_values(model, field):
    # Load the old value when a column is set on an expired instance, so that
    # setting an unchanged value is seen as no change rather than as a new one.
    event.listen(getattr(model, field), "set", lambda target, value, old, initiator: None, active_history=True)


for _field in (*CALENDAR_FIELDS, "status"):
    _track_old_values(Meeting, _field)
for _field in TRANSLATED_CALENDAR_FIELDS:
    _track_old_values(MeetingTranslation, _field)


def _cancellation_changed(state) -> bool:
    history = state.attrs.status.history
    if not history.has_changes():
        return False
    before = (history.deleted or history.unchanged or (None,))[0]
    after = history.added[0] if history.added else None
    return (before is MeetingStatus.CANCELLED) != (after is MeetingStatus.CANCELLED)


def _shows_something(translation: MeetingTranslation) -> bool:
    return any(getattr(translation, name) for name in TRANSLATED_CALENDAR_FIELDS)


def translation_changed(session, translation: MeetingTranslation) -> bool:
    """Whether a pending change to a meeting's translation alters what a calendar shows in its language."""
    if translation in session.new or translation in session.deleted:
        return _shows_something(translation)
    state = inspect(translation)
    return any(state.attrs[name].history.has_changes() for name in TRANSLATED_CALENDAR_FIELDS)


def calendar_changed(meeting: Meeting) -> bool:
    """Whether the pending changes of a meeting's own columns, or translations taken out of it,
    alter what a calendar shows of it (app.calendar.sequence.translation_changed tells of the others)."""
    state = inspect(meeting)
    # A translation taken out of the collection is deleted at flush time, not yet in session.deleted.
    removed = state.attrs.translations.history.deleted
    return (
        any(state.attrs[name].history.has_changes() for name in CALENDAR_FIELDS)
        or _cancellation_changed(state)
        or any(_shows_something(translation) for translation in removed)
    )


@event.listens_for(Session, "before_flush")
def _raise_ical_sequence(session, flush_context, instances):
    changed = [obj for obj in session.dirty if isinstance(obj, Meeting) and calendar_changed(obj)]
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, MeetingTranslation) and obj.meeting is not None and translation_changed(session, obj):
            changed.append(obj.meeting)
    for meeting in dict.fromkeys(changed):
        if meeting in session.new or meeting in session.deleted:
            continue
        if inspect(meeting).attrs.ical_sequence.history.has_changes():
            continue
        # An SQL expression, so that two concurrent edits both count.
        meeting.ical_sequence = Meeting.ical_sequence + 1
