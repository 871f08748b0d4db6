"""Monthly input/output records in the database: entered by the enterprise or the
operator, imported from a workbook sheet (Vietnamese numbers and staff words), all or
nothing; completeness; the assessment's indicator from them; through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from typer.testing import CliRunner

from parkloop.assessment import indicators as ind
from parkloop.cli import app
from parkloop.domain.permissions import Role, Viewer
from parkloop.errors import NotAllowed, UserError
from parkloop.monitoring.io_records import Group, Stream
from parkloop.services import io_records as service
from parkloop.store import assessment as facts_store
from parkloop.store.schema import organisations, parks

ADMIN = Viewer(Role.ADMIN, name="admin")


@pytest.fixture
def park(engine: sa.Engine) -> dict[str, int]:
    with engine.begin() as conn:
        park_id = conn.execute(
            sa.insert(parks).values(code="kcn", name_vi="KCN Thử")
        ).inserted_primary_key[0]
        ids = {"park": park_id}
        for code, name in (("det-may", "Công ty Dệt may An Phát"), ("thep", "Thép Hòa Bình")):
            ids[code] = conn.execute(
                sa.insert(organisations).values(
                    park_id=park_id, code=code, name_vi=name, certifications=[], clubs=[]
                )
            ).inserted_primary_key[0]
    return ids


HEAD = ["Doanh nghiệp", "Năm", "Tháng", "Loại", "Hạng mục", "Số lượng", "Đơn vị", "Ghi chú"]


def _book(path: Path, rows: list[list[object]], sheet: str = "Đầu vào đầu ra") -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Hướng dẫn"
    first.append(["Nhập số liệu hằng tháng ở trang sau"])
    data = book.create_sheet(sheet)
    data.append(["Sổ theo dõi đầu vào, đầu ra năm 2025"])
    data.append(HEAD)
    for row in rows:
        data.append(row)
    book.save(path)
    return path


def _year(org: str, months: range) -> list[list[object]]:
    rows: list[list[object]] = []
    for m in months:
        rows += [
            [org, 2025, m, "Điện", "", "125.400", "kWh", ""],
            [org, 2025, m, "nhiên liệu", "than cám", "12,5", "tấn", ""],
            [org, 2025, m, "Nước cấp", "", "3.200", "m3", ""],
            [org, 2025, m, "nước thải", "", "2.750", "khối", ""],
            [org, 2025, m, "nguyên vật liệu", "Sợi cotton", "85,25", "tấn", ""],
        ]
    return rows


def test_import_reads_vietnamese_numbers_keeps_words_and_is_idempotent(
    engine: sa.Engine, park: dict[str, int], tmp_path: Path
) -> None:
    path = _book(tmp_path / "io.xlsx", _year("det-may", range(1, 13)))
    done = service.import_sheet(engine, "kcn", ADMIN, path)
    assert (done.sheet, done.rows, done.added, done.changed) == ("Đầu vào đầu ra", 60, 60, 0)
    again = service.import_sheet(engine, "kcn", ADMIN, path)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 60)
    found = service.records(engine, "kcn", ADMIN, 2025)
    january = {r.stream: r for r in found if r.month == 1}
    assert january[Stream.ELECTRICITY].quantity == pytest.approx(125.4)  # MWh
    assert january[Stream.ELECTRICITY].entered_quantity == 125400
    assert january[Stream.FUEL].item == "coal" and january[Stream.FUEL].item_text == "than cám"
    assert january[Stream.FUEL].quantity == 12.5
    assert january[Stream.WASTEWATER_OUT].quantity == 2750
    assert january[Stream.MATERIAL].item_text == "Sợi cotton"
    [year] = service.year_completeness(engine, "kcn", ADMIN, 2025, "det-may")
    assert year.completeness.monitored


def test_a_sheet_with_bad_rows_imports_nothing_and_names_each_row(
    engine: sa.Engine, park: dict[str, int], tmp_path: Path
) -> None:
    rows = [
        *_year("det-may", range(1, 2)),
        ["khong-co", 2025, 1, "Điện", "", "1", "kWh", ""],
        ["thep", 2025, 13, "Điện", "", "1", "kWh", ""],
        ["thep", 2025, 1, "mưa", "", "1", "kWh", ""],
        ["thep", 2025, 1, "Điện", "", "1", "kWh/ngày", ""],
        ["thep", 2025, 1, "nhiên liệu", "nước mắm", "1", "tấn", ""],
        ["det-may", 2025, 1, "Điện", "", "2", "kWh", ""],
    ]
    path = _book(tmp_path / "bad.xlsx", rows)
    with pytest.raises(UserError) as caught:
        service.import_sheet(engine, "kcn", ADMIN, path)
    said = [d.render("en") for d in caught.value.said_details]
    assert len(said) == 6
    assert said[0].startswith("row 8, enterprise: no enterprise 'khong-co'")
    assert said[1].startswith("row 9, month: not a month")
    assert said[2].startswith("row 10, stream: 'mưa' is not a kind of record")
    assert said[3].startswith("row 11, unit: 'kWh/ngày' is not a unit of electricity")
    assert said[4].startswith("row 12, item: 'nước mắm' is not a fuel")
    assert said[5].startswith("row 13 repeats row 3")
    assert service.records(engine, "kcn", ADMIN) == []


def test_enterprise_enters_and_sees_only_its_own_operator_all(
    engine: sa.Engine, park: dict[str, int]
) -> None:
    own = Viewer(Role.ENTERPRISE, park_id=park["park"], org_id=park["thep"], name="thep")
    record = service.add(
        engine,
        "kcn",
        own,
        org="thep",
        month="T3/2025",
        stream="điện",
        quantity="1.250,5",
        unit="MWh",
    )
    assert (record.year, record.month, record.quantity) == (2025, 3, 1250.5)
    with pytest.raises(NotAllowed):
        service.add(
            engine,
            "kcn",
            own,
            org="det-may",
            month=3,
            year=2025,
            stream="điện",
            quantity=1,
            unit="kWh",
        )
    operator = Viewer(Role.OPERATOR, park_id=park["park"], name="operator:kcn")
    service.add(
        engine,
        "kcn",
        operator,
        org="Công ty Dệt may An Phát",
        month="2025-03",
        stream="hóa chất",
        item="Xút NaOH 32%",
        quantity="850",
        unit="kg",
    )
    assert {r.org_code for r in service.records(engine, "kcn", own)} == {"thep"}
    assert {r.org_code for r in service.records(engine, "kcn", operator)} == {"thep", "det-may"}
    assert service.records(engine, "kcn", Viewer(Role.AUTHORITY, name="authority")) == []
    with pytest.raises(NotAllowed):
        service.year_completeness(engine, "kcn", own, 2025, "det-may")
    chemicals = service.year_completeness(engine, "kcn", operator, 2025, "det-may")[0]
    assert Group.CHEMICALS in chemicals.completeness.expected
    with pytest.raises(UserError):
        service.add(
            engine, "kcn", operator, org="thep", month=3, stream="điện", quantity=1, unit="kWh"
        )


def test_assessment_facts_carry_the_records_and_the_indicator_uses_them(
    engine: sa.Engine, park: dict[str, int], tmp_path: Path
) -> None:
    rows = _year("det-may", range(1, 13)) + _year("thep", range(1, 10))
    service.import_sheet(engine, "kcn", ADMIN, _book(tmp_path / "io.xlsx", rows))
    with engine.connect() as conn:
        row = facts_store.park_row(conn, "kcn")
        assert row is not None
        facts = facts_store.park_facts(conn, row, 2025)
        outside = facts_store.park_facts(conn, row, 2025, Viewer(Role.PUBLIC, name="public"))
    obs = ind.io_monitoring(facts)
    assert obs is not None and obs.value is True  # 1 of 2: 50 %
    assert obs.used[0].rows == 105 and "1 of 2 enterprises" in obs.used[0].detail
    assert ind.io_monitoring(outside) is None  # the public sees neither records nor flows


def test_cli_imports_lists_and_shows_completeness_in_vietnamese(
    db_url: str, park: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    path = _book(tmp_path / "io.xlsx", _year("thep", range(1, 13))[:-1])
    runner = CliRunner()
    base = ["--db", db_url]
    done = runner.invoke(app, [*base, "io-records", "import", "--park", "kcn", str(path)])
    assert done.exit_code == 0, done.output
    assert "59 dòng; thêm 59" in done.output
    shown = runner.invoke(
        app, [*base, "io-records", "completeness", "--park", "kcn", "--year", "2025"]
    )
    assert shown.exit_code == 0, shown.output
    assert "11/12" in shown.output and "T12: nguyên vật liệu" in shown.output
    listed = runner.invoke(
        app,
        [*base, "io-records", "list", "--park", "kcn", "--year", "2025", "--org", "thep", "--json"],
    )
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.output)
    assert len(data) == 59 and data[0]["org_code"] == "thep"
    assert {d["item_text"] for d in data if d["stream"] == "fuel"} == {"than cám"}
    refused = runner.invoke(
        app,
        [
            *base,
            "--as",
            "enterprise:kcn:thep",
            "io-records",
            "add",
            "--park",
            "kcn",
            "--org",
            "det-may",
            "--month",
            "1/2025",
            "--stream",
            "điện",
            "--quantity",
            "1",
            "--unit",
            "kWh",
        ],
    )
    assert refused.exit_code == 1
