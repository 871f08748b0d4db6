"""Use cases of accounting: every exchange of a park in money and environment, the
by-product routes as the seeds count them, park totals in the seeds' form, and the
Material Circularity Indicator of each enterprise."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Engine

from parkloop.accounting.book import TRUCK, FactorBook, build_book
from parkloop.accounting.circularity import METHOD as MCI_METHOD
from parkloop.accounting.circularity import MassBalance, material_circularity
from parkloop.accounting.pairs import METHODS, PairInputs, account_pairs, is_service, sources_for
from parkloop.accounting.transport import METHOD as TRANSPORT_METHOD
from parkloop.accounting.transport import transport_cost, vnd
from parkloop.catalog import catalog, knowledge
from parkloop.domain.enums import (
    DISPOSAL_DESTINATIONS,
    Confidentiality,
    Destination,
    Direction,
    ExchangeStatus,
    MaterialClass,
)
from parkloop.domain.geo import distance_km
from parkloop.domain.models import Exchange, Flow, Organisation
from parkloop.domain.permissions import Viewer, can_see
from parkloop.services import confidentiality, registry

MASS_CLASSES = frozenset(
    {
        MaterialClass.METAL,
        MaterialClass.MINERAL,
        MaterialClass.PLASTIC,
        MaterialClass.PAPER,
        MaterialClass.WOOD,
        MaterialClass.ORGANIC,
        MaterialClass.OIL,
        MaterialClass.SLUDGE,
        MaterialClass.CHEMICAL,
        MaterialClass.CONSTRUCTION,
        MaterialClass.HAZARDOUS,
        MaterialClass.OTHER,
    }
)
TOTAL_KEYS = (
    "net_benefit_vnd",
    "co2e_t",
    "water_reused_m3",
    "energy_recovered_mwh",
    "virgin_material_avoided_t",
)


@dataclass
class ParkAccount:
    park: str
    year: int
    attribution: float
    deadweight: float
    exchanges: list[dict[str, Any]]
    routes: list[dict[str, Any]]
    totals: dict[str, Any]
    circularity: list[dict[str, Any]]
    recp: dict[str, Any]
    method: dict[str, str] = field(default_factory=dict)
    factors: dict[str, Any] = field(default_factory=dict)
    inventory: dict[str, int] = field(default_factory=dict)


def _ratio(supply: str, demand: str) -> float:
    if supply == demand:
        return 1.0
    cat = catalog()
    for rule in knowledge.rules_for_supply(cat, supply):
        if rule.demand_material == demand:
            return rule.ratio
    return 1.0


def _price_paid(flows: list[Flow], org: str, material: str) -> float:
    """Quantity-weighted price an organisation pays for an input (NaN if it gives none)."""
    qty = price = 0.0
    for f in flows:
        mine = f.org_code == org and f.material_code == material and f.direction is Direction.IN
        if mine and f.price_vnd_per_unit is not None:
            qty += f.quantity.value
            price += f.quantity.value * f.price_vnd_per_unit
    return price / qty if qty else float("nan")


def _distance(x: Exchange, orgs: dict[tuple[str, str], Organisation], circuity: float) -> float:
    if x.distance_km is not None:
        return x.distance_km
    a = orgs.get((x.supplier_park_code, x.supplier_code))
    b = orgs.get((x.receiver_park_code, x.receiver_code))
    if a is None or b is None or a.location is None or b.location is None:
        return 0.0
    return distance_km(a.location, b.location) * circuity


def account_exchanges(
    book: FactorBook,
    items: list[Exchange],
    flows: list[Flow],
    orgs: dict[tuple[str, str], Organisation],
    attribution: float,
    deadweight: float,
) -> list[dict[str, Any]]:
    """Money and environment of each exchange, with method and the factors used."""
    if not items:
        return []
    n = len(items)
    s_mat = np.array([book.index[x.material_code] for x in items], dtype=np.int32)
    d_codes = [x.receiver_material_code or x.material_code for x in items]
    d_mat = np.array([book.index[c] for c in d_codes], dtype=np.int32)
    # The supplier's baseline: disposal where disposing of its material costs something;
    # else, for a by-product with a market that travels by truck, a sale — at the
    # receiver's own price when the same material changes hands (a transfer: the exchange
    # is worth the haul it replaces), at the market price when it replaces another input.
    fee = book.disposal_fee[s_mat]
    disposes = ~np.isnan(fee) & (fee > 0)
    traded = ~disposes & ~np.isnan(book.market_price[s_mat]) & (book.mode[s_mat] == TRUCK)
    same = s_mat == d_mat
    receiver_price = np.array(
        [_price_paid(flows, x.receiver_code, c) for x, c in zip(items, d_codes, strict=True)]
    )
    paid = np.where(np.isnan(receiver_price), book.price[d_mat], receiver_price)
    market = np.where(traded, np.where(same, paid, book.market_price[s_mat]), 0.0)
    inputs = PairInputs(
        q=np.array([x.quantity.value for x in items]),
        s_mat=s_mat,
        d_mat=d_mat,
        ratio=np.array([_ratio(x.material_code, c) for x, c in zip(items, d_codes, strict=True)]),
        distance_km=np.array([_distance(x, orgs, book.circuity) for x in items]),
        supplier_fee=np.where(disposes, fee, 0.0),
        supplier_revenue=market,
        supplier_disposes=disposes,
        receiver_price=receiver_price,
        treatment_cost=np.array([x.treatment_cost_vnd_per_unit or 0.0 for x in items]),
        rate_vnd_per_tkm=np.array([x.transport.rate_vnd_per_tkm or np.nan for x in items]),
        tonnes_per_trip=np.array([x.transport.tonnes_per_trip or np.nan for x in items]),
        trips_per_day=np.array([x.transport.trips_per_day or np.nan for x in items]),
        operating_days=np.array([x.transport.operating_days_per_year for x in items]),
        service=is_service(book, receiver_price, d_mat, np.zeros(n, dtype=bool)),
        haul_replaced=traded,
    )
    acc = account_pairs(book, inputs, attribution, deadweight)
    out = []
    for i, x in enumerate(items):
        figures = {k: round(v, 3) for k, v in acc.row(i).items()}
        day = None
        if x.transport.trips_per_day and x.transport.tonnes_per_trip:
            day = transport_cost(
                x.transport.rate_vnd_per_tkm or book.truck_rate_vnd_per_tkm,
                x.transport.tonnes_per_trip,
                x.transport.trips_per_day,
                float(inputs.distance_km[i]),
                x.transport.operating_days_per_year,
            )
        out.append(
            {
                "key": x.key,
                "status": x.status.value,
                "route": x.route,
                "supplier": x.supplier_code,
                "receiver": x.receiver_code,
                "material": x.material_code,
                "receiver_material": d_codes[i],
                "quantity": x.quantity.value,
                "unit": x.quantity.unit,
                "distance_km": float(inputs.distance_km[i]),
                "distance_source": "recorded"
                if x.distance_km is not None
                else "straight line × road circuity",
                "transport_cost_vnd_per_day": vnd(day.cost_vnd_per_day) if day else None,
                "transport": {
                    "rate_vnd_per_tkm": x.transport.rate_vnd_per_tkm,
                    "tonnes_per_trip": x.transport.tonnes_per_trip,
                    "trips_per_day": x.transport.trips_per_day,
                    "operating_days_per_year": x.transport.operating_days_per_year,
                    "mode": x.transport.mode.value,
                },
                "revenue_vnd": round(x.quantity.value * (x.price_vnd_per_unit or 0.0), 0),
                **figures,
                "factors": [
                    f"{s['material']}:{s['parameter']}"
                    for s in sources_for(book, x.material_code, d_codes[i], bool(disposes[i]))
                ],
                "data_status": x.data_status.value,
                "source": x.source,
            }
        )
    return out


def _routes(accounted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Exchanges sharing a route label, by distance: the seeds' route tables."""
    by_route: dict[str, dict[float, dict[str, Any]]] = defaultdict(dict)
    for row in accounted:
        if not row["route"] or row["transport_cost_vnd_per_day"] is None:
            continue
        km = round(row["distance_km"], 3)
        leg = by_route[row["route"]].setdefault(
            km,
            {
                "distance_km": km,
                "trips_per_day": 0.0,
                "cost_vnd_per_day": 0,
                "exchanges": [],
                "statuses": set(),
            },
        )
        t = row["transport"]
        leg["trips_per_day"] += t["trips_per_day"]
        leg["rate_vnd_per_tkm"] = t["rate_vnd_per_tkm"]
        leg["tonnes_per_trip"] = t["tonnes_per_trip"]
        leg["exchanges"].append(row["key"])
        leg["statuses"].add(row["status"])
    out = []
    for route, legs in sorted(by_route.items()):
        variants = []
        for km, leg in sorted(legs.items(), reverse=True):
            cost = transport_cost(
                leg["rate_vnd_per_tkm"], leg["tonnes_per_trip"], leg["trips_per_day"], km, 1.0
            )
            variants.append(
                {
                    "distance_km": km,
                    "rate_vnd_per_tkm": leg["rate_vnd_per_tkm"],
                    "tonnes_per_trip": leg["tonnes_per_trip"],
                    "trips_per_day": leg["trips_per_day"],
                    "cost_vnd_per_day": vnd(cost.cost_vnd_per_day),
                    "status": "running"
                    if "running" in leg["statuses"]
                    else sorted(leg["statuses"])[0],
                    "exchanges": leg["exchanges"],
                }
            )
        out.append({"route": route, "method": TRANSPORT_METHOD, "variants": variants})
    return out


