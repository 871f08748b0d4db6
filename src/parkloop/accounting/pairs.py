"""Money and environment of moving a quantity from a supplier to a receiver, for whole
columns of pairs at once (one match, one exchange, or a million candidate links).

Every figure has a method (``METHODS``) and the factors behind it are cited by the
factor book. Benefits are multiplied by attribution × (1 − deadweight); costs are not.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parkloop.accounting.book import GRID, PIPE, TRUCK, FactorBook

F = NDArray[np.float64]

METHODS: dict[str, str] = {
    "avoided_disposal_vnd": (
        "quantity × the disposal fee the supplier pays today (nothing when the receiver takes the "
        "waste as a service — a licensed treater, a wastewater plant — since the fee is still paid)"
    ),
    "avoided_haul_vnd": (
        "tonnes × truck rate × baseline route km: the haul to today's buyer, seller or disposal "
        "site that the exchange replaces, for outputs sold today, wastes handed over as a service "
        "and by-products traded at the market price"
    ),
    "avoided_purchase_vnd": (
        "quantity × ratio × the price the receiver pays today for the input replaced "
        "(the reference price of that material when the receiver gives none; nothing when the "
        "receiver takes it as a service); for a park utility's product (steam by pipe), the "
        "cost of raising it in the receiver's own small plant when the receiver gives no price"
    ),
    "foregone_revenue_vnd": (
        "quantity × the price the supplier earns today by selling the output elsewhere; for a "
        "park utility's product, the cost of raising it in the utility's own plant (its sale "
        "price is a transfer between the two firms)"
    ),
    "transport_cost_vnd": (
        "truck: rate (VND per t·km) × tonnes per trip × trips per day × km × operating days when "
        "trips are given, else rate × tonnes × km; pipe: rate per unit·km × quantity × km"
    ),
    "treatment_cost_vnd": "quantity × treatment cost per unit of the substitution rule",
    "net_benefit_vnd": (
        "(avoided disposal + avoided haul + avoided purchase) × attribution × (1 − deadweight) "
        "− foregone revenue − transport − treatment"
    ),
    "co2e_avoided_virgin_t": (
        "quantity × ratio × emission factor of producing the replaced input "
        "(grid factor of the year for electricity; combustion factor for fuels); "
        "none for an output sold today at a fair price, which replaces virgin material "
        "where it goes already; for a park utility's product, the receiver's own small plant's "
        "emissions less the utility's"
    ),
    "co2e_avoided_disposal_t": (
        "quantity × emission factor of the disposal route avoided (landfill, incineration)"
    ),
    "co2e_avoided_haul_t": "t·km of the baseline haul avoided × truck emission factor",
    "co2e_transport_t": "t·km × truck emission factor (pipes and the grid counted as zero here)",
    "co2e_treatment_t": (
        "quantity × electricity the treatment uses per unit × grid factor of the year"
    ),
    "co2e_t": (
        "(avoided virgin + avoided disposal + avoided haul) × attribution × (1 − deadweight) "
        "− transport − treatment"
    ),
    "water_reused_m3": "quantity × ratio when the input replaced is water",
    "energy_recovered_mwh": (
        "quantity × ratio × energy content of the input replaced, when it is an energy carrier"
    ),
    "virgin_material_avoided_t": (
        "quantity × ratio × tonnes per unit, when the input replaced is a material"
    ),
    "tkm": "tonnes moved × road km (trucks only)",
}


@dataclass
class PairInputs:
    """One row per pair. Prices are VND per canonical unit; NaN means unknown."""

    q: F
    s_mat: NDArray[np.int32]
    d_mat: NDArray[np.int32]
    ratio: F
    distance_km: F
    supplier_fee: F
    supplier_revenue: F
    supplier_disposes: NDArray[np.bool_]
    receiver_price: F
    treatment_cost: F
    rate_vnd_per_tkm: F | None = None
    tonnes_per_trip: F | None = None
    trips_per_day: F | None = None
    operating_days: F | None = None
    service: NDArray[np.bool_] | None = None
    treatment_mwh: F | None = None
    haul_replaced: NDArray[np.bool_] | None = None  # the supplier ships the output away today
    # The output already replaces virgin material where it goes today (a residue sold at a
    # fair price): moving it to the receiver avoids no more virgin production.
    replaces_elsewhere: NDArray[np.bool_] | None = None
    # The supply is a park utility's product sold by pipe (steam of a central boiler): the
    # receiver would raise it in its own small plant, the utility raises it in a larger
    # and more efficient one; the exchange is worth the gap between the two.
    utility: NDArray[np.bool_] | None = None
    # The emissions of the input replaced where the receiver's own row tells them (steam of
    # an oil-fired boiler); NaN or None: the factor of the material replaced.
    receiver_ef: F | None = None


def is_service(
    book: FactorBook, receiver_price: F, d_mat: NDArray[np.int32], rule_service: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """A receiver with no price for what it takes (its own or the catalog's) provides a
    service, like a treater under a treatment rule."""
    price = np.where(np.isnan(receiver_price), book.price[d_mat], receiver_price)
    return rule_service | np.isnan(price)


@dataclass
class Accounts:
    avoided_disposal_vnd: F
    avoided_haul_vnd: F
    avoided_purchase_vnd: F
    foregone_revenue_vnd: F
    transport_cost_vnd: F
    treatment_cost_vnd: F
    net_benefit_vnd: F
    co2e_avoided_virgin_t: F
    co2e_avoided_disposal_t: F
    co2e_avoided_haul_t: F
    co2e_transport_t: F
    co2e_treatment_t: F
    co2e_t: F
    water_reused_m3: F
    energy_recovered_mwh: F
    virgin_material_avoided_t: F
    tkm: F
    attribution: float
    deadweight: float

    def row(self, i: int) -> dict[str, float]:
        return {
            f.name: float(getattr(self, f.name)[i])
            for f in fields(self)
            if f.name not in ("attribution", "deadweight")
        }

    def sum(self) -> dict[str, float]:
        return {
            f.name: float(np.sum(getattr(self, f.name)))
            for f in fields(self)
            if f.name not in ("attribution", "deadweight")
        }


def _nan_to(values: F, default: float = 0.0) -> F:
    return np.where(np.isnan(values), default, values)


def net_benefit(
    book: FactorBook, p: PairInputs, attribution: float = 1.0, deadweight: float = 0.0
) -> F:
    """Only the net benefit (VND per year): the same figure :func:`account_pairs` gives."""
    return account_pairs(book, p, attribution, deadweight, money_only=True).net_benefit_vnd


def account_pairs(
    book: FactorBook,
    p: PairInputs,
    attribution: float = 1.0,
    deadweight: float = 0.0,
    money_only: bool = False,
) -> Accounts:
    """Money and environment of every pair; see ``METHODS`` for each figure."""
    if not (0.0 <= attribution <= 1.0 and 0.0 <= deadweight <= 1.0):
        raise ValueError("attribution and deadweight are shares between 0 and 1")
    share = attribution * (1.0 - deadweight)
    q, r = p.q, p.ratio
    replaced = q * r
    mode = book.mode[p.s_mat]
    km = p.distance_km

    # Transport: explicit trips (the seeds' route tables) win over tonnes × km.
    rate = np.full(q.shape, book.truck_rate_vnd_per_tkm)
    if p.rate_vnd_per_tkm is not None:
        rate = np.where(np.isnan(p.rate_vnd_per_tkm), rate, p.rate_vnd_per_tkm)
    tonnes = q * book.tonnes_per_unit[p.s_mat]
    tkm = np.where(mode == TRUCK, tonnes * km, 0.0)
    if p.trips_per_day is not None and p.tonnes_per_trip is not None:
        days = p.operating_days if p.operating_days is not None else np.full(q.shape, 365.0)
        by_trip = ~np.isnan(p.trips_per_day) & ~np.isnan(p.tonnes_per_trip)
        tkm = np.where(by_trip, p.tonnes_per_trip * p.trips_per_day * km * days, tkm)
    truck_cost = rate * tkm
    pipe_cost = np.where(mode == PIPE, book.pipe_rate[p.s_mat] * q * km, 0.0)
    transport = np.where(mode == GRID, 0.0, truck_cost + pipe_cost)

    service = p.service if p.service is not None else np.zeros(q.shape, dtype=bool)
    fee = _nan_to(p.supplier_fee)
    disposes = p.supplier_disposes & ~service
    shipped = (
        p.haul_replaced if p.haul_replaced is not None else np.zeros(q.shape, dtype=bool)
    ) | (service & p.supplier_disposes)
    haul_tkm = np.where(shipped & (mode == TRUCK), tonnes * book.baseline_route_km, 0.0)
    avoided_haul = rate * haul_tkm
    avoided_disposal = np.where(service, 0.0, q * fee)
    utility = p.utility if p.utility is not None else np.zeros(q.shape, dtype=bool)
    raised = book.price[p.s_mat]  # what the utility's own plant spends on a unit
    foregone = q * _nan_to(np.where(utility & ~np.isnan(raised), raised, p.supplier_revenue))
    own_plant = np.where(
        np.isnan(book.self_price[p.d_mat]), book.price[p.d_mat], book.self_price[p.d_mat]
    )
    reference = np.where(utility, own_plant, book.price[p.d_mat])
    price = np.where(np.isnan(p.receiver_price), reference, p.receiver_price)
    avoided_purchase = np.where(service, 0.0, replaced * _nan_to(price))
    treatment = q * _nan_to(p.treatment_cost)
    net = (
        share * (avoided_disposal + avoided_haul + avoided_purchase)
        - foregone
        - transport
        - treatment
    )
    if money_only:
        figures = {f.name: np.empty(0) for f in fields(Accounts)} | {"net_benefit_vnd": net}
        figures.update(attribution=attribution, deadweight=deadweight)
        return Accounts(**figures)

    elsewhere = (
        p.replaces_elsewhere if p.replaces_elsewhere is not None else np.zeros(q.shape, dtype=bool)
    )
    virgin_ef = book.virgin_ef[p.d_mat]
    own_ef = np.where(np.isnan(book.self_ef[p.d_mat]), virgin_ef, book.self_ef[p.d_mat])
    if p.receiver_ef is not None:  # the receiver's own boiler, where its row names the fuel
        virgin_ef = np.where(np.isnan(p.receiver_ef), virgin_ef, p.receiver_ef)
        own_ef = np.where(np.isnan(p.receiver_ef), own_ef, p.receiver_ef)
    co2_virgin = np.where(service | elsewhere, 0.0, replaced * _nan_to(virgin_ef))
    gap = replaced * _nan_to(own_ef) - q * _nan_to(book.virgin_ef[p.s_mat])
    co2_virgin = np.where(utility & ~service, gap, co2_virgin)
    co2_disposal = np.where(disposes, q * _nan_to(book.disposal_ef[p.s_mat]), 0.0)
    co2_transport = tkm * book.truck_t_co2e_per_tkm
    co2_treatment = (
        q * _nan_to(p.treatment_mwh) * book.grid_t_co2e_per_mwh
        if p.treatment_mwh is not None
        else np.zeros(q.shape)
    )
    co2_haul = haul_tkm * book.truck_t_co2e_per_tkm
    co2 = share * (co2_virgin + co2_disposal + co2_haul) - co2_transport - co2_treatment

    d = p.d_mat
    return Accounts(
        avoided_disposal_vnd=avoided_disposal,
        avoided_haul_vnd=avoided_haul,
        avoided_purchase_vnd=avoided_purchase,
        foregone_revenue_vnd=foregone,
        transport_cost_vnd=transport,
        treatment_cost_vnd=treatment,
        net_benefit_vnd=net,
        co2e_avoided_virgin_t=co2_virgin,
        co2e_avoided_disposal_t=co2_disposal,
        co2e_avoided_haul_t=co2_haul,
        co2e_transport_t=co2_transport,
        co2e_treatment_t=co2_treatment,
        co2e_t=co2,
        water_reused_m3=np.where(book.is_water[d], replaced, 0.0),
        energy_recovered_mwh=np.where(
            book.is_energy[d], replaced * _nan_to(book.energy_mwh[d]), 0.0
        ),
        virgin_material_avoided_t=np.where(
            book.is_material[d], replaced * book.tonnes_per_unit[d], 0.0
        ),
        tkm=tkm,
        attribution=attribution,
        deadweight=deadweight,
    )


def sources_for(book: FactorBook, supply: str, demand: str, disposes: bool) -> list[dict[str, Any]]:
    """The factors one pair's figures rest on, each with its status and source."""
    wanted = [
        (demand, "virgin_price_vnd_per_unit"),
        (demand, "virgin_production_t_co2e_per_unit"),
        (demand, "energy_content_mwh_per_unit"),
        (supply, "pipe_rate"),
        ("*", "truck_rate_vnd_per_tkm"),
        ("*", "truck_t_co2e_per_tkm"),
        ("*", "road_circuity"),
        ("*", "baseline_route_km"),
    ]
    if disposes:
        wanted += [(supply, "disposal_fee_vnd_per_unit"), (supply, "disposal_t_co2e_per_unit")]
    out = []
    for material, parameter in wanted:
        factor = book.cite(material, parameter)
        if factor is not None:
            out.append({"material": material, "parameter": parameter, **factor.cite()})
    return out


def missing_factors(book: FactorBook, supply: str, demand: str) -> list[str]:
    """Factors this pair would need but the catalog does not hold (their terms count as zero)."""
    out = []
    d = book.index[demand]
    if np.isnan(book.price[d]):
        out.append(f"{demand}: reference price")
    if np.isnan(book.virgin_ef[d]):
        out.append(f"{demand}: production emission factor")
    return out
