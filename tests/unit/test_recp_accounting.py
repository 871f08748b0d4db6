"""RECP accounting without a database: the fuel read from staff's words, its combustion
factor, CO2e by the grid factor of the measure's year, biogenic CO2 apart, payback, and
totals per enterprise, park and programme with their arithmetic."""

from __future__ import annotations

import pytest

from parkloop.accounting import recp
from parkloop.catalog import catalog
from parkloop.catalog.fuels import fuels, recognise_fuel


@pytest.mark.parametrize(
    ("text", "fuel"),
    [
        ("than", "coal"),
        ("Than cám 4a", "coal"),
        ("than đá Quảng Ninh", "coal"),
        ("than nhập khẩu", "bituminous-coal"),
        ("dầu DO", "diesel"),
        ("DO", "diesel"),
        ("Dau DO 0,05S", "diesel"),
        ("Dầu FO", "fuel-oil"),
        ("dầu mazut", "fuel-oil"),
        ("khí tự nhiên", "natural-gas"),
        ("khi thien nhien", "natural-gas"),
        ("LPG", "lpg"),
        ("gas", "lpg"),
        ("xăng A92", "gasoline"),
        ("trấu", "biomass"),
        ("củi đốt lò hơi", "biomass"),
        ("biogas", "biogas"),
        ("natural gas", "natural-gas"),
    ],
)
def test_the_fuel_is_read_from_the_words_staff_write(text: str, fuel: str) -> None:
    assert recognise_fuel(text).code == fuel


@pytest.mark.parametrize("text", ["điện lưới", "nước", "do cải tiến quy trình"])
def test_words_that_name_no_fuel_are_not_read_as_one(text: str) -> None:
    assert recognise_fuel(text).code == ""


def test_combustion_factors_per_tj() -> None:
    f = fuels(catalog())
    # IPCC 2006 Table 2.3: CO2 + CH4 × 27 + N2O × 273, kg/TJ ÷ 1000.
    assert f["coal"].t_co2e_per_tj == pytest.approx(98.3 + 10 * 27 / 1000 + 1.5 * 273 / 1000)
    assert f["diesel"].t_co2e_per_tj == pytest.approx(74.1 + 3 * 27 / 1000 + 0.6 * 273 / 1000)
    assert f["natural-gas"].t_co2e_per_tj == pytest.approx(56.1 + 27 / 1000 + 0.1 * 273 / 1000)
    assert f["natural-gas"].unverified  # its N2O row was recalled, not read: it says so
    assert not f["coal"].unverified
    # Biomass: its CO2 is biogenic, reported apart; CH4 and N2O count.
    assert f["biomass"].co2_t_per_tj == 0 and f["biomass"].biogenic_co2_t_per_tj == 100
    assert f["biomass"].t_co2e_per_tj == pytest.approx(30 * 27 / 1000 + 4 * 273 / 1000)
    assert f["coal"].arithmetic("vi") == "98,3 + 10 × 27/1000 + 1,5 × 273/1000 = 98,9795 t CO2e/TJ"


def measures() -> list[recp.MeasureInput]:
    return [
        recp.MeasureInput(
            park="a",
            org="x",
            key="x1",
            year=2019,
            electricity_saved_mwh=1000,
            fuel_saved_gj=10_000,
            fuel="coal",
            cost_saved_vnd=2e9,
            investment_vnd=3e9,
            chemicals_saved_t=12,
        ),
        recp.MeasureInput(park="a", org="x", key="x2", year=2019, water_saved_m3=5000),
        recp.MeasureInput(
            park="a", org="y", key="y1", year=2019, fuel_saved_gj=4_000, fuel="biomass"
        ),
        recp.MeasureInput(park="b", org="z", key="z1", year=2019, fuel_saved_gj=1_000),
        recp.MeasureInput(
            park="b",
            org="z",
            key="z2",
            year=2021,
            electricity_saved_mwh=100,
            cost_saved_vnd=1e8,
            investment_vnd=1e8,
        ),
    ]


def test_each_measure_by_its_own_year_and_fuel() -> None:
    cat = catalog()
    out = recp.account_measures(measures(), cat.grid_factor, fuels(cat))
    by_key = {m["key"]: m for m in out["measures"]}
    coal = fuels(cat)["coal"].t_co2e_per_tj
    assert by_key["x1"]["co2e_t"] == pytest.approx(1000 * 0.8458 + 10 * coal)
    assert by_key["x1"]["payback_years"] == 1.5
    assert by_key["z2"]["co2e_t"] == pytest.approx(100 * 0.7221)  # the grid factor of 2021
    assert by_key["z2"]["grid_factor"]["year"] == 2021
    # Biomass: CH4 and N2O counted, its CO2 reported apart.
    assert by_key["y1"]["co2e_t"] == pytest.approx(4 * (30 * 27 + 4 * 273) / 1000)
    assert by_key["y1"]["co2_biogenic_t"] == pytest.approx(400)
    # Fuel saved with no fuel type adds nothing, and is said.
    assert by_key["z1"]["co2e_t"] == 0 and by_key["z1"]["fuel_without_type_tj"] == 1


def test_totals_per_enterprise_park_and_programme() -> None:
    cat = catalog()
    out = recp.account_measures(measures(), cat.grid_factor, fuels(cat))
    programme = out["programme"]
    assert (programme["firms"], programme["parks"], programme["measures"]) == (3, 2, 5)
    assert programme["fuel_saved_tj"] == 15 and programme["fuel_by_type_tj"] == {
        "biomass": 4,
        "coal": 10,
    }
    assert programme["fuel_without_type_tj"] == 1
    assert sum(e["co2e_t"] for e in out["enterprises"]) == pytest.approx(programme["co2e_t"])
    assert sum(p["co2e_t"] for p in out["parks"]) == pytest.approx(programme["co2e_t"])
    assert [e["enterprise"] for e in out["enterprises"]] == ["x", "y", "z"]
    # Payback over the measures that give both an investment and money saved.
    assert programme["payback_years"] == pytest.approx(3.1e9 / 2.1e9, abs=0.01)
    assert programme["chemicals_saved_t"] == 12
    # The arithmetic, term by term: each grid year, each fuel.
    text = programme["arithmetic"]["en"]
    assert text.startswith("1,000 MWh × 0.8458 t/MWh (grid 2019) + 100 MWh × 0.7221 t/MWh")
    assert "10 TJ × (98.3 + 10 × 27/1000 + 1.5 × 273/1000) t CO2e/TJ (Anthracite coal)" in text
    assert text.endswith(f"= {programme['co2e_t']:,.1f} t CO2e")
    assert programme["in_words"]["en"].startswith("3 firms saved 1,100 MWh electricity")
    assert out["parks"][1]["in_words"]["en"].startswith("1 firm saved 100 MWh")
