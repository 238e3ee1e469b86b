"""Registrations per second through the real HTTP form, against the framework's ceiling.

    .venv/bin/python bench/registration.py [--seconds 20] [--clients 8] [--warmup 3]

1. Empties PostgreSQL database ``bench_registration`` (bench/seed.py reset), migrates it
   (``flask db upgrade``) and adds one meeting with registration open, a capacity and a
   per-delegation quota, plus a few generated meetings beside it.
2. Serves the app (FLASK_CONFIG=production, no MAIL_SERVER: emails stay in the outbox)
   and bench/hello.py under gunicorn with bench/run.sh's settings (BENCH_WORKERS [4],
   BENCH_WORKER_CLASS [sync], BENCH_GUNICORN_ARGS []) on free loopback ports, with the
   bench's own abuse limits, since every client is 127.0.0.1: RATE_LIMIT_FORM_POSTS
   "1000000 per minute" in Redis at BENCH_REDIS_URL [redis://127.0.0.1:6379/15], key
   prefix "bench"; BASE_URL is the app's loopback address, PROXY_HOPS=0.
3. With one load generator (``--clients`` threads on raw sockets), loads /hello, then runs
   complete registration flows (GET the form, POST it with its CSRF token, read the
   confirmation link from the outbox table, GET the confirmation page, POST it with its
   token), each with a fresh address, then loads /hello again; each for ``--seconds``.
4. Sends the outbox (``send_pending`` passes, as ``flask mail work`` does) into an
   aiosmtpd sink on a free loopback port and measures emails per second.
5. Checks that no meeting or delegation got more confirmed seats than it has, that
   ``seats_taken`` matches, and that every registration has exactly its emails, each
   received by the sink exactly once.

Prints a Markdown report and writes it to bench/results/registration.md; when the two
/hello runs differ by more than BENCH_STEADY, it leads with the CPU ratio (and marks
itself unreliable on bench/run.sh's last run, bench/report.py's ``ceiling_state``). Exits
1 on any violation, HTTP error or unexpected answer; stops every process it started.
"""

import argparse
import contextlib
import itertools
import multiprocessing
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
BIN = ROOT / ".venv" / "bin"
SLUG = "bench-registration"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_registration"
TIMEOUT = 10.0  # seconds for any one HTTP request
QUOTA_REFUSAL = "the most this meeting allows per delegation"
STEPS = ("GET form", "POST form", "outbox lookup", "GET confirm", "POST confirm")
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_STATE = re.compile(r'value="(state:[A-Z]{2})"')


