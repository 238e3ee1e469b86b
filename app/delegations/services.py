"""Reading and keeping the delegations: the lists the forms offer, and the changes an admin makes.

The lists are built once per language, meeting eligibility and state of the table: each read
asks the database only how many delegations there are and when one last changed."""

import functools
import re
from datetime import datetime

from flask_babel import gettext, lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import text
from app.actors import Actor
from app.delegations.models import Delegation, DelegationKind, Standing
from app.delegations.seed import seed_rows
from app.extensions import db
from app.locale import DEFAULT_LOCALE, INTERFACE_LOCALES
from app.meetings.models import Eligibility

#: The form's headings, in the order the groups are shown.
GROUP_HEADINGS = {
    "member": lazy_gettext("Members of the Process"),
    "institution": lazy_gettext("Institutions"),
    "observer": lazy_gettext("Observers"),
    "other-state": lazy_gettext("Other states and territories"),
    "other-organisation": lazy_gettext("Other organisations"),
}
ORGANISATION_KEY = re.compile(r"org:[A-Z0-9][A-Z0-9-]{0,35}")
#: What each kind of delegation may stand as: members are states, institutions organisations.
STANDINGS = {
    DelegationKind.STATE: (Standing.MEMBER, Standing.OBSERVER, Standing.OTHER),
    DelegationKind.ORGANISATION: (Standing.INSTITUTION, Standing.OBSERVER, Standing.OTHER),
}


