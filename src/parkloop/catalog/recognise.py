"""Recognise what park staff write: a material from free text, a destination from a phrase.

Pure: reads only the shipped lexicons (``catalog/data``) and returns what it read, how sure
it is and the words that decided it. It never guesses silently: below the confidence
threshold a material comes back as ``unclassified`` with the nearest candidates, for a
person to settle.

How a material text is read, first rule that applies:

1. the catalog code itself, or a name, alias or lexicon term (accents and case ignored);
2. the same once ordinary qualifiers are set aside ("thải", "đã qua sử dụng", "sau xử lý",
   "từ lò hơi", "cột A", ...);
3. a lexicon term found inside the text as whole words (the longest wins; two different
   materials found side by side make the text ambiguous);
4. a bare word ("xỉ", "bùn", "dầu") read through the flow's direction and the firm's sector
   (``material_context.csv``);
5. fuzzy similarity (rapidfuzz) to every name, for typos and swapped word order.

A hazard marker ("dính dầu", "nhiễm hóa chất") turns a non-hazardous material into
hazardous waste, as the Vietnamese hazardous-waste list does.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.abc import Traversable
from pathlib import Path

from rapidfuzz import fuzz, process

from parkloop.catalog.loader import Catalog, fold

UNCLASSIFIED = "unclassified"

# What each way of reading scores at most; confidence also depends on how much of the
# text the words explain and on how far the best candidate is ahead of the next.
EXACT, WITHOUT_QUALIFIERS, TERM_CORE = 1.0, 0.97, 0.92
CONTAINED_BASE, CONTAINED_SPAN = 0.86, 0.12
CONTEXT_SECTOR, CONTEXT_DIRECTION = 0.9, 0.84
FUZZY_MIN_SCORE, FUZZY_MARGIN = 86.0, 6.0
AMBIGUOUS = 0.5

# How a reading was made; shown beside the recognised code.
METHODS = {
    "code": ("mã danh mục", "catalog code"),
    "name": ("tên hoặc từ đồng nghĩa", "name or synonym"),
    "name-without-qualifiers": ("tên, bỏ qua từ bổ nghĩa", "name, qualifiers set aside"),
    "term-core": ("tên chất thải, bỏ qua từ 'thải'", "waste name without its waste word"),
    "contains": ("chứa cụm từ", "contains the words"),
    "context": ("từ chung, theo chiều và ngành", "bare word, read by direction and sector"),
    "fuzzy": ("gần giống", "similar to"),
    "ambiguous": ("nhiều khả năng", "ambiguous"),
    "unknown": ("không nhận ra", "not recognised"),
    "hazard": ("có dấu hiệu nguy hại", "marked hazardous"),
    "assigned": ("người dùng gán", "assigned by a person"),
}

_STANDARD = re.compile(r"\b(qcvn|tcvn|iso)\b[\s\d:/.\-]*(btnmt|bct|byt)?", re.IGNORECASE)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_NUMBER = re.compile(r"^\d+([.,]\d+)?%?$")
_HAZARD = "hazard"
_WASTE_KINDS = frozenset({"waste", "scrap", "used", "recovered", "surplus"})


@dataclass(frozen=True, slots=True)
class Recognised:
    """What a text was read as. ``code`` is ``unclassified`` when no reading is sure enough."""

    text: str
    code: str
    confidence: float
    method: str
    words: str
    suggestions: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()

    @property
    def basis(self) -> str:
        """The words that decided it, stored beside the code: ``method: words``."""
        return f"{self.method}: {self.words}" if self.words else self.method

    def describe(self, lang: str = "vi") -> str:
        label = METHODS.get(self.method, (self.method, self.method))[0 if lang == "vi" else 1]
        return f"{label} '{self.words}'" if self.words else label


def words(text: str) -> tuple[str, ...]:
    """Folded words of a text: accents, case, punctuation, standards and numbers set aside."""
    folded = fold(_STANDARD.sub(" ", text))
    return tuple(w for w in _NON_WORD.sub(" ", folded).split() if not _NUMBER.match(w))


def _rows(data_dir: Traversable | Path, name: str) -> list[dict[str, str]]:
    path = data_dir / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in r.items() if k} for r in csv.DictReader(fh)]


@dataclass(frozen=True, slots=True)
class _Context:
    direction: str
    sectors: frozenset[str]
    material: str


class MaterialRecogniser:
    """Reads material texts against the catalog's names, aliases and lexicon."""

    def __init__(self, cat: Catalog, threshold: float) -> None:
        self.threshold = threshold
        self.materials = cat.materials
        self.hazardous = {
            code
            for code, m in cat.materials.items()
            if m.hazardous or m.material_class.value == "hazardous"
        }
        terms: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for m in cat.materials.values():
            for text in (m.name_vi, m.name_en, *m.aliases, m.code.replace("-", " ")):
                if w := words(text):
                    terms[w].add(m.code)
        for row in _rows(cat.data_dir, "material_lexicon.csv"):
            if row.get("material") in cat.materials and (w := words(row.get("term", ""))):
                terms[w].add(row["material"])
        self.qualifiers = sorted(
            (
                (words(r["term"]), r["kind"])
                for r in _rows(cat.data_dir, "material_qualifiers.csv")
                if words(r["term"])
            ),
            key=lambda q: -len(q[0]),
        )
        # A term that names a material and its own parent names the more specific one;
        # a term that names two unrelated materials decides nothing on its own.
        parents = {code: m.parent for code, m in cat.materials.items()}
        self.exact = {}
        for w, codes in terms.items():
            specific = _most_specific(codes, parents)
            if specific is not None:
                self.exact[w] = specific
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for w, code in self.exact.items():
            self.by_first[w[0]].append((w, code))
        cores: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for w, code in self.exact.items():
            core, kinds = self._strip(w)
            if core and core != w and kinds & _WASTE_KINDS:
                cores[core].add(code)
        self.term_cores = {
            w: next(iter(c)) for w, c in cores.items() if len(c) == 1 and w not in self.exact
        }
        self.context: dict[tuple[str, ...], list[_Context]] = defaultdict(list)
        self.typical: dict[str, list[_Context]] = defaultdict(list)
        for r in _rows(cat.data_dir, "material_context.csv"):
            if r["material"] not in cat.materials:
                continue
            entry = _Context(
                r["direction"],
                frozenset(s.strip() for s in r["sectors"].split(";") if s.strip()),
                r["material"],
            )
            self.context[words(r["word"])].append(entry)
            self.typical[r["material"]].append(entry)
        self.exact: dict[tuple[str, ...], str]
        self.choices = [" ".join(w) for w in self.exact]
        self.choice_codes = list(self.exact.values())

    # -- pieces ---------------------------------------------------------------------------
    def _strip(self, tokens: tuple[str, ...]) -> tuple[tuple[str, ...], set[str]]:
        """Tokens without qualifier phrases, and the kinds of qualifiers removed."""
        kept = list(tokens)
        kinds: set[str] = set()
        for phrase, kind in self.qualifiers:
            n = len(phrase)
            i = 0
            while i + n <= len(kept):
                if tuple(kept[i : i + n]) == phrase:
                    del kept[i : i + n]
                    kinds.add(kind)
                else:
                    i += 1
        return tuple(kept), kinds

    def _found_terms(self, tokens: tuple[str, ...]) -> list[tuple[int, int, str, str]]:
        """Lexicon terms inside ``tokens`` as (start, end, code, term), maximal spans only."""
        found = []
        for i, token in enumerate(tokens):
            for term, code in self.by_first.get(token, ()):
                if tuple(tokens[i : i + len(term)]) == term:
                    found.append((i, i + len(term), code, " ".join(term)))
        return [
            f
            for f in found
            if not any(
                g is not f and g[0] <= f[0] and f[1] <= g[1] and (g[1] - g[0]) > (f[1] - f[0])
                for g in found
            )
        ]

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

    def _context_candidates(self, word: tuple[str, ...]) -> list[str]:
        return list(dict.fromkeys(c.material for c in self.context.get(word, ())))

    # -- reading ------------------------------------------------------------------------
    def recognise(
        self, text: str, direction: str | None = None, division: str | None = None
    ) -> Recognised:
        raw = " ".join(text.split())
        if not raw:
            return Recognised(text, UNCLASSIFIED, 0.0, "unknown", "")
        if raw.lower() in self.materials and raw.lower() != UNCLASSIFIED:
            return Recognised(text, raw.lower(), EXACT, "code", raw.lower())
        tokens = words(raw)
        core, kinds = self._strip(tokens)
        shown = tuple(q for q, _ in self.qualifiers if _contains(tokens, q))
        quals = tuple(" ".join(q) for q in shown)
        found = self._read(tokens, core, kinds, direction, division)
        result = Recognised(text, *found, qualifiers=quals)
        if _HAZARD in kinds and result.code not in self.hazardous and result.code != UNCLASSIFIED:
            marker = next(" ".join(q) for q, k in self.qualifiers if k == _HAZARD and q in shown)
            return Recognised(
                text,
                "hazardous-waste",
                min(result.confidence, 0.9),
                "hazard",
                f"{marker} ({result.code})",
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

    def _read(
        self,
        tokens: tuple[str, ...],
        core: tuple[str, ...],
        kinds: set[str],
        direction: str | None,
        division: str | None,
    ) -> tuple[str, float, str, str, tuple[str, ...]]:
        if not tokens:
            return UNCLASSIFIED, 0.0, "unknown", "", ()
        # A bare word whose meaning depends on the direction and sector ("bùn thải" of a
        # dye house is industrial sludge, of a sewage plant sewage sludge) is read by them.
        for candidate in (tokens, core):
            if candidate in self.context:
                picked = self._by_context(candidate, direction, division)
                if picked is not None:
                    others = tuple(c for c in self._context_candidates(candidate) if c != picked[0])
                    return picked[0], picked[1], "context", " ".join(candidate), others
        if (code := self.exact.get(tokens)) is not None:
            return code, EXACT, "name", " ".join(tokens), ()
        if core and (code := self.exact.get(core)) is not None:
            return code, WITHOUT_QUALIFIERS, "name-without-qualifiers", " ".join(core), ()
        if core and (kinds & _WASTE_KINDS or direction == "out"):
            code = self.term_cores.get(core)
            if code is not None:
                return code, TERM_CORE, "term-core", " ".join(core), ()
        contained = self._contained(tokens, core, direction, division)
        if contained is not None:
            return contained
        for candidate in (core, tokens):
            if candidate and candidate in self.context:
                picked = self._by_context(candidate, direction, division)
                others = tuple(self._context_candidates(candidate))
                if picked is not None:
                    return picked[0], picked[1], "context", " ".join(candidate), others
                return UNCLASSIFIED, AMBIGUOUS, "ambiguous", " ".join(candidate), others
        return self._fuzzy(core or tokens, tokens, direction, division)

    def _contained(
        self,
        tokens: tuple[str, ...],
        core: tuple[str, ...],
        direction: str | None,
        division: str | None,
    ) -> tuple[str, float, str, str, tuple[str, ...]] | None:
        found = self._found_terms(tokens) or self._found_terms(core)
        if not found:
            return None
        span: dict[str, int] = defaultdict(int)
        term_of: dict[str, str] = {}
        for start, end, code, term in found:
            if end - start > span[code]:
                span[code], term_of[code] = end - start, term
        ranked = sorted(span, key=lambda c: (-span[c], -self._fits(c, direction, division)))
        best = ranked[0]
        coverage = min(1.0, span[best] / max(len(core), 1))
        others = tuple(ranked[1:])
        if not others:
            confidence = min(0.98, CONTAINED_BASE + CONTAINED_SPAN * coverage)
            return best, confidence, "contains", term_of[best], ()
        rivals = [c for c in others if span[c] == span[best]]
        if not rivals:
            return best, 0.82 + 0.08 * coverage, "contains", term_of[best], others
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

    def _fuzzy(
        self,
        core: tuple[str, ...],
        tokens: tuple[str, ...],
        direction: str | None,
        division: str | None,
    ) -> tuple[str, float, str, str, tuple[str, ...]]:
        query = " ".join(core)
        hits = process.extract(
            query, self.choices, scorer=fuzz.token_sort_ratio, limit=25, score_cutoff=50
        )
        hits += process.extract(
            " ".join(tokens), self.choices, scorer=fuzz.ratio, limit=25, score_cutoff=50
        )
        best: dict[str, tuple[float, str]] = {}
        for choice, score, index in hits:
            code = self.choice_codes[index]
            # Short words differ by one letter and mean something else: ask for more.
            if len(choice) < 5 and score < 100:
                continue
            score += self._fits(code, direction, division)
            if score > best.get(code, (0.0, ""))[0]:
                best[code] = (score, choice)
        if not best:
            return UNCLASSIFIED, 0.0, "unknown", "", ()
        ranked = sorted(best, key=lambda c: -best[c][0])
        top, (score, choice) = ranked[0], best[ranked[0]]
        second = best[ranked[1]][0] if len(ranked) > 1 else 0.0
        confidence = min(score, 100.0) / 100.0
        if score < FUZZY_MIN_SCORE or score - second < FUZZY_MARGIN:
            confidence = min(confidence, self.threshold - 0.05)
        else:
            confidence *= 0.93
        return top, round(confidence, 3), "fuzzy", choice, tuple(ranked[1:4])


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


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))


