"""Arbitrary form data never breaks the registration pages: a clear answer, and no change
to the database unless the answer is a redirect to a successful next step.

Hypothesis runs many examples inside one test (one app, one database), so the meeting
and registration they target are made once and found again by their slug and email.
"""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db
from app.mail.outbox import OutboxMessage
from app.meetings.models import Meeting
from app.registration.models import Registration
from tests.helpers.factories import make_open_meeting, make_registration
from tests.helpers.forms import FIELDS, link_in
from tests.helpers.outbox import queued

VALUES = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            "Ms",
            "state:ET",
            "org:1",
            "state:XX",
            "delegate",
            "y",
            "2027-02-30",
            "1979-01-01",
            "a@b.example",
            "0",
            "-1",
            "\x00",
            "é" * 500,
            "<script>alert(1)</script>",
        ]
    ),
    st.text(alphabet=string.printable, max_size=40),
)
FORMS = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=20), VALUES, max_size=len(FIELDS))
TOKENS = st.one_of(st.none(), st.text(alphabet=string.ascii_letters + string.digits + "._-", max_size=80))
fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLUG = "fuzzed-meeting"


def target_meeting() -> Meeting:
    return db.session.scalar(select(Meeting).where(Meeting.slug == SLUG)) or make_open_meeting(slug=SLUG)


def manage_path() -> str:
    meeting = target_meeting()
    if not db.session.scalar(select(func.count(Registration.id))):
        make_registration(meeting, email="fuzz@mfa.example")
    return link_in(queued("fuzz@mfa.example")[-1].text, "registration")


def snapshot():
    db.session.expire_all()
    registrations = db.session.scalars(select(Registration).order_by(Registration.id))
    return (
        db.session.scalar(select(func.count(OutboxMessage.id))),
        [(r.id, r.status, r.updated_at) for r in registrations],
    )


@fuzz
@given(data=FORMS)
def test_arbitrary_registration_posts(client, data):
    slug = target_meeting().slug
    before = snapshot()
    response = client.post(f"/meetings/{slug}/register", data=data)
    assert response.status_code in (200, 302, 400, 404)
    if response.status_code != 302:
        assert snapshot() == before


@fuzz
@given(data=FORMS, token=TOKENS)
def test_arbitrary_manage_posts(client, data, token):
    path = manage_path()
    if token is not None:
        path = f"{path.rsplit('/', 1)[0]}/{token}"
    before = snapshot()
    response = client.post(path, data=data)
    assert response.status_code in (200, 302, 400, 404)
    if response.status_code != 302:
        assert snapshot() == before
