import shutil
from pathlib import Path

import pytest

from parkloop.catalog import CatalogError, catalog, load_catalog
from parkloop.catalog.loader import default_data_dir, fold
from parkloop.catalog.sheets import sheet_specs

# Every material the seeds name must be in the taxonomy.
SEED_MATERIALS = [
    "steel-scrap",
    "steel-slag",
    "mill-scale",
    "furnace-dust",
    "fly-ash",
    "bottom-ash",
    "fgd-gypsum",
    "plastic-scrap",
    "plastic-pellets",
    "paper-scrap",
    "wood-waste",
    "used-oil",
    "sewage-sludge",
    "organic-waste",
    "biogas",
    "steam",
    "waste-heat",
    "treated-wastewater",
    "fresh-water",
    "co2",
    "foundry-sand",
    "unfired-bricks",
    "cement",
    "aggregate",
    "electricity",
    "diesel",
    "coal",
    "biomass",
    "hazardous-waste",
]


def test_shipped_catalog_is_valid() -> None:
    cat = load_catalog()
    assert len(cat.materials) >= len(SEED_MATERIALS)


@pytest.mark.parametrize("code", SEED_MATERIALS)
def test_seed_materials_are_in_the_taxonomy(code: str) -> None:
    assert code in catalog().materials


def test_every_factor_keeps_its_status_label() -> None:
    statuses = {f.status for f in catalog().factors.values()}
    assert statuses <= {"read", "read_secondary", "derived", "recalled_unverified"}
    # Read in a public copy of IPCC 2006 Table 2.3 since; its N2O row was not.
    assert not catalog().factors["ipcc_natural_gas_co2"].unverified
    assert catalog().factors["ipcc_natural_gas_n2o"].unverified


def test_grid_factor_by_year_falls_back_to_the_latest_earlier_year() -> None:
    cat = catalog()
    assert cat.grid_factor(2023).value == 0.6592
    assert cat.grid_factor(2030).year == 2025
    assert cat.grid_factor(2010).year == 2014


def test_codes_nest() -> None:
    cat = catalog()
    assert cat.vsic_division("24100").code == "24"
    assert cat.vsic["24"].parent == "C"
    assert cat.ewc["10 02"].parent == "10"
    assert "VSIC 2025" not in cat.vsic_note or "36/2025" in cat.vsic_note
    assert "36/2025" in cat.vsic_note


def test_material_names_match_without_accents() -> None:
    cat = catalog()
    assert cat.material_by_name("Xỉ thép") == "steel-slag"
    assert cat.material_by_name("xi thep") == "steel-slag"
    assert cat.material_by_name("FGD gypsum") == "fgd-gypsum"
    assert cat.suggest_materials("xỉ lò điện hồ quang")[0] == "steel-slag"
    assert fold("Đường số 19") == "duong so 19"


def test_sheet_layout_has_labels_in_both_languages() -> None:
    for sheet in sheet_specs():
        assert sheet.label_vi and sheet.label_en
        for col in sheet.columns:
            assert col.label_vi and col.label_en, (sheet.key, col.key)
        headers = sheet.header_map()
        assert len(headers) >= len(sheet.columns)


def _broken_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    with __import__("importlib").resources.as_file(default_data_dir()) as src:
        shutil.copytree(src, target)
    return target


def test_a_broken_file_is_refused_with_file_line_and_field(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path)
    path = data / "materials.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",metal,t,", ",metals,tonnes,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(data)
    text = str(info.value)
    assert "materials.csv:2 [class]" in text
    assert "materials.csv:2 [canonical_unit]" in text


def test_a_row_without_source_or_with_an_unknown_status_is_refused(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path)
    path = data / "emission_factors.csv"
    text = path.read_text(encoding="utf-8").replace(
        ",0.6612,tCO2/MWh,read,", ",0.6612,tCO2/MWh,guessed,", 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"emission_factors.csv:2 \[status\]"):
        load_catalog(data)
