"""The administrators' pages of accounts: adding one (it is emailed a link to choose its
password), changing its role and meetings, deactivating and reactivating it, sending a
link; and the one rule they never break: there is always an active administrator."""

import re

import pytest
from sqlalchemy import func, select

from app.auth.models import Account, Role
from app.auth.permissions import assigned_meeting_ids
from app.extensions import db
from tests.helpers.accounts import PASSWORD, make_account, sign_in
from tests.helpers.factories import make_meeting
from tests.helpers.outbox import queued
from tests.manage import audit_rows, browser, reload, signed_in, visible

NEW_PASSWORD = "amber-harbour-kettle-42"


@pytest.fixture
def admin(app):
    return make_account(Role.ADMIN, name="Amina Diallo")


@pytest.fixture
def as_admin(app, admin):
    return signed_in(app, admin)


def account_count() -> int:
    return db.session.scalar(select(func.count(Account.id)))


def by_email(email: str) -> Account | None:
    db.session.expire_all()
    return db.session.scalar(select(Account).where(Account.email == email))


def password_link(message) -> str:
    match = re.search(r"http://meetings\.test(/manage/reset/[^\s]+)", message.text)
    assert match, message.text
    return match.group(1)


def meeting_titles_on_home(client) -> set[str]:
    page = client.get("/manage/").text
    return {visible(title) for title in re.findall(r"<h3>(.*?)</h3>", page, re.S)}


def test_an_admin_adds_an_account_which_is_emailed_a_link_to_choose_its_password(app, admin, as_admin):
    first, second, left_out = make_meeting(), make_meeting(), make_meeting()
    form = {
        "email": " Selam.Tadesse@MFA.example ",
        "name": "Selam Tadesse",
        "role": "organiser",
        "meetings": [str(first.id), str(second.id)],
        "language": "en",
    }

    response = as_admin.post("/manage/accounts/new", data=form)

    assert response.status_code == 302 and response.headers["Location"] == "/manage/accounts/"
    listing = as_admin.get("/manage/accounts/").text
    assert "The account selam.tadesse@mfa.example has been made" in listing
    assert "has not chosen a password yet" in listing
    account = by_email("selam.tadesse@mfa.example")
    assert (account.name, account.role, account.password_hash) == ("Selam Tadesse", Role.ORGANISER, None)
    assert assigned_meeting_ids(account) == {first.id, second.id}
    [message] = queued("selam.tadesse@mfa.example")
    assert "You will sign in as selam.tadesse@mfa.example, with the role Organiser" in message.text

    newcomer = browser(app)
    link = password_link(message)
    assert "For the account selam.tadesse@mfa.example" in newcomer.get(link).text
    chosen = newcomer.post(link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert chosen.status_code == 302
    assert (
        meeting_titles_on_home(newcomer) == {first.title, second.title}
        and left_out.title not in newcomer.get("/manage/").text
    )

    who, what, details = audit_rows(as_admin.get("/manage/audit?action=account.created").text)[0]
    assert (who, what) == ("Amina Diallo", "Account created")
    assert details.startswith("Account selam.tadesse@mfa.example") and "role: — → Organiser" in details
    assert "name changed" in details and "Selam Tadesse" not in details  # personal values stay out of the log


@pytest.mark.parametrize(
    "email, message",
    [
        ("not-an-address", "Enter a valid email address"),
        ("", "Enter the email address the account signs in with."),
        ("JOSÉ@mfa.example", "Use an address whose part before the @ has only Latin letters"),
        ("Taken@Secretariat.example", "There is already an account with this email address."),
    ],
)
def test_a_bad_or_taken_address_is_refused_on_the_form_and_nothing_is_made(app, as_admin, email, message):
    make_account(Role.VIEWER, email="taken@secretariat.example")
    before, mails = account_count(), len(queued())

    response = as_admin.post("/manage/accounts/new", data={"email": email, "role": "viewer", "language": "en"})

    assert response.status_code == 200 and message in visible(response.text)
    assert account_count() == before and len(queued()) == mails


def test_an_admin_changes_an_accounts_role_name_and_meetings(app, admin, as_admin):
    first, second, third = make_meeting(), make_meeting(), make_meeting()
    organiser = make_account(Role.ORGANISER, meetings=[first, second])
    theirs = signed_in(app, organiser)
    form = as_admin.get(f"/manage/accounts/{organiser.id}").text
    assert re.search(rf'value="{first.id}"[^>]* checked|checked[^>]*value="{first.id}"', form)
    assert re.search(r'<option selected value="organiser">|<option value="organiser" selected', form)

    response = as_admin.post(
        f"/manage/accounts/{organiser.id}",
        data={"name": "Ole Nordmann", "role": "viewer", "meetings": [str(second.id), str(third.id)]},
    )

    assert response.status_code == 302
    assert "The account has been changed." in as_admin.get("/manage/accounts/").text
    changed = reload(organiser)
    assert (changed.role, changed.name, assigned_meeting_ids(changed)) == (
        Role.VIEWER,
        "Ole Nordmann",
        {second.id, third.id},
    )
    assert meeting_titles_on_home(theirs) == {second.title, third.title}  # at their next request
    assert theirs.get(f"/manage/meetings/{first.slug}/").status_code == 403
    [(who, what, details)] = audit_rows(as_admin.get("/manage/audit?action=account.changed").text)
    assert (who, what) == ("Amina Diallo", "Account changed") and "Organiser → Viewer" in details


def test_saving_an_account_unchanged_says_so_and_logs_nothing(app, as_admin):
    meeting = make_meeting()
    organiser = make_account(Role.ORGANISER, name="Ole Nordmann", meetings=[meeting])
    data = {"name": "Ole Nordmann", "role": "organiser", "meetings": [str(meeting.id)]}
    assert as_admin.post(f"/manage/accounts/{organiser.id}", data=data).status_code == 302
    assert "Nothing was changed." in as_admin.get("/manage/accounts/").text
    assert audit_rows(as_admin.get("/manage/audit?action=account.changed").text) == []


def test_a_deactivated_account_is_signed_out_at_its_next_request_and_cannot_sign_in_until_reactivated(app, as_admin):
    organiser = make_account(Role.ORGANISER)
    theirs = signed_in(app, organiser)
    assert theirs.get("/manage/").status_code == 200

    assert as_admin.post(f"/manage/accounts/{organiser.id}/deactivate").status_code == 302
    listing = as_admin.get("/manage/accounts/").text
    assert f"{organiser.email} can no longer sign in; its sessions have ended." in listing
    assert "Deactivated" in listing and f'Reactivate <span class="visually-hidden">{organiser.email}' in listing

    sent_away = theirs.get("/manage/")
    assert sent_away.status_code == 302 and sent_away.headers["Location"].startswith("/manage/login")
    assert "not right" in sign_in(browser(app), organiser).text

    assert as_admin.post(f"/manage/accounts/{organiser.id}/reactivate").status_code == 302
    assert f"{organiser.email} can sign in again." in as_admin.get("/manage/accounts/").text
    assert sign_in(browser(app), organiser).status_code == 302
    whats = [what for _, what, _ in audit_rows(as_admin.get("/manage/audit").text)]
    assert whats.index("Account reactivated") < whats.index("Account deactivated")


def test_an_admin_emails_an_account_a_link_to_choose_a_new_password(app, as_admin):
    organiser = make_account(Role.ORGANISER)

    assert as_admin.post(f"/manage/accounts/{organiser.id}/send-link").status_code == 302

    assert f"A link to choose a password has been sent to {organiser.email}." in as_admin.get("/manage/accounts/").text
    [message] = queued(organiser.email)
    assert message.subject == "Reset your password"
    holder = browser(app)
    link = password_link(message)
    assert holder.post(link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}).status_code == 302
    assert "not right" in sign_in(browser(app), organiser, PASSWORD).text
    assert sign_in(browser(app), organiser, NEW_PASSWORD).status_code == 302


