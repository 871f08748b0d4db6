"""Hostile and broken input: the importer never gives a traceback and lets nothing through.

Each case is a file handed to ``import_path`` over a database that already holds a park
and two firms. The case is either refused cleanly, and then nothing changed (a full
dump and the change log compared before and after), or accepted with what was typed
stored. A refusal of the data names the sheet, the row, the column and the fix; a refusal
of the file is one line naming the file. Every case runs on SQLite and on PostgreSQL.

115 cases, by what they try:

- numbers (27): integers of hundreds or thousands of digits, 1e30 employees, integer and
  year ranges, 1e400 typed as text, NaN and infinity, -0, padded and doubled units,
  formulas and formula errors typed where a number belongs, yes/no, lists and objects
  in number cells;
- places (8): coordinates outside Viet Nam (of a park in the file or stored), latitude
  and longitude swapped, out of range or half given, a park abroad, a park at home;
- dates and periods (9): years 0, 1, 9999 and 10^30, month 13, quarter 5, days that do
  not exist, spreadsheet serial numbers far out of range;
- units (4): 'm3/kg', operators and powers, overlong and misspelt units;
- text and codes (19): lengths from the schema and the Text limits, codes that differ
  only by case, bidirectional overrides and other invisible characters, NUL and lone
  surrogates, NFD, overlong codes, malformed country and boundary, nested cells;
- JSON documents (10): nesting 10,000 deep, "sheets" as a list, rows that are not
  objects, keys that are not column names, 20,000 column names, broken, empty, foreign
  and future documents;
- CSV files (12): 0 bytes, UTF-16 without BOM (and with), NUL bytes, Latin-1, an
  unclosed quote, repeated headers, a header only, 16,384 columns, formulas and formula
  errors as text, a stray quote inside a cell;
- workbooks as files (11): renamed Word, zip and PNG files, an old .xls, a zip bomb, a
  part that inflates past its declared size, DTDs and entities padded 10 kB deep in a
  sheet and in sharedStrings.xml (also in UTF-16, after the root element, in a part not
  named .xml);
- cells of workbooks (15): NaN, infinity and 1e400 numeric cells, #DIV/0! and #N/A error
  cells, formulas never calculated, formula text, yes/no, date and 1e308 cells where
  numbers belong, an ambiguous text beside a numeric cell, 16,384 columns, a header
  only, repeated headers, a broken shared string.
"""

from __future__ import annotations

import json
import math
import re
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from parkloop.errors import UserError
from parkloop.services.exporter import collect
from parkloop.services.importing import ImportProblems, UnreadableFile, import_path
from parkloop.store import changes

Rows = list[dict[str, Any]]
Make = Callable[[Path], Path]
Check = Callable[[sa.Engine], None]

BASE: dict[str, Rows] = {
    "parks": [{"code": "kcn-a", "name_vi": "Khu công nghiệp A", "lat": 20.93, "lon": 106.62}],
    "enterprises": [
        {"park": "kcn-a", "code": "thep", "name_vi": "Công ty Thép", "employees": 500},
        {"park": "kcn-a", "code": "ximang", "name_vi": "Công ty Xi măng"},
        {"park": "kcn-a", "code": "new-a", "name_vi": "Tên cũ"},
    ],
}
FLOW = {
    "park": "kcn-a",
    "enterprise": "thep",
    "period": "2024",
    "direction": "out",
    "material": "steel-slag",
    "quantity": 10,
    "unit": "t",
}
LISTING = {
    "park": "kcn-a",
    "enterprise": "thep",
    "kind": "offer",
    "material": "steel-slag",
    "quantity": 5,
    "unit": "t",
}
EXCHANGE = {
    "park": "kcn-a",
    "key": "ex-1",
    "supplier": "thep",
    "receiver": "ximang",
    "material": "steel-slag",
    "quantity": 5,
    "unit": "t",
}
FIRM = {"park": "kcn-a", "code": "moi", "name_vi": "Công ty Mới"}
PARK = {"code": "kcn-b", "name_vi": "Khu công nghiệp B"}
# A problem as the user sees it: sheet, row, column, value, what is wrong and the fix.
PROBLEM = re.compile(
    r"^sheet '[^']+', row \d+, column '[^']+', value ('.*'|\(blank\)): .+; fix: .+$"
)


