"""The optimisation model on hand-made networks: the recipe, each solver, side constraints
and the split into independent pieces."""

from __future__ import annotations

import math

import numpy as np
import pytest
from optimize_instances import problem

from parkloop.accounting.book import build_book
from parkloop.catalog import catalog
from parkloop.matching.engine import MatchParams, find_matches
from parkloop.matching.rules import build_rules
from parkloop.matching.tables import Side
from parkloop.optimize import CO2, InvestmentCosts, Options, PipeCost, UnitCost, optimise, totals
from parkloop.optimize.build import build_model
from parkloop.optimize.model import annuity_factor, problem_from_candidates, split
from parkloop.optimize.solve import FLOW_SOLVER, LP_SOLVER, MILP_SOLVER, solve_flow, solve_highs


def transport() -> object:
    # Worked by hand: S0 fills D0 (80 × 10), S1 fills D1 (50 × 7), S0 tops up D1 (10 × 6).
    return problem(
        supply=[100, 50],
        demand=[80, 60],
        links=[(0, 0, 10.0, 1.0), (0, 1, 6.0, 1.0), (1, 0, 8.0, 2.0), (1, 1, 7.0, 0.5)],
    )


def test_the_model_is_built_step_by_step() -> None:
    m = build_model(transport(), Options())  # type: ignore[arg-type]
    assert list(m.columns) == ["flow", "left", "bought"]
    assert list(m.rows) == ["supply", "demand"]
    assert m.n_cols == 4 + 2 + 2 and m.n_rows == 4
    a = m.matrix().toarray()
    # Σ x over a supply's links + left = supply; Σ ratio × x + bought = demand.
    assert a[0].tolist() == [1, 1, 0, 0, 1, 0, 0, 0]
    assert a[3].tolist() == [0, 1, 0, 1, 0, 0, 0, 1]
    assert m.row_lower.tolist() == m.row_upper.tolist() == [100, 50, 80, 60]
    assert m.cost.tolist() == [10, 6, 8, 7, 0, 0, 0, 0]
    assert m.graph is not None  # a transportation problem


def test_transportation_problem_by_hand_with_both_solvers() -> None:
    p = transport()
    result = optimise(p, Options())  # type: ignore[arg-type]
    assert result.status == "optimal"
    assert [piece.solver for piece in result.pieces] == [FLOW_SOLVER]
    assert result.objective_value == pytest.approx(1210.0)
    assert result.flows.x.tolist() == pytest.approx([80, 10, 0, 50])
    assert result.flows.left.tolist() == pytest.approx([10, 0])
    assert result.flows.bought.tolist() == pytest.approx([0, 0])
    m = build_model(p, Options())  # type: ignore[arg-type]
    lp = solve_highs(m, Options())
    assert lp.solver == LP_SOLVER and lp.objective == pytest.approx(1210.0)
    assert totals(p, result.flows)["co2e_t"] == pytest.approx(80 + 10 + 25)  # type: ignore[arg-type]


def test_flow_solver_steps_are_reported_and_respected() -> None:
    p = problem(supply=[999_999.0], demand=[3.3333], links=[(0, 0, 0.123456, 0.0)])
    m = build_model(p, Options())
    assert m.graph is not None
    sol = solve_flow(m.graph, m.n_cols)
    assert sol.detail["quantity_step"] == pytest.approx(1e-6)
    assert sol.values[0] <= 3.3333  # floored, never above the real capacity
    assert sol.values[0] == pytest.approx(3.3333, abs=1e-6)
    assert sol.objective == pytest.approx(0.123456 * sol.values[0])


def test_ratio_links_make_a_linear_programme() -> None:
    # 100 t, of which 30 meet D1 one for one (12 a unit) and 70 meet D0 at ratio 0.5 (10 a unit).
    p = problem(
        supply=[100],
        demand=[50, 30],
        links=[(0, 0, 10.0, 0.0), (0, 1, 12.0, 0.0)],
        ratio=[0.5, 1.0],
    )
    result = optimise(p, Options())
    assert [piece.solver for piece in result.pieces] == [LP_SOLVER]
    assert result.objective_value == pytest.approx(70 * 10 + 30 * 12)
    assert result.flows.bought.tolist() == pytest.approx([50 - 35, 0])


def test_a_pipe_is_built_only_when_it_pays() -> None:
    links = [(0, 0, 5.0, 1.0)]
    worth = optimise(problem([100], [100], links, pipes={0: (1000.0, 400.0)}), Options())
    assert [p.solver for p in worth.pieces] == [MILP_SOLVER]
    assert worth.flows.built.tolist() == [1.0]
    assert worth.objective_value == pytest.approx(500 - 400)
    assert worth.gap == pytest.approx(0.0, abs=1e-9)
    dear = optimise(problem([100], [100], links, pipes={0: (1000.0, 600.0)}), Options())
    assert dear.flows.built.tolist() == [0.0] and dear.flows.x.tolist() == [0.0]
    short = optimise(
        problem([100], [100], links, pipes={0: (1000.0, 400.0)}), Options(budget_vnd=900.0)
    )
    assert short.flows.built.tolist() == [0.0] and short.objective_value == 0.0


