"""Queueing emails in the caller's transaction, and the email each row becomes."""

from datetime import timedelta
from email.utils import getaddresses, parsedate_to_datetime

import pytest
import vobject
from sqlalchemy import update

from app.extensions import db
from app.mail.outbox import (
    AttemptOutcome,
    CalendarMethod,
    OutboxMessage,
    OutboxStatus,
    enqueue,
)
from app.mail.worker import send_pending
from tests.helpers.mail import attempts_of, make_invite, queue, rows

GOOD = dict(
    to_email="amina@example.org",
    to_name="Amina Diallo",
    subject="Registration confirmed",
    text="Dear Amina,\n",
    html="<p>Dear Amina,</p>",
)


def _lf(text):
    """A part's text with the wire's CRLF line ends read back as LF."""
    return text.replace("\r\n", "\n")


def test_enqueue_adds_to_the_callers_transaction_without_committing(app):
    message = enqueue(**GOOD)

    assert message in db.session.new
    db.session.rollback()
    assert rows() == []


def test_a_committed_message_is_pending_with_a_message_id_fixed_at_enqueue(app):
    message = enqueue(**GOOD, calendar=make_invite())
    db.session.commit()

    (row,) = rows()
    assert row.status is OutboxStatus.PENDING and row.attempts == 0
    assert row.calendar_method is CalendarMethod.REQUEST
    assert row.message_id == message.message_id
    assert row.message_id.startswith("<") and row.message_id.endswith("@khartoumprocess.example>")


def test_a_rolled_back_transaction_sends_nothing(app, smtp):
    enqueue(**GOOD)
    db.session.rollback()

    stats = send_pending()

    assert stats.claimed == 0
    assert smtp.messages == [] and smtp.sessions == 0


@pytest.mark.parametrize(
    "field, value",
    [
        ("to_name", "Eve\r\nBcc: victim@example.org"),
        ("to_name", "Eve\nBcc: victim@example.org"),
        ("to_name", "Eve\rX-Injected: yes"),
        ("to_name", "Eve\u2028Bcc: victim@example.org"),
        ("to_name", "Eve\u0085Bcc: victim@example.org"),
        ("to_name", "Eve\u202eBcc: victim@example.org"),
        ("subject", "Hello\r\nBcc: victim@example.org"),
        ("subject", "Hello\u2029Bcc: victim@example.org"),
        ("subject", "Hello\x00Bcc: victim@example.org"),
    ],
)
def test_names_and_subjects_are_cleaned_into_one_line_never_refused(app, smtp, field, value):
    """A delegate's odd character must not make the change that emails them fail."""
    (message,) = queue(**{field: value})

    assert message.status is OutboxStatus.PENDING
    assert send_pending().sent == 1
    (received,) = smtp.wait_for(1)
    assert received.rcpt_tos == [message.to_email]
    assert received.message["Bcc"] is None and received.message["X-Injected"] is None
    header = received.message["To" if field == "to_name" else "Subject"]
    assert "Bcc: victim@example.org" in header or "X-Injected: yes" in header


@pytest.mark.parametrize(
    "field, value",
    [
        ("to_email", "eve@example.org\r\nBcc: victim@example.org"),
        ("to_email", "eve@example.org, victim@example.org"),
        ("to_email", "Eve <eve@example.org>"),
        ("to_email", "not-an-address"),
    ],
)
def test_enqueue_refuses_bad_addresses(app, field, value):
    with pytest.raises(ValueError):
        enqueue(**{**GOOD, field: value})
    assert not db.session.new


@pytest.mark.parametrize(
    "calendar, method",
    [
        (None, "REQUEST"),
        (make_invite("REQUEST"), "CANCEL"),
        (make_invite().replace("METHOD:REQUEST\r\n", ""), None),
        (make_invite().replace("METHOD:REQUEST", "METHOD:PUBLISH"), None),
    ],
)
def test_enqueue_refuses_a_calendar_without_a_matching_method(app, calendar, method):
    with pytest.raises(ValueError):
        enqueue(**GOOD, calendar=calendar, calendar_method=method)


def test_the_method_is_read_from_the_invite_when_not_given(app):
    message = enqueue(**GOOD, calendar=make_invite("CANCEL").encode())

    assert message.calendar_method is CalendarMethod.CANCEL
    assert isinstance(message.calendar, str)


