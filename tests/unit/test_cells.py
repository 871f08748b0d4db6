"""Reading single cells: numbers, dates, periods, yes/no, text, codes and CSV escaping."""

import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkloop.catalog import catalog
from parkloop.domain.enums import ENUMS, Direction, LandUseClass
from parkloop.services.cells import (
    CellError,
    clean_text,
    csv_escape,
    csv_unescape,
    parse_bool,
    parse_date,
    parse_enum,
    parse_integer,
    parse_number,
    parse_period,
    parse_vsic,
    parse_waste_code,
)


def waste(text: object) -> str:
    cat = catalog()
    return parse_waste_code(text, cat.vn_waste_groups, cat.ewc)


# -- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1234.5", ".", 1234.5),
        ("1,234.5", ".", 1234.5),
        ("1,234,567", ".", 1234567.0),
        ("1.234,5", ",", 1234.5),
        ("1234,5", ",", 1234.5),
        ("1.234.567", ",", 1234567.0),
        ("1\u00a0234,5", ",", 1234.5),
        ("1 234 567", ".", 1234567.0),
        ("-3.25", ".", -3.25),
        ("+7", ".", 7.0),
        ("1e-5", ".", 1e-5),
        ("2.5E+3", ".", 2500.0),
        ("1.200.000 đ", ",", 1_200_000.0),
        ("150000 VNĐ", ".", 150_000.0),
        (".5", ".", 0.5),
        (",5", ",", 0.5),
        (42, ".", 42.0),
        (0.1, ",", 0.1),
    ],
)
def test_numbers(text: object, decimal: str, expected: float) -> None:
    assert parse_number(text, decimal) == expected


def test_a_number_with_only_one_reading_is_read_so_whatever_the_column_mark() -> None:
    # '1,5' cannot group thousands and '1.5' cannot either: each has one reading.
    assert parse_number("1,5", ".") == 1.5
    assert parse_number("1.5", ",") == 1.5
    # '12.500' has two; the column's mark decides.
    assert parse_number("12.500", ",") == 12500
    assert parse_number("12.500", ".") == 12.5


@pytest.mark.parametrize("text", ["abc", "1.2.3", "1,2,3", "--1", "nan", "inf", "", "12a"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(CellError):
        parse_number(text, ".")


def test_non_finite_and_boolean_cells_are_not_numbers() -> None:
    for value in (float("nan"), float("inf"), True):
        with pytest.raises(CellError):
            parse_number(value)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=999))
def test_grouped_numbers_with_a_decimal_comma(whole: int, thousandths: int) -> None:
    grouped = f"{whole:,}".replace(",", ".") + f",{thousandths:03d}"
    assert parse_number(grouped, ",") == pytest.approx(whole + thousandths / 1000, rel=1e-15)
    plain = f"{whole:,}.{thousandths:03d}"
    assert parse_number(plain, ".") == pytest.approx(whole + thousandths / 1000, rel=1e-15)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_the_shortest_repr_of_any_float_reads_back_exactly(x: float) -> None:
    assert parse_number(repr(x), ".") == x


def test_integers() -> None:
    assert parse_integer("1.000", ",") == 1000
    assert parse_integer(2024.0) == 2024
    with pytest.raises(CellError):
        parse_integer("2.5")


# -- dates and periods ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("25/03/2024", date(2024, 3, 25)),
        ("5/3/2024", date(2024, 3, 5)),
        ("05.03.2024", date(2024, 3, 5)),
        ("05-03-2024", date(2024, 3, 5)),
        ("2024-03-25", date(2024, 3, 25)),
        ("25/03/2024 00:00:00", date(2024, 3, 25)),
        (datetime(2024, 3, 25, 0, 0), date(2024, 3, 25)),
        (date(2024, 3, 25), date(2024, 3, 25)),
        (45376, date(2024, 3, 25)),  # a date cell that lost its format
    ],
)
def test_dates(value: object, expected: date) -> None:
    assert parse_date(value) == expected


def test_month_first_dates_are_refused_with_the_day_first_form() -> None:
    with pytest.raises(CellError) as exc:
        parse_date("03/25/2024")
    assert "25/03/2024" in exc.value.fix


