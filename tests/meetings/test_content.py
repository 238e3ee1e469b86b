"""A meeting's content in English, French and Arabic: what a reader of each is shown, the
documents' language versions, and what a translation's change does to caches and calendars."""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from app.demo.data import UPCOMING
from app.demo.loader import load_demo
from app.extensions import db
from app.locale import writing_in
from app.meetings.catalogue import get_catalogue_state
from app.meetings.content import Shown, grouped_documents, shown
from app.meetings.models import Meeting
from app.meetings.translations import MeetingTranslation, set_translation
from tests.helpers.factories import make_document, make_meeting, make_session

ARABIC_TITLE = "الاجتماع المواضيعي بشأن الاتجار بالبشر"


def _translated_meeting():
    meeting = make_meeting(title="Thematic Meeting on Trafficking in Human Beings", venue="Kenyatta Centre")
    set_translation(meeting, "fr", title="Réunion thématique sur la traite des êtres humains")
    set_translation(meeting, "ar", title=ARABIC_TITLE, summary="ملخص الاجتماع.")
    db.session.commit()
    return meeting


def _fresh(meeting) -> Meeting:
    meeting_id = meeting.id
    db.session.expunge_all()
    return db.session.get(Meeting, meeting_id)


def test_each_reader_is_shown_their_language_and_otherwise_the_original(app):
    meeting = _fresh(_translated_meeting())

    assert shown(meeting, "title", "en") == Shown("Thematic Meeting on Trafficking in Human Beings", "en", False)
    french = shown(meeting, "title", "fr")
    assert french == Shown("Réunion thématique sur la traite des êtres humains", "fr", False)
    assert str(french) == french.text and french.direction == "ltr"
    arabic = shown(meeting, "title", "ar")
    assert arabic == Shown(ARABIC_TITLE, "ar", False) and arabic.direction == "rtl"

    # French has no summary: the original, saying so.
    assert shown(meeting, "summary", "fr") == Shown(meeting.summary, "en", True)
    assert shown(meeting, "summary", "fr").direction == "ltr"
    assert shown(meeting, "summary", "ar").text == "ملخص الاجتماع."
    # Nothing in any language is no fallback.
    assert shown(meeting, "description", "fr") == Shown("", "en", False)


