"""RECP measures inside firms, imported as staff write them and accounted per enterprise,
park and programme: the UNIDO/SECO pilot programme's 22,000 MWh of electricity and 140 TJ
of coal a year (Lê Thùy Dương, 'Áp dụng mô hình kinh tế tuần hoàn tại các khu công nghiệp',
Học viện Ngoại giao: 72 firms, 22,000 MWh, 600,000 m³, 140 TJ, 3,600 t chemicals and
waste, about 32,000 t CO2 and 76 billion VND a year) land on the combustion-factor
arithmetic, and the figure is printed with that arithmetic."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from parkloop.cli import app, render
from parkloop.services import accounting
from parkloop.services.importing import ImportProblems, import_path

runner = CliRunner()

PARKS = ("khanh-phu", "hoa-khanh", "tra-noc")
# The grid factor of 2019 and the IPCC 2006 defaults (Vol.2 Ch.2 Table 2.3, manufacturing
# industries) written out here apart from the catalog: t CO2 per MWh; kg per TJ; GWP100.
GRID_2019 = 0.8458
ANTHRACITE = (98_300, 10, 1.5)  # CO2, CH4, N2O, kg/TJ
DIESEL = (74_100, 3, 0.6)
GWP_CH4, GWP_N2O = 27, 273


def per_tj(co2: float, ch4: float, n2o: float) -> float:
    return (co2 + ch4 * GWP_CH4 + n2o * GWP_N2O) / 1000


# (park, firm, MWh, GJ of fuel, the fuel as staff write it, m³, t chemicals, VND saved,
# VND invested): three parks of the 2015-2019 pilots, the programme's totals split among
# their firms.
MEASURES = [
    ("khanh-phu", "phan-dam", 9_000, 60_000, "than cám", 150_000, 1_500, 30e9, 45e9),
    ("khanh-phu", "thep-ninh-binh", 4_000, 20_000, "Than đá", 50_000, 300, 10e9, 12e9),
    ("hoa-khanh", "bia-da-nang", 3_000, 30_000, "than", 250_000, 900, 16e9, 20e9),
    ("hoa-khanh", "det-hoa-khanh", 2_500, 0, "", 80_000, 600, 9e9, 10e9),
    ("tra-noc", "thuy-san-tra-noc", 3_500, 30_000, "THAN CÁM 4A", 70_000, 300, 11e9, 14e9),
]


def write(directory: Path, fuel: str | None = None) -> Path:
    """Parks, firms and the RECP measures sheet with its Vietnamese headers, as a park's
    staff fill it in (the fuel written in words)."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "parks.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["code", "name_vi"])
        for p in PARKS:
            out.writerow([p, f"KCN {p}"])
    with (directory / "enterprises.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["park", "code", "name_vi"])
        for park, firm, *_ in MEASURES:
            out.writerow([park, firm, f"Công ty {firm}"])
    with (directory / "recp_measures.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "Khu công nghiệp",
                "Mã doanh nghiệp",
                "Năm",
                "Giải pháp",
                "Điện tiết kiệm (MWh/năm)",
                "Nhiên liệu tiết kiệm (GJ/năm)",
                "Loại nhiên liệu",
                "Nước tiết kiệm (m³/năm)",
                "Hóa chất tiết kiệm (tấn/năm)",
                "Chi phí tiết kiệm (VNĐ/năm)",
                "Vốn đầu tư (VNĐ)",
            ]
        )
        for park, firm, mwh, gj, words, m3, chem, saved, invest in MEASURES:
            out.writerow(
                [
                    park,
                    firm,
                    2019,
                    "Cải tiến lò hơi và hệ thống điện",
                    mwh,
                    gj,
                    (fuel if fuel is not None else words) if gj else "",
                    m3,
                    chem,
                    int(saved),
                    int(invest),
                ]
            )
    return directory


