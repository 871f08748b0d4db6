"""Numbers as people type them: the decimal mark is decided per column, never globally.

A text such as ``12.500`` is twelve thousand five hundred where '.' groups thousands
(Vietnamese style) and twelve and a half where '.' is the decimal point. A value that can
be read only one way (``1.234,5``, ``12,5``, ``1,234.5``, ``1.5``) is read that way. A
value that reads two ways takes its column's mark, decided by the column's other values,
then by the workbook's language; only when neither says is the value refused, naming the
column and both readings. Numeric spreadsheet cells are numbers already.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from parkloop.errors import Message, msg

DOT, COMMA = ".", ","
_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009'"), None)
_CURRENCY = re.compile(r"(?i)\s*(vnđ|vnd|đồng|đ|₫)$")
_PLAIN = {
    DOT: re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"),
    COMMA: re.compile(r"(\d+,?\d*|,\d+)([eE][+-]?\d+)?"),
}
_GROUPED = {
    DOT: re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?"),
    COMMA: re.compile(r"\d{1,3}(\.\d{3})+(,\d*)?"),
}


def body(text: str) -> tuple[str, str]:
    """The sign and the digits of a number typed as text, without currency and spaces."""
    text = text.strip()
    if text[-1:].isdigit():  # no currency after the digits (most numbers)
        digits = text.translate(_SPACES)
    else:
        digits = _CURRENCY.sub("", text).translate(_SPACES)
    if digits[:1] in ("+", "-"):
        return digits[0], digits[1:]
    return "", digits


def read_as(text: str, mark: str) -> float | None:
    """``text`` read with ``mark`` as the decimal mark, or None if it is not such a number."""
    return _as(*body(text), mark)


def _as(sign: str, digits: str, mark: str) -> float | None:
    other = COMMA if mark == DOT else DOT
    if _PLAIN[mark].fullmatch(digits):
        return float(sign + digits.replace(COMMA, DOT))
    if _GROUPED[mark].fullmatch(digits):
        return float(sign + digits.replace(other, "").replace(COMMA, DOT))
    return None


Readings = tuple[float | None, float | None]


def readings(text: str) -> Readings:
    """(value with a decimal point, value with a decimal comma)."""
    shape = _SHAPES.fullmatch(text)
    if shape is not None:
        return _shaped(text, shape.lastgroup)
    sign, digits = body(text)
    return _as(sign, digits, DOT), _as(sign, digits, COMMA)


def column_readings(texts: Iterable[str]) -> tuple[dict[str, Readings], Tally]:
    """The :func:`readings` of each distinct text of a column that is not blank, in the
    order given, with the :class:`Tally` of them (each text indexed by its place among
    them): one pass over a column's texts gives all that its decimal mark is decided by
    and its numbers are read with."""
    known: dict[str, Readings] = {}
    tally = Tally()
    add, shape_of = tally.add, _SHAPES.fullmatch
    for text in texts:
        shape = shape_of(text)
        if shape is not None:
            both = _shaped(text, shape.lastgroup)
        elif text.strip():
            sign, digits = body(text)
            both = _as(sign, digits, DOT), _as(sign, digits, COMMA)
        else:
            continue
        add(len(known), text, both)
        known[text] = both
    return known, tally


# The shapes most numbers are typed in (ASCII digits and marks only, no sign, space or
# currency), each read straight from its shape: the same readings as :func:`_as` gives
# them, found with one pattern instead of four.
_SHAPES = re.compile(
    r"(?P<whole>[0-9]+)"
    r"|(?P<dots_comma>[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]*)"
    r"|(?P<dots>[0-9]{1,3}(?:\.[0-9]{3})+)"
    r"|(?P<comma>[0-9]+,[0-9]+)"
    r"|(?P<point>[0-9]+\.[0-9]+)"
)
_THOUSAND_COMMA = re.compile(r"[0-9]{1,3},[0-9]{3}")


def _shaped(text: str, shape: str | None) -> tuple[float | None, float | None]:
    if shape == "whole":  # '12500': one reading
        value = float(text)
        return value, value
    if shape == "dots_comma":  # '12.500,5': dots group thousands
        return None, float(text.replace(".", "").replace(",", "."))
    if shape == "dots":  # '12.500' reads both ways; '1.250.000' only as groups
        return float(text) if text.count(".") == 1 else None, float(text.replace(".", ""))
    if shape == "comma":  # '12,5'; '1,250' reads both ways
        grouped = float(text.replace(",", "")) if _THOUSAND_COMMA.fullmatch(text) else None
        return grouped, float(text.replace(",", "."))
    return float(text), None  # '12.50', '1250.5': a decimal point


def read_number(text: str, mark: str) -> float | None:
    """``text`` as a person reads it: its only reading, or, when it reads two ways,
    the reading with ``mark``; None if it is not a number at all."""
    return reading_with(readings(text), mark)


def reading_with(both: Readings, mark: str) -> float | None:
    """Of a text's :func:`readings`, the one a person takes with ``mark``."""
    as_dot, as_comma = both
    if as_dot is None:
        return as_comma
    if as_comma is None or as_dot == as_comma:
        return as_dot
    return as_dot if mark == DOT else as_comma


