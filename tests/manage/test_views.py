"""The back office's pages: the home page's meetings and counts, a meeting's overview, the
audit log (a meeting's and the whole), a job's progress."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from app.actors import Actor
from app.auth import services
from app.auth.models import Role
from app.auth.services import actor_for
from app.extensions import db
from app.jobs.services import enqueue_job
from app.jobs.worker import run_pending
from app.manage.views import COUNTED
from app.meetings.models import MeetingStatus
from app.registration.models import RegistrationStatus
from app.registration.services import approve_registration, cancel_registration
from tests.helpers import jobs  # noqa: F401  (registers the job kinds)
from tests.helpers.accounts import make_account, sign_in
from tests.helpers.actors import DELEGATE
from tests.helpers.factories import make_meeting, make_open_meeting, make_past_meeting, make_registration
from tests.manage import audit_rows, browser, entry_count, signed_in, visible

S = RegistrationStatus


def counts_in(markup: str) -> dict[RegistrationStatus, int]:
    """The first ``<dl class="counts">`` of ``markup``, by the registration state each line names."""
    listing = re.search(r'<dl class="counts"[^>]*>(.*?)</dl>', markup, re.S).group(1)
    by_label = {str(label): status for status, label in COUNTED.items()}
    return {by_label[visible(dt)]: int(dd) for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(\d+)</dd>", listing)}


def meeting_rows(page: str) -> list[dict]:
    """The home page's meetings, in the page's order: title, state, counts, the links under it."""
    rows = []
    for chunk in page.split('<li class="manage-meeting">')[1:]:
        links = re.search(r'<p class="manage-links">(.*?)</p>', chunk, re.S).group(1)
        rows.append(
            {
                "title": visible(re.search(r"<h3>(.*?)</h3>", chunk, re.S).group(1)),
                "state": visible(re.search(r'<span class="badge[^"]*">(.*?)</span>', chunk).group(1)),
                "counts": counts_in(chunk),
                "links": [visible(link) for link in re.findall(r"<a [^>]*>(.*?)</a>", links)],
            }
        )
    return rows


def by_title(page: str) -> dict[str, dict]:
    return {row["title"]: row for row in meeting_rows(page)}


def nav(page: str) -> list[str]:
    """The back office's navigation, as its links read."""
    menu = re.search(r'<nav aria-label="Back office">(.*?)</nav>', page, re.S).group(1)
    return [visible(link) for link in re.findall(r"<a [^>]*>(.*?)</a>", menu)]


@pytest.fixture
def meetings(app, now):
    """Meetings in every state, two of them with registrations in every state."""
    seated = make_open_meeting(now, title="Seated Meeting", capacity=2)
    cancelled_one = make_registration(seated)
    cancel_registration(cancelled_one, now, actor=DELEGATE)
    for _ in range(3):  # two seats, then the waiting list
        make_registration(seated)
    make_registration(seated, confirm=False)
    approval = make_open_meeting(now, title="Approval Meeting", requires_approval=True)
    awaiting = [make_registration(approval) for _ in range(3)]
    approve_registration(awaiting[0], now, actor=Actor.organiser(1))
    return {
        "seated": seated,
        "approval": approval,
        "draft": make_meeting(title="Draft Meeting", status=MeetingStatus.DRAFT),
        "cancelled": make_meeting(title="Cancelled Meeting", status=MeetingStatus.CANCELLED),
        "past": make_past_meeting(title="Past Meeting"),
        "undated": make_meeting(title="Undated Meeting", dates=()),
    }


SEATED_COUNTS = {S.CONFIRMED: 2, S.AWAITING_APPROVAL: 0, S.WAITLISTED: 1, S.UNCONFIRMED: 1, S.CANCELLED: 1}
APPROVAL_COUNTS = {S.CONFIRMED: 1, S.AWAITING_APPROVAL: 2, S.WAITLISTED: 0, S.UNCONFIRMED: 0, S.CANCELLED: 0}
NONE = dict.fromkeys(SEATED_COUNTS, 0)


