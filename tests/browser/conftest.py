"""Fixtures of the browser tests: the test app served on a loopback port, and headless
Chromium (Debian's package, never Playwright's download) driven through Playwright."""

import os
import threading

import pytest
from werkzeug.serving import make_server

#: Debian's Chromium; `make browser` installs it. CHROMIUM overrides the path.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class LiveServer:
    """A real HTTP server for ``app`` in a background thread, on a free loopback port."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
        )

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(app):
    """Base URL of the ``app`` fixture's application served over HTTP.

    It shares the ``app`` fixture's database, so data made in the test (factories,
    ``load_demo``) is what the browser sees, and ``app`` empties the tables afterwards
    (after this server has stopped).
    """
    with LiveServer(app) as server:
        yield server.url


@pytest.fixture(scope="session")
def playwright():
    """Playwright's driver, once per run: one browser for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install -r requirements-dev.txt", pytrace=False)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def devices(playwright):
    """Playwright's device descriptors (viewport, scale, touch, mobile): ``devices["iPhone 13"]``."""
    return playwright.devices


@pytest.fixture(scope="session")
def browser(playwright):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: the browser tests need Debian's chromium "
            "package; run `make browser` (or apt-get install chromium).",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()
