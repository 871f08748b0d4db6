"""import(export(x)) == x, for every export format, on random small datasets.

x is what the database holds after importing a generated dataset (Vietnamese text in NFC
or NFD, formula-like text, units typed many ways, rates, densities, prices, dates). It is
exported, the database is emptied, the export is imported, and the database must hold x
again. Stored floats are compared with a relative tolerance of 1e-9: a workbook keeps 16
significant digits, and a price travels as price per canonical unit x unit factor and back.
"""

from __future__ import annotations

import json
import math
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkloop.domain.enums import (
    Confidentiality,
    DataStatus,
    Direction,
    ExchangeStatus,
    LabelledEnum,
    ListingKind,
    OrgKind,
    RecpCategory,
)
from parkloop.services.exporter import export_data
from parkloop.services.importing import import_path
from parkloop.services.importing.owned import read_per_kilogram
from parkloop.store import dump

REL = 1e-9
LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    "AĂÂĐÊÔƠƯ"
)
TRICKY = ["=SUM(A1:A3)", "'=quoted", "-5 t", "+84 912 345", "@home", "  padded  ", "1,5", "0201"]
TEXT = st.sampled_from(TRICKY) | st.text(
    alphabet=LETTERS + " 0123456789-=+@'.,;:()/\n", max_size=24
)
# Codes in their normal form (lowercase words joined by '-'); how typed codes become
# this form is tested in tests/unit/test_codes.py.
CODE = st.from_regex(r"[a-z0-9]{1,4}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
WORD = st.text(alphabet=LETTERS + " 0123456789", min_size=1, max_size=12).filter(str.strip)
# Material -> units a user may type for it, with canonical units per unit typed and the
# length in days of a rate's time unit (an independent table, not parkloop's).
UNITS: dict[str, dict[str, tuple[float, float | None]]] = {
    "steel-slag": {
        "t": (1, None),
        "tấn": (1, None),
        "kg": (1e-3, None),
        "tạ": (0.1, None),
        "t/ngày": (1, 1),
        "t/năm": (1, 365),
    },
    "fresh-water": {
        "m3": (1, None),
        "khối": (1, None),
        "lít": (1e-3, None),
        "m3/ngày": (1, 1),
        "t": (1, None),
    },
    "used-oil": {"t": (1, None), "kg": (1e-3, None), "m3": (0.9, None), "lít": (0.9e-3, None)},
    "electricity": {
        "MWh": (1, None),
        "kWh": (1e-3, None),
        "GJ": (1 / 3.6, None),
        "kWh/tháng": (1e-3, 365 / 12),
    },
    "biogas": {"Nm3": (1, None), "Nm3/ngày": (1, 1)},
    "steam": {"t hơi": (1, None), "t_steam": (1, None)},
}


def written(draw: st.DrawFn, text: str) -> str:
    """Text as a user might hand it in: NFC or NFD."""
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), text)


def said(draw: st.DrawFn, member: LabelledEnum) -> str:
    return draw(st.sampled_from([member.value, member.label("vi"), member.label("en")]))


def number(draw: st.DrawFn, high: float = 1e9) -> float:
    return draw(st.floats(min_value=0, max_value=high, allow_nan=False, allow_infinity=False))


def day(draw: st.DrawFn) -> date:
    return draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)))


def dated(draw: st.DrawFn, d: date) -> str:
    return draw(st.sampled_from([d.strftime("%d/%m/%Y"), d.isoformat()]))


