"""The solvers against independent answers on random small networks: networkx's min-cost
flow for transportation problems, and brute-force enumeration (every vertex of the
polytope, every set of pipes) for ratio programmes and investment decisions."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from optimize_instances import problem

from parkloop.optimize import Options, optimise
from parkloop.optimize.build import build_model
from parkloop.optimize.model import Problem
from parkloop.optimize.solve import FLOW_SOLVER, solve_flow, solve_highs

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def networks(
    draw: st.DrawFn, max_links: int = 8, ratios: bool = False, integer: bool = True
) -> Problem:
    n_s = draw(st.integers(1, 4))
    n_d = draw(st.integers(1, 4))
    qty = st.integers(0, 60) if integer else st.floats(0.0, 1e4, allow_nan=False)
    supply = [float(draw(qty)) for _ in range(n_s)]
    demand = [float(draw(qty)) for _ in range(n_d)]
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n_s - 1), st.integers(0, n_d - 1)),
            min_size=1,
            max_size=max_links,
            unique=True,
        )
    )
    value = st.integers(-20, 50) if integer else st.floats(-50.0, 5e4, allow_nan=False)
    links = [(s, d, float(draw(value)), float(draw(st.integers(-5, 10)))) for s, d in pairs]
    ratio = (
        [draw(st.sampled_from([0.25, 0.5, 0.85, 1.0, 1.5, 3.0])) for _ in pairs] if ratios else None
    )
    return problem(supply, demand, links, ratio=ratio)


def networkx_optimum(p: Problem) -> float:
    g = nx.DiGraph()
    total = int(p.supply_qty.sum())
    for i, q in enumerate(p.supply_qty):
        g.add_node(("s", i), demand=-int(q))
        g.add_edge(("s", i), "sink", capacity=int(q), weight=0)
    for j, q in enumerate(p.demand_qty):
        g.add_edge(("d", j), "sink", capacity=int(q), weight=0)
    g.add_node("sink", demand=total)
    for k in range(p.n_links):
        g.add_edge(
            ("s", int(p.s[k])),
            ("d", int(p.d[k])),
            capacity=int(p.cap[k]),
            weight=-int(p.unit["net_benefit_vnd"][k]),
        )
    return -float(nx.min_cost_flow_cost(g))


def vertex_optimum(p: Problem, cap: np.ndarray | None = None) -> float:
    """max c·x over {supply and demand rows, 0 ≤ x ≤ cap}: the best vertex, by trying every
    set of n active constraints."""
    n = p.n_links
    cap = p.cap if cap is None else cap
    rows, rhs = [], []
    for i in range(p.n_supplies):
        rows.append((p.s == i).astype(float))
        rhs.append(p.supply_qty[i])
    for j in range(p.n_demands):
        rows.append((p.d == j) * p.ratio)
        rhs.append(p.demand_qty[j])
    for k in range(n):
        rows.append(np.eye(n)[k])
        rhs.append(cap[k])
        rows.append(-np.eye(n)[k])
        rhs.append(0.0)
    g, h = np.array(rows), np.array(rhs)
    c = p.unit["net_benefit_vnd"]
    best = 0.0  # x = 0 is always feasible
    for active in itertools.combinations(range(len(h)), n):
        a = g[list(active)]
        if abs(np.linalg.det(a)) < 1e-12:
            continue
        x = np.linalg.solve(a, h[list(active)])
        if np.all(g @ x <= h + 1e-7 * (1 + np.abs(h))):
            best = max(best, float(c @ x))
    return best


@SETTINGS
@given(networks())
def test_min_cost_flow_matches_networkx(p: Problem) -> None:
    result = optimise(p, Options())
    assert {piece.solver for piece in result.pieces} <= {FLOW_SOLVER}
    assert result.objective_value == pytest.approx(networkx_optimum(p), rel=1e-9, abs=1e-6)


@SETTINGS
@given(networks(integer=False))
def test_flow_rounding_stays_within_the_documented_steps_of_the_lp(p: Problem) -> None:
    m = build_model(p, Options())
    assert m.graph is not None
    flow = solve_flow(m.graph, m.n_cols)
    lp = solve_highs(m, Options())
    top = float(np.abs(p.unit["net_benefit_vnd"]).max())
    scale = top * float(p.supply_qty.sum()) + 1.0
    # Values are rounded to a millionth of the largest; the error is at most that share.
    # HiGHS itself meets each row only to its feasibility tolerance (1e-7 absolute), which
    # matters when whole supplies are that small.
    lp_slack = 1e-7 * top * (p.n_supplies + p.n_demands)
    assert flow.objective == pytest.approx(lp.objective, abs=2e-6 * scale + lp_slack)
    x = flow.values[: p.n_links]
    assert np.all(x <= p.cap + 1e-12)
    assert np.all(np.bincount(p.s, x, p.n_supplies) <= p.supply_qty + 1e-9)


@SETTINGS
@given(networks(max_links=4, ratios=True))
def test_ratio_programmes_match_vertex_enumeration(p: Problem) -> None:
    result = optimise(p, Options())
    assert result.objective_value == pytest.approx(vertex_optimum(p), rel=1e-7, abs=1e-6)
    met = np.bincount(p.d, p.ratio * result.flows.x, p.n_demands)
    assert np.all(met <= p.demand_qty + 1e-6)


@st.composite
def investments(draw: st.DrawFn) -> tuple[Problem, float | None]:
    base = draw(networks(max_links=4, ratios=True))
    k = draw(st.integers(1, min(3, base.n_links)))
    pipes = {
        i: (float(draw(st.integers(0, 100))), float(draw(st.integers(0, 800)))) for i in range(k)
    }
    links = [
        (int(a), int(b), float(v), float(c))
        for a, b, v, c in zip(
            base.s, base.d, base.unit["net_benefit_vnd"], base.unit["co2e_t"], strict=True
        )
    ]
    p = problem(
        base.supply_qty.tolist(),
        base.demand_qty.tolist(),
        links,
        ratio=base.ratio.tolist(),
        pipes=pipes,
    )
    budget = draw(st.one_of(st.none(), st.integers(0, 200).map(float)))
    return p, budget


@SETTINGS
@given(investments())
def test_investment_decisions_match_enumeration(case: tuple[Problem, float | None]) -> None:
    p, budget = case
    result = optimise(p, Options(budget_vnd=budget, mip_gap=0.0))
    inv = p.invest
    best = 0.0
    for built in itertools.product([0.0, 1.0], repeat=len(inv)):
        y = np.array(built)
        if budget is not None and float(inv.investment_vnd @ y) > budget:
            continue
        cap = p.cap.copy()
        piped = np.flatnonzero(inv.link_pipe >= 0)
        cap[piped] *= y[inv.link_pipe[piped]]
        best = max(best, vertex_optimum(p, cap) - float(inv.annual_vnd @ y))
    assert result.status == "optimal"
    assert result.objective_value == pytest.approx(best, rel=1e-7, abs=1e-5)
    if budget is not None:
        assert float(inv.investment_vnd @ result.flows.built) <= budget + 1e-9
