"""Rows owned by an organisation (flows, offers and wants, RECP measures): the park and
organisation they belong to, the material read from the staff's words, the quantity in
the material's canonical unit, the price (the staff's or filled from the catalog) and a
row key that stays the same when the row is corrected."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from parkloop.catalog import catalog
from parkloop.catalog.prices import FilledPrice, fill_price, reference_price
from parkloop.catalog.recognise import (
    UNCLASSIFIED,
    Recognised,
    deciding_division,
    hazard_mark,
    recognise_material,
)
from parkloop.domain.codes import normalise_code
from parkloop.domain.enums import Destination
from parkloop.errors import msg
from parkloop.services.cells import CellError
from parkloop.services.importing.checker import Checker
from parkloop.services.importing.columns import Converted
from parkloop.services.quantities import amount_factor, parse_entered_unit
from parkloop.units import ParsedUnit

KEY_TEXT_LIMIT = 80
PRICE_COLUMNS = ("price_vnd_per_unit", "treatment_cost_vnd_per_unit")


def owned_rows(
    checker: Checker,
    conv: Converted,
    period_days: Callable[[int], float],
    base_key: Callable[[int, dict[str, Any]], str] | None,
    direction: Callable[[int], str | None],
    skip: tuple[str, ...] = (),
) -> tuple[list[dict[str, Any]], list[int]]:
    """Rows of ``conv`` with park, organisation, material, quantity and price resolved.

    Whole columns at a time: each distinct organisation name and material text is read
    once; only the arithmetic is done row by row."""
    raw, v = conv.raw, conv.values
    skipped = ("park", "enterprise", "material", "quantity", "unit", *PRICE_COLUMNS, *skip)
    parks = checker.parks_column(conv)
    typed = v["enterprise"]
    bad = conv.bad
    kept: list[int] = []
    orgs: list[str] = []
    found: dict[tuple[str, str], str] = {}
    for i, (park, name) in enumerate(zip(parks, typed, strict=True)):
        # References are checked even in rows with other problems, so that one run
        # reports all of them.
        org = None
        if park and name:
            org = found.get((park, name))
            if org is None:
                org = checker.org_of(conv, i, "enterprise", park, name)
                if org is not None:
                    found[(park, name)] = org
        if park is not None and name is not None and org is None:
            bad[i] = True
        if bad[i] or park is None or org is None:
            continue
        kept.append(i)
        orgs.append(org)
    rows = checker.base_rows(conv, kept, skipped)
    numbers = raw.row_numbers
    for row, i, org in zip(rows, kept, orgs, strict=True):
        park = parks[i]
        row["_park"], row["_org"], row["_row"] = park, (park, org), numbers[i]
    if "quantity" in v:
        read = _Reader(checker, conv)
        divisions = checker.divisions
        read.quantities(
            rows,
            kept,
            [period_days(i) for i in kept],
            [direction(i) for i in kept],
            [divisions.get((str(parks[i]), org)) for i, org in zip(kept, orgs, strict=True)],
        )
        read.report()
    pairs = [(r, i) for r, i in zip(rows, kept, strict=True) if not bad[i]]
    rows, kept = [r for r, _ in pairs], [i for _, i in pairs]
    if base_key is not None:
        derive_keys(checker, conv, rows, kept, base_key)
        pairs = [(r, i) for r, i in zip(rows, kept, strict=True) if not bad[i]]
        rows, kept = [r for r, _ in pairs], [i for _, i in pairs]
    return rows, kept


class _Reader:
    """Material, quantity and price of the rows of one sheet, with what repeats (a text
    read, a unit against a material, a price filled) worked out once."""

    def __init__(self, checker: Checker, conv: Converted) -> None:
        self.checker = checker
        self.conv = conv
        self.factors: dict[tuple[str, ParsedUnit], float | CellError] = {}
        self.units = {code: m.canonical_unit for code, m in catalog().materials.items()}
        self.suggestions = "material_suggestions" in _columns(conv)
        self.readings: dict[
            tuple[str, str | None, str | None, str | None, str], tuple[Recognised, list[int]]
        ] = {}
        self.divisions: dict[tuple[str, str | None], str | None] = {}
        self.prices: dict[tuple[str, str, str | None, int | None], FilledPrice | None] = {}

    def factor(self, code: str, parsed: ParsedUnit) -> float | CellError:
        key = (code, parsed)
        found = self.factors.get(key)
        if found is None:
            try:
                found = amount_factor(code, parsed)
            except CellError as exc:
                # Kept without its traceback: the frames it holds would keep the whole
                # import alive in a cycle until the collector runs.
                found = exc.with_traceback(None)
            self.factors[key] = found
        return found

    def quantities(
        self,
        rows: list[dict[str, Any]],
        kept: list[int],
        days: list[float],
        directions: list[str | None],
        divisions: list[str | None],
    ) -> None:
        """:meth:`quantity` for many rows: what a material text makes of a row is worked
        out once per distinct (text, direction, sector) and given to each of its rows
        whole, the factor of a unit once per (material, unit); only the arithmetic is done
        row by row. A row that cannot be read is marked bad, with its problem."""
        checker, conv = self.checker, self.conv
        v = conv.values
        texts, units, amounts = v["material"], v["unit"], v["quantity"]
        given = v.get("material_code")
        # Where an output goes may say what it is: handed to a licensed unit to 'xử lý CTNH',
        # it is hazardous waste.
        sent_to = v.get("destination_text") or [None] * len(texts)
        sent_as = v.get("destination") or [None] * len(texts)
        bad = conv.bad
        deciding = self.divisions
        readings = self.readings
        groups: dict[tuple[Any, ...], _Group] = {}
        prices = [(c, v[c]) for c in PRICE_COLUMNS if c in v]
        priced = self.conv.raw.spec.key in ("flows", "listings")
        filled_prices = self.prices
        filled_rules: dict[str, int] = {}
        for row, i, d, direction, division in zip(
            rows, kept, days, directions, divisions, strict=True
        ):
            text = texts[i]
            if text is None:
                bad[i] = True
                continue
            pair = (text, division)
            if pair in deciding:
                decided = deciding[pair]
            else:
                decided = deciding[pair] = deciding_division(text, division)
            licensed = direction == "out" and sent_as[i] == Destination.LICENSED_COLLECTOR.value
            marked = hazard_mark(sent_to[i] or "") if licensed else ""
            key = (text, direction, decided, given[i] if given is not None else None, marked)
            group = groups.get(key)
            if group is None:
                seen = readings.get(key)
                if seen is None:
                    found = _read(text, direction, decided, key[3], marked)
                    seen = readings[key] = (found, [])
                group = groups[key] = _group(seen[0], seen[1], self.suggestions)
            group.rows.append(i)
            unit_text, parsed = units[i]
            # What this text in this unit makes of a row, worked out once per unit.
            plan = group.plans.get(unit_text)
            if plan is None:
                plan = group.plans[unit_text] = self._plan(group, key, unit_text, parsed)
            if isinstance(plan, CellError):
                checker.problem(conv.raw, i, "unit", unit_text, plan.said, plan.said_fix)
                bad[i] = True
                continue
            fill, code, factor, unit = plan
            row.update(fill)
            quantity = amounts[i]
            per_days = parsed.per_days
            row["quantity"] = quantity * factor * (d / per_days if per_days else 1.0)
            row["unit"] = unit
            row["entered_quantity"] = quantity
            row["entered_unit"] = unit_text
            for column, given_prices in prices:
                price = given_prices[i]
                row[column] = (
                    None
                    if price is None
                    else price / _price_factor(v, column, i, code, factor, unit)
                )
            if priced and direction == "in":
                per_kilogram(row, v, i, code, unit)
            if priced and direction is not None:
                # The staff's price, or one filled from the catalog (as :meth:`price`).
                if row.get("price_vnd_per_unit") is not None:
                    row["price_status"] = "reported"
                    row.setdefault("price_source", "")
                    continue
                wanted = (code, direction, row.get("destination"), row.get("year"))
                if wanted in filled_prices:
                    filled = filled_prices[wanted]
                else:
                    filled = filled_prices[wanted] = fill_price(catalog(), *wanted)
                if filled is None:
                    row["price_vnd_per_unit"], row["price_status"] = None, ""
                    row["price_source"] = ""
                    continue
                row["price_vnd_per_unit"] = filled.value
                row["price_status"], row["price_source"] = filled.status, filled.source
                filled_rules[filled.rule] = filled_rules.get(filled.rule, 0) + 1
        for rule, n in filled_rules.items():
            checker.filled[rule] += n

    def _plan(
        self, group: _Group, key: tuple[Any, ...], unit_text: str, parsed: ParsedUnit
    ) -> tuple[dict[str, Any], str, float, str] | CellError:
        """The values a row of ``group`` in this unit takes (the reading, its code, the
        factor to the canonical unit and that unit), or the unit's problem when the
        material was given by its code and the unit does not measure it."""
        code = group.code
        if code == UNCLASSIFIED:
            return group.fill, code, parsed.factor, parsed.canonical
        got = self.factor(code, parsed)
        if isinstance(got, CellError):
            if group.found.method == "code":
                return got
            # The words may name another material than the unit measures: a person
            # decides.
            fill: dict[str, Any] = {}
            _fill(fill, _mismatch(group.found, code, unit_text), UNCLASSIFIED, self.suggestions)
            return fill, UNCLASSIFIED, parsed.factor, parsed.canonical
        return group.fill, code, got, self.units[code]

    def quantity(
        self,
        i: int,
        row: dict[str, Any],
        days: float,
        direction: str | None,
        division: str | None,
    ) -> bool:
        checker, conv = self.checker, self.conv
        v = conv.values
        found = self.material(i, direction, division)
        if found is None:
            return False
        unit_text, parsed = v["unit"][i]
        code = found.code
        factor: float | None = None
        if code != UNCLASSIFIED:
            got = self.factor(code, parsed)
            if isinstance(got, CellError):
                if found.method == "code":
                    checker.problem(conv.raw, i, "unit", unit_text, got.said, got.said_fix)
                    return False
                # The words may name another material than the unit measures: a person
                # decides.
                found = _mismatch(found, code, unit_text)
                code = UNCLASSIFIED
            else:
                factor = got
        if factor is None:
            factor, unit = parsed.factor, parsed.canonical
        else:
            unit = self.units[code]
        _fill(row, found, code, self.suggestions)
        quantity = v["quantity"][i]
        per_period = days / parsed.per_days if parsed.per_days else 1.0
        row["quantity"] = quantity * factor * per_period
        row["unit"] = unit
        row["entered_quantity"] = quantity
        row["entered_unit"] = unit_text
        for column in PRICE_COLUMNS:
            if column in v:
                price = v[column][i]
                row[column] = (
                    None
                    if price is None
                    else price / _price_factor(v, column, i, code, factor, unit)
                )
        if self.conv.raw.spec.key in ("flows", "listings") and direction == "in":
            per_kilogram(row, v, i, code, unit)
        self.price(row, direction)
        return True

    def material(self, i: int, direction: str | None, division: str | None) -> Recognised | None:
        """:func:`read_material` of the material column, each distinct reading worked out
        once."""
        v = self.conv.values
        text = v["material"][i]
        if text is None:
            return None
        codes = v.get("material_code")
        pair = (text, division)
        if pair in self.divisions:
            division = self.divisions[pair]
        else:
            division = self.divisions[pair] = deciding_division(text, division)
        key = (text, direction, division, codes[i] if codes is not None else None, "")
        seen = self.readings.get(key)
        if seen is None:
            seen = self.readings[key] = (_read(text, direction, division, key[3]), [])
        seen[1].append(i)
        return seen[0]

    def report(self) -> None:
        """Tell the checker how each distinct text was read, with its rows in order."""
        for found, indices in sorted(self.readings.values(), key=lambda s: s[1][0]):
            self.checker.reading_rows(self.conv.raw, "material", found, indices)
        self.readings.clear()

    def price(self, row: dict[str, Any], direction: str | None) -> None:
        """The staff's price, or one filled from the catalog with its source."""
        if self.conv.raw.spec.key not in ("flows", "listings") or direction is None:
            return
        if row.get("price_vnd_per_unit") is not None:
            row["price_status"] = "reported"
            row.setdefault("price_source", "")
            return
        key = (row["material_code"], direction, row.get("destination"), row.get("year"))
        if key in self.prices:
            filled = self.prices[key]
        else:
            filled = self.prices[key] = fill_price(catalog(), *key)
        if filled is None:
            row["price_vnd_per_unit"], row["price_status"], row["price_source"] = None, "", ""
            return
        row["price_vnd_per_unit"] = filled.value
        row["price_status"], row["price_source"] = filled.status, filled.source
        self.checker.filled[filled.rule] += 1


