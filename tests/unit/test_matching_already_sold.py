"""Supplies of the kind "already sold": an output sold today at a fair price, offered to a
neighbour instead of the market, valued as a local sale and ranked below open wastes."""

from __future__ import annotations

import numpy as np
import pytest

from parkloop.accounting.book import build_book
from parkloop.accounting.pairs import PairInputs, account_pairs
from parkloop.catalog import catalog
from parkloop.matching.engine import MatchParams, find_matches
from parkloop.matching.fit import Parties, words_of
from parkloop.matching.rules import build_rules
from parkloop.matching.tables import FLOW, Side
from parkloop.services import matching
from parkloop.services.matching import (
    ALREADY_SOLD,
    GENERIC,
    _fit_columns,
    _quality_check,
    _ranked_receivers,
    open_before_sold,
)

BOOK = build_book(catalog(), 2025)
RULES = build_rules(catalog())
LAT, LON = 10.1012, 105.7208  # Trà Nóc
KM_LAT = 1 / 110.57
RATE, ROUTE = BOOK.truck_rate_vnd_per_tkm, BOOK.baseline_route_km


def local_sale(q: float, km: float, revenue: float, price: float) -> PairInputs:
    """Scrap sold today (``revenue`` per t) to a buyer on the baseline route, sold instead
    to a neighbour ``km`` away who pays ``price`` for the scrap it buys today."""
    one = np.ones(1)
    return PairInputs(
        q=q * one,
        s_mat=np.array([BOOK.index["steel-scrap"]], dtype=np.int32),
        d_mat=np.array([BOOK.index["steel-scrap"]], dtype=np.int32),
        ratio=one,
        distance_km=km * one,
        supplier_fee=np.zeros(1),
        supplier_revenue=revenue * one,
        supplier_disposes=np.zeros(1, dtype=bool),
        receiver_price=price * one,
        treatment_cost=np.zeros(1),
        haul_replaced=np.ones(1, dtype=bool),
    )


def test_a_local_sale_at_the_market_price_is_worth_the_haul_saved() -> None:
    # 500 t of scrap sold at the market price (8,500,000 VND/t, the price filled at
    # import) to a trader 30 km away; a neighbour 1.5 km away buys scrap at the same price.
    market = float(BOOK.market_price[BOOK.index["steel-scrap"]])
    a = account_pairs(BOOK, local_sale(500, 1.5, market, market))
    assert a.avoided_purchase_vnd[0] == pytest.approx(500 * market)
    assert a.foregone_revenue_vnd[0] == pytest.approx(500 * market)
    assert a.avoided_haul_vnd[0] == pytest.approx(RATE * 500 * ROUTE)
    assert a.transport_cost_vnd[0] == pytest.approx(RATE * 500 * 1.5)
    # By hand: 2,353 × 500 × (30 − 1.5) = 33,530,250 VND a year.
    assert a.net_benefit_vnd[0] == pytest.approx(RATE * 500 * (ROUTE - 1.5))
    assert a.net_benefit_vnd[0] == pytest.approx(33_530_250)


def test_a_local_sale_avoids_no_more_virgin_material() -> None:
    # Recycled pellets sold today replace virgin resin wherever they go; a neighbour
    # buying them instead of the trader's customer avoids no more virgin resin: only the
    # trucking saved is CO2e avoided. The money is the same either way.
    inputs = local_sale(500, 1.5, 20_000_000, 30_000_000)
    inputs.s_mat = np.array([BOOK.index["plastic-pellets"]], dtype=np.int32)
    inputs.d_mat = np.array([BOOK.index["virgin-plastic-resin"]], dtype=np.int32)
    counted = account_pairs(BOOK, inputs)
    inputs.replaces_elsewhere = np.ones(1, dtype=bool)
    a = account_pairs(BOOK, inputs)
    assert counted.co2e_avoided_virgin_t[0] > 0
    assert a.co2e_avoided_virgin_t[0] == 0
    truck = BOOK.truck_t_co2e_per_tkm
    assert a.co2e_t[0] == pytest.approx(truck * 500 * (ROUTE - 1.5))
    assert a.net_benefit_vnd[0] == pytest.approx(counted.net_benefit_vnd[0])


def test_a_local_sale_gains_what_the_neighbour_pays_above_the_trader() -> None:
    # The trader pays 7,000,000 VND/t, the neighbour pays 8,500,000 VND/t for scrap.
    a = account_pairs(BOOK, local_sale(100, 2.0, 7_000_000, 8_500_000))
    assert a.net_benefit_vnd[0] == pytest.approx(
        100 * (8_500_000 - 7_000_000) + RATE * 100 * (ROUTE - 2.0)
    )


