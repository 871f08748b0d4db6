"""Recognise the material park staff write in their own words.

Pure: reads only the shipped lexicons (``catalog/data``) and returns what it read, how sure
it is and the words that decided it. It never guesses silently: below the confidence
threshold a material comes back as ``unclassified`` with the nearest candidates, for a
person to settle. Vietnamese puts the head noun first ('dung dịch kiềm tẩy dầu' is an
alkali bath, not oil), so where words of two materials appear, the first one leads.

How a text is read, first rule that applies:

1. the catalog code itself, or a name, alias or lexicon term (case ignored; accents must
   agree where the text has them, so 'phoi nhôm' is not 'phôi');
2. a bare word read by the flow's direction and the firm's sector ('bùn thải' of a dye
   house, 'xỉ' of a steel mill; ``material_context.csv``);
3. the same names once ordinary qualifiers are set aside ("thải", "đã qua sử dụng",
   "sau xử lý", "từ lò hơi", "cột A"...; written with accents, as they are written: 'lõi'
   is no 'lỗi');
4. patterns of the hazardous-waste list (a drum + paint; rags + oil), their words among the
   head words, the container not part of a longer term ('vỏ cây' is bark);
5. lexicon terms inside the text as whole words, contiguous first, then in any order;
6. a bare word inside other words ('tạp chất nhựa');
7. fuzzy similarity (rapidfuzz) for typos and swapped words, word by word.

The words before 'từ'/'from' and outside brackets say what a thing is; what follows says
where it came from, and decides only when its reading spans those first words too.
A hazard marker ("dính dầu", "nhiễm hóa chất", "(CTNH)") turns a non-hazardous material into
hazardous waste, as the Vietnamese hazardous-waste list does; a text whose material is not
read but that the staff mark hazardous, in its words or where they send it ("Thuê xử lý
CTNH"), is hazardous waste, for a licensed treater (what it is stays for a person to
settle). A make-up marker ("bổ sung": water added to make up what a cooling tower or a
process loses) makes a water the firm takes in the water it buys, never a waste water
('nước làm mát bổ sung' is make-up water, not warm cooling water).
A list of distinct materials ('Than cám, trấu', 'Giấy, nhựa vụn') is a mix: an output is
read as the one the firm's sector yields most of where its profile knows them all, else (and
an input always) as the first listed; the others are named beside it. Items are joined by
commas and the like or by 'và'; a single word after a longer first item takes its head
words ('Phế liệu sắt, nhôm, đồng'). A material listed with kinds of it is that material,
read as a lot ('Phế liệu nhựa PET, PE, PP' is plastic scrap).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from parkloop.catalog.loader import Catalog, default_data_dir, fold
from parkloop.catalog.recognised import METHODS as METHODS
from parkloop.catalog.recognised import UNCLASSIFIED as UNCLASSIFIED
from parkloop.catalog.recognised import Recognised as Recognised
from parkloop.catalog.words import (
    BRACKETS as _BRACKETS,
)
from parkloop.catalog.words import (
    Words,
    accents_agree,
    contains,
    detone,
    detoned,
    find,
    head,
    rows,
    split,
)

# What each way of reading scores at most; confidence also depends on how much of the
# text the words explain and on how far the best candidate is ahead of the next.
EXACT, WITHOUT_QUALIFIERS, TERM_CORE = 1.0, 0.97, 0.92
CONTAINED_BASE, CONTAINED_SPAN, SCATTERED = 0.86, 0.12, 0.84
CONTEXT_SECTOR, CONTEXT_DIRECTION, INSIDE = 0.9, 0.84, 0.04
FUZZY_MIN_SCORE, FUZZY_MARGIN, WORD_MIN_SCORE = 86.0, 6.0, 65.0
AMBIGUOUS = 0.5
LOT = 0.9  # a list of grades bought together, read as the material they are kinds of
# Classes traded grade by grade, each at its own price: a list of grades on an input is a
# lot of the material they are kinds of (and matching values each kind at its own price).
GRADED_CLASSES = frozenset({"metal"})
MIX = 0.85  # a mix read as one of its materials: sure enough to be proposed, not certain
# Readings too loose to tell an item of a list apart: a waste name's bare core ('máu' is
# read as the 'màu' of 'kim loại màu', tone marks aside) and fuzzy likeness.
_WEAK = frozenset({"term-core", "fuzzy"})
# Readings a list may be a mix behind: terms found inside the text, or a bare word. A name,
# a pattern ('giẻ lau dính dầu') or a waste name without its waste word stands as read.
_MIXABLE = frozenset({"contains", "scattered", "context", "ambiguous"})
# Parents that make no kin of their kinds: a list of them is a mix, each bought as listed.
_NO_KIN = frozenset({"chemicals"})
_TONE_TAG = re.compile(r"~[fsxrj]?")  # a tone kept in a folded word ('dua~s': 'dứa')

_ORIGIN = frozenset({"tu", "from"})
_HOLDING = "đựng"
_LIST = re.compile(r"[,;/+]")
# Items of a list are also joined by 'và' ('Than cám và trấu'); kept as an item of its own
# where the text's words must stay in place, dropped where the items are read.
_AND = r"(?<=\s)và(?=\s)"
_LIST_KEEPING_AND = re.compile(rf"[,;/+]|({_AND})", re.IGNORECASE)
_ITEMS = re.compile(rf"[,;/+]|\s{_AND}\s", re.IGNORECASE)
_HAZARD = "hazard"
_ORIGIN_KIND = "origin"
_MAKE_UP = "make-up"
# Feed or food its staff call spoiled ('Cám, bắp bị mốc') is organic waste: compost or a
# digester, never a feed mill or a farm.
_SPOILED = "spoiled"
_OIL = "dau"  # oil, folded: a hazard mark of oil on a wastewater
SPOILED_AS, FEED = "organic-waste", "animal-feed"
HAZARDOUS_WASTE = "hazardous-waste"
# Water bought (and its kinds), and the kind of it that make-up water is.
BOUGHT_WATER, MAKE_UP_WATER = "fresh-water", "process-water"
COOLING_WATER = "cooling-water"  # warm water let out: as an input, the water drawn to cool
MARKED_HAZARDOUS = 0.8  # the staff's own mark, when nothing else in the text is read
_WASTE_KINDS = frozenset({"waste", "scrap", "used", "recovered", "surplus"})
# (code, confidence, method, words, suggestions)
Reading = tuple[str, float, str, str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _Context:
    direction: str
    sectors: frozenset[str]
    material: str


@dataclass(frozen=True, slots=True)
class _Text:
    """A text made ready for reading: its words, the words once qualifiers are set aside,
    the kinds of qualifiers found and where they sit."""

    words: Words
    core: Words
    kinds: frozenset[str]
    qualified: frozenset[int]  # positions inside qualifier phrases
    items: tuple[frozenset[str], ...] = ()  # words of each item of a list ('a, b, c')
    item_of: tuple[int, ...] = ()  # the item each word belongs to
    said: tuple[tuple[str, str], ...] = ()  # qualifier phrases found, with their kinds
    whence: frozenset[int] = frozenset()  # positions inside phrases of origin ('lò hơi')


class MaterialRecogniser:
    """Reads material texts against the catalog's names, aliases and lexicon."""

    def __init__(self, cat: Catalog, threshold: float) -> None:
        self.threshold = threshold
        self.materials = cat.materials
        self.hazardous = {code for code, m in cat.materials.items() if m.is_hazardous}
        # Waters that are not water a firm buys (waste water, warm cooling water): what a
        # make-up marker turns into the water it takes in.
        parents = {code: m.parent for code, m in cat.materials.items()}
        self.spent_waters = {
            code
            for code, m in cat.materials.items()
            if m.material_class.value == "water"
            and BOUGHT_WATER not in {code} | _ancestors(code, parents)
        }
        texts: list[tuple[str, str]] = []
        for m in cat.materials.values():
            texts += [(t, m.code) for t in (m.name_vi, m.name_en, *m.aliases)]
            texts.append((m.code.replace("-", " "), m.code))
        for row in rows(cat.data_dir, "material_lexicon.csv"):
            if row.get("material") in cat.materials:
                texts.append((row.get("term", ""), row["material"]))
        terms: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self.spellings: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
        for text, code in texts:
            w = split(text)
            if w:
                terms[w.folded].add(code)
                self.spellings[w.folded].add(w.accented)
        self.qualifiers = sorted(
            (
                (split(r["term"]), r["kind"])
                for r in rows(cat.data_dir, "material_qualifiers.csv")
                if split(r["term"])
            ),
            key=lambda q: -len(q[0]),
        )
        # Phrases that say nothing of the material ('các loại', of all kinds); a single word
        # may end a term ('loại' of 'kim loại').
        self.noise = tuple(
            q.folded for q, kind in self.qualifiers if kind == "noise" and len(q) > 1
        )
        self.qualifiers_by_first: dict[str, list[tuple[Words, str]]] = defaultdict(list)
        for phrase, kind in self.qualifiers:
            self.qualifiers_by_first[phrase.folded[0]].append((phrase, kind))
        # A term that names a material and its own parent names the more specific one;
        # a term that names two unrelated materials decides nothing on its own.
        self.parents = parents
        self.exact: dict[tuple[str, ...], str] = {}
        for term, codes in terms.items():
            specific = _most_specific(codes, parents)
            if specific is not None:
                self.exact[term] = specific
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for term, code in self.exact.items():
            self.by_first[term[0]].append((term, code))
        self.multiword = [
            (frozenset(term), term, code) for term, code in self.exact.items() if len(term) >= 2
        ]
        self.multiword_by_token: dict[str, list[int]] = defaultdict(list)
        for n, (tokens, _, _) in enumerate(self.multiword):
            for token in tokens:
                self.multiword_by_token[token].append(n)
        cores: dict[tuple[str, ...], set[str]] = defaultdict(set)
        # How each core is spelled in its terms: 'da' of 'da vụn' (leather), not 'đá'.
        self.core_spellings: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
        for term, code in self.exact.items():
            if not any(token in self.qualifiers_by_first for token in term):
                continue  # no qualifier can start in it: its core is the whole term
            stripped = self._prepare(Words(term, term, False))
            if stripped.core and stripped.core.folded != term and stripped.kinds & _WASTE_KINDS:
                cores[stripped.core.folded].add(code)
                kept = [i for i in range(len(term)) if i not in stripped.qualified]
                for spelling in self.spellings[term]:
                    self.core_spellings[stripped.core.folded].add(tuple(spelling[i] for i in kept))
        self.term_cores = {
            t: next(iter(c)) for t, c in cores.items() if len(c) == 1 and t not in self.exact
        }
        self.context: dict[tuple[str, ...], list[_Context]] = defaultdict(list)
        self.typical: dict[str, list[_Context]] = defaultdict(list)
        for r in rows(cat.data_dir, "material_context.csv"):
            if r["material"] not in cat.materials:
                continue
            entry = _Context(
                r["direction"],
                frozenset(s.strip() for s in r["sectors"].split(";") if s.strip()),
                r["material"],
            )
            word = split(r["word"])
            self.context[word.folded].append(entry)
            self.spellings[word.folded].add(word.accented)
            self.typical[r["material"]].append(entry)
        self.patterns = [
            (
                tuple(
                    tuple(split(alt) for alt in group.split("|") if split(alt))
                    for group in r["all_of"].split("+")
                ),
                r["material"],
            )
            for r in rows(cat.data_dir, "material_patterns.csv")
            if r["material"] in cat.materials
        ]
        # The first words of each group's alternatives: a pattern none of whose
        # alternatives for some group starts in a text cannot match it.
        self.pattern_firsts = [
            tuple(frozenset(alt.folded[0] for alt in group) for group in groups)
            for groups, _ in self.patterns
        ]
        self.choices = [" ".join(w) for w in self.exact]
        # Each choice with its words in order, as a token-sort comparison takes it: sorted
        # once here, not once per text compared.
        self.sorted_choices = [" ".join(sorted(choice.split())) for choice in self.choices]
        self.choice_codes = list(self.exact.values())
        self.sectors = frozenset(
            s for entries in self.context.values() for c in entries for s in c.sectors
        )
        self.sector_words = [
            w for w, entries in self.context.items() if any(c.sectors for c in entries)
        ]
        self.sector_words_by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for sector_word in self.sector_words:
            self.sector_words_by_first[sector_word[0]].append(sector_word)
        # Typical amounts per employee of each material (in tonnes) by division and direction:
        # which material of a mix the row's quantity most likely is.
        self.amounts: dict[tuple[str, str, str], float] = {}
        for r in rows(cat.data_dir, "sector_profiles.csv"):
            if r["material"] in cat.materials and r["unit"] == "t":
                key = (r["vsic"][:2], r["direction"], r["material"])
                self.amounts[key] = max(self.amounts.get(key, 0.0), float(r["per_employee"]))
        self.profiled = frozenset(division for division, _, _ in self.amounts)
        self._prepared: dict[str, _Text] = {}
        self._first: dict[str, _Text | None] = {}
        self._sector_matters: dict[str, bool] = {}
        self._alone: dict[str, bool] = {}
        # What a text holds whatever the direction and sector, worked out once per text.
        self._terms: dict[_Text, list[tuple[int, int, str, str]]] = {}
        self._apart: dict[_Text, Reading | None] = {}
        self._near: dict[tuple[tuple[str, ...], tuple[str, ...]], _Near] = {}
        self._bare: dict[_Text, list[tuple[tuple[str, ...], int]]] = {}
        self._longest_first = sorted(self.context, key=len, reverse=True)

    def __getstate__(self) -> dict[str, Any]:
        # Kept without the catalog's materials (see parkloop.kept): those of the catalog
        # loaded in the reading process are attached again.
        state = dict(self.__dict__)
        del state["materials"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        from parkloop.catalog import catalog

        self.__dict__.update(state)
        self.materials = catalog().materials

    # -- preparing a text ---------------------------------------------------------------
    def _prepare(self, w: Words, text: str = "") -> _Text:
        qualified: set[int] = set()
        kinds: set[str] = set()
        hits = []
        for i, token in enumerate(w.folded):
            for phrase, kind in self.qualifiers_by_first.get(token, ()):
                n = len(phrase.folded)
                if w.folded[i : i + n] == phrase.folded and (
                    # Written with accents, a qualifier is written as it is: 'lõi' (core)
                    # is no 'lỗi' (reject), 'vỏ' (husk) no 'vỡ' (broken).
                    not w.has_accents or accents_agree(w.accented[i : i + n], {phrase.accented})
                ):
                    hits.append((-n, i, kind))
        said: list[tuple[str, str]] = []
        whence: set[int] = set()
        for negative, i, kind in sorted(hits):  # longest phrases first
            span = set(range(i, i - negative))
            if not qualified & span:
                qualified |= span
                kinds.add(kind)
                said.append((" ".join(w.folded[i : i - negative]), kind))
                if kind == _ORIGIN_KIND:
                    whence |= span
        core = w.take(i for i in range(len(w)) if i not in qualified) if qualified else w
        pieces = _LIST_KEEPING_AND.split(text) if text else []
        parts = [split(part).folded for part in pieces if part]
        item_of = tuple(n for n, part in enumerate(parts) for _ in part)
        if len(item_of) != len(w):  # words not from this text: one item
            parts, item_of = [w.folded], tuple(0 for _ in w.folded)
        items = tuple(frozenset(p) for p in parts if p)
        return _Text(
            w,
            core,
            frozenset(kinds),
            frozenset(qualified),
            items,
            item_of,
            tuple(said),
            frozenset(whence),
        )

    def _agrees(self, t: Words, start: int, term: tuple[str, ...]) -> bool:
        """A term found at ``start`` is really written there (accents agree, if any)."""
        if not t.has_accents:
            return True
        return accents_agree(t.accented[start : start + len(term)], self.spellings[term])

    def _core_written(self, core: Words) -> bool:
        """A core written as its terms write it, tone marks aside: 'đá vụn' (stone chips)
        is no 'da vụn' (leather offcuts), though neither word of 'da' carries a mark."""
        if not core.has_accents:
            return True
        if len(core) == 1:
            # A bare word carries its meaning in its tone too: 'máu' (blood) is no 'màu'.
            return core.accented in self.core_spellings[core.folded]
        return detoned(core.accented) in map(detoned, self.core_spellings[core.folded])

    def _exact(self, t: Words) -> str | None:
        code = self.exact.get(t.folded)
        return code if code is not None and self._agrees(t, 0, t.folded) else None

    # -- reading ------------------------------------------------------------------------
    def recognise(
        self, text: str, direction: str | None = None, division: str | None = None, marked: str = ""
    ) -> Recognised:
        """``marked``: a hazard mark the staff wrote elsewhere on the row (the output is
        handed to a licensed unit to 'xử lý CTNH'): a material read with confidence becomes
        hazardous waste, as with a mark in the text; a text not read stays for a person."""
        raw = " ".join(text.split())
        if not raw:
            return Recognised(text, UNCLASSIFIED, 0.0, "unknown", "")
        # The sector weighs the materials of a mix; it reads words only where they need it.
        profiled = division
        if division not in self.sectors or not self.sector_matters(raw):
            division = None
        if raw.lower() in self.materials and raw.lower() != UNCLASSIFIED:
            return Recognised(text, raw.lower(), EXACT, "code", raw.lower())
        read = self._recognise_text(text, raw, direction, division, profiled, marked)
        if read.code == UNCLASSIFIED or read.confidence < self.threshold:
            listed = self._kinds_in_brackets(raw)
            if listed is not None:
                # 'Phế liệu các loại thu mua trong KCN (giấy, nhựa, sắt)', not read: the kinds
                # are the list in brackets under the head word ('Phế liệu giấy, nhựa, sắt').
                found = self.recognise(listed, direction, profiled, marked)
                if found.code != UNCLASSIFIED and found.confidence >= self.threshold:
                    return replace(found, text=text)
        return read

    def _recognise_text(
        self,
        text: str,
        raw: str,
        direction: str | None,
        division: str | None,
        profiled: str | None,
        marked: str,
    ) -> Recognised:
        whole = self._whole(raw)
        found = self._read(whole, direction, division)
        first = None
        if found[2] not in ("name", "name-without-qualifiers"):
            first = self._first_words(raw)
        if found[2] == "pattern" and first is not None:
            # A pattern whose words are not all among the head words is not what the thing
            # is: 'Gỗ keo tròn (đã bóc vỏ tại rừng)' is logs, not a drum of glue. What a
            # container held counts: 'Can đựng hóa chất' is a drum that held chemicals.
            head_words = set(_before_origin(head(raw), holding=False).folded)
            if not set(found[3].replace(" + ", " ").split()) <= head_words:
                found = self._read(first, direction, division)
            elif head_words == set(first.words.folded):
                # Words outside brackets that are a material's name say what it is: 'Vo cay
                # keo (vỏ bóc)' is acacia bark, no drum of glue.
                named = self._read(first, direction, division)
                if named[2] == "name" and named[0] not in self.hazardous:
                    found = named
        if first is not None and found[2] not in ("name", "name-without-qualifiers"):
            found = self._from_first_words(found, first, direction, division)
        quals = tuple(phrase for phrase, _ in whole.said)
        result = Recognised(text, *found, qualifiers=quals)
        if found[2] in _MIXABLE or found[0] == UNCLASSIFIED:
            mix = self._mix(raw, direction, division, profiled)
            if mix is not None and mix[0] == found[0]:
                # The reading already named the likely bulk: as sure, and now a mix.
                result = Recognised(text, found[0], max(found[1], mix[1]), *mix[2:], quals)
            elif mix is not None:
                result = Recognised(text, *mix, qualifiers=quals)
        drawn = direction == "in" and result.code == COOLING_WATER
        if (
            (_MAKE_UP in whole.kinds or drawn)
            and direction != "out"
            and result.code in self.spent_waters
            and MAKE_UP_WATER in self.materials
        ):
            # Cooling water a firm takes in is the water it draws to cool ('Nước làm mát
            # (nước thô)' of a power plant), never the warm water it lets out.
            marker = next((phrase for phrase, kind in whole.said if kind == _MAKE_UP), result.words)
            return Recognised(
                text,
                MAKE_UP_WATER,
                min(result.confidence, 0.9),
                "make-up",
                f"{marker} ({result.code})",
                (result.code, *result.suggestions),
                quals,
            )
        if (
            _SPOILED in whole.kinds
            and direction != "in"
            and FEED in {result.code} | _ancestors(result.code, self.parents)
            and SPOILED_AS in self.materials
        ):
            marker = next(phrase for phrase, kind in whole.said if kind == _SPOILED)
            result = Recognised(
                text,
                SPOILED_AS,
                result.confidence,
                result.method,
                f"{result.words} + {marker}",
                (result.code, *result.suggestions),
                quals,
            )
        written = next((phrase for phrase, kind in whole.said if kind == _HAZARD), "")
        if (
            written
            and not marked
            and result.code in self.spent_waters
            and _OIL in written.split()
            and result.confidence >= self.threshold
        ):
            # Oily wastewater ('Nước thải ... dính dầu') is wastewater: an oil trap is its
            # pre-treatment before the sewer, as the staff send it; handed to a licensed
            # treater as CTNH it is liquid hazardous waste.
            written = ""
        hazard = written or marked
        if hazard and (result.code == UNCLASSIFIED or result.confidence < self.threshold):
            # Nothing else is read, but the staff mark it hazardous ('Thuốc hỏng (CTNH)'), or
            # hand it to a licensed treater as such ('Thuê xử lý CTNH'): it goes nowhere else.
            others = (result.code, *result.suggestions) if result.confidence else ()
            # A hazardous kind read too loosely to stand alone is what the mark confirms
            # ('Bản mạch PCB lỗi' handed over as CTNH: electronic waste).
            kind = result.code if result.code in self.hazardous else HAZARDOUS_WASTE
            return Recognised(
                text,
                kind,
                MARKED_HAZARDOUS,
                "hazard",
                hazard,
                tuple(dict.fromkeys(c for c in others if c not in (UNCLASSIFIED, HAZARDOUS_WASTE))),
                quals,
            )
        if (
            hazard
            and result.code not in self.hazardous | {UNCLASSIFIED}
            and (written or result.confidence >= self.threshold)  # a mark elsewhere: if read
        ):
            return Recognised(
                text,
                HAZARDOUS_WASTE,
                min(result.confidence, 0.9),
                "hazard",
                f"{hazard} ({result.code})",
                (result.code, *result.suggestions),
                quals,
            )
        if result.confidence < self.threshold and result.code != UNCLASSIFIED:
            suggestions = (result.code, *(s for s in result.suggestions if s != result.code))
            return Recognised(
                text,
                UNCLASSIFIED,
                result.confidence,
                result.method,
                result.words,
                suggestions,
                quals,
            )
        return result

    def _kinds_in_brackets(self, raw: str) -> str | None:
        """'Phế liệu … (a, b, c)' written as 'Phế liệu a, b, c', or None: a text that opens
        with a word for scrap and lists its kinds in brackets (the words between say which
        kinds or where they come from). Only scrap: 'Chất thải nguy hại (dầu, giẻ lau)' would
        lose its hazard."""
        inside = [m.group(0)[1:-1] for m in _BRACKETS.finditer(raw)]
        if len(inside) != 1 or "," not in inside[0]:
            return None
        words = split(_BRACKETS.sub(" ", raw))
        for phrase, kind in self.qualifiers_by_first.get(words.folded[0], ()) if words else ():
            n = len(phrase)
            if kind == "scrap" and words.folded[:n] == phrase.folded:
                return f"{' '.join(words.accented[:n])} {inside[0]}"
        return None

    def _mix(
        self, raw: str, direction: str | None, division: str | None, profiled: str | None
    ) -> Reading | None:
        """A list of two or more distinct materials ('Than cám, trấu'), read as the one the
        row's quantity most likely is, the others named beside it. Single words listed
        before a longer last item share its other words ('Giấy, nhựa vụn' is 'giấy vụn' and
        'nhựa vụn'); read so, items of one material are its parts ('Đầu, xương, da, vây cá
        tra'), no mix."""
        items = [
            self._quiet(w) for w in (split(p) for p in _ITEMS.split(_BRACKETS.sub(" ", raw))) if w
        ]
        if len(items) < 2:
            return None
        tail = items[-1].accented[1:]
        # The head words of a longer first item, longest first ('Phế liệu sắt thép, nhựa'
        # is 'phế liệu nhựa': 'phế liệu sắt nhựa' reads the first item again).
        leads = [items[0].accented[:k] for k in range(len(items[0]) - 1, 0, -1)]
        read: dict[str, str] = {}  # code: the words read for it, in the order listed
        sure_of: dict[str, float] = {}
        every: list[str] = []  # each item's reading
        for n, w in enumerate(items):
            # A single word shares the other words of a longer last item ('Giấy, nhựa vụn')
            # or the head words of a longer first one ('Phế liệu nhựa PET, PE, PP' is PET,
            # PE and PP scrap) where they read it as another material than the first item
            # ('Than cám, trấu' is no 'than trấu'); it is read alone only beside no longer
            # last item.
            tries = [w.accented]
            if len(w) == 1:
                tries = [(*w.accented, *tail)] * bool(tail) + [
                    (*lead, *w.accented) for lead in leads if n
                ]
                if not tail:
                    tries.append(w.accented)
            for words in tries:
                code, sure, how, said, _ = self._read(
                    self._prepare(split(" ".join(words))), direction, division
                )
                # A waste name's core read from more than a bare word is no loose reading.
                weak = _WEAK if len(words) == 1 else _WEAK - {"term-core"}
                headed = len(words) > 1 and len(w) == 1 and not tail
                if headed and every and code == every[0]:
                    continue  # the shared head alone decided it
                if code != UNCLASSIFIED and sure >= self.threshold and how not in weak:
                    break
            else:
                continue
            every.append(code)
            family = {code} | _ancestors(code, self.parents)
            if not any(c in family or code in _ancestors(c, self.parents) for c in read):
                read[code], sure_of[code] = said, sure
        whole = next(
            (c for c in every if all(c == o or c in _ancestors(o, self.parents) for o in every)),
            None,
        )
        if whole is not None and len(set(every)) > 1 and len(items) == len(every):
            # A material listed with kinds of it ('nhựa PET, PE, PP': PET scrap and plastic
            # scrap) is that material, bought or sold as a lot of its kinds.
            kinds = tuple(dict.fromkeys(c for c in every if c != whole))
            return whole, LOT, "lot", " + ".join(dict.fromkeys(every)), kinds
        if len(read) < 2 or self._kin(list(read)):
            return None  # one thing, or things of one kind ('Nhôm, đồng, inox phế': non-ferrous)
        listed = list(read)
        # The sector profile weighs an output's materials where it knows them all, and where
        # it knows none of the first's kind but another's: a seafood plant's 'Dau, xuong,
        # ruot ca' is fish heads, no oil ('dau' typed without its tone). Else, and for an
        # input (bought as listed: 'Đá mạt, đá 1x2'), the head noun leads: the first.
        amounts = [self.amounts.get((profiled or "", "out", c), 0.0) for c in listed]
        weighed = direction == "out" and (all(amounts) or (not amounts[0] and any(amounts)))
        best = listed[amounts.index(max(amounts))] if weighed else listed[0]
        hazardous = [c for c in listed if c in self.hazardous]
        if (
            direction == "out"
            and hazardous
            and not (weighed and not amounts[listed.index(hazardous[0])])
        ):
            # Given out as one ('Bụi chà nhám, bụi sơn' from one bag filter), a mix holding
            # a hazardous waste is hazardous waste as a whole, whatever its bulk (unless the
            # sector's profile never gives it out: a seafood plant's 'Dau' is heads, no oil).
            best = hazardous[0]
        others = tuple(c for c in listed if c != best)
        return best, min(MIX, sure_of[best]), "mix", " + ".join(read.values()), others

    def _quiet(self, w: Words) -> Words:
        """An item without the words at its end that say nothing of the material ('giấy các
        loại' is 'giấy'), so that they are no shared words of the list."""
        for noise in self.noise:
            n = len(noise)
            if len(w) > n and w.folded[-n:] == noise:
                return w.before(len(w) - n)
        return w

    def _kin(self, codes: list[str]) -> bool:
        """Whether materials share a parent in the catalog (kinds of one material). Industrial
        chemicals are no one material: 'Axit H2SO4, HCl' is two acids, each bought."""
        common = set.intersection(*(_ancestors(c, self.parents) for c in codes))
        return bool(common - _NO_KIN)

    def hazard_mark(self, raw: str) -> str:
        """The hazard mark written in a text ('CTNH', 'chất thải nguy hại'), or ''."""
        said = self._prepare(split(raw)).said
        return next((phrase for phrase, kind in said if kind == _HAZARD), "")

    def sector_matters(self, raw: str) -> bool:
        """Whether the text holds a bare word read by the firm's sector ('xỉ', 'bùn')."""
        found = self._sector_matters.get(raw)
        if found is None:
            folded = self._whole(raw).words.folded
            by_first = self.sector_words_by_first
            found = any(
                contains(folded, word) for first in set(folded) for word in by_first.get(first, ())
            )
            self._sector_matters[raw] = found
        return found

    def reads_alone(self, text: str) -> bool:
        """Whether :meth:`recognise` reads ``text`` the same whatever the direction and
        the division: a catalog code, or a name, alias or term (qualifiers aside) that is
        no bare word read by context and carries no make-up marker. Those readings are
        decided before either is looked at."""
        found = self._alone.get(text)
        if found is None:
            raw = " ".join(text.split())
            if raw.lower() in self.materials and raw.lower() != UNCLASSIFIED:
                found = True
            elif not raw:
                found = False
            else:
                whole = self._whole(raw)
                w, core = whole.words, whole.core
                exact = self._exact(w) or (self._exact(core) if core else None)
                found = (
                    bool(w)
                    and w.folded not in self.context
                    and _MAKE_UP not in whole.kinds
                    and exact is not None
                    and exact != COOLING_WATER  # an input's is the water drawn
                )
            self._alone[text] = found
        return found

    def _whole(self, raw: str) -> _Text:
        """The whole text, prepared once per distinct text whatever the direction and
        sector."""
        whole = self._prepared.get(raw)
        if whole is None:
            whole = self._prepared[raw] = self._prepare(split(raw), raw)
        return whole

    def _first_words(self, raw: str) -> _Text | None:
        """The text's first words (before 'từ', outside brackets) where they are not the
        whole text, prepared once per distinct text when a reading needs them (a name
        never does)."""
        if raw in self._first:
            return self._first[raw]
        whole = self._whole(raw)
        first_words = _before_origin(head(raw))
        first = None
        if first_words and first_words.folded != whole.words.folded:
            first = self._prepare(first_words, _BRACKETS.sub(" ", raw))
        self._first[raw] = first
        return first

    def _from_first_words(
        self, found: Reading, first: _Text, direction: str | None, division: str | None
    ) -> Reading:
        """What the words before 'từ' and outside brackets say, against the whole text's
        reading: they decide unless the whole reading spans them too."""
        second = self._read(first, direction, division)
        spans = bool(set(found[3].split()) & set((first.core or first.words).folded))
        if second[1] >= self.threshold:
            if second[0] != found[0] and not spans:
                return second[0], min(second[1], 0.9), second[2], second[3], (found[0],)
            if found[1] < self.threshold:
                return second[0], min(second[1], 0.9), second[2], second[3], second[4]
            return found
        if found[1] >= self.threshold and not spans:
            # 'Tạp chất ... tách từ giấy phế liệu': only the origin was read.
            return found[0], min(found[1], self.threshold - 0.05), "origin", found[3], found[4]
        return found

    def _read(self, t: _Text, direction: str | None, division: str | None) -> Reading:
        w, core = t.words, t.core
        if not w:
            return UNCLASSIFIED, 0.0, "unknown", "", ()
        if w.folded in self.context and self._agrees(w, 0, w.folded):
            picked = self._by_context(w.folded, direction, division)
            if picked is not None:
                others = tuple(c for c in self._context_candidates(w.folded) if c != picked[0])
                return picked[0], picked[1], "context", " ".join(w.folded), others
        if (code := self._exact(w)) is not None:
            return code, EXACT, "name", " ".join(w.folded), ()
        if core and (code := self._exact(core)) is not None:
            return code, WITHOUT_QUALIFIERS, "name-without-qualifiers", " ".join(core.folded), ()
        tokens = frozenset(w.folded)
        for (groups, material), firsts in zip(self.patterns, self.pattern_firsts, strict=True):
            if any(tokens.isdisjoint(first) for first in firsts):
                continue
            hit = [next((a for a in g if self._written(w, a)), None) for g in groups]
            if (
                all(h is not None for h in hit)
                and self._head_first(t, hit)
                and not self._inside_terms(t, hit)
            ):
                said = " + ".join(" ".join(h.folded) for h in hit if h is not None)
                return material, 0.9, "pattern", said, ()
        if core and (t.kinds & _WASTE_KINDS or direction == "out"):
            code = self.term_cores.get(core.folded)
            if code is not None and self._core_written(core):
                return code, TERM_CORE, "term-core", " ".join(core.folded), ()
        contained = self._contained(t, direction, division)
        if contained is not None:
            return contained
        for form in (core, w):
            candidate = form.folded
            if candidate and candidate in self.context and self._agrees(form, 0, candidate):
                picked = self._by_context(candidate, direction, division)
                others = tuple(self._context_candidates(candidate))
                if picked is not None:
                    others = tuple(c for c in others if c != picked[0])
                    return picked[0], picked[1], "context", " ".join(candidate), others
                return UNCLASSIFIED, AMBIGUOUS, "ambiguous", " ".join(candidate), others
        inside = self._context_inside(t, direction, division)
        if inside is not None:
            return inside
        return self._fuzzy(core or w, w, direction, division)

    @staticmethod
    def _head_first(t: _Text, hit: list[Words | None]) -> bool:
        """Whether, within one item, the pattern's head (the container, the rag) is written
        before what it held: 'Thùng đựng xút' is a drum that held lye, but in 'Dung dịch xút
        rửa chai' the bottles are what the lye washed."""
        at = [find(t.words.folded, h.folded) for h in hit if h is not None]
        return all(at[0] < a or _spans_items(t, a, at[0] + 1) for a in at[1:])

    def _inside_terms(self, t: _Text, hit: list[Words | None]) -> bool:
        """Whether the pattern's head word (the container, the rag) is part of a longer term
        of a material that is no hazardous waste ('vỏ' of 'vỏ cây', bark, in 'Củi, vỏ cây
        đốt lò dầu tải nhiệt'); what it held may be named by a term ('thùng keo dán'). A
        longer term followed by 'đựng' is the container itself, named with its material
        ('Can nhựa đựng hóa chất' is a can that held chemicals)."""
        head = hit[0]
        if head is None:
            return False
        spans = [(s, e) for s, e, code, _ in self._found_terms(t) if code not in self.hazardous]
        i, n = find(t.words.folded, head.folded), len(head)
        said = t.words.accented
        return any(
            s <= i and i + n <= e and e - s > n and not (e < len(said) and said[e] == _HOLDING)
            for s, e in spans
        )

    def _written(self, w: Words, phrase: Words) -> bool:
        i = find(w.folded, phrase.folded)
        if i < 0:
            return False
        return not w.has_accents or accents_agree(
            w.accented[i : i + len(phrase)], {phrase.accented}
        )

    # -- containment ----------------------------------------------------------------------
    def _found_terms(self, t: _Text) -> list[tuple[int, int, str, str]]:
        """Lexicon terms written inside the text as (start, end, code, term): maximal spans,
        not lying wholly inside a qualifier ('lò hơi' of 'trấu đốt lò hơi')."""
        known = self._terms.get(t)
        if known is None:
            known = self._terms[t] = self._terms_in(t)
        return known

    def _terms_in(self, t: _Text) -> list[tuple[int, int, str, str]]:
        w = t.words
        found = []
        for i, token in enumerate(w.folded):
            for term, code in self.by_first.get(token, ()):
                end = i + len(term)
                if w.folded[i:end] != term or not self._agrees(w, i, term):
                    continue
                if set(range(i, end)) <= t.qualified or _spans_items(t, i, end):
                    continue
                found.append((i, end, code, " ".join(term)))
        return [
            f
            for f in found
            if not any(
                g is not f and g[0] <= f[0] and f[1] <= g[1] and (g[1] - g[0]) > (f[1] - f[0])
                for g in found
            )
        ]

    def _contained(self, t: _Text, direction: str | None, division: str | None) -> Reading | None:
        found = self._found_terms(t)
        if not found:
            scattered = self._scattered(t)
            if scattered is not None:
                # A bare word written before the words found apart is the head noun ('bùn
                # lắng nhà máy nước' is sludge, not water).
                words = set(scattered[3].split())
                first = min(i for i, w in enumerate(t.words.folded) if w in words)
                lead = self._leading_context(t, first, direction, division)
                if lead is None:
                    # A head phrase of two words or more that starts the text is the head
                    # even when the words found apart share one of its words ('Hạt nhựa
                    # PET (chai nước)' bought: pellets, not PET bottles), unless the term
                    # found apart is a kind of what the head names.
                    lead = self._leading_context(t, len(t.words), direction, division, least=2)
                    if lead is not None and (
                        lead[0] == scattered[0] or lead[0] in _ancestors(scattered[0], self.parents)
                    ):
                        lead = None
                return lead or scattered
            return scattered
        start: dict[str, int] = {}
        span: dict[str, int] = defaultdict(int)
        term_of: dict[str, str] = {}
        for s, e, code, term in found:
            start[code] = min(start.get(code, s), s)
            if e - s > span[code]:
                span[code], term_of[code] = e - s, term
        first_start = min(start.values())
        # A bare word written before every term is the head noun ('bùn thải trạm xử lý
        # nước thải' is sludge, not wastewater).
        lead = self._leading_context(t, first_start, direction, division)
        if lead is not None:
            return lead
        ranked = sorted(
            span, key=lambda c: (start[c], -span[c], -self._fits(c, direction, division))
        )
        if direction == "in":
            lot = self._lot(t, found)
            if lot is not None:
                # 'Sắt thép vụn, phế liệu kim loại màu' bought together: mixed metal scrap.
                return lot, LOT, "lot", " + ".join(term_of[c] for c in ranked), tuple(ranked)
        best = ranked[0]
        narrower = self._scattered(t)
        if narrower is not None and best in _ancestors(narrower[0], self.parents):
            # 'hơi bão hòa áp suất thấp': steam, and more precisely low-pressure steam.
            return narrower
        coverage = min(1.0, span[best] / max(len(t.core), 1))
        others = tuple(ranked[1:])
        # Single words listed before it share its head noun ('Đầu, xương, da, vây cá tra'
        # is the heads, bones, skin and fins of the fish): they are not unread head words.
        unexplained = [
            i
            for i in range(start[best])
            if i not in t.qualified and not _part_of(t, i, start[best])
        ]
        if len(unexplained) >= 2:
            # The head words are not read ('dung dịch kiềm tẩy dầu thải'): a person decides.
            return best, self.threshold - 0.05, "contains", term_of[best], others
        if not others:
            confidence = min(0.98, CONTAINED_BASE + CONTAINED_SPAN * coverage)
            return best, confidence, "contains", term_of[best], ()
        rivals = [c for c in others if start[c] == start[best] and span[c] == span[best]]
        if not rivals:
            return best, round(0.82 + 0.08 * coverage, 3), "contains", term_of[best], others
        fits = {c: self._fits(c, direction, division) for c in (best, *rivals)}
        top = max(fits.values())
        winners = [c for c, f in fits.items() if f == top]
        if top and len(winners) == 1:
            return (
                winners[0],
                0.82,
                "contains",
                term_of[winners[0]],
                tuple(c for c in ranked if c != winners[0]),
            )
        return (
            UNCLASSIFIED,
            AMBIGUOUS,
            "ambiguous",
            " / ".join(term_of[c] for c in ranked),
            tuple(ranked),
        )

    def _lot(self, t: _Text, found: list[tuple[int, int, str, str]]) -> str | None:
        """The material a list of its grades names ('sắt thép vụn, phế liệu kim loại màu':
        metal scrap), for a class traded grade by grade: the nearest material every item's
        reading is, or is a kind of."""
        items = {t.item_of[start] for start, _, _, _ in found} if t.item_of else set()
        codes = {code for _, _, code, _ in found}
        if len(items) < 2 or len(codes) < 2:
            return None
        lines = [[c, *_lineage(c, self.parents)] for c in codes]
        common = [c for c in lines[0] if all(c in line for line in lines[1:])]
        if not common or self.materials[common[0]].material_class.value not in GRADED_CLASSES:
            return None
        return common[0]

    def _leading_context(
        self,
        t: _Text,
        first_term: int,
        direction: str | None,
        division: str | None,
        least: int = 1,
    ) -> Reading | None:
        if first_term == 0:
            return None
        for word, at in self._bare_words(t):
            if at == 0 and least <= len(word) <= first_term:
                picked = self._by_context(word, direction, division)
                if picked is not None:
                    others = tuple(c for c in self._context_candidates(word) if c != picked[0])
                    return (
                        picked[0],
                        round(picked[1] - INSIDE, 3),
                        "context",
                        " ".join(word),
                        others,
                    )
        return None

    def _scattered(self, t: _Text) -> Reading | None:
        """Every word of a term of two words or more, in another order or apart
        ('hơi bão hòa áp suất thấp' holds 'hơi áp suất thấp')."""
        if t not in self._apart:
            self._apart[t] = self._scattered_in(t)
        return self._apart[t]

    def _scattered_in(self, t: _Text) -> Reading | None:
        # Within one item of a list: 'đất sét, tràng thạch, cao lanh' holds no 'thạch cao'.
        # Words that say where a thing came from do not say what it is: 'tro lò hơi' is ash
        # from a boiler, and the words of 'lò hơi' do not make it steam.
        present = frozenset(t.words.folded)
        said = frozenset(w for i, w in enumerate(t.words.folded) if i not in t.whence)
        candidates = {n for token in said for n in self.multiword_by_token.get(token, ())}
        # A term not among the text's words at all is no hit in any item (most candidates).
        hits = [
            (len(w), code, w)
            for words_, w, code in (self.multiword[n] for n in sorted(candidates))
            if words_ <= present
            and any(words_ <= item & present for item in t.items or (present,))
            and words_ & said
        ]
        if not hits:
            return None
        longest = max(n for n, _, _ in hits)
        if not any(self._written_apart(t.words, w) for n, _, w in hits if n == longest):
            # The words are other words ('đã' is no 'da'): nothing is read, and no shorter term
            # stands in for a longer one misspelt ('xỉ đấy lò' is no 'xỉ lò').
            return None
        codes = {code for n, code, _ in hits if n == longest}
        if len(codes) != 1:
            return None
        code = codes.pop()
        term = next(w for n, c, w in hits if n == longest and c == code)
        others = tuple(dict.fromkeys(c for _, c, _ in sorted(hits, reverse=True) if c != code))
        return code, SCATTERED, "scattered", " ".join(term), others

    def _written_apart(self, w: Words, term: tuple[str, ...]) -> bool:
        """Words of a term found apart are written as the term writes them, tone marks aside:
        'đã' of 'đã qua sử dụng' and 'bao' make no 'da bao', nor 'phoi' and 'thép' 'phôi thép'."""
        if not w.has_accents:
            return True
        plain = {detone(a) for a in w.accented}
        return any(
            s == tuple(fold(x) for x in s) or all(detone(x) in plain for x in s)
            for s in self.spellings[term]
        )

    # -- context --------------------------------------------------------------------------
    def _fits(self, code: str, direction: str | None, division: str | None) -> int:
        """2 when the material is typical of this direction and sector, 1 of the direction."""
        best = 0
        for c in self.typical.get(code, ()):
            if direction and c.direction != direction:
                continue
            if c.sectors and division in c.sectors:
                best = 2
            elif not c.sectors:
                best = max(best, 1)
        return best

    def _by_context(
        self, word: tuple[str, ...], direction: str | None, division: str | None
    ) -> tuple[str, float] | None:
        entries = [c for c in self.context.get(word, ()) if c.direction == direction]
        for sector_specific in (True, False):
            chosen = {
                c.material
                for c in entries
                if (division in c.sectors if sector_specific else not c.sectors)
            }
            if len(chosen) == 1:
                return next(iter(chosen)), CONTEXT_SECTOR if sector_specific else CONTEXT_DIRECTION
        return None

    def _sector_only(self, word: tuple[str, ...], direction: str | None) -> bool:
        """Whether every reading of a bare word for this direction belongs to some sectors."""
        entries = [c for c in self.context.get(word, ()) if c.direction == direction]
        return all(c.sectors for c in entries)

    def _context_candidates(self, word: tuple[str, ...]) -> list[str]:
        return list(dict.fromkeys(c.material for c in self.context.get(word, ())))

    def _context_inside(
        self, t: _Text, direction: str | None, division: str | None
    ) -> Reading | None:
        """A bare word inside other words ('tạp chất nhựa'): the same reading, less sure. The
        longest such word leads, and of two as long the first written, the head noun
        ('Nước rửa nhựa' is water)."""
        for word, at in self._bare_words(t):
            if not _spans_items(t, at, at + len(word)) and not (
                set(range(at, at + len(word))) <= t.qualified  # 'dầu' of 'dính dầu'
            ):
                picked = self._by_context(word, direction, division)
                if picked is None:
                    if self._sector_only(word, direction):
                        continue  # 'đầu mẩu' says nothing outside the sectors it is read in
                    return None
                others = tuple(c for c in self._context_candidates(word) if c != picked[0])
                return picked[0], round(picked[1] - INSIDE, 3), "context", " ".join(word), others
        return None

    def _bare_words(self, t: _Text) -> list[tuple[tuple[str, ...], int]]:
        """The bare words read by context that the text holds as they are written, each
        where it first is: the longest first, and of two as long the first written (worked
        out once per text)."""
        found = self._bare.get(t)
        if found is None:
            w = t.words
            placed = ((word, find(w.folded, word)) for word in self._longest_first)
            found = self._bare[t] = [
                (word, at)
                for word, at in sorted(placed, key=lambda p: (-len(p[0]), p[1] < 0, p[1]))
                if at >= 0 and self._agrees(w, at, word)
            ]
        return found

    # -- fuzzy ----------------------------------------------------------------------------
    def _fuzzy(self, core: Words, w: Words, direction: str | None, division: str | None) -> Reading:
        near = self._near.get((core.folded, w.folded))
        if near is None:
            near = self._near[(core.folded, w.folded)] = self._near_names(core, w)
        best: dict[str, tuple[float, str]] = {}
        for code, score, choice in near.aligned:
            score += self._fits(code, direction, division)
            if score > best.get(code, (0.0, ""))[0]:
                best[code] = (score, choice)
        if not best:
            # Nothing near enough to be read: the nearest names are offered to a person.
            return UNCLASSIFIED, 0.0, "unknown", "", near.nearest
        ranked = sorted(best, key=lambda c: -best[c][0])
        top, (score, choice) = ranked[0], best[ranked[0]]
        second = best[ranked[1]][0] if len(ranked) > 1 else 0.0
        confidence = min(score, 100.0) / 100.0
        if score < FUZZY_MIN_SCORE or score - second < FUZZY_MARGIN:
            confidence = min(confidence, self.threshold - 0.05)
        else:
            confidence *= 0.93
        return top, round(confidence, 3), "fuzzy", choice, tuple(ranked[1:4])

    def _near_names(self, core: Words, w: Words) -> _Near:
        # The token-sort ratio of the words (the ratio of both sides' words in order).
        hits = process.extract(
            " ".join(sorted(" ".join(core.folded).split())),
            self.sorted_choices,
            scorer=fuzz.ratio,
            limit=25,
            score_cutoff=50,
        )
        hits += process.extract(
            " ".join(w.folded), self.choices, scorer=fuzz.ratio, limit=25, score_cutoff=50
        )
        aligned: list[tuple[str, float, str]] = []
        loose: dict[str, float] = {}
        for _, score, index in hits:
            choice, code = self.choices[index], self.choice_codes[index]
            loose[code] = max(loose.get(code, 0.0), score)
            # Short words differ by one letter and mean something else: ask for more.
            if len(choice) < 5 and score < 100:
                continue
            # A typo changes letters, not a whole word ('rác thải' is not 'nước thải').
            if not _words_align(core.folded, tuple(choice.split())):
                continue
            aligned.append((code, score, choice))
        return _Near(tuple(aligned), tuple(sorted(loose, key=lambda c: -loose[c])[:3]))


@dataclass(frozen=True, slots=True)
class _Near:
    """The catalog names near a text's words: those whose words align with its core, in
    the order found, as (code, score, name); and the nearest three materials however
    loosely."""

    aligned: tuple[tuple[str, float, str], ...]
    nearest: tuple[str, ...]


def _part_of(t: _Text, i: int, term: int) -> bool:
    """Whether word ``i`` is an item of one word listed before the item of the term at
    ``term`` ('vỏ' of 'Vỏ, lõi, chồi khóm')."""
    if not t.item_of or t.item_of[i] == t.item_of[term]:
        return False
    return t.item_of.count(t.item_of[i]) == 1


def _spans_items(t: _Text, start: int, end: int) -> bool:
    """Whether words from ``start`` to ``end`` run across two items of a list."""
    return bool(t.item_of) and len(set(t.item_of[start:end])) > 1


def _words_align(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Every word of each side has a near twin on the other (a typo, not another word)."""

    def covered(xs: Iterable[str], ys: tuple[str, ...]) -> bool:
        return all(max((fuzz.ratio(x, y) for y in ys), default=0.0) >= WORD_MIN_SCORE for x in xs)

    return covered(a, b) and covered(b, a)


def _before_origin(w: Words, holding: bool = True) -> Words:
    """The words before 'từ'/'from' (what the thing is, not where it came from) or before
    'đựng' (a container: 'bao giấy đựng bột đá' is a paper sack, not stone powder; only as
    written, for 'dung' is also the 'dụng' of 'sử dụng')."""
    for i, token in enumerate(w.folded):
        if i > 0 and (token in _ORIGIN or (holding and w.accented[i].lower() == _HOLDING)):
            return w.before(i)
    return w


def _lineage(code: str, parents: dict[str, str]) -> list[str]:
    """The material's parent, the parent's parent and so on, nearest first."""
    out: list[str] = []
    while (code := parents.get(code, "")) and code not in out:
        out.append(code)
    return out


def _ancestors(code: str, parents: dict[str, str]) -> set[str]:
    seen: set[str] = set()
    while (code := parents.get(code, "")) and code not in seen:
        seen.add(code)
    return seen


def _most_specific(codes: set[str], parents: dict[str, str]) -> str | None:
    """The one code of ``codes`` that every other one is an ancestor of, if any."""
    if len(codes) == 1:
        return next(iter(codes))
    leaves = [c for c in codes if not any(c in _ancestors(o, parents) for o in codes if o != c)]
    if len(leaves) == 1 and all(o in _ancestors(leaves[0], parents) for o in codes - set(leaves)):
        return leaves[0]
    return None


# -- shared instance ------------------------------------------------------------------------


@cache
def material_recogniser() -> MaterialRecogniser:
    from parkloop.catalog import catalog
    from parkloop.kept import kept

    cat = catalog()

    def build() -> MaterialRecogniser:
        return MaterialRecogniser(cat, cat.parameter("material_confidence_threshold"))

    if str(cat.data_dir) != str(default_data_dir()):
        return build()
    return kept("material-recogniser", build)


def recognise_material(
    text: str, direction: str | None = None, division: str | None = None, marked: str = ""
) -> Recognised:
    """The material a text names, read with the flow's direction and the firm's division;
    ``marked``: a hazard mark written elsewhere on the row (see :func:`hazard_mark`)."""
    return _recognise(text, direction, deciding_division(text, division), marked)


@lru_cache(maxsize=4096)
def hazard_mark(text: str) -> str:
    """The hazard mark a text carries ('Thuê xử lý CTNH': 'ctnh'), or ''. Where the staff
    send an output to a hazardous-waste treater, they say what it is."""
    return material_recogniser().hazard_mark(text)


def reads_alone(text: str) -> bool:
    """Whether ``text`` reads the same whatever the flow's direction and the firm's
    division (:meth:`MaterialRecogniser.reads_alone`): its rows are read once for all."""
    return material_recogniser().reads_alone(text)


def deciding_division(text: str, division: str | None) -> str | None:
    """The firm's division where it can change how ``text`` is read, else None."""
    recogniser = material_recogniser()
    if division in recogniser.profiled and _ITEMS.search(text):
        return division  # a list may be a mix, weighed by the sector's profile
    if division not in recogniser.sectors or not recogniser.sector_matters(text):
        # No rule tells this sector apart, or the text has no word whose meaning
        # depends on it: one reading serves every sector.
        return None
    return division


@lru_cache(maxsize=65536)
def _recognise(
    text: str, direction: str | None, division: str | None, marked: str = ""
) -> Recognised:
    found = material_recogniser().recognise(text, direction, division, marked)
    if "~" in found.words:  # the words that decided it, as a person reads them
        return replace(found, words=_TONE_TAG.sub("", found.words))
    return found


def recognise_destination(text: str) -> Recognised:
    from parkloop.catalog.destinations import recognise_destination as read

    return read(text)
