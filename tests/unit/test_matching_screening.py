"""Screening firms by their sector's profile (no database): expected rows from a profile ×
employees, code proximity, two-way pairs, and the engine proposing only pairs with an
expected side, ranked by fit × net benefit with the screening factors."""

from __future__ import annotations

import numpy as np
import pytest

from parkloop.accounting.book import build_book
from parkloop.catalog import catalog
from parkloop.matching import screening as screen
from parkloop.matching.engine import MatchParams, find_matches
from parkloop.matching.rules import build_rules
from parkloop.matching.tables import EXPECTED_ID_BASE, FLOW, PROFILE, Side
from parkloop.services.matching import GENERIC, _code_levels, _quality_check

BOOK = build_book(catalog(), 2024)
RULES = build_rules(catalog())
LAT, LON = 20.93, 106.615
KM_LAT = 1 / 110.57

PROFILES = {
    ("1410", "out"): (
        screen.Typical("14", "out", "textile-scrap", 0.15),
        screen.Typical("14", "out", "paper-scrap", 0.1),
    ),
    ("1410", "in"): (screen.Typical("14", "in", "electricity", 3.5),),
    ("3830", "in"): (screen.Typical("3830", "in", "plastic-scrap", 40.0),),
}


def profiles(vsic: str, direction: str) -> tuple[screen.Typical, ...]:
    return PROFILES.get((vsic, direction), ())


def firm(org: int, vsic: str, employees: int | None, ins: bool = False, outs: bool = False):
    return screen.Firm(org, 1, vsic, employees, LAT, LON, ins, outs)


def expected(firms: list[screen.Firm]) -> screen.Expected:
    return screen.expected_sides(
        firms,
        profiles,
        lambda vsic: 50,
        BOOK.index,
        2024,
        disposal_fee={"paper-scrap": 500_000.0},
        market_price={"textile-scrap": 2_000_000.0},
        residues=frozenset({"textile-scrap"}),
    )


def test_a_firm_with_nothing_declared_gets_its_profile_times_its_employees() -> None:
    got = expected([firm(7, "1410", 800)])
    s, d = got.supplies, got.demands
    assert got.firms == 1 and got.typical_size == 0
    assert sorted(BOOK.codes[m] for m in s.material) == ["paper-scrap", "textile-scrap"]
    qty = {BOOK.codes[m]: q for m, q in zip(s.material, s.qty, strict=True)}
    assert qty == pytest.approx({"textile-scrap": 120.0, "paper-scrap": 80.0})
    assert d.qty.tolist() == pytest.approx([2800.0])
    assert s.expected.all() and d.expected.all()
    assert (s.kinds == PROFILE).all() and (s.ids >= EXPECTED_ID_BASE).all()
    assert set(s.price_status) == {"estimate"}
    # Paper scrap costs a fee to dispose of; textile scrap has a market and is a residue.
    paper = s.material == BOOK.index["paper-scrap"]
    assert s.fee[paper].all() and s.price[paper].tolist() == [500_000.0]
    assert (s.sold & s.already_sold)[~paper].all()
    people, said, row = got.basis[int(s.ids[0])]
    assert (people, said, row.vsic) == (800, True, "14")


def test_only_the_undeclared_direction_is_screened_and_a_missing_size_is_said() -> None:
    got = expected(
        [
            firm(1, "1410", 800, outs=True),  # declares outputs: inputs only
            firm(2, "1410", None),  # no employees: the typical 50
            firm(3, "", 100),  # no sector: not screened
            screen.Firm(4, 1, "1410", 10, None, None, False, False),  # nowhere: not screened
            firm(5, "9900", 10),  # a sector without a profile
        ]
    )
    assert got.firms == 2 and got.typical_size == 1
    assert set(got.supplies.org.tolist()) == {2}
    assert sorted(got.demands.org.tolist()) == [1, 2]
    assert sorted(got.supplies.qty.tolist()) == pytest.approx([5.0, 7.5])


def test_codes_sharing_6_4_or_2_digits() -> None:
    assert screen.code_digits("7602;7404", "17 04 05*") == ("7602", "7404", "170405")
    assert screen.shared_digits(("170405",), ("170405",)) == 6
    assert screen.shared_digits(("170405",), ("170402",)) == 4
    assert screen.shared_digits(("2520",), ("2523",)) == 2
    assert screen.shared_digits(("2621",), ("7204",)) == 0
    levels = _code_levels(2024)
    i = BOOK.index
    assert levels[i["fgd-gypsum"], i["natural-gypsum"]] == 4  # HS 2520 both
    assert levels[i["steel-scrap"], i["steel-scrap"]] == 6
    assert levels[i["fly-ash"], i["steel-scrap"]] == 0
    factors = screen.code_factor(np.array([6, 4, 2, 0], dtype=np.int8))
    assert factors.tolist() == [1.0, 0.95, 0.9, 0.85]
    assert (np.diff(factors) < 0).all()  # closer codes rank higher


def test_a_pair_is_two_way_when_the_reverse_pair_is_known() -> None:
    s, d = np.array([1, 2, 1]), np.array([2, 1, 3])
    known = screen.org_pair_keys(s, d)
    assert screen.two_way(s, d, known).tolist() == [True, True, False]