def test_a_local_sale_farther_than_todays_buyer_is_worth_nothing() -> None:
    a = account_pairs(BOOK, local_sale(100, ROUTE + 5, 8_500_000, 8_500_000))
    assert a.net_benefit_vnd[0] < 0


def _side(rows: list[dict]) -> Side:
    cols: dict[str, list] = {
        k: []
        for k in (
            "ids",
            "kinds",
            "org",
            "park",
            "material",
            "qty",
            "price",
            "fee",
            "sold",
            "lat",
            "lon",
            "year",
            "start_day",
            "end_day",
            "max_km",
            "private",
            "waste_code",
            "quality",
            "text",
            "already_sold",
            "price_status",
        )
    }
    for i, r in enumerate(rows):
        cols["ids"].append(r.get("id", i + 1))
        cols["kinds"].append(FLOW)
        cols["org"].append(r["org"])
        cols["park"].append(1)
        cols["material"].append(BOOK.index[r["material"]])
        cols["qty"].append(r.get("qty", 100.0))
        cols["price"].append(r.get("price", np.nan))
        cols["fee"].append(r.get("fee", False))
        cols["sold"].append(r.get("sold", False) or r.get("already_sold", False))
        cols["lat"].append(LAT + r.get("north_km", 0.0) * KM_LAT)
        cols["lon"].append(LON)
        cols["year"].append(2025)
        cols["start_day"].append(-(2**31) + 1)
        cols["end_day"].append(2**31 - 2)
        cols["max_km"].append(np.inf)
        cols["private"].append(False)
        cols["waste_code"].append("")
        cols["quality"].append("")
        cols["text"].append("")
        cols["already_sold"].append(r.get("already_sold", False))
        cols["price_status"].append(r.get("price_status", ""))
    return Side.from_columns(cols)


def _who(sectors: dict[int, str]) -> Parties:
    orgs = sorted(sectors)
    return Parties.build(orgs, [sectors[o] for o in orgs], [words_of("") for _ in orgs])


def test_an_already_sold_output_reaches_a_neighbour_with_its_note() -> None:
    market = float(BOOK.market_price[BOOK.index["steel-scrap"]])
    supplies = _side(
        [
            {
                "id": 1,
                "org": 1,
                "material": "steel-scrap",
                "qty": 500,
                "price": market,
                "already_sold": True,
                "price_status": "estimate",
            }
        ]
    )
    demands = _side([{"id": 10, "org": 2, "material": "steel-scrap", "qty": 800, "north_km": 1.0}])
    params = MatchParams(generic_materials=GENERIC)
    found = find_matches(
        supplies,
        demands,
        RULES,
        BOOK,
        params,
        check=_quality_check,
        parties=_who({1: "2511", 2: "2410"}),
    )
    assert len(found) == 1
    assert found.net[0] == pytest.approx(
        RATE * 500 * ROUTE - RATE * 500 * found.distance_km[0], rel=1e-6
    )
    notes = _fit_columns(found, supplies.already_sold[found.s])["fit_note"]
    assert ALREADY_SOLD in str(notes[0]).split(";")


def test_open_wastes_rank_before_already_sold_outputs_of_the_same_supplier() -> None:
    # One firm lands some scrap in landfill (fee) and sells the rest to a trader: the
    # receivers of its open waste come first, whatever the sold part is worth.
    market = float(BOOK.market_price[BOOK.index["steel-scrap"]])
    supplies = _side(
        [
            {"id": 1, "org": 1, "material": "steel-scrap", "qty": 5, "price": 50_000, "fee": True},
            {
                "id": 2,
                "org": 1,
                "material": "steel-scrap",
                "qty": 900,
                "price": market,
                "already_sold": True,
            },
        ]
    )
    demands = _side(
        [
            {"id": 10, "org": 2, "material": "steel-scrap", "qty": 5, "north_km": 0.5},
            {"id": 11, "org": 3, "material": "steel-scrap", "qty": 900, "north_km": 1.0},
        ]
    )
    params = MatchParams(generic_materials=GENERIC)
    found = find_matches(
        supplies,
        demands,
        RULES,
        BOOK,
        params,
        check=_quality_check,
        parties=_who({1: "2511", 2: "2410", 3: "2410"}),
    )
    ranked = _ranked_receivers(found, supplies, demands)
    receivers = ranked[(1, BOOK.index["steel-scrap"])]
    # The sold part to firm 3 (900 t, about 61 million VND a year) is worth more than
    # the open waste to firm 2 (5 t, about 43 million), yet firm 2 comes first.
    by_pair = {
        (int(supplies.ids[found.s[k]]), int(demands.ids[found.d[k]])): float(found.net[k])
        for k in range(len(found))
    }
    assert by_pair[(2, 11)] > by_pair[(1, 10)]
    assert receivers[:2] == [2, 3]


