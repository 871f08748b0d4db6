"""Limit rule sets (QCVN columns with their coefficients, a park's own intake limits) and a
station's effective limits.

A rule set is a YAML file in ``data/limits/`` (or a park's intake file) checked against
``data/limits.schema.yaml`` at load. Each value carries its status and source; a value no
public copy showed is null with status ``unknown`` and gives no limit. The effective limit of
a parameter is ``Cmax = C × coefficients`` (QCVN 40:2011: Kq × Kf; QCVN 19:2009: Kp × Kv),
the coefficients chosen by the station's receiving-water (or area) class and its flow, except
for the parameters the standard exempts (pH, temperature, colour, coliform). The product is
computed in decimal, so "exactly at Cmax" is exact. :func:`applicable` applies the
transitional rules: which standard of a family governs a station on a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from parkloop.assessment.validate import validate
from parkloop.formats import number
from parkloop.monitoring.model import Media, Station
from parkloop.monitoring.parameters import catalog, parameter, unit_display

INSTANT = "instant"
INTAKE_FAMILY = "park-intake"
# From surest to least sure; an effective limit carries the least sure of its inputs.
STATUS_ORDER = ("read", "read_secondary", "derived", "estimate", "recalled_unverified", "unknown")
WINDOW_SECONDS = {"min": 60, "h": 3600, "d": 86400}


class LimitFileError(ValueError):
    """A limit file that does not follow the schema; the message names file and field."""


class NoLimitSet(LookupError):
    """A station names a limit set or family that is not known."""


@dataclass(frozen=True, slots=True)
class Coefficient:
    """A coefficient table: by class (Kq, Kv: the station's ``receiving_water``) or by
    flow band (Kf, Kp: the station's ``flow_m3_per_day``, for stacks m³/h)."""

    name: str
    basis: str  # "receiving_water" | "flow"
    status: str
    source: str
    classes: Mapping[str, tuple[float | None, str, str]] = field(default_factory=dict)
    bands: tuple[tuple[float | None, float | None, str, str], ...] = ()  # (up_to, value, …)

    def pick(self, station: Station) -> tuple[float | None, str, str, str]:
        """(value, the class or band chosen as text, status, source); value None when the
        station lacks the datum or the table has no value."""
        if self.basis == "receiving_water":
            key = station.receiving_water
            if key is None or key not in self.classes:
                return None, f"{self.name}: receiving_water {key!r}", "unknown", self.source
            value, status, source = self.classes[key]
            return value, key, status, source
        flow = station.flow_m3_per_day
        if flow is None:
            return None, f"{self.name}: flow not set", "unknown", self.source
        low: float | None = None
        for up_to, value, status, source in self.bands:
            if up_to is None or flow <= up_to:
                lower = "" if low is None else f"{_plain(low)} < "
                upper = "" if up_to is None else f" ≤ {_plain(up_to)}"
                band = f"{lower}F{upper}" if (lower or upper) else "F"
                if not lower and not upper:
                    band = "any F"
                return value, f"F = {_plain(flow)}: {band}", status, source
            low = up_to
        return None, f"{self.name}: no band for F = {_plain(flow)}", "unknown", self.source


@dataclass(frozen=True, slots=True)
class LimitValue:
    """One row of a limit set: per column, a maximum or a (low, high) range, or None
    (not read)."""

    parameter: str
    cells: Mapping[str, tuple[float | None, float | None] | None]
    window: str
    status: str
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Transition:
    replaces: tuple[str, ...]
    new_facilities_from: dt.date | None
    existing_facilities_from: dt.date | None
    status: str
    source: str


@dataclass(frozen=True, slots=True)
class LimitSet:
    """A loaded, validated rule set."""

    id: str
    family: str
    title_vi: str
    title_en: str
    document: str
    media: Media
    status: str
    source: str
    columns: tuple[str, ...]
    values: tuple[LimitValue, ...]
    coefficients: Mapping[str, Coefficient] = field(default_factory=dict)
    formula: tuple[str, ...] = ()  # coefficient names multiplied into C
    formula_status: str = "read"
    formula_source: str = ""
    exempt: frozenset[str] = frozenset()
    exempt_status: str = "read"
    exempt_source: str = ""
    in_force_from: dt.date | None = None
    transition: Transition | None = None
    default_window: str = INSTANT
    park: str | None = None

    def title(self, lang: str = "vi") -> str:
        return self.title_vi if lang == "vi" else self.title_en


@dataclass(frozen=True, slots=True)
class EffectiveLimit:
    """The limit a station's parameter must meet: ``low ≤ value ≤ high`` (either bound may
    be absent; a reading exactly at a bound passes). ``high`` is None when the value is
    unknown, and then ``status`` is "unknown" and nothing is checked against it."""

    station: str
    parameter: str
    limit_set: str
    column: str
    window: str  # "instant", "1h", "1d" …
    low: float | None
    high: float | None
    base_low: float | None  # C of the table, before coefficients
    base_high: float | None
    coefficients: tuple[tuple[str, float, str], ...]  # (name, value, class or band chosen)
    status: str
    source: str
    document: str
    note: str = ""

    @property
    def known(self) -> bool:
        return self.low is not None or self.high is not None

    @property
    def window_s(self) -> int | None:
        """The averaging window in seconds; None for instantaneous limits."""
        return window_seconds(self.window)

    def arithmetic(self, lang: str = "vi") -> str:
        """The calculation as text: "Cmax = 75 mg/L × Kq 0,9 × Kf 1,0 = 67,5 mg/L"; a
        range "pH: 5,5 – 9 (không nhân hệ số)"; an unknown value says so."""
        unit = unit_display(self.parameter)
        suffix = f" {unit}" if unit else ""
        name = parameter(self.parameter).name(lang)
        if not self.known:
            return (
                f"{name}: giá trị giới hạn chưa rõ ({self.limit_set}, cột {self.column})"
                if lang == "vi"
                else f"{name}: limit unknown ({self.limit_set}, column {self.column})"
            )
        if self.low is not None:
            high = "" if self.high is None else _num(self.high, lang)
            text = f"{name}: {_num(self.low, lang)} – {high}{suffix}"
            if not self.coefficients:
                text += " (không nhân hệ số)" if lang == "vi" else " (no coefficients)"
            return text
        assert self.base_high is not None and self.high is not None
        if not self.coefficients:
            tail = " (không nhân hệ số)" if lang == "vi" else " (no coefficients)"
            return f"Cmax = C = {_num(self.base_high, lang)}{suffix}{tail}"
        factors = " × ".join(f"{name} {_num(v, lang, 1)}" for name, v, _ in self.coefficients)
        return (
            f"Cmax = {_num(self.base_high, lang)}{suffix} × {factors}"
            f" = {_num(self.high, lang)}{suffix}"
        )

    def passes(self, value: float) -> bool:
        """Exactly at a bound passes; beyond it fails."""
        if self.high is not None and value > self.high:
            return False
        return not (self.low is not None and value < self.low)


def window_seconds(window: str) -> int | None:
    """ "instant" → None, "15min" → 900, "1h" → 3600, "1d" → 86400."""
    if window == INSTANT:
        return None
    for suffix, seconds in WINDOW_SECONDS.items():
        if window.endswith(suffix) and window[: -len(suffix)].isdigit():
            return int(window[: -len(suffix)]) * seconds
    raise ValueError(f"window {window!r}: use instant, Nmin, Nh or Nd")


def _plain(value: float) -> str:
    return f"{value:g}"


def _num(value: float, lang: str, min_digits: int = 0) -> str:
    text = number(value, lang, 6, fixed=False)
    if min_digits and float(value).is_integer():
        text = number(value, lang, min_digits)
    return text


def worst(*statuses: str) -> str:
    """The least sure of the statuses (an unrecognised label counts as unknown)."""
    ranks = [
        STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER) - 1 for s in statuses
    ]
    return STATUS_ORDER[max(ranks)] if ranks else "unknown"


# ---------------------------------------------------------------------------------- loading


def _yaml(text: str) -> Any:
    """``yaml.safe_load`` with libyaml's parser when PyYAML has it (the same safe
    constructor, ten times faster on the shipped rule sets)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


@cache
def _schema() -> dict[str, Any]:
    text = (resources.files("parkloop.monitoring") / "data" / "limits.schema.yaml").read_text(
        encoding="utf-8"
    )
    schema: dict[str, Any] = _yaml(text)
    return schema


def _day(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def parse_limit_set(data: Any, name: str) -> LimitSet:
    """A limit set from its parsed YAML; raises :class:`LimitFileError` listing every
    problem (schema, unknown parameter or column, coefficient without a table)."""
    problems = [f"{name}: {p.path or '(top)'}: {p.message}" for p in validate(data, _schema())]
    if problems:
        raise LimitFileError("\n".join(problems))
    known = catalog()
    columns = tuple(data["columns"])
    media = Media.parse(data["media"])
    values: list[LimitValue] = []
    default_window = data.get("averaging", {}).get("default_window", INSTANT)
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(data["values"]):
        where = f"{name}: values[{i}]"
        code = row["parameter"]
        if code not in known:
            problems.append(f"{where}.parameter: {code!r} is not a monitoring parameter")
            continue
        if known[code].parameter.media is not media:
            problems.append(f"{where}.parameter: {code!r} is not measured in {media.value}")
        window = row.get("window", default_window)
        if (code, window) in seen:
            problems.append(f"{where}: {code} with window {window} appears twice")
        seen.add((code, window))
        cells: dict[str, tuple[float | None, float | None] | None] = {}
        for column, cell in row["limits"].items():
            if column not in columns:
                problems.append(f"{where}.limits.{column}: not a column of {name}")
            if cell is None:
                cells[column] = None
            elif isinstance(cell, dict):
                low, high = cell.get("low"), cell.get("high")
                if low is not None and high is not None and low > high:
                    problems.append(f"{where}.limits.{column}: low above high")
                cells[column] = (
                    None if low is None else float(low),
                    None if high is None else float(high),
                )
            else:
                cells[column] = (None, float(cell))
        if row["status"] == "unknown" and any(c is not None for c in cells.values()):
            problems.append(f"{where}: status unknown but a value is given")
        if row["status"] != "unknown" and all(c is None for c in cells.values()):
            problems.append(f"{where}: no value given; its status must be unknown")
        values.append(
            LimitValue(code, cells, window, row["status"], row["source"], row.get("note", ""))
        )
    coefficients: dict[str, Coefficient] = {}
    for cname, spec in (data.get("coefficients") or {}).items():
        status, source = spec["status"], spec["source"]
        if spec["basis"] == "receiving_water":
            if not spec.get("classes"):
                problems.append(f"{name}: coefficients.{cname}: needs classes")
            classes = {
                c["id"]: (c["value"], c.get("status", status), c.get("source", source))
                for c in spec.get("classes", [])
            }
            coefficients[cname] = Coefficient(cname, "receiving_water", status, source, classes)
        else:
            bands = tuple(
                (b["up_to"], b["value"], b.get("status", status), b.get("source", source))
                for b in spec.get("bands", [])
            )
            limits = [b[0] for b in bands]
            if not bands or limits[-1] is not None or None in limits[:-1]:
                problems.append(f"{name}: coefficients.{cname}: bands must end with up_to: null")
            elif limits[:-1] != sorted(limits[:-1]):
                problems.append(f"{name}: coefficients.{cname}: bands must be in rising order")
            coefficients[cname] = Coefficient(cname, "flow", status, source, bands=bands)
    formula = data.get("formula") or {}
    for cname in formula.get("coefficients", []):
        if cname not in coefficients:
            problems.append(f"{name}: formula.coefficients: {cname} has no table")
    for code in formula.get("exempt", []):
        if code not in known:
            problems.append(f"{name}: formula.exempt: {code!r} is not a monitoring parameter")
    transition = None
    if "transition" in data:
        t = data["transition"]
        transition = Transition(
            tuple(t["replaces"]),
            _day(t["new_facilities_from"]),
            _day(t["existing_facilities_from"]),
            t["status"],
            t["source"],
        )
    if problems:
        raise LimitFileError("\n".join(problems))
    return LimitSet(
        id=data["id"],
        family=data["family"],
        title_vi=data["title_vi"],
        title_en=data["title_en"],
        document=" ".join(data["document"].split()),
        media=media,
        status=data["status"],
        source=" ".join(data["source"].split()),
        columns=columns,
        values=tuple(values),
        coefficients=coefficients,
        formula=tuple(formula.get("coefficients", [])),
        formula_status=formula.get("status", "read"),
        formula_source=formula.get("source", ""),
        exempt=frozenset(formula.get("exempt", [])),
        exempt_status=formula.get("exempt_status", formula.get("status", "read")),
        exempt_source=formula.get("exempt_source", ""),
        in_force_from=_day(data.get("in_force_from")),
        transition=transition,
        default_window=default_window,
        park=data.get("park"),
    )


def load_limit_file(path: Path | str) -> LimitSet:
    """A limit set (a QCVN file or a park's intake limits) from a YAML file."""
    path = Path(path)
    try:
        data = _yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LimitFileError(f"{path.name}: not YAML ({exc})") from exc
    return parse_limit_set(data, path.name)


@cache
def limit_sets() -> dict[str, LimitSet]:
    """The shipped rule sets by id (QCVN 40:2011, 40:2025, 19:2009, 19:2024)."""
    folder = resources.files("parkloop.monitoring") / "data" / "limits"
    found: dict[str, LimitSet] = {}
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.name.endswith(".yaml"):
            data = _yaml(item.read_text(encoding="utf-8"))
            loaded = parse_limit_set(data, item.name)
            if loaded.id in found:
                raise LimitFileError(f"{item.name}: id {loaded.id} used twice")
            found[loaded.id] = loaded
    return found


def limit_set(code: str) -> LimitSet:
    try:
        return limit_sets()[code]
    except KeyError:
        raise NoLimitSet(code) from None


# ------------------------------------------------------------------- which set, which limit


def _applies(candidate: LimitSet, station: Station, on_date: dt.date) -> bool:
    if candidate.in_force_from is not None and on_date < candidate.in_force_from:
        return False
    t = candidate.transition
    if t is None:
        return True
    if t.existing_facilities_from is not None and on_date >= t.existing_facilities_from:
        return True
    started = station.commissioned_on
    return (
        t.new_facilities_from is not None
        and started is not None
        and started >= t.new_facilities_from
        and on_date >= t.new_facilities_from
    )


def applicable(station: Station, on_date: dt.date, intake: LimitSet | None = None) -> LimitSet:
    """The rule set that governs ``station`` on ``on_date``.

    ``station.limit_set`` names a family ("qcvn-40", "qcvn-19"), a set ("qcvn-40-2011") or
    the park's intake limits ("park-intake", given as ``intake``). Within a family the newest
    set whose transitional rule reaches the station is chosen: a new standard governs a
    station commissioned on or after its ``new_facilities_from`` at once, and every station
    from its ``existing_facilities_from`` (unknown: existing stations keep the older set).
    Naming a set never yields an older one; when none of the family applies yet, the named
    set (or the oldest of the family) is returned."""
    named = station.limit_set
    if named == INTAKE_FAMILY or (intake is not None and named == intake.id):
        if intake is None:
            raise NoLimitSet(f"{station.code}: park intake limits not given")
        return intake
    sets = limit_sets()
    if named in sets:
        family = sets[named].family
        floor = sets[named].in_force_from or dt.date.min
    else:
        family = named
        floor = dt.date.min
    members = sorted(
        (s for s in sets.values() if s.family == family),
        key=lambda s: s.in_force_from or dt.date.min,
        reverse=True,
    )
    if not members:
        raise NoLimitSet(named)
    for candidate in members:
        if (candidate.in_force_from or dt.date.min) < floor:
            break
        if _applies(candidate, station, on_date):
            return candidate
    return sets[named] if named in sets else members[-1]


def _product(base: float, factors: Sequence[float]) -> float:
    total = Decimal(repr(base))
    for f in factors:
        total *= Decimal(repr(f))
    return float(total)


def effective_limits(
    station: Station, on_date: dt.date, intake: LimitSet | None = None
) -> list[EffectiveLimit]:
    """The limits of each of the station's parameters on ``on_date``: one per parameter and
    averaging window the governing set lists (a parameter may have an instantaneous and a
    daily-mean limit). Parameters the set does not list get no entry; listed values that are
    unknown come with ``high``/``low`` None and status "unknown"."""
    chosen = applicable(station, on_date, intake)
    column = station.limit_column
    out: list[EffectiveLimit] = []
    for row in chosen.values:
        if row.parameter not in station.parameters:
            continue
        cell = row.cells.get(column)
        common = {
            "station": station.code,
            "parameter": row.parameter,
            "limit_set": chosen.id,
            "column": column,
            "window": row.window,
            "document": chosen.document,
        }
        if column not in chosen.columns or cell is None:
            reason = (
                f"column {column} is not a column of {chosen.id}"
                if column not in chosen.columns
                else "value not read from a public copy"
            )
            out.append(
                EffectiveLimit(
                    **common,
                    low=None,
                    high=None,
                    base_low=None,
                    base_high=None,
                    coefficients=(),
                    status="unknown",
                    source=row.source,
                    note=reason,
                )
            )
            continue
        base_low, base_high = cell
        statuses = [row.status]
        sources = [row.source]
        coefficients: list[tuple[str, float, str]] = []
        note = row.note
        high = base_high
        if chosen.formula and row.parameter in chosen.exempt:
            statuses.append(chosen.exempt_status)
            sources.append(f"no coefficients: {chosen.exempt_source}")
        elif chosen.formula and base_high is not None:
            missing: list[str] = []
            for cname in chosen.formula:
                value, picked, status, source = chosen.coefficients[cname].pick(station)
                if value is None:
                    missing.append(picked)
                    continue
                coefficients.append((cname, value, picked))
                statuses.append(status)
                sources.append(f"{cname}: {source}")
            statuses.append(chosen.formula_status)
            sources.append(f"formula: {chosen.formula_source}")
            if missing:
                high = None
                statuses.append("unknown")
                note = "; ".join([*missing, note] if note else missing)
                coefficients = []
            else:
                high = _product(base_high, [c[1] for c in coefficients])
        out.append(
            EffectiveLimit(
                **common,
                low=base_low if high is not None or base_low is not None else None,
                high=high,
                base_low=base_low,
                base_high=base_high,
                coefficients=tuple(coefficients),
                status=worst(*statuses),
                source=" | ".join(" ".join(s.split()) for s in sources),
                note=note,
            )
        )
    return out
