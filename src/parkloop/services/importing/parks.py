"""The Parks and Land use sheets. A park code is typed the way people type it ('Quế Võ 4')
and kept in one normal form ('que-vo-4'), with the typed text as the name when none is
given; a province is stored under its current (2025) name, the typed one kept beside it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from parkloop.catalog import catalog, fold
from parkloop.catalog.places import current_provinces, resolve_province
from parkloop.domain.codes import CODE_LIMIT, Named, code_from_name, normalise_code
from parkloop.errors import Message, Name, msg
from parkloop.services.importing.checker import Checker, Prepared
from parkloop.services.importing.columns import Converted


@dataclass(frozen=True, slots=True)
class Bounds:
    """The box a country's coordinates fall in (``catalog/data/country_bounds.csv``)."""

    country: str
    name: str
    lat: tuple[float, float]
    lon: tuple[float, float]

    def holds(self, lat: float, lon: float) -> bool:
        return self.lat[0] <= lat <= self.lat[1] and self.lon[0] <= lon <= self.lon[1]

    def said(self) -> Message:
        return msg(
            "latitude {lat_min} to {lat_max}, longitude {lon_min} to {lon_max}",
            lat_min=f"{self.lat[0]:g}",
            lat_max=f"{self.lat[1]:g}",
            lon_min=f"{self.lon[0]:g}",
            lon_max=f"{self.lon[1]:g}",
        )


# The countries' names in Vietnamese, where a message names one.
_COUNTRY_VI = {"VN": "Việt Nam"}


@cache
def country_bounds() -> dict[str, Bounds]:
    return {
        r["country"]: Bounds(
            r["country"],
            r["name_en"],
            (float(r["lat_min"]), float(r["lat_max"])),
            (float(r["lon_min"]), float(r["lon_max"])),
        )
        for r in catalog().rows("country_bounds.csv")
    }


def location_in_country(
    checker: Checker, conv: Converted, i: int, row: dict[str, Any], country: str | None
) -> bool:
    """Coordinates of a park or firm inside its country's box, where the box is known;
    swapped latitude and longitude, the usual slip, are named as such."""
    bounds = country_bounds().get(country or "")
    lat, lon = row.get("lat"), row.get("lon")
    if bounds is None or lat is None or lon is None or bounds.holds(lat, lon):
        return True
    place = Name(_COUNTRY_VI.get(bounds.country, bounds.name), bounds.name)
    if bounds.holds(lon, lat):
        message = msg(
            "latitude {lat} and longitude {lon} look swapped: they are outside {country}, and "
            "the other way round they are inside",
            lat=f"{lat:g}",
            lon=f"{lon:g}",
            country=place,
        )
        fix = msg("swap them: latitude {lat}, longitude {lon}", lat=f"{lon:g}", lon=f"{lat:g}")
    else:
        message = msg(
            "{lat}, {lon} is outside {country} ({box})",
            lat=f"{lat:g}",
            lon=f"{lon:g}",
            country=place,
            box=bounds.said(),
        )
        fix = msg(
            "type the coordinates in decimal degrees, latitude first (e.g. 20.93 and 106.62), "
            "or give the country of a park outside {country}",
            country=place,
        )
    column = "lat" if not bounds.lat[0] <= lat <= bounds.lat[1] else "lon"
    checker.problem(conv.raw, i, column, checker.raw_value(conv.raw, column, i), message, fix)
    return False


_NOT_CODE = re.compile(r"[^a-z0-9]+")


def code_too_long(checker: Checker, conv: Converted, i: int) -> bool:
    """A typed code whose normal form is longer than a code may be (it would be cut, and
    two long codes could become one)."""
    typed = conv.values["code"][i]
    if not typed or len(_NOT_CODE.sub("-", fold(typed)).strip("-")) <= CODE_LIMIT:
        return False
    checker.problem(
        conv.raw,
        i,
        "code",
        typed,
        msg("a code has at most {most} letters, digits and '-'", most=CODE_LIMIT),
        msg("type a shorter code, and the full name in the name column"),
    )
    return True


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
        if not conv.bad[i] and code_too_long(checker, conv, i):
            conv.bad[i] = True
        if code is None and not conv.bad[i]:
            checker.problem(
                raw,
                i,
                "code",
                v["code"][i],
                msg("this row has no code and no name"),
                msg("fill in either"),
            )
            conv.bad[i] = True
    keys: list[tuple[str, str] | None] = [
        None if conv.bad[i] or code is None else (code, "") for i, code in enumerate(park_codes)
    ]
    checker.unique(conv, keys, "code", msg("this park code"))
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
                msg("not a two-letter country code"),
                msg("type an ISO 3166 code such as VN"),
            )
            continue
        row["country"] = country
        _province(checker, conv, i, row)
        if not checker.location_ok(conv, i, row):
            continue
        if not location_in_country(checker, conv, i, row, country):
            continue
        geo = row["boundary_geojson"]
        if geo is not None and not _is_geojson(geo):
            checker.problem(
                raw,
                i,
                "boundary_geojson",
                geo,
                msg("not a GeoJSON geometry or feature"),
                msg("paste the GeoJSON text of the boundary, or leave it blank"),
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
    checker.unique(conv, keys, "land_class", msg("this land-use class of the park"))
    rows = []
    for i in range(len(conv.raw)):
        if conv.bad[i] or parks[i] is None:
            continue
        row = checker.base_row(conv, i, ("park",))
        row["_park"], row["_row"] = parks[i], conv.raw.row_numbers[i]
        rows.append(row)
    return checker.prepared("land_use", conv, rows, lambda r: (r["_park"], r["land_class"]))


def countries(conv: Converted) -> dict[str, str]:
    """The country of each park of the sheet, by code ('VN' when blank)."""
    typed = conv.values["country"]
    return {
        code: str(typed[i] or "VN").strip().upper()
        for i, code in enumerate(codes(conv))
        if code is not None
    }


def _is_geojson(text: str) -> bool:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(data, dict) and isinstance(data.get("type"), str)
