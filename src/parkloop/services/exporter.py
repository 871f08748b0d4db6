"""Export everything a viewer may see, in a form that imports back unchanged.

Quantities and prices are written as they were typed (entered quantity, entered unit,
price per unit entered), so that importing an export reproduces the stored canonical
values. Formats: ``xlsx`` (the template's layout), ``csv`` (a directory, one file per
sheet, formula-like text escaped) and ``json`` (one document).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from parkloop.catalog.sheets import ColumnSpec, SheetSpec, sheet_specs
from parkloop.domain.enums import Destination
from parkloop.domain.models import Period
from parkloop.domain.permissions import Viewer
from parkloop.errors import UserError, msg
from parkloop.services.cells import CellError, csv_escape
from parkloop.services.importing.owned import read_per_kilogram
from parkloop.services.quantities import entered_price
from parkloop.services.sources import JSON_FORMAT, JSON_VERSION
from parkloop.services.template import check_output_file, check_output_folder, write_workbook
from parkloop.store import dump, writes
from parkloop.units import UnitError

FORMATS = ("xlsx", "csv", "json")

# A sheet row: column key -> value (str, float, int, bool, date, list or None).
SheetRow = dict[str, Any]


def export_data(
    engine: Engine,
    out: Path,
    fmt: str,
    *,
    park_codes: list[str] | None = None,
    lang: str = "en",
    viewer: Viewer | None = None,
) -> Path:
    """Write every sheet (only the given parks, only what ``viewer`` may see) to ``out``."""
    if fmt not in FORMATS:
        raise UserError(msg("format '{fmt}': use one of {formats}", fmt=fmt, formats=FORMATS))
    if lang not in ("vi", "en"):
        raise UserError(msg("language '{lang}': use vi or en", lang=lang))
    out = Path(out)
    _check_output(out, fmt)
    with engine.connect() as conn:
        if park_codes:
            known = writes.park_ids(conn, park_codes)
            missing = sorted(set(park_codes) - set(known))
            if missing:
                raise UserError(
                    msg(
                        "no park {items} in the database", items=", ".join(repr(m) for m in missing)
                    )
                )
        data = collect(conn, park_codes or None, viewer)
    if fmt == "json":
        return _write_json(out, data)
    if fmt == "csv":
        return _write_csv(out, data)
    return write_workbook(
        out,
        lang,
        {
            spec.key: [
                [_xlsx(col, row.get(col.key), lang) for col in spec.columns]
                for row in data[spec.key]
            ]
            for spec in sheet_specs()
        },
    )


def _check_output(out: Path, fmt: str) -> None:
    """Before any work: csv writes a folder (made here if only it is missing), the other
    formats a file; a missing parent folder is refused, not created."""
    if fmt != "csv":
        check_output_file(out)
    elif out.exists() and not out.is_dir():
        raise UserError(msg("{out}: a CSV export is a directory, and this is a file", out=out))
    else:
        check_output_folder(out)


def collect(
    conn: Connection, park_codes: list[str] | None, viewer: Viewer | None
) -> dict[str, list[SheetRow]]:
    """Every sheet's rows, keyed by column key, with quantities as they were entered."""
    readers: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "parks": lambda: dump.park_rows(conn, park_codes),
        "land_use": lambda: dump.land_use_rows(conn, park_codes),
        "enterprises": lambda: dump.organisation_rows(conn, park_codes, enterprises=True),
        "partners": lambda: dump.organisation_rows(conn, park_codes, enterprises=False),
        "flows": lambda: dump.flow_rows(conn, park_codes, viewer),
        "listings": lambda: dump.listing_rows(conn, park_codes, viewer),
        "exchanges": lambda: dump.exchange_rows(conn, park_codes, viewer),
        "recp_measures": lambda: dump.recp_rows(conn, park_codes, viewer),
    }
    return {spec.key: [_sheet_row(spec, r) for r in readers[spec.key]()] for spec in sheet_specs()}


def _sheet_row(spec: SheetSpec, stored: dict[str, Any]) -> SheetRow:
    row = {col.key: stored.get(col.key) for col in spec.columns}
    if spec.key == "flows":
        row["period"] = Period(
            year=stored["year"], months=stored["period_months"], first_month=stored["first_month"]
        ).label
    if "material_code" in stored:
        # The staff's words, and the code they were read as (or a person assigned).
        row["material"] = stored.get("material_text") or stored["material_code"]
        row["material_code"] = stored["material_code"]
        _entered(row, stored)
        if stored.get("price_status") == "estimate":
            row["price_vnd_per_unit"] = None  # filled from the catalog again on import
        elif read_per_kilogram(stored.get("price_source")) and row.get("price_vnd_per_unit"):
            row["price_vnd_per_unit"] /= 1000  # as typed: read per kilogram again on import
    if stored.get("destination_text"):
        row["destination"] = stored["destination_text"]
    if stored.get("fuel_text"):
        row["fuel_type"] = stored["fuel_text"]
    if spec.key == "parks" and stored.get("province_text"):
        row["province"] = stored["province_text"]
    if spec.key == "enterprises" and stored.get("sector_text"):
        row["vsic"] = stored["sector_text"]
    if spec.key == "exchanges":
        row["receiver_material"] = stored["receiver_material_code"]
        for party in ("supplier", "receiver"):
            other = stored[f"{party}_park"]
            row[party] = stored[party] if other == stored["park"] else f"{other}:{stored[party]}"
    return row


def _entered(row: SheetRow, stored: dict[str, Any]) -> None:
    """Quantity, unit and prices as typed; the canonical ones where nothing was typed."""
    material = stored["material_code"]
    prices: list[str] = [
        c for c in ("price_vnd_per_unit", "treatment_cost_vnd_per_unit") if c in stored
    ]
    unit = stored["entered_unit"]
    if stored["entered_quantity"] is not None and unit:
        try:
            converted: dict[str, Any] = {
                c: entered_price(stored[c], material, unit) for c in prices
            }
        except (UnitError, CellError):
            pass
        else:
            row.update(converted, quantity=stored["entered_quantity"], unit=unit)
            return
    row.update({c: stored[c] for c in prices}, quantity=stored["quantity"], unit=stored["unit"])


# -- formats ------------------------------------------------------------------------------


def _json(col: ColumnSpec, value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if col.type == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _write_json(out: Path, data: dict[str, list[SheetRow]]) -> Path:
    specs = {spec.key: spec for spec in sheet_specs()}
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sheets": {
            key: [
                {col.key: _json(col, row.get(col.key)) for col in specs[key].columns}
                for row in rows
            ]
            for key, rows in data.items()
        },
    }
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def csv_cell(col: ColumnSpec, value: Any) -> str:
    """One cell of a CSV export: numbers as numbers, text escaped against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return csv_escape("; ".join(str(v) for v in value))
    return csv_escape(str(value))


def _write_csv(out: Path, data: dict[str, list[SheetRow]]) -> Path:
    out.mkdir(exist_ok=True)
    for spec in sheet_specs():
        # UTF-8 with a BOM, so that Excel shows Vietnamese text as it is.
        with (out / f"{spec.key}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([col.key for col in spec.columns])
            for row in data[spec.key]:
                writer.writerow([csv_cell(col, row.get(col.key)) for col in spec.columns])
    return out


def _xlsx(col: ColumnSpec, value: Any, lang: str) -> Any:
    if value is None:
        return None
    enum = col.enum
    if col.type == "destination" and value in Destination.values():
        return Destination(value).label(lang)
    if enum is not None:
        try:
            return enum(value).label(lang)
        except ValueError:
            return str(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value
