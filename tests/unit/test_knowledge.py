import csv
import shutil
from importlib import resources
from pathlib import Path

import pytest

from parkloop.catalog import CatalogError, catalog, load_catalog
from parkloop.catalog import knowledge as kb
from parkloop.catalog.loader import STATUSES, default_data_dir
from parkloop.domain.enums import MaterialClass, TransportMode


def test_the_knowledge_base_loads_with_the_catalog() -> None:
    cat = load_catalog()
    rules = kb.rules(cat)
    assert len(rules) >= 40
    assert len({r.id for r in rules}) == len(rules)
    assert all(r.ratio > 0 for r in rules)
    assert all(r.status in STATUSES and r.source for r in rules)


@pytest.mark.parametrize(
    ("supply", "demand"),
    [
        ("fgd-gypsum", "natural-gypsum"),
        ("steel-slag", "cement-clinker"),
        ("steel-slag", "aggregate"),
        ("fly-ash", "cement-clinker"),
        ("bottom-ash", "aggregate"),
        ("steel-scrap", "pig-iron"),
        ("plastic-scrap", "virgin-plastic-resin"),
        ("foundry-sand", "natural-sand"),
        ("paper-scrap", "virgin-pulp"),
        ("waste-heat", "process-heat"),
        ("waste-heat", "district-heat"),
        ("steam", "steam"),
        ("treated-wastewater", "fresh-water"),
        ("sewage-sludge", "fertiliser"),
        ("sewage-sludge", "biogas"),
        ("organic-waste", "biogas"),
        ("biogas", "natural-gas"),
        ("biogas", "biomass"),
        ("used-oil", "virgin-base-oil"),
        ("co2", "liquefied-co2"),
        ("hazardous-waste", "hazardous-waste"),
        ("refinery-gas", "natural-gas"),
        ("cooling-water", "process-heat"),
        ("mill-scale", "iron-oxide-powder"),
        ("recovered-iron", "pig-iron"),
        ("non-ferrous-scrap", "primary-aluminium"),
        ("wood-waste", "biomass"),
        ("surface-water", "fresh-water"),
        ("sulphur", "sulphur"),
        ("organic-waste", "fertiliser"),
    ],
)
def test_every_c3_and_seed_exchange_has_a_rule(supply: str, demand: str) -> None:
    found = [r for r in kb.rules_for_supply(catalog(), supply, include_parents=False)]
    assert any(r.demand_material == demand for r in found), (supply, demand)


def test_treated_wastewater_serves_cooling_irrigation_and_process_water() -> None:
    ids = {r.id for r in kb.rules_for_supply(catalog(), "treated-wastewater")}
    assert {
        "treated-wastewater-to-cooling",
        "treated-wastewater-to-irrigation",
        "treated-wastewater-to-process",
    } <= ids


# Sectors that eat, drink or heal what they take in: crops and livestock (01), aquaculture
# (03), food, drink, tobacco (10-12) and medicine (21).
FOOD_CHAIN = ("01", "03", "10", "11", "12", "21")
EFFLUENT_AND_SLUDGE = (
    "treated-wastewater",
    "industrial-wastewater",
    "sewage-sludge",
    "industrial-sludge",
)


@pytest.mark.parametrize("material", EFFLUENT_AND_SLUDGE)
def test_effluent_and_sludge_never_reach_the_food_chain(material: str) -> None:
    """Every rule taking effluent or sludge (or a kind of them) names the food chain among
    the sectors it never serves, and none of its receivers lies inside it."""
    for r in kb.rules_for_supply(catalog(), material):
        assert set(FOOD_CHAIN) <= set(r.never_vsic), r.id
        assert not [c for c in r.receiver_vsic if c == "*" or c.startswith(FOOD_CHAIN)], r.id
        words = " ".join(r.receiver_words)
        assert not any(w in words for w in ("trang trại", "nông dân", "farm")), r.id


