"""Step 1 of an import: every cell of every column read into a clean value.

Each distinct cell text is parsed once. Numbers typed as text are read with the decimal
mark decided for their column (:mod:`.numbers`); a quantity cell that carries its unit
("12.500 tấn") gives the unit to the row; a unit written in the header ("Khối lượng
(tấn/tháng)") serves every row that has none.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from parkloop.catalog import catalog, fold
from parkloop.catalog.sheets import ColumnSpec, SheetSpec
from parkloop.errors import Message, Name, msg
from parkloop.services.cells import (
    CellError,
    ErrorCell,
    as_text,
    clean_text,
    parse_bool,
    parse_date,
    parse_enum,
    parse_number,
    parse_period,
    parse_waste_code,
)
from parkloop.services.importing.limits import (
    AS_TYPED,
    FREE_TEXT,
    NAME_LIMIT,
    bounds,
    checked_text,
    limited_list,
    plain,
    range_fix,
    text_limit,
    too_long,
    typed_text,
)
from parkloop.services.numbers import (
    COMMA,
    DOT,
    MarkConflict,
    Readings,
    Tally,
    column_readings,
    decide,
    decide_mark,
    read_as,
    read_number,
    reading_with,
)
from parkloop.services.problems import Problem
from parkloop.services.quantities import parse_entered_unit
from parkloop.services.sources import RawSheet, Source, may_be_absent

NUMERIC = ("number", "integer")
_QUANTITY_WITH_UNIT = re.compile(r"^\s*([-+]?[\d.,\s\u00a0]*\d)\s*([^\d\s.,].*)$")
_PRICE_PER_UNIT = re.compile(
    r"(?i)^\s*([-+]?[\d.,\s\u00a0]*\d)\s*(?:vnđ|vnd|đồng|dong|đ|₫)?\s*/\s*(\S.*)$"
)
# What a number typed without a unit is made of (a unit starts with none of these).
_DIGITS_AND_MARKS = "0123456789., \u00a0"
_NOT_DIGIT_OR_MARK = re.compile(f"[^{re.escape(_DIGITS_AND_MARKS)}]")
PRICE_COLUMNS = ("price_vnd_per_unit", "treatment_cost_vnd_per_unit")
_VI_LETTERS = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


@dataclass(slots=True)
class Converted:
    """One sheet after step 1: clean values by column key, and which rows are already bad."""

    raw: RawSheet
    values: dict[str, list[Any]]
    bad: list[bool]


def keys_layout(source: Source) -> bool:
    """Whether every header is a column key: parkloop's own layout (an export)."""
    written = [(key, text) for sheet in source.sheets for key, text in sheet.headers.items()]
    return bool(written) and all(fold(text) == fold(key) for key, text in written)


def workbook_language(source: Source) -> str | None:
    """'vi' or 'en' when the headers, sheet names or text cells say which; else None."""
    if keys_layout(source):
        return "en"  # parkloop's own layout writes numbers with a decimal point
    vi = en = 0
    for sheet in source.sheets:
        for col in sheet.spec.columns:
            written = sheet.headers.get(col.key)
            if written is None or fold(col.label_vi) == fold(col.label_en):
                continue
            folded = fold(written.split("(")[0].rstrip("* "))
            vi += folded == fold(col.label_vi) or bool(_VI_LETTERS.search(written.lower()))
            # Headers written as column keys are parkloop's own layout (an export): its
            # numbers are written with a decimal point, as the English ones are.
            en += folded in (fold(col.label_en), fold(col.key))
        for cells in sheet.columns.values():
            texts = [c for c in cells[:200] if isinstance(c, str) and c]
            vi += sum(1 for t in texts if _VI_LETTERS.search(t.lower())) > len(texts) // 4 > 0
    if source.kind == "json":
        return "en"
    if vi > en:
        return "vi"
    if en > vi:
        return "en"
    return None


