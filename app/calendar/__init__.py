"""Calendar invites and feeds: every iCalendar byte is built in ``invites``; ``sequence``
keeps each meeting's SEQUENCE; ``views`` serves the .ics files and feeds."""

from app.calendar import sequence  # noqa: F401  (registers the SEQUENCE listener)
from app.calendar.invites import (  # noqa: F401
    UndatedMeetingError,
    feed_calendar,
    meeting_calendar,
    meeting_uid,
    personal_invite,
)
