"""Turn a sector as park staff write it ("Dệt nhuộm vải", "SX bao bì nhựa") into a VSIC 2018 code.

Pure: reads the shipped catalog (divisions), ``vsic2018_classes.csv`` and ``sector_lexicon.csv``.
Order of evidence: a typed code, an exact lexicon term, a lexicon term inside the text
(longest wins), the same after correcting misspelt words, then a fuzzy match over lexicon
terms and VSIC titles.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from parkloop.catalog import catalog, fold  # fold: the same folding as parkloop.catalog.loader
from parkloop.catalog.loader import default_data_dir

__all__ = ["SectorMatch", "normalise", "recognise_sector", "trade_of", "vsic_name"]

# Words that name the firm or the act of producing, not the sector; dropped unless nothing is left.
NOISE = frozenset(
    {
        "cong ty", "cty", "tnhh", "mtv", "1tv", "co phan", "cp", "tap doan", "doanh nghiep",
        "dntn", "chi nhanh", "san xuat", "sx", "kinh doanh", "thuong mai", "tm", "dich vu", "dv",
        "xuat nhap khau", "xnk", "cac loai", "va", "khac", "viet nam", "vn", "khu cong nghiep",
        "nha may", "company", "ltd", "limited", "jsc", "corp", "corporation", "inc", "vietnam",
        "manufacturing", "manufacture", "of", "and", "production",
    }
)  # fmt: skip
# Abbreviations written in registers and reports, expanded before matching.
ABBREVIATIONS = {
    "cb": "che bien",
    "xlnt": "xu ly nuoc thai",
    "ctnh": "chat thai nguy hai",
    "ctr": "chat thai ran",
    "vlxd": "vat lieu xay dung",
    "kcn": "khu cong nghiep",
    "tacn": "thuc an chan nuoi",
    "bvtv": "bao ve thuc vat",
}
_NOISE_WORDS = [tuple(n.split()) for n in sorted(NOISE, key=lambda n: -len(n.split()))]
# The same phrases by their first word, longest first as above.
_NOISE_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _noise in _NOISE_WORDS:
    _NOISE_BY_FIRST.setdefault(_noise[0], []).append(_noise)
_CODE = re.compile(r"\d[\d. ]*")
_LEADING_CODE = re.compile(r"(?:ma nganh|ma|nganh|vsic)?\W*(\d{4,5})(?:\W+[a-z]|\W*$)")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_NEGATION = re.compile(r"(?<!\w)(?:không|chưa)(?!\w)", re.IGNORECASE)  # not, not yet
_NEGATION_PLAIN = re.compile(r"(?<!\w)(?:khong|chua)(?!\w)", re.IGNORECASE)

EXACT, CONTAINED, CORRECTED, FUZZY_CAP = 1.0, 0.9, 0.8, 0.85
FUZZY_CUTOFF, SHORT_CUTOFF = 75.0, 90.0  # a word of under 5 letters needs a near-exact match


@dataclass(frozen=True)
class SectorMatch:
    code: str  # VSIC code
    name_vi: str
    name_en: str
    confidence: float  # 0..1
    basis: str  # the words that decided it, e.g. "lexicon 'dệt nhuộm'"
    typed: str
    suggestions: tuple[str, ...]  # other likely codes


@dataclass(frozen=True)
class _Tables:
    names: dict[str, tuple[str, str]]  # code -> (name_vi, name_en), divisions and classes
    terms: dict[tuple[str, ...], tuple[str, str]]  # normalised lexicon term -> (code, term)
    titles: dict[tuple[str, ...], tuple[str, str]]  # normalised VSIC title -> (code, title)
    vocabulary: tuple[str, ...]  # every word of a lexicon term, for spelling correction
    choices: dict[str, tuple[str, str]]  # fuzzy choice -> (code, label)
    choice_keys: tuple[str, ...]
    longest: int


def _tokens(text: str) -> list[str]:
    words = _NON_WORD.sub(" ", fold(text)).split()
    return [w for word in words for w in ABBREVIATIONS.get(word, word).split()]


@cache
def _lexicon_words() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The words of every lexicon term as written (noise included), by first word."""
    out: dict[str, set[tuple[str, ...]]] = {}
    for r in _rows("sector_lexicon.csv"):
        words = tuple(_tokens(r["term"]))
        if len(words) > 1:
            out.setdefault(words[0], set()).add(words)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


