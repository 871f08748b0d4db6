"""Solving a built model: OR-Tools min-cost flow for transportation problems, HiGHS for
linear and mixed-integer programmes (the matrix passed as arrays). Each solver reports
its status, objective, bound and relative gap the same way."""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import highspy
import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from parkloop.optimize.build import FlowGraph, Model
from parkloop.optimize.model import F64, Options

OPTIMAL, FEASIBLE, INFEASIBLE, NO_SOLUTION = "optimal", "feasible", "infeasible", "no_solution"
STATUS_ORDER = {OPTIMAL: 0, FEASIBLE: 1, NO_SOLUTION: 2, INFEASIBLE: 3}
FLOW_SOLVER = "OR-Tools min-cost flow"
LP_SOLVER = "HiGHS LP"
MILP_SOLVER = "HiGHS MILP"

# Integer scaling of a transportation problem: the total supply of a piece spans at most
# QUANTITY_STEPS steps and the largest value per unit COST_STEPS steps, so every cost ×
# flow sum stays below 10^18, inside OR-Tools' 64-bit integers.
QUANTITY_STEPS = 1e12
COST_STEPS = 1e6


@dataclass
class Solution:
    status: str
    solver: str
    objective: float
    bound: float
    gap: float
    values: F64
    seconds: float
    detail: dict[str, float | str] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return self.status in (OPTIMAL, FEASIBLE)


def worst(statuses: list[str]) -> str:
    return max(statuses, key=lambda s: STATUS_ORDER[s]) if statuses else OPTIMAL


def relative_gap(objective: float, bound: float) -> float:
    """(bound − objective) / |bound|, 0 when both are 0 (maximisation)."""
    if not math.isfinite(bound) or not math.isfinite(objective):
        return math.inf
    diff = max(0.0, bound - objective)
    return diff / max(abs(bound), 1e-9) if diff > 0 else 0.0


def solve_model(m: Model, options: Options) -> Solution:
    """Solve with the fastest solver that fits the model."""
    if m.graph is not None:
        return solve_flow(m.graph, m.n_cols)
    return solve_highs(m, options)


# -- min-cost flow ---------------------------------------------------------------------------


def _power_of_ten_below(limit: float) -> float:
    """The largest power of ten not above ``limit`` (within 10^±300)."""
    if not limit > 0:
        return 1.0
    return 10.0 ** min(300, max(-300, math.floor(math.log10(min(limit, 1e300)))))


@dataclass
class FlowArrays:
    """A transportation problem as OR-Tools takes it: integer arcs, node supplies, and the
    steps that turned quantities and values into integers."""

    tails: NDArray[np.int32]
    heads: NDArray[np.int32]
    capacities: NDArray[np.int64]
    costs: NDArray[np.int64]
    nodes: NDArray[np.int32]
    supplies: NDArray[np.int64]
    quantity_scale: float
    value_scale: float


def flow_arrays(g: FlowGraph) -> FlowArrays:
    """Nodes are the supplies, the demands and one sink. Each supply ships along its links
    or straight to the sink (left as today); each demand passes what it receives to the
    sink, at most its quantity. Quantities are floored and values rounded to integer steps
    (``QUANTITY_STEPS``, ``COST_STEPS``), so flows never exceed the real capacities."""
    ns, nd, n = len(g.supply), len(g.demand), len(g.tail)
    total = float(g.supply.sum())
    q_scale = _power_of_ten_below(QUANTITY_STEPS / total) if total > 0 else 1.0
    top = float(np.abs(g.value).max()) if n else 0.0
    c_scale = _power_of_ten_below(COST_STEPS / top) if top > 0 else 1.0
    sink = ns + nd
    supply_int = np.floor(g.supply * q_scale).astype(np.int64)
    # No arc can carry more than all the supply: larger capacities are cut to that.
    most = float(supply_int.sum())
    return FlowArrays(
        tails=np.concatenate([g.tail, np.arange(ns), ns + np.arange(nd)]).astype(np.int32),
        heads=np.concatenate([ns + g.head, np.full(ns + nd, sink)]).astype(np.int32),
        capacities=np.concatenate(
            [
                np.minimum(np.floor(g.capacity * q_scale), most),
                supply_int.astype(float),
                np.minimum(np.floor(g.demand * q_scale), most),
            ]
        ).astype(np.int64),
        costs=np.concatenate([-np.rint(g.value * c_scale), np.zeros(ns + nd)]).astype(np.int64),
        nodes=np.arange(ns + nd + 1, dtype=np.int32),
        supplies=np.concatenate([supply_int, np.zeros(nd, dtype=np.int64), [-supply_int.sum()]]),
        quantity_scale=q_scale,
        value_scale=c_scale,
    )