@dataclass(slots=True)
class _Group:
    """Rows with the same material text, direction and sector: how the text was read,
    the list of their indices in that reading, and the values they share (``fill``)."""

    found: Recognised
    rows: list[int]
    code: str
    fill: dict[str, Any]
    # What a row in each unit takes, or the unit's problem (:meth:`_Reader._plan`).
    plans: dict[str, tuple[dict[str, Any], str, float, str] | CellError]


def _group(found: Recognised, rows: list[int], suggestions: bool) -> _Group:
    fill: dict[str, Any] = {}
    _fill(fill, found, found.code, suggestions)
    return _Group(found, rows, found.code, fill, {})


def _mismatch(found: Recognised, code: str, unit_text: str) -> Recognised:
    return Recognised(
        found.text,
        UNCLASSIFIED,
        found.confidence,
        "unit-mismatch",
        f"{found.words} ({code}, not in {unit_text})",
        (code, *found.suggestions),
        found.qualifiers,
    )


def _fill(row: dict[str, Any], found: Recognised, code: str, suggestions: bool) -> None:
    row["material_code"] = code
    row["material_text"] = found.text
    row["material_confidence"] = round(found.confidence, 3)
    row["material_basis"] = found.basis
    if suggestions:
        row["material_suggestions"] = list(found.suggestions)