def test_budget_chooses_the_best_pipes() -> None:
    # Three pipes worth 300, 250 and 200 a year; 1,000 of budget buys two of the three.
    p = problem(
        supply=[100, 100, 100],
        demand=[100, 100, 100],
        links=[(0, 0, 4.0, 0.0), (1, 1, 3.5, 0.0), (2, 2, 3.0, 0.0)],
        pipes={0: (600.0, 100.0), 1: (500.0, 100.0), 2: (400.0, 100.0)},
    )
    free = optimise(p, Options())
    assert free.flows.built.tolist() == [1.0, 1.0, 1.0]
    capped = optimise(p, Options(budget_vnd=1000.0, mip_gap=0.0))
    assert capped.flows.built.tolist() == [1.0, 0.0, 1.0]  # 300 + 200 beats 300 + 250 at 1,100
    assert capped.objective_value == pytest.approx(500.0)
    assert len(capped.pieces) == 1  # the budget joins the three pipes


def test_co2_objective_and_cap() -> None:
    # D0 pays more, D1 avoids more CO2e.
    p = problem(
        supply=[100],
        demand=[100, 100],
        links=[(0, 0, 10.0, 1.0), (0, 1, 4.0, 5.0)],
        baseline_co2e_t=1000.0,
    )
    money = optimise(p, Options())
    assert money.flows.x.tolist() == pytest.approx([100, 0])
    green = optimise(p, Options(objective=CO2))
    assert green.objective_value == pytest.approx(500.0)
    assert green.flows.x.tolist() == pytest.approx([0, 100])
    capped = optimise(p, Options(co2_cap_t=800.0))  # must avoid at least 200 t
    assert float(p.unit["co2e_t"] @ capped.flows.x) == pytest.approx(200.0)
    assert capped.objective_value == pytest.approx(75 * 10 + 25 * 4)
    impossible = optimise(p, Options(co2_cap_t=100.0))
    assert impossible.status == "infeasible"
    assert "100 t CO2e" in impossible.message


def test_co2_ties_are_broken_by_money() -> None:
    p = problem(supply=[100], demand=[100, 100], links=[(0, 0, 1.0, 2.0), (0, 1, 9.0, 2.0)])
    result = optimise(p, Options(objective=CO2))
    assert result.flows.x.tolist() == pytest.approx([0, 100])


def test_treatment_capacity_limits_a_rule() -> None:
    p = problem(
        supply=[100, 100],
        demand=[200],
        links=[(0, 0, 5.0, 0.0), (1, 0, 4.0, 0.0)],
        rules=[0, 1],
    )
    result = optimise(p, Options(treatment_capacity={"rule-a": 30.0}))
    assert result.flows.x.tolist() == pytest.approx([30, 100])


def test_independent_parts_are_split_and_joined_by_a_budget() -> None:
    p = problem(
        supply=[10, 10, 10],
        demand=[10, 10, 10],
        links=[(0, 0, 1.0, 0.0), (1, 1, 2.0, 0.0), (2, 2, 3.0, 0.0)],
        classes=["metal", "water", "water"],
        pipes={1: (10.0, 1.0), 2: (10.0, 1.0)},
    )
    pieces = split(p, Options())
    assert [(piece.kind, piece.links.tolist()) for piece in pieces] == [
        ("flow", [0]),
        ("milp", [1]),
        ("milp", [2]),
    ]
    joined = split(p, Options(budget_vnd=15.0))
    assert [(piece.kind, piece.links.tolist()) for piece in joined] == [
        ("flow", [0]),
        ("milp", [1, 2]),
    ]
    assert len(split(p, Options(co2_cap_t=5.0))) == 1
    whole = optimise(p, Options(split=False))
    assert whole.objective_value == pytest.approx(optimise(p, Options()).objective_value)


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="objective"):
        Options(objective="cheapest")
    with pytest.raises(ValueError, match="budget"):
        Options(budget_vnd=-1.0)
    with pytest.raises(ValueError, match="gap"):
        Options(mip_gap=1.5)


def test_annuity_factor() -> None:
    assert annuity_factor(0.1, 10) == pytest.approx(0.1627454)
    assert annuity_factor(0.0, 20) == pytest.approx(0.05)
    with pytest.raises(ValueError):
        annuity_factor(0.1, 0)


def test_restricting_to_members_keeps_only_their_links() -> None:
    p = problem(
        supply=[10, 10],
        demand=[10, 10],
        links=[(0, 0, 1.0, 0.0), (1, 1, 1.0, 0.0), (0, 1, 1.0, 0.0)],
        supply_org=[1, 2],
        demand_org=[3, 4],
    )
    assert p.among([1, 3]).links.tolist() == [0]
    assert p.among([1, 2, 4]).links.tolist() == [1, 2]
    assert p.without_orgs([4]).links.tolist() == [0]


