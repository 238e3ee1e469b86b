"""The meeting editor's documents pages: upload, change, replace, remove, who may; and what
the public, the API and a registered delegate see of delegates-only documents."""

import io

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.extensions import db
from app.meetings.models import Document, DocumentKind, DocumentVisibility
from app.registration.tokens import make_manage_token
from tests.helpers.accounts import make_account
from tests.helpers.factories import make_document, make_meeting, make_open_meeting, make_registration
from tests.manage import browser, reload, signed_in, visible
from tests.meetings.test_documents import ELF, ooxml_bytes, pdf_bytes

PDF = pdf_bytes()


def form(filename="conclusions.pdf", data=PDF, **fields):
    values = {"title": "Joint conclusions", "kind": "joint-conclusions", "language": "en", "visibility": "public"}
    values.update(fields)
    if filename is not None:
        values["file"] = (io.BytesIO(data), filename)
    return values


def post(client, url, data):
    return client.post(url, data=data, content_type="multipart/form-data")


def only_document():
    db.session.expire_all()
    (document,) = db.session.scalars(select(Document)).all()
    return document


def exists(document_id) -> bool:
    db.session.expire_all()
    return db.session.scalar(select(Document.id).where(Document.id == document_id)) is not None


def actions():
    return [entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def assert_download(response, data):
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_organiser_uploads_a_document(app):
    meeting = make_meeting()
    client = signed_in(app, make_account(meetings=[meeting]))
    assert client.get(f"/manage/meetings/{meeting.slug}/documents/new").status_code == 200
    response = post(client, f"/manage/meetings/{meeting.slug}/documents/new", form())
    assert response.status_code == 302
    document = only_document()
    assert (document.title, document.kind) == ("Joint conclusions", DocumentKind.JOINT_CONCLUSIONS)
    assert document.filename == "conclusions.pdf"
    assert "document.added" in actions()
    page = client.get(f"/manage/meetings/{meeting.slug}/documents/").text
    assert "Joint conclusions" in page and "conclusions.pdf" in page
    assert_download(client.get(f"/manage/meetings/{meeting.slug}/documents/{document.id}/file"), PDF)
    public = browser(app).get(f"/meetings/{meeting.slug}/documents/{document.id}/conclusions.pdf")
    assert_download(public, PDF)


def test_a_refused_file_is_a_field_error_and_stores_nothing(app):
    meeting = make_meeting()
    client = signed_in(app, make_account(meetings=[meeting]))
    response = post(client, f"/manage/meetings/{meeting.slug}/documents/new", form(data=ELF))
    assert response.status_code == 200
    assert 'id="file-error"' in response.text and "not what its name says" in visible(response.text)
    response = post(client, f"/manage/meetings/{meeting.slug}/documents/new", form(filename=None))
    assert "Choose a file to upload." in visible(response.text)
    response = post(client, f"/manage/meetings/{meeting.slug}/documents/new", form(kind="poem", title="a\x00b"))
    assert response.status_code == 200
    assert db.session.scalars(select(Document)).all() == []


def test_replacing_the_file_keeps_the_public_address(app):
    meeting = make_meeting()
    document = make_document(meeting, PDF, filename="conclusions.pdf")
    client = signed_in(app, make_account(meetings=[meeting]))
    docx = ooxml_bytes("word")
    url = f"/manage/meetings/{meeting.slug}/documents/{document.id}/"
    assert client.get(url).status_code == 200
    response = post(client, url, form("Final conclusions.docx", docx, title="Final conclusions", language="fr"))
    assert response.status_code == 302
    changed = reload(document)
    assert (changed.id, changed.filename, changed.language) == (document.id, "Final-conclusions.docx", "fr")
    public = browser(app)
    old = public.get(f"/meetings/{meeting.slug}/documents/{document.id}/conclusions.pdf")
    assert old.status_code == 301
    assert old.headers["Location"].endswith(f"/documents/{document.id}/Final-conclusions.docx")
    assert_download(public.get(old.headers["Location"]), docx)
    (line,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "document.changed"))
    assert line.changes["filename"] == ["conclusions.pdf", "Final-conclusions.docx"]


def test_changing_the_details_without_a_file_keeps_the_file(app):
    meeting = make_meeting()
    document = make_document(meeting, PDF)
    client = signed_in(app, make_account(meetings=[meeting]))
    url = f"/manage/meetings/{meeting.slug}/documents/{document.id}/"
    response = post(client, url, form(None, title="Report", kind="report"))
    assert response.status_code == 302
    changed = reload(document)
    assert (changed.title, changed.kind, changed.storage_key) == ("Report", DocumentKind.REPORT, document.storage_key)


def test_removing_asks_first_then_removes(app):
    meeting = make_meeting()
    document = make_document(meeting, PDF)
    document_id, slug = document.id, meeting.slug
    client = signed_in(app, make_account(meetings=[meeting]))
    url = f"/manage/meetings/{slug}/documents/{document_id}/remove"
    page = client.get(url)
    assert page.status_code == 200 and "Remove the document" in page.text
    assert exists(document_id)
    assert client.post(url).status_code == 302
    assert not exists(document_id)
    assert actions()[-1] == "document.removed"
    assert browser(app).get(f"/meetings/{slug}/documents/{document_id}/joint-conclusions.pdf").status_code == 404


