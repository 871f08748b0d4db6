"""Heavy, mineral, metal, machinery and utility sectors as a park's environment officer
types them (tests/data/vocabulary/heavy_utility*.csv): outputs and inputs of refineries,
cement, bricks, glass, concrete, steel, foundries, machining, plating, electronics, cables,
vehicles, ships, power and steam, water, wastewater, waste treaters, scrap dealers and
builders, with and without diacritics, abbreviations and qualifiers, each read with the
firm's sector as the importer reads it. ``unclassified`` means no catalog material fits
yet: the text must be left for a person, never misread."""

from __future__ import annotations

from vocabulary_probe import division as _division
from vocabulary_probe import rows as _rows
from vocabulary_probe import threshold as _threshold

from parkloop.catalog.recognise import UNCLASSIFIED, recognise_material

MIN_MATERIALS, MIN_SECTORS = 0.95, 1.0  # share read right


def test_heavy_and_utility_materials_are_read_as_staff_write_them() -> None:
    rows = _rows("heavy_utility.csv")
    assert len(rows) >= 200
    wrong = []
    for r in rows:
        found = recognise_material(r["text"], r["direction"], _division(r["sector"]))
        code = found.code if found.confidence >= _threshold() else UNCLASSIFIED
        if code not in r["expected"].split("|"):
            wrong.append((r["text"], r["sector"], r["expected"], found.code))
    assert 1 - len(wrong) / len(rows) >= MIN_MATERIALS, wrong


def test_heavy_and_utility_sectors_are_read_to_their_division() -> None:
    rows = _rows("heavy_utility_sectors.csv")
    wrong = [(r["sector"], r["vsic"], _division(r["sector"])) for r in rows]
    wrong = [w for w in wrong if w[2] != w[1][:2]]
    assert 1 - len(wrong) / len(rows) >= MIN_SECTORS, wrong
