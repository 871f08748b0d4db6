"""Opening what users hand in: a workbook, CSV files or a JSON export, checked before use.

A file is refused with a one-line message when it is not what its name says (an empty
file, a renamed binary, a workbook bomb, broken JSON). What is read comes back as
:class:`RawSheet` columns of raw cell values, with the row numbers the user sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import posixpath
import re
import struct
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from defusedxml import ElementTree as defused_tree

from parkloop.catalog.loader import fold
from parkloop.catalog.sheets import SheetSpec, sheet_specs
from parkloop.errors import UserError, msg
from parkloop.services.cells import ErrorCell, csv_unescape
from parkloop.services.problems import Problem

Progress = Callable[[str, int, int], None]

# Limits that keep a hostile or broken file from exhausting memory or time.
MAX_FILE_BYTES = 512 * 2**20
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_MEMBER_BYTES = 512 * 2**20
MAX_ZIP_TOTAL_BYTES = 1024 * 2**20
MAX_ZIP_RATIO = 250
MAX_SHEET_ROWS = 1_048_576
MAX_SHEET_COLUMNS = 16_384
MAX_COLUMNS_READ = 256
HEADER_SEARCH_ROWS = 10
PROGRESS_EVERY = 2000
JSON_FORMAT = "parkloop"
JSON_VERSION = 1


class UnreadableFile(UserError):
    """The file is not what it claims to be, or cannot be read at all."""


@dataclass(slots=True)
class RawSheet:
    """One sheet as read: raw cell values by column key, and the row number of each row."""

    spec: SheetSpec
    name: str
    header_row: int
    headers: dict[str, str] = field(default_factory=dict)
    columns: dict[str, list[Any]] = field(default_factory=dict)
    row_numbers: list[int] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)
    header_units: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.row_numbers)

    def label(self, key: str) -> str:
        """How the user wrote a column's header (or its English label if absent)."""
        return self.headers.get(key) or self.spec.column(key).label_en


@dataclass(slots=True)
class Source:
    """Everything read from one path."""

    path: Path
    kind: str
    sheets: list[RawSheet] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    default_park: str | None = None


def read_source(
    path: Path, *, progress: Progress | None = None, default_park: str | None = None
) -> Source:
    """Read a workbook, a CSV file, a directory of CSV files or a JSON export.

    ``default_park`` fills the park column of sheets that have none (``import --park``).
    """
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(msg("{path}: no such file or directory", path=path))
    if path.is_dir():
        return _read_csv_directory(path, progress, default_park)
    suffix = path.suffix.lower()
    _check_size(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path, progress, default_park)
    if suffix == ".csv":
        return _read_csv_files(path, [path], progress, kind="csv", default_park=default_park)
    if suffix == ".json":
        return _read_json(path, default_park)
    if suffix in (".xls", ".ods", ".numbers"):
        raise UnreadableFile(
            msg(
                "{file}: {suffix} files cannot be read; open it and save it as an Excel "
                "workbook (.xlsx) or as CSV UTF-8",
                file=path.name,
                suffix=suffix,
            )
        )
    raise UnreadableFile(
        msg(
            "{file}: give an Excel workbook (.xlsx), a CSV file named after its "
            "sheet (e.g. flows.csv), a directory of CSV files or a parkloop JSON "
            "export (.json)",
            file=path.name,
        )
    )


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(msg("{file}: the file is empty", file=path.name))
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(
            msg(
                "{file}: the file is {size} MiB, more than the {most} MiB parkloop "
                "reads at once; split it into several files",
                file=path.name,
                size=round(size / 2**20),
                most=MAX_FILE_BYTES // 2**20,
            )
        )


def match_sheet(name: str) -> SheetSpec | None:
    """The sheet a tab or file name stands for: its key or its Vietnamese or English label."""
    folded = fold(name)
    for spec in sheet_specs():
        if folded in spec.names():
            return spec
    return None


# -- rows -> columns ----------------------------------------------------------------------


_HEADER_UNIT = re.compile(r"^(?P<name>.*?)\s*[(\[](?P<unit>[^()\[\]]*)[)\]]\s*\**\s*$")


def _header_key(text: str, header_map: dict[str, str]) -> str | None:
    return header_split(text, header_map)[0]


