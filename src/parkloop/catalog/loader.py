"""Load the shipped reference data (CSV/YAML under ``catalog/data``) into typed tables."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from parkloop.domain.codes import fold as fold
from parkloop.domain.enums import DataStatus, MaterialClass
from parkloop.domain.models import Material

STATUSES = frozenset(
    {"read", "read_secondary", "derived", "recalled_unverified", "not_found", "seed", "estimate"}
)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a catalog file, kept with where it came from for error messages."""

    file: str
    line: int
    data: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.data.get(key) or ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeEntry:
    code: str
    name_vi: str
    name_en: str
    level: int = 1
    parent: str = ""
    status: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Factor:
    """A numeric factor with its unit, status and source — shipped together, always."""

    id: str
    category: str
    item: str
    value: float
    unit: str
    status: str
    source: str
    year: int | None = None
    basis: str = ""

    @property
    def unverified(self) -> bool:
        return self.status == "recalled_unverified"

    def cite(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "source": self.source,
            **({"year": self.year} if self.year else {}),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Region:
    code: str
    country: str
    name_vi: str
    name_en: str
    status: str
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Province:
    code: str
    region: str
    name_vi: str
    name_en: str
    lat: float
    lon: float
    park_weight: float
    status: str
    source: str


@dataclass(eq=False)  # compared and hashed by identity: one catalog, many cached lookups
class Catalog:
    """All shipped reference data. Build with :func:`parkloop.catalog.load_catalog`."""

    data_dir: Traversable | Path
    _rows: dict[str, list[Row]] = field(default_factory=dict, repr=False)

    # -- raw access -------------------------------------------------------------------
    def rows(self, name: str) -> list[Row]:
        if name not in self._rows:
            with (self.data_dir / name).open(encoding="utf-8") as fh:
                reader = csv.DictReader(fh)
                self._rows[name] = [
                    Row(name, i + 2, {k: (v or "").strip() for k, v in r.items() if k})
                    for i, r in enumerate(reader)
                ]
        return self._rows[name]

    def yaml(self, name: str) -> Any:
        with (self.data_dir / name).open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)

    def files(self) -> list[str]:
        return sorted(p.name for p in self.data_dir.iterdir() if p.name.endswith(".csv"))

    # -- materials --------------------------------------------------------------------
    @cached_property
    def materials(self) -> dict[str, Material]:
        out: dict[str, Material] = {}
        for r in self.rows("materials.csv"):
            aliases = tuple(a.strip() for a in r["aliases"].split(";") if a.strip())
            out[r["code"]] = Material(
                code=r["code"],
                name_vi=r["name_vi"],
                name_en=r["name_en"],
                material_class=MaterialClass(r["class"]),
                canonical_unit=r["canonical_unit"],
                hazardous=r["hazardous"] == "true",
                parent=r["parent"],
                vn_waste_code=r["vn_waste_group"],
                ewc_code=r["ewc_code"],
                hs_code=r["hs_code"],
                aliases=aliases,
                status=DataStatus(r["status"]),
                source=r["source"],
            )
        return out

    @cached_property
    def densities(self) -> dict[str, float]:
        """t/m³ for materials whose mass and volume may both be typed."""
        return {
            r["code"]: float(r["density_t_per_m3"])
            for r in self.rows("materials.csv")
            if r["density_t_per_m3"]
        }

    @cached_property
    def _material_names(self) -> dict[str, str]:
        """Folded name or alias -> material code."""
        names: dict[str, str] = {}
        for m in self.materials.values():
            for text in (m.code, m.name_vi, m.name_en, *m.aliases):
                names.setdefault(fold(text), m.code)
        return names

    def material_by_name(self, text: str) -> str | None:
        """The material code whose code, name or alias equals ``text`` (accent-insensitive)."""
        return self._material_names.get(fold(text))

    def suggest_materials(self, text: str, limit: int = 3) -> list[str]:
        """Material codes whose names are nearest to ``text``."""
        hits = process.extract(fold(text), list(self._material_names), scorer=fuzz.WRatio, limit=12)
        codes: list[str] = []
        for name, _score, _ in hits:
            code = self._material_names[name]
            if code not in codes:
                codes.append(code)
        return codes[:limit]

    # -- codes ------------------------------------------------------------------------
    @cached_property
    def vn_waste_groups(self) -> dict[str, CodeEntry]:
        return {
            r["code"]: CodeEntry(
                code=r["code"],
                name_vi=r["name_vi"],
                name_en=r["name_en"],
                status=r["status"],
                source=r["source"],
            )
            for r in self.rows("vn_waste_groups.csv")
        }

    @cached_property
    def ewc(self) -> dict[str, CodeEntry]:
        """EWC chapters (2 digits) and sub-chapters ('10 02')."""
        out = {
            r["code"]: CodeEntry(
                code=r["code"],
                name_vi="",
                name_en=r["title"],
                status=r["status"],
                source=r["source"],
            )
            for r in self.rows("ewc_chapters.csv")
        }
        for r in self.rows("ewc_subchapters.csv"):
            out[r["code"]] = CodeEntry(
                code=r["code"],
                name_vi="",
                name_en=r["title"],
                level=2,
                parent=r["chapter"],
                status=r["status"],
                source=r["source"],
            )
        return out

    @cached_property
    def vsic(self) -> dict[str, CodeEntry]:
        return {
            r["code"]: CodeEntry(
                code=r["code"],
                name_vi=r["name_vi"],
                name_en=r["name_en"],
                level=int(r["level"]),
                parent=r["parent"],
                status=r["status"],
                source=r["source"],
            )
            for r in self.rows("vsic2018.csv")
        }

    def vsic_division(self, code: str) -> CodeEntry | None:
        """The 2-digit division of any VSIC code (a 4- or 5-digit code nests under it)."""
        code = code.strip()
        return self.vsic.get(code[:2]) if code[:2].isdigit() else None

    @cached_property
    def vsic_note(self) -> str:
        meta = self.yaml("vsic_structure.yaml")
        return str(meta["vsic_2025"]["legal_basis"])

    # -- factors ----------------------------------------------------------------------
    @cached_property
    def factors(self) -> dict[str, Factor]:
        return {
            r["id"]: Factor(
                id=r["id"],
                category=r["category"],
                item=r["item"],
                value=float(r["value"]),
                unit=r["unit"],
                status=r["status"],
                source=r["source"],
                year=int(r["year"]) if r["year"] else None,
                basis=r["basis"],
            )
            for r in self.rows("emission_factors.csv")
        }

    def grid_factor(self, year: int) -> Factor:
        """Viet Nam's grid emission factor for ``year``; the nearest earlier year if none."""
        grid = {f.year: f for f in self.factors.values() if f.category == "grid_electricity"}
        years = sorted(y for y in grid if y is not None)
        chosen = max((y for y in years if y <= year), default=years[0])
        return grid[chosen]

    @cached_property
    def parameters(self) -> dict[str, Factor]:
        """Defaults of matching and accounting (rates, circuity, attribution), with sources."""
        return {
            r["name"]: Factor(
                id=r["name"],
                category="parameter",
                item=r["note"],
                value=float(r["value"]),
                unit=r["unit"],
                status=r["status"],
                source=r["source"],
            )
            for r in self.rows("parameters.csv")
        }

    def parameter(self, name: str) -> float:
        return self.parameters[name].value

    # -- places -----------------------------------------------------------------------
    @cached_property
    def regions(self) -> dict[str, Region]:
        return {
            r["code"]: Region(
                code=r["code"],
                country=r["country"],
                name_vi=r["name_vi"],
                name_en=r["name_en"],
                status=r["status"],
                source=r["source"],
            )
            for r in self.rows("regions.csv")
        }

    @cached_property
    def provinces(self) -> dict[str, Province]:
        return {
            r["code"]: Province(
                code=r["code"],
                region=r["region"],
                name_vi=r["name_vi"],
                name_en=r["name_en"],
                lat=float(r["lat"]),
                lon=float(r["lon"]),
                park_weight=float(r["park_weight"]),
                status=r["status"],
                source=r["source"],
            )
            for r in self.rows("provinces.csv")
        }


def default_data_dir() -> Traversable:
    return resources.files("parkloop.catalog") / "data"
