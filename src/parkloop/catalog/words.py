"""Words of a text as staff write it, in two forms kept side by side: folded (no accents,
for matching typed-without-accents text) and accented (to tell 'phôi' billet from 'phoi'
turnings, 'lò' furnace from 'lọ' jar, 'giày' shoe from 'giấy' paper). A few words keep
their tone even folded, where it alone tells two materials apart ('dứa' pineapple, 'dừa'
coconut: ``tone_words.csv``); typed without marks, they read as the lexicon's unaccented
terms say. Abbreviations are spelled out ('XLNT' -> 'xử lý nước thải'), standards and
bare numbers set aside."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.abc import Traversable
from pathlib import Path

from parkloop.catalog.loader import default_data_dir, fold

_STANDARD = re.compile(r"\b(qcvn|tcvn|iso)\b[\s\d:/.\-]*(btnmt|bct|byt)?", re.IGNORECASE)
_SPLIT = re.compile(r"[^\w]+|_")
_NUMBER = re.compile(r"^\d+([.,]\d+)?%?$")
BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


@dataclass(frozen=True, slots=True)
class Words:
    """A text's words, folded and accented, position by position."""

    folded: tuple[str, ...]
    accented: tuple[str, ...]
    has_accents: bool = False

    def __len__(self) -> int:
        return len(self.folded)

    def __bool__(self) -> bool:
        return bool(self.folded)

    def take(self, keep: Iterable[int]) -> Words:
        kept = list(keep)
        return of(tuple(self.folded[i] for i in kept), tuple(self.accented[i] for i in kept))

    def before(self, end: int) -> Words:
        return of(self.folded[:end], self.accented[:end])


def of(folded: tuple[str, ...], accented: tuple[str, ...]) -> Words:
    return Words(folded, accented, folded != accented)


def rows(data_dir: Traversable | Path, name: str) -> list[dict[str, str]]:
    """The rows of a CSV file of the catalog (none if the file is absent)."""
    path = data_dir / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in r.items() if k} for r in csv.DictReader(fh)]


@cache
def abbreviations() -> dict[str, tuple[str, ...]]:
    """Folded abbreviation -> its accented words (``abbreviations.csv``)."""
    out: dict[str, tuple[str, ...]] = {}
    for row in rows(default_data_dir(), "abbreviations.csv"):
        expansion = _lower(row["expansion"]).split()
        if expansion:
            out[fold(row["abbreviation"])] = tuple(expansion)
    return out


@cache
def tone_words() -> dict[str, str]:
    """Words whose tone tells two materials apart (``tone_words.csv``: 'dứa' pineapple,
    'dừa' coconut) -> their folded form with the tone kept ('dua~s', 'dua~f')."""
    out: dict[str, str] = {}
    for row in rows(default_data_dir(), "tone_words.csv"):
        word = _lower(row["word"])
        marks = [c for c in unicodedata.normalize("NFD", word) if c in _TONES]
        out[word] = fold(word) + "~" + (_TONE_NAMES[marks[0]] if marks else "")
    return out


def _lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


@lru_cache(maxsize=65536)
def split(text: str) -> Words:
    """The words of ``text`` in both forms."""
    folded: list[str] = []
    accented: list[str] = []
    typed_with_accents = False
    expanded: list[int] = []
    for raw in _SPLIT.split(_lower(_STANDARD.sub(" ", text))):
        if not raw:
            continue
        f, a, spelled_out = _word(raw)
        if spelled_out:
            expanded.extend(range(len(folded), len(folded) + len(f)))
        elif f:
            typed_with_accents = typed_with_accents or a[0] != fold(raw)
        folded += f
        accented += a
    if expanded and not typed_with_accents:
        # An abbreviation in a text typed without accents ('Nguyen lieu TACN') is read
        # without them too: its expansion must not make the other words disagree.
        for i in expanded:
            accented[i] = folded[i]
    return of(tuple(folded), tuple(accented))


@lru_cache(maxsize=65536)
def _word(raw: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """One word of a text, lower-cased, as the words it stands for, folded and accented,
    and whether it is an abbreviation spelled out: none for a bare number (each word worked
    out once, however many texts it is in)."""
    if _NUMBER.match(raw):
        return (), (), False
    f = fold(raw)
    expansion = abbreviations().get(f)
    if expansion is None:
        # 'dứa' (pineapple) folds apart from 'dừa' (coconut)
        return (tone_words().get(raw, f),), (raw,), False
    return tuple(fold(w) for w in expansion), tuple(expansion), True


def words(text: str) -> tuple[str, ...]:
    """Folded words of a text (accents, case, punctuation, numbers set aside)."""
    return split(text).folded


def head(text: str) -> Words:
    """The words outside brackets: 'Sinh khối (trấu, mùn cưa ép)' -> 'sinh khối'."""
    return split(BRACKETS.sub(" ", text))


def contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))


def find(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> int:
    """Where ``phrase`` starts in ``tokens``, or -1."""
    n = len(phrase)
    for i in range(len(tokens) - n + 1):
        if tokens[i : i + n] == phrase:
            return i
    return -1


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Tone marks by their Telex letters: huyền, sắc, ngã, hỏi, nặng.
_TONE_NAMES = {"\u0300": "f", "\u0301": "s", "\u0303": "x", "\u0309": "r", "\u0323": "j"}


@lru_cache(maxsize=65536)
def detone(word: str) -> str:
    """A word without its tone marks but with its letters (â, ê, ô, ơ, ư, ă, đ): typos put
    the wrong tone more often than the wrong letter ('giẽ lau' for 'giẻ lau'), while the
    letters tell words apart ('phôi'/'phoi', 'giày'/'giấy', 'đầu'/'dầu')."""
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))


@lru_cache(maxsize=65536)
def detoned(words: tuple[str, ...]) -> tuple[str, ...]:
    """:func:`detone` of every word (a term's spelling is detoned once, not at each text
    it is looked for in)."""
    return tuple(map(detone, words))


def accents_agree(written: tuple[str, ...], term: set[tuple[str, ...]]) -> bool:
    """Whether words written with accents are the term's words (one of its spellings, tone
    marks aside). A term spelled without accents (an English term, or 'tro', 'can') agrees
    with words written without letter marks only: 'trợ' (of 'bột trợ lọc') is no 'tro',
    'cặn' no 'can'."""
    return detoned(written) in map(detoned, term)