def side(rows: list[dict]) -> Side:
    cols: dict[str, list] = {
        k: [] for k in ("ids", "kinds", "org", "park", "material", "qty", "price", "fee")
    }
    for name in ("sold", "lat", "lon", "year", "start_day", "end_day", "max_km", "private"):
        cols[name] = []
    for name in ("waste_code", "quality", "text", "expected"):
        cols[name] = []
    for n, r in enumerate(rows):
        exp = r.get("expected", False)
        cols["ids"].append(r.get("id", (EXPECTED_ID_BASE if exp else 1) + n))
        cols["kinds"].append(PROFILE if exp else FLOW)
        cols["org"].append(r["org"])
        cols["park"].append(1)
        cols["material"].append(BOOK.index[r["material"]])
        cols["qty"].append(r.get("qty", 100.0))
        cols["price"].append(r.get("price", np.nan))
        cols["fee"].append(r.get("fee", False))
        cols["sold"].append(False)
        cols["lat"].append(LAT + r.get("north_km", 0.0) * KM_LAT)
        cols["lon"].append(LON)
        cols["year"].append(2024)
        cols["start_day"].append(-(2**31) + 1)
        cols["end_day"].append(2**31 - 2)
        cols["max_km"].append(np.inf)
        cols["private"].append(False)
        cols["waste_code"].append("")
        cols["quality"].append("")
        cols["text"].append("")
        cols["expected"].append(exp)
    return Side.from_columns(cols)


def screened(supplies: Side, demands: Side, **kw: object):
    params = MatchParams(
        generic_materials=GENERIC, screening=True, code_levels=_code_levels(2024), **kw
    )
    return find_matches(supplies, demands, RULES, BOOK, params, check=_quality_check)


def test_screening_proposes_only_pairs_with_an_expected_side() -> None:
    supplies = side(
        [
            {"org": 1, "material": "plastic-scrap", "price": 600_000.0, "fee": True},
            {"org": 4, "material": "plastic-scrap", "expected": True, "price": 600_000.0},
        ]
    )
    demands = side(
        [
            {"org": 2, "material": "plastic-scrap", "price": 7_000_000.0},  # declared
            {"org": 3, "material": "plastic-scrap", "expected": True, "north_km": 1.0},
        ]
    )
    c = screened(supplies, demands)
    pairs = {(int(supplies.org[s]), int(demands.org[d])) for s, d in zip(c.s, c.d, strict=True)}
    assert pairs == {(1, 3), (4, 2), (4, 3)}  # never the declared pair (1, 2)
    basis = {
        (int(supplies.org[s]), int(demands.org[d])): b
        for s, d, b in zip(c.s, c.d, c.factors.basis, strict=True)
    }
    assert basis[(1, 3)] == pytest.approx(screen.EXPECTED_FACTOR)
    assert basis[(4, 3)] == pytest.approx(screen.EXPECTED_FACTOR**2)
    assert (c.factors.code_level == 6).all()  # one material: the same code
    assert (c.net > 0).all() and (c.distance_km >= 0).all()


def test_a_two_way_pair_ranks_above_a_one_way_pair_alike() -> None:
    # Firm 1 (declared) offers plastic scrap; firms 3 and 5 are expected to take it, at the
    # same distance. Firm 3 is also expected to give steel scrap that firm 1 declares it
    # buys: 1 and 3 could each supply the other.
    supplies = side(
        [
            {"org": 1, "material": "plastic-scrap", "price": 600_000.0, "fee": True},
            {"org": 3, "material": "steel-scrap", "expected": True},
        ]
    )
    demands = side(
        [
            {"org": 3, "material": "plastic-scrap", "expected": True, "north_km": 1.0},
            {"org": 5, "material": "plastic-scrap", "expected": True, "north_km": -1.0},
            {"org": 1, "material": "steel-scrap", "price": 9_000_000.0},
        ]
    )
    c = screened(supplies, demands)
    plastic = np.flatnonzero(supplies.org[c.s] == 1)
    order = plastic[np.argsort(c.rank[plastic])]
    assert [int(demands.org[c.d[k]]) for k in order] == [3, 5]
    assert c.factors.two_way_pair[order].tolist() == [True, False]
    assert c.factors.two_way[order].tolist() == [1.0, screen.ONE_WAY_FACTOR]


def test_the_bounded_search_screens_as_the_all_pairs_search_does() -> None:
    rng = np.random.default_rng(3)
    s_rows, d_rows = [], []
    for k in range(12):
        s_rows.append(
            {
                "org": 100 + k,
                "material": "plastic-scrap",
                "expected": bool(k % 3 == 0),
                "price": 600_000.0,
                "fee": True,
                "qty": float(rng.integers(10, 500)),
                "north_km": float(rng.uniform(-20, 20)),
            }
        )
    for k in range(15):
        d_rows.append(
            {
                "org": 200 + k,
                "material": "plastic-scrap",
                "expected": bool(k % 2 == 0),
                "qty": float(rng.integers(10, 500)),
                "north_km": float(rng.uniform(-20, 20)),
            }
        )
    supplies, demands = side(s_rows), side(d_rows)
    one_park = screened(supplies, demands, top=3)
    bounded = screened(supplies, demands, top=3, same_park=False, radius_km=500.0)

    def ranked(c) -> set[tuple[int, int, int]]:
        return {(int(s), int(d), int(r)) for s, d, r in zip(c.s, c.d, c.rank, strict=True)}

    assert len(one_park) > 0
    assert ranked(one_park) == ranked(bounded)
