"""The meeting editor's pages: create, change, publish, unpublish, duplicate; who may; bad input."""

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.auth.permissions import assigned_meeting_ids
from app.extensions import db
from app.meetings.models import Meeting, MeetingStatus
from app.registration.notifications import manage_url
from tests.helpers.accounts import make_account
from tests.helpers.factories import make_meeting, make_open_meeting, make_registration, make_session
from tests.manage import reload, signed_in, visible


def form(**fields) -> dict:
    values = {
        "original_language": "en",
        "title_en": "Thematic Meeting on Legal Migration",
        "title_fr": "Réunion thématique sur la migration légale",
        "title_ar": "",
        "meeting_type": "thematic-meeting",
        "start_date": "2031-05-12",
        "end_date": "2031-05-13",
        "start_time": "09:00",
        "end_time": "17:30",
        "timezone": "Africa/Dakar",
        "venue_en": "King Fahd Palace",
        "city": "Dakar",
        "country": "SN",
        "host_country": "SN",
        "domain": "legal-migration",
        "summary_en": "Two days on legal pathways.",
        "description_en": "## Agenda\n\n**Bold** <script>alert(1)</script>",
        "registration_opens": "2031-03-01T09:00",
        "registration_closes": "2031-05-01T17:00",
        "capacity": "120",
        "delegation_quota": "3",
        "eligibility": "process",
        "save": "1",
    }
    values.update(fields)
    return {name: value for name, value in values.items() if value is not None}


def meeting_count() -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


def test_the_form_shows_zones_with_offsets_and_the_languages(app):
    client = signed_in(app, make_account(Role.ORGANISER))
    page = client.get("/manage/meetings/new")
    assert page.status_code == 200
    assert "Africa/Addis_Ababa (UTC+03:00)" in page.text
    assert "العربية" in page.text and "(original)" in page.text


def test_organiser_creates_is_assigned_and_can_edit(app):
    organiser = make_account(Role.ORGANISER)
    client = signed_in(app, organiser)
    response = client.post("/manage/meetings/new", data=form())
    assert response.status_code == 302, visible(response.text)
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == "thematic-meeting-on-legal-migration"))
    assert meeting.status is MeetingStatus.DRAFT
    assert meeting.starts_at == datetime(2031, 5, 12, 9, tzinfo=UTC)
    assert meeting.translations["fr"].title == "Réunion thématique sur la migration légale"
    assert meeting.id in assigned_meeting_ids(organiser)
    page = client.get(f"/manage/meetings/{meeting.slug}/edit")
    assert page.status_code == 200 and "King Fahd Palace" in page.text
    response = client.post(f"/manage/meetings/{meeting.slug}/edit", data=form(chair="H.E. Mr Diop", slug="legal-2031"))
    assert response.status_code == 302
    meeting = reload(meeting)
    assert (meeting.chair, meeting.slug) == ("H.E. Mr Diop", "legal-2031")


def test_preview_renders_sanitised_markdown_and_saves_nothing(app):
    client = signed_in(app, make_account(Role.ORGANISER))
    page = client.post("/manage/meetings/new", data=form(save=None, preview="1"))
    assert page.status_code == 200
    assert "<h3>Agenda</h3>" in page.text and "<strong>Bold</strong>" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert meeting_count() == 0


def test_viewer_is_refused_every_post(app):
    meeting = make_meeting(status=MeetingStatus.DRAFT)
    viewer = make_account(Role.VIEWER, meetings=[meeting])
    client = signed_in(app, viewer)
    for path in ("new", f"{meeting.slug}/edit", f"{meeting.slug}/publish", f"{meeting.slug}/unpublish"):
        assert client.post(f"/manage/meetings/{path}", data=form()).status_code == 403, path
    assert (
        client.post(f"/manage/meetings/{meeting.slug}/duplicate", data={"start_date": "2031-01-01"}).status_code == 403
    )
    assert reload(meeting).status is MeetingStatus.DRAFT and meeting_count() == 1


def test_organiser_of_another_meeting_is_refused(app):
    meeting, theirs = make_meeting(), make_meeting()
    client = signed_in(app, make_account(Role.ORGANISER, meetings=[theirs]))
    assert client.get(f"/manage/meetings/{meeting.slug}/edit").status_code == 403
    assert client.post(f"/manage/meetings/{meeting.slug}/edit", data=form()).status_code == 403
    assert client.post(f"/manage/meetings/{meeting.slug}/unpublish").status_code == 403
    assert (
        client.post(f"/manage/meetings/{meeting.slug}/duplicate", data={"start_date": "2031-01-01"}).status_code == 403
    )
    assert reload(meeting).status is MeetingStatus.PUBLISHED


def test_publish_puts_it_on_the_public_pages(app):
    meeting = make_meeting(status=MeetingStatus.DRAFT, title="Stock-taking in Rabat")
    client = signed_in(app, make_account(Role.ORGANISER, meetings=[meeting]))
    assert client.get(f"/meetings/{meeting.slug}").status_code == 404
    assert "Stock-taking in Rabat" not in client.get("/").text
    assert client.post(f"/manage/meetings/{meeting.slug}/publish").status_code == 302
    assert client.get(f"/meetings/{meeting.slug}").status_code == 200
    assert "Stock-taking in Rabat" in client.get("/").text
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "meeting.published")) == 1


