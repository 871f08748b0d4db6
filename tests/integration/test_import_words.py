"""The inventory as staff write it: corrections that update, problems said once, the review
queue, single-record changes and who may make them (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from parkloop.cli import main
from parkloop.domain.permissions import Role, Viewer
from parkloop.errors import UserError
from parkloop.services import records
from parkloop.services.importing import ImportProblems, import_path
from parkloop.services.importing.owned import read_per_kilogram

PARK = [["Mã KCN", "Tên KCN", "Tỉnh"], ["Quế Võ 9", "Khu công nghiệp Quế Võ 9", "Bắc Ninh"]]
FIRMS = [
    ["KCN", "Tên doanh nghiệp", "Ngành nghề"],
    ["Quế Võ 9", "Công ty TNHH Dệt nhuộm Hòa Bình", "Dệt nhuộm vải"],
    ["Quế Võ 9", "Công ty CP Xi măng Quế Võ", "Sản xuất xi măng"],
]
FLOWS = [
    [
        "KCN",
        "Doanh nghiệp",
        "Năm",
        "Đầu vào/Đầu ra",
        "Tên chất thải",
        "Khối lượng",
        "ĐVT",
        "Hình thức xử lý",
    ],
    [
        "KCN Quế Võ 9",
        "Dệt nhuộm Hòa Bình",
        "2024",
        "Ra",
        "Tro bay lò hơi",
        "1.200",
        "tấn/năm",
        "Chôn lấp",
    ],
    [
        "KCN Quế Võ 9",
        "Dệt nhuộm Hòa Bình",
        "2024",
        "Ra",
        "Vải vụn",
        "36,5",
        "tấn/tháng",
        "Bán rẻ cho cơ sở tái chế",
    ],
    [
        "KCN Quế Võ 9",
        "Xi măng Quế Võ",
        "2024",
        "Vào",
        "Thạch cao tự nhiên",
        "18.000",
        "tấn/năm",
        None,
    ],
]


def write(directory: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    return directory


def park_files(tmp: Path, flows: list[list[Any]] | None = None) -> Path:
    return write(tmp, {"parks": PARK, "enterprises": FIRMS, "flows": flows or FLOWS})


def cli(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def stored(engine: sa.Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def test_a_park_typed_as_staff_write_it_imports_with_words_kept(
    engine: sa.Engine, tmp_path: Path
) -> None:
    report = import_path(engine, park_files(tmp_path / "a"))
    assert report.sheets["flows"].created == 3
    assert stored(engine, "select code, name_vi, province, province_text from parks") == [
        ("que-vo-9", "Khu công nghiệp Quế Võ 9", "Bắc Ninh", "Bắc Ninh")
    ]
    rows = dict(
        (r[0], r[1:])
        for r in stored(
            engine,
            "select material_text, material_code, quantity, destination, destination_text, "
            "price_status from flows",
        )
    )
    assert rows["Tro bay lò hơi"][:2] == ("fly-ash", 1200.0)  # '1.200' is one thousand two hundred
    assert rows["Vải vụn"][0] == "textile-scrap" and rows["Vải vụn"][1] == pytest.approx(438.0)
    assert rows["Vải vụn"][2:] == ("sold_low", "Bán rẻ cho cơ sở tái chế", "estimate")
    assert rows["Thạch cao tự nhiên"][4] == "estimate"  # a purchase price from the catalog
    sectors = dict(stored(engine, "select code, vsic from organisations"))
    assert sectors["det-nhuom-hoa-binh"].startswith("13")
    assert sectors["xi-mang-que-vo"].startswith("23")


def test_an_output_sent_to_a_hazardous_waste_treater_is_hazardous_waste(
    engine: sa.Engine, tmp_path: Path
) -> None:
    sludge = ["KCN Quế Võ 9", "Dệt nhuộm Hòa Bình", "2024", "Ra", "Bùn thải HTXLNT", "30"]
    flows = [
        FLOWS[0],
        [*sludge, "tấn/tháng", "Thuê xử lý CTNH"],
        [
            "KCN Quế Võ 9",
            "Xi măng Quế Võ",
            "2024",
            "Ra",
            "Bùn thải HTXLNT",
            "5",
            "tấn/tháng",
            "Chôn lấp",
        ],
    ]
    import_path(engine, park_files(tmp_path / "h", flows))
    read = dict(stored(engine, "select org_id, material_code from flows"))
    firms = dict(stored(engine, "select code, id from organisations"))
    assert read[firms["det-nhuom-hoa-binh"]] == "hazardous-waste"  # the staff's destination
    assert read[firms["xi-mang-que-vo"]] == "industrial-sludge"


def test_a_corrected_row_updates_its_flow_and_the_report_says_what_changed(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, park_files(tmp_path / "a"))
    corrected = [row[:] for row in FLOWS]
    corrected[1][4] = "Tro đáy lò hơi"  # the material was wrong
    corrected[1][5] = "1.250"
    # The same workbook, corrected and imported again.
    report = import_path(engine, park_files(tmp_path / "a", corrected))
    assert report.sheets["flows"].created == 0 and report.sheets["flows"].updated == 3
    assert stored(engine, "select count(*) from flows") == [(3,)]
    changed = {(c.column, c.old, c.new) for c in report.changes}
    assert ("material_code", "fly-ash", "bottom-ash") in changed
    assert ("material_text", "Tro bay lò hơi", "Tro đáy lò hơi") in changed
    assert ("entered_quantity", 1200.0, 1250.0) in changed
    # Importing the same file again changes nothing.
    again = import_path(engine, park_files(tmp_path / "a", corrected))
    assert again.changes == [] and again.sheets["flows"].updated == 3


def test_a_problem_repeated_on_many_rows_is_reported_once_with_the_rows(
    engine: sa.Engine, tmp_path: Path
) -> None:
    flows = [FLOWS[0]] + [
        ["KCN Không Có", "Dệt nhuộm Hòa Bình", "2024", "Ra", "Tro bay", str(n), "tấn", None]
        for n in range(1, 67)
    ]
    with pytest.raises(ImportProblems) as info:
        import_path(engine, park_files(tmp_path / "a", flows))
    lines = [line for line in info.value.details if "KCN Không Có" in line]
    assert len(lines) == 1
    assert "rows 2-67 (66 rows)" in lines[0] and "no park 'KCN Không Có'" in lines[0]
    assert stored(engine, "select count(*) from flows") == [(0,)]


def test_an_ambiguous_number_column_with_nothing_to_settle_it_is_refused_with_both_readings(
    engine: sa.Engine, tmp_path: Path
) -> None:
    base = {
        "parks": [["code", "name_vi"], ["p", "P"]],
        "enterprises": [["park", "code", "name_vi"], ["p", "a", "A"]],
    }
    import_path(engine, write(tmp_path / "base", base))
    # Headers half in Vietnamese, half in English, no Vietnamese text: nothing says how
    # '12.500' is meant.
    flows = [
        ["Mã khu", "Mã doanh nghiệp", "Kỳ", "Chiều", "Material", "Quantity", "Unit", "Note"],
        ["p", "a", "2024", "out", "steel-slag", "12.500", "t", ""],
        ["p", "a", "2024", "out", "fly-ash", "180.000", "t", ""],
    ]
    path = write(tmp_path / "flows", {"flows": flows})
    with pytest.raises(ImportProblems) as info:
        import_path(engine, path)
    (line,) = [d for d in info.value.details if "12.500" in d]
    assert "12500" in line and "12.5" in line and "--decimal ," in line
    report = import_path(engine, path, decimal=",")
    assert report.sheets["flows"].created == 2
    assert sorted(stored(engine, "select quantity from flows")) == [(12500.0,), (180000.0,)]


def test_a_vietnamese_workbook_reads_thousands_and_its_coordinates_as_people_do(
    engine: sa.Engine, tmp_path: Path
) -> None:
    sheets = {
        "parks": [
            ["Mã khu", "Tên tiếng Việt", "Vĩ độ", "Kinh độ"],
            ["p", "Khu P", "20.930", "106.615"],
        ],
        "enterprises": [["Mã khu", "Mã doanh nghiệp", "Tên tiếng Việt"], ["p", "a", "Công ty A"]],
        "flows": [
            ["Mã khu", "Mã doanh nghiệp", "Kỳ", "Chiều", "Vật liệu", "Khối lượng", "Đơn vị"],
            ["p", "a", "2024", "ra", "Xỉ thép", "12.500", "tấn"],
            ["p", "a", "2024", "ra", "Tro bay", "180.000", "tấn"],
        ],
    }
    report = import_path(engine, write(tmp_path / "a", sheets))
    assert report.sheets["flows"].created == 2
    assert sorted(stored(engine, "select quantity from flows")) == [(12500.0,), (180000.0,)]
    assert stored(engine, "select lat, lon from parks") == [(20.93, 106.615)]
    assert any("12.500" in w and "12500" in w for w in report.warnings)


def test_a_unit_in_the_header_or_the_cell_and_a_price_per_its_own_unit(
    engine: sa.Engine, tmp_path: Path
) -> None:
    flows = [
        [
            "KCN",
            "Doanh nghiệp",
            "Năm",
            "Đầu vào/Đầu ra",
            "Tên chất thải",
            "Khối lượng (tấn/tháng)",
            "Đơn giá",
        ],
        ["Quế Võ 9", "Dệt nhuộm Hòa Bình", "2024", "Ra", "Vải vụn", "2", "3.000 đ/kg"],
        ["Quế Võ 9", "Dệt nhuộm Hòa Bình", "2024", "Ra", "Tro bay", "5 tấn/ngày", None],
    ]
    import_path(engine, park_files(tmp_path / "a", flows))
    rows = dict(
        (r[0], r[1:])
        for r in stored(
            engine, "select material_code, quantity, price_vnd_per_unit, price_status from flows"
        )
    )
    assert rows["textile-scrap"] == (24.0, 3_000_000.0, "reported")
    assert rows["fly-ash"][0] == pytest.approx(5 * 365)


def test_a_bare_purchase_price_a_thousand_times_too_low_is_read_per_kilogram(
    engine: sa.Engine, tmp_path: Path
) -> None:
    header = ["KCN", "Doanh nghiệp", "Năm", "Đầu vào/Đầu ra", "Tên chất thải", "Khối lượng"]
    flows = [
        [*header, "ĐVT", "Đơn giá"],
        ["Quế Võ 9", "Dệt nhuộm Hòa Bình", "2024", "Vào", "Giấy phế liệu", "10", "tấn", "3.900"],
        ["Quế Võ 9", "Dệt nhuộm Hòa Bình", "2024", "Vào", "Thép phế", "10", "tấn", "8.200.000"],
        ["Quế Võ 9", "Dệt nhuộm Hòa Bình", "2024", "Ra", "Vải vụn", "2", "tấn", "3.000"],
        # Read per kilogram it would be 14 times the catalog's price: the staff's own figure.
        ["Quế Võ 9", "Dệt nhuộm Hòa Bình", "2024", "Vào", "Phân bón", "5", "tấn", "50.000"],
    ]
    import_path(engine, park_files(tmp_path / "a", flows))
    rows = {
        r[0]: r[1:]
        for r in stored(engine, "select material_code, price_vnd_per_unit, price_source from flows")
    }
    assert rows["paper-scrap"][0] == 3_900_000.0 and read_per_kilogram(rows["paper-scrap"][1])
    # What was done is said in the default language, from the catalog.
    assert rows["paper-scrap"][1] == (
        "nhập 3.900 không kèm đơn vị, đọc là giá mỗi kg (giá danh mục 3.500.000 VND/t)"
    )
    assert rows["steel-scrap"] == (8_200_000.0, "")  # a price per tonne stays
    assert rows["textile-scrap"][0] == 3_000.0  # a seller's figure is left as typed
    assert rows["fertiliser"] == (50_000.0, "")


def test_a_sheet_without_a_park_column_takes_the_park_given_on_the_command(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, park_files(tmp_path / "a"))
    flows = [[c for n, c in enumerate(r) if n != 0] for r in FLOWS]
    path = write(tmp_path / "b", {"flows": flows})
    with pytest.raises(ImportProblems):
        import_path(engine, path)
    report = import_path(engine, path, park="Quế Võ 9")
    assert report.sheets["flows"].updated == 3


def test_an_unreadable_material_is_imported_for_review_and_settled_by_a_person(
    engine: sa.Engine, tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    flows = [*FLOWS, ["Quế Võ 9", "Dệt nhuộm Hòa Bình", "2024", "Vào", "Vải mộc", "800", "tấn"]]
    report = import_path(engine, park_files(tmp_path / "a", flows))
    assert report.review == 1
    ((flow_id, text, _code),) = stored(
        engine,
        "select id, material_text, material_code from flows where material_code = 'unclassified'",
    )
    assert text == "Vải mộc"
    assert cli("--db", db_url, "materials", "review", "--park", "Quế Võ 9", "--json") == 0
    queue = json.loads(capsys.readouterr().out)
    assert [(q["id"], q["text"]) for q in queue] == [(flow_id, "Vải mộc")]
    assert (
        cli(
            "--db",
            db_url,
            "materials",
            "assign",
            str(flow_id),
            "virgin-cotton-fibre",
            "--by",
            "kỹ sư",
        )
        == 0
    )
    assert stored(
        engine,
        "select material_code, material_text, material_basis, quantity from flows where id = :i",
        i=flow_id,
    ) == [("virgin-cotton-fibre", "Vải mộc", "assigned", 800.0)]
    (actor, detail), *_ = stored(
        engine, "select actor, detail from change_log where action = 'update' order by id desc"
    )
    assert actor == "kỹ sư" and "material_code" in str(detail)


def test_single_record_commands_change_one_thing_and_log_it(
    engine: sa.Engine, tmp_path: Path, db_url: str
) -> None:
    import_path(engine, park_files(tmp_path / "a"))
    ((flow_id,),) = stored(engine, "select id from flows where material_code = 'fly-ash'")
    assert (
        cli("--db", db_url, "flows", "set", str(flow_id), "--quantity", "1.500", "--unit", "tấn")
        == 0
    )
    assert stored(engine, "select quantity from flows where id = :i", i=flow_id) == [(1500.0,)]
    assert cli("--db", db_url, "flows", "set", str(flow_id), "--material", "tro đáy lò hơi") == 0
    assert (
        stored(engine, "select material_code from flows where id = :i", i=flow_id)[0][0]
        != "fly-ash"
    )
    assert (
        cli(
            "--db",
            db_url,
            "enterprises",
            "set",
            "xi-mang-que-vo",
            "--park",
            "que-vo-9",
            "--sector",
            "2394",
        )
        == 0
    )
    assert stored(engine, "select vsic from organisations where code = 'xi-mang-que-vo'") == [
        ("2394",)
    ]
    assert cli("--db", db_url, "flows", "delete", str(flow_id)) == 0
    assert stored(engine, "select count(*) from flows") == [(2,)]
    actions = [a for (a,) in stored(engine, "select action from change_log order by id")]
    assert actions.count("update") == 3 and actions.count("delete") == 1


def test_writes_check_who_is_writing(engine: sa.Engine, tmp_path: Path) -> None:
    import_path(engine, park_files(tmp_path / "a"))
    ((flow_id, park_id, org_id),) = stored(
        engine, "select id, park_id, org_id from flows where material_code = 'fly-ash'"
    )
    ((other,),) = stored(engine, "select id from organisations where id <> :o", o=org_id)
    for viewer in (
        Viewer(Role.PUBLIC),
        Viewer(Role.AUTHORITY),
        Viewer(Role.ENTERPRISE, park_id=park_id, org_id=other),
        Viewer(Role.OPERATOR, park_id=park_id + 1000),
    ):
        with pytest.raises(UserError, match=r"nothing was changed|no flow"):
            records.set_flow(engine, flow_id, viewer, quantity="1")
        with pytest.raises(UserError):
            records.delete_record(engine, "flow", flow_id, viewer)
    assert stored(engine, "select quantity from flows where id = :i", i=flow_id) == [(1200.0,)]
    owner = Viewer(Role.ENTERPRISE, park_id=park_id, org_id=org_id, name="enterprise")
    records.set_flow(engine, flow_id, owner, quantity="1.300")
    assert stored(engine, "select quantity from flows where id = :i", i=flow_id) == [(1300.0,)]


def test_exchange_status_by_code(engine: sa.Engine, tmp_path: Path, db_url: str) -> None:
    sheets = {
        "parks": PARK,
        "enterprises": FIRMS,
        "exchanges": [
            ["park", "key", "supplier", "receiver", "material", "quantity", "unit", "status"],
            [
                "que-vo-9",
                "x-1",
                "Dệt nhuộm Hòa Bình",
                "Xi măng Quế Võ",
                "tro bay",
                "1000",
                "t",
                "đề xuất",
            ],
        ],
    }
    import_path(engine, write(tmp_path / "a", sheets))
    assert (
        cli("--db", db_url, "exchanges", "set-status", "x-1", "đang vận hành", "--park", "Quế Võ 9")
        == 0
    )
    assert stored(engine, "select status, material_code from exchanges") == [("running", "fly-ash")]
    refused = cli(
        "--db",
        db_url,
        "--as",
        "public",
        "exchanges",
        "set-status",
        "x-1",
        "stopped",
        "--park",
        "que-vo-9",
    )
    assert refused == 1
    assert stored(engine, "select status from exchanges") == [("running",)]
