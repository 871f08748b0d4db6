"""Use cases of optimisation: the best exchange network of a park, a region or every park,
written back as planned exchanges; the trade-off between money and CO2e; what breaks when
an enterprise leaves; fair shares of a gain between partners."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
from sqlalchemy import Engine

from parkloop.accounting.book import GRID, PIPE, TRUCK, FactorBook
from parkloop.accounting.pairs import METHODS, Accounts
from parkloop.catalog import catalog, knowledge
from parkloop.domain.enums import Confidentiality
from parkloop.domain.permissions import Viewer, can_see
from parkloop.errors import UserError
from parkloop.jsonable import jsonable
from parkloop.matching.engine import Candidates, MatchParams, find_matches
from parkloop.matching.tables import FLOW, Side
from parkloop.optimize import (
    CO2,
    METHOD,
    NET_BENEFIT,
    OBJECTIVES,
    Flows,
    InvestmentCosts,
    NetworkResult,
    Options,
    PipeCost,
    Problem,
    UnitCost,
    optimise,
    problem_from_candidates,
    totals,
    value_of,
)
from parkloop.optimize.model import Restricted
from parkloop.optimize.pareto import pareto
from parkloop.optimize.resilience import METHOD as RESILIENCE_METHOD
from parkloop.optimize.resilience import outage
from parkloop.optimize.shares import MAX_PLAYERS, fair_shares, too_many
from parkloop.services import accounting
from parkloop.services.matching import GENERIC, CandidateNetwork, candidate_network, rules
from parkloop.store import changes
from parkloop.store import optimize as store
from parkloop.store.schema import ACCOUNT_COLUMNS

# Runs with more planned exchanges than this keep them in the exchanges table only.
RESULT_EXCHANGES_LIMIT = 20_000
MODES = {TRUCK: "truck", PIPE: "pipe", GRID: "grid"}
SEEDS_FORM = (
    ("money_vnd_per_year", "net_benefit_vnd"),
    ("co2e_t_per_year", "co2e_t"),
    ("water_m3_per_year", "water_reused_m3"),
    ("energy_mwh_per_year", "energy_recovered_mwh"),
    ("materials_t_per_year", "virgin_material_avoided_t"),
    ("landfill_avoided_t_per_year", "landfill_avoided_t"),
)
FREED_ID = 1 << 29  # ids of supplies and demands freed when an enterprise leaves


@cache
def investment_costs() -> InvestmentCosts:
    """Pipe and shared-unit costs from ``catalog/data/investment_costs.csv``."""
    cat = catalog()
    pipes: dict[str, PipeCost] = {}
    units: dict[str, UnitCost] = {}
    for row in cat.rows("investment_costs.csv"):
        if row["kind"] == "pipe":
            pipes[row["key"]] = PipeCost(
                float(row["fixed_vnd"]), float(row["per_km_vnd"]), float(row["lifetime_years"])
            )
        elif row["kind"] == "unit":
            units[row["key"]] = UnitCost(
                float(row["capacity"]), float(row["fixed_vnd"]), float(row["lifetime_years"])
            )
    return InvestmentCosts(cat.parameter("investment_discount_rate"), pipes, units)


def investment_sources() -> list[dict[str, Any]]:
    """The investment costs the optimiser uses, each with its status and source."""
    cat = catalog()
    rate = cat.parameters["investment_discount_rate"]
    out = [
        {
            "item": "investment_discount_rate",
            "value": rate.value,
            "unit": rate.unit,
            "status": rate.status,
            "source": rate.source,
        }
    ]
    for row in cat.rows("investment_costs.csv"):
        out.append(
            {
                "item": row["code"],
                "kind": row["kind"],
                "applies_to": row["key"],
                "fixed_vnd": float(row["fixed_vnd"]),
                "per_km_vnd": float(row["per_km_vnd"] or 0),
                "capacity": float(row["capacity"]) if row["capacity"] else None,
                "capacity_unit": row["capacity_unit"],
                "lifetime_years": float(row["lifetime_years"]),
                "status": row["status"],
                "source": row["source"],
            }
        )
    return out


@cache
def _classes(codes: tuple[str, ...]) -> tuple[str, ...]:
    cat = catalog()
    return tuple(cat.materials[c].material_class.value for c in codes)


@cache
def _units(codes: tuple[str, ...]) -> tuple[str, ...]:
    cat = catalog()
    return tuple(cat.materials[c].canonical_unit for c in codes)


def rule_ids() -> list[str]:
    """Names of the rules a link's rule index refers to; then the waste-code and the name
    channels."""
    return [r.id for r in rules()] + ["waste_code", "name"]


def options_from(
    objective: str = NET_BENEFIT,
    budget_vnd: float | None = None,
    co2_cap_t: float | None = None,
    treatment_capacity: Mapping[str, float] | None = None,
    time_limit_s: float = 60.0,
    mip_gap: float = 0.01,
) -> Options:
    """Options checked the way a user needs them checked."""
    if objective not in OBJECTIVES:
        raise UserError(f"--objective must be one of: {', '.join(OBJECTIVES)}")
    known = set(rule_ids())
    for rule in treatment_capacity or {}:
        if rule not in known:
            raise UserError(
                f"--treatment-capacity: no substitution rule '{rule}' "
                "(see catalog/data/substitutions.csv)"
            )
    try:
        return Options(
            objective=objective,
            budget_vnd=budget_vnd,
            co2_cap_t=co2_cap_t,
            treatment_capacity=dict(treatment_capacity or {}),
            time_limit_s=time_limit_s,
            mip_gap=mip_gap,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None


# -- the network of a scope -------------------------------------------------------------------


@dataclass
class Network:
    """The candidate links of a scope and the problem built on them."""

    candidates: CandidateNetwork
    problem: Problem
    regions: dict[int, str]
    scope: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)
    names: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def book(self) -> FactorBook:
        return self.candidates.book

    @property
    def supplies(self) -> Side:
        return self.candidates.supplies

    @property
    def demands(self) -> Side:
        return self.candidates.demands

    @property
    def found(self) -> Candidates:
        return self.candidates.found


def build_problem(candidates: CandidateNetwork, regions: Mapping[int, str]) -> Problem:
    """The optimisation problem of a candidate network."""
    book = candidates.book
    parks = candidates.supplies.park
    region = np.asarray([regions.get(int(p), "") for p in parks], dtype=object)
    return problem_from_candidates(
        candidates.supplies,
        candidates.demands,
        candidates.found,
        book,
        rule_ids(),
        _classes(tuple(book.codes)),
        region,
        investment_costs(),
    )


def _scope_label(park: str | None, region: str | None, all_parks: bool) -> str:
    if park:
        return f"park:{park}"
    if region:
        return f"region:{region}"
    return "all"


def network(
    engine: Engine,
    *,
    park: str | None = None,
    region: str | None = None,
    all_parks: bool = False,
    top: int = 10,
    radius_km: float | None = None,
    year: int | None = None,
) -> Network:
    """Candidate links of the scope (the matcher's, ``top`` per supply) as a problem."""
    if sum(bool(x) for x in (park, region, all_parks)) != 1:
        raise UserError("say what to optimise: --park CODE, --region NAME or --all")
    t0 = time.perf_counter()
    candidates = candidate_network(
        engine,
        park=park,
        region=region,
        all_parks=all_parks,
        radius_km=radius_km,
        top=top,
        year=year,
    )
    t1 = time.perf_counter()
    with engine.connect() as conn:
        parks = set(candidates.park_ids) | {int(p) for p in np.unique(candidates.supplies.park)}
        regions = store.park_regions(conn, parks)
    problem = build_problem(candidates, regions)
    t2 = time.perf_counter()
    return Network(
        candidates=candidates,
        problem=problem,
        regions=regions,
        scope={
            "park": park,
            "region": region,
            "all": all_parks,
            "parks": len(candidates.park_ids),
            "label": _scope_label(park, region, all_parks),
            "top": top,
            "radius_km": radius_km,
        },
        seconds={"candidates": t1 - t0, "problem": t2 - t1},
    )


# -- today's exchanges ---------------------------------------------------------------------------


def running_accounts(engine: Engine, net: Network) -> list[dict[str, Any]]:
    """Running exchanges touching the scope, accounted as ``parkloop account`` does, each
    with its organisations' ids and the waste it keeps from disposal."""
    park_ids = list(net.candidates.park_ids)
    with engine.connect() as conn:
        rows = store.running_exchanges(conn, park_ids)
    if not rows:
        return []
    book = net.book
    by_park: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_park.setdefault(row["park_code"], []).append(row)
    out = []
    for code, items in sorted(by_park.items()):
        account = accounting.account_park(
            engine,
            code,
            year=net.candidates.year,
            attribution=net.candidates.attribution,
            deadweight=net.candidates.deadweight,
        )
        figures = {(a["key"], a["supplier"], a["receiver"]): a for a in account.exchanges}
        for row in items:
            a = figures.get((row["key"], row["supplier_code"], row["receiver_code"]))
            if a is None:
                continue
            tonnes = float(book.tonnes_per_unit[book.index[row["material_code"]]])
            share = net.candidates.attribution * (1.0 - net.candidates.deadweight)
            out.append(
                {
                    **{k: a[k] for k in ("key", "supplier", "receiver", "material", "quantity")},
                    "receiver_material": a["receiver_material"],
                    "unit": a["unit"],
                    "distance_km": a["distance_km"],
                    "park": code,
                    "id": row["id"],
                    "supplier_id": row["supplier_id"],
                    "receiver_id": row["receiver_id"],
                    "supplier_park_id": row["supplier_park_id"],
                    "receiver_park_id": row["receiver_park_id"],
                    "price_vnd_per_unit": row["price_vnd_per_unit"],
                    "net_benefit_vnd": a["net_benefit_vnd"],
                    "co2e_t": a["co2e_t"],
                    "water_reused_m3": a["water_reused_m3"],
                    "energy_recovered_mwh": a["energy_recovered_mwh"],
                    "virgin_material_avoided_t": a["virgin_material_avoided_t"],
                    "landfill_avoided_t": a["quantity"] * tonnes
                    if a["avoided_disposal_vnd"] > 0
                    else 0.0,
                    "supplier_side_vnd": share * (a["avoided_disposal_vnd"] + a["avoided_haul_vnd"])
                    - a["foregone_revenue_vnd"],
                    "receiver_side_vnd": share * a["avoided_purchase_vnd"],
                }
            )
    return out


def seeds_form(figures: Mapping[str, float], exchanges: int) -> dict[str, Any]:
    """Totals as the seeds print them (money, CO2e, water, energy, materials, landfill)."""
    out: dict[str, Any] = {"exchanges": exchanges}
    for name, key in SEEDS_FORM:
        out[name] = round(float(figures.get(key, 0.0)), 3)
    out["in_words"] = (
        f"{out['money_vnd_per_year'] / 1e9:,.1f} billion VND/yr saved, "
        f"{out['co2e_t_per_year']:,.0f} t CO2e, {out['water_m3_per_year']:,.0f} m³ water, "
        f"{out['energy_mwh_per_year']:,.0f} MWh, {out['materials_t_per_year']:,.0f} t materials, "
        f"{out['landfill_avoided_t_per_year']:,.0f} t kept from landfill"
    )
    return out


def _sum_running(running: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    return {key: float(sum(r[key] for r in running)) for _, key in SEEDS_FORM}


def before_after(
    running: Sequence[Mapping[str, Any]], planned: Mapping[str, float], n_planned: int
) -> dict[str, Any]:
    """Today's totals (running exchanges), after adding the planned ones, and the gain.
    Money after is net of the annualised investment."""
    today = _sum_running(running)
    after = {k: today[k] + planned.get(k, 0.0) for k in today}
    annual = planned.get("annualised_investment_vnd", 0.0)
    after["net_benefit_vnd"] -= annual
    gain = {k: after[k] - today[k] for k in today}
    out = {
        "before": seeds_form(today, len(running)),
        "after": seeds_form(after, len(running) + n_planned),
        "gain": seeds_form(gain, n_planned),
    }
    out["after"]["investment_vnd"] = round(planned.get("investment_vnd", 0.0), 0)
    out["after"]["annualised_investment_vnd_per_year"] = round(annual, 0)
    return out


# -- the optimised network -----------------------------------------------------------------------


@dataclass
class OptimisationRun:
    engine: Engine
    network: Network
    options: Options
    result: NetworkResult
    running: list[dict[str, Any]]
    run_id: int | None = None
    replaced: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def chosen(self) -> np.ndarray:
        return self.result.flows.chosen(self.network.problem)

    def totals(self) -> dict[str, Any]:
        planned = totals(self.network.problem, self.result.flows)
        return before_after(self.running, planned, len(self.chosen))

    def exchanges(
        self, viewer: Viewer | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The planned exchanges, worth most first, as ``viewer`` may see them."""
        links = self.chosen
        net = self.network.problem.unit["net_benefit_vnd"][links] * self.result.flows.x[links]
        order = links[np.argsort(-net, kind="stable")]
        if limit is not None:
            order = order[:limit]
        found, net = self.network.found, self.network
        orgs = np.union1d(net.supplies.org[found.s[order]], net.demands.org[found.d[order]])
        load_names(self.engine, net, orgs.tolist())
        return link_views(net, order, self.result.flows, viewer)

    def summary(self) -> dict[str, Any]:
        r = self.result
        investments = built_investments(self.network, r.flows)
        return {
            "run_id": self.run_id,
            "scope": self.network.scope,
            "year": self.network.candidates.year,
            "objective": r.objective,
            "objective_unit": "t CO2e/yr" if r.objective == CO2 else "VND/yr",
            "status": r.status,
            "message": r.message,
            "objective_value": r.objective_value,
            "bound": r.bound,
            "gap": r.gap,
            "options": {
                "budget_vnd": self.options.budget_vnd,
                "co2_cap_t": self.options.co2_cap_t,
                "treatment_capacity": dict(self.options.treatment_capacity),
                "time_limit_s": self.options.time_limit_s,
                "mip_gap": self.options.mip_gap,
            },
            "attribution": self.network.candidates.attribution,
            "deadweight": self.network.candidates.deadweight,
            "candidates": {
                "links": self.network.problem.n_links,
                "supplies": self.network.problem.n_supplies,
                "demands": self.network.problem.n_demands,
                "investment_decisions": len(self.network.problem.invest),
            },
            "planned": len(self.chosen),
            "replaced_plans": self.replaced,
            "emissions": {
                "baseline_co2e_t": self.network.problem.baseline_co2e_t,
                "after_co2e_t": self.network.problem.baseline_co2e_t
                - value_of(self.network.problem, r.flows, CO2),
            },
            "totals": self.totals(),
            "investments": investments,
            "left_and_bought": left_and_bought(self.network, r.flows),
            "pieces": [vars(p) for p in r.pieces],
            "seconds": {
                k: round(v, 3)
                for k, v in {**self.network.seconds, **r.seconds, **self.seconds}.items()
            },
            "method": {
                **METHOD,
                "accounting": "each link as `parkloop match` accounts it, scaled to its flow",
                "figures": METHODS,
            },
            "investment_costs": investment_sources(),
        }

    def view(self, viewer: Viewer | None = None, limit: int | None = None) -> dict[str, Any]:
        return {
            **self.summary(),
            "exchanges": self.exchanges(viewer, limit),
            "running": [_running_view(r) for r in self.running],
        }


def _running_view(r: Mapping[str, Any]) -> dict[str, Any]:
    keys = (
        "key",
        "park",
        "supplier",
        "receiver",
        "material",
        "receiver_material",
        "quantity",
        "unit",
        "distance_km",
        "net_benefit_vnd",
        "co2e_t",
    )
    return {k: r[k] for k in keys}


def load_names(engine: Engine, net: Network, orgs: Sequence[int]) -> None:
    """Codes and names of the organisations, kept with the network."""
    missing = [o for o in orgs if o not in net.names]
    if missing:
        with engine.connect() as conn:
            net.names.update(store.organisations_by_id(conn, missing))


def link_views(
    net: Network, links: np.ndarray, flows: Flows, viewer: Viewer | None = None
) -> list[dict[str, Any]]:
    """Chosen links as planned exchanges: parties, flows, investment and accounting."""
    cand, p = net.candidates, net.problem
    sup, dem, found, book = cand.supplies, cand.demands, cand.found, cand.book
    names = net.names
    codes = book.codes
    unit_of = _units(tuple(codes))
    ids = rule_ids()
    out = []
    for i in links.tolist():
        s, d = int(found.s[i]), int(found.d[i])
        x = float(flows.x[i])
        scale = x / float(found.q[i])
        supplier, receiver = names.get(int(sup.org[s]), {}), names.get(int(dem.org[d]), {})
        view: dict[str, Any] = {
            "key": plan_key(sup, dem, s, d),
            "supplier": _party(supplier, int(sup.org[s])),
            "receiver": _party(receiver, int(dem.org[d])),
            "material": codes[int(sup.material[s])],
            "receiver_material": codes[int(dem.material[d])],
            "rule": ids[int(p.rule[i])],
            "quantity": x,
            "unit": unit_of[int(sup.material[s])],
            "capacity": float(found.q[i]),
            "share_of_supply": x / float(sup.qty[s]) if sup.qty[s] else None,
            "distance_km": round(float(found.distance_km[i]), 3),
            "transport_mode": MODES[int(book.mode[int(sup.material[s])])],
            "investment": _link_investment(p, flows, i),
            **{
                k: float(p.unit[k][i]) * x
                for k in (
                    "net_benefit_vnd",
                    "co2e_t",
                    "water_reused_m3",
                    "energy_recovered_mwh",
                    "virgin_material_avoided_t",
                    "landfill_avoided_t",
                )
            },
            "accounting": {
                name: round(float(getattr(found.accounts, name)[i]) * scale, 3)
                for name in ACCOUNT_COLUMNS
            },
        }
        private = (bool(sup.private[s]), bool(dem.private[d]))
        if viewer is not None and any(private):
            hide_s = private[0] and not can_see(
                viewer, int(sup.org[s]), int(sup.park[s]), Confidentiality.PRIVATE
            )
            hide_d = private[1] and not can_see(
                viewer, int(dem.org[d]), int(dem.park[d]), Confidentiality.PRIVATE
            )
            if hide_s or hide_d:
                view = _hidden(view, hide_s, hide_d)
        out.append(view)
    return out


def _party(info: Mapping[str, Any], org: int) -> dict[str, Any]:
    return {
        "park": info.get("park_code", ""),
        "code": info.get("code", str(org)),
        "name": info.get("name_vi", ""),
    }


def _hidden(view: dict[str, Any], supplier: bool, receiver: bool) -> dict[str, Any]:
    hidden = "confidential"
    if supplier:
        view["supplier"] = {"park": view["supplier"]["park"], "code": hidden, "name": hidden}
    if receiver:
        view["receiver"] = {"park": view["receiver"]["park"], "code": hidden, "name": hidden}
    for k in (
        "quantity",
        "capacity",
        "share_of_supply",
        "accounting",
        "net_benefit_vnd",
        "co2e_t",
        "water_reused_m3",
        "energy_recovered_mwh",
        "virgin_material_avoided_t",
        "landfill_avoided_t",
    ):
        view[k] = None
    view["hidden"] = (
        "the details of a confidential record are shown only to its owner and the park operator"
    )
    return view


def _link_investment(p: Problem, flows: Flows, i: int) -> dict[str, Any] | None:
    k = int(p.invest.link_pipe[i])
    if k < 0:
        return None
    return {
        "kind": "pipe",
        "investment_vnd": round(float(p.invest.investment_vnd[k]), 0),
        "annualised_vnd_per_year": round(float(p.invest.annual_vnd[k]), 0),
    }


def plan_key(sup: Side, dem: Side, s: int, d: int) -> str:
    """A planned exchange's key: its supply and demand records ('f' flow, 'l' listing)."""
    a = "f" if int(sup.kinds[s]) == FLOW else "l"
    b = "f" if int(dem.kinds[d]) == FLOW else "l"
    return f"opt-{a}{int(sup.ids[s])}-{b}{int(dem.ids[d])}"


def built_investments(net: Network, flows: Flows) -> list[dict[str, Any]]:
    p = net.problem
    inv = p.invest
    out = []
    ids = rule_ids()
    pipe_link = np.full(len(inv), -1, dtype=np.int64)
    has = np.flatnonzero(inv.link_pipe >= 0)
    pipe_link[inv.link_pipe[has]] = has
    for k in np.flatnonzero(flows.built > 0.5).tolist():
        item: dict[str, Any] = {
            "kind": str(inv.kind[k]),
            "rule": ids[int(inv.rule[k])],
            "units": int(flows.built[k]),
            "investment_vnd": round(float(inv.investment_vnd[k] * flows.built[k]), 0),
            "annualised_vnd_per_year": round(float(inv.annual_vnd[k] * flows.built[k]), 0),
        }
        if inv.kind[k] == "pipe":
            link = int(pipe_link[k])
            item["exchange"] = plan_key(
                net.supplies, net.demands, int(net.found.s[link]), int(net.found.d[link])
            )
            item["distance_km"] = round(float(inv.distance_km[k]), 3)
        else:
            item["capacity_per_unit"] = float(inv.capacity[k])
            item["park_id"] = int(inv.park[k])
        out.append(item)
    return out


def left_and_bought(net: Network, flows: Flows) -> dict[str, Any]:
    """What supplies still leave to their baseline and demands still buy, per material."""
    codes = net.book.codes
    unit_of = _units(tuple(codes))
    out: dict[str, Any] = {"left": {}, "bought": {}}
    for side, name, qty in (
        (net.supplies, "left", flows.left),
        (net.demands, "bought", flows.bought),
    ):
        sums = np.bincount(side.material, weights=qty, minlength=len(codes))
        for m in np.flatnonzero(sums > 1e-9).tolist():
            out[name][codes[m]] = {"quantity": round(float(sums[m]), 3), "unit": unit_of[m]}
    return out


def plan_rows(
    net: Network, links: np.ndarray, flows: Flows, run_id: int, source: str
) -> list[tuple[Any, ...]]:
    """The planned exchanges as rows of the exchanges table (``store.PLAN_COLUMNS``)."""
    cand, p = net.candidates, net.problem
    sup, dem, found, book = cand.supplies, cand.demands, cand.found, cand.book
    all_rules = rules()
    codes = np.asarray(book.codes, dtype=object)
    unit_of = np.asarray(_units(tuple(book.codes)), dtype=object)
    s, d = found.s[links], found.d[links]
    s_mat, d_mat = sup.material[s], dem.material[d]
    x = flows.x[links]
    net_value = p.unit["net_benefit_vnd"][links] * x
    co2 = p.unit["co2e_t"][links] * x
    r = found.rule[links]
    modes = np.asarray([MODES[m] for m in range(3)], dtype=object)[book.mode[s_mat]]
    skind = np.where(sup.kinds[s] == FLOW, "f", "l")
    dkind = np.where(dem.kinds[d] == FLOW, "f", "l")
    rows = []
    for k in range(len(links)):
        rule = all_rules[int(r[k])] if r[k] >= 0 else None
        rows.append(
            (
                int(sup.park[s[k]]),
                f"opt-{skind[k]}{int(sup.ids[s[k]])}-{dkind[k]}{int(dem.ids[d[k]])}",
                int(sup.org[s[k]]),
                int(dem.org[d[k]]),
                codes[s_mat[k]],
                codes[d_mat[k]] if d_mat[k] != s_mat[k] else None,
                rule.id if rule else ("waste code" if r[k] == -1 else "similar description"),
                float(x[k]),
                unit_of[s_mat[k]],
                round(float(found.distance_km[links[k]]), 3),
                modes[k],
                rule.treatment if rule else "",
                rule.treatment_cost_vnd_per_unit
                if rule and rule.treatment_cost_vnd_per_unit
                else None,
                "planned",
                store.ORIGIN,
                run_id,
                f"net benefit {net_value[k]:,.0f} VND/yr, {co2[k]:,.2f} t CO2e/yr",
                "derived",
                source,
            )
        )
    return rows


def optimise_network(
    engine: Engine,
    *,
    park: str | None = None,
    region: str | None = None,
    all_parks: bool = False,
    objective: str = NET_BENEFIT,
    budget_vnd: float | None = None,
    co2_cap_t: float | None = None,
    treatment_capacity: Mapping[str, float] | None = None,
    time_limit_s: float = 60.0,
    mip_gap: float = 0.01,
    top: int = 10,
    radius_km: float | None = None,
    year: int | None = None,
    save: bool = True,
) -> OptimisationRun:
    """The best network of the scope; with ``save``, a run is recorded and its chosen links
    replace the scope's earlier planned exchanges."""
    options = options_from(
        objective, budget_vnd, co2_cap_t, treatment_capacity, time_limit_s, mip_gap
    )
    net = network(
        engine,
        park=park,
        region=region,
        all_parks=all_parks,
        top=top,
        radius_km=radius_km,
        year=year,
    )
    return optimise_prepared(engine, net, options, save=save)


def optimise_prepared(
    engine: Engine, net: Network, options: Options, save: bool = True
) -> OptimisationRun:
    """Optimise a prepared network and, with ``save``, write the result back."""
    t0 = time.perf_counter()
    result = optimise(net.problem, options)
    t1 = time.perf_counter()
    running = running_accounts(engine, net)
    run = OptimisationRun(engine, net, options, result, running, seconds={"optimise": t1 - t0})
    if save and result.usable:
        t2 = time.perf_counter()
        write_back(engine, run)
        run.seconds["write_back"] = time.perf_counter() - t2
    return run


def write_back(engine: Engine, run: OptimisationRun) -> None:
    """Record the run and replace the scope's planned exchanges by its chosen links."""
    net = run.network
    summary = run.summary()
    chosen = run.chosen
    if len(chosen) <= RESULT_EXCHANGES_LIMIT:
        summary["exchanges"] = run.exchanges()
    else:
        summary["exchanges"] = (
            f"{len(chosen):,} planned exchanges: see the exchanges table (run_id)"
        )
    summary["running"] = [_running_view(r) for r in run.running]

    with engine.begin() as conn:
        run_id = store.save_run(
            conn,
            net.scope["label"],
            run.options.objective,
            run.result.status,
            run.result.objective_value if math.isfinite(run.result.objective_value) else None,
            jsonable(summary),
        )
        source = f"optimisation run {run_id} ({run.options.objective}, {net.scope['label']})"
        rows = plan_rows(net, chosen, run.result.flows, run_id, source)
        run.replaced = store.replace_plans(conn, list(net.candidates.park_ids), rows)
        changes.record(
            conn,
            "optimise",
            "optimisation_run",
            object_key=str(run_id),
            park_code=net.scope["park"] or net.scope["region"] or "*",
            detail={
                "objective": run.options.objective,
                "planned": len(rows),
                "status": run.result.status,
            },
        )
    run.run_id = run_id


# -- the trade-off curve ---------------------------------------------------------------------------


def pareto_curve(
    engine: Engine,
    *,
    park: str | None = None,
    region: str | None = None,
    all_parks: bool = False,
    points: int = 5,
    budget_vnd: float | None = None,
    co2_cap_t: float | None = None,
    treatment_capacity: Mapping[str, float] | None = None,
    time_limit_s: float = 60.0,
    mip_gap: float = 0.01,
    top: int = 10,
    year: int | None = None,
) -> dict[str, Any]:
    """Networks from the one worth most to the one avoiding most CO2e (nothing is saved)."""
    if points < 5:
        raise UserError("--points: a trade-off curve here has at least 5 points")
    options = options_from(
        NET_BENEFIT, budget_vnd, co2_cap_t, treatment_capacity, time_limit_s, mip_gap
    )
    net = network(engine, park=park, region=region, all_parks=all_parks, top=top, year=year)
    curve = pareto(net.problem, options, points)
    running = running_accounts(engine, net)
    out_points = []
    for point in curve.points:
        flows = point.result.flows
        chosen = flows.chosen(net.problem)
        planned = totals(net.problem, flows)
        out_points.append(
            {
                "point": point.index,
                "min_co2e_t": point.min_co2e_t,
                "status": point.status,
                "net_benefit_vnd": point.net_benefit_vnd,
                "co2e_t": point.co2e_t,
                "exchanges": len(chosen),
                "investment_vnd": planned["investment_vnd"],
                "totals": before_after(running, planned, len(chosen)),
            }
        )
    return {
        "scope": net.scope,
        "year": net.candidates.year,
        "objective": "net-benefit and co2",
        "tradeoff": curve.tradeoff,
        "note": ""
        if curve.tradeoff
        else "the network worth most also avoids the most CO2e: the curve is one point",
        "points": out_points,
        "method": curve.method,
        "candidates": {"links": net.problem.n_links},
    }


# -- resilience ------------------------------------------------------------------------------------


@cache
def _quality(limits: str, quality: str) -> tuple[bool | None, list[str]]:
    return knowledge.check_quality(knowledge.parse_quality_limits(limits), quality)


def match_params(net: Network) -> MatchParams:
    """The matcher's parameters for pairs the network did not hold yet (a park's own
    firms, or across parks within the default radius)."""
    cat = catalog()
    same_park = net.scope["park"] is not None and net.scope.get("radius_km") is None
    return MatchParams(
        top=int(net.scope.get("top", 10)),
        same_park=same_park,
        radius_km=net.scope.get("radius_km")
        or (None if same_park else cat.parameter("default_radius_km")),
        year_window=int(cat.parameter("year_window")),
        name_threshold=cat.parameter("name_similarity_threshold"),
        generic_materials=GENERIC,
        attribution=net.candidates.attribution,
        deadweight=net.candidates.deadweight,
    )


def _ratio(supply: str, demand: str) -> float:
    if supply == demand:
        return 1.0
    for rule in knowledge.rules_for_supply(catalog(), supply):
        if rule.demand_material == demand:
            return rule.ratio
    return 1.0


def freed_sides(
    net: Network,
    broken: Sequence[Mapping[str, Any]],
    org: int,
    where: Mapping[int, Mapping[str, Any]],
) -> tuple[Side, Side]:
    """What the partners of a leaving enterprise have free again: an output it took (back
    to its baseline: disposal at the catalog fee, else a sale at the exchange's or the
    market price) and an input it delivered (bought again)."""
    book = net.book
    lo, hi = np.iinfo(np.int32).min + 1, np.iinfo(np.int32).max - 1
    cols: dict[str, dict[str, list[Any]]] = {"s": {}, "d": {}}
    for r in broken:
        if r["receiver_id"] == org and r["supplier_id"] != org:
            side, partner, material = "s", r["supplier_id"], r["material"]
            qty = float(r["quantity"])
        elif r["supplier_id"] == org and r["receiver_id"] != org:
            side, partner, material = "d", r["receiver_id"], r["receiver_material"]
            qty = float(r["quantity"]) * _ratio(r["material"], material)
        else:
            continue
        place = where.get(partner)
        if place is None or place["lat"] is None or material not in book.index:
            continue
        m = book.index[material]
        fee = sold = False
        price = math.nan
        if side == "s":
            if np.nan_to_num(book.disposal_fee[m]) > 0:
                fee, price = True, float(book.disposal_fee[m])
            elif not np.isnan(book.market_price[m]) and book.mode[m] == TRUCK:
                sold, price = True, float(r["price_vnd_per_unit"] or book.market_price[m])
        c = cols[side]
        for name, value in (
            ("ids", FREED_ID + len(c.get("ids", []))),
            ("kinds", FLOW),
            ("org", partner),
            ("park", place["park_id"]),
            ("material", m),
            ("qty", qty),
            ("price", price),
            ("fee", fee),
            ("sold", sold),
            ("lat", place["lat"]),
            ("lon", place["lon"]),
            ("year", net.candidates.year),
            ("start_day", lo),
            ("end_day", hi),
            ("max_km", math.inf),
            ("private", False),
            ("waste_code", ""),
            ("quality", ""),
            ("text", ""),
        ):
            c.setdefault(name, []).append(value)
    return (
        Side.from_columns(cols["s"]) if cols["s"] else Side.empty(),
        Side.from_columns(cols["d"]) if cols["d"] else Side.empty(),
    )


def _concat_sides(a: Side, b: Side) -> Side:
    if not len(b):
        return a
    return Side(
        **{
            name: np.concatenate([getattr(a, name), getattr(b, name)])
            for name in Side.__dataclass_fields__
        }
    )


def _concat_candidates(parts: Sequence[tuple[Candidates, int, int]]) -> Candidates:
    """Candidate sets whose supply and demand indices are shifted by the given offsets."""
    first = parts[0][0]
    acc_fields = [
        f for f in Accounts.__dataclass_fields__ if f not in ("attribution", "deadweight")
    ]
    accounts = Accounts(
        **{f: np.concatenate([getattr(c.accounts, f) for c, _, _ in parts]) for f in acc_fields},
        attribution=first.accounts.attribution,
        deadweight=first.accounts.deadweight,
    )
    return Candidates(
        s=np.concatenate([c.s + ds for c, ds, _ in parts]).astype(np.int64),
        d=np.concatenate([c.d + dd for c, _, dd in parts]).astype(np.int64),
        rule=np.concatenate([c.rule for c, _, _ in parts]).astype(np.int64),
        channel_score=np.concatenate([c.channel_score for c, _, _ in parts]),
        similarity=np.concatenate([c.similarity for c, _, _ in parts]),
        distance_km=np.concatenate([c.distance_km for c, _, _ in parts]),
        q=np.concatenate([c.q for c, _, _ in parts]),
        ratio=np.concatenate([c.ratio for c, _, _ in parts]),
        rank=np.concatenate([c.rank for c, _, _ in parts]).astype(np.int64),
        accounts=accounts,
        quality_notes=dict(first.quality_notes),
    )


def extended(net: Network, supplies: Side, demands: Side) -> Network:
    """The network with extra supplies and demands and the candidate links they bring."""
    if not len(supplies) and not len(demands):
        return net
    cand = net.candidates
    all_s = _concat_sides(cand.supplies, supplies)
    all_d = _concat_sides(cand.demands, demands)
    params = match_params(net)
    parts: list[tuple[Candidates, int, int]] = [(cand.found, 0, 0)]
    if len(supplies):
        found = find_matches(supplies, all_d, rules(), cand.book, params, check=_quality)
        parts.append((found, len(cand.supplies), 0))
    if len(demands):
        found = find_matches(cand.supplies, demands, rules(), cand.book, params, check=_quality)
        parts.append((found, 0, len(cand.demands)))
    bigger = CandidateNetwork(
        year=cand.year,
        book=cand.book,
        supplies=all_s,
        demands=all_d,
        found=_concat_candidates(parts),
        rules=cand.rules,
        park_ids=cand.park_ids,
        attribution=cand.attribution,
        deadweight=cand.deadweight,
    )
    return Network(
        candidates=bigger,
        problem=build_problem(bigger, net.regions),
        regions=net.regions,
        scope=net.scope,
        names=net.names,
    )


def _enterprise_ids(engine: Engine, park: str, enterprise: str) -> int:
    with engine.connect() as conn:
        ids = store.find_organisations(conn, enterprise, park)
    if not ids:
        raise UserError(
            f"no enterprise '{enterprise}' in park '{park}'; list them with "
            f"`parkloop enterprises list --park {park}`"
        )
    return ids[0]


def resilience_report(
    engine: Engine,
    *,
    park: str,
    enterprise: str | None = None,
    budget_vnd: float | None = None,
    time_limit_s: float = 60.0,
    mip_gap: float = 0.01,
    top: int = 10,
    year: int | None = None,
    viewer: Viewer | None = None,
) -> dict[str, Any]:
    """Remove an enterprise (or each in turn): exchanges broken, benefit lost, partners found."""
    options = options_from(NET_BENEFIT, budget_vnd, None, None, time_limit_s, mip_gap)
    net = network(engine, park=park, top=top, year=year)
    base = optimise(net.problem, options)
    running = running_accounts(engine, net)
    chosen = base.flows.chosen(net.problem)
    p = net.problem
    in_play = set(p.supply_org[p.s[chosen]].tolist()) | set(p.demand_org[p.d[chosen]].tolist())
    in_play |= {r["supplier_id"] for r in running} | {r["receiver_id"] for r in running}
    scope_parks = set(net.candidates.park_ids)
    with engine.connect() as conn:
        where = store.organisations_by_id(conn, in_play)
    if enterprise is not None:
        targets = [_enterprise_ids(engine, park, enterprise)]
    else:
        targets = sorted(o for o in in_play if where.get(o, {}).get("park_id") in scope_parks)
    load_names(engine, net, sorted(in_play | set(targets)))
    running_value = sum(r["net_benefit_vnd"] for r in running)
    planned_value = value_of(p, base.flows, NET_BENEFIT)
    reports = []
    for org in targets:
        reports.append(_outage_report(engine, net, base, running, org, options, where, viewer))
    reports.sort(key=lambda r: -r["benefit_lost_vnd"])
    return {
        "park": park,
        "year": net.candidates.year,
        "objective": NET_BENEFIT,
        "method": RESILIENCE_METHOD,
        "network": {
            "status": base.status,
            "running": len(running),
            "planned": len(chosen),
            "benefit_vnd": running_value + planned_value,
            "running_benefit_vnd": running_value,
            "planned_benefit_vnd": planned_value,
        },
        "enterprises": reports,
        "unaffected": "every other organisation: no running or planned exchange depends on it"
        if enterprise is None
        else "",
    }


def _outage_report(
    engine: Engine,
    net: Network,
    base: NetworkResult,
    running: Sequence[Mapping[str, Any]],
    org: int,
    options: Options,
    where: dict[int, dict[str, Any]],
    viewer: Viewer | None,
) -> dict[str, Any]:
    broken_running = [r for r in running if org in (r["supplier_id"], r["receiver_id"])]
    p = net.problem
    chosen = base.flows.chosen(p)
    partners = {
        r["receiver_id"] if r["supplier_id"] == org else r["supplier_id"] for r in broken_running
    }
    mine = (p.supply_org[p.s[chosen]] == org) | (p.demand_org[p.d[chosen]] == org)
    partners |= set(p.supply_org[p.s[chosen[mine]]].tolist()) | set(
        p.demand_org[p.d[chosen[mine]]].tolist()
    )
    partners.discard(org)
    missing = [o for o in partners if o not in where]
    if missing:
        with engine.connect() as conn:
            where.update(store.organisations_by_id(conn, missing))
    freed_s, freed_d = freed_sides(net, broken_running, org, where)
    bigger = extended(net, freed_s, freed_d)
    reduced: Restricted = bigger.problem.without_orgs([org])
    result = outage(p, base, org, partners, options, reduced.problem)
    flows = Flows.today(bigger.problem)
    flows.x[reduced.links] = result.result.flows.x
    alternatives = reduced.links[result.alternatives]
    found = bigger.found
    load_names(
        engine,
        net,
        sorted(
            partners
            | {org}
            | set(bigger.supplies.org[found.s[alternatives]].tolist())
            | set(bigger.demands.org[found.d[alternatives]].tolist())
        ),
    )
    running_lost = sum(r["net_benefit_vnd"] for r in broken_running)
    co2_lost = sum(r["co2e_t"] for r in broken_running) + (
        value_of(p, base.flows, CO2) - value_of(reduced.problem, result.result.flows, CO2)
    )
    info = where.get(org, {})
    return {
        "enterprise": {"code": info.get("code", str(org)), "name": info.get("name_vi", "")},
        "status": result.result.status,
        "broken_running": [
            {
                k: r[k]
                for k in (
                    "key",
                    "supplier",
                    "receiver",
                    "material",
                    "quantity",
                    "unit",
                    "net_benefit_vnd",
                    "co2e_t",
                )
            }
            for r in broken_running
        ],
        "broken_planned": link_views(net, result.broken, base.flows, viewer),
        "freed": {"supplies": len(freed_s), "demands": len(freed_d)},
        "benefit_lost_vnd": running_lost + result.lost,
        "running_benefit_lost_vnd": running_lost,
        "planned_benefit_change_vnd": -result.lost,
        "planned_benefit_before_vnd": result.value_before,
        "planned_benefit_after_vnd": result.value_after,
        "co2e_lost_t": co2_lost,
        "alternatives": link_views(bigger, alternatives, flows, viewer),
        "partners": sorted(where.get(o, {}).get("code", str(o)) for o in partners),
    }


# -- fair shares -----------------------------------------------------------------------------------


def shares_of_exchange(engine: Engine, exchange_id: int) -> dict[str, Any]:
    """Split an exchange's net benefit between its supplier and its receiver."""
    with engine.connect() as conn:
        x = store.get_exchange(conn, exchange_id)
    if x is None:
        raise UserError(
            f"no exchange {exchange_id}; list them with `parkloop exchanges list --park CODE`"
        )
    account = accounting.account_park(engine, x.park_code)
    row = next(
        (
            a
            for a in account.exchanges
            if (a["key"], a["supplier"], a["receiver"]) == (x.key, x.supplier_code, x.receiver_code)
        ),
        None,
    )
    if row is None:
        raise UserError(f"exchange {exchange_id} could not be accounted")
    gain = float(row["net_benefit_vnd"])
    share = account.attribution * (1.0 - account.deadweight)
    sides = [
        share * (row["avoided_disposal_vnd"] + row["avoided_haul_vnd"])
        - row["foregone_revenue_vnd"],
        share * row["avoided_purchase_vnd"],
    ]
    players = [
        f"{x.supplier_park_code}:{x.supplier_code}",
        f"{x.receiver_park_code}:{x.receiver_code}",
    ]
    result = fair_shares(players, lambda members: gain if len(members) == 2 else 0.0, sides)
    result.methods["shapley"] = (
        "Shapley value: each partner receives its marginal contribution averaged over the "
        "orders in which the partners could join; for one exchange, the two partners together "
        "earn its net benefit (as `parkloop account` gives it) and either alone earns nothing, "
        "so each receives half"
    )
    return _shares_view(
        result,
        {
            "exchange": exchange_id,
            "key": x.key,
            "status": x.status.value,
            "material": x.material_code,
        },
        roles=["supplier", "receiver"],
        coalitions=3,
    )


def shares_of_coalition(
    engine: Engine,
    enterprises: Sequence[str],
    park: str | None = None,
    top: int = 10,
    time_limit_s: float = 60.0,
) -> dict[str, Any]:
    """Split the gain of a small coalition: running exchanges among its members and the
    best new network among them."""
    codes = [c.strip() for c in enterprises if c.strip()]
    if len(set(codes)) != len(codes):
        raise UserError("--enterprises: each enterprise once")
    if len(codes) < 2:
        raise UserError("--enterprises: name at least two enterprises, A,B")
    if len(codes) > MAX_PLAYERS:
        raise UserError(too_many(len(codes)))
    orgs: list[int] = []
    with engine.connect() as conn:
        for code in codes:
            where_park, _, plain = code.rpartition(":") if ":" in code else (park, "", code)
            ids = store.find_organisations(conn, plain, where_park or None)
            if not ids:
                raise UserError(f"--enterprises: no enterprise '{code}'")
            if len(ids) > 1:
                raise UserError(
                    f"--enterprises: '{code}' is in several parks; write PARK:CODE or add --park"
                )
            orgs.append(ids[0])
        where = store.organisations_by_id(conn, orgs)
    parks_of = {where[o]["park_code"] for o in orgs}
    regions_of = {where[o]["region"] for o in orgs}
    if len(parks_of) == 1:
        net = network(engine, park=next(iter(parks_of)), top=top)
    elif len(regions_of) == 1 and next(iter(regions_of)):
        net = network(engine, region=next(iter(regions_of)), top=top)
    else:
        net = network(engine, all_parks=True, top=top)
    options = options_from(NET_BENEFIT, time_limit_s=time_limit_s)
    running = running_accounts(engine, net)
    p = net.problem
    memo: dict[tuple[int, ...], float] = {}

    def value(members: tuple[int, ...]) -> float:
        ids = [orgs[i] for i in members]
        fixed = sum(
            float(r["net_benefit_vnd"])
            for r in running
            if r["supplier_id"] in ids and r["receiver_id"] in ids
        )
        part = p.among(ids)
        key = tuple(part.links.tolist())
        if key not in memo:
            memo[key] = optimise(part.problem, options).objective_value if len(key) else 0.0
        return fixed + memo[key]

    grand = p.among(orgs)
    best = optimise(grand.problem, options)
    sides = np.zeros(len(orgs))
    gp = grand.problem
    x = best.flows.x
    for i, o in enumerate(orgs):
        sides[i] += float(np.sum((gp.supply_org[gp.s] == o) * gp.unit["supplier_side_vnd"] * x))
        sides[i] += float(np.sum((gp.demand_org[gp.d] == o) * gp.unit["receiver_side_vnd"] * x))
        for r in running:
            if r["supplier_id"] in orgs and r["receiver_id"] in orgs:
                if r["supplier_id"] == o:
                    sides[i] += r["supplier_side_vnd"]
                if r["receiver_id"] == o:
                    sides[i] += r["receiver_side_vnd"]
    players = [f"{where[o]['park_code']}:{where[o]['code']}" for o in orgs]
    result = fair_shares(players, value, sides.tolist())
    return _shares_view(
        result,
        {
            "coalition": players,
            "scope": net.scope["label"],
            "links_among_members": grand.problem.n_links,
            "running_among_members": sum(
                1 for r in running if r["supplier_id"] in orgs and r["receiver_id"] in orgs
            ),
        },
        roles=None,
        coalitions=(1 << len(orgs)) - 1,
    )


def _shares_view(
    result: Any, gain_of: dict[str, Any], roles: list[str] | None, coalitions: int
) -> dict[str, Any]:
    players = []
    for i, name in enumerate(result.players):
        park, _, code = name.rpartition(":")
        players.append(
            {
                "park": park,
                "enterprise": code,
                **({"role": roles[i]} if roles else {}),
                "shapley_vnd": float(result.shapley[i]),
                "proportional_vnd": float(result.proportional[i]),
                "equal_vnd": float(result.equal[i]),
                "own_side_vnd": float(result.weights[i]),
                "stand_alone_vnd": float(result.stand_alone[i]),
            }
        )
    return {
        "gain_of": gain_of,
        "total_vnd": result.total,
        "players": players,
        "methods": result.methods,
        "proportional_basis": "own side of the exchanges"
        if result.proportional_used_weights
        else "no partner has a positive side: equal split",
        "coalitions_solved": coalitions,
    }
