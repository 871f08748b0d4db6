"""Import a filled-in workbook, CSV files or a JSON export.

Everything is read and checked first; only when no problem is left is anything written,
all of it in one transaction. Each problem names the sheet, row, column and value as the
user sees them, and says how to fix it. Rows are upserted by each sheet's natural key, so
importing the same file twice updates rather than duplicates.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rapidfuzz import process
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from parkloop.catalog import catalog, fold
from parkloop.catalog.sheets import ColumnSpec, SheetSpec, sheet_specs
from parkloop.domain.models import Period
from parkloop.errors import UserError
from parkloop.services.cells import (
    CellError,
    as_text,
    parse_bool,
    parse_code,
    parse_date,
    parse_enum,
    parse_integer,
    parse_list,
    parse_number,
    parse_period,
    parse_vsic,
    parse_waste_code,
)
from parkloop.services.quantities import amount_factor, parse_entered_unit
from parkloop.services.sources import (
    ImportProblems,
    Problem,
    Progress,
    RawSheet,
    Source,
    UnreadableFile,
    read_source,
)
from parkloop.store import changes, writes

__all__ = [
    "ImportProblems",
    "ImportReport",
    "Problem",
    "SheetCount",
    "UnreadableFile",
    "import_path",
]

# Which table each sheet is written to.
TABLE = {
    "parks": "parks",
    "land_use": "land_use",
    "enterprises": "organisations",
    "partners": "organisations",
    "flows": "flows",
    "listings": "listings",
    "exchanges": "exchanges",
    "recp_measures": "recp_measures",
}

QUANTITY_COLUMNS = ("quantity", "unit", "entered_quantity", "entered_unit")
# Stored columns that a sheet column feeds, where they are not the same name.
TARGETS: dict[str, tuple[str, ...]] = {
    "park": ("park_id",),
    "enterprise": ("org_id",),
    "period": ("year", "period_months", "first_month"),
    "material": ("material_code", *QUANTITY_COLUMNS),
    "quantity": QUANTITY_COLUMNS,
    "unit": QUANTITY_COLUMNS,
    "supplier": ("supplier_id",),
    "receiver": ("receiver_id",),
    "receiver_material": ("receiver_material_code",),
}
# What a blank cell means, where it is not "nothing".
DEFAULTS: dict[tuple[str, str], Any] = {
    ("parks", "country"): "VN",
    ("parks", "boundary_geojson"): None,
    ("enterprises", "inside_park"): True,
    ("partners", "inside_park"): True,
    ("enterprises", "plans_symbiosis"): False,
    ("enterprises", "recp_status"): "unaware",
    ("flows", "frequency"): "continuous",
    ("flows", "confidentiality"): "park",
    ("listings", "confidentiality"): "park",
    ("listings", "status"): "open",
    ("exchanges", "transport_mode"): "truck",
    ("exchanges", "operating_days_per_year"): 365.0,
    ("exchanges", "status"): "proposed",
    ("recp_measures", "category"): "energy_efficiency",
    ("recp_measures", "implemented"): True,
    **{
        ("recp_measures", c): 0.0
        for c in (
            "electricity_saved_mwh",
            "fuel_saved_gj",
            "water_saved_m3",
            "materials_saved_t",
            "cost_saved_vnd",
            "investment_vnd",
        )
    },
}
# Columns a partner row does not have; inserted with the enterprise defaults.
ENTERPRISE_ONLY: dict[str, Any] = {
    "tax_code": "",
    "vsic": "",
    "employees": None,
    "certifications": [],
    "recp_status": "unaware",
    "clubs": [],
    "plans_symbiosis": False,
}
WRITE_BATCH = 5000


@dataclass(slots=True)
class SheetCount:
    created: int = 0
    updated: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, for a dry run, would do), sheet by sheet."""

    source: str
    dry_run: bool
    sheets: dict[str, SheetCount] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(c.rows for c in self.sheets.values())


