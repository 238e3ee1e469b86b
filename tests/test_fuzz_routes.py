"""Every route in the URL map, fed generated path segments, query strings and bodies
(NUL bytes, non-ASCII digits, huge numbers, stray text): never a 5xx, and nothing in the
database changes unless the answer is the redirect of a successful step.

Path arguments are either real (a published meeting's slug, its document, a live
confirmation or manage token) or generated, so both the pages behind a valid link and
the answers to a broken one are exercised.
"""

import hashlib
import re
import string
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import config
from app import create_app
from app.extensions import db
from app.meetings.models import Document, Meeting
from app.registration.models import Registration
from app.registration.tokens import make_confirm_token, make_manage_token
from tests.helpers.factories import make_document, make_open_meeting, make_registration
from tests.helpers.forms import FIELDS

NASTY = [
    "\x00",
    "a\x00b",
    "²",
    "³",
    "٣",
    "1²",
    "0",
    "-1",
    "9" * 40,
    str(2**31),
    str(2**63),
    "%00",
    "..",
    "a/b",
    "\u2028",
    "é" * 300,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "state:ET",
    "1",
    "2017",
]
SEGMENTS = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.text(string.printable, max_size=20))
QUERY_NAMES = ["type", "year", "country", "domain", "q", "page", "per_page", "when", "programme", "existing", "cb"]
QUERIES = st.dictionaries(st.sampled_from(QUERY_NAMES) | st.text(max_size=10), SEGMENTS, max_size=5)
BODIES = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), SEGMENTS, max_size=8)
SLUG = "fuzzed-routes"


def _routes():
    app = create_app(config.TestingConfig())
    return sorted(
        (rule.rule, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def _world() -> dict[str, list[str]]:
    """Real values for each path argument, made once and found again by later examples."""
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == SLUG))
    if meeting is None:
        meeting = make_open_meeting(slug=SLUG)
        make_document(meeting)
        make_registration(meeting, email="fuzz.manage@mfa.example")
        make_registration(meeting, confirm=False, email="fuzz.confirm@mfa.example")
    document = db.session.scalar(select(Document).where(Document.meeting_id == meeting.id))
    registrations = db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)).all()
    return {
        "slug": [meeting.slug],
        "document_id": [str(document.id)],
        "filename": [document.filename, "css/site.css"],
        "token": [make_manage_token(r) for r in registrations] + [make_confirm_token(r) for r in registrations],
    }


def snapshot() -> str:
    """A digest of every row of every table, but the failed sign-ins the audit log is meant
    to record (a sign-in form sent with any address and password)."""
    db.session.expire_all()
    digest = hashlib.sha256()
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            query = table.select().order_by(*table.primary_key.columns)
            if table.name == "audit_entry":
                query = query.where(table.c.action != "account.sign_in_failed")
            for row in connection.execute(query):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _path(rule: str, draw, world) -> str:
    def argument(match):
        name = match.group(2)
        real = draw(st.booleans())
        value = draw(st.sampled_from(world[name])) if real and name in world else draw(SEGMENTS)
        return quote(value, safe="/" if match.group(1) == "path" and real else "")

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", argument, rule)


fuzz = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.mark.parametrize("rule, method", _routes())
@fuzz
@given(data=st.data())
def test_no_route_answers_5xx_or_changes_anything_on_bad_input(client, rule, method, data):
    world = _world()
    path = _path(rule, data.draw, world)
    query = urlencode(data.draw(QUERIES))
    url = f"{path}?{query}" if query else path
    before = snapshot()
    response = client.post(url, data=data.draw(BODIES)) if method == "POST" else client.get(url)
    assert response.status_code < 500, (method, url, response.status_code)
    if not (method == "POST" and response.status_code == 302):
        assert snapshot() == before, (method, url, response.status_code)
