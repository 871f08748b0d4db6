"""Monthly input/output records of enterprises (criterion 7): entered one at a time or
imported from a workbook sheet, listed, and their completeness per enterprise and year
(docs/methods/io-monitoring.md).

An enterprise enters and sees its own records; the park's operator (and the
administrator) all of the park's. The records are the enterprise's own figures: nobody
else sees them; the assessment sees only whether each enterprise's year is complete.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from parkloop.catalog.fuels import fuel_choices, recognise_fuel
from parkloop.catalog.recognise import recognise_material
from parkloop.domain.enums import Confidentiality
from parkloop.domain.permissions import Viewer, can_see, can_write
from parkloop.errors import Message, Name, NotAllowed, NotFound, UserError, Word, msg
from parkloop.monitoring.io_records import (
    UNITS,
    Completeness,
    Stream,
    completeness,
    parse_stream,
)
from parkloop.services.cells import CellError, as_text, is_blank, parse_integer, parse_number
from parkloop.services.numbers import DOT, MarkConflict, decide_mark
from parkloop.services.quantities import parse_entered_unit
from parkloop.services.registry import require_park
from parkloop.store import io_records as store

# Materials read from words with less confidence than this keep the words as the item.
MATERIAL_CONFIDENCE = 0.8
DATA_STATUSES = ("reported", "measured", "estimated")


@dataclass(frozen=True, slots=True)
class IoRecord:
    id: int
    org_code: str
    org_name: Name
    year: int
    month: int
    stream: Stream
    item: str
    item_text: str
    quantity: float
    unit: str
    entered_quantity: float | None
    entered_unit: str | None
    note: str
    data_status: str
    source: str


@dataclass(frozen=True, slots=True)
class EnterpriseYear:
    """One enterprise's completeness for a year."""

    org_code: str
    org_name: Name
    completeness: Completeness


@dataclass(frozen=True, slots=True)
class Imported:
    rows: int
    added: int
    changed: int
    unchanged: int
    sheet: str


@dataclass(frozen=True, slots=True)
class _Org:
    id: int
    code: str
    name: Name


# -- reading one record -----------------------------------------------------------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


def _organisations(engine: Engine, park_id: int) -> dict[str, _Org]:
    """The park's enterprises by folded code and by folded names."""
    with engine.connect() as conn:
        rows = store.organisations_of(conn, park_id)
    found: dict[str, _Org] = {}
    for r in rows:
        if r["kind"] != "enterprise":
            continue
        org = _Org(r["id"], r["code"], Name(r["name_vi"], r["name_en"]))
        for key in (r["code"], r["name_vi"], r["name_en"]):
            if key:
                found.setdefault(_fold(key), org)
    return found


def _org(orgs: Mapping[str, _Org], value: Any) -> _Org:
    text = as_text(value)
    org = orgs.get(_fold(text))
    if org is None:
        raise CellError(
            msg("no enterprise '{text}' in this park", text=text),
            msg("type the enterprise's code or name (`parkloop enterprises list`)"),
        )
    return org


_PERIOD = re.compile(r"^(?:thang|t)?\s*(\d{1,2})(?:\s+(\d{4}))?$|^(\d{4})\s+(\d{1,2})$")
_NOT_A_MONTH = (msg("not a month"), msg("type the month as 1 to 12, or as 03/2025"))


def _month(value: Any, year: Any) -> tuple[int, int]:
    """(year, month) from a month cell (3, '03/2025', '2025-03', 'T3/2025', 'tháng 3/2025',
    a date) and a year cell (may be blank when the month says the year)."""
    if isinstance(value, date):
        return _checked(value.year, value.month)
    if isinstance(value, str):
        found = _PERIOD.match(_fold(value))
        if found is None:
            raise CellError(*_NOT_A_MONTH)
        if found.group(3):
            return _checked(int(found.group(3)), int(found.group(4)))
        month = int(found.group(1))
        if found.group(2):
            return _checked(int(found.group(2)), month)
    else:
        try:
            month = parse_integer(value)
        except CellError:
            raise CellError(*_NOT_A_MONTH) from None
    if is_blank(year):
        raise CellError(msg("no year"), msg("type the year (2025) or the month as 03/2025"))
    return _checked(parse_integer(year), month)