class ColumnReader:
    """Converts the columns of every sheet, collecting problems and notes as it goes."""

    def __init__(
        self,
        source: Source,
        problems: list[Problem],
        warnings: list[str],
        decimal: str | None,
    ) -> None:
        self.source = source
        self.problems = problems
        self.warnings = warnings
        self.decimal = decimal
        self.language = workbook_language(source)
        cat = catalog()
        self._divisions = [c for c, e in cat.vsic.items() if e.level == 2]
        self._vn_groups = list(cat.vn_waste_groups)
        self._ewc = list(cat.ewc)
        self._regions = {
            fold(text): code
            for code, r in cat.regions.items()
            for text in (code, r.name_vi, r.name_en)
        }

    def problem(
        self, raw: RawSheet, i: int, column: str | None, value: Any, message: Message, fix: Message
    ) -> None:
        self.problems.append(
            Problem(
                raw.name,
                raw.row_numbers[i] if i >= 0 else raw.header_row,
                raw.label(column) if column else None,
                shown(value),
                message,
                fix,
            )
        )

    def sheet(self, raw: RawSheet, progress: Callable[[int, int], None] | None) -> Converted:
        # Without a required column no row can be complete; that is one problem, already
        # reported for the header, not one per row.
        incomplete = any(
            c.required
            and c.key not in raw.headers
            and not may_be_absent(raw.spec, c.key, raw, set(raw.headers), self.source.default_park)
            for c in raw.spec.columns
        )
        bad = [incomplete] * len(raw)
        self._split_quantity_units(raw)
        self._split_price_units(raw)
        values: dict[str, list[Any]] = {}
        columns = raw.spec.columns
        for done, col in enumerate(columns, start=1):
            values[col.key] = self._column(raw, col, bad)
            if progress is not None:
                progress(done, len(columns))
        for column in PRICE_COLUMNS:
            if f"{column}:unit" in raw.columns:
                values[f"{column}:unit"] = raw.columns[f"{column}:unit"]
        return Converted(raw, values, bad)

    def _split_quantity_units(self, raw: RawSheet) -> None:
        """'12.500 tấn' in a quantity cell: the number stays, the unit goes to the unit column
        (where that is blank); a unit in the quantity header fills blank unit cells."""
        quantities = raw.columns.get("quantity")
        if quantities is None or "unit" not in {c.key for c in raw.spec.columns}:
            return
        units = raw.columns.get("unit")
        if units is None:
            units = [None] * len(raw)
            raw.columns["unit"] = units
            raw.headers.setdefault("unit", raw.label("quantity"))
        header_unit = raw.header_units.get("quantity")
        if not header_unit and not _beyond_numbers(quantities):
            return  # bare numbers only (most sheets): no unit to split off or fill in
        for i, cell in enumerate(quantities):
            if (
                isinstance(cell, str)
                and cell.strip(_DIGITS_AND_MARKS)  # a bare number has no unit to split off
                and (m := _QUANTITY_WITH_UNIT.match(cell))
            ):
                try:
                    parse_entered_unit(m.group(2))
                except CellError:
                    continue
                quantities[i] = m.group(1)
                if units[i] is None or (isinstance(units[i], str) and not units[i].strip()):
                    units[i] = m.group(2).strip()
            if header_unit and (
                units[i] is None or (isinstance(units[i], str) and not units[i].strip())
            ):
                units[i] = header_unit

    def _split_price_units(self, raw: RawSheet) -> None:
        """'1.500 đ/kg' in a price cell: the number stays, the unit it is per is kept
        beside it (``<column>:unit``) so the price is converted by its own unit."""
        for column in PRICE_COLUMNS:
            cells = raw.columns.get(column)
            if cells is None:
                continue
            units: list[str | None] = [None] * len(cells)
            for i, cell in enumerate(cells):
                if isinstance(cell, str) and "/" in cell and (m := _PRICE_PER_UNIT.match(cell)):
                    try:
                        parse_entered_unit(m.group(2))
                    except CellError:
                        continue
                    cells[i], units[i] = m.group(1), m.group(2).strip()
            if any(units):
                raw.columns[f"{column}:unit"] = units

    def _column(self, raw: RawSheet, col: ColumnSpec, bad: list[bool]) -> list[Any]:
        cells = raw.columns.get(col.key)
        n = len(raw)
        if cells is None:
            return [None] * n
        numeric = col.type in NUMERIC
        mark: str | None = DOT
        if numeric:
            # Decided over the distinct texts, each read both ways once.
            counts = _counted(cells)
            known, tally = column_readings(t for t in counts if isinstance(t, str))
            mark = self._mark(raw, col, cells, counts, known, tally, bad)
        if mark is None:
            # The column's texts read two ways (reported once for the column); its numeric
            # cells are still read, so that every other problem of the rows is found.
            texts = {i for i, c in enumerate(cells) if isinstance(c, str) and c.strip()}
            for i in texts:
                bad[i] = True
            cells = [None if i in texts else c for i, c in enumerate(cells)]
            counts, known, mark = _counted(cells), {}, DOT
        parse = self._parser(raw.spec, col, mark)
        # Each distinct value is read once, the first time it is met, in one pass over the
        # column.
        memo = _Values(lambda cell: self._value(col, cell, parse, numeric))
        if col.type == "number":
            # Most numbers read plainly within the column's range: those are read here
            # at once; the rest take the full path, which says what is wrong.
            memo.update(_plain_numbers(counts, mark, bounds(col), known))
        unhashable: dict[int, Any] = {}
        try:
            out: list[Any] = list(map(memo.__getitem__, cells))
        except TypeError:  # an unhashable JSON value somewhere: go cell by cell
            unhashable = {i: c for i, c in enumerate(cells) if not _hashable(c)}
            out = [None if i in unhashable else memo[c] for i, c in enumerate(cells)]
        failed = memo.failed
        if failed or unhashable:
            for i, cell in enumerate(cells):
                if i in unhashable:
                    try:
                        out[i] = self._value(col, cell, parse, numeric)
                        continue
                    except CellError as exc:
                        error = exc
                else:
                    found = failed.get(cell)
                    if found is None:
                        continue
                    error = found
                self.problem(raw, i, col.key, cell, error.said, error.said_fix)
                bad[i] = True
                out[i] = None
        if col.required and None in out:
            for i, value in enumerate(out):
                if value is None and not bad[i] and not self._derivable(raw, col, i):
                    self.problem(
                        raw,
                        i,
                        col.key,
                        cells[i],
                        msg("this column must be filled in"),
                        _fill_hint(col),
                    )
                    bad[i] = True
        return out

    def _value(self, col: ColumnSpec, cell: Any, parse: Callable[[Any], Any], numeric: bool) -> Any:
        if cell.__class__ is ErrorCell:
            raise cell.problem()
        if cell.__class__ is str and len(cell) > NAME_LIMIT and col.type not in FREE_TEXT:
            raise too_long(cell, NAME_LIMIT)  # a number, date, unit or choice is short
        if numeric and cell.__class__ is float and col.type == "number":
            value: Any = cell
            if value != value or value in (float("inf"), float("-inf")):
                raise CellError(msg("not a finite number"), msg("type a number"))
            value += 0.0  # -0 is 0
        else:
            value = parse(cell)
        if numeric:
            low, high = bounds(col)
            if value < low:
                raise CellError(
                    msg("must be at least {low}", low=plain(low)), range_fix(col, low, high)
                )
            if value > high:
                raise CellError(
                    msg("must be at most {high}", high=plain(high)), range_fix(col, low, high)
                )
            if col.type == "integer":
                if not float(value).is_integer():
                    raise CellError(
                        msg("a whole number is needed here"),
                        msg("type {whole} or another whole number", whole=str(round(value))),
                    )
                value = int(value)
        return value

    def _derivable(self, raw: RawSheet, col: ColumnSpec, i: int) -> bool:
        """A blank code or name is made from the other one, where the sheet allows it."""
        pair = {"code": "name_vi", "name_vi": "code"}.get(col.key)
        if pair is None or raw.spec.key not in ("parks", "enterprises", "partners"):
            return False
        other = raw.columns.get(pair)
        return other is not None and not _blank(other[i])

    def _mark(
        self,
        raw: RawSheet,
        col: ColumnSpec,
        cells: list[Any],
        counts: Counter[Any],
        known: dict[str, Readings],
        tally: Tally,
        bad: list[bool],
    ) -> str | None:
        """The decimal mark of a number column, decided over its distinct texts (``known``,
        in the order first met, with their readings and ``tally``; ``counts``: the rows of
        each value), each named by its first row; None, with the problem, if the column
        reads two ways."""
        if not known:
            return DOT
        texts = list(known)
        numbers = raw.row_numbers

        def first_row(n: int) -> int:
            return numbers[cells.index(texts[n])]

        decision = decide(tally, self.language, self.decimal, first_row, read=known.__getitem__)
        if isinstance(decision, MarkConflict):
            # Its message lists rows, not texts: decided again over every row (which read
            # two ways as their texts do).
            every = [(i, c) for i, c in enumerate(cells) if isinstance(c, str) and c.strip()]
            conflict = decide_mark(
                every, self.language, self.decimal, numbers.__getitem__, read=known.__getitem__
            )
            assert isinstance(conflict, MarkConflict)
            self.problems.append(
                Problem(
                    raw.name,
                    numbers[conflict.rows[0]],
                    raw.label(col.key),
                    shown(cells[conflict.rows[0]]),
                    conflict.message,
                    conflict.fix,
                    tuple(numbers[i] for i in conflict.rows),
                )
            )
            for i in conflict.rows:
                bad[i] = True
            return None
        where = f"sheet '{raw.name}', column '{raw.label(col.key)}'"
        if decision.reason.startswith("English workbook") and keys_layout(self.source):
            decision.reason = "headers are parkloop's column keys: '.' is the decimal point"
        # The rows of the texts decided (each text's rows alike).
        decided = sum(counts[texts[n]] for n in decision.decided)
        if decided and decision.reason:
            value = read_as(decision.example, decision.mark)
            what = "decimal comma" if decision.mark == COMMA else "decimal point"
            self.warnings.append(
                f"{where}: read with a {what} ({decision.reason}); e.g. '{decision.example}' "
                f"is {value:g}" + (f", {decided} values read this way" if decided > 1 else "")
            )
        return decision.mark

    def _parser(self, spec: SheetSpec, col: ColumnSpec, mark: str) -> Callable[[Any], Any]:
        enum = col.enum
        if enum is not None:
            return lambda v: parse_enum(enum, v).value
        kind = col.type
        if kind == "text":
            return checked_text(col, text_limit(spec, col))
        if kind in AS_TYPED:
            return typed_text(text_limit(spec, col))
        if kind in NUMERIC:
            return lambda v: _within(parse_number, v, mark, col)
        if kind == "bool":
            return parse_bool
        if kind == "date":
            return parse_date
        if kind == "period":
            return parse_period
        if kind == "list":
            return limited_list(text_limit(spec, col))
        if kind == "region":
            return self._region
        if kind == "unit":
            return parse_entered_unit
        if kind == "material_code":
            return _material_code
        if kind == "waste_code":
            groups, ewc = self._vn_groups, self._ewc
            return lambda v: parse_waste_code(v, groups, ewc)
        raise AssertionError(f"no parser for column type {kind}")

    def _region(self, value: Any) -> str:
        code = self._regions.get(fold(as_text(value)))
        if code is None:
            raise CellError(
                msg("not a known region"),
                msg(
                    "choose one of: {choices}",
                    choices=", ".join(sorted(set(self._regions.values()))),
                ),
            )
        return code


