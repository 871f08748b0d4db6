"""Exchange network optimisation: the model as arrays, built by small ``define_*`` steps,
solved by min-cost flow or HiGHS, and assigned back onto the links; the trade-off curve,
resilience and fair shares on top. Pure: no SQL, no HTTP."""

from parkloop.optimize.assign import Flows, totals, value_of
from parkloop.optimize.model import (
    CO2,
    METHOD,
    NET_BENEFIT,
    OBJECTIVES,
    InvestmentCosts,
    Options,
    PipeCost,
    Problem,
    UnitCost,
    problem_from_candidates,
)
from parkloop.optimize.run import NetworkResult, optimise

__all__ = [
    "CO2",
    "METHOD",
    "NET_BENEFIT",
    "OBJECTIVES",
    "Flows",
    "InvestmentCosts",
    "NetworkResult",
    "Options",
    "PipeCost",
    "Problem",
    "UnitCost",
    "optimise",
    "problem_from_candidates",
    "totals",
    "value_of",
]
