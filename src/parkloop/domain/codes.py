"""Codes people can type: one normal form for park and organisation codes, and the lookup
of a code, a name or a unique prefix among known ones. Pure; no I/O."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

_NOT_CODE = re.compile(r"[^a-z0-9]+")
# Legal forms that say nothing about which firm it is; dropped when a code is made from a
# name ("Công ty TNHH Thép Việt Nhật" -> "thep-viet-nhat").
_LEGAL = re.compile(
    r"\b(cong ty|cty|ct|tnhh|mtv|co phan|cp|ctcp|tap doan|chi nhanh|nha may|jsc|co ltd|"
    r"company limited|company|limited|ltd|corporation|corp|inc|llc|plc|group)\b"
)
CODE_LIMIT = 64


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Accent- and case-insensitive form of a Vietnamese or English name, for matching."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.casefold().split())


def normalise_code(text: str) -> str:
    """Lowercase, accents folded, anything else joined by '-': 'Quế Võ 4' -> 'que-vo-4'."""
    return _NOT_CODE.sub("-", fold(text)).strip("-")[:CODE_LIMIT].strip("-")


def code_from_name(name: str) -> str:
    """A code made from a firm's name, without its legal form."""
    folded = _NOT_CODE.sub(" ", fold(name))
    short = _LEGAL.sub(" ", folded)
    return normalise_code(short if short.strip() else folded)


def short_name(name: str) -> str:
    """A name folded and without its legal form, to compare names typed differently."""
    folded = _NOT_CODE.sub(" ", fold(name))
    short = " ".join(_LEGAL.sub(" ", folded).split())
    return short or " ".join(folded.split())


@dataclass(frozen=True, slots=True)
class Named:
    """A known code with the names it may be called by."""

    code: str
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Lookup:
    """Finds a known code from what someone typed: the code in any case or spelling, a
    name, or a unique prefix of either."""

    by_form: dict[str, str]
    entries: tuple[Named, ...]

    @classmethod
    def of(cls, entries: Iterable[Named]) -> Lookup:
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
        return cls(by_form, listed)

    def find(self, text: str, prefix: bool = True) -> str | None:
        """The code ``text`` stands for, or None if it names none (or several)."""
        for form in (text.strip(), normalise_code(text), fold(text), short_name(text)):
            if form and form in self.by_form:
                return self.by_form[form]
        if not prefix:
            return None
        typed = normalise_code(text)
        if len(typed) < 3:
            return None
        hits = {
            code for form, code in self.by_form.items() if normalise_code(form).startswith(typed)
        }
        return next(iter(hits)) if len(hits) == 1 else None

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
