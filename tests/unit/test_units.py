import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkloop.units import (
    CANONICAL_UNITS,
    UnitError,
    convert,
    from_canonical,
    known_spellings,
    parse_unit,
    to_canonical,
)


def _amount_spellings() -> list[str]:
    out = []
    for s in known_spellings():
        try:
            parse_unit(s)
        except UnitError:
            continue  # times ("ngày") are only allowed after '/'
        out.append(s)
    return out


AMOUNTS = _amount_spellings()


@pytest.mark.parametrize(
    ("typed", "canonical", "factor"),
    [
        ("tấn", "t", 1.0),
        ("TẤN", "t", 1.0),
        ("kg", "t", 0.001),
        ("tạ", "t", 0.1),
        ("yến", "t", 0.01),
        ("khối", "m3", 1.0),
        ("m3", "m3", 1.0),
        ("m³", "m3", 1.0),
        ("lít", "m3", 0.001),
        ("L", "m3", 0.001),
        ("Nm3", "Nm3", 1.0),
        ("Nm³", "Nm3", 1.0),
        ("kWh", "MWh", 0.001),
        ("số điện", "MWh", 0.001),
        ("MWh", "MWh", 1.0),
        ("GWh", "MWh", 1000.0),
        ("GJ", "MWh", 1 / 3.6),
        ("TJ", "MWh", 1000 / 3.6),
        ("toe", "MWh", 11.63),
        ("tấn hơi", "t_steam", 1.0),
        ("tCO2e", "t_CO2e", 1.0),
        ("kg CO2e", "t_CO2e", 0.001),
    ],
)
def test_vietnamese_and_english_spellings(typed: str, canonical: str, factor: float) -> None:
    parsed = parse_unit(typed)
    assert parsed.canonical == canonical
    assert math.isclose(parsed.factor, factor, rel_tol=1e-12)
    assert not parsed.is_rate


def test_nfd_input_is_understood() -> None:
    import unicodedata

    assert parse_unit(unicodedata.normalize("NFD", "tấn")).canonical == "t"
    assert parse_unit(unicodedata.normalize("NFD", "khối")).canonical == "m3"


def test_rates_become_amounts_over_the_period() -> None:
    # The Nam Cầu Kiền WWTP: 2,000 m³ a day for a 365-day year.
    values, unit = to_canonical([2000.0], "m3/ngày đêm", period_days=365.0)
    assert unit == "m3" and values[0] == pytest.approx(730_000.0)
    values, _ = to_canonical([1200.0], "tấn/năm", period_days=365.0)
    assert values[0] == pytest.approx(1200.0, rel=1e-12)
    values, _ = to_canonical([100.0], "t/tháng", period_days=365.0)
    assert values[0] == pytest.approx(1200.0, rel=1e-12)


def test_unknown_unit_names_the_nearest_known_ones() -> None:
    with pytest.raises(UnitError) as info:
        parse_unit("tấnn")
    message = str(info.value)
    assert "unknown unit 'tấnn'" in message and "'tấn'" in message


def test_units_we_do_not_store_are_refused_with_the_choices() -> None:
    with pytest.raises(UnitError, match="does not store"):
        parse_unit("K")
    with pytest.raises(UnitError, match="only a time may follow"):
        parse_unit("t/kg")
    with pytest.raises(UnitError, match="no unit given"):
        parse_unit("  ")


def test_convert_refuses_different_dimensions() -> None:
    assert convert(1.0, "toe", "GJ") == pytest.approx(41.868)
    with pytest.raises(UnitError):
        convert(1.0, "t", "m3")


def test_whole_columns_convert_at_once() -> None:
    values, unit = to_canonical(np.arange(5.0), "kg")
    assert unit == "t"
    assert values.tolist() == pytest.approx([0.0, 0.001, 0.002, 0.003, 0.004])


@given(
    value=st.floats(min_value=0.0, max_value=1e12, allow_nan=False),
    spelling=st.sampled_from(AMOUNTS),
)
def test_round_trip_through_the_canonical_unit(value: float, spelling: str) -> None:
    canonical, unit = to_canonical([value], spelling)
    assert unit in CANONICAL_UNITS
    back = from_canonical(canonical, spelling)
    assert back[0] == pytest.approx(value, rel=1e-12, abs=1e-300)


@given(
    value=st.floats(min_value=0.0, max_value=1e9, allow_nan=False),
    days=st.sampled_from([365.0, 365.0 / 4, 365.0 / 12]),
    spelling=st.sampled_from(["t/ngày", "m3/day", "MWh/năm", "kg/tuần", "Nm3/h"]),
)
def test_rate_round_trip(value: float, days: float, spelling: str) -> None:
    canonical, _ = to_canonical([value], spelling, period_days=days)
    assert from_canonical(canonical, spelling, period_days=days)[0] == pytest.approx(
        value, rel=1e-12, abs=1e-300
    )


def test_goods_counted_measured_in_metres_or_square_metres_are_kept() -> None:
    assert parse_unit("sản phẩm/năm").canonical == "piece"
    assert parse_unit("đôi").canonical == "piece"
    assert parse_unit("km").canonical == "m" and parse_unit("km").factor == 1000
    assert parse_unit("m2/năm").canonical == "m2"
    # Pallets, crates, cylinders and bales are counted as staff count them.
    for spelling in ("pallet/tháng", "Pallet/tháng", "két/ngày", "bình/tháng", "bành/năm"):
        assert parse_unit(spelling).canonical == "piece", spelling
    assert parse_unit("pallet/tháng").per_days == pytest.approx(365 / 12)


def test_units_joined_by_a_dot_or_hyphen_read_as_words() -> None:
    assert parse_unit("m3/ngày.đêm").per_days == 1.0
    assert parse_unit("ki-lô-gam").factor == pytest.approx(1e-3)


def test_hides_counted_by_the_square_foot_are_an_area() -> None:
    parsed = parse_unit("feet vuông/năm")
    assert parsed.canonical == "m2" and parsed.per_days == 365.0
    assert parsed.factor == pytest.approx(0.09290304)
    assert parse_unit("ft2").factor == parse_unit("sq ft").factor == parsed.factor


def test_shipped_spellings_read_without_pint_as_pint_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The usual units are read from a table worked out with pint once; every shipped
    spelling, alone and over every other one, reads the same through pint itself."""
    import parkloop.units as units

    texts = [
        a if not b else f"{a}/{b}"
        for a in units.spellings()
        for b in ("", *units.spellings())
        if b == "" or units._spelled()[b][2] is not None or hash(b) % 7 == 0
    ]

    def read(text: str) -> object:
        try:
            return units.parse_unit.__wrapped__(text)
        except units.UnitError as exc:
            return str(exc)

    fast = [read(t) for t in texts]
    monkeypatch.setattr(units, "_spelled", lambda: {})
    assert [read(t) for t in texts] == fast
    assert len(texts) > 1000
