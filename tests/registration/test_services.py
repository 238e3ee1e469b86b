from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.meetings.models import Meeting
from app.registration import services
from app.registration.exceptions import RegistrationRefused
from app.registration.models import Registration
from app.registration.models import RegistrationStatus as S
from tests.helpers.actors import DELEGATE, ORGANISER, SYSTEM
from tests.helpers.factories import (
    make_meeting,
    make_open_meeting,
    make_registration,
    registration_data,
)
from tests.helpers.outbox import queued


def count_registrations():
    return db.session.scalar(select(func.count(Registration.id)))


def test_registering_holds_no_seat_and_asks_to_confirm_the_address(app, now):
    meeting = make_open_meeting(capacity=5)
    result = services.register_delegate(
        meeting, registration_data(email="Amina.Tesfaye@MFA.example"), now, actor=DELEGATE
    )
    assert result.created
    registration = result.registration
    assert registration.status is S.UNCONFIRMED
    assert registration.email == "amina.tesfaye@mfa.example"
    assert db.session.get(Meeting, meeting.id).seats_taken == 0
    [message] = queued()
    assert message.to == "amina.tesfaye@mfa.example"
    assert "confirm" in message.subject.lower()
    assert f"/meetings/{meeting.slug}/confirm/" in message.text
    assert message.calendar_method is None


def test_confirming_gives_a_seat_and_sends_the_invite(app, now):
    meeting = make_open_meeting(capacity=5)
    registration = make_registration(meeting)
    assert registration.status is S.CONFIRMED
    assert db.session.get(Meeting, meeting.id).seats_taken == 1
    confirmed = queued()[-1]
    assert "confirmed" in confirmed.subject.lower()
    assert confirmed.calendar_method == "REQUEST"
    invite = icalendar.Calendar.from_ical(confirmed.calendar)
    assert str(invite["METHOD"]) == "REQUEST"
    (event,) = invite.walk("VEVENT")
    assert str(event["UID"]) == f"registration-{registration.uid}@meetings.test"
    assert str(event["ATTENDEE"]).lower() == f"mailto:{registration.email}"
    assert event.decoded("DTSTART") == meeting.starts_at


def test_confirming_twice_changes_nothing(app, now):
    meeting = make_open_meeting(capacity=5)
    registration = make_registration(meeting)
    before = len(queued())
    services.confirm_registration(registration, now, actor=DELEGATE)
    assert len(queued()) == before
    assert db.session.get(Meeting, meeting.id).seats_taken == 1


def test_a_full_meeting_puts_delegates_on_the_waiting_list_in_order(app, now):
    meeting = make_open_meeting(capacity=1, delegation_quota=None)
    make_registration(meeting)
    second = make_registration(meeting)
    third = make_registration(meeting)
    assert (second.status, third.status) == (S.WAITLISTED, S.WAITLISTED)
    assert services.allocation.waitlist_position(second) == 1
    assert services.allocation.waitlist_position(third) == 2
    message = queued(second.email)[-1]
    assert "waiting list" in message.subject.lower() and "number 1" in message.text
    assert message.calendar_method is None


def test_approval_required_waits_for_the_organisers(app, now):
    meeting = make_open_meeting(capacity=1, requires_approval=True)
    registration = make_registration(meeting)
    assert registration.status is S.AWAITING_APPROVAL
    assert "approval" in queued(registration.email)[-1].text
    services.approve_registration(registration, now, actor=ORGANISER)
    assert registration.status is S.CONFIRMED
    assert queued(registration.email)[-1].calendar_method == "REQUEST"
    other = make_registration(meeting)
    services.approve_registration(other, now, actor=ORGANISER)
    assert other.status is S.WAITLISTED


def test_cancelling_frees_the_seat_and_promotes_the_first_waitlisted(app, now):
    meeting = make_open_meeting(capacity=1, delegation_quota=None)
    first = make_registration(meeting)
    waiting = make_registration(meeting)
    promoted = services.cancel_registration(first, now, actor=DELEGATE)
    assert promoted == [waiting]
    assert (first.status, waiting.status) == (S.CANCELLED, S.CONFIRMED)
    assert db.session.get(Meeting, meeting.id).seats_taken == 1
    cancellation = queued(first.email)[-1]
    assert cancellation.calendar_method == "CANCEL"
    assert f"registration-{first.uid}@" in cancellation.calendar
    assert queued(waiting.email)[-1].calendar_method == "REQUEST"


