"""A local SMTP sink for the benchmarks: aiosmtpd in its own process, recording Message-IDs.

here, there = multiprocessing.Pipe()
Process(target=run_sink, args=(port, there)).start()
here.recv()              # "ready"
... send mail to 127.0.0.1:port ...
here.send("report")
ids, sink_cpu = here.recv()
"""

import re
import time

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.MULTILINE | re.IGNORECASE)


class _Sink:
    """aiosmtpd handler that only records each accepted message's Message-ID."""

    def __init__(self):
        self.ids = []

    async def handle_DATA(self, server, session, envelope):
        found = _MESSAGE_ID.search(envelope.original_content.split(b"\r\n\r\n", 1)[0])
        self.ids.append(found.group(1).decode() if found else "")
        return "250 OK"


def run_sink(port, pipe, wait_seconds=600):
    """Serve on 127.0.0.1:``port`` until asked for the report (or ``wait_seconds`` pass)."""
    from aiosmtpd.controller import Controller

    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    pipe.send("ready")
    if pipe.poll(wait_seconds):
        pipe.recv()
    pipe.send((list(sink.ids), time.process_time()))
    controller.stop()
