"""Organisers create, change, publish, unpublish and duplicate meetings.

Every service takes ``now`` and the acting ``Actor``, checks every rule (raising
``MeetingRefused`` with the errors by form field, having changed nothing), writes its audit
line and commits with the change. What a meeting's registered delegates must hear of (its
calendar fields, seats freed by a larger capacity) is the registration side's: the caller
hands a ``Delegates`` (app.manage.meetings builds it from app.registration), called inside
the same transaction, so the change, its audit lines and the emails commit together.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext
from sqlalchemy import select

from app import countries
from app.actors import Actor
from app.audit.services import changes, record
from app.auth.models import Account
from app.auth.permissions import Permission
from app.auth.services import assign_creator, authorise
from app.extensions import db
from app.meetings.changes import MeetingEdit, apply_edit
from app.meetings.locks import lock_meeting
from app.meetings.models import CONTENT_LANGUAGES, Domain, Eligibility, Meeting, MeetingStatus, MeetingType
from app.meetings.services import SLUG_MAX_LENGTH
from app.meetings.translations import MeetingTranslation, ProgrammeSessionTranslation, set_translation

#: The texts a meeting holds in each content language.
TEXT_FIELDS = MeetingTranslation.FIELDS
#: Short enough for a URL, with room for "-2"...
SLUG_BASE_LENGTH = 80
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
MAX_SEATS = 100_000
#: The fields a calendar shows (app.meetings.changes.MeetingEdit): its delegates are told of them.
CALENDAR_FIELDS = ("title", "venue", "city", "country", "timezone", "start_date", "end_date", "starts_at", "ends_at")


class MeetingRefused(Exception):
    """What is wrong, by form field ("" for the form as a whole)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class MeetingData:
    """A meeting as an organiser describes it; local dates and times are in ``timezone``."""

    #: {language: {field: text}} for the fields of TEXT_FIELDS, in each content language.
    texts: dict
    original_language: str = "en"
    meeting_type: MeetingType = MeetingType.THEMATIC_MEETING
    timezone: str = "UTC"
    start_date: date | None = None
    end_date: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    city: str = ""
    country: str = ""
    host_country: str = ""
    chair: str = ""
    co_chairs: str = ""
    domain: Domain | None = None
    #: Naive local date-times in ``timezone``.
    registration_opens: datetime | None = None
    registration_closes: datetime | None = None
    capacity: int | None = None
    delegation_quota: int | None = None
    requires_approval: bool = False
    invitation_code: str = ""
    eligibility: Eligibility = Eligibility.EVERYONE
    #: A new slug, for a draft; None keeps it (or derives it from the title on creation).
    slug: str | None = None

    def text(self, language: str, name: str) -> str:
        return (self.texts.get(language) or {}).get(name) or ""

    @classmethod
    def of(cls, meeting: Meeting) -> "MeetingData":
        """The meeting as it is, to fill the form."""
        texts = {language: {} for language in CONTENT_LANGUAGES}
        for language in CONTENT_LANGUAGES:
            row = meeting.translations.get(language)
            for name in TEXT_FIELDS:
                if language == meeting.original_language:
                    texts[language][name] = getattr(meeting, name) or ""
                else:
                    texts[language][name] = getattr(row, name, "") or ""
        times = (
            (meeting.local(meeting.starts_at).time(), meeting.local(meeting.ends_at).time())
            if meeting.has_times
            else (None, None)
        )

        def local(instant):
            return meeting.local(instant).replace(tzinfo=None) if instant is not None else None

        return cls(
            texts=texts,
            original_language=meeting.original_language or "en",
            meeting_type=meeting.meeting_type,
            timezone=meeting.timezone,
            start_date=meeting.start_date,
            end_date=meeting.end_date,
            start_time=times[0],
            end_time=times[1],
            city=meeting.city,
            country=meeting.country,
            host_country=meeting.host_country,
            chair=meeting.chair,
            co_chairs=meeting.co_chairs,
            domain=meeting.domain,
            registration_opens=local(meeting.registration_opens_at),
            registration_closes=local(meeting.registration_closes_at),
            capacity=meeting.capacity,
            delegation_quota=meeting.delegation_quota,
            requires_approval=meeting.requires_approval,
            invitation_code=meeting.invitation_code or "",
            eligibility=meeting.eligibility,
            slug=meeting.slug,
        )


