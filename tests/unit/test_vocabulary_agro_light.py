"""The agro-food and light-industry vocabulary as a park's environment officer types it.

``tests/data/vocabulary/agro_light.csv`` lists the outputs and inputs of food, drink,
tobacco, textile, garment, leather, wood, paper, printing, chemical, rubber and plastics
plants, farms, feed mills and composters (with and without accents, abbreviated, qualified,
misspelt), each with the sector the firm typed and the catalog material a practitioner
reads in it (``a|b``: either is right). ``agro_light_sectors.csv`` lists those sectors as
staff name them, with their VSIC class. Each file must be read at a stated share at least:
a new word that breaks an old reading, or a reading lost, makes the share fall.
"""

from __future__ import annotations

from vocabulary_probe import division as _division
from vocabulary_probe import rows as _rows
from vocabulary_probe import threshold as _threshold

from parkloop.catalog import catalog
from parkloop.catalog.recognise import recognise_material
from parkloop.catalog.sectors import recognise_sector

MATERIALS_READ, DIVISIONS_READ, CLASSES_READ = 0.95, 0.97, 0.9


def test_the_probe_names_catalog_materials_and_both_directions() -> None:
    rows = _rows("agro_light.csv")
    assert len(rows) >= 250
    unknown = {
        code for r in rows for code in r["expected"].split("|") if code not in catalog().materials
    }
    assert not unknown, unknown
    assert {r["direction"] for r in rows} == {"in", "out"}


def test_agro_food_and_light_industry_materials_are_read() -> None:
    rows = _rows("agro_light.csv")
    wrong = []
    for r in rows:
        found = recognise_material(r["text"], r["direction"], _division(r["sector"]))
        if found.code not in r["expected"].split("|"):
            wrong.append((r["text"], r["sector"], found.code, r["expected"]))
    share = 1 - len(wrong) / len(rows)
    assert share >= MATERIALS_READ, (round(share, 3), wrong)


def test_agro_food_and_light_industry_sectors_are_read() -> None:
    rows = _rows("agro_light_sectors.csv")
    assert len(rows) >= 80
    read = {r["text"]: recognise_sector(r["text"]) for r in rows}
    code = {
        t: m.code if m is not None and m.confidence >= _threshold() else "" for t, m in read.items()
    }
    divisions = sum(code[r["text"]][:2] == r["vsic"][:2] for r in rows) / len(rows)
    classes = sum(code[r["text"]] == r["vsic"] for r in rows) / len(rows)
    wrong = [(r["text"], code[r["text"]], r["vsic"]) for r in rows if code[r["text"]] != r["vsic"]]
    assert divisions >= DIVISIONS_READ, (round(divisions, 3), wrong)
    assert classes >= CLASSES_READ, (round(classes, 3), wrong)
