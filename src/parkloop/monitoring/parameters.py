"""The monitored parameters: names in Vietnamese and English, canonical unit, medium, the
range a real measurement can take, and the spellings staff use in column headers.

The catalog is ``data/monitoring_parameters.csv``. A column header of an upload is matched
with :func:`recognise_column` ("COD (mg/l)", "Tổng N", "Amoni", "SS [mg/L]" …), and a column
of values in the unit of the header is turned into the canonical unit with
:func:`to_canonical`, whole columns at once.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike, NDArray

from parkloop.monitoring.model import Media, Parameter
from parkloop.units import registry

PARAMETERS_FILE = "monitoring_parameters.csv"


class UnknownParameter(KeyError):
    """A parameter code that is not in the catalog."""


class UnitMismatch(ValueError):
    """A unit that cannot measure the parameter (mg/L for pH, °C for COD …)."""


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """A catalog row: the parameter, how its unit is shown, its header spellings and where
    its physically possible range comes from."""

    parameter: Parameter
    unit_display: str
    aliases: tuple[str, ...]
    status: str
    source: str


@dataclass(frozen=True, slots=True)
class ColumnMatch:
    """A column header recognised as a parameter; ``unit`` is the unit written in the
    header ("mg/l" in "COD (mg/l)"), or None when the header names none."""

    header: str
    parameter: str
    unit: str | None


def fold(text: str) -> str:
    """Case-folded, accent-free, single-spaced text: "Tổng  N" and "tong n" fold alike."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.casefold().split())


