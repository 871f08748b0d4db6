"""The row checker every sheet module shares: problems located as the user sees them,
references to parks and organisations (by code, name or unique prefix), row keys,
uniqueness and the readings made from staff's words."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection

from parkloop.catalog.recognise import Recognised
from parkloop.catalog.sectors import trade_of
from parkloop.catalog.sheets import ColumnSpec
from parkloop.catalog.words import abbreviations
from parkloop.domain.codes import Lookup, Named, fold, normalise_code
from parkloop.errors import Message, msg
from parkloop.services.importing.columns import ColumnReader, Converted, shown
from parkloop.services.importing.report import Reading
from parkloop.services.problems import Problem
from parkloop.services.sources import Progress, RawSheet, Source
from parkloop.store import writes

# Stored columns that a sheet column feeds, where they are not the same name.
QUANTITY_COLUMNS = ("quantity", "unit", "entered_quantity", "entered_unit")
TARGETS: dict[str, tuple[str, ...]] = {
    "park": ("park_id",),
    "enterprise": ("org_id",),
    "period": ("year", "period_months", "first_month"),
    "material": (
        "material_code",
        "material_text",
        "material_confidence",
        "material_basis",
        "material_suggestions",
        *QUANTITY_COLUMNS,
    ),
    "quantity": QUANTITY_COLUMNS,
    "unit": QUANTITY_COLUMNS,
    "supplier": ("supplier_id",),
    "receiver": ("receiver_id",),
    "receiver_material": ("receiver_material_code",),
    "vsic": ("vsic", "sector_text", "sector_confidence", "sector_basis"),
    "province": ("province", "province_code", "province_text"),
    "destination": ("destination", "destination_text"),
    "fuel_type": ("fuel_type", "fuel_text"),
    "price_vnd_per_unit": ("price_vnd_per_unit", "price_status", "price_source"),
}
# The figures of an RECP measure: blank means none saved (or none spent).
RECP_SAVINGS = (
    "electricity_saved_mwh",
    "fuel_saved_gj",
    "water_saved_m3",
    "materials_saved_t",
    "chemicals_saved_t",
    "cost_saved_vnd",
    "investment_vnd",
)
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
    ("recp_measures", "fuel_type"): "",
    **{("recp_measures", c): 0.0 for c in RECP_SAVINGS},
}


class Prepared:
    """Rows of one sheet ready to write; codes are resolved to ids at write time.

    A sheet built column by column keeps its ``columns`` (column -> a value per row) until
    something asks for ``rows``: they are then made once, and the columns let go, so that
    there is one copy of the values to change."""

    __slots__ = ("_per_park", "_rows", "columns", "keys", "row_numbers", "sheet", "update")

    def __init__(
        self,
        sheet: str,
        rows: list[dict[str, Any]] | None,
        keys: list[tuple[str, str]],
        update: set[str],
        row_numbers: list[int],
        columns: dict[str, list[Any]] | None = None,
    ) -> None:
        self.sheet = sheet
        self.keys = keys
        self.update = update
        self.row_numbers = row_numbers
        self.columns = columns
        self._rows = rows
        self._per_park: Counter[str] | None = None

    @property
    def rows(self) -> list[dict[str, Any]]:
        if self._rows is None:
            self._rows = rows_of(self.columns or {})
            self.columns = None
        return self._rows

    def __len__(self) -> int:
        return len(self.keys)

    def rows_per_park(self) -> Counter[str]:
        """How many rows each park has (counted once)."""
        if self._per_park is None:
            self._per_park = Counter(map(itemgetter(0), self.keys))
        return self._per_park


class Checker:
    """One import's shared state: what the file and the database already know, and every
    problem found so far."""

    def __init__(self, source: Source, decimal: str | None, progress: Progress | None) -> None:
        self.source = source
        self.progress = progress
        self.problems: list[Problem] = list(source.problems)
        self.warnings: list[str] = list(source.warnings)
        self.reader = ColumnReader(source, self.problems, self.warnings, decimal)
        self.converted: dict[str, Converted] = {}
        self.parks = Lookup.of(())
        self.park_names: dict[str, str] = {}
        self.park_countries: dict[str, str] = {}  # parks already stored, by code
        self.orgs: dict[str, Lookup] = {}
        self.known_orgs: dict[tuple[str, str], str] = {}
        self.db_orgs: dict[tuple[str, str], str] = {}
        self.divisions: dict[tuple[str, str], str] = {}
        self._readings: dict[tuple[str, str, str, str], list[Any]] = {}
        self._org_cache: dict[tuple[str, str], str | None] = {}
        self._column_cache: dict[tuple[int, tuple[str, ...]], list[tuple[str, list[Any], Any]]] = {}
        self._park_cache: dict[str, str | None] = {}
        self.filled: Counter[str] = Counter()

    # -- step 1 ---------------------------------------------------------------------------
    def convert(self) -> None:
        progress = self.progress
        for raw in self.source.sheets:

            def step(done: int, total: int, raw: RawSheet = raw) -> None:
                if progress is not None and len(raw):
                    progress(f"check cells of {raw.name}", done, total)

            self.converted[raw.spec.key] = self.reader.sheet(raw, step)

    def values(self, sheet: str, column: str) -> list[Any]:
        conv = self.converted.get(sheet)
        return conv.values[column] if conv is not None else []

    # -- step 2: what the database already holds --------------------------------------------
    def load_context(self, conn: Connection, file_parks: Iterable[Named]) -> None:
        stored = [Named(code, (vi, en)) for code, vi, en in writes.park_names(conn)]
        listed = list(file_parks)
        self.parks = Lookup.of([*listed, *stored])
        self.park_names = {p.code: (p.names[0] if p.names else p.code) for p in [*stored, *listed]}
        self.park_countries = writes.park_countries(conn)

    def load_organisations(self, conn: Connection, parks: Iterable[str]) -> None:
        entries: dict[str, list[Named]] = defaultdict(list)
        for park, code, kind, vsic, vi, en in writes.organisations_of(conn, parks):
            self.db_orgs[(park, code)] = kind
            self.known_orgs[(park, code)] = kind
            if vsic:
                self.divisions[(park, code)] = vsic[:2]
            entries[park].append(Named(code, (vi, en), trade=trade_of(vsic)))
        for park, named in entries.items():
            self.orgs[park] = Lookup.of(named, _firm_abbreviations())

    def add_organisations(self, park: str, named: list[Named], kinds: dict[str, str]) -> None:
        """Organisations of the file, known before the sheets that refer to them are read."""
        self._org_cache.clear()
        before = self.orgs.get(park)
        self.orgs[park] = Lookup.of(
            [*named, *(before.entries if before else ())], _firm_abbreviations()
        )
        for code, kind in kinds.items():
            self.known_orgs[(park, code)] = kind

    # -- problems ---------------------------------------------------------------------------
    def problem(
        self, raw: RawSheet, i: int, column: str | None, value: Any, message: Message, fix: Message
    ) -> None:
        self.reader.problem(raw, i, column, value, message, fix)

    def raw_value(self, raw: RawSheet, column: str, i: int) -> Any:
        cells = raw.columns.get(column)
        return cells[i] if cells is not None else None

    # -- readings of words ------------------------------------------------------------------
    def reading(self, raw: RawSheet, column: str, i: int, found: Recognised) -> None:
        """Remember how a text was read, to report it once per distinct text."""
        key = (raw.name, raw.label(column), found.text, found.code)
        entry = self._readings.get(key)
        if entry is None:
            self._readings[key] = [found, [raw.row_numbers[i]]]
        else:
            entry[1].append(raw.row_numbers[i])

    def reading_rows(
        self, raw: RawSheet, column: str, found: Recognised, indices: Iterable[int]
    ) -> None:
        """:meth:`reading` for many rows of the same reading."""
        key = (raw.name, raw.label(column), found.text, found.code)
        entry = self._readings.setdefault(key, [found, []])
        rows: list[int] = entry[1]
        numbers = raw.row_numbers
        before = len(rows)
        rows.extend(map(numbers.__getitem__, indices))
        if 0 < before < len(rows) and rows[before] < rows[before - 1]:
            rows.sort()

    def readings(self) -> list[Reading]:
        return [
            Reading(
                sheet,
                column,
                text,
                code,
                found.confidence,
                found.basis,
                tuple(rows),
                found.suggestions,
            )
            for (sheet, column, text, code), (found, rows) in self._readings.items()
        ]

    # -- references ---------------------------------------------------------------------
    def park_of(self, conv: Converted, i: int, column: str = "park") -> str | None:
        """The park code a cell stands for (code, name or unique prefix), or None with a
        problem naming the nearest known parks."""
        typed = conv.values[column][i]
        if typed is None:
            return None
        if typed not in self._park_cache:
            self._park_cache[typed] = self.parks.find(typed)
        code = self._park_cache[typed]
        if code is not None:
            return code
        near = self.parks.nearest(typed)
        self.problem(
            conv.raw,
            i,
            column,
            self.raw_value(conv.raw, column, i),
            msg("there is no park '{park}' in this file or in the database", park=typed),
            msg(
                "add it to the Parks sheet, or use the code or name of a known park; "
                "did you mean {near}?",
                near=", ".join(repr(c) for c in near),
            )
            if near
            else msg("add it to the Parks sheet, or use the code or name of a known park"),
        )
        return None

    def find_org(self, park: str, typed: str) -> str | None:
        """The code of the organisation of ``park`` a cell names (code, name or
        abbreviation), or None."""
        key = (park, typed)
        if key in self._org_cache:
            code = self._org_cache[key]
        else:
            lookup = self.orgs.get(park)
            code = lookup.find(typed, prefix=False) if lookup is not None else None
            self._org_cache[key] = code
        return code if code is not None and (park, code) in self.known_orgs else None

    def org_of(self, conv: Converted, i: int, column: str, park: str, typed: str) -> str | None:
        """:meth:`find_org`, or None with a problem naming the nearest organisations."""
        code = self.find_org(park, typed)
        if code is not None:
            return code
        lookup = self.orgs.get(park)
        near = lookup.nearest(typed) if lookup is not None else []
        self.problem(
            conv.raw,
            i,
            column,
            self.raw_value(conv.raw, column, i),
            msg(
                "park '{park}' has no enterprise or partner '{org}' in this file or in the "
                "database",
                park=park,
                org=typed,
            ),
            msg(
                "add it to the Enterprises or Partners sheet, or use its code or name; "
                "did you mean {near}?",
                near=", ".join(repr(c) for c in near),
            )
            if near
            else msg("add it to the Enterprises or Partners sheet, or use its code or name"),
        )
        return None

    def parks_column(self, conv: Converted) -> list[str | None]:
        """The park code of every row, marking rows whose park is unknown as bad."""
        typed = conv.values["park"]
        cache = self._park_cache
        for text in set(typed):
            if text is not None and text not in cache:
                cache[text] = self.parks.find(text)
        out: list[str | None] = [None if text is None else cache[text] for text in typed]
        if None in cache.values():
            for i, (text, park) in enumerate(zip(typed, out, strict=True)):
                if park is None and text is not None:
                    self.park_of(conv, i)  # says why
                    conv.bad[i] = True
        return out

    # -- rows -----------------------------------------------------------------------------
    def base_row(self, conv: Converted, i: int, skip: Iterable[str]) -> dict[str, Any]:
        """The row's values by column, blanks replaced by the column's default."""
        columns = self._columns_of(conv, tuple(skip))
        return {
            key: default if (value := values[i]) is None else value
            for key, values, default in columns
        }

    def base_columns(
        self, conv: Converted, indices: list[int], skip: Iterable[str]
    ) -> dict[str, list[Any]]:
        """The values of the rows ``indices`` by column, blanks replaced by the column's
        default."""
        out: dict[str, list[Any]] = {}
        for key, values, default in self._columns_of(conv, tuple(skip)):
            picked = take(values, indices)
            if default is not None and None in picked:
                picked = [default if value is None else value for value in picked]
            out[key] = picked
        return out

    def _columns_of(
        self, conv: Converted, skip: tuple[str, ...]
    ) -> list[tuple[str, list[Any], Any]]:
        key = (id(conv), skip)
        found = self._column_cache.get(key)
        if found is None:
            sheet = conv.raw.spec.key
            found = [
                (col.key, conv.values[col.key], DEFAULTS.get((sheet, col.key), blank(col)))
                for col in conv.raw.spec.columns
                if col.key not in skip
            ]
            self._column_cache[key] = found
        return found

    def update_columns(self, conv: Converted, extra: Iterable[str] = ()) -> set[str]:
        columns = set(extra)
        for key in conv.raw.headers:
            columns.update(TARGETS.get(key, (key,)))
        return columns

    def unique(
        self, conv: Converted, keys: list[tuple[str, str] | None], column: str, what: Message
    ) -> None:
        present = [key for key in keys if key is not None]
        if len(set(present)) == len(present):
            return  # no key repeats (most sheets): nothing to look for row by row
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
                    msg("{what} repeats row {row}", what=what, row=str(raw.row_numbers[first])),
                    msg("keep one of the two rows, or give each its own code"),
                )
                conv.bad[i] = True

    def dates_ok(self, conv: Converted, i: int, row: dict[str, Any], first: str, last: str) -> bool:
        if row[first] is not None and row[last] is not None and row[first] > row[last]:
            self.problem(
                conv.raw,
                i,
                last,
                self.raw_value(conv.raw, last, i),
                msg("ends before it starts ({start})", start=f"{row[first]:%d/%m/%Y}"),
                msg("swap the two dates or correct one of them"),
            )
            return False
        return True

    def location_ok(self, conv: Converted, i: int, row: dict[str, Any]) -> bool:
        if (row["lat"] is None) != (row["lon"] is None):
            missing = "lat" if row["lat"] is None else "lon"
            self.problem(
                conv.raw,
                i,
                missing,
                "",
                msg("latitude and longitude go together"),
                msg("fill in both, or neither"),
            )
            return False
        return True

    def prepared(
        self,
        sheet: str,
        conv: Converted,
        rows: list[dict[str, Any]],
        keys: Callable[[dict[str, Any]], tuple[str, str]],
        extra: Iterable[str] = (),
    ) -> Prepared:
        return Prepared(
            sheet,
            rows,
            [keys(r) for r in rows],
            self.update_columns(conv, extra),
            [r.pop("_row") for r in rows],
        )


@cache
def _firm_abbreviations() -> dict[str, str]:
    """Folded abbreviation -> folded words, for firm names typed short ('VLXD Hòa Cầm')."""
    return {short: fold(" ".join(words)) for short, words in abbreviations().items()}


def rows_of(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Columns (column -> a value per row) as one dict per row."""
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def take(values: list[Any], indices: list[int]) -> list[Any]:
    """The values at ``indices``, positions in increasing order (the rows kept of a
    sheet): a plain copy when they are every position."""
    if len(indices) == len(values):
        return values.copy()
    return list(map(values.__getitem__, indices))


def blank(col: ColumnSpec) -> Any:
    if col.key == "data_status":
        return "reported"
    if col.type in ("text", "code", "waste_code", "vsic", "region", "province", "org"):
        return ""
    if col.type == "list":
        return []
    return None


def typed_code(text: str) -> str:
    """A code as the database keeps it: lowercase words joined by '-'."""
    return normalise_code(text)


__all__ = [
    "DEFAULTS",
    "TARGETS",
    "Checker",
    "Prepared",
    "blank",
    "rows_of",
    "shown",
    "take",
    "typed_code",
]