def test_open_before_sold_moves_a_sold_proposal_after_the_open_ones_of_its_group() -> None:
    keys = [-100.0, -90.0, -80.0, -70.0]  # best first
    sold = [True, False, True, False]
    groups = [("r1", "scrap"), ("r2", "husk"), ("r3", "bran"), ("r1", "scrap")]
    # The sold scrap to r1 (best) moves after the open scrap to r1; the sold bran to r3
    # has no open rival and keeps its place.
    assert open_before_sold(keys, sold, groups) == [1, 2, 3, 0]


def test_every_reason_of_an_already_sold_match_reads_in_both_languages() -> None:
    from parkloop.domain.models import Match

    m = Match(
        id=None,
        park_code="P",
        supply_kind="flow",
        supply_id=1,
        demand_kind="flow",
        demand_id=2,
        supplier_code="A",
        supplier_park_code="P",
        receiver_code="B",
        receiver_park_code="P",
        material_code="steel-scrap",
        receiver_material_code="steel-scrap",
        rule_id="same:steel-scrap",
        channel="identity",
        quantity=500.0,
        unit="t",
        distance_km=1.5,
        score=1.0,
        rank=1,
        net_benefit_vnd_per_year=33_530_250.0,
        co2e_t_per_year=1.0,
        accounting={
            "avoided_purchase_vnd": 4_250_000_000.0,
            "foregone_revenue_vnd": 4_250_000_000.0,
            "avoided_haul_vnd": 35_295_000.0,
            "supply_quantity": 500.0,
            "demand_quantity": 800.0,
        },
        fit={
            "fit": 1.0,
            "channel": 1.0,
            "sector": 1.0,
            "quality": 1.0,
            "quantity": 1.0,
            "distance": 1.0,
            "notes": [ALREADY_SOLD],
            "price_status": "estimate",
            "receiver": ("2410", " "),
            "supplier": ("2511", " "),
        },
    )
    reasons = matching.explain(m)
    sold = [r for r in reasons if r["kind"] == "already_sold"]
    assert len(sold) == 1
    assert sold[0]["price_vnd_per_unit"] == pytest.approx(8_500_000)
    assert sold[0]["text_vi"].startswith("đã bán: bán cho doanh nghiệp lân cận thay cho thị trường")
    assert "8.500.000 VND/t" in sold[0]["text_vi"]
    assert "ước tính" in sold[0]["text_vi"]
    assert sold[0]["text"].startswith("already sold: a neighbour instead of the market")


def test_a_dilute_residue_measured_by_volume_is_a_liquid_fit_for_a_digester_not_feed() -> None:
    from parkloop.catalog.knowledge import check_quality, parse_quality_limits
    from parkloop.store.matching import LIQUID, _liquid_quality

    assert "organic-waste" in matching.dilute()
    assert "spent-yeast" not in matching.dilute()  # a slurry fed as it comes (1.05 t/m³)
    quality = np.array(["", "", "pH 5", "dry_matter=20%"], dtype=object)
    material = np.array(["organic-waste"] * 4, dtype=object)
    units = np.array(["m3/ngày", "tấn/tháng", "lít/ngày", "m3/ngày"], dtype=object)
    got = _liquid_quality(quality, material, units, matching.dilute())
    # Vinasse in m³/day is a liquid; in tonnes it says nothing; a stated dry matter stands.
    assert list(got) == [LIQUID, "", f"pH 5; {LIQUID}", "dry_matter=20%"]
    feed = parse_quality_limits("dry_matter>=15%")
    digester = parse_quality_limits("dry_matter<15%")
    assert check_quality(feed, LIQUID)[0] is False
    assert check_quality(digester, LIQUID)[0] is True


