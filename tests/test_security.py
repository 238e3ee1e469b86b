"""The response policy (app/security.py) on every route, the proxy and hosts the app
trusts, the session cookie, and access tokens kept out of logs."""

import http.client
import logging
import re
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import request, session
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.registration.tokens import make_confirm_token, make_manage_token
from app.security import allow
from config import DevelopmentConfig, load_config
from tests.helpers.factories import make_document, make_open_meeting, make_registration
from tests.helpers.policy import assert_policy, directives

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_HOST = "meetings.example.org"


class ProductionClient(FlaskClient):
    """Addresses the production app by its host, as nginx passes it."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", f"http://{PRODUCTION_HOST}")
        return super().open(*args, **kwargs)


def _make_app(config, database_url):
    config.SQLALCHEMY_DATABASE_URI = database_url
    return create_app(config)


@pytest.fixture
def production(app, migrated, monkeypatch):
    """The production configuration, validated, on the test database (data made with the
    factories in the ``app`` fixture's context is what it serves)."""
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    monkeypatch.setenv("DATABASE_URL", migrated)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("BASE_URL", f"https://{PRODUCTION_HOST}")

    def build(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        config = load_config("production")
        config.RATELIMIT_STORAGE_URI = "memory://"  # no Redis here; the limits are not under test
        built = _make_app(config, migrated)
        built.test_client_class = ProductionClient
        apps.append(built)
        return built

    apps = []
    yield build
    for built in apps:
        with built.app_context():
            db.engine.dispose()


# --- Every route, every kind of response -------------------------------------------


def _path(rule, values):
    def fill(match):
        converter, name = match.group(1), match.group(2)
        return str(values.get(name, 1 if converter == "int" else "x"))

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", fill, rule.rule)


def test_every_route_answers_with_the_policy(app, client):
    meeting = make_open_meeting()
    document = make_document(meeting)
    registration = make_registration(meeting, confirm=False)
    values = {
        "slug": meeting.slug,
        "document_id": document.id,
        "filename": document.filename,
        "token": make_manage_token(registration),
    }
    seen = set()
    for rule in app.url_map.iter_rules():
        rule_values = dict(values, filename="css/site.css") if rule.endpoint == "static" else values
        if rule.endpoint == "registration.confirm":
            rule_values = dict(values, token=make_confirm_token(registration))
        path = _path(rule, rule_values)
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        response = client.open(path, method=method)
        assert response.status_code < 500, f"{method} {path}"
        assert_policy(response, f"{method} {path} ({response.status_code})")
        seen.add(rule.endpoint)
    assert seen == {rule.endpoint for rule in app.url_map.iter_rules()}


def test_errors_revalidations_and_static_files_carry_the_policy_too(app, client):
    meeting = make_open_meeting()
    home = client.get("/")
    answers = {
        "404 page": client.get("/no/such/page"),
        "404 JSON": client.get("/api/v1/no-such-thing"),
        "400 JSON": client.get("/api/v1/meetings?page=0"),
        "405": client.get(f"/meetings/{meeting.slug}/registration/x/cancel"),
        "304 page": client.get("/", headers={"If-None-Match": home.headers["ETag"]}),
        "304 calendar": client.get(
            "/calendar.ics", headers={"If-None-Match": client.get("/calendar.ics").headers["ETag"]}
        ),
        "calendar": client.get(f"/meetings/{meeting.slug}.ics"),
        "stylesheet": client.get("/static/css/site.css"),
        "script": client.get("/static/js/registration.js"),
        "HEAD": client.head("/"),
    }
    assert answers["304 page"].status_code == answers["304 calendar"].status_code == 304
    for what, response in answers.items():
        assert_policy(response, what)
        assert "Strict-Transport-Security" not in response.headers, what  # not production, not HTTPS


# --- Named exceptions ----------------------------------------------------------------


def test_a_page_asks_for_an_exception_by_name_and_gets_only_that(app, client):
    @app.get("/desk")
    @allow("camera")
    def desk():
        return "desk"

    @app.get("/preview")
    @allow("email-preview")
    def preview():
        return '<p style="color: red">an email</p>'

    camera = client.get("/desk")
    assert "camera=(self)" in camera.headers["Permissions-Policy"]
    assert "microphone=()" in camera.headers["Permissions-Policy"]
    assert directives(camera) == directives(client.get("/static/css/site.css"))

    framed = directives(client.get("/preview"))
    assert framed["frame-ancestors"] == "'self'" and "sandbox" in framed
    assert framed["style-src"] == "'unsafe-inline'" and framed["script-src"] == "'none'"
    assert client.get("/preview").headers["X-Frame-Options"] == "SAMEORIGIN"

    # The other pages keep the whole policy.
    assert_policy(client.get("/"))
    assert client.get("/").headers["X-Frame-Options"] == "DENY"


def test_an_unknown_exception_is_refused_when_the_view_is_defined():
    with pytest.raises(ValueError, match="microphone"):
        allow("microphone")


# --- Templates ---------------------------------------------------------------------


class _InlineCode(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")
            scripted = (value or "").strip().lower().startswith("javascript:")
            if name in {"href", "src", "action", "formaction"} and scripted:
                self.found.append(f"<{tag} {name}=javascript:...> at line {self.getpos()[0]}")
        if tag == "script" and "src" not in dict(attrs):
            self.found.append(f"inline <script> at line {self.getpos()[0]}")


@pytest.mark.parametrize("template", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")))
def test_no_template_holds_a_script_or_event_handler(template):
    parser = _InlineCode()
    parser.feed((ROOT / template).read_text())
    assert parser.found == []


def test_page_templates_hold_no_inline_styles_the_policy_would_block():
    # Emails (templates/mail/) need inline styles; pages get theirs from static/css.
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "templates").rglob("*.html")
        if "mail" not in p.relative_to(ROOT / "templates").parts and re.search(r"<style|\sstyle\s*=", p.read_text())
    ]
    assert offenders == []


# --- Proxy, HTTPS and hosts in production --------------------------------------------


def _whoami(built):
    built.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
    return built.test_client()


def test_behind_the_proxy_the_client_address_is_the_one_nginx_saw(production):
    client = _whoami(production())
    assert client.get("/whoami").text == "127.0.0.1"
    assert client.get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"}).text == "203.0.113.9"
    # One hop: an address the client put in front of nginx's is not believed.
    assert client.get("/whoami", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}).text == "203.0.113.9"


def test_without_a_proxy_forwarded_headers_are_ignored(production):
    client = _whoami(production(PROXY_HOPS="0"))
    assert client.get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"}).text == "127.0.0.1"
    response = client.get("/static/css/site.css", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_on_https_as_the_proxy_reports_it(production):
    client = production().test_client()
    plain = client.get("/static/css/site.css")
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/static/css/site.css", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert_policy(secure)


def test_the_session_cookie_is_secure_httponly_and_lax_in_production(app, production):
    meeting = make_open_meeting()
    client = production().test_client()
    form = client.get(f"/meetings/{meeting.slug}/register", headers={"X-Forwarded-Proto": "https"})
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    cookie = form.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= {part.strip() for part in cookie.split(";")}


def test_the_session_cookie_outside_production_is_httponly_and_lax(app, client):
    @app.get("/remember")
    def remember():
        session["seen"] = True
        return "ok"

    parts = {part.strip() for part in client.get("/remember").headers["Set-Cookie"].split(";")}
    assert {"HttpOnly", "SameSite=Lax"} <= parts and "Secure" not in parts


def test_production_answers_only_its_own_host(app, production):
    client = production().test_client()
    assert client.get("/", headers={"Host": PRODUCTION_HOST}).status_code == 200
    for headers in ({"Host": "evil.example"}, {"Host": PRODUCTION_HOST, "X-Forwarded-Host": "evil.example"}):
        page = client.get("/", headers=headers)
        assert page.status_code == 400 and "Bad Request" in page.text, headers
        assert 'href="/meetings/archive"' in page.text  # the error page's links, built without the Host
        assert_policy(page)
        api = client.get("/api/v1/meetings", headers=headers)
        assert api.status_code == 400 and api.get_json()["error"]["status"] == 400
    posted = client.post("/meetings/x/register", headers={"Host": "evil.example", "X-Forwarded-Proto": "https"})
    assert posted.status_code == 400


def test_more_hosts_can_be_trusted_by_name(app, production):
    client = production(TRUSTED_HOSTS="alias.example.org, .internal.example").test_client()
    for host in (PRODUCTION_HOST, "alias.example.org", "app1.internal.example"):
        assert client.get("/static/css/site.css", headers={"Host": host}).status_code == 200, host
    assert client.get("/static/css/site.css", headers={"Host": "evil.example"}).status_code == 400


# --- The development configuration --------------------------------------------------


@pytest.fixture
def development(app, migrated, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("BASE_URL", raising=False)
    built = []

    def build(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        built.append(_make_app(DevelopmentConfig(), migrated))
        return built[-1].test_client()

    yield build
    for one in built:
        with one.app_context():
            db.engine.dispose()


def test_the_development_key_serves_this_computer_only(development):
    client = development()
    for host in ("localhost", "127.0.0.1", "127.0.0.1:5000"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    elsewhere = client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 403 and "answers only the computer it runs on" in elsewhere.text
    assert_policy(elsewhere)
    # A proxy on this computer relays others: its loopback address says nothing.
    assert client.get("/", headers={"X-Forwarded-For": "192.0.2.7"}).status_code == 403


def test_with_a_key_of_its_own_development_serves_other_computers(development):
    client = development(SECRET_KEY="a-key-of-my-own")
    assert client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200


# --- Tokens in logs ------------------------------------------------------------------

SECRET = "eyJtIjoxLCJyIjoic2VjcmV0In0.SECRETsignatureSECRETsign"


@pytest.fixture
def logs(caplog, monkeypatch):
    """caplog at INFO. The migrations' logging.config.fileConfig (run in this process by
    the ``migrated`` fixture, never by a server) disables the loggers that existed then."""
    for name in ("app", "werkzeug"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    caplog.set_level("INFO")
    return caplog


def test_the_development_servers_access_log_masks_tokens(app, logs):
    meeting = make_open_meeting()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        for path in (
            f"/meetings/{meeting.slug}/confirm/{SECRET}",
            f"/meetings/{meeting.slug}/registration/{SECRET}",
            f"/meetings/{meeting.slug}/registration/{SECRET}/cancel",
        ):
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            connection.request("GET", path)
            connection.getresponse().read()
            connection.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    lines = [record.getMessage() for record in logs.records if record.name == "werkzeug"]
    assert len(lines) == 3
    assert SECRET not in logs.text
    assert f"/meetings/{meeting.slug}/confirm/[token]" in lines[0]
    assert f"/meetings/{meeting.slug}/registration/[token]/cancel" in lines[2]


def test_the_apps_log_masks_tokens_in_messages_and_tracebacks(app, client, logs):
    @app.get("/meetings/<slug>/registration/<token>/fails")
    def fails(slug, token):
        raise RuntimeError(f"could not load {request.path}")

    response = client.get(f"/meetings/m/registration/{SECRET}/fails")
    assert response.status_code == 500
    assert "could not load" in logs.text  # the traceback
    assert SECRET not in logs.text
    assert "/meetings/m/registration/[token]/fails" in logs.text
    app.logger.warning("reset asked from /organisers/reset/%s and /login?token=%s", SECRET, SECRET)
    assert SECRET not in logs.text
    assert "/organisers/reset/[token] and /login?token=[token]" in logs.text


def test_a_failed_statement_keeps_the_values_it_was_given_out_of_its_error(app):
    # Such an error ends in the log, with its traceback, when a page fails on it.
    with pytest.raises(DBAPIError) as failed:
        db.session.execute(
            text("SELECT no_such_column FROM meeting WHERE title = :title"), {"title": "amina.delegate@mfa.example"}
        )
    db.session.rollback()
    assert "no_such_column" in str(failed.value)
    assert "amina.delegate" not in str(failed.value)