def quantity(draw: st.DrawFn, row: dict[str, Any]) -> dict[str, Any]:
    material = draw(st.sampled_from(sorted(UNITS)))
    unit = draw(st.sampled_from(sorted(UNITS[material])))
    price = draw(st.none() | st.floats(min_value=0, max_value=1e7, allow_nan=False))
    return {
        **row,
        "material": material,
        "unit": unit,
        "quantity": number(draw),
        "price_vnd_per_unit": price,
    }


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    parks = draw(st.lists(CODE, min_size=1, max_size=2, unique=True))
    sheets: dict[str, list[dict[str, Any]]] = {
        k: []
        for k in (
            "parks",
            "land_use",
            "enterprises",
            "partners",
            "flows",
            "listings",
            "exchanges",
            "recp_measures",
        )
    }
    orgs: list[tuple[str, str]] = []
    for park in parks:
        sheets["parks"].append(
            {
                "code": park,
                "name_vi": written(draw, draw(WORD)),
                "name_en": draw(TEXT),
                "province": written(draw, draw(TEXT)),
                "notes": written(draw, draw(TEXT)),
                # inside Viet Nam, the country of a park that names none
                "lat": draw(st.none() | st.floats(8.0, 23.5)),
                "lon": None,
                "total_area_ha": draw(st.none() | st.floats(0, 1e5)),
                "established_year": draw(st.none() | st.integers(1900, 2100)),
                "data_status": said(draw, draw(st.sampled_from(list(DataStatus)))),
            }
        )
        last = sheets["parks"][-1]
        last["lon"] = None if last["lat"] is None else draw(st.floats(102.0, 110.0))
        codes = draw(st.lists(CODE, min_size=2, max_size=3, unique=True))
        for n, code in enumerate(codes):
            orgs.append((park, code))
            if n == 0 and draw(st.booleans()):
                kind = draw(st.sampled_from([k for k in OrgKind if k is not OrgKind.ENTERPRISE]))
                sheets["partners"].append(
                    {
                        "park": park,
                        "code": code,
                        "kind": said(draw, kind),
                        "name_vi": written(draw, draw(WORD)),
                        "inside_park": draw(st.sampled_from(["có", "không", True, "x"])),
                    }
                )
            else:
                sheets["enterprises"].append(
                    {
                        "park": park,
                        "code": code,
                        "name_vi": written(draw, draw(WORD)),
                        "certifications": "; ".join(draw(st.lists(WORD, max_size=3))),
                        "employees": draw(st.none() | st.integers(0, 100_000)),
                        "plans_symbiosis": draw(
                            st.sampled_from(["yes", "no", "có", "không", None])
                        ),
                        "vsic": draw(st.sampled_from([None, "24", "2410", "01"])),
                    }
                )
        if draw(st.booleans()):
            sheets["land_use"].append(
                {"park": park, "land_class": "cây xanh", "area_ha": number(draw, 1e4)}
            )
    for park, org in orgs:
        for n in range(draw(st.integers(0, 3))):
            period = draw(st.sampled_from(["2024", "2023-Q2", "Q4/2024", "2024-05", "2025-12"]))
            direction = draw(st.sampled_from(list(Direction)))
            row = quantity(
                draw,
                {
                    "park": park,
                    "enterprise": org,
                    "period": period,
                    "direction": said(draw, direction),
                    "key": draw(st.sampled_from(["", f"f{n}-{org}"])),
                    "description": written(draw, draw(TEXT)),
                    "quality": draw(TEXT),
                    "confidentiality": said(draw, draw(st.sampled_from(list(Confidentiality)))),
                    "waste_code": draw(st.sampled_from([None, "05 01 02", "10 02 02*"])),
                },
            )
            if direction is Direction.OUT:
                row["destination"] = draw(
                    st.sampled_from([None, "chôn lấp", "sold", "licensed collector"])
                )
            sheets["flows"].append(row)
        if draw(st.booleans()):
            first, last_day = sorted((day(draw), day(draw)))
            sheets["listings"].append(
                quantity(
                    draw,
                    {
                        "park": park,
                        "enterprise": org,
                        "kind": said(draw, draw(st.sampled_from(list(ListingKind)))),
                        "available_from": dated(draw, first),
                        "available_until": dated(draw, last_day),
                        "note": written(draw, draw(TEXT)),
                        "max_distance_km": draw(st.none() | st.floats(0, 500)),
                    },
                )
            )
        if draw(st.booleans()):
            sheets["recp_measures"].append(
                {
                    "park": park,
                    "enterprise": org,
                    "year": draw(st.integers(1990, 2100)),
                    "title": written(draw, draw(WORD)),
                    "category": said(draw, draw(st.sampled_from(list(RecpCategory)))),
                    "implemented": draw(st.sampled_from(["có", "không", "yes", None])),
                    "electricity_saved_mwh": number(draw, 1e5),
                    "cost_saved_vnd": number(draw),
                }
            )
    for n in range(draw(st.integers(0, 3))):
        supplier, receiver = draw(
            st.lists(st.sampled_from(orgs), min_size=2, max_size=2, unique=True)
        )
        park = supplier[0]
        start = day(draw)
        sheets["exchanges"].append(
            quantity(
                draw,
                {
                    "park": park,
                    "key": f"ex-{n}",
                    "supplier": supplier[1],
                    "receiver": receiver[1]
                    if receiver[0] == park
                    else f"{receiver[0]}:{receiver[1]}",
                    "distance_km": draw(st.none() | st.floats(0, 1000)),
                    "rate_vnd_per_tkm": draw(st.none() | st.floats(0, 1e5)),
                    "tonnes_per_trip": draw(st.none() | st.floats(0, 60)),
                    "trips_per_day": draw(st.none() | st.floats(0, 100)),
                    "status": said(draw, draw(st.sampled_from(list(ExchangeStatus)))),
                    "start_date": dated(draw, start),
                    "treatment": written(draw, draw(TEXT)),
                    "treatment_cost_vnd_per_unit": draw(st.none() | st.floats(0, 1e6)),
                },
            )
        )
    return sheets


