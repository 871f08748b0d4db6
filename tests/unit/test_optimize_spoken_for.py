"""The optimiser's bookkeeping, without a database: supplies and demands already spoken
for by agreed exchanges, and waste kept from landfill by where it goes, not by its fee."""

from __future__ import annotations

import math

import numpy as np
import pytest
from optimize_instances import problem

from parkloop.accounting.book import build_book
from parkloop.catalog import catalog
from parkloop.matching.engine import MatchParams, find_matches
from parkloop.matching.rules import build_rules
from parkloop.matching.tables import Side
from parkloop.optimize import Options, optimise
from parkloop.optimize.model import InvestmentCosts, problem_from_candidates


def test_what_is_spoken_for_is_taken_from_supplies_demands_and_links() -> None:
    # Supply 0 (10 units) feeds demand 0 (8) and demand 1 (6); 4 units of demand 0 are
    # agreed already, 3 of supply 0 with them.
    p = problem(
        supply=[10, 5], demand=[8, 6], links=[(0, 0, 5.0, 0), (0, 1, 4.0, 0), (1, 0, 3.0, 0)]
    )
    less = p.less(np.array([3.0, 0.0]), np.array([4.0, 0.0]))
    assert less.supply_qty.tolist() == [7.0, 5.0] and less.demand_qty.tolist() == [4.0, 6.0]
    assert less.cap.tolist() == [4.0, 6.0, 4.0]
    assert p.supply_qty.tolist() == [10.0, 5.0]  # the original is left as it was
    # The optimum on what is left never exceeds a demand together with what was agreed.
    flows = optimise(less, Options()).flows
    into_0 = flows.x[(less.d == 0)].sum()
    assert into_0 + 4.0 <= 8.0 + 1e-9
    assert flows.x[(less.s == 0)].sum() + 3.0 <= 10.0 + 1e-9
    # Taking more than there is leaves nothing, not a negative amount.
    none = p.less(np.array([20.0, 20.0]), np.array([20.0, 20.0]))
    assert none.supply_qty.tolist() == [0.0, 0.0] and none.cap.tolist() == [0.0, 0.0, 0.0]


def test_a_ratio_scales_what_a_link_may_carry_into_what_is_left_of_a_demand() -> None:
    p = problem(supply=[100], demand=[85], links=[(0, 0, 1.0, 0)], ratio=[0.85])
    assert p.cap.tolist() == [100.0]
    less = p.less(np.zeros(1), np.array([68.0]))  # 80 units of heat agreed, × 0.85
    assert less.cap.tolist() == pytest.approx([20.0])


def _side(rows: list[dict[str, object]]) -> Side:
    base = {
        "kinds": 0,
        "year": 2024,
        "start_day": -(2**30),
        "end_day": 2**30,
        "max_km": math.inf,
        "private": False,
        "waste_code": "",
        "quality": "",
        "text": "",
        "fee": False,
        "sold": False,
        "price": math.nan,
    }
    full = [{**base, **r} for r in rows]
    return Side.from_columns({k: [r[k] for r in full] for k in full[0]})  # type: ignore[misc]


def test_kept_from_landfill_follows_the_destination_not_the_fee() -> None:
    cat = catalog()
    book = build_book(cat, 2024)
    slag, sand = book.index["steel-slag"], book.index["natural-sand"]
    # Two slag heaps: one landfilled with no fee typed (the mill's own site), one with a
    # fee to a collector that is not a landfill.
    supplies = _side(
        [
            dict(ids=1, org=1, park=1, material=slag, qty=1000.0, lat=21.30, lon=106.20),
            dict(
                ids=2,
                org=2,
                park=1,
                material=slag,
                qty=500.0,
                fee=True,
                price=300000.0,
                lat=21.301,
                lon=106.201,
            ),
        ]
    )
    demands = _side(
        [
            dict(
                ids=3,
                org=3,
                park=1,
                material=sand,
                qty=5000.0,
                price=150000.0,
                lat=21.302,
                lon=106.2,
            )
        ]
    )
    rules = build_rules(cat)
    found = find_matches(supplies, demands, rules, book, MatchParams(top=5))
    assert {int(s) for s in found.s} == {0, 1}
    ids = [r.id for r in rules] + ["waste_code", "name"]
    classes = [cat.materials[c].material_class.value for c in book.codes]
    landfill = np.array([True, False])
    p = problem_from_candidates(
        supplies, demands, found, book, ids, classes, ["r"], InvestmentCosts(), landfill
    )
    kept = p.unit["landfill_avoided_t"]
    assert np.all(kept[found.s == 0] == 1.0)  # landfilled, no fee: kept from landfill
    assert np.all(kept[found.s == 1] == 0.0)  # a fee, but not to a landfill
    # Without a destination nothing is counted as landfill.
    p = problem_from_candidates(
        supplies, demands, found, book, ids, classes, ["r"], InvestmentCosts()
    )
    assert np.all(p.unit["landfill_avoided_t"] == 0.0)
