"""Columnar supply and demand tables: what the engine works on at any scale."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parkloop.matching.fit import words_of

FLOW, LISTING, PROFILE = 0, 1, 2
# Ids of expected rows (screened from a sector profile) start here, above any record id.
EXPECTED_ID_BASE = 1 << 29
NO_LIMIT = np.inf


@dataclass
class Side:
    """One side of the market (supplies or demands), one row per flow or listing.

    Quantities are per year in the material's canonical unit; prices are VND per canonical
    unit (NaN when unknown). ``fee`` is true for supplies whose price today is a fee paid
    for disposal, ``sold`` for supplies sold today (their price is revenue).
    ``already_sold`` marks the supplies of the kind "already sold": outputs sold today at a
    fair price (to a trader or a buyer outside the park), offered to a neighbour instead of
    the market, valued as a local sale and ranked below open wastes. ``expected`` marks
    rows not declared by the firm but expected from its sector's profile (kind
    ``PROFILE``; see :mod:`parkloop.matching.screening`).
    """

    ids: NDArray[np.int64]
    kinds: NDArray[np.int8]
    org: NDArray[np.int64]
    park: NDArray[np.int64]
    material: NDArray[np.int32]
    qty: NDArray[np.float64]
    price: NDArray[np.float64]
    fee: NDArray[np.bool_]
    sold: NDArray[np.bool_]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    year: NDArray[np.int32]
    start_day: NDArray[np.int32]
    end_day: NDArray[np.int32]
    max_km: NDArray[np.float64]
    private: NDArray[np.bool_]
    level: NDArray[np.int8]  # confidentiality: 0 public, 1 park, 2 private
    waste_code: NDArray[np.object_]
    quality: NDArray[np.object_]
    text: NDArray[np.object_]
    words: NDArray[np.object_]  # the row's own words (description, staff's words), padded
    already_sold: NDArray[np.bool_]
    price_status: NDArray[np.object_]  # "reported", "estimate" (filled at import) or ""
    expected: NDArray[np.bool_]  # expected from the sector's profile, not declared
    # Supplies whose row sends them today to the park's shared wastewater plant ("Đấu nối
    # về trạm XLNT tập trung"): that pair runs today, shown as such below new ones.
    to_plant: NDArray[np.bool_]
    # Demands their firm did not list but its trade takes (a scrap yard's other classes of
    # scrap): every pair to one needs the receiver's confirmation.
    unlisted: NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def uid(self) -> NDArray[np.int64]:
        """A key unique across flows, listings and expected rows (whose ids start at
        ``EXPECTED_ID_BASE``)."""
        out: NDArray[np.int64] = self.ids * 2 + (self.kinds == LISTING).astype(np.int64)
        return out

    def take(self, index: NDArray[np.int64]) -> Side:
        return Side(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @classmethod
    def empty(cls) -> Side:
        columns: dict[str, list[object]] = {f.name: [] for f in fields(cls)}
        return cls.from_columns(columns)

    @classmethod
    def from_columns(
        cls, columns: dict[str, list[object]] | dict[str, NDArray[np.generic]]
    ) -> Side:
        dtypes: dict[str, type] = {
            "ids": np.int64,
            "kinds": np.int8,
            "org": np.int64,
            "park": np.int64,
            "material": np.int32,
            "qty": np.float64,
            "price": np.float64,
            "fee": np.bool_,
            "sold": np.bool_,
            "lat": np.float64,
            "lon": np.float64,
            "year": np.int32,
            "start_day": np.int32,
            "end_day": np.int32,
            "max_km": np.float64,
            "private": np.bool_,
            "level": np.int8,
            "waste_code": np.object_,
            "quality": np.object_,
            "text": np.object_,
            "words": np.object_,
            "already_sold": np.bool_,
            "price_status": np.object_,
            "expected": np.bool_,
            "to_plant": np.bool_,
            "unlisted": np.bool_,
        }
        given: dict[str, Any] = dict(columns)
        texts = list(given["text"])
        if len(given.get("words", ())) != len(texts):
            # Rows without words of their own are known by their description alone.
            given["words"] = [words_of(str(t)) for t in texts]
        if len(given.get("already_sold", ())) != len(texts):
            # Offers, wants and open wastes are not of the kind "already sold".
            given["already_sold"] = np.zeros(len(texts), dtype=bool)
        if len(given.get("price_status", ())) != len(texts):
            given["price_status"] = np.full(len(texts), "", dtype=object)
        if "expected" not in given or len(given["expected"]) != len(texts):
            given["expected"] = np.zeros(len(texts), dtype=bool)
        for flag in ("to_plant", "unlisted"):
            if flag not in given or len(given[flag]) != len(texts):
                given[flag] = np.zeros(len(texts), dtype=bool)
        if "level" not in given:
            # Records without a level given are private or shared with the park.
            given["level"] = np.where(np.asarray(given["private"], dtype=bool), 2, 1)
        return cls(**{name: np.asarray(given[name], dtype=dt) for name, dt in dtypes.items()})


def pair_keys(s_uid: NDArray[np.int64], d_uid: NDArray[np.int64]) -> NDArray[np.int64]:
    """One int64 per (supply, demand) pair; uids stay below 2**31."""
    return (s_uid << 32) | d_uid