def run(db_url: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db_url, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_programme_figure_is_the_combustion_factor_arithmetic(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, write(tmp_path / "coal"))
    got = accounting.recp_programme(engine, parks=list(PARKS))
    total = got["programme"]
    expected = 22_000 * GRID_2019 + 140 * per_tj(*ANTHRACITE)  # 18,607.6 + 13,857.1
    assert got["year"] == 2019 and got["year_basis"]["how"] == "latest with data"
    assert total["firms"] == 5 and total["parks"] == 3
    assert total["electricity_saved_mwh"] == pytest.approx(22_000)
    assert total["fuel_saved_tj"] == pytest.approx(140)
    assert total["fuel_by_type_tj"] == {"coal": pytest.approx(140)}
    assert total["fuel_without_type_tj"] == 0
    assert total["water_saved_m3"] == pytest.approx(600_000)
    assert total["chemicals_saved_t"] == pytest.approx(3_600)
    assert total["cost_saved_vnd"] == pytest.approx(76e9)
    assert total["co2e_t"] == pytest.approx(expected, rel=0.05)
    assert 29_000 <= total["co2e_t"] <= 33_000
    # The method shows the arithmetic, term by term, in both languages.
    vi, en = total["arithmetic"]["vi"], total["arithmetic"]["en"]
    assert "22.000 MWh × 0,8458 t/MWh (lưới điện 2019)" in vi
    assert "140 TJ × (98,3 + 10 × 27/1000 + 1,5 × 273/1000)" in vi
    assert "22,000 MWh × 0.8458 t/MWh (grid 2019)" in en
    assert en.endswith(f"= {expected:,.1f} t CO2e")
    # Totals per park and per enterprise add up to the programme.
    assert sum(p["co2e_t"] for p in got["parks"]) == pytest.approx(total["co2e_t"])
    assert sum(e["co2e_t"] for e in got["enterprises"]) == pytest.approx(total["co2e_t"])
    assert total["payback_years"] == pytest.approx(101e9 / 76e9, abs=0.01)


def test_coal_and_diesel_no_longer_count_alike(engine: sa.Engine, tmp_path: Path) -> None:
    import_path(engine, write(tmp_path / "diesel", fuel="dầu DO"))
    total = accounting.recp_programme(engine, parks=list(PARKS))["programme"]
    assert total["fuel_by_type_tj"] == {"diesel": pytest.approx(140)}
    assert total["co2e_t"] == pytest.approx(22_000 * GRID_2019 + 140 * per_tj(*DIESEL), rel=1e-6)
    coal = 22_000 * GRID_2019 + 140 * per_tj(*ANTHRACITE)
    assert coal - total["co2e_t"] > 3_000  # 140 TJ × (98.98 − 74.34) t/TJ


def test_a_fuel_not_recognised_is_refused_with_the_choices(
    engine: sa.Engine, tmp_path: Path
) -> None:
    with pytest.raises(ImportProblems) as exc:
        import_path(engine, write(tmp_path / "bad", fuel="điện lưới"))
    details = "\n".join(exc.value.details)
    assert "Loại nhiên liệu" in details and "not a fuel parkloop knows" in details
    assert "dầu DO" in details


def test_the_account_prints_recp_and_says_the_year_it_chose(
    engine: sa.Engine, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render.console, "width", 250)  # tables unfolded, as on a wide screen
    import_path(engine, write(tmp_path / "coal"))
    text = run(db_url, "--lang", "vi", "account", "--park", "khanh-phu")
    # No flows, measures of 2019: the year is 2019 (not this year), and it is said.
    assert "Năm 2019: năm gần nhất có dữ liệu (giải pháp RECP 2019)" in text
    assert "Giải pháp RECP đã thực hiện năm 2019" in text
    assert "phan-dam" in text and "thep-ninh-binh" in text
    assert "lưới điện 2019" in text and "than" in text.lower()
    programme = run(
        db_url, "--lang", "en", "account", "recp", *[a for p in PARKS for a in ("--park", p)]
    )
    assert "RECP programme, 3 parks, 2019" in programme
    assert "5 firms saved 22,000 MWh electricity, 600,000 m³ water, 140.0 TJ fuel" in programme
    assert "22,000 MWh × 0.8458 t/MWh (grid 2019)" in programme
    data: dict[str, Any] = json.loads(
        run(db_url, "account", "recp", "--park", "hoa-khanh", "--year", "2019", "--json")
    )
    assert data["programme"]["firms"] == 2 and data["year_basis"]["how"] == "given"
