"""The assessment page states what its overall rate rests on, and shows the park's RECP
measures accounted as `parkloop account` accounts them: fuel by type, CO2e with its
arithmetic and factors, payback; to those outside the park, only totals that pass the
disclosure rule."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from webseed import P

from parkloop.store.schema import organisations, parks, recp_measures

Client = Callable[[str | None], TestClient]


def add_measures(engine: Engine) -> None:
    """Two measures of 2024 at the steel maker: a coal boiler and drives."""
    with engine.begin() as conn:
        park_id = conn.scalar(select(parks.c.id).where(parks.c.code == P))
        org_id = conn.scalar(
            select(organisations.c.id).where(
                organisations.c.park_id == park_id, organisations.c.code == "thep"
            )
        )
        common = {
            "park_id": park_id,
            "org_id": org_id,
            "year": 2024,
            "implemented": True,
            "electricity_saved_mwh": 0.0,
            "fuel_saved_gj": 0.0,
            "fuel_type": "",
            "fuel_text": "",
            "chemicals_saved_t": 0.0,
        }
        conn.execute(
            recp_measures.insert(),
            [
                {
                    **common,
                    "key": "thep:2024:boiler",
                    "title": "Cải tạo lò hơi đốt than",
                    "fuel_saved_gj": 10_000.0,
                    "fuel_type": "coal",
                    "fuel_text": "than cám",
                    "chemicals_saved_t": 12.0,
                    "cost_saved_vnd": 2e9,
                    "investment_vnd": 3e9,
                },
                {
                    **common,
                    "key": "thep:2024:drives",
                    "title": "Biến tần quạt",
                    "electricity_saved_mwh": 1_000.0,
                    "cost_saved_vnd": 1e9,
                    "investment_vnd": 1e9,
                },
            ],
        )


def test_the_rate_says_what_it_rests_on(client: Client) -> None:
    page = client("operator").get(f"/parks/{P}/assessment?ruleset=decree-82-2018&lang=vi").text
    assert "Tỷ lệ đạt chung" in page or "Overall rate" in page
    assert "tính trên" in page and "tiêu chí chưa có dữ liệu" in page
    assert "không tính vào tỷ lệ: do thiếu dữ liệu, không phải số đo bằng không" in page


def test_the_recp_register_counts_fuel_by_type_and_its_co2e(client: Client, engine: Engine) -> None:
    add_measures(engine)
    page = client("operator").get(f"/parks/{P}/assessment?ruleset=decree-82-2018&lang=vi").text
    assert "Nhiên liệu tiết kiệm, TJ/năm" in page and "Hóa chất tiết kiệm, tấn/năm" in page
    assert "Than antraxit" in page  # the fuel read from 'than cám'
    # 1,000 MWh × 0.6811 (grid 2024) + 10 TJ × 98.9795 = 681.1 + 989.8 = 1,670.9 t CO2e
    assert "1.670,9" in page
    assert "1.000 MWh × 0,6811 t/MWh (lưới điện 2024)" in page
    assert "ipcc_anthracite_co2" in page and "grid_vn_2024" in page
    assert "thời gian hoàn vốn, năm" in page and "1,3" in page  # 4 bn ÷ 3 bn a year


def test_outside_the_park_only_totals_that_pass_the_rule(client: Client, engine: Engine) -> None:
    add_measures(engine)
    page = client("authority").get(f"/parks/{P}/assessment?ruleset=decree-82-2018&lang=vi").text
    # One enterprise contributes everything: no figure may be published.
    assert "Cải tạo lò hơi đốt than" not in page and "1.670,9" not in page
    assert "lưới điện 2024" not in page
