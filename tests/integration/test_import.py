"""Importing workbooks, CSV files and JSON exports into SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from parkloop.catalog.sheets import sheet_spec
from parkloop.cli import main
from parkloop.domain.enums import Confidentiality
from parkloop.services.exporter import collect, export_data
from parkloop.services.importing import ImportProblems, import_path
from parkloop.services.template import write_template
from parkloop.store import changes, schema, writes

Rows = list[dict[str, Any]]

BASE: dict[str, Rows] = {
    "parks": [
        {
            "code": "kcn-a",
            "name_vi": "Khu công nghiệp A",
            "region": "Đồng bằng sông Hồng",
            "lat": 20.93,
            "lon": 106.62,
        },
        {"code": "kcn-b", "name_vi": "Khu công nghiệp B", "total_area_ha": 120},
    ],
    "land_use": [
        {"park": "kcn-a", "land_class": "industrial", "area_ha": 180},
        {"park": "kcn-a", "land_class": "cây xanh", "area_ha": 30},
    ],
    "enterprises": [
        {
            "park": "kcn-a",
            "code": "thep",
            "name_vi": "Công ty Thép",
            "tax_code": "0201234567",
            "vsic": "24",
            "certifications": "ISO 14001; ISO 50001",
            "recp_status": "đang áp dụng",
            "employees": 500,
        },
        {"park": "kcn-a", "code": "nhua", "name_vi": "Công ty Nhựa", "inside_park": "không"},
        {"park": "kcn-b", "code": "ximang", "name_vi": "Xi măng B"},
    ],
    "partners": [
        {
            "park": "kcn-a",
            "code": "moitruong",
            "kind": "đơn vị thu gom",
            "name_vi": "Công ty Môi trường",
        },
    ],
    "flows": [
        {
            "park": "kcn-a",
            "enterprise": "thep",
            "period": "2024",
            "direction": "đầu ra",
            "material": "xỉ thép",
            "quantity": 120000,
            "unit": "tấn",
            "price_vnd_per_unit": 150000,
            "destination": "chôn lấp",
        },
        {
            "park": "kcn-a",
            "enterprise": "thep",
            "period": "2024-Q1",
            "direction": "in",
            "material": "fresh-water",
            "quantity": 500,
            "unit": "m3/ngày",
            "price_vnd_per_unit": 15000,
            "confidentiality": "private",
        },
        {
            "park": "kcn-a",
            "enterprise": "nhua",
            "period": "2024-03",
            "direction": "output",
            "material": "plastic scrap",
            "quantity": 20000,
            "unit": "kg",
            "price_vnd_per_unit": 5000,
            "confidentiality": "riêng tư",
        },
        {
            "park": "kcn-a",
            "enterprise": "nhua",
            "period": "2024",
            "direction": "in",
            "material": "used-oil",
            "quantity": 10,
            "unit": "m3",
            "price_vnd_per_unit": 9_000_000,
        },
        {
            "park": "kcn-a",
            "enterprise": "thep",
            "period": "2024",
            "direction": "in",
            "material": "electricity",
            "quantity": 3600,
            "unit": "GJ",
        },
    ],
    "listings": [
        {
            "park": "kcn-a",
            "enterprise": "thep",
            "kind": "offer",
            "material": "steel-slag",
            "quantity": 50,
            "unit": "t/ngày",
            "available_from": "01/01/2024",
            "available_until": "31/12/2025",
        },
    ],
    "exchanges": [
        {
            "park": "kcn-a",
            "key": "ex-1",
            "supplier": "thep",
            "receiver": "kcn-b:ximang",
            "material": "steel-slag",
            "quantity": 1598,
            "unit": "t/ngày",
            "distance_km": 31,
            "rate_vnd_per_tkm": 2353,
            "tonnes_per_trip": 34,
            "trips_per_day": 47,
            "start_date": "01/03/2024",
            "status": "đang vận hành",
        },
    ],
    "recp_measures": [
        {
            "park": "kcn-a",
            "enterprise": "thep",
            "year": 2024,
            "title": "Thu hồi nhiệt khí thải",
            "category": "hiệu quả năng lượng",
            "implemented": "có",
            "electricity_saved_mwh": 1234.5,
        },
    ],
}


def write_csv_dir(directory: Path, sheets: dict[str, Rows], delimiter: str = ",") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for key, rows in sheets.items():
        columns = [c.key for c in sheet_spec(key).columns if any(c.key in r for r in rows)]
        with (directory / f"{key}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter=delimiter)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return directory


def write_json(path: Path, sheets: dict[str, Rows]) -> Path:
    path.write_text(
        json.dumps({"format": "parkloop", "version": 1, "sheets": sheets}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def state(engine: sa.Engine) -> tuple[dict[str, Rows], int]:
    """Everything stored (as a full export sees it) and the number of change-log entries."""
    with engine.connect() as conn:
        return collect(conn, None, None), len(changes.recent(conn, limit=10_000))


def scalar(engine: sa.Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def flow(engine: sa.Engine, key: str) -> dict[str, Any]:
    with engine.connect() as conn:
        row = (
            conn.execute(sa.select(schema.flows).where(schema.flows.c.key == key)).mappings().one()
        )
        return dict(row)


def problems_of(engine: sa.Engine, path: Path, **kwargs: Any) -> list[str]:
    with pytest.raises(ImportProblems) as exc:
        import_path(engine, path, **kwargs)
    return exc.value.details


# -- what gets stored ---------------------------------------------------------------------------


def test_a_csv_directory_imports_with_canonical_quantities(
    engine: sa.Engine, tmp_path: Path
) -> None:
    report = import_path(engine, write_csv_dir(tmp_path / "data", BASE), actor="tester")
    assert {k: c.created for k, c in report.sheets.items()} == {k: len(v) for k, v in BASE.items()}
    assert not report.dry_run

    slag = flow(engine, "thep:2024:out:xi-thep")
    assert (slag["quantity"], slag["unit"], slag["entered_quantity"], slag["entered_unit"]) == (
        120000,
        "t",
        120000,
        "tấn",
    )
    assert (slag["year"], slag["period_months"], slag["first_month"]) == (2024, 12, 1)
    assert slag["destination"] == "landfill" and slag["confidentiality"] == "park"

    water = flow(engine, "thep:2024-Q1:in:fresh-water")  # 500 m³ a day over a quarter of 91.25 days
    assert water["quantity"] == pytest.approx(500 * 365 / 4, rel=1e-12)
    assert (water["period_months"], water["first_month"], water["confidentiality"]) == (
        3,
        1,
        "private",
    )
    assert water["price_vnd_per_unit"] == pytest.approx(15000, rel=1e-12)

    plastic = flow(engine, "nhua:2024-03:out:plastic-scrap")
    assert plastic["quantity"] == pytest.approx(20.0, rel=1e-12)
    assert plastic["price_vnd_per_unit"] == pytest.approx(5_000_000, rel=1e-12)  # 5,000 VND/kg

    oil = flow(engine, "nhua:2024:in:used-oil")  # through the catalog density, 0.9 t/m³
    assert oil["quantity"] == pytest.approx(9.0, rel=1e-12) and oil["unit"] == "t"
    assert oil["price_vnd_per_unit"] == pytest.approx(10_000_000, rel=1e-12)

    power = flow(engine, "thep:2024:in:electricity")
    assert power["quantity"] == pytest.approx(1000.0, rel=1e-12) and power["unit"] == "MWh"

    with engine.connect() as conn:
        listing = conn.execute(sa.select(schema.listings)).mappings().one()
        exchange = conn.execute(sa.select(schema.exchanges)).mappings().one()
        orgs = schema.organisations
        firm = conn.execute(sa.select(orgs).where(orgs.c.code == "thep")).mappings().one()
        partner = conn.execute(sa.select(orgs).where(orgs.c.code == "moitruong")).mappings().one()
        park = (
            conn.execute(sa.select(schema.parks).where(schema.parks.c.code == "kcn-a"))
            .mappings()
            .one()
        )
        log = changes.recent(conn)
    assert (
        listing["quantity"] == pytest.approx(50 * 365) and listing["key"] == "thep:offer:steel-slag"
    )
    assert listing["available_until"] == date(2025, 12, 31)
    assert exchange["quantity"] == pytest.approx(1598 * 365) and exchange["status"] == "running"
    assert (
        exchange["rate_vnd_per_tkm"],
        exchange["tonnes_per_trip"],
        exchange["trips_per_day"],
    ) == (2353, 34, 47)
    assert exchange["operating_days_per_year"] == 365 and exchange["start_date"] == date(2024, 3, 1)
    assert (
        firm["certifications"] == ["ISO 14001", "ISO 50001"] and firm["recp_status"] == "applying"
    )
    assert firm["kind"] == "enterprise" and firm["inside_park"] is True
    assert partner["kind"] == "collector" and partner["certifications"] == []
    assert park["region"] == "red-river-delta" and park["country"] == "VN"
    assert {entry["park_code"] for entry in log} == {"kcn-a", "kcn-b"}
    assert {entry["actor"] for entry in log} == {"tester"}


def test_importing_twice_updates_rather_than_duplicates(engine: sa.Engine, tmp_path: Path) -> None:
    path = write_csv_dir(tmp_path / "data", BASE)
    import_path(engine, path)
    again = import_path(engine, path)
    assert all(c.created == 0 for c in again.sheets.values())
    assert {k: c.updated for k, c in again.sheets.items()} == {k: len(v) for k, v in BASE.items()}
    assert scalar(engine, "select count(*) from flows") == len(BASE["flows"])
    # Repeated rows without a key get their own keys, stable from one import to the next.
    twice = {**BASE, "flows": BASE["flows"] + [BASE["flows"][0]]}
    path = write_csv_dir(tmp_path / "twice", twice)
    first = import_path(engine, path)
    assert first.sheets["flows"].created == 1
    assert scalar(engine, "select count(*) from flows where key = 'thep:2024:out:xi-thep:2'") == 1
    assert import_path(engine, path).sheets["flows"].created == 0


def test_a_file_with_fewer_columns_leaves_the_other_columns_alone(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, write_csv_dir(tmp_path / "data", BASE))
    renamed = {"parks": [{"code": "kcn-a", "name_vi": "KCN A mới"}]}
    import_path(engine, write_csv_dir(tmp_path / "rename", renamed))
    with engine.connect() as conn:
        park = (
            conn.execute(sa.select(schema.parks).where(schema.parks.c.code == "kcn-a"))
            .mappings()
            .one()
        )
    assert (
        park["name_vi"] == "KCN A mới"
        and park["lat"] == 20.93
        and park["region"] == "red-river-delta"
    )


def test_a_dry_run_writes_nothing(engine: sa.Engine, tmp_path: Path) -> None:
    before = state(engine)
    report = import_path(engine, write_csv_dir(tmp_path / "data", BASE), dry_run=True)
    assert report.dry_run and report.sheets["flows"].created == len(BASE["flows"])
    assert state(engine) == before


def test_a_filled_in_template_imports(engine: sa.Engine, tmp_path: Path) -> None:
    path = write_template(tmp_path / "mau.xlsx", "vi")
    wb = openpyxl.load_workbook(path)

    def fill(sheet: str, rows: Rows) -> None:
        spec = sheet_spec(sheet)
        ws = wb[spec.label("vi")]
        index = {col.key: i + 1 for i, col in enumerate(spec.columns)}
        for r, row in enumerate(rows, start=2):
            for key, value in row.items():
                ws.cell(row=r, column=index[key], value=value)

    nfd = unicodedata.normalize("NFD", "Công ty Thép Hòa Phát")
    fill("parks", [{"code": "kcn-a", "name_vi": "Khu công nghiệp A", "established_year": 2008}])
    fill(
        "enterprises",
        [
            {
                "park": "kcn-a",
                "code": "thep",
                "name_vi": nfd,
                "employees": 500,
                "plans_symbiosis": "x",
            },
            {"park": "kcn-a", "code": "nhua", "name_vi": "Nhựa", "vsic": 22},
        ],
    )
    fill(
        "flows",
        [
            {
                "park": "kcn-a",
                "enterprise": "thep",
                "period": "2024",
                "direction": "đầu ra",
                "material": "Xỉ thép",
                "quantity": 1500.5,
                "unit": "tấn",
                "destination": "bán",
            },
            {
                "park": "kcn-a",
                "enterprise": "nhua",
                "period": datetime(2024, 3, 1),
                "direction": "input",
                "material": "điện",
                "quantity": 12000,
                "unit": "kWh",
            },
        ],
    )
    fill(
        "listings",
        [
            {
                "park": "kcn-a",
                "enterprise": "nhua",
                "kind": "cần mua",
                "material": "plastic-scrap",
                "quantity": 100,
                "unit": "t",
                "available_from": datetime(2024, 1, 15),
                "available_until": "30/06/2024",
            },
        ],
    )
    wb.save(path)

    report = import_path(engine, path)
    assert {k: c.created for k, c in report.sheets.items() if c.created} == {
        "parks": 1,
        "enterprises": 2,
        "flows": 2,
        "listings": 1,
    }
    assert set(report.ignored) == {"Hướng dẫn", "Danh mục"}
    with engine.connect() as conn:
        name = conn.execute(
            sa.text("select name_vi from organisations where code = 'thep'")
        ).scalar()
        listing = conn.execute(sa.select(schema.listings)).mappings().one()
        vsic = conn.execute(sa.text("select vsic from organisations where code = 'nhua'")).scalar()
    assert name == unicodedata.normalize("NFC", nfd)
    assert listing["kind"] == "want"
    assert (listing["available_from"], listing["available_until"]) == (
        date(2024, 1, 15),
        date(2024, 6, 30),
    )
    assert vsic == "22"
    power = flow(
        engine, "nhua:2024-03:in:dien"
    )  # a date cell in the period column is its month; the key keeps the staff's word
    assert power["quantity"] == pytest.approx(12.0) and power["period_months"] == 1


def test_csv_with_semicolons_and_a_decimal_comma(engine: sa.Engine, tmp_path: Path) -> None:
    sheets = {
        "parks": [{"code": "kcn-c", "name_vi": "KCN C", "total_area_ha": "1.234,5"}],
        "enterprises": [{"park": "kcn-c", "code": "bia", "name_vi": "Bia"}],
        "flows": [
            {
                "park": "kcn-c",
                "enterprise": "bia",
                "period": "2024",
                "direction": "out",
                "material": "organic-waste",
                "quantity": "12.500,25",
                "unit": "tấn",
            }
        ],
    }
    path = write_csv_dir(tmp_path / "data", sheets, delimiter=";")
    # '1.234,5' and '12.500,25' can only be read with a decimal comma: no flag is needed.
    report = import_path(engine, path)
    assert scalar(engine, "select total_area_ha from parks") == pytest.approx(1234.5)
    assert scalar(engine, "select quantity from flows") == pytest.approx(12500.25)
    assert report.sheets["flows"].created == 1


# -- problems ---------------------------------------------------------------------------------


PROBLEM = re.compile(
    r"^sheet '[^']+', row \d+, column '[^']+', value ('.*'|\(blank\)): .+; fix: .+$"
)


def test_every_problem_names_sheet_row_column_value_and_fix(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, write_csv_dir(tmp_path / "base", BASE))
    before = state(engine)
    bad = {
        "enterprises": [
            {"park": "kcn-x", "code": "ghost", "name_vi": "Không có khu"},
            {"park": "kcn-a", "code": "thep2", "name_vi": "", "tax_code": "12345"},
        ],
        "partners": [{"park": "kcn-a", "code": "thep", "kind": "utility", "name_vi": "Trùng mã"}],
        "flows": [
            {
                "park": "kcn-a",
                "enterprise": "nobody",
                "period": "2024",
                "direction": "out",
                "material": "steel-slag",
                "quantity": 1,
                "unit": "t",
            },
            {
                "park": "kcn-a",
                "enterprise": "thep",
                "period": "2024-13",
                "direction": "up",
                "material": "unobtainium",
                "quantity": -1,
                "unit": "tấnn",
            },
            {
                "park": "kcn-a",
                "enterprise": "thep",
                "period": "2024",
                "direction": "out",
                "material": "steel-slag",
                "quantity": 5,
                "unit": "MWh",
            },
            {
                "park": "kcn-a",
                "enterprise": "thep",
                "period": "2024",
                "direction": "in",
                "material": "coal",
                "quantity": 5,
                "unit": "t",
                "destination": "landfill",
            },
            {
                "park": "kcn-a",
                "enterprise": "thep",
                "key": "same",
                "period": "2024",
                "direction": "in",
                "material": "coal",
                "quantity": 5,
                "unit": "t",
            },
            {
                "park": "kcn-a",
                "enterprise": "thep",
                "key": "same",
                "period": "2024",
                "direction": "in",
                "material": "coal",
                "quantity": 6,
                "unit": "t",
            },
        ],
        "listings": [
            {
                "park": "kcn-a",
                "enterprise": "thep",
                "kind": "offer",
                "material": "coal",
                "quantity": 1,
                "unit": "t",
                "available_from": "31/12/2024",
                "available_until": "01/01/2024",
            },
            {
                "park": "kcn-a",
                "enterprise": "thep",
                "kind": "offer",
                "material": "coal",
                "quantity": 1,
                "unit": "t",
                "available_from": "12/31/2024",
            },
        ],
        "exchanges": [
            {
                "park": "kcn-a",
                "key": "ex-9",
                "supplier": "thep",
                "receiver": "thep",
                "material": "coal",
                "quantity": 1,
                "unit": "t",
            },
            {
                "park": "kcn-a",
                "key": "ex-10",
                "supplier": "thep",
                "receiver": "kcn-z:ximang",
                "material": "coal",
                "quantity": 1,
                "unit": "t",
            },
        ],
    }
    details = problems_of(engine, write_csv_dir(tmp_path / "bad", bad))
    for line in details:
        assert PROBLEM.match(line), line
    expected = [
        ("enterprises.csv', row 2, column 'park', value 'kcn-x'", "no park 'kcn-x'"),
        ("enterprises.csv', row 3, column 'tax_code', value '12345'", "expected form"),
        ("partners.csv', row 2, column 'code', value 'thep'", "share one list of codes"),
        (
            "flows.csv', row 2, column 'enterprise', value 'nobody'",
            "no enterprise or partner 'nobody'",
        ),
        ("flows.csv', row 3, column 'period', value '2024-13'", "no month 13"),
        ("flows.csv', row 3, column 'direction', value 'up'", "allowed values"),
        ("flows.csv', row 3, column 'quantity', value '-1'", "at least 0"),
        ("flows.csv', row 3, column 'unit', value 'tấnn'", "unknown unit"),
        ("flows.csv', row 4, column 'unit', value 'MWh'", "measured in t"),
        ("flows.csv', row 5, column 'destination', value 'landfill'", "only outputs"),
        ("flows.csv', row 7, column 'key', value 'same'", "repeats row 6"),
        (
            "listings.csv', row 2, column 'available_until', value '01/01/2024'",
            "ends before it starts",
        ),
        ("listings.csv', row 3, column 'available_from', value '12/31/2024'", "mm/dd/yyyy"),
        ("exchanges.csv', row 2, column 'receiver', value 'thep'", "the receiver is the supplier"),
        ("exchanges.csv', row 3, column 'receiver', value 'kcn-z:ximang'", "no park 'kcn-z'"),
    ]
    for where, what in expected:
        assert any(where in d and what in d for d in details), (where, what, details)
    assert len(details) == len(expected)
    assert state(engine) == before


def test_a_missing_required_column_is_one_problem(engine: sa.Engine, tmp_path: Path) -> None:
    import_path(engine, write_csv_dir(tmp_path / "base", BASE))
    path = tmp_path / "flows.csv"
    path.write_text(
        "park,enterprise,period,direction,material,quantity\nkcn-a,thep,2024,in,coal,1\n",
        encoding="utf-8",
    )
    details = problems_of(engine, path)
    assert details == [
        "sheet 'flows.csv', row 1, column 'Unit', value (blank): a required column is missing; "
        "fix: add a column 'Unit' (or 'Đơn vị')"
    ]


def test_a_code_held_by_a_partner_cannot_become_an_enterprise(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, write_csv_dir(tmp_path / "base", BASE))
    clash = {"enterprises": [{"park": "kcn-a", "code": "moitruong", "name_vi": "Trùng"}]}
    details = problems_of(engine, write_csv_dir(tmp_path / "clash", clash))
    assert len(details) == 1 and "already has a partner (collector)" in details[0]


# -- nothing half-written -----------------------------------------------------------------------


def test_a_broken_file_changes_nothing(engine: sa.Engine, tmp_path: Path) -> None:
    import_path(engine, write_csv_dir(tmp_path / "base", BASE))
    before = state(engine)
    broken = {
        **BASE,
        "parks": [*BASE["parks"], {"code": "kcn-new", "name_vi": "Khu mới"}],
        "enterprises": [*BASE["enterprises"], {"park": "kcn-new", "code": "moi", "name_vi": "Mới"}],
        "flows": [{**f, "quantity": f["quantity"] * 2} for f in BASE["flows"]]
        + [{**BASE["flows"][0], "key": "broken", "quantity": "mười"}],
    }
    details = problems_of(engine, write_csv_dir(tmp_path / "broken", broken))
    assert len(details) == 1 and "value 'mười'" in details[0]
    assert state(engine) == before


def test_a_failure_while_writing_changes_nothing(
    engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_path(engine, write_csv_dir(tmp_path / "base", BASE))
    before = state(engine)
    real = writes.upsert_rows

    def fail_on_exchanges(conn: sa.Connection, table: str, *args: Any, **kwargs: Any) -> None:
        if table == "exchanges":
            raise sa.exc.OperationalError("upsert", {}, Exception("disk I/O error"))
        real(conn, table, *args, **kwargs)

    monkeypatch.setattr(writes, "upsert_rows", fail_on_exchanges)
    changed = {
        **BASE,
        "parks": [*BASE["parks"], {"code": "kcn-new", "name_vi": "Khu mới"}],
        "flows": [{**f, "quantity": 1} for f in BASE["flows"]],
    }
    from parkloop.errors import UserError

    with pytest.raises(UserError, match="nothing was written"):
        import_path(engine, write_csv_dir(tmp_path / "changed", changed))
    assert state(engine) == before


# -- export --------------------------------------------------------------------------------------


def test_an_enterprise_never_gets_another_enterprises_private_flows(
    engine: sa.Engine, tmp_path: Path
) -> None:
    from parkloop.domain.permissions import Role, Viewer

    import_path(engine, write_csv_dir(tmp_path / "base", BASE))
    with engine.connect() as conn:
        ids = writes.organisation_ids(conn, ["kcn-a"])
        park_id = writes.park_ids(conn, ["kcn-a"])["kcn-a"]
    for fmt, name in (("json", "x.json"), ("csv", "x"), ("xlsx", "x.xlsx")):
        viewer = Viewer(Role.ENTERPRISE, park_id=park_id, org_id=ids[("kcn-a", "thep")])
        (tmp_path / "thep").mkdir(exist_ok=True)
        out = export_data(engine, tmp_path / "thep" / name, fmt, viewer=viewer)
        other = import_path(engine, out, dry_run=True)  # what thep got
        assert other.sheets["flows"].rows == 4, fmt  # all but nhua's private plastic scrap
        with engine.connect() as conn:
            seen = collect(conn, None, viewer)["flows"]
        assert {f["key"] for f in seen} == {
            "thep:2024:out:xi-thep",
            "thep:2024-Q1:in:fresh-water",
            "thep:2024:in:electricity",
            "nhua:2024:in:used-oil",
        }
        assert all(
            f["enterprise"] == "thep"
            for f in seen
            if f["confidentiality"] == Confidentiality.PRIVATE
        )
    public = Viewer(Role.PUBLIC)
    with engine.connect() as conn:
        data = collect(conn, None, public)
    assert data["flows"] == [] and data["exchanges"] == [] and data["recp_measures"] == []


def test_csv_export_escapes_formula_text_and_writes_numbers_as_numbers(
    engine: sa.Engine, tmp_path: Path
) -> None:
    sheets = {
        "parks": [
            {
                "code": "kcn-f",
                "name_vi": '=HYPERLINK("http://x")',
                "notes": "-5 t",
                "country": "AU",
                "lat": -33.5,
                "lon": 115.8,
            }
        ],
    }
    import_path(engine, write_json(tmp_path / "in.json", sheets))
    out = export_data(engine, tmp_path / "csv", "csv", park_codes=["kcn-f"])
    with (out / "parks.csv").open(encoding="utf-8-sig", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["code"] == "kcn-f")
    assert row["name_vi"] == '\'=HYPERLINK("http://x")' and row["notes"] == "'-5 t"
    assert row["lat"] == "-33.5" and row["lon"] == "115.8"
    import_path(engine, out)  # and it reads back unchanged
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("select name_vi, notes from parks where code = 'kcn-f'")
        ).one()
    assert tuple(stored) == ('=HYPERLINK("http://x")', "-5 t")


def test_text_too_long_for_excel_is_refused_in_xlsx_but_kept_in_json(
    engine: sa.Engine, tmp_path: Path
) -> None:
    from parkloop.errors import UserError

    ring = [[106.6 + i * 1e-6, 20.9] for i in range(2000)]
    boundary = json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
    assert len(boundary) > 32_767
    import_path(
        engine,
        write_json(
            tmp_path / "in.json",
            {"parks": [{"code": "kcn-g", "name_vi": "G", "boundary_geojson": boundary}]},
        ),
    )
    with pytest.raises(UserError, match=r"column boundary_geojson.*export as csv or json"):
        export_data(engine, tmp_path / "out.xlsx", "xlsx")
    assert not (tmp_path / "out.xlsx").exists()
    out = export_data(engine, tmp_path / "out.json", "json")
    assert (
        json.loads(out.read_text(encoding="utf-8"))["sheets"]["parks"][0]["boundary_geojson"]
        == boundary
    )


def test_export_of_an_unknown_park_is_refused(engine: sa.Engine, tmp_path: Path) -> None:
    from parkloop.errors import UserError

    with pytest.raises(UserError, match="no park 'nowhere'"):
        export_data(engine, tmp_path / "x.json", "json", park_codes=["nowhere"])


# -- command line ------------------------------------------------------------------------------


def cli(*args: str) -> int:
    try:
        main(["--lang", "en", *args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_the_command_line(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv_dir(tmp_path / "data", BASE)
    assert cli("--db", db_url, "template", "--lang", "en", "-o", str(tmp_path / "t.xlsx")) == 0
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames[0] == "Instructions"
    assert cli("--db", db_url, "import", str(data), "--dry-run") == 0
    assert "would be written" in capsys.readouterr().out
    assert cli("--db", db_url, "import", str(data)) == 0
    assert "rows were written" in capsys.readouterr().out

    bad = write_csv_dir(tmp_path / "bad", {"flows": [{**BASE["flows"][0], "unit": "xyz"}]})
    assert cli("--db", db_url, "import", str(bad)) == 1
    err = capsys.readouterr().err
    assert "1 problem found; nothing was written" in err and "column 'unit', value 'xyz'" in err
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert cli("--db", db_url, "import", str(tmp_path / "empty.xlsx")) == 1
    assert "the file is empty" in capsys.readouterr().err

    out = tmp_path / "export.json"
    assert (
        cli(
            "--db",
            db_url,
            "--as",
            "enterprise:kcn-a:nhua",
            "export",
            "--format",
            "json",
            "-o",
            str(out),
        )
        == 0
    )
    flows = json.loads(out.read_text(encoding="utf-8"))["sheets"]["flows"]
    assert {f["enterprise"] for f in flows if f["confidentiality"] == "private"} == {"nhua"}
    assert cli("--db", db_url, "export", "--format", "xml", "-o", str(out)) == 2
