"""Network optimisation on the example parks, on SQLite and PostgreSQL: golden results,
write-back of planned exchanges, re-runs, resilience, fair shares and the commands' JSON.

Golden files: regenerate after a deliberate change with PARKLOOP_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from parkloop.cli import app
from parkloop.cli.optimize import print_optimised_network
from parkloop.cli.state import State
from parkloop.examples import load_example
from parkloop.optimize import Options, optimise
from parkloop.services import accounting, resilience
from parkloop.services import optimize as service
from parkloop.services.session import Database
from parkloop.store.schema import exchanges, optimisation_runs

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
MONEY_TOLERANCE = 1e-6  # relative, on VND figures
CO2_TOLERANCE = 1e-6  # relative, on t CO2e figures
QUANTITY_TOLERANCE = 1e-6  # relative, on planned quantities
runner = CliRunner()


def cli(db_url: str, *args: str) -> Any:
    result = runner.invoke(app, ["--db", db_url, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def nck(engine: sa.Engine) -> sa.Engine:
    load_example(engine, "nam-cau-kien")
    return engine


def _recorded(engine: sa.Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.select(exchanges.c.id, exchanges.c.status, exchanges.c.quantity)
                .where(exchanges.c.origin != "optimisation")
                .order_by(exchanges.c.id)
            )
        ]


@pytest.mark.parametrize(
    "park", ["nam-cau-kien", "kalundborg", "hoa-khanh", "hiep-phuoc", "kwinana", "ulsan"]
)
def test_golden_optimised_network(engine: sa.Engine, park: str) -> None:
    load_example(engine, park)
    run = service.optimise_network(engine, park=park, save=False)
    view = run.view()
    got = {
        "status": view["status"],
        "objective_value": view["objective_value"],
        "planned": view["planned"],
        "totals": {k: view["totals"][k] for k in ("before", "after")},
        "investments": [[i["kind"], i["name"]["en"], i["units"]] for i in view["investments"]],
        "exchanges": sorted(
            [x["supplier"]["code"], x["receiver"]["code"], x["material"], x["rule"], x["quantity"]]
            for x in view["exchanges"]
        ),
    }
    path = GOLDEN / f"optimize_{park}.json"
    if os.environ.get("PARKLOOP_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got["status"] == expected["status"] == "optimal"
    assert got["objective_value"] == pytest.approx(expected["objective_value"], rel=MONEY_TOLERANCE)
    assert got["planned"] == expected["planned"]
    assert got["investments"] == expected["investments"]
    for when in ("before", "after"):
        for key, value in expected["totals"][when].items():
            if isinstance(value, float | int) and key != "exchanges":
                tol = CO2_TOLERANCE if key.startswith("co2") else MONEY_TOLERANCE
                assert got["totals"][when][key] == pytest.approx(value, rel=tol, abs=1e-3), key
            else:
                assert got["totals"][when][key] == value, key
    assert [x[:4] for x in got["exchanges"]] == [x[:4] for x in expected["exchanges"]]
    for a, b in zip(got["exchanges"], expected["exchanges"], strict=True):
        assert a[4] == pytest.approx(b[4], rel=QUANTITY_TOLERANCE)


@pytest.mark.parametrize(
    "park", ["nam-cau-kien", "kalundborg", "hoa-khanh", "hiep-phuoc", "kwinana", "ulsan"]
)
def test_figures_agree_with_independent_calculations(engine: sa.Engine, park: str) -> None:
    load_example(engine, park)
    run = service.optimise_network(engine, park=park, save=False)
    view = run.view()
    # Today's totals are the accounting's park totals.
    today = accounting.account_park(engine, park).totals
    for key in ("money_vnd_per_year", "co2e_t_per_year", "water_m3_per_year"):
        assert view["totals"]["before"][key] == pytest.approx(today[key], rel=1e-9, abs=1e-3)
    assert view["totals"]["before"]["exchanges"] == today["exchanges"]
    # The objective is the planned exchanges' net benefit less the annualised investment.
    planned = sum(x["net_benefit_vnd"] for x in view["exchanges"])
    annual = sum(i["annualised_vnd_per_year"] for i in view["investments"])
    assert view["objective_value"] == pytest.approx(planned - annual, rel=1e-9)
    # The gain over today: the plan, and the exchanges agreed but not yet running (fixed in
    # it, accounted as `parkloop account` accounts them).
    agreed = sum(x["net_benefit_vnd"] for x in view["committed"])
    assert view["totals"]["committed"]["money_vnd_per_year"] == pytest.approx(agreed, abs=1e-3)
    assert view["totals"]["gain"]["money_vnd_per_year"] == pytest.approx(
        view["objective_value"] + agreed, rel=1e-6
    )
    # One solver call on the whole park (no split) reaches the same optimum.
    whole = optimise(run.network.problem, Options(split=False, mip_gap=0.0))
    assert whole.objective_value == pytest.approx(view["objective_value"], rel=1e-6)
    # No supply is placed beyond what it has, no demand met beyond what it needs.
    x = run.result.flows.x
    p = run.network.problem
    assert np.all(np.bincount(p.s, x, p.n_supplies) <= p.supply_qty * (1 + 1e-9) + 1e-6)
    assert np.all(np.bincount(p.d, p.ratio * x, p.n_demands) <= p.demand_qty * (1 + 1e-9) + 1e-6)


def test_plans_are_written_back_and_replaced_by_a_rerun(nck: sa.Engine) -> None:
    recorded = _recorded(nck)
    first = service.optimise_network(nck, park="nam-cau-kien")
    assert first.run_id is not None and first.replaced == 0
    with nck.connect() as conn:
        rows = (
            conn.execute(sa.select(exchanges).where(exchanges.c.status == "planned"))
            .mappings()
            .all()
        )
        run = (
            conn.execute(sa.select(optimisation_runs).where(optimisation_runs.c.id == first.run_id))
            .mappings()
            .one()
        )
    assert len(rows) == len(first.chosen) > 10
    assert {r["origin"] for r in rows} == {"optimisation"}
    assert {r["run_id"] for r in rows} == {first.run_id}
    assert {r["data_status"] for r in rows} == {"derived"}
    assert all(f"optimisation run {first.run_id}" in r["source"] for r in rows)
    view = {x["key"]: x for x in first.exchanges()}
    for r in rows:
        assert r["quantity"] == pytest.approx(view[r["key"]]["quantity"])
    assert run["scope"] == "park:nam-cau-kien" and run["status"] == "optimal"
    stored = run["result"]
    assert stored["objective_value"] == pytest.approx(first.result.objective_value)
    assert len(stored["exchanges"]) == len(rows)
    assert stored["totals"]["after"]["exchanges"] == (
        stored["totals"]["before"]["exchanges"]
        + stored["totals"]["committed"]["exchanges"]
        + len(rows)
    )
    assert [x["key"] for x in stored["committed"]] == ["heat-vn-k1"]
    second = service.optimise_network(nck, park="nam-cau-kien")
    assert second.replaced == len(rows)
    with nck.connect() as conn:
        runs = (
            conn.execute(sa.select(exchanges.c.run_id).where(exchanges.c.status == "planned"))
            .scalars()
            .all()
        )
    assert set(runs) == {second.run_id} and len(runs) == len(rows)
    assert _recorded(nck) == recorded  # recorded exchanges are never touched


def test_a_region_spans_its_parks_and_replaces_their_plans(engine: sa.Engine) -> None:
    load_example(engine, "nam-cau-kien")
    load_example(engine, "kalundborg")
    service.optimise_network(engine, park="kalundborg")
    park_run = service.optimise_network(engine, park="nam-cau-kien")
    region_run = service.optimise_network(engine, region="red-river-delta")
    assert region_run.replaced == len(park_run.chosen)
    with engine.connect() as conn:
        by_run = dict(
            conn.execute(
                sa.select(exchanges.c.run_id, sa.func.count())
                .where(exchanges.c.status == "planned")
                .group_by(exchanges.c.run_id)
            ).all()
        )
    assert by_run[region_run.run_id] == len(region_run.chosen)
    assert park_run.run_id not in by_run
    assert len(by_run) == 2  # Kalundborg's plan stays


def test_kalundborg_builds_pipes_unless_the_budget_forbids(engine: sa.Engine) -> None:
    load_example(engine, "kalundborg")
    free = service.optimise_network(engine, park="kalundborg", save=False)
    built = free.view()["investments"]
    assert built and {i["kind"] for i in built} == {"pipe"}
    assert all(x["investment"] is not None for x in free.view()["exchanges"])
    assert {p.solver for p in free.result.pieces} == {"HiGHS MILP"}
    assert all(p.gap <= 0.01 for p in free.result.pieces)
    none = service.optimise_network(engine, park="kalundborg", budget_vnd=0.0, save=False)
    assert none.view()["investments"] == [] and none.view()["planned"] == 0
    assert none.result.objective_value == 0.0
    cheapest = min(i["investment_vnd"] for i in built) + 1.0  # shown rounded to the dong
    some = service.optimise_network(engine, park="kalundborg", budget_vnd=cheapest, save=False)
    assert 0 < some.result.objective_value < free.result.objective_value
    assert sum(i["investment_vnd"] for i in some.view()["investments"]) <= cheapest


def test_co2_objective_and_cap_on_nam_cau_kien(nck: sa.Engine) -> None:
    money = service.optimise_network(nck, park="nam-cau-kien", save=False)
    green = service.optimise_network(nck, park="nam-cau-kien", objective="co2", save=False)
    totals = money.view()["totals"]
    # What the plan itself avoids: the gain less the agreed heat exchange fixed in it.
    m_co2 = totals["gain"]["co2e_t_per_year"] - totals["committed"]["co2e_t_per_year"]
    assert green.result.objective_value >= m_co2 - 1e-6
    agreed_money = totals["committed"]["money_vnd_per_year"]
    green_money = green.view()["totals"]["gain"]["money_vnd_per_year"] - agreed_money
    assert green_money <= money.result.objective_value + 1e-6
    baseline = money.view()["emissions"]["baseline_co2e_t"]
    cap = baseline - (m_co2 + green.result.objective_value) / 2
    capped = service.optimise_network(nck, park="nam-cau-kien", co2_cap_t=cap, save=False)
    assert capped.result.status == "optimal"
    assert capped.view()["emissions"]["after_co2e_t"] <= cap + 1e-6
    impossible = service.optimise_network(nck, park="nam-cau-kien", co2_cap_t=0.0, save=False)
    assert impossible.result.status == "infeasible" and "t CO2e" in impossible.result.message


def test_optimize_json_shape(nck: sa.Engine, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    data = cli(db_url, "optimize", "--park", "nam-cau-kien", "--json", "--output", str(out))
    for key in (
        "status",
        "objective",
        "objective_value",
        "exchanges",
        "totals",
        "pieces",
        "method",
    ):
        assert key in data
    assert data["objective"] == "net-benefit" and data["status"] == "optimal"
    x = data["exchanges"][0]
    for key in (
        "supplier",
        "receiver",
        "material",
        "quantity",
        "unit",
        "net_benefit_vnd",
        "co2e_t",
    ):
        assert key in x
    assert set(data["totals"]) == {"before", "committed", "after", "gain"}
    agreed = data["committed"][0]
    assert (agreed["key"], agreed["status"]) == ("heat-vn-k1", "negotiating")
    assert agreed["demand_taken"] == pytest.approx(4_000 * 0.85)
    for i in data["investments"]:
        assert set(i["name"]) == {"vi", "en"}
    for key in (
        "money_vnd_per_year",
        "co2e_t_per_year",
        "water_m3_per_year",
        "energy_mwh_per_year",
        "materials_t_per_year",
        "landfill_avoided_t_per_year",
        "in_words",
    ):
        assert key in data["totals"]["after"]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + len(data["exchanges"])
    curve = cli(db_url, "optimize", "pareto", "--park", "nam-cau-kien", "--points", "5", "--json")
    assert len(curve["points"]) == 5
    assert all(p["status"] == "optimal" for p in curve["points"])
    money = [p["net_benefit_vnd"] for p in curve["points"]]
    co2 = [p["co2e_t"] for p in curve["points"]]
    assert money == sorted(money, reverse=True) and co2 == sorted(co2)
    assert money[0] == pytest.approx(data["objective_value"], rel=1e-6)


def test_resilience_of_the_steel_maker(nck: sa.Engine, db_url: str) -> None:
    report = cli(
        db_url, "resilience", "--park", "nam-cau-kien", "--enterprise", "viet-nhat-steel", "--json"
    )
    (e,) = report["enterprises"]
    running = [
        x
        for x in accounting.account_park(nck, "nam-cau-kien").exchanges
        if x["status"] == "running" and "viet-nhat-steel" in (x["supplier"], x["receiver"])
    ]
    assert {x["key"] for x in e["broken_running"]} == {x["key"] for x in running}
    assert e["running_benefit_lost_vnd"] == pytest.approx(
        sum(x["net_benefit_vnd"] for x in running)
    )
    assert e["benefit_lost_vnd"] == pytest.approx(
        e["running_benefit_lost_vnd"] - e["planned_benefit_change_vnd"]
    )
    assert e["freed"]["supplies"] + e["freed"]["demands"] > 0
    assert e["alternatives"], "partners of the steel maker find other partners"
    partners = set(e["partners"])
    assert all(
        a["supplier"]["code"] in partners or a["receiver"]["code"] in partners
        for a in e["alternatives"]
    )
    assert all(
        "viet-nhat-steel" not in (a["supplier"]["code"], a["receiver"]["code"])
        for a in e["alternatives"]
    )


def test_each_enterprise_in_turn(nck: sa.Engine) -> None:
    report = resilience.resilience_report(nck, park="nam-cau-kien")
    lost = [e["benefit_lost_vnd"] for e in report["enterprises"]]
    assert len(lost) > 10 and lost == sorted(lost, reverse=True)
    assert report["enterprises"][0]["enterprise"]["code"] == "viet-nhat-steel"


def test_shares_of_an_exchange_and_of_a_coalition(nck: sa.Engine, db_url: str) -> None:
    with nck.connect() as conn:
        exchange_id = conn.execute(
            sa.select(exchanges.c.id).where(exchanges.c.key == "byproduct-route-in-park-vn")
        ).scalar_one()
    split = cli(db_url, "shares", "--exchange", str(exchange_id), "--json")
    a, b = split["players"]
    assert (a["role"], b["role"]) == ("supplier", "receiver")
    assert a["shapley_vnd"] == pytest.approx(split["total_vnd"] / 2)
    assert a["proportional_vnd"] + b["proportional_vnd"] == pytest.approx(split["total_vnd"])
    assert split["methods"]["shapley"] and split["methods"]["proportional"]
    members = "viet-nhat-steel,thanh-dai-phu-my,concrete-b1"
    coalition = cli(db_url, "shares", "--enterprises", members, "--park", "nam-cau-kien", "--json")
    assert coalition["coalitions_solved"] == 7
    total = coalition["total_vnd"]
    assert sum(p["shapley_vnd"] for p in coalition["players"]) == pytest.approx(total)
    assert sum(p["equal_vnd"] for p in coalition["players"]) == pytest.approx(total)
    assert sum(p["proportional_vnd"] for p in coalition["players"]) == pytest.approx(total)
    result = runner.invoke(
        app, ["--db", db_url, "shares", "--enterprises", ",".join(f"e{i}" for i in range(13))]
    )
    assert "at most 12" in str(result.exception)


def test_demo_prints_the_optimised_network_and_its_gain(
    nck: sa.Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    print_optimised_network(State(database=Database(db_url), lang="en"), "nam-cau-kien")
    out = capsys.readouterr().out
    assert "Optimised network of nam-cau-kien" in out
    assert "gain" in out and "Planned exchanges" in out
    with nck.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(optimisation_runs)) == 0


def cli_code(*args: str) -> int:
    from parkloop.cli import main

    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_confidential_records_stay_hidden_from_others(nck: sa.Engine, db_url: str) -> None:
    """Outside the park, the best network rests only on records the viewer may see: no
    planned exchange rests on a record it may not see, and the figures are those of the
    network without them (docs/confidentiality.md)."""
    args = ("optimize", "--park", "nam-cau-kien", "--no-save", "--json")
    operator = cli(db_url, "--as", "operator:nam-cau-kien", *args)
    authority = cli(db_url, "--as", "authority", *args)
    assert not any("hidden" in x for x in operator["exchanges"])
    assert not any("hidden" in x for x in authority["exchanges"])
    # The park's records are shared with the park, not with an authority.
    assert len(authority["exchanges"]) < len(operator["exchanges"])
    refused = cli_code(
        "--db", db_url, "--as", "authority", "optimize", "--park", "nam-cau-kien", "--json"
    )
    assert refused == 1  # saving a plan is the operator's
