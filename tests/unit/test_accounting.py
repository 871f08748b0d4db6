"""Accounting of pairs, transport as the seeds count it, and the circularity indicator,
each against a hand computation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkloop.accounting.book import build_book
from parkloop.accounting.circularity import MassBalance, material_circularity
from parkloop.accounting.pairs import PairInputs, account_pairs
from parkloop.accounting.transport import transport_cost, vnd
from parkloop.catalog import catalog


@pytest.fixture(scope="module")
def book():
    return build_book(catalog(), 2021)


def pair(book, supply, demand, **kw) -> PairInputs:
    n = 1
    defaults = {
        "q": np.array([1000.0]),
        "s_mat": np.array([book.index[supply]], dtype=np.int32),
        "d_mat": np.array([book.index[demand]], dtype=np.int32),
        "ratio": np.array([1.0]),
        "distance_km": np.array([10.0]),
        "supplier_fee": np.zeros(n),
        "supplier_revenue": np.zeros(n),
        "supplier_disposes": np.zeros(n, dtype=bool),
        "receiver_price": np.array([np.nan]),
        "treatment_cost": np.zeros(n),
    }
    defaults.update({k: np.atleast_1d(np.asarray(v)) for k, v in kw.items()})
    return PairInputs(**defaults)


# -- transport: the seed's route table -------------------------------------------------


@pytest.mark.parametrize(
    ("km", "per_day"),
    [(31, 116_562_914), (8, 30_080_752), (0.8, 3_008_075)],
)
def test_the_seed_route_costs(km: float, per_day: int) -> None:
    cost = transport_cost(2353, 34, 47, km, 300)
    assert vnd(cost.cost_vnd_per_day) == per_day
    assert cost.tonnes_per_day == 34 * 47
    assert cost.cost_vnd_per_year == pytest.approx(cost.cost_vnd_per_day * 300)


def test_transport_refuses_negative_inputs() -> None:
    with pytest.raises(ValueError, match="distance"):
        transport_cost(2353, 34, 47, -1, 300)


def test_whole_dong_rounds_half_up() -> None:
    assert vnd(3_008_075.2) == 3_008_075
    assert vnd(0.5) == 1
    assert vnd(-0.5) == -1


# -- pairs ------------------------------------------------------------------------------


def test_a_waste_replacing_a_virgin_input(book) -> None:
    # 1,000 t of FGD gypsum that costs 200,000 VND/t to landfill today replaces natural
    # gypsum bought at 450,000 VND/t, 10 km away by truck at the default 2,353 VND/t·km.
    p = pair(
        book,
        "fgd-gypsum",
        "natural-gypsum",
        supplier_fee=200_000.0,
        supplier_disposes=True,
        receiver_price=450_000.0,
        treatment_cost=50_000.0,
    )
    a = account_pairs(book, p)
    assert a.avoided_disposal_vnd[0] == pytest.approx(200_000_000)
    assert a.avoided_purchase_vnd[0] == pytest.approx(450_000_000)
    assert a.transport_cost_vnd[0] == pytest.approx(2353 * 1000 * 10)
    assert a.treatment_cost_vnd[0] == pytest.approx(50_000_000)
    assert a.net_benefit_vnd[0] == pytest.approx(200e6 + 450e6 - 23.53e6 - 50e6)
    assert a.tkm[0] == pytest.approx(10_000)
    assert a.virgin_material_avoided_t[0] == pytest.approx(1000)
    ef = book.virgin_ef[book.index["natural-gypsum"]]
    disposal = book.disposal_ef[book.index["fgd-gypsum"]]
    expected = 1000 * ef + 1000 * np.nan_to_num(disposal) - 10_000 * book.truck_t_co2e_per_tkm
    assert a.co2e_t[0] == pytest.approx(expected)


def test_attribution_and_deadweight_scale_benefits_not_costs(book) -> None:
    p = pair(
        book,
        "fgd-gypsum",
        "natural-gypsum",
        supplier_fee=200_000.0,
        supplier_disposes=True,
        receiver_price=450_000.0,
    )
    full = account_pairs(book, p)
    half = account_pairs(book, p, attribution=0.8, deadweight=0.25)
    benefit = full.avoided_disposal_vnd[0] + full.avoided_purchase_vnd[0]
    assert half.net_benefit_vnd[0] == pytest.approx(0.6 * benefit - full.transport_cost_vnd[0])
    with pytest.raises(ValueError):
        account_pairs(book, p, attribution=1.5)


def test_a_treater_taking_waste_is_a_service(book) -> None:
    # The fee is still paid to the treater; only the haul to today's site is saved.
    p = pair(
        book,
        "furnace-dust",
        "furnace-dust",
        supplier_fee=3_000_000.0,
        supplier_disposes=True,
        distance_km=1.0,
        service=True,
    )
    a = account_pairs(book, p)
    haul = book.truck_rate_vnd_per_tkm * 1000 * book.baseline_route_km
    assert a.avoided_disposal_vnd[0] == 0
    assert a.avoided_haul_vnd[0] == pytest.approx(haul)
    assert a.avoided_purchase_vnd[0] == 0
    assert a.co2e_avoided_disposal_t[0] == 0
    assert a.net_benefit_vnd[0] == pytest.approx(haul - book.truck_rate_vnd_per_tkm * 1000 * 1.0)


def test_water_by_pipe_and_energy(book) -> None:
    p = pair(
        book,
        "treated-wastewater",
        "fresh-water",
        q=100_000.0,
        distance_km=2.0,
        receiver_price=14_000.0,
    )
    a = account_pairs(book, p)
    rate = book.pipe_rate[book.index["treated-wastewater"]]
    assert a.transport_cost_vnd[0] == pytest.approx(rate * 100_000 * 2.0)
    assert a.tkm[0] == 0
    assert a.water_reused_m3[0] == pytest.approx(100_000)
    heat = account_pairs(book, pair(book, "waste-heat", "process-heat", q=1000.0, ratio=0.85))
    assert heat.energy_recovered_mwh[0] == pytest.approx(850.0)


def test_electricity_uses_the_grid_factor_of_the_year(book) -> None:
    a = account_pairs(book, pair(book, "solar-electricity", "electricity", q=100.0))
    assert a.co2e_avoided_virgin_t[0] == pytest.approx(100 * catalog().grid_factor(2021).value)
    assert a.transport_cost_vnd[0] == 0


def test_an_output_sold_today_saves_the_haul_to_its_buyer(book) -> None:
    # Scrap sold for 3,600,000 VND/t to a collector 30 km away; a steel plant 2 km away
    # pays 9,200,000: the uplift plus the haul saved, less the short haul.
    p = pair(
        book,
        "steel-scrap",
        "steel-scrap",
        q=100.0,
        distance_km=2.0,
        supplier_revenue=3_600_000.0,
        receiver_price=9_200_000.0,
        haul_replaced=True,
    )
    a = account_pairs(book, p)
    rate, route = book.truck_rate_vnd_per_tkm, book.baseline_route_km
    assert a.avoided_haul_vnd[0] == pytest.approx(rate * 100 * route)
    assert a.net_benefit_vnd[0] == pytest.approx(
        100 * (9_200_000 - 3_600_000) + rate * 100 * (route - 2)
    )
    assert a.co2e_avoided_haul_t[0] == pytest.approx(100 * route * book.truck_t_co2e_per_tkm)


def test_explicit_trips_follow_the_seed_formula(book) -> None:
    p = pair(
        book,
        "steel-slag",
        "steel-slag",
        q=479_400.0,
        distance_km=0.8,
        rate_vnd_per_tkm=2353.0,
        tonnes_per_trip=34.0,
        trips_per_day=47.0,
        operating_days=300.0,
    )
    a = account_pairs(book, p)
    assert a.transport_cost_vnd[0] == pytest.approx(2353 * 34 * 47 * 0.8 * 300)


finite = st.floats(min_value=0.0, max_value=1e7, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    q=st.lists(st.floats(min_value=0.1, max_value=1e6), min_size=1, max_size=8),
    fee=finite,
    price=finite,
    km=st.floats(min_value=0.0, max_value=300.0),
)
def test_money_and_co2_add_up_over_pairs(book, q, fee, price, km) -> None:
    n = len(q)
    p = PairInputs(
        q=np.array(q),
        s_mat=np.full(n, book.index["steel-slag"], dtype=np.int32),
        d_mat=np.full(n, book.index["aggregate"], dtype=np.int32),
        ratio=np.ones(n),
        distance_km=np.full(n, km),
        supplier_fee=np.full(n, fee),
        supplier_revenue=np.zeros(n),
        supplier_disposes=np.ones(n, dtype=bool),
        receiver_price=np.full(n, price),
        treatment_cost=np.zeros(n),
    )
    together = account_pairs(book, p).sum()
    apart = [
        account_pairs(
            book, PairInputs(**{k: v[i : i + 1] for k, v in vars(p).items() if v is not None})
        ).sum()
        for i in range(n)
    ]
    for key in ("net_benefit_vnd", "co2e_t", "transport_cost_vnd", "virgin_material_avoided_t"):
        assert together[key] == pytest.approx(sum(x[key] for x in apart), rel=1e-9, abs=1e-6)


# -- circularity -------------------------------------------------------------------------


def test_material_circularity_indicator_by_hand() -> None:
    # 600 t virgin + 400 t recycled in, 900 t of products, 100 t to landfill:
    # LFI = (600 + 100) / (2 × 900) = 0.3889; MCI = 1 − 0.3889 × 0.9 = 0.65.
    result = material_circularity(MassBalance(600, 400, 900, 0, 100))
    assert result is not None
    assert result.lfi == pytest.approx(700 / 1800)
    assert result.mci == pytest.approx(1 - 0.9 * 700 / 1800)


def test_circularity_bounds() -> None:
    assert material_circularity(MassBalance(0, 1000, 1000, 0, 0)).mci == pytest.approx(1.0)  # type: ignore[union-attr]
    linear = material_circularity(MassBalance(5000, 0, 1000, 0, 1000))
    assert linear is not None and linear.mci == pytest.approx(0.1)
    assert material_circularity(MassBalance(10, 0, 0, 0, 0)) is None
