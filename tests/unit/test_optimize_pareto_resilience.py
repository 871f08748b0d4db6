"""The trade-off curve and the loss of an enterprise on hand-made networks."""

from __future__ import annotations

import pytest
from optimize_instances import problem

from parkloop.optimize import CO2, NET_BENEFIT, Options, optimise, value_of
from parkloop.optimize.pareto import pareto
from parkloop.optimize.resilience import outage


def tradeoff() -> object:
    # 100 t can go to D0 (10 VND and 1 t CO2e a unit) or D1 (4 VND and 5 t CO2e a unit).
    return problem(supply=[100], demand=[100, 100], links=[(0, 0, 10.0, 1.0), (0, 1, 4.0, 5.0)])


def test_curve_runs_from_money_to_co2_through_feasible_networks() -> None:
    p = tradeoff()
    curve = pareto(p, Options(), points=5)  # type: ignore[arg-type]
    assert curve.tradeoff
    assert [pt.status for pt in curve.points] == ["optimal"] * 5
    money = [pt.net_benefit_vnd for pt in curve.points]
    co2 = [pt.co2e_t for pt in curve.points]
    assert money == pytest.approx([1000, 850, 700, 550, 400])
    assert co2 == pytest.approx([100, 200, 300, 400, 500])
    for pt in curve.points:
        x = pt.result.flows.x
        assert x.sum() <= 100 + 1e-6 and (x >= 0).all()


def test_a_curve_without_tradeoff_collapses() -> None:
    p = problem(supply=[10], demand=[10, 10], links=[(0, 0, 5.0, 5.0), (0, 1, 1.0, 1.0)])
    curve = pareto(p, Options(), points=5)
    assert not curve.tradeoff
    assert {round(pt.net_benefit_vnd, 6) for pt in curve.points} == {50.0}
    with pytest.raises(ValueError):
        pareto(p, Options(), points=1)


def test_the_money_end_keeps_the_most_co2_among_equal_money() -> None:
    p = problem(supply=[10], demand=[10, 10], links=[(0, 0, 5.0, 1.0), (0, 1, 5.0, 3.0)])
    curve = pareto(p, Options(), points=5)
    assert curve.points[0].co2e_t == pytest.approx(30.0)
    assert curve.points[0].net_benefit_vnd == pytest.approx(50.0)


def test_losing_a_receiver_sends_its_supply_to_the_next_best() -> None:
    # Supplier 1 prefers receiver 10 (9 a unit) to receiver 11 (6 a unit); receiver 11 also
    # takes supplier 2's output.
    p = problem(
        supply=[50, 30],
        demand=[50, 60],
        links=[(0, 0, 9.0, 1.0), (0, 1, 6.0, 1.0), (1, 1, 5.0, 1.0)],
        supply_org=[1, 2],
        demand_org=[10, 11],
    )
    before = optimise(p, Options())
    assert before.objective_value == pytest.approx(50 * 9 + 30 * 5)
    lost = outage(p, before, org=10, partners={1}, options=Options())
    assert lost.broken.tolist() == [0]
    # Receiver 11 now takes all of supplier 1 (50 × 6) and the rest from supplier 2 (10 × 5).
    assert lost.value_after == pytest.approx(50 * 6 + 10 * 5)
    assert lost.lost == pytest.approx(600 - 350)
    chosen = lost.problem.s[lost.alternatives].tolist(), lost.problem.d[lost.alternatives].tolist()
    assert chosen == ([0], [0])  # supplier 1 → receiver 11, the link that was not used before
    assert value_of(lost.problem, lost.result.flows, CO2) == pytest.approx(60.0)
    assert lost.result.flows.left.tolist() == pytest.approx([0, 20])
    assert lost.result.objective == NET_BENEFIT