def _itself(index: int) -> int:
    return index


def shown(value: float) -> str:
    """A reading in plain digits, without thousands separators that could mislead."""
    return str(int(value)) if value.is_integer() else repr(value)


def _within(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


@dataclass(slots=True)
class MarkDecision:
    """How one column's numbers are read: the mark, why, and which values it decided."""

    mark: str
    reason: str
    decided: list[int] = field(default_factory=list)
    example: str = ""


@dataclass(slots=True)
class Tally:
    """What the texts of one column say of its decimal mark, as ``(index, text)``: the
    first text that reads only with a decimal point, the first that reads only with a
    decimal comma, and every text that reads two ways with two values."""

    dot_only: tuple[int, str] | None = None
    comma_only: tuple[int, str] | None = None
    differ: list[tuple[int, str]] = field(default_factory=list)

    def add(self, i: int, text: str, both: Readings) -> None:
        as_dot, as_comma = both
        if as_comma is None:
            if as_dot is not None and self.dot_only is None:
                self.dot_only = (i, text)
        elif as_dot is None:
            if self.comma_only is None:
                self.comma_only = (i, text)
        elif as_dot != as_comma:
            self.differ.append((i, text))


@dataclass(slots=True)
class MarkConflict:
    """A column that cannot be read one way: its message and the fix."""

    message: Message
    fix: Message
    rows: list[int]


def decide_mark(
    texts: Iterable[tuple[int, str]],
    language: str | None,
    flag: str | None,
    row_label: Callable[[int], int] | None = None,
    bounds: tuple[float | None, float | None] = (None, None),
    read: Callable[[str], Readings] = readings,
) -> MarkDecision | MarkConflict:
    """The decimal mark for the ``(index, text)`` values of one column.

    ``language`` is the workbook's ('vi', 'en' or None); ``flag`` a mark the user chose
    (``--decimal``), which settles everything. ``row_label`` gives the row number the
    user sees of an index, for messages (default: the index). ``read`` gives the
    :func:`readings` of a text, where they are known already. Readings outside
    ``bounds`` do not count.
    """
    tally = Tally()
    low, high = bounds
    bounded = low is not None or high is not None
    for i, text in texts:
        as_dot, as_comma = read(text)
        if bounded:
            if as_dot is not None and not _within(as_dot, low, high):
                as_dot = None
            if as_comma is not None and not _within(as_comma, low, high):
                as_comma = None
        tally.add(i, text, (as_dot, as_comma))
    return decide(tally, language, flag, row_label, read)


def decide(
    tally: Tally,
    language: str | None,
    flag: str | None,
    row_label: Callable[[int], int] | None = None,
    read: Callable[[str], Readings] = readings,
) -> MarkDecision | MarkConflict:
    """The decimal mark a column's :class:`Tally` settles (see :func:`decide_mark`)."""
    label = row_label or _itself
    dot_only, comma_only, differ = tally.dot_only, tally.comma_only, tally.differ
    decided = [i for i, _ in differ]
    example = differ[0][1] if differ else ""
    if flag in (DOT, COMMA):
        return MarkDecision(flag, f"--decimal {flag}", decided, example)
    if dot_only is not None and comma_only is None:
        i, text = dot_only
        return MarkDecision(DOT, f"'{text}' (row {label(i)}) has a decimal point", decided, example)
    if comma_only is not None and dot_only is None:
        i, text = comma_only
        return MarkDecision(
            COMMA, f"'{text}' (row {label(i)}) has a decimal comma", decided, example
        )
    if not differ:
        return MarkDecision(DOT, "", [], "")
    mixed = " (the column mixes decimal points and commas)" if dot_only is not None else ""
    if language == "vi":
        return MarkDecision(
            COMMA, "Vietnamese workbook: '.' groups thousands" + mixed, decided, example
        )
    if language == "en":
        return MarkDecision(
            DOT, "English workbook: '.' is the decimal point" + mixed, decided, example
        )
    i, text = differ[0]
    as_dot, as_comma = read(text)
    assert as_dot is not None and as_comma is not None
    rows = ", ".join(str(label(j)) for j, _ in differ[:5]) + (", …" if len(differ) > 5 else "")
    return MarkConflict(
        msg(
            "'{text}' (rows {rows}) is {as_comma} if '.' groups thousands (1.234,5) and "
            "{as_dot} if '.' is the decimal point (1,234.5); nothing in the file says which",
            text=text,
            rows=rows,
            as_comma=shown(as_comma),
            as_dot=shown(as_dot),
        ),
        msg(
            "import with --decimal , if '.' groups thousands, or --decimal . if it is the "
            "decimal point"
        ),
        [j for j, _ in differ],
    )