# --- The home page -----------------------------------------------------------------------


def test_an_admin_sees_every_meeting_drafts_included_with_its_state_and_its_registrations_by_state(app, meetings):
    page = signed_in(app, make_account(Role.ADMIN)).get("/manage/").text
    rows = by_title(page)
    assert set(rows) == {meeting.title for meeting in meetings.values()}
    assert {title: row["state"] for title, row in rows.items()} == {
        "Seated Meeting": "Published",
        "Approval Meeting": "Published",
        "Draft Meeting": "Draft",
        "Cancelled Meeting": "Cancelled",
        "Past Meeting": "Published",
        "Undated Meeting": "Published",
    }
    assert rows["Seated Meeting"]["counts"] == SEATED_COUNTS
    assert rows["Approval Meeting"]["counts"] == APPROVAL_COUNTS
    assert rows["Draft Meeting"]["counts"] == NONE
    past = page.split('id="past-heading"')[1]
    assert [row["title"] for row in meeting_rows(past)] == ["Past Meeting"]
    assert rows["Seated Meeting"]["links"] == ["Overview", "Public page", "Audit log"]
    assert rows["Draft Meeting"]["links"] == ["Overview", "Audit log"]
    assert nav(page)[:3] == ["Meetings", "Audit log", "Accounts"]


def test_an_admin_of_a_back_office_without_meetings_is_told_there_are_none_yet(app):
    page = signed_in(app, make_account(Role.ADMIN)).get("/manage/").text
    assert meeting_rows(page) == [] and "There are no meetings yet." in page


def test_an_organiser_and_a_viewer_see_only_the_meetings_assigned_to_them(app, meetings):
    organiser = make_account(Role.ORGANISER, meetings=[meetings["seated"], meetings["draft"]])
    viewer = make_account(Role.VIEWER, meetings=[meetings["approval"]])

    rows = by_title(signed_in(app, organiser).get("/manage/").text)
    assert set(rows) == {"Seated Meeting", "Draft Meeting"}
    assert rows["Seated Meeting"]["counts"] == SEATED_COUNTS and rows["Draft Meeting"]["state"] == "Draft"

    rows = by_title(signed_in(app, viewer).get("/manage/").text)
    assert set(rows) == {"Approval Meeting"}
    assert rows["Approval Meeting"]["counts"] == APPROVAL_COUNTS


def test_an_account_with_no_meeting_assigned_is_told_so_not_that_there_are_no_meetings(app, meetings):
    for role in (Role.ORGANISER, Role.VIEWER):
        page = signed_in(app, make_account(role)).get("/manage/").text
        assert meeting_rows(page) == []
        assert "No meeting has been assigned to you yet" in page, role
        assert "There are no meetings yet." not in page, role


def test_the_links_under_a_meeting_follow_what_the_account_may_do(app, meetings):
    seated, draft = meetings["seated"], meetings["draft"]
    organiser = make_account(Role.ORGANISER, meetings=[seated, draft])
    viewer = make_account(Role.VIEWER, meetings=[seated, draft])

    organiser_page = signed_in(app, organiser).get("/manage/").text
    rows = by_title(organiser_page)
    assert rows["Seated Meeting"]["links"] == ["Overview", "Public page", "Audit log"]
    assert rows["Draft Meeting"]["links"] == ["Overview", "Audit log"]  # a draft has no public page
    assert f'href="/manage/meetings/{seated.slug}/audit"' in organiser_page

    viewer_page = signed_in(app, viewer).get("/manage/").text
    rows = by_title(viewer_page)
    assert rows["Seated Meeting"]["links"] == ["Overview", "Public page"]
    assert rows["Draft Meeting"]["links"] == ["Overview"]
    assert "/audit" not in viewer_page

    for page in (organiser_page, viewer_page):  # the whole log and the accounts are the admins'
        assert "Audit log" not in nav(page) and "Accounts" not in nav(page)


