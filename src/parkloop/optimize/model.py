"""The exchange network as arrays: supplies, demands, candidate links and investment
decisions — what the optimiser chooses from — and its split into independent pieces.

Pure: no SQL, no solver. Every figure of a link is per unit of supply moved on it (the
accounting is linear in the quantity), so a flow ``x`` on a link is worth ``x × unit``.
Today's situation is the zero point: a unit of supply left unplaced goes to its baseline
(disposal, a sale elsewhere, or nowhere) and a unit of demand left unmet is bought as
today, both at no change in money or CO2e.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from parkloop.accounting.book import PIPE, FactorBook
from parkloop.errors import msg
from parkloop.matching.engine import Candidates
from parkloop.matching.tables import Side

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Names = NDArray[np.object_]

NET_BENEFIT, CO2 = "net-benefit", "co2"
OBJECTIVES = (NET_BENEFIT, CO2)
FLOW, LP, MILP = "flow", "lp", "milp"
KIND_ORDER = {FLOW: 0, LP: 1, MILP: 2}

# Figures per unit of supply moved on a link; summed over the flows for the totals.
FIGURES = (
    "net_benefit_vnd",
    "co2e_t",
    "water_reused_m3",
    "energy_recovered_mwh",
    "virgin_material_avoided_t",
    "landfill_avoided_t",
    "supplier_side_vnd",
    "receiver_side_vnd",
)

METHOD: dict[str, str] = {
    "model": (
        "variables: the flow x on each candidate link (units of the supply a year), the part of "
        "each supply left to its baseline (disposal, a sale elsewhere) and the part of each "
        "demand still bought as today; every supply unit is placed or left, every demand unit "
        "is met or bought: Σ x over a supply's links + left = supply; Σ ratio × x over a "
        "demand's links + bought = demand; 0 ≤ x ≤ the most the link can carry. Today is the "
        "zero point, so leaving and buying cost nothing in the objective"
    ),
    "net-benefit": (
        "maximise Σ net benefit per unit × x − Σ annualised investment of what is built "
        "(VND a year); net benefit per unit is the link's accounted net benefit / its quantity"
    ),
    "co2": (
        "maximise Σ CO2e avoided per unit × x (t a year), then, among the networks that avoid "
        "as much, the one with the most net benefit"
    ),
    "investment": (
        "a link by pipe (water, heat, steam, gas) not running today needs the pipe built: a "
        "binary decision y with x ≤ capacity × y, costing (fixed + per km × km) × annuity "
        "factor a year; a shared treatment unit serves all links of its rule into one park: "
        "Σ x ≤ unit capacity × units built. Annuity factor = r / (1 − (1 + r)^−n) for the "
        "discount rate r and lifetime n (catalog/data/investment_costs.csv)"
    ),
    "budget": "Σ investment × builds ≤ budget (VND, capital spent once)",
    "committed": (
        "exchanges agreed but not yet running (negotiating) are fixed in the plan: their "
        "quantity is taken from the supplier's supply (the part its inventory does not already "
        "show as exchanged) and, × the substitution ratio, from the receiver's demand, so "
        "that nothing is allocated twice; running exchanges are already out of the demand"
    ),
    "landfill": (
        "kept from landfill: tonnes of a supply whose destination in the supplier's inventory "
        "is landfill, moved on a link (whatever fee, if any, was typed)"
    ),
    "co2_cap": (
        "the scope's emissions — disposal of its open supplies and production of the virgin "
        "inputs its open demands buy today, less the CO2e the new links avoid — at most the cap"
    ),
    "treatment_capacity": "Σ x over the links of a substitution rule ≤ the capacity given for it",
    "solvers": (
        "pieces with links of ratio 1 and no side constraint are transportation problems, "
        "solved by OR-Tools min-cost flow on integers (quantities floored to a step that keeps "
        "the total supply of the piece below 10^12 steps, costs rounded to a step that keeps "
        "the largest below 10^6 steps; the objective is recomputed from the real figures); "
        "pieces with other ratios or side constraints are linear programmes solved by HiGHS "
        "with the constraint matrix passed column-wise; pieces with investment decisions are "
        "mixed-integer programmes solved by HiGHS with a time limit and a relative gap"
    ),
    "pieces": (
        "links that share no supply, demand, shared unit or side constraint are independent: "
        "the scope is cut into connected pieces, grouped by material class and region, and "
        "each group is solved on its own; a budget, a CO2 cap or a CO2 floor joins the pieces "
        "it spans"
    ),
}


def annuity_factor(rate: float, years: float) -> float:
    """Capital recovery factor: the yearly payment that repays 1 over ``years`` at ``rate``."""
    if years <= 0:
        raise ValueError("an investment's lifetime must be positive")
    if rate == 0:
        return 1.0 / years
    return float(rate / (1.0 - (1.0 + rate) ** -years))


@dataclass(frozen=True)
class PipeCost:
    """Building a pipe for one link: fixed part plus a part per km of route."""

    fixed_vnd: float
    per_km_vnd: float
    lifetime_years: float


@dataclass(frozen=True)
class UnitCost:
    """A shared treatment unit: each unit built treats ``capacity`` supply units a year."""

    capacity: float
    investment_vnd: float
    lifetime_years: float


@dataclass(frozen=True)
class InvestmentCosts:
    discount_rate: float = 0.1
    pipes: Mapping[str, PipeCost] = field(default_factory=dict)  # by material class
    units: Mapping[str, UnitCost] = field(default_factory=dict)  # by substitution rule id


@dataclass
class Investments:
    """Investment decisions. ``link_pipe`` and ``link_unit`` give each link's pipe and
    shared-unit decision (-1 when it needs none); ``capacity`` is NaN for a pipe (it
    carries what its link can), ``park`` is the receiving park of a shared unit."""

    kind: Names
    rule: I64
    park: I64
    distance_km: F64
    investment_vnd: F64
    annual_vnd: F64
    capacity: F64
    max_units: F64
    link_pipe: I64
    link_unit: I64

    def __len__(self) -> int:
        return int(self.kind.shape[0])

    @classmethod
    def none(cls, n_links: int) -> Investments:
        empty = np.empty(0)
        return cls(
            kind=np.empty(0, dtype=object),
            rule=np.empty(0, dtype=np.int64),
            park=np.empty(0, dtype=np.int64),
            distance_km=empty,
            investment_vnd=empty,
            annual_vnd=empty,
            capacity=empty,
            max_units=empty,
            link_pipe=np.full(n_links, -1, dtype=np.int64),
            link_unit=np.full(n_links, -1, dtype=np.int64),
        )

    def take(self, decisions: I64, links: I64) -> Investments:
        """The decisions ``decisions`` for the links ``links``, renumbered."""
        new = np.full(len(self), -1, dtype=np.int64)
        new[decisions] = np.arange(len(decisions))

        def renumber(old: I64) -> I64:
            out = np.full(old.shape, -1, dtype=np.int64)
            has = old >= 0
            out[has] = new[old[has]]
            return out

        return Investments(
            kind=self.kind[decisions],
            rule=self.rule[decisions],
            park=self.park[decisions],
            distance_km=self.distance_km[decisions],
            investment_vnd=self.investment_vnd[decisions],
            annual_vnd=self.annual_vnd[decisions],
            capacity=self.capacity[decisions],
            max_units=self.max_units[decisions],
            link_pipe=renumber(self.link_pipe[links]),
            link_unit=renumber(self.link_unit[links]),
        )


@dataclass
class Problem:
    """Supplies, demands and the links between them, as arrays.

    Quantities are per year: a supply in its material's unit, a demand in its own; a link
    carries at most ``cap`` supply units and meets ``ratio`` demand units per supply unit.
    """

    supply_qty: F64
    demand_qty: F64
    supply_org: I64
    demand_org: I64
    supply_class: Names
    supply_region: Names
    s: I64
    d: I64
    cap: F64
    ratio: F64
    rule: I64
    rule_ids: Sequence[str]
    unit: dict[str, F64]
    invest: Investments
    baseline_co2e_t: float = 0.0

    def __post_init__(self) -> None:
        n = len(self.s)
        for name, values in (("d", self.d), ("cap", self.cap), ("ratio", self.ratio)):
            if values.shape != (n,):
                raise ValueError(f"link column {name} has {values.shape}, expected ({n},)")
        for name in FIGURES:
            self.unit.setdefault(name, np.zeros(n))
        if n and (self.s.max() >= len(self.supply_qty) or self.d.max() >= len(self.demand_qty)):
            raise ValueError("a link refers to a supply or demand that does not exist")

    @property
    def n_links(self) -> int:
        return int(self.s.shape[0])

    @property
    def n_supplies(self) -> int:
        return int(self.supply_qty.shape[0])

    @property
    def n_demands(self) -> int:
        return int(self.demand_qty.shape[0])

    def restrict(self, links: I64) -> Restricted:
        """The sub-problem of ``links`` and the supplies, demands and decisions they touch."""
        links = np.asarray(links, dtype=np.int64)
        supplies, s_new = np.unique(self.s[links], return_inverse=True)
        demands, d_new = np.unique(self.d[links], return_inverse=True)
        used = np.concatenate([self.invest.link_pipe[links], self.invest.link_unit[links]]).astype(
            np.int64
        )
        decisions = np.unique(used[used >= 0])
        sub = Problem(
            supply_qty=self.supply_qty[supplies],
            demand_qty=self.demand_qty[demands],
            supply_org=self.supply_org[supplies],
            demand_org=self.demand_org[demands],
            supply_class=self.supply_class[supplies],
            supply_region=self.supply_region[supplies],
            s=s_new.astype(np.int64),
            d=d_new.astype(np.int64),
            cap=self.cap[links],
            ratio=self.ratio[links],
            rule=self.rule[links],
            rule_ids=self.rule_ids,
            unit={k: v[links] for k, v in self.unit.items()},
            invest=self.invest.take(decisions, links),
            baseline_co2e_t=self.baseline_co2e_t,
        )
        return Restricted(
            sub, links, supplies.astype(np.int64), demands.astype(np.int64), decisions
        )

    def less(self, supply_taken: F64, demand_taken: F64) -> Problem:
        """The problem with parts of supplies and demands already spoken for (exchanges
        agreed but not yet running): what is left of each, and links carrying at most that."""
        supply = np.maximum(self.supply_qty - supply_taken, 0.0)
        demand = np.maximum(self.demand_qty - demand_taken, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            by_demand = np.where(self.ratio > 0, demand[self.d] / self.ratio, np.inf)
        cap = np.minimum(self.cap, np.minimum(supply[self.s], by_demand))
        return replace(self, supply_qty=supply, demand_qty=demand, cap=cap)

    def without_orgs(self, orgs: Sequence[int]) -> Restricted:
        """The problem without the supplies, demands and links of the organisations."""
        gone = np.asarray(list(orgs), dtype=np.int64)
        keep = ~np.isin(self.supply_org[self.s], gone) & ~np.isin(self.demand_org[self.d], gone)
        return self.restrict(np.flatnonzero(keep))

    def among(self, orgs: Sequence[int]) -> Restricted:
        """The links whose supplier and receiver both belong to ``orgs``."""
        members = np.asarray(list(orgs), dtype=np.int64)
        keep = np.isin(self.supply_org[self.s], members) & np.isin(self.demand_org[self.d], members)
        return self.restrict(np.flatnonzero(keep))


@dataclass
class Restricted:
    """A sub-problem and where its links, supplies, demands and decisions came from."""

    problem: Problem
    links: I64
    supplies: I64
    demands: I64
    decisions: I64


@dataclass(frozen=True)
class Options:
    """What to optimise and under which side constraints."""

    objective: str = NET_BENEFIT
    budget_vnd: float | None = None
    co2_cap_t: float | None = None
    min_co2e_t: float | None = None
    min_net_benefit_vnd: float | None = None
    treatment_capacity: Mapping[str, float] = field(default_factory=dict)
    time_limit_s: float = 60.0
    mip_gap: float = 0.01
    split: bool = True

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise ValueError(msg("objective must be one of {objectives}", objectives=OBJECTIVES))
        if self.budget_vnd is not None and self.budget_vnd < 0:
            raise ValueError(msg("the budget cannot be negative"))
        if self.time_limit_s <= 0:
            raise ValueError(msg("the time limit must be positive"))
        if not 0 <= self.mip_gap < 1:
            raise ValueError(msg("the relative gap is a share between 0 and 1"))
        for rule, capacity in self.treatment_capacity.items():
            if capacity < 0:
                raise ValueError(msg("treatment capacity of {rule} cannot be negative", rule=rule))

    def but(self, **changes: object) -> Options:
        return replace(self, **changes)  # type: ignore[arg-type]


# -- from candidate matches ---------------------------------------------------------------


def problem_from_candidates(
    supplies: Side,
    demands: Side,
    found: Candidates,
    book: FactorBook,
    rule_ids: Sequence[str],
    material_class: Sequence[str],
    supply_region: Sequence[str] | Names,
    costs: InvestmentCosts,
    supply_landfill: NDArray[np.bool_] | None = None,
) -> Problem:
    """The network of candidate links: per-unit figures from each link's accounting,
    investment decisions for new pipes and shared treatment units, and the scope's
    baseline emissions (for a CO2 cap).

    ``rule_ids`` names the rules ``found.rule`` indexes, then the waste-code and the name
    channels (rule -1 and -2); ``material_class`` gives the class of each material of the
    book; ``supply_landfill`` tells the supplies whose destination today is a landfill
    (their tonnes moved are kept from landfill, whatever fee was typed).
    """
    acc = found.accounts
    q = found.q
    share = acc.attribution * (1.0 - acc.deadweight)
    s_mat = supplies.material[found.s]
    landfill = (
        np.zeros(len(supplies), dtype=bool)
        if supply_landfill is None
        else np.asarray(supply_landfill, dtype=bool)
    )
    per = {
        "net_benefit_vnd": acc.net_benefit_vnd / q,
        "co2e_t": acc.co2e_t / q,
        "water_reused_m3": acc.water_reused_m3 / q,
        "energy_recovered_mwh": acc.energy_recovered_mwh / q,
        "virgin_material_avoided_t": acc.virgin_material_avoided_t / q,
        "landfill_avoided_t": np.where(landfill[found.s], book.tonnes_per_unit[s_mat], 0.0).astype(
            float
        ),
        "supplier_side_vnd": (
            share * (acc.avoided_disposal_vnd + acc.avoided_haul_vnd) - acc.foregone_revenue_vnd
        )
        / q,
        "receiver_side_vnd": share * acc.avoided_purchase_vnd / q,
    }
    n_rules = len(rule_ids) - 2
    rule = np.where(found.rule >= 0, found.rule, n_rules - 1 - found.rule).astype(np.int64)
    classes = np.asarray(material_class, dtype=object)
    invest = _investments(
        found, supplies, demands, book, classes, rule, rule_ids, costs, np.asarray(q)
    )
    fee_ef = np.nan_to_num(book.disposal_ef[supplies.material])
    virgin_ef = np.nan_to_num(book.virgin_ef[demands.material])
    baseline = float(
        np.sum(np.where(supplies.fee, fee_ef * supplies.qty, 0.0)) + np.sum(virgin_ef * demands.qty)
    )
    return Problem(
        supply_qty=supplies.qty.astype(float),
        demand_qty=demands.qty.astype(float),
        supply_org=supplies.org.astype(np.int64),
        demand_org=demands.org.astype(np.int64),
        supply_class=classes[supplies.material] if len(supplies) else np.empty(0, dtype=object),
        supply_region=np.asarray(supply_region, dtype=object),
        s=found.s.astype(np.int64),
        d=found.d.astype(np.int64),
        cap=np.asarray(q, dtype=float),
        ratio=found.ratio.astype(float),
        rule=rule,
        rule_ids=list(rule_ids),
        unit=per,
        invest=invest,
        baseline_co2e_t=baseline,
    )


def _investments(
    found: Candidates,
    supplies: Side,
    demands: Side,
    book: FactorBook,
    classes: Names,
    rule: I64,
    rule_ids: Sequence[str],
    costs: InvestmentCosts,
    q: F64,
) -> Investments:
    """A pipe decision for every link by pipe, a shared-unit decision per (rule, park)."""
    n = len(found)
    inv = Investments.none(n)
    s_mat = supplies.material[found.s]
    cls = classes[s_mat] if n else np.empty(0, dtype=object)
    kind: list[str] = []
    rules: list[int] = []
    park: list[int] = []
    km: list[float] = []
    invest: list[float] = []
    annual: list[float] = []
    capacity: list[float] = []
    max_units: list[float] = []
    for i in np.flatnonzero(book.mode[s_mat] == PIPE) if n else []:
        cost = costs.pipes.get(str(cls[i]))
        if cost is None:
            continue
        amount = cost.fixed_vnd + cost.per_km_vnd * float(found.distance_km[i])
        inv.link_pipe[i] = len(kind)
        kind.append("pipe")
        rules.append(int(rule[i]))
        park.append(int(demands.park[found.d[i]]))
        km.append(float(found.distance_km[i]))
        invest.append(amount)
        annual.append(amount * annuity_factor(costs.discount_rate, cost.lifetime_years))
        capacity.append(np.nan)
        max_units.append(1.0)
    groups: dict[tuple[int, int], list[int]] = {}
    wanted = {i for i, r in enumerate(rule_ids) if r in costs.units}
    for k in range(n):
        if int(rule[k]) in wanted:
            groups.setdefault((int(rule[k]), int(demands.park[found.d[k]])), []).append(k)
    for (r, p), members in sorted(groups.items()):
        unit = costs.units[rule_ids[r]]
        inv.link_unit[members] = len(kind)
        kind.append("unit")
        rules.append(r)
        park.append(p)
        km.append(0.0)
        invest.append(unit.investment_vnd)
        annual.append(
            unit.investment_vnd * annuity_factor(costs.discount_rate, unit.lifetime_years)
        )
        capacity.append(unit.capacity)
        max_units.append(float(max(1, math.ceil(float(q[members].sum()) / unit.capacity))))
    inv.kind = np.asarray(kind, dtype=object)
    inv.rule = np.asarray(rules, dtype=np.int64)
    inv.park = np.asarray(park, dtype=np.int64)
    inv.distance_km = np.asarray(km, dtype=float)
    inv.investment_vnd = np.asarray(invest, dtype=float)
    inv.annual_vnd = np.asarray(annual, dtype=float)
    inv.capacity = np.asarray(capacity, dtype=float)
    inv.max_units = np.asarray(max_units, dtype=float)
    return inv


# -- independent pieces -------------------------------------------------------------------


@dataclass
class Piece:
    """Links solved together: one or more independent parts of the network."""

    key: str
    kind: str
    links: I64


def link_kinds(problem: Problem, options: Options) -> NDArray[np.int8]:
    """What each link needs on its own: 0 flow, 1 LP (a ratio or a side constraint), 2 MILP."""
    kind = np.where(problem.ratio != 1.0, 1, 0).astype(np.int8)
    capped = [i for i, r in enumerate(problem.rule_ids) if r in options.treatment_capacity]
    if capped:
        kind[np.isin(problem.rule, capped)] = 1
    if options.co2_cap_t is not None or options.min_co2e_t is not None:
        kind[:] = np.maximum(kind, 1)
    if options.min_net_benefit_vnd is not None:
        kind[:] = np.maximum(kind, 1)
    needs = (problem.invest.link_pipe >= 0) | (problem.invest.link_unit >= 0)
    kind[needs] = 2
    return kind


def components(problem: Problem, options: Options) -> I64:
    """A label per link: links with the same label must be solved together."""
    ns, nd, n = problem.n_supplies, problem.n_demands, problem.n_links
    if n == 0:
        return np.empty(0, dtype=np.int64)
    a = [problem.s]
    b = [ns + problem.d]
    extra = ns + nd
    inv = problem.invest
    for column in (inv.link_unit,):
        has = np.flatnonzero(column >= 0)
        a.append(problem.s[has])
        b.append(extra + column[has])
    extra += len(inv)
    capped = [i for i, r in enumerate(problem.rule_ids) if r in options.treatment_capacity]
    for r in capped:
        has = np.flatnonzero(problem.rule == r)
        a.append(problem.s[has])
        b.append(np.full(len(has), extra, dtype=np.int64))
        extra += 1
    joined = np.zeros(n, dtype=bool)
    if options.budget_vnd is not None:
        joined |= (inv.link_pipe >= 0) | (inv.link_unit >= 0)
    if (
        options.co2_cap_t is not None
        or options.min_co2e_t is not None
        or options.min_net_benefit_vnd is not None
    ):
        joined[:] = True
    if joined.any():
        has = np.flatnonzero(joined)
        a.append(problem.s[has])
        b.append(np.full(len(has), extra, dtype=np.int64))
        extra += 1
    rows = np.concatenate(a)
    cols = np.concatenate(b)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(extra, extra))
    _, label = connected_components(graph, directed=False)
    return np.asarray(label[problem.s], dtype=np.int64)


def split(problem: Problem, options: Options) -> list[Piece]:
    """Independent pieces, grouped by material class, region and the solver they need.

    Components never share a supply, a demand or a constraint, so solving them apart or
    together gives the same optimum: transportation and linear components are grouped to
    keep the solver calls few, while each component with investment decisions is a piece
    of its own, where branch and bound closes its gap fastest.
    """
    n = problem.n_links
    if n == 0:
        return []
    kinds = link_kinds(problem, options)
    names = (FLOW, LP, MILP)
    if not options.split:
        return [Piece("whole scope", names[int(kinds.max())], np.arange(n, dtype=np.int64))]
    label = components(problem, options)
    _, comp = np.unique(label, return_inverse=True)
    n_comp = int(comp.max()) + 1
    kind = np.zeros(n_comp, dtype=np.int8)
    np.maximum.at(kind, comp, kinds)
    cls_of = _label(problem.supply_class, problem.s, comp, n_comp)
    region_of = _label(problem.supply_region, problem.s, comp, n_comp)
    order = np.argsort(comp, kind="stable")
    bounds = np.searchsorted(comp[order], np.arange(n_comp + 1))
    by_key: dict[str, list[int]] = {}
    for c in range(n_comp):
        key = f"{cls_of[c]} / {region_of[c]} / {names[int(kind[c])]}"
        if kind[c] == KIND_ORDER[MILP]:
            # Branch and bound does best on each investment cluster apart.
            key += f" {c}"
        by_key.setdefault(key, []).append(c)
    pieces = []
    for key in sorted(by_key, key=_natural):
        comps = by_key[key]
        links = np.sort(np.concatenate([order[bounds[c] : bounds[c + 1]] for c in comps]))
        pieces.append(Piece(key, names[int(kind[comps[0]])], links.astype(np.int64)))
    return pieces


def _label(values: Names, s: I64, comp: I64, n_comp: int) -> list[str]:
    """Each component's class or region: the one its links share, else 'mixed'."""
    names, code = np.unique(values, return_inverse=True)
    per_link = code[s]
    lo = np.full(n_comp, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(n_comp, -1, dtype=np.int64)
    np.minimum.at(lo, comp, per_link)
    np.maximum.at(hi, comp, per_link)
    return ["mixed" if lo[c] != hi[c] else str(names[lo[c]]) for c in range(n_comp)]


def _natural(key: str) -> tuple[str, int]:
    head, _, tail = key.rpartition(" ")
    return (head, int(tail)) if tail.isdigit() else (key, -1)
