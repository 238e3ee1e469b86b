"""The programme editor's services: add, change, move and remove a meeting's sessions.

Every change is checked here (the meeting's days, the times in its zone, clean text of the
columns' lengths), audited as "programme.changed" in the same commit, and, for a published
meeting with confirmed delegates, raises the programme's version so that its page and its
programme .ics tell them the programme has changed.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from flask_babel import gettext

from app.actors import Actor
from app.audit.services import changes, record
from app.extensions import db
from app.meetings.formatting import format_day
from app.meetings.models import CONTENT_LANGUAGES, Meeting, MeetingStatus, ProgrammeSession
from app.meetings.translations import original_language, set_translation
from app.text import multi_line_problem, single_line_problem

#: The longest text of each single-line field, as its column.
SINGLE_LINE = {"title": 300, "speakers": 500, "moderators": 500, "room": 120}
#: A description is Text; this keeps a page and an .ics readable.
DESCRIPTION_MAX = 10_000
#: What a change records, for the public notice (app.meetings templates render it).
ADDED, CHANGED, MOVED, REMOVED = "added", "changed", "moved", "removed"


class ProgrammeRefused(Exception):
    """Every rule a change to the programme breaks, by form field ('' for the form as a whole)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class SessionData:
    """A session as the editor's form gives it: a day and times in the meeting's zone."""

    day: date | None
    start: time | None
    end: time | None
    #: Title and description by language (en, fr, ar); the original language's go in the session's columns.
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    speakers: str = ""
    moderators: str = ""
    room: str = ""


def snapshot(session: ProgrammeSession) -> dict:
    """The session's fields as the audit log keeps them (none of them is personal)."""
    values = {
        name: getattr(session, name)
        for name in ("starts_at", "ends_at", "title", "description", "speakers", "moderators", "room", "position")
    }
    for language, row in session.translations.items():
        values[f"title_{language}"] = row.title
        values[f"description_{language}"] = row.description
    return values


