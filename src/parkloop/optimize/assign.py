"""Writing a solution back onto the links, supplies, demands and decisions it belongs to."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parkloop.optimize.build import Model
from parkloop.optimize.model import CO2, F64, I64, NET_BENEFIT, Problem, Restricted
from parkloop.optimize.solve import Solution


@dataclass
class Flows:
    """The network chosen: flow on every link, what each supply leaves to its baseline,
    what each demand still buys, and how many of each investment are built."""

    x: F64
    left: F64
    bought: F64
    built: F64

    @classmethod
    def today(cls, p: Problem) -> Flows:
        """Nothing new: every supply left as it is, every demand bought as today."""
        return cls(
            x=np.zeros(p.n_links),
            left=p.supply_qty.copy(),
            bought=p.demand_qty.copy(),
            built=np.zeros(len(p.invest)),
        )

    def chosen(self, p: Problem) -> I64:
        """Links that carry something (numerical dust below a millionth of a unit ignored)."""
        return np.flatnonzero(self.x > dust(p))


def dust(p: Problem) -> F64:
    """Flows at or below this are a solver's numerical dust, not an exchange."""
    return 1e-9 * np.maximum(p.cap, 1.0) + 1e-6


def assign_solution(flows: Flows, part: Restricted, model: Model, solution: Solution) -> None:
    """Put a piece's solution into the whole network's arrays. Flows are clipped to their
    bounds and dust is set to zero; what is left and bought follows from the flows."""
    p = part.problem
    v = solution.values
    cols = model.columns
    x = np.clip(v[cols["flow"].index], 0.0, p.cap)
    x[x <= dust(p)] = 0.0
    flows.x[part.links] = x
    placed = np.bincount(p.s, weights=x, minlength=p.n_supplies)
    met = np.bincount(p.d, weights=p.ratio * x, minlength=p.n_demands)
    flows.left[part.supplies] = np.maximum(p.supply_qty - placed, 0.0)
    flows.bought[part.demands] = np.maximum(p.demand_qty - met, 0.0)
    if "build" in cols:
        flows.built[part.decisions] = np.rint(v[cols["build"].index])


def value_of(p: Problem, flows: Flows, objective: str) -> float:
    """The objective of a network, from the real figures."""
    if objective == CO2:
        return float(p.unit["co2e_t"] @ flows.x)
    if objective != NET_BENEFIT:
        raise ValueError(objective)
    return float(p.unit["net_benefit_vnd"] @ flows.x - p.invest.annual_vnd @ flows.built)


def totals(p: Problem, flows: Flows) -> dict[str, float]:
    """Sums over the chosen flows of every per-unit figure, and the investment built."""
    out = {name: float(values @ flows.x) for name, values in p.unit.items()}
    out["investment_vnd"] = float(p.invest.investment_vnd @ flows.built)
    out["annualised_investment_vnd"] = float(p.invest.annual_vnd @ flows.built)
    return out