def read_material(
    checker: Checker,
    conv: Converted,
    i: int,
    column: str,
    direction: str | None,
    division: str | None,
) -> Recognised | None:
    text = conv.values[column][i]
    if text is None:
        return None
    codes = conv.values.get("material_code") if column == "material" else None
    found = _read(text, direction, division, codes[i] if codes is not None else None)
    checker.reading(conv.raw, column, i, found)
    return found


def _read(
    text: str, direction: str | None, division: str | None, given: str | None, marked: str = ""
) -> Recognised:
    found = recognise_material(text, direction, division, marked)
    if given is not None and given != found.code:
        # A code a person settled (or an export carried): it wins over the reading.
        found = Recognised(text, given, 1.0, "assigned", "", (), found.qualifiers)
    return found


def material_quantity(
    checker: Checker,
    conv: Converted,
    i: int,
    row: dict[str, Any],
    days: float,
    direction: str | None,
    division: str | None,
) -> bool:
    """Material, canonical quantity and price of one row from what was typed; False (with
    a problem) when the row cannot be read."""
    read = _Reader(checker, conv)
    done = read.quantity(i, row, days, direction, division)
    read.report()
    return done


def _price_factor(
    v: dict[str, list[Any]], column: str, i: int, code: str, factor: float, unit: str
) -> float:
    """Canonical units per unit the price is given for: the unit written with the price
    ('1.500 đ/kg'), else the unit of the quantity."""
    per = v.get(f"{column}:unit")
    if per is None or per[i] is None:
        return factor
    _, parsed = parse_entered_unit(per[i])
    if code != UNCLASSIFIED:
        try:
            return amount_factor(code, parsed)
        except CellError:
            return factor
    return parsed.factor if parsed.canonical == unit else factor


