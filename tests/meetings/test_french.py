"""The public pages in French: the interface, dates in French usage, the meeting's content in
the reader's language or its original with a notice; English pages as they always were; the
API in English whoever asks."""

import html
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from app.extensions import db
from app.locale import writing_in
from app.meetings.changes import MeetingEdit, apply_edit
from app.meetings.formatting import format_dates, format_day, format_size, format_times, registration_sentence
from app.meetings.translations import set_translation
from tests.helpers.factories import make_document, make_meeting, make_session

#: A year ahead of any day the tests run on: its meetings are upcoming.
YEAR = date.today().year + 1
NBSP = "\u00a0"


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed and entities decoded."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.text).split()))


def test_french_dates_follow_french_usage(app):
    one_day = make_meeting(dates=(date(2018, 11, 14),) * 2, times=None)
    first = make_meeting(dates=(date(2026, 12, 1), date(2026, 12, 2)), times=None)
    same_month = make_meeting(dates=(date(2016, 10, 19), date(2016, 10, 20)))
    across = make_meeting(dates=(date(2026, 11, 30), date(2026, 12, 2)))
    across_years = make_meeting(dates=(date(2026, 12, 30), date(2027, 1, 2)))
    undated = make_meeting(dates=())
    with writing_in("fr"):
        assert format_dates(one_day) == "14 novembre 2018"
        assert format_dates(first) == "1er–2 décembre 2026"
        assert format_dates(same_month) == "19–20 octobre 2016"
        assert format_dates(across) == "30 novembre – 2 décembre 2026"
        assert format_dates(across_years) == "30 décembre 2026 – 2 janvier 2027"
        assert format_dates(undated) == "Dates à confirmer"
        assert format_day(date(2026, 12, 1), with_year=False) == "1er décembre"
        assert format_times(same_month) == "09:00–17:00 EAT"
        assert format_size(1536 * 1024) == f"1,5{NBSP}Mo"
    assert (format_dates(first), format_dates(across), format_size(1536 * 1024)) == (
        "1–2 December 2026",
        "30 November – 2 December 2026",
        "1.5 MB",
    )


def test_the_registration_sentence_in_french_keeps_the_zone_abbreviation(app):
    meeting = make_meeting(
        timezone="Europe/Rome",
        dates=(date(YEAR, 4, 20), date(YEAR, 4, 21)),
        registration_opens_at=datetime(YEAR, 3, 1, 8, tzinfo=UTC),  # 09:00 CET
        registration_closes_at=datetime(YEAR, 4, 10, 15, 30, tzinfo=UTC),  # 17:30 CEST
    )
    before, during = datetime(YEAR, 2, 1, tzinfo=UTC), datetime(YEAR, 3, 5, tzinfo=UTC)
    with writing_in("fr"):
        assert registration_sentence(meeting, before) == f"Les inscriptions ouvriront le 1er mars {YEAR} à 09:00 CET."
        assert registration_sentence(meeting, during) == (
            f"Les inscriptions sont ouvertes jusqu’au 10 avril {YEAR} à 17:30 CEST."
        )
    assert registration_sentence(meeting, before) == f"Registration opens on 1 March {YEAR} at 09:00 CET."


def test_the_upcoming_list_in_french(client, now):
    meeting = make_meeting(
        title="Thematic Meeting on Trafficking",
        dates=(date(YEAR, 11, 14), date(YEAR, 11, 14)),
        registration_opens_at=now + timedelta(days=1),
    )
    set_translation(meeting, "fr", title="Réunion thématique sur la traite", summary="Résumé en français.")
    db.session.commit()
    page = client.get("/?lang=fr")
    text = text_of(page)
    assert '<html lang="fr">' in page.text
    assert "Réunions à venir" in text and "Upcoming meetings" not in text
    assert "Réunion thématique sur la traite" in text and "Thematic Meeting on Trafficking" not in text
    assert f"Type Réunion thématique Dates 14 novembre {YEAR}" in text
    assert "Inscriptions pas encore ouvertes" in text and "Les inscriptions ouvriront le" in text
    assert "Résumé en français." in text
    assert '<h2 class="card-title" lang="fr" dir="ltr">' in page.text
    assert "n’existe" not in text  # all of it is in French


