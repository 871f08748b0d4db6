"""The web application's words in Vietnamese (first) and English, from gettext catalogs.

Templates and pages write their words in English inside ``_()``; the Vietnamese comes from
the catalogs ``web/locale/vi/LC_MESSAGES/*.po`` (one per area of the application, merged),
read once at start (no compiled files to keep in step). A test fails for a word used in a
template or page that no catalog translates. The messages of refusals
(``parkloop.errors.msg``) are said through the same catalogs by ``said_in``.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from parkloop import formats
from parkloop.errors import Message, UserError, as_message, from_json
from parkloop.kept import kept
from parkloop.services.problems import Problem, said_row

LANGS = ("vi", "en")


_TRANSLATIONS: dict[str, NullTranslations] = {}
_READING = threading.Lock()


def translations(lang: str) -> NullTranslations:
    """The catalog of ``lang``; English is the words as written. Read once per process,
    also when a worker's first requests ask for it at the same time."""
    found = _TRANSLATIONS.get(lang)
    if found is None:
        with _READING:
            found = _TRANSLATIONS.get(lang)
            if found is None:
                found = _TRANSLATIONS[lang] = _read(lang)
    return found


def _read(lang: str) -> NullTranslations:
    if lang != "vi":
        return NullTranslations()
    return Translations(fp=io.BytesIO(kept(f"messages-{lang}", lambda: _compiled(lang))))


def _compiled(lang: str) -> bytes:
    """The catalogs of ``lang`` compiled as one message file."""
    compiled = io.BytesIO()
    write_mo(compiled, catalog(lang))
    return compiled.getvalue()


def catalog(lang: str) -> Catalog:
    """Every catalog of ``lang`` merged into one (a word in two catalogs: the first wins)."""
    folder = resources.files("parkloop.web") / "locale" / lang / "LC_MESSAGES"
    merged = Catalog(locale=lang)
    for source in sorted(folder.iterdir(), key=lambda f: f.name):
        if not source.name.endswith(".po"):
            continue
        with source.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if message.id and message.id not in merged:
                    merged[message.id] = message
    return merged


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def ngettext(lang: str, singular: str, plural: str, n: int) -> str:
    return translations(lang).ngettext(singular, plural, n)


def said_in(lang: str, said: str | Message | UserError) -> str:
    """What a message (or an error, with its details) says, in ``lang``: its template from
    the catalogs, its numbers and dates as the reader writes them."""
    translate = translations(lang).gettext
    if isinstance(said, UserError):
        return said.render(lang, translate)
    return as_message(said).render(lang, translate)


def said_problems(lang: str, problems: list[Problem]) -> list[dict[str, object]]:
    """Problems of rejected input as a table's rows, each message and fix in ``lang``."""
    translate = translations(lang).gettext
    return [p.as_dict(lang, translate) for p in problems]


def said_job(lang: str, job: dict[str, Any]) -> dict[str, Any]:
    """A job as ``jobs.status`` gives it, with what its rejected input said (the message
    and each problem's message and fix) and its report's warnings in ``lang``."""
    result = job.get("result")
    if not isinstance(result, dict) or not (
        "said" in result or result.get("problems") or result.get("warnings")
    ):
        return job
    translate = translations(lang).gettext
    shown = {k: v for k, v in result.items() if k != "said"}
    if isinstance(result.get("problems"), list):
        shown["problems"] = [
            {k: v for k, v in said_row(p, lang, translate).items() if k != "said"}
            if isinstance(p, dict)
            else p
            for p in result["problems"]
        ]
    if isinstance(result.get("warnings"), list):
        shown["warnings"] = [said_warning(lang, w) for w in result["warnings"]]
    said = dict(job, result=shown)
    if "said" in result and job.get("message"):
        said["message"] = from_json(result["said"]).render(lang, translate)
    return said


