"""Generated files against the importer: never anything but a clean refusal or the truth.

Hypothesis writes workbooks (openpyxl), CSV files (random encodings, delimiters and
quoting, now and then a NUL byte or an unclosed quote) and JSON exports, one sheet each,
with headers taken from the real sheet specs (keys, labels, the words staff use, junk,
repeats) and cells that are mostly plausible and sometimes hostile: huge and non-finite
numbers, formulas and formula errors, invisible and control characters, overlong text,
dates and yes/no where numbers belong.

Each generated file is imported over a database holding a park and two firms. The only
outcomes allowed: a refusal (``ImportProblems``, ``UnreadableFile`` or another
``UserError``) that changed nothing, or an acceptance whose stored names are the names
typed (cleaned as documented). The number of files tried and their outcomes are printed
when each test ends (run the file without ``-n`` to see them) and kept in the test's
``user_properties``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from parkloop.catalog import fold
from parkloop.catalog.sheets import ColumnSpec, SheetSpec, sheet_specs
from parkloop.domain.codes import normalise_code
from parkloop.errors import UserError
from parkloop.services.cells import clean_text
from parkloop.services.exporter import collect
from parkloop.services.importing import ImportProblems, UnreadableFile, import_path
from parkloop.store import changes

# Generated files per test: the SQLite half of the file runs in well under a minute.
EXAMPLES = {"sqlite": 100, "postgresql": 25}
BASE = {
    "parks": [{"code": "kcn-a", "name_vi": "Khu công nghiệp A", "lat": 20.93, "lon": 106.62}],
    "enterprises": [
        {"park": "kcn-a", "code": "thep", "name_vi": "Công ty Thép"},
        {"park": "kcn-a", "code": "ximang", "name_vi": "Công ty Xi măng"},
    ],
}
CODES = ["kcn-f1", "kcn-f2", "thep", "ximang", "moi-1", "Quế Võ 4"]
SPECS = {spec.key: spec for spec in sheet_specs()}
RUNS: Counter[tuple[str, str, str]] = Counter()

# -- cells --------------------------------------------------------------------------------

INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u00ad\u200b"
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừứửữựỳ"
TEXT = st.text(
    alphabet=st.sampled_from(LETTERS + LETTERS.upper() + " 0123456789-.,;:'\"=+@/()\n\t")
    | st.sampled_from(INVISIBLE + "\x00\x01\x7f\ufeff")
    | st.characters(),
    max_size=30,
)
HOSTILE: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    TEXT,
    st.sampled_from(
        [
            "=A1*2",
            "=SUM(B2:B9)",
            "#DIV/0!",
            "#N/A",
            "-0",
            " 12 ",
            "12 tấn tấn",
            "1e400",
            "NaN",
            "inf",
            "2024-13",
            "m3/kg",
            "01/01/9999",
            "'=quoted",
            "x" * 600,
            "1" * 40,
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.just(10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)),
)


def plausible(col: ColumnSpec) -> st.SearchStrategy[Any]:
    """What staff would type in the column."""
    key, kind = col.key, col.type
    if key == "park":
        return st.sampled_from(["kcn-a", "KCN A", "Khu công nghiệp A"])
    if key == "code":
        return st.sampled_from(CODES)
    if kind in ("org", "org_ref"):
        return st.sampled_from(["thep", "ximang", "Công ty Thép", "kcn-a:thep"])
    if col.enum is not None:
        members = list(col.enum)
        return st.sampled_from([m.value for m in members] + [m.label("vi") for m in members] + [""])
    fixed = {
        "period": ["2024", "2024-Q1", "Q4/2023", "2024-03", "Năm 2024", 2024],
        "date": ["01/02/2024", "2024-12-31", datetime(2024, 5, 1)],
        "bool": ["có", "không", "yes", "x", True, False],
        "material": ["steel-slag", "xỉ thép", "Tro bay từ lò hơi", "fresh-water", "vải vụn"],
        "material_code": [None, "steel-slag", "coal"],
        "unit": ["t", "tấn", "kg", "m3/ngày", "tấn/tháng", "MWh", "khối"],
        "vsic": ["24", "2410", "Dệt nhuộm vải", "01"],
        "waste_code": ["05 01 02", "10 02 02*", "16 06 01*"],
        "province": ["Bắc Ninh", "TP HCM", "Bình Dương"],
        "destination": ["chôn lấp", "Bán rẻ cho cơ sở tái chế", "sold"],
        "region": ["red-river-delta", "Đồng bằng sông Hồng"],
        "list": ["ISO 14001; ISO 50001", ""],
    }.get(kind)
    if fixed is not None:
        return st.sampled_from(fixed)
    if kind == "integer":
        low = int(col.min) if col.min is not None else 0
        high = int(col.max) if col.max is not None else 10**6
        return st.integers(low, high) | st.integers(low, high).map(str)
    if kind == "number":
        low = col.min if col.min is not None else -1e6
        high = col.max if col.max is not None else 1e9
        return st.floats(low, high, allow_nan=False) | st.sampled_from(
            ["12.500", "1.234,5", "1,234.5", "12,5", "150.000 đ", "3"]
        )
    if key == "tax_code":
        return st.sampled_from(["0201234567", "0201234567-001", ""])
    if key == "country":
        return st.sampled_from(["", "VN", "vn"])
    if key in ("lat", "lon"):
        return st.floats(*((8.5, 23) if key == "lat" else (102.5, 109.5)))
    return TEXT


@st.composite
def sheets(draw: st.DrawFn) -> tuple[SheetSpec, list[Any], list[list[Any]]]:
    """A sheet spec, its header as written, and rows of cells."""
    spec = SPECS[draw(st.sampled_from(sorted(SPECS)))]
    columns = [c for c in spec.columns if c.required or draw(st.integers(0, 3)) == 0] or list(
        spec.columns
    )
    header: list[Any] = []
    kinds: list[ColumnSpec | None] = []
    for col in columns:
        if col.required and draw(st.integers(0, 39)) == 0:
            continue  # a required column left out
        header.append(draw(st.sampled_from([col.key, col.label_vi, col.label_en, *col.aliases])))
        kinds.append(col)
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(header)))
        junk = draw(st.sampled_from(["Ghi chú thêm", "STT", "", "park", *header[:1]]) | TEXT)
        header.insert(at, junk)
        kinds.insert(at, None)
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        # Half the rows as staff type them; the others with a hostile cell or two.
        hostile = draw(st.sets(st.integers(0, max(len(kinds) - 1, 0)), max_size=2))
        if draw(st.booleans()):
            hostile = set()
        rows.append(
            [
                draw(HOSTILE) if c is None or i in hostile else draw(plausible(c))
                for i, c in enumerate(kinds)
            ]
        )
    return spec, header, rows


# -- files --------------------------------------------------------------------------------


SURROGATES = re.compile("[\ud800-\udfff]")


def for_xlsx(value: Any) -> Any:
    """A cell openpyxl can write: no control characters or lone surrogates (which a
    workbook cannot hold), no integers of hundreds of digits."""
    if isinstance(value, str):
        return SURROGATES.sub("", ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**300:
        return str(value)[:300]
    return value


def as_written(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def for_json(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


@st.composite
def files(draw: st.DrawFn, fmt: str) -> tuple[str, Any, SheetSpec, list[Any], list[list[Any]]]:
    spec, header, rows = draw(sheets())
    name = draw(st.sampled_from([spec.key, spec.label_vi, spec.label_en]))
    if fmt == "xlsx":
        return (
            name,
            None,
            spec,
            [for_xlsx(h) for h in header],
            [[for_xlsx(v) for v in r] for r in rows],
        )
    if fmt == "json":
        return name, None, spec, header, rows
    options = {
        "encoding": draw(
            st.sampled_from(["utf-8"] * 4 + ["utf-8-sig", "utf-16", "utf-16-le", "cp1258"])
        ),
        "delimiter": draw(st.sampled_from([",", ";", "\t"])),
        "quoting": draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        "damage": draw(st.sampled_from([None] * 18 + ["nul", "quote"])),
        "at": draw(st.integers(0, 10**6)),
    }
    return name, options, spec, header, rows


def write(tmp: Path, fmt: str, case: tuple[Any, ...]) -> Path:
    name, options, _, header, rows = case
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = name[:31]
        ws.append(header)
        for row in rows:
            ws.append(row)
        path = tmp / "fuzz.xlsx"
        wb.save(path)
        return path
    if fmt == "json":
        sheet = []
        for row in rows:
            record: dict[str, Any] = {}
            for key, value in zip(header, row, strict=True):
                record[str(key)] = for_json(value)
            sheet.append(record)
        path = tmp / "fuzz.json"
        # ASCII with escapes: lone surrogates travel as '\\ud800', as JSON allows.
        path.write_text(json.dumps({"sheets": {name: sheet}}), "utf-8")
        return path
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=options["delimiter"], quoting=options["quoting"])
    writer.writerow([as_written(h) for h in header])
    for row in rows:
        writer.writerow([as_written(v) for v in row])
    text = buffer.getvalue()
    if options["damage"] == "quote":
        lines = text.splitlines(keepends=True)
        at = options["at"] % len(lines)
        lines[at] = '"' + lines[at]
        text = "".join(lines)
    data = text.encode(options["encoding"], errors="replace")
    if options["damage"] == "nul":
        at = options["at"] % (len(data) + 1)
        data = data[:at] + b"\x00" + data[at:]
    path = tmp / f"{name}.csv"
    path.write_bytes(data)
    return path


# -- what was typed against what was stored ------------------------------------------------


def state(engine: sa.Engine) -> tuple[dict[str, list[dict[str, Any]]], int]:
    with engine.connect() as conn:
        return collect(conn, None, None), len(changes.recent(conn, limit=100_000))


def typed_names(fmt: str, case: tuple[Any, ...]) -> Iterator[tuple[str, str]]:
    """(code, name) pairs the stored rows must show: rows whose code is one of ours and
    whose name is text that reads back as it was written."""
    _, options, spec, header, rows = case
    if spec.key not in ("parks", "enterprises", "partners"):
        return
    if options is not None and options["encoding"] == "cp1258":
        return
    headers = spec.header_map()
    where = {headers.get(fold(str(h).strip().rstrip("*").strip())): i for i, h in enumerate(header)}
    if "code" not in where or "name_vi" not in where:
        return
    for row in rows:
        code, typed = row[where["code"]], row[where["name_vi"]]
        if code not in CODES or not isinstance(typed, str):
            continue
        if typed[:1] == "'" or (fmt == "xlsx" and typed.startswith("=")):
            continue
        cleaned = clean_text(typed)
        if cleaned:
            yield normalise_code(code), cleaned


def stored_names(engine: sa.Engine, table: str) -> dict[str, set[str]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"select code, name_vi from {table}")).all()
    out: dict[str, set[str]] = {}
    for code, name in rows:
        out.setdefault(code, set()).add(name)
    return out


# -- the tests -----------------------------------------------------------------------------


@pytest.fixture
def counted(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    before = RUNS.copy()
    yield
    made = RUNS - before
    total = sum(made.values())
    outcomes = ", ".join(f"{n} {outcome}" for (_, _, outcome), n in sorted(made.items()))
    request.node.user_properties.append(("generated_files", total))
    for (_, fmt, outcome), n in made.items():
        request.node.user_properties.append(("generated", f"{fmt} {outcome}", n))
    with capsys.disabled():
        print(f"\n{request.node.name}: {total} generated files ({outcomes})")


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_generated_files_are_refused_cleanly_or_stored_as_typed(
    engine: sa.Engine, tmp_path: Path, fmt: str, counted: None
) -> None:
    backend = engine.dialect.name
    base = tmp_path / "base.json"
    base.write_text(json.dumps({"sheets": BASE}, ensure_ascii=False), encoding="utf-8")
    import_path(engine, base)

    @settings(
        max_examples=EXAMPLES.get(backend, 15),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(case=files(fmt))
    def run(case: tuple[Any, ...]) -> None:
        import_path(engine, base)
        before = state(engine)
        for old in tmp_path.glob("fuzz*"):
            old.unlink()
        for old in tmp_path.glob("*.csv"):
            old.unlink()
        path = write(tmp_path, fmt, case)
        try:
            import_path(engine, path)
        except (ImportProblems, UnreadableFile, UserError) as exc:
            assert "Traceback" not in str(exc)
            assert state(engine) == before, "a refused file changed what is stored"
            RUNS[(backend, fmt, type(exc).__name__)] += 1
            return
        RUNS[(backend, fmt, "accepted")] += 1
        table = "parks" if case[2].key == "parks" else "organisations"
        found = stored_names(engine, table)
        for code, name in typed_names(fmt, case):
            assert name in found.get(code, set()), (code, name, found.get(code))

    run()
    assert sum(n for (b, f, _), n in RUNS.items() if (b, f) == (backend, fmt)) > 0