def test_a_row_sent_to_the_shared_wastewater_plant_runs_today_the_firms_own_plant_not() -> None:
    from parkloop.store.matching import to_shared_plant

    assert to_shared_plant("Đấu nối về trạm XLNT tập trung")
    assert to_shared_plant("Về trạm XLNT KCN")
    assert to_shared_plant("Xả vào HTXLNT")
    assert not to_shared_plant("Xả vào HTXLNT cục bộ")
    assert not to_shared_plant("XLNT yếm khí nội bộ")
    assert not to_shared_plant("Bán cho đơn vị thu mua")
    assert not to_shared_plant("")
    # A treatment system said to be shared, also after the firm's own pre-treatment.
    assert to_shared_plant("Hồ lắng, xả về HTXL tập trung")
    assert to_shared_plant("XL nội bộ, xả về HTXL tập trung")
    assert not to_shared_plant("HTXL nội bộ rồi xả ra sông")
    assert not to_shared_plant("Xả ra suối")


def test_a_pair_that_runs_today_is_the_same_material_to_the_shared_plant_only() -> None:
    from parkloop.matching.engine import runs_today

    water = catalog_index("industrial-wastewater")
    sludge = catalog_index("industrial-sludge")
    supplies = Side.from_columns(
        {
            "ids": [1, 2, 3],
            "kinds": [FLOW] * 3,
            "org": [10, 10, 11],
            "park": [1] * 3,
            "material": [water, sludge, water],
            "qty": [100.0] * 3,
            "price": [np.nan] * 3,
            "fee": [False] * 3,
            "sold": [False] * 3,
            "lat": [0.0] * 3,
            "lon": [0.0] * 3,
            "year": [2024] * 3,
            "start_day": [0] * 3,
            "end_day": [1] * 3,
            "max_km": [np.inf] * 3,
            "private": [False] * 3,
            "waste_code": [""] * 3,
            "quality": [""] * 3,
            "text": [""] * 3,
            "to_plant": [True, True, False],
        }
    )
    demands = Side.from_columns(
        {**{k: v[:1] for k, v in supplies.__dict__.items()}, "org": [20], "ids": [9]}
    )
    parties = Parties.build([10, 11, 20], ["", "", "3700"], [" ", " ", " xlnt "], {20: ("10",)})
    s = np.array([0, 1, 2], dtype=np.int64)
    d = np.zeros(3, dtype=np.int64)
    # The wastewater piped there runs; the sludge (not what the plant takes in) and the
    # wastewater of a row that names no plant do not.
    assert runs_today(supplies, demands, parties, s, d).tolist() == [True, False, False]
    assert not runs_today(supplies, demands, Parties.empty(), s, d).any()


def catalog_index(code: str) -> int:
    return build_book(catalog(), 2024).index[code]


def test_a_mixed_scrap_yard_wants_the_classes_it_did_not_list_a_metal_dealer_does_not() -> None:
    from parkloop.store.matching import SCRAP_TRADE_BASIS, _scrap_trade_too

    index = {
        c: i
        for i, c in enumerate(
            [
                "steel-scrap",
                "paper-scrap",
                "glass-cullet",
                "non-ferrous-scrap",
                "metal-scrap",
                "plastic-scrap",
                "textile-scrap",
            ]
        )
    }

    def flow(fid: int, org: int, material: str, qty: float) -> tuple[object, ...]:
        row: list[object] = [None] * 21
        row[0], row[1], row[3], row[4], row[6] = fid, org, material, "in", qty
        row[16], row[17], row[18] = "", "", None
        return tuple(row)

    rows = [
        flow(1, 7, "steel-scrap", 100.0),  # a yard of metal and paper
        flow(2, 7, "paper-scrap", 40.0),
        flow(3, 8, "steel-scrap", 100.0),  # a metal dealer
        flow(4, 8, "non-ferrous-scrap", 10.0),
    ]
    out = _scrap_trade_too(rows, index, {7, 8})
    added = {(r[1], r[3]): r for r in out[len(rows) :]}
    assert set(added) == {
        (7, "glass-cullet"),
        (7, "non-ferrous-scrap"),
        (7, "metal-scrap"),
        (7, "plastic-scrap"),
        (7, "textile-scrap"),  # fabric offcuts, sold on for wipers and shoddy
    }
    glass = added[(7, "glass-cullet")]
    assert glass[0] == 1 and glass[6] == 40.0 and glass[8] is None
    assert glass[17] == SCRAP_TRADE_BASIS
    # Not a scrap trade by its sector: nothing added.
    assert _scrap_trade_too(rows, index, set()) == rows
