"""Calendars in the language of their address: a feed or .ics with ``?lang=fr`` says in French
what the app adds to an event, and shows the meeting's French content where it has some;
without ``lang`` it is the English it always was. Read back with icalendar."""

from datetime import date

import icalendar

from app.calendar import invites
from app.extensions import db
from app.meetings.models import MeetingStatus
from app.meetings.translations import set_translation
from tests.helpers.calendar import check_lines
from tests.helpers.factories import make_meeting, make_session

NBSP = "\u00a0"
FRENCH_TITLE = "Réunion thématique sur le retour, la réadmission et la réintégration"
ARABIC_TITLE = "الاجتماع المواضيعي بشأن العودة وإعادة الإدماج"


def translated_meeting(**fields):
    meeting = make_meeting(
        title="Thematic Meeting on Return, Readmission and Reintegration",
        summary="Three thematic focuses.",
        venue="UNECA Conference Centre",
        dates=(date(2027, 10, 19), date(2027, 10, 20)),
        **fields,
    )
    set_translation(
        meeting, "fr", title=FRENCH_TITLE, summary="Trois axes thématiques.", venue="Centre de conférences de la CEA"
    )
    db.session.commit()
    return meeting


def events(client, path) -> tuple[icalendar.Calendar, dict[str, icalendar.Event]]:
    """The calendar at ``path`` and its events by UID. The request runs in an application context
    of its own, as it would in a server: Flask-Babel keeps the locale on ``g``, which the
    ``app`` fixture's context would otherwise carry from one request to the next."""
    with client.application.app_context():
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    check_lines(response.data)
    calendar = icalendar.Calendar.from_ical(response.data)
    return calendar, {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def url_of(meeting):
    return f"http://meetings.test/meetings/{meeting.slug}"


def test_a_french_feed_says_everything_in_french(app, client):
    meeting = translated_meeting()
    cancelled = translated_meeting(status=MeetingStatus.CANCELLED)
    calendar, found = events(client, "/calendar.ics?lang=fr")
    assert str(calendar["X-WR-CALNAME"]) == f"Secrétariat du Processus de Khartoum{NBSP}: réunions"
    event = found[invites.meeting_uid(meeting)]
    assert str(event["SUMMARY"]) == FRENCH_TITLE and event["SUMMARY"].params["LANGUAGE"] == "fr"
    assert str(event["DESCRIPTION"]) == f"Trois axes thématiques.\n\nPour en savoir plus{NBSP}: {url_of(meeting)}"
    assert event["DESCRIPTION"].params["LANGUAGE"] == "fr"
    assert str(event["LOCATION"]).startswith("Centre de conférences de la CEA, Addis Ababa, ")
    assert str(found[invites.meeting_uid(cancelled)]["DESCRIPTION"]).startswith(
        "Cette réunion est annulée.\n\nTrois axes thématiques."
    )


def test_the_english_feed_is_as_it_always_was(app, client):
    meeting = translated_meeting()
    calendar, found = events(client, "/calendar.ics")
    assert str(calendar["X-WR-CALNAME"]) == "Khartoum Process Secretariat: meetings"
    event = found[invites.meeting_uid(meeting)]
    assert str(event["SUMMARY"]) == meeting.title
    assert str(event["DESCRIPTION"]) == f"Three thematic focuses.\n\nDetails: {url_of(meeting)}"
    assert str(event["LOCATION"]) == "UNECA Conference Centre, Addis Ababa, Ethiopia"
    assert "LANGUAGE" not in event["SUMMARY"].params and "LANGUAGE" not in event["DESCRIPTION"].params


def test_content_not_translated_is_the_original_and_says_no_language_it_is_not_in(app, client):
    meeting = make_meeting(title="Steering Committee Meeting", summary="The work plan for 2028.")
    _, found = events(client, f"/meetings/{meeting.slug}.ics?lang=fr")
    event = found[invites.meeting_uid(meeting)]
    assert str(event["SUMMARY"]) == "Steering Committee Meeting" and "LANGUAGE" not in event["SUMMARY"].params
    # French words around an English summary: one LANGUAGE would be wrong for half of it.
    assert str(event["DESCRIPTION"]) == f"The work plan for 2028.\n\nPour en savoir plus{NBSP}: {url_of(meeting)}"
    assert "LANGUAGE" not in event["DESCRIPTION"].params


def test_arabic_content_is_marked_arabic(app, client):
    meeting = translated_meeting()
    set_translation(meeting, "ar", title=ARABIC_TITLE)
    db.session.commit()
    _, found = events(client, f"/meetings/{meeting.slug}.ics?lang=ar")
    event = found[invites.meeting_uid(meeting)]
    assert str(event["SUMMARY"]) == ARABIC_TITLE and event["SUMMARY"].params["LANGUAGE"] == "ar"
    # The interface has no Arabic yet: the app's words are English, the summary the original.
    assert str(event["DESCRIPTION"]) == f"Three thematic focuses.\n\nDetails: {url_of(meeting)}"


def test_the_programme_in_french(app, client):
    meeting = translated_meeting()
    session = make_session(
        meeting,
        date(2027, 10, 19),
        "09:30",
        "11:00",
        title="Return and readmission",
        description="Opening remarks.",
        speakers="Ethiopia, Italy",
        moderators="ICMPD",
    )
    set_translation(session, "fr", title="Retour et réadmission", description="Allocutions d’ouverture.")
    db.session.commit()
    _, found = events(client, f"/meetings/{meeting.slug}.ics?programme=1&lang=fr")
    event = found[invites.session_uid(session)]
    assert str(event["SUMMARY"]) == f"Retour et réadmission – {FRENCH_TITLE}"
    assert event["SUMMARY"].params["LANGUAGE"] == "fr"
    assert str(event["DESCRIPTION"]) == (
        "Allocutions d’ouverture.\n\n"
        f"Intervenants{NBSP}: Ethiopia, Italy\nModération{NBSP}: ICMPD\n\n"
        f"Au programme de «{NBSP}{FRENCH_TITLE}{NBSP}»{NBSP}: {url_of(meeting)}#programme"
    )

    _, found = events(client, f"/meetings/{meeting.slug}.ics?programme=1")
    assert str(found[invites.session_uid(session)]["DESCRIPTION"]) == (
        "Opening remarks.\n\nSpeakers: Ethiopia, Italy\nModerator: ICMPD\n\n"
        f"Part of {meeting.title}: {url_of(meeting)}#programme"
    )


def test_the_event_cache_keeps_each_language_apart(app, client, monkeypatch):
    """Each language's event is written once and kept apart (app.calendar.invites._event_cache)."""
    monkeypatch.setattr(invites, "_event_cache", {})
    meeting = translated_meeting()
    for _ in range(2):
        assert str(events(client, "/calendar.ics?lang=fr")[1][invites.meeting_uid(meeting)]["SUMMARY"]) == FRENCH_TITLE
        assert str(events(client, "/calendar.ics")[1][invites.meeting_uid(meeting)]["SUMMARY"]) == meeting.title
    assert sorted(key[0] for key in invites._event_cache) == ["en", "fr"]


def test_an_undated_meeting_is_refused_in_french(app, client):
    meeting = make_meeting(dates=())
    response = client.get(f"/meetings/{meeting.slug}.ics?lang=fr")
    assert response.status_code == 404
    assert "Les dates de cette réunion ne sont pas encore arrêtées" in response.get_data(as_text=True)
