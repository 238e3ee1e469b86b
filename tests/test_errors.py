"""Error pages and what an error writes to the log."""

import logging

import pytest

from tests.helpers.policy import assert_policy


@pytest.fixture
def logs(caplog, monkeypatch):
    """caplog. The migrations' logging.config.fileConfig (run in this process by the
    ``migrated`` fixture, never by a server) disables the loggers that existed then."""
    monkeypatch.setattr(logging.getLogger("app"), "disabled", False)
    return caplog


@pytest.fixture
def failing(app):
    """A page with a bug: it raises on every request."""

    @app.get("/fails/<name>")
    def fails(name):
        raise RuntimeError("a bug")

    return app


def test_an_address_cannot_write_a_line_of_its_own_into_the_log(failing, client, logs):
    forged = '/fails/x%0d%0a127.0.0.1 - - [01 Jan 2026 00:00:00] "GET admin HTTP 1.1" 200 -%1b[0m'
    response = client.get(forged)
    assert response.status_code == 500 and "Internal Server Error" in response.text
    [record] = [r for r in logs.records if r.name == "app"]
    message = record.getMessage()
    assert "\n" not in message and "\r" not in message and "\x1b" not in message
    assert message == (
        'unhandled error on GET /fails/x\\r\\n127.0.0.1 - - [01 Jan 2026 00:00:00] "GET admin HTTP 1.1" 200 -\\x1b[0m'
    )
    # The traceback is printed below the message, as always; no line of the log starts with the forgery.
    assert not any(line.startswith("127.0.0.1") for line in logs.text.splitlines())


def test_an_unexpected_error_is_a_page_with_the_policy(failing, client):
    page = client.get("/fails/here")
    assert page.status_code == 500 and "Internal Server Error" in page.text
    assert_policy(page)


def test_an_error_page_keeps_the_errors_own_headers(app, client):
    refused = client.delete("/meetings/archive")
    assert refused.status_code == 405 and "Method Not Allowed" in refused.text
    assert "GET" in refused.headers["Allow"] and "DELETE" not in refused.headers["Allow"]
    assert refused.headers["Content-Type"] == "text/html; charset=utf-8"
