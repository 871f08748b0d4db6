"""Limit rule sets: every formula at its boundary (exactly at Cmax passes, just above
fails), the coefficient tables, the exempt parameters, the transitional rules, the schema
check at load and the arithmetic shown to the reader."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
import yaml

from parkloop.monitoring.checks import exceedances, window_exceedances, window_means
from parkloop.monitoring.generator import example_dir
from parkloop.monitoring.limits import (
    EffectiveLimit,
    LimitFileError,
    applicable,
    effective_limits,
    limit_set,
    limit_sets,
    load_limit_file,
    parse_limit_set,
    window_seconds,
)
from parkloop.monitoring.model import Station, StationKind

DAY = dt.date(2026, 10, 1)
WATER = ("flow", "temperature", "ph", "cod", "bod5", "tss", "nh4", "coliform", "colour", "pb")


def water(
    column: str = "A",
    receiving: str | None = "river-q<=50",
    flow: float | None = 2000,
    limit_set: str = "qcvn-40-2011",
    **kw: object,
) -> Station:
    return Station(
        "s1",
        "p",
        "outlet",
        StationKind.WWTP_OUTLET,
        WATER,
        limit_set,
        column,
        flow_m3_per_day=flow,
        receiving_water=receiving,
        **kw,
    )  # type: ignore[arg-type]


def stack(kv: str = "kv-3", flow: float = 50_000, limit_set: str = "qcvn-19-2009") -> Station:
    return Station(
        "k1",
        "p",
        "stack",
        StationKind.STACK,
        ("dust", "so2", "nox", "co", "o2"),
        limit_set,
        "B",
        flow_m3_per_day=flow,
        receiving_water=kv,
    )


def limit_of(
    station: Station, code: str, window: str = "instant", on: dt.date = DAY, intake=None
) -> EffectiveLimit:  # type: ignore[no-untyped-def]
    found = [
        lim
        for lim in effective_limits(station, on, intake)
        if lim.parameter == code and lim.window == window
    ]
    assert len(found) == 1, found
    return found[0]


def assert_boundary(limit: EffectiveLimit, cmax: float) -> None:
    """Exactly at Cmax passes, the next float above fails, by the limit and by the check."""
    assert limit.high == cmax
    above = float(np.nextafter(cmax, np.inf))
    assert limit.passes(cmax) and not limit.passes(above)
    ts = np.array([0, 300_000_000, 600_000_000], dtype=np.int64)
    assert exceedances(ts, np.array([cmax, cmax, cmax * 0.5]), limit) == []
    found = exceedances(ts, np.array([cmax, above, cmax]), limit)
    assert len(found) == 1 and found[0].peak == above and found[0].limit == cmax


def test_every_shipped_set_loads_with_status_and_source() -> None:
    sets = limit_sets()
    assert set(sets) == {"qcvn-40-2011", "qcvn-40-2025", "qcvn-19-2009", "qcvn-19-2024"}
    for s in sets.values():
        assert s.source and s.status
        for row in s.values:
            assert row.source.strip() and row.status
            if row.status == "unknown":
                assert all(c is None for c in row.cells.values())


@pytest.mark.parametrize(
    ("column", "receiving", "flow", "code", "cmax"),
    [
        ("A", "river-q<=50", 2000, "cod", 67.5),  # 75 × 0.9 × 1.0
        ("A", "river-q<=50", 50, "cod", 81.0),  # F = 50 is still the first band: Kf 1.2
        ("A", "river-q<=50", 50.5, "cod", 74.25),  # 75 × 0.9 × 1.1
        ("A", "river-50<q<=200", 500, "cod", 82.5),  # F = 500: Kf 1.1
        ("A", "river-200<q<=500", 5000, "bod5", 33.0),  # 30 × 1.1 × 1.0
        ("B", "river-q>500", 5001, "cod", 162.0),  # 150 × 1.2 × 0.9
        ("B", "coast-other", 100, "tss", 143.0),  # 100 × 1.3 × 1.1
        ("B", "coast-recreation", 20, "nh4", 12.0),  # 10 × 1.0 × 1.2
        ("B", "lake-v<=10e6", 2000, "cod", 90.0),  # 150 × 0.6 × 1.0
        ("B", "lake-10e6<v<=100e6", 2000, "cod", 120.0),
        ("B", "lake-v>100e6", 6000, "pb", 0.45),  # 0.5 × 1.0 × 0.9
        ("B", "river-no-data", 2000, "cod", 135.0),
        ("B", "lake-no-data", 2000, "bod5", 30.0),
    ],
)
def test_qcvn40_2011_cmax_is_c_times_kq_times_kf(
    column: str, receiving: str, flow: float, code: str, cmax: float
) -> None:
    assert_boundary(limit_of(water(column, receiving, flow), code), cmax)


@pytest.mark.parametrize(("column", "low", "high"), [("A", 6.0, 9.0), ("B", 5.5, 9.0)])
def test_ph_is_a_range_without_coefficients(column: str, low: float, high: float) -> None:
    limit = limit_of(water(column, "coast-other", 20), "ph")  # Kq 1.3, Kf 1.2 not applied
    assert (limit.low, limit.high, limit.coefficients) == (low, high, ())
    ts = np.arange(6, dtype=np.int64) * 300_000_000
    values = np.array([low, high, np.nextafter(low, -np.inf), low, np.nextafter(high, np.inf), 7])
    found = exceedances(ts, values, limit)
    assert [(f.peak, f.limit) for f in found] == [(values[2], low), (values[4], high)]


def test_coliform_ignores_kq_and_kf() -> None:
    assert_boundary(limit_of(water("A", "coast-other", 20), "coliform"), 3000.0)


def test_unread_values_are_unknown_and_check_nothing() -> None:
    temperature = limit_of(water("B"), "temperature")
    assert not temperature.known and temperature.status == "unknown"
    ts = np.array([0], dtype=np.int64)
    assert exceedances(ts, np.array([99.0]), temperature) == []
    new = water("B", limit_set="qcvn-40-2025")
    assert all(not lim.known and lim.status == "unknown" for lim in effective_limits(new, DAY))


def test_a_missing_receiving_water_class_gives_no_limit_and_says_why() -> None:
    cod = limit_of(water("A", receiving=None), "cod")
    assert cod.high is None and cod.status == "unknown" and "receiving_water" in cod.note
    cod = limit_of(water("A", flow=None), "cod")
    assert cod.high is None and "flow" in cod.note


def test_status_is_the_least_sure_of_value_coefficients_and_formula() -> None:
    assert limit_of(water("A"), "cod").status == "recalled_unverified"  # Kq/Kf recalled
    assert "enviroanalyzer" in limit_of(water("A"), "cod").source


@pytest.mark.parametrize(
    ("kv", "flow", "code", "cmax"),
    [
        ("kv-3", 20_000, "dust", 200.0),  # P = 20 000: Kp 1.0
        ("kv-3", 20_001, "dust", 180.0),  # Kp 0.9
        ("kv-1", 100_000, "dust", 108.0),  # 200 × 0.9 × 0.6
        ("kv-2", 100_001, "so2", 320.0),  # 500 × 0.8 × 0.8
        ("kv-4", 10_000, "nox", 1020.0),  # 850 × 1.0 × 1.2
        ("kv-5", 150_000, "co", 1120.0),  # 1000 × 0.8 × 1.4
    ],
)
def test_qcvn19_2009_cmax_is_c_times_kp_times_kv(
    kv: str, flow: float, code: str, cmax: float
) -> None:
    assert_boundary(limit_of(stack(kv, flow), code), cmax)


def test_arithmetic_is_shown_in_the_readers_language() -> None:
    cod = limit_of(water("A"), "cod")
    assert cod.arithmetic("vi") == "Cmax = 75 mg/L × Kq 0,9 × Kf 1,0 = 67,5 mg/L"
    assert cod.arithmetic("en") == "Cmax = 75 mg/L × Kq 0.9 × Kf 1.0 = 67.5 mg/L"
    assert limit_of(water("B"), "ph").arithmetic("en") == "pH: 5.5 – 9 (no coefficients)"
    assert "chưa rõ" in limit_of(water("B"), "temperature").arithmetic("vi")


def test_transition_qcvn40_existing_keep_2011_until_the_end_of_2031() -> None:
    existing = water(limit_set="qcvn-40")
    assert applicable(existing, dt.date(2025, 9, 1)).id == "qcvn-40-2011"
    assert applicable(existing, dt.date(2031, 12, 31)).id == "qcvn-40-2011"
    assert applicable(existing, dt.date(2032, 1, 1)).id == "qcvn-40-2025"
    named_old = water(limit_set="qcvn-40-2011")
    assert applicable(named_old, dt.date(2032, 1, 1)).id == "qcvn-40-2025"
    new = water(limit_set="qcvn-40", commissioned_on=dt.date(2025, 9, 1))
    assert applicable(new, dt.date(2025, 9, 1)).id == "qcvn-40-2025"
    before = water(limit_set="qcvn-40", commissioned_on=dt.date(2025, 8, 31))
    assert applicable(before, dt.date(2026, 1, 1)).id == "qcvn-40-2011"
    early = water(limit_set="qcvn-40-2025")  # a permit naming the new standard
    assert applicable(early, dt.date(2026, 1, 1)).id == "qcvn-40-2025"


def test_transition_qcvn19_existing_stay_while_the_date_is_unknown() -> None:
    assert limit_set("qcvn-19-2024").transition.existing_facilities_from is None  # type: ignore[union-attr]
    assert applicable(stack(limit_set="qcvn-19"), dt.date(2040, 1, 1)).id == "qcvn-19-2009"
    new = replace(stack(limit_set="qcvn-19"), commissioned_on=dt.date(2025, 7, 1))
    assert applicable(new, dt.date(2025, 7, 1)).id == "qcvn-19-2024"


def test_park_intake_limits_instant_and_daily_mean() -> None:
    intake = load_limit_file(example_dir() / "intake_limits.yaml")
    outlet = Station(
        "e",
        "nam-cau-kien",
        "k1",
        StationKind.ENTERPRISE_OUTLET,
        ("cod", "ph"),
        "park-intake",
        "intake",
    )
    assert applicable(outlet, DAY, intake) is intake
    assert_boundary(limit_of(outlet, "cod", intake=intake), 500.0)
    daily = limit_of(outlet, "cod", "1d", intake=intake)
    assert daily.window_s == 86_400 and daily.high == 350.0
    # two local days of 5-minute readings (day 1 from 17:00 UTC): day 1 mean exactly 350
    # passes, day 2 mean just above fails
    start = int(dt.datetime(2026, 9, 30, 17, tzinfo=dt.UTC).timestamp()) * 1_000_000
    ts = start + np.arange(576, dtype=np.int64) * 300_000_000
    values = np.concatenate([np.tile([300.0, 400.0], 144), np.tile([300.0, 400.002], 144)])
    starts, means, counts = window_means(ts, values, 86_400)
    assert list(counts) == [288, 288] and means[0] == 350.0
    found = window_exceedances(starts, means, daily)
    assert len(found) == 1
    assert found[0].start == dt.datetime(2026, 10, 1, 17, tzinfo=dt.UTC)
    assert found[0].end == dt.datetime(2026, 10, 2, 17, tzinfo=dt.UTC)
    with pytest.raises(LookupError):
        applicable(outlet, DAY)


def test_window_lengths() -> None:
    assert [window_seconds(w) for w in ("instant", "15min", "1h", "1d")] == [None, 900, 3600, 86400]
    with pytest.raises(ValueError):
        window_seconds("daily")


def _base() -> dict:  # type: ignore[type-arg]
    path = example_dir() / "intake_limits.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda d: d["values"][0].pop("source"), "values[0].source: is required"),
        (lambda d: d["values"][0].update(status="sure"), "values[0].status"),
        (lambda d: d["values"][0].update(parameter="xyz"), "'xyz' is not a monitoring parameter"),
        (lambda d: d["values"][0].update(parameter="so2"), "is not measured in water"),
        (lambda d: d["values"][2].update(status="unknown"), "status unknown but a value is given"),
        (lambda d: d["values"][2]["limits"].update(intake=None), "its status must be unknown"),
        (lambda d: d["values"][2]["limits"].update(Z=3), "Z: not a column"),
        (lambda d: d["values"][2].update(window="daily"), "values[2].window"),
        (lambda d: d["values"][0]["limits"].update(intake={"low": 9, "high": 5}), "low above high"),
        (
            lambda d: d.update(formula={"coefficients": ["Kq"], "status": "read", "source": "x"}),
            "Kq has no table",
        ),
        (
            lambda d: d.update(
                coefficients={
                    "Kf": {
                        "basis": "flow",
                        "status": "read",
                        "source": "x",
                        "bands": [{"up_to": 5, "value": 1}],
                    }
                }
            ),
            "must end with up_to: null",
        ),
    ],
)
def test_a_broken_limit_file_is_refused_with_the_field_named(change, said) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(_base())
    change(data)
    with pytest.raises(LimitFileError) as err:
        parse_limit_set(data, "intake_limits.yaml")
    assert said in str(err.value)
    assert "intake_limits.yaml" in str(err.value)