def _checked(year: int, month: int) -> tuple[int, int]:
    if not 1 <= month <= 12:
        raise CellError(msg("not a month"), msg("type the month as 1 to 12, or as 03/2025"))
    if not 2000 <= year <= 2100:
        raise CellError(
            msg("year {year} is out of range", year=str(year)), msg("type a year such as 2025")
        )
    return year, month


def _stream(value: Any) -> Stream:
    text = as_text(value)
    try:
        return parse_stream(text)
    except ValueError:
        raise CellError(
            msg("'{text}' is not a kind of record", text=text),
            msg(
                "type one of: {choices}",
                choices=", ".join(f"{s.label('vi')} ({s.value})" for s in Stream),
            ),
        ) from None


def _item(stream: Stream, value: Any) -> tuple[str, str]:
    """(item code, the staff's words) of a record."""
    text = "" if is_blank(value) else as_text(value)
    if stream in (Stream.ELECTRICITY, Stream.WATER_IN, Stream.WASTEWATER_OUT):
        return stream.value, text
    if not text:
        raise CellError(
            msg("say which {what}", what=stream),
            msg("type its name, as staff call it"),
        )
    if stream is Stream.FUEL:
        read = recognise_fuel(text)
        if not read.code:
            raise CellError(
                msg("'{text}' is not a fuel parkloop knows", text=text),
                msg("type one of: {choices}", choices=fuel_choices("vi")),
            )
        return read.code, text
    if stream is Stream.MATERIAL:
        read_material = recognise_material(text)
        if read_material.code and (read_material.confidence or 0) >= MATERIAL_CONFIDENCE:
            return read_material.code, text
    return _fold(text)[:64] or text[:64], text


def _quantity(stream: Stream, value: Any, mark: str) -> float:
    """The quantity as typed."""
    entered = parse_number(value, mark)
    if entered < 0:
        raise CellError(msg("a quantity is not negative"), msg("type 0 or more"))
    return entered


def _unit(stream: Stream, unit: Any) -> tuple[str, float, str]:
    """(canonical unit, its factor, unit as typed): a monthly total of the stream."""
    unit_text, parsed = parse_entered_unit(unit)
    if parsed.is_rate or parsed.canonical not in UNITS[stream]:
        raise CellError(
            msg("'{unit}' is not a unit of {what} for a month", unit=unit_text, what=stream),
            msg("type a monthly total in {units}", units=_unit_examples(stream)),
        )
    return parsed.canonical, parsed.factor, unit_text


def _unit_examples(stream: Stream) -> str:
    return {
        Stream.ELECTRICITY: "kWh, MWh",
        Stream.FUEL: "t, kg, lít, m3, Nm3",
        Stream.WATER_IN: "m3, khối",
        Stream.WASTEWATER_OUT: "m3, khối",
        Stream.MATERIAL: "t, kg, m3",
        Stream.CHEMICAL: "t, kg, lít",
    }[stream]


def _row(
    cells: Mapping[str, Any], orgs: Mapping[str, _Org], mark: str
) -> tuple[_Org, dict[str, Any]]:
    """One record from its cells; a CellError carries the column it is about."""
    column = "org"
    try:
        org = _org(orgs, cells.get("org"))
        column = "month"
        year, month = _month(cells.get("month"), cells.get("year"))
        column = "stream"
        stream = _stream(cells.get("stream"))
        column = "item"
        item, item_text = _item(stream, cells.get("item"))
        column = "quantity"
        entered = _quantity(stream, cells.get("quantity"), mark)
        column = "unit"
        unit, factor, entered_unit = _unit(stream, cells.get("unit"))
        quantity = entered * factor
        column = "data_status"
        status = "reported" if is_blank(cells.get("data_status")) else as_text(cells["data_status"])
        if status not in DATA_STATUSES:
            raise CellError(
                msg("'{text}' is not a data status", text=status),
                msg("type {choices}", choices=", ".join(DATA_STATUSES)),
            )
    except CellError as exc:
        exc.column = column  # type: ignore[attr-defined]
        raise
    return org, {
        "org_id": org.id,
        "year": year,
        "month": month,
        "stream": stream.value,
        "item": item,
        "item_text": item_text,
        "quantity": quantity,
        "unit": unit,
        "entered_quantity": entered,
        "entered_unit": entered_unit,
        "note": "" if is_blank(cells.get("note")) else as_text(cells["note"]),
        "data_status": status,
        "source": "" if is_blank(cells.get("source")) else as_text(cells["source"]),
    }


