"""How well a pair fits, beside what it is worth: whether the receiver's sector and process
can take the supply under the rule that links them (and the supplier's can give it),
whether the supply's stated quality shows it meets the rule, how much of the supply the
receiver takes, and how far it travels. Pure: arrays in, arrays out.

A rule names its receivers by VSIC code (a division, group or class: ``2394`` cement,
``42`` civil engineering; ``*`` any firm that already buys the replaced input) and by
process words found in a receiver's name, sector text or the words of its input ("gạch
không nung", "lò hơi"). A receiver whose recorded sector and words fit is ``FITS``; one
with no sector recorded and no fitting word ``CONFIRM`` (proposed, ranked below the pairs
that fit, with the reason "needs confirmation"), as is one whose sector is recorded only
as a division that holds one of the rule's classes; one whose recorded sector lies outside
the rule's receivers, or among the sectors the rule never serves, is ``OUTSIDE`` and the
pair is not proposed. The supplier side works the same way where a rule names where its
supply comes from (only residues named as feed are feed). See docs/methods/matching.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from parkloop.domain.codes import fold

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]

ANY = "*"
OUTSIDE, CONFIRM, FITS = 0, 1, 2
# Factors of the fit score (each at most 1; their product is the pair's fit).
CONFIRM_FACTOR = 0.6  # a side whose sector is not recorded: needs confirmation
QUALITY_UNCLEAR = 0.85  # a rule limit the supply's quality does not show
QUALITY_WARNING = 0.7  # the supply comes from (or through) a sector that needs a named test
QUANTITY_FLOOR = 0.5  # a receiver taking nothing of the supply would score this
DISTANCE_FLOOR = 0.5  # a pair at its distance limit scores this
DISTANCE_SCALE_KM = 50.0  # the scale of the distance factor where no limit applies

# A scrap dealer (VSIC 4669, wholesale of waste and scrap) buys from who discards: what a
# recycler (383) or another dealer sells has been through the trade and replaces nothing
# virgin there (washed PET flakes sold to a fibre plant are no stock for a dealer).
SCRAP_TRADE = ("383", "4669")
SCRAP_DEALERS = ("4669",)
# Fallback sector of a partner without a VSIC code, by its kind.
KIND_SECTOR = {"farm": "01", "treater": "38", "collector": "38"}
# Words that make a partner without a sector a shared wastewater plant.
WWTP_WORDS = ("xu ly nuoc thai", "wastewater", "waste water", "xlnt")

_WORD = re.compile(r"[a-z0-9]+")


def words_of(*texts: str) -> str:
    """Folded words of ``texts``, space-separated and padded, digits dropped (so firms
    named alike share one entry)."""
    found = [w for t in texts if t for w in _WORD.findall(fold(t)) if not w.isdigit()]
    return " " + " ".join(found) + " " if found else " "


def phrase(text: str) -> str:
    """A process word as :func:`words_of` would hold it inside a text."""
    return words_of(text)


@dataclass(frozen=True, slots=True)
class Sides:
    """Who may take a supply under one rule, and where the supply may come from."""

    receivers: tuple[str, ...] = (ANY,)
    receiver_words: tuple[str, ...] = ()  # as :func:`phrase` gives them
    never: tuple[str, ...] = ()
    suppliers: tuple[str, ...] = ()
    supplier_words: tuple[str, ...] = ()
    warn: tuple[str, ...] = ()
    # Words of receivers it never serves unless they also say the rule's own words (a
    # grinding station, "trạm nghiền", is no kiln: kiln fuel and raw meal are not for it).
    never_words: tuple[str, ...] = ()

    @property
    def any_receiver(self) -> bool:
        return ANY in self.receivers

    @property
    def checks_supplier(self) -> bool:
        return bool(self.suppliers or self.supplier_words)

    @classmethod
    def of(
        cls,
        receivers: Iterable[str],
        receiver_words: Iterable[str] = (),
        never: Iterable[str] = (),
        suppliers: Iterable[str] = (),
        supplier_words: Iterable[str] = (),
        warn: Iterable[str] = (),
        never_words: Iterable[str] = (),
    ) -> Sides:
        return cls(
            receivers=tuple(receivers),
            receiver_words=tuple(dict.fromkeys(phrase(w) for w in receiver_words if w.strip())),
            never=tuple(never),
            suppliers=tuple(suppliers),
            supplier_words=tuple(dict.fromkeys(phrase(w) for w in supplier_words if w.strip())),
            warn=tuple(warn),
            never_words=tuple(dict.fromkeys(phrase(w) for w in never_words if w.strip())),
        )


def in_sectors(sector: str, codes: Sequence[str]) -> bool:
    """Whether a VSIC code falls under one of ``codes`` (a division takes its classes)."""
    return bool(sector) and any(sector.startswith(c) for c in codes if c != ANY)


def above_sectors(sector: str, codes: Sequence[str]) -> bool:
    """Whether a VSIC code is coarser than one of ``codes`` (a division, known only as such,
    that holds one of the classes): the sector may fit, the code cannot tell."""
    return bool(sector) and any(c.startswith(sector) and c != sector for c in codes if c != ANY)


def has_words(text: str, words: Sequence[str]) -> str:
    """The first of ``words`` found in ``text`` (both as :func:`words_of` gives them)."""
    for w in words:
        if w.strip() and w in text:
            return w.strip()
    return ""


@dataclass
class Parties:
    """Who the organisations are: the VSIC code recorded for each (``""`` unknown), the
    folded words of its name and sector text, and for a shared wastewater plant the
    sectors of the firms whose water it treats (``served``); for one without a recorded
    sector, the sectors its typed words may mean (``doubt``: the doubtful reading and its
    other suggestions, space-separated), which keep it out of a rule's ``never`` sectors."""

    org: I64
    sector: NDArray[np.object_]
    words: NDArray[np.object_]
    served: dict[int, tuple[str, ...]] = field(default_factory=dict)
    doubt: NDArray[np.object_] | None = None
    _cache: dict[tuple[str, tuple[str, ...]], B] = field(default_factory=dict, repr=False)

    @classmethod
    def empty(cls) -> Parties:
        return cls(
            np.empty(0, dtype=np.int64), np.empty(0, dtype=object), np.empty(0, dtype=object)
        )

    @classmethod
    def build(
        cls,
        org: Sequence[int],
        sector: Sequence[str],
        words: Sequence[str],
        served: dict[int, tuple[str, ...]] | None = None,
        doubt: Sequence[str] | None = None,
    ) -> Parties:
        order = np.argsort(np.asarray(org, dtype=np.int64), kind="stable")
        return cls(
            org=np.asarray(org, dtype=np.int64)[order],
            sector=np.asarray(list(sector), dtype=object)[order],
            words=np.asarray(list(words), dtype=object)[order],
            served=dict(served or {}),
            doubt=None if doubt is None else np.asarray(list(doubt), dtype=object)[order],
        )

    def index(self, org: I64) -> I64:
        """Positions of ``org`` in this table (-1 for an organisation it does not hold)."""
        if not len(self.org):
            return np.full(len(org), -1, dtype=np.int64)
        pos = np.searchsorted(self.org, org)
        pos = np.minimum(pos, len(self.org) - 1)
        return np.where(self.org[pos] == org, pos, -1).astype(np.int64)

    def _per_org(self, kind: str, values: tuple[str, ...]) -> B:
        key = (kind, values)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if kind in ("sector", "coarse"):
            test = in_sectors if kind == "sector" else above_sectors
            uniq, inverse = np.unique(self.sector.astype(str), return_inverse=True)
            out = np.array([test(u, values) for u in uniq], dtype=bool)[inverse]
        elif kind == "doubt":
            assert self.doubt is not None
            uniq, inverse = np.unique(self.doubt.astype(str), return_inverse=True)
            out = np.array(
                [any(in_sectors(c, values) for c in u.split()) for u in uniq], dtype=bool
            )[inverse]
        elif kind == "served":
            out = np.zeros(len(self.org), dtype=bool)
            for org_id, sectors in self.served.items():
                if any(in_sectors(s, values) for s in sectors):
                    pos = self.index(np.array([org_id], dtype=np.int64))[0]
                    if pos >= 0:
                        out[pos] = True
        else:
            uniq, inverse = np.unique(self.words.astype(str), return_inverse=True)
            out = np.array([bool(has_words(u, values)) for u in uniq], dtype=bool)[inverse]
        self._cache[key] = out
        return out

    def _lookup(self, kind: str, values: tuple[str, ...], pos: I64) -> B:
        if not values or not len(pos) or not len(self.org):
            return np.zeros(len(pos), dtype=bool)
        return np.where(pos >= 0, self._per_org(kind, values)[np.maximum(pos, 0)], False)

    def sector_in(self, pos: I64, codes: tuple[str, ...]) -> B:
        return self._lookup("sector", codes, pos)

    def coarser(self, pos: I64, codes: tuple[str, ...]) -> B:
        return self._lookup("coarse", codes, pos)

    def words_in(self, pos: I64, words: tuple[str, ...]) -> B:
        return self._lookup("words", words, pos)

    def may_be_in(self, pos: I64, codes: tuple[str, ...]) -> B:
        """Whether each organisation's sector is among ``codes``, or, where none is recorded,
        whether its typed words may mean one of them (a doubtful reading or a suggestion)."""
        hit = self.sector_in(pos, codes)
        if self.doubt is None:
            return hit
        return hit | self._lookup("doubt", codes, pos)

    def served_in(self, pos: I64, codes: tuple[str, ...]) -> B:
        if not self.served:
            return np.zeros(len(pos), dtype=bool)
        return self._lookup("served", codes, pos)

    def known(self, pos: I64) -> B:
        """Whether a sector is recorded for each organisation."""
        if not len(pos) or not len(self.org):
            return np.zeros(len(pos), dtype=bool)
        return np.where(pos >= 0, self.sector[np.maximum(pos, 0)].astype(str) != "", False)


