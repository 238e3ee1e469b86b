"""A meeting's documents: upload, change, replace and remove them, each with its audit line.

Only PDF, Word, Excel, PowerPoint, PNG and JPEG files are taken, checked by their bytes as
well as their name: the content must be the container the extension promises (legacy
Office files share the OLE2 container, the newer ones a ZIP archive holding Office parts),
so a renamed program or archive is refused. Every service commits its change with its
audit line; the catalogue version rises with it (app.meetings.catalogue), so cached public
pages show the change at once.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from flask import current_app, send_file
from flask_babel import gettext
from sqlalchemy import func, select

from app.actors import Actor
from app.audit.services import changes, record
from app.extensions import db
from app.files.storage import load_bytes, store_bytes
from app.meetings.models import CONTENT_LANGUAGES, Document, DocumentKind, DocumentVisibility, Meeting
from app.text import has_nul, single_line_problem

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TITLE_MAX = 300
FILENAME_MAX = 120

_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
#: Extension → (container the bytes must be, Office part a ZIP must hold, content type).
ALLOWED = {
    "pdf": ("pdf", None, "application/pdf"),
    "doc": ("ole2", None, "application/msword"),
    "xls": ("ole2", None, "application/vnd.ms-excel"),
    "ppt": ("ole2", None, "application/vnd.ms-powerpoint"),
    "docx": ("zip", "word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("zip", "xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("zip", "ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "png": ("png", None, "image/png"),
    "jpg": ("jpeg", None, "image/jpeg"),
    "jpeg": ("jpeg", None, "image/jpeg"),
}
#: What filetype names each container by.
_SNIFFED = {"pdf": "pdf", "png": "png", "jpg": "jpeg", "zip": "zip", "docx": "zip", "xlsx": "zip", "pptx": "zip"}
#: Characters a filename keeps out of URLs, headers and other systems' file names.
_UNSAFE = re.compile(r"[<>:\"|?*%#;&+=\[\]{}`'$!@^~,\s]+")
_SNAPSHOT = ("title", "kind", "language", "visibility", "filename", "version_of_id")


@dataclass(frozen=True)
class Upload:
    #: As the browser sent it.
    filename: str
    data: bytes


@dataclass(frozen=True)
class DocumentDetails:
    title: str
    kind: DocumentKind
    language: str
    visibility: DocumentVisibility = DocumentVisibility.PUBLIC
    #: The document this one is another language's version of.
    version_of_id: int | None = None


class DocumentRefused(Exception):
    """What is wrong, by form field ("" for the form as a whole)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def list_documents(meeting: Meeting) -> list[Document]:
    return list(meeting.documents)


def list_public_documents(meeting: Meeting) -> list[Document]:
    """The documents the public page and the API list."""
    return [d for d in meeting.documents if d.visibility is DocumentVisibility.PUBLIC]


def list_delegate_documents(meeting: Meeting) -> list[Document]:
    """The documents only registered delegates see, on their own page."""
    return [d for d in meeting.documents if d.visibility is DocumentVisibility.DELEGATES]


def get_document(meeting: Meeting, document_id: int) -> Document | None:
    """The meeting's document ``document_id``; None if it is another meeting's or gone."""
    document = db.session.get(Document, document_id)
    return document if document is not None and document.meeting_id == meeting.id else None