def import_path(
    engine: Engine,
    path: Path,
    *,
    dry_run: bool = False,
    decimal: str = ".",
    progress: Callable[[str, int, int], None] | None = None,
    actor: str | None = None,
) -> ImportReport:
    """Read, check and (unless ``dry_run``) write everything in ``path``.

    Raises :class:`ImportProblems` listing every problem, or :class:`UnreadableFile`;
    in both cases nothing is written.
    """
    if decimal not in (".", ","):
        raise UserError(f"decimal mark '{decimal}': use '.' or ','")
    started = time.perf_counter()
    source = read_source(Path(path), progress=progress)
    job = _Import(source, decimal, progress)
    job.convert()
    report = ImportReport(
        source=source.path.name,
        dry_run=dry_run,
        warnings=list(source.warnings),
        ignored=list(source.ignored),
    )
    try:
        with engine.connect() if dry_run else engine.begin() as conn:
            job.load_context(conn)
            prepared = job.prepare()
            report.sheets = job.count(conn, prepared)
            if not dry_run:
                job.write(conn, prepared, actor)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise UserError(
            f"{source.path.name}: the database refused the import ({reason}); nothing was written"
        ) from exc
    report.seconds = time.perf_counter() - started
    return report


@dataclass(slots=True)
class _Prepared:
    """Rows of one sheet ready to write; codes are resolved to ids at write time."""

    sheet: str
    rows: list[dict[str, Any]]
    keys: list[tuple[str, str]]
    update: set[str]


@dataclass(slots=True)
class _Converted:
    raw: RawSheet
    values: dict[str, list[Any]]
    bad: list[bool]


