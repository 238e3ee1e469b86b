"""The organisers' home, a meeting's overview, the audit log, a job's progress."""

from datetime import date

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext, lazy_gettext

from app.actors import ActorKind
from app.audit.actions import ACTIONS, action_label
from app.audit.services import AuditFilter, list_entries
from app.auth.access import current_account, requires
from app.auth.models import Role
from app.auth.permissions import Permission, permissions_of
from app.auth.services import actor_for, list_accounts
from app.db import MAX_ID, utcnow
from app.jobs.services import describe_job, get_job, may_manage
from app.locale import english_only
from app.manage.queries import current_meeting, list_meetings_for, meeting_from_slug, meeting_titles, status_counts
from app.meetings.models import MeetingStatus
from app.registration.models import RegistrationStatus

bp = Blueprint("manage", __name__, url_prefix="/manage")

MEETING_STATUS_LABELS = {
    MeetingStatus.DRAFT: lazy_gettext("Draft"),
    MeetingStatus.PUBLISHED: lazy_gettext("Published"),
    MeetingStatus.CANCELLED: lazy_gettext("Cancelled"),
}
#: The registration states the back office counts, in the order a registration moves through
#: them, named as organisers speak of them (a delegate's page says them to the delegate).
COUNTED = {
    RegistrationStatus.CONFIRMED: lazy_gettext("Seats confirmed"),
    RegistrationStatus.AWAITING_APPROVAL: lazy_gettext("Awaiting approval"),
    RegistrationStatus.WAITLISTED: lazy_gettext("Waiting list"),
    RegistrationStatus.UNCONFIRMED: lazy_gettext("Email not confirmed"),
    RegistrationStatus.CANCELLED: lazy_gettext("Cancelled"),
}
AUDIT_PAGE_SIZE = 50


@bp.app_template_global()
def meeting_status_label(status: MeetingStatus) -> str:
    return str(MEETING_STATUS_LABELS[status])


@bp.route("/")
@requires(None)
def home():
    account, now = current_account(), utcnow()
    meetings = list_meetings_for(account)
    # Soonest first, those still to be dated after them; the past latest first.
    upcoming = sorted((m for m in meetings if not m.has_ended(now)), key=lambda m: (m.start_date is None, m.start_date))
    past = [m for m in meetings if m.has_ended(now)]
    return render_template(
        "manage/home.html",
        upcoming=upcoming,
        past=past,
        counts=status_counts([m.id for m in meetings]),
        counted=COUNTED,
    )


@bp.route("/meetings/<slug>/")
@requires(Permission.VIEW_MEETING, meeting=meeting_from_slug)
def meeting(slug):
    meeting = current_meeting()
    counts = status_counts([meeting.id]).get(meeting.id, {})
    granted = permissions_of(current_account(), meeting.id)
    return render_template(
        "manage/meeting.html", meeting=meeting, counts=counts, counted=COUNTED, granted=granted, Permission=Permission
    )


def _parse_day(name: str, problems: list[str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        if len(raw) != 10 or not raw.isascii():
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(gettext("Enter dates as year-month-day, such as 2026-12-01."))
        return None


def _parse_int(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _audit_filter(meeting_id: int | None, with_address: bool) -> tuple[AuditFilter, list[str]]:
    problems: list[str] = []
    action = request.args.get("action", "")
    since, until = _parse_day("since", problems), _parse_day("until", problems)
    if since and until and since > until:
        problems.append(gettext("The first day must not be after the last."))
        since = until = None
    address = request.args.get("address", "").strip()[:254] if with_address else ""
    return (
        AuditFilter(
            account_id=_parse_int("person"),
            action=action if action in ACTIONS else None,
            meeting_id=meeting_id,
            since=since,
            until=until,
            address=address or None,
        ),
        problems,
    )


def _audit_page(meeting=None):
    audit_filter, problems = _audit_filter(meeting.id if meeting else None, with_address=meeting is None)
    page = max(1, min(_parse_int("page") or 1, 100_000))
    entries, total = list_entries(audit_filter, page=page, per_page=AUDIT_PAGE_SIZE)
    accounts = list_accounts()
    return render_template(
        "manage/audit.html",
        meeting=meeting,
        entries=entries,
        total=total,
        page=page,
        pages=max(1, -(-total // AUDIT_PAGE_SIZE)),
        audit_filter=audit_filter,
        problems=problems,
        accounts=accounts,
        accounts_by_id={str(a.id): a for a in accounts},
        titles=meeting_titles(e.meeting_id for e in entries),
        shown_value=_shown_value(entries, accounts),
        actions=sorted(((code, str(label)) for code, label in ACTIONS.items()), key=lambda pair: pair[1]),
        action_label=action_label,
        ActorKind=ActorKind,
    )


def _shown_value(entries, accounts):
    """How a value before or after a change reads: meetings by title, yes and no, a dash for nothing."""
    titles = meeting_titles(i for e in entries for values in e.changes.get("meetings") or [] for i in values or [])

    def shown(field, value):
        if value is None or value == []:
            return "—"
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if field == "meetings" and isinstance(value, list):
            return "; ".join(titles.get(i, f"#{i}") for i in value)
        if field == "role" and value in {role.value for role in Role}:
            return Role(value).label
        return str(value)

    return shown


@bp.route("/audit")
@requires(Permission.VIEW_AUDIT)
def audit():
    return _audit_page()


@bp.route("/meetings/<slug>/audit")
@requires(Permission.VIEW_MEETING_AUDIT, meeting=meeting_from_slug)
def meeting_audit(slug):
    return _audit_page(current_meeting())


@bp.route("/jobs/<int:job_id>")
@requires(None, json=True)
@english_only
def job_progress(job_id):
    """A job's progress, for the progress bar of the page that started it: its owner's only."""
    # Checked here, not by the route: an id past the database's is this view's JSON 404.
    job = get_job(job_id) if job_id <= MAX_ID else None
    if job is None or not may_manage(job, actor_for(current_account())):
        return jsonify(error={"status": 404, "message": "No such job."}), 404
    return jsonify(describe_job(job))  # its error is for operators (flask jobs show), not the page
