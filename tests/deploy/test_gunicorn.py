"""deploy/gunicorn.conf.py under a real gunicorn: no access log, and no access token in
the error log even when a request on a token's path fails."""

import http.client
import logging
import os
import subprocess
import sys
from pathlib import Path

from tests.deploy.conftest import free_port, stop, wait_listening

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET = "SECRETtok"


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def test_gunicorn_logs_no_token_and_no_access_line(tmp_path):
    port, errors, output = free_port(), tmp_path / "error.log", tmp_path / "stdout.log"
    with output.open("w") as stdout:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--error-logfile",
                str(errors),
                "--chdir",
                str(ROOT),
                "tests.deploy.stub_wsgi:app",
            ],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            env={**os.environ, "GUNICORN_CMD_ARGS": ""},
        )
        try:
            wait_listening(port, process)
            response, body = get(port, "/")
            assert (response.status, body) == (200, b"ok")
            assert response.getheader("Server") == "gunicorn"  # no version
            assert get(port, f"/meetings/m/confirm/{SECRET}1")[0].status == 500  # Flask logs the path
            assert get(port, f"/raw/reset/{SECRET}2?token={SECRET}3")[0].status == 500  # gunicorn logs the URI
        finally:
            stop(process)
    logged = errors.read_text() + output.read_text()
    assert "Exception on /meetings/m/confirm/[token] [GET]" in logged
    assert "Error handling request GET /raw/reset/[token]?token=[token]" in logged
    assert "RuntimeError: the view failed" in logged  # the traceback is kept
    assert SECRET not in logged
    assert '"GET / HTTP/1.1" 200' not in logged  # no access log


def test_settings_for_production():
    # gunicorn loads the file as a module, so it has a __file__ (the file finds the app by it).
    settings = {"__file__": str(ROOT / "deploy" / "gunicorn.conf.py")}
    factory = logging.getLogRecordFactory()
    try:  # the file sets the factory of gunicorn's processes; this one keeps its own
        exec(compile((ROOT / "deploy" / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)
    finally:
        logging.setLogRecordFactory(factory)
    assert f"server {settings['bind']};" in (ROOT / "deploy" / "nginx.conf").read_text()  # nginx's upstream
    assert settings["accesslog"] is None
    assert settings["worker_class"] == "sync" and settings["timeout"] == 30
    masked = settings["mask_tokens"](f"/meetings/a/registration/{SECRET}/cancel")
    assert masked == "/meetings/a/registration/[token]/cancel"
