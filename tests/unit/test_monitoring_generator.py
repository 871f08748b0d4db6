"""The synthetic readings: reproducible from the seed, the readings table and the wide CSV
export, and the Nam Cầu Kiền example month whose planted exceedances, flat line,
impossible value and gap are all found, with nothing else found (no false exceedance on the
clean days). Numpy aggregation stands in for the database here."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from parkloop.monitoring.checks import check_series, gaps, to_us
from parkloop.monitoring.generator import (
    LOCAL,
    Plant,
    example_intake,
    example_month,
    generate,
    many_stations,
)
from parkloop.monitoring.limits import effective_limits
from parkloop.monitoring.model import READINGS_SCHEMA, FindingKind
from parkloop.monitoring.parameters import parameter, recognise_column, to_canonical

START = dt.datetime(2026, 10, 1, tzinfo=LOCAL)


def test_same_seed_same_readings_other_seed_other_readings() -> None:
    stations = many_stations(2, ("cod", "ph"))
    a = generate(stations, START, 1, seed=7).table()
    b = generate(stations, START, 1, seed=7).table()
    c = generate(stations, START, 1, seed=8).table()
    assert a.schema == READINGS_SCHEMA and a.num_rows == 2 * 2 * 288
    assert a.equals(b) and not a.equals(c)


def test_plants_are_written_where_the_truth_says() -> None:
    stations = many_stations(1, ("cod", "ph"))
    plants = [
        Plant(
            FindingKind.EXCEEDANCE,
            "st-001",
            "cod",
            START + dt.timedelta(hours=3),
            START + dt.timedelta(hours=4),
            200.0,
        ),
        Plant(
            FindingKind.GAP,
            "st-001",
            None,
            START + dt.timedelta(hours=6),
            START + dt.timedelta(hours=7),
        ),
    ]
    syn = generate(stations, START, 1, seed=1, plants=plants)
    exceed, gap = syn.truth
    ts, values = syn.series[("st-001", "cod")]
    inside = (ts >= to_us(exceed.start)) & (ts <= to_us(exceed.end))
    assert inside.sum() == 12 and values[inside].min() >= 180.0 and values[~inside].max() < 100
    assert exceed.peak == values[inside].max()
    for code in ("cod", "ph"):
        ts = syn.series[("st-001", code)][0]
        assert not ((ts >= to_us(plants[1].start)) & (ts < to_us(plants[1].end))).any()
    assert gap.start == START + dt.timedelta(hours=6, minutes=-5)
    assert gap.end == START + dt.timedelta(hours=7)
    assert syn.count() == 2 * 288 - 2 * 12


def test_wide_csv_export_reads_back(tmp_path: Path) -> None:
    syn = generate(many_stations(1, ("cod", "ph", "temperature")), START, 1, seed=3)
    path = syn.wide_csv("st-001", tmp_path / "st-001.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    head, body = rows[0], rows[1:]
    assert head[0] == "timestamp" and len(body) == 288
    assert body[0][0] == "2026-10-01T00:00:00+07:00"
    for i, text in enumerate(head[1:], start=1):
        match = recognise_column(text)
        assert match is not None
        column = to_canonical(match.parameter, [float(r[i]) for r in body], match.unit)
        assert np.allclose(column, syn.series[("st-001", match.parameter)][1])


@pytest.fixture(scope="module")
def month():  # type: ignore[no-untyped-def]
    stations, syn = example_month()
    intake = example_intake()
    return stations, syn, intake


def test_example_month_is_a_month_of_five_minute_readings(month) -> None:  # type: ignore[no-untyped-def]
    stations, syn, _ = month
    assert [s.code for s in stations] == ["nck-wwtp-outlet", "nck-food-k1-outlet"]
    assert stations[0].flow_m3_per_day == 2000 and stations[1].org_code == "food-k1"
    assert syn.end_us - syn.start_us == 31 * 86_400_000_000
    assert syn.count() == 31 * 288 * 18 - 48 * 10  # the 4-hour gap removes 48 readings × 10
    kinds = sorted(t.plant.kind.value for t in syn.truth)
    assert kinds.count("exceedance") == 4 and "gap" in kinds and "window-exceedance" in kinds


def test_example_month_every_plant_found_and_nothing_else(month) -> None:  # type: ignore[no-untyped-def]
    stations, syn, intake = month
    found = []
    for station in stations:
        limits = effective_limits(station, dt.date(2026, 10, 1), intake)
        assert {lim.parameter for lim in limits if lim.known} >= {"cod", "ph"}
        for code in station.parameters:
            ts, values = syn.series[(station.code, code)]
            found += check_series(
                station,
                parameter(code),
                ts,
                values,
                limits,
                syn.start_us,
                syn.end_us,
                include_gaps=False,
            )
        every = np.unique(
            np.concatenate([syn.series[(station.code, c)][0] for c in station.parameters])
        )
        found += gaps(
            every, station.code, syn.start_us, syn.end_us, station.interval_s, station.gap_factor
        )
    got = sorted(
        (f.kind.value, f.station, f.parameter or "", f.start, f.end, f.peak) for f in found
    )
    want = sorted(
        (t.plant.kind.value, t.plant.station, t.plant.parameter or "", t.start, t.end, t.peak)
        for t in syn.truth
    )
    assert got == want
    # the clean days: no finding at all
    planted_days = {t.start.astimezone(LOCAL).date() for t in syn.truth}
    clean = [f for f in found if f.start.astimezone(LOCAL).date() not in planted_days]
    assert len(planted_days) == 8 and clean == []
