"""Checks of a series of readings: exceedances (instantaneous and over averaging windows),
physically impossible values, flat-lined sensors and data gaps.

A series is two numpy arrays sorted by time: instants as int64 microseconds since the epoch
in UTC and values as float64 in the parameter's canonical unit. Every check works on whole
arrays (no Python loop per reading); it loops only over the episodes it found. An episode is
a run of consecutive offending readings (or buckets) joined into one :class:`Finding` with
its first and last instant, its worst value, the limit and the limit's source.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from parkloop.monitoring.limits import INSTANT, EffectiveLimit, window_seconds
from parkloop.monitoring.model import Finding, FindingKind, Parameter, Station

US = 1_000_000  # microseconds per second
# Local days (and hours) of Asia/Ho_Chi_Minh start at this offset from UTC (no summer time).
LOCAL_OFFSET_S = 7 * 3600

Instants = NDArray[np.int64]
Values = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """How the data-quality checks decide. A sensor is flat-lined when it repeats one value
    (within ``flat_tolerance``) for at least ``flat_duration_s``; the number of readings is
    that duration divided by the station's interval (at least ``flat_min_readings``). A window
    mean counts only if its bucket holds at least ``min_window_share`` of the readings the
    interval implies."""

    flat_duration_s: int = 2 * 3600
    flat_min_readings: int = 6
    flat_tolerance: float = 0.0
    min_window_share: float = 0.0


def to_datetime(us: int) -> dt.datetime:
    """An aware UTC datetime from microseconds since the epoch."""
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(us))


def to_us(moment: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("an instant needs its time zone")
    delta = moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86400 + delta.seconds) * US + delta.microseconds


def runs(mask: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """First and last index of every run of True in ``mask`` (inclusive)."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return starts, ends


def _offending(values: Values, low: float | None, high: float | None) -> NDArray[np.bool_]:
    mask = np.zeros(values.shape, dtype=bool)
    if high is not None:
        mask |= values > high
    if low is not None:
        mask |= values < low
    return mask


def _peak(values: Values, high: float | None) -> float:
    """The worst value of an episode: the highest when any is above the upper bound, else the
    lowest."""
    if high is not None and bool((values > high).any()):
        return float(values.max())
    return float(values.min())


def _limit_value(limit: EffectiveLimit, peak: float) -> float | None:
    if limit.high is not None and peak > limit.high:
        return limit.high
    return limit.low if limit.low is not None else limit.high


def exceedances(
    ts: Instants, values: Values, limit: EffectiveLimit, *, finite_only: bool = True
) -> list[Finding]:
    """Episodes of readings outside an instantaneous limit (above ``high`` or below
    ``low``; exactly at a bound passes). Readings that are not finite are skipped (the
    impossible-value check reports them). An unknown limit finds nothing."""
    if not limit.known or len(values) == 0:
        return []
    values = np.asarray(values, dtype=np.float64)
    mask = _offending(values, limit.low, limit.high)
    if finite_only:
        mask &= np.isfinite(values)
    out: list[Finding] = []
    source = _source(limit) if mask.any() else ""
    for first, last in zip(*runs(mask), strict=True):
        chunk = values[first : last + 1]
        peak = _peak(chunk, limit.high)
        out.append(
            Finding(
                station=limit.station,
                parameter=limit.parameter,
                kind=FindingKind.EXCEEDANCE,
                start=to_datetime(ts[first]),
                end=to_datetime(ts[last]),
                peak=peak,
                limit=_limit_value(limit, peak),
                window=INSTANT,
                source=source,
                status=limit.status,
            )
        )
    return out


def window_means(
    ts: Instants, values: Values, window_s: int, offset_s: int = LOCAL_OFFSET_S
) -> tuple[Instants, Values, NDArray[np.int64]]:
    """Bucket starts, means and counts of a series over fixed windows aligned to local time
    (a "1d" bucket runs from local midnight to local midnight): the same buckets the
    database's aggregates give, for a series already in memory. Non-finite values are left
    out; empty buckets are not returned."""
    values = np.asarray(values, dtype=np.float64)
    keep = np.isfinite(values)
    ts, values = np.asarray(ts, dtype=np.int64)[keep], values[keep]
    if len(ts) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(0, dtype=np.float64), empty
    width = window_s * US
    shift = offset_s * US
    bucket = np.floor_divide(ts + shift, width)
    keys, first, counts = np.unique(bucket, return_index=True, return_counts=True)
    sums = np.add.reduceat(values, first)
    return keys * width - shift, sums / counts, counts.astype(np.int64)