@cache
def catalog() -> dict[str, CatalogEntry]:
    """Every catalog entry by parameter code, in file order."""
    source = resources.files("parkloop.monitoring") / "data" / PARAMETERS_FILE
    entries: dict[str, CatalogEntry] = {}
    with source.open(encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            code = row["code"].strip()
            if not code or code in entries:
                raise ValueError(f"{PARAMETERS_FILE} line {n}: empty or repeated code {code!r}")
            if not row["status"].strip() or not row["source"].strip():
                raise ValueError(f"{PARAMETERS_FILE} line {n}: {code} needs a status and a source")
            unit = row["unit"].strip()
            parameter = Parameter(
                code=code,
                name_vi=row["name_vi"].strip(),
                name_en=row["name_en"].strip(),
                unit=unit,
                media=Media.parse(row["media"].strip()),
                low=float(row["low"]) if row["low"].strip() else None,
                high=float(row["high"]) if row["high"].strip() else None,
            )
            aliases = tuple(a.strip() for a in row["aliases"].split(";") if a.strip())
            entries[code] = CatalogEntry(
                parameter, row["unit_display"].strip(), aliases, row["status"], row["source"]
            )
    return entries


@cache
def _units() -> None:
    """Refuse a canonical unit pint does not know, before the first conversion (the
    catalog itself loads without pint: a check of stored readings needs no units)."""
    for code, entry in catalog().items():
        unit = entry.parameter.unit
        if unit:
            try:
                registry()(unit)
            except Exception as exc:  # pint raises several kinds for what it cannot parse
                raise ValueError(f"{PARAMETERS_FILE}: {code}: unit {unit!r} unknown") from exc


def parameters() -> dict[str, Parameter]:
    """Every parameter by code."""
    return {code: entry.parameter for code, entry in catalog().items()}


def parameter(code: str) -> Parameter:
    """The parameter of ``code``; raises :class:`UnknownParameter`."""
    try:
        return catalog()[code].parameter
    except KeyError:
        raise UnknownParameter(code) from None


def unit_display(code: str) -> str:
    """The canonical unit of ``code`` as people write it ("mg/L", "°C", "Pt-Co", "")."""
    return catalog()[code].unit_display


def header(code: str) -> str:
    """The wide-format column header of ``code``: its usual short name and its unit,
    e.g. "COD (mg/L)", "pH"; :func:`recognise_column` reads it back."""
    entry = catalog()[code]
    name = entry.aliases[0] if entry.aliases else code
    return f"{name} ({entry.unit_display})" if entry.unit_display else name


@cache
def _alias_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for code, entry in catalog().items():
        p = entry.parameter
        for spelling in (code, p.name_vi, p.name_en, *entry.aliases):
            codes = table.setdefault(fold(spelling), [])
            if code not in codes:
                codes.append(code)
    return {k: tuple(v) for k, v in table.items()}


_UNIT_IN_HEADER = re.compile(r"^(?P<name>.*?)\s*[\(\[](?P<unit>[^\(\)\[\]]*)[\)\]]\s*$")


def recognise_column(text: str, candidates: Collection[str] | None = None) -> ColumnMatch | None:
    """The parameter a column header names, or None.

    A unit in brackets at the end is split off ("COD (mg/l)", "TSS [mg/L]"); a header whose
    brackets hold no unit ("Amoni (tính theo N)") is tried whole. ``candidates`` (the
    station's parameter codes) settles spellings shared by two parameters ("Nhiệt độ" of
    water and of flue gas): only a candidate is returned."""
    tries: list[tuple[str, str | None]] = []
    found = _UNIT_IN_HEADER.match(text)
    if found and found["name"].strip():
        tries.append((found["name"], found["unit"].strip() or None))
    tries.append((text, None))
    table = _alias_table()
    for name, unit in tries:
        codes = table.get(fold(name), ())
        if candidates is not None:
            codes = tuple(c for c in codes if c in candidates)
        if codes:
            if unit is not None and not _is_unit(unit):
                continue
            return ColumnMatch(header=text, parameter=codes[0], unit=unit)
    return None


# How units are typed in headers, folded, to a pint expression.
_UNIT_SPELLINGS = {
    "mg/l": "mg/L",
    "mg/m3": "mg/m**3",
    "mg/nm3": "mg/Nm3",
    "mg/nm^3": "mg/Nm3",
    "m3/h": "m**3/h",
    "m3/ngay": "m**3/day",
    "m3/ngay dem": "m**3/day",
    "m3/d": "m**3/day",
    "m3/day": "m**3/day",
    "m3/s": "m**3/s",
    "l/s": "L/s",
    "nm3/h": "Nm3/h",
    "oc": "degC",
    "°c": "degC",
    "do c": "degC",
    "c": "degC",
    "pt-co": "PtCo",
    "pt/co": "PtCo",
    "ptco": "PtCo",
    "mpn/100ml": "MPN/dL",
    "mpn/100 ml": "MPN/dL",
    "%": "percent",
    "% v": "percent",
    "% the tich": "percent",
    "%vol": "percent",
    "-": "",
    "": "",
}


def pint_unit(text: str) -> str:
    """The pint expression of a unit as typed ("mg/l", "m³/h", "°C", "Pt-Co", "MPN/100mL",
    "-" for none); raises :class:`UnitMismatch` for what is not a unit."""
    folded = fold(text.replace("³", "3").replace("²", "2")).replace(" /", "/").replace("/ ", "/")
    if folded in _UNIT_SPELLINGS:
        return _UNIT_SPELLINGS[folded]
    _units()
    expression = _BARE_CUBE.sub("**3", text.replace("³", "3").replace("²", "2"))
    try:
        registry()(expression)
    except Exception as exc:  # pint raises several kinds for what it cannot parse
        raise UnitMismatch(f"{text!r} is not a unit") from exc
    return expression


_BARE_CUBE = re.compile(r"(?<=(?<![A-Za-z])m)3")


def _is_unit(text: str) -> bool:
    try:
        pint_unit(text)
    except UnitMismatch:
        return False
    return True


def to_canonical(code: str, values: ArrayLike, unit: str | None) -> NDArray[np.float64]:
    """``values`` typed in ``unit`` (None: already canonical) as float64 in the canonical
    unit of ``code``, the whole column at once; raises :class:`UnitMismatch` when the unit
    cannot measure the parameter (e.g. mg/L for pH)."""
    array = np.asarray(values, dtype=np.float64)
    target = parameter(code).unit
    if unit is None:
        return array
    source = pint_unit(unit)
    if source == target:
        return array
    if not source or not target:
        raise UnitMismatch(f"{unit!r} cannot measure {code} (canonical {target or 'no unit'!r})")
    _units()
    ureg = registry()
    try:
        converted = ureg.Quantity(array, source).to(target).magnitude
    except Exception as exc:  # pint's DimensionalityError and offset-unit errors
        raise UnitMismatch(f"{unit!r} cannot measure {code} (canonical {target!r})") from exc
    return np.asarray(converted, dtype=np.float64)
