"""The optimiser's bookkeeping on a park written as its staff write it: waste kept from
landfill comes from where the supplier's inventory says the waste goes (not from whether
a fee was typed); an exchange agreed but not yet running is fixed in the plan so that no
supply or demand is allocated twice; what is built is named as a person names it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from parkloop.services import accounting
from parkloop.services import optimize as service
from parkloop.services.importing import import_path

RATIO = 0.85  # waste heat to process heat (catalog rule waste-heat-to-process-heat)


def park(path: Path, negotiating: float | None = 4_000.0) -> Path:
    """A steel mill landfilling its slag on its own site (no fee typed: 0), a power plant
    venting waste heat, a food plant and a dairy buying process heat next door, a concrete
    plant buying crushed stone; the power plant and the food plant have agreed on 4,000 MWh of heat
    a year (negotiating, not yet running)."""
    firms = [
        ("thep", "Công ty Thép Bắc Giang", "2410", 21.300, 106.200),
        ("dien", "Nhà máy Nhiệt điện", "3510", 21.301, 106.201),
        ("thuc-pham", "Công ty Thực phẩm", "1010", 21.303, 106.202),
        ("sua", "Công ty Sữa", "1050", 21.299, 106.199),
        ("be-tong", "Công ty Bê tông", "2395", 21.305, 106.205),
        ("det", "Công ty Dệt may", "1410", 21.302, 106.203),
        ("tai-che", "Công ty Tái chế nhựa", "3830", 21.304, 106.204),
    ]
    flows = [
        ("thep", "2024", "ra", "Xỉ thép", 100_000, "tấn", "chôn lấp tại bãi của công ty", 0),
        ("thep", "2024", "vào", "Thép phế liệu", 400_000, "tấn", None, 9_000_000),
        ("dien", "2024", "ra", "Nhiệt thải", 30_000, "MWh", "xả thải", None),
        ("dien", "2024", "vào", "Than", 500_000, "tấn", None, 3_000_000),
        ("thuc-pham", "2024", "vào", "Nhiệt công nghệ", 5_000, "MWh", None, 550_000),
        ("sua", "2024", "vào", "Nhiệt công nghệ", 20_000, "MWh", None, 550_000),
        ("be-tong", "2024", "vào", "Đá dăm", 150_000, "tấn", None, 200_000),
        ("det", "2024", "ra", "Phế liệu nhựa", 300, "tấn", "chôn lấp", 500_000),
        ("tai-che", "2024", "vào", "Hạt nhựa nguyên sinh", 2_000, "tấn", None, 30_000_000),
    ]
    sheets: dict[str, list[dict[str, Any]]] = {
        "parks": [{"code": "kcn-bg", "name_vi": "KCN Bắc Giang", "lat": 21.3, "lon": 106.2}],
        "enterprises": [
            {"park": "kcn-bg", "code": c, "name_vi": n, "vsic": v, "lat": lat, "lon": lon}
            for c, n, v, lat, lon in firms
        ],
        "flows": [
            {
                "park": "kcn-bg",
                "enterprise": org,
                "period": period,
                "direction": direction,
                "material": material,
                "quantity": qty,
                "unit": unit,
                "destination": destination,
                "price_vnd_per_unit": price,
            }
            for org, period, direction, material, qty, unit, destination, price in flows
        ],
    }
    sheets["exchanges"] = [
        {
            "park": "kcn-bg",
            "key": "nhua-det-tai-che",
            "supplier": "det",
            "receiver": "tai-che",
            "material": "plastic-scrap",
            "receiver_material": "virgin-plastic-resin",
            "quantity": 300,
            "unit": "t",
            "status": "đang vận hành",
        }
    ]
    if negotiating is not None:
        sheets["exchanges"] += [
            {
                "park": "kcn-bg",
                "key": "nhiet-dien-thuc-pham",
                "supplier": "dien",
                "receiver": "thuc-pham",
                "material": "waste-heat",
                "receiver_material": "process-heat",
                "quantity": negotiating,
                "unit": "MWh",
                "status": "đang đàm phán",
            }
        ]
    path.write_text(
        json.dumps({"format": "parkloop", "version": 1, "sheets": sheets}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def heat_to(view: dict[str, Any], receiver: str) -> float:
    return sum(
        x["quantity"]
        for x in view["exchanges"]
        if x["receiver"]["code"] == receiver and x["material"] == "waste-heat"
    )


def test_landfill_kept_comes_from_the_destination_not_the_fee(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, park(tmp_path / "park.json"))
    view = service.optimise_network(engine, park="kcn-bg", save=False).view()
    slag = [x for x in view["exchanges"] if x["material"] == "steel-slag"]
    assert slag, "the landfilled slag finds the concrete plant"
    moved = sum(x["quantity"] for x in slag)
    # The steel mill typed a fee of 0 (its own landfill): the slag is still kept from it.
    assert all(x["accounting"]["avoided_disposal_vnd"] == 0 for x in slag)
    assert view["totals"]["gain"]["landfill_avoided_t_per_year"] == pytest.approx(moved)
    assert sum(x["landfill_avoided_t"] for x in slag) == pytest.approx(moved)
    # Heat is vented, not landfilled: it keeps nothing from landfill.
    assert all(x["landfill_avoided_t"] == 0 for x in view["exchanges"] if x["unit"] == "MWh")


def test_an_agreed_exchange_is_fixed_and_nothing_is_allocated_twice(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, park(tmp_path / "park.json"))
    view = service.optimise_network(engine, park="kcn-bg", save=False).view()
    agreed = view["committed"]
    assert [x["key"] for x in agreed] == ["nhiet-dien-thuc-pham"]
    assert agreed[0]["supply_taken"] == pytest.approx(4_000)
    assert agreed[0]["demand_taken"] == pytest.approx(4_000 * RATIO)
    # The food plant needs 5,000 MWh of process heat; 3,400 are agreed: the plan adds at
    # most what is left, never another full 5,000.
    planned = heat_to(view, "thuc-pham")
    assert planned * RATIO + 4_000 * RATIO <= 5_000 + 1e-6
    # The power plant's 30,000 MWh cover the agreed 4,000 and what is planned, no more.
    out = sum(x["quantity"] for x in view["exchanges"] if x["supplier"]["code"] == "dien")
    assert out + 4_000 <= 30_000 + 1e-6
    # The agreed exchange counts in the plan's totals, beside today's and the new ones.
    totals = view["totals"]
    assert totals["committed"]["exchanges"] == 1
    assert totals["committed"]["energy_mwh_per_year"] == pytest.approx(4_000 * RATIO)
    assert totals["after"]["exchanges"] == totals["before"]["exchanges"] + 1 + view["planned"]
    assert totals["after"]["energy_mwh_per_year"] == pytest.approx(
        totals["before"]["energy_mwh_per_year"]
        + 4_000 * RATIO
        + sum(x["energy_recovered_mwh"] for x in view["exchanges"])
    )
    # What the optimiser may still allocate is the inventory less the agreed exchange.
    net = service.network(engine, park="kcn-bg")
    assert net.candidates.demands.qty.sum() - net.problem.demand_qty.sum() == pytest.approx(
        4_000 * RATIO
    )
    assert net.candidates.supplies.qty.sum() - net.problem.supply_qty.sum() == pytest.approx(4_000)


def test_what_is_built_is_named_as_a_person_names_it(engine: sa.Engine, tmp_path: Path) -> None:
    import_path(engine, park(tmp_path / "park.json"))
    view = service.optimise_network(engine, park="kcn-bg", save=False).view()
    pipes = {i["receiver_id"]: i for i in view["investments"] if i["kind"] == "pipe"}
    names = {i["name"]["vi"].rsplit(", ", 1)[0] for i in pipes.values()}
    assert "đường ống nhiệt Nhà máy Nhiệt điện → Công ty Sữa" in names  # worth a heat pipe
    for i in pipes.values():
        km = i["distance_km"]
        vi, en = i["name"]["vi"], i["name"]["en"]
        assert vi.startswith("đường ống nhiệt Nhà máy Nhiệt điện → Công ty ")
        assert vi.endswith(f", {km:.1f} km".replace(".", ","))
        assert en.startswith("heat pipe Nhà máy Nhiệt điện → ") and en.endswith(f", {km:.1f} km")
        assert "opt-" not in vi + en


def test_a_recorded_exchange_is_valued_from_its_suppliers_own_record(
    engine: sa.Engine, tmp_path: Path
) -> None:
    """The agreed heat exchange: the power plant's inventory says the heat is vented
    (no fee, no sale), so nothing is foregone; a landfilled output with its own fee is
    valued at that fee, not as a sale."""
    import_path(engine, park(tmp_path / "park.json"))
    account = accounting.account_park(engine, "kcn-bg")
    heat = next(x for x in account.exchanges if x["key"] == "nhiet-dien-thuc-pham")
    assert heat["baseline"]["destination"] == "none" and heat["foregone_revenue_vnd"] == 0
    # The textile firm landfills its plastic scrap at 500,000 VND/t (its own record): the
    # exchange saves that fee and keeps 300 t from landfill; it forgoes no sale, though
    # plastic scrap has a market price in the catalog.
    plastic = next(x for x in account.exchanges if x["key"] == "nhua-det-tai-che")
    assert plastic["baseline"] == {
        "destination": "landfill",
        "price_vnd_per_unit": 500_000,
        "from": "inventory",
    }
    assert plastic["avoided_disposal_vnd"] == pytest.approx(300 * 500_000)
    assert plastic["foregone_revenue_vnd"] == 0 and plastic["avoided_haul_vnd"] == 0
    assert plastic["landfill_avoided_t"] == 300
    assert plastic["co2e_avoided_disposal_t"] > 0
