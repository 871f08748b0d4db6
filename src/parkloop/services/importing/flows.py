"""The Flows sheet: inputs and outputs of each firm in each period, as staff write them."""

from __future__ import annotations

from typing import Any

from parkloop.catalog.recognise import recognise_destination
from parkloop.domain.models import Period
from parkloop.errors import msg
from parkloop.services.importing.checker import Checker, Prepared
from parkloop.services.importing.columns import Converted
from parkloop.services.importing.owned import owned_rows, text_key


def build(checker: Checker, conv: Converted) -> Prepared:
    v = conv.values
    periods: list[Period] = v["period"]
    _destinations(checker, conv)

    def base_key(i: int, row: dict[str, Any]) -> str:
        org = row["_org"][1]
        return f"{org}:{periods[i].label}:{v['direction'][i]}:{text_key(row['material_text'])}"

    rows, kept = owned_rows(
        checker,
        conv,
        lambda i: periods[i].days,
        base_key,
        lambda i: v["direction"][i],
        ("period",),
    )
    out = []
    for row, i in zip(rows, kept, strict=True):
        if row["destination"] is not None and row["direction"] == "in":
            checker.problem(
                conv.raw,
                i,
                "destination",
                checker.raw_value(conv.raw, "destination", i),
                msg("only outputs have a destination"),
                msg("leave it blank for inputs"),
            )
            continue
        row["destination_text"] = (
            conv.values["destination_text"][i] if "destination" in conv.values else ""
        )
        period = periods[i]
        row["year"], row["period_months"], row["first_month"] = (
            period.year,
            period.months,
            period.first_month,
        )
        out.append(row)
    return checker.prepared("flows", conv, out, lambda r: (r["_park"], r["key"]))


def _destinations(checker: Checker, conv: Converted) -> None:
    """Where outputs go today, read from the staff's phrase (kept beside the value)."""
    texts = conv.values.get("destination")
    if texts is None:
        return
    values: list[str | None] = []
    typed: list[str] = []
    for i, text in enumerate(texts):
        if text is None:
            values.append(None)
            typed.append("")
            continue
        found = recognise_destination(text)
        if found.method != "code":
            checker.reading(conv.raw, "destination", i, found)
        values.append(found.code)
        # A value or label typed as it is needs no words kept beside it.
        typed.append("" if found.method == "code" else text)
    conv.values["destination"] = values
    conv.values["destination_text"] = typed