def header_split(text: str, header_map: dict[str, str]) -> tuple[str | None, str | None]:
    """The column a header names, and the unit written in brackets after it, if any:
    'Khối lượng (tấn/tháng)' -> ('quantity', 'tấn/tháng')."""
    clean = text.strip().rstrip("*").strip()
    key = header_map.get(fold(clean))
    if key is not None:
        return key, None
    m = _HEADER_UNIT.match(clean)
    if m is not None:
        key = header_map.get(fold(m["name"]))
        if key is not None:
            return key, m["unit"].strip() or None
    return None, None


def _collect(
    spec: SheetSpec,
    name: str,
    rows: Iterator[tuple[int, Sequence[Any]]],
    source: Source,
    progress: Progress | None,
    total: int = 0,
    unescape: bool = False,
) -> RawSheet | None:
    """Find the header row among the first rows, then gather the data rows column by column."""
    default_park = source.default_park
    header_map = spec.header_map()
    header: list[Any] | None = None
    header_row = 0
    for number, cells in rows:
        texts = [str(c).strip() if c is not None else "" for c in cells]
        filled = [t for t in texts if t]
        known = [t for t in filled if _header_key(t, header_map)]
        if filled and (len(known) >= 2 or (known and len(known) * 2 >= len(filled))):
            header, header_row = texts, number
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        example = spec.columns[0]
        source.problems.append(
            Problem(
                name,
                1,
                None,
                "",
                msg("no row of column names found in the first rows"),
                msg(
                    "put the column names in the first row, e.g. '{label_en}', '{label_vi}' or "
                    "'{key}'",
                    label_en=example.label_en,
                    label_vi=example.label_vi,
                    key=example.key,
                ),
            )
        )
        return None
    sheet = RawSheet(spec=spec, name=name, header_row=header_row)
    index: dict[str, int] = {}
    for i, text in enumerate(header):
        if not text:
            continue
        key, unit = header_split(text, header_map)
        if unit is not None and key is not None:
            sheet.header_units[key] = unit
        if key is None:
            sheet.unknown_headers.append(text)
        elif key in index:
            source.problems.append(
                Problem(
                    name,
                    header_row,
                    text,
                    text,
                    msg("this column repeats column '{column}'", column=sheet.headers[key]),
                    msg("keep one of the two columns"),
                )
            )
        else:
            index[key] = i
            sheet.headers[key] = text
    if sheet.unknown_headers:
        source.warnings.append(
            f"sheet '{name}': column{'s' if len(sheet.unknown_headers) > 1 else ''} "
            + ", ".join(f"'{h}'" for h in sheet.unknown_headers)
            + " not known and ignored"
        )
    for col in spec.columns:
        if (
            col.required
            and col.key not in index
            and not may_be_absent(spec, col.key, sheet, set(index), default_park)
        ):
            source.problems.append(
                Problem(
                    name,
                    header_row,
                    col.label_en,
                    "",
                    msg("a required column is missing"),
                    msg(
                        "add a column '{label_en}' (or '{label_vi}')",
                        label_en=col.label_en,
                        label_vi=col.label_vi,
                    ),
                )
            )
    positions = list(index.items())
    numbers = sheet.row_numbers
    width = max(index.values(), default=-1) + 1
    lead_at = positions[0][1] if positions else 0
    gathered: list[list[Any]] = [[] for _ in positions]
    first_kept = False
    # A block of rows at a time, each step done over the whole block at once.
    while block := list(itertools.islice(rows, PROGRESS_EVERY)):
        at, cells = map(list, zip(*block, strict=True))
        if unescape:
            cells = [
                [csv_unescape(c) if isinstance(c, str) and c[:1] == "'" else c for c in row]
                for row in cells
            ]
        if min(map(len, cells)) < width:
            cells = [
                row if len(row) >= width else [*row, *([None] * (width - len(row)))]
                for row in cells
            ]
        # Blank rows are left out; the first known cell is filled in most rows, so only
        # the rows where it is blank are looked at whole.
        skip = {
            k
            for k, lead in enumerate(map(itemgetter(lead_at), cells))
            if (lead is None or (isinstance(lead, str) and not lead.strip()))
            and all(_blank(cells[k][i]) for _, i in positions)
        }
        if not first_kept:
            for k in range(len(cells)):
                if k in skip:
                    continue
                if not _is_header(cells[k], header_map):
                    first_kept = True
                    break
                skip.add(k)  # a second header row, e.g. the labels in the other language
        if skip:
            left = [k for k in range(len(cells)) if k not in skip]
            at, cells = list(map(at.__getitem__, left)), list(map(cells.__getitem__, left))
        numbers.extend(at)
        if cells:
            by_position = list(zip(*cells, strict=False))  # every row is at least ``width`` long
            for column, (_, i) in zip(gathered, positions, strict=True):
                column.extend(by_position[i])
        if len(numbers) > MAX_SHEET_ROWS:
            raise UnreadableFile(
                msg(
                    "{file}: sheet '{sheet}' has more than {max_sheet_rows} rows; split it "
                    "into several files",
                    file=source.path.name,
                    sheet=name,
                    max_sheet_rows=MAX_SHEET_ROWS,
                )
            )
        if progress is not None and numbers:
            progress(f"read {name}", len(numbers), total)
    if progress is not None and numbers:
        progress(f"read {name}", len(numbers), len(numbers))
    sheet.columns = {key: column for (key, _), column in zip(positions, gathered, strict=True)}
    if "park" not in index and default_park and any(c.key == "park" for c in spec.columns):
        sheet.columns["park"] = [default_park] * len(numbers)
        sheet.headers["park"] = "--park"
    return sheet


