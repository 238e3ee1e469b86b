"""Every organiser POST route in the URL map, sent generated form data and files by a
signed-in administrator: never a 5xx (nor anything but 200, 302, 400, 403, 404 or 413), and
when the answer is not the redirect of a step that worked, nothing in the database changes
but the audit log.

The fields sent are those of the page's own form (read from its GET) and stray ones; path
arguments are real (a meeting, a session, a document, an account) or generated.
"""

import hashlib
import io
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.auth.models import Account, Role
from app.extensions import db
from app.meetings.models import Document, Meeting, ProgrammeSession
from tests.helpers.accounts import make_account
from tests.helpers.factories import make_document, make_open_meeting, make_registration, make_session
from tests.manage import signed_in
from tests.manage.test_route_walk import ARGUMENT

NASTY = [
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "0",
    "-1",
    "9" * 40,
    str(2**63),
    "2027-02-30",
    "25:61",
    "é" * 400,
    "<b>x</b>",
    "y",
    "on",
]
VALUES = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))
FILES = st.one_of(
    st.none(),
    st.tuples(
        st.binary(max_size=64), st.sampled_from(["a.pdf", "../../etc/passwd", "x.svg", "", "a\x00.pdf", "r.docx"])
    ),
)
STATUSES = {200, 302, 400, 403, 404, 413}
SLUG = "fuzzed-organiser-posts"
ADMIN = "fuzz.posts.admin@secretariat.example"


def post_rules():
    import config
    from app import create_app

    app = create_app(config.TestingConfig())
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/manage/")
        and "POST" in rule.methods
        and not getattr(app.view_functions[rule.endpoint].access, "public", False)
        and rule.endpoint != "auth.logout"
    )


def world() -> dict:
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == SLUG))
    if meeting is None:
        meeting = make_open_meeting(slug=SLUG, capacity=2)
        make_session(meeting, meeting.start_date, "09:00", "10:00")
        make_document(meeting)
        make_registration(meeting, email="fuzz.posts@mfa.example")
        make_account(Role.ADMIN, email=ADMIN)
        make_account(Role.VIEWER, email="fuzz.posts.viewer@secretariat.example", meetings=[meeting])
    other = db.session.scalar(select(Account).where(Account.email == "fuzz.posts.viewer@secretariat.example"))
    return {
        "slug": meeting.slug,
        "session_id": db.session.scalar(select(ProgrammeSession.id).where(ProgrammeSession.meeting_id == meeting.id)),
        "document_id": db.session.scalar(select(Document.id).where(Document.meeting_id == meeting.id)),
        "account_id": other.id,
        "job_id": 1,
    }


def snapshot() -> str:
    """A digest of every row of every table but the audit log's."""
    db.session.expire_all()
    digest = hashlib.sha256()
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name == "audit_entry":
                continue
            for row in connection.execute(table.select().order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


_FIELDS: dict[str, list[str]] = {}


def field_names(client, rule: str, values: dict) -> list[str]:
    """The names of the fields of the route's own page (with real arguments), read once, so
    every example draws from the same list."""
    if rule not in _FIELDS:
        page = client.get(ARGUMENT.sub(lambda m: quote(str(values.get(m.group(2))), safe=""), rule))
        names = re.findall(r'name="([^"]+)"', page.text) if page.status_code == 200 else []
        _FIELDS[rule] = sorted(set(names) - {"csrf_token"}) or ["title", "name", "role"]
    return _FIELDS[rule]


fuzz = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("rule", post_rules())
@fuzz
@given(data=st.data())
def test_no_organiser_post_answers_an_error_or_changes_anything_on_bad_input(app, rule, data):
    values = world()
    client = signed_in(app, db.session.scalar(select(Account).where(Account.email == ADMIN)))

    def argument(match):
        name = match.group(2)
        # Both drawn every time, so that what a previous example deleted changes no draw.
        # A slash would make it another address (which the router redirects), not a bad segment.
        real, junk = data.draw(st.booleans()), data.draw(VALUES.filter(lambda value: value and "/" not in value))
        return quote(str(values[name]) if real and values.get(name) is not None else junk, safe="")

    names = field_names(client, rule, values)
    path = ARGUMENT.sub(argument, rule)
    body = data.draw(st.dictionaries(st.sampled_from(names) | st.text(max_size=8), VALUES, max_size=8))
    upload = data.draw(FILES)
    if upload is not None:
        body["file"] = (io.BytesIO(upload[0]), upload[1])
    before = snapshot()
    response = client.post(path, data=body, content_type="multipart/form-data")
    assert response.status_code in STATUSES, (rule, path, body, response.status_code)
    if response.status_code != 302:
        assert snapshot() == before, (rule, path, body, response.status_code)