# -- destinations ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Phrase:
    tokens: tuple[str, ...]
    destination: str
    priority: int


class DestinationRecogniser:
    """Reads where an output goes today from the phrase staff write."""

    def __init__(self, data_dir: Traversable | Path, values: Iterable[tuple[str, str, str]]):
        self.labels: dict[tuple[str, ...], str] = {}
        for value, label_vi, label_en in values:
            for text in (value, value.replace("_", " "), label_vi, label_en):
                self.labels[words(text)] = value
        self.exact: dict[tuple[str, ...], str] = {}
        self.phrases = [
            _Phrase(words(r["phrase"]), r["destination"], int(r["priority"]))
            for r in _rows(data_dir, "destination_lexicon.csv")
            if words(r["phrase"])
        ]
        for p in self.phrases:
            self.exact.setdefault(p.tokens, p.destination)
        self.choices = [" ".join(p.tokens) for p in self.phrases]

    def recognise(self, text: str) -> Recognised:
        tokens = words(text)
        if not tokens:
            return Recognised(text, "unknown", 0.0, "unknown", "")
        if (value := self.labels.get(tokens)) is not None:
            return Recognised(text, value, EXACT, "code", " ".join(tokens))
        if (value := self.exact.get(tokens)) is not None:
            return Recognised(text, value, EXACT, "name", " ".join(tokens))
        found = [p for p in self.phrases if _contains(tokens, p.tokens)]
        if found:
            found.sort(key=lambda p: (-p.priority, -len(p.tokens)))
            best = found[0]
            rivals = {p.destination for p in found[1:] if p.priority == best.priority}
            confidence = 0.9 if not rivals - {best.destination} else 0.7
            others = tuple(dict.fromkeys(p.destination for p in found if p is not best))
            return Recognised(
                text, best.destination, confidence, "contains", " ".join(best.tokens), others
            )
        hit = process.extractOne(" ".join(tokens), self.choices, scorer=fuzz.token_set_ratio)
        if hit is not None and hit[1] >= 90 and len(hit[0]) >= 5:
            phrase = self.phrases[hit[2]]
            return Recognised(
                text, phrase.destination, round(hit[1] / 100 * 0.9, 3), "fuzzy", hit[0]
            )
        return Recognised(text, "unknown", 0.0, "unknown", "")


# -- shared instances -----------------------------------------------------------------------


@cache
def material_recogniser() -> MaterialRecogniser:
    from parkloop.catalog import catalog

    cat = catalog()
    return MaterialRecogniser(cat, cat.parameter("material_confidence_threshold"))


@cache
def destination_recogniser() -> DestinationRecogniser:
    from parkloop.catalog import catalog
    from parkloop.domain.enums import Destination

    return DestinationRecogniser(
        catalog().data_dir, [(d.value, d.label("vi"), d.label("en")) for d in Destination]
    )


@lru_cache(maxsize=65536)
def recognise_material(
    text: str, direction: str | None = None, division: str | None = None
) -> Recognised:
    """The material a text names, read with the flow's direction and the firm's division."""
    return material_recogniser().recognise(text, direction, division)


@lru_cache(maxsize=16384)
def recognise_destination(text: str) -> Recognised:
    return destination_recogniser().recognise(text)
