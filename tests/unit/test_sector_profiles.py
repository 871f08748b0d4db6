"""The sector profiles and typical sizes: loaded, validated, looked up from the most
specific code, and refused with file, line and field when broken."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from parkloop.catalog import CatalogError, catalog, load_catalog
from parkloop.catalog.loader import default_data_dir
from parkloop.catalog.profiles import (
    PROFILE_STATUSES,
    profile,
    profile_rows,
    sizes,
    typical_size,
)

# Divisions of the example parks and the test parks that screening must cover.
COVERED = ("10", "11", "13", "14", "16", "17", "20", "22", "23", "24", "25", "26", "27", "3511")


def test_every_row_is_an_estimate_with_a_source_and_a_basis() -> None:
    rows = profile_rows(catalog())
    assert len(rows) >= 100
    for row in rows:
        assert row.status in PROFILE_STATUSES, row
        assert row.status != "read"
        assert row.source and row.basis
        assert row.per_employee > 0
        assert row.unit == catalog().materials[row.material].canonical_unit


@pytest.mark.parametrize("division", COVERED)
def test_the_divisions_of_the_parks_have_outputs_or_inputs(division: str) -> None:
    cat = catalog()
    assert profile(cat, division, "out") or profile(cat, division, "in")


def test_a_class_takes_its_own_rows_and_its_divisions_for_a_direction_it_lacks() -> None:
    cat = catalog()
    brewery_out = {r.material for r in profile(cat, "1103", "out")}
    assert "brewers-spent-grain" in brewery_out
    assert {r.vsic for r in profile(cat, "1103", "out")} == {"1103"}
    # No inputs of class 1103: those of division 11; a 5-digit sub-class reads as its class.
    assert {r.vsic for r in profile(cat, "11030", "in")} == {"11"}
    # A cement plant is not a block maker: class 2394 replaces division 23's inputs.
    cement_in = {r.material for r in profile(cat, "2394", "in")}
    assert "limestone" in cement_in and "natural-sand" not in cement_in
    assert profile(cat, "2395", "in") == profile(cat, "23", "in")
    assert profile(cat, "9900", "out") == ()


def test_a_typical_size_falls_back_to_the_division_then_to_any_sector() -> None:
    cat = catalog()
    assert typical_size(cat, "2394").employees == sizes(cat)["2394"].employees
    assert typical_size(cat, "2395").vsic == "23"
    assert typical_size(cat, "9609").vsic == "*"
    assert all(s.source and s.status for s in sizes(cat).values())


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    with resources.as_file(default_data_dir()) as src:
        shutil.copytree(src, target)
    return target


def test_a_broken_profile_is_refused_with_file_line_and_field(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    path = data / "sector_profiles.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",out,organic-waste,2,t,estimate,", ",out,organic-waste,2,m3,read,")
    lines.append('99x,sideways,unobtainium,-1,t,estimate,"a source",a basis')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(data)
    text = str(info.value)
    assert "sector_profiles.csv:2 [unit]" in text
    assert "sector_profiles.csv:2 [status]" in text  # a recalled value is never "read"
    last = len(lines)
    for field in ("vsic", "direction", "material", "per_employee"):
        assert f"sector_profiles.csv:{last} [{field}]" in text


def test_a_sizes_file_without_a_fallback_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    path = data / "sector_sizes.csv"
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("*")
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"sector_sizes.csv:1 \[vsic\]"):
        load_catalog(data)