def test_an_account_still_to_choose_its_password_is_sent_its_first_link_again(app, as_admin):
    newcomer = make_account(Role.VIEWER, password=None)
    assert len(queued(newcomer.email)) == 1
    assert as_admin.post(f"/manage/accounts/{newcomer.id}/send-link").status_code == 302
    again = queued(newcomer.email)
    assert len(again) == 2 and again[1].subject == again[0].subject != "Reset your password"
    assert "For the account" in browser(app).get(password_link(again[1])).text


@pytest.mark.parametrize("other_admin", [None, "deactivated"])
def test_the_last_active_admin_can_be_neither_deactivated_nor_demoted(app, admin, as_admin, other_admin):
    if other_admin:
        second = make_account(Role.ADMIN)
        assert as_admin.post(f"/manage/accounts/{second.id}/deactivate").status_code == 302

    assert as_admin.post(f"/manage/accounts/{admin.id}/deactivate").status_code == 302
    assert "This is the only active administrator: make another one first." in as_admin.get("/manage/accounts/").text
    demoted = as_admin.post(f"/manage/accounts/{admin.id}", data={"name": "Amina Diallo", "role": "organiser"})
    assert demoted.status_code == 200
    assert "This is the only active administrator: make another one first." in visible(demoted.text)

    unchanged = reload(admin)
    assert (unchanged.active, unchanged.role) == (True, Role.ADMIN)
    assert as_admin.get("/manage/accounts/").status_code == 200  # still signed in, still an admin
    whats = {what for _, what, _ in audit_rows(as_admin.get("/manage/audit").text)}
    assert "Account changed" not in whats and ("Account deactivated" in whats) == bool(other_admin)


def test_with_another_active_admin_an_admin_may_step_down(app, admin, as_admin):
    make_account(Role.ADMIN)
    response = as_admin.post(f"/manage/accounts/{admin.id}", data={"name": "Amina Diallo", "role": "organiser"})
    assert response.status_code == 302 and reload(admin).role is Role.ORGANISER
    assert as_admin.get("/manage/accounts/").status_code == 403  # at once, in this session too


def test_an_unknown_account_is_404(app, as_admin):
    for path in ("/manage/accounts/4242", "/manage/accounts/4242/deactivate"):
        response = as_admin.get(path) if path.endswith("4242") else as_admin.post(path)
        assert response.status_code == 404, path
