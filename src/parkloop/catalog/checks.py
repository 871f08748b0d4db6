"""Validation of the catalog: a registry of small checks, each yielding findings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from parkloop.catalog.loader import STATUSES, Catalog
from parkloop.domain.enums import MaterialClass
from parkloop.units import CANONICAL_UNITS


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} [{self.field}] {self.message}"


Check = Callable[[Catalog], Iterator[Finding]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


class CatalogError(Exception):
    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__("catalog is invalid:\n" + "\n".join(f"  {f}" for f in findings))


@check
def every_row_has_status_and_source(cat: Catalog) -> Iterator[Finding]:
    for name in cat.files():
        for row in cat.rows(name):
            if "status" in row.data and row["status"] not in STATUSES:
                yield Finding(
                    name, row.line, "status", f"'{row['status']}' is not one of {sorted(STATUSES)}"
                )
            if "source" in row.data and not row["source"]:
                yield Finding(name, row.line, "source", "every row needs a source")


@check
def codes_are_unique(cat: Catalog) -> Iterator[Finding]:
    key = {"emission_factors.csv": "id", "unit_spellings.csv": "spelling", "parameters.csv": "name"}
    for name in cat.files():
        column = key.get(name, "code")
        rows = cat.rows(name)
        if not rows or column not in rows[0].data:
            continue  # files in long format have no single key column
        seen: dict[str, int] = {}
        for row in rows:
            value = row[column].casefold() if name == "unit_spellings.csv" else row[column]
            if value in seen:
                yield Finding(name, row.line, column, f"'{value}' repeats line {seen[value]}")
            seen[value] = row.line


@check
def materials_are_well_formed(cat: Catalog) -> Iterator[Finding]:
    codes = {r["code"] for r in cat.rows("materials.csv")}
    for row in cat.rows("materials.csv"):
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", row["code"]):
            yield Finding("materials.csv", row.line, "code", "use lower-case words joined by '-'")
        if row["class"] not in MaterialClass.values():
            yield Finding("materials.csv", row.line, "class", f"unknown class '{row['class']}'")
        if row["canonical_unit"] not in CANONICAL_UNITS:
            yield Finding(
                "materials.csv", row.line, "canonical_unit", f"not one of {CANONICAL_UNITS}"
            )
        if row["hazardous"] not in ("true", "false"):
            yield Finding("materials.csv", row.line, "hazardous", "write true or false")
        if row["parent"] and row["parent"] not in codes:
            yield Finding("materials.csv", row.line, "parent", f"no material '{row['parent']}'")
        if row["vn_waste_group"] and row["vn_waste_group"] not in cat.vn_waste_groups:
            yield Finding(
                "materials.csv", row.line, "vn_waste_group", "not a Vietnamese waste-code group"
            )
        ewc = row["ewc_code"].rstrip("*")
        if ewc and (not re.fullmatch(r"\d{2} \d{2} \d{2}", ewc) or ewc[:5] not in cat.ewc):
            yield Finding(
                "materials.csv",
                row.line,
                "ewc_code",
                f"'{row['ewc_code']}' is not under a known EWC sub-chapter",
            )
        if row["density_t_per_m3"]:
            try:
                if float(row["density_t_per_m3"]) <= 0:
                    raise ValueError
            except ValueError:
                yield Finding(
                    "materials.csv", row.line, "density_t_per_m3", "must be a positive number"
                )


@check
def vsic_divisions_nest_in_sections(cat: Catalog) -> Iterator[Finding]:
    for row in cat.rows("vsic2018.csv"):
        if row["level"] == "2" and row["parent"] not in cat.vsic:
            yield Finding("vsic2018.csv", row.line, "parent", f"no section '{row['parent']}'")
        if row["level"] == "2" and not re.fullmatch(r"\d{2}", row["code"]):
            yield Finding("vsic2018.csv", row.line, "code", "divisions have two digits")


@check
def ewc_subchapters_nest_in_chapters(cat: Catalog) -> Iterator[Finding]:
    chapters = {r["code"] for r in cat.rows("ewc_chapters.csv")}
    for row in cat.rows("ewc_subchapters.csv"):
        if row["chapter"] not in chapters or not row["code"].startswith(row["chapter"] + " "):
            yield Finding(
                "ewc_subchapters.csv",
                row.line,
                "chapter",
                f"'{row['code']}' is not in chapter '{row['chapter']}'",
            )


@check
def factors_are_numbers(cat: Catalog) -> Iterator[Finding]:
    for row in cat.rows("emission_factors.csv"):
        try:
            float(row["value"])
        except ValueError:
            yield Finding(
                "emission_factors.csv", row.line, "value", f"'{row['value']}' is not a number"
            )
        if row["category"] == "grid_electricity" and not row["year"].isdigit():
            yield Finding("emission_factors.csv", row.line, "year", "a grid factor needs its year")


@check
def parameters_are_numbers(cat: Catalog) -> Iterator[Finding]:
    for row in cat.rows("parameters.csv"):
        try:
            float(row["value"])
        except ValueError:
            yield Finding("parameters.csv", row.line, "value", f"'{row['value']}' is not a number")


@check
def provinces_are_in_regions_and_in_viet_nam(cat: Catalog) -> Iterator[Finding]:
    for row in cat.rows("provinces.csv"):
        if row["region"] not in cat.regions:
            yield Finding("provinces.csv", row.line, "region", f"no region '{row['region']}'")
        lat, lon = float(row["lat"]), float(row["lon"])
        if not (8.0 <= lat <= 23.5 and 102.0 <= lon <= 110.0):
            yield Finding("provinces.csv", row.line, "lat", "outside Viet Nam")


@check
def unit_spellings_resolve(cat: Catalog) -> Iterator[Finding]:
    from parkloop.units import UnitError, parse_unit, registry

    ureg = registry()
    for row in cat.rows("unit_spellings.csv"):
        try:
            ureg.parse_expression(row["unit"])
        except Exception:
            yield Finding(
                "unit_spellings.csv", row.line, "unit", f"pint cannot read '{row['unit']}'"
            )
            continue
        if ureg.parse_expression(row["unit"]).dimensionality == ureg.day.dimensionality:
            continue
        try:
            parse_unit(row["spelling"])
        except UnitError as exc:
            yield Finding("unit_spellings.csv", row.line, "spelling", str(exc))


@check
def fuels_name_known_factors(cat: Catalog) -> Iterator[Finding]:
    codes = {r["code"] for r in cat.rows("fuels.csv")}
    for row in cat.rows("fuels.csv"):
        for column in ("co2_factor", "ch4_factor", "n2o_factor"):
            if (row[column] or column == "co2_factor") and row[column] not in cat.factors:
                yield Finding("fuels.csv", row.line, column, f"no factor '{row[column]}'")
        if row["biogenic"] not in ("true", "false"):
            yield Finding("fuels.csv", row.line, "biogenic", "write true or false")
    for row in cat.rows("fuel_lexicon.csv"):
        if row["fuel"] not in codes:
            yield Finding("fuel_lexicon.csv", row.line, "fuel", f"no fuel '{row['fuel']}'")
        if not row["priority"].isdigit():
            yield Finding("fuel_lexicon.csv", row.line, "priority", "a whole number from 0")


def run_checks(cat: Catalog) -> list[Finding]:
    return [finding for fn in CHECKS for finding in fn(cat)]
