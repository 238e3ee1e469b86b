"""Screenshots of the demo in headless Chromium, for the README.

    .venv/bin/python tools/screenshot.py [--out docs/screenshots] [--only meeting-page-fr.png ...]

Builds a throw-away SQLite database, applies the migrations, loads the demo meetings,
serves the app on a free loopback port and saves full-page PNGs taken with Debian's
Chromium (CHROMIUM overrides its path; Playwright's own browsers are never used).
"""

import argparse
import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.demo.loader import load_demo  # noqa: E402
from config import DevelopmentConfig  # noqa: E402

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
#: File name: (path, device); no device is a desktop window --width wide, a device is
#: Playwright's descriptor of that phone (its width, scale, touch and mobile layout).
PHONE = "iPhone 13"  # 390 px wide
SHOTS = {
    "meeting-page.png": ("/meetings/2nd-thematic-meeting-return-readmission-reintegration-addis-2016", None),
    "upcoming.png": ("/", None),
    "register.png": ("/meetings/thematic-meeting-trafficking-nairobi/register", None),
    "register-phone.png": ("/meetings/thematic-meeting-trafficking-nairobi/register", PHONE),
    "meeting-page-phone.png": ("/meetings/thematic-meeting-trafficking-nairobi", PHONE),
    "meeting-page-fr.png": ("/meetings/thematic-meeting-trafficking-nairobi?lang=fr", None),
}


def build_app(database_path: Path):
    config = DevelopmentConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{database_path}"
    app = create_app(config)
    with app.app_context():
        upgrade()
        load_demo()
    return app


def take_screenshots(base_url: str, out: Path, width: int, only=None) -> list[Path]:
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, (path, device) in SHOTS.items():
            if only and name not in only:
                continue
            # Phones at twice their CSS pixels (not the device's three): sharp, and half the file.
            options = {**playwright.devices[device], "device_scale_factor": 2} if device else {}
            context = browser.new_context(**(options or {"viewport": {"width": width, "height": 800}}))
            page = context.new_page()
            response = page.goto(base_url + path)
            if response is None or not response.ok:
                raise SystemExit(f"{path} answered {response.status if response else 'nothing'}")
            page.screenshot(path=out / name, full_page=True)
            saved.append(out / name)
            context.close()
        browser.close()
    return saved


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--only", nargs="+", choices=sorted(SHOTS), help="take these screenshots only")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"Chromium is missing at {CHROMIUM}; run `make browser`.")
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp) / "demo.sqlite")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            saved = take_screenshots(f"http://127.0.0.1:{server.server_port}", args.out, args.width, args.only)
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
    for path in saved:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