def test_the_reader_defaults_to_the_request_or_the_language_written_in(app):
    meeting = _translated_meeting()
    with app.test_request_context("/?lang=ar"):
        assert shown(meeting, "title").text == ARABIC_TITLE
    with app.test_request_context("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}):
        assert shown(meeting, "title").language == "fr"
    with writing_in("fr"):
        assert shown(meeting, "title").language == "fr"
    assert shown(meeting, "title").language == "en"


def test_a_meeting_written_in_french_falls_back_to_french(app):
    meeting = make_meeting(title="Réunion du Comité de pilotage", original_language="fr")
    session = make_session(meeting, meeting.start_date, "09:00", "10:00", title="Ouverture")
    set_translation(meeting, "en", title="Steering Committee Meeting")
    db.session.commit()

    assert shown(meeting, "title", "en") == Shown("Steering Committee Meeting", "en", False)
    assert shown(meeting, "title", "fr") == Shown("Réunion du Comité de pilotage", "fr", False)
    assert shown(meeting, "title", "ar") == Shown("Réunion du Comité de pilotage", "fr", True)
    assert shown(session, "title", "en") == Shown("Ouverture", "fr", True)
    with pytest.raises(ValueError):
        set_translation(meeting, "fr", title="Déjà l'original")


def test_sessions_and_documents_are_translated(app):
    meeting = make_meeting()
    session = make_session(meeting, meeting.start_date, "09:00", "10:00", title="Opening", description="Welcome.")
    document = make_document(meeting, title="Draft programme")
    set_translation(session, "fr", title="Ouverture")
    set_translation(document, "ar", title="مشروع البرنامج")
    db.session.commit()
    meeting = _fresh(meeting)
    session, document = meeting.sessions[0], meeting.documents[0]

    assert shown(session, "title", "fr") == Shown("Ouverture", "fr", False)
    assert shown(session, "description", "fr") == Shown("Welcome.", "en", True)
    assert shown(document, "title", "ar") == Shown("مشروع البرنامج", "ar", False)
    assert shown(document, "title", "fr") == Shown("Draft programme", "en", True)
    with pytest.raises(ValueError):
        shown(meeting, "city", "fr")


def test_only_known_languages_are_stored(app):
    meeting = make_meeting()
    with pytest.raises(ValueError):
        set_translation(meeting, "de", title="Thematisches Treffen")
    db.session.add(MeetingTranslation(meeting=meeting, language="de", title="Thematisches Treffen"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_documents_language_versions_are_grouped(app):
    meeting = make_meeting()
    english = make_document(meeting, title="Joint conclusions", language="en", position=0)
    make_document(meeting, title="Final programme", filename="programme.pdf", position=1)
    make_document(
        meeting,
        title="Conclusions conjointes",
        filename="conclusions.pdf",
        language="fr",
        version_of=english,
        position=2,
    )
    meeting = _fresh(meeting)

    groups = grouped_documents(meeting, "en")
    assert [(group.title.text, [v.language for v in group.versions]) for group in groups] == [
        ("Joint conclusions", ["en", "fr"]),
        ("Final programme", ["en"]),
    ]
    title, versions = grouped_documents(meeting, "fr")[0]
    assert title == Shown("Conclusions conjointes", "fr", False)
    assert [v.title for v in versions] == ["Joint conclusions", "Conclusions conjointes"]
    assert grouped_documents(meeting, "fr")[1].title == Shown("Final programme", "en", True)
    # An Arabic reader has neither version: the first, saying so.
    assert grouped_documents(meeting, "ar")[0].title == Shown("Joint conclusions", "en", True)


def test_two_versions_of_a_document_in_one_language_are_refused(app):
    meeting = make_meeting()
    english = make_document(meeting, title="Joint conclusions")
    make_document(meeting, title="Conclusions conjointes", filename="a.pdf", language="fr", version_of=english)
    with pytest.raises(IntegrityError):
        make_document(meeting, title="Conclusions", filename="b.pdf", language="fr", version_of=english)
    db.session.rollback()


@contextmanager
def _counting_queries():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _read_everything(meeting_id, locale):
    meeting = db.session.get(Meeting, meeting_id)
    texts = [shown(meeting, field, locale).text for field in ("title", "summary", "description", "venue")]
    texts += [shown(session, "title", locale).text for session in meeting.sessions]
    texts += [group.title.text for group in grouped_documents(meeting, locale)]
    return texts


@pytest.mark.parametrize("sessions", [2, 6])
def test_a_meeting_page_costs_the_same_queries_however_many_sessions_and_documents(app, sessions):
    meeting = make_meeting()
    for number in range(sessions):
        session = make_session(meeting, meeting.start_date, "09:00", "10:00", title=f"Session {number}")
        set_translation(session, "fr", title=f"Séance {number}")
        document = make_document(meeting, title=f"Document {number}", filename=f"{number}.pdf", position=number)
        make_document(meeting, title=f"Doc {number}", filename=f"{number}fr.pdf", language="fr", version_of=document)
    set_translation(meeting, "fr", title="Réunion")
    db.session.commit()
    meeting_id = meeting.id
    db.session.expunge_all()

    with _counting_queries() as statements:
        texts = _read_everything(meeting_id, "fr")
    assert texts[0] == "Réunion" and f"Séance {sessions - 1}" in texts and f"Doc {sessions - 1}" in texts
    # The meeting and its translations, the sessions and theirs, the documents and theirs.
    assert len(statements) == 6


def _version():
    return get_catalogue_state()[0]


def test_a_translation_changed_raises_the_catalogue_version(app):
    meeting = make_meeting()
    session = make_session(meeting, meeting.start_date, "09:00", "10:00")
    document = make_document(meeting)
    versions = [_version()]

    set_translation(meeting, "fr", summary="Résumé.")
    db.session.commit()
    versions.append(_version())
    set_translation(session, "fr", description="Une séance.")
    db.session.commit()
    versions.append(_version())
    set_translation(document, "fr", title="Conclusions conjointes")
    db.session.commit()
    versions.append(_version())
    del meeting.translations["fr"]
    db.session.commit()
    versions.append(_version())

    assert versions == sorted(set(versions)), versions
    assert db.session.scalars(select(MeetingTranslation)).all() == []
    # Last-Modified follows.
    assert db.session.get(Meeting, meeting.id).updated_at > datetime(2020, 1, 1, tzinfo=UTC)


def test_the_french_title_or_venue_raises_the_sequence_and_the_summary_does_not(app):
    meeting = make_meeting()
    assert meeting.ical_sequence == 0

    set_translation(meeting, "fr", summary="Résumé.")
    db.session.commit()
    assert meeting.ical_sequence == 0

    set_translation(meeting, "fr", title="Réunion thématique")
    db.session.commit()
    assert meeting.ical_sequence == 1

    set_translation(meeting, "fr", title="Réunion thématique")  # the same title: no change
    db.session.commit()
    db.session.expire_all()
    meeting.translations["fr"].title = "Réunion thématique"
    db.session.commit()
    assert meeting.ical_sequence == 1

    set_translation(meeting, "fr", venue="Centre de conférences des Nations unies", summary="Autre résumé.")
    db.session.commit()
    assert meeting.ical_sequence == 2

    set_translation(meeting, "ar", description="وصف.")
    db.session.commit()
    assert meeting.ical_sequence == 2

    del meeting.translations["fr"]  # the French calendar now shows the English title
    db.session.commit()
    assert meeting.ical_sequence == 3

    meeting.title = "Renamed"
    set_translation(meeting, "fr", title="Renommée")
    db.session.commit()
    assert meeting.ical_sequence == 4  # one flush, one step


def test_the_demo_carries_french_for_every_upcoming_meeting_and_arabic_for_one(app):
    load_demo()
    db.session.expunge_all()
    upcoming = db.session.scalars(select(Meeting).where(Meeting.slug.in_([spec["slug"] for spec in UPCOMING]))).all()
    assert len(upcoming) == len(UPCOMING)
    for meeting in upcoming:
        for field in ("title", "summary", "description", "venue"):
            text = shown(meeting, field, "fr")
            assert not text.fallback and (text.language == "fr" or not text.text), (meeting.slug, field)
        for session in meeting.sessions:
            assert shown(session, "title", "fr").language == "fr", (meeting.slug, session.title)

    arabic = [meeting for meeting in upcoming if "ar" in meeting.translations]
    assert [meeting.slug for meeting in arabic] == ["thematic-meeting-trafficking-nairobi"]
    (nairobi,) = arabic
    assert shown(nairobi, "title", "ar") == Shown(ARABIC_TITLE, "ar", False)
    assert all(shown(session, "title", "ar").direction == "rtl" for session in nairobi.sessions)
    groups = [(str(title), [v.language for v in versions]) for title, versions in grouped_documents(nairobi, "fr")]
    assert groups == [("Projet de programme", ["en"]), ("Note conceptuelle", ["en", "fr"])]
