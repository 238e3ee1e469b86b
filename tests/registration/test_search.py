"""One search key over name, email and delegation, folded the same on SQLite and PostgreSQL."""

import pytest

from app.registration import services
from tests.helpers.actors import DELEGATE
from tests.helpers.factories import make_open_meeting, make_registration, registration_data


@pytest.fixture
def meeting(app):
    meeting = make_open_meeting()
    make_registration(meeting, first_name="Tsion", last_name="Gebre-Medhin", email="t.gebremedhin@mfa.example")
    make_registration(meeting, first_name="Aya", last_name="Kouassi", delegation="state:CI", email="aya@gouv.example")
    make_registration(meeting, first_name="Élodie", last_name="Müller", delegation="state:DE", email="em@aa.example")
    return meeting


@pytest.mark.parametrize(
    "query, found",
    [
        ("gebre", {"Gebre-Medhin"}),
        ("GEBRE medhin", {"Gebre-Medhin"}),
        ("cote", {"Kouassi"}),
        ("Côte d'Ivoire", {"Kouassi"}),
        ("elodie muller", {"Müller"}),
        ("aa.example", {"Müller"}),
        ("kouassi germany", set()),
        ("100%", set()),
    ],
)
def test_search_ignores_accents_case_and_punctuation(meeting, query, found):
    assert {r.last_name for r in services.find_registrations(meeting, query)} == found


def test_the_key_follows_an_edit(meeting, now):
    (registration,) = services.find_registrations(meeting, "kouassi")
    services.update_registration(
        registration,
        registration_data(email=registration.email, first_name="Aya", last_name="N'Guessan", delegation="state:SN"),
        now,
        actor=DELEGATE,
    )
    assert services.find_registrations(meeting, "kouassi") == []
    assert [r.last_name for r in services.find_registrations(meeting, "nguessan senegal")] == []  # "n guessan"
    assert [r.last_name for r in services.find_registrations(meeting, "guessan senegal")] == ["N'Guessan"]
