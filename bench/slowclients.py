"""Slow clients beside the normal load: connections that trickle header lines and never end them.

    python bench/slowclients.py --port 8000 [--clients 16] [--interval 2] [--seconds 30] \
        [--probe / --probe /meetings/x ...]

Holds --clients connections to 127.0.0.1:--port. Each sends a request line and a Host
line, then one more header line every --interval seconds, never the blank line that
would end its headers; when the server closes one (nginx does after its
client_header_timeout), it opens another, at most one per client per second. With
--probe, one more thread GETs each probe path in turn, once a second, each with a 5 s
timeout: are the pages still answering? After --seconds every connection is closed and
one JSON line is printed: connections opened, those the server ended, header lines sent,
and per probe the status (or "timeout", "error") and seconds. Loopback only; bounded in
connections, in rate and in time.
"""

import argparse
import http.client
import json
import select
import socket
import threading
import time

HOST = "127.0.0.1"
PROBE_TIMEOUT = 5.0


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.opened = self.ended_by_server = self.refused = self.lines = 0

    def add(self, **deltas):
        with self.lock:
            for name, delta in deltas.items():
                setattr(self, name, getattr(self, name) + delta)


def trickle(port, interval, deadline, counts, index):
    """One slow client until the deadline: connect, trickle, reconnect when the server ends it."""
    while time.monotonic() < deadline:
        began = time.monotonic()
        try:
            connection = socket.create_connection((HOST, port), timeout=5)
        except OSError:
            counts.add(refused=1)
            time.sleep(max(0.0, min(1.0, deadline - time.monotonic())))
            continue
        counts.add(opened=1)
        with connection:
            try:
                connection.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}:{port}\r\n".encode())
                line = 0
                while (left := deadline - time.monotonic()) > 0:
                    readable, _, _ = select.select([connection], [], [], min(interval, left))
                    if readable:  # an answer (408) or the end of the connection: the server gave up on it
                        connection.recv(4096)
                        counts.add(ended_by_server=1)
                        break
                    if time.monotonic() >= deadline:
                        break
                    line += 1
                    connection.sendall(f"X-Slow-{index}-{line}: {'x' * 16}\r\n".encode())
                    counts.add(lines=1)
            except OSError:
                counts.add(ended_by_server=1)
        time.sleep(max(0.0, min(1.0 - (time.monotonic() - began), deadline - time.monotonic())))


def probe(port, paths, deadline, results):
    """GET each path in turn, one a second, until the deadline."""
    index = 0
    while time.monotonic() < deadline:
        path, began = paths[index % len(paths)], time.monotonic()
        index += 1
        connection = http.client.HTTPConnection(HOST, port, timeout=PROBE_TIMEOUT)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            outcome = response.status
        except TimeoutError:
            outcome = "timeout"
        except OSError as error:
            outcome = f"error: {type(error).__name__}"
        finally:
            connection.close()
        seconds = time.monotonic() - began
        results.append({"path": path, "status": outcome, "seconds": round(seconds, 4)})
        time.sleep(max(0.0, min(1.0 - seconds, deadline - time.monotonic())))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--probe", action="append", default=[], metavar="PATH")
    args = parser.parse_args()
    if not 0 < args.clients <= 256 or not 0 < args.seconds <= 600 or args.interval < 0.1:
        parser.error("at most 256 clients, 600 seconds, one line per 0.1 s")

    deadline = time.monotonic() + args.seconds
    counts, probes = Counts(), []
    threads = [
        threading.Thread(target=trickle, args=(args.port, args.interval, deadline, counts, index), daemon=True)
        for index in range(args.clients)
    ]
    if args.probe:
        threads.append(threading.Thread(target=probe, args=(args.port, args.probe, deadline, probes), daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + PROBE_TIMEOUT + 5)
    print(
        json.dumps(
            {
                "clients": args.clients,
                "interval": args.interval,
                "seconds": args.seconds,
                "opened": counts.opened,
                "ended_by_server": counts.ended_by_server,
                "refused": counts.refused,
                "lines": counts.lines,
                "probes": probes,
            }
        )
    )


if __name__ == "__main__":
    main()
