"""The whole optimisation of a network: split it into independent pieces, then build,
solve and assign each piece in turn."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from parkloop.optimize.assign import Flows, assign_solution, value_of
from parkloop.optimize.build import Model, build_model
from parkloop.optimize.model import CO2, NET_BENEFIT, Options, Piece, Problem, split
from parkloop.optimize.solve import (
    INFEASIBLE,
    OPTIMAL,
    Solution,
    relative_gap,
    solve_model,
    worst,
)

# Among networks within this share of the best CO2e, the one worth most is kept.
LEXICOGRAPHIC_SLACK = 1e-9


@dataclass
class PieceResult:
    key: str
    kind: str
    solver: str
    status: str
    links: int
    supplies: int
    demands: int
    decisions: int
    objective: float
    bound: float
    gap: float
    seconds: float
    detail: dict[str, float | str] = field(default_factory=dict)


@dataclass
class NetworkResult:
    objective: str
    status: str
    objective_value: float
    bound: float
    gap: float
    flows: Flows
    pieces: list[PieceResult]
    seconds: dict[str, float]
    message: str = ""

    @property
    def usable(self) -> bool:
        return self.status not in (INFEASIBLE, "no_solution")


def _solve_piece(p: Problem, options: Options) -> tuple[Model, Solution, float]:
    t0 = time.perf_counter()
    model = build_model(p, options)
    built = time.perf_counter() - t0
    solution = solve_model(model, options)
    if options.objective == CO2 and solution.usable:
        # Lexicographic: keep the CO2e reached, then take the network worth most.
        floor = solution.objective - LEXICOGRAPHIC_SLACK * abs(solution.objective) - 1e-9
        floor = min(floor, solution.objective)
        second_options = options.but(objective=NET_BENEFIT, min_co2e_t=_joint(options, floor))
        second = build_model(p, second_options)
        money = solve_model(second, second_options)
        if money.usable:
            money.objective, money.bound, money.gap = (
                solution.objective,
                solution.bound,
                solution.gap,
            )
            money.seconds += solution.seconds
            money.status = worst([money.status, solution.status])
            return second, money, built
    return model, solution, built


def _joint(options: Options, floor: float) -> float:
    return floor if options.min_co2e_t is None else max(floor, options.min_co2e_t)


def optimise(problem: Problem, options: Options) -> NetworkResult:
    """Choose the flows on the links that maximise the objective under the options."""
    start = time.perf_counter()
    pieces = split(problem, options)
    split_seconds = time.perf_counter() - start
    flows = Flows.today(problem)
    reports: list[PieceResult] = []
    build_seconds = solve_seconds = assign_seconds = 0.0
    message = ""
    for piece in pieces:
        part = problem.restrict(piece.links)
        model, solution, built = _solve_piece(part.problem, options)
        build_seconds += built
        solve_seconds += solution.seconds
        t0 = time.perf_counter()
        if solution.usable:
            assign_solution(flows, part, model, solution)
        elif solution.status != INFEASIBLE and not message:
            message = (
                f"{piece.key}: no network found within {options.time_limit_s:g} s "
                f"({solution.detail.get('highs_status', solution.status)})"
            )
        assign_seconds += time.perf_counter() - t0
        reports.append(_report(piece, part.problem, solution))
    status = worst([r.status for r in reports])
    if not pieces and not _today_allowed(problem, options):
        status = INFEASIBLE
    if status == INFEASIBLE:
        message = _why_infeasible(problem, options)
    value = value_of(problem, flows, options.objective)
    bound = sum(r.bound for r in reports) if reports else value
    if not math.isfinite(bound):
        bound = math.nan
    return NetworkResult(
        objective=options.objective,
        status=status,
        objective_value=value,
        bound=bound,
        gap=relative_gap(value, bound)
        if status != INFEASIBLE and math.isfinite(bound)
        else math.nan,
        flows=flows,
        pieces=reports,
        seconds={
            "split": split_seconds,
            "build": build_seconds,
            "solve": solve_seconds,
            "assign": assign_seconds,
        },
        message=message,
    )


def _today_allowed(problem: Problem, options: Options) -> bool:
    """Whether today's network (no new link) meets the side constraints."""
    if options.co2_cap_t is not None and problem.baseline_co2e_t > options.co2_cap_t:
        return False
    if options.min_co2e_t is not None and options.min_co2e_t > 0:
        return False
    return options.min_net_benefit_vnd is None or options.min_net_benefit_vnd <= 0


def _why_infeasible(problem: Problem, options: Options) -> str:
    if options.co2_cap_t is not None:
        return (
            f"no network keeps the scope's emissions under {options.co2_cap_t:,.0f} t CO2e a year "
            f"(today {problem.baseline_co2e_t:,.0f} t before the new links)"
        )
    if options.min_co2e_t is not None:
        return f"no network avoids {options.min_co2e_t:,.0f} t CO2e a year"
    return "no network meets the constraints"


def _report(piece: Piece, p: Problem, solution: Solution) -> PieceResult:
    return PieceResult(
        key=piece.key,
        kind=piece.kind,
        solver=solution.solver,
        status=solution.status,
        links=p.n_links,
        supplies=p.n_supplies,
        demands=p.n_demands,
        decisions=len(p.invest),
        objective=solution.objective,
        bound=solution.bound,
        gap=solution.gap,
        seconds=solution.seconds,
        detail=dict(solution.detail),
    )


__all__ = ["OPTIMAL", "NetworkResult", "PieceResult", "optimise"]
