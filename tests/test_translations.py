"""Every string a person reads is marked for translation, and the French catalogue has them all.

The sources of each gettext domain are listed in tools/i18n/<domain>.cfg. A message missing
from the French catalogue, left fuzzy or empty, or kept there though the code no longer has
it, fails; so does text in a template outside ``_()`` / ``{% trans %}``, and a sentence in
Python outside ``gettext``/``lazy_gettext``, unless EXCEPTIONS below says why it may be.
"""

import ast
import builtins
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

from app.locale import TRANSLATION_DOMAINS

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "app" / "translations"
#: Every language with a catalogue (English is the source's own).
LANGUAGES = tuple(sorted(p.parent.name for p in CATALOGUES.glob("*/LC_MESSAGES"))) or ("fr",)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "lazy_ngettext": (1, 2)}

#: Text a template may show untranslated, and why.
TEMPLATE_EXCEPTIONS = {
    # The language switch names each language in that language.
    "English",
    "Français",
    # Codes and symbols, the same in every language.
    "·",
    "–",
    "EN",
    "FR",
    "AR",
    ".ics",
}
#: Templates a person does not read as the site (the development outbox viewer is for developers).
TEMPLATE_SKIPPED = {"mail_viewer"}
#: Python modules whose sentences are not the interface's, and why. Everything else is exempted
#: by rule (see _Sentences): command-line modules, the JSON API's views, developers' errors.
PYTHON_SKIPPED = (
    # Meetings' content, not the interface: it carries its own translations (app/meetings/content.py).
    "app/demo/",
    # The development outbox viewer, for developers only (ENABLE_DEV_ROUTES), like its template.
    "app/mail/viewer.py",
    # Errors only `flask jobs` and `flask mail` show so far, to operators in English.
    "app/jobs/services.py",
    "app/mail/requeue.py",
)


def _method_map(domain):
    with open(ROOT / "tools" / "i18n" / f"{domain}.cfg") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    return method_map, options_map


def extracted(domain) -> set[str]:
    method_map, options_map = _method_map(domain)
    found = set()
    for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(language, domain):
    path = CATALOGUES / language / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"{path} is missing: python tools/i18n.py update"
    with path.open("rb") as source:
        return read_po(source)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", TRANSLATION_DOMAINS)
def test_the_catalogue_has_every_message_translated_and_no_stale_one(domain, language):
    messages = extracted(domain)
    po = catalogue(language, domain)
    entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in po if m.id}
    missing = sorted(messages - entries.keys())
    stale = sorted(entries.keys() - messages)
    fuzzy = sorted(key for key, m in entries.items() if m.fuzzy)
    empty = sorted(key for key, m in entries.items() if not (m.string if isinstance(m.string, str) else all(m.string)))
    assert (missing, stale, fuzzy, empty) == ([], [], [], []), (
        f"{domain}/{language}: missing {missing[:10]}, stale {stale[:10]}, fuzzy {fuzzy[:10]}, untranslated "
        f"{empty[:10]} — run `python tools/i18n.py update` and translate"
    )


def _templates():
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt") and not TEMPLATE_SKIPPED & set(path.relative_to(ROOT / "templates").parts):
            yield path


#: Stands for anything Jinja writes (an expression, a tag): text around it stays apart, and
#: an HTML tag that an expression interrupts is still seen whole.
_CODE = "\x1f"
_TAG = re.compile(r"<[^>]*>")
_INVISIBLE = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1>", re.S | re.I)
_READ_ATTRIBUTE = re.compile(
    r"\b(?:alt|title|aria-label|aria-description|aria-valuetext|placeholder|label)=\"([^\"]*)\"", re.I
)
_BUTTON_VALUE = re.compile(r"<input\b[^>]*\btype=\"(?:submit|button|reset)\"[^>]*>", re.I)
_VALUE = re.compile(r"\bvalue=\"([^\"]*)\"", re.I)
_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
#: A string constant in a template's code that reads as words for people ("First name",
#: "Download the programme"), not a name, an endpoint or a CSS class.
_PROSE = re.compile(r"^[A-Z][a-z’']+(?: [\w’'.,:;!?()«»-]+)+$")


