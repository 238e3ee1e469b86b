"""The documents services: which files are taken (by content and by name), the versions in
other languages, the audit lines, the catalogue version."""

import io
import struct
import zipfile
import zlib
from datetime import UTC, datetime

import pytest
from fpdf import FPDF
from sqlalchemy import select

from app.actors import Actor
from app.audit.models import AuditEntry
from app.extensions import db
from app.files.storage import load_bytes
from app.meetings import documents as services
from app.meetings.catalogue import get_catalogue_state
from app.meetings.content import grouped_documents
from app.meetings.models import Document, DocumentKind, DocumentVisibility
from tests.helpers.factories import make_meeting

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
ACTOR = Actor.system("tests")


def pdf_bytes() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Joint conclusions")
    return bytes(pdf.output())


def ooxml_bytes(part: str) -> bytes:
    """A minimal .docx (``word``), .xlsx (``xl``) or .pptx (``ppt``): a ZIP with its content types."""
    main = {"word": "word/document.xml", "xl": "xl/workbook.xml", "ppt": "ppt/presentation.xml"}[part]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/{main}" ContentType="application/xml"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main, "<document/>")
    return buffer.getvalue()


def png_bytes() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


JPEG = bytes.fromhex("FFD8FFE000104A46494600010100000100010000FFD9")
DOCX, XLSX, PPTX = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
PE = b"MZ" + b"\x90" * 62 + b"PE\x00\x00"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not an office file")
    return buffer.getvalue()


def details(**fields) -> services.DocumentDetails:
    values = dict(title="Joint conclusions", kind=DocumentKind.JOINT_CONCLUSIONS, language="en")
    return services.DocumentDetails(**(values | fields))


def add(meeting, filename="conclusions.pdf", data=None, **fields) -> Document:
    upload = services.Upload(filename, pdf_bytes() if data is None else data)
    return services.add_document(meeting, details(**fields), upload, now=NOW, actor=ACTOR)


def audit_lines(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.parametrize(
    ("filename", "data", "content_type"),
    [
        ("conclusions.pdf", pdf_bytes(), "application/pdf"),
        ("report.docx", ooxml_bytes("word"), DOCX),
        ("figures.xlsx", ooxml_bytes("xl"), XLSX),
        ("slides.pptx", ooxml_bytes("ppt"), PPTX),
        ("old.doc", OLE2, "application/msword"),
        ("old.xls", OLE2, "application/vnd.ms-excel"),
        ("old.ppt", OLE2, "application/vnd.ms-powerpoint"),
        ("map.png", png_bytes(), "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.JPEG", JPEG, "image/jpeg"),
    ],
)
def test_each_allowed_type_is_taken_and_stored(app, filename, data, content_type):
    meeting = make_meeting()
    document = add(meeting, filename, data)
    assert document.content_type == content_type
    assert document.filename == filename.rsplit(".", 1)[0] + "." + filename.rsplit(".", 1)[1].lower()
    assert document.size == len(data)
    assert load_bytes(document.storage_key) == data


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("conclusions.pdf", ELF),  # a program renamed
        ("conclusions.pdf", PE),
        ("report.docx", plain_zip()),  # an archive that is no Office file
        ("report.docx", ooxml_bytes("xl")),  # a workbook named as a Word file
        ("report.doc", pdf_bytes()),  # a PDF named as a legacy Word file
        ("map.png", JPEG),
        ("logo.svg", SVG),  # not among the types, whatever its content
        ("tool.exe", PE),
        ("conclusions", pdf_bytes()),  # no extension
        (".pdf", pdf_bytes()),  # nothing but an extension
    ],
)
def test_a_file_not_what_it_says_or_not_allowed_is_refused(app, filename, data):
    meeting = make_meeting()
    with pytest.raises(services.DocumentRefused) as refused:
        add(meeting, filename, data)
    assert "file" in refused.value.errors
    assert db.session.scalars(select(Document)).all() == []


def test_an_empty_file_is_refused(app):
    with pytest.raises(services.DocumentRefused) as refused:
        add(make_meeting(), "conclusions.pdf", b"")
    assert refused.value.errors["file"] == "The file is empty."


def test_a_file_over_the_configured_size_is_refused(app):
    data = pdf_bytes()
    app.config["DOCUMENT_MAX_BYTES"] = len(data) - 1
    with pytest.raises(services.DocumentRefused) as refused:
        add(make_meeting(), "conclusions.pdf", data)
    assert "too large" in refused.value.errors["file"]
    app.config["DOCUMENT_MAX_BYTES"] = len(data)
    assert add(make_meeting(), "conclusions.pdf", data).size == len(data)


@pytest.mark.parametrize(
    "filename", ["../../etc/conclusions.pdf", "C:\\Users\\me\\conclusions.pdf", "con\x00clusions.pdf", "a\nb.pdf", ""]
)
def test_a_name_with_folders_or_control_characters_is_refused(app, filename):
    with pytest.raises(services.DocumentRefused) as refused:
        add(make_meeting(), filename)
    assert "file" in refused.value.errors


