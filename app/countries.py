"""The world's states and territories (ISO 3166-1) named as a secretariat writes them, in
English and French: "State of Palestine", not "Palestine, State of"; "Democratic Republic
of the Congo", not "Congo - Kinshasa". The names are curated in ``countries.csv``, the one
source for every country name the app shows (a meeting's country, a nationality, the
delegations the migrations seed)."""

import csv
import functools
from pathlib import Path

from app.locale import DEFAULT_LOCALE, INTERFACE_LOCALES
from app.text import sort_key

_SOURCE = Path(__file__).with_name("countries.csv")


@functools.cache
def _names() -> dict[str, dict[str, str]]:
    with _SOURCE.open(encoding="utf-8", newline="") as source:
        return {
            row["code"]: {locale: row[f"name_{locale}"] for locale in INTERFACE_LOCALES}
            for row in csv.DictReader(source)
        }


def codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 code, in code order."""
    return tuple(_names())


def is_country(code: str | None) -> bool:
    return bool(code) and code in _names()


def name(code: str | None, locale: str = DEFAULT_LOCALE) -> str:
    """The country's name in ``locale`` (English for a language the names are not written in);
    "" for no code, and the code itself for one ISO does not know."""
    if not code:
        return ""
    names = _names().get(code)
    if names is None:
        return code
    return names.get(locale) or names[DEFAULT_LOCALE]


def names(code: str) -> dict[str, str]:
    """The country's name in each language the names are written in."""
    return dict(_names()[code])


@functools.cache
def ordered(locale: str = DEFAULT_LOCALE) -> tuple[tuple[str, str], ...]:
    """(code, name) of every country, in the alphabetical order of ``locale``'s readers."""
    return tuple(sorted(((code, name(code, locale)) for code in _names()), key=lambda pair: sort_key(pair[1])))
