"""Use cases of optimisation: the best exchange network of a park, a region or every park,
written back as planned exchanges; the trade-off between money and CO2e; what breaks when
an enterprise leaves; fair shares of a gain between partners."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine

from parkloop.accounting.book import GRID, PIPE, TRUCK, FactorBook
from parkloop.accounting.pairs import METHODS
from parkloop.catalog import catalog
from parkloop.domain.enums import Confidentiality, Destination, ExchangeStatus
from parkloop.domain.permissions import Viewer, can_see, may_see_level, sees_everything_of
from parkloop.errors import NotAllowed, UserError, msg, said_of
from parkloop.formats import number
from parkloop.jsonable import jsonable
from parkloop.matching.engine import Candidates
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
from parkloop.optimize.pareto import pareto
from parkloop.services import accounting
from parkloop.services.matching import CandidateNetwork, candidate_network, rules
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


# The note of a trade-off curve with no trade-off.
PARETO_ONE_POINT = "the network worth most also avoids the most CO2e: the curve is one point"


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
        raise UserError(msg("--objective must be one of: {objectives}", objectives=OBJECTIVES))
    known = set(rule_ids())
    for rule in treatment_capacity or {}:
        if rule not in known:
            raise UserError(
                msg(
                    "--treatment-capacity: no substitution rule '{rule}' (see "
                    "catalog/data/substitutions.csv)",
                    rule=rule,
                )
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
        raise UserError(said_of(exc)) from None


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
    viewer: Viewer | None = None  # whose records the network is built from
    # Exchanges agreed but not yet running, fixed in the plan, and what each took from
    # the supplies and demands of the scope.
    committed: list[dict[str, Any]] = field(default_factory=list)

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


def build_problem(
    candidates: CandidateNetwork,
    regions: Mapping[int, str],
    landfill: np.ndarray | None = None,
) -> Problem:
    """The optimisation problem of a candidate network; ``landfill`` marks the supplies
    whose destination today is a landfill."""
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
        supply_landfill=landfill,
    )


def landfilled_supplies(conn: Connection, supplies: Side) -> np.ndarray:
    """Which supplies go to a landfill today, as the supplier's inventory says (offers
    and wants carry no destination)."""
    flows = np.flatnonzero(supplies.kinds == FLOW)
    where = store.flow_destinations(conn, supplies.ids[flows].tolist())
    out = np.zeros(len(supplies), dtype=bool)
    out[flows] = [where.get(int(i)) == Destination.LANDFILL.value for i in supplies.ids[flows]]
    return out


def _take(rows: np.ndarray, qty: np.ndarray, taken: np.ndarray, amount: float) -> float:
    """Take ``amount`` from the rows (largest first), recording it in ``taken``; what was
    taken."""
    got = 0.0
    for i in rows[np.argsort(-qty[rows], kind="stable")].tolist():
        if amount - got <= 1e-9:
            break
        part = min(float(qty[i] - taken[i]), amount - got)
        if part > 0:
            taken[i] += part
            got += part
    return got


def commit(
    problem: Problem,
    candidates: CandidateNetwork,
    agreed: Sequence[Mapping[str, Any]],
    running: Sequence[Mapping[str, Any]],
    exchanged: Mapping[tuple[int, str], float],
) -> tuple[Problem, list[dict[str, Any]]]:
    """Fix the exchanges agreed but not yet running: their quantity leaves the supplier's
    supply (the part its inventory does not already show as exchanged, counting the
    running exchanges it also feeds) and, × the substitution ratio, the receiver's demand
    (running exchanges are already out of it). Returns the problem with what is left, and
    what each agreed exchange took."""
    book = candidates.book
    sup, dem = candidates.supplies, candidates.demands
    supply_taken = np.zeros(problem.n_supplies)
    demand_taken = np.zeros(problem.n_demands)
    running_out: dict[tuple[int, str], float] = {}
    for r in running:
        key = (int(r["supplier_id"]), str(r["material_code"]))
        running_out[key] = running_out.get(key, 0.0) + float(r["quantity"])
    agreed_out: dict[tuple[int, str], float] = {}
    for r in agreed:
        key = (int(r["supplier_id"]), str(r["material_code"]))
        agreed_out[key] = agreed_out.get(key, 0.0) + float(r["quantity"])
    # What the inventory does not yet show as exchanged is still offered as supply.
    open_part = {
        key: max(0.0, q + running_out.get(key, 0.0) - exchanged.get(key, 0.0)) / q
        for key, q in agreed_out.items()
        if q > 0
    }
    out = []
    for r in agreed:
        material = str(r["material_code"])
        receiver_material = str(r["receiver_material_code"] or material)
        q = float(r["quantity"])
        took_supply = took_demand = 0.0
        if material in book.index:
            key = (int(r["supplier_id"]), material)
            rows = np.flatnonzero((sup.org == key[0]) & (sup.material == book.index[material]))
            took_supply = _take(rows, problem.supply_qty, supply_taken, q * open_part.get(key, 0.0))
        if receiver_material in book.index:
            rows = np.flatnonzero(
                (dem.org == int(r["receiver_id"])) & (dem.material == book.index[receiver_material])
            )
            ratio = accounting.ratio_of(material, receiver_material)
            took_demand = _take(rows, problem.demand_qty, demand_taken, q * ratio)
        out.append(
            {
                "id": r["id"],
                "key": r["key"],
                "supply_taken": round(took_supply, 6),
                "demand_taken": round(took_demand, 6),
            }
        )
    return problem.less(supply_taken, demand_taken), out


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
    viewer: Viewer | None = None,
) -> Network:
    """Candidate links of the scope (the matcher's, ``top`` per supply) as a problem, from
    the records ``viewer`` may see."""
    if sum(bool(x) for x in (park, region, all_parks)) != 1:
        raise UserError(msg("say what to optimise: --park CODE, --region NAME or --all"))
    t0 = time.perf_counter()
    candidates = candidate_network(
        engine,
        park=park,
        region=region,
        all_parks=all_parks,
        radius_km=radius_km,
        top=top,
        year=year,
        viewer=viewer,
    )
    t1 = time.perf_counter()
    with engine.connect() as conn:
        parks = set(candidates.park_ids) | {int(p) for p in np.unique(candidates.supplies.park)}
        regions = store.park_regions(conn, parks)
        landfill = landfilled_supplies(conn, candidates.supplies)
        scope = list(candidates.park_ids)
        agreed = [
            r
            for r in store.running_exchanges(conn, scope, (ExchangeStatus.NEGOTIATING,))
            if may_see_level(viewer, None, r["park_id"], 1)
        ]
        running = store.running_exchanges(conn, scope) if agreed else []
        exchanged = store.exchanged_outputs(conn, scope, candidates.year) if agreed else {}
    problem = build_problem(candidates, regions, landfill)
    problem, taken = commit(problem, candidates, agreed, running, exchanged)
    t2 = time.perf_counter()
    net = Network(
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
        viewer=viewer,
    )
    if agreed:
        # Agreed exchanges are accounted as `parkloop account` does; what they avoid is no
        # longer part of the scope's emissions today that a CO2 cap measures against.
        by_id = {t["id"]: t for t in taken}
        net.committed = [
            {**a, **by_id.get(a["id"], {})}
            for a in running_accounts(engine, net, (ExchangeStatus.NEGOTIATING,))
        ]
        avoided = sum(float(a["co2e_t"]) for a in net.committed)
        net.problem = replace(problem, baseline_co2e_t=problem.baseline_co2e_t - avoided)
    return net


# -- today's exchanges ---------------------------------------------------------------------------


def running_accounts(
    engine: Engine,
    net: Network,
    statuses: Sequence[ExchangeStatus] = (ExchangeStatus.RUNNING,),
) -> list[dict[str, Any]]:
    """Running exchanges (or those of ``statuses``) touching the scope that the network's
    viewer may see, accounted as ``parkloop account`` does, each with its organisations'
    ids and the waste it keeps from landfill (its supplier's inventory says where the
    output goes without it)."""
    park_ids = list(net.candidates.park_ids)
    with engine.connect() as conn:
        rows = [
            r
            for r in store.running_exchanges(conn, park_ids, statuses)
            if may_see_level(net.viewer, None, r["park_id"], 1)
        ]
    if not rows:
        return []
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
            viewer=net.viewer,
        )
        figures = {(a["key"], a["supplier"], a["receiver"]): a for a in account.exchanges}
        for row in items:
            a = figures.get((row["key"], row["supplier_code"], row["receiver_code"]))
            if a is None:
                continue
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
                    "landfill_avoided_t": a["landfill_avoided_t"],
                    "status": row["status"],
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
    running: Sequence[Mapping[str, Any]],
    planned: Mapping[str, float],
    n_planned: int,
    committed: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Today's totals (running exchanges), those agreed but not yet running (fixed in the
    plan), after adding them and the planned ones, and the gain over today. Money after is
    net of the annualised investment."""
    today = _sum_running(running)
    agreed = _sum_running(committed)
    after = {k: today[k] + agreed[k] + planned.get(k, 0.0) for k in today}
    annual = planned.get("annualised_investment_vnd", 0.0)
    after["net_benefit_vnd"] -= annual
    gain = {k: after[k] - today[k] for k in today}
    out = {
        "before": seeds_form(today, len(running)),
        "committed": seeds_form(agreed, len(committed)),
        "after": seeds_form(after, len(running) + len(committed) + n_planned),
        "gain": seeds_form(gain, len(committed) + n_planned),
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
        return before_after(self.running, planned, len(self.chosen), self.network.committed)

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
        net, inv = self.network, self.network.problem.invest
        # The parties of what is built, to name it.
        decision = np.maximum(inv.link_pipe, inv.link_unit)
        built = np.flatnonzero(decision >= 0)
        if len(built):
            built = built[r.flows.built[decision[built]] > 0.5]
        orgs = np.union1d(net.supplies.org[net.found.s[built]], net.demands.org[net.found.d[built]])
        load_names(self.engine, net, orgs.tolist())
        investments = built_investments(net, r.flows)
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
            "committed": [_committed_view(r) for r in self.network.committed],
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


def _committed_view(r: Mapping[str, Any]) -> dict[str, Any]:
    """An exchange agreed but not yet running, as fixed in the plan: its figures and what
    it took from its supplier's supply and its receiver's demand."""
    return {
        **_running_view(r),
        "status": r["status"],
        "landfill_avoided_t": r["landfill_avoided_t"],
        "supply_taken": r.get("supply_taken", 0.0),
        "demand_taken": r.get("demand_taken", 0.0),
    }


def load_names(engine: Engine, net: Network, orgs: Sequence[int]) -> None:
    """Codes and names of the organisations, kept with the network."""
    missing = [o for o in orgs if o not in net.names]
    if missing:
        with engine.connect() as conn:
            net.names.update(store.org_names(conn, missing))


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


PIPE_WORDS = {
    "water": ("đường ống nước", "water pipe"),
    "heat": ("đường ống nhiệt", "heat pipe"),
    "steam": ("đường ống hơi", "steam pipe"),
    "gas": ("đường ống khí", "gas pipe"),
}


def _org_name(info: Mapping[str, Any], lang: str) -> str:
    vi = str(info.get("name_vi") or info.get("code") or "")
    return vi if lang == "vi" else str(info.get("name_en") or vi)


def _material_name(code: str, lang: str) -> str:
    m = catalog().materials.get(code)
    if m is None:
        return code
    return (m.name_vi or m.name_en) if lang == "vi" else (m.name_en or m.name_vi)


def investment_name(net: Network, item: Mapping[str, Any]) -> dict[str, str]:
    """What a person calls an investment: 'đường ống hơi Asnæs → Novo Nordisk, 1,2 km',
    'trạm xử lý dùng chung: bùn thải → phân bón, KCN X'."""
    out = {}
    for lang in ("vi", "en"):
        if item["kind"] == "pipe":
            words = PIPE_WORDS.get(str(item.get("material_class")), ("đường ống", "pipe"))
            supplier = _org_name(net.names.get(int(item["supplier_id"]), {}), lang)
            receiver = _org_name(net.names.get(int(item["receiver_id"]), {}), lang)
            km = number(item["distance_km"], lang, 1)
            out[lang] = f"{words[lang == 'en']} {supplier} → {receiver}, {km} km"
        else:
            rule = next((r for r in rules() if r.id == item["rule"]), None)
            what = (
                f"{_material_name(rule.supply_material, lang)} → "
                f"{_material_name(rule.demand_material, lang)}"
                if rule is not None
                else str(item["rule"])
            )
            park = str(item.get("park_code") or "")
            head = "trạm xử lý dùng chung" if lang == "vi" else "shared treatment unit"
            out[lang] = f"{head}: {what}" + (f", {park}" if park else "")
    return out


def built_investments(net: Network, flows: Flows) -> list[dict[str, Any]]:
    """What the plan builds, each with the name a person reads (names of the network's
    organisations are loaded with :func:`load_names` first)."""
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
            s, d = int(net.found.s[link]), int(net.found.d[link])
            material = net.book.codes[int(net.supplies.material[s])]
            item["exchange"] = plan_key(net.supplies, net.demands, s, d)
            item["distance_km"] = round(float(inv.distance_km[k]), 3)
            item["supplier_id"] = int(net.supplies.org[s])
            item["receiver_id"] = int(net.demands.org[d])
            item["material"] = material
            item["material_class"] = catalog().materials[material].material_class.value
        else:
            item["capacity_per_unit"] = float(inv.capacity[k])
            item["park_id"] = int(inv.park[k])
            served = np.flatnonzero(inv.link_unit == k)
            receiver = (
                net.names.get(int(net.demands.org[net.found.d[served[0]]]), {})
                if len(served)
                else {}
            )
            item["park_code"] = str(receiver.get("park_code", ""))
        item["name"] = investment_name(net, item)
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
    viewer: Viewer | None = None,
) -> OptimisationRun:
    """The best network of the scope, from the records ``viewer`` may see; with ``save``
    (the administrator, or the operator of the one park in scope), a run is recorded and
    its chosen links replace the scope's earlier planned exchanges."""
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
        viewer=viewer,
    )
    if save and not all(sees_everything_of(viewer, p) for p in net.candidates.park_ids):
        raise NotAllowed(
            msg(
                "{who} may not save a plan for this scope (only its park operator "
                "may); run with --no-save to see the best network",
                who=viewer.name if viewer else msg("this user"),
            )
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
    summary["committed"] = [_committed_view(r) for r in run.network.committed]

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
            who=changes.actor_of(net.viewer),
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
    viewer: Viewer | None = None,
) -> dict[str, Any]:
    """Networks from the one worth most to the one avoiding most CO2e (nothing is saved),
    from the records ``viewer`` may see."""
    if points < 5:
        raise UserError(msg("--points: a trade-off curve here has at least 5 points"))
    options = options_from(
        NET_BENEFIT, budget_vnd, co2_cap_t, treatment_capacity, time_limit_s, mip_gap
    )
    net = network(
        engine, park=park, region=region, all_parks=all_parks, top=top, year=year, viewer=viewer
    )
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
                "totals": before_after(running, planned, len(chosen), net.committed),
            }
        )
    return {
        "scope": net.scope,
        "year": net.candidates.year,
        "objective": "net-benefit and co2",
        "tradeoff": curve.tradeoff,
        "note": "" if curve.tradeoff else PARETO_ONE_POINT,
        "points": out_points,
        "method": curve.method,
        "candidates": {"links": net.problem.n_links},
    }