def may_be_absent(
    spec: SheetSpec, key: str, sheet: RawSheet, present: set[str], default_park: str | None
) -> bool:
    """Required columns that something else stands in for."""
    if key == "unit":
        return "quantity" in sheet.header_units
    if key == "park":
        return bool(default_park)
    pair = {"code": "name_vi", "name_vi": "code"}.get(key)
    return spec.key in ("parks", "enterprises", "partners") and pair in present


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _is_header(cells: Sequence[Any], header_map: dict[str, str]) -> bool:
    texts = [c.strip() for c in cells if isinstance(c, str) and c.strip()]
    return len(texts) >= 2 and all(_header_key(t, header_map) for t in texts)


def _add(source: Source, sheet: RawSheet | None) -> None:
    if sheet is None:
        return
    for other in source.sheets:
        if other.spec.key == sheet.spec.key:
            source.problems.append(
                Problem(
                    sheet.name,
                    None,
                    None,
                    "",
                    msg(
                        "'{sheet}' and '{other}' are both the {kind} sheet",
                        sheet=sheet.name,
                        other=other.name,
                        kind=sheet.spec,
                    ),
                    msg("merge them into one"),
                )
            )
            return
    source.sheets.append(sheet)


def _ordered(source: Source) -> Source:
    order = {spec.key: i for i, spec in enumerate(sheet_specs())}
    source.sheets.sort(key=lambda s: order[s.spec.key])
    return source


def _expected_names() -> str:
    return ", ".join(f"{s.key}" for s in sheet_specs())


# -- workbooks ----------------------------------------------------------------------------


