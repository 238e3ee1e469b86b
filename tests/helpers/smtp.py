"""A real SMTP server for the tests: aiosmtpd on a loopback port, keeping what it accepts."""

import asyncio
import email
import email.policy
import socket
import threading
import time
from types import SimpleNamespace

from aiosmtpd.controller import Controller


class SmtpSink:
    """aiosmtpd on a free loopback port, in a thread, keeping every message it accepts.

    ``stop()``/``start()`` take it down and up again on the same port. ``refuse`` set to
    an SMTP reply (e.g. "451 4.3.0 Try later") refuses every message at DATA; ``slow``
    delays each MAIL command by that many seconds; ``hold(after=n)`` holds MAIL
    commands after the n-th until ``release()`` (``holding_mail`` counts those held).
    ``sessions`` counts SMTP sessions (EHLO/HELO), ``mail_commands`` MAIL commands,
    ``messages`` the accepted messages parsed with the stdlib ``email`` package.
    """

    def __init__(self):
        self.host = "127.0.0.1"
        with socket.socket() as probe:
            probe.bind((self.host, 0))
            self.port = probe.getsockname()[1]
        self.messages, self.sessions, self.mail_commands = [], 0, 0
        self.refuse, self.slow = None, 0.0
        #: MAIL commands held (``hold()``) right now.
        self.holding_mail = 0
        self._hold_after, self._released = None, threading.Event()
        self._lock = threading.Lock()
        self._controller = None

    @property
    def config(self):
        """Settings that point the app's Flask-Mail at this sink."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_SUPPRESS_SEND": False}

    @property
    def running(self):
        return self._controller is not None

    def start(self):
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        with self._lock:
            self.sessions += 1
        return f"250 {server.hostname}"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self._lock:
            self.sessions += 1
        return responses

    def hold(self, after=0):
        """Hold every MAIL command after the first ``after`` until ``release()``."""
        self._released.clear()
        self._hold_after = after

    def release(self):
        self._hold_after = None
        self._released.set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self._lock:
            self.mail_commands += 1
            held = self._hold_after is not None and self.mail_commands > self._hold_after
            self.holding_mail += held
        while held and not self._released.is_set():
            await asyncio.sleep(0.005)
        self.holding_mail -= held
        if self.slow:
            await asyncio.sleep(self.slow)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.messages.append(
                SimpleNamespace(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    message=parsed,
                    raw=envelope.original_content,
                )
            )
        return "250 Message accepted for delivery"

    def message_ids(self):
        with self._lock:
            return [received.message["Message-ID"] for received in self.messages]

    def wait_for(self, count, timeout=10.0):
        """Poll until ``count`` messages arrived; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.messages)} of {count} messages arrived in {timeout} s")
            threading.Event().wait(0.01)
        return self.messages
