"""Viet Nam's 34 provincial-level units and every name people type for them.

``provinces_2025.csv`` lists the units that exist since Resolution 202/2025/QH15;
``province_names.csv`` maps current names, their usual spellings and the pre-2025 names to
a current code (``stands_for`` gives the official name an informal spelling stands for).
Both files are read once and kept; nothing here touches a database.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from parkloop.catalog import fold
from parkloop.catalog.loader import default_data_dir

UNITS_FILE = "provinces_2025.csv"
NAMES_FILE = "province_names.csv"
NAME_KINDS = frozenset({"current", "pre2025"})

FUZZY_MIN_SCORE = 90.0
FUZZY_MIN_LEAD = 5.0

_PUNCTUATION = re.compile(r"[-‐‑‒–—―.,;:_/()\[\]'\"]+")
_PREFIXES = ("thanh pho ", "tinh ", "tp ", "t ")
_SUFFIXES = (" city", " province", " cu", " moi")


@dataclass(frozen=True, slots=True)
class CurrentProvince:
    """One of the 34 provincial-level units (a row of ``provinces_2025.csv``)."""

    code: str
    name_vi: str
    full_name_vi: str
    name_en: str
    kind: str
    region: str
    lat: float
    lon: float
    coord_status: str
    seat_in_former: str
    merged_from: tuple[str, ...]
    status: str
    source: str


@dataclass(frozen=True)
class ProvinceMatch:
    """What a typed province name resolved to."""

    code: str
    name_vi: str
    name_en: str
    typed: str
    old_name: str | None  # the pre-2025 name when the typed text was one
    status: str
    source: str


@dataclass(frozen=True, slots=True)
class _Name:
    name: str
    current: str
    kind: str
    stands_for: str
    status: str
    source: str


def _spaced(text: str) -> str:
    """Folded text with punctuation as spaces and administrative prefixes/suffixes dropped."""
    key = " ".join(_PUNCTUATION.sub(" ", fold(text)).split())
    changed = True
    while changed and key:
        changed = False
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, changed = key[len(prefix) :], True
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key, changed = key[: -len(suffix)], True
    return key


def _compact(text: str) -> str:
    return _spaced(text).replace(" ", "")


def _read(name: str) -> list[dict[str, str]]:
    with (default_data_dir() / name).open(encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(fh)]


@cache
def _units() -> dict[str, CurrentProvince]:
    out: dict[str, CurrentProvince] = {}
    for r in _read(UNITS_FILE):
        out[r["code"]] = CurrentProvince(
            code=r["code"],
            name_vi=r["name_vi"],
            full_name_vi=r["full_name_vi"],
            name_en=r["name_en"],
            kind=r["kind"],
            region=r["region"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            coord_status=r["coord_status"],
            seat_in_former=r["seat_in_former"],
            merged_from=tuple(n.strip() for n in r["merged_from"].split(";") if n.strip()),
            status=r["status"],
            source=r["source"],
        )
    return out


@cache
def _index() -> dict[str, _Name]:
    """Compact key → name row; a key may only ever lead to one current unit."""
    units = _units()
    rows = [
        _Name(r["name"], r["current"], r["kind"], r["stands_for"], r["status"], r["source"])
        for r in _read(NAMES_FILE)
    ]
    for unit in units.values():  # codes are accepted as typed, e.g. "ho-chi-minh"
        rows.append(_Name(unit.code, unit.code, "current", "", unit.status, unit.source))
    index: dict[str, _Name] = {}
    for row in rows:
        if row.current not in units:
            raise ValueError(f"{NAMES_FILE}: '{row.name}' points to unknown unit '{row.current}'")
        if row.kind not in NAME_KINDS:
            raise ValueError(f"{NAMES_FILE}: '{row.name}' has kind '{row.kind}'")
        key = _compact(row.name)
        seen = index.get(key)
        if seen is None:
            index[key] = row
        elif seen.current != row.current:
            raise ValueError(f"{NAMES_FILE}: '{row.name}' and '{seen.name}' read alike")
    return index


def current_provinces() -> dict[str, CurrentProvince]:
    """The 34 current units by code, in file order."""
    return dict(_units())


def _match(row: _Name, typed: str) -> ProvinceMatch:
    unit = _units()[row.current]
    return ProvinceMatch(
        code=unit.code,
        name_vi=unit.name_vi,
        name_en=unit.name_en,
        typed=typed,
        old_name=(row.stands_for or row.name) if row.kind == "pre2025" else None,
        status=row.status,
        source=row.source,
    )


def _scores(text: str) -> dict[str, tuple[float, _Name]]:
    """Best similarity of ``text`` to any name of each current unit."""
    spaced, compact = _spaced(text), _compact(text)
    best: dict[str, tuple[float, _Name]] = {}
    for key, row in _index().items():
        score = max(fuzz.ratio(compact, key), fuzz.ratio(spaced, _spaced(row.name)))
        if row.current not in best or score > best[row.current][0]:
            best[row.current] = (score, row)
    return best


def resolve_province(text: str) -> ProvinceMatch | None:
    """The current unit for a typed name, code or pre-2025 name; None when unsure.

    Case, diacritics, hyphens, dashes, extra spaces and the prefixes "Tỉnh", "Thành phố",
    "TP."/"TP" and "T." do not matter. A small typo is accepted only when one unit is
    clearly best (score ≥ 90 and ≥ 5 ahead of the next unit).
    """
    typed = text.strip()
    compact = _compact(typed)
    if not compact:
        return None
    row = _index().get(compact)
    if row is not None:
        return _match(row, typed)
    ranked = sorted(_scores(typed).values(), key=lambda s: s[0], reverse=True)
    if not ranked or ranked[0][0] < FUZZY_MIN_SCORE:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < FUZZY_MIN_LEAD:
        return None
    return _match(ranked[0][1], typed)


def suggest_provinces(text: str, limit: int = 3) -> list[str]:
    """Current names nearest to ``text``, best first, for error messages."""
    if limit <= 0:
        return []
    units = _units()
    spaced = _spaced(text)
    scored: list[tuple[float, str]] = []
    for code, unit in units.items():
        names = [r.name for r in _index().values() if r.current == code]
        score = max(fuzz.WRatio(spaced, _spaced(n)) for n in names)
        scored.append((score, unit.name_vi))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [name for _, name in scored[:limit]]