def check_workbook_package(path: Path) -> set[str]:
    """Refuse files that are not a real .xlsx package, or that would inflate dangerously.

    Every part is inflated here, by parkloop, before the workbook reader sees it: a part
    that inflates to more than its declared size is refused (a bomb can lie about its
    size), and no part may declare a document type or XML entities anywhere in it.
    Returns the parts that may hold formulas or formula errors."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            msg(
                "{file}: this is an old Excel 97-2003 file or a password-protected "
                "workbook; remove any password and save it as an Excel workbook (.xlsx)",
                file=path.name,
            )
        )
    if not zipfile.is_zipfile(path):
        raise UnreadableFile(
            msg(
                "{file}: this is not an Excel workbook (.xlsx is a zip package; this "
                "file is not one); if it holds CSV text, rename it to .csv",
                file=path.name,
            )
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
        _check_zip_members(path, infos)
        formulas: set[str] = set()
        with path.open("rb") as fh:
            for info in infos:
                if info.is_dir():
                    continue
                if _declares_dtd(_inflated(path, fh, info), info.filename, formulas):
                    raise UnreadableFile(
                        msg(
                            "{file}: {filename} declares a document type or XML entities, which an "
                            "Excel workbook never does; the file is refused as unsafe",
                            file=path.name,
                            filename=info.filename,
                        )
                    )
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
        raise UnreadableFile(
            msg("{file}: the workbook is damaged ({exc})", file=path.name, exc=exc)
        ) from None
    return formulas


def _inflated(path: Path, fh: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The bytes of one part, inflated from the package by parkloop itself; refused as a
    bomb when they outgrow the size the package declares for the part."""
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"{info.filename}: no local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    fh.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    method = info.compress_type
    if method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnreadableFile(
            msg(
                "{file}: {filename} is compressed in a way Excel never uses; open the "
                "workbook in Excel and save it again",
                file=path.name,
                filename=info.filename,
            )
        )
    inflate = zlib.decompressobj(-15) if method == zipfile.ZIP_DEFLATED else None
    size = 0
    while left > 0:
        chunk = fh.read(min(left, 1 << 20))
        if not chunk:
            raise EOFError(f"{info.filename} is cut short")
        left -= len(chunk)
        while chunk:
            if inflate is None:
                out, chunk = chunk, b""
            else:
                out = inflate.decompress(chunk, 1 << 20)
                chunk = inflate.unconsumed_tail
            size += len(out)
            if size > info.file_size or size > MAX_ZIP_MEMBER_BYTES:
                raise UnreadableFile(
                    msg(
                        "{file}: {filename} inflates to more than the {file_size} bytes its "
                        "package declares; the file is refused as a possible workbook bomb",
                        file=path.name,
                        filename=info.filename,
                        file_size=info.file_size,
                    )
                )
            if out:
                yield out
            if inflate is not None and inflate.eof:
                return


# What an XML declaration of a document type or entity starts with, in the encodings an
# XML part may use, for parts that are not well-formed XML (legacy VML drawings).
_DECLARATIONS = tuple(
    word.encode(codec)
    for word in ("<!doctype", "<!entity")
    for codec in ("ascii", "utf-16-le", "utf-16-be")
)


class _Declared(Exception):
    pass


class _Root(Exception):
    pass


def _refuse(*_: Any) -> None:
    raise _Declared


def _root(*_: Any) -> None:
    raise _Root


def _declares_dtd(
    chunks: Iterable[bytes], name: str = "", formulas: set[str] | None = None
) -> bool:
    """Whether a part declares a DTD or entities anywhere in it (not only in its first
    bytes: padding can push a declaration far down).

    The prolog of an XML part, where a declaration takes effect, is parsed by expat in
    whatever encoding the part is written, with handlers that stop at any declaration;
    the whole part (and any part that is not XML) is also scanned for the words that
    start a declaration, in ASCII and UTF-16, in any case. Parts where a formula or a
    formula error may be are added to ``formulas``."""
    parser: Any = None
    tail = b""
    for number, block in enumerate(chunks):
        if number == 0 and _looks_like_xml(block):
            parser = xml.parsers.expat.ParserCreate()
            parser.StartDoctypeDeclHandler = _refuse
            parser.EntityDeclHandler = _refuse
            parser.UnparsedEntityDeclHandler = _refuse
            parser.StartElementHandler = _root
        if parser is not None:
            try:
                parser.Parse(block, False)
            except _Declared:
                return True
            except (_Root, xml.parsers.expat.ExpatError):
                parser = None  # the prolog is over (or is not XML): bytes from here on
        window = tail + block
        # Every declaration starts with '<!' (in UTF-16 too): most blocks have no '!'.
        if b"!" in window and any(word in window.lower() for word in _DECLARATIONS):
            return True
        if formulas is not None and name not in formulas and _has_formula(window):
            formulas.add(name)
        tail = window[-32:]
    return False


def _has_formula(data: bytes) -> bool:
    """Whether ``data`` may hold a formula element or a formula error (element names and
    attribute values are case-sensitive in XML). A single letter is looked for first:
    found at memory speed, and absent from most blocks of a sheet's cells."""
    if b"e" in data and (b'"e"' in data or b"'e'" in data):
        return True
    if b"f" not in data or (b"<f" not in data and b":f" not in data):
        return False
    return any(marker in data for marker in _FORMULA_MARKERS)


