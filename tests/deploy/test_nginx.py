"""deploy/nginx.conf, run by Debian's nginx in front of a stub upstream that records what
reaches it: headers, static files, limits, and access tokens kept out of the logs."""

import http.client
import http.server
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest

from deploy import loopback
from tests.deploy.conftest import free_port, stop, wait_listening

ROOT = Path(__file__).resolve().parents[2]
SECRET = "SECRETtok"  # every token in these tests starts with it; no log may hold it


class Upstream:
    """An HTTP server on a loopback port that answers 200 and records each request."""

    def __init__(self):
        self.requests = []
        recorded = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                recorded.append((self.command, self.path, self.headers, self.rfile.read(length)))
                body = b"upstream"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer  # noqa: N815 (http.server's names)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


class Nginx:
    """deploy/nginx.conf on loopback ports (tls: the HTTPS server speaks TLS)."""

    def __init__(self, folder, upstream_port, certificate=None):
        self.folder, self.https, self.http = folder, free_port(), free_port()
        self.command = loopback.write(folder, self.https, self.http, upstream_port, tls=certificate, workers="1")
        self.logs = folder / "logs"

    def __enter__(self):
        self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_listening(self.https, self.process)
        except RuntimeError as error:
            raise RuntimeError(f"nginx: {error}: {self.process.stderr.read().decode()}") from None
        return self

    def __exit__(self, *exc_info):
        stop(self.process)

    def request(self, method, path, headers=None, body=None):
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", self.https, timeout=10, context=context)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()

    def log_text(self):
        return "".join(path.read_text() for path in sorted(self.logs.glob("*.log")))


def test_the_configuration_passes_nginx_t(nginx, certificate, tmp_path):
    for name, tls in (("tls", certificate), ("plain", None)):
        command = loopback.write(tmp_path / name, free_port(), free_port(), free_port(), tls=tls)
        done = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        assert "test is successful" in done.stderr


def test_rendering_fails_when_the_configuration_changed_shape():
    text = loopback.SITE.read_text().replace("server 127.0.0.1:8000;", "server unix:/run/gunicorn.sock;")
    with pytest.raises(ValueError, match="expected 1"):
        loopback.render_site(1, 2, 3, Path("/tmp"), Path("/tmp"), text=text)


@pytest.fixture(scope="module")
def site(nginx, certificate, tmp_path_factory):
    with Upstream() as upstream, Nginx(tmp_path_factory.mktemp("nginx"), upstream.port, certificate) as server:
        server.upstream = upstream
        yield server


def test_the_app_gets_one_hop_of_forwarded_headers_and_no_spoofed_ones(site):
    response, body = site.request(
        "GET",
        "/meetings/m",
        headers={
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "http",
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Ssl": "on",
            "X-Forwarded-Protocol": "ssl",
            "X-Forwarded-Prefix": "/evil",
            "X-Real-IP": "203.0.113.9",
            "Forwarded": "for=203.0.113.9",
        },
    )
    assert response.status == 200 and body == b"upstream"
    method, path, headers, _ = site.upstream.requests[-1]
    assert (method, path) == ("GET", "/meetings/m")
    # Replaced, not appended to: the only address is the one nginx saw.
    assert headers.get_all("X-Forwarded-For") == ["127.0.0.1"]
    assert headers["X-Forwarded-Proto"] == "https"
    assert headers["X-Forwarded-Host"] == headers["Host"] == "127.0.0.1"
    assert headers["X-Forwarded-Port"] == str(site.https)
    for dropped in ("X-Forwarded-Ssl", "X-Forwarded-Protocol", "X-Forwarded-Prefix", "X-Real-IP", "Forwarded"):
        assert dropped not in headers
    assert response.getheader("Server") == "nginx"


def test_static_files_come_from_disk_with_caching_headers(site):
    seen = len(site.upstream.requests)
    response, body = site.request("GET", "/static/css/site.css")
    assert response.status == 200
    assert body == (ROOT / "static" / "css" / "site.css").read_bytes()
    assert response.getheader("Content-Type") == "text/css"
    assert "max-age=86400" in response.getheader("Cache-Control")
    assert site.request("GET", "/static/no-such.css")[0].status == 404
    assert len(site.upstream.requests) == seen


def test_a_body_over_the_apps_upload_limit_is_refused_unread(site):
    seen = len(site.upstream.requests)
    limit = 32 * 1024 * 1024
    connection = socket.create_connection(("127.0.0.1", site.https), timeout=10)
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with context.wrap_socket(connection) as tls:
        tls.sendall(f"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {limit + 1}\r\n\r\n".encode())
        assert tls.recv(4096).startswith(b"HTTP/1.1 413")
    response, _ = site.request("POST", "/upload", body=b"x" * 1024)
    assert response.status == 200
    assert len(site.upstream.requests) == seen + 1


def test_plain_http_redirects_to_the_configured_https_host(site):
    connection = http.client.HTTPConnection("127.0.0.1", site.http, timeout=10)
    connection.request("GET", f"/meetings/m/confirm/{SECRET}1?x=1", headers={"Host": "evil.example"})
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://meetings.example.org/meetings/m/confirm/{SECRET}1?x=1"
    connection.close()


def test_no_log_holds_an_access_token(site, tmp_path):
    referer = f"https://127.0.0.1/meetings/m/registration/{SECRET}2"
    paths = [
        f"/meetings/m/confirm/{SECRET}3",
        f"/meetings/some-meeting/registration/{SECRET}4/cancel?x=1",
        f"/MEETINGS/m//Registration/{SECRET}5",
        f"/organisers/reset/{SECRET}6",
        f"/login?next=/&token={SECRET}7",
    ]
    for path in paths:
        response, _ = site.request("GET", path, headers={"Referer": referer, "User-Agent": "test-agent"})
        assert response.status == 200
    assert [p for _, p, _, _ in site.upstream.requests[-len(paths) :]] == paths  # the app still gets them
    site.request("GET", "/static/css/site.css", headers={"Referer": referer})
    # An upstream that is down: nginx's error log would quote the request line and Referer.
    with Nginx(tmp_path / "down", free_port()) as down:
        connection = http.client.HTTPConnection("127.0.0.1", down.https, timeout=10)
        connection.request("GET", f"/meetings/m/confirm/{SECRET}8", headers={"Referer": referer})
        assert connection.getresponse().status == 502
        connection.close()
    # Read once nginx has stopped: it writes a request's log line after the response has gone.
    down_logs = down.log_text()

    logs = site.log_text() + down_logs
    assert SECRET not in logs
    access = (site.logs / "meetings.access.log").read_text()
    for masked in (
        "GET /meetings/m/confirm/[token] HTTP/1.1",
        "/meetings/some-meeting/registration/[token]/cancel?x=1",
        "/MEETINGS/m//Registration/[token]",
        "/organisers/reset/[token]",
        "/login?next=/&token=[token]",
        '"https://127.0.0.1/meetings/m/registration/[token]" "test-agent"',
    ):
        assert masked in access
    assert '/meetings/m/confirm/[token] HTTP/1.1" 502' in down_logs