def test_sludge_reaches_soil_only_through_a_composter() -> None:
    rule = kb.rule(catalog(), "sludge-to-fertiliser")
    assert set(rule.receiver_vsic) <= {"2012", "3821"}
    assert "kim loại nặng" in rule.warn_vi and "QCVN 50:2013/BTNMT" in rule.warn_vi


def test_rules_carry_cited_examples_and_kinds() -> None:
    cat = catalog()
    gypsum = kb.rule(cat, "fgd-gypsum-to-plasterboard")
    assert gypsum.example_park == "Kalundborg" and gypsum.status == "read"
    assert gypsum.receiver_vsic == ("2395",) and "tấm thạch cao" in gypsum.receiver_words
    assert gypsum.receiver_status and gypsum.receiver_source
    assert kb.rule(cat, "hazardous-waste-to-licensed-treater").is_treatment
    assert not gypsum.is_treatment
    assert kb.rule(cat, "co2-to-liquefied-co2").unverified
    with pytest.raises(KeyError, match="no substitution rule"):
        kb.rule(cat, "gold-to-lead")


def test_a_kind_of_material_inherits_its_parents_rules() -> None:
    ids = [r.id for r in kb.rules_for_supply(catalog(), "oily-rags")]
    assert ids[0] == "oily-rags-to-licensed-treater"
    assert "hazardous-waste-to-licensed-treater" in ids
    assert "hazardous-waste-to-licensed-treater" not in [
        r.id for r in kb.rules_for_supply(catalog(), "oily-rags", include_parents=False)
    ]
    assert {r.supply_material for r in kb.rules_for_demand(catalog(), "natural-sand")} >= {
        "foundry-sand",
        "steel-slag",
        "fly-ash",
    }


# -- quality ----------------------------------------------------------------------------
def test_quality_limit_grammar() -> None:
    limits = kb.parse_quality_limits("CaSO4_2H2O>=90%; moisture<=10 %;pH>6,5; Cl<0.01%; x=1")
    assert [(q.parameter, q.operator, q.value, q.percent) for q in limits] == [
        ("CaSO4_2H2O", ">=", 90.0, True),
        ("moisture", "<=", 10.0, True),
        ("pH", ">", 6.5, False),
        ("Cl", "<", 0.01, True),
        ("x", "=", 1.0, False),
    ]
    assert limits[0].text == "CaSO4_2H2O>=90%"
    assert kb.parse_quality_limits("moisture ≤ 10%")[0].operator == "<="
    assert kb.parse_quality_limits("") == ()
    with pytest.raises(kb.QualityError, match="cannot read 'moisture about 10%'"):
        kb.parse_quality_limits("moisture about 10%")


def test_quality_passes_fails_and_is_never_silent_about_what_is_missing() -> None:
    limits = kb.parse_quality_limits("CaSO4_2H2O>=90%; moisture<=10%")
    assert kb.check_quality(limits, "CaSO4=95%; moisture=8%") == (True, [])
    passed, reasons = kb.check_quality(limits, "CaSO4=85%; moisture=8%")
    assert passed is False and "fails CaSO4_2H2O>=90%" in reasons[0]
    passed, reasons = kb.check_quality(limits, "CaSO4=95%")
    assert passed is None
    assert reasons == ["moisture: not stated (needs moisture<=10%)"]
    assert kb.check_quality(limits, "")[0] is None
    # A failure outweighs a missing statement.
    assert kb.check_quality(limits, "moisture=20%")[0] is False
    assert kb.check_quality((), "anything") == (True, [])


