"""The indicator registry: small functions, each computing one indicator from a facts snapshot.

Titles, units and hints live in ``indicators.yaml`` (data); this module only computes.
A function returns ``None`` when the database holds nothing to compute from, so the
assessment falls back to evidence. Shares are exact fractions in percent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from parkloop.assessment.facts import (
    EnterpriseFacts,
    EnterpriseScope,
    FlowFacts,
    LinkFacts,
    ParkFacts,
    status_counts,
)
from parkloop.assessment.parameters import parameters
from parkloop.monitoring.io_records import Completeness, Stream, completeness

HUNDRED = Fraction(100)


@dataclass(frozen=True, slots=True)
class Used:
    """One piece of data an indicator used: which table, how many rows, what was counted."""

    table: str
    rows: int
    detail: str

    def __str__(self) -> str:
        return f"{self.table} ({self.rows} rows): {self.detail}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Share:
    """A share as its two exact parts, so a gap can say how much more is needed."""

    part: Fraction
    whole: Fraction
    of: str

    @property
    def percent(self) -> Fraction:
        return self.part * HUNDRED / self.whole


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    """What an indicator function found: the value and the data behind it."""

    value: Fraction | bool | str
    used: tuple[Used, ...]
    share: Share | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    capped: bool = False


ParkFunction = Callable[[ParkFacts], Observation | None]
EnterpriseFunction = Callable[[EnterpriseScope], Observation | None]

PARK: dict[str, ParkFunction] = {}
ENTERPRISE: dict[str, EnterpriseFunction] = {}


def park_indicator(indicator_id: str) -> Callable[[ParkFunction], ParkFunction]:
    def register(fn: ParkFunction) -> ParkFunction:
        PARK[indicator_id] = fn
        return fn

    return register


def enterprise_indicator(indicator_id: str) -> Callable[[EnterpriseFunction], EnterpriseFunction]:
    def register(fn: EnterpriseFunction) -> EnterpriseFunction:
        ENTERPRISE[indicator_id] = fn
        return fn

    return register


# -- helpers ---------------------------------------------------------------------------


def _enterprise_share(
    facts: ParkFacts, counts: Callable[[EnterpriseFacts], bool], detail: str
) -> Observation | None:
    whole = len(facts.enterprises)
    if whole == 0:
        return None
    part = sum(1 for e in facts.enterprises if counts(e))
    share = Share(part=Fraction(part), whole=Fraction(whole), of="enterprises")
    return Observation(
        value=share.percent,
        share=share,
        used=(Used("organisations", whole, f"kind=enterprise inside the park; {part} {detail}"),),
        statuses=status_counts(e.data_status for e in facts.enterprises),
    )


def _links_in_year(facts: ParkFacts) -> list[LinkFacts]:
    return [
        x
        for x in facts.links
        if x.in_year(facts.year) and (x.supplier_in_park or x.receiver_in_park)
    ]


def _parties(links: Iterable[LinkFacts]) -> set[str]:
    return {x.supplier for x in links} | {x.receiver for x in links}


def _applies_recp(e: EnterpriseFacts, year: int) -> bool:
    return e.recp_status == "applying" or any(m.implemented and m.year <= year for m in e.measures)


def _has_measure(e: EnterpriseFacts, category: str, year: int) -> bool:
    return any(m.implemented and m.category == category and m.year <= year for m in e.measures)


def _uses_secondary(flows: Iterable[FlowFacts], received: Iterable[LinkFacts]) -> bool:
    p = parameters()
    if any(f.direction == "in" and f.secondary for f in flows):
        return True
    return any(x.secondary or x.material_class in p.recycled_link_classes for x in received)


def _volume(flows: Iterable[FlowFacts], materials: frozenset[str], unit: str) -> Fraction:
    return sum(
        (f.quantity for f in flows if f.material_code in materials and f.unit == unit),
        Fraction(0),
    )


# -- park indicators -------------------------------------------------------------------


@park_indicator("recp_aware_share")
def recp_aware_share(facts: ParkFacts) -> Observation | None:
    """Share of the park's enterprises aware of RECP (aware or applying)."""
    if all(e.recp_status == "unaware" for e in facts.enterprises):
        return None
    return _enterprise_share(
        facts, lambda e: e.recp_status in ("aware", "applying"), "aware of or applying RECP"
    )