def test_the_stored_name_is_cleaned_and_keeps_its_extension(app):
    assert services.clean_filename('Joint "conclusions" <final>?.PDF') == "Joint-conclusions-final.pdf"
    assert services.clean_filename("Conclusions communes été.pdf") == "Conclusions-communes-été.pdf"
    assert services.clean_filename("###.pdf") == "document.pdf"
    long = services.clean_filename("x" * 400 + ".docx")
    assert len(long) == services.FILENAME_MAX and long.endswith(".docx")


def test_the_title_and_language_are_checked(app):
    meeting = make_meeting()
    for fields, field in [
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"language": "de"}, "language"),
    ]:
        with pytest.raises(services.DocumentRefused) as refused:
            add(meeting, **fields)
        assert field in refused.value.errors
    assert meeting.documents == []


def test_adding_writes_an_audit_line_and_raises_the_catalogue_version(app):
    meeting = make_meeting()
    version = get_catalogue_state()[0]
    document = add(meeting, visibility=DocumentVisibility.DELEGATES)
    assert get_catalogue_state()[0] > version
    (line,) = audit_lines("document.added")
    assert (line.meeting_id, line.target_kind, line.target_ref) == (meeting.id, "document", str(document.id))
    assert line.changes["title"] == [None, "Joint conclusions"]
    assert line.changes["visibility"] == [None, "delegates"]
    assert line.changes["filename"] == [None, "conclusions.pdf"]


def test_changing_and_replacing_keeps_the_id_and_is_audited(app):
    meeting = make_meeting()
    document = add(meeting)
    document_id, version = document.id, get_catalogue_state()[0]
    changed = services.change_document(
        document,
        details(title="Final conclusions", kind=DocumentKind.REPORT, language="fr"),
        services.Upload("final.docx", ooxml_bytes("word")),
        now=NOW,
        actor=ACTOR,
    )
    assert changed
    assert get_catalogue_state()[0] > version
    document = db.session.get(Document, document_id)
    assert (document.filename, document.language, document.kind) == ("final.docx", "fr", DocumentKind.REPORT)
    (line,) = audit_lines("document.changed")
    assert line.changes["title"] == ["Joint conclusions", "Final conclusions"]
    assert line.changes["filename"] == ["conclusions.pdf", "final.docx"]
    assert line.changes["kind"] == ["joint-conclusions", "report"]


def test_changing_nothing_writes_no_line(app):
    document = add(make_meeting())
    assert not services.change_document(document, details(), None, now=NOW, actor=ACTOR)
    assert audit_lines("document.changed") == []


def test_a_refused_replacement_changes_nothing(app):
    document = add(make_meeting())
    with pytest.raises(services.DocumentRefused):
        services.change_document(document, details(title="New"), services.Upload("x.pdf", ELF), now=NOW, actor=ACTOR)
    db.session.rollback()
    assert db.session.get(Document, document.id).title == "Joint conclusions"


def test_removing_is_audited_and_leaves_the_other_versions(app):
    meeting = make_meeting()
    english = add(meeting)
    french = add(meeting, "conclusions-fr.pdf", language="fr", version_of_id=english.id)
    version = get_catalogue_state()[0]
    services.remove_document(english, now=NOW, actor=ACTOR)
    assert get_catalogue_state()[0] > version
    db.session.expire_all()
    assert [d.id for d in db.session.get(type(meeting), meeting.id).documents] == [french.id]
    assert db.session.get(Document, french.id).version_of_id is None
    (line,) = audit_lines("document.removed")
    assert line.target_ref == str(english.id)
    assert line.changes["title"] == ["Joint conclusions", None]


def test_versions_in_other_languages(app):
    meeting, other = make_meeting(), make_meeting()
    english = add(meeting)
    french = add(meeting, language="fr", version_of_id=english.id)
    assert french.version_of is english
    elsewhere = add(other)
    cases = [
        ({"language": "en", "version_of_id": english.id}, "already has a version"),  # the first's own language
        ({"language": "fr", "version_of_id": english.id}, "already has a version"),  # taken by the French
        ({"language": "ar", "version_of_id": french.id}, "first version"),  # a version of a version
        ({"language": "ar", "version_of_id": elsewhere.id}, "another document"),  # another meeting's
    ]
    for fields, message in cases:
        with pytest.raises(services.DocumentRefused) as refused:
            add(meeting, **fields)
        assert message in refused.value.errors["version_of"]
    with pytest.raises(services.DocumentRefused) as refused:
        services.change_document(english, details(language="ar", version_of_id=english.id), None, now=NOW, actor=ACTOR)
    assert "version_of" in refused.value.errors


def test_delegates_only_documents_are_not_grouped_for_the_public(app):
    meeting = make_meeting()
    public = add(meeting, title="Programme")
    add(meeting, title="Draft conclusions", visibility=DocumentVisibility.DELEGATES)
    groups = grouped_documents(meeting, "en")
    assert [group.versions for group in groups] == [[public]]
    assert [d.title for d in services.list_delegate_documents(meeting)] == ["Draft conclusions"]
