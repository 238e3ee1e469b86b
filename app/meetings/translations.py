"""A meeting's content in languages other than its original one.

The original language's text stays in the content's own columns (``Meeting.title``...);
each other language a meeting, a programme session or a document title is written in is
one row here, keyed (object, language). An empty field means "not translated": the page
falls back to the original (``app.meetings.content.shown``).
"""

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.meetings.models import CONTENT_LANGUAGES, Document, Meeting, ProgrammeSession

_KNOWN_LANGUAGE = "language IN ({})".format(", ".join(f"'{code}'" for code in CONTENT_LANGUAGES))


class MeetingTranslation(db.Model):
    __table_args__ = (CheckConstraint(_KNOWN_LANGUAGE, name="language_known"),)
    #: The fields a translation holds; the same names as the meeting's columns.
    FIELDS = ("title", "theme", "summary", "description", "venue")

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    theme: Mapped[str] = mapped_column(String(300), default="")
    #: Plain text, as Meeting.summary.
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Markdown, as Meeting.description.
    description: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(300), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="translations")


class ProgrammeSessionTranslation(db.Model):
    __table_args__ = (CheckConstraint(_KNOWN_LANGUAGE, name="language_known"),)
    FIELDS = ("title", "description")

    session_id: Mapped[int] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    session: Mapped[ProgrammeSession] = relationship(back_populates="translations")


class DocumentTranslation(db.Model):
    """A document's title in another language (the document's file stays in its own language;
    a version in another language is another Document, ``version_of`` the first)."""

    __table_args__ = (CheckConstraint(_KNOWN_LANGUAGE, name="language_known"),)
    FIELDS = ("title",)

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    title: Mapped[str] = mapped_column(String(300), default="")

    document: Mapped[Document] = relationship(back_populates="translations")


TRANSLATION_OF = {
    Meeting: MeetingTranslation,
    ProgrammeSession: ProgrammeSessionTranslation,
    Document: DocumentTranslation,
}
TRANSLATIONS = tuple(TRANSLATION_OF.values())


def original_language(obj) -> str:
    """The language ``obj``'s own columns are written in: the meeting's original language; for a
    document, the document's own language when content may be written in it."""
    if isinstance(obj, Document) and obj.language in CONTENT_LANGUAGES:
        return obj.language
    meeting = obj if isinstance(obj, Meeting) else obj.meeting
    # A meeting not yet flushed has no default yet.
    return (meeting.original_language if meeting is not None else None) or "en"


def translated_fields(obj) -> tuple[str, ...]:
    """The fields of ``obj`` that may be held in several languages."""
    for model, translation in TRANSLATION_OF.items():
        if isinstance(obj, model):
            return translation.FIELDS
    raise TypeError(f"{type(obj).__name__} has no content in several languages")


def set_translation(obj, language: str, **texts: str):
    """Write ``obj``'s texts in ``language`` (a Meeting's, a ProgrammeSession's or a Document's
    translated fields), creating its row if needed; the original stays in ``obj``'s columns."""
    fields = translated_fields(obj)
    if language not in CONTENT_LANGUAGES:
        raise ValueError(f"content cannot be written in {language!r}")
    if language == original_language(obj):
        raise ValueError(f"{language!r} is the original language: set the object's own columns")
    unknown = set(texts) - set(fields)
    if unknown:
        raise ValueError(f"not translatable: {', '.join(sorted(unknown))}")
    row = obj.translations.get(language)
    if row is None:
        row = obj.translations[language] = TRANSLATION_OF[type(obj)](language=language)
    for name, value in texts.items():
        setattr(row, name, value or "")
    return row
