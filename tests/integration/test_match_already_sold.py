"""Outputs already sold reach an in-park receiver as supplies of the kind "already sold":
valued as a local sale, explained in the reader's language, ranked below an open waste of
the same material for the same receiver, never proposed beside an exchange already
running, and used by the optimiser with the same economics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from parkloop.accounting.book import build_book
from parkloop.catalog import catalog
from parkloop.domain.permissions import Viewer
from parkloop.services import matching
from parkloop.services import optimize as optimiser
from parkloop.services.importing import import_path

SCRAP_PRICE = 9_000_000  # what the steel mill pays for scrap today, VND/t


def park(path: Path, running: float | None = None) -> Path:
    """A machine shop selling 600 t of steel scrap a year to a trader (no price typed: the
    market price is filled), a fabricator landfilling 20 t of scrap at 200,000 VND/t, a
    steel mill buying scrap next door, and a garment maker that buys none (a distractor);
    with ``running``, t a year of the machine shop's scrap already go to the steel mill."""
    firms = [
        ("co-khi", "Công ty Cơ khí Chính xác", "2592", 21.300, 106.200),
        ("ket-cau", "Công ty Kết cấu thép", "2511", 21.302, 106.202),
        ("thep", "Công ty Thép Bắc Giang", "2410", 21.301, 106.201),
        ("det", "Công ty Dệt may", "1410", 21.303, 106.203),
    ]
    flows: list[tuple[Any, ...]] = [
        ("co-khi", "ra", "Thép phế liệu", 600, "bán cho đơn vị thu mua", None),
        ("ket-cau", "ra", "Thép phế liệu", 20, "chôn lấp", 200_000),
        ("thep", "vào", "Thép phế liệu", 20_000, None, SCRAP_PRICE),
        ("det", "vào", "Vải cotton", 500, None, 60_000_000),
    ]
    if running is not None:
        flows.append(("co-khi", "ra", "Thép phế liệu", running, "trao đổi", None))
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
                "period": "2024",
                "direction": direction,
                "material": material,
                "quantity": qty,
                "unit": "tấn",
                "destination": destination,
                "price_vnd_per_unit": price,
            }
            for org, direction, material, qty, destination, price in flows
        ],
    }
    if running is not None:
        sheets["exchanges"] = [
            {
                "park": "kcn-bg",
                "key": "phe-thep",
                "supplier": "co-khi",
                "receiver": "thep",
                "material": "steel-scrap",
                "quantity": running,
                "unit": "t",
                "status": "đang vận hành",
            }
        ]
    path.write_text(
        json.dumps({"format": "parkloop", "version": 1, "sheets": sheets}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def _scrap(run: matching.MatchRun) -> dict[str, Any]:
    return {m.supplier_code: m for m in run.matches if m.material_code == "steel-scrap"}


def test_an_output_already_sold_reaches_the_neighbour_as_a_local_sale(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, park(tmp_path / "park.json"))
    run = matching.run_matching(engine, park="kcn-bg", save=False)
    sold = _scrap(run)["co-khi"]
    assert sold.receiver_code == "thep"
    assert matching.ALREADY_SOLD in sold.fit["notes"]  # type: ignore[operator]
    assert sold.fit["price_status"] == "estimate"  # the market price filled at import
    # The local sale by hand: the mill's purchase avoided, less the trader's revenue, plus
    # the haul to the trader saved, less the short haul next door.
    a = sold.accounting
    book = build_book(catalog(), 2024)
    market = float(book.market_price[book.index["steel-scrap"]])
    assert a["avoided_purchase_vnd"] == pytest.approx(600 * SCRAP_PRICE, rel=1e-6)
    assert a["foregone_revenue_vnd"] == pytest.approx(600 * market, rel=1e-6)
    assert a["avoided_disposal_vnd"] == 0
    assert a["avoided_haul_vnd"] > a["transport_cost_vnd"] > 0
    assert sold.net_benefit_vnd_per_year == pytest.approx(
        600 * (SCRAP_PRICE - market) + a["avoided_haul_vnd"] - a["transport_cost_vnd"], abs=1
    )
    # The garment maker buys no scrap: it is never offered any.
    assert all(m.receiver_code != "det" for m in run.matches)
    reasons = {r["kind"]: r for r in matching.explain(sold)}
    assert reasons["already_sold"]["text_vi"].startswith(
        "đã bán: bán cho doanh nghiệp lân cận thay cho thị trường"
    )
    assert reasons["already_sold"]["text"].startswith(
        "already sold: a neighbour instead of the market"
    )
    # The open waste is not of that kind.
    assert matching.ALREADY_SOLD not in _scrap(run)["ket-cau"].fit["notes"]  # type: ignore[operator]


def test_an_already_sold_output_ranks_below_an_open_waste_for_the_same_receiver(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, park(tmp_path / "park.json"))
    run = matching.run_matching(engine, park="kcn-bg", save=True)
    scrap = _scrap(run)
    # The sold scrap is worth more (600 t against 20 t), yet it comes after the open waste.
    assert scrap["co-khi"].net_benefit_vnd_per_year > scrap["ket-cau"].net_benefit_vnd_per_year
    best = [m.supplier_code for m in run.best(10) if m.material_code == "steel-scrap"]
    assert best == ["ket-cau", "co-khi"]
    # The same order in the inbox and the web pages (the saved proposals, explained).
    views = matching.matches_for(engine, "kcn-bg", Viewer.admin())
    shown = [v["supplier"]["code"] for v in views if v["material"] == "steel-scrap"]
    assert shown == ["ket-cau", "co-khi"]
    texts = [r["text_vi"] for v in views for r in v["reasons"] if r["kind"] == "already_sold"]
    assert len(texts) == 1 and "đã bán" in texts[0]


def test_an_output_already_exchanged_is_not_offered_again_to_the_same_receiver(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, park(tmp_path / "park.json", running=100))
    run = matching.run_matching(engine, park="kcn-bg", save=False)
    # The machine shop's scrap already goes to the mill: its sold part is not proposed to
    # the mill beside the running exchange (one link, counted once).
    assert "co-khi" not in _scrap(run)


def test_the_optimiser_places_an_already_sold_output_with_its_local_sale_economics(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, park(tmp_path / "park.json"))
    view = optimiser.optimise_network(engine, park="kcn-bg", save=False).view()
    sold = [
        x
        for x in view["exchanges"]
        if x["supplier"]["code"] == "co-khi" and x["material"] == "steel-scrap"
    ]
    assert len(sold) == 1 and sold[0]["quantity"] == pytest.approx(600)
    acc = sold[0]["accounting"]
    assert acc["foregone_revenue_vnd"] > 0 and acc["avoided_disposal_vnd"] == 0
    # Sold today, it is not kept from landfill.
    assert sold[0]["landfill_avoided_t"] == 0
