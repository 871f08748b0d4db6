"""The RECP measures sheet: resource-efficiency solutions inside each firm, with savings
and the fuel they save, read from the words staff write ('than cám', 'dầu DO')."""

from __future__ import annotations

from typing import Any

from parkloop.catalog.fuels import fuel_choices, recognise_fuel
from parkloop.errors import msg
from parkloop.services.importing.checker import Checker, Prepared
from parkloop.services.importing.columns import Converted
from parkloop.services.importing.owned import owned_rows, slug


def build(checker: Checker, conv: Converted) -> Prepared:
    v = conv.values

    def base_keys(cols: dict[str, list[Any]], kept: list[int], at: list[int]) -> list[str]:
        orgs, years, titles = cols["_org"], v["year"], v["title"]
        return [f"{orgs[p][1]}:{years[kept[p]]}:{slug(titles[kept[p]])}" for p in at]

    rows, kept = owned_rows(checker, conv, lambda i: 365.0, base_keys, lambda i: None)
    out = []
    for row, i in zip(rows, kept, strict=True):
        if _fuel(checker, conv, i, row):
            out.append(row)
    return checker.prepared("recp_measures", conv, out, lambda r: (r["_park"], r["key"]))


def _fuel(checker: Checker, conv: Converted, i: int, row: dict[str, Any]) -> bool:
    """The fuel code read from the staff's words, kept beside them; a fuel not recognised
    is refused with the choices, since its CO2e cannot be counted without it."""
    text = conv.values["fuel_type"][i]
    if text is None:
        row["fuel_type"], row["fuel_text"] = "", ""
        return True
    found = recognise_fuel(text)
    if not found.code:
        checker.problem(
            conv.raw,
            i,
            "fuel_type",
            checker.raw_value(conv.raw, "fuel_type", i),
            msg("not a fuel parkloop knows"),
            msg(
                "write the fuel as you would in a report, e.g. than, dầu DO, dầu FO, khí tự "
                "nhiên, LPG, trấu; or one of: {choices}",
                choices=fuel_choices(),
            ),
        )
        conv.bad[i] = True
        return False
    if found.method != "code":
        checker.reading(conv.raw, "fuel_type", i, found)
    row["fuel_type"] = found.code
    # A code typed as it is needs no words kept beside it.
    row["fuel_text"] = "" if found.method == "code" else text
    return True