class DelegationRefused(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def get_delegation(key: str | None) -> Delegation | None:
    return db.session.scalar(select(Delegation).where(Delegation.key == key)) if key else None


def get_state(code: str) -> Delegation | None:
    return db.session.scalar(select(Delegation).where(Delegation.country == code))


def list_delegations(locale: str = DEFAULT_LOCALE) -> list[Delegation]:
    """Every delegation, states first, each kind in ``locale``'s alphabetical order."""
    order = getattr(Delegation, f"sort_key_{locale if locale in INTERFACE_LOCALES else DEFAULT_LOCALE}")
    return list(db.session.scalars(select(Delegation).order_by(Delegation.kind.desc(), order)))


def is_eligible(delegation: Delegation, eligibility: Eligibility) -> bool:
    if eligibility is Eligibility.STEERING_COMMITTEE:
        return delegation.steering_committee
    if eligibility is Eligibility.PROCESS:
        return delegation.standing is not Standing.OTHER
    return True


def group_of(delegation: Delegation) -> str:
    if delegation.standing is Standing.OTHER:
        return "other-state" if delegation.is_state else "other-organisation"
    return delegation.standing.value


def _version() -> tuple:
    """Changes whenever a delegation is added or edited."""
    return tuple(db.session.execute(select(func.count(Delegation.id), func.max(Delegation.updated_at))).one())


@functools.lru_cache(maxsize=32)
def _groups(
    version: tuple, eligibility: Eligibility, locale: str
) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    grouped = {group: [] for group in GROUP_HEADINGS}
    for delegation in list_delegations(locale):
        if delegation.active and is_eligible(delegation, eligibility):
            grouped[group_of(delegation)].append((delegation.key, delegation.display_name(locale)))
    return tuple((group, tuple(choices)) for group, choices in grouped.items() if choices)


def form_groups(eligibility: Eligibility, locale: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(group, ((key, name), ...)) of the delegations that may register for a meeting of
    ``eligibility``, the groups in GROUP_HEADINGS order, each in ``locale``'s alphabetical order."""
    return _groups(_version(), eligibility, locale)


@functools.lru_cache(maxsize=8)
def _states(version: tuple, locale: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (delegation.country, delegation.name(locale)) for delegation in list_delegations(locale) if delegation.is_state
    )


def state_names(locale: str) -> tuple[tuple[str, str], ...]:
    """(ISO code, name) of every state, retired or not, in ``locale``'s alphabetical order: the nationalities."""
    return _states(_version(), locale)


def _check(names: dict[str, str], acronyms: dict[str, str]) -> dict[str, str]:
    errors = {}
    for locale in INTERFACE_LOCALES:
        name, acronym = names.get(locale, ""), acronyms.get(locale, "")
        problem = text.single_line_problem(name) or text.single_line_problem(acronym)
        if problem:
            errors[f"name_{locale}"] = problem
        elif not name.strip() or len(name) > 200:
            errors[f"name_{locale}"] = gettext(
                "Give the name in %(language)s, at most 200 characters.", language=locale
            )
        elif len(acronym) > 30:
            errors[f"acronym_{locale}"] = gettext("An acronym has at most 30 characters.")
    return errors


def _check_standing(kind: DelegationKind, standing: Standing) -> dict[str, str]:
    if standing not in STANDINGS[kind]:
        allowed = ", ".join(s.value for s in STANDINGS[kind])
        return {"standing": gettext("A %(kind)s may stand as %(allowed)s.", kind=kind.value, allowed=allowed)}
    return {}


def create_organisation(
    key: str,
    names: dict[str, str],
    now: datetime,
    *,
    actor: Actor,
    acronyms: dict[str, str] | None = None,
    standing: Standing = Standing.OTHER,
    steering_committee: bool = False,
) -> Delegation:
    """Add an organisation that may send delegates. States are all seeded: they are edited, not added."""
    acronyms = {locale: value.strip() for locale, value in (acronyms or {}).items()}
    names = {locale: value.strip() for locale, value in names.items() if value.strip()}
    names.setdefault("fr", names.get("en", ""))
    errors = _check(names, acronyms) | _check_standing(DelegationKind.ORGANISATION, standing)
    if not ORGANISATION_KEY.fullmatch(key or ""):
        errors["key"] = gettext("An organisation's key is org: and its acronym in capitals, such as org:IOM.")
    elif get_delegation(key) is not None:
        errors["key"] = gettext("There is already a delegation %(key)s.", key=key)
    if errors:
        raise DelegationRefused(errors)
    delegation = Delegation(
        key=key,
        kind=DelegationKind.ORGANISATION,
        standing=standing,
        steering_committee=steering_committee,
        updated_at=now,
    )
    delegation.set_names(names, acronyms)
    db.session.add(delegation)
    try:
        db.session.commit()
    except IntegrityError:  # added by someone else at the same moment
        db.session.rollback()
        raise DelegationRefused({"key": gettext("There is already a delegation %(key)s.", key=key)}) from None
    return delegation


def update_delegation(
    delegation: Delegation,
    now: datetime,
    *,
    actor: Actor,
    names: dict[str, str] | None = None,
    acronyms: dict[str, str] | None = None,
    standing: Standing | None = None,
    steering_committee: bool | None = None,
    active: bool | None = None,
) -> Delegation:
    """Change what is given; what is not given stays."""
    current_names = {locale: delegation.name(locale) for locale in INTERFACE_LOCALES}
    current_acronyms = {locale: delegation.acronym(locale) for locale in INTERFACE_LOCALES}
    new_names = current_names | {k: v.strip() for k, v in (names or {}).items()}
    new_acronyms = current_acronyms | {k: v.strip() for k, v in (acronyms or {}).items()}
    errors = _check(new_names, new_acronyms)
    if standing is not None:
        errors |= _check_standing(delegation.kind, standing)
    if errors:
        raise DelegationRefused(errors)
    delegation.set_names(new_names, new_acronyms)
    if standing is not None:
        delegation.standing = standing
    if steering_committee is not None:
        delegation.steering_committee = steering_committee
    if active is not None:
        delegation.active = active
    delegation.updated_at = now
    db.session.commit()
    return delegation


def seed_missing(now: datetime, *, actor: Actor) -> int:
    """Add the seeded delegations the table lacks (a state ISO has added, say); edits are kept."""
    known = set(db.session.scalars(select(Delegation.key)))
    added = 0
    for row in seed_rows():
        if row["key"] not in known and (row["country"] is None or get_state(row["country"]) is None):
            db.session.add(Delegation(**row, updated_at=now))
            added += 1
    db.session.commit()
    return added