# -- what a case expects ---------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """Refused as data: one problem at this sheet, row and column, saying these words."""

    sheet: str
    row: int
    column: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class SheetProblem:
    """Refused as data: a problem with a whole sheet, saying these words."""

    sheet: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Unreadable:
    """Refused as a file, in one line naming it, with these words."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Accepted:
    """Imported; ``check`` looks at what was stored."""

    check: Check = field(default=lambda engine: None)


def refused(sheet: str, row: int, column: str, *words: str) -> Refused:
    return Refused(sheet, row, column, words)


def sheet_problem(sheet: str, *words: str) -> SheetProblem:
    return SheetProblem(sheet, words)


def unreadable(*words: str) -> Unreadable:
    return Unreadable(words)


# -- files ----------------------------------------------------------------------------------


def document(sheets: dict[str, Rows]) -> dict[str, Any]:
    return {"format": "parkloop", "version": 1, "sheets": sheets}


def as_json(sheets: dict[str, Rows], name: str = "data.json") -> Make:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_text(json.dumps(document(sheets), ensure_ascii=False), encoding="utf-8")
        return path

    return make


def json_text(text: str, name: str = "data.json") -> Make:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


def raw(data: bytes, name: str) -> Make:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path

    return make


def csv_text(text: str, name: str = "flows.csv", encoding: str = "utf-8") -> Make:
    return raw(text.encode(encoding), name)


def workbook(sheets: dict[str, list[list[Any]]], name: str = "data.xlsx") -> Make:
    def make(tmp: Path) -> Path:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        path = tmp / name
        wb.save(path)
        return path

    return make


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
    'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="flows" sheetId="1" '
    'r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
FLOW_HEADER = ["park", "enterprise", "period", "direction", "material", "quantity", "unit"]
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
SHEET_ROOT = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SHEET_START = XML_DECLARATION + SHEET_ROOT


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def flow_sheet(quantity_cell: str, prolog: str = SHEET_START) -> str:
    """A flows sheet of one row, its quantity cell (F2) written as given."""
    header = "".join(_inline(f"{chr(65 + i)}1", h) for i, h in enumerate(FLOW_HEADER))
    values = ["kcn-a", "thep", "2024", "out", "steel-slag"]
    row = "".join(_inline(f"{chr(65 + i)}2", v) for i, v in enumerate(values))
    row += quantity_cell + _inline("G2", "t")
    return (
        f'{prolog}<sheetData><row r="1">{header}</row><row r="2">{row}</row></sheetData>'
        "</worksheet>"
    )


def package(sheet: str, parts: dict[str, bytes] | None = None, name: str = "data.xlsx") -> Make:
    """A workbook written part by part, so that cells and parts can be anything."""

    def make(tmp: Path) -> Path:
        path = tmp / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
            zf.writestr("_rels/.rels", _RELS)
            zf.writestr("xl/workbook.xml", _WORKBOOK)
            zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
            zf.writestr("xl/worksheets/sheet1.xml", sheet)
            for part, data in (parts or {}).items():
                zf.writestr(part, data)
        return path

    return make


SHARED_ROOT = (
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    'uniqueCount="1"><si><t>x</t></si></sst>'
)
SHARED = XML_DECLARATION + SHARED_ROOT
ENTITY = '<!DOCTYPE x [<!ENTITY x "' + "ha" * 50 + '">]>'
PADDING = " " * 10_240


def lying_bomb(tmp: Path) -> Path:
    """A part that declares 1 kB but inflates to 64 MiB."""
    path = package(flow_sheet(_inline("F2", "1")))(tmp)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/blob.bin", bytes(64 * 2**20))
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/media/blob.bin")
        directory = zf.start_dir  # type: ignore[attr-defined]
    blob = bytearray(path.read_bytes())
    struct.pack_into("<I", blob, info.header_offset + 22, 1024)
    at = directory
    while blob[at : at + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", blob, at + 28)
        if blob[at + 46 : at + 46 + name_length] == b"xl/media/blob.bin":
            struct.pack_into("<I", blob, at + 24, 1024)
        at += 46 + name_length + extra_length + comment_length
    path.write_bytes(bytes(blob))
    return path


def ratio_bomb(tmp: Path) -> Path:
    path = package(flow_sheet(_inline("F2", "1")))(tmp)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/zeros.bin", bytes(64 * 2**20))
    return path


def renamed_docx(tmp: Path) -> Path:
    path = tmp / "data.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return path


def renamed_zip(tmp: Path) -> Path:
    path = tmp / "data.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("flows.csv", "park,enterprise\n")
    return path


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


# -- stored values ---------------------------------------------------------------------------


def one(engine: sa.Engine, sql: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).one()


def stored_flow_quantity(expected: float) -> Check:
    def check(engine: sa.Engine) -> None:
        (quantity,) = one(engine, "select quantity from flows")
        assert quantity == expected and math.copysign(1.0, quantity) == 1.0

    return check


def stored(sql: str, expected: tuple[Any, ...]) -> Check:
    def check(engine: sa.Engine) -> None:
        assert tuple(one(engine, sql)) == expected

    return check


def nothing_new(engine: sa.Engine) -> None:
    assert one(engine, "select count(*) from flows") == (0,)


def one_firm_new_a(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select code, name_vi from organisations where code like 'new%'")
        ).all()
    assert [tuple(r) for r in rows] == [("new-a", "Tên mới")]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


INVISIBLE = "".join(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x00AD)
)

# -- the cases --------------------------------------------------------------------------------

CASES: list[tuple[str, Make, Refused | SheetProblem | Unreadable | Accepted]] = [
    # numbers
    (
        "json-integer-of-401-digits-in-a-number-column",
        json_text(
            '{"sheets": {"parks": [{"code": "kcn-a", "name_vi": "A", "total_area_ha": 1'
            + "0" * 400
            + "}]}}"
        ),
        refused("parks", 1, "total_area_ha", "too large"),
    ),
    (
        "json-integer-of-5000-digits",
        json_text('{"sheets": {"parks": [{"code": "x", "total_area_ha": ' + "9" * 5000 + "}]}}"),
        unreadable("data.json", "not valid JSON"),
    ),
    (
        "employees-1e30",
        as_json({"enterprises": [{**FIRM, "employees": 1e30}]}),
        refused("enterprises", 1, "employees", "at most 10000000"),
    ),
    (
        "employees-10-to-the-12-integer",
        as_json({"enterprises": [{**FIRM, "employees": 10**12}]}),
        refused("enterprises", 1, "employees", "at most 10000000"),
    ),
    (
        "employees-one-over-the-limit",
        as_json({"enterprises": [{**FIRM, "employees": 10_000_001}]}),
        refused("enterprises", 1, "employees", "at most 10000000", "between 0 and 10000000"),
    ),
    (
        "employees-at-the-limit-accepted",
        as_json({"enterprises": [{**FIRM, "employees": "10.000.000"}]}),
        Accepted(stored("select employees from organisations where code='moi'", (10_000_000,))),
    ),
    (
        "employees-negative",
        as_json({"enterprises": [{**FIRM, "employees": -3}]}),
        refused("enterprises", 1, "employees", "at least 0"),
    ),
    (
        "employees-not-whole",
        as_json({"enterprises": [{**FIRM, "employees": 2.5}]}),
        refused("enterprises", 1, "employees", "whole number"),
    ),
    (
        "established-year-1899",
        as_json({"parks": [{**PARK, "established_year": 1899}]}),
        refused("parks", 1, "established_year", "at least 1900"),
    ),
    (
        "established-year-2101",
        as_json({"parks": [{**PARK, "established_year": "2101"}]}),
        refused("parks", 1, "established_year", "at most 2100"),
    ),
    (
        "recp-year-1e400-typed",
        as_json(
            {
                "recp_measures": [
                    {"park": "kcn-a", "enterprise": "thep", "year": "1e400", "title": "X"}
                ]
            }
        ),
        refused("recp_measures", 1, "year", "too large"),
    ),
    (
        "quantity-1e400-typed",
        as_json({"flows": [FLOW, {**FLOW, "period": "2023", "quantity": "1e400"}]}),
        refused("flows", 2, "quantity", "too large"),
    ),
    (
        "quantity-1e16-over-the-limit",
        as_json({"flows": [{**FLOW, "quantity": 1e16}]}),
        refused("flows", 1, "quantity", "at most 1000000000000000"),
    ),
    (
        "quantity-minus-zero-stored-as-zero",
        as_json({"flows": [{**FLOW, "quantity": "-0"}]}),
        Accepted(stored_flow_quantity(0.0)),
    ),
    (
        "quantity-minus-zero-number-stored-as-zero",
        as_json({"flows": [{**FLOW, "quantity": -0.0}]}),
        Accepted(stored_flow_quantity(0.0)),
    ),
    (
        "quantity-padded-with-spaces",
        as_json({"flows": [{**FLOW, "quantity": " 12 "}]}),
        Accepted(stored_flow_quantity(12.0)),
    ),
    (
        "quantity-12-tan-tan",
        as_json({"flows": [{**FLOW, "quantity": "12 tấn tấn"}]}),
        refused("flows", 1, "quantity", "not a number"),
    ),
    (
        "quantity-negative",
        as_json({"flows": [{**FLOW, "quantity": -5}]}),
        refused("flows", 1, "quantity", "at least 0"),
    ),
    (
        "quantity-json-nan",
        json_text(json.dumps(document({"flows": [{**FLOW, "quantity": float("nan")}]}))),
        refused("flows", 1, "quantity", "not a finite number"),
    ),
    (
        "quantity-json-infinity",
        json_text(json.dumps(document({"flows": [{**FLOW, "quantity": float("inf")}]}))),
        refused("flows", 1, "quantity", "not a finite number"),
    ),
    (
        "quantity-text-nan",
        as_json({"flows": [{**FLOW, "quantity": "NaN"}]}),
        refused("flows", 1, "quantity", "not a number"),
    ),
    (
        "quantity-formula-text",
        as_json({"flows": [{**FLOW, "quantity": "=A1*2"}]}),
        refused("flows", 1, "quantity", "formulas are not read", "paste the values"),
    ),
    (
        "quantity-formula-error-text",
        as_json({"flows": [{**FLOW, "quantity": "#VALUE!"}]}),
        refused("flows", 1, "quantity", "formula error #VALUE!"),
    ),
    (
        "quantity-yes-no",
        as_json({"flows": [{**FLOW, "quantity": True}]}),
        refused("flows", 1, "quantity", "yes/no value is not a number"),
    ),
    (
        "quantity-object",
        as_json({"flows": [{**FLOW, "quantity": {"value": 1}}]}),
        refused("flows", 1, "quantity", "structure"),
    ),
    (
        "quantity-list",
        as_json({"flows": [{**FLOW, "quantity": [1, 2]}]}),
        refused("flows", 1, "quantity", "structure"),
    ),
    (
        "employees-json-nan",
        json_text(json.dumps(document({"enterprises": [{**FIRM, "employees": float("nan")}]}))),
        refused("enterprises", 1, "employees", "not a finite number"),
    ),
    # places
    (
        "park-lat-lon-swapped",
        as_json({"parks": [{**PARK, "lat": 106.62, "lon": 20.93}]}),
        refused("parks", 1, "lat", "at most 90", "swap the latitude and longitude"),
    ),
    (
        "park-in-paris-but-in-viet-nam",
        as_json({"parks": [{**PARK, "lat": 48.85, "lon": 2.35}]}),
        refused("parks", 1, "lat", "outside Viet Nam", "decimal degrees"),
    ),
    (
        "firm-outside-viet-nam",
        as_json({"parks": BASE["parks"], "enterprises": [{**FIRM, "lat": 21.0, "lon": 120.5}]}),
        refused("enterprises", 1, "lon", "outside Viet Nam"),
    ),
    (
        "firm-of-a-stored-park-outside-viet-nam",
        as_json({"enterprises": [{**FIRM, "lat": 21.0, "lon": 120.5}]}),
        refused("enterprises", 1, "lon", "outside Viet Nam"),
    ),
    (
        "firm-longitude-200",
        as_json({"enterprises": [{**FIRM, "lat": 21.0, "lon": 200}]}),
        refused("enterprises", 1, "lon", "at most 180"),
    ),
    (
        "park-latitude-only",
        as_json({"parks": [{**PARK, "lat": 21.0}]}),
        refused("parks", 1, "Longitude", "go together"),
    ),
    (
        "park-abroad-with-its-country-accepted",
        as_json({"parks": [{**PARK, "country": "dk", "lat": 55.675, "lon": 11.1}]}),
        Accepted(stored("select country, lat from parks where code='kcn-b'", ("DK", 55.675))),
    ),
    (
        "park-in-viet-nam-accepted",
        as_json({"parks": [{**PARK, "lat": "10.82", "lon": "106.63"}]}),
        Accepted(stored("select lat, lon from parks where code='kcn-b'", (10.82, 106.63))),
    ),
    # dates and periods
    (
        "period-month-13",
        as_json({"flows": [{**FLOW, "period": "2024-13"}]}),
        refused("flows", 1, "period", "no month 13"),
    ),
    (
        "period-quarter-5",
        as_json({"flows": [{**FLOW, "period": "Q5/2024"}]}),
        refused("flows", 1, "period", "not a period"),
    ),
    (
        "period-year-0",
        as_json({"flows": [{**FLOW, "period": "0000"}]}),
        refused("flows", 1, "period", "out of range"),
    ),
    (
        "period-huge-integer",
        as_json({"flows": [{**FLOW, "period": 10**30}]}),
        refused("flows", 1, "period", "out of range"),
    ),
    (
        "date-year-9999",
        as_json({"listings": [{**LISTING, "available_from": "01/01/9999"}]}),
        refused("listings", 1, "available_from", "year 9999 is out of range"),
    ),
    (
        "date-year-1",
        as_json({"listings": [{**LISTING, "available_until": "0001-01-01"}]}),
        refused("listings", 1, "available_until", "year 1 is out of range"),
    ),
    (
        "date-31-february",
        as_json({"exchanges": [{**EXCHANGE, "start_date": "31/02/2024"}]}),
        refused("exchanges", 1, "start_date", "no such day"),
    ),
    (
        "date-serial-a-billion",
        as_json({"exchanges": [{**EXCHANGE, "end_date": 10**9}]}),
        refused("exchanges", 1, "end_date", "not a date"),
    ),
    (
        "date-before-1900",
        as_json({"exchanges": [{**EXCHANGE, "start_date": "1899-12-31"}]}),
        refused("exchanges", 1, "start_date", "out of range"),
    ),
    # units
    (
        "unit-m3-per-kg",
        as_json({"flows": [{**FLOW, "unit": "m3/kg"}]}),
        refused("flows", 1, "unit", "only a time may follow '/'"),
    ),
    (
        "unit-with-a-power",
        as_json({"flows": [{**FLOW, "unit": "t**1000"}]}),
        refused("flows", 1, "unit", "not a unit"),
    ),
    (
        "unit-overlong",
        as_json({"flows": [{**FLOW, "unit": "t" * 40}]}),
        refused("flows", 1, "unit", "not a unit"),
    ),
    (
        "unit-misspelt",
        as_json({"flows": [{**FLOW, "unit": "tấnn"}]}),
        refused("flows", 1, "unit", "unknown unit"),
    ),
    # text and codes
    (
        "route-of-300-characters",
        as_json({"exchanges": [{**EXCHANGE, "route": "r" * 300}]}),
        refused("exchanges", 1, "route", "longer than the 200"),
    ),
    (
        "route-of-200-characters-accepted",
        as_json({"exchanges": [{**EXCHANGE, "route": "r" * 200}]}),
        Accepted(stored("select length(route) from exchanges", (200,))),
    ),
    (
        "name-of-600-characters",
        as_json({"enterprises": [{**FIRM, "name_vi": "Công ty " + "x" * 600}]}),
        refused("enterprises", 1, "name_vi", "longer than the 500"),
    ),
    (
        "notes-of-20000-characters",
        as_json({"parks": [{**PARK, "notes": "n" * 20_000}]}),
        refused("parks", 1, "notes", "longer than the 10,000"),
    ),
    (
        "notes-of-10000-characters-accepted",
        as_json({"parks": [{**PARK, "notes": "n" * 10_000}]}),
        Accepted(stored("select length(notes) from parks where code='kcn-b'", (10_000,))),
    ),
    (
        "material-words-of-600-characters",
        as_json({"flows": [{**FLOW, "material": "xỉ " * 200}]}),
        refused("flows", 1, "material", "longer than the 500"),
    ),
    (
        "exchange-key-of-201-characters",
        as_json({"exchanges": [{**EXCHANGE, "key": "k" * 201}]}),
        refused("exchanges", 1, "key", "longer than the 200"),
    ),
    (
        "park-code-of-100-characters",
        as_json({"parks": [{"code": "p" * 100, "name_vi": "P"}]}),
        refused("parks", 1, "code", "at most 64"),
    ),
    (
        "codes-differing-only-by-case-in-one-file",
        as_json({"enterprises": [{**FIRM, "code": "New-A"}, {**FIRM, "code": "new-a"}]}),
        refused("enterprises", 2, "code", "repeats row 1"),
    ),
    (
        "code-in-other-case-updates-the-same-firm",
        as_json({"enterprises": [{**FIRM, "code": "NEW-A", "name_vi": "Tên mới"}]}),
        Accepted(one_firm_new_a),
    ),
    (
        "bidirectional-override-stripped-from-a-name",
        as_json({"enterprises": [{**FIRM, "name_vi": "Công ty \u202eabc\u202c Mới"}]}),
        Accepted(
            stored("select name_vi from organisations where code='moi'", ("Công ty abc Mới",))
        ),
    ),
    (
        "invisible-controls-stripped-from-notes",
        as_json({"parks": [{**PARK, "notes": f"a{INVISIBLE}b\u2066c\u2069"}]}),
        Accepted(stored("select notes from parks where code='kcn-b'", ("abc",))),
    ),
    (
        "override-in-a-code-is-the-same-code",
        as_json({"enterprises": [{"park": "kcn-a", "code": "th\u202eep", "name_vi": "Thép mới"}]}),
        Accepted(stored("select count(*) from organisations", (3,))),
    ),
    (
        "nul-and-lone-surrogate-stripped",
        json_text(json.dumps(document({"parks": [{**PARK, "name_vi": "A\u0000B\ud800C"}]}))),
        Accepted(stored("select name_vi from parks where code='kcn-b'", ("ABC",))),
    ),
    (
        "nfd-name-stored-as-nfc",
        as_json({"parks": [{**PARK, "name_vi": unicodedata.normalize("NFD", "Quế Võ")}]}),
        Accepted(stored("select name_vi from parks where code='kcn-b'", ("Quế Võ",))),
    ),
    (
        "country-of-three-letters",
        as_json({"parks": [{**PARK, "country": "VNM"}]}),
        refused("parks", 1, "country", "two-letter country code"),
    ),
    (
        "boundary-nested-10000-deep",
        as_json({"parks": [{**PARK, "boundary_geojson": nested(10_000)}]}),
        refused("parks", 1, "boundary_geojson", "not a GeoJSON"),
    ),
    (
        "tax-code-of-40-digits",
        as_json({"enterprises": [{**FIRM, "tax_code": "1" * 40}]}),
        refused("enterprises", 1, "tax_code", "longer than the 32"),
    ),
    (
        "cell-nested-500-deep",
        json_text('{"sheets": {"parks": [{"code": "kcn-b", "name_vi": ' + nested(500) + "}]}}"),
        refused("parks", 1, "name_vi", "structure"),
    ),
    # JSON documents
    (
        "json-nested-10000-deep",
        json_text(nested(10_000)),
        unreadable("data.json", "nested too deeply"),
    ),
    (
        "json-sheets-is-a-list",
        json_text('{"format": "parkloop", "sheets": [{"parks": []}]}'),
        unreadable("data.json", "not a parkloop export"),
    ),
    (
        "json-top-level-list",
        json_text('[{"sheets": {}}]'),
        unreadable("data.json", "not a parkloop export"),
    ),
    (
        "json-version-from-the-future",
        json_text('{"version": 99, "sheets": {}}'),
        unreadable("data.json", "newer parkloop"),
    ),
    (
        "json-broken",
        json_text('{"sheets": {"parks": [\n {"code": "a",}\n]}}'),
        unreadable("data.json", "line 2"),
    ),
    (
        "json-rows-are-lists",
        json_text('{"sheets": {"parks": [["kcn-b", "B"]]}}'),
        sheet_problem("parks", "list of row objects"),
    ),
    (
        "json-keys-that-are-not-column-names",
        json_text('{"sheets": {"parks": [{"1": "kcn-b", "2": "B"}]}}'),
        sheet_problem("parks", "no row of column names"),
    ),
    (
        "json-20000-column-names",
        json_text(json.dumps(document({"parks": [{f"c{i}": i for i in range(20_000)}]}))),
        unreadable("data.json", "different column names"),
    ),
    (
        "json-empty",
        json_text("  \n"),
        unreadable("data.json", "empty"),
    ),
    (
        "json-not-utf8",
        raw(b'{"sheets": {"parks": [{"code": "caf\xe9"}]}}', "data.json"),
        unreadable("data.json", "not UTF-8"),
    ),
    # CSV files
    ("csv-of-0-bytes", raw(b"", "flows.csv"), unreadable("flows.csv", "empty")),
    (
        "csv-utf16-without-bom",
        csv_text("park,code,name_vi\nkcn-a,moi,Mới\n", "enterprises.csv", "utf-16-le"),
        unreadable("enterprises.csv", "UTF-16", "CSV UTF-8"),
    ),
    (
        "csv-utf16-with-bom-accepted",
        csv_text("park,code,name_vi\nkcn-a,moi,Mới\n", "enterprises.csv", "utf-16"),
        Accepted(stored("select name_vi from organisations where code='moi'", ("Mới",))),
    ),
    (
        "csv-with-nul-bytes",
        raw(b"park,code,name_vi\nkcn-a,moi,M\x00i\n", "enterprises.csv"),
        unreadable("enterprises.csv", "binary"),
    ),
    (
        "csv-in-latin-1",
        raw("park,code,name_vi\nkcn-a,moi,Café\n".encode("latin-1"), "enterprises.csv"),
        unreadable("enterprises.csv", "not UTF-8"),
    ),
    (
        "csv-unclosed-quote-swallows-the-rest",
        csv_text(
            'park,code,name_vi\nkcn-a,moi,Mới\nkcn-a,hai,"Hai\nkcn-a,ba,Ba\nkcn-a,bon,Bốn\n',
            "enterprises.csv",
        ),
        unreadable("enterprises.csv", "line 3 opens a quoted cell", "never closed"),
    ),
    (
        "csv-repeated-header",
        csv_text("park,enterprise,period,direction,material,quantity,unit,quantity\n"),
        refused("flows.csv", 1, "quantity", "repeats column 'quantity'"),
    ),
    (
        "csv-header-only-accepted",
        csv_text(",".join(FLOW_HEADER) + "\n"),
        Accepted(nothing_new),
    ),
    (
        "csv-16384-columns-accepted",
        csv_text(
            ",".join(FLOW_HEADER + [f"extra{i}" for i in range(16_384 - len(FLOW_HEADER))])
            + "\nkcn-a,thep,2024,out,steel-slag,7,t"
            + "," * (16_384 - len(FLOW_HEADER))
            + "\n"
        ),
        Accepted(stored_flow_quantity(7.0)),
    ),
    (
        "csv-formula-in-a-number",
        csv_text(",".join(FLOW_HEADER) + "\nkcn-a,thep,2024,out,steel-slag,=B2*3,t\n"),
        refused("flows.csv", 2, "quantity", "formulas are not read", "paste the values"),
    ),
    (
        "csv-formula-error-in-a-number",
        csv_text(",".join(FLOW_HEADER) + "\nkcn-a,thep,2024,out,steel-slag,#N/A,t\n"),
        refused("flows.csv", 2, "quantity", "formula error #N/A"),
    ),
    (
        "csv-stray-quote-inside-a-cell-accepted",
        csv_text(
            ",".join(FLOW_HEADER) + ',description\nkcn-a,thep,2024,out,steel-slag,1,t,12" pipe\n'
        ),
        Accepted(stored("select description from flows", ('12" pipe',))),
    ),
    # workbooks as files
    ("workbook-that-is-a-word-document", renamed_docx, unreadable("data.xlsx", "Word document")),
    ("workbook-that-is-a-zip", renamed_zip, unreadable("data.xlsx", "not an Office document")),
    ("workbook-that-is-a-png", raw(PNG, "data.xlsx"), unreadable("data.xlsx", "not an Excel")),
    (
        "workbook-that-is-an-old-xls",
        raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "data.xlsx"),
        unreadable("data.xlsx", "Excel 97-2003"),
    ),
    ("workbook-zip-bomb", ratio_bomb, unreadable("data.xlsx", "workbook bomb")),
    (
        "workbook-part-inflating-past-its-declared-size",
        lying_bomb,
        unreadable("data.xlsx", "inflates to more than"),
    ),
    (
        "workbook-entity-after-10kb-in-a-sheet",
        package(flow_sheet(_inline("F2", "1"), XML_DECLARATION + PADDING + ENTITY + SHEET_ROOT)),
        unreadable("data.xlsx", "sheet1.xml", "unsafe"),
    ),
    (
        "workbook-entity-after-10kb-in-shared-strings",
        package(
            flow_sheet(_inline("F2", "1")),
            {"xl/sharedStrings.xml": (XML_DECLARATION + PADDING + ENTITY + SHARED_ROOT).encode()},
        ),
        unreadable("data.xlsx", "sharedStrings.xml", "unsafe"),
    ),
    (
        "workbook-entity-in-utf16-shared-strings",
        package(
            flow_sheet(_inline("F2", "1")),
            {
                "xl/sharedStrings.xml": (
                    '<?xml version="1.0" encoding="UTF-16"?>' + PADDING + ENTITY + SHARED_ROOT
                ).encode("utf-16")
            },
        ),
        unreadable("data.xlsx", "sharedStrings.xml", "unsafe"),
    ),
    (
        "workbook-entity-after-the-root-in-a-sheet",
        package(
            flow_sheet(_inline("F2", "1")).replace(
                "<sheetData>", PADDING + "<!entity x 'y'><sheetData>"
            )
        ),
        unreadable("data.xlsx", "sheet1.xml", "unsafe"),
    ),
    (
        "workbook-entity-in-a-part-not-named-xml",
        package(
            flow_sheet(_inline("F2", "1")),
            {"xl/media/image1.bin": PADDING.encode() + ENTITY.encode()},
        ),
        unreadable("data.xlsx", "image1.bin", "unsafe"),
    ),
    # cells of workbooks
    (
        "workbook-nan-numeric-cell",
        package(flow_sheet('<c r="F2"><v>NaN</v></c>')),
        refused("flows", 2, "quantity", "not a finite number"),
    ),
    (
        "workbook-infinite-numeric-cell",
        package(flow_sheet('<c r="F2"><v>-inf</v></c>')),
        refused("flows", 2, "quantity", "not a finite number"),
    ),
    (
        "workbook-1e400-numeric-cell",
        package(flow_sheet('<c r="F2"><v>1e400</v></c>')),
        refused("flows", 2, "quantity", "not a finite number"),
    ),
    (
        "workbook-div0-error-cell",
        package(flow_sheet('<c r="F2" t="e"><f>1/0</f><v>#DIV/0!</v></c>')),
        refused("flows", 2, "quantity", "formula error #DIV/0!", "correct the formula"),
    ),
    (
        "workbook-na-error-cell-in-a-text-column",
        package(
            flow_sheet(_inline("F2", "3")).replace(
                _inline("B2", "thep"), '<c r="B2" t="e"><v>#N/A</v></c>'
            )
        ),
        refused("flows", 2, "enterprise", "formula error #N/A"),
    ),
    (
        "workbook-formula-never-calculated",
        workbook(
            {"flows": [FLOW_HEADER, ["kcn-a", "thep", "2024", "out", "steel-slag", "=2*3", "t"]]}
        ),
        refused("flows", 2, "quantity", "never calculated"),
    ),
    (
        "workbook-formula-as-text",
        package(flow_sheet(_inline("F2", "=SUM(A1:A3)"))),
        refused("flows", 2, "quantity", "formulas are not read"),
    ),
    (
        "workbook-yes-no-cell-as-quantity",
        workbook(
            {"flows": [FLOW_HEADER, ["kcn-a", "thep", "2024", "out", "steel-slag", True, "t"]]}
        ),
        refused("flows", 2, "quantity", "yes/no"),
    ),
    (
        "workbook-date-cell-as-quantity",
        workbook(
            {
                "flows": [
                    FLOW_HEADER,
                    ["kcn-a", "thep", "2024", "out", "steel-slag", datetime(2024, 1, 1), "t"],
                ]
            }
        ),
        refused("flows", 2, "quantity", "not a number"),
    ),
    (
        "workbook-ambiguous-text-beside-a-numeric-cell",
        workbook(
            {
                "flows": [  # as a fuzz run wrote it: the headers say neither language
                    [
                        *FLOW_HEADER[:5],
                        "Mã vật liệu đã nhận diện",
                        "Mô tả",
                        "Khối lượng",
                        "Đơn vị",
                        "Tần suất",
                        "Price (VND per unit entered)",
                    ],
                    ["kcn-a", "thep", "2024", "in", "steel-slag", None, "", 0.0, "t", "", 0.0],
                    ["kcn-a", "thep", "2024", "in", "steel-slag", None, "", "12.500", "t", "", 0],
                ]
            }
        ),
        refused("flows", 3, "Khối lượng", "nothing in the file says which"),
    ),
    (
        "workbook-1e308-numeric-cell",
        workbook(
            {"flows": [FLOW_HEADER, ["kcn-a", "thep", "2024", "out", "steel-slag", 1e308, "t"]]}
        ),
        refused("flows", 2, "quantity", "at most 1000000000000000"),
    ),
    (
        "workbook-16384-columns-accepted",
        workbook(
            {
                "flows": [
                    FLOW_HEADER + [None] * (16_384 - len(FLOW_HEADER) - 1) + ["last"],
                    ["kcn-a", "thep", "2024", "out", "steel-slag", 4, "t"],
                ]
            }
        ),
        Accepted(stored_flow_quantity(4.0)),
    ),
    (
        "workbook-header-only-accepted",
        workbook({"flows": [FLOW_HEADER]}),
        Accepted(nothing_new),
    ),
    (
        "workbook-repeated-header",
        workbook(
            {
                "flows": [
                    [*FLOW_HEADER, "unit"],
                    ["kcn-a", "thep", "2024", "out", "steel-slag", 4, "t", "t"],
                ]
            }
        ),
        refused("flows", 1, "unit", "repeats column 'unit'"),
    ),
    (
        "workbook-broken-shared-string",
        package(
            flow_sheet('<c r="F2" t="s"><v>99</v></c>'), {"xl/sharedStrings.xml": SHARED.encode()}
        ),
        unreadable("data.xlsx", "cannot be read"),
    ),
]


def state(engine: sa.Engine) -> tuple[dict[str, Rows], int]:
    """Everything stored (as a full export sees it) and the number of change-log entries."""
    with engine.connect() as conn:
        return collect(conn, None, None), len(changes.recent(conn, limit=10_000))


def load_base(engine: sa.Engine, tmp: Path) -> None:
    import_path(engine, as_json(BASE, "base.json")(tmp))


@pytest.mark.parametrize(("make", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_input(engine: sa.Engine, tmp_path: Path, make: Make, expected: Any) -> None:
    load_base(engine, tmp_path)
    before = state(engine)
    path = make(tmp_path)
    if isinstance(expected, Accepted):
        import_path(engine, path)
        expected.check(engine)
        return
    with pytest.raises(UserError) as caught:
        import_path(engine, path)
    error = caught.value
    assert "Traceback" not in str(error)
    assert state(engine) == before, "a refused file changed what is stored"
    if isinstance(expected, Unreadable):
        assert isinstance(error, UnreadableFile), error
        message = str(error)
        assert "\n" not in message, message
        for word in expected.words:
            assert word in message, (word, message)
        return
    assert isinstance(error, ImportProblems), error
    if isinstance(expected, SheetProblem):
        hits = [d for d in error.details if d.startswith(f"sheet '{expected.sheet}'")]
        assert any(all(w in d for w in expected.words) and "; fix: " in d for d in hits), (
            expected.words,
            error.details,
        )
        return
    where = f"sheet '{expected.sheet}', row {expected.row}, column '{expected.column}'"
    hits = [d for d in error.details if d.startswith(where)]
    assert hits, (where, error.details)
    assert any(all(w in d for w in expected.words) for d in hits), (expected.words, hits)
    for detail in hits:
        assert PROBLEM.match(detail), detail


def test_there_are_at_least_75_cases_each_with_its_own_id() -> None:
    ids = [c[0] for c in CASES]
    assert len(ids) >= 75 and len(set(ids)) == len(ids)
    count = re.search(r"^(\d+) cases", __doc__ or "", re.M)
    assert count is not None and int(count.group(1)) == len(ids)