def window_exceedances(
    starts: Instants,
    means: Values,
    limit: EffectiveLimit,
    *,
    counts: NDArray[np.int64] | None = None,
    interval_s: int | None = None,
    settings: CheckSettings | None = None,
) -> list[Finding]:
    """Episodes of window means outside a window limit (``limit.window`` such as "1d"):
    ``starts`` are bucket starts (µs UTC) and ``means`` their means, as the database's
    aggregates give them. Buckets that follow each other join into one episode from the
    first bucket's start to the last bucket's end. With ``counts`` and ``interval_s``, a
    bucket holding less than ``settings.min_window_share`` of its expected readings is not
    judged."""
    width_s = window_seconds(limit.window)
    if width_s is None:
        raise ValueError("window_exceedances needs a window limit; use exceedances()")
    if not limit.known or len(means) == 0:
        return []
    starts = np.asarray(starts, dtype=np.int64)
    means = np.asarray(means, dtype=np.float64)
    mask = _offending(means, limit.low, limit.high) & np.isfinite(means)
    settings = settings or CheckSettings()
    if counts is not None and interval_s and settings.min_window_share > 0:
        expected = width_s / interval_s
        mask &= np.asarray(counts) >= settings.min_window_share * expected
    width = width_s * US
    # A new episode starts where a bucket is not the one right after the previous offender.
    follows = np.zeros(len(starts), dtype=bool)
    follows[1:] = (starts[1:] - starts[:-1] == width) & mask[:-1]
    heads = mask & ~follows
    out: list[Finding] = []
    head_idx = np.flatnonzero(heads)
    source = _source(limit) if len(head_idx) else ""
    for first in head_idx:
        last = first
        while last + 1 < len(mask) and mask[last + 1] and follows[last + 1]:
            last += 1
        chunk = means[first : last + 1]
        peak = _peak(chunk, limit.high)
        out.append(
            Finding(
                station=limit.station,
                parameter=limit.parameter,
                kind=FindingKind.WINDOW_EXCEEDANCE,
                start=to_datetime(starts[first]),
                end=to_datetime(starts[last] + width),
                peak=peak,
                limit=_limit_value(limit, peak),
                window=limit.window,
                source=source,
                status=limit.status,
            )
        )
    return out


def impossible(ts: Instants, values: Values, parameter: Parameter, station: str) -> list[Finding]:
    """Episodes of readings no real measurement can give: outside the parameter's physical
    range (pH 15, a negative concentration) or not a number."""
    values = np.asarray(values, dtype=np.float64)
    mask = ~np.isfinite(values) | _offending(values, parameter.low, parameter.high)
    out: list[Finding] = []
    for first, last in zip(*runs(mask), strict=True):
        chunk = values[first : last + 1]
        finite = chunk[np.isfinite(chunk)]
        peak = _peak(finite, parameter.high) if len(finite) else None
        bound = None
        if peak is not None:
            bound = (
                parameter.high
                if parameter.high is not None and peak > parameter.high
                else parameter.low
            )
        out.append(
            Finding(
                station=station,
                parameter=parameter.code,
                kind=FindingKind.IMPOSSIBLE,
                start=to_datetime(ts[first]),
                end=to_datetime(ts[last]),
                peak=peak,
                limit=bound,
                window=INSTANT,
                source="physically possible range of the parameter catalog "
                "(parkloop monitoring_parameters.csv)",
                status="estimate",
            )
        )
    return out


def flat_readings(interval_s: int, settings: CheckSettings | None = None) -> int:
    """How many identical readings in a row make a flat line."""
    settings = settings or CheckSettings()
    return max(settings.flat_min_readings, math.ceil(settings.flat_duration_s / interval_s))


def flatlines(
    ts: Instants,
    values: Values,
    station: str,
    parameter: str,
    interval_s: int,
    settings: CheckSettings | None = None,
) -> list[Finding]:
    """Runs of at least :func:`flat_readings` consecutive readings that repeat the previous
    one (within ``settings.flat_tolerance``): a sensor stuck on one value."""
    settings = settings or CheckSettings()
    n = flat_readings(interval_s, settings)
    values = np.asarray(values, dtype=np.float64)
    if len(values) < n:
        return []
    same = np.abs(np.diff(values)) <= settings.flat_tolerance  # same[i]: v[i+1] ≈ v[i]
    out: list[Finding] = []
    for first, last in zip(*runs(same), strict=True):
        count = last - first + 2  # readings first … last+1
        if count < n:
            continue
        out.append(
            Finding(
                station=station,
                parameter=parameter,
                kind=FindingKind.FLATLINE,
                start=to_datetime(ts[first]),
                end=to_datetime(ts[last + 1]),
                peak=float(values[first]),
                limit=float(n),
                window=INSTANT,
                source=f"{count} identical readings in a row (flat line from {n})",
                status="derived",
            )
        )
    return out


