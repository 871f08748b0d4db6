"""Screening firms that have declared no inventory yet: what a firm of its sector typically
gives and takes (its sector's profile × its employees), as expected supplies and demands
that the engine pairs like declared ones, marked "expected, not declared" and ranked below
every declared pair. Among screened pairs, materials whose HS or waste codes are close (the
same 6, 4 or 2 digits) and pairs of firms that could each supply the other rank higher.
Pure: registry rows and profiles in, columnar sides out. See docs/methods/matching-screening.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from parkloop.matching.tables import EXPECTED_ID_BASE, PROFILE, Side

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

# Factors of a screened pair's fit (each at most 1, see parkloop.matching.fit).
EXPECTED_FACTOR = 0.6  # per side expected from a sector profile rather than declared
CODE_FACTORS = {6: 1.0, 4: 0.95, 2: 0.9, 0: 0.85}  # digits the two materials' codes share
ONE_WAY_FACTOR = 0.9  # neither firm could also supply the other (two-way pairs: 1)
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Firm:
    """A firm of the registry as screening reads it: where it is, its sector and size, and
    whether it has declared inputs and outputs (flows of the year or open listings)."""

    org: int
    park: int
    vsic: str
    employees: int | None
    lat: float | None
    lon: float | None
    declares_inputs: bool
    declares_outputs: bool


@dataclass(frozen=True, slots=True)
class Typical:
    """One typical flow of a sector profile (as :class:`parkloop.catalog.profiles.ProfileRow`)."""

    vsic: str
    direction: str
    material: str
    per_employee: float


@dataclass
class Expected:
    """Expected supplies and demands, and for each row (by its id) the firm's employees
    used, whether they came from the registry, and the profile row it rests on."""

    supplies: Side
    demands: Side
    basis: dict[int, tuple[int, bool, Typical]] = field(default_factory=dict)
    firms: int = 0  # firms screened
    typical_size: int = 0  # of those, firms whose employees the registry does not give


Profiles = Callable[[str, str], Sequence[Typical]]


def expected_sides(
    firms: Sequence[Firm],
    profiles: Profiles,
    typical_employees: Callable[[str], int],
    material_index: Mapping[str, int],
    year: int,
    disposal_fee: Mapping[str, float],
    market_price: Mapping[str, float],
    residues: frozenset[str] = frozenset(),
) -> Expected:
    """Expected rows of every firm with a sector that declares no flow of a direction: its
    profile of that direction × its employees (the typical figure of its sector when the
    registry gives none). An expected output goes where its material usually goes, as
    when a running exchange is hidden: to disposal at the catalog's fee when disposing of
    it costs something, else sold at the market price when it has a market (a residue so
    sold is of the kind "already sold"), else nowhere."""
    sup: dict[str, list[object]] = {}
    dem: dict[str, list[object]] = {}
    basis: dict[int, tuple[int, bool, Typical]] = {}
    screened = typical = 0
    next_id = EXPECTED_ID_BASE
    for firm in firms:
        if not firm.vsic or firm.lat is None or firm.lon is None:
            continue
        wanted = [
            (d, profiles(firm.vsic, d))
            for d, declared in (("out", firm.declares_outputs), ("in", firm.declares_inputs))
            if not declared
        ]
        wanted = [(d, rows) for d, rows in wanted if rows]
        if not wanted:
            continue
        screened += 1
        said = firm.employees is not None and firm.employees > 0
        people = int(firm.employees) if said and firm.employees else typical_employees(firm.vsic)
        typical += not said
        for direction, rows in wanted:
            for row in rows:
                if row.material not in material_index:
                    continue
                qty = row.per_employee * people
                price, fee, sold, already = np.nan, False, False, False
                if direction == "out":
                    cost = disposal_fee.get(row.material, np.nan)
                    market = market_price.get(row.material, np.nan)
                    if np.nan_to_num(cost) > 0:
                        price, fee = cost, True
                    elif not np.isnan(market):
                        price, sold, already = market, True, row.material in residues
                cols = sup if direction == "out" else dem
                _add(cols, next_id, firm, material_index[row.material], qty, price, fee, sold)
                cols.setdefault("already_sold", []).append(already)
                basis[next_id] = (people, said, row)
                next_id += 1
    return Expected(
        supplies=_side(sup, year),
        demands=_side(dem, year),
        basis=basis,
        firms=screened,
        typical_size=typical,
    )


def _add(
    cols: dict[str, list[object]],
    row_id: int,
    firm: Firm,
    material: int,
    qty: float,
    price: float,
    fee: bool,
    sold: bool,
) -> None:
    for name, value in (
        ("ids", row_id),
        ("org", firm.org),
        ("park", firm.park),
        ("material", material),
        ("qty", qty),
        ("price", price),
        ("fee", fee),
        ("sold", sold),
        ("lat", firm.lat),
        ("lon", firm.lon),
    ):
        cols.setdefault(name, []).append(value)


def _side(cols: dict[str, list[object]], year: int) -> Side:
    if not cols:
        return Side.empty()
    n = len(cols["ids"])
    same: dict[str, object] = {
        "kinds": PROFILE,
        "year": year,
        "start_day": np.iinfo(np.int32).min + 1,
        "end_day": np.iinfo(np.int32).max - 1,
        "max_km": np.inf,
        # A sector's typical flows say nothing the registry does not: seen in the park.
        "private": False,
        "level": 1,
        "waste_code": "",
        "quality": "",
        "text": "",
        "price_status": "estimate",
        "expected": True,
    }
    given: dict[str, list[object]] = dict(cols)
    for name, value in same.items():
        given[name] = [value] * n
    return Side.from_columns(given)


def join(a: Side, b: Side) -> Side:
    """The rows of ``a`` then those of ``b``."""
    if not len(b):
        return a
    if not len(a):
        return b
    return Side(
        **{
            name: np.concatenate([getattr(a, name), getattr(b, name)])
            for name in Side.__dataclass_fields__
        }
    )


# -- code proximity ------------------------------------------------------------------------


def code_digits(*codes: str) -> tuple[str, ...]:
    """The digit strings of a material's codes ('17 04 05' -> '170405'; '7602;7404' -> two)."""
    out = []
    for text in codes:
        for part in str(text or "").split(";"):
            digits = "".join(_DIGITS.findall(part))
            if len(digits) >= 2:
                out.append(digits)
    return tuple(out)


