"""Who can take what: receiver and supplier plausibility, and the fit ranking (no database)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from parkloop.accounting.book import build_book
from parkloop.catalog import catalog
from parkloop.catalog import knowledge as kb
from parkloop.matching import fit
from parkloop.matching.engine import Candidates, MatchParams, find_matches, pair_verdicts
from parkloop.matching.fit import Parties, Sides, words_of
from parkloop.matching.rules import build_rules
from parkloop.matching.tables import FLOW, Side
from parkloop.services.matching import GENERIC, _quality_check

BOOK = build_book(catalog(), 2024)
RULES = build_rules(catalog())
LAT, LON = 10.93, 106.95
KM_LAT = 1 / 110.57


def side(rows: list[dict[str, Any]]) -> Side:
    cols: dict[str, list[Any]] = {k: [] for k in Side.__dataclass_fields__ if k != "words"}
    for i, r in enumerate(rows):
        cols["ids"].append(r.get("id", i + 1))
        cols["kinds"].append(FLOW)
        cols["org"].append(r["org"])
        cols["park"].append(r.get("park", 1))
        cols["material"].append(BOOK.index[r["material"]])
        cols["qty"].append(r.get("qty", 1000.0))
        cols["price"].append(r.get("price", np.nan))
        cols["fee"].append(r.get("fee", False))
        cols["sold"].append(r.get("sold", False))
        cols["lat"].append(LAT + r.get("north_km", 0.0) * KM_LAT)
        cols["lon"].append(LON)
        cols["year"].append(2024)
        cols["start_day"].append(-(2**31) + 1)
        cols["end_day"].append(2**31 - 2)
        cols["max_km"].append(np.inf)
        cols["private"].append(False)
        cols["waste_code"].append("")
        cols["quality"].append(r.get("quality", ""))
        cols["text"].append(r.get("text", ""))
        cols["already_sold"].append(r.get("sold", False))
        cols["price_status"].append(r.get("price_status", ""))
        cols["expected"].append(False)
    return Side.from_columns(cols)


def who(
    sectors: dict[int, str], words: dict[int, str] | None = None, served: Any = None
) -> Parties:
    words = words or {}
    orgs = sorted(set(sectors) | set(words))
    return Parties.build(
        orgs,
        [sectors.get(o, "") for o in orgs],
        [words_of(words.get(o, "")) for o in orgs],
        served,
    )


def match(supplies: Side, demands: Side, parties: Parties) -> Candidates:
    params = MatchParams(generic_materials=GENERIC)
    return find_matches(
        supplies, demands, RULES, BOOK, params, check=_quality_check, parties=parties
    )


def pairs(c: Candidates, supplies: Side, demands: Side) -> dict[tuple[int, int], str]:
    """(supplier, receiver) -> the rule that names the pair."""
    return {
        (int(supplies.org[c.s[k]]), int(demands.org[c.d[k]])): (
            RULES[c.rule[k]].id if c.rule[k] >= 0 else str(c.rule[k])
        )
        for k in range(len(c))
    }


EFFLUENT = {
    "org": 1,
    "material": "treated-wastewater",
    "qty": 2_000_000,
    "price": 5000,
    "fee": True,
}
WWTP, STEEL, FARM, BREWERY, PHARMA = 1, 2, 3, 4, 5


def test_treated_effluent_goes_to_factory_cooling_never_to_a_brewery_or_medicine() -> None:
    green, cattle, hatchery, unknown_words = 6, 7, 8, 9
    supplies = side([EFFLUENT])
    demands = side(
        [
            {"org": o, "material": "fresh-water", "qty": 500_000, "price": 14_000}
            for o in (STEEL, FARM, BREWERY, PHARMA, green, cattle, hatchery, unknown_words)
        ]
    )
    sectors = {WWTP: "3700", STEEL: "2410", FARM: "0118", BREWERY: "1103", PHARMA: "2100"}
    sectors |= {green: "81", cattle: "0141", hatchery: "03", unknown_words: ""}
    got = pairs(match(supplies, demands, who(sectors)), supplies, demands)
    assert got[(WWTP, STEEL)] == "treated-wastewater-to-cooling"  # not irrigation
    assert got[(WWTP, green)] == "treated-wastewater-to-irrigation"  # green belts, roads
    # Vegetables, livestock drinking water, shrimp larvae, beer and medicine: never.
    for food_chain in (FARM, cattle, hatchery, BREWERY, PHARMA):
        assert (WWTP, food_chain) not in got


def test_a_food_chain_receiver_is_not_offered_effluent_even_where_it_already_buys_it() -> None:
    """A greenhouse or a fish farm that declares treated effluent among its inputs is not
    offered more of it (same material); a factory that declares it is."""
    fish_farm = 6
    supplies = side([EFFLUENT])
    demands = side(
        [
            {"org": o, "material": "treated-wastewater", "qty": 100_000, "price": 5_000}
            for o in (STEEL, FARM, fish_farm)
        ]
    )
    parties = who({WWTP: "3700", STEEL: "2410", FARM: "0118", fish_farm: "0322"})
    got = pairs(match(supplies, demands, parties), supplies, demands)
    assert got == {(WWTP, STEEL): "same:treated-wastewater"}


def test_fabric_scraps_are_never_feed_but_spent_grain_is() -> None:
    garments, brewery, feed_mill = 1, 2, 3
    supplies = side(
        [
            {"org": garments, "material": "organic-waste", "text": "vai vun", "fee": True},
            {"org": brewery, "material": "organic-waste", "text": "ba men bia", "fee": True},
        ]
    )
    demands = side([{"org": feed_mill, "material": "animal-feed", "price": 10_000_000}])
    parties = who({garments: "1410", brewery: "1103", feed_mill: "1080"})
    got = pairs(match(supplies, demands, parties), supplies, demands)
    assert got == {(brewery, feed_mill): "yeast-residue-to-feed"}


def test_sludge_of_a_park_with_dyeing_reaches_soil_only_through_a_composter_with_a_warning() -> (
    None
):
    wwtp, farm, clean_wwtp, composter = 1, 2, 3, 4
    supplies = side(
        [
            {"org": wwtp, "material": "sewage-sludge", "price": 800_000, "fee": True},
            {"org": clean_wwtp, "material": "sewage-sludge", "price": 800_000, "fee": True},
        ]
    )
    demands = side(
        [
            {"org": o, "material": "fertiliser", "price": 4_000_000, "qty": 9000}
            for o in (farm, composter)
        ]
    )
    parties = who(
        {wwtp: "3700", farm: "0118", clean_wwtp: "3700", composter: "2012"},
        served={wwtp: ("1313", "2592"), clean_wwtp: ("1079", "1410")},
    )
    c = match(supplies, demands, parties)
    assert {int(demands.org[c.d[k]]) for k in range(len(c))} == {composter}  # never the farm
    warned = {int(supplies.org[c.s[k]]): bool(c.factors.warned[k]) for k in range(len(c))}
    assert warned == {wwtp: True, clean_wwtp: False}
    assert set(RULES[r].id for r in c.rule) == {"sludge-to-fertiliser"}
    rule = kb.rule(catalog(), "sludge-to-fertiliser")
    assert "QCVN 50:2013/BTNMT" in rule.warn_vi and "QCVN 50:2013/BTNMT" in rule.warn_en


@pytest.mark.parametrize("material", ["fly-ash", "bottom-ash", "foundry-sand", "steel-slag"])
def test_mineral_residues_go_only_where_the_process_takes_them(material: str) -> None:
    supplier, glass, foundry, bricks = 1, 2, 3, 4
    supplies = side([{"org": supplier, "material": material, "price": 300_000, "fee": True}])
    demands = side(
        [
            {"org": o, "material": "natural-sand", "price": 200_000, "qty": 50_000}
            for o in (glass, foundry, bricks)
        ]
    )
    parties = who({supplier: "3511", glass: "2310", foundry: "2431", bricks: "2395"})
    if material == "foundry-sand":
        parties = who({supplier: "2431", glass: "2310", foundry: "2432", bricks: "2395"})
    got = pairs(match(supplies, demands, parties), supplies, demands)
    assert (supplier, glass) not in got
    if material == "foundry-sand":
        assert (supplier, foundry) in got  # a foundry reclaims moulding sand
    else:
        assert (supplier, foundry) not in got
    if material != "steel-slag":  # slag replaces stone, not sand, at a brick maker
        assert (supplier, bricks) in got


def test_fermentation_residue_goes_to_the_biogas_plant_not_to_biogas_buyers() -> None:
    biotech, digester, plasterboard, refinery = 1, 2, 3, 4
    supplies = side(
        [
            {
                "org": biotech,
                "material": "organic-waste",
                "qty": 190_000,
                "text": "novogro",
                "price": 150_000,
                "fee": True,
            }
        ]
    )
    demands = side(
        [
            {"org": digester, "material": "organic-waste", "qty": 300_000, "price": 0.0},
            {"org": plasterboard, "material": "biogas", "qty": 4_000_000, "price": 12_000},
            {"org": refinery, "material": "biogas", "qty": 4_000_000, "price": 12_000},
        ]
    )
    parties = who({biotech: "2011", digester: "3520", plasterboard: "2395", refinery: "1920"})
    got = pairs(match(supplies, demands, parties), supplies, demands)
    assert set(got) == {(biotech, digester)}


def test_a_receiver_of_unknown_sector_needs_confirmation_and_ranks_below_one_that_fits() -> None:
    supplier, unknown, bricks = 1, 2, 3
    supplies = side(
        [{"org": supplier, "material": "fly-ash", "qty": 60_000, "price": 300_000, "fee": True}]
    )
    demands = side(
        [
            # worth more: three times the sand
            {"org": unknown, "material": "natural-sand", "price": 200_000, "qty": 90_000},
            {"org": bricks, "material": "natural-sand", "price": 200_000, "qty": 30_000},
        ]
    )
    c = match(supplies, demands, who({supplier: "3511", bricks: "2395"}))
    by_org = {int(demands.org[c.d[k]]): k for k in range(len(c))}
    assert {o: int(c.rank[k]) for o, k in by_org.items()} == {bricks: 1, unknown: 2}
    assert {o: bool(c.factors.confirm[k]) for o, k in by_org.items()} == {
        bricks: False,
        unknown: True,
    }
    assert c.net[by_org[unknown]] > c.net[by_org[bricks]]  # ranked lower though worth more


def test_words_of_a_partner_without_a_sector_make_it_fit() -> None:
    power, fish_farm = 1, 2
    supplies = side([{"org": power, "material": "cooling-water", "qty": 3_000_000, "price": 0.0}])
    demands = side(
        [{"org": fish_farm, "material": "process-heat", "qty": 30_000, "price": 550_000}]
    )
    c = match(supplies, demands, who({power: "3511"}, {fish_farm: "Trại nuôi cá Kalundborg"}))
    assert len(c) == 1 and not c.factors.confirm[0]


def test_fit_factors() -> None:
    assert fit.quantity_factor(np.array([0.0, 50.0, 100.0]), np.array([100.0] * 3)).tolist() == [
        0.5,
        0.75,
        1.0,
    ]
    assert fit.distance_factor(np.array([0.0, 2.5, 9.0]), np.array([5.0] * 3)).tolist() == [
        1.0,
        0.75,
        0.5,
    ]
    assert fit.distance_factor(np.array([25.0]), np.array([np.inf]))[0] == pytest.approx(0.75)
    sides = Sides.of(["2394"], ["trạm nghiền xi măng"], never=["2310"])
    parties = who({1: "2394", 2: "", 3: "2310", 4: "2410"}, {2: "Trạm nghiền xi măng Hà Tiên"})
    got = fit.side_fit(
        parties,
        parties.index(np.array([1, 2, 3, 4, 99])),
        None,
        sides.receivers,
        sides.receiver_words,
        sides.never,
    )
    assert got.tolist() == [fit.FITS, fit.FITS, fit.OUTSIDE, fit.OUTSIDE, fit.CONFIRM]


def test_why_a_pair_is_not_proposed() -> None:
    supplies = side([EFFLUENT])
    demands = side([{"org": BREWERY, "material": "fresh-water", "price": 14_000}])
    verdicts = pair_verdicts(
        supplies,
        demands,
        RULES,
        BOOK,
        MatchParams(generic_materials=GENERIC),
        [(0, 0)],
        check=_quality_check,
        parties=who({WWTP: "3700", BREWERY: "1103"}),
    )
    assert {RULES[v.rule].id: v.reason for v in verdicts} == {
        "treated-wastewater-to-cooling": "receiver-outside",
        "treated-wastewater-to-irrigation": "receiver-outside",
        "treated-wastewater-to-process": "receiver-outside",
    }


def test_every_rule_names_who_can_take_it_with_status_and_source() -> None:
    for rule in kb.rules(catalog()):
        assert rule.receiver_vsic or rule.receiver_words, rule.id
        assert rule.receiver_status and rule.receiver_source, rule.id
        assert bool(rule.warn_vsic) == bool(rule.warn_en), rule.id


def test_a_grinding_station_is_offered_no_kiln_feed_an_integrated_plant_is() -> None:
    """Mill scale replaces iron ore in a kiln's raw meal: a clinker grinding station
    ("trạm nghiền clinker") has no kiln, an integrated plant of the same sector has."""
    rolling, grinding, integrated = 1, 2, 3
    supplies = side([{"org": rolling, "material": "mill-scale", "qty": 5_000, "price": 0}])
    demands = side(
        [
            {"org": o, "material": "iron-ore", "qty": 20_000, "price": 1_500_000}
            for o in (grinding, integrated)
        ]
    )
    sectors = {rolling: "2410", grinding: "2394", integrated: "2394"}
    words = {grinding: "Trạm nghiền clinker", integrated: "Sản xuất clinker, nghiền xi măng"}
    got = pairs(match(supplies, demands, who(sectors, words)), supplies, demands)
    assert got == {(rolling, integrated): "mill-scale-to-cement-kiln"}


def test_a_catalog_price_is_no_more_than_what_the_receiver_reports_paying() -> None:
    """Scrap sold today with no price typed is valued at the catalog's market price; a
    foundry next door that reports paying less for scrap sets what the sale can fetch, so
    the haul saved is the pair's worth. A price the seller typed stands."""
    shop, foundry = 1, 2
    scrap = {"org": shop, "material": "steel-scrap", "qty": 500.0, "sold": True}
    demands = side(
        [
            {
                "org": foundry,
                "material": "steel-scrap",
                "qty": 5000.0,
                "price": 8_200_000,
                "price_status": "reported",
                "north_km": 0.3,
            }
        ]
    )
    parties = who({shop: "2592", foundry: "2431"})
    filled = side([scrap | {"price": 8_500_000, "price_status": "estimate"}])
    assert pairs(match(filled, demands, parties), filled, demands) == {
        (shop, foundry): "same:steel-scrap"
    }
    typed = side([scrap | {"price": 8_500_000, "price_status": "reported"}])
    assert pairs(match(typed, demands, parties), typed, demands) == {}


def test_a_spoiled_residue_never_reaches_the_food_chain() -> None:
    parties = who({1: "1080", 2: "0141", 3: "2012", 4: ""}, {4: "trang trai chan nuoi bo"})
    words = np.array(
        [words_of("Cám, bắp bị mốc, ẩm"), words_of("Cám, bắp"), words_of("Mùn cưa xưởng mộc")] * 4,
        dtype=object,
    )
    receivers = np.repeat(np.arange(4), 3)
    spoiled = fit.RowWords(words).say(np.arange(len(words)), fit.SPOILED_WORDS)
    found = fit.spoiled_to_food_chain(parties, spoiled, parties.index(receivers + 1))
    # Mouldy feed: never to the feed mill or the herd; a composter takes it, and so does a
    # firm of no recorded sector whose sector no reading puts in the food chain; what is
    # not spoiled (nor 'mộc', joinery) goes anywhere.
    assert found.tolist() == [True, False, False] * 2 + [False] * 6