def _side(rows: list[dict[str, object]]) -> Side:
    base = {
        "kinds": 0,
        "year": 2024,
        "start_day": -(2**30),
        "end_day": 2**30,
        "max_km": math.inf,
        "private": False,
        "waste_code": "",
        "quality": "",
        "text": "",
        "fee": False,
        "sold": False,
        "price": math.nan,
    }
    full = [{**base, **r} for r in rows]
    return Side.from_columns({k: [r[k] for r in full] for k in full[0]})  # type: ignore[misc]


def test_candidates_become_per_unit_figures_and_pipe_decisions() -> None:
    cat = catalog()
    book = build_book(cat, 2024)
    m = book.index["treated-wastewater"]
    fresh = book.index["fresh-water"]
    supplies = _side([dict(ids=1, org=1, park=1, material=m, qty=100000.0, lat=20.90, lon=106.60)])
    demands = _side(
        [
            dict(
                ids=2,
                org=2,
                park=1,
                material=fresh,
                qty=60000.0,
                price=9000.0,
                lat=20.91,
                lon=106.61,
            )
        ]
    )
    rules = build_rules(cat)
    found = find_matches(supplies, demands, rules, book, MatchParams(top=5))
    assert len(found) >= 1
    ids = [r.id for r in rules] + ["waste_code", "name"]
    classes = [cat.materials[c].material_class.value for c in book.codes]
    costs = InvestmentCosts(0.1, {"water": PipeCost(500.0, 2000.0, 25.0)}, {})
    p = problem_from_candidates(supplies, demands, found, book, ids, classes, ["r"], costs)
    assert p.unit["net_benefit_vnd"] * p.cap == pytest.approx(found.accounts.net_benefit_vnd)
    assert p.unit["water_reused_m3"] * p.cap == pytest.approx(found.accounts.water_reused_m3)
    assert p.invest.kind.tolist() == ["pipe"] * len(found)
    expected = 500.0 + 2000.0 * found.distance_km
    assert p.invest.investment_vnd == pytest.approx(expected)
    assert p.invest.annual_vnd == pytest.approx(expected * annuity_factor(0.1, 25.0))
    assert [ids[r] for r in p.rule] == [rules[r].id for r in found.rule]
    assert np.all(p.invest.link_pipe == np.arange(len(found)))
    rule = ids[int(p.rule[0])]
    shared = InvestmentCosts(0.1, {}, {rule: UnitCost(1000.0, 5e6, 15.0)})
    p = problem_from_candidates(supplies, demands, found, book, ids, classes, ["r"], shared)
    units = np.flatnonzero(p.invest.kind == "unit")
    assert len(units) == 1 and p.invest.rule[units[0]] == p.rule[0]
    assert p.invest.max_units[units[0]] == math.ceil(found.q[p.rule == p.rule[0]].sum() / 1000.0)
    assert p.invest.link_unit[0] == units[0]


def test_a_shared_unit_is_built_as_often_as_its_links_need() -> None:
    # Two links of one rule into one park share a treatment unit of 100 units a year.
    p = problem(supply=[120, 60], demand=[200], links=[(0, 0, 3.0, 0.0), (1, 0, 1.0, 0.0)])
    inv = p.invest
    inv.kind = np.array(["unit"], dtype=object)
    inv.rule = np.array([0])
    inv.park = np.array([1])
    inv.distance_km = np.zeros(1)
    inv.investment_vnd = np.array([500.0])
    inv.annual_vnd = np.array([90.0])
    inv.capacity = np.array([100.0])
    inv.max_units = np.array([2.0])
    inv.link_unit[:] = 0
    m = build_model(p, Options())
    assert "unit" in m.rows and m.integer.sum() == 1
    result = optimise(p, Options(mip_gap=0.0))
    # Two units carry all 180 units: 120 × 3 + 60 × 1 − 2 × 90 = 240; one unit carries the
    # best 100: 100 × 3 − 90 = 210.
    assert result.flows.built.tolist() == [2.0]
    assert result.objective_value == pytest.approx(240.0)
    one = optimise(p, Options(budget_vnd=500.0, mip_gap=0.0))
    assert one.flows.built.tolist() == [1.0]
    assert one.flows.x.tolist() == pytest.approx([100.0, 0.0])
    assert one.objective_value == pytest.approx(210.0)


def test_a_network_without_links_is_today() -> None:
    p = problem(supply=[10.0], demand=[5.0], links=[], baseline_co2e_t=50.0)
    result = optimise(p, Options())
    assert (result.status, result.objective_value, result.pieces) == ("optimal", 0.0, [])
    assert result.flows.left.tolist() == [10.0] and result.flows.bought.tolist() == [5.0]
    assert optimise(p, Options(co2_cap_t=40.0)).status == "infeasible"
    assert optimise(p, Options(co2_cap_t=60.0)).status == "optimal"