@park_indicator("recp_applying_share")
def recp_applying_share(facts: ParkFacts) -> Observation | None:
    """Share applying RECP: status 'applying' or an implemented RECP measure by the year."""
    if all(e.recp_status == "unaware" and not e.measures for e in facts.enterprises):
        return None
    return _citing_measures(
        facts,
        _enterprise_share(
            facts,
            lambda e: _applies_recp(e, facts.year),
            f"with recp_status=applying or an implemented measure by {facts.year}",
        ),
    )


def _citing_measures(facts: ParkFacts, obs: Observation | None) -> Observation | None:
    """``obs`` with the RECP measures it was computed from added to the data used."""
    if obs is None:
        return None
    measures = sum(len(e.measures) for e in facts.enterprises)
    return Observation(
        value=obs.value,
        share=obs.share,
        used=(*obs.used, Used("recp_measures", measures, f"measures up to {facts.year}")),
        statuses=obs.statuses,
    )


@park_indicator("land_share_green_traffic_shared")
def land_share_green_traffic_shared(facts: ParkFacts) -> Observation | None:
    """Share of the park's land for green space, traffic and shared infrastructure."""
    if not facts.land_use:
        return None
    classes = parameters().open_land_classes
    whole = facts.total_area_ha or sum((u.area_ha for u in facts.land_use), Fraction(0))
    if whole <= 0:
        return None
    part = sum((u.area_ha for u in facts.land_use if u.land_class in classes), Fraction(0))
    share = Share(part=part, whole=whole, of="ha")
    basis = "parks.total_area_ha" if facts.total_area_ha else "sum of land_use"
    return Observation(
        value=share.percent,
        share=share,
        used=(
            Used(
                "land_use",
                len(facts.land_use),
                f"{', '.join(sorted(classes))}: {float(part):g} ha "
                f"of {float(whole):g} ha ({basis})",
            ),
        ),
        statuses=status_counts(u.data_status for u in facts.land_use),
    )


@park_indicator("io_monitoring")
def io_monitoring(facts: ParkFacts) -> Observation | None:
    """Inputs and outputs monitored: at least ``io_monitoring_min_share`` of the park's
    enterprises monitor their inputs and outputs through the year.

    An enterprise with monthly input/output records for the year is judged by them: it
    counts when all twelve months are complete (parkloop.monitoring.io_records). One
    without them is judged by the flow inventory: it counts when it reports both inputs
    and outputs for the year, by year, quarter or month. With neither for any enterprise,
    nothing is computed (evidence may say)."""
    if not facts.enterprises:
        return None
    keeping = [e for e in facts.enterprises if e.io_records]
    reporting = [e for e in facts.enterprises if e.flows and not e.io_records]
    if not keeping and not reporting:
        return None
    both = [e for e in reporting if {f.direction for f in e.flows} >= {"in", "out"}]
    years = [_io_year(facts.year, e) for e in keeping]
    monitored = sum(1 for y in years if y.monitored)
    share = Fraction(len(both) + monitored) * HUNDRED / len(facts.enterprises)
    least = parameters().io_monitoring_min_share
    basis = " and ".join(
        name
        for name, present in (
            ("the monthly input/output records", keeping),
            ("the flow inventory", reporting),
        )
        if present
    )
    overall = (
        f"{len(both) + monitored} of {len(facts.enterprises)} enterprises monitor inputs and "
        f"outputs in {facts.year} ({float(share):.0f} %; at least {float(least):g} % needed); "
        f"basis: {basis}"
    )
    used: list[Used] = []
    if keeping:
        used.append(
            Used(
                "io_records",
                sum(y.records for y in years),
                f"{overall}; {monitored} of {len(keeping)} enterprises keeping monthly records "
                f"have all 12 months complete; {len(keeping) - monitored} lack months",
            )
        )
    if reporting:
        months = [f.months for e in reporting for f in e.flows]
        periods = ", ".join(
            f"{n} {name}"
            for n, name in (
                (sum(1 for m in months if m >= 12), "by year"),
                (sum(1 for m in months if 3 <= m < 12), "by quarter"),
                (sum(1 for m in months if m < 3), "by month"),
            )
            if n
        )
        if keeping:
            detail = (
                f"{len(both)} of {len(reporting)} enterprises without monthly records report "
                f"inputs and outputs for {facts.year}; records {periods}"
            )
        else:
            detail = (
                f"{len(both)} of {len(facts.enterprises)} enterprises report inputs and "
                f"outputs for {facts.year} ({float(share):.0f} %; at least "
                f"{float(least):g} % needed); records {periods}; basis: {basis}"
            )
        used.append(Used("flows", len(months), detail))
    return Observation(
        value=share >= least,
        used=tuple(used),
        statuses=status_counts(
            [r.data_status for e in keeping for r in e.io_records]
            + [f.data_status for e in reporting for f in e.flows]
        ),
    )