def solve_flow(g: FlowGraph, n_cols: int | None = None) -> Solution:
    """Transportation problem by min-cost flow on integers (see :func:`flow_arrays`);
    flows are turned back into quantities and the objective recomputed from the real
    values."""
    start = time.perf_counter()
    ns, nd, n = len(g.supply), len(g.demand), len(g.tail)
    arrays = flow_arrays(g)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        arrays.tails, arrays.heads, arrays.capacities, arrays.costs
    )
    flow.set_nodes_supplies(arrays.nodes, arrays.supplies)
    status = flow.solve()
    seconds = time.perf_counter() - start
    detail: dict[str, float | str] = {
        "quantity_step": 1.0 / arrays.quantity_scale,
        "value_step": 1.0 / arrays.value_scale,
    }
    size = n_cols if n_cols is not None else n + ns + nd
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        detail["message"] = f"min-cost flow ended with status {status}"
        return Solution(
            INFEASIBLE, FLOW_SOLVER, math.nan, math.nan, math.inf, np.zeros(size), seconds, detail
        )
    x = flow.flows(arcs).astype(float)[:n] / arrays.quantity_scale
    left = np.maximum(g.supply - np.bincount(g.tail, weights=x, minlength=ns), 0.0)
    bought = np.maximum(g.demand - np.bincount(g.head, weights=x, minlength=nd), 0.0)
    values = np.concatenate([x, left, bought, np.zeros(size - n - ns - nd)])
    objective = float(g.value @ x)
    return Solution(OPTIMAL, FLOW_SOLVER, objective, objective, 0.0, values, seconds, detail)


# -- HiGHS -------------------------------------------------------------------------------------


@contextmanager
def _quiet() -> Iterator[None]:
    """HiGHS prints its banner on standard output when first created; keep it off --json."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def highs() -> highspy.Highs:
    with _quiet():
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    return h


def pass_model(h: highspy.Highs, m: Model) -> None:
    """Hand the model to HiGHS as arrays: costs, bounds and the column-wise matrix."""
    a = m.matrix()
    integer = m.integer
    h.passModel(
        m.n_cols,
        m.n_rows,
        int(a.nnz),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMaximize),
        0.0,
        m.cost,
        m.lower,
        m.upper,
        m.row_lower,
        m.row_upper,
        a.indptr.astype(np.int32),
        a.indices.astype(np.int32),
        a.data.astype(float),
        integer.astype(np.int32),
    )


def solve_highs(m: Model, options: Options) -> Solution:
    """Linear or mixed-integer programme by HiGHS, with the time limit and gap of ``options``."""
    start = time.perf_counter()
    mip = m.is_mip
    solver = MILP_SOLVER if mip else LP_SOLVER
    if m.n_cols == 0:
        return Solution(OPTIMAL, solver, 0.0, 0.0, 0.0, np.zeros(0), 0.0)
    h = highs()
    h.setOptionValue("time_limit", float(options.time_limit_s))
    if mip:
        h.setOptionValue("mip_rel_gap", float(options.mip_gap))
    pass_model(h, m)
    h.run()
    model_status = h.getModelStatus()
    info = h.getInfo()
    has_solution = int(info.primal_solution_status) == 2  # kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value, dtype=float) if has_solution else None
    seconds = time.perf_counter() - start
    detail: dict[str, float | str] = {"highs_status": h.modelStatusToString(model_status)}
    if mip:
        detail["nodes"] = float(info.mip_node_count)
    S = highspy.HighsModelStatus
    if model_status in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return Solution(
            INFEASIBLE, solver, math.nan, math.nan, math.inf, np.zeros(m.n_cols), seconds, detail
        )
    if values is None:
        return Solution(
            NO_SOLUTION, solver, math.nan, math.nan, math.inf, np.zeros(m.n_cols), seconds, detail
        )
    objective = float(info.objective_function_value)
    if mip:
        bound = float(info.mip_dual_bound)
        gap = relative_gap(objective, bound)
    else:
        bound, gap = objective, 0.0
    status = OPTIMAL if model_status == S.kOptimal else FEASIBLE
    return Solution(status, solver, objective, bound, gap, values, seconds, detail)
