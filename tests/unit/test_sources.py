"""Opening files: what is refused (empty, renamed binaries, bombs) and how CSV is read."""

import codecs
import json
import unicodedata
import zipfile
from pathlib import Path

import pytest

from parkloop.services.sources import (
    _FORMULA_MARKERS,
    MAX_ZIP_RATIO,
    PROGRESS_EVERY,
    UnreadableFile,
    _has_formula,
    read_source,
    sniff_delimiter,
)
from parkloop.services.template import write_template


def refused(path: Path) -> str:
    with pytest.raises(UnreadableFile) as exc:
        read_source(path)
    message = str(exc.value)
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize("name", ["data.xlsx", "flows.csv", "export.json"])
def test_an_empty_file_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert "empty" in refused(path)


def test_a_blank_csv_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"\r\n  \n")
    assert "empty" in refused(path)


def test_a_renamed_binary_is_refused(tmp_path: Path) -> None:
    blob = bytes(range(256)) * 40
    (tmp_path / "data.xlsx").write_bytes(blob)
    assert "not an Excel workbook" in refused(tmp_path / "data.xlsx")
    (tmp_path / "flows.csv").write_bytes(blob)
    assert "save it as 'CSV UTF-8" in refused(tmp_path / "flows.csv")


def test_an_old_xls_workbook_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    assert "save it as an Excel workbook (.xlsx)" in refused(path)


def test_a_workbook_renamed_to_csv_is_refused(tmp_path: Path) -> None:
    write_template(tmp_path / "t.xlsx", "en")
    (tmp_path / "flows.csv").write_bytes((tmp_path / "t.xlsx").read_bytes())
    assert "rename it to .xlsx" in refused(tmp_path / "flows.csv")


def test_utf16_without_bom_is_refused_but_with_bom_is_read(tmp_path: Path) -> None:
    text = "park,code,name_vi\nkcn,a,Công ty A\n"
    path = tmp_path / "enterprises.csv"
    path.write_bytes(text.encode("utf-16-le"))
    assert "CSV UTF-8" in refused(path)
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    sheet = read_source(path).sheets[0]
    assert sheet.columns["name_vi"] == ["Công ty A"]


def test_latin1_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "parks.csv"
    path.write_bytes("code,name_vi\nx,Caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in refused(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert "not an Office document" in refused(path)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w/>")
    assert "Word document" in refused(path)