def _kept(tokens: list[str]) -> set[int]:
    """Positions inside a lexicon term of two words or more: noise removal leaves them, so
    that 'thủy sản xuất khẩu' keeps 'thủy sản' instead of losing 'sản xuất'."""
    terms = _lexicon_words()
    kept: set[int] = set()
    for i, word in enumerate(tokens):
        for term in terms.get(word, ()):
            if tuple(tokens[i : i + len(term)]) == term:
                kept.update(range(i, i + len(term)))
                break
    return kept


def _strip_noise(tokens: list[str]) -> list[str]:
    kept = _kept(tokens)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for noise in _NOISE_BY_FIRST.get(tokens[i], ()):
            if tuple(tokens[i : i + len(noise)]) == noise and not kept & set(
                range(i, i + len(noise))
            ):
                i += len(noise)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out or tokens


@lru_cache(maxsize=8192)
def normalise(text: str) -> tuple[str, ...]:
    """The words of ``text`` that can carry a sector: folded, abbreviations expanded, noise gone."""
    return tuple(_strip_noise(_tokens(text)))


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (default_data_dir() / name).open(encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def _plainness(term: str) -> tuple[bool, int]:
    """Sort key putting last the spelling a reader would type: no abbreviation, no noise, long."""
    return tuple(fold(term).split()) == normalise(term), len(term)


def _score(query: str, choice: str, **_: object) -> float:
    """Mean of token-set and token-sort similarity: one shared word alone does not score 100."""
    return (fuzz.token_set_ratio(query, choice) + fuzz.token_sort_ratio(query, choice)) / 2


@cache
def _tables() -> _Tables:
    from parkloop.kept import kept

    return kept("sector-tables", _build_tables)


def _build_tables() -> _Tables:
    names = {c: (e.name_vi, e.name_en) for c, e in catalog().vsic.items() if e.level == 2}
    names.update({r["code"]: (r["name_vi"], r["name_en"]) for r in _rows("vsic2018_classes.csv")})
    terms: dict[tuple[str, ...], tuple[str, str]] = {}
    for r in sorted(_rows("sector_lexicon.csv"), key=lambda r: _plainness(r["term"])):
        terms[normalise(r["term"])] = (r["vsic"], r["term"])  # the plainest spelling is shown
    titles: dict[tuple[str, ...], tuple[str, str]] = {}
    for code in sorted(names, key=lambda c: -len(c)):  # a class title wins over its division's
        for title in names[code]:
            titles.setdefault(normalise(title), (code, title))
    choices = {" ".join(k): v for k, v in {**titles, **terms}.items()}
    return _Tables(
        names=names,
        terms=terms,
        titles=titles,
        vocabulary=tuple(sorted({w for key in terms for w in key})),
        choices=choices,
        choice_keys=tuple(choices),
        longest=max(len(k) for k in terms),
    )


def trade_of(code: str | None) -> str:
    """The Vietnamese title of a VSIC class or of its division ('' if none is known): what
    a firm of that code does, in words."""
    names = _tables().names
    code = (code or "").strip()
    for known in (code, code[:4], code[:2]) if code else ():
        if known in names:
            return names[known][0]
    return ""


def vsic_name(code: str, lang: str) -> str:
    """The Vietnamese (``lang="vi"``) or English title of a 2-digit division or 4-digit class."""
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    name_vi, name_en = _tables().names[code.strip()]
    return name_vi if lang == "vi" else name_en


def _match(code: str, confidence: float, basis: str, typed: str, others: list[str]) -> SectorMatch:
    names = _tables().names
    known = code if code in names else code[:4] if code[:4] in names else code[:2]
    name_vi, name_en = names[known]
    suggestions = tuple(dict.fromkeys(c for c in others if c != code))[:3]
    return SectorMatch(code, name_vi, name_en, round(confidence, 2), basis, typed, suggestions)


def _typed_code(text: str) -> str | None:
    match = _LEADING_CODE.match(fold(text))
    if match:
        return match.group(1)
    if _CODE.fullmatch(text.strip()):
        digits = re.sub(r"\D", "", text)
        return digits if 2 <= len(digits) <= 5 else ""
    return None


def _negations(text: str) -> tuple[int, ...]:
    """Where a negation is written in ``text``, as positions among :func:`normalise`'s
    words: 'không', 'chưa' as written where the text has accents ('chứa' is no 'chưa'),
    either word typed without them."""
    plain = fold(text) == text.lower()
    pattern = _NEGATION_PLAIN if plain else _NEGATION
    return tuple(len(normalise(text[: m.start()])) for m in pattern.finditer(text))


def _contained(
    words: tuple[str, ...], negations: tuple[int, ...] = ()
) -> list[tuple[int, int, str, str]]:
    """Lexicon terms found as whole words: (-length, position, code, term), best first.
    A term inside a longer term found is part of it ('bìa' of 'giấy bìa' is no 'bia',
    beer), and what follows a negation (``negations``: word positions) is not what the firm
    does ('không có giấy phép CTNH')."""
    tables = _tables()
    found = []
    for start in range(len(words)):
        for size in range(min(tables.longest, len(words) - start), 0, -1):
            hit = tables.terms.get(words[start : start + size])
            if hit:
                found.append((-size, start, *hit))
    # A negation not itself part of a term ('gạch không nung' is unfired brick).
    inside = {i for size, start, _, _ in found for i in range(start, start - size)}
    end = next((i for i in negations if 0 < i < len(words) and i not in inside), len(words))
    return sorted(
        f
        for f in found
        if f[1] < end
        and not any(g[0] < f[0] and g[1] <= f[1] and f[1] - f[0] <= g[1] - g[0] for g in found)
    )


def _by_containment(
    words: tuple[str, ...], typed: str, confidence: float
) -> tuple[int, SectorMatch] | None:
    """The best contained term's length in words, and the match it gives."""
    found = _contained(words, _negations(typed))
    if not found:
        return None
    size, _, code, term = found[0]
    # A rival of another group is doubt; two classes of one group ("giấy kraft, thùng carton")
    # are a firm doing both, read as the first named.
    rivals = [c for s, _, c, _ in found if s == size and c[:3] != code[:3]]
    note = "" if confidence == CONTAINED else " (after spelling correction)"
    match = _match(
        code,
        confidence if not rivals else confidence - 0.2,
        f"lexicon '{term}'{note}",
        typed,
        rivals + [c for _, _, c, _ in found],
    )
    return -size, match


def _corrections(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Spellings of ``words`` with each unknown word replaced by its nearest lexicon words."""
    vocabulary = _tables().vocabulary
    options: list[list[str]] = []
    for word in words:
        near: list[str] = []
        if len(word) >= 3 and word not in vocabulary:
            hits = process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=80, limit=3)
            near = [w for w, score, _ in hits if score == hits[0][1]]  # keep ties, let terms decide
        options.append(near or [word])
    return [v for v in itertools.islice(itertools.product(*options), 9) if v != words]


@lru_cache(maxsize=4096)
def recognise_sector(text: str) -> SectorMatch | None:
    """The VSIC 2018 code for a sector as typed, or ``None`` when nothing in it names a sector."""
    typed = text
    if not text or not text.strip():
        return None
    tables = _tables()
    code = _typed_code(text)
    if code is not None:
        return _match(code, 1.0, "VSIC code typed", typed, []) if code[:2] in tables.names else None
    words = normalise(text)
    if not words:
        return None
    for index, label in ((tables.terms, "lexicon"), (tables.titles, "VSIC title")):
        if words in index:
            code, term = index[words]
            return _match(code, EXACT, f"{label} '{term}'", typed, [])
    hit = _by_containment(words, typed, CONTAINED)
    for fixed in _corrections(words):  # a misspelt word may hide a longer term
        repaired = _by_containment(fixed, typed, CORRECTED)
        if repaired is not None and (hit is None or repaired[0] > hit[0]):
            hit = repaired
    if hit is not None:
        return hit[1]
    ranked = process.extract(
        " ".join(words),
        tables.choice_keys,
        scorer=_score,
        limit=12,
        score_cutoff=FUZZY_CUTOFF if len(" ".join(words)) >= 5 else SHORT_CUTOFF,
    )
    if not ranked:
        return None
    codes = [tables.choices[choice][0] for choice, _, _ in ranked]
    best, score, _ = ranked[0]
    code, label = tables.choices[best]
    kind = "lexicon" if tuple(best.split()) in tables.terms else "VSIC title"
    return _match(
        code, FUZZY_CAP * score / 100, f"{kind} '{label}' (fuzzy {score:.0f})", typed, codes
    )
