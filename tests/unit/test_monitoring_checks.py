"""Each check on small hand-made arrays: episodes joined, bounds exact, windows aligned to
local days, impossible values, flat lines and gaps (at the start, in the middle, at the
end)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from parkloop.monitoring.checks import (
    CheckSettings,
    check_series,
    exceedances,
    flat_readings,
    flatlines,
    gaps,
    impossible,
    runs,
    to_datetime,
    to_us,
    window_exceedances,
    window_means,
)
from parkloop.monitoring.limits import EffectiveLimit
from parkloop.monitoring.model import FindingKind, Station, StationKind
from parkloop.monitoring.parameters import parameter

M = 300_000_000  # five minutes in µs
T0 = to_us(dt.datetime(2026, 10, 1, 0, 0, tzinfo=dt.UTC))


def at(i: int) -> dt.datetime:
    return to_datetime(T0 + i * M)


def limit(
    high: float | None = 10.0, low: float | None = None, window: str = "instant", code: str = "cod"
) -> EffectiveLimit:
    return EffectiveLimit(
        "s",
        code,
        "test",
        "A",
        window,
        low,
        high,
        low,
        high,
        (),
        "read",
        "test source",
        "test document",
    )


def series(values: list[float]) -> tuple[np.ndarray, np.ndarray]:
    return T0 + np.arange(len(values), dtype=np.int64) * M, np.array(values, dtype=np.float64)


def test_runs() -> None:
    starts, ends = runs(np.array([True, True, False, True, False, False, True]))
    assert list(starts) == [0, 3, 6] and list(ends) == [1, 3, 6]
    starts, ends = runs(np.zeros(3, dtype=bool))
    assert starts.size == 0 and ends.size == 0


def test_consecutive_offending_readings_are_one_episode() -> None:
    ts, v = series([5, 11, 12, 10, 13, 9, 10, 10.5])
    found = exceedances(ts, v, limit(10))
    assert [(f.start, f.end, f.peak, f.limit) for f in found] == [
        (at(1), at(2), 12.0, 10.0),
        (at(4), at(4), 13.0, 10.0),
        (at(7), at(7), 10.5, 10.0),
    ]
    assert all(f.kind is FindingKind.EXCEEDANCE and f.window == "instant" for f in found)
    assert "test document" in found[0].source and found[0].status == "read"


def test_exactly_at_the_limit_passes() -> None:
    ts, v = series([10.0, 10.0, 10.0])
    assert exceedances(ts, v, limit(10)) == []


def test_ph_range_both_bounds_and_the_worst_value() -> None:
    ts, v = series([7, 5.4, 5.2, 5.5, 9, 9.3, 9.1, 7])
    found = exceedances(ts, v, limit(9, 5.5, code="ph"))
    assert [(f.start, f.end, f.peak, f.limit) for f in found] == [
        (at(1), at(2), 5.2, 5.5),
        (at(5), at(6), 9.3, 9.0),
    ]


def test_not_a_number_is_left_to_the_impossible_check() -> None:
    ts, v = series([11, np.nan, 11])
    assert len(exceedances(ts, v, limit(10))) == 2


def test_window_means_follow_local_days() -> None:
    # 16:55 UTC is 23:55 in Hà Nội; 17:00 UTC starts the next local day
    base = to_us(dt.datetime(2026, 10, 1, 16, 55, tzinfo=dt.UTC))
    ts = np.array([base, base + M, base + 2 * M], dtype=np.int64)
    starts, means, counts = window_means(ts, np.array([1.0, 3.0, 5.0]), 86_400)
    assert [to_datetime(s) for s in starts] == [
        dt.datetime(2026, 9, 30, 17, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 1, 17, tzinfo=dt.UTC),
    ]
    assert list(means) == [1.0, 4.0] and list(counts) == [1, 2]
    hourly = window_means(ts, np.array([1.0, 3.0, np.nan]), 3600)
    assert list(hourly[1]) == [1.0, 3.0] and list(hourly[2]) == [1, 1]


def test_window_exceedances_join_following_buckets_only() -> None:
    day = 86_400_000_000
    starts = T0 + np.array([0, 1, 2, 4, 5], dtype=np.int64) * day
    means = np.array([360.0, 351.0, 350.0, 400.0, 355.0])
    found = window_exceedances(starts, means, limit(350, window="1d"))
    assert [(f.start, f.end, f.peak) for f in found] == [
        (to_datetime(T0), to_datetime(T0 + 2 * day), 360.0),
        (to_datetime(T0 + 4 * day), to_datetime(T0 + 6 * day), 400.0),
    ]
    assert all(f.kind is FindingKind.WINDOW_EXCEEDANCE and f.window == "1d" for f in found)
    # a day holding too few readings is not judged
    thin = window_exceedances(
        starts,
        means,
        limit(350, window="1d"),
        counts=np.array([288, 288, 288, 10, 288]),
        interval_s=300,
        settings=CheckSettings(min_window_share=0.75),
    )
    assert [f.peak for f in thin] == [360.0, 355.0]
    with pytest.raises(ValueError):
        window_exceedances(starts, means, limit(350))


def test_impossible_values() -> None:
    ts, v = series([7, 15, 14, -0.1, np.nan, 0, 7])
    found = impossible(ts, v, parameter("ph"), "s")
    assert [(f.start, f.end, f.peak, f.limit) for f in found] == [
        (at(1), at(1), 15.0, 14.0),
        (at(3), at(4), -0.1, 0.0),
    ]


def test_flat_line_length_comes_from_interval_and_duration() -> None:
    assert flat_readings(300) == 24  # two hours of 5-minute readings
    assert flat_readings(60, CheckSettings(flat_duration_s=600, flat_min_readings=6)) == 10
    assert flat_readings(3600) == 6  # never fewer than flat_min_readings
    noisy = list(np.arange(30) * 0.1)
    ts, v = series(noisy[:3] + [4.2] * 23 + noisy[:3])
    assert flatlines(ts, v, "s", "cod", 300) == []
    ts, v = series(noisy[:3] + [4.2] * 24 + noisy[:3])
    found = flatlines(ts, v, "s", "cod", 300)
    assert [(f.start, f.end, f.peak) for f in found] == [(at(3), at(26), 4.2)]
    wobble = [4.2, 4.21] * 12
    ts, v = series(wobble)
    assert flatlines(ts, v, "s", "cod", 300) == []
    loose = CheckSettings(flat_tolerance=0.02)
    assert len(flatlines(ts, v, "s", "cod", 300, loose)) == 1


def test_gaps_in_the_middle_and_at_both_ends() -> None:
    end = T0 + 100 * M
    regular = T0 + np.arange(100, dtype=np.int64) * M
    assert gaps(regular, "s", T0, end, 300, 3) == []
    # three missing readings (15 minutes without data between two readings 20 min apart)
    middle = np.delete(regular, [10, 11, 12])
    found = gaps(middle, "s", T0, end, 300, 3)
    assert [(f.start, f.end) for f in found] == [(at(9), at(13))]
    # two missing readings are within interval × gap_factor
    assert gaps(np.delete(regular, [10, 11]), "s", T0, end, 300, 3) == []
    head = regular[3:]
    assert [(f.start, f.end) for f in gaps(head, "s", T0, end, 300, 3)] == [(at(0), at(3))]
    assert gaps(regular[2:], "s", T0, end, 300, 3) == []
    tail = regular[:-3]
    assert [(f.start, f.end) for f in gaps(tail, "s", T0, end, 300, 3)] == [(at(96), at(100))]
    assert gaps(regular[:-2], "s", T0, end, 300, 3) == []
    empty = gaps(np.zeros(0, dtype=np.int64), "s", T0, end, 300, 3, parameter="cod")
    assert [(f.start, f.end, f.parameter, f.kind) for f in empty] == [
        (at(0), at(100), "cod", FindingKind.GAP)
    ]


def test_check_series_runs_every_check_and_keeps_impossible_values_out() -> None:
    station = Station("s", "p", "s", StationKind.WWTP_OUTLET, ("ph",), "x", "A")
    values = [7.0 + 0.01 * (i % 7) for i in range(40)]
    values[5] = 15.0  # impossible, not an exceedance
    values[20] = 9.5  # exceedance
    ts, v = series(values)
    ts = np.delete(ts, [30, 31, 32])
    v = np.delete(v, [30, 31, 32])
    found = check_series(
        station, parameter("ph"), ts, v, [limit(9, 5.5, code="ph")], T0, T0 + 40 * M
    )
    assert [(f.kind, f.start) for f in found] == [
        (FindingKind.IMPOSSIBLE, at(5)),
        (FindingKind.EXCEEDANCE, at(20)),
        (FindingKind.GAP, at(29)),
    ]
