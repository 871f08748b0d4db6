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

    directions = v["direction"]
    # A sheet has a few distinct periods, each one object shared by its rows.
    labels: dict[int, str] = {}
    days: dict[int, float] = {}

    def base_key(i: int, row: dict[str, Any]) -> str:
        period = periods[i]
        label = labels.get(id(period))
        if label is None:
            label = labels[id(period)] = period.label
        return f"{row['_org'][1]}:{label}:{directions[i]}:{text_key(row['material_text'])}"

    def period_days(i: int) -> float:
        period = periods[i]
        found = days.get(id(period))
        if found is None:
            found = days[id(period)] = period.days
        return found

    rows, kept = owned_rows(
        checker,
        conv,
        period_days,
        base_key,
        directions.__getitem__,
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
    # Each distinct phrase is read once, its reading told once with all its rows.
    rows_of: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        if text is not None:
            rows_of.setdefault(text, []).append(i)
    read: dict[str | None, tuple[str | None, str]] = {None: (None, "")}
    for text, indices in rows_of.items():
        found = recognise_destination(text)
        if found.method != "code":
            checker.reading_rows(conv.raw, "destination", found, indices)
        # A value or label typed as it is needs no words kept beside it.
        read[text] = (found.code, "" if found.method == "code" else text)
    pairs = list(map(read.__getitem__, texts))
    conv.values["destination"] = [code for code, _ in pairs]
    conv.values["destination_text"] = [typed for _, typed in pairs]
