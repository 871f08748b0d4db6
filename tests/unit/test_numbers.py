"""Numbers as Vietnamese and English staff type them: the decimal mark per column."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkloop.catalog.sheets import sheet_spec
from parkloop.services.cells import CellError, parse_number
from parkloop.services.importing.columns import (
    _DIGITS_AND_MARKS,
    _PRICE_PER_UNIT,
    _QUANTITY_WITH_UNIT,
    ColumnReader,
    _beyond_numbers,
    _plain_numbers,
    bounds,
)
from parkloop.services.numbers import (
    COMMA,
    DOT,
    MarkConflict,
    MarkDecision,
    _as,
    body,
    column_readings,
    decide,
    decide_mark,
    read_number,
    readings,
)
from parkloop.services.sources import Source


@pytest.mark.parametrize(
    ("text", "as_dot", "as_comma"),
    [
        ("12.500", 12.5, 12500.0),
        ("1.234,5", None, 1234.5),
        ("1,234.5", 1234.5, None),
        ("12,5", None, 12.5),
        ("1.5", 1.5, None),
        ("1,234", 1234.0, 1.234),
        ("1.234.567", None, 1234567.0),
        ("1 234,5", None, 1234.5),
        ("150.000 đ", 150.0, 150000.0),
        ("-0,8", None, -0.8),
        ("2024", 2024.0, 2024.0),
        ("abc", None, None),
    ],
)
def test_each_text_has_its_readings(
    text: str, as_dot: float | None, as_comma: float | None
) -> None:
    assert readings(text) == (as_dot, as_comma)


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "007",
        "12.500,5",
        "12.500,",
        "1.250.000",
        "0.000",
        "1,250",
        "1234,567",
        "12,50",
        "12.50",
        "1234.5",
        "1.2345",
        "12.5.0",
        "1,2,3",
        ",5",
        ".5",
        "5.",
        "5,",
    ],
)
def test_a_number_read_by_its_shape_has_the_general_readings(text: str) -> None:
    assert readings(text) == _general_readings(text)


@given(st.text(alphabet="0123456789.,", min_size=1, max_size=16))
def test_every_shape_of_digits_and_marks_has_the_general_readings(text: str) -> None:
    assert readings(text) == _general_readings(text)


def _general_readings(text: str) -> tuple[float | None, float | None]:
    sign, digits = body(text)
    return _as(sign, digits, DOT), _as(sign, digits, COMMA)


def test_a_vietnamese_workbook_reads_thousands_separators_as_such() -> None:
    decision = decide_mark([(0, "12.500"), (1, "180.000"), (2, "42.000")], "vi", None)
    assert isinstance(decision, MarkDecision)
    assert decision.mark == COMMA and decision.decided == [0, 1, 2]
    assert "Vietnamese" in decision.reason


def test_one_decisive_value_settles_the_column() -> None:
    decision = decide_mark([(0, "12.500"), (1, "3,5")], None, None, {0: 7, 1: 9}.__getitem__)
    assert isinstance(decision, MarkDecision) and decision.mark == COMMA
    assert "'3,5' (row 9)" in decision.reason
    assert decide_mark([(0, "12.500"), (1, "1.5")], None, None).mark == DOT  # type: ignore[union-attr]


def test_an_ambiguous_column_with_nothing_to_settle_it_is_refused_naming_both_readings() -> None:
    decision = decide_mark([(0, "12.500"), (1, "180.000")], None, None, {0: 3, 1: 4}.__getitem__)
    assert isinstance(decision, MarkConflict)
    message, fix = str(decision.message), str(decision.fix)
    assert "12500" in message and "12.5" in message
    assert "rows 3, 4" in message
    assert "--decimal ," in fix and "--decimal ." in fix
    assert decision.rows == [0, 1]


def test_the_flag_settles_everything() -> None:
    decision = decide_mark([(0, "12.500")], None, COMMA)
    assert isinstance(decision, MarkDecision) and decision.mark == COMMA


def test_a_column_mixing_marks_still_reads_each_unambiguous_value() -> None:
    decision = decide_mark([(0, "8.5"), (1, "36,5")], None, None)
    assert isinstance(decision, MarkDecision)
    assert read_number("8.5", decision.mark) == 8.5
    assert read_number("36,5", decision.mark) == 36.5
    # With a value that reads two ways and no language, that value is refused.
    assert isinstance(
        decide_mark([(0, "8.5"), (1, "36,5"), (2, "12.500")], None, None), MarkConflict
    )
    mixed = decide_mark([(0, "8.5"), (1, "36,5"), (2, "12.500")], "vi", None)
    assert isinstance(mixed, MarkDecision) and mixed.mark == COMMA


@given(
    st.lists(st.text(alphabet="0123456789.,+- đ", max_size=10), max_size=12),
    st.sampled_from(["vi", "en", None]),
    st.sampled_from([None, DOT, COMMA]),
)
def test_a_column_read_in_one_pass_is_decided_as_value_by_value(
    texts: list[str], language: str | None, flag: str | None
) -> None:
    distinct = list(dict.fromkeys(texts))
    known, tally = column_readings(distinct)
    every = [t for t in distinct if t.strip()]
    assert known == {t: readings(t) for t in every}
    assert decide(tally, language, flag) == decide_mark(enumerate(every), language, flag)


def vi_style(value: float, decimals: int) -> str:
    whole, _, frac = f"{value:,.{decimals}f}".partition(".")
    return whole.replace(",", ".") + ("," + frac if frac else "")


def en_style(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


quantities = st.tuples(st.integers(0, 10**9), st.integers(0, 3)).map(
    lambda t: (round(t[0] / 10 ** t[1], t[1]), t[1])
)


@given(st.lists(quantities, min_size=1, max_size=20), st.sampled_from(["vi", "en"]))
def test_quantities_written_in_either_style_read_back_exactly(
    values: list[tuple[float, int]], lang: str
) -> None:
    style = vi_style if lang == "vi" else en_style
    texts = [(i, style(v, d)) for i, (v, d) in enumerate(values)]
    decision = decide_mark(texts, lang, None)
    assert isinstance(decision, MarkDecision)
    for (value, _), (_, text) in zip(values, texts, strict=True):
        assert parse_number(text, decision.mark) == pytest.approx(value, rel=0, abs=1e-9)


# -- a number column read in one pass, as the full reading of each cell reads it -------------

_QUANTITY = next(c for c in sheet_spec("flows").columns if c.key == "quantity")
_READER = ColumnReader(Source(path=Path("numbers.json"), kind="json"), [], [], None)


def _full_reading(cell: object, mark: str) -> object:
    parse = _READER._parser(sheet_spec("flows"), _QUANTITY, mark)
    try:
        return _READER._value(_QUANTITY, cell, parse, True)
    except CellError as exc:
        return exc


def test_plain_numbers_are_read_in_one_pass() -> None:
    cells = ["12.500,5", "12.500", " 7,25 ", 3.5, "-4", "abc", float("nan"), 1e16]
    found = _plain_numbers(cells, COMMA, bounds(_QUANTITY))
    assert found == {"12.500,5": 12500.5, "12.500": 12500.0, " 7,25 ": 7.25, 3.5: 3.5}


@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(alphabet="0123456789.,+-eE đ\u00a0", max_size=14),
    ),
    st.sampled_from([DOT, COMMA]),
)
def test_a_number_read_in_one_pass_is_the_full_reading(cell: object, mark: str) -> None:
    found = _plain_numbers([cell], mark, bounds(_QUANTITY))
    # Readings worked out before (as a column's mark is decided) give the same values.
    known = {cell: readings(cell)} if isinstance(cell, str) and cell.strip() else {}
    assert _plain_numbers([cell], mark, bounds(_QUANTITY), known) == found
    if cell in found:
        full = _full_reading(cell, mark)
        assert not isinstance(full, CellError)
        assert found[cell] == full and type(found[cell]) is float


@given(
    st.lists(
        st.one_of(st.none(), st.floats(), st.text(alphabet="0123456789., \u00a0\ttđ-", max_size=6))
    )
)
def test_a_column_is_beyond_numbers_when_one_of_its_texts_is(cells: list[object]) -> None:
    one_by_one = any(isinstance(c, str) and c.strip(_DIGITS_AND_MARKS) for c in cells)
    assert _beyond_numbers(cells) == one_by_one


@given(st.text(alphabet="0123456789.,+- \u00a0\t/tấnkgđm3", max_size=14))
def test_only_a_cell_with_more_than_a_number_is_split_into_number_and_unit(cell: str) -> None:
    # The importer tries the patterns only on cells that pass these cheap tests.
    if not cell.strip(_DIGITS_AND_MARKS):
        assert _QUANTITY_WITH_UNIT.match(cell) is None
    if "/" not in cell:
        assert _PRICE_PER_UNIT.match(cell) is None


@pytest.mark.parametrize(
    ("cell", "number", "unit"),
    [
        ("12.500 tấn", "12.500", "tấn"),
        ("12 m3", "12", "m3"),
        ("-3 t", "-3", "t"),
        ("1 500\u00a0kg", "1 500", "kg"),
    ],
)
def test_a_quantity_with_its_unit_is_split(cell: str, number: str, unit: str) -> None:
    m = _QUANTITY_WITH_UNIT.match(cell)
    assert m is not None and cell.strip(_DIGITS_AND_MARKS)
    assert (m.group(1), m.group(2).strip()) == (number, unit)