def _shown(piece: str) -> bool:
    return bool(_LETTER.search(piece)) and piece not in TEMPLATE_EXCEPTIONS


def _template_data(env: Environment, source: str) -> str:
    """The template's own text, with _CODE for each piece of Jinja and for translated blocks."""
    out, in_trans, previous = [], 0, None
    for _, kind, value in env.lex(source):
        if kind == "data" and not in_trans:
            out.append(value)
        elif kind == "name" and previous == "block_begin" and value in ("trans", "pluralize", "endtrans"):
            in_trans = value != "endtrans"
        if kind not in ("data", "whitespace"):
            previous = kind
        if (kind != "data" or in_trans) and (not out or out[-1] != _CODE):
            out.append(_CODE)
    return "".join(out)


def _code_strings(tree) -> list[str]:
    """String constants of the template's expressions that read as prose, outside gettext."""
    found = []

    def walk(node, translated=False):
        if isinstance(node, nodes.Call) and getattr(node.node, "name", None) in KEYWORDS:
            translated = True
        value = node.value.strip() if isinstance(node, nodes.Const) and isinstance(node.value, str) else ""
        if not translated and _PROSE.match(value) and value not in TEMPLATE_EXCEPTIONS:
            found.append(node.value)
        for child in node.iter_child_nodes():
            walk(child, translated)

    walk(tree)
    return found


def untranslated_text(source: str) -> list[str]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    data = _INVISIBLE.sub(_CODE, _template_data(env, source))
    found = []
    for value in _READ_ATTRIBUTE.findall(data) + [
        v for tag in _BUTTON_VALUE.findall(data) for v in _VALUE.findall(tag)
    ]:
        found += [piece.strip() for piece in value.split(_CODE) if _shown(piece.strip())]
    text = re.sub(r"&[a-z#0-9]+;", " ", _TAG.sub(_CODE, data))
    for piece in re.split(r"\s{2,}|\n|" + _CODE, text):
        piece = piece.strip(" ,.;:()|/\t·–")
        if _shown(piece):
            found.append(piece)
    return found + _code_strings(env.parse(source))


