"""Prices and fees filled from the catalog where staff give none.

Staff sheets rarely carry prices. A flow without one keeps its place in matching and
accounting with the catalog's reference value, marked ``estimate`` and citing the factor
it came from, so every figure can say which values were the staff's and which were filled:

- an output sold: the material's market price (its reference price when it has no
  separate market price);
- an output sold at a low price: ``sold_low_price_share`` of that;
- an organic residue sold without a market price in the catalog (distillers' grains, bran
  dust, fruit peel "bán cho hộ chăn nuôi"): nothing, the revenue counted as nil against the
  disposal fee it would otherwise cost — an estimate the offer says, so that the residue is
  still offered to a feed mill, farm, digester or composter and valued by what that
  receiver saves;
- an output sent to landfill, incineration, a licensed collector or treatment: the
  disposal fee of the material;
- an input: the price of buying the material; for a waste with no price but a disposal
  fee (what a composter or biogas plant takes in), the receiver is paid a gate fee of
  ``gate_fee_share`` of that fee, written as a negative price. Hazardous waste is the
  exception: a licensed treater takes it as a service for the full fee, so its price stays
  blank and matching treats the treater as the service it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from parkloop.catalog import knowledge
from parkloop.catalog.loader import Catalog, Factor

FEE_DESTINATIONS = frozenset({"landfill", "incineration", "licensed_collector", "treatment"})


# What a filled price is, as the import report names it (said in the reader's language).
FILLED_RULES = (
    "market price",
    "low-price share of the market price",
    "disposal fee",
    "purchase price",
    "gate fee paid to the receiver",
    "nil sale of an organic residue without a market price",
)


@dataclass(frozen=True)
class FilledPrice:
    """A price filled from the catalog: VND per canonical unit, and where it comes from."""

    value: float
    rule: str
    factor: Factor
    share: float = 1.0

    @property
    def status(self) -> str:
        return "estimate"

    @cached_property
    def source(self) -> str:
        scaled = f"{self.share:g} × " if self.share != 1.0 else ""
        return (
            f"{self.rule} from the parkloop catalog ({scaled}{self.factor.value:,.0f} "
            f"{self.factor.unit}, {self.factor.status}): {self.factor.source}"
        )


def _first(
    cat: Catalog, material: str, parameters: tuple[str, ...], year: int | None
) -> Factor | None:
    for parameter in parameters:
        factor = knowledge.material_factor(cat, material, parameter, year)
        if factor is not None:
            return factor
    return None


@lru_cache(maxsize=4096)
def reference_price(material: str, year: int | None = None) -> float | None:
    """The catalog's price of buying a material per canonical unit (its virgin, else market
    price), or None."""
    from parkloop.catalog import catalog

    cat = catalog()
    if material not in cat.materials:
        return None
    factor = _first(cat, material, ("virgin_price_vnd_per_unit", "market_price_vnd_per_unit"), year)
    return None if factor is None else factor.value


def _nil_sale(cat: Catalog, material: str, year: int | None) -> FilledPrice | None:
    """An organic residue (a waste code, a disposal fee) sold without a market price in the
    catalog: given to farms or sold for little, its revenue counted as nil (an estimate,
    citing the disposal fee it is set against)."""
    m = cat.materials[material]
    if m.material_class.value != "organic" or m.is_hazardous or not (m.vn_waste_code or m.ewc_code):
        return None
    fee = _first(cat, material, ("disposal_fee_vnd_per_unit",), year)
    if fee is None:
        return None
    return FilledPrice(0.0, FILLED_RULES[5], fee, 0.0)


@lru_cache(maxsize=65536)
def fill_price(
    cat: Catalog,
    material: str,
    direction: str,
    destination: str | None = None,
    year: int | None = None,
) -> FilledPrice | None:
    """The catalog's price for a flow that gives none, or None when the catalog has none
    (or the flow's destination costs and earns nothing: discharged, unknown, stored unless
    hazardous)."""
    if material not in cat.materials or material == "unclassified":
        return None
    sale = ("market_price_vnd_per_unit", "virgin_price_vnd_per_unit")
    if direction == "out":
        if destination in ("sold", "exchanged"):
            factor = _first(cat, material, sale, year)
            if factor is None and destination == "sold":
                return _nil_sale(cat, material, year)
            return None if factor is None else FilledPrice(factor.value, "market price", factor)
        if destination == "sold_low":
            factor = _first(cat, material, sale, year)
            if factor is None:
                return None
            share = cat.parameter("sold_low_price_share")
            return FilledPrice(
                share * factor.value, "low-price share of the market price", factor, share
            )
        m = cat.materials[material]
        # Hazardous waste is stored only until a licensed treater takes it (at most a year,
        # by Decree 08/2022/NĐ-CP): its fee is deferred, not saved.
        held = destination == "stored" and m.is_hazardous
        if destination in FEE_DESTINATIONS or held:
            factor = _first(cat, material, ("disposal_fee_vnd_per_unit",), year)
            return None if factor is None else FilledPrice(factor.value, "disposal fee", factor)
        return None
    factor = _first(cat, material, ("virgin_price_vnd_per_unit", "market_price_vnd_per_unit"), year)
    if factor is not None:
        return FilledPrice(factor.value, "purchase price", factor)
    fee = _first(cat, material, ("disposal_fee_vnd_per_unit",), year)
    m = cat.materials[material]
    if fee is None or m.is_hazardous:
        return None
    share = cat.parameter("gate_fee_share")
    return FilledPrice(-share * fee.value, "gate fee paid to the receiver", fee, -share)