def per_kilogram(
    row: dict[str, Any], v: dict[str, list[Any]], i: int, code: str, unit: str
) -> None:
    """A purchase price typed bare ('3.900') for a material counted in tonnes, nearer the
    catalog's price of a kilogram than of a tonne, is a price per kilogram, as buyers quote
    scrap, paper and resin: it is read per tonne, and its source says so."""
    price = row.get("price_vnd_per_unit")
    per = v.get("price_vnd_per_unit:unit")
    if price is None or price <= 0 or unit != "t" or (per is not None and per[i] is not None):
        return
    reference = reference_price(code, row.get("year"))
    if reference is None or reference <= 0:
        return
    if abs(math.log(price * 1000 / reference)) >= abs(math.log(price / reference)):
        return
    row["price_vnd_per_unit"] = price * 1000
    row["price_source"] = (
        f"typed {price:,.0f} with no unit, read per kg (catalog price {reference:,.0f} VND/t)"
    )


def _columns(conv: Converted) -> set[str]:
    return {"material_suggestions"} if conv.raw.spec.key in ("flows", "listings") else set()


def derive_keys(
    checker: Checker,
    conv: Converted,
    rows: list[dict[str, Any]],
    kept: list[int],
    base_key: Callable[[int, dict[str, Any]], str],
) -> None:
    """Row keys for rows that have none: made from the staff's own words, so a row keeps
    its key when its material is corrected; a second row with the same key gets ':2'."""
    seen: dict[tuple[str, str], int] = {}
    for row, i in zip(rows, kept, strict=True):
        if row["key"]:
            continue
        base = base_key(i, row)
        n = seen[(row["_park"], base)] = seen.get((row["_park"], base), 0) + 1
        row["key"] = base if n == 1 else f"{base}:{n}"
    keys: list[tuple[str, str] | None] = [None] * len(conv.raw)
    for row, i in zip(rows, kept, strict=True):
        keys[i] = (row["_park"], row["key"])
    checker.unique(conv, keys, "key", msg("this row key"))


@lru_cache(maxsize=65536)
def text_key(text: str) -> str:
    """The staff's words as a key part: 'Tro bay (lò hơi)' -> 'tro-bay-lo-hoi'."""
    return normalise_code(text)[:KEY_TEXT_LIMIT] or "x"


def slug(text: str, limit: int = 60) -> str:
    return re.sub(r"-+", "-", normalise_code(text))[:limit].strip("-")


__all__ = ["ParsedUnit", "derive_keys", "material_quantity", "owned_rows", "slug", "text_key"]
