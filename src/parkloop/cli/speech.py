"""What the command line says, in the reader's language (Vietnamese unless --lang en).

Every word the command line prints is written in English in the code and said through the
gettext catalogs of ``parkloop/web/locale/vi/LC_MESSAGES`` (``cli.po`` holds the command
line's own words; the catalogs are merged, so a word the pages already translate is said
the same way here):

- ``t("{n} matches for {park}", n=12, park=name)`` says a line: its template from the
  catalogs, its numbers and dates through :mod:`parkloop.formats` (a message of
  :mod:`parkloop.errors`, said at once);
- the help of every command and option is written in English where the command is
  declared (``help=``, docstrings) and said in the reader's language when the help is
  shown: :func:`speak_tree` gives every command and option of the tree its help in the
  language of the run, and :func:`speak` hands click's and typer's own words ("Usage:",
  "Options", "Missing option …") to the same catalogs.

A test walks the tree and renders every command with every said word marked, and fails on
a word printed that the catalogs do not hold (``tests/unit/test_cli_speech.py``).
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
import typer.core
import typer.rich_utils
from typer import _click as click

from parkloop.cli.state import SPOKEN
from parkloop.errors import Message
from parkloop.web.i18n import translations

Translate = Callable[[str], str]


def _translate(lang: str) -> Translate:
    """The catalog lookup of ``lang`` (English: the words as written)."""
    return translations(lang).gettext


def lang() -> str:
    """The language of this run."""
    return SPOKEN.get()


@contextmanager
def speaking(spoken: str) -> Iterator[None]:
    """Say what is printed inside in ``spoken`` (for a printing function called with a
    language of its own, as ``parkloop demo`` calls the others)."""
    token = SPOKEN.set(spoken)
    try:
        yield
    finally:
        SPOKEN.reset(token)


def t(template: str, /, **fields: Any) -> str:
    """``template`` said in the language of the run, ``{name}`` fields filled in: numbers
    and dates in the reader's style, words (:class:`parkloop.errors.Word`) translated."""
    spoken = lang()
    shown = {k: str(v) if _label(k, v) else v for k, v in fields.items()}
    return Message(template, shown).render(spoken, _translate(spoken))


def _label(name: str, value: Any) -> bool:
    """Whether a whole number is a year or an id, written without grouping (2026, #1204)."""
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and (name == "id" or name.endswith(("year", "_id", "key")))
    )


def plain(text: str) -> str:
    """A help text as one msgid: docstring indents removed, anything after a form feed
    left out, lines inside a paragraph joined (paragraphs stay apart)."""
    text = inspect.cleandoc(text).partition("\f")[0].strip()
    return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n") if p.strip())


# typer's own words, said through the catalogs (typer looks ``_`` up when it says
# something, so the lookup of the run's language is put in its place).
_TYPER_MODULES = (typer.core,)
# typer's panel titles and notes, fixed once when typer is imported.
TYPER_WORDS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}
# The words of a usage line.
USAGE_WORDS = ("[OPTIONS]", "COMMAND [ARGS]...")


def later(text: str) -> str:
    """Mark a word kept in a table or a constant and said later with ``t(word)``, so that
    the catalog test finds it (gettext's ``N_``)."""
    return text


# click's refusals of a command line (its words are fixed in English where it raises them):
# the English as a template of the catalogs, and how to read its fields.
CLICK_REFUSALS = (
    (later("Missing option {name}."), r"Missing option (?P<name>.+)\.$"),
    (later("Missing argument {name}."), r"Missing argument (?P<name>.+)\.$"),
    (later("Missing parameter: {name}"), r"Missing parameter: (?P<name>.+)$"),
    (later("Missing command."), r"Missing command\.$"),
    (later("No such command {name}."), r"No such command (?P<name>.+)\.$"),
    (
        later("No such option: {name} (possible options: {options})"),
        r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)$",
    ),
    (
        later("No such option: {name}. Did you mean {options}?"),
        r"No such option: (?P<name>\S+)\. Did you mean (?P<options>.+)\?$",
    ),
    (later("No such option: {name}"), r"No such option: (?P<name>\S+)$"),
    (
        later("Invalid value for {name}: {reason}"),
        r"Invalid value for (?P<name>[^:]+): (?P<reason>.+)$",
    ),
    (later("Invalid value: {reason}"), r"Invalid value: (?P<reason>.+)$"),
    (
        later("Got unexpected extra arguments ({name})"),
        r"Got unexpected extra argument\(s\) \((?P<name>.+)\)$",
    ),
    (later("Option {name} requires an argument."), r"Option (?P<name>.+) requires an argument\.$"),
    (later("{value} is not a valid integer."), r"(?P<value>.+) is not a valid integer\.$"),
    (later("{value} is not a valid float."), r"(?P<value>.+) is not a valid float\.$"),
    (later("{value} is not a valid boolean."), r"(?P<value>.+) is not a valid boolean\.$"),
    (later("not a whole number"), r"Input should be a valid integer.*$"),
    (later("not a number"), r"Input should be a valid number.*$"),
    (
        later("{value} is not in the range {range}."),
        r"(?P<value>.+) is not in the range (?P<range>.+)\.$",
    ),
)


def said_refusal(english: str) -> str:
    """One of click's refusals in the run's language (as it is when it is none of them)."""
    for template, pattern in CLICK_REFUSALS:
        found = re.match(pattern, english, re.DOTALL)
        if found:
            fields = {
                k: said_refusal(v) if k == "reason" else v for k, v in found.groupdict().items()
            }
            return t(template, **fields)
    return english


