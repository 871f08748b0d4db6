"""The one error type users see: it says what is wrong and how to fix it.

What it says is a :class:`Message`, a template in English with named fields plus their
values, so that each edge (a page, the API, the command line) says it in its reader's
language: the template through the gettext catalogs, the numbers and dates through the one
formatter (:mod:`parkloop.formats`). ``str(error)`` is the English, for logs and scripts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any, Protocol, runtime_checkable

from parkloop import formats

Translate = Callable[[str], str]


def _as_written(text: str) -> str:
    return text


@runtime_checkable
class Named(Protocol):
    """A record a message names by its name in the reader's language (an enterprise)."""

    def display_name(self, lang: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Name:
    """The Vietnamese and English names of a record, for a message to name it by."""

    vi: str
    en: str = ""

    def display_name(self, lang: str) -> str:
        if lang == "en":
            return self.en or self.vi
        return self.vi or self.en


@runtime_checkable
class Labelled(Protocol):
    """A value with a label in each language (the members of ``domain.enums``)."""

    def label(self, lang: str = ...) -> str: ...


@dataclass(frozen=True, slots=True)
class Word:
    """A word the catalogs translate (a role, a status) used as a field of a message."""

    text: str


@dataclass(frozen=True, slots=True)
class Message:
    """A template with named fields (``str.format`` style, no format specs) and their
    values: text, numbers, dates, words, records with a name, other messages, or lists
    of these."""

    template: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str = "en", translate: Translate = _as_written) -> str:
        """The message in ``lang``: its template as ``translate`` gives it, each field
        shown in ``lang``. A translation whose fields do not fit falls back to English."""
        said = translate(self.template) or self.template
        if not self.fields:
            return said
        shown = {k: _shown(v, lang, translate) for k, v in self.fields.items()}
        for template in (said, self.template):
            try:
                return template.format(**shown)
            except (KeyError, IndexError, ValueError):
                continue
        return self.template

    def __str__(self) -> str:
        return self.render()


def msg(template: str, /, **fields: Any) -> Message:
    """A message to say to a user; write the template in English, with ``{name}`` where
    a value goes (years and ids as text, numbers as numbers: they are formatted)."""
    return Message(template, fields)


def _shown(value: Any, lang: str, translate: Translate) -> str:
    kind = value.__class__
    if kind is str:  # the common field, said as it is (before the slower protocol checks)
        return value  # type: ignore[no-any-return]
    if kind is Message:
        return value.render(lang, translate)  # type: ignore[no-any-return]
    if kind is list or kind is tuple:
        return ", ".join(_shown(v, lang, translate) for v in value)
    if isinstance(value, Message):
        return value.render(lang, translate)
    if isinstance(value, Word):
        return translate(value.text) or value.text
    if isinstance(value, Labelled):
        return value.label(lang)
    if isinstance(value, Named):
        return value.display_name(lang)
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, Real):
        digits = 0 if float(value).is_integer() else 2
        return formats.number(value, lang, digits, fixed=False)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return formats.date(value, lang)
    if isinstance(value, dt.datetime):
        return formats.moment(value, lang)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_shown(v, lang, translate) for v in value)
    return str(value)


def as_json(said: str | Message) -> dict[str, Any]:
    """A message as plain JSON, to keep (a job's result) and say later in a reader's
    language with :func:`from_json`: words stay words, records keep both their names."""
    said = as_message(said)
    return {"template": said.template, "fields": {k: _kept(v) for k, v in said.fields.items()}}


def from_json(kept: Any) -> Message:
    """The message :func:`as_json` kept (a plain text is a message without fields)."""
    if not isinstance(kept, dict) or "template" not in kept:
        return Message(str(kept or ""))
    fields = kept.get("fields") or {}
    return Message(str(kept["template"]), {k: _restored(v) for k, v in fields.items()})


def _kept(value: Any) -> Any:
    if isinstance(value, Message):
        return {"message": as_json(value)}
    if isinstance(value, Word):
        return {"word": value.text}
    if isinstance(value, Labelled):
        return {"vi": value.label("vi"), "en": value.label("en")}
    if isinstance(value, Named):
        return {"vi": value.display_name("vi"), "en": value.display_name("en")}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_kept(v) for v in value]
    if isinstance(value, (str, bool)) or value is None:
        return value
    if isinstance(value, Real):
        number = float(value)
        return int(number) if number.is_integer() else number
    if isinstance(value, dt.datetime):
        return {"moment": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return str(value)


def _restored(value: Any) -> Any:
    if isinstance(value, list):
        return [_restored(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "message" in value:
        return from_json(value["message"])
    if "word" in value:
        return Word(str(value["word"]))
    if "date" in value:
        return dt.date.fromisoformat(value["date"])
    if "moment" in value:
        return dt.datetime.fromisoformat(value["moment"])
    return Name(str(value.get("vi", "")), str(value.get("en", "")))


def said_of(exc: BaseException) -> str | Message:
    """What an exception of the pure layers says: its message when it was raised with one
    (``ValueError(msg(...))``), else its text."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Message) else str(exc)


def as_message(text: str | Message) -> Message:
    return text if isinstance(text, Message) else Message(text)


class UserError(Exception):
    """Bad input or a request that cannot be met; the CLI prints it and exits with 1."""

    def __init__(
        self, message: str | Message, details: list[str] | list[Message] | None = None
    ) -> None:
        self.said = as_message(message)
        self.said_details: Sequence[Message] = [as_message(d) for d in details or []]
        super().__init__(self.said.render())
        self.message = self.said.render()

    @property
    def details(self) -> list[str]:
        """The details in English (made when asked for: an import's can be many)."""
        return [d.render() for d in self.said_details]

    def render(self, lang: str = "en", translate: Translate = _as_written) -> str:
        """The message and its details in ``lang``, as ``str()`` gives them in English."""
        text = self.said.render(lang, translate)
        if not self.said_details:
            return text
        return (
            text + "\n" + "\n".join(f"  - {d.render(lang, translate)}" for d in self.said_details)
        )

    def __str__(self) -> str:
        if not self.said_details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)


class NotAllowed(UserError):
    """The viewer may not do this (the web answers 403; the command line exits with 1)."""


class NotFound(UserError):
    """No such record, or none the viewer may see (the web answers 404)."""
