"""The worker's side of SMTP: one timed connection per batch, and what its errors mean."""

import smtplib
from contextlib import suppress

import flask_mail
from flask import current_app

#: SMTP failures that mean the server is unavailable: stop the batch. (Every
#: smtplib.SMTPException is an OSError; other OSErrors are network failures.)
_SERVER_DOWN = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError)
#: A message that can never be sent as stored (e.g. a header with a line break).
UNSENDABLE = (flask_mail.BadHeaderError, ValueError, UnicodeError, AssertionError)


class _TimedConnection(flask_mail.Connection):
    """Flask-Mail's connection with a socket timeout, so a hung server cannot hang the worker."""

    def __init__(self, mail_state, timeout: float):
        super().__init__(mail_state)
        self.timeout = timeout

    def configure_host(self):
        state = self.mail
        smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = smtp_class(state.server, state.port, timeout=self.timeout)
        host.set_debuglevel(int(state.debug))
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def open_connection(timeout: float) -> _TimedConnection:
    """Connect, EHLO, STARTTLS and log in: one SMTP connection for a whole batch."""
    connection = _TimedConnection(current_app.extensions["mail"], timeout)
    connection.__enter__()
    return connection


def close_connection(connection: _TimedConnection) -> None:
    """QUIT; a server that already went away cannot mask the batch's outcome."""
    with suppress(smtplib.SMTPException, OSError):
        connection.__exit__(None, None, None)


def send(connection: _TimedConnection, message: flask_mail.Message) -> BaseException | None:
    """Hand one message to the server; the error, or None once the server accepted it."""
    try:
        connection.send(message)
    except UNSENDABLE + (OSError,) as error:  # smtplib.SMTPException included
        return error
    return None


def describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())
        return f"recipient refused: {replies}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"[:2000]


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def server_down(error: BaseException) -> bool:
    if isinstance(error, _SERVER_DOWN):
        return True
    if isinstance(error, smtplib.SMTPException):  # a reply; 421: the server is closing (RFC 5321 4.2.2)
        return getattr(error, "smtp_code", None) == 421
    return isinstance(error, OSError)  # refused, reset, timed out
