"""Turns an outbox row into the Flask-Mail message the worker sends.

The MIME tree of a message with an invite::

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8
        text/html; charset=utf-8
        text/calendar; method=REQUEST; charset=UTF-8      (inline: Outlook, Gmail)
      application/ics; method=REQUEST; name=invite.ics    (attachment: other clients)

With attachments, the HTML and the images it shows as ``cid:`` go in a multipart/related,
and files follow the invite::

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8
        multipart/related; type="text/html"
          text/html; charset=utf-8
          image/png; name=qr.png                          (Content-ID: <qr@meetings>, inline)
        text/calendar; method=REQUEST; charset=UTF-8
      application/ics; method=REQUEST; name=invite.ics
      application/pdf; name=letter.pdf                    (attachment; filename=letter.pdf)
"""

import secrets
from email.charset import QP, Charset
from email.encoders import encode_base64
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import formataddr, parseaddr, quote
from urllib.parse import quote as percent_encode

from flask import current_app
from flask_mail import Message

from app.files.storage import load_bytes
from app.mail.attachments import Attachment, Disposition
from app.mail.outbox import OutboxMessage

INVITE_FILENAME = "invite.ics"


class _WirePolicy(Compat32):
    """How messages are written for SMTP: compat32 with CRLF, as smtplib.send_message does.

    Flask-Mail's policy.SMTP re-parses every header at every access, which took two
    thirds of the worker's time; and a short plain header needs no folding machinery.
    """

    def _fold(self, name, value, sanitize):
        if (
            isinstance(value, str)
            and value.isascii()
            and "\n" not in value
            and "\r" not in value
            and len(name) + len(value) + 2 <= 78
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


_WIRE = _WirePolicy(linesep="\r\n")
#: RFC 5321 4.5.3.1.6: at most 998 octets per line, CRLF excluded.
_MAX_LINE = 998
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP
#: Characters of a percent-encoded RFC 2231 parameter per continuation, so that folding
#: at the "; " between them keeps every header line short.
_PARAMETER_CHUNK = 60


class MissingAttachment(ValueError):
    """An attachment's bytes are gone from the blob store: the message cannot be sent as stored."""


class CalendarMessage(Message):
    """A Flask-Mail message that can carry an iCalendar invite, inline and as invite.ics."""

    def __init__(
        self,
        *args,
        calendar: str | None = None,
        calendar_method: str | None = None,
        parts: list[Attachment] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.calendar = calendar
        self.calendar_method = calendar_method
        #: Inline images and files, in order (Flask-Mail's own attachments are not used).
        self.parts = parts or []

    def _message(self):
        msg = super()._message()
        msg.policy = _WIRE
        self._write_headers(msg)
        if self.calendar is not None:
            self._attach_calendar(msg)
        if self.parts:
            self._attach_parts(msg)
        _fold_long_lines(msg)
        for part in msg.walk():
            if part.is_multipart():
                # Random, and "=_" never occurs in base64 or quoted-printable; the
                # generator would otherwise compile a regex per part to check its own.
                part.set_boundary(f"=_{secrets.token_hex(16)}")
        return msg

    def _write_headers(self, msg):
        # Flask-Mail pre-encodes and pre-folds these for policy.SMTP, which decodes and
        # refolds them; under compat32 write them so that they fold correctly, and
        # display names as text unless they need encoding.
        if self.subject and not self.subject.isascii():
            msg.replace_header("Subject", Header(self.subject, "utf-8", header_name="Subject"))
        headers = [("From", self.sender), ("Reply-To", self.reply_to)]
        if len(self.recipients) == 1:
            headers.append(("To", self.recipients[0]))
        for header, value in headers:
            name, address = value if isinstance(value, tuple) else parseaddr(value)
            if value and address.isascii():
                msg.replace_header(header, formataddr((name, address), charset="utf-8"))

    def _attach_calendar(self, msg):
        # Flask-Mail builds multipart/mixed > multipart/alternative(text, html) when
        # there is an HTML body; the invite joins the alternatives and the attachments.
        alternative = msg.get_payload(0) if msg.is_multipart() else msg
        if alternative.get_content_type() != "multipart/alternative":
            raise ValueError("a calendar invite needs a text and an HTML body")
        alternative.attach(_inline_calendar(self.calendar, self.calendar_method))
        msg.attach(_calendar_attachment(self.calendar, self.calendar_method))

    def _attach_parts(self, msg):
        alternative = msg.get_payload(0) if msg.is_multipart() else msg
        if alternative.get_content_type() != "multipart/alternative":
            raise ValueError("attachments need a text and an HTML body")
        images = [part for part in self.parts if part.inline]
        if images:
            # The HTML and the images it shows travel together, as one alternative.
            bodies = alternative.get_payload()
            index = next(i for i, part in enumerate(bodies) if part.get_content_type() == "text/html")
            related = MIMEMultipart("related", type="text/html")
            related.attach(bodies[index])
            for image in images:
                related.attach(_part(image, "inline"))
            bodies[index] = related
        for file in self.parts:
            if not file.inline:
                msg.attach(_part(file, "attachment"))


def _fold_long_lines(msg) -> None:
    """Quoted-printable for any text part with a line over SMTP's 998 octets.

    Flask-Mail sends UTF-8 bodies as 7bit/8bit, unwrapped; servers refuse (or break)
    longer lines, which a one-line HTML template easily has.
    """
    for part in msg.walk():
        if part.get_content_maintype() != "text" or part["Content-Transfer-Encoding"] not in ("7bit", "8bit"):
            continue
        body = part.get_payload(decode=True)
        if max(map(len, body.splitlines()), default=0) <= _MAX_LINE:
            continue
        del part["Content-Transfer-Encoding"]
        part.set_payload(body.decode(part.get_content_charset() or "utf-8"), _UTF8_QP)


def _inline_calendar(calendar: str, method: str) -> MIMEText:
    part = MIMEText(calendar, "calendar", "utf-8")
    part.set_param("method", method)
    part.set_param("charset", "UTF-8")
    return part


def _calendar_attachment(calendar: str, method: str) -> MIMEApplication:
    part = MIMEApplication(calendar.encode("utf-8"), "ics", name=INVITE_FILENAME)
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=INVITE_FILENAME)
    return part


def _part(attachment: Attachment, disposition: str) -> MIMEBase:
    maintype, subtype = attachment.content_type.split("/")
    part = MIMEBase(maintype, subtype)
    part.set_payload(attachment.data)
    encode_base64(part)
    part.replace_header("Content-Type", f"{attachment.content_type}; {_parameter('name', attachment.filename)}")
    part["Content-Disposition"] = f"{disposition}; {_parameter('filename', attachment.filename)}"
    if attachment.content_id:
        part["Content-ID"] = f"<{attachment.content_id}>"
    return part


def _parameter(name: str, value: str) -> str:
    """``name="value"``, or for a name beyond ASCII RFC 2231's UTF-8 in short continuations."""
    if value.isascii() and len(value) <= _PARAMETER_CHUNK:
        return f'{name}="{quote(value)}"'
    encoded = percent_encode(value.encode("utf-8"), safe="")
    chunks, start = [], 0
    while start < len(encoded):
        end = min(start + _PARAMETER_CHUNK, len(encoded))
        if "%" in encoded[end - 2 : end] and end < len(encoded):  # never split a %XX
            end = start + encoded[start:end].rindex("%")
        chunks.append(encoded[start:end])
        start = end
    first = f"{name}*0*=utf-8''{chunks[0]}"
    return "; ".join([first, *(f"{name}*{number}*={chunk}" for number, chunk in enumerate(chunks[1:], 1))])


def _load_parts(outbox_message: OutboxMessage) -> list[Attachment]:
    parts = []
    for stored in outbox_message.attachments:
        data = load_bytes(stored.storage_key)
        if data is None:
            raise MissingAttachment(
                f"attachment {stored.filename!r} (blob {stored.storage_key}) is no longer in the blob store"
            )
        inline = stored.disposition is Disposition.INLINE
        parts.append(Attachment(stored.filename, stored.content_type, data, inline, stored.content_id))
    return parts


def sender() -> str:
    """MAIL_DEFAULT_SENDER, named after the secretariat when it carries no name."""
    name, address = parseaddr(current_app.config.get("MAIL_DEFAULT_SENDER") or "")
    if not address:
        address = current_app.config["SECRETARIAT_EMAIL"]
    return formataddr((name or current_app.config["SECRETARIAT_NAME"], address))


def build_message(outbox_message: OutboxMessage) -> CalendarMessage:
    """The email as it goes out: stored Message-ID and Date, Reply-To the secretariat."""
    config = current_app.config
    recipient = (outbox_message.to_name, outbox_message.to_email) if outbox_message.to_name else outbox_message.to_email
    method = outbox_message.calendar_method
    message = CalendarMessage(
        subject=outbox_message.subject,
        recipients=[recipient],
        body=outbox_message.text,
        html=outbox_message.html,
        sender=sender(),
        reply_to=formataddr((config["SECRETARIAT_NAME"], config["SECRETARIAT_EMAIL"])),
        date=outbox_message.created_at.timestamp(),
        extra_headers={"Auto-Submitted": "auto-generated"},
        calendar=outbox_message.calendar,
        calendar_method=method.value if method else None,
        parts=_load_parts(outbox_message),
    )
    message.msgId = outbox_message.message_id
    return message