class Delegates(Protocol):
    """What the registration side does for a meeting's delegates, inside the service's transaction."""

    def registered(self, meeting: Meeting) -> bool:
        """Whether anyone is registered (then calendar changes go through ``change_calendar``)."""

    def change_calendar(self, meeting: Meeting, edit: MeetingEdit, now: datetime, actor: Actor) -> None:
        """Apply ``edit``, tell every registered delegate, audit and commit."""

    def seats_freed(self, meeting: Meeting, now: datetime, actor: Actor) -> int:
        """Fill free seats from the waiting list, in order, emailing each (not committed)."""


# --- the rules --------------------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo | None:
    if not name or name not in available_timezones():
        return None
    return ZoneInfo(name)


def _span(data: MeetingData, zone: ZoneInfo, errors: dict) -> tuple[datetime, datetime] | None:
    """The meeting's UTC span as ``Meeting.set_schedule`` would set it, or None (with errors)."""
    if data.start_date is None:
        if data.end_date is not None:
            errors["start_date"] = gettext("Give the first day, or say the dates are to be confirmed.")
        if data.start_time is not None or data.end_time is not None:
            errors["start_time"] = gettext("Times need dates: give the meeting's dates first.")
        return None
    end_date = data.end_date or data.start_date
    if end_date < data.start_date:
        errors["end_date"] = gettext("The last day cannot be before the first.")
        return None
    if (data.start_time is None) != (data.end_time is None):
        errors["end_time" if data.end_time is None else "start_time"] = gettext(
            "Give both a start and an end time, or neither."
        )
        return None
    if data.start_time is not None:
        starts = datetime.combine(data.start_date, data.start_time, zone)
        ends = datetime.combine(end_date, data.end_time, zone)
    else:
        starts = datetime.combine(data.start_date, time(0), zone)
        ends = datetime.combine(end_date + timedelta(days=1), time(0), zone)
    if ends <= starts:
        errors["end_time"] = gettext("The meeting must end after it starts.")
        return None
    return starts.astimezone(UTC), ends.astimezone(UTC)