def _plain_numbers(
    cells: Iterable[Any],
    mark: str,
    within: tuple[float, float],
    known: dict[str, Readings] | None = None,
) -> dict[Any, float]:
    """The cells of a number column that are a number within ``within`` as they are (a
    finite float) or as read with ``mark`` (a text of at most NAME_LIMIT characters): the
    values :meth:`ColumnReader._value` gives them, found without its checks, which only
    the other cells need. ``known``: the readings of texts read already."""
    low, high = within
    known = known or {}
    out: dict[Any, float] = {}
    for cell in cells:
        kind = cell.__class__
        if kind is float:
            if low <= cell <= high:
                out[cell] = cell + 0.0
        elif kind is str and len(cell) <= NAME_LIMIT:
            text = clean_text(cell)
            both = known.get(text)
            number = read_number(text, mark) if both is None else reading_with(both, mark)
            if number is not None and low <= number <= high:
                out[cell] = number + 0.0
    return out


class _Values(dict[Any, Any]):
    """The value of each distinct cell of a column, read by ``read`` the first time the
    cell is looked up; a cell that cannot be read is None, its error in ``failed``."""

    def __init__(self, read: Callable[[Any], Any]) -> None:
        super().__init__()
        self.read = read
        self.failed: dict[Any, CellError] = {}

    def __missing__(self, cell: Any) -> Any:
        value = None
        if cell is not None and not (cell.__class__ is str and (not cell or cell.isspace())):
            try:
                value = self.read(cell)
            except CellError as exc:
                self.failed[cell] = exc.with_traceback(None)  # no frames kept alive in a cycle
            else:
                if value == "" or value == []:
                    value = None
        self[cell] = value
        return value