def _package(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for name, data in members.items():
            zf.writestr(name, data)


def test_a_workbook_bomb_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    _package(path, {"xl/worksheets/sheet1.xml": bytes(32 * 2**20)})
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size / info.compress_size > MAX_ZIP_RATIO
    message = refused(path)
    assert "workbook bomb" in message


def test_a_package_with_too_many_parts_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    _package(path, {f"xl/media/{i}.bin": b"" for i in range(10_001)})
    assert "parts" in refused(path)


def test_xml_entities_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xlsx"
    lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><sst>&lol;</sst>'
    _package(path, {"xl/sharedStrings.xml": lol})
    assert "unsafe" in refused(path)


def test_a_damaged_workbook_gives_a_message(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    _package(path, {"xl/_rels/workbook.xml.rels": b"<not-closed"})
    assert "cannot be read" in refused(path)


def test_broken_json_gives_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text('{"sheets": {"parks": [\n  {"code": "a",}\n]}}', encoding="utf-8")
    assert "line 2" in refused(path)
    path.write_text('["not", "an", "export"]', encoding="utf-8")
    assert "not a parkloop export" in refused(path)
    path.write_text(json.dumps({"version": 99, "sheets": {}}), encoding="utf-8")
    assert "newer parkloop" in refused(path)


def test_unknown_file_kinds_and_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "data.ods").write_bytes(b"x")
    assert "save it as an Excel workbook" in refused(tmp_path / "data.ods")
    (tmp_path / "data.txt").write_bytes(b"x")
    assert ".xlsx" in refused(tmp_path / "data.txt")
    assert "no such file" in refused(tmp_path / "missing.xlsx")
    (tmp_path / "stuff.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert "name a CSV file after its sheet" in refused(tmp_path / "stuff.csv")


@pytest.mark.parametrize(
    ("line", "expected"),
    [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ('"x;y",b,c', ","), ("single", ",")],
)
def test_delimiter_sniffing(line: str, expected: str) -> None:
    assert sniff_delimiter(line + "\n1,2;3\n") == expected


def test_csv_headers_in_either_language_nfd_and_a_title_row(tmp_path: Path) -> None:
    header = unicodedata.normalize("NFD", "Mã khu;Loại đất;Area (ha)")
    text = f'Sử dụng đất 2024;;\n{header}\nkcn;cây xanh;"12,5"\n;;\nkcn;industrial;80\n'
    (tmp_path / "land_use.csv").write_text(text, encoding="utf-8-sig")
    (tmp_path / "NOTES.md").write_text("notes", encoding="utf-8")
    (tmp_path / "evidence.csv").write_text("a,b\n", encoding="utf-8")
    source = read_source(tmp_path)
    assert source.problems == []
    assert source.ignored == ["evidence.csv", "NOTES.md"]
    sheet = source.sheets[0]
    assert sheet.spec.key == "land_use"
    assert sheet.header_row == 2
    assert sheet.row_numbers == [3, 5]  # the blank row 4 is skipped, numbering is kept
    assert sheet.columns["area_ha"] == ["12,5", "80"]


def test_missing_required_and_repeated_columns_are_problems(tmp_path: Path) -> None:
    (tmp_path / "flows.csv").write_text("park,enterprise,Park code\nkcn,a,kcn\n", encoding="utf-8")
    problems = read_source(tmp_path / "flows.csv").problems
    messages = [str(p) for p in problems]
    assert any("repeats column 'park'" in m for m in messages)
    for label in ("Period", "Direction", "Material", "Quantity", "Unit"):
        assert any(f"column '{label}'" in m and "required column is missing" in m for m in messages)


def test_csv_cells_lose_their_formula_escape(tmp_path: Path) -> None:
    (tmp_path / "parks.csv").write_text("code,name_vi,notes\nkcn,A,'=1+1\n", encoding="utf-8")
    assert read_source(tmp_path / "parks.csv").sheets[0].columns["notes"] == ["=1+1"]


def test_the_template_reads_back_with_every_sheet_and_no_rows(tmp_path: Path) -> None:
    for lang in ("vi", "en"):
        path = write_template(tmp_path / f"t-{lang}.xlsx", lang)
        source = read_source(path)
        assert source.problems == []
        assert [s.spec.key for s in source.sheets] == [
            "parks",
            "land_use",
            "enterprises",
            "partners",
            "flows",
            "listings",
            "exchanges",
            "recp_measures",
        ]
        assert all(len(s) == 0 for s in source.sheets)
        assert len(source.ignored) == 2  # instructions and lists


def test_json_rows_are_numbered_from_one(tmp_path: Path) -> None:
    doc = {"sheets": {"parks": [{"code": "a", "name_vi": "A"}, {"code": "b", "name_vi": "B"}]}}
    path = tmp_path / "x.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    sheet = read_source(path).sheets[0]
    assert sheet.row_numbers == [1, 2]


def test_a_second_header_row_in_the_other_language_is_skipped(tmp_path: Path) -> None:
    text = "Mã khu,Mã doanh nghiệp,Tên tiếng Việt\nPark code,Enterprise code,Name (Vietnamese)\n"
    (tmp_path / "enterprises.csv").write_text(text + "kcn,a,Công ty A\n", encoding="utf-8")
    sheet = read_source(tmp_path / "enterprises.csv").sheets[0]
    assert sheet.row_numbers == [3] and sheet.columns["code"] == ["a"]


def test_rows_are_read_alike_across_blocks(tmp_path: Path) -> None:
    # Blank rows, short rows and a second header row where blocks of rows begin and end.
    lines = ["Mã khu,Mã doanh nghiệp,Tên tiếng Việt", "Park code,Enterprise code,Name (Vietnamese)"]
    expected: list[tuple[int, str]] = []
    blank = {PROGRESS_EVERY - 2, PROGRESS_EVERY - 1, PROGRESS_EVERY, 2 * PROGRESS_EVERY + 5}
    for n in range(3, 2 * PROGRESS_EVERY + 40):
        if n in blank:
            lines.append(" , ," if n % 2 else "")
        elif n % 7 == 0:
            lines.append(f"kcn,a{n}")  # no name: a short row
            expected.append((n, f"a{n}"))
        else:
            lines.append(f"kcn,a{n},Công ty {n}")
            expected.append((n, f"a{n}"))
    (tmp_path / "enterprises.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    told: list[tuple[int, int]] = []
    sheet = read_source(
        tmp_path / "enterprises.csv", progress=lambda _, done, total: told.append((done, total))
    ).sheets[0]
    assert list(zip(sheet.row_numbers, sheet.columns["code"], strict=True)) == expected
    assert sheet.columns["name_vi"][:2] == ["Công ty 3", "Công ty 4"]
    assert sheet.columns["name_vi"][expected.index((7, "a7"))] is None
    done = [n for n, _ in told]
    assert done == sorted(done) and told[-1] == (len(expected), len(expected))


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b'<c r="A1" t="s"><v>3</v></c>', False),
        (b'<c r="A1" t="e"><v>#N/A</v></c>', True),
        (b"<c r='A1' t='e'><v>#N/A</v></c>", True),
        (b'<c r="A1"><f>SUM(B1:B2)</f><v>3</v></c>', True),
        (b'<x:c r="A1"><x:f t="shared" ref="A1:A9" si="0"/></x:c>', True),
        (b'<row r="1" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>3</v></c></row>', False),
        (b"<formula1>$A$2:$A$9</formula1><font/>", False),
        (b'<c r="F1" t="str"><v>f e "e</v></c>', False),
    ],
)
def test_a_part_may_hold_formulas_only_where_a_formula_or_an_error_is_written(
    data: bytes, found: bool
) -> None:
    assert _has_formula(data) is found
    assert found is any(marker in data for marker in _FORMULA_MARKERS)