def test_a_viewer_sees_the_list_but_changes_nothing(app):
    meeting = make_meeting()
    document = make_document(meeting, PDF)
    client = signed_in(app, make_account(Role.VIEWER, meetings=[meeting]))
    base = f"/manage/meetings/{meeting.slug}/documents"
    page = client.get(f"{base}/")
    assert page.status_code == 200 and document.title in page.text
    assert "Upload a document" not in page.text
    assert post(client, f"{base}/new", form()).status_code == 403
    assert post(client, f"{base}/{document.id}/", form(None, title="Changed")).status_code == 403
    assert client.post(f"{base}/{document.id}/remove").status_code == 403
    assert reload(document).title == "Joint conclusions"
    assert_download(client.get(f"{base}/{document.id}/file"), PDF)


def test_another_meetings_document_is_a_404(app):
    meeting, other = make_meeting(), make_meeting()
    document = make_document(other, PDF)
    client = signed_in(app, make_account(meetings=[meeting, other]))
    base = f"/manage/meetings/{meeting.slug}/documents/{document.id}"
    for url in (f"{base}/", f"{base}/remove", f"{base}/file"):
        assert client.get(url).status_code == 404
    assert client.post(f"{base}/remove").status_code == 404
    assert client.get(f"/manage/meetings/{meeting.slug}/documents/99999999999999999999/").status_code == 404
    assert exists(document.id)


def test_delegates_only_documents_reach_registered_delegates_only(app):
    meeting = make_open_meeting()
    public = make_document(meeting, PDF, title="Programme", filename="programme.pdf")
    secret = make_document(
        meeting,
        b"%PDF-1.4 delegates",
        title="Draft conclusions",
        filename="draft.pdf",
        visibility=DocumentVisibility.DELEGATES,
    )
    visitor, slug = browser(app), meeting.slug
    page = visitor.get(f"/meetings/{slug}").text
    assert "Programme" in page and "Draft conclusions" not in page
    api = visitor.get(f"/api/v1/meetings/{meeting.slug}").get_json()
    assert [d["title"] for d in api["documents"]] == ["Programme"]
    assert visitor.get(f"/meetings/{meeting.slug}/documents/{secret.id}/draft.pdf").status_code == 404

    token = make_manage_token(make_registration(meeting))
    own = visitor.get(f"/meetings/{meeting.slug}/registration/{token}").text
    assert "Documents for delegates" in own and "Draft conclusions" in own
    url = f"/meetings/{meeting.slug}/registration/{token}/documents/{secret.id}/draft.pdf"
    assert url in own
    assert_download(visitor.get(url), b"%PDF-1.4 delegates")
    assert "no-store" in visitor.get(url).headers["Cache-Control"]
    assert visitor.get(f"/meetings/{slug}/registration/x/documents/{secret.id}/draft.pdf").status_code != 200

    unconfirmed = make_manage_token(make_registration(meeting, confirm=False))
    assert "Draft conclusions" not in visitor.get(f"/meetings/{meeting.slug}/registration/{unconfirmed}").text
    refused = visitor.get(f"/meetings/{slug}/registration/{unconfirmed}/documents/{secret.id}/draft.pdf")
    assert refused.status_code == 404
    assert public.id != secret.id


def test_a_document_made_public_appears_on_the_cached_public_page(app):
    meeting = make_meeting()
    document = make_document(meeting, PDF, title="Draft conclusions", visibility=DocumentVisibility.DELEGATES)
    visitor = browser(app)
    assert "Draft conclusions" not in visitor.get(f"/meetings/{meeting.slug}").text
    client = signed_in(app, make_account(meetings=[meeting]))
    post(client, f"/manage/meetings/{meeting.slug}/documents/{document.id}/", form(None, title="Draft conclusions"))
    assert reload(document).visibility is DocumentVisibility.PUBLIC
    assert "Draft conclusions" in visitor.get(f"/meetings/{meeting.slug}").text


def test_the_pages_answer_every_bad_input_without_a_500(app):
    meeting = make_meeting()
    document = make_document(meeting, PDF)
    client = signed_in(app, make_account(meetings=[meeting]))
    url = f"/manage/meetings/{meeting.slug}/documents/{document.id}/"
    for data in (
        form(None, title="x" * 5000),
        form(None, visibility="everyone"),
        form(None, language="\x00"),
        form(None, version_of="abc"),
        form(None, version_of=str(document.id)),
        form("\x00.pdf"),
        form("../x.pdf"),
    ):
        assert post(client, url, data).status_code == 200
    # Nothing posted: the form keeps what it holds, and nothing changes.
    assert post(client, url, {}).status_code in (200, 302)
    assert reload(document).title == "Joint conclusions"