def test_quality_boundaries_are_exact() -> None:
    at_least = kb.parse_quality_limits("CaSO4_2H2O>=90%")
    more_than = kb.parse_quality_limits("CaSO4_2H2O>90%")
    at_most = kb.parse_quality_limits("moisture<=10%")
    less_than = kb.parse_quality_limits("moisture<10%")
    exactly = kb.parse_quality_limits("pH=7")
    assert kb.check_quality(at_least, "CaSO4_2H2O=90%")[0] is True
    assert kb.check_quality(more_than, "CaSO4_2H2O=90%")[0] is False
    assert kb.check_quality(at_most, "moisture=10%")[0] is True
    assert kb.check_quality(less_than, "moisture=10%")[0] is False
    assert kb.check_quality(exactly, "pH=7")[0] is True
    assert kb.check_quality(exactly, "pH=7.1")[0] is False


def test_stated_ranges_pass_only_when_they_prove_the_limit() -> None:
    at_most = kb.parse_quality_limits("moisture<=10%")
    assert kb.check_quality(at_most, "moisture<8%")[0] is True
    assert kb.check_quality(at_most, "moisture<=10%")[0] is True
    assert kb.check_quality(at_most, "moisture>12%")[0] is False
    passed, reasons = kb.check_quality(at_most, "moisture<12%")
    assert passed is None and "does not show whether" in reasons[0]
    band = kb.parse_quality_limits("pH>=6; pH<=9")
    assert kb.check_quality(band, "pH>=6.5; pH<=8")[0] is True
    assert kb.check_quality(band, "pH=5")[0] is False


def test_quality_reads_vietnamese_names_and_flags_unit_mismatches() -> None:
    limits = kb.parse_quality_limits("moisture<=10%; CaSO4_2H2O>=90%")
    assert kb.check_quality(limits, "Độ ẩm = 8 %; hàm lượng thạch cao ≥ 93%")[0] is True
    assert kb.check_quality(limits, "do am=8,5%; CaSO4.2H2O=91%")[0] is True
    passed, reasons = kb.check_quality(limits, "moisture=8; CaSO4=95%")
    assert passed is None and "units differ" in reasons[0]
    passed, reasons = kb.check_quality(limits, "moisture=8%; moisture=12%; CaSO4=95%")
    assert passed is None and "contradict" in reasons[0]


def test_a_rule_checks_a_flow_quality() -> None:
    rule = kb.rule(catalog(), "steel-scrap-to-eaf")
    assert rule.check_quality("tỷ trọng = 0,75")[0] is True
    assert rule.check_quality("bulk_density_t_m3=0.35")[0] is False


# -- distances --------------------------------------------------------------------------
def test_distance_limits_follow_the_class() -> None:
    cat = catalog()
    steam = kb.distance_limit_km(cat, "steam")
    heat = kb.distance_limit_km(cat, "waste-heat")
    water = kb.distance_limit_km(cat, "treated-wastewater")
    bulk = kb.distance_limit_km(cat, "steel-slag")
    scrap = kb.distance_limit_km(cat, "steel-scrap")
    hazardous = kb.distance_limit_km(cat, "furnace-dust")
    assert steam <= 10 and heat <= 10
    assert steam < water < scrap
    assert 20 <= bulk <= 100
    assert scrap > bulk and hazardous > bulk
    assert kb.distance_limit_km(cat, "steel-slag", TransportMode.SHIP) > bulk
    assert kb.distance_limit_km(cat, "steel-slag", "pipe") == bulk  # no row for the mode
    assert kb.distance_limit_km(cat, "no-such-material") == kb.distance_limit_km(
        cat, "finished-goods"
    )
    limit = kb.distance_limit(cat, "steam")
    assert limit.status in STATUSES and limit.source and limit.basis


def test_every_class_has_a_default_distance() -> None:
    limits = kb.knowledge(catalog()).distance_limits
    assert all((cls, "") in limits for cls in MaterialClass.values())


def test_a_rule_may_override_the_class_distance() -> None:
    cat = catalog()
    refinery = kb.rule(cat, "refinery-gas-to-fuel")
    assert kb.rule_distance_limit_km(cat, refinery) == 10
    gypsum = kb.rule(cat, "fgd-gypsum-to-plasterboard")
    assert kb.rule_distance_limit_km(cat, gypsum) == kb.distance_limit_km(cat, "fgd-gypsum")


