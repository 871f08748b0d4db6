"""How parkloop writes numbers and dates for a reader: one place, used by the command
line, the reports, the workbook template and the web pages, so that a figure reads the
same wherever it is shown (1.234,5 in Vietnamese; 1,234.5 in English)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from numbers import Real

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberPattern, parse_pattern

LOCALES = {"vi": "vi_VN", "en": "en_GB"}
DEFAULT_LANG = "vi"
MISSING = "—"


def locale(lang: str) -> str:
    """The Babel locale of a language parkloop speaks (Vietnamese when unknown)."""
    return LOCALES.get(lang, LOCALES[DEFAULT_LANG])


@lru_cache(maxsize=8)
def _babel_locale(lang: str) -> Locale:
    return Locale.parse(locale(lang))


@lru_cache(maxsize=64)
def _pattern(pattern: str) -> NumberPattern:
    """A parsed number pattern (Babel's format_decimal parses it again for every number,
    which costs a page of figures most of its formatting time)."""
    return parse_pattern(pattern)


def number(value: object, lang: str = DEFAULT_LANG, digits: int = 0, fixed: bool = True) -> str:
    """A number with the reader's grouping and decimal marks; ``digits`` decimals, always
    shown when ``fixed``, else only as many as the value needs. None reads as a dash."""
    if value is None or isinstance(value, bool) or not isinstance(value, Real):
        return MISSING
    decimals = ("0" if fixed else "#") * digits
    pattern = "#,##0" + ("." + decimals if digits else "")
    return str(_pattern(pattern).apply(value, _babel_locale(lang)))  # type: ignore[arg-type]


def percent(share: float | None, lang: str = DEFAULT_LANG, digits: int = 0) -> str:
    """A share (0.25) as a percentage in the reader's style ('25 %' in Vietnamese)."""
    if share is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + (" %" if lang == "vi" else "%")
    return str(_pattern(pattern).apply(share, _babel_locale(lang)))


def date(value: dt.date | None, lang: str = DEFAULT_LANG) -> str:
    """A date as the reader writes it (30/11/2026 in Vietnamese, 2026-11-30 in English)."""
    if value is None:
        return MISSING
    return format_date(
        value, format="dd/MM/yyyy" if lang == "vi" else "yyyy-MM-dd", locale=locale(lang)
    )


def moment(value: dt.datetime | str | None, lang: str = DEFAULT_LANG) -> str:
    """A date and time to the minute, in the reader's style (a datetime, or one written in
    ISO 8601 as the JSON views of jobs carry it)."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    pattern = "HH:mm dd/MM/yyyy" if lang == "vi" else "yyyy-MM-dd HH:mm"
    return format_datetime(value, format=pattern, locale=locale(lang))
