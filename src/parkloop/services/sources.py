"""Opening what users hand in: a workbook, CSV files or a JSON export, checked before use.

A file is refused with a one-line message when it is not what its name says (an empty
file, a renamed binary, a workbook bomb, broken JSON). What is read comes back as
:class:`RawSheet` columns of raw cell values, with the row numbers the user sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from parkloop.catalog.loader import fold
from parkloop.catalog.sheets import SheetSpec, sheet_specs
from parkloop.errors import UserError
from parkloop.services.cells import csv_unescape
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
        raise UnreadableFile(f"{path}: no such file or directory")
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
            f"{path.name}: {suffix} files cannot be read; open it and save it as an Excel "
            "workbook (.xlsx) or as CSV UTF-8"
        )
    raise UnreadableFile(
        f"{path.name}: give an Excel workbook (.xlsx), a CSV file named after its sheet "
        "(e.g. flows.csv), a directory of CSV files or a parkloop JSON export (.json)"
    )


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(f"{path.name}: the file is empty")
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"{path.name}: the file is {size / 2**20:.0f} MiB, more than the "
            f"{MAX_FILE_BYTES // 2**20} MiB parkloop reads at once; split it into several files"
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
                "no row of column names found in the first rows",
                f"put the column names in the first row, e.g. '{example.label_en}', "
                f"'{example.label_vi}' or '{example.key}'",
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
                    f"this column repeats column '{sheet.headers[key]}'",
                    "keep one of the two columns",
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
                    "a required column is missing",
                    f"add a column '{col.label_en}' (or '{col.label_vi}')",
                )
            )
    positions = list(index.items())
    columns: dict[str, list[Any]] = {key: [] for key, _ in positions}
    appenders = [(columns[key].append, i) for key, i in positions]
    numbers = sheet.row_numbers
    width = max(index.values(), default=-1) + 1
    count = 0
    for number, cells in rows:
        if len(cells) < width:
            cells = [*cells, *([None] * (width - len(cells)))]
        if unescape:
            cells = [csv_unescape(c) if isinstance(c, str) and c[:1] == "'" else c for c in cells]
        if all(
            cells[i] is None or (isinstance(cells[i], str) and not cells[i].strip())
            for _, i in positions
        ):
            continue
        if not count and _is_header(cells, header_map):
            continue  # a second header row, e.g. the labels in the other language
        numbers.append(number)
        for append, i in appenders:
            append(cells[i])
        count += 1
        if count > MAX_SHEET_ROWS:
            raise UnreadableFile(
                f"{source.path.name}: sheet '{name}' has more than {MAX_SHEET_ROWS:,} rows; "
                "split it into several files"
            )
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(f"read {name}", count, total)
    if progress is not None and count:
        progress(f"read {name}", count, count)
    sheet.columns = columns
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
                    f"'{sheet.name}' and '{other.name}' are both the {sheet.spec.label_en} sheet",
                    "merge them into one",
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


def check_workbook_package(path: Path) -> None:
    """Refuse files that are not a real .xlsx package, or that would inflate dangerously."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            f"{path.name}: this is an old Excel 97-2003 file or a password-protected workbook; "
            "remove any password and save it as an Excel workbook (.xlsx)"
        )
    if not zipfile.is_zipfile(path):
        raise UnreadableFile(
            f"{path.name}: this is not an Excel workbook (.xlsx is a zip package; this file is "
            "not one); if it holds CSV text, rename it to .csv"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_zip_members(path, infos)
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")) and info.file_size:
                    with zf.open(info) as member:
                        declares = _declares_dtd(member)
                    if declares:
                        raise UnreadableFile(
                            f"{path.name}: {info.filename} declares a document type or XML "
                            "entities, which an Excel workbook never does; the file is refused "
                            "as unsafe"
                        )
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise UnreadableFile(f"{path.name}: the workbook is damaged ({exc})") from None


def _declares_dtd(member: IO[bytes], chunk: int = 1 << 20) -> bool:
    """Whether an XML part declares a DTD or entities anywhere in it (not only in its first
    bytes: padding can push a declaration far down). Both need '<!DOCTYPE' or '<!ENTITY',
    so the whole part is scanned for them, chunk by chunk with an overlap."""
    tail = b""
    while block := member.read(chunk):
        window = tail + block
        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
            return True
        tail = window[-16:]
    return False


def _check_zip_members(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    names = {i.filename for i in infos}
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UnreadableFile(
            f"{path.name}: the package holds {len(infos):,} parts, more than any workbook "
            "needs; the file is refused as unsafe"
        )
    if "[Content_Types].xml" not in names:
        raise UnreadableFile(
            f"{path.name}: this zip file is not an Office document; save the data as an Excel "
            "workbook (.xlsx)"
        )
    if "xl/workbook.xml" not in names:
        kind = "a Word document" if "word/document.xml" in names else "not an Excel workbook"
        raise UnreadableFile(
            f"{path.name}: this is {kind}; save the data as an Excel workbook (.xlsx)"
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFile(f"{path.name}: the workbook is encrypted; remove the password")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > MAX_ZIP_MEMBER_BYTES
            or total > MAX_ZIP_TOTAL_BYTES
            or (info.file_size > 2**20 and ratio > MAX_ZIP_RATIO)
        ):
            raise UnreadableFile(
                f"{path.name}: {info.filename} would inflate to {info.file_size / 2**20:,.0f} MiB "
                f"(compressed {ratio:,.0f} to 1); the file is refused as a possible workbook bomb"
            )


def _read_workbook(path: Path, progress: Progress | None, default_park: str | None) -> Source:
    check_workbook_package(path)
    from python_calamine import CalamineError, CalamineWorkbook

    source = Source(path=path, kind="xlsx", default_park=default_park)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise UnreadableFile(f"{path.name}: the workbook cannot be read ({exc})") from None
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
                        f"{path.name}: sheet '{name}' claims {ws.total_height:,} rows and "
                        f"{ws.total_width:,} columns, beyond what Excel allows; the file is "
                        "refused as damaged"
                    )
                cells = ws.to_python(skip_empty_area=False)
                rows = (
                    (number, row[:MAX_COLUMNS_READ]) for number, row in enumerate(cells, start=1)
                )
                _add(source, _collect(spec, name, rows, source, progress, total=len(cells) - 1))
            except UserError:
                raise
            except Exception as exc:  # calamine raises several types for damaged sheets
                raise UnreadableFile(
                    f"{path.name}: sheet '{name}' cannot be read ({exc})"
                ) from None
    finally:
        workbook.close()
    if not source.sheets and not source.problems:
        raise UnreadableFile(
            f"{path.name}: no sheet is a parkloop sheet; name the sheets {_expected_names()} "
            "or use `parkloop template` to get a workbook to fill in"
        )
    return _ordered(source)


# -- CSV ----------------------------------------------------------------------------------


def decode_csv(path: Path) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    raw = path.read_bytes()
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise UnreadableFile(f"{path.name}: the file is empty")
    if raw.startswith(b"PK\x03\x04"):
        raise UnreadableFile(
            f"{path.name}: this is a zip package (an Excel workbook?), not CSV text; rename it "
            "to .xlsx, or save it as CSV UTF-8"
        )
    save_as = "open it in Excel and save it as 'CSV UTF-8 (Comma delimited)'"
    try:
        if raw.startswith(codecs.BOM_UTF8):
            text = raw[3:].decode("utf-8")
        elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile(f"{path.name}: this is not UTF-8 text; {save_as}") from None
    if "\x00" in text:
        raise UnreadableFile(f"{path.name}: this is a binary file, not CSV text; {save_as}")
    if not text.strip():
        raise UnreadableFile(f"{path.name}: the file is empty")
    return text


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


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, Sequence[Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, record in enumerate(reader, start=1):
        yield number, list(record)


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
                f"{file.name}: name a CSV file after its sheet, e.g. {spec_files()}"
            )
        try:
            rows = _csv_rows(text, sniff_delimiter(text))
            total = text.count("\n")
            _add(source, _collect(spec, file.name, rows, source, progress, total, unescape=True))
        except csv.Error as exc:
            raise UnreadableFile(f"{file.name}: the CSV text is malformed ({exc})") from None
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
        raise UnreadableFile(f"{path}: no CSV file named after a sheet; expected {spec_files()}")
    return source


# -- JSON ---------------------------------------------------------------------------------


def _read_json(path: Path, default_park: str | None = None) -> Source:
    raw = path.read_bytes()
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise UnreadableFile(f"{path.name}: the file is empty")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UnreadableFile(
            f"{path.name}: this is not UTF-8 text, so not a parkloop JSON export"
        ) from None
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise UnreadableFile(f"{path.name}: the JSON is nested too deeply") from None
    if not isinstance(document, dict) or not isinstance(document.get("sheets"), dict):
        raise UnreadableFile(
            f'{path.name}: not a parkloop export; expected an object with "sheets": '
            "{sheet key: [rows]}"
        )
    version = document.get("version", JSON_VERSION)
    if not isinstance(version, int) or version > JSON_VERSION:
        raise UnreadableFile(
            f"{path.name}: made by a newer parkloop (format version {version}); upgrade parkloop"
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
                    "a sheet must be a list of row objects",
                    'write "sheet": [{"column": value}, ...]',
                )
            )
            continue
        if not rows:
            continue
        headers: list[str] = []
        for row in rows:
            for key in row:
                if key not in headers:
                    headers.append(str(key))

        def records(
            rows: list[dict[str, Any]] = rows, headers: list[str] = headers
        ) -> Iterator[tuple[int, Sequence[Any]]]:
            # Row n is the n-th object of the list; the keys stand in for a header row.
            yield 0, list(headers)
            for number, row in enumerate(rows, start=1):
                yield number, [row.get(h) for h in headers]

        _add(source, _collect(spec, str(name), records(), source, None))
    return _ordered(source)