# -- factors ----------------------------------------------------------------------------
def test_material_factors_carry_status_and_source() -> None:
    cat = catalog()
    price = kb.material_factor(cat, "natural-gypsum", "virgin_price_vnd_per_unit")
    assert price is not None and price.unit == "VND/t" and price.status == "estimate"
    assert "USD" in price.basis
    aluminium = kb.material_factor(cat, "primary-aluminium", "virgin_production_t_co2e_per_unit")
    assert aluminium is not None and aluminium.status == "read" and aluminium.value == 15.1
    copper = kb.material_factor(cat, "primary-copper", "virgin_production_t_co2e_per_unit")
    assert copper is not None and copper.unverified
    steam = kb.material_factor(cat, "steam", "energy_content_mwh_per_unit")
    assert steam is not None and steam.unit == "MWh/t_steam" and steam.status == "derived"
    assert kb.material_factor(cat, "fgd-gypsum", "energy_content_mwh_per_unit") is None
    assert kb.material_factor(cat, "no-such-material", "disposal_fee_vnd_per_unit") is None
    assert set(kb.material_factors(cat, "organic-waste")) >= {
        "disposal_fee_vnd_per_unit",
        "disposal_t_co2e_per_unit",
    }


def test_electricity_follows_the_grid_factor_of_the_year() -> None:
    cat = catalog()
    f = kb.material_factor(cat, "electricity", "virgin_production_t_co2e_per_unit", year=2021)
    assert f is not None and f.value == cat.grid_factor(2021).value
    default = kb.material_factor(cat, "electricity", "virgin_production_t_co2e_per_unit")
    assert default is not None and default.value == cat.grid_factor(2023).value


def test_every_rule_has_the_factors_the_accounting_needs() -> None:
    cat = catalog()
    for r in kb.rules(cat):
        for p in kb.SUPPLY_PARAMETERS:
            assert kb.material_factor(cat, r.supply_material, p) is not None, (r.id, p)
        if not r.is_treatment:
            for p in kb.DEMAND_PARAMETERS:
                assert kb.material_factor(cat, r.demand_material, p) is not None, (r.id, p)


def test_truck_factor_is_derived_from_the_diesel_rows() -> None:
    cat = catalog()
    truck = kb.transport_factor(cat, TransportMode.TRUCK)
    assert truck is not None and truck.id == "truck-34t" and truck.unit == "t_CO2e/t.km"
    per_litre = kb.diesel_road_kg_co2e_per_litre(cat)
    assert per_litre == pytest.approx(2.686, abs=0.001)
    assert truck.value == pytest.approx(0.325 * per_litre / (34 * 0.5) / 1000, rel=0.005)
    assert truck.status == "derived"
    # Lighter trucks emit more per tonne-kilometre.
    light = kb.transport_factor(cat, "truck", "truck-5t")
    assert light is not None and light.value > truck.value
    assert kb.transport_factor(cat, "truck", "no-such-truck") is None


def test_pipe_transport_goes_through_the_grid_factor_of_the_year() -> None:
    cat = catalog()
    pipe = kb.transport_factor(cat, "pipe")
    assert pipe is not None and pipe.unit == "MWh/m3.km"
    f2020 = kb.transport_emission_factor(cat, "pipe", 2020)
    f2023 = kb.transport_emission_factor(cat, "pipe", 2023)
    assert f2020 is not None and f2023 is not None
    assert f2020.unit == "t_CO2e/m3.km"
    assert f2020.value == pytest.approx(pipe.value * cat.grid_factor(2020).value)
    assert f2020.value > f2023.value
    truck = kb.transport_emission_factor(cat, "truck", 2023)
    assert truck == kb.transport_factor(cat, "truck")


