"""What the back office's pages list: the meetings an account may see, with their counts."""

from collections import defaultdict

from flask import g
from sqlalchemy import case, func, select

from app.auth.models import Account
from app.auth.permissions import assigned_meeting_ids, sees_every_meeting
from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.services import get_meeting
from app.registration.models import Registration, RegistrationStatus

_G_MEETING = "manage_meeting"


def meeting_from_slug(view_args: dict) -> int | None:
    """The scope resolver of views under ``/manage/meetings/<slug>/``: the meeting's id, the
    meeting itself kept for the view (``current_meeting``)."""
    meeting = get_meeting(view_args.get("slug"))
    setattr(g, _G_MEETING, meeting)
    return meeting.id if meeting is not None else None


def current_meeting() -> Meeting:
    return getattr(g, _G_MEETING)


def list_meetings_for(account: Account) -> list[Meeting]:
    """The meetings ``account`` may see, drafts included, latest first (undated ones last)."""
    query = select(Meeting)
    if not sees_every_meeting(account):
        query = query.where(Meeting.id.in_(assigned_meeting_ids(account)))
    undated_last = case((Meeting.start_date.is_(None), 1), else_=0)
    return list(db.session.scalars(query.order_by(undated_last, Meeting.start_date.desc(), Meeting.title)))


def list_all_meetings() -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).order_by(Meeting.start_date.desc(), Meeting.title)))


def status_counts(meeting_ids: list[int]) -> dict[int, dict[RegistrationStatus, int]]:
    """How many registrations each meeting has in each state."""
    counts: dict[int, dict[RegistrationStatus, int]] = defaultdict(dict)
    if not meeting_ids:
        return counts
    query = (
        select(Registration.meeting_id, Registration.status, func.count(Registration.id))
        .where(Registration.meeting_id.in_(meeting_ids))
        .group_by(Registration.meeting_id, Registration.status)
    )
    for meeting_id, status, count in db.session.execute(query):
        counts[meeting_id][status] = count
    return counts


def meeting_titles(meeting_ids) -> dict[int, str]:
    ids = {meeting_id for meeting_id in meeting_ids if meeting_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Meeting.id, Meeting.title).where(Meeting.id.in_(ids))).all())


def get_meetings_by_slug(slugs) -> tuple[list[Meeting], list[str]]:
    """The meetings with these slugs, and the slugs no meeting has."""
    slugs = list(dict.fromkeys(slugs))
    found = {m.slug: m for m in db.session.scalars(select(Meeting).where(Meeting.slug.in_(slugs)))} if slugs else {}
    return [found[slug] for slug in slugs if slug in found], [slug for slug in slugs if slug not in found]


MEETING_STATES = (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED)
