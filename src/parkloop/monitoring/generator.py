"""Synthetic readings for any number of stations and days, with planted problems whose
instants are known, and the Nam Cầu Kiền example month.

Each parameter of a station follows its own profile::

    value(t) = mean × (1 + diurnal × cos(2π (local hour(t) − peak_hour) / 24)) + noise(t)

where ``noise`` is a first-order autoregressive series (successive readings correlated by
``correlation``, marginal standard deviation ``noise``) drawn from a numpy generator seeded
with ``seed`` (the same seed gives the same readings, byte for byte), clipped at 4 standard
deviations and to the physical range, and rounded to the sensor's ``decimals``. Then the
planted problems are written over it:

- ``exceedance``: from ``start`` to ``end`` (end excluded) the readings form a tent from
  0.9 × ``value`` at the edges to ``value`` in the middle (above the normal level; below it
  for a low value such as pH 4.8: from 1.1 × value up to value);
- ``window-exceedance``: the readings of ``start`` – ``end`` are shifted so that their mean is
  ``value``, keeping their pattern (an average over the window above its limit while single
  readings stay under the instantaneous limit);
- ``flatline``: the readings repeat ``value`` (or the reading at ``start``);
- ``impossible``: the readings are ``value`` (pH 15);
- ``gap``: the readings are removed (every parameter of the station when ``parameter`` is
  empty).

:class:`Synthetic` holds the series, the truth (the first and last affected instant and the
peak of each plant, as a check should report them), a pyarrow table of
``READINGS_SCHEMA`` and the wide CSV stations export.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import yaml
from scipy.signal import lfilter

from parkloop.monitoring.checks import LOCAL_OFFSET_S, US, Instants, Values, to_datetime, to_us
from parkloop.monitoring.limits import LimitSet, load_limit_file
from parkloop.monitoring.model import READINGS_SCHEMA, FindingKind, Station, StationKind
from parkloop.monitoring.parameters import header, parameter

LOCAL = dt.timezone(dt.timedelta(seconds=LOCAL_OFFSET_S))
EXAMPLE_DIR = "monitoring"  # inside an example's directory


@dataclass(frozen=True, slots=True)
class Profile:
    """How one parameter of one station behaves (units: the parameter's canonical unit)."""

    parameter: str
    mean: float
    diurnal: float = 0.0  # relative amplitude of the daily cycle (0.2: ±20 %)
    peak_hour: float = 14.0  # local hour of the daily maximum
    noise: float = 0.0  # standard deviation of the noise
    correlation: float = 0.9  # between successive readings (0: white noise)
    decimals: int = 2  # sensor resolution


@dataclass(frozen=True, slots=True)
class StationProfile:
    station: str
    profiles: tuple[Profile, ...]
    interval_s: int = 300


@dataclass(frozen=True, slots=True)
class Plant:
    """A problem written into the synthetic readings (see the module text)."""

    kind: FindingKind
    station: str
    parameter: str | None
    start: dt.datetime
    end: dt.datetime  # excluded
    value: float | None = None


@dataclass(frozen=True, slots=True)
class Truth:
    """What a check should find for a plant: the first and last affected reading (a gap:
    the last reading before and the first after, as the gap check reports it) and the worst
    value."""

    plant: Plant
    start: dt.datetime
    end: dt.datetime
    peak: float | None


@dataclass
class Synthetic:
    start_us: int
    end_us: int
    interval_s: int
    series: dict[tuple[str, str], tuple[Instants, Values]]
    truth: list[Truth] = field(default_factory=list)

    def stations(self) -> list[str]:
        return sorted({s for s, _ in self.series})

    def count(self) -> int:
        return sum(len(ts) for ts, _ in self.series.values())

    def table(self) -> pa.Table:
        """Every reading as a pyarrow table of ``READINGS_SCHEMA`` (one chunk per series)."""
        stamp = pa.timestamp("us", tz="UTC")
        chunks: list[tuple[pa.Array, pa.Array, pa.Array, pa.Array]] = []
        for (station, code), (ts, values) in sorted(self.series.items()):
            n = len(ts)
            chunks.append(
                (
                    pa.repeat(pa.scalar(station, pa.string()), n),
                    pa.repeat(pa.scalar(code, pa.string()), n),
                    pa.array(ts.view("datetime64[us]")).cast(stamp),
                    pa.array(values, pa.float64()),
                )
            )
        columns = [
            pa.chunked_array([c[i] for c in chunks], field.type)
            for i, field in enumerate(READINGS_SCHEMA)
        ]
        return pa.Table.from_arrays(columns, schema=READINGS_SCHEMA)

    def wide_csv(self, station: str, path: Path | str) -> Path:
        """The stations export of one station: ``timestamp`` (local time with its offset,
        ``2026-10-01T00:05:00+07:00``) and one column per parameter headed with its name and
        unit ("COD (mg/L)"); a reading missing for one parameter is an empty cell."""
        path = Path(path)
        codes = sorted(p for s, p in self.series if s == station)
        all_ts = np.unique(np.concatenate([self.series[(station, c)][0] for c in codes]))
        columns: list[list[str]] = []
        for code in codes:
            ts, values = self.series[(station, code)]
            decimals = _decimals_of(values)
            cells = np.full(len(all_ts), "", dtype=object)
            where = np.searchsorted(all_ts, ts)
            cells[where] = np.char.mod(f"%.{decimals}f", values)
            columns.append(list(cells))
        seconds = (all_ts // US + LOCAL_OFFSET_S).astype("datetime64[s]")
        stamps = np.datetime_as_string(seconds, unit="s").astype(object) + "+07:00"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["timestamp", *(header(c) for c in codes)])
            writer.writerows(zip(stamps, *columns, strict=True))
        return path


def _decimals_of(values: Values) -> int:
    for d in range(7):
        if np.allclose(values, np.round(values, d), rtol=0, atol=1e-9):
            return d
    return 6


def _baseline(profile: Profile, local_hours: Values, rng: np.random.Generator) -> Values:
    cycle = np.cos(2 * np.pi * (local_hours - profile.peak_hour) / 24.0)
    level = profile.mean * (1.0 + profile.diurnal * cycle)
    n = len(local_hours)
    if profile.noise > 0:
        phi = profile.correlation
        shocks = rng.standard_normal(n) * profile.noise * np.sqrt(1.0 - phi * phi)
        noise = lfilter([1.0], [1.0, -phi], shocks)
        noise[0] = rng.standard_normal() * profile.noise if n else 0.0
        noise = np.clip(noise, -4 * profile.noise, 4 * profile.noise)
    else:
        noise = np.zeros(n)
    values = level + noise
    p = parameter(profile.parameter)
    if p.low is not None or p.high is not None:
        values = np.clip(values, p.low, p.high)
    return np.asarray(np.round(values, profile.decimals), dtype=np.float64)


def generate(
    stations: Sequence[StationProfile],
    start: dt.datetime,
    days: int,
    *,
    seed: int,
    plants: Iterable[Plant] = (),
) -> Synthetic:
    """Readings every station's interval from ``start`` for ``days`` days, with ``plants``
    written over them; the same arguments give the same readings."""
    start_us = to_us(start)
    end_us = start_us + days * 86400 * US
    rng = np.random.default_rng(seed)
    series: dict[tuple[str, str], tuple[Instants, Values]] = {}
    for spec in stations:
        ts = np.arange(start_us, end_us, spec.interval_s * US, dtype=np.int64)
        local_hours = ((ts // US + LOCAL_OFFSET_S) % 86400) / 3600.0
        for profile in spec.profiles:
            series[(spec.station, profile.parameter)] = (
                ts,
                _baseline(profile, local_hours, rng),
            )
    synthetic = Synthetic(start_us, end_us, stations[0].interval_s if stations else 300, series)
    means = {(s.station, p.parameter): p.mean for s in stations for p in s.profiles}
    for plant in plants:
        synthetic.truth.append(_plant(synthetic, plant, means))
    return synthetic


def _plant(synthetic: Synthetic, plant: Plant, means: Mapping[tuple[str, str], float]) -> Truth:
    a, b = to_us(plant.start), to_us(plant.end)
    if plant.kind is FindingKind.GAP:
        keys = [
            k
            for k in synthetic.series
            if k[0] == plant.station and (plant.parameter is None or k[1] == plant.parameter)
        ]
        if not keys:
            raise ValueError(f"gap plant: no series for {plant.station} {plant.parameter}")
        before, after = synthetic.start_us, synthetic.end_us
        for key in keys:
            ts, values = synthetic.series[key]
            keep = (ts < a) | (ts >= b)
            if ts[~keep].size:
                prior, following = ts[ts < a], ts[ts >= b]
                before = int(prior[-1]) if prior.size else synthetic.start_us
                after = int(following[0]) if following.size else synthetic.end_us
            synthetic.series[key] = (ts[keep], values[keep])
        return Truth(plant, to_datetime(before), to_datetime(after), None)
    if plant.parameter is None:
        raise ValueError(f"{plant.kind.value} plant needs a parameter")
    key = (plant.station, plant.parameter)
    ts, values = synthetic.series[key]
    values = values.copy()
    inside = np.flatnonzero((ts >= a) & (ts < b))
    if inside.size == 0:
        raise ValueError(f"plant {plant.kind.value} at {plant.start} holds no reading")
    decimals = _decimals_of(values)
    if plant.kind is FindingKind.EXCEEDANCE:
        if plant.value is None:
            raise ValueError("an exceedance plant needs its peak value")
        u = (np.arange(inside.size) + 0.5) / inside.size
        slope = np.abs(2 * u - 1)  # 0 in the middle, 1 at the edges
        sign = 1.0 if plant.value >= means[key] else -1.0
        values[inside] = np.round(plant.value * (1 - sign * 0.1 * slope), decimals)
    elif plant.kind is FindingKind.WINDOW_EXCEEDANCE:
        if plant.value is None:
            raise ValueError("a window plant needs its mean value")
        chunk = values[inside]
        values[inside] = np.round(chunk + (plant.value - chunk.mean()), decimals)
    elif plant.kind is FindingKind.FLATLINE:
        held = values[inside[0]] if plant.value is None else plant.value
        values[inside] = held
    elif plant.kind is FindingKind.IMPOSSIBLE:
        if plant.value is None:
            raise ValueError("an impossible plant needs its value")
        values[inside] = plant.value
    else:
        raise ValueError(f"cannot plant {plant.kind.value}")
    synthetic.series[key] = (ts, values)
    chunk = values[inside]
    if plant.kind is FindingKind.WINDOW_EXCEEDANCE:
        peak = float(chunk.mean())
        first, last = a, b
    else:
        peak = float(
            chunk.max() if plant.value is None or plant.value >= means[key] else chunk.min()
        )
        first, last = int(ts[inside[0]]), int(ts[inside[-1]])
    return Truth(plant, to_datetime(first), to_datetime(last), peak)


# Typical outlet behaviour, used for stations without a profile of their own (the bench).
DEFAULT_PROFILES: dict[str, Profile] = {
    p.parameter: p
    for p in (
        Profile("flow", 83.0, diurnal=0.35, peak_hour=11, noise=3.0, decimals=1),
        Profile("temperature", 29.0, diurnal=0.03, peak_hour=15, noise=0.15, decimals=2),
        Profile("ph", 7.2, diurnal=0.01, noise=0.04, decimals=2),
        Profile("cod", 55.0, diurnal=0.15, noise=3.0, decimals=1),
        Profile("bod5", 18.0, diurnal=0.15, noise=1.2, decimals=1),
        Profile("tss", 25.0, diurnal=0.2, noise=2.0, decimals=1),
        Profile("nh4", 2.5, diurnal=0.2, noise=0.2, decimals=2),
        Profile("tn", 12.0, diurnal=0.1, noise=0.6, decimals=2),
        Profile("tp", 1.5, diurnal=0.1, noise=0.1, decimals=2),
        Profile("colour", 20.0, diurnal=0.1, noise=1.5, decimals=1),
        Profile("oil", 1.2, diurnal=0.1, noise=0.15, decimals=2),
        Profile("dust", 60.0, diurnal=0.1, noise=5.0, decimals=1),
        Profile("so2", 180.0, diurnal=0.1, noise=12.0, decimals=1),
        Profile("nox", 300.0, diurnal=0.1, noise=20.0, decimals=1),
        Profile("co", 120.0, diurnal=0.1, noise=10.0, decimals=1),
        Profile("o2", 9.0, diurnal=0.02, noise=0.3, decimals=2),
        Profile("gas_flow", 40000.0, diurnal=0.2, noise=1500.0, decimals=0),
        Profile("gas_temperature", 140.0, diurnal=0.05, noise=3.0, decimals=1),
    )
}
BENCH_PARAMETERS = ("flow", "temperature", "ph", "cod", "bod5", "tss", "nh4", "tn", "tp", "colour")


def many_stations(
    n: int, parameters: Sequence[str] = BENCH_PARAMETERS, interval_s: int = 300
) -> list[StationProfile]:
    """``n`` stations ``st-001`` … with the default profile of each parameter (the readings
    still differ: every series draws its own noise)."""
    profiles = tuple(DEFAULT_PROFILES[p] for p in parameters)
    return [StationProfile(f"st-{i:03d}", profiles, interval_s) for i in range(1, n + 1)]


# ------------------------------------------------------------------------- example month


def _instant(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL)


def read_generator_spec(data: Mapping[str, Any]) -> tuple[list[StationProfile], dict[str, Any]]:
    """Station profiles and the run settings (start, days, seed, plants) of a generator
    file (``generator.yaml`` of an example)."""
    stations = [
        StationProfile(
            s["station"],
            tuple(Profile(**{"parameter": code, **spec}) for code, spec in s["profiles"].items()),
            int(s.get("interval_s", 300)),
        )
        for s in data["stations"]
    ]
    plants = [
        Plant(
            FindingKind(p["kind"]),
            p["station"],
            p.get("parameter"),
            _instant(p["start"]),
            _instant(p["end"]),
            p.get("value"),
        )
        for p in data.get("plants", [])
    ]
    run = {
        "start": _instant(data["start"]),
        "days": int(data["days"]),
        "seed": int(data["seed"]),
        "plants": plants,
    }
    return stations, run


def read_stations(path: Path | str) -> list[Station]:
    """Stations from a stations CSV (one row per station; ``parameters`` separated by
    ``;``; empty cells for what does not apply)."""
    out: list[Station] = []
    with Path(path).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):

            def opt(name: str, row: dict[str, str] = row) -> str | None:
                value = (row.get(name) or "").strip()
                return value or None

            out.append(
                Station(
                    code=row["code"],
                    park_code=row["park"],
                    name=row["name"],
                    kind=StationKind.parse(row["kind"]),
                    parameters=tuple(p.strip() for p in row["parameters"].split(";") if p.strip()),
                    limit_set=row["limit_set"],
                    limit_column=row["limit_column"],
                    org_code=opt("org"),
                    lat=float(row["lat"]) if opt("lat") else None,
                    lon=float(row["lon"]) if opt("lon") else None,
                    flow_m3_per_day=float(row["flow_m3_per_day"])
                    if opt("flow_m3_per_day")
                    else None,
                    receiving_water=opt("receiving_water"),
                    interval_s=int(row.get("interval_s") or 300),
                    gap_factor=int(row.get("gap_factor") or 3),
                    accept_partial=(row.get("accept_partial") or "").strip().lower()
                    in ("yes", "true", "1"),
                    commissioned_on=dt.date.fromisoformat(c)
                    if (c := opt("commissioned_on"))
                    else None,
                )
            )
    return out


def example_dir(name: str = "nam-cau-kien") -> Path:
    from parkloop.examples import example

    return example(name).path / EXAMPLE_DIR


def example_intake(name: str = "nam-cau-kien") -> LimitSet:
    """The park's own intake limits shipped with an example (``monitoring/intake_limits.yaml``)."""
    return load_limit_file(example_dir(name) / "intake_limits.yaml")


def example_month(name: str = "nam-cau-kien") -> tuple[list[Station], Synthetic]:
    """The example's stations and its month of synthetic readings, generated from the
    example's ``monitoring/generator.yaml`` (fixed seed: always the same readings)."""
    folder = example_dir(name)
    stations = read_stations(folder / "stations.csv")
    data = yaml.safe_load((folder / "generator.yaml").read_text(encoding="utf-8"))
    profiles, run = read_generator_spec(data)
    return stations, generate(
        profiles, run["start"], run["days"], seed=run["seed"], plants=run["plants"]
    )