@pytest.mark.parametrize("text", ["31/02/2024", "2024/03/25x", "yesterday", "25/13/2024"])
def test_not_dates(text: str) -> None:
    with pytest.raises(CellError):
        parse_date(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_any_date_written_day_first_reads_back(d: date) -> None:
    assert parse_date(d.strftime("%d/%m/%Y")) == d
    assert parse_date(d.isoformat()) == d


@pytest.mark.parametrize(
    ("value", "year", "months", "first"),
    [
        ("2024", 2024, 12, 1),
        (2024, 2024, 12, 1),
        (2024.0, 2024, 12, 1),
        ("2024-Q1", 2024, 3, 1),
        ("2024-q3", 2024, 3, 7),
        ("Q4/2024", 2024, 3, 10),
        ("Quý 2/2024", 2024, 3, 4),
        ("2024-03", 2024, 1, 3),
        ("2024-3", 2024, 1, 3),
        ("03/2024", 2024, 1, 3),
        (datetime(2024, 11, 1), 2024, 1, 11),
    ],
)
def test_periods(value: object, year: int, months: int, first: int) -> None:
    period = parse_period(value)
    assert (period.year, period.months, period.first_month) == (year, months, first)


@pytest.mark.parametrize("text", ["2024-13", "2024-Q5", "24", "1800", "2024-Q1-03", "soon"])
def test_not_periods(text: str) -> None:
    with pytest.raises(CellError):
        parse_period(text)


@given(
    st.integers(min_value=1900, max_value=2100),
    st.sampled_from([(12, 1), (3, 1), (3, 4), (3, 7), (3, 10), *((1, m) for m in range(1, 13))]),
)
def test_a_period_label_reads_back_as_the_same_period(year: int, shape: tuple[int, int]) -> None:
    from parkloop.domain.models import Period

    months, first = shape
    period = Period(year=year, months=months, first_month=first)
    again = parse_period(period.label)
    assert (again.year, again.months, again.first_month) == (year, months, first)


# -- yes/no, text, enumerations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yes", True),
        ("No", False),
        ("có", True),
        ("CÓ", True),
        (unicodedata.normalize("NFD", "có"), True),
        ("không", False),
        ("khong", False),
        ("x", True),
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        (True, True),
        (0, False),
    ],
)
def test_booleans(value: object, expected: bool) -> None:
    assert parse_bool(value) is expected


def test_not_booleans() -> None:
    for value in ("maybe", "2", 7):
        with pytest.raises(CellError):
            parse_bool(value)


def test_text_is_nfc_stripped_and_free_of_control_characters() -> None:
    nfd = unicodedata.normalize("NFD", "  Công ty Thép Hòa Phát\r\nHải Dương \x00\x07")
    assert clean_text(nfd) == "Công ty Thép Hòa Phát\nHải Dương"
    assert unicodedata.is_normalized("NFC", clean_text(nfd))


@given(st.text())
def test_nfc_and_nfd_input_give_the_same_text(text: str) -> None:
    assert clean_text(unicodedata.normalize("NFD", text)) == clean_text(
        unicodedata.normalize("NFC", text)
    )


def test_enumerations_take_the_value_or_a_label_in_either_language_and_any_accents() -> None:
    for text in ("in", "input", "đầu vào", unicodedata.normalize("NFD", "Đầu Vào"), "dau vao"):
        assert parse_enum(Direction, text) is Direction.IN
    assert parse_enum(LandUseClass, "shared infrastructure") is LandUseClass.SHARED_INFRASTRUCTURE
    with pytest.raises(CellError) as exc:
        parse_enum(Direction, "sideways")
    assert "đầu vào" in exc.value.fix


@pytest.mark.parametrize("enum", list(ENUMS.values()), ids=list(ENUMS))
def test_every_label_of_every_enumeration_reads_back_as_its_member(enum: type) -> None:
    for member in enum:
        for text in (member.value, member.label("vi"), member.label("en")):
            assert parse_enum(enum, text) is member


# -- codes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05", "05"),
        ("05 01", "05 01"),
        ("05 01 02", "05 01 02"),
        ("050102", "05 01 02"),
        ("05.01.02", "05 01 02"),
        (50102, "05 01 02"),
        ("10 02 02", "10 02 02"),
        ("16 06 01*", "16 06 01*"),
        ("16 06 01 *", "16 06 01*"),
        ("20 01 33", "20 01 33"),
    ],
)
def test_waste_codes(value: object, expected: str) -> None:
    assert waste(value) == expected


@pytest.mark.parametrize("text", ["5", "05 1", "99 01 01", "20 99 01", "05*", "16 99 01*", "AB CD"])
def test_not_waste_codes(text: str) -> None:
    with pytest.raises(CellError):
        waste(text)


def test_vsic_codes() -> None:
    divisions = [c for c, e in catalog().vsic.items() if e.level == 2]
    assert parse_vsic("24", divisions) == "24"
    assert parse_vsic("2410", divisions) == "2410"
    assert parse_vsic(24, divisions) == "24"
    assert parse_vsic(1, divisions) == "01"
    for bad in ("04", "C", "123456", 4):
        with pytest.raises(CellError):
            parse_vsic(bad, divisions)


# -- CSV escaping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["=SUM(A1:A9)", "+84 912", "-5 t", "@cmd", "\tx", "\rx", "'=already quoted", "''-x"]
)
def test_formula_like_text_is_escaped(text: str) -> None:
    assert csv_escape(text) == "'" + text
    assert csv_unescape(csv_escape(text)) == text


def test_ordinary_text_is_left_alone() -> None:
    for text in ("Thép", "'quoted'", "a=b", "5 t", ""):
        assert csv_escape(text) == text
        assert csv_unescape(text) == text


@given(st.text())
def test_escaping_is_reversible_and_safe(text: str) -> None:
    escaped = csv_escape(text)
    assert csv_unescape(escaped) == text
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
