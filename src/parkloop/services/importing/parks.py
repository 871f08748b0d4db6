"""The Parks and Land use sheets. A park code is typed the way people type it ('Quế Võ 4')
and kept in one normal form ('que-vo-4'), with the typed text as the name when none is
given; a province is stored under its current (2025) name, the typed one kept beside it."""

from __future__ import annotations

import json
import re
from typing import Any

from parkloop.catalog.places import current_provinces, resolve_province
from parkloop.domain.codes import Named, code_from_name, normalise_code
from parkloop.services.importing.checker import Checker, Prepared
from parkloop.services.importing.columns import Converted


def codes(conv: Converted) -> list[str | None]:
    """The code each park row stands for: its code column normalised, or one made from its
    name when the code is blank."""
    v = conv.values
    out: list[str | None] = []
    for i in range(len(conv.raw)):
        typed, name = v["code"][i], v["name_vi"][i]
        if typed:
            out.append(normalise_code(typed) or None)
        elif name:
            out.append(code_from_name(name) or None)
        else:
            out.append(None)
    return out


def file_parks(conv: Converted) -> list[Named]:
    v = conv.values
    return [
        Named(code, tuple(t for t in (v["name_vi"][i], v["name_en"][i], v["code"][i]) if t))
        for i, code in enumerate(codes(conv))
        if code
    ]


def build(checker: Checker, conv: Converted) -> Prepared:
    raw, v = conv.raw, conv.values
    park_codes = codes(conv)
    for i, code in enumerate(park_codes):
        if code is None and not conv.bad[i]:
            checker.problem(
                raw, i, "code", v["code"][i], "this row has no code and no name", "fill in either"
            )
            conv.bad[i] = True
    keys: list[tuple[str, str] | None] = [
        None if conv.bad[i] or code is None else (code, "") for i, code in enumerate(park_codes)
    ]
    checker.unique(conv, keys, "code", "this park code")
    rows = []
    for i in range(len(raw)):
        if conv.bad[i]:
            continue
        row = checker.base_row(conv, i, ("province",))
        row["code"] = park_codes[i]
        row["name_vi"] = row["name_vi"] or v["code"][i]
        country = str(row["country"]).upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            checker.problem(
                raw,
                i,
                "country",
                row["country"],
                "not a two-letter country code",
                "type an ISO 3166 code such as VN",
            )
            continue
        row["country"] = country
        _province(checker, conv, i, row)
        if not checker.location_ok(conv, i, row):
            continue
        geo = row["boundary_geojson"]
        if geo is not None and not _is_geojson(geo):
            checker.problem(
                raw,
                i,
                "boundary_geojson",
                geo,
                "not a GeoJSON geometry or feature",
                "paste the GeoJSON text of the boundary, or leave it blank",
            )
            continue
        row["_row"] = raw.row_numbers[i]
        rows.append(row)
    extra = ("name_vi",) if "code" in raw.headers else ()
    return checker.prepared("parks", conv, rows, lambda r: (r["code"], ""), extra)


def _province(checker: Checker, conv: Converted, i: int, row: dict[str, Any]) -> None:
    typed = conv.values["province"][i]
    if typed is None:
        row["province"], row["province_code"], row["province_text"] = "", "", ""
        return
    row["province_text"] = typed
    if row["country"] != "VN":
        row["province"], row["province_code"] = typed, ""
        return
    found = resolve_province(typed)
    if found is None:
        row["province"], row["province_code"] = typed, ""
        checker.warnings.append(
            f"sheet '{conv.raw.name}' row {conv.raw.row_numbers[i]}: province '{typed}' is not "
            "one of Viet Nam's 34 provinces and cities (or a former name); kept as typed"
        )
        return
    row["province"], row["province_code"] = found.name_vi, found.code
    if not row.get("region"):
        row["region"] = current_provinces()[found.code].region
    if found.old_name:
        checker.warnings.append(
            f"sheet '{conv.raw.name}' row {conv.raw.row_numbers[i]}: province '{typed}' is part "
            f"of {found.name_vi} since 2025; stored as {found.name_vi}, '{typed}' kept"
        )


def build_land_use(checker: Checker, conv: Converted) -> Prepared:
    v = conv.values
    parks = checker.parks_column(conv)
    keys: list[tuple[str, str] | None] = [
        None if conv.bad[i] or park is None else (park, v["land_class"][i])
        for i, park in enumerate(parks)
    ]
    checker.unique(conv, keys, "land_class", "this land-use class of the park")
    rows = []
    for i in range(len(conv.raw)):
        if conv.bad[i] or parks[i] is None:
            continue
        row = checker.base_row(conv, i, ("park",))
        row["_park"], row["_row"] = parks[i], conv.raw.row_numbers[i]
        rows.append(row)
    return checker.prepared("land_use", conv, rows, lambda r: (r["_park"], r["land_class"]))


def _is_geojson(text: str) -> bool:
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and isinstance(data.get("type"), str)
