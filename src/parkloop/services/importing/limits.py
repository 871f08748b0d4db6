"""What a cell of an import may hold: the range of each number column and the longest
text each column takes, and how a cell beyond them is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from parkloop.catalog.sheets import ColumnSpec, SheetSpec
from parkloop.errors import Message, Name, msg
from parkloop.services.cells import CellError, as_text, parse_list
from parkloop.store import writes

# Kinds of column whose cells are kept as the text typed, to be read with the row's
# context (direction, sector, park) in the sheet modules.
AS_TYPED = ("material", "org", "org_ref", "code", "vsic", "province", "destination", "fuel")


def spec_table(sheet: str) -> str:
    """The table a sheet's rows are stored in."""
    return {"enterprises": "organisations", "partners": "organisations"}.get(sheet, sheet)


# Numbers larger than this are typing slips (a pasted code, a key held down), not amounts:
# 10^15 VND is forty billion dollars. It also keeps every product of a number and a unit
# factor finite.
NUMBER_LIMIT = 1e15
# What an INTEGER column holds on every database (PostgreSQL's is 32 bits).
INTEGER_LIMIT = 2**31 - 1


def bounds(col: ColumnSpec) -> tuple[float, float]:
    """The smallest and largest value a number column takes: its own range from
    sheets.yaml, within what the database can hold."""
    # Looked up by identity: hashing a column's whole spec once per cell costs more than
    # the number it checks.
    found = _BOUNDS.get(id(col))
    if found is not None and found[0] is col:
        return found[1]
    limit = INTEGER_LIMIT if col.type == "integer" else NUMBER_LIMIT
    low = -limit if col.min is None else max(col.min, -limit)
    high = limit if col.max is None else min(col.max, limit)
    _BOUNDS[id(col)] = (col, (low, high))
    return low, high


_BOUNDS: dict[int, tuple[ColumnSpec, tuple[float, float]]] = {}


def plain(number: float) -> str:
    """A bound as people read it: 2100, 0.5, 1000000000000000."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def range_fix(col: ColumnSpec, low: float, high: float) -> Message:
    if col.key == "lat":
        return msg(
            "type a latitude between {low} and {high} in decimal degrees; if this is the "
            "longitude, swap the latitude and longitude columns",
            low=plain(low),
            high=plain(high),
        )
    if col.key == "lon":
        return msg(
            "type a longitude between {low} and {high} in decimal degrees; if this is the "
            "latitude, swap the latitude and longitude columns",
            low=plain(low),
            high=plain(high),
        )
    return msg("type a number between {low} and {high}", low=plain(low), high=plain(high))


# The longest text a column takes where the schema does not bound it (Text columns):
# names and words read into codes, and free notes. String(n) columns take their n.
NAME_LIMIT = 500
FREE_TEXT = ("text", "list", *AS_TYPED)
NOTE_LIMIT = 10_000
LIST_LIMIT = 2_000
TEXT_LIMITS = {
    "notes": NOTE_LIMIT,
    "note": NOTE_LIMIT,
    "description": NOTE_LIMIT,
    "quality": NOTE_LIMIT,
    "treatment": NOTE_LIMIT,
    "source": NOTE_LIMIT,
    "boundary_geojson": 1_000_000,
}
# Columns whose typed text is stored in another column than their own (the column of
# the same name holds the code read from it), or not at all (references; codes and
# countries, normalised first and checked then).
TYPED_TEXT = {
    "material": "material_text",
    "vsic": "sector_text",
    "province": "province_text",
    "destination": "destination_text",
    "fuel_type": "fuel_text",
    "park": None,
    "enterprise": None,
    "supplier": None,
    "receiver": None,
    "receiver_material": None,
    "code": None,
    "country": None,
}


def text_limit(spec: SheetSpec, col: ColumnSpec) -> int:
    """The longest text the column takes: the length of its database column where that
    is bounded, else its limit above."""
    stored = TYPED_TEXT.get(col.key, col.key)
    if col.key == "code" and spec.key not in ("parks", "enterprises", "partners"):
        stored = "code"
    table = writes.TABLES[spec_table(spec.key)]
    if stored is not None and stored in table.c:
        length = writes.text_limit(table.name, stored)
        if length is not None:
            return length
    if col.type == "list":
        return LIST_LIMIT
    return TEXT_LIMITS.get(col.key, NAME_LIMIT)


def too_long(text: str, limit: int) -> CellError:
    return CellError(
        msg(
            "{length} characters, longer than the {limit} this column takes",
            length=len(text),
            limit=limit,
        ),
        msg(
            "shorten it to at most {limit} characters; keep longer texts in a document and "
            "refer to it",
            limit=limit,
        )
        if limit >= NOTE_LIMIT
        else msg("shorten it to at most {limit} characters", limit=limit),
    )


def typed_text(limit: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = as_text(value)
        if len(text) > limit:
            raise too_long(text, limit)
        return text

    return parse


def limited_list(limit: int) -> Callable[[Any], list[str]]:
    def parse(value: Any) -> list[str]:
        items = parse_list(value)
        length = sum(map(len, items)) + 2 * max(len(items) - 1, 0)
        if length > limit:
            raise too_long("; ".join(items), limit)
        return items

    return parse


def checked_text(col: ColumnSpec, limit: int) -> Callable[[Any], str]:
    pattern = re.compile(col.pattern) if col.pattern else None

    def parse(value: Any) -> str:
        text = as_text(value)
        if len(text) > limit:
            raise too_long(text, limit)
        if pattern is not None and text and not pattern.fullmatch(text):
            hint = (
                Name(col.help_vi or col.help_en, col.help_en)
                if col.help_en
                else msg("see the Instructions sheet")
            )
            raise CellError(
                msg("does not have the expected form"),
                msg("{hint}; format the column as Text so that leading zeros stay", hint=hint)
                if not isinstance(value, str)
                else msg("{hint}", hint=hint),
            )
        return text

    return parse
