"""Use case of resilience: what breaks when an enterprise leaves a park, what is lost, and
which partners the re-optimised network turns to."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
from sqlalchemy import Engine

from parkloop.accounting.book import TRUCK
from parkloop.accounting.pairs import Accounts
from parkloop.catalog import catalog, knowledge
from parkloop.domain.permissions import Viewer
from parkloop.errors import UserError, msg
from parkloop.matching.engine import Candidates, Factors, MatchParams, find_matches
from parkloop.matching.tables import FLOW, Side
from parkloop.optimize import (
    CO2,
    NET_BENEFIT,
    Flows,
    NetworkResult,
    Options,
    optimise,
    value_of,
)
from parkloop.optimize.model import Restricted
from parkloop.optimize.resilience import METHOD as RESILIENCE_METHOD
from parkloop.optimize.resilience import outage
from parkloop.services.matching import GENERIC, CandidateNetwork, rules
from parkloop.services.optimize import (
    Network,
    build_problem,
    link_views,
    load_names,
    network,
    options_from,
    running_accounts,
)
from parkloop.store import optimize as store

FREED_ID = 1 << 29  # ids of supplies and demands freed when an enterprise leaves

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
        factors=Factors(
            **{
                f: np.concatenate([getattr(c.factors, f) for c, _, _ in parts])
                for f in Factors.__dataclass_fields__
            }
        ),
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
        found = find_matches(
            supplies, all_d, rules(), cand.book, params, check=_quality, parties=cand.parties
        )
        parts.append((found, len(cand.supplies), 0))
    if len(demands):
        found = find_matches(
            cand.supplies, demands, rules(), cand.book, params, check=_quality, parties=cand.parties
        )
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
        parties=cand.parties,
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
            msg(
                "no enterprise '{enterprise}' in park '{park}'; list them with `parkloop "
                "enterprises list --park {park}`",
                enterprise=enterprise,
                park=park,
            )
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
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Remove an enterprise (or each in turn): exchanges broken, benefit lost, partners found;
    ``progress`` is told of each enterprise done."""
    options = options_from(NET_BENEFIT, budget_vnd, None, None, time_limit_s, mip_gap)
    net = network(engine, park=park, top=top, year=year, viewer=viewer)
    base = optimise(net.problem, options)
    running = running_accounts(engine, net)
    chosen = base.flows.chosen(net.problem)
    p = net.problem
    in_play = set(p.supply_org[p.s[chosen]].tolist()) | set(p.demand_org[p.d[chosen]].tolist())
    in_play |= {r["supplier_id"] for r in running} | {r["receiver_id"] for r in running}
    scope_parks = set(net.candidates.park_ids)
    with engine.connect() as conn:
        where = store.org_names(conn, in_play)
    if enterprise is not None:
        targets = [_enterprise_ids(engine, park, enterprise)]
    else:
        targets = sorted(o for o in in_play if where.get(o, {}).get("park_id") in scope_parks)
    load_names(engine, net, sorted(in_play | set(targets)))
    running_value = sum(r["net_benefit_vnd"] for r in running)
    planned_value = value_of(p, base.flows, NET_BENEFIT)
    reports = []
    for done, org in enumerate(targets):
        if progress is not None:
            progress("each enterprise leaving in turn", done, len(targets))
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
            where.update(store.org_names(conn, missing))
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
