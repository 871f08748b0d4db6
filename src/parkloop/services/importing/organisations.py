"""The Enterprises and Partners sheets. A firm may be given by code, by name or both; a
sector may be a VSIC code or the activity in words ('Dệt nhuộm vải'), read to a code with
the words kept beside it."""

from __future__ import annotations

from collections import defaultdict

from parkloop.catalog import catalog
from parkloop.catalog.recognise import Recognised
from parkloop.catalog.sectors import recognise_sector, trade_of
from parkloop.domain.codes import Named, code_from_name, normalise_code
from parkloop.domain.enums import OrgKind
from parkloop.errors import msg
from parkloop.services.importing.checker import Checker, Prepared
from parkloop.services.importing.columns import Converted
from parkloop.services.importing.parks import code_too_long, countries, location_in_country

# Columns a partner row does not have; inserted with the enterprise defaults.
ENTERPRISE_ONLY = {
    "tax_code": "",
    "vsic": "",
    "employees": None,
    "certifications": [],
    "recp_status": "unaware",
    "clubs": [],
    "plans_symbiosis": False,
    "sector_text": "",
}


def codes(checker: Checker, conv: Converted, parks: list[str | None]) -> list[str | None]:
    """Each row's code: typed and normalised, or the code of a firm of the same name already
    in the park, or one made from the name."""
    v = conv.values
    out: list[str | None] = []
    for i, park in enumerate(parks):
        typed, name = v["code"][i], v["name_vi"][i]
        if typed:
            out.append(normalise_code(typed) or None)
        elif name and park:
            known = checker.orgs.get(park)
            existing = known.find(name, prefix=False) if known is not None else None
            out.append(existing or code_from_name(name) or None)
        else:
            out.append(None)
    return out


def register(checker: Checker, conv: Converted) -> tuple[list[str | None], list[str | None]]:
    """Make the sheet's organisations known, so later sheets may refer to them by code or
    name; returns each row's park and code."""
    parks = checker.parks_column(conv)
    org_codes = codes(checker, conv, parks)
    v = conv.values
    kinds = v.get("kind") or ["enterprise"] * len(conv.raw)
    named: dict[str, list[Named]] = defaultdict(list)
    kind_of: dict[str, dict[str, str]] = defaultdict(dict)
    for i, (park, code) in enumerate(zip(parks, org_codes, strict=True)):
        if park and code:
            names = tuple(
                t
                for t in (v["name_vi"][i], v.get("name_en", [None] * len(parks))[i], v["code"][i])
                if t
            )
            typed_sector = (v.get("vsic") or [None] * len(parks))[i]
            named[park].append(Named(code, names, trade=_trade(typed_sector)))
            kind_of[park][code] = kinds[i] or "other"
            sector = _division(v.get("vsic"), i)
            if sector:
                checker.divisions[(park, code)] = sector
    for park in named:
        checker.add_organisations(park, named[park], kind_of[park])
    return parks, org_codes


def _trade(typed: str | None) -> str:
    """What a firm does in words: its sector as typed, with the title of the VSIC class it
    reads as ('Giết mổ gia súc' and 'Chế biến và bảo quản thịt')."""
    if not typed:
        return ""
    found = recognise_sector(typed)
    return f"{typed} {trade_of(found.code)}" if found is not None else typed


def _division(column: list[str | None] | None, i: int) -> str | None:
    if column is None or column[i] is None:
        return None
    found = recognise_sector(column[i])
    return found.code[:2] if found is not None and found.confidence >= _threshold() else None


def _threshold() -> float:
    return catalog().parameter("material_confidence_threshold")


