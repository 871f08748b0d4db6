"""The command line speaks through the catalogs: every word it says (help of every command
and option, lines, table headings, typer's own words) has its Vietnamese, the Vietnamese
is not the English left as it was, and ``--help`` is Vietnamese unless ``--lang en``.

A command group written elsewhere complies by declaring its help in English (``help=``,
docstrings) and saying its lines with ``t()``; ``scripts/cli-catalog`` adds its words to
``cli.po`` for a translator."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from parkloop.cli import app, speech
from parkloop.web.i18n import catalog

runner = CliRunner()
ROOT = typer.main.get_command(app)
COMMANDS = [path for path, _command in speech.commands(ROOT)]

# Entries whose Vietnamese is rightly the English: codes, units, names and words Vietnamese
# writes the same way.
SAME_IN_BOTH = {
    "km",
    "RECP",
    "RECP: ",
    "VSIC",
    "shapley",
    "Shapley M VND",
    "html hoặc md.",
    "kWh, lít, tấn, kg, m3, khối …",
}


def _said_the_same(english: str, vietnamese: str) -> bool:
    """A Vietnamese entry left as its English: allowed for the listed words and for text
    already written in Vietnamese (proper names of places)."""
    if english in SAME_IN_BOTH:
        return False
    if re.search(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", english):
        return False
    return english.strip() == vietnamese.strip()


def test_every_word_the_command_line_says_has_its_vietnamese() -> None:
    vi = catalog("vi")
    words = speech.cli_words(ROOT)
    assert len(words) > 400
    missing = sorted(
        f"{where}: {text!r}"
        for text, where in words.items()
        if text not in vi or not vi[text].string
    )
    assert not missing, "no Vietnamese (run scripts/cli-catalog):\n" + "\n".join(missing)


def test_no_vietnamese_entry_is_the_english_left_as_it_was() -> None:
    vi = catalog("vi")
    same = sorted(
        f"{m.id!r}"
        for m in vi
        if m.id
        and isinstance(m.id, str)
        and m.string
        and _said_the_same(m.id, str(m.string))
        and m.id in speech.cli_words(ROOT)
    )
    assert not same, "Vietnamese equal to its English:\n" + "\n".join(same)


def test_the_vietnamese_keeps_the_fields_of_the_english() -> None:
    vi = catalog("vi")
    broken = []
    for text in speech.cli_words(ROOT):
        said = vi.get(text)
        if said is None or not said.string:
            continue
        fields = sorted(re.findall(r"\{(\w*)\}", text))
        if sorted(re.findall(r"\{(\w*)\}", str(said.string))) != fields:
            broken.append(f"{text!r} -> {said.string!r}")
    assert not broken, "\n".join(broken)


def test_the_tree_is_walked_whole() -> None:
    assert len(COMMANDS) > 60
    assert ("optimize", "pareto") in COMMANDS and ("examples", "list") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "parkloop")
def test_help_is_vietnamese_by_default_and_english_on_request(path: tuple[str, ...]) -> None:
    command = ROOT
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    english = [speech.plain(e) for _h, _a, e in speech.helps(command)]
    vi = catalog("vi")

    said = _flat(runner.invoke(app, [*path, "--help"], env={"COLUMNS": "400"}).output)
    assert "Cách dùng:" in said and "Usage:" not in said
    for text in english:
        vietnamese = " ".join(str(vi[text].string).split())
        if _said_the_same(text, vietnamese):
            continue
        assert " ".join(text.split())[:60] not in said or text in SAME_IN_BOTH, text
        assert vietnamese[:60] in said, (text, vietnamese)

    said_en = _flat(
        runner.invoke(app, ["--lang", "en", *path, "--help"], env={"COLUMNS": "400"}).output
    )
    assert "Usage:" in said_en
    for text in english:
        assert " ".join(text.split())[:60] in said_en, text


def _flat(output: str) -> str:
    """Help as one line of words (rich's boxes and line breaks left out)."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())