def _io_year(year: int, enterprise: EnterpriseFacts) -> Completeness:
    return completeness(year, ((r.month, Stream(r.stream)) for r in enterprise.io_records))


@park_indicator("symbiosis_links")
def symbiosis_links(facts: ParkFacts) -> Observation | None:
    """Industrial-symbiosis links running in the year with a party in the park."""
    if not facts.links:
        return None
    running = _links_in_year(facts)
    materials = sorted({x.material_code for x in running})
    return Observation(
        value=Fraction(len(running)),
        used=(
            Used(
                "exchanges",
                len(facts.links),
                f"{len(running)} running in {facts.year}"
                + (f" (materials: {', '.join(materials)})" if materials else ""),
            ),
        ),
        statuses=status_counts(x.data_status for x in running),
    )


@park_indicator("symbiosis_planning_share")
def symbiosis_planning_share(facts: ParkFacts) -> Observation | None:
    """Share of enterprises planning a symbiosis link or already in one."""
    planning = parameters().planning_link_statuses
    in_links = _parties(_links_in_year(facts))
    negotiating = _parties(x for x in facts.links if x.status in planning)
    return _enterprise_share(
        facts,
        lambda e: e.plans_symbiosis or e.code in in_links or e.code in negotiating,
        "with plans_symbiosis, a link being negotiated, or a running link",
    )


@park_indicator("symbiosis_participation_share")
def symbiosis_participation_share(facts: ParkFacts) -> Observation | None:
    """Share of enterprises in at least one symbiosis link running in the year."""
    if not facts.links:
        return None
    in_links = _parties(_links_in_year(facts))
    return _enterprise_share(
        facts, lambda e: e.code in in_links, f"in a link running in {facts.year}"
    )


@park_indicator("recycled_input_share")
def recycled_input_share(facts: ParkFacts) -> Observation | None:
    """Share of enterprises using recycled or by-product material instead of virgin input."""
    links = _links_in_year(facts)
    if not links and not any(e.flows for e in facts.enterprises):
        return None
    received: dict[str, list[LinkFacts]] = {}
    for x in links:
        received.setdefault(x.receiver, []).append(x)
    obs = _enterprise_share(
        facts,
        lambda e: _uses_secondary(e.flows, received.get(e.code, [])),
        f"with a secondary-material input in {facts.year} or receiving one by exchange",
    )
    if obs is None:
        return None
    flows = sum(len(e.flows) for e in facts.enterprises)
    return Observation(
        value=obs.value,
        share=obs.share,
        used=(
            *obs.used,
            Used("flows", flows, f"inputs of {facts.year}"),
            Used("exchanges", len(links), f"running in {facts.year}"),
        ),
        statuses=obs.statuses,
    )


@park_indicator("wastewater_reuse_share")
def wastewater_reuse_share(facts: ParkFacts) -> Observation | None:
    """Share of the enterprises' wastewater reused or recirculated (by volume)."""
    p = parameters()
    generated = [f for e in facts.enterprises for f in e.flows if f.direction == "out"]
    whole = _volume(generated, p.wastewater_materials, "m3")
    if whole <= 0:
        return None
    outputs = generated + [
        f for o in facts.partners if o.inside_park for f in o.flows if f.direction == "out"
    ]
    reused = [f for f in outputs if f.destination in p.reuse_destinations]
    part = _volume(reused, p.wastewater_materials, "m3")
    capped = part > whole
    share = Share(part=min(part, whole), whole=whole, of="m3")
    return Observation(
        value=share.percent,
        share=share,
        capped=capped,
        used=(
            Used(
                "flows",
                len(generated),
                f"wastewater from enterprises in {facts.year}: {float(whole):g} m³; "
                f"reused or recirculated by the park's organisations: {float(part):g} m³"
                + (" (capped at 100 %)" if capped else ""),
            ),
        ),
        statuses=status_counts(
            f.data_status for f in outputs if f.material_code in p.wastewater_materials
        ),
    )