class RowWords:
    """Which rows of one side say some words: each distinct text of the side read once per
    set of words, and only when a row of it is asked about, for a whole matching run."""

    def __init__(self, texts: NDArray[np.object_]) -> None:
        self._texts, self._inverse = np.unique(texts.astype(str), return_inverse=True)
        self._said: dict[tuple[str, ...], NDArray[np.int8]] = {}

    def say(self, rows: I64, words: tuple[str, ...]) -> B:
        if not words or not len(rows):
            return np.zeros(len(rows), dtype=bool)
        said = self._said.setdefault(words, np.full(len(self._texts), -1, dtype=np.int8))
        codes = self._inverse[rows]
        for i in np.unique(codes[said[codes] < 0]).tolist():
            said[i] = bool(has_words(self._texts[i], words))
        out: B = said[codes] == 1
        return out


def side_fit(
    parties: Parties,
    pos: I64,
    said: B | None,
    codes: tuple[str, ...],
    words: tuple[str, ...],
    never: tuple[str, ...] = (),
    never_words: tuple[str, ...] = (),
    row_confirms: bool = False,
) -> NDArray[np.int8]:
    """FITS, CONFIRM or OUTSIDE for each party (``pos`` in ``parties``) against a rule's
    sector ``codes`` and process ``words`` (``said``: whether each row's own flow says
    them, where that may count; with ``row_confirms`` a party they alone name needs
    confirming). ``never`` sectors are OUTSIDE whatever their words; parties saying
    ``never_words`` are OUTSIDE unless they also say ``words``."""
    n = len(pos)
    if ANY in codes:
        fit = np.full(n, FITS, dtype=np.int8)
    else:
        hit = parties.sector_in(pos, codes) | parties.words_in(pos, words)
        by_row = np.zeros(n, dtype=bool)
        if said is not None:
            by_row = said & ~hit
            if not row_confirms:
                hit |= by_row
        # A sector recorded only as a division that holds one of the rule's classes may fit.
        known = (parties.known(pos) & ~parties.coarser(pos, codes)) & ~by_row
        fit = np.where(hit, FITS, np.where(known, OUTSIDE, CONFIRM)).astype(np.int8)
    if never:
        fit[parties.may_be_in(pos, never)] = OUTSIDE
    if never_words:
        fit[parties.words_in(pos, never_words) & ~parties.words_in(pos, words)] = OUTSIDE
    return fit