def test_a_list_says_once_that_untranslated_meetings_are_in_english(client):
    for number in range(3):
        make_meeting(title=f"English only {number}")
    text = text_of(client.get("/meetings/?lang=fr"))
    assert text.count("Certaines des réunions ci-dessous n’existent qu’en anglais.") == 1
    assert "English only 0" in text


def test_the_archive_in_french(client):
    meeting = make_meeting(title="Senior Officials' Meeting in Khartoum", dates=(date(2018, 11, 14),) * 2)
    set_translation(meeting, "fr", title="Réunion des hauts fonctionnaires à Khartoum")
    db.session.commit()
    page = client.get("/meetings/archive?lang=fr")
    text = text_of(page)
    assert "Réunions passées" in text and "Filtrer les réunions passées" in page.text
    assert "1 réunion" in text and "Réunion des hauts fonctionnaires à Khartoum" in text
    assert "14 novembre 2018" in text
    assert "Tous les types" in text and "Domaine du plan d’action" in text
    problem = client.get("/meetings/archive?lang=fr&type=nonsense").text  # text_of would fold the no-break spaces
    assert f"Le type de réunion «{NBSP}nonsense{NBSP}» est inconnu{NBSP}; il n’a pas été pris en compte." in problem


def _dated_meeting(**fields):
    meeting = make_meeting(
        dates=(date(YEAR, 10, 19), date(YEAR, 10, 20)),
        times=(time(9), time(17, 30)),
        description="The meeting **reviews** the action plan.",
        **fields,
    )
    make_session(meeting, date(YEAR, 10, 19), "09:00", "10:30", title="Opening session", description="Welcome.")
    return meeting


def test_a_translated_meeting_page_in_french(client):
    meeting = _dated_meeting(title="Thematic Meeting on Return")
    set_translation(
        meeting,
        "fr",
        title="Réunion thématique sur le retour",
        description="La réunion **examine** le plan d’action.",
        venue="Centre de conférences des Nations unies",
    )
    set_translation(meeting.sessions[0], "fr", title="Séance d’ouverture", description="Bienvenue.")
    db.session.commit()
    page = client.get(f"/meetings/{meeting.slug}?lang=fr")
    text = text_of(page)
    assert '<h1 lang="fr" dir="ltr">Réunion thématique sur le retour</h1>' in page.text
    assert "<strong>examine</strong>" in page.text and "Séance d’ouverture" in text and "Bienvenue." in text
    assert f"Dates 19–20 octobre {YEAR}" in text
    assert "Horaires 09:00–17:30 EAT (heure locale, Africa/Addis Ababa)" in text
    assert "Lieu de la réunion Centre de conférences des Nations unies" in text
    weekday = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")[date(YEAR, 10, 19).weekday()]
    assert f"19 octobre {YEAR} ({weekday})" in text
    assert "À propos de la réunion" in text and "Programme" in text
    assert "n’existe qu’en" not in text


def test_untranslated_content_is_shown_in_english_saying_so_once(client):
    meeting = _dated_meeting(title="Thematic Meeting on Return")
    make_document(meeting, title="Report of the meeting", filename="report.pdf")
    page = client.get(f"/meetings/{meeting.slug}?lang=fr")
    text = text_of(page)
    assert '<h1 lang="en" dir="ltr">Thematic Meeting on Return</h1>' in page.text
    assert text.count("Ce contenu n’existe qu’en anglais.") == 1
    assert "Aucun document" not in text and "Conclusions conjointes" in text  # the kind, translated
    english = text_of(client.get(f"/meetings/{meeting.slug}"))
    assert "only in" not in english and "n’existe" not in english


