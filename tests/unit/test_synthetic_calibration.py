"""The synthetic generator's calibration: every published figure carries its source and
status, the templates' firm sizes follow the published employees per enterprise, and the
country the templates describe lands near the published national totals."""

from __future__ import annotations

import math

import pytest

from parkloop.catalog import catalog
from parkloop.domain.enums import DataStatus
from parkloop.examples.synthetic import (
    COAL_ASH,
    WASTE_TRADES,
    comparison,
    statistics,
    templates,
)
from parkloop.store.synthetic import SectorFlowSum, SyntheticSums

NOISE_MEAN = math.exp(0.6**2 / 2)  # mean of the log-normal noise on every flow quantity


def test_every_figure_has_a_source_and_a_known_status() -> None:
    stats = statistics()
    assert stats
    for s in stats.values():
        assert s.source.strip() and DataStatus(s.status), s.key
        assert s.value > 0, s.key
    national = {k for k, sector in stats if sector == "national"}
    assert {
        "ordinary_solid_waste_t",
        "hazardous_waste_t",
        "industrial_water_m3",
        "value_added_manufacturing_vnd",
    } <= national


def test_firm_sizes_follow_the_published_employees_per_enterprise() -> None:
    stats = statistics()
    for sector in templates()["sectors"]:
        median, sigma = sector["employees"]
        mean = median * math.exp(sigma * sigma / 2)
        published = stats[("employees", sector["vsic"])].value
        firms = stats[("enterprises", sector["vsic"])].value
        assert sector["weight"] == firms
        assert mean == pytest.approx(published / firms, rel=1e-9)


def _expected_totals(enterprises: int) -> dict[str, float]:
    """The totals the templates give in expectation for ``enterprises`` firms."""
    data = templates()
    materials = catalog().materials
    weight = sum(s["weight"] for s in data["sectors"])
    out = dict.fromkeys(("employees", "ordinary", "hazardous", "ash", "water", "va"), 0.0)
    for s in data["sectors"]:
        median, sigma = s["employees"]
        employees = enterprises * s["weight"] / weight * median * math.exp(sigma**2 / 2)
        out["employees"] += employees
        listed = {(f["m"], f["d"]) for f in s["flows"]}
        flows = s["flows"] + [f for f in data["common"] if (f["m"], f["d"]) not in listed]
        for f in flows:
            q = f["q"] * employees * NOISE_MEAN * f.get("p", 1.0)
            m = materials[f["m"]]
            price = f.get("price") or 0.0
            if f["d"] == "in":
                out["water"] += q if f["m"] == "fresh-water" else 0.0
                out["va"] -= q * price
                continue
            dest = f.get("dest", {"sold": 1})
            out["va"] += q * price * dest.get("sold", 0) / sum(dest.values())
            if not s["vsic"].startswith(WASTE_TRADES) and m.canonical_unit == "t":
                if m.hazardous:
                    out["hazardous"] += q
                elif m.vn_waste_code:
                    out["ordinary"] += q
            if s["vsic"] == "3510" and f["m"] in COAL_ASH:
                out["ash"] += q
    return out


def test_the_templates_land_near_the_published_national_totals() -> None:
    stats = statistics()
    nation = sum(s.value for (k, _), s in stats.items() if k == "enterprises")
    got = _expected_totals(100_000)
    share = 100_000 / nation
    people = sum(s.value for (k, _), s in stats.items() if k == "employees")
    assert got["employees"] == pytest.approx(people * share, rel=0.01)
    for key, stat in (
        ("ordinary", "ordinary_solid_waste_t"),
        ("ash", "coal_ash_t"),
        ("hazardous", "hazardous_waste_t"),
        ("water", "industrial_water_m3"),
        ("va", "value_added_manufacturing_vnd"),
    ):
        published = stats[(stat, "national")].value * share
        assert 0.75 <= got[key] / published <= 1.25, (key, got[key] / published)


def test_comparison_counts_each_flow_where_it_belongs() -> None:
    sums = SyntheticSums(
        enterprises=1_000,
        employees=80_000,
        flows=[
            SectorFlowSum("2410", "out", "steel-slag", "landfill", 100.0, 0.0),
            SectorFlowSum("2410", "out", "furnace-dust", "licensed_collector", 5.0, 0.0),
            SectorFlowSum("2410", "out", "steel-billet", "sold", 500.0, 7_000.0),
            SectorFlowSum("2410", "in", "steel-scrap", None, 600.0, 5_000.0),
            SectorFlowSum("2410", "in", "fresh-water", None, 900.0, 10.0),
            SectorFlowSum("3510", "out", "fly-ash", "landfill", 40.0, 0.0),
            # A recycler's scrap is the others' waste processed, not waste generated again.
            SectorFlowSum("3830", "out", "steel-scrap", "sold", 300.0, 2_000.0),
        ],
    )
    country = comparison(sums)
    got = {r.key: r.generated for r in country.rows}
    assert got["enterprises"] == 1_000 and got["employees"] == 80_000
    assert got["ordinary_solid_waste_t"] == 140.0
    assert got["coal_ash_t"] == 40.0
    assert got["hazardous_waste_t"] == 5.0
    assert got["industrial_water_m3"] == 900.0
    assert got["value_added_vnd"] == 7_000.0 + 2_000.0 - 5_000.0 - 10.0
    rows = {r.key: r for r in country.rows}
    waste = rows["ordinary_solid_waste_t"]
    assert waste.expected == pytest.approx(waste.published * country.share)
    assert rows["enterprises"].expected == pytest.approx(1_000)
