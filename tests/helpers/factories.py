"""Builders of test data with sensible defaults; each commits what it makes."""

import itertools
from datetime import UTC, date, datetime, time, timedelta

from app.extensions import db
from app.files.storage import store_bytes
from app.meetings.models import (
    Document,
    DocumentKind,
    Meeting,
    MeetingStatus,
    MeetingType,
    ProgrammeSession,
)
from tests.helpers.actors import DELEGATE

_counter = itertools.count(1)


def make_meeting(*, dates=None, times=(time(9, 0), time(17, 0)), commit=True, **fields) -> Meeting:
    """A published meeting; ``dates=(start, end)`` in its zone, or ``dates=()`` for 'to be confirmed'."""
    number = next(_counter)
    values = dict(
        slug=f"meeting-{number}",
        title=f"Thematic Meeting {number}",
        meeting_type=MeetingType.THEMATIC_MEETING,
        status=MeetingStatus.PUBLISHED,
        timezone="Africa/Addis_Ababa",
        city="Addis Ababa",
        country="ET",
        host_country="ET",
        venue="United Nations Conference Centre",
        summary=f"Summary of meeting {number}.",
    )
    values.update(fields)
    meeting = Meeting(**values)
    if dates is None:
        start = date.today() + timedelta(days=30 + number)
        dates = (start, start + timedelta(days=1))
    if dates:
        meeting.set_schedule(dates[0], dates[1], *(times or (None, None)))
    db.session.add(meeting)
    if commit:
        db.session.commit()
    return meeting


def make_past_meeting(days_ago=60, **fields) -> Meeting:
    start = date.today() - timedelta(days=days_ago)
    return make_meeting(dates=(start, start + timedelta(days=1)), **fields)


def make_session(meeting: Meeting, day: date, start: str, end: str, title="Session", **fields) -> ProgrammeSession:
    zone = meeting.zone
    session = ProgrammeSession(
        meeting=meeting,
        title=title,
        starts_at=datetime.combine(day, time.fromisoformat(start), zone).astimezone(UTC),
        ends_at=datetime.combine(day, time.fromisoformat(end), zone).astimezone(UTC),
        **fields,
    )
    db.session.add(session)
    db.session.commit()
    return session


def make_document(
    meeting: Meeting,
    data: bytes = b"%PDF-1.4 test",
    *,
    title="Joint conclusions",
    filename="joint-conclusions.pdf",
    content_type="application/pdf",
    **fields,
) -> Document:
    document = Document(
        meeting=meeting,
        title=title,
        filename=filename,
        content_type=content_type,
        size=len(data),
        storage_key=store_bytes(data),
        kind=fields.pop("kind", DocumentKind.JOINT_CONCLUSIONS),
        **fields,
    )
    db.session.add(document)
    db.session.commit()
    return document


def make_open_meeting(now=None, **fields) -> Meeting:
    """A published meeting whose registration is open now."""
    now = now or datetime.now(UTC)
    fields.setdefault("registration_opens_at", now - timedelta(days=1))
    return make_meeting(**fields)


def registration_data(**fields):
    from app.registration.models import DelegateRole
    from app.registration.services import RegistrationData

    number = next(_counter)
    values = dict(
        salutation="Ms",
        first_name="Amina",
        last_name=f"Delegate{number}",
        email=f"delegate{number}@mfa.example",
        position="Director",
        delegation="state:ET",
        role=DelegateRole.DELEGATE,
    )
    values.update(fields)
    return RegistrationData(**values)


def make_registration(meeting: Meeting, *, confirm=True, now=None, **fields):
    """A registration through the real services: registered, and (by default) its address confirmed."""
    from app.registration import services

    now = now or datetime.now(UTC)
    registration = services.register_delegate(meeting, registration_data(**fields), now, actor=DELEGATE).registration
    if confirm:
        services.confirm_registration(registration, now, actor=DELEGATE)
    return registration