def _totals(accounted: list[dict[str, Any]]) -> dict[str, Any]:
    running = [r for r in accounted if r["status"] == ExchangeStatus.RUNNING.value]
    totals: dict[str, Any] = {k: round(sum(r[k] for r in running), 3) for k in TOTAL_KEYS}
    totals["exchanges"] = len(running)
    totals["money_vnd_per_year"] = totals.pop("net_benefit_vnd")
    totals["co2e_t_per_year"] = totals.pop("co2e_t")
    totals["water_m3_per_year"] = totals.pop("water_reused_m3")
    totals["energy_mwh_per_year"] = totals.pop("energy_recovered_mwh")
    totals["materials_t_per_year"] = totals.pop("virgin_material_avoided_t")
    totals["in_words"] = (
        f"{totals['money_vnd_per_year'] / 1e9:,.1f} billion VND/yr saved, "
        f"{totals['co2e_t_per_year']:,.0f} t CO2e, {totals['water_m3_per_year']:,.0f} m³ water, "
        f"{totals['energy_mwh_per_year']:,.0f} MWh, "
        f"{totals['materials_t_per_year']:,.0f} t materials"
    )
    return totals


def _waste_type() -> set[str]:
    """Materials that are wastes or by-products: the supply side of some substitution rule."""
    cat = catalog()
    return {r.supply_material for r in knowledge.rules(cat)}


