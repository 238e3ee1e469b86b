"""The door of the back office through the browser: signing in and out, where one lands,
and resetting a forgotten password from the emailed link."""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import services
from app.auth.models import Role
from app.extensions import db
from tests.helpers.accounts import PASSWORD, make_account, sign_in
from tests.helpers.actors import SYSTEM
from tests.helpers.outbox import queued

WRONG = "The email address or the password is not right. Check both and try again."
NEW_PASSWORD = "violet-compass-meadow-38"


def location(response) -> str:
    """Where a redirect goes, as a path on this site (asserting it stays on it)."""
    parts = urlsplit(response.headers["Location"])
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), response.headers["Location"]
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def reset_path(email: str) -> str:
    [*_, message] = queued(email)
    match = re.search(r"http://meetings\.test(/manage/reset/[^\s]+)", message.text)
    assert match, message.text
    return match.group(1)


def next_field(response) -> str:
    """The value of the sign-in form's hidden ``next`` field."""
    match = re.search(r'<input[^>]*name="next"[^>]*>', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    value = re.search(r'value="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else ""


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_the_sign_in_page_opens_and_the_back_office_is_closed_to_visitors(client):
    page = client.get("/manage/login")
    assert page.status_code == 200
    assert "Sign in to the back office" in page_text(page)
    home = client.get("/manage/")
    assert home.status_code == 302
    assert location(home) == "/manage/login?next=/manage/"


def test_a_wrong_password_and_an_unknown_address_get_the_same_single_message(client):
    account = make_account()
    wrong = sign_in(client, account, "not-the-password-at-all")
    unknown = sign_in(client, "nobody.here@secretariat.example")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert page_text(response).count(WRONG) == 1
    # Apart from the address typed back into the form, the two pages are the same.
    assert page_text(wrong).replace(account.email, "X") == page_text(unknown).replace(
        "nobody.here@secretariat.example", "X"
    )
    assert client.get("/manage/").status_code == 302


def test_a_deactivated_account_gets_the_same_message_as_a_wrong_password(app, client, now):
    make_account(Role.ADMIN)
    account = make_account()
    services.deactivate_account(account, now=now, actor=SYSTEM)
    response = sign_in(client, account)
    assert response.status_code == 200 and page_text(response).count(WRONG) == 1


def test_signing_in_leads_to_the_back_office_home(client):
    account = make_account()
    response = sign_in(client, account)
    assert response.status_code == 302 and location(response) == "/manage/"
    assert client.get("/manage/").status_code == 200
    assert actions()[-1] == "account.signed_in"


def test_signing_in_returns_to_the_back_office_page_asked_for(client):
    account = make_account("admin")
    asked = client.get("/manage/audit")
    assert location(asked) == "/manage/login?next=/manage/audit"
    form = client.get(location(asked))
    assert next_field(form) == "/manage/audit"  # carried in the form
    response = sign_in(client, account, next_url="/manage/audit")
    assert location(response) == "/manage/audit"
    assert client.get("/manage/audit").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "//evil.example/manage/",
        "/\\evil.example",
        "/manage/\\..\\..\\\\evil.example",
        "\\\\evil.example",
        "/manage/\r\nLocation: https://evil.example/",
        "http://localhost/manage/",
        "/meetings/",
        "javascript:alert(1)",
    ],
)
def test_signing_in_never_leads_off_the_back_office(client, target):
    account = make_account()
    form = client.get("/manage/login", query_string={"next": target})
    assert next_field(form) == ""
    response = sign_in(client, account, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"
    # Once signed in, the sign-in page sends one home rather than anywhere else either.
    again = client.get("/manage/login", query_string={"next": target})
    assert again.headers["Location"] == "/manage/"


def test_signing_out_ends_the_session(client):
    account = make_account()
    sign_in(client, account)
    assert client.get("/manage/").status_code == 200
    response = client.post("/manage/logout")
    assert response.status_code == 302 and location(response) == "/manage/login"
    assert "You have signed out." in page_text(client.get("/manage/login"))
    assert location(client.get("/manage/")) == "/manage/login?next=/manage/"
    assert actions()[-1] == "account.signed_out"


def test_signing_out_is_a_post(client):
    sign_in(client, make_account())
    assert client.get("/manage/logout").status_code == 405
    assert client.get("/manage/").status_code == 200


def test_back_office_pages_are_never_stored_by_a_browser(client):
    assert client.get("/manage/login").headers["Cache-Control"] == "no-store"
    sign_in(client, make_account())
    assert client.get("/manage/").headers["Cache-Control"] == "no-store"
    assert client.get("/manage/account").headers["Cache-Control"] == "no-store"


def test_a_bad_password_link_is_explained(client):
    response = client.get("/manage/reset/not-a-real-link")
    assert response.status_code == 400
    text = page_text(response)
    assert "This link cannot be used" in text and "This link is not complete or not right." in text
    assert 'href="/manage/reset"' in response.get_data(as_text=True)  # where to ask for a new one


def test_the_reset_request_says_the_same_whether_or_not_the_account_exists(client):
    make_account(email="hanna@secretariat.example")
    known = client.post("/manage/reset", data={"email": "hanna@secretariat.example"})
    unknown = client.post("/manage/reset", data={"email": "nobody@secretariat.example"})
    assert known.status_code == unknown.status_code == 200
    assert page_text(known).replace("hanna@", "X@") == page_text(unknown).replace("nobody@", "X@")
    assert "Check your email" in page_text(known)
    assert [message.to for message in queued()] == ["hanna@secretariat.example"]


def test_a_forgotten_password_is_reset_from_the_emailed_link(app, client):
    account = make_account(email="hanna@secretariat.example")
    assert client.get("/manage/reset").status_code == 200
    client.post("/manage/reset", data={"email": "Hanna@Secretariat.example"})
    link = reset_path("hanna@secretariat.example")

    page = client.get(link)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert "hanna@secretariat.example" in page_text(page)

    response = client.post(link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302 and location(response) == "/manage/"
    home = client.get("/manage/")
    assert home.status_code == 200
    assert "Your password has been set. You are signed in." in page_text(home)

    client.post("/manage/logout")
    assert page_text(sign_in(client, account)).count(WRONG) == 1
    assert location(sign_in(client, account, NEW_PASSWORD)) == "/manage/"
    used = client.get(link)
    assert used.status_code == 400
    assert "This link has already been used, or a newer one has replaced it." in page_text(used)


def test_a_reset_form_with_a_weak_or_mismatched_password_explains_and_keeps_the_link(client):
    account = make_account()
    client.post("/manage/reset", data={"email": account.email})
    link = reset_path(account.email)
    weak = client.post(link, data={"new_password": "password1234", "confirm_password": "password1234"})
    assert weak.status_code == 200
    assert "This password is one of the commonest" in page_text(weak)
    mismatch = client.post(link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "x"})
    assert "The two passwords are not the same." in page_text(mismatch)
    assert location(client.get("/manage/")) == "/manage/login?next=/manage/"
    assert location(sign_in(client, account)) == "/manage/"  # the old password still works
    client.post("/manage/logout")
    assert client.get(link).status_code == 200  # and the link too


def test_changing_ones_password_on_the_account_page(client):
    account = make_account()
    sign_in(client, account)
    wrong = client.post(
        "/manage/account",
        data={"current_password": "not-my-password", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and "This is not your current password." in page_text(wrong)
    done = client.post(
        "/manage/account",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert location(done) == "/manage/account"
    assert "Your password has been changed." in page_text(client.get("/manage/account"))
    client.post("/manage/logout")
    assert location(sign_in(client, account, NEW_PASSWORD)) == "/manage/"


def test_the_next_page_survives_a_failed_attempt(client):
    account = make_account()
    failed = sign_in(client, account, "not-the-password-at-all", next_url="/manage/account")
    assert next_field(failed) == "/manage/account"
    assert location(sign_in(client, account, next_url="/manage/account")) == "/manage/account"
