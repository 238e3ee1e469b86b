"""Loads the demo meetings (with generated PDF documents) into an empty database.

A meeting's spec may carry ``translations`` (language → its title, summary, description and
venue), ``session_titles`` (language → its sessions' titles, in the programme's order) and
``document_titles`` (language → {original title: translated title}); a document given as
(title, kind, language, title of its first version) is that document in another language.
"""

import secrets
from datetime import UTC, datetime, time, timedelta

from fpdf import FPDF
from sqlalchemy import func, select

from app.actors import Actor
from app.auth.models import Account, Role
from app.auth.services import create_account
from app.demo.data import CONTENT, PAST, UPCOMING
from app.extensions import db
from app.files.storage import store_bytes
from app.meetings.models import (
    Document,
    DocumentKind,
    Domain,
    Eligibility,
    Meeting,
    MeetingStatus,
    MeetingType,
    ProgrammeSession,
)
from app.meetings.translations import set_translation


def _pdf(title: str, meeting: Meeting) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 10, title.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    text = f"{meeting.title}\n{meeting.city}\n\n{meeting.summary}"
    pdf.multi_cell(0, 6, text.encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())


def _slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def build_meeting(spec: dict, now: datetime) -> Meeting:
    spec = spec | CONTENT.get(spec["slug"], {})
    meeting = Meeting(
        slug=spec["slug"],
        title=spec["title"],
        meeting_type=MeetingType(spec["type"]),
        status=MeetingStatus.CANCELLED if spec.get("cancelled") else MeetingStatus.PUBLISHED,
        timezone=spec["tz"],
        venue=spec.get("venue", ""),
        city=spec.get("city", ""),
        country=spec.get("country", ""),
        host_country=spec.get("host", ""),
        chair=spec.get("chair", ""),
        co_chairs=spec.get("co_chairs", ""),
        theme=spec.get("theme", ""),
        domain=Domain(spec["domain"]) if spec.get("domain") else None,
        summary=spec.get("summary", ""),
        description=spec.get("description", ""),
        original_language=spec.get("original_language", "en"),
    )
    start, end = spec.get("dates", (None, None))
    if "starts_in_days" in spec:
        start = now.date() + timedelta(days=spec["starts_in_days"])
        end = start + timedelta(days=spec["length"] - 1)
    times = spec.get("times", (None, None))
    meeting.set_schedule(start, end, *times)
    rules = spec.get("registration")
    if rules and meeting.starts_at:
        meeting.registration_opens_at = meeting.starts_at - timedelta(days=rules["open_days_before"])
        meeting.registration_closes_at = meeting.starts_at - timedelta(days=rules["close_days_before"])
        meeting.capacity = rules.get("capacity")
        meeting.requires_approval = rules.get("requires_approval", False)
        meeting.delegation_quota = rules.get("delegation_quota", 3)
        meeting.eligibility = Eligibility(rules.get("eligibility", Eligibility.EVERYONE.value))
    for offset, begins, ends, title, speakers, moderators, room in spec.get("sessions", []):
        day = start + timedelta(days=offset)
        meeting.sessions.append(
            ProgrammeSession(
                starts_at=datetime.combine(day, time.fromisoformat(begins), meeting.zone).astimezone(UTC),
                ends_at=datetime.combine(day, time.fromisoformat(ends), meeting.zone).astimezone(UTC),
                title=title,
                speakers=speakers,
                moderators=moderators,
                room=room,
            )
        )
    documents = {}
    for position, (title, kind, language, *first) in enumerate(spec.get("documents", [])):
        data = _pdf(title, meeting)
        documents[title] = Document(
            title=title,
            kind=DocumentKind(kind),
            language=language,
            filename=f"{_slugify(title)}-{language}.pdf",
            content_type="application/pdf",
            size=len(data),
            storage_key=store_bytes(data),
            position=position,
            version_of=documents[first[0]] if first else None,
        )
        meeting.documents.append(documents[title])
    _translate(meeting, spec, documents)
    return meeting


def _translate(meeting: Meeting, spec: dict, documents: dict[str, Document]):
    for language, texts in spec.get("translations", {}).items():
        set_translation(meeting, language, **texts)
    for language, titles in spec.get("session_titles", {}).items():
        if len(titles) != len(meeting.sessions):
            raise ValueError(f"{spec['slug']}: {len(titles)} {language} session titles for {len(meeting.sessions)}")
        for session, title in zip(meeting.sessions, titles, strict=True):
            set_translation(session, language, title=title)
    for language, titles in spec.get("document_titles", {}).items():
        for original, title in titles.items():
            set_translation(documents[original], language, title=title)


def load_demo(now: datetime | None = None) -> int:
    """Add the demo meetings if there are no meetings yet; return how many were added."""
    if db.session.scalar(select(func.count(Meeting.id))):
        return 0
    now = now or datetime.now(UTC)
    meetings = [build_meeting(spec, now) for spec in PAST + UPCOMING]
    db.session.add_all(meetings)
    db.session.commit()
    return len(meetings)


#: The demo's first administrator.
DEMO_ADMIN = "admin@secretariat.example"


def create_demo_admin(now: datetime | None = None) -> tuple[str, str] | None:
    """On a database without accounts, an administrator with a random password: (address,
    password), to be shown once. None when there are accounts already."""
    if db.session.scalar(select(func.count(Account.id))):
        return None
    password = secrets.token_urlsafe(15)
    create_account(
        DEMO_ADMIN,
        Role.ADMIN,
        name="Demo administrator",
        password=password,
        now=now or datetime.now(UTC),
        actor=Actor.system("demo"),
    )
    return DEMO_ADMIN, password