def _park(engine: Engine, park: str) -> int:
    require_park(engine, park)
    with engine.connect() as conn:
        found = store.park_id(conn, park)
    assert found is not None  # require_park has just found it
    return found


def _refuse_writer(viewer: Viewer, park_id: int, org: _Org) -> None:
    if not can_write(viewer, park_id, org.id):
        raise NotAllowed(
            msg(
                "{who} may not record the inputs and outputs of {owner}; nothing was changed",
                who=viewer.name or Word(viewer.role.value),
                owner=org.name,
            )
        )


def add(
    engine: Engine,
    park: str,
    viewer: Viewer,
    *,
    org: str,
    month: str | int,
    stream: str,
    quantity: str | float,
    unit: str,
    item: str = "",
    year: int | None = None,
    note: str = "",
    data_status: str = "reported",
    source: str = "",
) -> IoRecord:
    """Record one month of one stream of an enterprise (or change the record of that
    month, stream and item): the enterprise itself or the park's operator."""
    park_id = _park(engine, park)
    orgs = _organisations(engine, park_id)
    cells = {
        "org": org,
        "year": year,
        "month": month,
        "stream": stream,
        "item": item,
        "quantity": quantity,
        "unit": unit,
        "note": note,
        "data_status": data_status,
        "source": source,
    }
    try:
        owner, row = _row(cells, orgs, DOT if isinstance(quantity, float) else _mark_of(quantity))
    except CellError as exc:
        raise UserError(
            msg(
                "{column}: {problem}; {fix}",
                column=_column_word(exc),
                problem=exc.said,
                fix=exc.said_fix,
            )
        ) from None
    _refuse_writer(viewer, park_id, owner)
    with engine.begin() as conn:
        store.save(conn, [{"park_id": park_id, "changed_by": viewer.name, **row}])
        rows = store.records(conn, park_id, row["year"], [owner.id])
    saved = next(
        r
        for r in rows
        if (r["month"], r["stream"], r["item"]) == (row["month"], row["stream"], row["item"])
    )
    return _record(saved)


def _mark_of(text: Any) -> str:
    decided = decide_mark([(0, as_text(text))], "vi", None)
    return DOT if isinstance(decided, MarkConflict) else decided.mark


def _column_word(exc: CellError) -> Name:
    """The column a cell error is about, by its heading in the reader's language."""
    vi, en, _ = COLUMN_WORDS.get(getattr(exc, "column", ""), ("giá trị", "value", ()))
    return Name(vi, en)


def _record(r: Any) -> IoRecord:
    return IoRecord(
        id=r["id"],
        org_code=r["org_code"],
        org_name=Name(r["org_name_vi"], r["org_name_en"]),
        year=r["year"],
        month=r["month"],
        stream=Stream(r["stream"]),
        item=r["item"],
        item_text=r["item_text"],
        quantity=r["quantity"],
        unit=r["unit"],
        entered_quantity=r["entered_quantity"],
        entered_unit=r["entered_unit"],
        note=r["note"],
        data_status=r["data_status"],
        source=r["source"],
    )


# -- importing a sheet ------------------------------------------------------------------------

