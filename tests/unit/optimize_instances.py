"""Hand-made optimisation problems for the unit tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from parkloop.optimize.model import Investments, Problem


def problem(
    supply: Sequence[float],
    demand: Sequence[float],
    links: Sequence[tuple[int, int, float, float]],
    ratio: Sequence[float] | None = None,
    cap: Sequence[float] | None = None,
    pipes: dict[int, tuple[float, float]] | None = None,
    supply_org: Sequence[int] | None = None,
    demand_org: Sequence[int] | None = None,
    rules: Sequence[int] | None = None,
    rule_ids: Sequence[str] = ("rule-a", "rule-b", "waste_code", "name"),
    classes: Sequence[str] | None = None,
    baseline_co2e_t: float = 0.0,
) -> Problem:
    """``links`` are (supply, demand, net benefit per unit, CO2e per unit); ``pipes`` maps a
    link to (investment, annualised investment) of the pipe it needs."""
    n = len(links)
    s = np.array([link[0] for link in links], dtype=np.int64)
    d = np.array([link[1] for link in links], dtype=np.int64)
    r = np.array(ratio if ratio is not None else [1.0] * n, dtype=float)
    sq = np.asarray(supply, dtype=float)
    dq = np.asarray(demand, dtype=float)
    c = np.asarray(cap, dtype=float) if cap is not None else np.minimum(sq[s], dq[d] / r)
    inv = Investments.none(n)
    pipes = pipes or {}
    if pipes:
        order = sorted(pipes)
        inv.kind = np.array(["pipe"] * len(order), dtype=object)
        inv.rule = np.zeros(len(order), dtype=np.int64)
        inv.park = np.zeros(len(order), dtype=np.int64)
        inv.distance_km = np.ones(len(order))
        inv.investment_vnd = np.array([pipes[i][0] for i in order], dtype=float)
        inv.annual_vnd = np.array([pipes[i][1] for i in order], dtype=float)
        inv.capacity = np.full(len(order), np.nan)
        inv.max_units = np.ones(len(order))
        for k, i in enumerate(order):
            inv.link_pipe[i] = k
    return Problem(
        supply_qty=sq,
        demand_qty=dq,
        supply_org=np.asarray(
            supply_org if supply_org is not None else range(len(sq)), dtype=np.int64
        ),
        demand_org=np.asarray(
            demand_org if demand_org is not None else range(100, 100 + len(dq)), dtype=np.int64
        ),
        supply_class=np.asarray(
            classes if classes is not None else ["metal"] * len(sq), dtype=object
        ),
        supply_region=np.asarray(["north"] * len(sq), dtype=object),
        s=s,
        d=d,
        cap=c,
        ratio=r,
        rule=np.asarray(rules if rules is not None else [0] * n, dtype=np.int64),
        rule_ids=list(rule_ids),
        unit={
            "net_benefit_vnd": np.array([link[2] for link in links], dtype=float),
            "co2e_t": np.array([link[3] for link in links], dtype=float),
        },
        invest=inv,
        baseline_co2e_t=baseline_co2e_t,
    )