# Who eats, drinks or heals with what it takes in: crops and livestock (VSIC 01),
# aquaculture (03), food, drink and tobacco (10-12, feed mills among them), medicine (21).
FOOD_CHAIN = ("01", "03", "10", "11", "12", "21")
# Words by which staff say a residue has spoiled: mould ("bị mốc", "nấm mốc"), aflatoxin,
# rancid ("ôi thiu"). "Mốc" alone is left out: without its accents it is "mộc" (joinery).
SPOILED_WORDS = tuple(
    phrase(w) for w in ("bị mốc", "nấm mốc", "mốc meo", "aflatoxin", "ôi thiu", "mouldy", "moldy")
)


# Words by which staff say textile scrap is mixed with leatherette or foam (a shoe plant's
# cutting waste: "Vụn PU, simili, vải vụn"): no scrap yard's stock unless it lists fabric.
COMPOSITE_TEXTILE_WORDS = tuple(
    phrase(w) for w in ("simili", "giả da", "da pu", "pu", "xốp", "eva", "leatherette")
)
COMPOSITE_TEXTILE = "textile-scrap"  # the class a yard is offered only as clean fabric


def spoiled_to_food_chain(parties: Parties, spoiled: B, d_pos: I64) -> B:
    """Pairs whose supply its staff call spoiled (``spoiled``: its words say SPOILED_WORDS)
    and whose receiver may be in the food chain: never proposed, whatever the rule (mouldy
    bran is no feed for a dairy herd)."""
    if not spoiled.any():
        return spoiled
    return spoiled & parties.may_be_in(d_pos, FOOD_CHAIN)