# What the importer says while it works (a job's stage) and the warnings it adds to its
# report are written in English by it; each known sentence is read back into its template
# and said through the catalogs (importer_said.po), its values kept as written. A sentence
# of no known form is shown as it came.
_STAGES = (
    (re.compile(r"check cells of (?P<sheet>.+)"), "check cells of {sheet}"),
    (re.compile(r"check rows of (?P<sheet>.+)"), "check rows of {sheet}"),
    (re.compile(r"read (?P<sheet>.+)"), "read {sheet}"),
    (re.compile(r"write (?P<sheet>.+)"), "write {sheet}"),
)
_WARNINGS = (
    (
        re.compile(r"sheet '(?P<sheet>.*)': columns? (?P<columns>'.*') not known and ignored"),
        "sheet '{sheet}': column {columns} not known and ignored",
        "sheet '{sheet}': columns {columns} not known and ignored",
    ),
    (
        re.compile(
            r"sheet '(?P<sheet>.*)', column '(?P<column>.*)': read with a "
            r"(?P<mark>decimal comma|decimal point) "
            r"\((?P<reason>.*)\); e\.g\. '(?P<example>.*)' is (?P<value>[^,]*)"
            r"(?:, (?P<n>\d+) values read this way)?"
        ),
        "sheet '{sheet}', column '{column}': read with a {mark} ({reason}); "
        "e.g. '{example}' is {value}",
        "sheet '{sheet}', column '{column}': read with a {mark} ({reason}); "
        "e.g. '{example}' is {value}, {n} values read this way",
    ),
    (
        re.compile(
            r"sheet '(?P<sheet>.*)' row (?P<row>\d+): province '(?P<typed>.*)' is not one of "
            r"Viet Nam's 34 provinces and cities \(or a former name\); kept as typed"
        ),
        "sheet '{sheet}' row {row}: province '{typed}' is not one of Viet Nam's 34 provinces "
        "and cities (or a former name); kept as typed",
        "",
    ),
    (
        re.compile(
            r"sheet '(?P<sheet>.*)' row (?P<row>\d+): province '(?P<typed>.*)' is part of "
            r"(?P<province>.*) since 2025; stored as (?P=province), '(?P=typed)' kept"
        ),
        "sheet '{sheet}' row {row}: province '{typed}' is part of {province} since 2025; "
        "stored as {province}, '{typed}' kept",
        "",
    ),
)
# Why a column's numbers were read with the decimal mark they were (the warning's reason).
_REASONS = (
    (re.compile(r"--decimal (?P<flag>.)"), "--decimal {flag}"),
    (
        re.compile(
            r"'(?P<text>.*)' \(row (?P<row>.*)\) has a (?P<mark>decimal point|decimal comma)"
        ),
        "'{text}' (row {row}) has a {mark}",
    ),
    (
        re.compile(r"Vietnamese workbook: '\.' groups thousands"),
        "Vietnamese workbook: '.' groups thousands",
    ),
    (
        re.compile(r"English workbook: '\.' is the decimal point"),
        "English workbook: '.' is the decimal point",
    ),
    (
        re.compile(r"headers are parkloop's column keys: '\.' is the decimal point"),
        "headers are parkloop's column keys: '.' is the decimal point",
    ),
)
_MIXED = "the column mixes decimal points and commas"


def said_stage(lang: str, stage: str) -> str:
    """A job's stage in ``lang``: the importer's steps (reading, checking, writing a sheet)
    and the fixed stages of the other jobs."""
    translate = translations(lang).gettext
    for pattern, template in _STAGES:
        found = pattern.fullmatch(stage)
        if found is not None:
            return _filled(translate(template), found.groupdict())
    return translate(stage) if stage else stage


def said_warning(lang: str, warning: object) -> str:
    """One warning of an import's report in ``lang`` (a message kept as JSON, or one of
    the sentences the importer writes in English)."""
    translate = translations(lang).gettext
    if isinstance(warning, dict):
        return from_json(warning).render(lang, translate)
    text = str(warning)
    for pattern, one, many in _WARNINGS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        fields = {k: v for k, v in found.groupdict().items() if v is not None}
        template = many if fields.get("n") or ("columns" in fields and "', '" in text) else one
        if "reason" in fields:
            fields["reason"] = _said_reason(fields["reason"], translate)
        if "mark" in fields:
            fields["mark"] = translate(fields["mark"])
        if "value" in fields:
            fields["value"] = _said_number(fields["value"], lang)
        return _filled(translate(template), fields)
    return text


def _said_number(text: str, lang: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return formats.number(value, lang, 6, fixed=False)


def _said_reason(reason: str, translate: Callable[[str], str]) -> str:
    mixed = reason.endswith(f" ({_MIXED})")
    core = reason[: -len(_MIXED) - 3] if mixed else reason
    for pattern, template in _REASONS:
        found = pattern.fullmatch(core)
        if found is not None:
            fields = found.groupdict()
            if "mark" in fields:
                fields["mark"] = translate(fields["mark"])
            said = _filled(translate(template), fields)
            return said + (f" ({translate(_MIXED)})" if mixed else "")
    return reason


def _filled(template: str, fields: Mapping[str, str]) -> str:
    """``template`` with each ``{name}`` replaced by its value as written (values are
    the staff's own text: never read as templates themselves)."""
    return _FIELD.sub(lambda m: fields.get(m.group(1), m.group(0)), template)


_FIELD = re.compile(r"{(\w+)}")
