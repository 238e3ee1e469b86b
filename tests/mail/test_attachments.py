"""Files and inline images in outbox messages: checked at enqueue, kept in the blob store,
sent in the MIME tree clients expect, and removed by the purges."""

import hashlib
import os

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.files.storage import StoredFile
from app.mail.attachments import MAX_ATTACHMENT_BYTES, Attachment, AttachmentRefused, OutboxAttachment
from app.mail.outbox import OutboxStatus, enqueue
from app.mail.records import remove_attachments
from app.mail.worker import send_pending
from tests.helpers.factories import make_document, make_meeting
from tests.helpers.mail import attempts_of, make_invite, queue, rows

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(300)
PDF = b"%PDF-1.4\n" + os.urandom(5000) + b"\r\n\x00\xff%%EOF"
HTML = '<p>Dear Amina,</p><p><img src="cid:qr@meetings" alt="Your badge code"></p>'


def _qr(**fields):
    return Attachment(**{"filename": "qr.png", "content_type": "image/png", "data": PNG, "inline": True} | fields)


def _letter(**fields):
    return Attachment(**{"filename": "letter.pdf", "content_type": "application/pdf", "data": PDF} | fields)


def _tree(part):
    """The MIME tree as nested (type, [children]) tuples, leaves as their type."""
    if part.is_multipart():
        return (part.get_content_type(), [_tree(child) for child in part.get_payload()])
    return part.get_content_type()


def _blob_count():
    return db.session.scalar(select(func.count()).select_from(StoredFile))


def _send_one(smtp, **fields):
    queue(**{"calendar": False, "html": HTML} | fields)
    assert send_pending().sent == 1
    (received,) = smtp.wait_for(1)
    return received


def test_a_file_and_an_inline_image_arrive_as_mixed_alternative_related(app, smtp):
    received = _send_one(smtp, attachments=[_letter(), _qr(content_id="qr@meetings")])
    email = received.message

    assert _tree(email) == (
        "multipart/mixed",
        [
            ("multipart/alternative", ["text/plain", ("multipart/related", ["text/html", "image/png"])]),
            "application/pdf",
        ],
    )
    alternative, letter = email.get_payload()
    related = alternative.get_payload()[1]
    assert related.get_param("type") == "text/html"
    html, image = related.get_payload()
    assert 'src="cid:qr@meetings"' in html.get_content()
    assert image["Content-ID"] == "<qr@meetings>"
    assert image.get_content_disposition() == "inline" and image.get_filename() == "qr.png"
    assert image.get_payload(decode=True) == PNG
    assert letter.get_content_disposition() == "attachment" and letter.get_filename() == "letter.pdf"
    assert letter.get_payload(decode=True) == PDF
    assert max(map(len, received.raw.split(b"\r\n"))) <= 998


def test_with_an_invite_the_calendar_stays_an_alternative_and_files_follow_invite_ics(app, smtp):
    received = _send_one(
        smtp, calendar=make_invite(), attachments=[_qr(content_id="qr@meetings"), _letter(filename="programme.pdf")]
    )

    assert _tree(received.message) == (
        "multipart/mixed",
        [
            (
                "multipart/alternative",
                ["text/plain", ("multipart/related", ["text/html", "image/png"]), "text/calendar"],
            ),
            "application/ics",
            "application/pdf",
        ],
    )
    assert received.message.get_payload()[2].get_filename() == "programme.pdf"


def test_files_alone_leave_the_alternative_as_it_was(app, smtp):
    received = _send_one(smtp, html="<p>No images</p>", attachments=[_letter(), _letter(filename="b.pdf")])

    assert _tree(received.message) == (
        "multipart/mixed",
        [("multipart/alternative", ["text/plain", "text/html"]), "application/pdf", "application/pdf"],
    )
    assert [part.get_filename() for part in received.message.get_payload()[1:]] == ["letter.pdf", "b.pdf"]


@pytest.mark.parametrize(
    "filename",
    [
        "Lettre d’invitation – Zoë Müller.pdf",
        "دعوة لحضور الاجتماع التشاوري الإقليمي بشأن الهجرة في أديس أبابا ٢٠٢٧ - الوفد الرسمي.pdf",
        "a-plain-ascii-name-that-is-far-longer-than-one-folded-header-line-would-hold.pdf",
    ],
)
def test_a_filename_beyond_ascii_or_long_survives_in_short_lines(app, smtp, filename):
    received = _send_one(smtp, attachments=[_letter(filename=filename)])

    letter = received.message.get_payload()[1]
    assert letter.get_filename() == filename
    assert letter.get_param("name") == filename
    assert letter.get_payload(decode=True) == PDF
    assert max(map(len, received.raw.split(b"\r\n"))) <= 998


def test_each_attachment_is_stored_once_per_content_in_the_blob_store(app):
    meeting = make_meeting()
    document = make_document(meeting, PDF)
    queue(2, calendar=False, html=HTML, attachments=[_letter(), _qr(content_id="qr@meetings")])

    stored = db.session.scalars(select(OutboxAttachment).order_by(OutboxAttachment.id)).all()
    assert [(a.position, a.filename, a.disposition.value, a.content_id, a.size) for a in stored] == [
        (0, "letter.pdf", "attachment", None, len(PDF)),
        (1, "qr.png", "inline", "qr@meetings", len(PNG)),
    ] * 2
    assert stored[0].storage_key == document.storage_key == hashlib.sha256(PDF).hexdigest()
    assert _blob_count() == 2