def test_arabic_content_reads_right_to_left_in_an_english_interface(client):
    meeting = _dated_meeting(title="Thematic Meeting on Return")
    set_translation(meeting, "ar", title="اجتماع مواضيعي بشأن العودة")
    db.session.commit()
    page = client.get(f"/meetings/{meeting.slug}?lang=ar")
    assert '<html lang="en">' in page.text
    assert '<h1 lang="ar" dir="rtl">اجتماع مواضيعي بشأن العودة</h1>' in page.text
    # The description and the programme have no Arabic: said once, in the interface's language.
    assert text_of(page).count("This content exists only in English.") == 1


def test_a_documents_language_versions_are_listed_together(client):
    meeting = _dated_meeting()
    english = make_document(meeting, title="Joint conclusions", filename="jc-en.pdf", language="en")
    french = make_document(
        meeting, title="Conclusions conjointes", filename="jc-fr.pdf", language="fr", version_of=english
    )
    page = client.get(f"/meetings/{meeting.slug}")
    assert "Joint conclusions — EN / FR" in text_of(page)
    for document in (english, french):
        assert f"/documents/{document.id}/{document.filename}" in page.text
    assert "Conclusions conjointes — EN / FR" in text_of(client.get(f"/meetings/{meeting.slug}?lang=fr"))


def test_english_pages_keep_their_british_formats(client):
    past = make_meeting(title="Valletta follow-up", dates=(date(2018, 11, 14),) * 2, times=None)
    meeting = _dated_meeting()
    archive = text_of(client.get("/meetings/archive"))
    assert "14 November 2018" in archive and "1 meeting" in archive and past.title in archive
    page = client.get(f"/meetings/{meeting.slug}")
    text = text_of(page)
    assert '<html lang="en">' in page.text and f'<h1 lang="en" dir="ltr">{meeting.title}</h1>' in page.text
    assert f"Dates 19–20 October {YEAR}" in text and "Times 09:00–17:30 EAT (local time, Africa/Addis Ababa)" in text
    assert f"19 October {YEAR} ({date(YEAR, 10, 19):%A})" in text
    assert "About the meeting" in text and "only in" not in text


def test_the_api_answers_in_english_whoever_asks(client):
    meeting = make_meeting(title="Thematic Meeting on Return")
    set_translation(meeting, "fr", title="Réunion thématique sur le retour")
    db.session.commit()
    for headers, query in (({}, "?lang=fr"), ({"Accept-Language": "fr"}, ""), ({"Cookie": "lang=fr"}, "")):
        listing = client.get(f"/api/v1/meetings{query}", headers=headers)
        assert listing.status_code == 200
        found = listing.get_json()["meetings"][0]
        assert (found["title"], found["type_label"], found["country_name"]) == (
            "Thematic Meeting on Return",
            "Thematic Meeting",
            "Ethiopia",
        )
        assert "Accept-Language" not in listing.vary
        refused = client.get(f"/api/v1/meetings{query}{'&' if query else '?'}type=nonsense", headers=headers)
        assert refused.status_code == 400
        assert refused.get_json()["error"] == {"status": 400, "message": "Unknown meeting type “nonsense” was ignored."}
        missing = client.get(f"/api/v1/meetings/no-such-meeting{query}", headers=headers)
        assert missing.get_json()["error"] == {
            "status": 404,
            "message": "There is no published meeting at this address.",
        }


def test_a_change_is_described_in_the_language_of_whoever_reads_it(app):
    meeting = make_meeting(title="Thematic Meeting on Return", dates=(date(YEAR, 12, 1), date(YEAR, 12, 2)))
    edit = replace(MeetingEdit.of(meeting), title="Thematic Meeting on Reintegration", start_date=date(YEAR, 12, 2))
    dates = apply_edit(meeting, edit)[1]
    assert dates == f"Dates: now 2 December {YEAR} (was 1–2 December {YEAR})"
    with writing_in("fr"):
        assert str(dates) == f"Dates{NBSP}: désormais 2 décembre {YEAR} (précédemment 1er–2 décembre {YEAR})"