def _counted(cells: list[Any]) -> Counter[Any]:
    """How many rows hold each distinct value of a column (unhashable JSON values left out),
    in the order first met."""
    try:
        return Counter(cells)
    except TypeError:
        return Counter(c for c in cells if _hashable(c))


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _beyond_numbers(cells: list[Any]) -> bool:
    """Whether some cell is a text holding more than digits, marks and spaces (all the
    texts looked at as one)."""
    texts = "".join([cell for cell in cells if isinstance(cell, str)])
    return _NOT_DIGIT_OR_MARK.search(texts) is not None


def _within(parse: Callable[[Any, str], Any], value: Any, mark: str, col: ColumnSpec) -> Any:
    """A number read with the column's mark, unless only the other reading fits the
    column's range (a longitude '106.615' in a Vietnamese workbook)."""
    number = parse(value, mark)
    if isinstance(value, str) and not _fits(number, col):
        try:
            other = parse(value, COMMA if mark == DOT else DOT)
        except CellError:
            return number
        if _fits(other, col):
            return other
    return number


def _fits(number: float, col: ColumnSpec) -> bool:
    low, high = bounds(col)
    return low <= number <= high


def _material_code(value: Any) -> str:
    code = as_text(value).lower()
    if code not in catalog().materials:
        raise CellError(
            msg("not a catalog material code"),
            msg(
                "leave it blank (parkloop reads the material column), or type a code from the "
                "Lists sheet"
            ),
        )
    return code


def _fill_hint(col: ColumnSpec) -> Message:
    if col.help_en:
        return msg(
            "fill in {column} ({help})",
            column=col,
            help=Name(col.help_vi or col.help_en, col.help_en),
        )
    return msg("fill in {column}", column=col)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: Any) -> str:
    """A cell as a problem shows it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, (list, tuple)):
        return "[...]"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        digits = len(str(abs(value)))
        return f"{'-' if value < 0 else ''}{str(abs(value))[:6]}… ({digits} digits)"
    try:
        return as_text(value)
    except CellError:
        return str(value)
