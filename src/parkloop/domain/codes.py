"""Codes people can type: one normal form for park and organisation codes, and the lookup
of a code, a name or a unique prefix among known ones. Pure; no I/O."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

_NOT_CODE = re.compile(r"[^a-z0-9]+")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# Legal forms that say nothing about which firm it is; dropped when a code is made from a
# name ("Công ty TNHH Thép Việt Nhật" -> "thep-viet-nhat").
_LEGAL = re.compile(
    r"\b(cong ty|cty|ct|tnhh|mtv|co phan|cp|ctcp|tap doan|chi nhanh|nha may|jsc|co ltd|"
    r"company limited|company|limited|ltd|corporation|corp|inc|llc|plc|group|"
    r"kcn|ccn|kcx|kkt|khu cong nghiep|cum cong nghiep|khu che xuat|khu kinh te|"
    r"industrial park|industrial zone)\b"
)
CODE_LIMIT = 64


class _Marks(dict[int, int | None]):
    """A table for ``str.translate``: a combining mark (Unicode category Mn) to nothing,
    any other character to itself; each character looked up once, when first met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = kept
        return kept


_MARKS = _Marks()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Accent- and case-insensitive form of a Vietnamese or English name, for matching."""
    text = text.replace("đ", "d").replace("Đ", "D")
    if not text.isascii():  # (ASCII has no marks to take off)
        text = unicodedata.normalize("NFD", text).translate(_MARKS)
    return " ".join(text.casefold().split())


def normalise_code(text: str) -> str:
    """Lowercase, accents folded, anything else joined by '-': 'Quế Võ 4' -> 'que-vo-4'."""
    return _NOT_CODE.sub("-", fold(text)).strip("-")[:CODE_LIMIT].strip("-")


def code_from_name(name: str) -> str:
    """A code made from a firm's name, without its legal form."""
    folded = _NOT_CODE.sub(" ", fold(name))
    short = _LEGAL.sub(" ", folded)
    return normalise_code(short if short.strip() else folded)


def short_name(name: str) -> str:
    """A name folded and without its legal form, to compare names typed differently ('&'
    is 'và': 'Bia & NGK Yên Phong' shortens 'Bia và Nước giải khát Yên Phong')."""
    folded = _NOT_CODE.sub(" ", fold(name.replace("&", " và ")))
    short = " ".join(_LEGAL.sub(" ", folded).split())
    return short or " ".join(folded.split())


