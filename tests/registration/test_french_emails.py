"""A delegate who registered in French is written to in French, HTML, text, subject and invite,
whoever's request or command sends the email; an English one reads what they always did."""

import re
from dataclasses import replace
from datetime import date

import icalendar
import pytest

from app.extensions import db
from app.mail.worker import send_pending
from app.meetings.changes import MeetingEdit
from app.meetings.translations import set_translation
from app.registration import notifications
from app.registration.meeting_changes import cancel_meeting, change_meeting
from app.registration.models import Registration
from tests.helpers.actors import ORGANISER
from tests.helpers.factories import make_open_meeting, make_registration
from tests.helpers.forms import form_data, link_in
from tests.helpers.outbox import queued

NBSP = "\u00a0"
FRENCH_TITLE = "Réunion des hauts fonctionnaires du Plan d’action conjoint de La Valette"
ENGLISH_TITLE = "Joint Valletta Action Plan Senior Officials' Meeting"
#: What no email to a French-speaking delegate may say.
ENGLISH_WORDS = ("Dear", "With kind regards", "registration", "Venue", "calendar invitation", "Details:")


@pytest.fixture
def config_overrides(smtp):
    return smtp.config


def translated_meeting(**fields):
    meeting = make_open_meeting(
        title=ENGLISH_TITLE,
        venue="African Union Conference Centre",
        summary="Around 280 officials take stock of the Joint Valletta Action Plan.",
        dates=(date(2027, 11, 14), date(2027, 11, 15)),
        **fields,
    )
    set_translation(
        meeting,
        "fr",
        title=FRENCH_TITLE,
        venue="Centre de conférences de l’Union africaine",
        summary="Quelque 280 hauts fonctionnaires font le point sur le Plan d’action conjoint de La Valette.",
    )
    db.session.commit()
    return meeting


def body(message, subtype):
    """A part's text as the sender wrote it (SMTP carries CRLF line ends)."""
    return message.get_body(preferencelist=(subtype,)).get_content().replace("\r\n", "\n")


def html_language(html):
    return re.search(r'<html lang="([a-z]+)">', html).group(1)


def event_of(calendar_text):
    [event] = icalendar.Calendar.from_ical(calendar_text).walk("VEVENT")
    return event


def assert_french(text):
    words = re.sub(r"https?://\S+", "", text)  # the links' paths are the same in every language
    found = [word for word in ENGLISH_WORDS if word in words]
    assert found == [], text


def test_the_confirmation_email_and_the_invite_are_in_french(client, smtp):
    meeting = translated_meeting()
    data = form_data(meeting, email="awa.diallo@mfa.example", salutation="Ms", first_name="Awa", last_name="Diallo")
    assert client.post(f"/meetings/{meeting.slug}/register?lang=fr", data=data).status_code == 302
    assert send_pending().sent == 1
    message = smtp.wait_for(1)[0].message
    assert message["Subject"] == f"Veuillez confirmer votre inscription{NBSP}: {FRENCH_TITLE}"
    html, text = body(message, "html"), body(message, "plain")
    assert html_language(html) == "fr"
    assert "<p>Madame,</p>" in html and "Confirmer mon inscription" in html
    assert text.startswith("Madame,\n\nNous vous remercions de votre inscription.")
    assert FRENCH_TITLE in text and "Centre de conférences de l’Union africaine" in text
    assert "14–15 novembre 2027" in text
    assert f"Ce lien est valable 48{NBSP}heures." in text
    assert "Bien cordialement,\nSecrétariat du Processus de Khartoum" in text
    assert_french(text)
    assert_french(html)

    # Confirmed from a page read in English: the registration's language still decides.
    assert client.post(link_in(text, "confirm")).status_code in (200, 302, 303)
    assert send_pending().sent == 1
    confirmed = smtp.wait_for(2)[1].message
    assert confirmed["Subject"] == f"Inscription confirmée{NBSP}: {FRENCH_TITLE}"
    html, text = body(confirmed, "html"), body(confirmed, "plain")
    assert html_language(html) == "fr"
    assert "Votre inscription est <strong>confirmée</strong>" in html
    assert f"Votre inscription est confirmée{NBSP}: une place vous est réservée." in text
    assert f"- Nom{NBSP}: Mme Awa Diallo\n" in text
    assert f"Régime alimentaire{NBSP}: aucun besoin signalé" in text
    assert f"Lettre d’invitation pour le visa{NBSP}: non demandée" in text
    assert "Les horaires sont donnés en heure locale du lieu de la réunion (Africa/Addis_Ababa)." in text
    assert_french(text)
    assert_french(html)

    [invite] = [part for part in confirmed.walk() if part.get_content_type() == "text/calendar"]
    event = event_of(invite.get_content())
    assert str(event["SUMMARY"]) == FRENCH_TITLE and event["SUMMARY"].params["LANGUAGE"] == "fr"
    assert str(event["DESCRIPTION"]) == (
        "Quelque 280 hauts fonctionnaires font le point sur le Plan d’action conjoint de La Valette.\n\n"
        f"Pour en savoir plus{NBSP}: http://meetings.test/meetings/{meeting.slug}"
    )
    assert event["DESCRIPTION"].params["LANGUAGE"] == "fr"
    assert str(event["LOCATION"]).startswith("Centre de conférences de l’Union africaine, Addis Ababa")


