"""Use cases of accounting: every exchange of a park in money and environment, the
by-product routes as the seeds count them, park totals in the seeds' form, the Material
Circularity Indicator of each enterprise, and the RECP measures inside firms per
enterprise, park and programme."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Engine

from parkloop.accounting import recp
from parkloop.accounting.book import TRUCK, FactorBook, build_book
from parkloop.accounting.circularity import METHOD as MCI_METHOD
from parkloop.accounting.circularity import MassBalance, material_circularity
from parkloop.accounting.pairs import METHODS, PairInputs, account_pairs, is_service, sources_for
from parkloop.accounting.transport import METHOD as TRANSPORT_METHOD
from parkloop.accounting.transport import transport_cost, vnd
from parkloop.assessment.facts import ran_in_year
from parkloop.catalog import catalog, knowledge
from parkloop.catalog.fuels import fuels
from parkloop.domain.enums import (
    DISPOSAL_DESTINATIONS,
    Confidentiality,
    Destination,
    Direction,
    ExchangeStatus,
    MaterialClass,
)
from parkloop.domain.geo import distance_km
from parkloop.domain.models import Exchange, Flow, Organisation, RecpMeasure
from parkloop.domain.permissions import Viewer, can_see
from parkloop.errors import UserError, msg
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
    # How the year was chosen: "given", or the latest year with data and of what.
    year_basis: dict[str, Any] = field(default_factory=dict)


def ratio_of(supply: str, demand: str) -> float:
    """Units of ``demand`` one unit of ``supply`` replaces (the substitution rule's ratio)."""
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


FEE_DESTINATIONS = frozenset(
    {
        Destination.LANDFILL,
        Destination.INCINERATION,
        Destination.LICENSED_COLLECTOR,
        Destination.TREATMENT,
    }
)
SALE_DESTINATIONS = frozenset({Destination.SOLD, Destination.SOLD_LOW})


@dataclass(frozen=True, slots=True)
class Baseline:
    """Where a supplier's output goes without the exchange, and what it costs or earns
    there (VND per unit; NaN when not known), from its own inventory or the catalog."""

    destination: str
    price: float
    origin: str  # "inventory" or "catalog"

    @property
    def disposes(self) -> bool:
        return self.destination in {d.value for d in FEE_DESTINATIONS}

    @property
    def sold(self) -> bool:
        return self.destination in {d.value for d in SALE_DESTINATIONS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "price_vnd_per_unit": None if self.price != self.price else round(self.price, 2),
            "from": self.origin,
        }


def own_baseline(flows: list[Flow], supplier: str, material: str) -> Baseline | None:
    """The supplier's own record of an output today: to a disposal route (landfill,
    incineration, a licensed collector, treatment) at the quantity-weighted fee it gives,
    else sold at the price it gives. None when its records show neither (no record, or
    the output already marked as exchanged)."""
    mine = [
        f
        for f in flows
        if f.org_code == supplier
        and f.material_code == material
        and f.direction is Direction.OUT
        and f.destination is not None
    ]
    for kinds in (FEE_DESTINATIONS, SALE_DESTINATIONS):
        rows = [f for f in mine if f.destination in kinds]
        if not rows:
            continue
        biggest = max(rows, key=lambda f: f.annual_quantity)
        priced = [f for f in rows if f.price_vnd_per_unit is not None]
        qty = sum(f.annual_quantity for f in priced)
        price = (
            sum(f.annual_quantity * float(f.price_vnd_per_unit or 0.0) for f in priced) / qty
            if qty > 0
            else float("nan")
        )
        assert biggest.destination is not None
        return Baseline(biggest.destination.value, price, "inventory")
    return None


def catalog_baseline(book: FactorBook, supply: str, demand: str) -> Baseline:
    """Where an output usually goes when its supplier's records do not say: disposal
    where disposing of it costs something (a landfill, or a treater for hazardous waste);
    else, for a by-product with a market that travels by truck, a sale; else nowhere
    (surplus heat or water that is simply lost)."""
    cat = catalog()
    i = book.index[supply]
    fee = float(book.disposal_fee[i])
    if fee == fee and fee > 0:
        m = cat.materials[supply]
        hazardous = m.is_hazardous
        return Baseline(
            Destination.TREATMENT.value if hazardous else Destination.LANDFILL.value,
            fee,
            "catalog",
        )
    market = float(book.market_price[i])
    if market == market and book.mode[i] == TRUCK:
        return Baseline(Destination.SOLD.value, float("nan"), "catalog")
    return Baseline("none", float("nan"), "catalog")


def account_exchanges(
    book: FactorBook,
    items: list[Exchange],
    flows: list[Flow],
    orgs: dict[tuple[str, str], Organisation],
    attribution: float,
    deadweight: float,
    year: int | None = None,
) -> list[dict[str, Any]]:
    """Money and environment of each exchange, with method and the factors used; each
    marked ``counted`` when it enters the totals: it carried material in ``year`` (its
    dates and status, the assessment's rule), or, with no year, it runs now."""
    if not items:
        return []
    n = len(items)
    s_mat = np.array([book.index[x.material_code] for x in items], dtype=np.int32)
    d_codes = [x.receiver_material_code or x.material_code for x in items]
    d_mat = np.array([book.index[c] for c in d_codes], dtype=np.int32)
    # The supplier's baseline: what its own inventory says the output costs or earns
    # today (its destination and fee or price), else the catalog's usual route. A sale
    # is valued at the supplier's own price; without one, at the receiver's own price
    # when the same material changes hands (a transfer: the exchange is worth the haul it
    # replaces), at the market price when it replaces another input.
    baselines = [
        own_baseline(flows, x.supplier_code, x.material_code)
        or catalog_baseline(book, x.material_code, c)
        for x, c in zip(items, d_codes, strict=True)
    ]
    disposes = np.array([b.disposes for b in baselines], dtype=bool)
    traded = np.array([b.sold for b in baselines], dtype=bool)
    own_price = np.array([b.price for b in baselines])
    fee = np.where(np.isnan(own_price), book.disposal_fee[s_mat], own_price)
    same = s_mat == d_mat
    receiver_price = np.array(
        [_price_paid(flows, x.receiver_code, c) for x, c in zip(items, d_codes, strict=True)]
    )
    paid = np.where(np.isnan(receiver_price), book.price[d_mat], receiver_price)
    usual = np.where(same, paid, book.market_price[s_mat])
    market = np.where(traded, np.where(np.isnan(own_price), usual, own_price), 0.0)
    inputs = PairInputs(
        q=np.array([x.quantity.value for x in items]),
        s_mat=s_mat,
        d_mat=d_mat,
        ratio=np.array([ratio_of(x.material_code, c) for x, c in zip(items, d_codes, strict=True)]),
        distance_km=np.array([_distance(x, orgs, book.circuity) for x in items]),
        supplier_fee=np.where(disposes, np.nan_to_num(fee), 0.0),
        supplier_revenue=np.nan_to_num(market),
        supplier_disposes=disposes,
        receiver_price=receiver_price,
        treatment_cost=np.array([x.treatment_cost_vnd_per_unit or 0.0 for x in items]),
        rate_vnd_per_tkm=np.array([x.transport.rate_vnd_per_tkm or np.nan for x in items]),
        tonnes_per_trip=np.array([x.transport.tonnes_per_trip or np.nan for x in items]),
        trips_per_day=np.array([x.transport.trips_per_day or np.nan for x in items]),
        operating_days=np.array([x.transport.operating_days_per_year for x in items]),
        service=is_service(book, receiver_price, d_mat, np.zeros(n, dtype=bool)),
        haul_replaced=traded & (book.mode[s_mat] == TRUCK),
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
                "counted": ran_in(x, year),
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
                "baseline": baselines[i].to_dict(),
                "landfill_avoided_t": round(
                    x.quantity.value * float(book.tonnes_per_unit[s_mat[i]]), 3
                )
                if baselines[i].destination == Destination.LANDFILL.value
                else 0.0,
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


def ran_in(x: Exchange, year: int | None) -> bool:
    """Whether an exchange carried material in ``year`` (undated running ones count; a
    stopped one for the years its dates show it running); with no year, whether it runs."""
    if year is None:
        return x.status is ExchangeStatus.RUNNING
    return ran_in_year(x.status.value, x.start_date, x.end_date, year)


def _totals(accounted: list[dict[str, Any]]) -> dict[str, Any]:
    running = [
        r for r in accounted if r.get("counted", r["status"] == ExchangeStatus.RUNNING.value)
    ]
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
    totals_only = {k: v for k, v in account.recp.items() if k not in ("measures", "enterprises")}
    recp, recp_note = confidentiality.publish(totals_only, firms)
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
        year_basis=account.year_basis,
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
    year, basis = account_year(engine, [park], year)
    items = _figures_shown(engine, registry.exchanges(engine, park, viewer=viewer), viewer)
    orgs = _parties(engine, park, items)
    accounted, factors = _accounted(
        build_book(cat, year), items, flows, year, orgs, attribution, deadweight
    )
    recp = park_recp(engine, park, year)
    # An enterprise's circularity rests on all its records: shown to those who see them.
    tenants = [
        o
        for o in orgs.values()
        if o.park_code == park
        and o.id is not None
        and can_see(viewer, o.id, park_id_of(o), Confidentiality.PRIVATE)
    ]
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
        method=dict(ACCOUNT_METHODS),
        factors=factors,
        inventory=_inventory(engine, park, year, viewer),
        year_basis=basis,
    )


ACCOUNT_METHODS = {
    **METHODS,
    "circularity": MCI_METHOD,
    "transport_cost_vnd_per_day": TRANSPORT_METHOD,
}


@dataclass
class ExchangesAccount:
    """Exchanges of a park in money and environment, each as in :class:`ParkAccount`,
    without the park's routes, totals, circularity, RECP and inventory."""

    park: str
    year: int
    attribution: float
    deadweight: float
    exchanges: list[dict[str, Any]]
    method: dict[str, str] = field(default_factory=dict)
    factors: dict[str, Any] = field(default_factory=dict)
    year_basis: dict[str, Any] = field(default_factory=dict)


def account_exchanges_of(
    engine: Engine,
    park: str,
    viewer: Viewer | None = None,
    party: str | None = None,
    year: int | None = None,
) -> ExchangesAccount:
    """The rows of :func:`account_park`'s ``exchanges`` for ``viewer``, the same figures
    in the same order, computed from those exchanges and their parties' flows alone: every
    exchange whose figures the viewer is shown, or only those ``party`` (an organisation's
    code) supplies or receives. Outside the park, none (the park's account gives such a
    viewer totals only)."""
    park_row = registry.require_park(engine, park)
    computing, aggregate_only = confidentiality.computing_viewer(viewer, park_row.id)
    cat = catalog()
    attribution = cat.parameter("attribution")
    deadweight = cat.parameter("deadweight")
    year, basis = account_year(engine, [park], year)
    items = (
        []
        if aggregate_only
        else _figures_shown(
            engine, registry.exchanges(engine, park, viewer=computing, party=party), computing
        )
    )
    accounted: list[dict[str, Any]] = []
    factors: dict[str, Any] = {}
    if items:
        parties = {c for x in items for c in (x.supplier_code, x.receiver_code)}
        flows = registry.flows(engine, park, computing, org_codes=parties)
        accounted, factors = _accounted(
            build_book(cat, year),
            items,
            flows,
            year,
            _parties(engine, park, items),
            attribution,
            deadweight,
        )
    return ExchangesAccount(
        park=park,
        year=year,
        attribution=attribution,
        deadweight=deadweight,
        exchanges=accounted,
        method=dict(ACCOUNT_METHODS),
        factors=factors,
        year_basis=basis,
    )


def _figures_shown(engine: Engine, items: list[Exchange], viewer: Viewer) -> list[Exchange]:
    """An exchange accepted from a proposal on private records carries their quantity: it
    is counted only for viewers shown that proposal (the map's rule, one mechanism)."""
    from parkloop.services.geo import exchange_figures_shown

    shown = exchange_figures_shown(engine, items, viewer)
    return [x for x in items if x.id in shown]


def _parties(
    engine: Engine, park: str, items: list[Exchange]
) -> dict[tuple[str, str], Organisation]:
    """The park's organisations and those of other parks the exchanges reach."""
    orgs = {(o.park_code, o.code): o for o in registry.organisations(engine, park)}
    for x in items:
        for p, c in (
            (x.supplier_park_code, x.supplier_code),
            (x.receiver_park_code, x.receiver_code),
        ):
            if (p, c) not in orgs:
                orgs.update({(o.park_code, o.code): o for o in registry.organisations(engine, p)})
    return orgs


def _accounted(
    book: FactorBook,
    items: list[Exchange],
    flows: list[Flow],
    year: int,
    orgs: dict[tuple[str, str], Organisation],
    attribution: float,
    deadweight: float,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Each exchange accounted against the flows of the year (of the nearest year with
    flows when the year has none: its destinations, fees and prices stand in), and the
    factors it cites."""
    years = {f.period.year for f in flows}
    inventory = year
    if years and year not in years:
        inventory = min(years, key=lambda y: (abs(y - year), -y))
    year_flows = [f for f in flows if f.period.year == inventory]
    accounted = account_exchanges(book, items, year_flows, orgs, attribution, deadweight, year)
    factors: dict[str, Any] = {}
    for row in accounted:
        for key in row["factors"]:
            material, parameter = key.split(":", 1)
            f = book.cite(material, parameter)
            if f is not None:
                factors[key] = f.cite()
    return accounted, factors


def park_id_of(org: Organisation) -> int:
    return int(org.park_id) if org.park_id is not None else -1


def _inventory(engine: Engine, park: str, year: int, viewer: Viewer) -> dict[str, int]:
    """Flows of the year still awaiting a material (left out of every figure) and prices
    filled from the catalog (estimates) against the staff's own."""
    from parkloop.store import edits, writes

    with engine.connect() as conn:
        park_id = writes.park_ids(conn, [park])[park]
        return edits.inventory_quality(conn, [park_id], year, viewer)


def account_year(
    engine: Engine, parks: Sequence[str], year: int | None
) -> tuple[int, dict[str, Any]]:
    """The year to account (``year`` when given, else the latest year with flows or RECP
    measures, else this year) and how it was chosen, to be said beside the figures."""
    from parkloop.store import assessment as assessment_store
    from parkloop.store import writes

    with engine.connect() as conn:
        ids = list(writes.park_ids(conn, list(parks)).values())
        latest = assessment_store.latest_years(conn, ids)
    found: dict[str, int] = {
        k: y for k in ("flows", "recp_measures") if (y := latest[k]) is not None
    }
    if year is not None:
        return year, {"how": "given", "latest": found}
    if found:
        return max(found.values()), {"how": "latest with data", "latest": found}
    return date.today().year, {"how": "this year (no data)", "latest": found}


def data_years(engine: Engine, park: str) -> set[int] | None:
    """The years a park's figures rest on data: those with flows, and every year from the
    first an exchange is dated from (None when neither: any year may be accounted)."""
    from parkloop.store import assessment as assessment_store
    from parkloop.store import writes

    with engine.connect() as conn:
        park_id = writes.park_ids(conn, [park])[park]
        years, first = assessment_store.data_years(conn, park_id)
    if first is not None:
        years |= set(range(first, max([first, *years, date.today().year]) + 1))
    return years or None


def year_said(year: int, basis: Mapping[str, Any], lang: str) -> str:
    """The year and how it was chosen, as a reader is told it."""
    vi = lang == "vi"
    words = {
        "flows": "dòng vật chất" if vi else "flows",
        "recp_measures": "giải pháp RECP" if vi else "RECP measures",
    }
    latest = ", ".join(f"{words[k]} {y}" for k, y in basis.get("latest", {}).items())
    how = basis.get("how")
    if how == "given":
        return f"{'Năm' if vi else 'Year'} {year}"
    if how == "latest with data":
        return (
            f"Năm {year}: năm gần nhất có dữ liệu ({latest}); chọn năm khác với --year"
            if vi
            else f"Year {year}: the latest year with data ({latest}); choose another with --year"
        )
    return (
        f"Năm {year}: chưa có dữ liệu dòng vật chất hay giải pháp RECP"
        if vi
        else f"Year {year}: no flows or RECP measures yet"
    )


def _measure_inputs(measures: Iterable[RecpMeasure]) -> list[recp.MeasureInput]:
    return [
        recp.MeasureInput(
            park=m.park_code,
            org=m.org_code,
            org_name=m.org_name,
            key=m.key,
            year=m.year,
            title=m.title,
            category=m.category.value,
            electricity_saved_mwh=m.electricity_saved_mwh,
            fuel_saved_gj=m.fuel_saved_gj,
            fuel=m.fuel_type,
            water_saved_m3=m.water_saved_m3,
            materials_saved_t=m.materials_saved_t,
            chemicals_saved_t=m.chemicals_saved_t,
            cost_saved_vnd=m.cost_saved_vnd,
            investment_vnd=m.investment_vnd,
            data_status=m.data_status.value,
            source=m.source,
        )
        for m in measures
        if m.implemented
    ]


def recp_of(measures: Sequence[RecpMeasure], year: int) -> dict[str, Any]:
    """The implemented measures of ``year``, accounted: each measure, totals per
    enterprise, per park and for them all, with the arithmetic and the factors used."""
    cat = catalog()
    of_year = [m for m in measures if m.year == year]
    out = recp.account_measures(_measure_inputs(of_year), cat.grid_factor, fuels(cat))
    years = sorted({m.year for m in measures if m.implemented}, reverse=True)
    out["year"] = year
    out["years"] = years
    out["planned"] = sum(1 for m in of_year if not m.implemented)
    if not out["measures"] and years:
        out["year_note"] = {
            "vi": f"Không có giải pháp RECP đã thực hiện trong năm {year}; "
            f"có dữ liệu các năm {', '.join(map(str, years))} (dùng --year)",
            "en": f"No implemented RECP measure in {year}; measures are recorded for "
            f"{', '.join(map(str, years))} (use --year)",
        }
    # Each enterprise's share, for the disclosure rule when only totals may be shown.
    out["by_firm"] = {
        e["enterprise"]: abs(float(e["co2e_t"])) + abs(float(e["cost_saved_vnd"])) / 1e6
        for e in out["enterprises"]
    }
    return out


def park_recp(engine: Engine, park: str, year: int) -> dict[str, Any]:
    """RECP measures inside the park's firms, summed the way the UNIDO pilots report them."""
    from parkloop.store import inventory

    with engine.connect() as conn:
        measures = inventory.list_recp_measures(conn, park)
    return recp_of(measures, year)


def recp_programme(
    engine: Engine,
    parks: Sequence[str] = (),
    region: str | None = None,
    all_parks: bool = False,
    year: int | None = None,
    viewer: Viewer | None = None,
) -> dict[str, Any]:
    """RECP of a programme of parks (those named, a region's, or every park): totals per
    enterprise, per park and for the programme, for the year given or the latest year
    with RECP measures. Parks whose records ``viewer`` may not see give only their totals,
    under the disclosure rule; a park whose totals the rule withholds is left out of the
    programme, with a note."""
    from parkloop.store import inventory

    if sum(bool(x) for x in (parks, region, all_parks)) != 1:
        raise UserError(msg("say which parks: --park CODE (repeatable), --region NAME or --all"))
    if parks:
        chosen = [registry.require_park(engine, p) for p in parks]
    else:
        chosen = registry.parks(engine, region=region)
        if not chosen:
            raise UserError(
                msg("no parks in region '{region}'", region=region)
                if region
                else msg("no parks in the database")
            )
    measures: list[RecpMeasure] = []
    with engine.connect() as conn:
        for p in chosen:
            measures.extend(inventory.list_recp_measures(conn, p.code))
    implemented = [m for m in measures if m.implemented]
    if year is None:
        year = max((m.year for m in implemented), default=date.today().year)
        basis: dict[str, Any] = {
            "how": "latest with data" if implemented else "this year (no data)",
            "latest": {"recp_measures": year} if implemented else {},
        }
    else:
        basis = {"how": "given", "latest": {}}
    withheld: list[dict[str, str]] = []
    shown: list[RecpMeasure] = []
    published_parks: list[dict[str, Any]] = []
    for p in chosen:
        mine = [m for m in measures if m.park_code == p.code]
        _, aggregate_only = confidentiality.computing_viewer(viewer, p.id)
        if not aggregate_only:
            shown.extend(mine)
            continue
        account = recp_of(mine, year)
        park_totals = next(iter(account["parks"]), None)
        if park_totals is None:
            continue
        figures, note = confidentiality.publish(park_totals, account["by_firm"])
        if figures is None:
            withheld.append({"park": p.code, "note": note})
        else:
            shown.extend(mine)
            published_parks.append({"park": p.code, "note": note})
    out = recp_of(shown, year)
    hidden = {x["park"] for x in published_parks}
    out["measures"] = [m for m in out["measures"] if m["park"] not in hidden]
    out["enterprises"] = [e for e in out["enterprises"] if e["park"] not in hidden]
    out.pop("by_firm")
    out["parks_in_scope"] = [p.code for p in chosen]
    out["published"] = published_parks
    out["withheld"] = withheld
    out["year_basis"] = basis
    return out
