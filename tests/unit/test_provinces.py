"""The 34 provincial-level units since 2025 and the names people type for them."""

import csv
import re
import shutil
from pathlib import Path

import pytest

from parkloop.catalog.checks import codes_are_unique, every_row_has_status_and_source
from parkloop.catalog.loader import STATUSES, Catalog, default_data_dir
from parkloop.catalog.places import (
    current_provinces,
    resolve_province,
    suggest_provinces,
)


def rows(name: str) -> list[dict[str, str]]:
    with (default_data_dir() / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def code_of(text: str) -> str | None:
    match = resolve_province(text)
    return match.code if match else None


def test_there_are_34_units_with_6_plus_3_cities() -> None:
    units = current_provinces()
    assert len(units) == 34
    cities = {code for code, unit in units.items() if unit.kind == "city"}
    assert cities == {
        "ha-noi",
        "ho-chi-minh",
        "hai-phong",
        "da-nang",
        "can-tho",
        "hue",
        "dong-nai",
        "quang-ninh",
        "bac-ninh",
    }
    for unit in units.values():
        prefix = "Thành phố " if unit.kind == "city" else "Tỉnh "
        assert unit.full_name_vi == prefix + unit.name_vi
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", unit.code)
        assert 8.0 <= unit.lat <= 23.5 and 102.0 <= unit.lon <= 110.0
        assert unit.region in {r["code"] for r in rows("regions.csv")}


def test_the_63_former_units_are_each_in_exactly_one_current_unit() -> None:
    units = current_provinces()
    former = [name for unit in units.values() for name in unit.merged_from]
    assert len(former) == 63 and len(set(former)) == 63
    for code, unit in units.items():
        assert unit.seat_in_former in unit.merged_from
        for name in unit.merged_from:
            assert code_of(name) == code, name
    assert sum(len(u.merged_from) == 1 for u in units.values()) == 11


def test_every_code_and_name_of_the_pre_2025_list_maps() -> None:
    units = current_provinces()
    for row in rows("provinces.csv"):
        by_code, by_name = resolve_province(row["code"]), resolve_province(row["name_vi"])
        assert by_code is not None and by_name is not None, row["code"]
        assert by_code.code == by_name.code
        assert by_name.code in units


@pytest.mark.parametrize(
    ("typed", "code", "old"),
    [
        ("Bình Dương", "ho-chi-minh", "Bình Dương"),
        ("Bà Rịa - Vũng Tàu", "ho-chi-minh", "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa–Vũng Tàu", "ho-chi-minh", "Bà Rịa - Vũng Tàu"),
        ("BR-VT", "ho-chi-minh", "Bà Rịa - Vũng Tàu"),
        ("Hải Dương", "hai-phong", "Hải Dương"),
        ("Bắc Giang", "bac-ninh", "Bắc Giang"),
        ("Hà Nam", "ninh-binh", "Hà Nam"),
        ("Nam Định", "ninh-binh", "Nam Định"),
        ("Quảng Nam", "da-nang", "Quảng Nam"),
        ("Long An", "tay-ninh", "Long An"),
        ("Kiên Giang", "an-giang", "Kiên Giang"),
        ("Thừa Thiên Huế", "hue", "Thừa Thiên Huế"),
        ("Bình Phước", "dong-nai", "Bình Phước"),
        ("Hà Nội", "ha-noi", None),
        ("Quảng Ninh", "quang-ninh", None),
        ("Thanh Hóa", "thanh-hoa", None),
        ("Thanh Hoá", "thanh-hoa", None),
        ("TP. Hồ Chí Minh", "ho-chi-minh", None),
        ("TP HCM", "ho-chi-minh", None),
        ("Thành phố Hồ Chí Minh", "ho-chi-minh", None),
        ("Sài Gòn", "ho-chi-minh", None),
        ("Tỉnh Bắc Ninh", "bac-ninh", None),
    ],
)
def test_spot_checks(typed: str, code: str, old: str | None) -> None:
    match = resolve_province(typed)
    assert match is not None
    assert (match.code, match.old_name, match.typed) == (code, old, typed)
    assert match.name_vi == current_provinces()[code].name_vi


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("binh duong", "ho-chi-minh"),
        ("BINH-DUONG", "ho-chi-minh"),
        ("  Tỉnh   Bình  Dương ", "ho-chi-minh"),
        ("T. Bình Dương", "ho-chi-minh"),
        ("tinh bac-giang", "bac-ninh"),
        ("Ha Noi", "ha-noi"),
        ("Hanoi", "ha-noi"),
        ("TP.HCM", "ho-chi-minh"),
        ("tp ho chi minh", "ho-chi-minh"),
        ("Ba Ria Vung Tau", "ho-chi-minh"),
        ("ho-chi-minh", "ho-chi-minh"),
        ("thua-thien-hue", "hue"),
        ("Bac Ninh Province", "bac-ninh"),
    ],
)
def test_accents_case_prefixes_and_codes_do_not_matter(typed: str, code: str) -> None:
    assert code_of(typed) == code


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Binh Duogn", "ho-chi-minh"), ("Bình Dươg", "ho-chi-minh"), ("Hau Giangg", "can-tho")],
)
def test_a_small_typo_is_accepted_when_one_unit_is_clearly_best(typed: str, code: str) -> None:
    match = resolve_province(typed)
    assert match is not None and match.code == code and match.old_name is not None


