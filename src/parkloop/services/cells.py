"""Reading single cells of a filled-in sheet: text, numbers, dates, periods, codes.

Every parser takes what a spreadsheet or CSV file hands over (``str``, ``int``, ``float``,
``bool``, ``datetime``) and returns a clean value or raises :class:`CellError` saying what
is wrong and how to fix it. No I/O.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from parkloop.catalog.loader import fold
from parkloop.domain.enums import LabelledEnum
from parkloop.domain.models import Period
from parkloop.errors import Message, as_message, msg
from parkloop.services.numbers import DOT, read_number


class CellError(ValueError):
    """One cell that cannot be read: what is wrong, and what to type instead, each a
    :class:`~parkloop.errors.Message` the edge says in its reader's language
    (``message`` and ``fix`` are the English, made only when asked for)."""

    __slots__ = ("said", "said_fix")

    def __init__(self, message: str | Message, fix: str | Message) -> None:
        said = as_message(message)
        super().__init__(said)
        self.said = said
        self.said_fix = as_message(fix)

    @property
    def message(self) -> str:
        return self.said.render()

    @property
    def fix(self) -> str:
        return self.said_fix.render()

    def __str__(self) -> str:
        return self.said.render()


# -- text ---------------------------------------------------------------------------------

# Control characters other than tab and newline, the BOM, zero-width spaces and lone
# surrogates (which JSON escapes can produce) never belong in stored text. Neither do
# invisible format characters: bidirectional overrides and isolates, which can make a
# text display as something else than it is (U+202A-U+202E, U+2066-U+2069), direction
# marks (U+200E, U+200F, U+061C), the soft hyphen, joiners and invisible operators.
_INVISIBLE = (
    0x00AD,
    0x034F,
    0x061C,
    0x115F,
    0x1160,
    0x17B4,
    0x17B5,
    0x180E,
    *range(0x200B, 0x2010),
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2070),
    0x3164,
    0xFEFF,
    0xFFA0,
    *range(0xFFF9, 0xFFFC),
    0xFFFE,
    0xFFFF,
    *range(0xE0000, 0xE0080),
)
_DROP: dict[int, str | None] = {
    c: None for c in (*range(0, 9), 11, 12, *range(14, 32), 127, *range(128, 160), *_INVISIBLE)
}
# Line and paragraph separators are line breaks that look like nothing.
_DROP.update({0x2028: "\n", 0x2029: "\n"})
_SURROGATES = re.compile("[\ud800-\udfff]")
# Any character clean_text changes or drops, besides what NFC does: a text without one
# that is in NFC already is only stripped.
_UNCLEAN = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_DROP)) + "\r\ud800-\udfff]")


def clean_text(value: str) -> str:
    """NFC, one newline convention, no control or invisible characters, no surrounding
    space."""
    if value.isascii() and value.isprintable():
        return value.strip()
    if unicodedata.is_normalized("NFC", value) and _UNCLEAN.search(value) is None:
        return value.strip()
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = _SURROGATES.sub("", text.translate(_DROP))
    return unicodedata.normalize("NFC", text).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class ErrorCell:
    """A spreadsheet cell that shows a formula error (#DIV/0!, #N/A...) or holds a formula
    that was never calculated, so it has no value to read."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ErrorCell) and other.code == self.code

    def __hash__(self) -> int:
        return hash((ErrorCell, self.code))

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"ErrorCell({self.code!r})"

    def problem(self) -> CellError:
        if self.code.startswith("="):
            return CellError(
                msg("this cell holds a formula that was never calculated, so it has no value"),
                msg(
                    "open the workbook in Excel and save it, or paste the values instead of "
                    "the formula"
                ),
            )
        return CellError(
            msg("this cell shows the formula error {code}", code=self.code),
            msg("correct the formula in the workbook, or type the value"),
        )


# What a spreadsheet shows in a cell whose formula failed (also as text in CSV files).
FORMULA_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)


