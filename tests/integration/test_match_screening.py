"""Screening firms that have only a sector code: a park where four firms are in the
registry with no inventory gets expected proposals, marked as such, apart from the
declared ones and ranked below them, with quantities, distances and money; the declared
proposals and what is saved do not change."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from parkloop.catalog import catalog
from parkloop.catalog.profiles import profile, typical_size
from parkloop.cli import main
from parkloop.services import matching
from parkloop.services.importing import import_path
from parkloop.store.schema import matches

PARK = "kcn-sang-loc"
LAT, LON = 20.90, 106.60
SOURCE = "test park for screening"

# code, VSIC, employees ("" unknown), km north of the park's centre
FIRMS = [
    ("thep", "2410", "500", 0.0),
    ("xi-mang", "2394", "300", 1.0),
    ("giay", "1701", "200", 1.5),
    ("nhua", "2220", "150", 0.5),
    ("bao-bi", "2220", "100", 0.8),
    # Only a sector code (and for some a size): no inventory at all.
    ("det-may", "1410", "800", 2.0),
    ("bia", "1103", "", 2.5),
    ("thuc-an", "1080", "100", 3.0),
    ("tai-che", "3830", "60", 1.2),
]
SCREENED = {"det-may", "bia", "thuc-an", "tai-che"}
# enterprise, direction, material, quantity, unit, price, destination
FLOWS = [
    ("thep", "out", "steel-slag", 30000, "t", 150000, "landfill"),
    ("thep", "in", "electricity", 60000, "MWh", 1750000, ""),
    ("xi-mang", "in", "cement-additive", 80000, "t", 400000, ""),
    ("xi-mang", "out", "waste-heat", 20000, "MWh", "", "discharged"),
    ("giay", "in", "paper-scrap", 20000, "t", 4100000, ""),
    ("giay", "out", "industrial-sludge", 2000, "t", 800000, "landfill"),
    ("nhua", "in", "virgin-plastic-resin", 3000, "t", 31000000, ""),
    ("nhua", "out", "plastic-scrap", 100, "t", 500000, "landfill"),
    ("bao-bi", "in", "plastic-scrap", 500, "t", 7000000, ""),
    ("bao-bi", "out", "paper-scrap", 30, "t", 300000, "landfill"),
]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


PARK_COLUMNS = ["code", "name_vi", "name_en", "country", "province", "region", "lat", "lon"]
FIRM_COLUMNS = ["park", "code", "name_vi", "name_en", "vsic", "lat", "lon", "employees"]
FLOW_COLUMNS = ["park", "enterprise", "period", "direction", "material", "quantity", "unit"]
FLOW_COLUMNS += ["price_vnd_per_unit", "destination", "confidentiality"]
PROVENANCE = ["data_status", "source"]
TAIL = ["estimate", SOURCE]


def write_park(folder: Path) -> Path:
    folder.mkdir()
    here = [PARK, "KCN Sàng lọc", "Screening park", "VN", "Hải Phòng", "red-river-delta"]
    _write(
        folder / "parks.csv",
        [*PARK_COLUMNS, *PROVENANCE],
        [[*here, LAT, LON, "estimate", SOURCE]],
    )
    _write(
        folder / "enterprises.csv",
        [*FIRM_COLUMNS, *PROVENANCE],
        [
            [PARK, code, f"Công ty {code}", code, vsic, LAT + km / 110.57, LON, people, *TAIL]
            for code, vsic, people, km in FIRMS
        ],
    )
    _write(
        folder / "flows.csv",
        [*FLOW_COLUMNS, *PROVENANCE],
        [
            [PARK, org, 2024, direction, material, qty, unit, price, dest, "park", *TAIL]
            for org, direction, material, qty, unit, price, dest in FLOWS
        ],
    )
    return folder


@pytest.fixture
def park(engine: sa.Engine, tmp_path: Path) -> sa.Engine:
    import_path(engine, write_park(tmp_path / "park"))
    return engine


def _pairs(ms: list) -> set[tuple[str, str, str]]:
    return {(m.supplier_code, m.receiver_code, m.material_code) for m in ms}


def test_firms_with_only_a_sector_code_get_expected_proposals(park: sa.Engine) -> None:
    run = matching.run_matching(park, park=PARK, save=False)
    assert run.screening["firms"] == len(SCREENED)
    assert run.screening["firms_typical_size"] == 1  # the brewery has no employees recorded
    screened = run.screened_matches()
    assert screened
    # Every screened proposal has an expected side, and is marked and explained so.
    for m in screened:
        assert matching.is_expected(m)
        sides = {m.supplier_code, m.receiver_code} & SCREENED
        assert sides, (m.supplier_code, m.receiver_code)
        texts = [r["text_vi"] for r in matching.explain(m)]
        assert any(t.startswith(matching.EXPECTED_VI) for t in texts), texts
        assert m.distance_km > 0 and m.quantity > 0 and m.net_benefit_vnd_per_year > 0
    # No declared proposal rests on an expected record.
    assert not any(matching.is_expected(m) for m in run.matches)
    assert not {m.supplier_code for m in run.matches} & SCREENED
    got = _pairs(screened)
    # A garment maker's expected paper scrap to the declared paper mill, its quantity its
    # profile × the employees the registry gives.
    assert ("det-may", "giay", "paper-scrap") in got
    paper = next(m for m in screened if (m.supplier_code, m.receiver_code) == ("det-may", "giay"))
    per_employee = next(r for r in profile(catalog(), "1410", "out") if r.material == "paper-scrap")
    assert paper.accounting["supply_quantity"] == pytest.approx(per_employee.per_employee * 800)
    # The brewery's spent grain to the feed mill: both sides expected; the brewery's size is
    # its sector's typical one, said in the reason.
    assert ("bia", "thuc-an", "brewers-spent-grain") in got
    grain = next(m for m in screened if (m.supplier_code, m.receiver_code) == ("bia", "thuc-an"))
    assert set(grain.fit["notes"]) >= {"expected-supply", "expected-demand"}  # type: ignore[call-overload]
    people = typical_size(catalog(), "1103").employees
    reasons = [r for r in matching.explain(grain) if r["kind"] == "expected"]
    assert {r["side"] for r in reasons} == {"supply", "demand"}
    brewery = next(r for r in reasons if r["side"] == "supply")
    assert (brewery["employees"], brewery["employees_from"]) == (people, "typical")
    assert brewery["profile"]["status"] == "estimate" and brewery["profile"]["source"]
    # A declared supply reaches an expected receiver too (the plastics recycler).
    assert ("nhua", "tai-che", "plastic-scrap") in got


def test_screened_proposals_rank_below_the_declared_ones(park: sa.Engine) -> None:
    run = matching.run_matching(park, park=PARK, save=False)
    declared = [m for m in run.matches if m.supplier_code == "nhua"]
    screened = [m for m in run.screened_matches() if m.supplier_code == "nhua"]
    assert [m.receiver_code for m in declared] == ["bao-bi"]
    assert screened and all(m.rank > max(d.rank for d in declared) for m in screened)
    # Declared and expected fits: an expected side weighs its fit down.
    assert all(float(m.fit["basis"]) < 1.0 for m in run.screened_matches())  # type: ignore[arg-type]


def test_screening_leaves_the_declared_proposals_and_the_saved_ones_alone(
    park: sa.Engine,
) -> None:
    with_screen = matching.run_matching(park, park=PARK, save=True)
    without = matching.run_matching(park, park=PARK, save=False, screen_firms=False)
    assert without.screened_count == 0 and without.screening == {}

    def key(run: matching.MatchRun) -> list[tuple[object, ...]]:
        return sorted(
            (m.supply_id, m.demand_id, m.rule_id, m.rank, m.net_benefit_vnd_per_year)
            for m in run.matches
        )

    assert key(with_screen) == key(without)
    with park.connect() as conn:
        saved = conn.execute(sa.select(sa.func.count()).select_from(matches)).scalar_one()
        kinds = {k for (k,) in conn.execute(sa.select(matches.c.supply_kind).distinct())}
    assert saved == len(with_screen) and kinds <= {"flow", "listing"}


def test_match_cli_shows_screened_firms_apart_and_json_carries_the_flag(
    park: sa.Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as code:
        main(["--db", db_url, "match", "--park", PARK, "--no-save", "--json"])
    assert code.value.code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["parameters"]["screen"] is True
    assert data["screening"]["firms"] == len(SCREENED)
    assert data["screened"] and all(v["expected"] for v in data["screened"])
    assert all(not v["expected"] for v in data["matches"])
    assert all(v["id"] is None for v in data["screened"])
    with pytest.raises(SystemExit) as code:
        main(["--db", db_url, "match", "--park", PARK, "--no-save", "--no-screen", "--json"])
    assert code.value.code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["screened"] == [] and data["parameters"]["screen"] is False
    with pytest.raises(SystemExit) as code:
        main(["--db", db_url, "--lang", "vi", "match", "--park", PARK, "--no-save"])
    assert code.value.code == 0
    out = capsys.readouterr().out
    assert "Sàng lọc theo ngành" in out and matching.EXPECTED_VI in out