REFUSED = [
    ("a folder", [_letter(filename="../letter.pdf")]),
    ("a Windows folder", [_letter(filename="C:\\letter.pdf")]),
    ("a line break", [_letter(filename="letter.pdf\r\nX-Evil: 1")]),
    ("a text-direction override", [_letter(filename="fdp.\u202eexe")]),
    ("an empty name", [_letter(filename="")]),
    ("surrounding spaces", [_letter(filename=" letter.pdf")]),
    ("no subtype", [_letter(content_type="pdf")]),
    ("a parameter in the type", [_letter(content_type="application/pdf; name=x")]),
    ("a multipart type", [_letter(content_type="multipart/mixed")]),
    ("no bytes", [_letter(data=b"")]),
    ("text, not bytes", [_letter(data="%PDF")]),
    ("inline without a content_id", [_qr()]),
    ("inline never shown by the HTML", [_qr(content_id="other@meetings")]),
    ("a content_id with angle brackets", [_qr(content_id="<qr@meetings>")]),
    ("a content_id with a quote the HTML shows", [_qr(content_id='qr@meetings"')]),
    ("a content_id twice", [_qr(content_id="qr@meetings"), _qr(content_id="qr@meetings", filename="b.png")]),
    ("an inline part that is no image", [_letter(inline=True, content_id="qr@meetings")]),
    ("a content_id on a file", [_letter(content_id="qr@meetings")]),
    (
        "too many bytes",
        [_letter(data=b"x" * (MAX_ATTACHMENT_BYTES // 2 + 1)), _letter(data=b"y" * (MAX_ATTACHMENT_BYTES // 2))],
    ),
    ("not an Attachment", [("letter.pdf", "application/pdf", PDF)]),
]


@pytest.mark.parametrize("attachments", [case[1] for case in REFUSED], ids=[case[0] for case in REFUSED])
def test_a_bad_attachment_is_refused_at_enqueue_and_changes_nothing(app, attachments):
    with pytest.raises(AttachmentRefused):
        enqueue(
            to_email="amina@example.org", to_name="Amina", subject="S", text="T", html=HTML, attachments=attachments
        )

    assert not db.session.new
    db.session.commit()
    assert rows() == [] and _blob_count() == 0


def test_ten_megabytes_in_all_are_accepted(app):
    (message,) = queue(calendar=False, attachments=[_letter(data=b"x" * MAX_ATTACHMENT_BYTES)])

    assert [a.size for a in message.attachments] == [MAX_ATTACHMENT_BYTES]


def test_a_message_whose_blob_is_gone_fails_at_once_and_says_why(app, smtp):
    (message,) = queue(calendar=False, attachments=[_letter()])
    db.session.execute(StoredFile.__table__.delete())
    db.session.commit()

    stats = send_pending()

    assert stats.failed == 1 and smtp.messages == []
    (row,) = rows()
    assert row.status is OutboxStatus.FAILED and row.attempts == 1
    assert "letter.pdf" in row.last_error and "no longer in the blob store" in row.last_error
    assert len(attempts_of(message.id)) == 1


def test_remove_attachments_deletes_the_rows_and_only_the_blobs_nothing_else_holds(app):
    meeting = make_meeting()
    make_document(meeting, PDF)
    own = Attachment("mine.png", "image/png", b"only here", inline=True, content_id="qr@meetings")
    shared = Attachment("shared.png", "image/png", b"also in another email")
    (target,) = queue(calendar=False, html=HTML, attachments=[_letter(), own, shared])
    (other,) = queue(calendar=False, attachments=[shared])
    (sent,) = queue(calendar=False, attachments=[_letter(filename="old.pdf")])
    sent.status, sent.sent_at = OutboxStatus.SENT, sent.created_at
    db.session.commit()

    assert remove_attachments(message_ids=[target.id, sent.id]) == 4
    db.session.commit()

    remaining = db.session.scalars(select(OutboxAttachment)).all()
    assert [(a.outbox_message_id, a.filename) for a in remaining] == [(other.id, "shared.png")]
    keys = set(db.session.scalars(select(StoredFile.key)))
    # The PDF is a meeting's document too, and the shared image is in another email.
    assert keys == {hashlib.sha256(PDF).hexdigest(), hashlib.sha256(b"also in another email").hexdigest()}
    by_id = {row.id: row for row in rows()}
    assert by_id[target.id].status is OutboxStatus.FAILED and "removed" in by_id[target.id].last_error
    assert by_id[sent.id].status is OutboxStatus.SENT
    assert by_id[other.id].status is OutboxStatus.PENDING


def test_remove_attachments_needs_to_be_told_which_messages(app):
    with pytest.raises(TypeError):
        remove_attachments()
    assert remove_attachments(message_ids=[]) == 0
