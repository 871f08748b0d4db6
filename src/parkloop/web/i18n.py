"""The web application's words in Vietnamese (first) and English, from gettext catalogs.

Templates and pages write their words in English inside ``_()``; the Vietnamese comes from
the catalogs ``web/locale/vi/LC_MESSAGES/*.po`` (one per area of the application, merged),
read once at start (no compiled files to keep in step). A test fails for a word used in a
template or page that no catalog translates. The messages of refusals
(``parkloop.errors.msg``) are said through the same catalogs by ``said_in``.
"""

from __future__ import annotations

import io
import threading
from importlib import resources
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from parkloop.errors import Message, UserError, as_message, from_json
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
    compiled = io.BytesIO()
    write_mo(compiled, catalog(lang))
    compiled.seek(0)
    return Translations(fp=compiled)


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
    and each problem's message and fix) in ``lang``."""
    result = job.get("result")
    if not isinstance(result, dict) or not ("said" in result or result.get("problems")):
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
    said = dict(job, result=shown)
    if "said" in result and job.get("message"):
        said["message"] = from_json(result["said"]).render(lang, translate)
    return said
