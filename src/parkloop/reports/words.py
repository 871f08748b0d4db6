"""The words of the documents: written in English in the code, said in Vietnamese from the
gettext catalog ``web/locale/vi/LC_MESSAGES/reports.po`` (the catalogs the web pages use)."""

from __future__ import annotations

from typing import Any

from parkloop.web.i18n import gettext


def say(lang: str, english: str, **values: Any) -> str:
    """``english`` in the reader's language, with ``values`` filled in."""
    text = gettext(lang, english) if lang == "vi" else english
    return text.format(**values) if values else text