def _looks_like_xml(block: bytes) -> bool:
    start = block[:64].lstrip(b" \t\r\n")
    return start.startswith((b"<", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _check_zip_members(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    names = {i.filename for i in infos}
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UnreadableFile(
            msg(
                "{file}: the package holds {parts} parts, more than any workbook needs; "
                "the file is refused as unsafe",
                file=path.name,
                parts=len(infos),
            )
        )
    if "[Content_Types].xml" not in names:
        raise UnreadableFile(
            msg(
                "{file}: this zip file is not an Office document; save the data as an "
                "Excel workbook (.xlsx)",
                file=path.name,
            )
        )
    if "xl/workbook.xml" not in names:
        kind = "a Word document" if "word/document.xml" in names else "not an Excel workbook"
        raise UnreadableFile(
            msg(
                "{file}: this is {kind}; save the data as an Excel workbook (.xlsx)",
                file=path.name,
                kind=kind,
            )
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFile(
                msg("{file}: the workbook is encrypted; remove the password", file=path.name)
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > MAX_ZIP_MEMBER_BYTES
            or total > MAX_ZIP_TOTAL_BYTES
            or (info.file_size > 2**20 and ratio > MAX_ZIP_RATIO)
        ):
            raise UnreadableFile(
                msg(
                    "{file}: {filename} would inflate to {size} MiB (compressed {ratio} to "
                    "1); the file is refused as a possible workbook bomb",
                    file=path.name,
                    filename=info.filename,
                    size=round(info.file_size / 2**20),
                    ratio=round(ratio),
                )
            )


def _read_workbook(path: Path, progress: Progress | None, default_park: str | None) -> Source:
    formulas = check_workbook_package(path)
    from python_calamine import CalamineError, CalamineWorkbook

    source = Source(path=path, kind="xlsx", default_park=default_park)
    errors = error_cells(path, formulas) if formulas else {}
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise UnreadableFile(
            msg("{file}: the workbook cannot be read ({exc})", file=path.name, exc=exc)
        ) from None
    try:
        for name in workbook.sheet_names:
            spec = match_sheet(name)
            if spec is None:
                source.ignored.append(name)
                continue
            try:
                ws = workbook.get_sheet_by_name(name)
                if ws.total_height > MAX_SHEET_ROWS or ws.total_width > MAX_SHEET_COLUMNS:
                    raise UnreadableFile(
                        msg(
                            "{file}: sheet '{sheet}' claims {total_height} rows and {total_width} "
                            "columns, beyond what Excel allows; the file is refused as damaged",
                            file=path.name,
                            sheet=name,
                            total_height=ws.total_height,
                            total_width=ws.total_width,
                        )
                    )
                cells = ws.to_python(skip_empty_area=False)
                _mark_errors(cells, errors.get(name, {}))
                rows: Iterator[tuple[int, Sequence[Any]]] = (
                    enumerate(cells, start=1)
                    if max(map(len, cells), default=0) <= MAX_COLUMNS_READ
                    else (
                        (number, row if len(row) <= MAX_COLUMNS_READ else row[:MAX_COLUMNS_READ])
                        for number, row in enumerate(cells, start=1)
                    )
                )
                _add(source, _collect(spec, name, rows, source, progress, total=len(cells) - 1))
            except UserError:
                raise
            except Exception as exc:  # calamine raises several types for damaged sheets
                raise UnreadableFile(
                    msg(
                        "{file}: sheet '{sheet}' cannot be read ({exc})",
                        file=path.name,
                        sheet=name,
                        exc=exc,
                    )
                ) from None
    finally:
        workbook.close()
    if not source.sheets and not source.problems:
        raise UnreadableFile(
            msg(
                "{file}: no sheet is a parkloop sheet; name the sheets {sheets} or use "
                "`parkloop template` to get a workbook to fill in",
                file=path.name,
                sheets=_expected_names(),
            )
        )
    return _ordered(source)


def _mark_errors(cells: list[list[Any]], errors: dict[tuple[int, int], ErrorCell]) -> None:
    """Put back the formula errors and never-calculated formulas that the workbook reader
    shows as blank cells, so that they are refused where they are."""
    for (row, column), error in errors.items():
        if row < len(cells) and column < len(cells[row]) and cells[row][column] in ("", None):
            cells[row][column] = error


# A formula element (<f>, <f ...>, <x:f/>...) or an error type ("e"): plain byte strings,
# found far faster than by a pattern; data validations (<formula1>) are not formulas.
_FORMULA_MARKERS = (
    *(
        start + b"f" + end
        for start in (b"<", b":")
        for end in (b">", b"/", b" ", b"\t", b"\n", b"\r")
    ),
    b'"e"',
    b"'e'",
)
_NAMESPACED = rb"(?:[A-Za-z_][\w.\-]*:)?"
_CELL_START = re.compile(rb"<" + _NAMESPACED + rb"c[\s>/]")
_CELL_END = re.compile(rb"</" + _NAMESPACED + rb"c>")
_FORMULA = re.compile(rb"<" + _NAMESPACED + rb"f[\s>/]")
_ERROR_TYPE = re.compile(rb"\st\s*=\s*[\"']e[\"']")
_CELL_REF = re.compile(rb"\sr\s*=\s*[\"']\$?([A-Z]{1,3})\$?([0-9]{1,7})[\"']")
_VALUE = re.compile(rb"<" + _NAMESPACED + rb"v(?:\s[^>]*)?>([^<]*)</")
_FORMULA_TEXT = re.compile(rb"<" + _NAMESPACED + rb"f(?:\s[^>]*)?>([^<]*)</")


def error_cells(
    path: Path, parts: set[str] | None = None
) -> dict[str, dict[tuple[int, int], ErrorCell]]:
    """Cells that show a formula error (#DIV/0!, #N/A...) or hold a formula never
    calculated (as workbooks written by programs often do), by sheet name and (row,
    column) from 0; the workbook reader gives both as blank. Only ``parts`` are read,
    when given."""
    out: dict[str, dict[tuple[int, int], ErrorCell]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for name, part in _sheet_parts(zf).items():
                if match_sheet(name) is None or part not in zf.namelist():
                    continue
                if parts is not None and part not in parts:
                    continue
                data = zf.read(part)
                found = _errors_in(data)
                if found:
                    out[name] = found
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, SyntaxError, zlib.error):
        return out  # the workbook reader says what is wrong with the package
    return out


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the package part that holds it, from the workbook and its links."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    targets = {
        _attribute(e, "Id"): _attribute(e, "Target")
        for e in defused_tree.fromstring(zf.read("xl/_rels/workbook.xml.rels")).iter()
        if _local(e.tag) == "Relationship"
    }
    parts = {}
    for e in defused_tree.fromstring(zf.read("xl/workbook.xml")).iter():
        if _local(e.tag) != "sheet":
            continue
        target = targets.get(_attribute(e, "id"))
        if target:
            joined = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts[_attribute(e, "name")] = posixpath.normpath(joined)
    return parts


def _local(tag: Any) -> str:
    return str(tag).rpartition("}")[2]


def _attribute(element: Any, name: str) -> str:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return str(value)
    return ""


def _errors_in(data: bytes) -> dict[tuple[int, int], ErrorCell]:
    found: dict[tuple[int, int], ErrorCell] = {}
    if not _has_formula(data):
        return found
    for marker in itertools.chain(_FORMULA.finditer(data), _ERROR_TYPE.finditer(data)):
        at = marker.start()
        start = None
        for m in _CELL_START.finditer(data, max(0, at - 512), at):
            start = m.start()
        if start is None:
            continue
        head_end = data.find(b">", start)
        close = _CELL_END.search(data, start, start + 65536)
        if head_end < 0 or close is None or not at < close.start():
            continue
        head, body = data[start:head_end], data[head_end : close.end()]
        formula_marker = marker.re is _FORMULA
        if formula_marker == (at < head_end):
            continue  # an error type outside a cell's tag, or a formula outside its body
        ref = _CELL_REF.search(head)
        if ref is None:
            continue
        letters, digits = ref.groups()
        column = 0
        for letter in letters.decode():
            column = column * 26 + ord(letter) - 64
        key = (int(digits) - 1, column - 1)
        value = _VALUE.search(body)
        cached = value.group(1).strip() if value is not None else b""
        if _ERROR_TYPE.search(head) and cached:
            found[key] = ErrorCell(_unescaped(cached))
        elif formula_marker and not cached and key not in found:
            formula = _FORMULA_TEXT.search(body)
            text = _unescaped(formula.group(1)) if formula is not None else ""
            found[key] = ErrorCell("=" + (text[:60] or "…"))
    return found


def _unescaped(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


# -- CSV ----------------------------------------------------------------------------------


def decode_csv(path: Path) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    raw = path.read_bytes()
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise UnreadableFile(msg("{file}: the file is empty", file=path.name))
    if raw.startswith(b"PK\x03\x04"):
        raise UnreadableFile(
            msg(
                "{file}: this is a zip package (an Excel workbook?), not CSV text; "
                "rename it to .xlsx, or save it as CSV UTF-8",
                file=path.name,
            )
        )
    save_as = _SAVE_AS
    if not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and _utf16(raw[:4096]):
        raise UnreadableFile(
            msg(
                "{file}: this is UTF-16 text without a byte-order mark, which cannot be "
                "told apart from other encodings; {save_as}",
                file=path.name,
                save_as=save_as,
            )
        )
    try:
        if raw.startswith(codecs.BOM_UTF8):
            text = raw[3:].decode("utf-8")
        elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile(
            msg("{file}: this is not UTF-8 text; {save_as}", file=path.name, save_as=save_as)
        ) from None
    if "\x00" in text:
        raise UnreadableFile(
            msg(
                "{file}: this is a binary file, not CSV text; {save_as}",
                file=path.name,
                save_as=save_as,
            )
        )
    if not text.strip():
        raise UnreadableFile(msg("{file}: the file is empty", file=path.name))
    return text


def _utf16(head: bytes) -> bool:
    """Whether bytes look like UTF-16 text of mostly ASCII characters: every other byte
    is zero."""
    if len(head) < 4 or b"\x00" not in head:
        return False
    even, odd = head[0::2], head[1::2]
    return max(even.count(0), odd.count(0)) >= 0.4 * len(head) / 2


def sniff_delimiter(text: str) -> str:
    """',' ';' or tab: whichever splits the first line (outside quotes) most often."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = dict.fromkeys((",", ";", "\t"), 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str, delimiter: str, name: str) -> Iterator[tuple[int, Sequence[Any]]]:
    """The records of a CSV text, numbered as a spreadsheet numbers its rows. A quoted cell
    that is never closed, which would swallow the rest of the file, is refused naming the
    line where the quote opened."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1  # where the next record starts
    first = 1
    try:
        for number, record in enumerate(reader, start=1):
            first, line = line, reader.line_num + 1
            yield number, record
    except csv.Error as exc:
        _refuse_open_quote(text, delimiter, line, name)
        raise UnreadableFile(
            msg(
                "{name}: the CSV text is malformed in the record that starts on line "
                "{line} ({exc}); {save_as}",
                name=name,
                line=str(line),
                exc=exc,
                save_as=_SAVE_AS,
            )
        ) from None
    if '"' in text:
        _refuse_open_quote(text, delimiter, first, name)


_SAVE_AS = msg("open it in Excel and save it as 'CSV UTF-8 (Comma delimited)'")


def _refuse_open_quote(text: str, delimiter: str, line: int, name: str) -> None:
    """Refuse the text if the record that starts on ``line`` opens a quoted cell that the
    rest of the file never closes."""
    lines = io.StringIO(text, newline="")
    tail = "".join(itertools.islice(lines, line - 1, None))
    opened = _open_quote(tail, delimiter)
    if opened is None:
        return
    before = tail[:opened]
    at = line + before.count("\n") + before.count("\r") - before.count("\r\n")
    raise UnreadableFile(
        msg(
            '{name}: line {at} opens a quoted cell (") that is never closed, so '
            "everything after it would be read as one cell; close the quote or "
            "remove it, then save the file again",
            name=name,
            at=str(at),
        )
    )


def _open_quote(text: str, delimiter: str) -> int | None:
    """Where a quoted field opens that runs to the end of ``text`` (read as CSV does: a
    quote opens a field only at its start; two quotes inside it are one)."""
    at, end, field_start = 0, len(text), True
    while at < end:
        char = text[at]
        if char == '"' and field_start:
            search = at + 1
            while True:
                close = text.find('"', search)
                if close < 0:
                    return at
                if text.startswith('""', close):
                    search = close + 2
                    continue
                break
            at, field_start = close + 1, False
            continue
        field_start = char in (delimiter, "\r", "\n")
        at += 1
    return None


def _read_csv_files(
    path: Path,
    files: Iterable[Path],
    progress: Progress | None,
    kind: str,
    default_park: str | None = None,
) -> Source:
    source = Source(path=path, kind=kind, default_park=default_park)
    csv.field_size_limit(64 * 2**20)
    for file in files:
        spec = match_sheet(file.stem)
        if spec is None and kind != "csv":
            source.ignored.append(file.name)
            continue
        _check_size(file)
        text = decode_csv(file)
        if spec is None:
            raise UnreadableFile(
                msg(
                    "{file}: name a CSV file after its sheet, e.g. {files}",
                    file=file.name,
                    files=spec_files(),
                )
            )
        rows = _csv_rows(text, sniff_delimiter(text), file.name)
        total = text.count("\n")
        _add(source, _collect(spec, file.name, rows, source, progress, total, unescape=True))
        for _ in rows:  # what the header search left unread is still checked
            pass
    return _ordered(source)


def spec_files() -> str:
    return ", ".join(f"{s.key}.csv" for s in sheet_specs())


def _read_csv_directory(path: Path, progress: Progress | None, default_park: str | None) -> Source:
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    source = _read_csv_files(path, files, progress, kind="csv-directory", default_park=default_park)
    source.ignored.extend(
        sorted(p.name for p in path.iterdir() if p.is_file() and p.suffix.lower() != ".csv")
    )
    if not source.sheets and not source.problems:
        raise UnreadableFile(
            msg(
                "{path}: no CSV file named after a sheet; expected {files}",
                path=path,
                files=spec_files(),
            )
        )
    return source


# -- JSON ---------------------------------------------------------------------------------


def _read_json(path: Path, default_park: str | None = None) -> Source:
    raw = path.read_bytes()
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise UnreadableFile(msg("{file}: the file is empty", file=path.name))
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UnreadableFile(
            msg("{file}: this is not UTF-8 text, so not a parkloop JSON export", file=path.name)
        ) from None
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            msg(
                "{file}: not valid JSON (line {lineno}, column {colno}: {msg})",
                file=path.name,
                lineno=str(exc.lineno),
                colno=str(exc.colno),
                msg=exc.msg,
            )
        ) from None
    except RecursionError:
        raise UnreadableFile(msg("{file}: the JSON is nested too deeply", file=path.name)) from None
    except ValueError as exc:  # an integer of thousands of digits
        raise UnreadableFile(
            msg("{file}: not valid JSON ({exc})", file=path.name, exc=exc)
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("sheets"), dict):
        raise UnreadableFile(
            msg(
                '{file}: not a parkloop export; expected an object with "sheets": '
                "{{sheet key: [rows]}}",
                file=path.name,
            )
        )
    version = document.get("version", JSON_VERSION)
    if not isinstance(version, int) or version > JSON_VERSION:
        raise UnreadableFile(
            msg(
                "{file}: made by a newer parkloop (format version {version}); upgrade parkloop",
                file=path.name,
                version=version,
            )
        )
    source = Source(path=path, kind="json", default_park=default_park)
    for name, rows in document["sheets"].items():
        spec = match_sheet(str(name))
        if spec is None:
            source.ignored.append(str(name))
            continue
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            source.problems.append(
                Problem(
                    str(name),
                    None,
                    None,
                    "",
                    msg("a sheet must be a list of row objects"),
                    msg('write "sheet": [{"column": value}, ...]'),
                )
            )
            continue
        if not rows:
            continue
        header_map = spec.header_map()
        seen: dict[str, None] = {}
        for row in rows:
            seen.update(dict.fromkeys(row))
        if len(seen) > MAX_SHEET_COLUMNS:
            raise UnreadableFile(
                msg(
                    "{file}: sheet '{sheet}' has {columns} different column names, more than a "
                    "sheet can have; the file is refused as damaged",
                    file=path.name,
                    sheet=name,
                    columns=len(seen),
                )
            )
        # Known columns, and a few unknown ones to name in a warning.
        known = [k for k in seen if _header_key(k, header_map)]
        unknown = [k for k in seen if not _header_key(k, header_map)]
        headers = known + unknown[: max(0, 50 - len(known))]

        def records(
            rows: list[dict[str, Any]] = rows, headers: list[str] = headers
        ) -> Iterator[tuple[int, Sequence[Any]]]:
            # Row n is the n-th object of the list; the keys stand in for a header row.
            yield 0, list(headers)
            for number, row in enumerate(rows, start=1):
                yield number, [row.get(h) for h in headers]

        _add(source, _collect(spec, str(name), records(), source, None))
    return _ordered(source)
