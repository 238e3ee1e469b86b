"""A meeting's content in the reader's language: its title, theme, summary, description and venue,
its sessions' titles and descriptions, its documents' titles.

``shown(obj, field)`` gives the text in the reader's language if the content has it, else in
the original language, saying which (``fallback``) so a page can tell the reader.
``grouped_documents(meeting)`` lists a meeting's documents with their versions in other
languages together ("Joint conclusions — EN / FR").

Translations are loaded with the objects they belong to (``lazy="selectin"``), so neither
costs a query per object.
"""

from dataclasses import dataclass
from typing import NamedTuple

from app.locale import resolve_locale
from app.meetings.models import CONTENT_LANGUAGES, Document, DocumentVisibility
from app.meetings.translations import original_language, translated_fields

__all__ = ["CONTENT_LANGUAGES", "RIGHT_TO_LEFT", "DocumentGroup", "Shown", "grouped_documents", "shown"]

RIGHT_TO_LEFT = frozenset({"ar"})


@dataclass(frozen=True)
class Shown:
    text: str
    #: The language ``text`` is in.
    language: str
    #: The reader's language had none: ``text`` is the original.
    fallback: bool

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RIGHT_TO_LEFT else "ltr"

    def __str__(self) -> str:
        return self.text


def shown(obj, field: str, locale: str | None = None) -> Shown:
    """``obj``'s ``field`` (a Meeting's title, theme, summary, description or venue; a ProgrammeSession's
    title or description; a Document's title) for a reader of ``locale`` (the request's by default).

    An empty original is no fallback: there is nothing to say "only in English" about.
    """
    if field not in translated_fields(obj):
        raise ValueError(f"{type(obj).__name__}.{field} is not held in several languages")
    locale = locale or resolve_locale()
    original = original_language(obj)
    text = getattr(obj, field) or ""
    if locale == original:
        return Shown(text, original, False)
    translation = obj.translations.get(locale)
    translated = getattr(translation, field, "") if translation is not None else ""
    if translated:
        return Shown(translated, locale, False)
    return Shown(text, original, bool(text))


class DocumentGroup(NamedTuple):
    #: The title in the reader's language: that of their language's version, else the first
    #: version's (translated if it can be).
    title: Shown
    #: Every language version, in the order of CONTENT_LANGUAGES (other languages last).
    versions: list[Document]


def _language_order(document: Document):
    language = document.language
    return (CONTENT_LANGUAGES.index(language) if language in CONTENT_LANGUAGES else len(CONTENT_LANGUAGES), language)


def grouped_documents(meeting, locale: str | None = None) -> list[DocumentGroup]:
    """The meeting's documents, each with its language versions, in the order of their first
    versions: [(title shown, [versions by language])]. A version whose first version belongs
    to another meeting (or is gone) stands alone. Public documents only: those for delegates
    are listed on each delegate's own page."""
    locale = locale or resolve_locale()
    documents = [document for document in meeting.documents if document.visibility is DocumentVisibility.PUBLIC]
    groups: dict[Document, list[Document]] = {}
    for document in documents:
        # The first version is in the identity map with the meeting's documents: no query.
        head = document.version_of
        groups.setdefault(head if head is not None and head in documents else document, []).append(document)
    result = []
    for head, versions in groups.items():
        own = next((document for document in versions if document.language == locale), None)
        title = Shown(own.title, locale, False) if own is not None else shown(head, "title", locale)
        result.append(DocumentGroup(title, sorted(versions, key=_language_order)))
    return result


def location(meeting, locale: str | None = None) -> str:
    """Where the meeting is — venue (in the reader's language), city, country — or ""."""
    venue = shown(meeting, "venue", locale).text
    return ", ".join(part for part in (venue, meeting.city, meeting.country_name) if part)