# Column: (Vietnamese heading, English heading, other headings staff write), folded.
COLUMN_WORDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "org": ("doanh nghiệp", "enterprise", ("ma doanh nghiep", "ten doanh nghiep", "org", "code")),
    "year": ("năm", "year", ()),
    "month": ("tháng", "month", ("ky", "ky bao cao", "period", "thang nam")),
    "stream": ("loại", "stream", ("nhom", "loai dau vao dau ra", "type", "kind")),
    "item": ("hạng mục", "item", ("ten", "ten hang muc", "nhien lieu vat lieu", "name")),
    "quantity": ("số lượng", "quantity", ("khoi luong", "luong", "so luong tieu thu", "amount")),
    "unit": ("đơn vị", "unit", ("don vi tinh", "dvt")),
    "note": ("ghi chú", "note", ("notes",)),
    "data_status": ("trạng thái số liệu", "data status", ("data_status", "trang thai")),
    "source": ("nguồn", "source", ("nguon so lieu",)),
}
REQUIRED_COLUMNS = ("org", "month", "stream", "quantity", "unit")
SHEET_NAMES = ("dau vao dau ra", "theo doi dau vao dau ra", "io records", "io", "inputs outputs")


def _headings() -> dict[str, tuple[str, str]]:
    """Folded heading -> (column, language)."""
    found: dict[str, tuple[str, str]] = {}
    for column, (vi, en, others) in COLUMN_WORDS.items():
        found[_fold(vi)] = (column, "vi")
        found[_fold(en)] = (column, "en")
        for other in others:
            found.setdefault(_fold(other), (column, "vi"))
    return found