def as_text(value: Any) -> str:
    """Any cell as text: numbers typed into a text column keep their plain form."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(msg("this cell holds a number that is not finite"), msg("type a value"))
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return str(value)
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, int):
        if abs(value) > _LARGEST:
            raise _too_large()
        return str(value)
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, ErrorCell):
        raise value.problem()
    raise CellError(msg("this cell holds a structure, not a value"), msg("type a single value"))


def parse_code(value: Any, *, allow_colon: bool = True) -> str:
    """A short code: no spaces; ':' is reserved for 'park-code:org-code' references."""
    text = as_text(value)
    if any(c.isspace() for c in text):
        raise CellError(
            msg("a code cannot contain spaces"),
            msg("join the words with '-', e.g. '{joined}'", joined="-".join(text.split())),
        )
    if not allow_colon and ":" in text:
        raise CellError(msg("':' is not allowed in this code"), msg("use letters, digits and '-'"))
    return text


def parse_list(value: Any) -> list[str]:
    """Items separated by ';' (a JSON list is taken as it is)."""
    if isinstance(value, (list, tuple)):
        items = [as_text(v) for v in value]
    else:
        items = as_text(value).split(";")
    return [i.strip() for i in items if i.strip()]


# -- CSV formula escaping -----------------------------------------------------------------

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")


def csv_escape(text: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with "'" (reversibly)."""
    if text.lstrip("'").startswith(_DANGEROUS):
        return "'" + text
    return text


def csv_unescape(text: str) -> str:
    """Undo :func:`csv_escape`."""
    if text.startswith("'") and _ESCAPED.match(text):
        return text[1:]
    return text


# -- numbers ------------------------------------------------------------------------------


def parse_number(value: Any, decimal: str = DOT) -> float:
    """A number from a numeric cell, or from text as a person reads it: '1,234.5',
    '1.234,5', '12,5' each have one reading; a text with two ('12.500') is read with
    ``decimal`` as the decimal mark, which importers decide per column
    (:func:`parkloop.services.numbers.decide_mark`)."""
    if isinstance(value, bool):
        raise CellError(msg("a yes/no value is not a number"), _TYPE_A_NUMBER)
    if isinstance(value, int):
        if abs(value) > _LARGEST:
            raise _too_large()
        return float(value)
    if isinstance(value, float):
        number = value
    elif isinstance(value, ErrorCell):
        raise value.problem()
    else:
        text = as_text(value)
        read = read_number(text, decimal)
        if read is None:
            raise _not_a_number(text, decimal)
        number = read
    if not math.isfinite(number):
        if number == number and isinstance(value, str):  # '1e400'
            raise _too_large()
        raise CellError(msg("not a finite number"), _TYPE_A_NUMBER)
    return number + 0.0  # -0 is 0


_TYPE_A_NUMBER = msg("type a number")


def _too_large() -> CellError:
    return CellError(msg("this number is too large"), msg("type a smaller number"))


# Whole numbers larger than this are typing slips (a pasted code, a key held down).
_LARGEST = 10**18


def _not_a_number(text: str, decimal: str) -> CellError:
    if text.startswith("="):
        return CellError(
            msg("this is a formula; formulas are not read"),
            msg("paste the values (Paste Special > Values) instead of the formula"),
        )
    if text.upper() in FORMULA_ERRORS:
        return CellError(
            msg("this cell shows the formula error {code}", code=text.upper()),
            msg("correct the formula in the workbook, or type the value"),
        )
    example = "1234.5" if decimal == DOT else "1234,5"
    return CellError(msg("not a number"), msg("type a number such as {example}", example=example))


def parse_integer(value: Any, decimal: str = DOT) -> int:
    number = parse_number(value, decimal)
    if abs(number) > 2**62:
        raise _too_large()
    if not number.is_integer():
        raise CellError(
            msg("a whole number is needed here"),
            msg("type {whole} or another whole number", whole=str(round(number))),
        )
    return int(number)


# -- yes/no -------------------------------------------------------------------------------

_TRUE = frozenset({"yes", "y", "true", "1", "x", "co", "dung"})
_FALSE = frozenset({"no", "n", "false", "0", "khong", "sai"})


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = fold(as_text(value))
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(
        msg("not a yes/no value"), msg("type yes or no (có or không; x also means yes)")
    )


def bool_label(value: bool, lang: str) -> str:
    if lang == "vi":
        return "có" if value else "không"
    return "yes" if value else "no"


# -- dates and periods --------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_FIX = msg("write the date as dd/mm/yyyy, e.g. 25/03/2024")


FIRST_YEAR, LAST_YEAR = 1900, 2100


