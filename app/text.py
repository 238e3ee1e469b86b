"""What counts as clean text, defined once for forms, services, the outbox and queries.

A single-line text (a name, a title, a header) holds no character of the Unicode
categories Cc (controls, C0 and C1), Zl and Zp (line and paragraph separators), and no
bidirectional override or isolate (U+202A-U+202E, U+2066-U+2069), which can make a name
display as something else. The zero-width joiners U+200C and U+200D stay: Arabic,
Persian and Indic names need them. A multi-line text (dietary needs, a description)
may also hold line breaks and tabs.

The problems these functions describe are for the person who typed the text: they are
translated when the function is called, in the reader's (or the delegate's) language.

Email addresses have one canonical form: stripped, lower-cased, with the domain in IDNA
(ASCII). The local part must be ASCII: sending to anything else needs SMTPUTF8, which
the outbox does not speak.
"""

import functools
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

#: Bidirectional embeddings, overrides and isolates.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\n\r\t")


def _forbidden_in_line(char: str) -> bool:
    return char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp")


def single_line_problem(value: str | None) -> str | None:
    """Why ``value`` is not a clean single line, or None when it is."""
    if value and any(_forbidden_in_line(char) for char in value):
        return _("Use a single line, without line breaks, control or text-direction characters.")
    return None


def multi_line_problem(value: str | None) -> str | None:
    """Why ``value`` is not clean text over several lines, or None when it is."""
    if value and any(_forbidden_in_line(char) and char not in _LINE_BREAKS for char in value):
        return _("Remove the control or text-direction characters from this text.")
    return None


def clean_single_line(value: str) -> str:
    """``value`` with every forbidden character replaced by a space, spaces collapsed."""
    if not single_line_problem(value):
        return value
    return " ".join("".join(" " if _forbidden_in_line(char) else char for char in value).split())


def has_nul(value: str | None) -> bool:
    """NUL cannot be stored by PostgreSQL, and means nothing in any text a person types."""
    return bool(value) and "\x00" in value


class InvalidEmail(ValueError):
    """An address that cannot be used; the message says why, for the person who typed it."""


def canonical_email(value: str) -> str:
    """The one stored form of an address; raises InvalidEmail with a message for the form."""
    value = (value or "").strip()
    local = value.rpartition("@")[0]
    if not local.isascii():
        raise InvalidEmail(
            _(
                "Use an address whose part before the @ has only Latin letters, digits "
                "and punctuation; addresses with accents there cannot receive our emails."
            )
        )
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise InvalidEmail(_("Enter a valid email address, such as name@ministry.gov.")) from None
    return checked.ascii_email.lower()


def address_key(value: str) -> str:
    """What an address typed to sign in is compared by: its stored form (``canonical_email``)
    when it is an address, else the text trimmed and in lower case."""
    try:
        return canonical_email(value)
    except InvalidEmail:
        return (value or "").strip().lower()


def fold(value: str) -> str:
    """``value`` as a search key: accents and case folded, punctuation made spaces, so that
    "gebre" finds "Gebre-Medhin" and "cote" finds "Côte d'Ivoire" on any database."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join("".join(char if char.isalnum() else " " for char in plain).split())


@functools.cache
def _collator():
    import pyuca  # loading the Unicode collation table takes a fifth of a second: done once, when first needed

    return pyuca.Collator()


def sort_key(value: str) -> bytes:
    """``value``'s place in the reader's alphabetical order (the Unicode Collation Algorithm),
    as bytes that compare the same way in Python, SQLite and PostgreSQL: "Côte d'Ivoire"
    sorts under C, "Türkiye" under T, "Åland Islands" under A."""
    return b"".join(weight.to_bytes(2, "big") for weight in _collator().sort_key(value or ""))
