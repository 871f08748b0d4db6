"""Prices and fees filled from the catalog where staff give none, at their edges."""

from __future__ import annotations

import pytest

from parkloop.catalog import catalog, knowledge
from parkloop.catalog.prices import fill_price


def factor(material: str, parameter: str) -> float:
    found = knowledge.material_factor(catalog(), material, parameter)
    assert found is not None
    return found.value


def test_a_sold_output_gets_the_market_price_marked_estimate_with_its_source() -> None:
    filled = fill_price(catalog(), "steel-scrap", "out", "sold")
    assert filled is not None and filled.status == "estimate"
    market = knowledge.material_factor(catalog(), "steel-scrap", "market_price_vnd_per_unit")
    expected = market or knowledge.material_factor(
        catalog(), "steel-scrap", "virgin_price_vnd_per_unit"
    )
    assert expected is not None and filled.value == expected.value
    assert "market price" in filled.source and expected.source in filled.source


def test_sold_at_a_low_price_is_a_documented_share_of_the_market_price() -> None:
    full = fill_price(catalog(), "textile-scrap", "out", "sold")
    low = fill_price(catalog(), "textile-scrap", "out", "sold_low")
    share = catalog().parameter("sold_low_price_share")
    assert full is not None and low is not None
    assert low.value == pytest.approx(share * full.value)
    # Below the share under which a sale counts as low-value, so matching offers it.
    assert share < catalog().parameter("low_value_sale_share")


def test_an_output_to_disposal_gets_the_disposal_fee() -> None:
    filled = fill_price(catalog(), "steel-slag", "out", "landfill")
    assert filled is not None and filled.value == factor("steel-slag", "disposal_fee_vnd_per_unit")
    assert filled.rule == "disposal fee"


def test_an_input_is_bought_and_a_waste_without_a_market_is_taken_for_a_gate_fee() -> None:
    bought = fill_price(catalog(), "natural-gypsum", "in")
    assert bought is not None and bought.value > 0 and bought.rule == "purchase price"
    taken = fill_price(catalog(), "organic-waste", "in")
    assert taken is not None and taken.value < 0 and "gate fee" in taken.rule
    share = catalog().parameter("gate_fee_share")
    fee = factor("organic-waste", "disposal_fee_vnd_per_unit")
    assert taken.value == pytest.approx(-share * fee)


def test_nothing_is_filled_where_nothing_is_paid_or_known() -> None:
    assert fill_price(catalog(), "steel-slag", "out", "stored") is None
    assert fill_price(catalog(), "steel-slag", "out", None) is None
    assert fill_price(catalog(), "unclassified", "in") is None
    # A licensed treater takes hazardous waste as a service, for the full fee.
    assert fill_price(catalog(), "hazardous-waste", "in") is None


def test_an_organic_residue_sold_without_a_market_price_is_a_nil_sale_said_so() -> None:
    # Distillers' grains or bran dust "bán cho hộ chăn nuôi": no market price in the
    # catalog, yet sold; the revenue is counted as nil (an estimate that says so), so that
    # matching still offers the residue to a feed mill, farm, digester or composter.
    filled = fill_price(catalog(), "organic-waste", "out", "sold")
    assert filled is not None and filled.value == 0.0 and filled.status == "estimate"
    assert "without a market price" in filled.rule and "disposal" not in filled.rule
    assert "0 ×" in filled.source
    # Not a product, not a residue with a market price, not hazardous waste.
    assert fill_price(catalog(), "steel-scrap", "out", "sold").value > 0  # type: ignore[union-attr]
    assert fill_price(catalog(), "hazardous-waste", "out", "sold") is None
    assert fill_price(catalog(), "organic-waste", "out", "exchanged") is None