def circularity_by_enterprise(
    flows: list[Flow], exchanges: list[Exchange], year: int, orgs: list[Organisation]
) -> list[dict[str, Any]]:
    """Material Circularity Indicator of each enterprise whose mass balance allows it."""
    cat = catalog()
    waste_type = _waste_type()
    received: dict[tuple[str, str], float] = defaultdict(float)
    for x in exchanges:
        if x.status is ExchangeStatus.RUNNING:
            received[(x.receiver_code, x.material_code)] += x.quantity.value
    out = []
    for org in orgs:
        mine = [f for f in flows if f.org_code == org.code and f.period.year == year]
        virgin = secondary = products = recovered = waste = 0.0
        other_out = 0.0
        for f in mine:
            m = cat.materials[f.material_code]
            if m.material_class not in MASS_CLASSES or m.canonical_unit != "t":
                continue
            q = f.annual_quantity
            if f.direction is Direction.IN:
                via_exchange = min(q, received.get((org.code, f.material_code), 0.0))
                if f.material_code in waste_type:
                    secondary += q
                else:
                    secondary += via_exchange
                    virgin += q - via_exchange
            elif m.hazardous or f.destination in DISPOSAL_DESTINATIONS or f.destination is None:
                waste += q
            elif f.material_code in waste_type:
                recovered += q
            else:
                products += q
            if f.direction is Direction.OUT and f.destination in (
                Destination.SOLD,
                Destination.SOLD_LOW,
                Destination.EXCHANGED,
            ):
                other_out += q
        # Firms whose products are recovered materials (a slag processor) ship them as such.
        if products == 0.0:
            products, recovered = recovered, 0.0
        result = material_circularity(MassBalance(virgin, secondary, products, recovered, waste))
        if result is None or virgin + secondary == 0.0:
            continue
        out.append(
            {
                "enterprise": org.code,
                "mci": round(result.mci, 3),
                "lfi": round(result.lfi, 3),
                "virgin_in_t": round(virgin, 1),
                "secondary_in_t": round(secondary, 1),
                "products_t": round(products, 1),
                "recovered_out_t": round(recovered, 1),
                "waste_out_t": round(waste, 1),
            }
        )
    return out


