"""Every public page passes the Nu HTML Checker (vnu.jar), run once over all of them."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

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


def _fetch(client, page):
    if not page.submit_empty:
        return client.get(page.path)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(page.path).text)
    return client.post(page.path, data={"csrf_token": token.group(1)} if token else {})


def test_every_public_page_passes_the_nu_html_checker(client, tmp_path):
    command = _checker_command()
    files, problems = {}, []
    for number, page in enumerate(make_public_pages()):
        response = _fetch(client, page)
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