class _Import:
    """One import: convert every column, check across rows and sheets, then write."""

    def __init__(self, source: Source, decimal: str, progress: Progress | None) -> None:
        self.source = source
        self.decimal = decimal
        self.progress = progress
        self.problems: list[Problem] = list(source.problems)
        self.converted: dict[str, _Converted] = {}
        self.known_parks: set[str] = set()
        self.known_orgs: dict[tuple[str, str], str] = {}
        self.db_orgs: dict[tuple[str, str], str] = {}
        cat = catalog()
        self._divisions = [c for c, e in cat.vsic.items() if e.level == 2]
        self._vn_groups = list(cat.vn_waste_groups)
        self._ewc = list(cat.ewc)
        self._regions = {
            fold(text): code
            for code, r in cat.regions.items()
            for text in (code, r.name_vi, r.name_en)
        }

    # -- problems ---------------------------------------------------------------------
    def problem(
        self, raw: RawSheet, i: int, column: str | None, value: Any, message: str, fix: str
    ) -> None:
        self.problems.append(
            Problem(
                raw.name,
                raw.row_numbers[i] if i >= 0 else raw.header_row,
                raw.label(column) if column else None,
                _shown(value),
                message,
                fix,
            )
        )

    def raw_value(self, raw: RawSheet, column: str, i: int) -> Any:
        cells = raw.columns.get(column)
        return cells[i] if cells is not None else None

    # -- step 1: every cell -----------------------------------------------------------
    def convert(self) -> None:
        for raw in self.source.sheets:
            # Without a required column no row can be complete; that is one problem, already
            # reported for the header, not one per row.
            incomplete = any(c.required and c.key not in raw.headers for c in raw.spec.columns)
            bad = [incomplete] * len(raw)
            values = {}
            columns = raw.spec.columns
            for done, col in enumerate(columns, start=1):
                values[col.key] = self._column(raw, col, bad)
                if self.progress is not None and len(raw):
                    self.progress(f"check cells of {raw.name}", done, len(columns))
            self.converted[raw.spec.key] = _Converted(raw, values, bad)

    def _column(self, raw: RawSheet, col: ColumnSpec, bad: list[bool]) -> list[Any]:
        cells = raw.columns.get(col.key)
        n = len(raw)
        if cells is None:
            return [None] * n
        out: list[Any] = [None] * n
        parse = self._parser(raw.spec, col)
        numeric = col.type in ("number", "integer")
        memo: dict[Any, tuple[bool, Any]] | None = None if numeric or col.type == "text" else {}
        low, high = col.min, col.max
        for i, cell in enumerate(cells):
            if cell is None or (cell.__class__ is str and (not cell or cell.isspace())):
                continue
            try:
                if numeric and cell.__class__ is float and col.type == "number":
                    value: Any = cell
                    if value != value or value in (float("inf"), float("-inf")):
                        raise CellError("not a finite number", "type a number")
                elif memo is not None:
                    try:
                        ok, value = memo[cell]
                    except KeyError:
                        try:
                            ok, value = True, parse(cell)
                        except CellError as exc:
                            ok, value = False, exc
                        memo[cell] = ok, value
                    except TypeError:  # an unhashable JSON value
                        ok, value = True, parse(cell)
                    if not ok:
                        raise value
                else:
                    value = parse(cell)
                if numeric:
                    if low is not None and value < low:
                        raise CellError(
                            f"must be at least {low:g}", f"type a number of {low:g} or more"
                        )
                    if high is not None and value > high:
                        raise CellError(
                            f"must be at most {high:g}", f"type a number of {high:g} or less"
                        )
            except CellError as exc:
                self.problem(raw, i, col.key, cell, exc.message, exc.fix)
                bad[i] = True
                continue
            if value == "" or value == []:
                continue
            out[i] = value
        if col.required:
            for i, value in enumerate(out):
                if value is None and not bad[i]:
                    self.problem(
                        raw, i, col.key, cells[i], "this column must be filled in", _fill_hint(col)
                    )
                    bad[i] = True
        return out

    def _parser(self, spec: SheetSpec, col: ColumnSpec) -> Callable[[Any], Any]:
        decimal = self.decimal
        enum = col.enum
        if enum is not None:
            return lambda v: parse_enum(enum, v).value
        kind = col.type
        if kind == "text":
            return _checked_text(col)
        if kind == "code":
            table = TABLE[spec.key] if col.key != "park" else "parks"
            limit = writes.text_limit(table, "code" if col.key in ("park", "code") else col.key)
            return _code_parser(allow_colon=col.key == "key", limit=limit)
        if kind == "number":
            return lambda v: parse_number(v, decimal)
        if kind == "integer":
            return lambda v: parse_integer(v, decimal)
        if kind == "bool":
            return parse_bool
        if kind == "date":
            return parse_date
        if kind == "period":
            return parse_period
        if kind == "list":
            return parse_list
        if kind == "region":
            return self._region
        if kind == "material":
            return _material
        if kind == "unit":
            return parse_entered_unit
        if kind == "vsic":
            divisions = self._divisions
            return lambda v: parse_vsic(v, divisions)
        if kind == "waste_code":
            groups, ewc = self._vn_groups, self._ewc
            return lambda v: parse_waste_code(v, groups, ewc)
        if kind == "org":
            return _code_parser(allow_colon=False, limit=writes.text_limit("organisations", "code"))
        if kind == "org_ref":
            return _org_ref
        raise AssertionError(f"no parser for column type {kind}")

    def _region(self, value: Any) -> str:
        code = self._regions.get(fold(as_text(value)))
        if code is None:
            raise CellError(
                "not a known region",
                "choose one of: " + ", ".join(sorted(set(self._regions.values()))),
            )
        return code

    # -- step 2: what the file refers to ----------------------------------------------
    def load_context(self, conn: Connection) -> None:
        mentioned: set[str] = set()
        for conv in self.converted.values():
            mentioned.update(p for p in conv.values.get("park", []) if p)
            if conv.raw.spec.key == "parks":
                mentioned.update(p for p in conv.values["code"] if p)
            for ref in ("supplier", "receiver"):
                mentioned.update(r[0] for r in conv.values.get(ref, []) if r and r[0])
        db_parks = set(writes.park_ids(conn, mentioned))
        file_parks = {c for c in self._values("parks", "code") if c}
        self.known_parks = db_parks | file_parks
        self.db_orgs = writes.organisation_kinds(conn, mentioned)
        self.known_orgs = dict(self.db_orgs)
        for sheet in ("enterprises", "partners"):
            orgs = self.converted.get(sheet)
            if orgs is None:
                continue
            kinds = orgs.values.get("kind") or ["enterprise"] * len(orgs.raw)
            for park, code, kind in zip(
                orgs.values["park"], orgs.values["code"], kinds, strict=True
            ):
                if park and code:
                    self.known_orgs[(park, code)] = kind or "other"

    def _values(self, sheet: str, column: str) -> list[Any]:
        conv = self.converted.get(sheet)
        return conv.values[column] if conv is not None else []

    # -- step 3: rows, references and keys --------------------------------------------
    def prepare(self) -> list[_Prepared]:
        builders: dict[str, Callable[[_Converted], _Prepared]] = {
            "parks": self._parks,
            "land_use": self._land_use,
            "enterprises": self._organisations,
            "partners": self._organisations,
            "flows": self._flows,
            "listings": self._listings,
            "exchanges": self._exchanges,
            "recp_measures": self._recp_measures,
        }
        prepared = []
        for spec in sheet_specs():
            conv = self.converted.get(spec.key)
            if conv is None:
                continue
            rows = len(conv.raw)
            if self.progress is not None and rows:
                self.progress(f"check rows of {conv.raw.name}", 0, rows)
            prepared.append(builders[spec.key](conv))
            if self.progress is not None and rows:
                self.progress(f"check rows of {conv.raw.name}", rows, rows)
        self._check_shared_org_codes()
        if self.problems:
            order = {s.key: i for i, s in enumerate(sheet_specs())}
            names = {raw.name: order[raw.spec.key] for raw in self.source.sheets}
            self.problems.sort(key=lambda p: (names.get(p.sheet, -1), p.row or 0))
            raise ImportProblems(self.source.path.name, self.problems)
        return prepared

    def _base_row(self, conv: _Converted, i: int, skip: Iterable[str]) -> dict[str, Any]:
        sheet = conv.raw.spec.key
        row: dict[str, Any] = {}
        skipped = set(skip)
        for col in conv.raw.spec.columns:
            if col.key in skipped:
                continue
            value = conv.values[col.key][i]
            row[col.key] = DEFAULTS.get((sheet, col.key), _blank(col)) if value is None else value
        return row

    def _update(self, conv: _Converted, extra: Iterable[str] = ()) -> set[str]:
        columns = set(extra)
        for key in conv.raw.headers:
            columns.update(TARGETS.get(key, (key,)))
        return columns

    def _park_ok(self, conv: _Converted, i: int, park: str, column: str = "park") -> bool:
        if park in self.known_parks:
            return True
        self.problem(
            conv.raw,
            i,
            column,
            self.raw_value(conv.raw, column, i),
            f"there is no park '{park}' in this file or in the database",
            "add it to the Parks sheet, or correct the code"
            + _did_you_mean(park, self.known_parks),
        )
        return False

    def _org_ok(self, conv: _Converted, i: int, column: str, park: str, org: str) -> bool:
        if (park, org) in self.known_orgs:
            return True
        codes = {o for p, o in self.known_orgs if p == park}
        self.problem(
            conv.raw,
            i,
            column,
            self.raw_value(conv.raw, column, i),
            f"park '{park}' has no enterprise or partner '{org}' in this file or in the database",
            "add it to the Enterprises or Partners sheet, or correct the code"
            + _did_you_mean(org, codes),
        )
        return False

    def _check_parks(self, conv: _Converted) -> None:
        for i, park in enumerate(conv.values["park"]):
            if park is not None and not self._park_ok(conv, i, park):
                conv.bad[i] = True

    def _unique(
        self, conv: _Converted, keys: list[tuple[str, str] | None], column: str, what: str
    ) -> None:
        seen: dict[tuple[str, str], int] = {}
        raw = conv.raw
        for i, key in enumerate(keys):
            if key is None:
                continue
            first = seen.setdefault(key, i)
            if first != i:
                self.problem(
                    raw,
                    i,
                    column,
                    key[1] or key[0],
                    f"{what} repeats row {raw.row_numbers[first]}",
                    "keep one of the two rows, or give each its own code",
                )
                conv.bad[i] = True

    def _parks(self, conv: _Converted) -> _Prepared:
        raw, v = conv.raw, conv.values
        keys: list[tuple[str, str] | None] = [
            None if conv.bad[i] else (code, "") for i, code in enumerate(v["code"])
        ]
        self._unique(conv, keys, "code", "this park code")
        rows = []
        for i in range(len(raw)):
            if conv.bad[i]:
                continue
            row = self._base_row(conv, i, ())
            country = str(row["country"]).upper()
            if not re.fullmatch(r"[A-Z]{2}", country):
                self.problem(
                    raw,
                    i,
                    "country",
                    row["country"],
                    "not a two-letter country code",
                    "type an ISO 3166 code such as VN",
                )
                continue
            row["country"] = country
            if not self._location_ok(conv, i, row):
                continue
            geo = row["boundary_geojson"]
            if geo is not None and not _is_geojson(geo):
                self.problem(
                    raw,
                    i,
                    "boundary_geojson",
                    geo,
                    "not a GeoJSON geometry or feature",
                    "paste the GeoJSON text of the boundary, or leave it blank",
                )
                continue
            rows.append(row)
        return _Prepared("parks", rows, [(r["code"], "") for r in rows], self._update(conv))

    def _location_ok(self, conv: _Converted, i: int, row: dict[str, Any]) -> bool:
        if (row["lat"] is None) != (row["lon"] is None):
            missing = "lat" if row["lat"] is None else "lon"
            self.problem(
                conv.raw,
                i,
                missing,
                "",
                "latitude and longitude go together",
                "fill in both, or neither",
            )
            return False
        return True

    def _land_use(self, conv: _Converted) -> _Prepared:
        v = conv.values
        self._check_parks(conv)
        keys: list[tuple[str, str] | None] = [
            None if conv.bad[i] else (park, v["land_class"][i]) for i, park in enumerate(v["park"])
        ]
        self._unique(conv, keys, "land_class", "this land-use class of the park")
        rows = []
        for i in range(len(conv.raw)):
            if conv.bad[i]:
                continue
            row = self._base_row(conv, i, ("park",))
            row["_park"] = v["park"][i]
            rows.append(row)
        return _Prepared(
            "land_use", rows, [(r["_park"], r["land_class"]) for r in rows], self._update(conv)
        )

    def _organisations(self, conv: _Converted) -> _Prepared:
        raw, v = conv.raw, conv.values
        sheet = raw.spec.key
        enterprise = sheet == "enterprises"
        self._check_parks(conv)
        keys: list[tuple[str, str] | None] = [
            None if conv.bad[i] else (park, v["code"][i]) for i, park in enumerate(v["park"])
        ]
        self._unique(conv, keys, "code", "this code")
        rows = []
        for i in range(len(raw)):
            if conv.bad[i]:
                continue
            row = self._base_row(conv, i, ("park",))
            park, code = v["park"][i], row["code"]
            if enterprise:
                row["kind"] = "enterprise"
            elif row["kind"] == "enterprise":
                self.problem(
                    raw,
                    i,
                    "kind",
                    self.raw_value(raw, "kind", i),
                    "an enterprise is not a partner",
                    "put it on the Enterprises sheet, or choose the partner's kind",
                )
                continue
            else:
                row.update(ENTERPRISE_ONLY)
            stored = self.db_orgs.get((park, code))
            if stored is not None and (stored == "enterprise") != enterprise:
                what = "an enterprise" if stored == "enterprise" else f"a partner ({stored})"
                self.problem(
                    raw,
                    i,
                    "code",
                    code,
                    f"park '{park}' already has {what} with this code; enterprises and "
                    "partners share one list of codes",
                    "give this row another code, or put it on the sheet where the code lives",
                )
                continue
            if not self._location_ok(conv, i, row):
                continue
            row["_park"] = park
            rows.append(row)
        extra = ("kind",) if enterprise else ()
        return _Prepared(
            sheet, rows, [(r["_park"], r["code"]) for r in rows], self._update(conv, extra)
        )

    def _check_shared_org_codes(self) -> None:
        ent, par = self.converted.get("enterprises"), self.converted.get("partners")
        if ent is None or par is None:
            return
        firms = {
            (p, c): i
            for i, (p, c) in enumerate(zip(ent.values["park"], ent.values["code"], strict=True))
            if p and c
        }
        for i, (p, c) in enumerate(zip(par.values["park"], par.values["code"], strict=True)):
            if (p, c) in firms:
                self.problem(
                    par.raw,
                    i,
                    "code",
                    c,
                    f"sheet '{ent.raw.name}' row {ent.raw.row_numbers[firms[(p, c)]]} already "
                    "uses this code; enterprises and partners share one list of codes",
                    "give the partner another code",
                )

    def _owned_rows(
        self,
        conv: _Converted,
        period_days: Callable[[int], float],
        base_key: Callable[[int], str] | None,
        skip: tuple[str, ...] = (),
    ) -> tuple[list[dict[str, Any]], list[int]]:
        """Rows owned by an organisation, with quantities in the material's canonical unit."""
        raw, v = conv.raw, conv.values
        has_quantity = "quantity" in v
        rows: list[dict[str, Any]] = []
        kept: list[int] = []
        skipped = (
            "park",
            "enterprise",
            "material",
            "quantity",
            "unit",
            "price_vnd_per_unit",
            *skip,
        )
        for i in range(len(raw)):
            # References are checked even in rows with other problems, so that one run
            # reports all of them.
            park, org = v["park"][i], v["enterprise"][i]
            if park is not None and not (
                self._park_ok(conv, i, park)
                and (org is None or self._org_ok(conv, i, "enterprise", park, org))
            ):
                conv.bad[i] = True
            if conv.bad[i]:
                continue
            row = self._base_row(conv, i, skipped)
            row["_park"], row["_org"] = park, (park, org)
            if has_quantity and not self._quantity(conv, i, row, period_days(i)):
                conv.bad[i] = True
                continue
            rows.append(row)
            kept.append(i)
        if base_key is not None:
            self._derive_keys(conv, rows, kept, base_key)
        pairs = [(r, i) for r, i in zip(rows, kept, strict=True) if not conv.bad[i]]
        return [r for r, _ in pairs], [i for _, i in pairs]

    def _quantity(self, conv: _Converted, i: int, row: dict[str, Any], days: float) -> bool:
        """Canonical quantity and price from what was typed; False (with a problem) if not."""
        v = conv.values
        material = v["material"][i]
        unit_text, parsed = v["unit"][i]
        try:
            factor = amount_factor(material, parsed)
        except CellError as exc:
            self.problem(conv.raw, i, "unit", unit_text, exc.message, exc.fix)
            return False
        quantity = v["quantity"][i]
        per_period = days / parsed.per_days if parsed.per_days else 1.0
        row["material_code"] = material
        row["quantity"] = quantity * factor * per_period
        row["unit"] = catalog().materials[material].canonical_unit
        row["entered_quantity"] = quantity
        row["entered_unit"] = unit_text
        for column in ("price_vnd_per_unit", "treatment_cost_vnd_per_unit"):
            if column in v:
                price = v[column][i]
                row[column] = None if price is None else price / factor
        return True

    def _derive_keys(
        self,
        conv: _Converted,
        rows: list[dict[str, Any]],
        kept: list[int],
        base_key: Callable[[int], str],
    ) -> None:
        seen: Counter[tuple[str, str]] = Counter()
        for row, i in zip(rows, kept, strict=True):
            if row["key"]:
                continue
            base = base_key(i)
            seen[(row["_park"], base)] += 1
            n = seen[(row["_park"], base)]
            row["key"] = base if n == 1 else f"{base}:{n}"
        keys: list[tuple[str, str] | None] = [None] * len(conv.raw)
        for row, i in zip(rows, kept, strict=True):
            keys[i] = (row["_park"], row["key"])
        self._unique(conv, keys, "key", "this row key")

    def _flows(self, conv: _Converted) -> _Prepared:
        v = conv.values
        periods: list[Period] = v["period"]

        def base_key(i: int) -> str:
            return f"{v['enterprise'][i]}:{periods[i].label}:{v['direction'][i]}:{v['material'][i]}"

        rows, kept = self._owned_rows(conv, lambda i: periods[i].days, base_key, ("period",))
        out = []
        for row, i in zip(rows, kept, strict=True):
            if row["destination"] is not None and row["direction"] == "in":
                self.problem(
                    conv.raw,
                    i,
                    "destination",
                    self.raw_value(conv.raw, "destination", i),
                    "only outputs have a destination",
                    "leave it blank for inputs",
                )
                continue
            period = periods[i]
            row["year"], row["period_months"], row["first_month"] = (
                period.year,
                period.months,
                period.first_month,
            )
            out.append(row)
        return self._owned("flows", conv, out)

    def _owned(
        self, sheet: str, conv: _Converted, rows: list[dict[str, Any]], extra: Iterable[str] = ()
    ) -> _Prepared:
        return _Prepared(
            sheet, rows, [(r["_park"], r["key"]) for r in rows], self._update(conv, extra)
        )

    def _listings(self, conv: _Converted) -> _Prepared:
        v = conv.values

        def base_key(i: int) -> str:
            return f"{v['enterprise'][i]}:{v['kind'][i]}:{v['material'][i]}"

        rows, kept = self._owned_rows(conv, lambda i: 365.0, base_key)
        out = [
            r
            for r, i in zip(rows, kept, strict=True)
            if self._dates_ok(conv, i, r, "available_from", "available_until")
        ]
        return self._owned("listings", conv, out)

    def _dates_ok(
        self, conv: _Converted, i: int, row: dict[str, Any], first: str, last: str
    ) -> bool:
        if row[first] is not None and row[last] is not None and row[first] > row[last]:
            self.problem(
                conv.raw,
                i,
                last,
                self.raw_value(conv.raw, last, i),
                f"ends before it starts ({row[first]:%d/%m/%Y})",
                "swap the two dates or correct one of them",
            )
            return False
        return True

    def _recp_measures(self, conv: _Converted) -> _Prepared:
        v = conv.values

        def base_key(i: int) -> str:
            slug = re.sub(r"[^a-z0-9]+", "-", fold(v["title"][i])).strip("-")[:60]
            return f"{v['enterprise'][i]}:{v['year'][i]}:{slug}"

        rows, _ = self._owned_rows(conv, lambda i: 365.0, base_key)
        return self._owned("recp_measures", conv, rows)

    def _exchanges(self, conv: _Converted) -> _Prepared:
        raw, v = conv.raw, conv.values
        keys: list[tuple[str, str] | None] = [
            None if conv.bad[i] else (v["park"][i], v["key"][i]) for i in range(len(raw))
        ]
        self._unique(conv, keys, "key", "this exchange code")
        skipped = (
            "park",
            "supplier",
            "receiver",
            "material",
            "receiver_material",
            "quantity",
            "unit",
            "price_vnd_per_unit",
            "treatment_cost_vnd_per_unit",
        )
        rows = []
        for i in range(len(raw)):
            park = v["park"][i]
            parties = self._parties(conv, i, park) if park is not None else None
            if parties is None or conv.bad[i]:
                conv.bad[i] = True
                continue
            row = self._base_row(conv, i, skipped)
            row["_park"], row["_supplier"], row["_receiver"] = park, *parties
            row["receiver_material_code"] = v["receiver_material"][i]
            if self._quantity(conv, i, row, 365.0) and self._dates_ok(
                conv, i, row, "start_date", "end_date"
            ):
                rows.append(row)
        return self._owned("exchanges", conv, rows)

    def _parties(
        self, conv: _Converted, i: int, park: str
    ) -> tuple[tuple[str, str], tuple[str, str]] | None:
        """(park, code) of the supplier and the receiver, if both are known and differ."""
        if not self._park_ok(conv, i, park):
            return None
        found = []
        for column in ("supplier", "receiver"):
            ref = conv.values[column][i]
            if ref is None:
                continue
            other_park, org = ref
            owner = other_park or park
            if other_park and not self._park_ok(conv, i, other_park, column):
                continue
            if self._org_ok(conv, i, column, owner, org):
                found.append((owner, org))
        if len(found) < 2:
            return None
        if found[0] == found[1]:
            self.problem(
                conv.raw,
                i,
                "receiver",
                self.raw_value(conv.raw, "receiver", i),
                "the receiver is the supplier",
                "an exchange links two different organisations",
            )
            return None
        return found[0], found[1]

    # -- step 4: counts and writing ---------------------------------------------------
    def count(self, conn: Connection, prepared: list[_Prepared]) -> dict[str, SheetCount]:
        counts: dict[str, SheetCount] = {}
        for prep in prepared:
            table = TABLE[prep.sheet]
            existing = writes.existing_keys(conn, table, {k[0] for k in prep.keys})
            created = sum(1 for k in prep.keys if k not in existing)
            counts[prep.sheet] = SheetCount(created=created, updated=len(prep.keys) - created)
        return counts

    def write(self, conn: Connection, prepared: list[_Prepared], actor: str | None) -> None:
        by_sheet = {p.sheet: p for p in prepared}
        parks_in_file: set[str] = set()
        for prep in prepared:
            parks_in_file.update(k[0] for k in prep.keys)
            if prep.sheet == "exchanges":
                for row in prep.rows:
                    parks_in_file.update((row["_supplier"][0], row["_receiver"][0]))
        per_park: dict[str, Counter[str]] = {}
        for prep in prepared:
            for park, _ in prep.keys:
                per_park.setdefault(park, Counter())[prep.sheet] += 1
        if "parks" in by_sheet:
            self._upsert(conn, by_sheet["parks"])
        park_ids = writes.park_ids(conn, parks_in_file)
        for sheet in ("land_use", "enterprises", "partners"):
            if sheet in by_sheet:
                for row in by_sheet[sheet].rows:
                    row["park_id"] = park_ids[row.pop("_park")]
                self._upsert(conn, by_sheet[sheet])
        org_ids = writes.organisation_ids(conn, parks_in_file)
        for sheet in ("flows", "listings", "exchanges", "recp_measures"):
            if sheet not in by_sheet:
                continue
            for row in by_sheet[sheet].rows:
                row["park_id"] = park_ids[row.pop("_park")]
                if sheet == "exchanges":
                    row["supplier_id"] = org_ids[row.pop("_supplier")]
                    row["receiver_id"] = org_ids[row.pop("_receiver")]
                else:
                    row["org_id"] = org_ids[row.pop("_org")]
            self._upsert(conn, by_sheet[sheet])
        for park in sorted(per_park):
            changes.record(
                conn,
                "import",
                "sheets",
                object_key=self.source.path.name,
                park_code=park,
                detail={"rows": dict(per_park[park])},
                who=actor,
            )

    def _upsert(self, conn: Connection, prep: _Prepared) -> None:
        table = TABLE[prep.sheet]
        rows = prep.rows
        update = {c for c in prep.update if c in writes.TABLES[table].c}
        total = len(rows)
        if not total:
            return
        for start in range(0, total, WRITE_BATCH):
            writes.upsert_rows(conn, table, rows[start : start + WRITE_BATCH], update)
            if self.progress is not None:
                self.progress(f"write {prep.sheet}", min(start + WRITE_BATCH, total), total)


