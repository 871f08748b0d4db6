"""The RECP measures sheet: resource-efficiency solutions inside each firm, with savings."""

from __future__ import annotations

from typing import Any

from parkloop.services.importing.checker import Checker, Prepared
from parkloop.services.importing.columns import Converted
from parkloop.services.importing.owned import owned_rows, slug


def build(checker: Checker, conv: Converted) -> Prepared:
    v = conv.values

    def base_key(i: int, row: dict[str, Any]) -> str:
        return f"{row['_org'][1]}:{v['year'][i]}:{slug(v['title'][i])}"

    rows, _ = owned_rows(checker, conv, lambda i: 365.0, base_key, lambda i: None)
    return checker.prepared("recp_measures", conv, rows, lambda r: (r["_park"], r["key"]))
