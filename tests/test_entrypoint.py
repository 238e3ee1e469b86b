"""wsgi.py, the production entry point, started as gunicorn starts it."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOST = "meetings.example.org"
SECRET = "eyJtIjoxLCJyIjoic2VjcmV0In0.SECRETsignatureSECRETsign"


def environment(**settings):
    """This process's environment without any of the app's settings, plus ``settings``."""
    cleared = {
        "FLASK_CONFIG",
        "FLASK_APP",
        "SECRET_KEY",
        "DATABASE_URL",
        "BASE_URL",
        "RATELIMIT_STORAGE_URI",
        "PROXY_HOPS",
        "TRUSTED_HOSTS",
        "ENABLE_DEV_ROUTES",
    }
    env = {key: value for key, value in os.environ.items() if key not in cleared}
    return {**env, **settings}


def production(database_url, **settings):
    return environment(
        FLASK_CONFIG="production",
        SECRET_KEY="s" * 48,
        DATABASE_URL=database_url,
        BASE_URL=f"https://{HOST}",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
        **settings,
    )


def import_wsgi(env):
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn wsgi:app`` on a free loopback port, its logs in one file."""

    def __init__(self, env, tmp_path, *args):
        self.port = free_port()
        self.log = tmp_path / "gunicorn.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", "1", *args, "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def serving(self, seconds=30):
        """True once it answers HTTP requests; False if it exits first. (The master listens
        before its workers load the app, so an open port proves nothing.)"""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                self.get("/static/css/site.css")
                return True
            except OSError:  # refused, reset, or timed out while no worker runs
                time.sleep(0.1)
        raise AssertionError(f"gunicorn neither served nor exited in {seconds} s:\n{self.log.read_text()}")

    def get(self, path, **headers):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        connection.request("GET", path, headers={"Host": HOST, **headers})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text()


@pytest.fixture
def gunicorn(tmp_path):
    started = []

    def start(env, *args):
        started.append(Gunicorn(env, tmp_path, *args))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_without_flask_config_the_entry_point_refuses_to_start(migrated):
    done = import_wsgi(environment(SECRET_KEY="s" * 48, DATABASE_URL=migrated))
    assert done.returncode != 0
    assert "FLASK_CONFIG must be set" in done.stderr


def test_the_development_configuration_starts_only_when_named(migrated):
    done = import_wsgi(environment(FLASK_CONFIG="development", DATABASE_URL=migrated))
    assert done.returncode == 0, done.stderr


def test_gunicorn_without_flask_config_never_serves(migrated, gunicorn):
    server = gunicorn(environment(DATABASE_URL=migrated))
    assert not server.serving()
    assert server.process.returncode != 0
    assert "FLASK_CONFIG must be set" in server.stop()


def test_gunicorn_in_production_behind_the_proxy(migrated, gunicorn):
    server = gunicorn(production(migrated), "--access-logfile", "-")
    assert server.serving()
    page = server.get("/", **{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert page.status == 200
    assert page.getheader("Server") == "gunicorn"  # no version
    assert page.getheader("Strict-Transport-Security") == "max-age=31536000"
    assert "script-src 'self'" in page.getheader("Content-Security-Policy")
    assert server.get("/", Host="evil.example").status == 400
    assert server.get(f"/meetings/m/confirm/{SECRET}").status == 404
    assert server.get(f"/meetings/m/registration/{SECRET}/cancel?token={SECRET}").status == 404
    logs = server.stop()
    assert '"GET /meetings/m/confirm/[token] HTTP/1.1" 404' in logs
    assert "/meetings/m/registration/[token]/cancel?token=[token]" in logs
    assert SECRET not in logs
