"""Per-sector profiles: the outputs and inputs a firm of a VSIC division, group or class
typically has, per employee a year (``sector_profiles.csv``), and the typical number of
employees of a firm of a division (``sector_sizes.csv``) for a firm whose registry gives
none. Matching uses them to screen firms that have declared no inventory yet; every value
is an estimate and is shown as one, with its source and basis.

A firm's profile of one direction is the rows of the most specific code that has rows of
that direction: a brewery (1103) takes the outputs of class 1103 and, having no inputs of
its own class, the inputs of division 11.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from parkloop.catalog.checks import Finding, check
from parkloop.catalog.loader import Catalog

PROFILES = "sector_profiles.csv"
SIZES = "sector_sizes.csv"
DIRECTIONS = ("in", "out")
# A recalled or estimated number is never shipped as read.
PROFILE_STATUSES = frozenset({"estimate", "read_secondary", "recalled_unverified"})
ANY_SECTOR = "*"
_CODE = re.compile(r"\d{2,4}")


@dataclass(frozen=True, slots=True)
class ProfileRow:
    """One typical flow of a sector: ``per_employee`` units of ``material`` a year."""

    vsic: str
    direction: str
    material: str
    per_employee: float
    unit: str
    status: str
    source: str
    basis: str
    line: int = 0

    def cite(self) -> dict[str, object]:
        return {
            "vsic": self.vsic,
            "direction": self.direction,
            "material": self.material,
            "per_employee": self.per_employee,
            "unit": self.unit,
            "status": self.status,
            "source": self.source,
            "basis": self.basis,
        }


@dataclass(frozen=True, slots=True)
class SectorSize:
    """Typical employees of a firm of a sector (``*``: any sector not listed)."""

    vsic: str
    employees: int
    statistic: str
    year: int
    status: str
    source: str
    note: str

    def cite(self) -> dict[str, object]:
        return {
            "vsic": self.vsic,
            "employees": self.employees,
            "statistic": self.statistic,
            "year": self.year,
            "status": self.status,
            "source": self.source,
        }


@cache
def profile_rows(cat: Catalog) -> tuple[ProfileRow, ...]:
    """Every row of ``sector_profiles.csv``, as shipped."""
    out = []
    for r in cat.rows(PROFILES):
        try:
            value = float(r["per_employee"])
        except ValueError:
            value = math.nan
        out.append(
            ProfileRow(
                vsic=r["vsic"],
                direction=r["direction"],
                material=r["material"],
                per_employee=value,
                unit=r["unit"],
                status=r["status"],
                source=r["source"],
                basis=r["basis"],
                line=r.line,
            )
        )
    return tuple(out)


@cache
def _by_code(cat: Catalog) -> dict[tuple[str, str], tuple[ProfileRow, ...]]:
    found: dict[tuple[str, str], list[ProfileRow]] = {}
    for row in profile_rows(cat):
        found.setdefault((row.vsic, row.direction), []).append(row)
    return {k: tuple(v) for k, v in found.items()}


@cache
def profile(cat: Catalog, vsic: str, direction: str) -> tuple[ProfileRow, ...]:
    """The typical flows of one direction of a firm of sector ``vsic`` (a division, group,
    class or sub-class code): those of the most specific code above it that has any; none
    for a sector without a profile."""
    code = vsic.strip()
    rows = _by_code(cat)
    for length in (4, 3, 2):
        if len(code) >= length:
            hit = rows.get((code[:length], direction))
            if hit:
                return hit
    return ()


@cache
def sizes(cat: Catalog) -> dict[str, SectorSize]:
    return {
        r["vsic"]: SectorSize(
            vsic=r["vsic"],
            employees=int(r["employees"]),
            statistic=r["statistic"],
            year=int(r["year"]),
            status=r["status"],
            source=r["source"],
            note=r["note"],
        )
        for r in cat.rows(SIZES)
    }


def typical_size(cat: Catalog, vsic: str) -> SectorSize:
    """The typical employees of a firm of ``vsic``: of its class, group or division where
    listed, else the figure for any sector (``*``)."""
    table = sizes(cat)
    code = vsic.strip()
    for length in (4, 3, 2):
        if len(code) >= length and code[:length] in table:
            return table[code[:length]]
    return table[ANY_SECTOR]


def _known_sector(cat: Catalog, code: str) -> bool:
    return bool(_CODE.fullmatch(code)) and cat.vsic_division(code) is not None


@check
def sector_profiles_are_well_formed(cat: Catalog) -> Iterator[Finding]:
    seen: dict[tuple[str, str, str], int] = {}
    # Units from the rows: a broken materials file is reported by its own check.
    units = {r["code"]: r["canonical_unit"] for r in cat.rows("materials.csv")}
    for row in profile_rows(cat):
        if not _known_sector(cat, row.vsic):
            yield Finding(PROFILES, row.line, "vsic", f"'{row.vsic}' is not under a VSIC division")
        if row.direction not in DIRECTIONS:
            yield Finding(PROFILES, row.line, "direction", "write in or out")
        unit = units.get(row.material)
        if unit is None:
            yield Finding(PROFILES, row.line, "material", f"no material '{row.material}'")
        elif row.unit != unit:
            yield Finding(
                PROFILES, row.line, "unit", f"'{row.unit}' is not {row.material}'s unit '{unit}'"
            )
        if not (math.isfinite(row.per_employee) and row.per_employee > 0):
            yield Finding(PROFILES, row.line, "per_employee", "must be a positive number")
        if row.status not in PROFILE_STATUSES:
            yield Finding(
                PROFILES,
                row.line,
                "status",
                f"a typical intensity is one of {sorted(PROFILE_STATUSES)}, not '{row.status}'",
            )
        if not row.basis:
            yield Finding(PROFILES, row.line, "basis", "say how the value was reached")
        key = (row.vsic, row.direction, row.material)
        if key in seen:
            yield Finding(PROFILES, row.line, "material", f"repeats line {seen[key]}")
        seen.setdefault(key, row.line)


@check
def sector_sizes_are_well_formed(cat: Catalog) -> Iterator[Finding]:
    rows = cat.rows(SIZES)
    if not any(r["vsic"] == ANY_SECTOR for r in rows):
        yield Finding(SIZES, 1, "vsic", f"a row '{ANY_SECTOR}' for any other sector is needed")
    for r in rows:
        if r["vsic"] != ANY_SECTOR and not _known_sector(cat, r["vsic"]):
            yield Finding(SIZES, r.line, "vsic", f"'{r['vsic']}' is not under a VSIC division")
        if not r["employees"].isdigit() or int(r["employees"]) < 1:
            yield Finding(SIZES, r.line, "employees", "a whole number of at least 1")
        if r["status"] not in PROFILE_STATUSES:
            yield Finding(
                SIZES, r.line, "status", f"one of {sorted(PROFILE_STATUSES)}, not '{r['status']}'"
            )
        if not r["year"].isdigit():
            yield Finding(SIZES, r.line, "year", "the year of the statistic")


__all__ = [
    "ProfileRow",
    "SectorSize",
    "profile",
    "profile_rows",
    "sizes",
    "typical_size",
]
