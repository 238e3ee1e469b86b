"""Every public page, and every back-office page, passes the Nu HTML Checker (vnu.jar),
run once over all of them."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.helpers.accounts import PASSWORD
from tests.helpers.manage_pages import DOOR, make_manage_pages
from tests.helpers.public_pages import make_public_pages

ROOT = Path(__file__).resolve().parents[2]
#: Installed by `make test` (its step html-checker: npm's vnu-jar into .tools/); VNU_JAR overrides.
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))


def _checker_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: `make test` installs it (tools/install-java.sh)", pytrace=False)
    if not VNU_JAR.is_file():
        pytest.fail(f"the Nu HTML Checker is missing at {VNU_JAR}: `make test` installs it", pytrace=False)
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True}  # the forms as served, with their CSRF token fields


def _token(client, path):
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).text)
    return token.group(1) if token else None


def _fetch(client, page):
    if not page.submit_empty:
        return client.get(page.path)
    token = _token(client, page.path)
    return client.post(page.path, data={"csrf_token": token} if token else {})


def _pages(app, client):
    """(client, page): the public pages, the back office's door, then its pages signed in."""
    yield from ((client, page) for page in make_public_pages())
    door = app.test_client()
    yield from ((door, page) for page in DOOR)
    admin, pages = make_manage_pages()
    organiser = app.test_client()
    signed = organiser.post(
        "/manage/login",
        data={"email": admin.email, "password": PASSWORD, "csrf_token": _token(organiser, "/manage/login")},
    )
    assert signed.status_code == 302, "the administrator could not sign in"
    yield from ((organiser, page) for page in pages)


def test_every_public_and_back_office_page_passes_the_nu_html_checker(app, client, tmp_path):
    command = _checker_command()
    files, problems = {}, []
    for number, (reader, page) in enumerate(_pages(app, client)):
        response = _fetch(reader, page)
        if response.status_code != page.status:
            problems.append(f"{page.name} ({page.path}) answered {response.status_code}, not {page.status}")
        file = tmp_path / f"{number:02}.html"
        file.write_bytes(response.data)
        files[str(file.resolve())] = page

    checked = subprocess.run([*command, *sorted(files)], capture_output=True, text=True, timeout=300)
    try:
        messages = json.loads(checked.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar did not answer JSON (exit {checked.returncode}): {checked.stdout}{checked.stderr}")

    for message in messages:
        page = files.get(unquote(urlparse(message.get("url", "")).path))
        where = f"{page.name} ({page.path})" if page else message.get("url", "?")
        problems.append(
            f"{where}, line {message.get('lastLine', '?')}: {message['type']}: {message['message']}"
            f"\n    {message.get('extract', '').strip()}"
        )
    assert problems == [], "\n".join(problems)
    assert checked.returncode == 0, checked.stderr
