"""The material lexicon: the names people write for every material, in Vietnamese and English."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from parkloop.catalog import catalog, fold
from parkloop.catalog.loader import STATUSES, Row
from parkloop.catalog.words import split

LEXICON = "material_lexicon.csv"


def lexicon() -> list[Row]:
    return catalog().rows(LEXICON)


def test_the_lexicon_has_the_expected_columns() -> None:
    assert set(lexicon()[0].data) == {"material", "lang", "term", "status", "source"}


def test_every_lexicon_material_exists() -> None:
    unknown = [
        f"line {r.line}: {r['material']}"
        for r in lexicon()
        if r["material"] not in catalog().materials
    ]
    assert not unknown, unknown


def test_every_term_is_vietnamese_or_english_and_not_blank() -> None:
    bad = [f"line {r.line}" for r in lexicon() if r["lang"] not in ("vi", "en") or not r["term"]]
    assert not bad, bad


@pytest.mark.parametrize("code", sorted(catalog().materials))
def test_every_material_has_three_vietnamese_and_two_english_terms(code: str) -> None:
    counts = Counter(r["lang"] for r in lexicon() if r["material"] == code)
    assert counts["vi"] >= 3 and counts["en"] >= 2, dict(counts)


def test_no_folded_term_names_two_materials() -> None:
    # Folded as the reader folds them: a word whose tone tells two materials apart keeps it
    # ('vỏ dứa', pineapple peel, is no 'vỏ dừa', coconut husk).
    owners: dict[str, set[str]] = defaultdict(set)
    for r in lexicon():
        owners[" ".join(split(r["term"]).folded)].add(r["material"])
    shared = {term: sorted(codes) for term, codes in owners.items() if len(codes) > 1}
    assert not shared, shared


def test_no_term_is_another_materials_name_or_code() -> None:
    names: dict[str, str] = {}
    for m in catalog().materials.values():
        for text in (m.code, m.code.replace("-", " "), m.name_vi, m.name_en):
            names[fold(text)] = m.code
    clash = [
        f"line {r.line}: '{r['term']}' ({r['material']}) is the name of {names[fold(r['term'])]}"
        for r in lexicon()
        if names.get(fold(r["term"]), r["material"]) != r["material"]
    ]
    assert not clash, clash


def test_statuses_are_valid_and_every_term_has_a_source() -> None:
    bad = [
        f"line {r.line}: status '{r['status']}', source '{r['source']}'"
        for r in lexicon()
        if r["status"] not in STATUSES or not r["source"].strip()
    ]
    assert not bad, bad


def test_vietnamese_terms_keep_their_diacritics() -> None:
    vi = [r["term"] for r in lexicon() if r["lang"] == "vi"]
    assert sum(fold(t) != t.casefold() for t in vi) / len(vi) > 0.9