def test_the_counts_name_each_state_as_an_organiser_reads_it(app, meetings):
    page = signed_in(app, make_account(Role.ADMIN)).get("/manage/").text
    counts = visible(re.search(r'<dl class="counts"[^>]*>(.*?)</dl>', page, re.S).group(1))
    # The delegate's own wording ("Waiting for you to confirm your email address") speaks to the
    # organiser as if they were the delegate.
    assert "for you" not in counts and "your email" not in counts, counts


def test_upcoming_meetings_come_soonest_first_then_the_undated_and_past_ones_latest_first(app):
    today = date.today()
    for days, title in ((200, "Far"), (10, "Near"), (90, "Middle"), (-30, "Last month"), (-300, "Last year")):
        start = today + timedelta(days=days)
        make_meeting(title=title, dates=(start, start + timedelta(days=1)))
    make_meeting(title="Undated", dates=())
    page = signed_in(app, make_account(Role.ADMIN)).get("/manage/").text
    upcoming, past = page.split('id="past-heading"')
    assert [row["title"] for row in meeting_rows(upcoming)] == ["Near", "Middle", "Far", "Undated"]
    assert [row["title"] for row in meeting_rows(past)] == ["Last month", "Last year"]


# --- A meeting's overview ----------------------------------------------------------------


def test_a_meetings_overview_shows_its_state_seats_counts_and_what_the_reader_may_open(app, meetings):
    seated = meetings["seated"]
    organiser = make_account(Role.ORGANISER, meetings=[seated, meetings["approval"]])
    viewer = make_account(Role.VIEWER, meetings=[seated])

    page = signed_in(app, organiser).get(f"/manage/meetings/{seated.slug}/").text
    facts = visible(page)
    assert "<h1>Seated Meeting</h1>" in page
    assert "State Published" in facts and "Seats 2 of 2 taken" in facts and "Approval Not needed" in facts
    assert counts_in(page) == SEATED_COUNTS
    assert "See the public page" in page and "Read the meeting's audit log" in facts
    assert f'href="/manage/meetings/{seated.slug}/audit"' in page

    approval = signed_in(app, organiser).get(f"/manage/meetings/{meetings['approval'].slug}/").text
    assert counts_in(approval) == APPROVAL_COUNTS
    assert "Each registration is approved by the organisers" in approval

    page = signed_in(app, viewer).get(f"/manage/meetings/{seated.slug}/").text
    assert counts_in(page) == SEATED_COUNTS
    assert "See the public page" in page and "audit log" not in visible(page) and "/audit" not in page


def test_a_drafts_overview_has_no_link_to_a_public_page(app, meetings):
    page = signed_in(app, make_account(Role.ADMIN)).get(f"/manage/meetings/{meetings['draft'].slug}/").text
    assert "State Draft" in visible(page) and "See the public page" not in page


# --- The audit log -----------------------------------------------------------------------


def test_a_meetings_audit_log_shows_that_meetings_lines_only(app, now):
    mine, theirs = make_open_meeting(now, requires_approval=True), make_open_meeting(now, requires_approval=True)
    organiser = make_account(Role.ORGANISER, name="Selam Tadesse", meetings=[mine])
    other = make_account(Role.ORGANISER, name="Ole Nordmann", meetings=[theirs])
    ours, not_ours = make_registration(mine), make_registration(theirs)
    approve_registration(ours, now, actor=actor_for(organiser))
    approve_registration(not_ours, now, actor=actor_for(other))

    page = signed_in(app, organiser).get(f"/manage/meetings/{mine.slug}/audit").text

    [(who, what, details)] = audit_rows(page)
    assert (who, what) == ("Selam Tadesse", "Registration approved")
    assert details.startswith(f"Registration {ours.uid}") and "awaiting-approval → confirmed" in details
    assert entry_count(page) == 1 and not_ours.uid not in page
    assert 'name="address"' not in page  # failed sign-ins are no meeting's