def _table(path: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    if path.suffix.lower() == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        return path.name, [list(r) for r in csv.reader(io.StringIO(text))]
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(msg("'{name}': give an .xlsx workbook or a .csv file", name=path.name))
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise UserError(
            msg("'{name}' cannot be read: {why}", name=path.name, why=str(exc))
        ) from None
    try:
        names = {_fold(n): n for n in book.sheetnames}
        if sheet is not None:
            chosen = names.get(_fold(sheet))
            if chosen is None:
                raise UserError(
                    msg(
                        "no sheet '{sheet}'; the workbook has {names}",
                        sheet=sheet,
                        names=book.sheetnames,
                    )
                )
        else:
            chosen = next((names[n] for n in SHEET_NAMES if n in names), book.sheetnames[0])
        rows = [list(r) for r in book[chosen].iter_rows(values_only=True)]
    finally:
        book.close()
    return chosen, rows


def import_sheet(
    engine: Engine,
    park: str,
    viewer: Viewer,
    path: Path,
    *,
    sheet: str | None = None,
    decimal: str | None = None,
) -> Imported:
    """Import the records of a sheet (the first row with the headings; Vietnamese or
    English, staff's own words kept): all of them, or nothing, with each row's problem."""
    park_id = _park(engine, park)
    orgs = _organisations(engine, park_id)
    name, table = _table(path, sheet)
    known = _headings()
    start = next(
        (
            i
            for i, r in enumerate(table)
            if sum(1 for c in r if not is_blank(c) and _fold(str(c)) in known) >= 3
        ),
        None,
    )
    if start is None:
        raise UserError(
            msg(
                "sheet '{sheet}' has no row of headings; give columns {columns}",
                sheet=name,
                columns=", ".join(COLUMN_WORDS[c][0] for c in REQUIRED_COLUMNS),
            )
        )
    columns: dict[str, int] = {}
    languages: list[str] = []
    for index, cell in enumerate(table[start]):
        if is_blank(cell):
            continue
        hit = known.get(_fold(str(cell)))
        if hit and hit[0] not in columns:
            columns[hit[0]] = index
            languages.append(hit[1])
    lacking = [COLUMN_WORDS[c][0] for c in REQUIRED_COLUMNS if c not in columns]
    if lacking:
        raise UserError(
            msg("sheet '{sheet}' lacks the columns {columns}", sheet=name, columns=lacking)
        )
    body = [
        (start + 2 + n, r)
        for n, r in enumerate(table[start + 1 :])
        if any(not is_blank(c) for c in r)
    ]
    language = "en" if languages.count("en") > languages.count("vi") else "vi"
    q = columns["quantity"]
    texts = [(i, r[q]) for i, r in body if q < len(r) and isinstance(r[q], str)]
    decided = decide_mark(texts, language, decimal)
    if isinstance(decided, MarkConflict):
        raise UserError(decided.message, [decided.fix])
    problems: list[Message] = []
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, r in body:
        cells = {c: (r[i] if i < len(r) else None) for c, i in columns.items()}
        try:
            owner, row = _row(cells, orgs, decided.mark)
        except CellError as exc:
            problems.append(
                msg(
                    "row {row}, {column}: {problem}; {fix}",
                    row=str(number),
                    column=_column_word(exc),
                    problem=exc.said,
                    fix=exc.said_fix,
                )
            )
            continue
        if not can_write(viewer, park_id, owner.id):
            problems.append(
                msg(
                    "row {row}: {who} may not record the inputs and outputs of {owner}",
                    row=str(number),
                    who=viewer.name or Word(viewer.role.value),
                    owner=owner.name,
                )
            )
            continue
        key = tuple(row[k] for k in store.KEY)
        if key in seen:
            problems.append(
                msg(
                    "row {row} repeats row {first} (same enterprise, month, kind and item)",
                    row=str(number),
                    first=str(seen[key]),
                )
            )
            continue
        seen[key] = number
        rows.append(
            {
                "park_id": park_id,
                "changed_by": viewer.name,
                "import_ref": f"{path.name}#{number}",
                **row,
            }
        )
    if problems:
        raise UserError(
            msg(
                "{count} rows of sheet '{sheet}' cannot be read; nothing was imported",
                count=len(problems),
                sheet=name,
            ),
            problems,
        )
    with engine.begin() as conn:
        added, changed, same = store.save(conn, rows)
    return Imported(len(rows), added, changed, same, name)


# -- reading ----------------------------------------------------------------------------------


def _visible(viewer: Viewer, park_id: int, org_ids: Iterable[int]) -> set[int]:
    return {o for o in org_ids if can_see(viewer, o, park_id, Confidentiality.PRIVATE)}


def records(
    engine: Engine, park: str, viewer: Viewer, year: int | None = None, org: str | None = None
) -> list[IoRecord]:
    """The records the viewer may see: an enterprise its own, the operator all."""
    park_id = _park(engine, park)
    orgs = _organisations(engine, park_id)
    wanted = {o.id for o in orgs.values()} if org is None else {_org_or_refuse(orgs, org).id}
    with engine.connect() as conn:
        rows = store.records(conn, park_id, year, _visible(viewer, park_id, wanted))
    return [_record(r) for r in rows]


def _org_or_refuse(orgs: Mapping[str, _Org], text: str) -> _Org:
    try:
        return _org(orgs, text)
    except CellError as exc:
        raise NotFound(exc.said) from None


def year_completeness(
    engine: Engine, park: str, viewer: Viewer, year: int, org: str | None = None
) -> list[EnterpriseYear]:
    """Per enterprise the viewer may see, which months of ``year`` are complete and what
    the others lack."""
    park_id = _park(engine, park)
    orgs = _organisations(engine, park_id)
    chosen = (
        sorted({o.id: o for o in orgs.values()}.values(), key=lambda o: o.code)
        if org is None
        else [_org_or_refuse(orgs, org)]
    )
    visible = _visible(viewer, park_id, (o.id for o in chosen))
    if org is not None and not visible:
        raise NotAllowed(
            msg(
                "{who} may not see the inputs and outputs of {owner}",
                who=viewer.name or Word(viewer.role.value),
                owner=chosen[0].name,
            )
        )
    with engine.connect() as conn:
        held = store.month_streams(conn, park_id, year)
    by_org: dict[int, list[tuple[int, Stream]]] = {}
    for org_id, month, stream in held:
        by_org.setdefault(org_id, []).append((month, Stream(stream)))
    return [
        EnterpriseYear(o.code, o.name, completeness(year, by_org.get(o.id, [])))
        for o in chosen
        if o.id in visible
    ]