def test_cancelling_a_waitlisted_registration_sends_no_calendar_cancellation(app, now):
    meeting = make_open_meeting(capacity=0)
    registration = make_registration(meeting)
    services.cancel_registration(registration, now, actor=DELEGATE)
    assert registration.status is S.CANCELLED
    assert queued(registration.email)[-1].calendar_method is None


def test_registering_twice_creates_no_second_registration_and_resends_the_link(app, now):
    meeting = make_open_meeting()
    first = make_registration(meeting, email="twice@mfa.example")
    result = services.register_delegate(meeting, registration_data(email="TWICE@mfa.example"), now, actor=DELEGATE)
    assert not result.created and result.registration == first
    assert count_registrations() == 1
    reminder = queued("twice@mfa.example")[-1]
    assert "already registered" in reminder.text
    assert f"/meetings/{meeting.slug}/registration/" in reminder.text


def test_a_cancelled_registration_does_not_block_registering_again(app, now):
    meeting = make_open_meeting()
    first = make_registration(meeting, email="again@mfa.example")
    services.cancel_registration(first, now, actor=DELEGATE)
    result = services.register_delegate(meeting, registration_data(email="again@mfa.example"), now, actor=DELEGATE)
    assert result.created and result.registration != first


def test_the_window_and_the_code_are_enforced_with_reasons(app, now):
    not_open = make_meeting(registration_opens_at=now + timedelta(days=2))
    closed = make_meeting(registration_opens_at=now - timedelta(days=9), registration_closes_at=now - timedelta(days=1))
    invitation = make_open_meeting(invitation_code="KP-2027")
    with pytest.raises(RegistrationRefused) as refused:
        services.register_delegate(not_open, registration_data(), now, actor=DELEGATE)
    assert "opens on" in refused.value.errors[""]
    with pytest.raises(RegistrationRefused) as refused:
        services.register_delegate(closed, registration_data(), now, actor=DELEGATE)
    assert "closed" in refused.value.errors[""]
    with pytest.raises(RegistrationRefused) as refused:
        services.register_delegate(invitation, registration_data(invitation_code="wrong"), now, actor=DELEGATE)
    assert "not valid" in refused.value.errors["invitation_code"]
    assert services.register_delegate(
        invitation, registration_data(invitation_code="KP-2027"), now, actor=DELEGATE
    ).created
    assert count_registrations() == 1
    assert len(queued()) == 1


def test_the_delegation_quota_is_counted_apart_from_the_capacity(app, now):
    meeting = make_open_meeting(capacity=10, delegation_quota=2)
    make_registration(meeting, delegation="state:IT")
    make_registration(meeting, delegation="state:IT")
    with pytest.raises(RegistrationRefused) as refused:
        services.register_delegate(meeting, registration_data(delegation="state:IT"), now, actor=DELEGATE)
    assert "already has 2 confirmed delegates" in refused.value.errors["delegation"]
    assert make_registration(meeting, delegation="state:DE").status is S.CONFIRMED


def test_quota_reached_between_registering_and_confirming_means_the_waiting_list(app, now):
    meeting = make_open_meeting(capacity=10, delegation_quota=1)
    late = make_registration(meeting, delegation="state:SD", confirm=False)
    early = make_registration(meeting, delegation="state:SD")
    services.confirm_registration(late, now, actor=DELEGATE)
    assert (early.status, late.status) == (S.CONFIRMED, S.WAITLISTED)
    services.cancel_registration(early, now, actor=DELEGATE)
    assert late.status is S.CONFIRMED