def say(text):
    print(f"==> {text}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


# --- database ---------------------------------------------------------------------------


def prepare_database(env, capacity, quota):
    """Empty and migrate the database, then add the benchmark meeting and a few others."""
    for command in ([BIN / "python", BENCH / "seed.py", "reset"], [BIN / "flask", "db", "upgrade"]):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        if done.returncode:
            sys.exit(f"registration.py: {' '.join(map(str, command[1:]))} failed:\n{done.stdout}{done.stderr}")
    from seed import make_spec  # bench/seed.py: the generated meetings of the catalogue benchmark
    from sqlalchemy import text

    from app.demo.loader import build_meeting
    from app.extensions import db

    now = datetime.now(UTC)
    rng = random.Random(2016)
    with configured_app(env):
        spec = dict(
            slug=SLUG,
            title="Thematic Meeting on Migration Data",
            type="thematic-meeting",
            tz="Africa/Addis_Ababa",
            starts_in_days=60,
            length=3,
            times=("09:00", "17:30"),
            venue="United Nations Conference Centre",
            city="Addis Ababa",
            country="ET",
            host="ET",
            registration=dict(open_days_before=61, close_days_before=1, capacity=capacity, delegation_quota=quota),
        )
        spec["times"] = tuple(datetime.strptime(t, "%H:%M").time() for t in spec["times"])
        meeting = build_meeting(spec, now)
        others = [build_meeting(make_spec(index, rng, now, index % 2 == 0), now) for index in range(8)]
        db.session.add_all([meeting, *others])
        db.session.commit()
        days = [day.isoformat() for day in meeting.days]
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return days


@contextlib.contextmanager
def configured_app(env, **settings):
    """The app, configured like the servers (production, the benchmark's environment), in context."""
    os.environ.update(
        {
            k: env[k]
            for k in (
                "FLASK_CONFIG",
                "SECRET_KEY",
                "DATABASE_URL",
                "BASE_URL",
                "PROXY_HOPS",
                "RATELIMIT_STORAGE_URI",
                "RATELIMIT_KEY_PREFIX",
                "RATE_LIMIT_FORM_POSTS",
            )
        }
    )
    from app import create_app
    from app.extensions import db
    from config import load_config

    config = load_config("production")
    for key, value in settings.items():
        setattr(config, key, value)
    app = create_app(config)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


# --- servers ----------------------------------------------------------------------------


class Servers:
    """gunicorn masters started here, each in its own process group; ``stop`` ends them all."""

    def __init__(self, work):
        self.work, self.masters = work, {}

    def start(self, name, port, env, *target):
        args = [
            str(BIN / "gunicorn"),
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("BENCH_WORKERS", "4"),
            "--worker-class",
            os.environ.get("BENCH_WORKER_CLASS", "sync"),
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.work / f"{name}.log"),
            *os.environ.get("BENCH_GUNICORN_ARGS", "").split(),
            *target,
        ]
        self.masters[name] = subprocess.Popen(args, env=env, start_new_session=True, stdin=subprocess.DEVNULL)
        return self.masters[name].pid

    def wait_ready(self, name, port, path, seconds=120):  # workers import the app after they fork
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.masters[name].poll() is not None:
                break
            try:
                if Browser(port).request("GET", path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        log = self.work / f"{name}.log"
        sys.exit(f"registration.py: {name} did not answer 200 at {path}\n{log.read_text() if log.exists() else ''}")

    def stop(self):
        for process in self.masters.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 10
        for process in self.masters.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError):  # the group: workers a killed master would leave behind
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.masters = {}


# --- load generator ---------------------------------------------------------------------


class BadResponse(OSError):
    """An answer that is not well-formed HTTP, or cut short."""


