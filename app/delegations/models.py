"""Delegations: the states and organisations that send delegates, with their standing in the
Process. Names are kept in each working language, with the key that puts them in that
language's alphabetical order."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.locale import DEFAULT_LOCALE, INTERFACE_LOCALES
from app.text import fold, sort_key


def search_key_of(*names: str) -> str:
    return fold(" ".join(dict.fromkeys(name for name in names if name)))


class DelegationKind(enum.Enum):
    STATE = "state"
    ORGANISATION = "organisation"


class Standing(enum.Enum):
    """A delegation's place in the Process; the form and the List of Participants group by it, in this order."""

    MEMBER = "member"
    INSTITUTION = "institution"
    OBSERVER = "observer"
    OTHER = "other"


class Delegation(db.Model):
    __table_args__ = (
        CheckConstraint("(kind = 'state') = (country IS NOT NULL)", name="state_has_country"),
        CheckConstraint("length(key) > 0", name="key_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What forms, the API and the command line name it by: "state:ET", "org:IOM".
    key: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[DelegationKind] = mapped_column(enum_column(DelegationKind))
    #: ISO 3166-1 alpha-2 code of a state; NULL for an organisation.
    country: Mapped[str | None] = mapped_column(String(2), unique=True)
    standing: Mapped[Standing] = mapped_column(enum_column(Standing), default=Standing.OTHER)
    steering_committee: Mapped[bool] = mapped_column(default=False)
    #: Offered in the registration form; a delegation once used is retired, never deleted.
    active: Mapped[bool] = mapped_column(default=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    acronym_en: Mapped[str] = mapped_column(String(30), default="")
    acronym_fr: Mapped[str] = mapped_column(String(30), default="")
    sort_key_en: Mapped[bytes] = mapped_column(LargeBinary)
    sort_key_fr: Mapped[bytes] = mapped_column(LargeBinary)
    #: Every name and acronym, folded (app.text.fold): registrations are found by their delegation's.
    search_key: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def set_names(self, names: dict[str, str], acronyms: dict[str, str] | None = None) -> None:
        """Store the names (and acronyms) in each language, with their sort keys."""
        acronyms = acronyms or {}
        for locale in INTERFACE_LOCALES:
            name = names.get(locale) or names[DEFAULT_LOCALE]
            setattr(self, f"name_{locale}", name)
            setattr(self, f"sort_key_{locale}", sort_key(name))
            setattr(self, f"acronym_{locale}", acronyms.get(locale) or acronyms.get(DEFAULT_LOCALE) or "")
        self.search_key = search_key_of(self.name_en, self.name_fr, self.acronym_en, self.acronym_fr)

    def name(self, locale: str = DEFAULT_LOCALE) -> str:
        return getattr(self, f"name_{locale if locale in INTERFACE_LOCALES else DEFAULT_LOCALE}")

    def acronym(self, locale: str = DEFAULT_LOCALE) -> str:
        return getattr(self, f"acronym_{locale if locale in INTERFACE_LOCALES else DEFAULT_LOCALE}")

    def display_name(self, locale: str = DEFAULT_LOCALE) -> str:
        """The name a reader of ``locale`` sees: an organisation's with its acronym."""
        acronym = self.acronym(locale)
        return f"{self.name(locale)} ({acronym})" if acronym else self.name(locale)

    @property
    def is_state(self) -> bool:
        return self.kind is DelegationKind.STATE
