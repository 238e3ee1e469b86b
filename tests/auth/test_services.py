"""The account services: creating and changing accounts, signing in, and the password links,
each with its line in the audit log and its email in the outbox."""

import json
import re
import time
from datetime import timedelta

import pytest
from flask import current_app
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from app.actors import ActorKind
from app.audit.models import AuditEntry
from app.audit.services import address_hash
from app.auth import services
from app.auth.models import Account, Role
from app.auth.services import AccountRefused, actor_for
from app.auth.tokens import SALT, PasswordLinkError
from app.extensions import db
from tests.helpers.accounts import PASSWORD, make_account
from tests.helpers.actors import SYSTEM
from tests.helpers.factories import make_meeting
from tests.helpers.outbox import queued

NEW_PASSWORD = "violet-compass-meadow-38"


def password_link(email: str) -> str:
    """The token of the newest password link emailed to ``email``."""
    [*_, message] = queued(email)
    match = re.search(r"http://meetings\.test/manage/reset/([^\s/]+)", message.text)
    assert match, message.text
    assert f"/manage/reset/{match.group(1)}" in message.html
    return match.group(1)


def signed_earlier(token: str, seconds: int) -> str:
    """The same link as if it had been emailed ``seconds`` ago."""
    key = current_app.config["SECRET_KEY"]
    payload = URLSafeTimedSerializer(key, salt=SALT).loads(token)

    class Earlier(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - seconds

    return URLSafeTimedSerializer(key, salt=SALT, signer=Earlier).dumps(payload)


def lines(action=None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def row_text(entry: AuditEntry) -> str:
    """Every column of the line as the database holds it, lower-cased."""
    row = db.session.execute(select(AuditEntry.__table__).where(AuditEntry.id == entry.id)).mappings().one()
    return json.dumps({key: str(value) for key, value in row.items()}).lower()


def fresh(account: Account) -> Account:
    db.session.expire_all()
    return db.session.get(Account, account.id)


@pytest.fixture
def admin(app):
    return make_account(Role.ADMIN)


# Creating accounts


def test_an_account_is_stored_under_its_lower_case_address(app, admin, now):
    account = services.create_account(
        "  Amina.Ops@Secretariat.Example ", Role.ORGANISER, password=PASSWORD, now=now, actor=actor_for(admin)
    )
    assert account.email == "amina.ops@secretariat.example"
    assert services.get_account_by_email("AMINA.OPS@secretariat.example ").id == account.id
    assert services.sign_in("Amina.OPS@Secretariat.Example", PASSWORD, now=now).id == account.id


def test_a_second_account_for_the_same_address_is_refused(app, admin, now):
    make_account(email="dawit@secretariat.example")
    with pytest.raises(AccountRefused) as refused:
        services.create_account("Dawit@Secretariat.example", Role.VIEWER, now=now, actor=actor_for(admin))
    assert refused.value.errors == {"email": "There is already an account with this email address."}
    assert len(db.session.scalars(select(Account).where(Account.role == Role.VIEWER)).all()) == 0
    assert len(lines("account.created")) == 2  # the admin's and dawit's


@pytest.mark.parametrize("email", ["not-an-address", "two@@secretariat.example", "", "amína@secretariat.example"])
def test_an_account_needs_a_valid_address(app, admin, now, email):
    with pytest.raises(AccountRefused) as refused:
        services.create_account(email, Role.VIEWER, now=now, actor=actor_for(admin))
    assert set(refused.value.errors) == {"email"}
    assert services.list_accounts() == [admin]


def test_an_account_given_a_weak_password_is_not_made(app, admin, now):
    for weak in ("short-one", "password1234", "hanna.berhe-2026-xyz"):
        with pytest.raises(AccountRefused) as refused:
            services.create_account(
                "hanna.berhe@secretariat.example", Role.VIEWER, password=weak, now=now, actor=actor_for(admin)
            )
        assert set(refused.value.errors) == {"password"}
    assert services.get_account_by_email("hanna.berhe@secretariat.example") is None
    assert queued() == []


def test_an_account_made_with_a_password_signs_in_and_gets_no_email(app, admin, now):
    account = make_account(email="ready@secretariat.example")
    assert account.password_changed_at is not None
    assert queued("ready@secretariat.example") == []
    assert services.sign_in("ready@secretariat.example", PASSWORD, now=now) is not None


def test_an_account_made_without_a_password_is_emailed_a_link_to_choose_one(app, admin, now):
    account = services.create_account(
        "new.organiser@secretariat.example", Role.ORGANISER, name="Selam", now=now, actor=actor_for(admin)
    )
    assert account.password_hash is None
    [message] = queued("new.organiser@secretariat.example")
    assert message.subject == "Your account for Khartoum Process Secretariat"
    assert "new.organiser@secretariat.example" in message.text and "Organiser" in message.text
    assert "7 days" in message.text
    assert services.sign_in("new.organiser@secretariat.example", "", now=now) is None

    services.reset_password(password_link(account.email), NEW_PASSWORD, now=now)
    assert services.sign_in("new.organiser@secretariat.example", NEW_PASSWORD, now=now).id == account.id


def test_the_creation_is_logged_with_role_and_meetings_but_only_the_names_of_personal_fields(app, admin, now):
    first, second = make_meeting(), make_meeting()
    account = services.create_account(
        "Selam.Tesfaye@secretariat.example",
        Role.ORGANISER,
        name="Selam Tesfaye",
        meeting_ids=[second.id, first.id],
        now=now,
        actor=actor_for(admin),
    )
    [entry] = lines("account.created")[1:]
    assert (entry.actor_kind, entry.actor_ref) == (ActorKind.ORGANISER, str(admin.id))
    assert (entry.target_kind, entry.target_ref) == ("account", str(account.id))
    assert entry.at == now
    assert entry.changes["role"] == [None, "organiser"]
    assert entry.changes["meetings"] == [None, sorted([first.id, second.id])]
    assert entry.changes["email"] is None and "email" in entry.changes
    assert entry.changes["name"] is None and "name" in entry.changes
    text = row_text(entry)
    assert "selam" not in text and "tesfaye" not in text


# Changing accounts


def test_a_change_of_role_and_meetings_is_logged_before_and_after(app, admin, now):
    first, second = make_meeting(), make_meeting()
    account = make_account(Role.ORGANISER, meetings=[first], name="Old name")
    changed = services.update_account(
        account, role=Role.VIEWER, meeting_ids=[second.id, first.id], now=now, actor=actor_for(admin)
    )
    expected = {"role": ["organiser", "viewer"], "meetings": [[first.id], sorted([first.id, second.id])]}
    assert changed == expected
    [entry] = lines("account.changed")
    assert entry.changes == expected
    assert (entry.actor_ref, entry.target_ref) == (str(admin.id), str(account.id))
    assert fresh(account).role is Role.VIEWER


def test_a_new_name_is_logged_without_its_value(app, admin, now):
    account = make_account(name="Old name")
    assert services.update_account(account, name="  Brand New  ", now=now, actor=actor_for(admin)) == {"name": None}
    assert fresh(account).name == "Brand New"
    [entry] = lines("account.changed")
    assert entry.changes == {"name": None}
    assert "old name" not in row_text(entry) and "brand new" not in row_text(entry)


def test_a_change_that_changes_nothing_is_not_logged(app, admin, now):
    meeting = make_meeting()
    account = make_account(Role.VIEWER, meetings=[meeting], name="Same")
    assert (
        services.update_account(
            account, role=Role.VIEWER, name="Same", meeting_ids=[meeting.id], now=now, actor=actor_for(admin)
        )
        == {}
    )
    assert lines("account.changed") == []


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(app, admin, now):
    gone = make_account(Role.ADMIN)
    services.deactivate_account(gone, now=now, actor=SYSTEM)  # an inactive admin does not count
    with pytest.raises(AccountRefused) as refused:
        services.update_account(admin, role=Role.ORGANISER, now=now, actor=SYSTEM)
    assert set(refused.value.errors) == {"role"}
    with pytest.raises(AccountRefused):
        services.deactivate_account(admin, now=now, actor=SYSTEM)
    admin = fresh(admin)
    assert admin.role is Role.ADMIN and admin.active
    assert lines("account.changed") == []


def test_an_admin_may_be_demoted_once_there_is_another(app, admin, now):
    other = make_account(Role.ADMIN)
    services.update_account(admin, role=Role.ORGANISER, now=now, actor=actor_for(other))
    assert fresh(admin).role is Role.ORGANISER
    with pytest.raises(AccountRefused):
        services.deactivate_account(other, now=now, actor=SYSTEM)


def test_deactivation_ends_the_sessions_and_the_sign_ins_and_is_logged(app, admin, now):
    account = make_account()
    token = account.session_token
    services.request_password_reset(account.email, now=now, language="en")
    link = password_link(account.email)
    services.deactivate_account(account, now=now, actor=actor_for(admin))
    account = fresh(account)
    assert not account.active
    assert account.session_token != token
    assert services.sign_in(account.email, PASSWORD, now=now) is None
    with pytest.raises(PasswordLinkError) as error:
        services.account_for_password_link(link)
    assert error.value.reason == "used"
    [entry] = lines("account.deactivated")
    assert entry.changes == {"active": [True, False]}
    assert (entry.actor_ref, entry.target_ref) == (str(admin.id), str(account.id))
    services.deactivate_account(account, now=now, actor=actor_for(admin))
    assert len(lines("account.deactivated")) == 1  # once is enough


def test_reactivation_lets_the_account_sign_in_again_but_revives_no_old_session(app, admin, now):
    account = make_account()
    services.deactivate_account(account, now=now, actor=SYSTEM)
    ended = fresh(account).session_token
    services.reactivate_account(account, now=now, actor=actor_for(admin))
    account = fresh(account)
    assert account.active and account.session_token == ended
    assert services.sign_in(account.email, PASSWORD, now=now) is not None
    [entry] = lines("account.reactivated")
    assert entry.changes == {"active": [False, True]}


def test_setting_someones_password_ends_their_sessions_and_is_logged(app, admin, now):
    account = make_account()
    token = account.session_token
    services.set_password(account, NEW_PASSWORD, now=now, actor=actor_for(admin))
    assert fresh(account).session_token != token
    assert services.sign_in(account.email, PASSWORD, now=now) is None
    assert services.sign_in(account.email, NEW_PASSWORD, now=now) is not None
    [entry] = lines("account.password_changed")
    assert (entry.actor_ref, entry.target_ref) == (str(admin.id), str(account.id))
    assert NEW_PASSWORD not in row_text(entry)


# Signing in


def test_a_sign_in_is_logged_as_the_account(app, now):
    account = make_account()
    assert services.sign_in(f" {account.email.upper()} ", PASSWORD, now=now).id == account.id
    assert fresh(account).last_login_at == now
    [entry] = lines("account.signed_in")
    assert entry.actor_kind is ActorKind.ORGANISER
    assert (entry.actor_ref, entry.actor_label) == (str(account.id), account.email)
    assert (entry.target_kind, entry.target_ref) == ("account", str(account.id))
    assert lines("account.sign_in_failed") == []


def test_an_account_whose_domain_is_not_in_latin_letters_signs_in_as_its_address_is_written(app, now):
    """The address is stored in its ASCII form (xn--...), but its holder types it as they know it."""
    account = make_account(email="amina@bücher.example")
    assert account.email == "amina@xn--bcher-kva.example"
    assert services.sign_in("amina@bücher.example", PASSWORD, now=now) is not None
    services.request_password_reset("Amina@Bücher.example", now=now, language="en")
    assert len(queued(account.email)) == 1


def _wrong_password(now):
    make_account(email="kidane.wolde@secretariat.example")
    return "kidane.wolde@secretariat.example", "not-the-password-at-all", True


def _unknown_address(now):
    return "Nobody.Here@Secretariat.example", PASSWORD, False


def _deactivated(now):
    make_account(Role.ADMIN)
    account = make_account(email="kidane.wolde@secretariat.example")
    services.deactivate_account(account, now=now, actor=SYSTEM)
    return "kidane.wolde@secretariat.example", PASSWORD, True


def _no_password_yet(now):
    make_account(email="kidane.wolde@secretariat.example", password=None)
    return "kidane.wolde@secretariat.example", "no account has this password", True


@pytest.mark.parametrize("case", [_wrong_password, _unknown_address, _deactivated, _no_password_yet])
def test_a_failed_sign_in_is_logged_by_a_keyed_hash_of_the_address_and_never_the_address(app, now, case):
    email, password, known = case(now)
    assert services.sign_in(email, password, now=now) is None
    [entry] = lines("account.sign_in_failed")
    assert entry.actor_kind is ActorKind.SYSTEM
    assert entry.address_hash == address_hash(email)
    assert lines("account.signed_in") == []
    account = services.get_account_by_email(email)
    assert entry.target_ref == (str(account.id) if known else "")
    assert account is None or account.last_login_at is None
    local_part = email.lower().partition("@")[0]
    text = row_text(entry)
    assert email.lower() not in text and local_part not in text
    assert password.lower() not in text


def test_an_address_too_long_to_be_an_account_fails_without_an_error(app, now):
    assert services.sign_in("a" * 300 + "@secretariat.example", PASSWORD, now=now) is None
    assert len(lines("account.sign_in_failed")) == 1


# Password links


def test_a_reset_is_emailed_to_an_active_account_only(app, now):
    account = make_account(email="hanna@secretariat.example")
    services.request_password_reset(" Hanna@Secretariat.example", now=now, language="en")
    [message] = queued("hanna@secretariat.example")
    assert message.subject == "Reset your password"
    assert "1 hour" in message.text
    assert services.account_for_password_link(password_link(account.email)).id == account.id
    [entry] = lines("account.password_reset_requested")
    assert entry.target_ref == str(account.id)

    services.request_password_reset("nobody@secretariat.example", now=now, language="en")
    make_account(Role.ADMIN)
    services.deactivate_account(account, now=now, actor=SYSTEM)
    services.request_password_reset("hanna@secretariat.example", now=now + timedelta(hours=1), language="en")
    assert len(queued()) == 1
    assert len(lines("account.password_reset_requested")) == 1


def test_a_reset_asked_for_on_a_french_page_is_written_in_french(app, now):
    make_account(email="hanna@secretariat.example")
    services.request_password_reset("hanna@secretariat.example", now=now, language="fr")
    [message] = queued("hanna@secretariat.example")
    assert message.subject != "Reset your password"
    assert "mot de passe" in message.subject.lower()


@pytest.mark.parametrize("config_overrides", [{"RESET_EMAIL_SECONDS": 300}])
def test_an_account_is_sent_one_link_per_reset_email_seconds_at_most(app, now):
    make_account(email="hanna@secretariat.example")
    services.request_password_reset("hanna@secretariat.example", now=now, language="en")
    services.request_password_reset("hanna@secretariat.example", now=now + timedelta(seconds=299), language="en")
    assert len(queued("hanna@secretariat.example")) == 1
    services.request_password_reset("hanna@secretariat.example", now=now + timedelta(seconds=300), language="en")
    assert len(queued("hanna@secretariat.example")) == 2
    # A new account's first link counts as well.
    make_account(email="selam@secretariat.example", password=None)
    services.request_password_reset("selam@secretariat.example", now=now + timedelta(seconds=10), language="en")
    assert len(queued("selam@secretariat.example")) == 1


def test_a_reset_link_sets_the_password_once(app, now):
    account = make_account()
    token = account.session_token
    services.request_password_reset(account.email, now=now, language="en")
    link = password_link(account.email)
    assert services.reset_password(link, NEW_PASSWORD, now=now).id == account.id
    assert fresh(account).session_token != token
    assert services.sign_in(account.email, PASSWORD, now=now) is None
    assert services.sign_in(account.email, NEW_PASSWORD, now=now) is not None
    [entry] = lines("account.password_reset")
    assert (entry.actor_kind, entry.actor_ref) == (ActorKind.ORGANISER, str(account.id))
    with pytest.raises(PasswordLinkError) as error:
        services.reset_password(link, "yet-another-passphrase-5", now=now)
    assert error.value.reason == "used"
    assert services.sign_in(account.email, NEW_PASSWORD, now=now) is not None


def test_a_newer_link_replaces_an_older_one_once_used(app, now):
    account = make_account()
    services.request_password_reset(account.email, now=now, language="en")
    older = password_link(account.email)
    services.request_password_reset(account.email, now=now, language="en")
    newer = password_link(account.email)
    services.reset_password(newer, NEW_PASSWORD, now=now)
    with pytest.raises(PasswordLinkError) as error:
        services.reset_password(older, "yet-another-passphrase-5", now=now)
    assert error.value.reason == "used"


def test_a_weak_password_from_a_link_is_refused_and_the_link_still_works(app, now):
    account = make_account()
    services.request_password_reset(account.email, now=now, language="en")
    link = password_link(account.email)
    with pytest.raises(AccountRefused) as refused:
        services.reset_password(link, "password1234", now=now)
    assert set(refused.value.errors) == {"password"}
    assert services.sign_in(account.email, PASSWORD, now=now) is not None
    services.reset_password(link, NEW_PASSWORD, now=now)
    assert services.sign_in(account.email, NEW_PASSWORD, now=now) is not None


def test_a_reset_link_expires_after_password_reset_seconds(app, now):
    assert app.config["PASSWORD_RESET_SECONDS"] == 3600
    account = make_account()
    services.request_password_reset(account.email, now=now, language="en")
    link = password_link(account.email)
    assert services.account_for_password_link(signed_earlier(link, 3500)).id == account.id
    with pytest.raises(PasswordLinkError) as error:
        services.reset_password(signed_earlier(link, 3700), NEW_PASSWORD, now=now)
    assert error.value.reason == "expired"
    assert services.sign_in(account.email, PASSWORD, now=now) is not None


def test_a_new_accounts_link_lasts_account_setup_seconds(app, now):
    account = make_account(password=None)
    link = password_link(account.email)
    assert services.account_for_password_link(signed_earlier(link, 3700)).id == account.id
    assert services.account_for_password_link(signed_earlier(link, 6 * 86400)).id == account.id
    with pytest.raises(PasswordLinkError) as error:
        services.account_for_password_link(signed_earlier(link, 7 * 86400 + 100))
    assert error.value.reason == "expired"


@pytest.mark.parametrize("config_overrides", [{"PASSWORD_RESET_SECONDS": 0}])
def test_a_link_older_than_its_lifetime_expires_as_time_passes(app, now):
    account = make_account()
    services.request_password_reset(account.email, now=now, language="en")
    link = password_link(account.email)
    # Waits for the clock to pass the link's lifetime, not a fixed while: a deadline, then it fails.
    deadline = time.monotonic() + 5
    while True:
        try:
            services.account_for_password_link(link)
        except PasswordLinkError as error:
            assert error.reason == "expired"
            break
        assert time.monotonic() < deadline, "the link never expired"
        time.sleep(0.05)


def _tampered(link):
    middle = len(link) // 3
    return link[:middle] + ("A" if link[middle] != "A" else "B") + link[middle + 1 :]


def test_a_tampered_or_foreign_link_is_invalid(app, now):
    account = make_account()
    services.request_password_reset(account.email, now=now, language="en")
    link = password_link(account.email)
    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT).loads(link)
    foreign = URLSafeTimedSerializer("another site's key", salt=SALT).dumps(payload)
    for bad in (_tampered(link), link[:-3], foreign, "", "not-a-link"):
        with pytest.raises(PasswordLinkError) as error:
            services.reset_password(bad, NEW_PASSWORD, now=now)
        assert error.value.reason == "invalid"
    assert services.sign_in(account.email, PASSWORD, now=now) is not None


def test_changing_ones_own_password_needs_the_current_one(app, now):
    account = make_account()
    token = account.session_token
    with pytest.raises(AccountRefused) as refused:
        services.change_own_password(account, "not-my-password-at-all", NEW_PASSWORD, now=now)
    assert refused.value.errors == {"current_password": "This is not your current password."}
    with pytest.raises(AccountRefused) as refused:
        services.change_own_password(account, PASSWORD, "password1234", now=now)
    assert set(refused.value.errors) == {"password"}
    assert fresh(account).session_token == token
    assert lines("account.password_changed") == []

    services.change_own_password(fresh(account), PASSWORD, NEW_PASSWORD, now=now)
    assert fresh(account).session_token != token
    assert services.sign_in(account.email, PASSWORD, now=now) is None
    assert services.sign_in(account.email, NEW_PASSWORD, now=now) is not None
    [entry] = lines("account.password_changed")
    assert entry.actor_ref == str(account.id)