def test_promotion_skips_delegations_at_their_quota(app, now):
    meeting = make_open_meeting(capacity=2, delegation_quota=1)
    blocked = make_registration(meeting, delegation="state:ER", confirm=False)
    kept = make_registration(meeting, delegation="state:ER")
    leaving = make_registration(meeting, delegation="state:KE")
    services.confirm_registration(blocked, now, actor=DELEGATE)  # full, and Eritrea at its quota: waiting list
    other = make_registration(meeting, delegation="state:UG")  # full: waiting list, after `blocked`
    assert (blocked.status, other.status) == (S.WAITLISTED, S.WAITLISTED)
    assert services.cancel_registration(leaving, now, actor=DELEGATE) == [other]
    assert (kept.status, blocked.status) == (S.CONFIRMED, S.WAITLISTED)


def test_organisations_from_the_seeded_list_are_delegations(app, now):
    meeting = make_open_meeting()
    registration = make_registration(meeting, delegation="org:IOM")
    assert registration.delegation.key == "org:IOM" and registration.delegation.country is None
    assert registration.delegation_name == "International Organization for Migration (IOM)"
    for unknown in ("org:99999", "state:XX", "state:et", ""):
        with pytest.raises(RegistrationRefused) as refused:
            services.register_delegate(meeting, registration_data(delegation=unknown), now, actor=DELEGATE)
        assert "delegation" in refused.value.errors


def test_days_must_be_days_of_the_meeting(app, now):
    meeting = make_open_meeting(dates=(date(2027, 2, 16), date(2027, 2, 17)))
    with pytest.raises(RegistrationRefused) as refused:
        services.register_delegate(meeting, registration_data(days=["2027-03-01"]), now, actor=DELEGATE)
    assert "days" in refused.value.errors
    registration = make_registration(meeting, days=["2027-02-17"])
    assert registration.days == [date(2027, 2, 17)]
    assert make_registration(meeting, days=[]).days == [date(2027, 2, 16), date(2027, 2, 17)]  # none: every day


def test_passport_details_are_kept_only_for_a_visa_letter(app, now):
    meeting = make_open_meeting()
    without = make_registration(meeting, needs_visa_letter=False, passport_number="P1234567")
    assert without.passport_number is None
    with_letter = make_registration(
        meeting,
        needs_visa_letter=True,
        nationality="ER",
        passport_number="P1234567",
        date_of_birth=date(1980, 5, 1),
        passport_expiry=date(2031, 1, 1),
    )
    assert (with_letter.nationality, with_letter.passport_number) == ("ER", "P1234567")


def test_editing_details_keeps_the_seat_and_checks_the_new_delegations_quota(app, now):
    meeting = make_open_meeting(capacity=10, delegation_quota=1)
    make_registration(meeting, delegation="state:DE")
    mine = make_registration(meeting, delegation="state:IT")
    services.update_registration(
        mine, registration_data(email=mine.email, delegation="state:IT", position="Ambassador"), now, actor=DELEGATE
    )
    assert (mine.position, mine.status) == ("Ambassador", S.CONFIRMED)
    with pytest.raises(RegistrationRefused) as refused:
        services.update_registration(
            mine, registration_data(email=mine.email, delegation="state:DE"), now, actor=DELEGATE
        )
    assert "delegation" in refused.value.errors
    assert db.session.get(Registration, mine.id).delegation.key == "state:IT"


def test_unconfirmed_registrations_expire(app, now):
    meeting = make_open_meeting(registration_opens_at=now - timedelta(days=5))
    old = make_registration(meeting, confirm=False, now=now - timedelta(hours=49))
    fresh = make_registration(meeting, confirm=False)
    kept = make_registration(meeting, now=now - timedelta(hours=72))
    expected = {fresh.id, kept.id}
    assert set(db.session.scalars(select(Registration.id))) == expected | {old.id}
    assert services.purge_unconfirmed(now, actor=SYSTEM) == 1
    assert set(db.session.scalars(select(Registration.id))) == expected