def account_park(
    engine: Engine,
    park: str,
    year: int | None = None,
    attribution: float | None = None,
    deadweight: float | None = None,
    viewer: Viewer | None = None,
) -> ParkAccount:
    """Every exchange of a park, its routes, totals, circularity and RECP, from the
    records ``viewer`` may see; outside the park, totals only under the disclosure rule."""
    park_row = registry.require_park(engine, park)
    computing, aggregate_only = confidentiality.computing_viewer(viewer, park_row.id)
    account = _account_park(engine, park, year, attribution, deadweight, computing)
    return _published(account) if aggregate_only else account


def _published(account: ParkAccount) -> ParkAccount:
    """A park's account as a viewer outside the park gets it: totals under the disclosure
    rule, nothing per exchange or per enterprise."""
    contributions: dict[str, float] = defaultdict(float)
    for row in account.exchanges:
        if row["status"] == ExchangeStatus.RUNNING.value:
            for side in ("supplier", "receiver"):
                contributions[row[side]] += abs(float(row["net_benefit_vnd"])) / 2
    totals, note = confidentiality.publish(account.totals, contributions)
    firms = {m: float(v) for m, v in account.recp.pop("by_firm", {}).items()}
    recp, recp_note = confidentiality.publish(account.recp, firms)
    return ParkAccount(
        park=account.park,
        year=account.year,
        attribution=account.attribution,
        deadweight=account.deadweight,
        exchanges=[],
        routes=[],
        totals={**(totals or {"exchanges": None, "in_words": note}), "note": note},
        circularity=[],
        recp={**(recp or {}), "note": recp_note},
        method=account.method,
        factors=account.factors if totals else {},
        inventory={},
    )


