"""The factor book: every price and emission factor the accounting needs, per material,
resolved once for a year and kept with its citation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from parkloop.catalog import Catalog, Factor
from parkloop.domain.enums import MaterialClass

PIPE_CLASSES = frozenset(
    {MaterialClass.WATER, MaterialClass.HEAT, MaterialClass.STEAM, MaterialClass.GAS}
)
GRID_CLASSES = frozenset({MaterialClass.ELECTRICITY})
ENERGY_CLASSES = frozenset(
    {
        MaterialClass.HEAT,
        MaterialClass.STEAM,
        MaterialClass.ELECTRICITY,
        MaterialClass.FUEL,
        MaterialClass.GAS,
    }
)
# Transport modes as codes in arrays.
TRUCK, PIPE, GRID = 0, 1, 2

Lookup = Callable[[str, str], Factor | None]


@dataclass
class FactorBook:
    """Arrays indexed like ``codes``; NaN where no factor is known."""

    year: int
    codes: list[str]
    index: dict[str, int]
    price: NDArray[np.float64]
    market_price: NDArray[np.float64]
    disposal_fee: NDArray[np.float64]
    # Raising it in the receiver's own small plant (steam in its own boiler): what a park
    # utility's product replaces; NaN where no utility makes the material.
    self_price: NDArray[np.float64]
    self_ef: NDArray[np.float64]
    virgin_ef: NDArray[np.float64]
    disposal_ef: NDArray[np.float64]
    energy_mwh: NDArray[np.float64]
    tonnes_per_unit: NDArray[np.float64]
    mode: NDArray[np.int8]
    pipe_rate: NDArray[np.float64]
    is_water: NDArray[np.bool_]
    is_energy: NDArray[np.bool_]
    is_material: NDArray[np.bool_]
    truck_rate_vnd_per_tkm: float
    truck_t_co2e_per_tkm: float
    circuity: float
    baseline_route_km: float
    grid_t_co2e_per_mwh: float
    citations: dict[tuple[str, str], Factor] = field(default_factory=dict)

    def cite(self, material: str, parameter: str) -> Factor | None:
        return self.citations.get((material, parameter))


def build_book(cat: Catalog, year: int, lookup: Lookup | None = None) -> FactorBook:
    """Resolve every factor for ``year``. ``lookup(material, parameter)`` reads the
    knowledge base's material factors; the grid factor comes from the year."""
    from parkloop.catalog import knowledge

    lookup = lookup or (lambda m, p: knowledge.material_factor(cat, m, p, year))
    codes = list(cat.materials)
    n = len(codes)
    nan = np.full(n, np.nan)
    price, fee, vef, def_, energy = nan.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy()
    market = nan.copy()
    self_price, self_ef = nan.copy(), nan.copy()
    tonnes = np.ones(n)
    mode = np.zeros(n, dtype=np.int8)
    pipe_rate = np.zeros(n)
    is_water = np.zeros(n, dtype=bool)
    is_energy = np.zeros(n, dtype=bool)
    citations: dict[tuple[str, str], Factor] = {}
    grid = cat.grid_factor(year)
    rates = {
        MaterialClass.WATER: cat.parameters["pipe_rate_water_vnd_per_m3km"],
        MaterialClass.HEAT: cat.parameters["pipe_rate_heat_vnd_per_mwhkm"],
        MaterialClass.STEAM: cat.parameters["pipe_rate_steam_vnd_per_tkm"],
        MaterialClass.GAS: cat.parameters["pipe_rate_gas_vnd_per_nm3km"],
    }

    def take(i: int, code: str, parameter: str) -> float:
        f = lookup(code, parameter)
        if f is None:
            return float("nan")
        citations[(code, parameter)] = f
        return f.value

    for i, code in enumerate(codes):
        m = cat.materials[code]
        cls = m.material_class
        market[i] = take(i, code, "market_price_vnd_per_unit")
        price[i] = take(i, code, "virgin_price_vnd_per_unit")
        if np.isnan(price[i]):
            price[i] = market[i]
        fee[i] = take(i, code, "disposal_fee_vnd_per_unit")
        self_price[i] = take(i, code, "self_supply_price_vnd_per_unit")
        self_ef[i] = take(i, code, "self_supply_t_co2e_per_unit")
        def_[i] = take(i, code, "disposal_t_co2e_per_unit")
        energy[i] = take(i, code, "energy_content_mwh_per_unit")
        if cls in GRID_CLASSES:
            vef[i] = grid.value
            citations[(code, "virgin_production_t_co2e_per_unit")] = grid
            mode[i] = GRID
        else:
            vef[i] = take(i, code, "virgin_production_t_co2e_per_unit")
        if cls in PIPE_CLASSES:
            mode[i] = PIPE
            pipe_rate[i] = rates[cls].value
            citations[(code, "pipe_rate")] = rates[cls]
        if m.canonical_unit == "m3":
            tonnes[i] = cat.densities.get(code, 1.0)
        elif m.canonical_unit != "t":
            tonnes[i] = 0.0 if mode[i] != TRUCK else 1.0
        is_water[i] = cls is MaterialClass.WATER
        is_energy[i] = cls in ENERGY_CLASSES
        if cls in (MaterialClass.HEAT, MaterialClass.ELECTRICITY) and np.isnan(energy[i]):
            energy[i] = 1.0  # measured in MWh already
    truck = knowledge.transport_emission_factor(cat, "truck", year)
    if truck is not None:
        citations[("*", "truck_t_co2e_per_tkm")] = truck
    citations[("*", "grid_t_co2e_per_mwh")] = grid
    rate = cat.parameters["truck_rate_vnd_per_tkm"]
    citations[("*", "truck_rate_vnd_per_tkm")] = rate
    circuity = cat.parameters["road_circuity"]
    citations[("*", "road_circuity")] = circuity
    route = cat.parameters["baseline_route_km"]
    citations[("*", "baseline_route_km")] = route
    return FactorBook(
        year=year,
        codes=codes,
        index={c: i for i, c in enumerate(codes)},
        price=price,
        market_price=market,
        disposal_fee=fee,
        self_price=self_price,
        self_ef=self_ef,
        virgin_ef=vef,
        disposal_ef=def_,
        energy_mwh=energy,
        tonnes_per_unit=tonnes,
        mode=mode,
        pipe_rate=pipe_rate,
        is_water=is_water,
        is_energy=is_energy,
        is_material=~is_water & ~is_energy,
        truck_rate_vnd_per_tkm=rate.value,
        truck_t_co2e_per_tkm=truck.value if truck is not None else 0.0,
        circuity=circuity.value,
        baseline_route_km=route.value,
        grid_t_co2e_per_mwh=grid.value,
        citations=citations,
    )


def transport_mode_for(cat: Catalog, material: str) -> str:
    """How a material usually travels: pipe for water, heat, steam and gas; the grid for
    electricity; a truck for the rest."""
    cls = cat.materials[material].material_class
    if cls in GRID_CLASSES:
        return "grid"
    if cls in PIPE_CLASSES:
        return "pipe"
    return "truck"
