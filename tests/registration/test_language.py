"""Each registration records the language it was made in, and every email to that delegate,
whoever's action sends it, is written in it."""

import re
from dataclasses import replace

from app.extensions import db
from app.meetings.changes import MeetingEdit
from app.registration.meeting_changes import change_meeting
from app.registration.models import Registration
from tests.helpers.actors import ORGANISER
from tests.helpers.factories import make_open_meeting
from tests.helpers.forms import form_data
from tests.helpers.outbox import queued


def language_of(html):
    return re.search(r'<html lang="([a-z]+)">', html).group(1)


def register(client, meeting, email, query=""):
    response = client.post(
        f"/meetings/{meeting.slug}/register{query}", data=form_data(meeting, email=email, role="delegate")
    )
    assert response.status_code == 302
    return db.session.query(Registration).filter_by(email=email).one()


def test_the_registration_keeps_the_language_of_the_form(client, app):
    meeting = make_open_meeting()
    french = register(client, meeting, "fr@mfa.example", "?lang=fr")
    client.set_cookie("lang", "fr")
    remembered = register(client, meeting, "cookie@mfa.example")
    client.delete_cookie("lang")
    english = register(client, meeting, "en@mfa.example")
    arabic = register(client, meeting, "ar@mfa.example", "?lang=ar")  # the interface has no Arabic yet
    assert [r.language for r in (french, remembered, english, arabic)] == ["fr", "fr", "en", "en"]
    assert language_of(queued("fr@mfa.example")[0].html) == "fr"
    assert language_of(queued("en@mfa.example")[0].html) == "en"


def test_emails_an_organiser_causes_later_are_in_each_delegates_language(client, app, now):
    meeting = make_open_meeting()
    register(client, meeting, "fr@mfa.example", "?lang=fr")
    register(client, meeting, "en@mfa.example")
    edit = replace(MeetingEdit.of(meeting), venue="Palais des Nations")
    with app.test_request_context("/?lang=en"):  # the organiser reads English
        change_meeting(meeting, edit, now, actor=ORGANISER)
    assert language_of(queued("fr@mfa.example")[-1].html) == "fr"
    assert language_of(queued("en@mfa.example")[-1].html) == "en"
