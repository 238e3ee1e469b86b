"""The translation catalogues: one gettext domain per area of the app, so each is kept apart.

    python tools/i18n.py extract    # write app/translations/<domain>.pot from the sources
    python tools/i18n.py update     # merge the templates into every language's .po
    python tools/i18n.py init LANG  # start a language: a .po per domain
    python tools/i18n.py compile    # .po -> .mo (make run and make test do it)
    python tools/i18n.py check      # fail on a missing, fuzzy, untranslated or stale entry

Each domain's sources are listed in tools/i18n/<domain>.cfg (a Babel mapping file). Adding a
language is a translation task: ``init``, translate each .po, ``compile``.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "app" / "translations"
MAPPINGS = ROOT / "tools" / "i18n"
sys.path.insert(0, str(ROOT))
from app.locale import TRANSLATION_DOMAINS as DOMAINS  # noqa: E402

PYBABEL = [sys.executable, "-m", "babel.messages.frontend", "--quiet"]


def languages() -> list[str]:
    return (
        sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES").is_dir()) if TRANSLATIONS.exists() else []
    )


def _run(*args: str) -> None:
    subprocess.run([*PYBABEL, *args], check=True, cwd=ROOT)


def extract() -> None:
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        _run(
            "extract",
            "-F",
            str(MAPPINGS / f"{domain}.cfg"),
            "-k",
            "lazy_gettext",
            "--no-location",
            "--sort-output",
            "-o",
            str(TRANSLATIONS / f"{domain}.pot"),
            ".",
        )


def update() -> None:
    extract()
    for domain in DOMAINS:
        for language in languages():
            po = TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po"
            command = "update" if po.exists() else "init"
            _run(
                command,
                "-D",
                domain,
                "-i",
                str(TRANSLATIONS / f"{domain}.pot"),
                "-d",
                str(TRANSLATIONS),
                "-l",
                language,
            )


def init(language: str) -> None:
    extract()
    for domain in DOMAINS:
        _run("init", "-D", domain, "-i", str(TRANSLATIONS / f"{domain}.pot"), "-d", str(TRANSLATIONS), "-l", language)


def compile_all() -> None:
    for language in languages():
        for domain in DOMAINS:
            po = TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po"
            if po.exists():
                _run("compile", "-D", domain, "-d", str(TRANSLATIONS), "-l", language)


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["compile"]
    {"extract": extract, "update": update, "compile": compile_all}.get(command, lambda: None)()
    if command == "init":
        init(*rest)
    elif command == "check":
        sys.exit(
            subprocess.run([sys.executable, "-m", "pytest", "-q", "tests/test_translations.py"], cwd=ROOT).returncode
        )
