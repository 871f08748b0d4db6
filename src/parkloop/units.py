"""Units: a pint registry with parkloop's own definitions and the spellings users type.

Whole columns are converted at the edges: a unit string is parsed once into a factor to
the canonical unit of its dimension, and the column is multiplied by it. Only canonical
floats are stored.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pint
from numpy.typing import ArrayLike, NDArray
from rapidfuzz import process

from parkloop.errors import Message, msg

# How canonical units are spelled for pint and shown to people.
_PINT_NAME = {
    "t": "t",
    "m3": "m**3",
    "MWh": "MWh",
    "Nm3": "Nm3",
    "t_steam": "t_steam",
    "t_CO2e": "t_CO2e",
    "piece": "piece",
    "m": "m",
    "m2": "m**2",
}
DISPLAY = {
    "t": "t",
    "m3": "m³",
    "MWh": "MWh",
    "Nm3": "Nm³",
    "t_steam": "t steam",
    "t_CO2e": "t CO2e",
    "piece": "pieces",
    "m": "m",
    "m2": "m²",
}
CANONICAL_UNITS = tuple(_PINT_NAME)
_SUPERSCRIPTS = str.maketrans({"³": "3", "²": "2", "·": " ", "\u00a0": " "})


class UnitError(ValueError):
    """A unit that cannot be understood or does not fit; the message says what to type."""


@dataclass(frozen=True, slots=True)
class ParsedUnit:
    """A unit as entered, resolved to its canonical unit.

    ``factor`` converts a value in the entered unit to the canonical unit. When the unit is
    a rate (per day, per year...), ``per_days`` is the length of its time denominator in days
    and the value must be multiplied by the period length to become an amount.
    """

    text: str
    canonical: str
    factor: float
    per_days: float | None = None

    @property
    def is_rate(self) -> bool:
        return self.per_days is not None

    def factor_for_period(self, period_days: float) -> float:
        if self.per_days is None:
            return self.factor
        return self.factor * period_days / self.per_days


@cache
def registry() -> pint.UnitRegistry[Any]:
    ureg: pint.UnitRegistry[Any] = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    definitions = resources.files("parkloop.catalog") / "data" / "units.txt"
    with resources.as_file(definitions) as path:
        ureg.load_definitions(str(path))
    return ureg


@cache
def spellings() -> dict[str, str]:
    """User spellings (case-folded, NFC) -> pint expression."""
    table: dict[str, str] = {}
    source = resources.files("parkloop.catalog") / "data" / "unit_spellings.csv"
    with source.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            table[_fold(row["spelling"])] = row["unit"]
    return table


@cache
def _unaccented() -> dict[str, str]:
    """Spellings typed without accents ('cai' for 'cái'), where that is unambiguous."""
    from parkloop.domain.codes import fold

    found: dict[str, set[str]] = {}
    for spelling, unit in spellings().items():
        found.setdefault(fold(spelling), set()).add(unit)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


@cache
def _canonical_by_dimension() -> dict[object, str]:
    ureg = registry()
    return {ureg.Quantity(1.0, name).dimensionality: unit for unit, name in _PINT_NAME.items()}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_SUPERSCRIPTS)
    return " ".join(text.split()).casefold()


_JOINED = re.compile(r"(?<=[^\W\d_])[.\-](?=[^\W\d_])")


def _to_pint(part: str) -> pint.Quantity[Any]:
    """One side of a unit expression as a pint quantity (magnitude kept for "tạ" = 100 kg)."""
    ureg = registry()
    known = spellings()
    if _fold(part) not in known:
        part = _JOINED.sub(" ", part)  # 'ngày.đêm', 'ngày-đêm' as 'ngày đêm'
    expression = known.get(_fold(part))
    if expression is None:
        from parkloop.domain.codes import fold

        expression = _unaccented().get(fold(part), part.strip().translate(_SUPERSCRIPTS))
    try:
        parsed = ureg.parse_expression(expression)
    except Exception as exc:  # pint raises several unrelated types for bad input
        raise UnitError(_unknown_message(part)) from exc
    if not isinstance(parsed, pint.Quantity):
        raise UnitError(_unknown_message(part))
    return parsed


def _unknown_message(text: str) -> Message:
    choices = sorted(set(spellings()))
    near = [c for c, _score, _ in process.extract(_fold(text), choices, limit=3)]
    hint = ", ".join(f"'{c}'" for c in near)
    return msg("unknown unit '{text}'; did you mean {hint}?", text=text, hint=hint)


@cache
def _spelled() -> dict[str, tuple[str | None, float | None, float | None]]:
    """What each shipped spelling (folded) is, as :func:`parse_unit` reads it with pint: its
    canonical unit and factor, or (a time) its length in days. Worked out with pint once per
    state of the package (see parkloop.kept), so that a process reading the usual units
    ('tấn/tháng', 'm3/ngày', 'khối') does not build the pint registry."""
    from parkloop.kept import kept

    return kept("unit-spellings", _spell_out)


def _spell_out() -> dict[str, tuple[str | None, float | None, float | None]]:
    ureg = registry()
    table: dict[str, tuple[str | None, float | None, float | None]] = {}
    for spelling in spellings():
        try:
            quantity = _to_pint(spelling)
        except UnitError:
            continue
        canonical = _canonical_by_dimension().get(quantity.dimensionality)
        factor = None if canonical is None else float(quantity.to(_PINT_NAME[canonical]).magnitude)
        days = (
            float(quantity.to(ureg.day).magnitude)
            if quantity.dimensionality == ureg.day.dimensionality
            else None
        )
        table[spelling] = (canonical, factor, days)
    return table


@cache
def parse_unit(text: str) -> ParsedUnit:
    """Resolve a unit as typed ("tấn", "m3/ngày đêm", "MWh") to its canonical unit."""
    if text is None or not str(text).strip():
        raise UnitError(msg("no unit given; type one such as 't', 'm3', 'MWh', 'tấn' or 'khối'"))
    raw = str(text)
    numerator, _, denominator = raw.partition("/")
    spelled = _spelled()
    amount = spelled.get(_fold(numerator))
    if amount is not None and amount[0] is not None and amount[1] is not None:
        # Shipped spellings on both sides: read as pint reads them, without pint.
        if not denominator.strip():
            return ParsedUnit(text=raw, canonical=amount[0], factor=amount[1])
        time = spelled.get(_fold(denominator))
        if time is not None and time[2] is not None:
            return ParsedUnit(text=raw, canonical=amount[0], factor=amount[1], per_days=time[2])
    ureg = registry()
    quantity = _to_pint(numerator)
    per_days = None
    if denominator.strip():
        den = _to_pint(denominator)
        if den.dimensionality != ureg.day.dimensionality:
            raise UnitError(
                msg(
                    "unit '{unit}': only a time may follow '/', as in 't/year' or 'm3/ngày'",
                    unit=raw,
                )
            )
        per_days = float(den.to(ureg.day).magnitude)
    canonical = _canonical_by_dimension().get(quantity.dimensionality)
    if canonical is None:
        raise UnitError(
            msg(
                "unit '{unit}' measures {dimension}, which parkloop does not store; "
                "use a mass (t), volume (m3), energy (MWh), gas volume (Nm3), steam (t_steam), "
                "CO2e (tCO2e), a count, a length (m) or an area (m2)",
                unit=raw,
                dimension=str(quantity.dimensionality),
            )
        )
    factor = float(quantity.to(_PINT_NAME[canonical]).magnitude)
    return ParsedUnit(text=raw, canonical=canonical, factor=factor, per_days=per_days)


def to_canonical(
    values: ArrayLike, unit: str, period_days: float | ArrayLike | None = None
) -> tuple[NDArray[np.float64], str]:
    """Convert a whole column from ``unit`` to its canonical unit.

    A rate unit ("t/day") is turned into an amount over ``period_days`` (default one year).
    """
    parsed = parse_unit(unit)
    array = np.asarray(values, dtype=float)
    if parsed.per_days is None:
        return array * parsed.factor, parsed.canonical
    days = np.asarray(365.0 if period_days is None else period_days, dtype=float)
    return array * parsed.factor * days / parsed.per_days, parsed.canonical


def from_canonical(
    values: ArrayLike, unit: str, period_days: float | ArrayLike | None = None
) -> NDArray[np.float64]:
    """Inverse of :func:`to_canonical`."""
    parsed = parse_unit(unit)
    array = np.asarray(values, dtype=float)
    if parsed.per_days is None:
        return array / parsed.factor
    days = np.asarray(365.0 if period_days is None else period_days, dtype=float)
    return array * parsed.per_days / (parsed.factor * days)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert one amount between two units of the same dimension."""
    a, b = parse_unit(from_unit), parse_unit(to_unit)
    if a.canonical != b.canonical or a.is_rate or b.is_rate:
        raise UnitError(
            msg("cannot convert '{unit}' to '{target}'", unit=from_unit, target=to_unit)
        )
    return value * a.factor / b.factor


def display(canonical: str) -> str:
    return DISPLAY.get(canonical, canonical)


def known_spellings() -> list[str]:
    return sorted(spellings())