def _window(data: MeetingData, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    def utc(local):
        return local.replace(tzinfo=zone).astimezone(UTC) if local is not None else None

    return utc(data.registration_opens), utc(data.registration_closes)


def check(data: MeetingData, meeting: Meeting | None = None) -> dict[str, str]:
    """Every rule ``data`` breaks, by field (for ``meeting``, when it exists)."""
    errors: dict[str, str] = {}
    if data.original_language not in CONTENT_LANGUAGES:
        errors["original_language"] = gettext("Choose the language the meeting is written in.")
    elif not data.text(data.original_language, "title").strip():
        errors[f"title_{data.original_language}"] = gettext("Give the meeting's title in its original language.")
    for code_field in ("country", "host_country"):
        code = getattr(data, code_field)
        if code and not countries.is_country(code):
            errors[code_field] = gettext("Choose a country from the list.")
    zone = _zone(data.timezone)
    if zone is None:
        errors["timezone"] = gettext("Choose a time zone from the list.")
        return errors
    span = _span(data, zone, errors)
    opens, closes = _window(data, zone)
    if opens is not None and closes is not None and opens >= closes:
        errors["registration_closes"] = gettext("Registration must open before it closes.")
    elif span is not None:
        if closes is not None and closes > span[1]:
            errors["registration_closes"] = gettext("Registration must close before the meeting ends.")
        elif opens is not None and opens >= span[1]:
            errors["registration_opens"] = gettext("Registration must open before the meeting ends.")
    if data.capacity is not None:
        if not 0 <= data.capacity <= MAX_SEATS:
            errors["capacity"] = gettext("Give a number of seats from 0 to %(most)d.", most=MAX_SEATS)
        elif meeting is not None and data.capacity < meeting.seats_taken:
            errors["capacity"] = gettext(
                "%(taken)d seats are already taken: the capacity cannot be lower.", taken=meeting.seats_taken
            )
    if data.delegation_quota is not None and not 1 <= data.delegation_quota <= MAX_SEATS:
        errors["delegation_quota"] = gettext("Give a quota from 1 to %(most)d.", most=MAX_SEATS)
    if meeting is not None and data.slug is not None and data.slug != meeting.slug:
        if meeting.status is not MeetingStatus.DRAFT:
            errors["slug"] = gettext("The address of a published meeting cannot change.")
        elif len(data.slug) > SLUG_MAX_LENGTH or not SLUG_PATTERN.fullmatch(data.slug):
            errors["slug"] = gettext("Use lower-case letters, digits and hyphens only.")
        elif _slug_taken(data.slug, meeting.id):
            errors["slug"] = gettext("Another meeting already has this address.")
    return errors


# --- slugs ------------------------------------------------------------------------------------


def slugify(title: str) -> str:
    """A URL's words from a title: ``Thematic Meeting on Return`` → ``thematic-meeting-on-return``."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:SLUG_BASE_LENGTH].strip("-")
    return slug or "meeting"


def _slug_taken(slug: str, excluding: int | None = None) -> bool:
    query = select(Meeting.id).where(Meeting.slug == slug)
    if excluding is not None:
        query = query.where(Meeting.id != excluding)
    return db.session.scalar(query) is not None


def unique_slug(title: str) -> str:
    """The title's slug, with -2, -3... when another meeting has it."""
    base = slugify(title)
    taken = set(db.session.scalars(select(Meeting.slug).where(Meeting.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


# --- applying ---------------------------------------------------------------------------------


def snapshot(meeting: Meeting) -> dict:
    """What the audit log compares: the meeting's own fields and each translation's texts."""
    values = {
        name: getattr(meeting, name)
        for name in (
            "slug",
            "status",
            "original_language",
            "meeting_type",
            "timezone",
            "start_date",
            "end_date",
            "starts_at",
            "ends_at",
            "city",
            "country",
            "host_country",
            "chair",
            "co_chairs",
            "domain",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
            "delegation_quota",
            "requires_approval",
            "invitation_code",
            "eligibility",
            *TEXT_FIELDS,
        )
    }
    for language, row in meeting.translations.items():
        for name in TEXT_FIELDS:
            values[f"{name}_{language}"] = getattr(row, name) or ""
    return values


def _apply_texts(meeting: Meeting, data: MeetingData, *, calendar: bool) -> None:
    """The texts in every language; with ``calendar`` False, the original title and venue are
    left for the calendar change (``MeetingEdit``)."""
    if meeting.original_language != data.original_language:
        meeting.original_language = data.original_language
        meeting.translations.pop(data.original_language, None)
    for name in TEXT_FIELDS:
        if calendar or name not in ("title", "venue"):
            setattr(meeting, name, data.text(data.original_language, name).strip())
    for language in CONTENT_LANGUAGES:
        if language == data.original_language:
            continue
        texts = {name: data.text(language, name).strip() for name in TEXT_FIELDS}
        if any(texts.values()) or language in meeting.translations:
            set_translation(meeting, language, **texts)


def _apply_rules(meeting: Meeting, data: MeetingData) -> None:
    meeting.meeting_type = data.meeting_type
    meeting.host_country = data.host_country
    meeting.chair, meeting.co_chairs = data.chair.strip(), data.co_chairs.strip()
    meeting.domain = data.domain
    meeting.capacity, meeting.delegation_quota = data.capacity, data.delegation_quota
    meeting.requires_approval = data.requires_approval
    meeting.invitation_code = data.invitation_code.strip() or None
    meeting.eligibility = data.eligibility


def _apply_window(meeting: Meeting, data: MeetingData) -> None:
    meeting.registration_opens_at, meeting.registration_closes_at = _window(data, ZoneInfo(data.timezone))


def calendar_edit(data: MeetingData) -> MeetingEdit:
    language = data.original_language
    return MeetingEdit(
        title=data.text(language, "title").strip(),
        venue=data.text(language, "venue").strip(),
        city=data.city.strip(),
        country=data.country,
        start_date=data.start_date,
        end_date=(data.end_date or data.start_date) if data.start_date else None,
        start_time=data.start_time if data.start_date else None,
        end_time=data.end_time if data.start_date else None,
        timezone=data.timezone,
    )


def _refuse(errors: dict) -> None:
    db.session.rollback()
    raise MeetingRefused(errors)


def create_meeting(data: MeetingData, *, now: datetime, actor: Actor, creator: Account | None = None) -> Meeting:
    """A new draft meeting; its creating organiser is assigned to it."""
    authorise(actor, Permission.CREATE_MEETING)
    errors = check(data)
    if errors:
        _refuse(errors)
    meeting = Meeting(
        slug=unique_slug(data.text(data.original_language, "title")),
        status=MeetingStatus.DRAFT,
        timezone=data.timezone,
        original_language=data.original_language,
        city=data.city.strip(),
        country=data.country,
        created_at=now,
        updated_at=now,
    )
    _apply_texts(meeting, data, calendar=True)
    _apply_rules(meeting, data)
    _apply_window(meeting, data)
    edit = calendar_edit(data)
    meeting.set_schedule(edit.start_date, edit.end_date, edit.start_time, edit.end_time)
    db.session.add(meeting)
    db.session.flush()
    record(
        "meeting.created",
        actor=actor,
        now=now,
        meeting_id=meeting.id,
        target=("meeting", meeting.id),
        changed=changes({}, snapshot(meeting)),
    )
    if creator is not None:
        assign_creator(creator, meeting.id, now=now, actor=actor)
    db.session.commit()
    return meeting


def update_meeting(
    meeting: Meeting, data: MeetingData, *, now: datetime, actor: Actor, delegates: Delegates | None = None
) -> dict:
    """Change the meeting; returns what changed ({field: [before, after]}), empty for nothing.

    With registered delegates, the calendar fields go through ``delegates.change_calendar``
    (their updated invites, its own audit line); a larger capacity fills seats from the
    waiting list. Everything commits together.
    """
    authorise(actor, Permission.EDIT_MEETING, meeting.id)
    meeting = lock_meeting(meeting.id)
    errors = check(data, meeting)
    if errors:
        _refuse(errors)
    before = snapshot(meeting)
    through_delegates = delegates is not None and delegates.registered(meeting)
    if data.slug is not None and meeting.status is MeetingStatus.DRAFT:
        meeting.slug = data.slug
    _apply_texts(meeting, data, calendar=not through_delegates)
    _apply_rules(meeting, data)
    _apply_window(meeting, data)
    if not through_delegates:
        apply_edit(meeting, calendar_edit(data))
    after = snapshot(meeting)
    exclude = CALENDAR_FIELDS if through_delegates else ()
    changed = {name: value for name, value in changes(before, after).items() if name not in exclude}
    if changed:
        meeting.updated_at = now
        record(
            "meeting.changed",
            actor=actor,
            now=now,
            meeting_id=meeting.id,
            target=("meeting", meeting.id),
            changed=changed,
        )
    if delegates is not None and data.capacity != before["capacity"]:
        delegates.seats_freed(meeting, now, actor)
    db.session.flush()
    if through_delegates:
        delegates.change_calendar(meeting, calendar_edit(data), now, actor)  # commits
        changed.update(changes(before, snapshot(meeting)))
    else:
        db.session.commit()
    return changed


def _set_status(meeting: Meeting, status: MeetingStatus, action: str, *, now: datetime, actor: Actor) -> bool:
    authorise(actor, Permission.EDIT_MEETING, meeting.id)
    meeting = lock_meeting(meeting.id)
    if meeting.status is MeetingStatus.CANCELLED:
        _refuse({"": gettext("This meeting has been cancelled: it cannot be published or unpublished.")})
    if meeting.status is status:
        db.session.rollback()
        return False
    changed = {"status": [meeting.status.value, status.value]}
    meeting.status, meeting.updated_at = status, now
    record(action, actor=actor, now=now, meeting_id=meeting.id, target=("meeting", meeting.id), changed=changed)
    db.session.commit()
    return True


def publish_meeting(meeting: Meeting, *, now: datetime, actor: Actor) -> bool:
    """Show the meeting on the public pages; its address no longer changes. False if it already was."""
    return _set_status(meeting, MeetingStatus.PUBLISHED, "meeting.published", now=now, actor=actor)


def unpublish_meeting(meeting: Meeting, *, now: datetime, actor: Actor) -> bool:
    """Take the meeting off the public pages (a draft again); its delegates' own links keep working."""
    return _set_status(meeting, MeetingStatus.DRAFT, "meeting.unpublished", now=now, actor=actor)


def moved_by_days(instant: datetime | None, zone: ZoneInfo, days: int) -> datetime | None:
    """``instant`` ``days`` later at the same local wall-clock time in ``zone`` (across DST)."""
    if instant is None:
        return None
    local = instant.astimezone(zone)
    moved = datetime.combine(local.date() + timedelta(days=days), local.time(), zone)
    return moved.astimezone(UTC)


def duplicate_meeting(
    meeting: Meeting, start_date: date, *, now: datetime, actor: Actor, creator: Account | None = None
) -> Meeting:
    """A new draft like ``meeting`` from ``start_date``: its texts, translations, rules and
    programme (moved by the same number of days), not its documents nor its registrations."""
    authorise(actor, Permission.CREATE_MEETING)
    authorise(actor, Permission.EDIT_MEETING, meeting.id)
    zone = meeting.zone
    days = (start_date - meeting.start_date).days if meeting.start_date else 0
    copy = Meeting(
        slug=unique_slug(meeting.title),
        status=MeetingStatus.DRAFT,
        timezone=meeting.timezone,
        created_at=now,
        updated_at=now,
        seats_taken=0,
        **{
            name: getattr(meeting, name)
            for name in (
                "title",
                "meeting_type",
                "venue",
                "city",
                "country",
                "host_country",
                "chair",
                "co_chairs",
                "theme",
                "domain",
                "summary",
                "description",
                "capacity",
                "delegation_quota",
                "eligibility",
                "requires_approval",
                "invitation_code",
                "original_language",
            )
        },
    )
    if meeting.start_date is not None:
        times = (meeting.local(meeting.starts_at).time(), meeting.local(meeting.ends_at).time())
        copy.set_schedule(
            start_date, meeting.end_date + timedelta(days=days), *(times if meeting.has_times else (None, None))
        )
    else:
        copy.set_schedule(start_date)
    if meeting.start_date is not None:
        copy.registration_opens_at = moved_by_days(meeting.registration_opens_at, zone, days)
        copy.registration_closes_at = moved_by_days(meeting.registration_closes_at, zone, days)
    for language, row in meeting.translations.items():
        set_translation(copy, language, **{name: getattr(row, name) for name in TEXT_FIELDS})
    db.session.add(copy)
    for session in meeting.sessions:
        moved = type(session)(
            starts_at=moved_by_days(session.starts_at, zone, days),
            ends_at=moved_by_days(session.ends_at, zone, days),
            **{
                name: getattr(session, name)
                for name in ("title", "description", "speakers", "moderators", "room", "position")
            },
        )
        copy.sessions.append(moved)
        for language, row in session.translations.items():
            moved.translations[language] = ProgrammeSessionTranslation(
                language=language, **{name: getattr(row, name) for name in ProgrammeSessionTranslation.FIELDS}
            )
    db.session.flush()
    created = snapshot(copy)
    created["copied_from"] = meeting.slug
    record(
        "meeting.created",
        actor=actor,
        now=now,
        meeting_id=copy.id,
        target=("meeting", copy.id),
        changed=changes({}, created),
    )
    if creator is not None:
        assign_creator(creator, copy.id, now=now, actor=actor)
    db.session.commit()
    return copy
