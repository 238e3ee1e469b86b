"""The meeting editor's services (app.meetings.editing): every rule, the audit lines, the
creator's assignment, promotion on a larger capacity."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.auth.permissions import NotPermitted, assigned_meeting_ids
from app.auth.services import actor_for
from app.extensions import db
from app.manage.meetings import RegisteredDelegates
from app.meetings import editing
from app.meetings.editing import MeetingData, MeetingRefused
from app.meetings.models import Eligibility, Meeting, MeetingStatus, MeetingType
from app.registration.models import RegistrationStatus
from tests.helpers.accounts import make_account
from tests.helpers.actors import SYSTEM
from tests.helpers.factories import make_meeting, make_open_meeting, make_registration, make_session
from tests.helpers.outbox import queued

START = date(2031, 3, 10)


def data(**fields) -> MeetingData:
    values = dict(
        texts={"en": {"title": "Thematic Meeting on Return", "venue": "UNCC"}, "fr": {}, "ar": {}},
        original_language="en",
        meeting_type=MeetingType.THEMATIC_MEETING,
        timezone="Africa/Addis_Ababa",
        start_date=START,
        end_date=START + timedelta(days=1),
        start_time=time(9),
        end_time=time(17),
        city="Addis Ababa",
        country="ET",
    )
    values.update(fields)
    return MeetingData(**values)


def entries(action: str, meeting_id: int | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    if meeting_id is not None:
        query = query.where(AuditEntry.meeting_id == meeting_id)
    return list(db.session.scalars(query))


def refused(call) -> dict:
    with pytest.raises(MeetingRefused) as caught:
        call()
    return caught.value.errors


def test_create_makes_a_draft_with_its_schedule_and_audit_line(app, now):
    meeting = editing.create_meeting(data(), now=now, actor=SYSTEM)
    assert meeting.status is MeetingStatus.DRAFT
    assert meeting.slug == "thematic-meeting-on-return"
    assert meeting.starts_at == datetime(2031, 3, 10, 6, tzinfo=UTC)  # 09:00 in Addis Ababa
    [entry] = entries("meeting.created", meeting.id)
    assert entry.changes["title"] == [None, "Thematic Meeting on Return"]


def test_create_assigns_the_creating_organiser_audited(app, now):
    organiser = make_account(Role.ORGANISER)
    meeting = editing.create_meeting(data(), now=now, actor=actor_for(organiser), creator=organiser)
    assert meeting.id in assigned_meeting_ids(organiser)
    [line] = [e for e in entries("account.changed") if e.target_ref == str(organiser.id)]
    assert line.changes == {"meetings": [[], [meeting.id]]}


def test_a_viewer_may_not_create(app, now):
    viewer = make_account(Role.VIEWER)
    with pytest.raises(NotPermitted):
        editing.create_meeting(data(), now=now, actor=actor_for(viewer), creator=viewer)
    assert db.session.scalar(select(Meeting).where(Meeting.slug == "thematic-meeting-on-return")) is None


def test_slugs_are_unique_with_a_number(app, now):
    first = editing.create_meeting(data(), now=now, actor=SYSTEM)
    second = editing.create_meeting(data(), now=now, actor=SYSTEM)
    third = editing.create_meeting(data(), now=now, actor=SYSTEM)
    assert (first.slug, second.slug, third.slug) == (
        "thematic-meeting-on-return",
        "thematic-meeting-on-return-2",
        "thematic-meeting-on-return-3",
    )
    assert editing.slugify("Réunion à Dakar — 2031") == "reunion-a-dakar-2031"


def test_slug_editable_while_draft_fixed_once_published(app, now):
    meeting = editing.create_meeting(data(), now=now, actor=SYSTEM)
    other = editing.create_meeting(data(), now=now, actor=SYSTEM)
    assert "slug" in refused(lambda: editing.update_meeting(meeting, data(slug=other.slug), now=now, actor=SYSTEM))
    assert "slug" in refused(lambda: editing.update_meeting(meeting, data(slug="Not A Slug"), now=now, actor=SYSTEM))
    editing.update_meeting(meeting, data(slug="return-2031"), now=now, actor=SYSTEM)
    assert meeting.slug == "return-2031"
    editing.publish_meeting(meeting, now=now, actor=SYSTEM)
    errors = refused(lambda: editing.update_meeting(meeting, data(slug="return-later"), now=now, actor=SYSTEM))
    assert "slug" in errors
    assert db.session.get(Meeting, meeting.id).slug == "return-2031"


def test_window_must_open_before_it_closes(app, now):
    bad = data(registration_opens=datetime(2031, 2, 1, 9), registration_closes=datetime(2031, 1, 1, 9))
    assert "registration_closes" in refused(lambda: editing.create_meeting(bad, now=now, actor=SYSTEM))


def test_window_must_close_before_the_meeting_ends(app, now):
    # The meeting ends 17:00 on 11 March in Addis Ababa; 18:00 local is after.
    late = data(registration_opens=datetime(2031, 1, 1, 9), registration_closes=datetime(2031, 3, 11, 18))
    errors = refused(lambda: editing.create_meeting(late, now=now, actor=SYSTEM))
    assert errors == {"registration_closes": "Registration must close before the meeting ends."}
    fine = replace(late, registration_closes=datetime(2031, 3, 11, 16))
    meeting = editing.create_meeting(fine, now=now, actor=SYSTEM)
    assert meeting.registration_closes_at == datetime(2031, 3, 11, 13, tzinfo=UTC)  # local zone applied


def test_dates_times_zone_and_countries_are_checked(app, now):
    assert "end_date" in editing.check(data(end_date=START - timedelta(days=1)))
    assert "end_time" in editing.check(data(end_time=None))
    assert "end_time" in editing.check(data(end_date=START, end_time=time(8)))
    assert "timezone" in editing.check(data(timezone="Mars/Olympus"))
    assert "country" in editing.check(data(country="XX"))
    assert "title_en" in editing.check(data(texts={"en": {"title": " "}}))
    assert editing.check(data(start_date=None, end_date=None, start_time=None, end_time=None)) == {}


def test_capacity_cannot_go_below_seats_taken(app, now):
    meeting = make_open_meeting(capacity=3)
    make_registration(meeting)
    make_registration(meeting)
    errors = refused(
        lambda: editing.update_meeting(
            meeting,
            replace(MeetingData.of(meeting), capacity=1),
            now=now,
            actor=SYSTEM,
            delegates=RegisteredDelegates(),
        )
    )
    assert errors == {"capacity": "2 seats are already taken: the capacity cannot be lower."}
    assert db.session.get(Meeting, meeting.id).capacity == 3


def test_raising_capacity_promotes_the_waiting_list_in_order_with_emails(app, now):
    meeting = make_open_meeting(capacity=1)
    make_registration(meeting)
    first = make_registration(meeting, email="first@mfa.example")
    second = make_registration(meeting, email="second@mfa.example")
    third = make_registration(meeting, email="third@mfa.example")
    assert first.status is RegistrationStatus.WAITLISTED
    editing.update_meeting(
        meeting, replace(MeetingData.of(meeting), capacity=3), now=now, actor=SYSTEM, delegates=RegisteredDelegates()
    )
    db.session.expire_all()
    assert [first.status, second.status, third.status] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ]
    assert db.session.get(Meeting, meeting.id).seats_taken == 3
    assert [m.subject for m in queued("first@mfa.example")][-1].startswith("Registration confirmed")
    assert queued("second@mfa.example")[-1].calendar_method == "REQUEST"
    assert not any(m.subject.startswith("Registration confirmed") for m in queued("third@mfa.example"))
    [line] = entries("meeting.changed", meeting.id)
    assert line.changes["capacity"] == [1, 3]


def test_eligibility_and_rules_are_stored(app, now):
    meeting = editing.create_meeting(
        data(
            eligibility=Eligibility.STEERING_COMMITTEE,
            capacity=40,
            delegation_quota=2,
            requires_approval=True,
            invitation_code="VALLETTA",
        ),
        now=now,
        actor=SYSTEM,
    )
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert (meeting.eligibility, meeting.capacity, meeting.delegation_quota) == (Eligibility.STEERING_COMMITTEE, 40, 2)
    assert meeting.requires_approval and meeting.invitation_code == "VALLETTA"


def test_translations_are_stored_and_original_marked(app, now):
    texts = {
        "en": {"title": "Thematic Meeting", "summary": "About return."},
        "fr": {"title": "Réunion thématique", "summary": "Sur le retour."},
        "ar": {"title": "اجتماع موضوعي"},
    }
    meeting = editing.create_meeting(data(texts=texts), now=now, actor=SYSTEM)
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.original_language == "en"
    assert meeting.translations["fr"].title == "Réunion thématique"
    assert meeting.translations["fr"].summary == "Sur le retour."
    assert meeting.translations["ar"].title == "اجتماع موضوعي"
    # French becomes the original: its texts move into the columns, English into a translation.
    shown = MeetingData.of(meeting)
    editing.update_meeting(meeting, replace(shown, original_language="fr"), now=now, actor=SYSTEM)
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert (meeting.title, meeting.original_language) == ("Réunion thématique", "fr")
    assert meeting.translations["en"].title == "Thematic Meeting"
    assert "fr" not in meeting.translations


def test_change_writes_before_and_after_of_changed_fields_only(app, now):
    meeting = editing.create_meeting(data(), now=now, actor=SYSTEM)
    editing.update_meeting(meeting, replace(data(), chair="H.E. Ms A. Diallo"), now=now, actor=SYSTEM)
    [line] = entries("meeting.changed", meeting.id)
    assert line.changes == {"chair": ["", "H.E. Ms A. Diallo"]}
    assert editing.update_meeting(meeting, replace(data(), chair="H.E. Ms A. Diallo"), now=now, actor=SYSTEM) == {}
    assert len(entries("meeting.changed", meeting.id)) == 1


def test_calendar_change_with_registrations_sends_updated_invites(app, now):
    meeting = make_open_meeting(timezone="Africa/Addis_Ababa")
    registration = make_registration(meeting, email="delegate@mfa.example")
    before = len(queued("delegate@mfa.example"))
    shown = MeetingData.of(meeting)
    moved = replace(shown, start_time=time(10), timezone="Africa/Nairobi", chair="New chair")
    editing.update_meeting(meeting, moved, now=now, actor=SYSTEM, delegates=RegisteredDelegates())
    sent = queued("delegate@mfa.example")[before:]
    assert len(sent) == 1 and sent[0].subject.startswith("Meeting updated")
    assert sent[0].calendar_method == "REQUEST"
    assert "Time zone: now Africa/Nairobi" in sent[0].text
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert (meeting.timezone, meeting.chair) == ("Africa/Nairobi", "New chair")
    changed = [line.changes for line in entries("meeting.changed", meeting.id)]
    assert {"chair"} <= set(changed[0]) and "timezone" in changed[1]
    assert registration.id


def test_publish_and_unpublish_audited_cancelled_refused(app, now):
    meeting = editing.create_meeting(data(), now=now, actor=SYSTEM)
    assert editing.publish_meeting(meeting, now=now, actor=SYSTEM)
    assert not editing.publish_meeting(meeting, now=now, actor=SYSTEM)
    assert editing.unpublish_meeting(meeting, now=now, actor=SYSTEM)
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.DRAFT
    assert [e.changes for e in entries("meeting.published", meeting.id)] == [{"status": ["draft", "published"]}]
    assert [e.changes for e in entries("meeting.unpublished", meeting.id)] == [{"status": ["published", "draft"]}]
    cancelled = make_meeting(status=MeetingStatus.CANCELLED)
    refused(lambda: editing.publish_meeting(cancelled, now=now, actor=SYSTEM))
    assert db.session.get(Meeting, cancelled.id).status is MeetingStatus.CANCELLED


def test_duplicate_moves_sessions_keeping_local_times_across_dst(app, now):
    source = make_meeting(
        dates=(date(2031, 3, 10), date(2031, 3, 11)), timezone="Europe/Rome", city="Rome", country="IT"
    )
    make_session(source, date(2031, 3, 10), "09:30", "11:00", title="Opening")
    editing.set_translation(source, "fr", title="Réunion de Rome")
    db.session.commit()
    make_registration(make_open_meeting())  # someone else's registration, not copied either way
    # 10 March 2031 is winter time (UTC+1) in Rome; 7 April is summer time (UTC+2).
    copy = editing.duplicate_meeting(source, date(2031, 4, 7), now=now, actor=SYSTEM)
    assert copy.status is MeetingStatus.DRAFT and copy.slug != source.slug
    assert (copy.start_date, copy.end_date) == (date(2031, 4, 7), date(2031, 4, 8))
    [session] = copy.sessions
    assert session.starts_at == datetime(2031, 4, 7, 7, 30, tzinfo=UTC)
    assert session.local_start.time() == time(9, 30)
    assert copy.translations["fr"].title == "Réunion de Rome"
    assert copy.documents == [] and copy.seats_taken == 0
    [line] = entries("meeting.created", copy.id)
    assert line.changes["copied_from"] == [None, source.slug]
