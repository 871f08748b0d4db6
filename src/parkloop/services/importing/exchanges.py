"""The Exchanges sheet: what passes between two parties, per year, and its transport."""

from __future__ import annotations

from parkloop.catalog.recognise import UNCLASSIFIED
from parkloop.errors import msg
from parkloop.services.importing.checker import Checker, Prepared
from parkloop.services.importing.columns import Converted
from parkloop.services.importing.owned import material_quantity, read_material

SKIPPED = (
    "park",
    "supplier",
    "receiver",
    "material",
    "receiver_material",
    "quantity",
    "unit",
    "price_vnd_per_unit",
    "treatment_cost_vnd_per_unit",
)


def build(checker: Checker, conv: Converted) -> Prepared:
    raw, v = conv.raw, conv.values
    parks = checker.parks_column(conv)
    keys: list[tuple[str, str] | None] = [
        None if conv.bad[i] or parks[i] is None else (parks[i], v["key"][i])
        for i in range(len(raw))
    ]
    checker.unique(conv, keys, "key", msg("this exchange code"))
    rows = []
    for i in range(len(raw)):
        park = parks[i]
        parties = _parties(checker, conv, i, park) if park is not None else None
        if parties is None or conv.bad[i]:
            conv.bad[i] = True
            continue
        row = checker.base_row(conv, i, SKIPPED)
        row["_park"], row["_supplier"], row["_receiver"] = park, *parties
        row["_row"] = raw.row_numbers[i]
        supplier_division = checker.divisions.get(parties[0])
        receiver_division = checker.divisions.get(parties[1])
        replaced = read_material(checker, conv, i, "receiver_material", "in", receiver_division)
        row["receiver_material_code"] = (
            replaced.code if replaced is not None and replaced.code != UNCLASSIFIED else None
        )
        if material_quantity(
            checker, conv, i, row, 365.0, "out", supplier_division
        ) and checker.dates_ok(conv, i, row, "start_date", "end_date"):
            rows.append(row)
    return checker.prepared("exchanges", conv, rows, lambda r: (r["_park"], r["key"]))


def _parties(
    checker: Checker, conv: Converted, i: int, park: str
) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """(park, code) of the supplier and the receiver, if both are known and differ."""
    found = []
    for column in ("supplier", "receiver"):
        typed = conv.values[column][i]
        if typed is None:
            continue
        owner, org_text = park, typed
        other, sep, rest = typed.rpartition(":")
        if sep:
            if not other.strip() or not rest.strip():
                checker.problem(
                    conv.raw,
                    i,
                    column,
                    typed,
                    msg("a reference to another park is park-code:org-code"),
                    msg("e.g. dinh-vu:hps"),
                )
                continue
            resolved = checker.parks.find(other)
            if resolved is None:
                near = checker.parks.nearest(other)
                checker.problem(
                    conv.raw,
                    i,
                    column,
                    typed,
                    msg(
                        "there is no park '{park}' in this file or in the database",
                        park=other.strip(),
                    ),
                    msg(
                        "add it to the Parks sheet, or correct the code; did you mean {near}?",
                        near=", ".join(repr(c) for c in near),
                    )
                    if near
                    else msg("add it to the Parks sheet, or correct the code"),
                )
                continue
            owner, org_text = resolved, rest
        org = checker.org_of(conv, i, column, owner, org_text.strip())
        if org is not None:
            found.append((owner, org))
    if len(found) < 2:
        return None
    if found[0] == found[1]:
        checker.problem(
            conv.raw,
            i,
            "receiver",
            checker.raw_value(conv.raw, "receiver", i),
            msg("the receiver is the supplier"),
            msg("an exchange links two different organisations"),
        )
        return None
    return found[0], found[1]
