"""Calendar invites and feeds: every iCalendar byte is built in ``invites``; ``schedule``
says when a meeting's occurrences are; ``sequence`` keeps each meeting's SEQUENCE;
``views`` serves the .ics files and feeds."""

from app.calendar import sequence  # noqa: F401  (registers the SEQUENCE listener)
from app.calendar.invites import (  # noqa: F401
    feed_calendar,
    meeting_calendar,
    meeting_uid,
    personal_invite,
)
from app.calendar.schedule import UndatedMeetingError  # noqa: F401