def test_an_english_delegate_reads_what_they_always_did(app):
    meeting = translated_meeting()
    registration = make_registration(meeting, confirm=False, salutation="Dr", last_name="Bekele", language="en")
    [email] = queued(registration.email)
    assert email.subject == f"Please confirm your registration: {ENGLISH_TITLE}"
    assert html_language(email.html) == "en"
    assert email.text.startswith("Dear Dr Bekele,\n\nThank you for registering.")
    assert "African Union Conference Centre" in email.text and "With kind regards," in email.text


@pytest.mark.parametrize(
    ("salutation", "french", "english"),
    [
        ("Mr", "Monsieur,", "Dear Mr Tesfaye,"),
        ("Ms", "Madame,", "Dear Ms Tesfaye,"),
        ("H.E.", "Excellence,", "Dear H.E. Tesfaye,"),
        ("Dr", "Madame, Monsieur,", "Dear Dr Tesfaye,"),
        ("Prof.", "Madame, Monsieur,", "Dear Prof. Tesfaye,"),
    ],
)
def test_french_greets_by_the_salutation_as_a_secretariat_writes(app, salutation, french, english):
    meeting = translated_meeting()
    for language, greeting in (("fr", french), ("en", english)):
        registration = make_registration(
            meeting, confirm=False, salutation=salutation, last_name="Tesfaye", language=language
        )
        [email] = queued(registration.email)
        assert email.text.split("\n")[0] == greeting
        assert f"<p>{greeting}</p>" in email.html


def test_a_meeting_change_mailed_from_an_english_request_is_still_french(app, now):
    meeting = translated_meeting(capacity=10)
    french = make_registration(meeting, language="fr", email="fr@mfa.example")
    make_registration(meeting, language="en", email="en@mfa.example")
    assert french.status.value == "confirmed"
    edit = replace(MeetingEdit.of(meeting), city="Addis Abeba")
    with app.test_request_context("/manage/?lang=en"):  # the organiser reads English
        assert change_meeting(meeting, edit, now, actor=ORGANISER)

    email = queued("fr@mfa.example")[-1]
    assert email.subject == f"Réunion modifiée{NBSP}: {FRENCH_TITLE}"
    assert html_language(email.html) == "fr"
    assert f"La réunion concernée par votre inscription a été modifiée{NBSP}:" in email.text
    assert "L’invitation jointe met à jour la réunion dans votre calendrier." in email.text
    assert "Bien cordialement," in email.text
    assert_french(email.text)
    assert "Place: now" not in email.text  # what changed is told in French too (app.meetings.changes)
    event = event_of(email.calendar)
    assert str(event["SUMMARY"]) == FRENCH_TITLE
    assert str(event["DESCRIPTION"]).endswith(
        f"Pour en savoir plus{NBSP}: http://meetings.test/meetings/{meeting.slug}"
    )

    email = queued("en@mfa.example")[-1]
    assert email.subject == f"Meeting updated: {ENGLISH_TITLE}"
    assert email.text.startswith("Dear Ms ") and "The meeting you registered for has changed:" in email.text
    assert "- Place: now " in email.text
    event = event_of(email.calendar)
    assert str(event["SUMMARY"]) == ENGLISH_TITLE and "LANGUAGE" not in event["SUMMARY"].params
    assert str(event["DESCRIPTION"]) == (
        f"Around 280 officials take stock of the Joint Valletta Action Plan.\n\n"
        f"Details: http://meetings.test/meetings/{meeting.slug}"
    )


def test_a_cancellation_sent_by_a_command_is_in_french(app, now):
    meeting = translated_meeting(capacity=10)
    make_registration(meeting, language="fr", email="fr@mfa.example")
    waiting = make_registration(meeting, language="fr", email="unconfirmed@mfa.example", confirm=False)
    assert cancel_meeting(meeting, now, actor=ORGANISER) == 2  # no request: as `flask` commands run

    email = queued("fr@mfa.example")[-1]
    assert email.subject == f"Réunion annulée{NBSP}: {FRENCH_TITLE}" and email.calendar_method == "CANCEL"
    assert email.text.startswith(
        "Madame,\n\nNous avons le regret de vous informer que la réunion ci-dessous est annulée."
    )
    assert "L’annulation jointe la retire de votre calendrier." in email.text
    event = event_of(email.calendar)
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["DESCRIPTION"]).startswith("Cette réunion est annulée.\n\nQuelque 280 hauts fonctionnaires")

    notice = queued(waiting.email)[-1]
    assert notice.subject == f"Réunion annulée{NBSP}: {FRENCH_TITLE}" and notice.calendar is None
    assert "L’annulation jointe" not in notice.text


def test_the_manage_page_invite_is_in_the_delegates_language(app):
    meeting = translated_meeting()
    registration = make_registration(meeting, language="fr")
    with app.test_request_context("/?lang=en"):
        event = event_of(notifications.personal_invite_file(db.session.get(Registration, registration.id)))
    assert str(event["SUMMARY"]) == FRENCH_TITLE
    assert "Pour en savoir plus" in str(event["DESCRIPTION"])