_ENGLISH_REFUSAL = typer.rich_utils.rich_format_error


def _spoken_refusal(error: click.exceptions.ClickException) -> None:
    """typer's printing of a refusal, its message said in the run's language."""
    said = said_refusal(error.format_message())
    error.format_message = lambda: said  # type: ignore[method-assign]
    _ENGLISH_REFUSAL(error)


def speak(spoken: str, command: click.Command | None = None) -> None:
    """Say this run in ``spoken``: the lines printed, click's and typer's words and, when a
    command tree is given, the help of all its commands and options."""
    SPOKEN.set(spoken)
    translate = _translate(spoken)
    for module in _TYPER_MODULES:
        module._ = translate  # type: ignore[attr-defined]
    for name, english in TYPER_WORDS.items():
        setattr(typer.rich_utils, name, translate(english))
    typer.rich_utils.rich_format_error = _spoken_refusal  # type: ignore[assignment]
    if command is not None:
        speak_tree(command, spoken)


def commands(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command of a tree with its path of names (the root's path is empty)."""
    yield path, command
    if isinstance(command, typer.core.TyperGroup):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, (*path, name))


def helps(command: click.Command) -> Iterator[tuple[Any, str, str]]:
    """Each help text of a command and its options: (holder, attribute, English text)."""
    kept: dict[str, str | None] = command.__dict__.setdefault("_english", {})
    for attr in ("help", "short_help", "epilog"):
        if attr not in kept:
            kept[attr] = getattr(command, attr, None)
        if kept[attr]:
            yield command, attr, kept[attr]  # type: ignore[misc]
    params = list(command.params)
    shown = command.get_help_option(click.Context(command))
    if shown is not None:
        params.append(shown)
    for param in params:
        own: dict[str, str | None] = param.__dict__.setdefault("_english", {})
        if "help" not in own:
            own["help"] = getattr(param, "help", None)
        if own["help"]:
            yield param, "help", own["help"]  # type: ignore[misc]


def speak_tree(root: click.Command, spoken: str) -> None:
    """Give every command and option of ``root`` its help in ``spoken``, and its usage
    line the words of ``spoken``."""
    translate = _translate(spoken)
    options, subcommands = (translate(w) for w in USAGE_WORDS)
    for _path, command in commands(root):
        for holder, attr, english in helps(command):
            said = plain(english)
            setattr(holder, attr, translate(said) or said)
        command.options_metavar = options
        if isinstance(command, typer.core.TyperGroup):
            command.subcommand_metavar = subcommands
        command.context_class = SpokenContext


class SpokenFormatter(click.formatting.HelpFormatter):
    """Help written with the usage line's "Usage:" in the run's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, t("Usage:") + " " if prefix is None else prefix)


class SpokenContext(click.core.Context):
    formatter_class = SpokenFormatter


def lang_option(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """The ``--lang`` callback: an eager option, so that ``--lang en --help`` is English."""
    if value not in ("vi", "en"):
        raise typer.BadParameter(t("use vi or en"), param_hint="--lang")
    speak(value, ctx.find_root().command)
    return value


class SpokenGroup(typer.core.TyperGroup):
    """The root command: says its whole tree in the run's language before it parses."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        speak(lang(), self)
        return super().main(*args, **kwargs)


# -- the words the command line says, for the catalog and its test ----------------------------

CLI_SOURCES = Path(__file__).parent
MARKERS = ("t", "later", "msg")


def source_words(folder: Path = CLI_SOURCES) -> dict[str, str]:
    """The literal words the command line's code says: first arguments of ``t()``,
    ``later()`` and ``msg()``, each with the file and line it is written on."""
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) in MARKERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.name}:{node.lineno}")
    return found


def service_words() -> dict[str, str]:
    """Words the command line takes from the services and says with ``t(text)``: method
    notes, example titles, and the like."""
    from parkloop.accounting.transport import METHOD as TRANSPORT
    from parkloop.catalog.prices import FILLED_RULES
    from parkloop.examples import EXAMPLES
    from parkloop.optimize.pareto import METHOD as PARETO
    from parkloop.optimize.resilience import METHOD as RESILIENCE
    from parkloop.optimize.shares import METHODS as SHARES
    from parkloop.services.optimize import PARETO_ONE_POINT
    from parkloop.services.shares import PROPORTIONAL_BASES

    found = dict.fromkeys([TRANSPORT, PARETO, RESILIENCE, PARETO_ONE_POINT], "services")
    found.update(dict.fromkeys(FILLED_RULES, "prices"))
    found.update(dict.fromkeys([*SHARES, *SHARES.values(), *PROPORTIONAL_BASES], "shares"))
    for example in EXAMPLES.values():
        found.update(dict.fromkeys([example.title, example.description], "examples"))
    return found


def help_words(root: click.Command) -> dict[str, str]:
    """Every help text of the tree, as its msgid, with the command it is the help of."""
    found: dict[str, str] = {}
    for path, command in commands(root):
        for _holder, _attr, english in helps(command):
            found.setdefault(plain(english), " ".join(("parkloop", *path)))
    return found


def cli_words(root: click.Command) -> dict[str, str]:
    """Every word the command line says, with where it is written."""
    fixed = {
        **dict.fromkeys(TYPER_WORDS.values(), "typer"),
        **dict.fromkeys(USAGE_WORDS, "usage"),
        "Usage:": "usage",
    }
    return {**fixed, **help_words(root), **source_words(), **service_words()}