def gaps(
    ts: Instants,
    station: str,
    start_us: int,
    end_us: int,
    interval_s: int,
    gap_factor: int,
    parameter: str | None = None,
) -> list[Finding]:
    """Stretches of the checked period [start, end) with no reading for longer than
    ``interval_s × gap_factor``, including before the first and after the last reading. A
    gap runs from the last reading before it (or the period's start) to the first after it
    (or the period's end)."""
    ts = np.asarray(ts, dtype=np.int64)
    ts = ts[(ts >= start_us) & (ts < end_us)]
    allowed = interval_s * gap_factor * US
    edges = np.concatenate(([start_us], ts, [end_us])).astype(np.int64)
    # The period's start is a boundary, not a reading: a first reading at start + interval
    # is on time, so the allowance at the edges counts from one interval before the start.
    spans = np.diff(edges)
    spans[0] += interval_s * US
    found = np.flatnonzero(spans > allowed)
    return [
        Finding(
            station=station,
            parameter=parameter,
            kind=FindingKind.GAP,
            start=to_datetime(edges[i]),
            end=to_datetime(edges[i + 1]),
            peak=None,
            limit=float(interval_s * gap_factor),
            window=INSTANT,
            source=f"no reading for more than {interval_s} s × {gap_factor}",
            status="derived",
        )
        for i in found
    ]


def join_gaps(findings: Sequence[Finding]) -> list[Finding]:
    """The findings with the gaps that several parameters of one station share (same
    start and end: the station sent nothing, rather than one sensor failing) joined into
    one finding of the station, naming the parameters, so that one outage is one
    finding and one alert. A gap of one parameter alone and every other finding are kept
    as they are, in their order; a joined gap takes the place of its first part."""
    shared: dict[tuple[str, dt.datetime, dt.datetime], list[Finding]] = {}
    for f in findings:
        if f.kind is FindingKind.GAP and f.parameter is not None:
            shared.setdefault((f.station, f.start, f.end), []).append(f)
    out: list[Finding] = []
    for f in findings:
        if f.kind is not FindingKind.GAP or f.parameter is None:
            out.append(f)
            continue
        group = shared[(f.station, f.start, f.end)]
        if len(group) == 1:
            out.append(f)
        elif group[0] is f:
            names = tuple(g.parameter for g in group if g.parameter is not None)
            out.append(
                replace(
                    f,
                    parameter=None,
                    parameters=names,
                    source=f"{f.source}: {', '.join(names)}",
                )
            )
    return out


def check_series(
    station: Station,
    parameter: Parameter,
    ts: Instants,
    values: Values,
    limits: Sequence[EffectiveLimit],
    start_us: int,
    end_us: int,
    settings: CheckSettings | None = None,
    *,
    include_gaps: bool = True,
) -> list[Finding]:
    """Every check of one parameter's series over [start, end): impossible values,
    instantaneous and window exceedances (the window means computed here with
    :func:`window_means`; a caller holding the database's aggregates calls
    :func:`window_exceedances` instead), flat lines and gaps. Impossible readings are kept
    out of the exceedance checks. Findings come sorted by start."""
    settings = settings or CheckSettings()
    ts = np.asarray(ts, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    inside = (ts >= start_us) & (ts < end_us)
    ts, values = ts[inside], values[inside]
    findings = impossible(ts, values, parameter, station.code)
    possible = np.isfinite(values) & ~_offending(values, parameter.low, parameter.high)
    pts, pvalues = ts[possible], values[possible]
    for limit in limits:
        if limit.parameter != parameter.code:
            continue
        window_s = limit.window_s
        if window_s is None:
            findings += exceedances(pts, pvalues, limit)
        else:
            starts, means, counts = window_means(pts, pvalues, window_s)
            findings += window_exceedances(
                starts,
                means,
                limit,
                counts=counts,
                interval_s=station.interval_s,
                settings=settings,
            )
    findings += flatlines(ts, values, station.code, parameter.code, station.interval_s, settings)
    if include_gaps:
        findings += gaps(
            ts,
            station.code,
            start_us,
            end_us,
            station.interval_s,
            station.gap_factor,
            parameter.code,
        )
    findings.sort(key=lambda f: (f.start, f.kind.value))
    return findings


def _source(limit: EffectiveLimit) -> str:
    """The limit's arithmetic, document and source, said once for all its episodes."""
    return f"{limit.arithmetic('en')}; {limit.document}; {limit.source}"
