"""What breaks when one enterprise leaves: the links of the chosen network it was part
of, the benefit lost once the rest is optimised again, and the partners the re-optimised
network turns to instead."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parkloop.optimize.assign import value_of
from parkloop.optimize.model import I64, Options, Problem
from parkloop.optimize.run import NetworkResult, optimise

METHOD = (
    "remove the enterprise with all its supplies, demands and exchanges; what its partners "
    "gave it or took from it is free again (an output back to its baseline, an input bought "
    "again) and may find other partners; optimise the network again with the same options; "
    "benefit lost = (running + planned) before − (running kept + planned) after. Running "
    "exchanges are valued as `parkloop account` values them and new links as `parkloop match` "
    "does, so where a partner's freed output is worth more to another firm than the running "
    "exchange was, the loss is negative: a gain"
)


@dataclass
class Outage:
    org: int
    broken: I64  # chosen links of the network before that touch the enterprise
    value_before: float
    value_after: float
    result: NetworkResult
    problem: Problem
    alternatives: I64  # chosen links after, to or from a former partner, new to the network

    @property
    def lost(self) -> float:
        return self.value_before - self.value_after


def touching(problem: Problem, links: I64, org: int) -> I64:
    """The links among ``links`` whose supplier or receiver is ``org``."""
    hit = (problem.supply_org[problem.s[links]] == org) | (
        problem.demand_org[problem.d[links]] == org
    )
    return np.asarray(links[hit], dtype=np.int64)


def _signature(problem: Problem, links: I64) -> set[tuple[int, int, int]]:
    return {
        (int(a), int(b), int(r))
        for a, b, r in zip(
            problem.supply_org[problem.s[links]],
            problem.demand_org[problem.d[links]],
            problem.rule[links],
            strict=True,
        )
    }


def outage(
    base: Problem,
    before: NetworkResult,
    org: int,
    partners: set[int],
    options: Options,
    reduced: Problem | None = None,
) -> Outage:
    """Re-optimise without ``org``. ``reduced`` is the network without it when its
    partners' freed supplies and demands bring new links; by default the base network
    without the enterprise's rows and links."""
    chosen = before.flows.chosen(base)
    problem = reduced if reduced is not None else base.without_orgs([org]).problem
    after = optimise(problem, options)
    now = after.flows.chosen(problem)
    had = _signature(base, chosen)
    involved = np.isin(problem.supply_org[problem.s[now]], list(partners)) | np.isin(
        problem.demand_org[problem.d[now]], list(partners)
    )
    fresh = np.array(
        [
            (int(a), int(b), int(r)) not in had
            for a, b, r in zip(
                problem.supply_org[problem.s[now]],
                problem.demand_org[problem.d[now]],
                problem.rule[now],
                strict=True,
            )
        ],
        dtype=bool,
    )
    return Outage(
        org=org,
        broken=touching(base, chosen, org),
        value_before=value_of(base, before.flows, options.objective),
        value_after=value_of(problem, after.flows, options.objective),
        result=after,
        problem=problem,
        alternatives=now[involved & fresh] if len(now) else now,
    )