def test_unpublish_hides_it_but_the_delegates_link_works(app):
    meeting = make_open_meeting()
    registration = make_registration(meeting)
    link = manage_url(registration).split("://", 1)[1].split("/", 1)[1]
    client = signed_in(app, make_account(Role.ORGANISER, meetings=[meeting]))
    assert client.post(f"/manage/meetings/{meeting.slug}/unpublish").status_code == 302
    assert reload(meeting).status is MeetingStatus.DRAFT
    assert client.get(f"/meetings/{meeting.slug}").status_code == 404
    assert client.get(f"/{link}").status_code == 200


def test_a_cancelled_meeting_cannot_be_published(app):
    meeting = make_meeting(status=MeetingStatus.CANCELLED)
    client = signed_in(app, make_account(Role.ADMIN))
    response = client.post(f"/manage/meetings/{meeting.slug}/publish", follow_redirects=True)
    assert response.status_code == 200 and "cancelled" in response.text
    assert reload(meeting).status is MeetingStatus.CANCELLED


def test_a_published_meetings_slug_is_shown_read_only(app):
    meeting = make_meeting()
    client = signed_in(app, make_account(Role.ADMIN))
    page = client.get(f"/manage/meetings/{meeting.slug}/edit").text
    assert 'name="slug"' not in page and f"<code>{meeting.slug}</code>" in page


def test_duplicate_moves_the_programme_across_a_dst_change(app):
    source = make_meeting(dates=(date(2031, 3, 20), date(2031, 3, 21)), timezone="Europe/Rome", country="IT")
    make_session(source, date(2031, 3, 21), "14:00", "15:30", title="Breakout")
    organiser = make_account(Role.ORGANISER, meetings=[source])
    client = signed_in(app, organiser)
    assert client.get(f"/manage/meetings/{source.slug}/duplicate").status_code == 200
    response = client.post(f"/manage/meetings/{source.slug}/duplicate", data={"start_date": "2031-04-03"})
    assert response.status_code == 302
    copy = db.session.scalar(select(Meeting).where(Meeting.id != source.id))
    assert copy.status is MeetingStatus.DRAFT and copy.id in assigned_meeting_ids(organiser)
    [session] = copy.sessions
    assert session.local_day == date(2031, 4, 4)
    assert session.local_start.time() == time(14) and session.starts_at.hour == 12  # UTC+2 now, UTC+1 before


BAD = [
    {"title_en": "Nul\x00title"},
    {"summary_en": "Nul\x00"},
    {"capacity": "9" * 40},
    {"capacity": "-5"},
    {"capacity": "１２０"},
    {"delegation_quota": "٣"},
    {"start_date": "２０３１-05-12"},
    {"start_date": "2031-02-30"},
    {"start_date": "99999-01-01"},
    {"end_date": "2031-05-01"},
    {"start_time": "25:00"},
    {"registration_closes": "2031-06-01T09:00"},
    {"registration_opens": "2031-05-01T18:00"},
    {"timezone": "Mars/Olympus"},
    {"country": "XX"},
    {"meeting_type": "party"},
    {"eligibility": "nobody"},
    {"title_en": "x" * 5000},
    {"title_en": ""},
    {"original_language": "de"},
    {"start_date": None},
]


@pytest.mark.parametrize("bad", BAD)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(app, bad):
    meeting = make_meeting(status=MeetingStatus.DRAFT, capacity=50)
    client = signed_in(app, make_account(Role.ADMIN))
    response = client.post(f"/manage/meetings/{meeting.slug}/edit", data=form(**bad))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert reload(meeting).capacity == 50 and reload(meeting).city == "Addis Ababa"
    created = client.post("/manage/meetings/new", data=form(**bad))
    assert created.status_code == 200 and "There is a problem" in created.text
    assert meeting_count() == 1


def test_lowering_capacity_below_seats_taken_is_refused_on_the_page(app):
    meeting = make_open_meeting(capacity=5)
    make_registration(meeting)
    make_registration(meeting)
    client = signed_in(app, make_account(Role.ADMIN))
    response = client.post(f"/manage/meetings/{meeting.slug}/edit", data=form(capacity="1"))
    assert response.status_code == 200
    assert "2 seats are already taken" in response.text
    assert reload(meeting).capacity == 5


def test_bad_duplicate_date_is_refused(app):
    meeting = make_meeting()
    client = signed_in(app, make_account(Role.ADMIN))
    for value in ("", "2031-13-01", "２０３１-01-01", "\x00"):
        response = client.post(f"/manage/meetings/{meeting.slug}/duplicate", data={"start_date": value})
        assert response.status_code == 200 and "There is a problem" in response.text
    assert meeting_count() == 1
