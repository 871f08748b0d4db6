"""The Flows sheet: inputs and outputs of each firm in each period, as staff write them."""

from __future__ import annotations

from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any

from parkloop.catalog.recognise import recognise_destination
from parkloop.domain.models import Period
from parkloop.errors import msg
from parkloop.services.importing.checker import Checker, Prepared, take
from parkloop.services.importing.columns import Converted
from parkloop.services.importing.owned import owned_columns, select, text_key


def build(checker: Checker, conv: Converted) -> Prepared:
    v = conv.values
    periods: list[Period] = v["period"]
    _destinations(checker, conv)

    directions = v["direction"]
    # A sheet has a few distinct periods, each one object shared by its rows.
    refs = list(map(id, periods))
    shared = dict(zip(refs, periods, strict=True))
    shared.pop(id(None), None)
    labels = {ref: period.label for ref, period in shared.items()}
    days = {ref: period.days for ref, period in shared.items()}
    # (a row without a period is left out, with its problem, before its days count)
    row_days = list(map(days.get, refs, repeat(0.0)))

    def base_keys(cols: dict[str, list[Any]], kept: list[int], at: list[int]) -> list[str]:
        # 'organisation:period:direction:words', the four parts mapped a column at a time.
        orgs, texts = cols["_org"], cols["material_text"]
        if len(at) != len(kept):
            orgs, texts = list(map(orgs.__getitem__, at)), list(map(texts.__getitem__, at))
            kept = list(map(kept.__getitem__, at))
        words = {text: text_key(text) for text in set(texts)}  # a few thousand texts
        parts = zip(
            map(itemgetter(1), orgs),
            map(labels.__getitem__, map(id, map(periods.__getitem__, kept))),
            map(str, map(directions.__getitem__, kept)),
            map(words.__getitem__, texts),
            strict=True,
        )
        return list(map(":".join, parts))

    cols, kept = owned_columns(
        checker,
        conv,
        row_days.__getitem__,
        base_keys,
        directions.__getitem__,
        ("period",),
    )
    # Only outputs have a destination: a row of an input with one is left out, with its
    # problem.
    wrong = [
        p
        for p, (where, direction) in enumerate(
            zip(cols["destination"], cols["direction"], strict=True)
        )
        if where is not None and direction == "in"
    ]
    for p in wrong:
        i = kept[p]
        checker.problem(
            conv.raw,
            i,
            "destination",
            checker.raw_value(conv.raw, "destination", i),
            msg("only outputs have a destination"),
            msg("leave it blank for inputs"),
        )
    if wrong:
        left = set(wrong)
        at = [p for p in range(len(kept)) if p not in left]
        cols, kept = select(cols, at), list(map(kept.__getitem__, at))
    typed = v.get("destination_text") if "destination" in v else None
    cols["destination_text"] = take(typed, kept) if typed is not None else [""] * len(kept)
    of_rows = take(periods, kept)
    cols["year"] = list(map(attrgetter("year"), of_rows))
    cols["period_months"] = list(map(attrgetter("months"), of_rows))
    cols["first_month"] = list(map(attrgetter("first_month"), of_rows))
    numbers = cols.pop("_row")
    keys = list(zip(cols["_park"], cols["key"], strict=True))
    return Prepared("flows", None, keys, checker.update_columns(conv), numbers, cols)


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