def parse_date(value: Any) -> date:
    """dd/mm/yyyy (also with '.' or '-'), yyyy-mm-dd, or a real spreadsheet date, in the
    years 1900 to 2100."""
    found = _date(value)
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        raise CellError(
            msg("the year {year} is out of range", year=str(found.year)),
            msg(
                "type a date between {first} and {last}, as dd/mm/yyyy",
                first=str(FIRST_YEAR),
                last=str(LAST_YEAR),
            ),
        )
    return found


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, ErrorCell):
        raise value.problem()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date cell that lost its format shows its serial number (days since 1899-12-30).
        if 1 <= value <= 73415:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(msg("not a date"), _DATE_FIX)
    text = as_text(value)
    if " " in text:  # "25/03/2024 00:00:00" from a spreadsheet that kept the time
        text = text.split(" ", 1)[0]
    if m := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
        if month > 12 and day <= 12:
            raise CellError(
                msg("the month comes second: this looks like mm/dd/yyyy"),
                msg("write {date} (day first)", date=f"{month:02d}/{day:02d}/{year}"),
            )
    elif m := _YMD.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise CellError(msg("not a date"), _DATE_FIX)
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(msg("there is no such day"), _DATE_FIX) from None


_PERIODS = (
    (re.compile(r"(\d{4})"), "year"),
    (re.compile(r"(\d{4})\s*[-/ ]\s*q([1-4])"), "quarter"),
    (re.compile(r"q([1-4])\s*[-/ ]\s*(\d{4})"), "quarter_first"),
    (re.compile(r"(\d{4})\s*[-/ ]\s*h([12])"), "half"),
    (re.compile(r"h([12])\s*[-/ ]\s*(\d{4})"), "half_first"),
    (re.compile(r"(\d{4})-(\d{1,2})"), "month"),
    (re.compile(r"(\d{1,2})\s*[/-]\s*(\d{4})"), "month_first"),
)
_PERIOD_FIX = msg(
    "type a year (2024), a quarter (2024-Q1), a half year (2024-H1) or a month (2024-03)"
)
# Words staff put around a period: "Năm 2024", "Tháng 3/2024", "Quý I năm 2024",
# "6 tháng đầu năm 2024".
_PERIOD_WORDS = (
    (re.compile(r"\b6 thang dau nam\b|\bnua dau nam\b|\bfirst half( of)?\b"), "h1 "),
    (re.compile(r"\b6 thang cuoi nam\b|\bnua cuoi nam\b|\bsecond half( of)?\b"), "h2 "),
    (re.compile(r"\b(quy|quarter)\s*(iv|iii|ii|i|[1-4])\b"), "q"),
    (re.compile(r"\b(thang|month|t)\s*(?=\d)"), ""),
    (re.compile(r"\b(nam|year)\s*(?=\d)"), ""),
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


def _period_text(text: str) -> str:
    """A period written with words, reduced to the short forms parse_period reads."""
    folded = fold(text)
    for pattern, short in _PERIOD_WORDS:
        if short == "q":
            folded = pattern.sub(lambda m: "q" + _ROMAN.get(m.group(2), m.group(2)), folded)
        else:
            folded = pattern.sub(short, folded)
    return " ".join(folded.replace(" nam ", " ").split())


def parse_period(value: Any) -> Period:
    """A year, a half year, a quarter or a month: '2024', '2024-Q1', 'Q1/2024', 'Quý I/2024',
    '2024-H1', '6 tháng đầu năm 2024', '2024-03', '03/2024', 'Tháng 3/2024'."""
    if isinstance(value, datetime | date):
        # Spreadsheets turn '2024-03' into the first day of that month.
        return _period(value.year, 1, value.month)
    if isinstance(value, int) and not isinstance(value, bool):
        return _period(value, 12, 1)
    if isinstance(value, float):
        if value.is_integer():
            return _period(int(value), 12, 1)
        raise CellError(msg("not a period"), _PERIOD_FIX)
    text = _period_text(as_text(value))
    for pattern, kind in _PERIODS:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        a, b = (int(g) for g in (*m.groups(), 0)[:2])
        if kind == "year":
            return _period(a, 12, 1)
        if kind == "quarter":
            return _period(a, 3, 3 * (b - 1) + 1)
        if kind == "quarter_first":
            return _period(b, 3, 3 * (a - 1) + 1)
        if kind == "half":
            return _period(a, 6, 6 * (b - 1) + 1)
        if kind == "half_first":
            return _period(b, 6, 6 * (a - 1) + 1)
        year, month = (a, b) if kind == "month" else (b, a)
        if not 1 <= month <= 12:
            raise CellError(msg("there is no month {month}", month=str(month)), _PERIOD_FIX)
        return _period(year, 1, month)
    raise CellError(msg("not a period"), _PERIOD_FIX)


def _period(year: int, months: int, first_month: int) -> Period:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CellError(
            msg("the year {year} is out of range", year=str(year))
            if abs(year) < 10**9
            else msg("the year is out of range"),
            msg(
                "type a year between {first} and {last}", first=str(FIRST_YEAR), last=str(LAST_YEAR)
            ),
        )
    return Period(year=year, months=months, first_month=first_month)


# -- codes --------------------------------------------------------------------------------

_WASTE_CODE = re.compile(r"(\d{2})(?:[ .\-]?(\d{2}))?(?:[ .\-]?(\d{2}))?\s*(\*)?")
WASTE_CODE_FIX = msg(
    "write 2, 4 or 6 digits in pairs, e.g. 05 01 02, or an EWC code such as 10 02 02*"
)


def parse_waste_code(value: Any, vn_groups: Iterable[str], ewc_codes: Iterable[str]) -> str:
    """A Vietnamese waste code (NN, NN NN, NN NN NN) or an EWC code ('*' marks hazardous)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = _digits(value)
        text = digits.zfill(len(digits) + len(digits) % 2)
    else:
        text = as_text(value)
    m = _WASTE_CODE.fullmatch(text)
    if m is None:
        raise CellError(msg("not a waste code"), WASTE_CODE_FIX)
    pairs = [p for p in m.groups()[:3] if p]
    star = m.group(4) is not None
    code = " ".join(pairs)
    groups, ewc = set(vn_groups), set(ewc_codes)
    if star:
        if len(pairs) != 3:
            raise CellError(msg("an EWC code marked '*' has three pairs of digits"), WASTE_CODE_FIX)
        if " ".join(pairs[:2]) not in ewc:
            raise CellError(
                msg("EWC sub-chapter {code} does not exist", code=" ".join(pairs[:2])),
                msg("check the code against the European Waste Catalogue"),
            )
        return code + "*"
    in_vn = pairs[0] in groups
    in_ewc = pairs[0] in ewc and (len(pairs) == 1 or " ".join(pairs[:2]) in ewc)
    if not (in_vn or in_ewc):
        raise CellError(
            msg("no Vietnamese waste group or EWC chapter '{code}'", code=pairs[0])
            if pairs[0] not in ewc
            else msg("EWC sub-chapter {code} does not exist", code=" ".join(pairs[:2])),
            msg(
                "the first pair is the group: 01 to 19 in the Vietnamese list, 01 to 20 in the EWC"
            ),
        )
    return code


def parse_vsic(value: Any, divisions: Iterable[str]) -> str:
    """A VSIC 2018 code: a 2-digit division or a longer code under it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = _digits(value).zfill(2)
    else:
        text = as_text(value).replace(" ", "").replace(".", "")
    if not re.fullmatch(r"\d{2,5}", text):
        raise CellError(
            msg("a VSIC code has 2 to 5 digits"),
            msg("type the 2-digit division (e.g. 24) or a longer code under it (e.g. 2410)"),
        )
    if text[:2] not in set(divisions):
        raise CellError(
            msg("there is no VSIC 2018 division {division}", division=text[:2]),
            msg("type a division from the VSIC 2018 list, e.g. 24 for basic metals"),
        )
    return text


def _digits(value: float) -> str:
    """The digits of a code typed into a numeric cell (a waste code, a VSIC code)."""
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return as_text(value)  # not a code; the caller refuses it
    if not 0 <= value < 10**9:
        return str(value)[:12]
    return str(int(value))


# -- enumerations -------------------------------------------------------------------------


@cache
def _enum_words(enum: type[LabelledEnum]) -> dict[str, LabelledEnum]:
    """Folded words -> member: values, both labels, and the words staff use for them
    (``catalog/data/choice_synonyms.csv``)."""
    from parkloop.catalog import catalog

    words: dict[str, LabelledEnum] = {}
    for row in catalog().rows("choice_synonyms.csv"):
        if row["choice"] == enum.__name__ and row["value"] in enum.values():
            words[fold(row["word"])] = enum(row["value"])
    for member in enum:
        for text in (member.value, member.label("vi"), member.label("en")):
            words[fold(text)] = member
            words[fold(text.replace("_", " "))] = member
    return words


def parse_enum(enum: type[LabelledEnum], value: Any) -> LabelledEnum:
    """The value or either label, ignoring case, accents and spacing."""
    text = as_text(value)
    member = _enum_words(enum).get(fold(text))
    if member is None:
        raise CellError(
            msg("not one of the allowed values"),
            msg("choose one of: {choices}", choices=enum_choices(enum)),
        )
    return member


def enum_choices(enum: type[LabelledEnum]) -> str:
    return ", ".join(
        f"{m.value} ({m.label('vi')})" if m.label("vi") != m.value else m.value for m in enum
    )
