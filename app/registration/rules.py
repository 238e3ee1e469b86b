"""The rules a registration must keep, by field, in one home: the services apply them to
every caller (the delegate's form, an organiser registering someone by hand), and the
form shows what they return."""

import hmac
from datetime import date, datetime

from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from app import countries, text
from app.delegations.models import Delegation
from app.delegations.services import get_delegation, is_eligible
from app.extensions import db
from app.locale import INTERFACE_LOCALES, interface_locale
from app.meetings.formatting import registration_sentence
from app.meetings.models import Eligibility, Meeting
from app.meetings.services import RegistrationState, get_registration_state
from app.registration import allocation
from app.registration.data import RegistrationData
from app.registration.models import DelegateRole, Registration, RegistrationStatus

#: Fields of RegistrationData that are one line of text, and those that may span several.
SINGLE_LINE_FIELDS = ("salutation", "first_name", "last_name", "phone", "position", "function", "invitation_code")
MULTI_LINE_FIELDS = ("dietary_needs", "accessibility_needs")
VISA_FIELDS = ("nationality", "passport_number", "date_of_birth", "passport_expiry")
EARLIEST_BIRTH = date(1900, 1, 1)
# The messages bound at import are lazy; the rules return them as text in the reader's language.
VISA_MISSING = {
    "nationality": lazy_gettext("Choose your nationality: the visa invitation letter needs it."),
    "passport_number": lazy_gettext("Enter your passport number: the visa invitation letter needs it."),
    "date_of_birth": lazy_gettext("Enter your date of birth: the visa invitation letter needs it."),
    "passport_expiry": lazy_gettext("Enter your passport's expiry date: the visa invitation letter needs it."),
}


#: Registrations the one-head rule counts (models.HEAD_HOLDS_PLACE says the same to the database).
HEAD_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.AWAITING_APPROVAL)
ELIGIBILITY_ERRORS = {
    Eligibility.PROCESS: lazy_gettext(
        "This meeting is open to the members, institutions and observers of the Process."
    ),
    Eligibility.STEERING_COMMITTEE: lazy_gettext("This meeting is open to the members of the Steering Committee."),
}


def find_delegation(key: str | None) -> Delegation | None:
    """The delegation a form or caller names, if it is one delegates may choose."""
    delegation = get_delegation(key)
    return delegation if delegation is not None and delegation.active else None


def delegation_problem(meeting: Meeting, delegation: Delegation | None) -> str | None:
    if delegation is None:
        return gettext("Choose a member state or an organisation from the list.")
    if not is_eligible(delegation, meeting.eligibility):
        return str(ELIGIBILITY_ERRORS[meeting.eligibility])
    return None


def head_problem(
    meeting: Meeting, delegation: Delegation, role: DelegateRole, registration: Registration | None = None
) -> str | None:
    """Why ``role`` cannot be head of ``delegation`` here: another head, address confirmed, is registered."""
    if role is not DelegateRole.HEAD:
        return None
    query = select(Registration.id).where(
        Registration.meeting_id == meeting.id,
        Registration.delegation_id == delegation.id,
        Registration.role == DelegateRole.HEAD,
        Registration.status.in_(HEAD_STATUSES),
    )
    if registration is not None and registration.id is not None:
        query = query.where(Registration.id != registration.id)
    if db.session.scalar(query.limit(1)) is None:
        return None
    return gettext(
        "%(delegation)s already has a head of delegation registered for this meeting. "
        "Choose another role, or write to the organisers if this is a mistake.",
        delegation=delegation.display_name(interface_locale()),
    )


def registration_closed_reason(meeting: Meeting, now: datetime) -> str | None:
    state = get_registration_state(meeting, now)
    if state is RegistrationState.NONE:
        return gettext("This meeting does not take registrations online.")
    if state is RegistrationState.NOT_YET_OPEN:
        return registration_sentence(meeting, now)
    if state is RegistrationState.CLOSED:
        if meeting.is_cancelled:
            return gettext("This meeting has been cancelled.")
        return gettext("Registration for this meeting is closed.")
    return None


def quota_error(meeting: Meeting) -> str:
    return gettext(
        "This delegation already has %(quota)d confirmed delegates, the most this meeting allows per delegation.",
        quota=meeting.delegation_quota,
    )


def check_text(data: RegistrationData) -> dict[str, str]:
    """The same definition of clean text as the forms, for every caller of the services."""
    errors = {}
    for name in SINGLE_LINE_FIELDS:
        problem = text.single_line_problem(getattr(data, name))
        if problem:
            errors[name] = problem
    for name in MULTI_LINE_FIELDS:
        problem = text.multi_line_problem(getattr(data, name))
        if problem:
            errors[name] = problem
    return errors


def check_visa(meeting: Meeting, data: RegistrationData, now: datetime) -> dict[str, str]:
    """The visa-letter details: all four together, a date of birth in the past and a passport
    valid after the meeting ends, judged on the meeting's own calendar at ``now``."""
    if not data.needs_visa_letter:
        return {}
    errors = {name: str(VISA_MISSING[name]) for name in VISA_FIELDS if not getattr(data, name)}
    if data.nationality and not countries.is_country(data.nationality):
        errors["nationality"] = gettext("Choose a nationality from the list.")
    today = meeting.local(now).date()
    if data.date_of_birth and not (EARLIEST_BIRTH < data.date_of_birth < today):
        errors["date_of_birth"] = gettext("Enter a date of birth in the past.")
    if data.passport_expiry and data.passport_expiry <= (meeting.end_date or today):
        errors["passport_expiry"] = gettext("The passport must be valid after the meeting ends.")
    return errors


def check_details(
    meeting: Meeting, data: RegistrationData, now: datetime, current: Delegation | None = None
) -> dict[str, str]:
    """The rules any registration's details keep, new or edited. An edit may keep its ``current``
    delegation even if it is no longer offered (retired, or the meeting's eligibility narrowed)."""
    errors = check_text(data) | check_visa(meeting, data, now)
    kept = current is not None and data.delegation == current.key
    problem = None if kept else delegation_problem(meeting, find_delegation(data.delegation))
    if problem:
        errors["delegation"] = problem
    valid_days = {day.isoformat() for day in meeting.days}
    if set(data.days) - valid_days:
        errors["days"] = gettext("Choose days on which the meeting takes place.")
    if data.language is not None and data.language not in INTERFACE_LOCALES:
        errors["language"] = gettext("Choose a language from the list.")
    return errors


def check_rules(meeting: Meeting, data: RegistrationData, now: datetime) -> dict[str, str]:
    """Every rule a new registration breaks for this meeting, by field."""
    errors = check_details(meeting, data, now)
    window = registration_closed_reason(meeting, now)
    if window:
        errors[""] = window
    code = data.invitation_code.strip()
    if meeting.invitation_code and not hmac.compare_digest(code.encode(), meeting.invitation_code.encode()):
        errors["invitation_code"] = (
            gettext("This meeting is by invitation: enter the code from your invitation.")
            if not code
            else gettext("This invitation code is not valid.")
        )
    if "delegation" not in errors:
        delegation = find_delegation(data.delegation)
        if not allocation.under_quota(meeting, delegation):
            errors["delegation"] = quota_error(meeting)
        problem = head_problem(meeting, delegation, data.role)
        if problem:
            errors["role"] = problem
    return errors