@park_indicator("waste_reuse_share")
def waste_reuse_share(facts: ParkFacts) -> Observation | None:
    """Share of the enterprises' waste and by-products (t) reused, recycled or sold."""
    p = parameters()
    outputs = [
        f
        for e in facts.enterprises
        for f in e.flows
        if f.direction == "out" and f.secondary and f.unit == "t"
    ]
    whole = sum((f.quantity for f in outputs), Fraction(0))
    if whole <= 0:
        return None
    part = sum((f.quantity for f in outputs if f.destination in p.reuse_destinations), Fraction(0))
    share = Share(part=part, whole=whole, of="t")
    return Observation(
        value=share.percent,
        share=share,
        used=(
            Used(
                "flows",
                len(outputs),
                f"waste and by-product outputs in {facts.year}: {float(whole):g} t, "
                f"of which {float(part):g} t sold, exchanged or reused",
            ),
        ),
        statuses=status_counts(f.data_status for f in outputs),
    )


def _measure_share(
    facts: ParkFacts, category: str, extra: Callable[[EnterpriseFacts], bool] | None = None
) -> Observation | None:
    if not any(e.measures for e in facts.enterprises) and (
        extra is None or not any(extra(e) for e in facts.enterprises)
    ):
        return None
    return _citing_measures(
        facts,
        _enterprise_share(
            facts,
            lambda e: _has_measure(e, category, facts.year) or (extra is not None and extra(e)),
            f"with an implemented '{category}' measure by {facts.year}",
        ),
    )


@park_indicator("energy_efficiency_share")
def energy_efficiency_share(facts: ParkFacts) -> Observation | None:
    """Share of enterprises with an implemented energy-efficiency measure."""
    return _measure_share(facts, "energy_efficiency")


@park_indicator("water_saving_share")
def water_saving_share(facts: ParkFacts) -> Observation | None:
    """Share of enterprises with an implemented water-saving or wastewater-reducing measure."""
    return _measure_share(facts, "water")


@park_indicator("renewable_power_share")
def renewable_power_share(facts: ParkFacts) -> Observation | None:
    """Share of enterprises producing or buying renewable power."""
    renewable = parameters().renewable_materials

    def uses_renewable(e: EnterpriseFacts) -> bool:
        return any(f.material_code in renewable for f in e.flows)

    return _measure_share(facts, "renewable_energy", uses_renewable)


@park_indicator("club_membership_share")
def club_membership_share(facts: ParkFacts) -> Observation | None:
    """Share of enterprises in at least one of the park's business clubs."""
    if not any(e.clubs for e in facts.enterprises):
        return None
    return _enterprise_share(facts, lambda e: bool(e.clubs), "in at least one park club")


@park_indicator("iso14001_share")
def iso14001_share(facts: ParkFacts) -> Observation | None:
    """Share of enterprises certified to ISO 14001."""
    if not any(e.certifications for e in facts.enterprises):
        return None
    return _enterprise_share(
        facts,
        lambda e: any("14001" in c for c in e.certifications),
        "with ISO 14001 among their certifications",
    )


@park_indicator("waste_facilities")
def waste_facilities(facts: ParkFacts) -> Observation | None:
    """Waste collection, treatment and recycling units in or near the park."""
    p = parameters()
    if not facts.enterprises and not facts.partners:
        return None
    partners = [o for o in facts.partners if o.kind in p.waste_partner_kinds]
    firms = [e for e in facts.enterprises if e.vsic[:2] in p.waste_vsic_divisions]
    inside = sum(1 for o in partners if o.inside_park) + len(firms)
    outside = sum(1 for o in partners if not o.inside_park)
    return Observation(
        value=Fraction(len(partners) + len(firms)),
        used=(
            Used(
                "organisations",
                len(partners) + len(firms),
                f"{inside} in the park, {outside} outside (partners of kind "
                f"{'/'.join(sorted(p.waste_partner_kinds))}; enterprises in VSIC "
                f"division {'/'.join(sorted(p.waste_vsic_divisions))})",
            ),
        ),
        statuses=status_counts([o.data_status for o in partners] + [e.data_status for e in firms]),
    )


@park_indicator("central_wwtp")
def central_wwtp(facts: ParkFacts) -> Observation | None:
    """Design capacity of the park's central wastewater treatment plant."""
    if facts.wwtp_capacity_m3_per_day is None:
        return None
    return Observation(
        value=facts.wwtp_capacity_m3_per_day,
        used=(
            Used(
                "parks",
                1,
                f"wwtp_capacity_m3_per_day = {float(facts.wwtp_capacity_m3_per_day):g}",
            ),
        ),
        statuses={facts.data_status: 1},
    )


# -- enterprise indicators --------------------------------------------------------------


def _own(scope: EnterpriseScope, detail: str, table: str = "organisations") -> tuple[Used, ...]:
    return (Used(table, 1, f"{scope.enterprise.code}: {detail}"),)


