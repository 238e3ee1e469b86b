"""The delegations every database starts with: each ISO 3166 state (standing "other" unless the
Process lists it) and the organisations seen at the Process's meetings."""

from dataclasses import dataclass

from app import countries
from app.delegations.models import DelegationKind, Standing, search_key_of
from app.text import sort_key

#: Signatories of the 2014 Rome Declaration, and the states that joined since.
MEMBERS = frozenset(
    {
        # 2014: the Rome Declaration
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "DJ", "EG", "ER", "EE", "ET", "FI", "FR", "DE", "GR", "HU"),
        *("IE", "IT", "KE", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "SO", "SS", "ES", "SD"),
        *("SE", "TN", "GB"),
        # joined since
        *("LY", "NO", "CH", "UG"),
    }
)
#: Five European and five African members (the three institutions sit on it too).
STEERING_COMMITTEE_STATES = frozenset(["IT", "FR", "DE", "GB", "NL", "EG", "ER", "ET", "SS", "SD"])


@dataclass(frozen=True)
class SeedOrganisation:
    key: str
    standing: Standing
    steering_committee: bool
    name_en: str
    name_fr: str
    acronym_en: str = ""
    acronym_fr: str = ""


ORGANISATIONS = (
    SeedOrganisation("org:EC", Standing.INSTITUTION, True, "European Commission", "Commission européenne"),
    SeedOrganisation(
        "org:EEAS",
        Standing.INSTITUTION,
        True,
        "European External Action Service",
        "Service européen pour l'action extérieure",
        "EEAS",
        "SEAE",
    ),
    SeedOrganisation(
        "org:AUC",
        Standing.INSTITUTION,
        True,
        "African Union Commission",
        "Commission de l'Union africaine",
        "AUC",
        "CUA",
    ),
    SeedOrganisation(
        "org:IOM",
        Standing.OBSERVER,
        False,
        "International Organization for Migration",
        "Organisation internationale pour les migrations",
        "IOM",
        "OIM",
    ),
    SeedOrganisation(
        "org:UNHCR",
        Standing.OBSERVER,
        False,
        "Office of the United Nations High Commissioner for Refugees",
        "Haut-Commissariat des Nations Unies pour les réfugiés",
        "UNHCR",
        "HCR",
    ),
    SeedOrganisation(
        "org:UNODC",
        Standing.OBSERVER,
        False,
        "United Nations Office on Drugs and Crime",
        "Office des Nations Unies contre la drogue et le crime",
        "UNODC",
        "ONUDC",
    ),
    SeedOrganisation(
        "org:ICMPD",
        Standing.OBSERVER,
        False,
        "International Centre for Migration Policy Development",
        "Centre international pour le développement des politiques migratoires",
        "ICMPD",
        "ICMPD",
    ),
    SeedOrganisation(
        "org:IGAD",
        Standing.OBSERVER,
        False,
        "Intergovernmental Authority on Development",
        "Autorité intergouvernementale pour le développement",
        "IGAD",
        "IGAD",
    ),
    SeedOrganisation("org:WB", Standing.OBSERVER, False, "World Bank", "Banque mondiale"),
    SeedOrganisation(
        "org:RMMS",
        Standing.OBSERVER,
        False,
        "Regional Mixed Migration Secretariat",
        "Secrétariat régional pour les migrations mixtes",
        "RMMS",
        "RMMS",
    ),
)


def _named(row: dict) -> dict:
    return row | {
        "sort_key_en": sort_key(row["name_en"]),
        "sort_key_fr": sort_key(row["name_fr"]),
        "search_key": search_key_of(row["name_en"], row["name_fr"], row["acronym_en"], row["acronym_fr"]),
    }


def state_row(code: str) -> dict:
    names = countries.names(code)
    return _named(
        {
            "key": f"state:{code}",
            "kind": DelegationKind.STATE,
            "country": code,
            "standing": Standing.MEMBER if code in MEMBERS else Standing.OTHER,
            "steering_committee": code in STEERING_COMMITTEE_STATES,
            "active": True,
            "name_en": names["en"],
            "name_fr": names["fr"],
            "acronym_en": "",
            "acronym_fr": "",
        }
    )


def organisation_row(organisation: SeedOrganisation) -> dict:
    return _named(
        {
            "key": organisation.key,
            "kind": DelegationKind.ORGANISATION,
            "country": None,
            "standing": organisation.standing,
            "steering_committee": organisation.steering_committee,
            "active": True,
            "name_en": organisation.name_en,
            "name_fr": organisation.name_fr,
            "acronym_en": organisation.acronym_en,
            "acronym_fr": organisation.acronym_fr,
        }
    )


def seed_rows() -> list[dict]:
    """Every seeded delegation as the values of its columns (the enums as members)."""
    return [state_row(code) for code in countries.codes()] + [organisation_row(o) for o in ORGANISATIONS]