@pytest.mark.parametrize(
    "typed", ["Kalundborg", "Đan Mạch", "", "   ", "Tỉnh", "Vũng Tàu", "Quang Bninh"]
)
def test_anything_else_gives_none(typed: str) -> None:
    assert resolve_province(typed) is None


def test_suggestions_are_current_names() -> None:
    names = {u.name_vi for u in current_provinces().values()}
    assert suggest_provinces("Vũng Tàu")[0] == "Hồ Chí Minh"
    assert suggest_provinces("Binh Duong", limit=5)[0] == "Hồ Chí Minh"
    assert len(suggest_provinces("Kalundborg")) == 3
    assert set(suggest_provinces("Đan Mạch", limit=34)) == names
    assert suggest_provinces("Hà Nội", limit=0) == []


@pytest.mark.parametrize("name", ["provinces_2025.csv", "province_names.csv"])
def test_every_row_has_a_status_and_a_source(name: str) -> None:
    for row in rows(name):
        assert row["status"] in STATUSES, row
        assert row["source"].strip(), row
        # sources name documents and addresses, never a look-up tool's internal ids
        assert not re.search(r"\b(id|ids)\b\s*[:=]?\s*\d{6,}", row["source"]), row
        assert not re.search(r"(?<![\w/.-])\d{9,}(?![\w/.-])", row["source"]), row


def test_name_rows_point_to_current_units_and_do_not_repeat() -> None:
    units = current_provinces()
    names = rows("province_names.csv")
    seen: set[str] = set()
    for row in names:
        assert row["current"] in units and row["kind"] in {"current", "pre2025"}
        assert row["name"] not in seen
        seen.add(row["name"])
        if row["stands_for"]:
            assert code_of(row["stands_for"]) == row["current"]
    for unit in units.values():
        assert unit.name_vi in seen and unit.full_name_vi in seen


def test_the_catalog_checks_accept_the_two_files(tmp_path: Path) -> None:
    for name in ("provinces_2025.csv", "province_names.csv"):
        with (default_data_dir() / name).open("rb") as src, (tmp_path / name).open("wb") as dst:
            shutil.copyfileobj(src, dst)
    cat = Catalog(tmp_path)
    assert cat.files() == ["province_names.csv", "provinces_2025.csv"]
    assert [*every_row_has_status_and_source(cat), *codes_are_unique(cat)] == []