class Browser:
    """One client with its own cookies, on raw sockets: half the CPU of http.client per
    request, which matters when client and server share two cores. gunicorn's sync workers
    close every connection after the response (as they do for wrk), so each request
    connects anew and asks for ``Connection: close``; the answer ends where the stream does."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None):
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Connection: close"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        body = b""
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) as connection:
            connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            chunks = []
            while chunk := connection.recv(262144):
                chunks.append(chunk)
        return self._parse(b"".join(chunks))

    def _parse(self, answer):
        head, _, data = answer.partition(b"\r\n\r\n")
        head = head.decode("latin-1").split("\r\n")
        try:
            status = int(head[0].split(" ", 2)[1])
        except (IndexError, ValueError):
            raise BadResponse(f"no status line: {head[0][:80]!r}") from None
        location, length = "", None
        for line in head[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, cookie = value.split(";", 1)[0].partition("=")
                self.cookies[key.strip()] = cookie
            elif name == "location":
                location = value
            elif name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                raise BadResponse("chunked answers are not expected here")
        if length is not None and length != len(data):
            raise BadResponse(f"{len(data)} of {length} bytes")
        return status, location, data


class FlowError(Exception):
    pass


class Registrar:
    """Runs complete registration flows, each as a new delegate with a fresh address."""

    def __init__(self, port, dsn, base_url, days, run_id):
        self.port, self.dsn, self.base_url, self.days, self.run_id = port, dsn, base_url, days, run_id
        self.form_path = f"/meetings/{SLUG}/register"
        self.link = re.compile(re.escape(base_url) + rf"(/meetings/{SLUG}/confirm/[^\s]+)")
        self.states = None
        self.numbers = itertools.count(1)  # next() is atomic under the GIL: every address is new

    def client(self, index):
        """The per-thread state: a database connection for the outbox and a random stream."""
        import psycopg

        return {"db": psycopg.connect(self.dsn, autocommit=True), "rng": random.Random(index)}

    def _delegation(self, rng):
        # One flow in 25 is from Ethiopia, which reaches its quota; the rest spread over every state.
        return "state:ET" if rng.random() < 0.04 else rng.choice(self.states)

    def flow(self, index, state):
        """One registration; (outcome, email, {step: seconds})."""
        email = f"d{self.run_id}-{next(self.numbers)}@delegation.example"
        browser, steps = Browser(self.port), {}
        try:
            mark = time.perf_counter()
            status, _, page = browser.request("GET", self.form_path)
            mark = self._step(steps, "GET form", mark, status == 200, status)
            page = page.decode()
            if self.states is None:
                self.states = sorted(set(_STATE.findall(page)))
            form = dict(
                csrf_token=_token(page),
                salutation="Dr",
                first_name="Amina",
                last_name=f"Delegate {index}",
                email=email,
                delegation=self._delegation(state["rng"]),
                position="Director",
                role="delegate",
                days=self.days,
            )
            status, location, page = browser.request("POST", self.form_path, form)
            if status == 400 and QUOTA_REFUSAL in page.decode():
                return "refused", email, steps
            mark = self._step(steps, "POST form", mark, status == 302 and "check-your-email" in location, status)
            confirm_path = self._confirm_link(state["db"], email)
            mark = self._step(steps, "outbox lookup", mark, True, None)
            status, _, page = browser.request("GET", confirm_path)
            mark = self._step(steps, "GET confirm", mark, status == 200, status)
            status, location, _ = browser.request("POST", confirm_path, {"csrf_token": _token(page.decode())})
            self._step(steps, "POST confirm", mark, status == 302 and "/registration/" in location, status)
            return "done", email, steps
        except FlowError as error:
            return f"error: {error}", email, steps
        except OSError as error:
            return f"error: {type(error).__name__}: {error}", email, steps

    @staticmethod
    def _step(steps, name, started, ok, status):
        if not ok:
            raise FlowError(f"{name} answered {status}")
        now = time.perf_counter()
        steps[name] = now - started
        return now

    def _confirm_link(self, connection, email):
        row = connection.execute(
            "SELECT text FROM outbox_message WHERE to_email = %s ORDER BY id LIMIT 1", (email,)
        ).fetchone()
        found = self.link.search(row[0]) if row else None
        if not found:
            raise FlowError("no confirmation link in the outbox")
        return found.group(1)


def _token(page):
    found = _CSRF.search(page)
    if not found:
        raise FlowError("no CSRF token in the page")
    return found.group(1)


def run_phase(clients, seconds, setup, work):
    """``clients`` threads run ``work(index, state)`` until ``seconds`` have passed; every
    result is (finished_at, seconds, outcome, email, steps). Returns results, start, end."""
    results = [[] for _ in range(clients)]
    started = time.perf_counter()
    deadline = started + seconds

    def loop(index):
        state = setup(index)
        try:
            while time.perf_counter() < deadline:
                begun = time.perf_counter()
                outcome, email, steps = work(index, state)
                results[index].append((time.perf_counter(), time.perf_counter() - begun, outcome, email, steps))
        finally:
            if isinstance(state, dict) and "db" in state:
                state["db"].close()

    threads = [threading.Thread(target=loop, args=(index,), daemon=True) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 6 * TIMEOUT)
    if any(thread.is_alive() for thread in threads):
        sys.exit("registration.py: a client did not stop; see the servers' logs")
    return [item for part in results for item in part], started, deadline


def hello(port):
    def work(index, browser):
        try:
            status = browser.request("GET", "/hello")[0]
        except OSError as error:
            return f"error: {type(error).__name__}: {error}", "", {}
        return ("done" if status == 200 else f"error: /hello answered {status}"), "", {}

    return (lambda index: Browser(port)), work


def measure(name, clients, seconds, warmup, setup, work, master, database, requests_per_item=1):
    """A warm-up, then the measured phase with the CPU used by server, PostgreSQL and client."""
    import cpu  # bench/cpu.py

    say(f"{name}: {clients} clients, {warmup:g} s warm-up + {seconds:g} s")
    warm, _, _ = run_phase(clients, warmup, setup, work) if warmup else ([], 0, 0)
    before, client_cpu = cpu.snapshot(master, database), time.process_time()
    results, started, deadline = run_phase(clients, seconds, setup, work)
    client_cpu, after = time.process_time() - client_cpu, cpu.snapshot(master, database)
    inside = [r for r in results if r[0] <= deadline]
    done = [r for r in inside if r[2] == "done"]
    # The CPU covers every item of the phase, also those that ended after the deadline.
    items = max(sum(r[2] == "done" for r in results), 1)
    ticks = {
        group: sum(value - before[group].get(pid, 0) for pid, value in after[group].items())
        for group in ("workers", "postgres")
    }
    per_item = lambda n: n / after["ticks_per_second"] * 1000 / items  # noqa: E731
    requests = sum(requests_per_item if r[2] == "done" else len(r[4]) + 1 for r in inside)
    return dict(
        name=name,
        warm=warm,
        results=warm + results,
        done=len(done),
        rate=len(done) / seconds,
        requests=requests,
        rps=requests / seconds,
        p50=percentile([r[1] for r in done], 0.5),
        p99=percentile([r[1] for r in done], 0.99),
        server_ms=per_item(ticks["workers"] + ticks["postgres"]),
        postgres_ms=per_item(ticks["postgres"]),
        client_ms=client_cpu * 1000 / items,
        errors=Counter(r[2] for r in warm + results if r[2].startswith("error")),
        refused=sum(r[2] == "refused" for r in warm + results),
        steps={step: [r[4][step] for r in done if step in r[4]] for step in STEPS},
    )


# --- outbox -----------------------------------------------------------------------------


def send_outbox(env, seconds_limit=300):
    """Run the worker until the outbox is empty: emails sent (and with an invite), seconds, worker CPU per
    email, and the Message-IDs the sink received."""
    from smtpsink import run_sink
    from sqlalchemy import func, select

    from app.extensions import db
    from app.mail.outbox import OutboxMessage
    from app.mail.worker import send_pending

    port = free_port()
    here, there = multiprocessing.Pipe()
    sink = multiprocessing.get_context("spawn").Process(target=run_sink, args=(port, there), daemon=True)
    sink.start()
    try:
        if not here.poll(30):
            sys.exit("registration.py: the SMTP sink did not start")
        here.recv()
        with configured_app(env, MAIL_SERVER="127.0.0.1", MAIL_PORT=port):
            invites = db.session.scalar(select(func.count()).where(OutboxMessage.calendar.is_not(None)))
            say(f"outbox: sending into aiosmtpd on 127.0.0.1:{port}")
            sent, started, cpu_started = 0, time.perf_counter(), time.process_time()
            while time.perf_counter() - started < seconds_limit:
                stats = send_pending()
                sent += stats.sent
                if not stats.claimed or stats.server_down:
                    break
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        here.send("report")
        ids = here.recv()[0] if here.poll(30) else []
    finally:
        sink.join(10)
        if sink.is_alive():
            sink.kill()
            sink.join()
    return dict(
        sent=sent,
        invites=invites,
        seconds=seconds,
        cpu_ms=cpu_seconds * 1000 / max(sent, 1),
        rate=sent / seconds,
        ids=ids,
    )


# --- checks -----------------------------------------------------------------------------

STATUS_SUBJECTS = {
    "confirmed": "Registration confirmed",
    "waitlisted": "You are on the waiting list",
    "awaiting-approval": "Registration received",
    "unconfirmed": None,
}
CONFIRM_SUBJECT = "Please confirm your registration"


def check(env, flows, received):
    """[(what, ok, detail)] for every invariant the benchmark promises to verify."""
    from sqlalchemy import func, select

    from app.delegations.models import Delegation
    from app.extensions import db
    from app.mail.outbox import OutboxMessage, OutboxStatus
    from app.meetings.models import Meeting
    from app.registration.models import Registration, RegistrationStatus

    with configured_app(env):
        confirmed = dict(
            db.session.execute(
                select(Registration.meeting_id, func.count())
                .where(Registration.status == RegistrationStatus.CONFIRMED)
                .group_by(Registration.meeting_id)
            ).all()
        )
        meetings = db.session.scalars(select(Meeting)).all()
        over = [m.slug for m in meetings if m.capacity is not None and confirmed.get(m.id, 0) > m.capacity]
        drift = [m.slug for m in meetings if m.seats_taken != confirmed.get(m.id, 0)]
        quotas = {m.id: m.delegation_quota for m in meetings}
        per_delegation = db.session.execute(
            select(Registration.meeting_id, Delegation.key, func.count())
            .join(Delegation)
            .where(Registration.status == RegistrationStatus.CONFIRMED)
            .group_by(Registration.meeting_id, Delegation.key)
        ).all()
        over_quota = [f"{d} ({n})" for m, d, n in per_delegation if quotas[m] is not None and n > quotas[m]]
        registrations = {
            email: status.value
            for email, status in db.session.execute(select(Registration.email, Registration.status)).all()
        }
        outbox = db.session.execute(
            select(OutboxMessage.to_email, OutboxMessage.subject, OutboxMessage.message_id, OutboxMessage.status)
        ).all()
        bench = db.session.scalar(select(Meeting).where(Meeting.slug == SLUG))
        counts = Counter(registrations.values())
        summary = dict(
            capacity=bench.capacity,
            quota=bench.delegation_quota,
            seats=bench.seats_taken,
            registrations=len(registrations),
            statuses=counts,
            hot=sum(n for m, d, n in per_delegation if d == "state:ET" and m == bench.id),
        )
    emails = {}
    for to_email, subject, _, _ in outbox:
        emails.setdefault(to_email, []).append(subject.split(":", 1)[0])
    wrong = []
    for email, status in registrations.items():
        expected = [CONFIRM_SUBJECT] + ([STATUS_SUBJECTS[status]] if STATUS_SUBJECTS.get(status) else [])
        if sorted(emails.get(email, [])) != sorted(expected):
            wrong.append(f"{email}: {emails.get(email, [])} for {status}")
    wrong += [f"{email}: emails without a registration" for email in emails if email not in registrations]
    done = [email for outcome, email in flows if outcome == "done"]
    refused = [email for outcome, email in flows if outcome == "refused"]
    unplaced = [e for e in done if registrations.get(e) not in ("confirmed", "waitlisted")]
    leaked = [e for e in refused if e in registrations or e in emails]
    unsent = sum(1 for *_, status in outbox if status is not OutboxStatus.SENT)
    stored, arrived = Counter(message_id for _, _, message_id, _ in outbox), Counter(received)
    results = [
        ("no meeting has more confirmed delegates than its capacity", not over, ", ".join(over)),
        ("seats_taken = confirmed registrations, every meeting", not drift, ", ".join(drift)),
        ("no delegation has more confirmed delegates than its quota", not over_quota, ", ".join(over_quota)),
        ("every completed flow ended confirmed or waitlisted", not unplaced, f"{len(unplaced)} not: {unplaced[:3]}"),
        ("a flow refused at the quota left no registration and no email", not leaked, ", ".join(leaked[:3])),
        (
            "every registration has exactly its emails (confirm address + one status email)",
            not wrong,
            "; ".join(wrong[:3]),
        ),
        ("every outbox message was sent", not unsent, f"{unsent} not sent"),
        (
            "every message arrived at the sink exactly once (Message-IDs)",
            stored == arrived and not unsent,
            f"{sum(arrived.values())} received, {len(arrived)} distinct, {len(stored)} in the outbox; "
            f"{sum((arrived - stored).values())} extra, {sum((stored - arrived).values())} missing",
        ),
    ]
    return results, summary


# --- report -----------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.01 else f"{seconds * 1000:.2f} ms"


def report(args, phases, outbox, checks, summary, info):
    from report import ceiling_state, unsteady_note  # bench/report.py

    before, flow, after = phases
    ceiling = (before["rps"] + after["rps"]) / 2
    spread = abs(before["rps"] - after["rps"]) / ceiling
    unsteady, unreliable = ceiling_state(spread)
    ratio, request_ratio = flow["rate"] / ceiling, flow["rps"] / ceiling
    cpu_ceiling = (before["server_ms"] + after["server_ms"]) / 2
    errors = sum(sum(p["errors"].values()) for p in phases)
    tick = lambda ok: "✓" if ok else "✗"  # noqa: E731
    lines = [
        "# Registration benchmark",
        "",
        f"- Run: {info['when']}, revision {info['revision']}",
        f"- Machine: {os.cpu_count()} CPU ({info['cpu']}), shared by the load generator, gunicorn and PostgreSQL; "
        f"load average at the end: {info['load']}",
        f"- Servers: gunicorn {info['gunicorn']}, {info['workers']} {info['worker_class']} workers, 127.0.0.1; the app "
        f"with FLASK_CONFIG=production (CSRF on, no MAIL_SERVER) on PostgreSQL database {info['database']}",
        f"- Load: one Python generator, {args.clients} threads (raw sockets, a new connection per request: "
        f"gunicorn's sync workers close each one), {args.warmup:g} s warm-up + {args.seconds:g} s per phase; "
        "ceiling = mean of /hello before and after the registration phase",
        f"- Meeting: capacity {summary['capacity']}, at most {summary['quota']} confirmed per delegation; each flow a "
        f"new address, its delegation one of the {info['states']} states of the form at random (1 in 25 Ethiopia, "
        "to reach its quota)",
        "",
        "### Registration through the HTTP form" + (" (unreliable: unsteady ceiling)" if unreliable else ""),
        "",
        "| phase | completed | per s | HTTP req/s | p50 | p99 | server CPU per item | client CPU per item | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for phase in phases:
        unit = "flow" if phase is flow else "request"
        lines.append(
            f"| {phase['name']} | {phase['done']} {unit}s | {phase['rate']:.1f} | {phase['rps']:.0f} | "
            f"{ms(phase['p50'])} | {ms(phase['p99'])} | {phase['server_ms']:.2f} ms | "
            f"{phase['client_ms']:.2f} ms | {sum(phase['errors'].values()) or 0} |"
        )
    rate_line = (
        f"registrations/s ÷ ceiling req/s = {flow['rate']:.1f} / {ceiling:.0f} = {ratio:.4f} "
        f"(target 0.05 {tick(ratio >= 0.05)}; Indico 3.3: 27 / 10,000 = 0.003)"
    )
    cpu_line = (
        f"server CPU (gunicorn workers + PostgreSQL backends) per registration: {flow['server_ms']:.1f} ms = "
        f"{flow['server_ms'] / cpu_ceiling:.0f} hello-world requests (PostgreSQL's share: "
        f"{flow['postgres_ms']:.1f} ms); CPU ratio (ceiling's CPU per request ÷ this) "
        f"{cpu_ceiling / flow['server_ms']:.4f}, which no load generator or neighbour on the machine moves much"
    )
    # An unsteady ceiling makes the requests-per-second ratio noise: the CPU ratio leads then.
    first, second = (cpu_line, rate_line) if unsteady else (rate_line, cpu_line)
    lines += [
        f"| **ceiling (mean of /hello)** | | | **{ceiling:.0f}** | | | {cpu_ceiling:.2f} ms | | |",
        "",
        *([unsteady_note(spread, unreliable), ""] if unsteady else []),
        f"- **{first}**",
        f"- flow requests/s ÷ ceiling req/s = {flow['rps']:.0f} / {ceiling:.0f} = {request_ratio:.3f} "
        f"(4 requests per registration)",
        f"- {second}",
        f"- flows refused at the delegation quota (a 400 saying so, counted apart): {flow['refused']}",
        f"- the two ceiling runs differ by {spread:.0%}",
        "",
        "| step of the flow | p50 | p99 |",
        "|---|---:|---:|",
    ]
    lines += [f"| {step} | {ms(percentile(v, 0.5))} | {ms(percentile(v, 0.99))} |" for step, v in flow["steps"].items()]
    counts = summary["statuses"]
    lines += [
        "",
        "### Outbox worker into a local aiosmtpd sink",
        "",
        "| emails | with an invite | seconds | emails/s | worker CPU per email |",
        "|---:|---:|---:|---:|---:|",
        f"| {outbox['sent']} | {outbox['invites']} | {outbox['seconds']:.2f} | **{outbox['rate']:.0f}** "
        f"{tick(outbox['rate'] >= 200)} | {outbox['cpu_ms']:.2f} ms |",
        "",
        "One `send_pending` pass after another (what `flask mail work` does), batches of MAIL_BATCH_SIZE, one SMTP "
        "connection per batch; the sink runs in its own process. Target: 200 emails/s.",
        "",
        "### Checks",
        "",
        f"Registrations: {summary['registrations']} ({', '.join(f'{n} {s}' for s, n in counts.most_common())}); "
        f"{summary['seats']} seats taken of {summary['capacity']}; Ethiopia holds {summary['hot']} of its "
        f"{summary['quota']}.",
        "",
        "| check | result |",
        "|---|---|",
    ]
    lines += [f"| {what} | {'✓' if ok else '**✗ ' + detail + '**'} |" for what, ok, detail in checks]
    lines.append(f"| no HTTP error or unexpected answer | {'✓' if not errors else '**✗ ' + str(errors) + '**'} |")
    for phase in phases:
        for outcome, count in phase["errors"].most_common(5):
            lines.append(f"\n{phase['name']}: {count} × {outcome}")
    return "\n".join(lines) + "\n", errors == 0 and all(ok for _, ok, _ in checks)


def run_info(database):
    revision = (
        subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )
    if subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True).stdout:
        revision += " + uncommitted changes"
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    import gunicorn

    return dict(
        when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        revision=revision,
        cpu=cpu,
        load=" ".join(Path("/proc/loadavg").read_text().split()[:3]),
        gunicorn=gunicorn.__version__,
        workers=os.environ.get("BENCH_WORKERS", "4"),
        worker_class=os.environ.get("BENCH_WORKER_CLASS", "sync"),
        database=database,
    )


# --- main -------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--capacity", type=int, default=300)
    parser.add_argument("--quota", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_REGISTRATION_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    from sqlalchemy.engine import make_url

    url = make_url(args.database_url)
    if url.database == "test" or not (url.database or "").startswith("bench"):
        sys.exit("registration.py: the database's name must start with 'bench' (never the test suite's 'test')")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(BENCH))
    work = Path(tempfile.mkdtemp(prefix="bench-registration-"))
    app_port, hello_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAIL_") and k != "PAGE_CACHE_SECONDS"}
    env.update(
        FLASK_APP="wsgi",
        FLASK_CONFIG="production",
        DATABASE_URL=args.database_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        BASE_URL=f"http://127.0.0.1:{app_port}",
        PROXY_HOPS="0",
        RATELIMIT_STORAGE_URI=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        RATELIMIT_KEY_PREFIX="bench",
        RATE_LIMIT_FORM_POSTS="1000000 per minute",
    )
    for key in [k for k in os.environ if k.startswith("MAIL_")]:
        del os.environ[key]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    say(f"database {url.database}: emptying, migrating, adding the meetings")
    days = prepare_database(env, args.capacity, args.quota)
    servers = Servers(work)
    try:
        app_master = servers.start("app", app_port, env, "wsgi:app")
        hello_master = servers.start("hello", hello_port, env, "--pythonpath", str(BENCH), "hello:app")
        servers.wait_ready("app", app_port, f"/meetings/{SLUG}/register")
        servers.wait_ready("hello", hello_port, "/hello")
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        registrar = Registrar(app_port, dsn, env["BASE_URL"], days, secrets.token_hex(3))
        common = (args.clients, args.seconds, args.warmup)
        phases = [
            measure("/hello (before)", *common, *hello(hello_port), hello_master, url.database),
            measure(
                "registration flow",
                *common,
                registrar.client,
                registrar.flow,
                app_master,
                url.database,
                requests_per_item=4,
            ),
            measure("/hello (after)", *common, *hello(hello_port), hello_master, url.database),
        ]
    finally:
        servers.stop()
    outbox = send_outbox(env)
    flows = [(r[2], r[3]) for r in phases[1]["results"]]
    checks, summary = check(env, flows, outbox["ids"])
    info = dict(run_info(url.database), states=len(registrar.states or ()))
    text, ok = report(args, phases, outbox, checks, summary, info)
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    (results / "registration.md").write_text(text)
    print(text)
    if not ok:
        say(f"FAILED: see the checks above; servers' logs kept in {work}")
        return 1
    subprocess.run(["rm", "-rf", str(work)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
