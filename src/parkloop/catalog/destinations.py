"""Where an output goes today, read from the phrase staff write ('Thuê đơn vị có chức năng
thu gom, xử lý', 'Bán rẻ cho cơ sở tái chế', 'Xả vào hệ thống XLNT tập trung').

Phrases of ``destination_lexicon.csv`` carry a priority: the most specific phrase found in
the text decides ('bán rẻ' over 'bán', 'thuê đơn vị có chức năng' over 'xử lý'). A value or
label typed as it is (``landfill``, 'chôn lấp') is read as that value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.abc import Traversable
from pathlib import Path

from rapidfuzz import fuzz, process

from parkloop.catalog.recognise import EXACT, Recognised
from parkloop.catalog.words import Words, accents_agree, rows, split, words
from parkloop.domain.codes import fold


@dataclass(frozen=True, slots=True)
class _Phrase:
    tokens: tuple[str, ...]
    destination: str
    priority: int
    spelled: tuple[str, ...]  # as the lexicon writes it, with its accents


class DestinationRecogniser:
    def __init__(self, data_dir: Traversable | Path, values: Iterable[tuple[str, str, str]]):
        self.labels: dict[tuple[str, ...], str] = {}
        for value, label_vi, label_en in values:
            for text in (value, value.replace("_", " "), label_vi, label_en):
                self.labels[words(text)] = value
        self.phrases = [
            _Phrase(
                words(r["phrase"]),
                r["destination"],
                int(r["priority"]),
                split(r["phrase"]).accented,
            )
            for r in rows(data_dir, "destination_lexicon.csv")
            if words(r["phrase"])
        ]
        self.exact: dict[tuple[str, ...], str] = {}
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
        written = split(text)
        found = [p for p in self.phrases if _written(written, p)]
        rest = _remainder_at(written)
        if rest is not None:
            # 'Bán cho cơ sở làm phân bón 1 phần, còn lại chôn lấp': what is left to place
            # goes where the remainder goes.
            after = [p for p in found if _written(split(" ".join(written.accented[rest:])), p)]
            found = after or found
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


# Words after which staff say where the rest of an output goes ('bán một phần, còn lại chôn
# lấp', 'đốt lò sấy nội bộ, dư thì thuê xử lý').
_REMAINDER = (("còn", "lại"), ("dư", "thì"), ("phần", "dư"))
_REMAINDER_FOLDED = tuple(tuple(fold(w) for w in pair) for pair in _REMAINDER)


def _remainder_at(written: Words) -> int | None:
    """Where the words on the remainder of an output begin (after the last marker), if any."""
    words_ = written.accented if written.has_accents else written.folded
    markers = _REMAINDER if written.has_accents else _REMAINDER_FOLDED
    at = None
    for i in range(len(words_) - 1):
        if (words_[i].lower(), words_[i + 1].lower()) in markers:
            at = i + 2
    return at if at is not None and at < len(words_) else None


def _written(written: Words, phrase: _Phrase) -> bool:
    """The phrase is in the text as the lexicon writes it, tone marks aside where the text
    has accents: 'Xả ra sông Bần' holds no 'bán'."""
    n = len(phrase.tokens)
    return any(
        written.folded[i : i + n] == phrase.tokens
        and (
            not written.has_accents or accents_agree(written.accented[i : i + n], {phrase.spelled})
        )
        for i in range(len(written.folded) - n + 1)
    )


@cache
def destination_recogniser() -> DestinationRecogniser:
    from parkloop.catalog import catalog
    from parkloop.domain.enums import Destination

    return DestinationRecogniser(
        catalog().data_dir, [(d.value, d.label("vi"), d.label("en")) for d in Destination]
    )


@lru_cache(maxsize=16384)
def recognise_destination(text: str) -> Recognised:
    return destination_recogniser().recognise(text)