@pytest.fixture
def logged(app):
    """An admin, an organiser who signed in through the form, and failed sign-ins."""
    admin = make_account(Role.ADMIN, name="Amina Diallo")
    organiser = make_account(Role.ORGANISER, name="Selam Tadesse")
    signed_in(app, organiser)
    for email in ("ghost.visitor@mfa.example", "GHOST.Visitor@mfa.example ", "someone.else@mfa.example"):
        assert "not right" in sign_in(browser(app), email, "a wrong password").text
    sign_in(browser(app), organiser, "a wrong password")
    return admin, organiser


def test_the_whole_log_shows_sign_ins_by_name_and_failed_ones_without_the_address_typed(app, logged):
    admin, organiser = logged
    page = signed_in(app, admin).get("/manage/audit").text
    rows = audit_rows(page)
    assert ("Selam Tadesse", "Signed in", f"Account {organiser.email}") in rows
    assert ("Amina Diallo", "Signed in", f"Account {admin.email}") in rows
    failed = [row for row in rows if row[1] == "Failed sign-in"]
    assert len(failed) == 4 and {who for who, _, _ in failed} == {"System (sign-in page)"}
    assert ("System (sign-in page)", "Failed sign-in", f"Account {organiser.email}") in failed
    assert "ghost" not in page.lower() and "someone.else" not in page


def test_the_whole_log_filters_by_person_action_and_the_address_a_sign_in_was_tried_with(app, logged):
    admin, organiser = logged
    client = signed_in(app, admin)

    page = client.get(f"/manage/audit?person={organiser.id}").text
    assert audit_rows(page) == [("Selam Tadesse", "Signed in", f"Account {organiser.email}")]
    assert f'<option value="{organiser.id}" selected>Selam Tadesse</option>' in page

    page = client.get("/manage/audit?action=account.sign_in_failed").text
    assert entry_count(page) == 4 and {what for _, what, _ in audit_rows(page)} == {"Failed sign-in"}

    page = client.get("/manage/audit?address=Ghost.Visitor%40MFA.example").text
    assert entry_count(page) == 2 and {what for _, what, _ in audit_rows(page)} == {"Failed sign-in"}
    page = client.get(f"/manage/audit?address={organiser.email}").text
    assert audit_rows(page) == [("System (sign-in page)", "Failed sign-in", f"Account {organiser.email}")]
    assert entry_count(client.get("/manage/audit?address=nobody%40mfa.example").text) == 0


def test_the_whole_log_filters_by_day_both_days_included(app, logged):
    admin, _ = logged
    client = signed_in(app, admin)
    today = datetime.now(UTC).date()
    everything = entry_count(client.get("/manage/audit").text)
    assert everything == 8  # two accounts made, the organiser's sign-in and this client's, four failed
    day = today.isoformat()
    assert entry_count(client.get(f"/manage/audit?since={day}&until={day}").text) == everything
    assert entry_count(client.get(f"/manage/audit?since={today + timedelta(days=1)}").text) == 0
    assert entry_count(client.get(f"/manage/audit?until={today - timedelta(days=1)}").text) == 0


@pytest.mark.parametrize(
    "query, message",
    [
        ("since=2026-02-30", "Enter dates as year-month-day, such as 2026-12-01."),
        ("until=yesterday", "Enter dates as year-month-day, such as 2026-12-01."),
        ("since=2026-1-1", "Enter dates as year-month-day, such as 2026-12-01."),
        ("since=%EF%BC%92026-01-01", "Enter dates as year-month-day, such as 2026-12-01."),
        ("since=2026-05-02&until=2026-05-01", "The first day must not be after the last."),
    ],
)
def test_a_bad_day_in_the_filter_is_said_on_the_page_and_the_log_is_shown_unfiltered(app, logged, query, message):
    admin, _ = logged
    client = signed_in(app, admin)
    everything = entry_count(client.get("/manage/audit").text)
    response = client.get(f"/manage/audit?{query}")
    assert response.status_code == 200
    assert message in visible(response.text.split('role="alert"')[1])
    assert entry_count(response.text) == everything


