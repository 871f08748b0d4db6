"""Building the optimisation model from a problem: small ``define_*`` steps, each adding
its variables or constraints, in the order a reader would state the model.

The model is a maximisation ``max c·v  s.t.  row_lower ≤ A v ≤ row_upper,  lower ≤ v ≤
upper`` with some integer columns, kept as arrays; when it is a pure transportation
problem it also carries the graph a min-cost-flow solver needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csc_matrix

from parkloop.optimize.model import CO2, F64, I64, Options, Problem

INF = np.inf


@dataclass(frozen=True)
class Block:
    """Consecutive columns or rows of one kind."""

    start: int
    size: int

    @property
    def index(self) -> I64:
        return np.arange(self.start, self.start + self.size, dtype=np.int64)


@dataclass
class FlowGraph:
    """A transportation problem: supplies ship to demands along links or leave."""

    supply: F64
    demand: F64
    tail: I64
    head: I64
    capacity: F64
    value: F64  # objective per unit on each link (maximised)


@dataclass
class Model:
    problem: Problem
    options: Options
    columns: dict[str, Block] = field(default_factory=dict)
    rows: dict[str, Block] = field(default_factory=dict)
    graph: FlowGraph | None = None
    _cost: dict[str, F64] = field(default_factory=dict)
    _lower: dict[str, F64] = field(default_factory=dict)
    _upper: dict[str, F64] = field(default_factory=dict)
    _integer: dict[str, bool] = field(default_factory=dict)
    _row_lower: list[F64] = field(default_factory=list)
    _row_upper: list[F64] = field(default_factory=list)
    _entries: list[tuple[I64, I64, F64]] = field(default_factory=list)
    n_cols: int = 0
    n_rows: int = 0

    # -- adding ----------------------------------------------------------------------------
    def add_columns(self, name: str, lower: F64, upper: F64, integer: bool = False) -> Block:
        block = Block(self.n_cols, len(lower))
        self.columns[name] = block
        self._cost[name] = np.zeros(len(lower))
        self._lower[name] = np.asarray(lower, dtype=float)
        self._upper[name] = np.asarray(upper, dtype=float)
        self._integer[name] = integer
        self.n_cols += len(lower)
        return block

    def add_rows(self, name: str, lower: F64, upper: F64) -> Block:
        block = Block(self.n_rows, len(lower))
        self.rows[name] = block
        self._row_lower.append(np.asarray(lower, dtype=float))
        self._row_upper.append(np.asarray(upper, dtype=float))
        self.n_rows += len(lower)
        return block

    def add_entries(self, rows: I64, cols: I64, values: F64) -> None:
        self._entries.append(
            (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), values)
        )

    def set_cost(self, name: str, values: F64) -> None:
        self._cost[name] = np.asarray(values, dtype=float)

    def cost_of(self, name: str) -> F64:
        return self._cost[name]

    # -- reading ---------------------------------------------------------------------------
    @property
    def cost(self) -> F64:
        return _cat(list(self._cost.values()))

    @property
    def lower(self) -> F64:
        return _cat(list(self._lower.values()))

    @property
    def upper(self) -> F64:
        return _cat(list(self._upper.values()))

    @property
    def integer(self) -> NDArray[np.bool_]:
        parts = [np.full(len(self._cost[n]), flag) for n, flag in self._integer.items()]
        return np.concatenate(parts) if parts else np.empty(0, dtype=bool)

    @property
    def row_lower(self) -> F64:
        return _cat(self._row_lower)

    @property
    def row_upper(self) -> F64:
        return _cat(self._row_upper)

    def matrix(self) -> csc_matrix:
        """The constraint matrix, column-wise (duplicates summed)."""
        if not self._entries:
            return csc_matrix((self.n_rows, self.n_cols))
        rows = np.concatenate([e[0] for e in self._entries])
        cols = np.concatenate([e[1] for e in self._entries])
        values = np.concatenate([e[2] for e in self._entries])
        return csc_matrix((values, (rows, cols)), shape=(self.n_rows, self.n_cols))

    @property
    def is_mip(self) -> bool:
        return any(self._integer[n] and len(self._cost[n]) for n in self._integer)


def _cat(parts: list[F64]) -> F64:
    return np.concatenate(parts) if parts else np.empty(0)


# -- variables -----------------------------------------------------------------------------


def define_flows(m: Model, p: Problem) -> None:
    """x ≥ 0 on every link, at most what the link can carry."""
    m.add_columns("flow", np.zeros(p.n_links), p.cap)


def define_left_supply(m: Model, p: Problem) -> None:
    """The part of each supply that goes to its baseline, as today."""
    m.add_columns("left", np.zeros(p.n_supplies), p.supply_qty)


def define_bought_demand(m: Model, p: Problem) -> None:
    """The part of each demand still bought as today (virgin or from the market)."""
    m.add_columns("bought", np.zeros(p.n_demands), p.demand_qty)


def define_builds(m: Model, p: Problem) -> None:
    """How many of each investment are built: 0 or 1 pipe, 0 to n shared units."""
    inv = p.invest
    if len(inv):
        m.add_columns("build", np.zeros(len(inv)), inv.max_units, integer=True)


# -- constraints ---------------------------------------------------------------------------


def define_supply_balance(m: Model, p: Problem) -> None:
    """Every supply unit is placed on a link or left: Σ x + left = supply."""
    rows = m.add_rows("supply", p.supply_qty, p.supply_qty)
    flow, left = m.columns["flow"], m.columns["left"]
    m.add_entries(rows.start + p.s, flow.index, np.ones(p.n_links))
    m.add_entries(rows.index, left.index, np.ones(p.n_supplies))


def define_demand_balance(m: Model, p: Problem) -> None:
    """Every demand unit is met by links or bought: Σ ratio × x + bought = demand."""
    rows = m.add_rows("demand", p.demand_qty, p.demand_qty)
    flow, bought = m.columns["flow"], m.columns["bought"]
    m.add_entries(rows.start + p.d, flow.index, p.ratio)
    m.add_entries(rows.index, bought.index, np.ones(p.n_demands))


def define_pipe_capacity(m: Model, p: Problem) -> None:
    """A link by a new pipe carries nothing unless the pipe is built: x ≤ cap × y."""
    links = np.flatnonzero(p.invest.link_pipe >= 0)
    if not len(links):
        return
    rows = m.add_rows("pipe", np.full(len(links), -INF), np.zeros(len(links)))
    flow, build = m.columns["flow"], m.columns["build"]
    m.add_entries(rows.index, flow.start + links, np.ones(len(links)))
    m.add_entries(rows.index, build.start + p.invest.link_pipe[links], -p.cap[links])


def define_unit_capacity(m: Model, p: Problem) -> None:
    """Links of a shared treatment unit carry at most what the units built treat."""
    inv = p.invest
    units = np.flatnonzero(inv.kind == "unit")
    if not len(units):
        return
    row_of = np.full(len(inv), -1, dtype=np.int64)
    row_of[units] = np.arange(len(units))
    rows = m.add_rows("unit", np.full(len(units), -INF), np.zeros(len(units)))
    flow, build = m.columns["flow"], m.columns["build"]
    links = np.flatnonzero(inv.link_unit >= 0)
    m.add_entries(
        rows.start + row_of[inv.link_unit[links]], flow.start + links, np.ones(len(links))
    )
    m.add_entries(rows.index, build.start + units, -inv.capacity[units])


def define_treatment_capacity(m: Model, p: Problem, o: Options) -> None:
    """Σ x over the links of a rule ≤ the treatment capacity given for that rule."""
    capped = [(i, r) for i, r in enumerate(p.rule_ids) if r in o.treatment_capacity]
    capped = [(i, r) for i, r in capped if (p.rule == i).any()]
    if not capped:
        return
    rows = m.add_rows(
        "treatment",
        np.full(len(capped), -INF),
        np.array([o.treatment_capacity[r] for _, r in capped], dtype=float),
    )
    flow = m.columns["flow"]
    for k, (i, _) in enumerate(capped):
        links = np.flatnonzero(p.rule == i)
        m.add_entries(np.full(len(links), rows.start + k), flow.start + links, np.ones(len(links)))


def define_budget(m: Model, p: Problem, o: Options) -> None:
    """Σ investment × builds ≤ budget."""
    if o.budget_vnd is None or not len(p.invest):
        return
    rows = m.add_rows("budget", np.array([-INF]), np.array([o.budget_vnd]))
    build = m.columns["build"]
    m.add_entries(np.full(len(p.invest), rows.start), build.index, p.invest.investment_vnd)


def define_co2_cap(m: Model, p: Problem, o: Options) -> None:
    """Baseline emissions − Σ CO2e avoided × x ≤ cap, i.e. Σ co2 × x ≥ baseline − cap."""
    if o.co2_cap_t is None:
        return
    _floor_row(m, p, "co2_cap", p.unit["co2e_t"], p.baseline_co2e_t - o.co2_cap_t)


def define_co2_floor(m: Model, p: Problem, o: Options) -> None:
    """Σ CO2e avoided × x ≥ the floor (a point of the trade-off curve)."""
    if o.min_co2e_t is None:
        return
    _floor_row(m, p, "co2_floor", p.unit["co2e_t"], o.min_co2e_t)


def define_money_floor(m: Model, p: Problem, o: Options) -> None:
    """Σ net benefit × x − Σ annualised investment × builds ≥ the floor."""
    if o.min_net_benefit_vnd is None:
        return
    rows = _floor_row(m, p, "money_floor", p.unit["net_benefit_vnd"], o.min_net_benefit_vnd)
    if len(p.invest):
        build = m.columns["build"]
        m.add_entries(np.full(len(p.invest), rows.start), build.index, -p.invest.annual_vnd)


def _floor_row(m: Model, p: Problem, name: str, per_unit: F64, floor: float) -> Block:
    rows = m.add_rows(name, np.array([floor]), np.array([INF]))
    flow = m.columns["flow"]
    m.add_entries(np.full(p.n_links, rows.start), flow.index, per_unit)
    return rows


# -- objective -----------------------------------------------------------------------------


def define_objective(m: Model, p: Problem, o: Options) -> None:
    """Net benefit less annualised investment, or CO2e avoided; leaving and buying are
    today's situation and cost nothing."""
    if o.objective == CO2:
        m.set_cost("flow", p.unit["co2e_t"])
        return
    m.set_cost("flow", p.unit["net_benefit_vnd"])
    if len(p.invest):
        m.set_cost("build", -p.invest.annual_vnd)


def define_flow_graph(m: Model, p: Problem) -> None:
    """A transportation problem when nothing but the two balances binds the links."""
    if m.is_mip or set(m.rows) != {"supply", "demand"} or not np.all(p.ratio == 1.0):
        return
    m.graph = FlowGraph(
        supply=p.supply_qty,
        demand=p.demand_qty,
        tail=p.s,
        head=p.d,
        capacity=p.cap,
        value=m.cost_of("flow"),
    )


def build_model(p: Problem, o: Options) -> Model:
    """The whole model of a problem, step by step."""
    m = Model(p, o)
    define_flows(m, p)
    define_left_supply(m, p)
    define_bought_demand(m, p)
    define_builds(m, p)
    define_supply_balance(m, p)
    define_demand_balance(m, p)
    define_pipe_capacity(m, p)
    define_unit_capacity(m, p)
    define_treatment_capacity(m, p, o)
    define_budget(m, p, o)
    define_co2_cap(m, p, o)
    define_co2_floor(m, p, o)
    define_money_floor(m, p, o)
    define_objective(m, p, o)
    define_flow_graph(m, p)
    return m