def test_passport_details_are_removed_once_the_meeting_has_ended(app, now):
    meeting = make_open_meeting(dates=(date.today() + timedelta(days=3),) * 2)
    visa = dict(
        needs_visa_letter=True,
        nationality="ER",
        passport_number="P1234567",
        date_of_birth=date(1980, 5, 1),
        passport_expiry=date(2031, 1, 1),
    )
    registration = make_registration(meeting, **visa)
    assert services.remove_passport_details(now, actor=SYSTEM) == 0
    assert services.remove_passport_details(meeting.ends_at + timedelta(hours=1), actor=SYSTEM) == 1
    db.session.expire_all()
    kept = db.session.get(Registration, registration.id)
    assert (kept.passport_number, kept.nationality, kept.date_of_birth) == (None, None, None)
    assert kept.needs_visa_letter and kept.status is S.CONFIRMED


def test_the_daily_purge_command(app, runner, now):
    meeting = make_open_meeting(registration_opens_at=now - timedelta(days=5))
    make_registration(meeting, confirm=False, now=now - timedelta(hours=50))
    make_registration(meeting, confirm=False)
    result = runner.invoke(args=["registrations", "purge"])
    assert "Deleted 1 unconfirmed registrations." in result.output
    assert "Removed the passport details of 0 delegates" in result.output
    assert count_registrations() == 1


# --- rules that a test must guard ------------------------------------------------------


def _visa(**fields):
    values = dict(
        needs_visa_letter=True,
        nationality="ER",
        passport_number="P1234567",
        date_of_birth=date(1980, 5, 1),
        passport_expiry=date(2040, 1, 1),
    )
    return registration_data(**{**values, **fields})


def test_a_passport_must_be_valid_after_the_meeting_ends(app, now):
    meeting = make_open_meeting()
    with pytest.raises(RegistrationRefused) as refused:
        services.register_delegate(meeting, _visa(passport_expiry=meeting.end_date), now, actor=DELEGATE)
    assert set(refused.value.errors) == {"passport_expiry"}
    later = meeting.end_date + timedelta(days=1)
    assert services.register_delegate(meeting, _visa(passport_expiry=later), now, actor=DELEGATE).created


def test_a_date_of_birth_is_judged_at_the_services_now_in_the_meetings_zone(app, now):
    """Registering at 23:30 UTC on 1 March 2027 is already 2 March in Addis Ababa (UTC+3)."""
    meeting = make_open_meeting(now=datetime(2027, 1, 1, tzinfo=UTC), dates=(date(2027, 6, 1), date(2027, 6, 2)))
    late_evening = datetime(2027, 3, 1, 23, 30, tzinfo=UTC)
    with pytest.raises(RegistrationRefused) as refused:
        services.register_delegate(meeting, _visa(date_of_birth=date(2027, 3, 2)), late_evening, actor=DELEGATE)
    assert set(refused.value.errors) == {"date_of_birth"}
    born_yesterday_there = _visa(date_of_birth=date(2027, 3, 1))
    assert services.register_delegate(meeting, born_yesterday_there, late_evening, actor=DELEGATE).created


def test_the_visa_details_are_required_together(app, now):
    meeting = make_open_meeting()
    with pytest.raises(RegistrationRefused) as refused:
        services.register_delegate(meeting, _visa(nationality=None, passport_number=None), now, actor=DELEGATE)
    assert set(refused.value.errors) == {"nationality", "passport_number"}


def test_a_cancelled_registration_cannot_be_edited(app, now):
    meeting = make_open_meeting()
    registration = make_registration(meeting, position="Director")
    services.cancel_registration(registration, now, actor=DELEGATE)
    with pytest.raises(RegistrationRefused) as refused:
        services.update_registration(
            registration, registration_data(email=registration.email, position="Minister"), now, actor=DELEGATE
        )
    assert "cancelled" in refused.value.errors[""]
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).position == "Director"


@pytest.mark.parametrize("confirm", [True, False])
def test_only_a_registration_awaiting_approval_can_be_approved(app, now, confirm):
    meeting = make_open_meeting(capacity=5)
    registration = make_registration(meeting, confirm=confirm)
    before = (registration.status, db.session.get(Meeting, meeting.id).seats_taken, len(queued()))
    with pytest.raises(RegistrationRefused):
        services.approve_registration(registration, now, actor=ORGANISER)
    db.session.expire_all()
    after = (db.session.get(Registration, registration.id).status, db.session.get(Meeting, meeting.id).seats_taken)
    assert after == before[:2] and len(queued()) == before[2]