@pytest.mark.parametrize("query", ["until=9999-12-31", "since=0001-01-01", "since=9999-12-31", "until=0001-01-01"])
def test_the_first_and_last_days_a_calendar_has_are_no_error(app, logged, query):
    admin, _ = logged
    response = signed_in(app, admin).get(f"/manage/audit?{query}")
    assert response.status_code == 200, response.status_code


def instants(page: str) -> list[datetime]:
    return [datetime.fromisoformat(value) for value in re.findall(r'<time datetime="([^"]+)">', page)]


def seconds(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(microsecond=0)


def test_the_whole_log_comes_newest_first_fifty_lines_a_page(app, now):
    admin = make_account(Role.ADMIN, name="Amina Diallo")
    start = now - timedelta(hours=2)
    for minute in range(60):
        services.sign_in(f"tried{minute}@mfa.example", "wrong", now=start + timedelta(minutes=minute))
    client = signed_in(app, admin)

    first = client.get("/manage/audit?action=account.sign_in_failed").text
    assert entry_count(first) == 60 and len(audit_rows(first)) == 50
    assert "Page 1 of 2" in visible(first) and 'rel="prev"' not in first
    times = instants(first)
    assert times == sorted(times, reverse=True) and times[0] == seconds(start + timedelta(minutes=59))
    next_page = re.search(r'<a href="\?([^"]+)" rel="next">Older</a>', first).group(1).replace("&amp;", "&")

    second = client.get(f"/manage/audit?{next_page}").text
    assert "Page 2 of 2" in visible(second) and len(audit_rows(second)) == 10
    assert {what for _, what, _ in audit_rows(second)} == {"Failed sign-in"}  # the filter kept
    assert instants(second)[-1] == seconds(start)
    assert 'rel="next"' not in second and 'rel="prev">Newer</a>' in second


# --- A job's progress --------------------------------------------------------------------


def test_a_jobs_progress_is_its_owners_and_no_one_elses(app, now):
    owner, other, admin = make_account(Role.ORGANISER), make_account(Role.ORGANISER), make_account(Role.ADMIN)
    job_id = enqueue_job("tests.steps", {"steps": 3, "secret": "passport 123"}, owner=actor_for(owner), now=now).id
    db.session.commit()
    client = signed_in(app, owner)

    queued = client.get(f"/manage/jobs/{job_id}")
    assert queued.status_code == 200 and queued.json["state"] == "queued" and queued.json["progress"]["done"] == 0
    run_pending()
    done = client.get(f"/manage/jobs/{job_id}").json
    assert (done["id"], done["state"], done["progress"]) == (job_id, "succeeded", {"done": 3, "total": 3})
    assert "passport" not in client.get(f"/manage/jobs/{job_id}").text

    for stranger in (other, admin):
        refused = signed_in(app, stranger).get(f"/manage/jobs/{job_id}")
        assert refused.status_code == 404 and refused.json["error"]["status"] == 404
    missing = client.get(f"/manage/jobs/{job_id + 1000}")
    assert missing.status_code == 404 and missing.is_json


def test_a_failed_jobs_progress_says_it_failed_but_not_the_exceptions_message(app, now):
    owner = make_account(Role.ORGANISER)
    job_id = enqueue_job("tests.fails", {"meeting": 4711}, owner=actor_for(owner), now=now).id
    db.session.commit()
    run_pending()
    response = signed_in(app, owner).get(f"/manage/jobs/{job_id}")
    assert response.status_code == 200 and response.json["state"] == "failed"
    # The error is for operators (``flask jobs show``), as app.jobs.services.describe_job keeps it.
    assert "4711" not in response.text and "ValueError" not in response.text