def _own_links(scope: EnterpriseScope) -> list[LinkFacts]:
    return [x for x in scope.links if x.in_year(scope.year)]


@enterprise_indicator("ent_recp_aware")
def ent_recp_aware(scope: EnterpriseScope) -> Observation | None:
    e = scope.enterprise
    return Observation(
        value=e.recp_status in ("aware", "applying"),
        used=_own(scope, f"recp_status = {e.recp_status}"),
        statuses={e.data_status: 1},
    )


@enterprise_indicator("ent_recp_applying")
def ent_recp_applying(scope: EnterpriseScope) -> Observation | None:
    e = scope.enterprise
    implemented = sum(1 for m in e.measures if m.implemented and m.year <= scope.year)
    return Observation(
        value=_applies_recp(e, scope.year),
        used=(
            *_own(scope, f"recp_status = {e.recp_status}"),
            Used("recp_measures", len(e.measures), f"{implemented} implemented by {scope.year}"),
        ),
        statuses={e.data_status: 1},
    )


@enterprise_indicator("ent_resource_savings")
def ent_resource_savings(scope: EnterpriseScope) -> Observation | None:
    e = scope.enterprise
    if not e.measures:
        return None
    saving = [m for m in e.measures if m.implemented and m.saves_something and m.year <= scope.year]
    return Observation(
        value=bool(saving),
        used=(
            Used(
                "recp_measures",
                len(e.measures),
                f"{len(saving)} implemented by {scope.year} with recorded savings",
            ),
        ),
        statuses=status_counts(m.data_status for m in e.measures),
    )


@enterprise_indicator("ent_energy_efficiency")
def ent_energy_efficiency(scope: EnterpriseScope) -> Observation | None:
    e = scope.enterprise
    if not e.measures:
        return None
    found = _has_measure(e, "energy_efficiency", scope.year)
    return Observation(
        value=found,
        used=(Used("recp_measures", len(e.measures), f"energy_efficiency implemented: {found}"),),
        statuses=status_counts(m.data_status for m in e.measures),
    )


@enterprise_indicator("ent_symbiosis_links")
def ent_symbiosis_links(scope: EnterpriseScope) -> Observation | None:
    if not scope.links:
        return None
    running = _own_links(scope)
    supplied = sum(1 for x in running if x.supplier == scope.enterprise.code)
    return Observation(
        value=Fraction(len(running)),
        used=(
            Used(
                "exchanges",
                len(scope.links),
                f"{len(running)} running in {scope.year}: {supplied} as supplier, "
                f"{len(running) - supplied} as receiver",
            ),
        ),
        statuses=status_counts(x.data_status for x in running),
    )


@enterprise_indicator("ent_recycled_input")
def ent_recycled_input(scope: EnterpriseScope) -> Observation | None:
    e = scope.enterprise
    received = [x for x in _own_links(scope) if x.receiver == e.code]
    if not e.flows and not received:
        return None
    inputs = sum(1 for f in e.flows if f.direction == "in")
    return Observation(
        value=_uses_secondary(e.flows, received),
        used=(
            Used("flows", inputs, f"inputs of {scope.year}"),
            Used("exchanges", len(received), f"received in {scope.year}"),
        ),
        statuses=status_counts(f.data_status for f in e.flows),
    )


@enterprise_indicator("ent_wastewater_reuse_share")
def ent_wastewater_reuse_share(scope: EnterpriseScope) -> Observation | None:
    p = parameters()
    outputs = [f for f in scope.enterprise.flows if f.direction == "out"]
    whole = _volume(outputs, p.wastewater_materials, "m3")
    if whole <= 0:
        return None
    part = _volume(
        [f for f in outputs if f.destination in p.reuse_destinations], p.wastewater_materials, "m3"
    )
    share = Share(part=part, whole=whole, of="m3")
    return Observation(
        value=share.percent,
        share=share,
        used=(
            Used(
                "flows",
                len(outputs),
                f"wastewater in {scope.year}: {float(whole):g} m³, reused {float(part):g} m³",
            ),
        ),
        statuses=status_counts(f.data_status for f in outputs),
    )


@enterprise_indicator("ent_iso14001")
def ent_iso14001(scope: EnterpriseScope) -> Observation | None:
    e = scope.enterprise
    if not e.certifications:
        return None
    return Observation(
        value=any("14001" in c for c in e.certifications),
        used=_own(scope, f"certifications = {'; '.join(e.certifications)}"),
        statuses={e.data_status: 1},
    )
