"""Delegations as records: seeded from ISO 3166 and the Process, named as a secretariat writes
them in English and French, offered by standing in the reader's order, and open to a meeting
according to its eligibility."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.delegations import services
from app.delegations.models import Delegation, Standing
from app.delegations.services import DelegationRefused
from app.extensions import db
from app.meetings.models import Eligibility
from app.registration import services as registration_services
from app.registration.exceptions import RegistrationRefused
from app.registration.forms import DelegateDetailsForm
from tests.helpers.actors import ORGANISER
from tests.helpers.factories import make_open_meeting, make_registration, registration_data
from tests.helpers.forms import delegation_options


def app_request(client, meeting):
    return client.application.test_request_context(f"/meetings/{meeting.slug}/register")


HEADINGS = [
    "Members of the Process",
    "Institutions",
    "Observers",
    "Other states and territories",
    "Other organisations",
]


def keys(standing=None, **where):
    query = select(Delegation.key).filter_by(**where)
    if standing:
        query = query.where(Delegation.standing == standing)
    return set(db.session.scalars(query))


def test_every_iso_state_and_the_processs_organisations_are_seeded(app):
    assert db.session.scalar(select(func.count()).where(Delegation.country.is_not(None))) == 249
    assert len(keys(Standing.MEMBER)) == 41 and "state:UG" in keys(Standing.MEMBER)
    assert keys(Standing.INSTITUTION) == {"org:EC", "org:EEAS", "org:AUC"}
    assert keys(Standing.OBSERVER) == {f"org:{a}" for a in ("IOM", "UNHCR", "UNODC", "ICMPD", "IGAD", "WB", "RMMS")}
    committee = keys(steering_committee=True)
    assert len(committee) == 13 and {"state:ER", "state:NL", "org:EEAS"} <= committee
    assert "state:KE" not in committee and keys(Standing.OTHER) >= {"state:US", "state:CI"}


@pytest.mark.parametrize(
    "key, english, french",
    [
        ("state:PS", "State of Palestine", "État de Palestine"),
        ("state:CD", "Democratic Republic of the Congo", "République démocratique du Congo"),
        ("state:CG", "Congo", "Congo"),
        ("state:CI", "Côte d'Ivoire", "Côte d'Ivoire"),
        ("state:GB", "United Kingdom", "Royaume-Uni"),
        ("state:KN", "Saint Kitts and Nevis", "Saint-Christophe-et-Niévès"),
        (
            "org:IOM",
            "International Organization for Migration (IOM)",
            "Organisation internationale pour les migrations (OIM)",
        ),
    ],
)
def test_names_are_curated_in_both_languages(app, key, english, french):
    delegation = services.get_delegation(key)
    assert (delegation.display_name("en"), delegation.display_name("fr")) == (english, french)


def test_the_form_groups_by_standing_each_in_the_readers_order(client):
    meeting = make_open_meeting()
    english = delegation_options(client, meeting, "en")
    assert list(english) == HEADINGS[:4]  # no organisation stands as "other" yet
    assert english["Members of the Process"][:4] == ["Austria", "Belgium", "Bulgaria", "Croatia"]
    assert english["Institutions"] == [
        "African Union Commission (AUC)",
        "European Commission",
        "European External Action Service (EEAS)",
    ]
    others = english["Other states and territories"]
    assert others[:2] == ["Afghanistan", "Åland Islands"]  # Å with the As, not after Z
    assert others.index("Costa Rica") < others.index("Côte d'Ivoire") < others.index("Cuba")
    assert (
        others.index("Tuvalu")
        > others.index("Turkmenistan")
        > others.index("Türkiye")
        > others.index("Trinidad and Tobago")
    )
    french = delegation_options(client, meeting, "fr")
    assert list(french) == ["Membres du Processus", "Institutions", "Observateurs", "Autres États et territoires"]
    assert french["Membres du Processus"][:3] == ["Allemagne", "Autriche", "Belgique"]
    others = french["Autres États et territoires"]
    assert others.index("État de Palestine") < others.index("États-Unis d'Amérique")


def test_a_steering_committee_meeting_takes_its_members_only(client, now):
    meeting = make_open_meeting(eligibility=Eligibility.STEERING_COMMITTEE)
    offered = delegation_options(client, meeting, "en")
    assert sum(len(names) for names in offered.values()) == 13
    assert "Kenya" not in offered["Members of the Process"] and "Eritrea" in offered["Members of the Process"]
    with pytest.raises(RegistrationRefused) as refused:
        registration_services.register_delegate(meeting, registration_data(delegation="state:KE"), now, actor=ORGANISER)
    assert refused.value.errors["delegation"] == "This meeting is open to the members of the Steering Committee."
    assert make_registration(meeting, delegation="org:AUC").delegation.key == "org:AUC"


def test_a_process_meeting_takes_members_institutions_and_observers(client, now):
    meeting = make_open_meeting(eligibility=Eligibility.PROCESS)
    assert list(delegation_options(client, meeting, "en")) == HEADINGS[:3]
    with pytest.raises(RegistrationRefused) as refused:
        registration_services.register_delegate(meeting, registration_data(delegation="state:US"), now, actor=ORGANISER)
    assert "members, institutions and observers" in refused.value.errors["delegation"]
    assert make_registration(meeting, delegation="org:UNHCR").status.value == "confirmed"


def test_an_organisation_added_by_an_admin_is_offered_in_its_place(client, now):
    services.create_organisation(
        "org:ACNUR-TEST",
        {"en": "Zonta Migration Forum", "fr": "Forum Abeille"},
        now,
        actor=ORGANISER,
        acronyms={"en": "ZMF"},
    )
    meeting = make_open_meeting()
    assert delegation_options(client, meeting, "en")["Other organisations"] == ["Zonta Migration Forum (ZMF)"]
    assert delegation_options(client, meeting, "fr")["Autres organisations"] == ["Forum Abeille (ZMF)"]
    assert make_registration(meeting, delegation="org:ACNUR-TEST").delegation_name == "Zonta Migration Forum (ZMF)"


def test_a_renamed_delegation_moves_in_the_list_and_is_found_by_its_new_name(client, now):
    meeting = make_open_meeting()
    registration = make_registration(meeting, delegation="state:SZ")
    services.update_delegation(
        services.get_delegation("state:SZ"), now, actor=ORGANISER, names={"en": "Abc Kingdom", "fr": "Royaume Abc"}
    )
    assert delegation_options(client, meeting, "en")["Other states and territories"][:2] == [
        "Abc Kingdom",
        "Afghanistan",
    ]
    assert registration_services.find_registrations(meeting, "abc kingdom") == [registration]
    assert registration_services.find_registrations(meeting, "eswatini") == []


def test_a_retired_delegation_is_no_longer_offered_but_keeps_its_registrations(client, now):
    meeting = make_open_meeting()
    registration = make_registration(meeting, delegation="org:RMMS")
    services.update_delegation(services.get_delegation("org:RMMS"), now, actor=ORGANISER, active=False)
    assert "Regional Mixed Migration Secretariat (RMMS)" not in delegation_options(client, meeting, "en")["Observers"]
    with pytest.raises(RegistrationRefused):
        registration_services.register_delegate(meeting, registration_data(delegation="org:RMMS"), now, actor=ORGANISER)
    db.session.expire_all()
    assert registration.delegation_name == "Regional Mixed Migration Secretariat (RMMS)"
    # Its delegate can still edit their details, and keep the delegation they registered with.
    edited = registration_services.update_registration(
        registration,
        registration_data(email=registration.email, delegation="org:RMMS", position="Analyst"),
        now,
        actor=ORGANISER,
    )
    assert (edited.position, edited.delegation.key) == ("Analyst", "org:RMMS")
    with app_request(client, meeting):
        form = DelegateDetailsForm(meeting, now=now, current_delegation=edited.delegation)
    assert ("org:RMMS", "Observers") in [(c.value, c.optgroup) for c in form.delegation.choices]


@pytest.mark.parametrize(
    "key, names, standing, field",
    [
        ("IOM2", {"en": "X"}, Standing.OTHER, "key"),
        ("org:iom", {"en": "X"}, Standing.OTHER, "key"),
        ("org:IOM", {"en": "X"}, Standing.OTHER, "key"),  # taken
        ("org:NEW", {"en": " "}, Standing.OTHER, "name_en"),
        ("org:NEW", {"en": "A\u202eB"}, Standing.OTHER, "name_en"),
        ("org:NEW", {"en": "x" * 201}, Standing.OTHER, "name_en"),
        ("org:NEW", {"en": "New"}, Standing.MEMBER, "standing"),  # members are states
    ],
)
def test_a_bad_organisation_is_refused_and_nothing_is_added(app, now, key, names, standing, field):
    before = db.session.scalar(select(func.count(Delegation.id)))
    with pytest.raises(DelegationRefused) as refused:
        services.create_organisation(key, names, now, actor=ORGANISER, standing=standing)
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count(Delegation.id))) == before


def test_quotas_count_by_delegation(app, now):
    meeting = make_open_meeting(capacity=10, delegation_quota=1)
    make_registration(meeting, delegation="org:IOM")
    with pytest.raises(RegistrationRefused) as refused:
        registration_services.register_delegate(meeting, registration_data(delegation="org:IOM"), now, actor=ORGANISER)
    assert "already has 1 confirmed delegates" in refused.value.errors["delegation"]
    assert make_registration(meeting, delegation="org:UNHCR").status.value == "confirmed"


def test_seeding_again_adds_only_what_is_missing(app, now):
    services.update_delegation(
        services.get_delegation("state:KE"), now, actor=ORGANISER, names={"en": "Kenya (edited)"}
    )
    db.session.delete(services.get_delegation("state:TV"))
    db.session.commit()
    assert services.seed_missing(now + timedelta(seconds=1), actor=ORGANISER) == 1
    assert services.get_delegation("state:TV").name("en") == "Tuvalu"
    assert services.get_delegation("state:KE").name("en") == "Kenya (edited)"
    assert services.seed_missing(now, actor=ORGANISER) == 0