# -- worked example of docs/methods/factors.md -----------------------------------------
def test_worked_example_of_the_factors_note() -> None:
    cat = catalog()
    rule = kb.rule(cat, "fgd-gypsum-to-plasterboard")
    tonnes = 1000.0
    replaced = tonnes * rule.ratio
    price = kb.material_factor(cat, "natural-gypsum", "virgin_price_vnd_per_unit")
    virgin = kb.material_factor(cat, "natural-gypsum", "virgin_production_t_co2e_per_unit")
    truck = kb.transport_factor(cat, "truck")
    assert price and virgin and truck
    assert replaced * price.value == pytest.approx(750_000_000)
    assert replaced * virgin.value == pytest.approx(7.793, abs=0.001)
    assert tonnes * 5 * truck.value == pytest.approx(0.2568, abs=0.0005)
    text = (Path(__file__).resolve().parents[2] / "docs/methods/factors.md").read_text("utf-8")
    for figure in ("750,000,000", "7.79", "0.257"):
        assert figure in text


# -- broken copies are refused ----------------------------------------------------------
def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    with resources.as_file(default_data_dir()) as src:
        shutil.copytree(src, target)
    return target


def _edit(path: Path, line: int, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0])
    rows[line - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(
    ("file", "line", "column", "value", "expected"),
    [
        (
            "substitutions.csv",
            3,
            "ratio",
            "0",
            "substitutions.csv:3 [ratio] must be greater than 0",
        ),
        (
            "substitutions.csv",
            4,
            "ratio",
            "lots",
            "substitutions.csv:4 [ratio] 'lots' is not a number",
        ),
        (
            "substitutions.csv",
            2,
            "demand_material",
            "unobtainium",
            "substitutions.csv:2 [demand_material]",
        ),
        (
            "substitutions.csv",
            2,
            "quality_limits",
            "moisture about 10",
            "substitutions.csv:2 [quality_limits]",
        ),
        (
            "substitutions.csv",
            2,
            "quality_limits",
            "fluffiness<=3",
            "substitutions.csv:2 [quality_limits]",
        ),
        ("substitutions.csv", 5, "status", "guessed", "substitutions.csv:5 [status]"),
        ("substitutions.csv", 5, "source", "", "substitutions.csv:5 [source]"),
        ("substitutions.csv", 6, "receiver_vsic", "23;999", "substitutions.csv:6 [receiver_vsic]"),
        ("substitutions.csv", 6, "id", "fgd-gypsum-to-plasterboard", "substitutions.csv:6 [id]"),
        ("material_factors.csv", 2, "value", "cheap", "material_factors.csv:2 [value]"),
        ("material_factors.csv", 2, "unit", "VND/kg", "material_factors.csv:2 [unit]"),
        (
            "distance_limits.csv",
            2,
            "max_distance_km",
            "-5",
            "distance_limits.csv:2 [max_distance_km]",
        ),
        ("distance_limits.csv", 2, "mode", "teleport", "distance_limits.csv:2 [mode]"),
        (
            "transport_factors.csv",
            2,
            "value",
            "0.01",
            "transport_factors.csv:2 [value] 0.01 does not follow",
        ),
    ],
)
def test_a_broken_copy_is_refused_naming_file_line_and_field(
    tmp_path: Path, file: str, line: int, column: str, value: str, expected: str
) -> None:
    data = _copy(tmp_path)
    _edit(data / file, line, column, value)
    with pytest.raises(CatalogError) as info:
        load_catalog(data)
    assert expected in str(info.value)


def test_a_missing_c3_pair_or_missing_factor_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    path = data / "substitutions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("co2-to-liquefied-co2,")]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    factors = data / "material_factors.csv"
    lines = factors.read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if not ln.startswith("natural-gypsum,virgin_price_vnd_per_unit,")]
    factors.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(data)
    text = str(info.value)
    assert "C3 exchange co2 → liquefied-co2" in text
    assert "substitutions.csv:2 [demand_material] material_factors.csv has no virgin_price" in text