def snapshot(engine: sa.Engine) -> dict[str, list[dict[str, Any]]]:
    """Every stored row (canonical values, codes for ids), in a stable order."""
    with engine.connect() as conn:
        tables = {
            "parks": dump.park_rows(conn),
            "land_use": dump.land_use_rows(conn),
            "enterprises": dump.organisation_rows(conn, enterprises=True),
            "partners": dump.organisation_rows(conn, enterprises=False),
            "flows": dump.flow_rows(conn),
            "listings": dump.listing_rows(conn),
            "exchanges": dump.exchange_rows(conn),
            "recp_measures": dump.recp_rows(conn),
        }

    def order(row: dict[str, Any]) -> tuple[str, ...]:
        return tuple(str(row.get(c) or "") for c in ("park", "code", "key", "land_class"))

    return {k: sorted(rows, key=order) for k, rows in tables.items()}


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL, abs_tol=0.0)
    return bool(a == b)


def assert_same(
    before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]
) -> None:
    for sheet, rows in before.items():
        assert len(after[sheet]) == len(rows), sheet
        for x, y in zip(rows, after[sheet], strict=True):
            assert x.keys() == y.keys()
            for column in x:
                assert same(x[column], y[column]), (sheet, column, x[column], y[column])


def empty(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("delete from parks"))  # the change log keeps its entries


def check_canonical(engine: sa.Engine, data: dict[str, list[dict[str, Any]]]) -> None:
    """Stored quantities against the independent unit table above."""
    stored = {(r["park"], r["key"]): r for r in snapshot(engine)["flows"]}
    for row in data["flows"]:
        if not row["key"]:
            continue
        factor, per_days = UNITS[row["material"]][row["unit"]]
        p = row["period"]
        months = 12 if len(p) == 4 else 3 if "Q" in p else 1
        expected = row["quantity"] * factor * ((365 * months / 12) / per_days if per_days else 1)
        got = stored[(row["park"], row["key"])]
        assert math.isclose(got["quantity"], expected, rel_tol=REL, abs_tol=1e-300), (row, got)
        if row["price_vnd_per_unit"] is not None:
            typed = row["price_vnd_per_unit"]
            if read_per_kilogram(got["price_source"]):  # a bare purchase price per kilogram
                assert got["direction"] == "in" and got["unit"] == "t", (row, got)
                typed *= 1000
            assert math.isclose(got["price_vnd_per_unit"] * factor, typed, rel_tol=REL)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=datasets(), lang=st.sampled_from(["vi", "en"]))
def test_import_of_an_export_gives_back_what_was_stored(
    engine: sa.Engine, tmp_path: Path, fmt: str, data: dict[str, list[dict[str, Any]]], lang: str
) -> None:
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    empty(engine)
    source = work / "data.json"
    source.write_text(json.dumps({"sheets": data}, ensure_ascii=False), encoding="utf-8")
    import_path(engine, source)
    check_canonical(engine, data)
    before = snapshot(engine)
    assert sum(map(len, before.values())) > 0

    out = export_data(
        engine, work / ("export" + ("" if fmt == "csv" else f".{fmt}")), fmt, lang=lang
    )
    empty(engine)
    report = import_path(engine, out)
    assert all(c.updated == 0 for c in report.sheets.values())
    assert_same(before, snapshot(engine))