def shared_digits(a: Sequence[str], b: Sequence[str]) -> int:
    """6, 4 or 2: the longest of those prefixes two materials' codes share (0: none).
    Codes are compared within their own system, which their lengths tell apart (HS
    headings of 4 digits, waste codes of 6)."""
    best = 0
    for x in a:
        for y in b:
            for n in (6, 4, 2):
                if n > best and len(x) >= n and len(y) >= n and x[:n] == y[:n]:
                    best = n
                    break
    return best


def proximity_levels(codes: Sequence[tuple[str, ...]]) -> NDArray[np.int8]:
    """Shared digits of every pair of materials (indexed as the factor book's codes)."""
    n = len(codes)
    out = np.zeros((n, n), dtype=np.int8)
    for i in range(n):
        for j in range(n):
            out[i, j] = 6 if i == j and codes[i] else shared_digits(codes[i], codes[j])
    return out


def code_factor(levels: NDArray[np.int8]) -> F64:
    out = np.full(len(levels), CODE_FACTORS[0])
    for n in (2, 4, 6):
        out[levels == n] = CODE_FACTORS[n]
    return out


# -- two-way pairs -------------------------------------------------------------------------


def org_pair_keys(org_s: I64, org_d: I64) -> I64:
    """One int64 per (supplier, receiver) organisation pair."""
    return (org_s.astype(np.int64) << 32) | org_d.astype(np.int64)


def two_way(org_s: I64, org_d: I64, known: I64) -> NDArray[np.bool_]:
    """Whether the receiver of each pair could also supply its supplier: the reverse
    organisation pair is among ``known`` (the pairs proposed, declared or screened)."""
    if not len(org_s) or not len(known):
        return np.zeros(len(org_s), dtype=bool)
    return np.isin(org_pair_keys(org_d, org_s), known)


__all__ = [
    "CODE_FACTORS",
    "EXPECTED_FACTOR",
    "ONE_WAY_FACTOR",
    "Expected",
    "Firm",
    "Typical",
    "code_digits",
    "code_factor",
    "expected_sides",
    "join",
    "org_pair_keys",
    "proximity_levels",
    "shared_digits",
    "two_way",
]