def _shortens(typed: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Whether ``typed`` is ``words`` (from some word on, to the end) with runs of two or
    more words written as their initials, at least one run and one whole word."""
    return any(_fits(typed, words, 0, start, False, False) for start in range(len(words)))


def _fits(
    typed: tuple[str, ...], words: tuple[str, ...], t: int, w: int, initials: bool, whole: bool
) -> bool:
    """:func:`_shortens` from typed word ``t`` and name word ``w`` on."""
    if t == len(typed):
        return w == len(words) and initials and whole
    word = typed[t]
    if w < len(words) and word == words[w] and _fits(typed, words, t + 1, w + 1, initials, True):
        return True
    run = len(word)
    return (
        2 <= run <= len(words) - w
        and all(words[w + k][0] == word[k] for k in range(run))
        and _fits(typed, words, t + 1, w + run, True, whole)
    )


# Words for a plant, station, workshop or farm ('nhà máy', 'NM', 'trạm', 'xưởng', 'cơ sở',
# 'lò', 'xí nghiệp', 'trại'): staff put them before a firm's name or trade, which the name
# may not hold.
FACILITY = frozenset(
    {"nha", "may", "nm", "tram", "xuong", "co", "so", "lo", "xi", "nghiep", "xn", "trai"}
)


@dataclass(frozen=True, slots=True)
class Named:
    """A known code with the names it may be called by."""

    code: str
    names: tuple[str, ...] = ()
    # What the organisation does, in words ('Chế biến mủ cao su'): a firm may be typed by
    # its trade and its own name words ('NM chế biến mủ Ea Hồ').
    trade: str = ""


def _written_out(text: str, spelled: Mapping[str, str]) -> str | None:
    """``text`` with its abbreviations written out, or None if it has none."""
    words = _NOT_CODE.sub(" ", fold(text)).split()
    if not any(w in spelled for w in words):
        return None
    return " ".join(spelled.get(w, w) for w in words)


def _words(text: str, spelled: Mapping[str, str]) -> list[str]:
    """The words of ``text`` folded, legal form left out, abbreviations written out."""
    return short_name(_written_out(text, spelled) or text).split()


@dataclass(frozen=True, slots=True)
class Lookup:
    """Finds a known code from what someone typed: the code in any case or spelling, a
    name, or a unique prefix of either."""

    by_form: dict[str, str]
    entries: tuple[Named, ...]
    # Folded abbreviation -> its folded words ('vlxd' -> 'vat lieu xay dung'): a name typed
    # with the abbreviations of firm names ('VLXD Hòa Cầm') is also tried written out.
    spelled: Mapping[str, str] = field(default_factory=dict)
    # Of each entry that says its trade: (code, words of its trade, words of each name),
    # worked out once for :meth:`_by_trade`.
    trades: tuple[tuple[str, frozenset[str], tuple[frozenset[str], ...]], ...] = ()

    @classmethod
    def of(cls, entries: Iterable[Named], spelled: Mapping[str, str] | None = None) -> Lookup:
        listed = tuple(entries)
        by_form: dict[str, str] = {}
        ambiguous: set[str] = set()
        for entry in listed:
            for form in {entry.code, normalise_code(entry.code)}:
                by_form[form] = entry.code
        for entry in listed:
            for name in entry.names:
                for form in {fold(name), short_name(name), normalise_code(name)}:
                    if not form or (form in by_form and by_form[form] != entry.code):
                        if form in by_form and by_form[form] != entry.code:
                            ambiguous.add(form)
                        continue
                    by_form[form] = entry.code
        for form in ambiguous:
            if not any(form in {e.code, normalise_code(e.code)} for e in listed):
                by_form.pop(form, None)
        spelled = spelled or {}
        trades = tuple(
            (
                e.code,
                frozenset(_words(e.trade, spelled)),
                tuple(frozenset(short_name(n).split()) for n in e.names),
            )
            for e in listed
            if e.trade
        )
        return cls(by_form, listed, spelled, trades)

    def find(self, text: str, prefix: bool = True) -> str | None:
        """The code ``text`` stands for, or None if it names none (or several).

        Tried in turn: the code or a name in any spelling; the words of a shortened name
        ('Gỗ Trường Thành' for 'Công ty TNHH Chế biến gỗ Trường Thành') when they belong
        to one name only; with ``prefix``, a unique prefix of a code or name."""
        for form in (text.strip(), normalise_code(text), fold(text), short_name(text)):
            if form and form in self.by_form:
                return self.by_form[form]
        written_out = self._written_out(text)
        if written_out is not None:
            found = self.find(written_out, prefix=False)
            if found is not None:
                return found
        found = self._by_initials(text)
        if found is not None:
            return found
        found = self._by_trade(text)
        if found is not None:
            return found
        outside = _BRACKETS.sub(" ", text)
        if outside.strip() and outside != text:
            # 'Hạ tầng KCN X (trạm XLNT TT)': the name outside the brackets, or inside them.
            for part in (outside, *_BRACKETS.findall(text)):
                found = self.find(part.strip("()[] "), prefix=False)
                if found is not None:
                    return found
        named = set(short_name(text).split())
        if len(named - FACILITY) >= 2:
            named -= FACILITY  # 'Trạm XLNT tập trung' for 'Nhà máy XLNT tập trung KCN X'
        if len(named) >= 2:
            hits = {
                e.code
                for e in self.entries
                for name in e.names
                if named <= set(short_name(name).split())
            }
            if len(hits) == 1:
                return next(iter(hits))
            near = self._closest(text)
            if near is not None:
                return near
        if not prefix:
            return None
        typed = normalise_code(text)
        if len(typed) < 3:
            return None
        starts = {
            code for form, code in self.by_form.items() if normalise_code(form).startswith(typed)
        }
        return next(iter(starts)) if len(starts) == 1 else None

    def _written_out(self, text: str) -> str | None:
        """``text`` with its abbreviations written out, or None if it has none."""
        return _written_out(text, self.spelled)

    def _by_initials(self, text: str) -> str | None:
        """The one firm whose name ``text`` shortens with initials of its own words
        ('NLSH Nghi Hải' for 'Công ty TNHH Nhiên liệu sinh học Nghi Hải'): each typed word
        is the name's next word or the initials of its next two or more words, in order,
        with at least one of each kind."""
        typed = short_name(text).split()
        if len(typed) < 2:
            return None
        hits = {
            e.code
            for e in self.entries
            for name in e.names
            if _shortens(tuple(typed), tuple(short_name(name).split()))
        }
        return next(iter(hits)) if len(hits) == 1 else None

    def _by_trade(self, text: str) -> str | None:
        """The one firm typed by what it does and words of its own name ('NM chế biến mủ
        Ea Hồ' for 'Công ty TNHH MTV Cao su Ea Hồ', whose trade is 'Chế biến mủ cao su';
        'TACN Hòa Thuận' for 'Dinh dưỡng chăn nuôi Hòa Thuận', a feed maker): every typed
        word, words for a plant or workshop aside, is a word of its name or of its trade,
        and at least one is a word of its name that its trade does not hold."""
        typed = [w for w in _words(text, self.spelled) if w not in FACILITY]
        if len(typed) < 2:
            return None
        hits = {
            code
            for code, trade, names in self.trades
            for own in names
            if all(w in own or w in trade for w in typed)
            and any(w in own and w not in trade for w in typed)
        }
        return next(iter(hits)) if len(hits) == 1 else None

    def _closest(self, text: str) -> str | None:
        """A name written a little differently ('Giày da Quang Vinh' for 'Giày Quang
        Vinh'): one name clearly nearest by its words, and no other close."""
        short = short_name(text)
        names = [(short_name(n), e.code) for e in self.entries for n in e.names]
        if not names:
            return None
        hits = process.extract(
            short, [n for n, _ in names], scorer=fuzz.token_set_ratio, limit=8, score_cutoff=88
        )
        best: dict[str, float] = {}
        for _, score, index in hits:
            code = names[index][1]
            best[code] = max(best.get(code, 0.0), score)
        ranked = sorted(best.values(), reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[0] - ranked[1] < 8):
            return None
        return max(best, key=lambda c: best[c])

    def nearest(self, text: str, limit: int = 3) -> list[str]:
        """Known codes nearest to ``text``, for a message."""
        forms = list(self.by_form)
        if not forms:
            return []
        hits = process.extract(normalise_code(text), forms, scorer=fuzz.WRatio, limit=limit * 4)
        out: list[str] = []
        for form, score, _ in hits:
            code = self.by_form[form]
            if score >= 60 and code not in out:
                out.append(code)
        return out[:limit]
