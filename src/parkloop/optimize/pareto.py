"""The trade-off between money and CO2e: ε-constraint points between the network worth
most and the network that avoids most CO2e, each a feasible network."""

from __future__ import annotations

from dataclasses import dataclass

from parkloop.optimize.assign import value_of
from parkloop.optimize.model import CO2, NET_BENEFIT, Options, Problem
from parkloop.optimize.run import NetworkResult, optimise

# The money end keeps networks within this share of the best net benefit.
MONEY_SLACK = 1e-7

METHOD = (
    "ε-constraint: first the network worth most (and, among those, the one avoiding most "
    "CO2e), then the one avoiding most CO2e (and, among those, the one worth most); between "
    "them, for evenly spaced CO2e floors ε, the network worth most that avoids at least ε"
)


@dataclass
class ParetoPoint:
    index: int
    min_co2e_t: float | None
    net_benefit_vnd: float
    co2e_t: float
    result: NetworkResult

    @property
    def status(self) -> str:
        return self.result.status


@dataclass
class Pareto:
    points: list[ParetoPoint]
    tradeoff: bool
    method: str = METHOD


def _point(index: int, floor: float | None, problem: Problem, result: NetworkResult) -> ParetoPoint:
    return ParetoPoint(
        index=index,
        min_co2e_t=floor,
        net_benefit_vnd=value_of(problem, result.flows, NET_BENEFIT),
        co2e_t=value_of(problem, result.flows, CO2),
        result=result,
    )


def pareto(problem: Problem, options: Options, points: int = 5) -> Pareto:
    """``points`` networks from the one worth most to the one avoiding most CO2e."""
    if points < 2:
        raise ValueError("a trade-off curve needs at least 2 points")
    best_money = optimise(problem, options.but(objective=NET_BENEFIT))
    if not best_money.usable:
        return Pareto([_point(0, None, problem, best_money)], tradeoff=False)
    money = best_money.objective_value
    floor = money - MONEY_SLACK * abs(money)
    left = optimise(problem, options.but(objective=CO2, min_net_benefit_vnd=floor))
    if not left.usable:
        left = best_money
    right = optimise(problem, options.but(objective=CO2))
    low = _point(0, None, problem, left)
    high = _point(points - 1, None, problem, right)
    tradeoff = high.co2e_t > low.co2e_t * (1 + 1e-9) + 1e-9
    out = [low]
    for i in range(1, points - 1):
        target = low.co2e_t + (high.co2e_t - low.co2e_t) * i / (points - 1)
        if not tradeoff:
            out.append(_point(i, target, problem, left))
            continue
        result = optimise(problem, options.but(objective=NET_BENEFIT, min_co2e_t=target))
        out.append(_point(i, target, problem, result))
    out.append(high)
    return Pareto(out, tradeoff=tradeoff)