def _account_park(
    engine: Engine,
    park: str,
    year: int | None,
    attribution: float | None,
    deadweight: float | None,
    viewer: Viewer,
) -> ParkAccount:
    cat = catalog()
    attribution = cat.parameter("attribution") if attribution is None else attribution
    deadweight = cat.parameter("deadweight") if deadweight is None else deadweight
    flows = registry.flows(engine, park, viewer)
    year = year or max((f.period.year for f in flows), default=None) or 2024
    book = build_book(cat, year)
    items = registry.exchanges(engine, park, viewer=viewer)
    # An exchange accepted from a proposal on private records carries their quantity: it
    # is counted only for viewers shown that proposal (the map's rule, one mechanism).
    from parkloop.services.geo import exchange_figures_shown

    shown = exchange_figures_shown(engine, items, viewer)
    items = [x for x in items if x.id in shown]
    orgs = {(o.park_code, o.code): o for o in registry.organisations(engine, park)}
    for x in items:
        for p, c in (
            (x.supplier_park_code, x.supplier_code),
            (x.receiver_park_code, x.receiver_code),
        ):
            if (p, c) not in orgs:
                orgs.update({(o.park_code, o.code): o for o in registry.organisations(engine, p)})
    year_flows = [f for f in flows if f.period.year == year]
    accounted = account_exchanges(book, items, year_flows, orgs, attribution, deadweight)
    recp = registry_recp(engine, park, year, book)
    # An enterprise's circularity rests on all its records: shown to those who see them.
    tenants = [
        o
        for o in orgs.values()
        if o.park_code == park
        and o.id is not None
        and can_see(viewer, o.id, park_id_of(o), Confidentiality.PRIVATE)
    ]
    factors: dict[str, Any] = {}
    for row in accounted:
        for key in row["factors"]:
            material, parameter = key.split(":", 1)
            f = book.cite(material, parameter)
            if f is not None:
                factors[key] = f.cite()
    return ParkAccount(
        park=park,
        year=year,
        attribution=attribution,
        deadweight=deadweight,
        exchanges=accounted,
        routes=_routes(accounted),
        totals=_totals(accounted),
        circularity=circularity_by_enterprise(flows, items, year, tenants),
        recp=recp,
        method={
            **METHODS,
            "circularity": MCI_METHOD,
            "transport_cost_vnd_per_day": TRANSPORT_METHOD,
        },
        factors=factors,
        inventory=_inventory(engine, park, year, viewer),
    )


def park_id_of(org: Organisation) -> int:
    return int(org.park_id) if org.park_id is not None else -1


def _inventory(engine: Engine, park: str, year: int, viewer: Viewer) -> dict[str, int]:
    """Flows of the year still awaiting a material (left out of every figure) and prices
    filled from the catalog (estimates) against the staff's own."""
    from parkloop.store import edits, writes

    with engine.connect() as conn:
        park_id = writes.park_ids(conn, [park])[park]
        return edits.inventory_quality(conn, [park_id], year, viewer)


def registry_recp(engine: Engine, park: str, year: int, book: FactorBook) -> dict[str, Any]:
    """RECP measures inside firms, summed the way the UNIDO pilots report them."""
    from parkloop.store import inventory

    with engine.connect() as conn:
        measures = [
            m for m in inventory.list_recp_measures(conn, park) if m.year == year and m.implemented
        ]
    grid = catalog().grid_factor(year)
    electricity = sum(m.electricity_saved_mwh for m in measures)
    fuel_gj = sum(m.fuel_saved_gj for m in measures)
    return {
        "firms": len({m.org_code for m in measures}),
        "measures": len(measures),
        "electricity_saved_mwh": round(electricity, 1),
        "fuel_saved_tj": round(fuel_gj / 1000.0, 3),
        "water_saved_m3": round(sum(m.water_saved_m3 for m in measures), 1),
        "materials_saved_t": round(sum(m.materials_saved_t for m in measures), 1),
        "cost_saved_vnd": round(sum(m.cost_saved_vnd for m in measures), 0),
        "by_firm": {
            org: sum(m.electricity_saved_mwh * grid.value for m in measures if m.org_code == org)
            + sum(m.cost_saved_vnd for m in measures if m.org_code == org) / 1e9
            for org in {m.org_code for m in measures}
        },
        "co2e_avoided_t": round(electricity * grid.value, 1),
        "method": (
            "sums of implemented measures of the year; CO2e counts electricity saved × the grid "
            "factor of the year (fuel savings are reported in TJ, their CO2e needs the fuel)"
        ),
        "grid_factor": grid.cite(),
    }
