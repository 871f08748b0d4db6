"""The parameter catalog: names, canonical units pint understands, physical ranges, and the
column headers staff write."""

from __future__ import annotations

import numpy as np
import pytest

from parkloop.monitoring.model import Media
from parkloop.monitoring.parameters import (
    UnitMismatch,
    UnknownParameter,
    catalog,
    header,
    parameter,
    parameters,
    recognise_column,
    to_canonical,
)
from parkloop.units import registry


def test_catalog_covers_water_and_stack_parameters_with_names_units_and_ranges() -> None:
    found = parameters()
    for code in (
        "flow",
        "temperature",
        "ph",
        "cod",
        "bod5",
        "tss",
        "nh4",
        "tn",
        "tp",
        "colour",
        "oil",
        "coliform",
        "as",
        "cd",
        "pb",
        "hg",
        "cr6",
    ):
        assert found[code].media is Media.WATER
    for code in ("dust", "so2", "nox", "co", "o2", "gas_flow", "gas_temperature"):
        assert found[code].media is Media.AIR
    for entry in catalog().values():
        p = entry.parameter
        assert p.name_vi and p.name_en and entry.status and entry.source
        if p.unit:
            registry()(p.unit)
        assert p.low is None or p.high is None or p.low < p.high
    assert (parameter("ph").low, parameter("ph").high) == (0.0, 14.0)
    with pytest.raises(UnknownParameter):
        parameter("xyz")


@pytest.mark.parametrize(
    ("text", "code", "unit"),
    [
        ("COD", "cod", None),
        ("Nhu cầu oxy hóa học", "cod", None),
        ("COD (mg/l)", "cod", "mg/l"),
        ("TSS", "tss", None),
        ("SS [mg/L]", "tss", "mg/L"),
        ("Tổng N", "tn", None),
        ("tong n", "tn", None),
        ("Amoni", "nh4", None),
        ("Amoni (tính theo N)", "nh4", None),
        ("NH4+ (mg/L)", "nh4", "mg/L"),
        ("Nhiệt độ (°C)", "temperature", "°C"),
        ("Lưu lượng (m³/h)", "flow", "m³/h"),
        ("Màu (Pt-Co)", "colour", "Pt-Co"),
        ("Coliform (MPN/100mL)", "coliform", "MPN/100mL"),
        ("Bụi tổng (mg/Nm3)", "dust", "mg/Nm3"),
        ("  ph  ", "ph", None),
    ],
)
def test_headers_staff_write_are_recognised(text: str, code: str, unit: str | None) -> None:
    found = recognise_column(text)
    assert found is not None and (found.parameter, found.unit) == (code, unit)


def test_a_shared_spelling_goes_to_the_stations_parameter() -> None:
    gas = recognise_column("Nhiệt độ (°C)", ["gas_temperature", "so2"])
    assert gas is not None and gas.parameter == "gas_temperature"
    assert recognise_column("COD", ["ph"]) is None
    assert recognise_column("timestamp") is None


def test_every_export_header_reads_back() -> None:
    for code in catalog():
        found = recognise_column(header(code), [code])
        assert found is not None and found.parameter == code, header(code)


def test_columns_convert_to_the_canonical_unit() -> None:
    assert to_canonical("cod", [1.0], "g/m3")[0] == pytest.approx(1.0)
    assert to_canonical("cod", [0.05], "g/L")[0] == pytest.approx(50.0)
    assert to_canonical("flow", [24.0], "m3/ngày")[0] == pytest.approx(1.0)
    assert to_canonical("temperature", [300.15], "K")[0] == pytest.approx(27.0)
    assert to_canonical("coliform", [30.0], "MPN/L")[0] == pytest.approx(3.0)
    assert to_canonical("dust", [0.2], "g/Nm3")[0] == pytest.approx(200.0)
    assert to_canonical("ph", np.array([7.0]), "-")[0] == 7.0
    for code, unit in (("ph", "mg/L"), ("cod", "°C"), ("cod", "bananas"), ("flow", "mg/L")):
        with pytest.raises(UnitMismatch):
            to_canonical(code, [1.0], unit)