# -- helpers ------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    try:
        return as_text(value)
    except CellError:
        return str(value)


def _blank(col: ColumnSpec) -> Any:
    if col.key == "data_status":
        return "reported"
    if col.type in ("text", "code", "waste_code", "vsic", "region"):
        return ""
    if col.type == "list":
        return []
    return None


def _fill_hint(col: ColumnSpec) -> str:
    return f"fill in {col.label_en}" + (f" ({col.help_en})" if col.help_en else "")


def _did_you_mean(text: str, choices: Iterable[str]) -> str:
    options = sorted(choices)
    if not options:
        return ""
    near = [c for c, score, _ in process.extract(text, options, limit=3) if score >= 80]
    return f"; did you mean {', '.join(repr(c) for c in near)}?" if near else ""


def _checked_text(col: ColumnSpec) -> Callable[[Any], str]:
    pattern = re.compile(col.pattern) if col.pattern else None
    if pattern is None:
        return as_text

    def parse(value: Any) -> str:
        text = as_text(value)
        if text and not pattern.fullmatch(text):
            hint = col.help_en or "see the Instructions sheet"
            if not isinstance(value, str):
                hint += "; format the column as Text so that leading zeros stay"
            raise CellError("does not have the expected form", hint)
        return text

    return parse


def _code_parser(*, allow_colon: bool, limit: int | None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        code = parse_code(value, allow_colon=allow_colon)
        if limit is not None and len(code) > limit:
            raise CellError(f"longer than {limit} characters", "use a shorter code")
        return code

    return parse


@cache
def _material_hint(text: str) -> str:
    codes = catalog().suggest_materials(text)
    return "type a material code or name from the Lists sheet" + (
        f"; did you mean {', '.join(codes)}?" if codes else ""
    )


def _material(value: Any) -> str:
    text = as_text(value)
    code = catalog().material_by_name(text)
    if code is None:
        raise CellError("not a known material", _material_hint(text))
    return code


def _org_ref(value: Any) -> tuple[str | None, str]:
    text = parse_code(value)
    park, sep, org = text.rpartition(":")
    if sep and (not park or not org):
        raise CellError("a reference to another park is park-code:org-code", "e.g. dinh-vu:hps")
    return (park or None), org


def _is_geojson(text: str) -> bool:
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and isinstance(data.get("type"), str)
