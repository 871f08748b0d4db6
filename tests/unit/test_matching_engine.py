"""The matching engine on hand-made supplies and demands (no database)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkloop.accounting.book import build_book
from parkloop.catalog import catalog
from parkloop.domain.geo import distances_km
from parkloop.matching.engine import (
    Candidates,
    MatchParams,
    find_matches,
    find_matches_all_pairs,
    link_keys,
)
from parkloop.matching.fit import Parties, words_of
from parkloop.matching.rules import build_rules
from parkloop.matching.tables import FLOW, LISTING, Side, pair_keys
from parkloop.services.matching import GENERIC, _quality_check

BOOK = build_book(catalog(), 2024)
RULES = build_rules(catalog())
LAT, LON = 20.93, 106.615  # Nam Cầu Kiền
KM_LAT = 1 / 110.57


def side(rows: list[dict]) -> Side:
    cols: dict[str, list] = {k: [] for k in Side.__dataclass_fields__}
    for i, r in enumerate(rows):
        cols["ids"].append(r.get("id", i + 1))
        cols["kinds"].append(r.get("kind", FLOW))
        cols["org"].append(r["org"])
        cols["park"].append(r.get("park", 1))
        cols["material"].append(BOOK.index[r["material"]])
        cols["qty"].append(r.get("qty", 100.0))
        cols["price"].append(r.get("price", np.nan))
        cols["fee"].append(r.get("fee", False))
        cols["sold"].append(r.get("sold", False))
        cols["lat"].append(LAT + r.get("north_km", 0.0) * KM_LAT)
        cols["lon"].append(LON)
        cols["year"].append(r.get("year", 2024))
        cols["start_day"].append(r.get("start", -(2**31) + 1))
        cols["end_day"].append(r.get("end", 2**31 - 2))
        cols["max_km"].append(r.get("max_km", np.inf))
        cols["private"].append(r.get("private", False))
        cols["waste_code"].append(r.get("waste_code", ""))
        cols["quality"].append(r.get("quality", ""))
        cols["text"].append(r.get("text", ""))
    return Side.from_columns(cols)


def parties(sectors: dict[int, str], words: dict[int, str] | None = None) -> Parties:
    """Who the organisations are: a VSIC code each (and, optionally, their words)."""
    words = words or {}
    orgs = sorted(set(sectors) | set(words))
    return Parties.build(
        orgs, [sectors.get(o, "") for o in orgs], [words_of(words.get(o, "")) for o in orgs]
    )


def run(supplies: Side, demands: Side, who: Parties | None = None, **kw) -> list[tuple]:
    params = MatchParams(generic_materials=GENERIC, **kw)
    c = find_matches(supplies, demands, RULES, BOOK, params, check=_quality_check, parties=who)
    return [
        (
            int(supplies.ids[c.s[k]]),
            int(demands.ids[c.d[k]]),
            RULES[c.rule[k]].id if c.rule[k] >= 0 else int(c.rule[k]),
            int(c.rank[k]),
        )
        for k in range(len(c))
    ]


def test_same_material_pairs_and_is_ranked_by_net_benefit() -> None:
    supplies = side(
        [{"org": 1, "material": "plastic-scrap", "qty": 100, "price": 1_500_000, "fee": True}]
    )
    demands = side(
        [
            {
                "id": 10,
                "org": 2,
                "material": "plastic-scrap",
                "qty": 50,
                "price": 7_000_000,
                "north_km": 1,
            },
            {
                "id": 11,
                "org": 3,
                "material": "plastic-scrap",
                "qty": 100,
                "price": 7_000_000,
                "north_km": 2,
            },
        ]
    )
    out = run(supplies, demands)
    # The larger demand is worth more even though it is farther.
    assert [(d, rank) for s, d, _rule, rank in out if s == 1] == [(11, 1), (10, 2)]


def test_never_pairs_an_organisation_with_itself() -> None:
    supplies = side([{"org": 1, "material": "steel-slag", "price": 150_000, "fee": True}])
    demands = side([{"org": 1, "material": "steel-slag", "price": 40_000}])
    assert run(supplies, demands) == []


def test_reclaimed_water_stands_for_water_taken_as_it_is_not_for_softened_water() -> None:
    reuse = [
        r
        for r in RULES
        if r.supply_material == "treated-wastewater" and r.id != "same:treated-wastewater"
    ]
    assert reuse
    for rule in reuse:
        assert {"fresh-water", "process-water"} <= set(rule.demands), rule.id
        assert not {"softened-water", "demineralised-water"} & set(rule.demands), rule.id
    cooling = next(r for r in RULES if r.id == "cooling-water-to-process-water")
    assert "softened-water" in cooling.demands  # no such limit on its own


def test_knowledge_rule_with_quality_limits() -> None:
    demands = side([{"org": 2, "material": "natural-gypsum", "qty": 1000, "price": 450_000}])
    good = side(
        [
            {
                "org": 1,
                "material": "fgd-gypsum",
                "quality": "CaSO4.2H2O=96%; moisture=8%",
                "price": 200_000,
                "fee": True,
            }
        ]
    )
    bad = side(
        [
            {
                "org": 1,
                "material": "fgd-gypsum",
                "quality": "moisture=25%",
                "price": 200_000,
                "fee": True,
            }
        ]
    )
    unsaid = side([{"org": 1, "material": "fgd-gypsum", "price": 200_000, "fee": True}])
    board_maker = parties({1: "3511", 2: "2395"})
    assert {r for _, _, r, _ in run(good, demands, board_maker)} == {"fgd-gypsum-to-plasterboard"}
    assert run(bad, demands, board_maker) == []
    params = MatchParams(generic_materials=GENERIC)
    c = find_matches(unsaid, demands, RULES, BOOK, params, check=_quality_check)
    assert len(c) and any("not stated" in n for notes in c.quality_notes.values() for n in notes)


def test_code_hierarchy_and_waste_codes() -> None:
    supplies = side(
        [
            {"id": 1, "org": 1, "material": "solar-electricity", "qty": 100},
            {
                "id": 2,
                "org": 1,
                "material": "chemicals",
                "waste_code": "17 02 03",
                "price": 5_000_000,
                "fee": True,
            },
        ]
    )
    demands = side(
        [
            {"id": 10, "org": 2, "material": "electricity", "price": 2_000_000},
            {
                "id": 11,
                "org": 3,
                "material": "hazardous-waste",
                "waste_code": "17",
                "price": 1_000_000,
            },
        ]
    )
    out = {(s, d): r for s, d, r, _ in run(supplies, demands)}
    assert out[(1, 10)] == "kind-of:solar-electricity>electricity"
    assert out[(2, 11)] == -1  # the waste-code channel


def test_name_similarity_for_generic_materials() -> None:
    supplies = side(
        [
            {
                "org": 1,
                "material": "chemicals",
                "text": "dung moi axeton da qua su dung",
                "price": 2_000_000,
                "fee": True,
            }
        ]
    )
    demands = side(
        [{"org": 2, "material": "chemicals", "text": "axeton dung moi", "price": 9_000_000}]
    )
    out = run(supplies, demands)
    assert out and out[0][2] in ("same:chemicals", -2)


def test_distance_timing_and_listing_windows_filter() -> None:
    supplies = side([{"org": 1, "material": "steel-slag", "price": 150_000, "fee": True}])
    far = side([{"org": 2, "material": "aggregate", "price": 200_000, "north_km": 80}])
    old = side([{"org": 2, "material": "aggregate", "price": 200_000, "year": 2021}])
    closed = side(
        [
            {
                "org": 2,
                "material": "aggregate",
                "price": 200_000,
                "kind": LISTING,
                "start": 0,
                "end": 10,
            }
        ]
    )
    near_but_capped = side(
        [{"org": 2, "material": "aggregate", "price": 200_000, "north_km": 5, "max_km": 2}]
    )
    for demands in (far, old, near_but_capped):
        assert run(supplies, demands, same_park=False, radius_km=50) == []
    windowed = side(
        [
            {
                "org": 1,
                "material": "steel-slag",
                "price": 150_000,
                "fee": True,
                "start": 20,
                "end": 30,
            }
        ]
    )
    assert run(windowed, closed) == []


def test_existing_links_and_decided_pairs_stay_away() -> None:
    supplies = side([{"id": 5, "org": 1, "material": "steel-slag", "price": 150_000, "fee": True}])
    demands = side([{"id": 9, "org": 2, "material": "steel-slag", "price": 40_000}])
    assert run(supplies, demands)
    link = link_keys(np.array([1]), np.array([2]), np.array([BOOK.index["steel-slag"]]))
    assert run(supplies, demands, existing_links=link) == []
    pair = pair_keys(supplies.uid[:1], demands.uid[:1])
    assert run(supplies, demands, exclude_pairs=pair) == []


def test_only_pairs_worth_something_are_proposed() -> None:
    # Sold at the same price the receiver pays, 40 km away: the haul eats the benefit.
    supplies = side([{"org": 1, "material": "steel-scrap", "price": 9_000_000, "sold": True}])
    demands = side([{"org": 2, "material": "steel-scrap", "price": 9_000_000, "north_km": 40}])
    assert run(supplies, demands, same_park=False, radius_km=100) == []


SECTORS = ["2394", "2395", "2410", "1701", "2220", "3520", "3822", "1080", "1103", "24", ""]


def _national_like(seed: int, n_parks: int, firms: int) -> tuple[Side, Side, Parties]:
    """Random supplies and demands around a few parks, their firms of random sectors (some
    unknown), so that pairs fit, need confirmation or lie outside their rule."""
    rng = np.random.default_rng(seed)
    materials = [
        "steel-slag",
        "plastic-scrap",
        "paper-scrap",
        "wood-waste",
        "treated-wastewater",
        "furnace-dust",
    ]
    wants = {
        "steel-slag": ["aggregate", "natural-sand", "steel-slag"],
        "plastic-scrap": ["plastic-scrap", "virgin-plastic-resin"],
        "paper-scrap": ["paper-scrap", "virgin-pulp"],
        "wood-waste": ["biomass", "wood-waste"],
        "treated-wastewater": ["fresh-water"],
        "furnace-dust": ["furnace-dust", "hazardous-waste"],
    }
    centres = rng.normal(0, 40, n_parks)
    s_rows, d_rows = [], []
    for f in range(firms):
        park = int(rng.integers(n_parks))
        north = float(centres[park] + rng.normal(0, 1))
        m = materials[int(rng.integers(len(materials)))]
        s_rows.append(
            {
                "id": f + 1,
                "org": f + 1,
                "park": park,
                "material": m,
                "north_km": north,
                "qty": float(rng.lognormal(5, 1)),
                "price": float(rng.uniform(0, 500_000)),
                "fee": bool(rng.random() < 0.7),
            }
        )
        want = wants[materials[int(rng.integers(len(materials)))]]
        d_rows.append(
            {
                "id": 10_000 + f,
                "org": 100_000 + f,
                "park": park,
                "material": want[int(rng.integers(len(want)))],
                "north_km": north + float(rng.normal(0, 1)),
                "qty": float(rng.lognormal(5, 1)),
                "price": float(rng.uniform(0, 40_000_000)) if rng.random() < 0.9 else np.nan,
            }
        )
    orgs = [r["org"] for r in s_rows + d_rows]
    sectors = {o: SECTORS[int(rng.integers(len(SECTORS)))] for o in orgs}
    return side(s_rows), side(d_rows), parties(sectors)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), radius=st.sampled_from([5.0, 30.0, 80.0]))
def test_the_index_gives_exactly_the_all_pairs_answer(seed: int, radius: float) -> None:
    supplies, demands, who = _national_like(seed, n_parks=6, firms=120)
    params = MatchParams(same_park=False, radius_km=radius, generic_materials=GENERIC)
    a = find_matches(supplies, demands, RULES, BOOK, params, check=_quality_check, parties=who)
    b = find_matches_all_pairs(
        supplies, demands, RULES, BOOK, params, check=_quality_check, parties=who
    )

    def key(c: Candidates) -> list[tuple[int, int, int, float]]:
        return sorted(
            zip(
                c.s.tolist(),
                c.d.tolist(),
                c.rank.tolist(),
                np.round(c.net, 3).tolist(),
                strict=True,
            )
        )

    assert key(a) == key(b)
    # Distance filter, self pairs and positive net benefit hold for every proposal.
    km = (
        distances_km(supplies.lat[a.s], supplies.lon[a.s], demands.lat[a.d], demands.lon[a.d])
        * BOOK.circuity
    )
    assert (km <= radius * 1.01 + 1e-6).all()
    assert (supplies.org[a.s] != demands.org[a.d]).all()
    assert (a.net > 0).all() and (a.rank <= 5).all()


def test_matching_is_deterministic() -> None:
    supplies, demands, who = _national_like(7, n_parks=4, firms=80)
    params = MatchParams(same_park=False, radius_km=50, generic_materials=GENERIC)
    a = find_matches(supplies, demands, RULES, BOOK, params, check=_quality_check, parties=who)
    b = find_matches(supplies, demands, RULES, BOOK, params, check=_quality_check, parties=who)
    assert (
        a.s.tolist() == b.s.tolist()
        and a.d.tolist() == b.d.tolist()
        and a.rank.tolist() == b.rank.tolist()
    )


@pytest.mark.parametrize("same_park", [True, False])
def test_empty_sides_give_no_matches(same_park: bool) -> None:
    empty = Side.empty()
    demands = side([{"org": 2, "material": "aggregate", "price": 200_000}])
    assert run(empty, demands, same_park=same_park) == []