def build(
    checker: Checker, conv: Converted, parks: list[str | None], org_codes: list[str | None]
) -> Prepared:
    raw, v = conv.raw, conv.values
    sheet = raw.spec.key
    enterprise = sheet == "enterprises"
    # The country of each park: as the file lists it, else as stored.
    listed = countries(checker.converted["parks"]) if "parks" in checker.converted else {}
    country_of = {**checker.park_countries, **listed}
    for i, code in enumerate(org_codes):
        if not conv.bad[i] and code_too_long(checker, conv, i):
            conv.bad[i] = True
        if code is None and parks[i] is not None and not conv.bad[i]:
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
        None if conv.bad[i] or park is None or org_codes[i] is None else (park, org_codes[i])
        for i, park in enumerate(parks)
    ]
    checker.unique(conv, keys, "code", msg("this code"))
    rows = []
    for i in range(len(raw)):
        park, code = parks[i], org_codes[i]
        if conv.bad[i] or park is None or code is None:
            continue
        row = checker.base_row(conv, i, ("park", "vsic"))
        row["code"] = code
        row["name_vi"] = row["name_vi"] or v["code"][i]
        if enterprise:
            row["kind"] = "enterprise"
            _sector(checker, conv, i, row)
        elif row["kind"] == "enterprise":
            checker.problem(
                raw,
                i,
                "kind",
                checker.raw_value(raw, "kind", i),
                msg("an enterprise is not a partner"),
                msg("put it on the Enterprises sheet, or choose the partner's kind"),
            )
            continue
        else:
            row.update(ENTERPRISE_ONLY)
        stored = checker.db_orgs.get((park, code))
        if stored is not None and (stored == "enterprise") != enterprise:
            checker.problem(
                raw,
                i,
                "code",
                code,
                msg(
                    "park '{park}' already has an enterprise with this code; enterprises and "
                    "partners share one list of codes",
                    park=park,
                )
                if stored == "enterprise"
                else msg(
                    "park '{park}' already has a partner ({kind}) with this code; enterprises "
                    "and partners share one list of codes",
                    park=park,
                    kind=OrgKind(stored) if stored in OrgKind.values() else stored,
                ),
                msg("give this row another code, or put it on the sheet where the code lives"),
            )
            continue
        if not checker.location_ok(conv, i, row):
            continue
        if not location_in_country(checker, conv, i, row, country_of.get(park)):
            continue
        row["_park"], row["_row"] = park, raw.row_numbers[i]
        rows.append(row)
    extra = ("kind",) if enterprise else ()
    if "code" in raw.headers:
        extra = (*extra, "name_vi")
    return checker.prepared(sheet, conv, rows, lambda r: (r["_park"], r["code"]), extra)


def _sector(checker: Checker, conv: Converted, i: int, row: dict[str, object]) -> None:
    """VSIC code from a code or words; the words are kept, a doubtful reading left blank."""
    typed = conv.values["vsic"][i]
    if typed is None:
        row["vsic"], row["sector_text"] = "", ""
        row["sector_confidence"], row["sector_basis"] = None, ""
        return
    found = recognise_sector(typed)
    row["sector_text"] = typed
    if found is None:
        row["vsic"], row["sector_confidence"], row["sector_basis"] = "", 0.0, "unknown"
        checker.reading(conv.raw, "vsic", i, Recognised(typed, "", 0.0, "unknown", ""))
        return
    sure = found.confidence >= _threshold()
    row["vsic"] = found.code if sure else ""
    row["sector_confidence"] = round(found.confidence, 3)
    row["sector_basis"] = found.basis
    checker.reading(
        conv.raw,
        "vsic",
        i,
        Recognised(
            typed,
            found.code if sure else "",
            found.confidence,
            "sector",
            found.basis,
            () if sure else (found.code, *found.suggestions),
        ),
    )


def check_shared_codes(
    checker: Checker,
    enterprises: tuple[Converted, list[str | None], list[str | None]] | None,
    partners: tuple[Converted, list[str | None], list[str | None]] | None,
) -> None:
    """Enterprises and partners of a park share one list of codes."""
    if enterprises is None or partners is None:
        return
    ent, ent_parks, ent_codes = enterprises
    par, par_parks, par_codes = partners
    firms = {
        (p, c): i for i, (p, c) in enumerate(zip(ent_parks, ent_codes, strict=True)) if p and c
    }
    for i, (p, c) in enumerate(zip(par_parks, par_codes, strict=True)):
        if (p, c) in firms:
            checker.problem(
                par.raw,
                i,
                "code",
                c,
                msg(
                    "sheet '{sheet}' row {row} already uses this code; enterprises and partners "
                    "share one list of codes",
                    sheet=ent.raw.name,
                    row=str(ent.raw.row_numbers[firms[(p, c)]]),
                ),
                msg("give the partner another code"),
            )
