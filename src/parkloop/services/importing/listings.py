"""The Offers and wants sheet: what a firm offers or wants, per year."""

from __future__ import annotations

from typing import Any

from parkloop.services.importing.checker import Checker, Prepared
from parkloop.services.importing.columns import Converted
from parkloop.services.importing.owned import owned_rows, text_key


def build(checker: Checker, conv: Converted) -> Prepared:
    v = conv.values

    def base_keys(cols: dict[str, list[Any]], kept: list[int], at: list[int]) -> list[str]:
        orgs, texts, kinds = cols["_org"], cols["material_text"], v["kind"]
        return [f"{orgs[p][1]}:{kinds[kept[p]]}:{text_key(texts[p])}" for p in at]

    def direction(i: int) -> str | None:
        kind = v["kind"][i]
        return None if kind is None else ("out" if kind == "offer" else "in")

    rows, kept = owned_rows(checker, conv, lambda i: 365.0, base_keys, direction)
    out = [
        r
        for r, i in zip(rows, kept, strict=True)
        if checker.dates_ok(conv, i, r, "available_from", "available_until")
    ]
    return checker.prepared("listings", conv, out, lambda r: (r["_park"], r["key"]))