def test_a_committed_email_arrives_once_with_its_headers_alternatives_and_invite(app, smtp):
    invite = make_invite()
    (message,) = queue(
        to_name="Zoë Müller-Ndiaye",
        subject="Inscription confirmée : réunion thématique",
        to_email="zoe@example.org",
        text="Chère Zoë,\n\nVotre place est confirmée.\n",
        html="<p>Chère Zoë,</p>",
        calendar=invite,
    )

    stats = send_pending()
    (received,) = smtp.wait_for(1)

    assert stats.sent == 1
    email = received.message
    assert received.rcpt_tos == ["zoe@example.org"]
    assert received.mail_from == "secretariat@khartoumprocess.example"
    secretariat = ("Khartoum Process Secretariat", "secretariat@khartoumprocess.example")
    assert getaddresses([str(email["From"])]) == [secretariat]
    assert getaddresses([str(email["To"])]) == [("Zoë Müller-Ndiaye", "zoe@example.org")]
    assert getaddresses([str(email["Reply-To"])]) == [secretariat]
    assert email["Subject"] == "Inscription confirmée : réunion thématique"
    assert email["Message-ID"] == message.message_id
    assert abs(parsedate_to_datetime(email["Date"]) - message.created_at) < timedelta(seconds=1)
    assert email["Auto-Submitted"] == "auto-generated"

    assert email.get_content_type() == "multipart/mixed"
    alternative, attachment = email.get_payload()
    plain, html, inline = alternative.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert plain.get_content_type() == "text/plain"
    assert _lf(plain.get_content()) == "Chère Zoë,\n\nVotre place est confirmée.\n"
    assert html.get_content_type() == "text/html" and "<p>Chère Zoë,</p>" in html.get_content()
    assert inline.get_content_type() == "text/calendar"
    assert inline.get_param("method") == "REQUEST" and inline.get_param("charset").lower() == "utf-8"
    assert inline.get_content_disposition() is None
    assert attachment.get_content_type() == "application/ics" and attachment.get_param("method") == "REQUEST"
    assert attachment.get_content_disposition() == "attachment" and attachment.get_filename() == "invite.ics"

    for part in (inline.get_content(), attachment.get_content().decode("utf-8")):
        parsed = vobject.readOne(part)
        assert parsed.method.value == "REQUEST"
        assert parsed.vevent.uid.value == "meeting-7@meetings.test"
        assert parsed.vevent.location.value == "Hôtel Ivoire, Abidjan, Côte d’Ivoire"

    (row,) = rows()
    assert row.status is OutboxStatus.SENT and row.sent_at is not None and row.attempts == 1
    assert [a.outcome for a in attempts_of(row.id)] == [AttemptOutcome.SENT]
    assert send_pending().claimed == 0
    assert len(smtp.messages) == 1


def test_a_plain_email_has_no_calendar_part(app, smtp):
    queue(calendar=False)

    send_pending()
    (received,) = smtp.wait_for(1)

    (alternative,) = received.message.get_payload()
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html"]


def test_a_cancellation_carries_method_cancel_in_both_parts(app, smtp):
    queue(calendar=make_invite("CANCEL"))

    send_pending()
    (received,) = smtp.wait_for(1)

    alternative, attachment = received.message.get_payload()
    assert alternative.get_payload()[2].get_param("method") == "CANCEL"
    assert attachment.get_param("method") == "CANCEL"
    assert vobject.readOne(attachment.get_content().decode()).vevent.status.value == "CANCELLED"


@pytest.mark.parametrize(
    "column, value",
    [
        ("to_name", "Eve\r\nBcc: victim@example.org"),
        ("subject", "Hello\r\nBcc: victim@example.org"),
        ("to_email", "eve@example.org\r\nBcc: victim@example.org"),
    ],
)
def test_a_line_break_smuggled_past_enqueue_still_adds_no_header(app, smtp, column, value):
    """Flask-Mail's own check refuses the message; it fails at once and nothing is sent."""
    (message,) = queue()
    db.session.execute(update(OutboxMessage).values({column: value}))
    db.session.commit()

    stats = send_pending()

    assert stats.failed == 1 and stats.sent == 0
    assert smtp.messages == [] and smtp.mail_commands == 0
    (row,) = rows()
    assert row.status is OutboxStatus.FAILED
    assert "BadHeaderError" in row.last_error


def test_names_with_commas_and_quotes_stay_one_recipient(app, smtp):
    queue(to_name='Diallo, Amina "the Chair"', to_email="amina@example.org")

    send_pending()
    (received,) = smtp.wait_for(1)

    assert getaddresses([str(received.message["To"])]) == [('Diallo, Amina "the Chair"', "amina@example.org")]
    assert received.rcpt_tos == ["amina@example.org"]


def test_a_body_with_lines_longer_than_smtp_allows_arrives_intact(app, smtp):
    html = "<p>" + "Délégation, programme et lieu de la réunion. " * 80 + "</p>"  # one 3,700-octet line
    queue(html=html)

    assert send_pending().sent == 1
    (received,) = smtp.wait_for(1)

    alternative, _ = received.message.get_payload()
    html_part = alternative.get_payload()[1]
    assert html_part["Content-Transfer-Encoding"] == "quoted-printable"
    assert html_part.get_content() == html
    assert max(len(line) for line in received.raw.splitlines()) <= 998


def test_headers_are_plain_text_when_they_can_be_and_folded_with_crlf(app, smtp):
    subject = "Confirmation d’inscription : réunion thématique sur la protection et l’asile " * 3
    queue(to_name="Amina Diallo", subject=subject.strip())

    send_pending()
    (received,) = smtp.wait_for(1)

    assert b"\r\nFrom: Khartoum Process Secretariat <secretariat@khartoumprocess.example>\r\n" in received.raw
    assert b"\r\nTo: Amina Diallo <" in received.raw
    assert received.message["Subject"] == subject.strip()
    assert b"\n" not in received.raw.replace(b"\r\n", b"")
    assert max(len(line) for line in received.raw.split(b"\r\n")) <= 998