def _local_instant(meeting: Meeting, day: date, moment: time, name: str, errors: dict) -> datetime | None:
    """``day`` at ``moment`` in the meeting's zone, in UTC; None (and an error) for a time the clocks skip."""
    zone = meeting.zone
    local = datetime.combine(day, moment.replace(tzinfo=None, fold=0), zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        errors[name] = gettext(
            "%(time)s does not exist on %(day)s in %(zone)s: the clocks change that night. Choose another time.",
            time=moment.strftime("%H:%M"),
            day=format_day(day),
            zone=meeting.timezone.replace("_", " "),
        )
        return None
    # An hour the clocks go through twice means its first passing (fold=0).
    return instant


def _runs_from(meeting: Meeting) -> str:
    return gettext(
        "The meeting runs from %(first)s to %(last)s: choose one of its days.",
        first=format_day(meeting.start_date),
        last=format_day(meeting.end_date),
    )


def _check_texts(data: SessionData, original: str, errors: dict) -> None:
    for language in CONTENT_LANGUAGES:
        title = data.titles.get(language, "")
        name = f"title_{language}"
        if language == original and not title.strip():
            errors[name] = gettext("Enter the session's title.")
        elif single_line_problem(title):
            errors[name] = single_line_problem(title)
        elif len(title) > SINGLE_LINE["title"]:
            errors[name] = gettext("Use at most %(count)d characters.", count=SINGLE_LINE["title"])
        description = data.descriptions.get(language, "")
        name = f"description_{language}"
        if multi_line_problem(description):
            errors[name] = multi_line_problem(description)
        elif len(description) > DESCRIPTION_MAX:
            errors[name] = gettext("Use at most %(count)d characters.", count=DESCRIPTION_MAX)
    for name in ("speakers", "moderators", "room"):
        value = getattr(data, name)
        if single_line_problem(value):
            errors[name] = single_line_problem(value)
        elif len(value) > SINGLE_LINE[name]:
            errors[name] = gettext("Use at most %(count)d characters.", count=SINGLE_LINE[name])


def dates_problem() -> str:
    return gettext("This meeting's dates are to be confirmed: set its dates before adding sessions.")


def _check_dated(meeting: Meeting) -> None:
    if not meeting.dates_confirmed:
        raise ProgrammeRefused({"": dates_problem()})


def _check(meeting: Meeting, data: SessionData) -> tuple[datetime, datetime]:
    """The session's UTC span, or ProgrammeRefused with every rule it breaks."""
    _check_dated(meeting)
    errors: dict[str, str] = {}
    if data.day is None:
        errors["day"] = gettext("Choose the day of the session.")
    elif data.day not in meeting.days:
        errors["day"] = _runs_from(meeting)
    if data.start is None:
        errors["start"] = gettext("Enter the time the session starts, such as 09:30.")
    if data.end is None:
        errors["end"] = gettext("Enter the time the session ends, such as 10:30.")
    starts = ends = None
    if "day" not in errors and data.start is not None:
        starts = _local_instant(meeting, data.day, data.start, "start", errors)
    if "day" not in errors and data.end is not None:
        ends = _local_instant(meeting, data.day, data.end, "end", errors)
    if starts is not None and ends is not None and ends <= starts:
        errors["end"] = gettext("The session must end after it starts.")
    _check_texts(data, original_language(meeting), errors)
    if errors:
        raise ProgrammeRefused(errors)
    return starts, ends


def _write(session: ProgrammeSession, data: SessionData, starts: datetime, ends: datetime) -> None:
    meeting = session.meeting
    original = original_language(meeting)
    session.starts_at, session.ends_at = starts, ends
    session.title = data.titles.get(original, "").strip()
    session.description = data.descriptions.get(original, "").strip()
    session.speakers, session.moderators, session.room = (
        data.speakers.strip(),
        data.moderators.strip(),
        data.room.strip(),
    )
    for language in CONTENT_LANGUAGES:
        if language == original:
            continue
        title = data.titles.get(language, "").strip()
        description = data.descriptions.get(language, "").strip()
        if title or description or language in session.translations:
            set_translation(session, language, title=title, description=description)


def raises_version(meeting: Meeting) -> bool:
    """Whether a change to this meeting's programme is announced: it is published and has
    confirmed delegates (``seats_taken`` counts the confirmed seats, app.registration.allocation)."""
    return meeting.status is MeetingStatus.PUBLISHED and meeting.seats_taken > 0


def _describe(change: str, session: ProgrammeSession, fields: list[str] = ()) -> dict:
    return {"change": change, "session": session.id, "title": session.title, "fields": list(fields)}


def _announce(meeting: Meeting, described: list[dict], now: datetime) -> None:
    if not raises_version(meeting):
        return
    # An SQL expression, so that two concurrent changes both count.
    meeting.programme_version = Meeting.programme_version + 1
    meeting.programme_updated_at = now
    meeting.programme_changes = described


def _audit(meeting, session, before, after, *, actor, now, change):
    changed = changes(before, after)
    changed["change"] = [None, change]
    record(
        "programme.changed",
        actor=actor,
        now=now,
        meeting_id=meeting.id,
        target=("programme_session", session.id),
        changed=changed,
    )


def _next_position(meeting: Meeting, starts: datetime, leaving: ProgrammeSession | None = None) -> int:
    same = [s.position for s in meeting.sessions if s.starts_at == starts and s is not leaving]
    return max(same) + 1 if same else 0


def add_session(meeting: Meeting, data: SessionData, *, now: datetime, actor: Actor) -> ProgrammeSession:
    """Add a session to the meeting's programme."""
    starts, ends = _check(meeting, data)
    session = ProgrammeSession(meeting=meeting, position=_next_position(meeting, starts))
    _write(session, data, starts, ends)
    db.session.add(session)
    db.session.flush()
    _audit(meeting, session, {}, snapshot(session), actor=actor, now=now, change=ADDED)
    _announce(meeting, [_describe(ADDED, session)], now)
    db.session.commit()
    return session


#: The public notice names what changed; these are the fields it names.
_NOTICE_FIELDS = {
    "starts_at": "time",
    "ends_at": "time",
    "room": "room",
    "speakers": "speakers",
    "moderators": "moderators",
    "title": "title",
    "description": "description",
}


def update_session(session: ProgrammeSession, data: SessionData, *, now: datetime, actor: Actor) -> bool:
    """Change a session; False when nothing changed (nothing is recorded then)."""
    meeting = session.meeting
    starts, ends = _check(meeting, data)
    before = snapshot(session)
    if starts != session.starts_at:
        session.position = _next_position(meeting, starts, leaving=session)
    _write(session, data, starts, ends)
    after = snapshot(session)
    changed = changes(before, after)
    if not changed:
        return False
    # A translation's title_fr or description_ar is the title or the description.
    fields = list(dict.fromkeys(_NOTICE_FIELDS.get(name, name.split("_")[0]) for name in changed if name != "position"))
    _audit(meeting, session, before, after, actor=actor, now=now, change=CHANGED)
    if fields:
        _announce(meeting, [_describe(CHANGED, session, fields)], now)
    db.session.commit()
    return True


def delete_session(session: ProgrammeSession, *, now: datetime, actor: Actor) -> None:
    """Remove a session from the programme."""
    meeting = session.meeting
    _audit(meeting, session, snapshot(session), {}, actor=actor, now=now, change=REMOVED)
    _announce(meeting, [_describe(REMOVED, session)], now)
    meeting.sessions.remove(session)
    db.session.delete(session)
    db.session.commit()


def day_sessions(session: ProgrammeSession) -> list[ProgrammeSession]:
    """The sessions of ``session``'s day, in the programme's order."""
    day = session.local_day
    ordered = sorted(session.meeting.sessions, key=lambda s: (s.starts_at, s.position, s.id))
    return [s for s in ordered if s.local_day == day]


def move_session(session: ProgrammeSession, direction: str, *, now: datetime, actor: Actor) -> bool:
    """Move a session one place up (earlier) or down in its day; False at the day's end.

    Two sessions starting together swap places; otherwise they swap slots, each keeping its
    length, over the same span (9:00–9:30 and 9:30–11:00 become 9:00–10:30 and 10:30–11:00).
    """
    if direction not in ("up", "down"):
        raise ProgrammeRefused({"": gettext("Choose whether to move the session up or down.")})
    day = day_sessions(session)
    index = day.index(session)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(day):
        return False
    first, second = sorted((session, day[other_index]), key=day.index)
    meeting = session.meeting
    before = {first.id: snapshot(first), second.id: snapshot(second)}
    if first.starts_at == second.starts_at:
        first.position, second.position = second.position, first.position
        if first.position == second.position:  # until now ordered by id
            first.position += 1
    else:
        span_start, span_end = first.starts_at, second.ends_at
        first_length, second_length = first.ends_at - first.starts_at, second.ends_at - second.starts_at
        if span_end - first_length < span_start:
            # One session runs through the other: there is no slot to swap.
            raise ProgrammeRefused(
                {"": gettext("These sessions overlap too much to swap places; change their times instead.")}
            )
        second.starts_at, second.ends_at = span_start, span_start + second_length
        first.starts_at, first.ends_at = span_end - first_length, span_end
        # After any session already starting at the new instant (a parallel one).
        second.position = _next_position(meeting, second.starts_at, leaving=second)
        first.position = _next_position(meeting, first.starts_at, leaving=first)
    for moved in (first, second):
        _audit(meeting, moved, before[moved.id], snapshot(moved), actor=actor, now=now, change=MOVED)
    _announce(meeting, [_describe(MOVED, session)], now)
    db.session.commit()
    return True
