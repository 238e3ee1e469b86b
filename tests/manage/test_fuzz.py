"""Generated form data and path segments (NUL bytes, non-ASCII digits, huge numbers, stray
fields) thrown at the sign-in and password pages and the accounts forms: never a 5xx, and
the accounts change only as a valid submission is meant to change them.

A real value (a real address, a live password link, a real account or meeting id) is drawn
as a placeholder (``REAL``, ``TARGET``, ``M1``...) the test replaces, so that both a form
that works and a broken one are exercised. The audit log may gain only the lines of what
happened: failed sign-ins, and the one line of a submission that worked.
"""

import string
from urllib.parse import quote, urlsplit

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import text
from app.actors import Actor
from app.audit.models import AuditEntry
from app.auth import services
from app.auth.models import Account, Role, account_meeting
from app.auth.passwords import verify_password
from app.auth.tokens import make_password_token
from app.db import utcnow
from app.extensions import db
from app.meetings.models import Meeting
from tests.helpers.accounts import PASSWORD, make_account
from tests.helpers.factories import make_meeting
from tests.manage import browser, signed_in

NASTY = [
    "\x00",
    "a\x00b@mfa.example",
    "²",
    "٣",
    "0",
    "-1",
    "9" * 40,
    str(2**63),
    "%00",
    "..",
    "a/b",
    "\u2028",
    "\u202e",
    "é" * 300,
    "x" * 300 + "@mfa.example",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "//evil.example/manage/",
    "https://evil.example/",
    "/manage/\\evil",
    "admin",
    "organiser",
    "fr",
]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.text(string.printable, max_size=20))
SEGMENT = TEXT.filter(bool)
STATUSES = {200, 302, 400, 403, 404, 429}
ORGANISER = "fuzz.organiser@secretariat.example"
NEW_PASSWORD = "amber-harbour-kettle-42"
SYSTEM = Actor.system("tests")


def either(*real):
    """One of the real values half the time, generated text the other half."""
    return st.booleans().flatmap(lambda keep: st.sampled_from(real) if keep else TEXT)


def form(valid: dict, **fields):
    """Half the time a form that works, half the time an empty one; over it, each field
    replaced or not, and a few stray ones."""
    stray = st.dictionaries(st.text(max_size=10), TEXT, max_size=3)
    changed = st.fixed_dictionaries({}, optional=fields)
    return st.tuples(st.sampled_from([valid, {}]), stray, changed).map(lambda parts: parts[0] | parts[1] | parts[2])


def several(*real):
    return st.lists(either(*real), max_size=3)