def max_bytes() -> int:
    return int(current_app.config.get("DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _extension(filename: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    return extension.lower() if dot and stem.strip(" .") else ""


def clean_filename(raw: str) -> str:
    """A safe name for the file, its extension kept (lower case): no path, no characters
    URLs, headers or other systems' file names trip over; raises DocumentRefused if none."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise DocumentRefused({"file": gettext("Choose a file to upload.")})
    if "/" in name or "\\" in name or "\x00" in name or single_line_problem(name):
        raise DocumentRefused(
            {"file": gettext("The file's name must not hold folders, line breaks or control characters: rename it.")}
        )
    extension = _extension(name)
    if extension not in ALLOWED:
        raise DocumentRefused({"file": _type_message()})
    stem = _UNSAFE.sub("-", name[: -len(extension) - 1]).strip("-._")
    stem = stem[: FILENAME_MAX - len(extension) - 1].rstrip("-._") or "document"
    return f"{stem}.{extension}"


def _type_message() -> str:
    return gettext("Upload a PDF, Word, Excel, PowerPoint, PNG or JPEG file.")


def _container(data: bytes) -> str | None:
    if data.startswith(_OLE2_MAGIC):
        return "ole2"
    kind = filetype.guess(data)
    return _SNIFFED.get(kind.extension) if kind is not None else None


def _holds_office_part(data: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith(part) for name in names)


def check_upload(upload: Upload) -> tuple[str, str]:
    """The file's safe name and content type, or DocumentRefused on the "file" field."""
    filename = clean_filename(upload.filename)
    if not upload.data:
        raise DocumentRefused({"file": gettext("The file is empty.")})
    limit = max_bytes()
    if len(upload.data) > limit:
        raise DocumentRefused(
            {"file": gettext("The file is too large: at most %(size)s MB.", size=f"{limit / 1024 / 1024:.0f}")}
        )
    container, part, content_type = ALLOWED[_extension(filename)]
    if _container(upload.data) != container or (part and not _holds_office_part(upload.data, part)):
        raise DocumentRefused(
            {
                "file": gettext(
                    "The file's content is not what its name says (.%(extension)s). %(allowed)s",
                    extension=_extension(filename),
                    allowed=_type_message(),
                )
            }
        )
    return filename, content_type


def _check_details(meeting: Meeting, details: DocumentDetails, document: Document | None) -> dict[str, str]:
    errors = {}
    title = details.title.strip()
    if not title:
        errors["title"] = gettext("Enter the document's title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = gettext("Keep the title to %(count)s characters.", count=TITLE_MAX)
    elif has_nul(title) or single_line_problem(title):
        errors["title"] = single_line_problem(title) or gettext("Remove the control characters from the title.")
    if details.language not in CONTENT_LANGUAGES:
        errors["language"] = gettext("Choose the document's language.")
    if details.version_of_id is not None:
        problem = _version_problem(meeting, details, document)
        if problem:
            errors["version_of"] = problem
    return errors


def _version_problem(meeting: Meeting, details: DocumentDetails, document: Document | None) -> str | None:
    head = get_document(meeting, details.version_of_id)
    if head is None or head is document:
        return gettext("Choose another document of this meeting.")
    if head.version_of_id is not None:
        return gettext("Choose the document's first version, not one of its other languages.")
    if document is not None and document.other_versions:
        return gettext("This document has versions in other languages: it cannot itself be one.")
    taken = {head.language} | {v.language for v in head.other_versions if v is not document}
    if details.language in taken:
        return gettext("That document already has a version in this language.")
    return None


def _snapshot(document: Document) -> dict:
    return {name: getattr(document, name) for name in _SNAPSHOT}


def _apply(document: Document, details: DocumentDetails) -> None:
    document.title = details.title.strip()
    document.kind = details.kind
    document.language = details.language
    document.visibility = details.visibility
    document.version_of_id = details.version_of_id


def _store(document: Document, upload: Upload) -> None:
    document.filename, document.content_type = check_upload(upload)
    document.size = len(upload.data)
    document.storage_key = store_bytes(upload.data)


def add_document(meeting: Meeting, details: DocumentDetails, upload: Upload, *, now, actor: Actor) -> Document:
    """Upload a document to the meeting, listed after the others."""
    errors = _check_details(meeting, details, None)
    try:
        check_upload(upload)
    except DocumentRefused as refused:
        errors |= refused.errors
    if errors:
        raise DocumentRefused(errors)
    last = db.session.scalar(select(func.max(Document.position)).where(Document.meeting_id == meeting.id))
    document = Document(position=(last or 0) + 1)
    _apply(document, details)
    _store(document, upload)
    # Attached once complete: storing the bytes flushes the session.
    document.meeting = meeting
    db.session.add(document)
    db.session.flush()
    record(
        "document.added",
        actor=actor,
        now=now,
        meeting_id=meeting.id,
        target=("document", document.id),
        changed=changes({}, _snapshot(document)),
    )
    db.session.commit()
    return document


def change_document(document: Document, details: DocumentDetails, upload: Upload | None, *, now, actor: Actor) -> bool:
    """Change a document's details and, given a file, replace its file (its id, hence its
    address, stays; the old file name's address redirects to the new). False: nothing changed."""
    errors = _check_details(document.meeting, details, document)
    if upload is not None:
        try:
            check_upload(upload)
        except DocumentRefused as refused:
            errors |= refused.errors
    if errors:
        raise DocumentRefused(errors)
    before = _snapshot(document) | {"storage_key": document.storage_key}
    _apply(document, details)
    if upload is not None:
        _store(document, upload)
    after = _snapshot(document) | {"storage_key": document.storage_key}
    changed = changes(before, after)
    if not changed:
        db.session.rollback()
        return False
    record(
        "document.changed",
        actor=actor,
        now=now,
        meeting_id=document.meeting_id,
        target=("document", document.id),
        changed=changed,
    )
    db.session.commit()
    return True


def remove_document(document: Document, *, now, actor: Actor) -> None:
    """Remove a document; its versions in other languages stay, each then standing alone."""
    before = _snapshot(document)
    meeting_id, document_id = document.meeting_id, document.id
    for version in list(document.other_versions):
        version.version_of_id = None
    document.meeting.documents.remove(document)
    db.session.delete(document)
    record(
        "document.removed",
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        target=("document", document_id),
        changed=changes(before, {}),
    )
    db.session.commit()


def document_file(document: Document):
    """The document's bytes as a download (never shown in the browser; every response is
    nosniff, app.security), or None if its file is missing. Not to be cached: it is served
    to a signed-in organiser or through a delegate's token."""
    data = load_bytes(document.storage_key)
    if data is None:
        return None
    response = send_file(
        io.BytesIO(data), mimetype=document.content_type, as_attachment=True, download_name=document.filename
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
