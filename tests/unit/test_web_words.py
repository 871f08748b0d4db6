"""Every word the web application shows has its Vietnamese: the ``_()`` literals of the
templates, the literal page titles of the page functions, and the values pages translate
as words (roles, job and match statuses, change actions)."""

from __future__ import annotations

import ast
from pathlib import Path

import typer.main
from jinja2.ext import babel_extract
from message_templates import message_templates, message_words

from parkloop.cli import app
from parkloop.cli.speech import cli_words
from parkloop.web.i18n import catalog, gettext
from parkloop.web.words import DYNAMIC_WORDS

SRC = Path(__file__).parents[2] / "src" / "parkloop"
WEB = SRC / "web"
OPTIONS = {"trim_blocks": "true", "lstrip_blocks": "true"}


def template_words() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((WEB / "templates").glob("*.html")):
        with path.open("rb") as fh:
            for _line, _func, message, _comments in babel_extract(
                fh, ("_", "gettext", "ngettext"), [], OPTIONS
            ):
                for text in message if isinstance(message, tuple) else (message,):
                    if text:
                        found.setdefault(text, path.name)
    return found


def title_words() -> dict[str, str]:
    """Literal ``title=`` of page functions, and literal words given to ``gettext`` in code."""
    found: dict[str, str] = {}
    for path in sorted((WEB / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "title":
                texts = [node.value]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "gettext"):
                texts = list(node.args)
            else:
                continue
            for text in texts:
                if (
                    isinstance(text, ast.Constant)
                    and isinstance(text.value, str)
                    and text.value not in ("", "vi", "en")
                ):
                    found.setdefault(text.value, path.name)
    return found


def report_words() -> dict[str, str]:
    """The words of the documents: literals given to ``say``/``gettext`` in the reports and
    the ``report`` command, and the reader's notes on sources (values of reports/notes.py)."""
    found: dict[str, str] = {}
    paths = [*sorted((SRC / "reports").rglob("*.py")), SRC / "cli" / "report.py"]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            texts: list[ast.expr] = []
            if isinstance(node, ast.Call):
                func = node.func  # say(lang, "words") or gettext(lang, "words"), not a
                if getattr(func, "id", "") in ("say", "gettext"):  # section's .say(text, style)
                    texts = list(node.args[:2])
            elif isinstance(node, ast.Dict) and path.name == "notes.py":
                texts = [v for v in node.values if v is not None]
            for text in texts:
                if (
                    isinstance(text, ast.Constant)
                    and isinstance(text.value, str)
                    and text.value not in ("", "vi", "en")
                ):
                    found.setdefault(text.value, path.name)
    return found


def test_every_word_shown_has_its_vietnamese() -> None:
    words = {
        **template_words(),
        **title_words(),
        **dict.fromkeys(DYNAMIC_WORDS, "words.py"),
        **report_words(),
    }
    vi = catalog("vi")
    missing = sorted(
        f"{where}: {text!r}"
        for text, where in words.items()
        if text != "parkloop" and (text not in vi or not vi[text].string)
    )
    assert missing == [], "add these to a catalog in web/locale/vi/LC_MESSAGES:\n" + "\n".join(
        missing
    )


def test_the_catalogs_hold_no_word_the_application_no_longer_shows() -> None:
    words = {
        **template_words(),
        **title_words(),
        **dict.fromkeys(DYNAMIC_WORDS),
        **message_templates(),
        **message_words(),
        **report_words(),
        **cli_words(typer.main.get_command(app)),  # the command line's words (cli.po)
    }
    unused = sorted(m.id for m in catalog("vi") if m.id and m.id not in words)
    assert unused == []


def test_english_is_the_words_as_written_and_vietnamese_differs() -> None:
    assert gettext("en", "Sign in") == "Sign in"
    assert gettext("vi", "Sign in") == "Đăng nhập"