@pytest.mark.parametrize("path", list(_templates()), ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_templates_show_no_text_outside_translation(path):
    assert untranslated_text(path.read_text()) == []


def _python_modules():
    for path in sorted((ROOT / "app").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith(PYTHON_SKIPPED):
            yield path


def _is_command_line(tree) -> bool:
    """A module of `flask` commands (it imports click or flask.cli): operators read it, in English."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(alias.name == "click" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module in ("click", "flask.cli"):
            return True
    return False


_SENTENCE = re.compile(r"^[A-Z][a-z’']*(?: [^\s]+)+[.!?:]$")  # "A seat…" too
#: Calls whose strings are for machines or developers, not readers: logging, the console,
#: SQL, date and number patterns, regular expressions.
_NOT_FOR_READERS = {
    *("debug", "info", "warning", "error", "exception", "critical", "log", "echo", "secho", "print"),
    *("text", "execute", "exec_driver_sql", "compile", "match", "search", "sub", "fullmatch", "split"),
    *("strftime", "strptime", "format_date", "format_datetime", "format_time", "format_skeleton"),
    *("format_interval", "format_decimal", "format_number", "parse_date", "parse_time"),
}
#: Exceptions whose message is for the developer reading a traceback, never shown to a reader
#: (a reader's problem is a domain exception the page catches, which this scan does read).
_DEVELOPER_EXCEPTIONS = {
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
}


class _Sentences(ast.NodeVisitor):
    """String constants and f-strings that read as sentences, outside gettext calls, docstrings,
    logging and the other calls of _NOT_FOR_READERS, developers' exceptions and assertions."""

    def __init__(self):
        self.found = []

    def visit_Call(self, node):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in KEYWORDS:
            # A message built at run time (an f-string) can have no entry in any catalogue.
            self.found += [ast.unparse(arg) for arg in node.args if isinstance(arg, ast.JoinedStr)]
            return
        if name in _NOT_FOR_READERS:
            return
        self.generic_visit(node)

    def visit_Raise(self, node):
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if (getattr(exc, "id", None) or getattr(exc, "attr", None)) in _DEVELOPER_EXCEPTIONS:
            return
        self.generic_visit(node)

    def visit_Assert(self, node):
        return

    def visit_FunctionDef(self, node):
        if any((getattr(d, "id", None) or getattr(d, "attr", None)) == "english_only" for d in node.decorator_list):
            return  # answers in English whoever asks (the JSON API): app.locale.english_only
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring
        self.generic_visit(node)

    def visit_JoinedStr(self, node):
        # A sentence with holes: it must be a gettext message with %(name)s placeholders.
        joined = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
        if _SENTENCE.match(joined.strip()):
            self.found.append(joined)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and _SENTENCE.match(node.value.strip()):
            self.found.append(node.value)


@pytest.mark.parametrize("path", list(_python_modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_sentences_go_through_gettext(path):
    tree = ast.parse(path.read_text())
    visitor = _Sentences()
    if not _is_command_line(tree):
        visitor.visit(tree)
    assert visitor.found == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_app_reads_every_domains_catalogue(app, language):
    """Flask-Babel loads each domain of TRANSLATION_DOMAINS, not only the first."""
    from flask_babel import gettext

    entries = {
        domain: {m.id: m.string for m in catalogue(language, domain) if isinstance(m.id, str) and m.id and m.string}
        for domain in TRANSLATION_DOMAINS
    }
    with app.test_request_context(f"/?lang={language}"):
        for domain, messages in entries.items():
            others = set().union(*(entries[d] for d in TRANSLATION_DOMAINS if d != domain))
            own = sorted(key for key in messages if key not in others and "%" not in key)
            if own:
                assert gettext(own[0]) == messages[own[0]], f"{domain}: {own[0]!r} is not translated"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_held_by_several_domains_has_one_translation(language):
    """The app reads every domain into one catalogue, where the last domain's translation of
    a message wins: one English text translated two ways would show the wrong one somewhere
    ("Confirmed" of a delegate's registration, "Confirmed" of the organisers' counts)."""
    translations: dict[str, dict[str, object]] = {}
    for domain in TRANSLATION_DOMAINS:
        for message in catalogue(language, domain):
            if message.id and message.string:
                key = message.id if isinstance(message.id, str) else message.id[0]
                translations.setdefault(key, {})[domain] = message.string
    clashes = {key: found for key, found in translations.items() if len({str(v) for v in found.values()}) > 1}
    assert clashes == {}


@pytest.mark.parametrize(
    ("template", "found"),
    [
        ("<p>Hello world</p>", ["Hello world"]),
        ('<a href="{{ x }}" title="Open the page">{{ _("ok") }}</a>', ["Open the page"]),
        ('<html lang="{{ l }}"><title>{% block title %}Meetings{% endblock %}</title>', ["Meetings"]),
        ("{% if a %}<b>Register now</b>{% endif %}", ["Register now"]),
        ("<p>{% trans %}Fine{% endtrans %} but this</p>", ["but this"]),
        ('<input type="submit" value="Send it">', ["Send it"]),
        ('{{ field(label="First name") }}', ["First name"]),
        ("Dear {{ name }},\n\nYour registration is confirmed.\n", ["Dear", "Your registration is confirmed"]),
        ('<a href="{{ u }}"{% if c %} aria-current="page"{% endif %}>{{ _("Past meetings") }}</a>', []),
        ('<!-- a note --><p lang="fr">{% trans n=n %}{{ n }} delegates{% endtrans %} · EN</p>', []),
    ],
)
def test_the_template_scan_finds_text_outside_translation(template, found):
    assert untranslated_text(template) == found


def test_the_python_scan_finds_sentences_and_passes_over_what_readers_never_see():
    source = """
def view(page):
    abort(404, description=f"There is no page {page}; the list has {page}.")
    flash(_(f"Welcome back {page}."))
    logger.info("The worker started.")
    db.session.execute(text("Delete from jobs where state = :state."))
    assert page, "The page is set."
    raise ValueError("Only a developer reads this.")
    return "A reader reads this."
"""
    visitor = _Sentences()
    visitor.visit(ast.parse(source))
    assert visitor.found == ["There is no page {}; the list has {}.", "f'Welcome back {page}.'", "A reader reads this."]