fuzz = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def state():
    """The account and account_meeting tables, row by row, and the audit log's actions in order,
    as a fresh connection reads them."""
    db.session.expire_all()
    with db.engine.connect() as connection:
        accounts = {row.id: row._asdict() for row in connection.execute(select(Account.__table__))}
        assigned = set(connection.execute(select(account_meeting)).all())
        actions = list(connection.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
    return accounts, assigned, actions


def without(accounts: dict, account_id: int, *columns) -> dict:
    return {i: {k: v for k, v in row.items() if i != account_id or k not in columns} for i, row in accounts.items()}


def new_lines(before, after) -> list[str]:
    return after[2][len(before[2]) :]


def values_of(body: dict, name: str) -> list:
    value = body.get(name, [])
    return value if isinstance(value, list) else [value]


def organiser() -> Account:
    """The account the forms are tried on: made by the first example, found by the others,
    its password put back to PASSWORD if an example changed it."""
    account = db.session.scalar(select(Account).where(Account.email == ORGANISER))
    if account is None:
        account = make_account(Role.ORGANISER, email=ORGANISER, meetings=[make_meeting()])
    if not verify_password(account.password_hash, PASSWORD):
        services.set_password(account, PASSWORD, now=utcnow(), actor=SYSTEM)
    return account


def check_status(response, where):
    assert response.status_code in STATUSES, (where, response.status_code)


def real(value, replacements: dict):
    """``value`` (a form, a list, a string) with each placeholder replaced by its real value."""
    if isinstance(value, dict):
        return {name: real(item, replacements) for name, item in value.items()}
    if isinstance(value, list):
        return [real(item, replacements) for item in value]
    return replacements.get(value, value) if isinstance(value, str) else value


@fuzz
@given(
    body=form(
        {"email": ORGANISER, "password": PASSWORD},
        email=either(ORGANISER, ORGANISER.upper(), f" {ORGANISER} "),
        password=either(PASSWORD),
        next=either("/manage/accounts/", "/manage/audit?page=2"),
    )
)
@example(body={"email": "a\x00b@mfa.example", "password": "anything at all"})
@example(body={"email": ORGANISER, "password": PASSWORD, "next": "//evil.example/manage/"})
def test_the_sign_in_form_takes_any_input(app, body):
    account = organiser()
    before = state()
    response = browser(app).post("/manage/login", data=body)
    check_status(response, body)
    after = state()
    if response.status_code == 302:  # signed in: back to the back office, never another site
        location = urlsplit(response.headers["Location"])
        assert not location.scheme and not location.netloc and location.path.startswith("/manage/"), location
        assert without(after[0], account.id, "last_login_at") == without(before[0], account.id, "last_login_at")
        assert new_lines(before, after) == ["account.signed_in"]
    else:
        assert after[0] == before[0]
        assert set(new_lines(before, after)) <= {"account.sign_in_failed"}
    assert after[1] == before[1]


@fuzz
@given(body=form({"email": ORGANISER}, email=either(ORGANISER, ORGANISER.upper(), f" {ORGANISER} ")))
@example(body={"email": "a\x00b@mfa.example"})
def test_the_reset_request_form_takes_any_input(app, body):
    account = organiser()
    before = state()
    response = browser(app).post("/manage/reset", data=body)
    check_status(response, body)
    after = state()
    lines = new_lines(before, after)
    if lines:  # a link was sent: only to the account whose address was typed
        assert lines == ["account.password_reset_requested"]
        assert body["email"].strip().lower() == account.email
        assert without(after[0], account.id, "reset_sent_at") == without(before[0], account.id, "reset_sent_at")
    else:
        assert after[0] == before[0]
    assert after[1] == before[1]


PASSWORD_CHANGE = ("password_hash", "password_changed_at", "updated_at", "session_token")


@fuzz
@given(
    token=st.booleans().flatmap(lambda keep: st.just("REAL") if keep else SEGMENT),
    body=form(
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        new_password=either(NEW_PASSWORD),
        confirm_password=either(NEW_PASSWORD),
    ),
)
def test_the_password_link_takes_any_input(app, token, body):
    account = organiser()
    token = make_password_token(account) if token == "REAL" else token
    before = state()
    response = browser(app).post(f"/manage/reset/{quote(token, safe='')}", data=body)
    check_status(response, (token, body))
    after = state()
    if response.status_code == 302:
        assert body["new_password"] == body["confirm_password"]
        assert without(after[0], account.id, *PASSWORD_CHANGE) == without(before[0], account.id, *PASSWORD_CHANGE)
        assert new_lines(before, after) == ["account.password_reset"]
    else:
        assert (after[0], new_lines(before, after)) == (before[0], [])
    assert after[1] == before[1]


@fuzz
@given(
    body=form(
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        current_password=either(PASSWORD),
        new_password=either(NEW_PASSWORD),
        confirm_password=either(NEW_PASSWORD),
    )
)
def test_the_own_password_form_takes_any_input(app, body):
    account = organiser()
    client = signed_in(app, account)
    before = state()
    response = client.post("/manage/account", data=body)
    check_status(response, body)
    after = state()
    if response.status_code == 302:
        assert body["current_password"] == PASSWORD and body["new_password"] == body["confirm_password"]
        assert without(after[0], account.id, *PASSWORD_CHANGE) == without(before[0], account.id, *PASSWORD_CHANGE)
        assert new_lines(before, after) == ["account.password_changed"]
    else:
        assert (after[0], new_lines(before, after)) == (before[0], [])
    assert after[1] == before[1]


FUZZ_ADMIN = "fuzz.admin@secretariat.example"


def admin_and_meetings():
    # Found by its address: the form may have made other administrators, without a password.
    admin = db.session.scalar(select(Account).where(Account.email == FUZZ_ADMIN))
    if admin is None:
        admin = make_account(Role.ADMIN, email=FUZZ_ADMIN)
        make_meeting()
        make_meeting()
    meetings = db.session.scalars(select(Meeting.id).order_by(Meeting.id)).all()
    return admin, {"M1": str(meetings[0]), "M2": str(meetings[1])}


ROLE = either("admin", "organiser", "viewer")


@fuzz
@given(
    body=form(
        {"email": "NEW", "name": "Selam Tadesse", "role": "organiser", "meetings": ["M1"], "language": "en"},
        email=either("NEW", ORGANISER.upper()),
        name=either("Ole Nordmann", " Ole Nordmann "),
        role=ROLE,
        meetings=several("M1", "M2"),
        language=either("en", "fr"),
    )
)
@example(body={"email": "NEW", "name": "a\x00b", "role": "viewer", "language": "en"})
def test_the_new_account_form_takes_any_input(app, body):
    admin, meetings = admin_and_meetings()
    organiser()
    fresh = f"new{len(state()[0])}@mfa.example"
    body = real(body, meetings | {"NEW": fresh})
    client = signed_in(app, admin)
    before = state()
    response = client.post("/manage/accounts/new", data=body)
    check_status(response, body)
    after = state()
    made = set(after[0]) - set(before[0])
    if response.status_code == 302:
        [new_id] = made
        row = after[0][new_id]
        assert row["email"] == text.canonical_email(body["email"])
        assert (row["role"], row["language"]) == (Role(body["role"]), body["language"])
        assert row["name"] == (body.get("name") or "").strip()
        assert {m for a, m in after[1] - before[1] if a == new_id} == {int(m) for m in values_of(body, "meetings")}
        assert {a for a, _ in after[1] - before[1]} <= {new_id} and before[1] <= after[1]
        assert {i: r for i, r in after[0].items() if i != new_id} == before[0]
        assert new_lines(before, after) == ["account.created"]
    else:
        assert (made, after[0], after[1], new_lines(before, after)) == (set(), before[0], before[1], [])


@fuzz
@given(
    account_id=st.booleans().flatmap(lambda keep: st.sampled_from(["TARGET", "ME"]) if keep else SEGMENT),
    body=form(
        {"name": "Ole Nordmann", "role": "viewer", "meetings": ["M1", "M2"]},
        name=either("Selam Tadesse", " Selam Tadesse "),
        role=ROLE,
        meetings=several("M1", "M2"),
    ),
)
@example(account_id=str(2**63), body={"role": "viewer"})
def test_the_account_form_takes_any_input(app, account_id, body):
    admin, meetings = admin_and_meetings()
    target = organiser()
    ids = {"TARGET": str(target.id), "ME": str(admin.id)}
    account_id, body = ids.get(account_id, account_id), real(body, meetings)
    client = signed_in(app, admin)
    before = state()
    response = client.post(f"/manage/accounts/{quote(account_id, safe='')}", data=body)
    check_status(response, (account_id, body))
    after = state()
    if response.status_code == 302:
        changed = int(account_id)
        old = before[0][changed]
        row = after[0][changed]
        assert row["role"] == (Role(body["role"]) if "role" in body else old["role"])
        assert row["name"] == (body["name"] if "name" in body else old["name"]).strip()
        # An empty post is no form data at all (Flask-WTF): the form keeps the account's meetings.
        meetings_then = {m for a, m in before[1] if a == changed}
        wanted = {int(m) for m in values_of(body, "meetings")} if body else meetings_then
        assert {m for a, m in after[1] if a == changed} == wanted
        assert {pair for pair in after[1] if pair[0] != changed} == {pair for pair in before[1] if pair[0] != changed}
        columns = ("role", "name", "updated_at")
        assert without(after[0], changed, *columns) == without(before[0], changed, *columns)
        assert new_lines(before, after) in ([], ["account.changed"])
    else:
        assert (after[0], after[1], new_lines(before, after)) == (before[0], before[1], [])
