"""The migrations build the schema the models describe, on SQLite and PostgreSQL alike."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from tests.helpers.database import table_names


def test_the_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_go_down_and_up_again(app, migrated):
    db.session.remove()
    db.engine.dispose()
    downgrade(revision="base")
    assert table_names(migrated) <= {"alembic_version"}
    upgrade()
    assert {"meeting", "registration", "registration_day", "outbox_message", "delegation"} <= table_names(migrated)
    assert inspect(db.engine).get_check_constraints("meeting")


def test_stored_names_and_addresses_are_cleaned_by_the_migration(app, migrated):
    """Rows saved before one definition of clean text existed stop blocking their emails."""
    db.session.remove()
    downgrade(revision="0004_catalogue_state")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO meeting (id, slug, title, meeting_type, status, timezone, has_times, venue, city, "
                "country, host_country, chair, co_chairs, theme, summary, description, seats_taken, requires_approval, "
                "ical_sequence, created_at, updated_at) VALUES (1, 'm', 'M', 'thematic-meeting', 'published', 'UTC', "
                "false, '', '', '', '', '', '', '', '', '', 0, false, 0, '2026-01-01', '2026-01-01')"
            )
        )
        rows = [
            (1, "u1", "Eve\u2028X", "eve@exämple.com", "No\x07 nuts\nplease", "confirmed"),
            (2, "u2", "Ali\u200cReza\u202e", "ali@xn--exmple-cua.com", "", "confirmed"),
            (3, "u3", "Dup", "ALI@exämple.com".lower(), "", "waitlisted"),
        ]
        for number, uid, first, email, dietary, status in rows:
            connection.execute(
                text(
                    "INSERT INTO registration (id, meeting_id, uid, status, salutation, first_name, last_name, email, "
                    "phone, country, delegation, position, function, role, days, dietary_needs, accessibility_needs, "
                    "needs_visa_letter, list_consent, created_at, updated_at) VALUES (:id, 1, :uid, :status, 'Ms', "
                    ":first, 'Y', :email, '', 'ET', 'state:ET', 'Director\u0085General', '', 'delegate', '[]', "
                    ":dietary, '', false, false, '2026-01-01', '2026-01-01')"
                ),
                dict(id=number, uid=uid, first=first, email=email, dietary=dietary, status=status),
            )
    upgrade()
    with db.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT first_name, position, email, dietary_needs FROM registration ORDER BY id")
        ).all()
    assert stored[0] == ("Eve X", "Director General", "eve@xn--exmple-cua.com", "No nuts\nplease")
    assert stored[1][0] == "Ali\u200cReza"  # the joiner Persian names need is kept
    # The third would become the second's address: it is left as it was, not merged.
    assert stored[2][2] == "ali@exämple.com"


def test_registrations_made_before_delegations_were_records_are_converted(app, migrated):
    """Delegation strings, JSON days and several heads, as stored before 0014, become records."""
    db.session.remove()
    downgrade(revision="0013_registration_search_key")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO meeting (id, slug, title, meeting_type, status, timezone, has_times, venue, city, "
                "country, host_country, chair, co_chairs, theme, summary, description, seats_taken, requires_approval, "
                "ical_sequence, created_at, updated_at, start_date, end_date, starts_at, ends_at) VALUES (1, 'm', 'M', "
                "'thematic-meeting', 'published', 'UTC', false, '', '', '', '', '', '', '', '', '', 0, false, 0, "
                "'2026-01-01', '2026-01-01', '2026-03-02', '2026-03-03', '2026-03-02', '2026-03-04')"
            )
        )
        connection.execute(
            text("INSERT INTO organisation (name, acronym, active) VALUES ('Save the Children', '', true)")
        )
        iom, custom = (
            connection.execute(text("SELECT id FROM organisation WHERE name = :n"), {"n": name}).scalar()
            for name in ("International Organization for Migration", "Save the Children")
        )
        rows = [
            (1, "ET", None, "state:ET", "head-of-delegation", '["2026-03-02"]', "2026-01-01"),
            (2, "ET", None, "state:ET", "head-of-delegation", "[]", "2026-01-02"),
            (3, None, iom, f"org:{iom}", "delegate", '["not a day", "2026-03-03"]', "2026-01-03"),
            (4, None, custom, f"org:{custom}", "head-of-delegation", '["2026-03-02", "2026-03-03"]', "2026-01-04"),
        ]
        for number, country, organisation, delegation, role, days, created in rows:
            connection.execute(
                text(
                    "INSERT INTO registration (id, meeting_id, uid, status, salutation, first_name, last_name, email, "
                    "phone, country, organisation_id, delegation, position, function, role, days, dietary_needs, "
                    "accessibility_needs, needs_visa_letter, list_consent, created_at, updated_at) "
                    "VALUES (:id, 1, :uid, 'confirmed', 'Ms', 'Hanna', :last, :email, '', :country, :organisation, "
                    ":delegation, 'Director', "
                    "'', :role, :days, '', '', false, false, :created, :created)"
                ),
                dict(
                    id=number,
                    uid=f"u{number}",
                    last=f"Tesfaye{number}",
                    email=f"d{number}@mfa.example",
                    country=country,
                    organisation=organisation,
                    delegation=delegation,
                    role=role,
                    days=days,
                    created=created,
                ),
            )
    upgrade()
    with db.engine.connect() as connection:
        converted = connection.execute(
            text(
                "SELECT r.id, d.key, d.standing, r.role, r.language FROM registration r "
                "JOIN delegation d ON d.id = r.delegation_id ORDER BY r.id"
            )
        ).all()
        days = connection.execute(text("SELECT registration_id, day FROM registration_day ORDER BY 1, 2")).all()
    assert [tuple(row) for row in converted] == [
        (1, "state:ET", "member", "head-of-delegation", "en"),
        (2, "state:ET", "member", "delegate", "en"),  # the later of two heads
        (3, "org:IOM", "observer", "delegate", "en"),
        (4, f"org:ORG{custom}", "other", "head-of-delegation", "en"),
    ]
    assert [(r, str(d)) for r, d in days] == [
        (1, "2026-03-02"),
        (2, "2026-03-02"),  # none chosen meant every day
        (2, "2026-03-03"),
        (3, "2026-03-03"),
        (4, "2026-03-02"),
        (4, "2026-03-03"),
    ]
    from app.meetings.models import Meeting
    from app.registration.services import find_registrations

    meeting = db.session.get(Meeting, 1)
    assert [r.id for r in find_registrations(meeting, "oim")] == [3]
    assert [r.id for r in find_registrations(meeting, "save the children")] == [4]
    assert [r.id for r in find_registrations(meeting, "tesfaye1")] == [1]


def test_meetings_stored_before_content_had_languages_are_english_and_their_documents_stand_alone(app, migrated):
    """0016: every meeting so far is written in English; translations are keyed and checked."""
    db.session.remove()
    downgrade(revision="0015_registration_privacy_notice")
    assert "meeting_translation" not in table_names(migrated)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO meeting (id, slug, title, meeting_type, status, timezone, has_times, venue, city, "
                "country, host_country, chair, co_chairs, theme, summary, description, seats_taken, requires_approval, "
                "ical_sequence, created_at, updated_at, eligibility) VALUES (1, 'm', 'M', 'thematic-meeting', "
                "'published', 'UTC', false, '', '', '', '', '', '', '', '', '', 0, false, 0, '2026-01-01', "
                "'2026-01-01', 'everyone')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO document (id, meeting_id, title, kind, language, filename, content_type, size, "
                "storage_key, position) VALUES (1, 1, 'Joint conclusions', 'joint-conclusions', 'en', 'c.pdf', "
                "'application/pdf', 1, 'k', 0)"
            )
        )
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT original_language FROM meeting")).scalar() == "en"
        assert connection.execute(text("SELECT version_of_id FROM document")).scalar() is None
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO meeting_translation VALUES (1, 'ar', 'م', '', '', '', '')"))
    for statement in (
        "INSERT INTO meeting_translation VALUES (1, 'ar', 'again', '', '', '', '')",
        "INSERT INTO meeting_translation VALUES (1, 'de', 'Treffen', '', '', '', '')",
        "UPDATE meeting SET original_language = 'de'",
        "UPDATE document SET version_of_id = id",
    ):
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(statement))
