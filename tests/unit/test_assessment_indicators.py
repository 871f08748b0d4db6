"""Every indicator function on tiny facts, with the exact boundaries of Decree 82."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from parkloop.assessment import indicators as ind
from parkloop.assessment.facts import (
    EnterpriseFacts,
    EnterpriseScope,
    FlowFacts,
    LandFacts,
    LinkFacts,
    MeasureFacts,
    ParkFacts,
    PartnerFacts,
    exact,
)
from parkloop.assessment.loader import library
from parkloop.assessment.scoring import judge

YEAR = 2023


def firm(code: str, **kw: object) -> EnterpriseFacts:
    return EnterpriseFacts(code=code, **kw)  # type: ignore[arg-type]


def park(**kw: object) -> ParkFacts:
    return ParkFacts(park_code="p", year=YEAR, **kw)  # type: ignore[arg-type]


def link(supplier: str, receiver: str, **kw: object) -> LinkFacts:
    defaults: dict[str, object] = {
        "key": f"{supplier}->{receiver}",
        "supplier_in_park": True,
        "receiver_in_park": True,
        "material_code": "steel-slag",
        "material_class": "mineral",
        "secondary": True,
        "status": "running",
    }
    defaults.update(kw)
    return LinkFacts(supplier=supplier, receiver=receiver, **defaults)  # type: ignore[arg-type]


def measure(
    category: str = "energy_efficiency", year: int = YEAR, implemented: bool = True
) -> MeasureFacts:
    return MeasureFacts(year=year, category=category, implemented=implemented, saves_something=True)


def flow(direction: str, material: str, quantity: str, unit: str = "t", **kw: object) -> FlowFacts:
    return FlowFacts(
        direction=direction, material_code=material, quantity=Fraction(quantity), unit=unit, **kw
    )  # type: ignore[arg-type]


def verdict(indicator_id: str, value: Fraction | bool, threshold_value: int) -> str:
    """The verdict of the Decree 82 threshold on ``indicator_id`` for ``value``."""
    rs = library().ruleset("decree-82-2018")
    use = next(u for c in rs.criteria for u in c.indicators if u.ref == indicator_id)
    assert use.threshold is not None and use.threshold.value == threshold_value
    return judge(value, use.threshold)[0].value


def firms(n: int, make: int, **kw: object) -> tuple[EnterpriseFacts, ...]:
    """``n`` firms of which the first ``make`` get ``kw``."""
    return tuple(firm(f"e{i:05d}", **(kw if i < make else {})) for i in range(n))


# -- criterion 3: RECP --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("aware", "total", "expected"),
    [(90, 100, "met"), (8999, 10000, "partly_met"), (9, 10, "met"), (899, 1000, "partly_met")],
)
def test_recp_awareness_boundary_90_percent(aware: int, total: int, expected: str) -> None:
    facts = park(enterprises=firms(total, aware, recp_status="aware"))
    obs = ind.recp_aware_share(facts)
    assert obs is not None and obs.share is not None
    assert obs.share.part == aware and obs.share.whole == total
    assert obs.value == Fraction(100 * aware, total)
    assert verdict("recp_aware_share", obs.value, 90) == expected


def test_recp_awareness_counts_applying_and_needs_some_record() -> None:
    facts = park(enterprises=(firm("a", recp_status="applying"), firm("b", recp_status="unaware")))
    obs = ind.recp_aware_share(facts)
    assert obs is not None and obs.value == 50
    assert ind.recp_aware_share(park(enterprises=(firm("a"), firm("b")))) is None
    assert ind.recp_aware_share(park()) is None


@pytest.mark.parametrize(
    ("applying", "total", "expected"),
    [(20, 100, "met"), (1999, 10000, "partly_met"), (1, 5, "met"), (0, 5, "not_met")],
)
def test_recp_applying_boundary_20_percent(applying: int, total: int, expected: str) -> None:
    enterprises = firms(total, applying, recp_status="applying")
    enterprises = tuple(
        e if e.recp_status == "applying" else firm(e.code, recp_status="aware") for e in enterprises
    )
    obs = ind.recp_applying_share(park(enterprises=enterprises))
    assert obs is not None
    assert verdict("recp_applying_share", obs.value, 20) == expected  # type: ignore[arg-type]


def test_recp_applying_counts_implemented_measures_up_to_the_year() -> None:
    facts = park(
        enterprises=(
            firm("done", measures=(measure("water", YEAR - 1),)),
            firm("later", measures=(measure("water", YEAR + 1),)),
            firm("planned", measures=(measure("water", YEAR, implemented=False),)),
            firm("aware", recp_status="aware"),
        )
    )
    obs = ind.recp_applying_share(facts)
    assert obs is not None and obs.value == 25


# -- criterion 4: land ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("green", "traffic", "shared", "total", "expected"),
    [
        (10.0, 10.0, 5.0, 100.0, "met"),  # exactly 25 %
        (10.0, 9.99, 5.0, 100.0, "partly_met"),  # 24.99 %
        (38.0, 22.75, 5.0, 263.0, "met"),  # 65.75 / 263 = 25 % exactly, no float fuzz
        (0.02, 0.21, 0.02, 1.0, "met"),  # float arithmetic gives 0.24999999999999997 here
        (0.02, 0.21, 0.0199, 1.0, "partly_met"),
    ],
)
def test_land_share_boundary_25_percent(
    green: float, traffic: float, shared: float, total: float, expected: str
) -> None:
    facts = park(
        total_area_ha=exact(total),
        land_use=(
            LandFacts(land_class="green", area_ha=exact(green)),
            LandFacts(land_class="traffic", area_ha=exact(traffic)),
            LandFacts(land_class="shared_infrastructure", area_ha=exact(shared)),
            LandFacts(land_class="industrial", area_ha=exact(total / 2)),
        ),
    )
    obs = ind.land_share_green_traffic_shared(facts)
    assert obs is not None
    assert verdict("land_share_green_traffic_shared", obs.value, 25) == expected  # type: ignore[arg-type]


def test_land_share_uses_the_sum_of_land_use_without_a_total_and_needs_land_use() -> None:
    facts = park(
        land_use=(
            LandFacts(land_class="green", area_ha=Fraction(1)),
            LandFacts(land_class="industrial", area_ha=Fraction(3)),
        )
    )
    obs = ind.land_share_green_traffic_shared(facts)
    assert obs is not None and obs.value == 25
    assert ind.land_share_green_traffic_shared(park(total_area_ha=Fraction(10))) is None


# -- criterion 7: input/output monitoring ---------------------------------------------------


def test_io_monitoring_from_the_flows_by_period() -> None:
    both = (flow("in", "coal", "10", months=3), flow("out", "fly-ash", "2", months=3))
    only_in = (flow("in", "coal", "10"),)
    # Half of the enterprises report inputs and outputs: monitored (the threshold is 50 %).
    facts = park(enterprises=(firm("a", flows=both), firm("b", flows=only_in)))
    obs = ind.io_monitoring(facts)
    assert obs is not None and obs.value is True
    assert "1 of 2 enterprises report inputs and outputs for 2023" in obs.used[0].detail
    assert "by quarter" in obs.used[0].detail and "1 by year" in obs.used[0].detail
    assert verdict("io_monitoring", obs.value, True) == "met"
    # One of three: not monitored as the criterion asks.
    facts = park(enterprises=(firm("a", flows=both), firm("b", flows=only_in), firm("c")))
    obs = ind.io_monitoring(facts)
    assert obs is not None and obs.value is False
    assert verdict("io_monitoring", obs.value, True) == "not_met"
    # No flow of the year: nothing to compute from (evidence may say).
    assert ind.io_monitoring(park(enterprises=(firm("a"), firm("b")))) is None
    assert ind.io_monitoring(park()) is None


# -- criterion 5: symbiosis ------------------------------------------------------------------


def test_symbiosis_links_boundary_one_link() -> None:
    one = park(enterprises=(firm("a"), firm("b")), links=(link("a", "b"),))
    obs = ind.symbiosis_links(one)
    assert obs is not None and obs.value == 1
    assert verdict("symbiosis_links", obs.value, 1) == "met"
    proposed = park(enterprises=(firm("a"), firm("b")), links=(link("a", "b", status="proposed"),))
    obs = ind.symbiosis_links(proposed)
    assert obs is not None and obs.value == 0
    assert verdict("symbiosis_links", obs.value, 1) == "not_met"
    assert ind.symbiosis_links(park(enterprises=(firm("a"),))) is None


def test_symbiosis_links_count_only_the_years_they_ran() -> None:
    links = (
        link("a", "b", status="stopped", start_date=date(2015, 1, 1), end_date=date(2020, 12, 31)),
        link("a", "c", start_date=date(YEAR + 1, 1, 1)),
        link("a", "d", status="stopped"),  # undated: cannot say when it ran
        link("x", "y", supplier_in_park=False, receiver_in_park=False),
        link("a", "e"),
    )
    obs = ind.symbiosis_links(park(links=links))
    assert obs is not None and obs.value == 1
    obs2020 = ind.symbiosis_links(ParkFacts(park_code="p", year=2020, links=links))
    assert obs2020 is not None and obs2020.value == 2  # the stopped one and a-e


@pytest.mark.parametrize(
    ("planning", "total", "expected"),
    [(10, 100, "met"), (999, 10000, "partly_met"), (1, 10, "met"), (0, 10, "not_met")],
)
def test_symbiosis_planning_boundary_10_percent(planning: int, total: int, expected: str) -> None:
    obs = ind.symbiosis_planning_share(
        park(enterprises=firms(total, planning, plans_symbiosis=True))
    )
    assert obs is not None
    assert verdict("symbiosis_planning_share", obs.value, 10) == expected  # type: ignore[arg-type]


def test_symbiosis_planning_counts_negotiating_and_running_links() -> None:
    facts = park(
        enterprises=(firm("a"), firm("b"), firm("c"), firm("d"), firm("e")),
        links=(link("a", "b"), link("c", "partner", status="negotiating", receiver_in_park=False)),
    )
    obs = ind.symbiosis_planning_share(facts)
    assert obs is not None and obs.value == 60
    participation = ind.symbiosis_participation_share(facts)
    assert participation is not None and participation.value == 40


# -- the measured indicators of the symbiosis table -------------------------------------------


def test_recycled_input_share_from_flows_and_received_by_products() -> None:
    facts = park(
        enterprises=(
            firm("scrap-user", flows=(flow("in", "steel-scrap", "10", secondary=True),)),
            firm("receiver"),
            firm("water-user"),
            firm("virgin", flows=(flow("in", "limestone", "5"),)),
        ),
        links=(
            link("scrap-user", "receiver"),
            link("shinec", "water-user", material_class="water", secondary=False),
        ),
    )
    obs = ind.recycled_input_share(facts)
    assert obs is not None and obs.value == 50
    assert ind.recycled_input_share(park(enterprises=(firm("a"),))) is None


def test_wastewater_reuse_share_counts_the_central_plant_and_caps() -> None:
    facts = park(
        enterprises=(
            firm(
                "a",
                flows=(flow("out", "industrial-wastewater", "300", "m3", destination="treatment"),),
            ),
            firm(
                "b",
                flows=(
                    flow(
                        "out", "industrial-wastewater", "100", "m3", destination="reused_internally"
                    ),
                ),
            ),
        ),
        partners=(
            PartnerFacts(
                code="wwtp",
                kind="utility",
                inside_park=True,
                flows=(flow("out", "treated-wastewater", "200", "m3", destination="exchanged"),),
            ),
        ),
    )
    obs = ind.wastewater_reuse_share(facts)
    assert obs is not None and obs.value == 75 and not obs.capped
    more = park(
        enterprises=facts.enterprises,
        partners=(
            PartnerFacts(
                code="wwtp",
                kind="utility",
                inside_park=True,
                flows=(flow("out", "treated-wastewater", "900", "m3", destination="exchanged"),),
            ),
        ),
    )
    capped = ind.wastewater_reuse_share(more)
    assert capped is not None and capped.value == 100 and capped.capped
    assert ind.wastewater_reuse_share(park(enterprises=(firm("a"),))) is None


def test_waste_reuse_share_by_mass() -> None:
    facts = park(
        enterprises=(
            firm(
                "a",
                flows=(
                    flow("out", "steel-slag", "3", secondary=True, destination="sold"),
                    flow("out", "furnace-dust", "1", secondary=True, destination="landfill"),
                    flow("out", "finished-goods", "100"),
                ),
            ),
        )
    )
    obs = ind.waste_reuse_share(facts)
    assert obs is not None and obs.value == 75


def test_measure_shares() -> None:
    facts = park(
        enterprises=(
            firm("ee", measures=(measure("energy_efficiency"),)),
            firm("water", measures=(measure("water"),)),
            firm("solar-measure", measures=(measure("renewable_energy"),)),
            firm("solar-flow", flows=(flow("in", "solar-electricity", "5", "MWh"),)),
            firm("none"),
        )
    )
    ee, water, renewable = (
        ind.energy_efficiency_share(facts),
        ind.water_saving_share(facts),
        ind.renewable_power_share(facts),
    )
    assert ee is not None and ee.value == 20
    assert water is not None and water.value == 20
    assert renewable is not None and renewable.value == 40
    assert ind.energy_efficiency_share(park(enterprises=(firm("a"),))) is None


def test_club_and_iso_shares() -> None:
    facts = park(
        enterprises=(
            firm("a", clubs=("Ecobiz",), certifications=("ISO 14001",)),
            firm("b", certifications=("ISO 9001",)),
            firm("c"),
            firm("d"),
        )
    )
    clubs, iso = ind.club_membership_share(facts), ind.iso14001_share(facts)
    assert clubs is not None and clubs.value == 25
    assert iso is not None and iso.value == 25
    assert ind.club_membership_share(park(enterprises=(firm("a"),))) is None
    assert ind.iso14001_share(park(enterprises=(firm("a"),))) is None


def test_waste_facilities_and_central_wwtp() -> None:
    facts = park(
        enterprises=(firm("recycler", vsic="3830"), firm("steel", vsic="2410")),
        partners=(
            PartnerFacts(code="c1", kind="collector", inside_park=False),
            PartnerFacts(code="u", kind="utility", inside_park=True),
        ),
        wwtp_capacity_m3_per_day=Fraction(2000),
    )
    obs = ind.waste_facilities(facts)
    assert obs is not None and obs.value == 2
    assert "1 in the park, 1 outside" in obs.used[0].detail
    wwtp = ind.central_wwtp(facts)
    assert wwtp is not None and wwtp.value == 2000
    assert ind.central_wwtp(park()) is None


# -- one enterprise ------------------------------------------------------------------------------


def scope(enterprise: EnterpriseFacts, links: tuple[LinkFacts, ...] = ()) -> EnterpriseScope:
    return EnterpriseScope(park_code="p", year=YEAR, enterprise=enterprise, links=links)


def test_enterprise_indicators() -> None:
    e = firm(
        "me",
        recp_status="aware",
        certifications=("ISO 14001",),
        measures=(measure("energy_efficiency"),),
        flows=(
            flow("in", "steel-scrap", "4", secondary=True),
            flow("out", "industrial-wastewater", "10", "m3", destination="reused_internally"),
            flow("out", "industrial-wastewater", "30", "m3", destination="treatment"),
        ),
    )
    s = scope(e, (link("me", "other"), link("other", "me", status="negotiating")))
    results = {name: fn(s) for name, fn in ind.ENTERPRISE.items()}
    values = {k: None if v is None else v.value for k, v in results.items()}
    assert values == {
        "ent_recp_aware": True,
        "ent_recp_applying": True,
        "ent_resource_savings": True,
        "ent_energy_efficiency": True,
        "ent_symbiosis_links": 1,
        "ent_recycled_input": True,
        "ent_wastewater_reuse_share": 25,
        "ent_iso14001": True,
    }
    bare = {name: fn(scope(firm("bare"))) for name, fn in ind.ENTERPRISE.items()}
    assert bare["ent_recp_aware"] is not None and bare["ent_recp_aware"].value is False
    assert bare["ent_recp_applying"] is not None and bare["ent_recp_applying"].value is False
    for name in (
        "ent_resource_savings",
        "ent_energy_efficiency",
        "ent_symbiosis_links",
        "ent_recycled_input",
        "ent_wastewater_reuse_share",
        "ent_iso14001",
    ):
        assert bare[name] is None, name


def test_every_registered_function_is_tested_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    for name in ind.PARK:
        assert f"ind.{name}(" in source, name
    assert "ind.ENTERPRISE.items()" in source