def sideways(parties: Parties, s_pos: I64, d_pos: I64) -> B:
    """Whether each pair goes from the scrap trade back to a dealer (see SCRAP_DEALERS)."""
    return parties.sector_in(s_pos, SCRAP_TRADE) & parties.sector_in(d_pos, SCRAP_DEALERS)


def warned(parties: Parties, pos: I64, codes: tuple[str, ...]) -> B:
    """Whether each supplier's sector, or a sector it serves, is among ``codes``."""
    if not codes:
        return np.zeros(len(pos), dtype=bool)
    return parties.sector_in(pos, codes) | parties.served_in(pos, codes)


def quantity_factor(q: F64, supply_qty: F64) -> F64:
    """QUANTITY_FLOOR for a receiver taking none of the supply, 1 for one taking it all."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(supply_qty > 0, np.minimum(1.0, q / supply_qty), 0.0)
    return QUANTITY_FLOOR + (1.0 - QUANTITY_FLOOR) * np.nan_to_num(share)


def distance_factor(km: F64, limit_km: F64) -> F64:
    """1 next door, DISTANCE_FLOOR at the distance limit (or DISTANCE_SCALE_KM without one)."""
    scale = np.where(np.isfinite(limit_km) & (limit_km > 0), limit_km, DISTANCE_SCALE_KM)
    return 1.0 - (1.0 - DISTANCE_FLOOR) * np.minimum(1.0, np.asarray(km) / scale)


__all__ = [
    "CONFIRM",
    "CONFIRM_FACTOR",
    "FITS",
    "KIND_SECTOR",
    "OUTSIDE",
    "QUALITY_UNCLEAR",
    "QUALITY_WARNING",
    "WWTP_WORDS",
    "Parties",
    "RowWords",
    "Sides",
    "distance_factor",
    "has_words",
    "in_sectors",
    "quantity_factor",
    "side_fit",
    "sideways",
    "warned",
    "words_of",
]
