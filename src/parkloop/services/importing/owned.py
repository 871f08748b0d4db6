"""Rows owned by an organisation (flows, offers and wants, RECP measures): the park and
organisation they belong to, the material read from the staff's words, the quantity in
the material's canonical unit, the price (the staff's or filled from the catalog) and a
row key that stays the same when the row is corrected."""

from __future__ import annotations

import math
import re
from collections import Counter
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
    reads_alone,
    recognise_material,
)
from parkloop.domain.codes import normalise_code
from parkloop.domain.enums import Destination
from parkloop.errors import Message, msg
from parkloop.formats import DEFAULT_LANG
from parkloop.services.cells import CellError
from parkloop.services.importing.checker import Checker, rows_of, take
from parkloop.services.importing.columns import Converted
from parkloop.services.quantities import amount_factor, parse_entered_unit
from parkloop.units import ParsedUnit
from parkloop.web.i18n import said_in, translations

KEY_TEXT_LIMIT = 80
PRICE_COLUMNS = ("price_vnd_per_unit", "treatment_cost_vnd_per_unit")
# The base keys of the rows at some positions of the columns (columns, index of each
# row in the sheet, positions).
BaseKeys = Callable[[dict[str, list[Any]], list[int], list[int]], list[str]]
# What a row takes when its material or unit cannot be read (it is left out).
_NO_PLAN: tuple[Any, ...] = (None, None, None, None, None, 1.0, None)


def owned_columns(
    checker: Checker,
    conv: Converted,
    period_days: Callable[[int], float],
    base_keys: BaseKeys | None,
    direction: Callable[[int], str | None],
    skip: tuple[str, ...] = (),
) -> tuple[dict[str, list[Any]], list[int]]:
    """The rows of ``conv`` with park, organisation, material, quantity and price
    resolved, as columns (column key -> a value per row) beside the index of each row.

    Whole columns at a time: each distinct organisation name, material text, unit and
    price is read once and the columns are mapped from those readings; ``_park`` holds
    each row's park code, ``_org`` its (park, organisation) and ``_row`` its row number."""
    raw, v = conv.raw, conv.values
    skipped = ("park", "enterprise", "material", "quantity", "unit", *PRICE_COLUMNS, *skip)
    parks = checker.parks_column(conv)
    bad = conv.bad
    # Each distinct (park, organisation as typed) is looked up once. References are
    # checked even in rows with other problems, so that one run reports all of them.
    pairs = list(zip(parks, v["enterprise"], strict=True))
    # Each row's (park, organisation), one pair shared by all the rows of it.
    found = {pair: _owner(checker, *pair) for pair in dict.fromkeys(pairs)}
    owners: list[tuple[str, str] | None] = list(map(found.__getitem__, pairs))
    if None in owners:
        for i, ((park, name), owner) in enumerate(zip(pairs, owners, strict=True)):
            if owner is None and park is not None and name is not None:
                if park and name:
                    checker.org_of(conv, i, "enterprise", park, name)  # says why
                bad[i] = True
    if None in owners or any(bad):
        kept = [
            i
            for i, (owner, left_out) in enumerate(zip(owners, bad, strict=True))
            if owner is not None and not left_out
        ]
    else:
        kept = list(range(len(owners)))  # (every row, the usual case)
    cols = checker.base_columns(conv, kept, skipped)
    cols["_park"] = take(parks, kept)
    cols["_org"] = take(owners, kept)
    cols["_row"] = take(raw.row_numbers, kept)
    if "quantity" in v:
        read = _Reader(checker, conv)
        divisions = checker.divisions
        read.quantity_columns(
            cols,
            kept,
            list(map(period_days, kept)),
            list(map(direction, kept)),
            list(map(divisions.get, cols["_org"])),
        )
        read.report()
        cols, kept = _good(cols, kept, bad)
    if base_keys is not None:
        derive_key_columns(checker, conv, cols, kept, base_keys)
        cols, kept = _good(cols, kept, bad)
    return cols, kept


def _owner(checker: Checker, park: str | None, typed: str | None) -> tuple[str, str] | None:
    """The (park, organisation) a row belongs to, or None if it names no known one."""
    if not park or not typed:
        return None
    org = checker.find_org(park, typed)
    return None if org is None else (park, org)


def owned_rows(
    checker: Checker,
    conv: Converted,
    period_days: Callable[[int], float],
    base_keys: BaseKeys | None,
    direction: Callable[[int], str | None],
    skip: tuple[str, ...] = (),
) -> tuple[list[dict[str, Any]], list[int]]:
    """:func:`owned_columns` as one dict per row."""
    cols, kept = owned_columns(checker, conv, period_days, base_keys, direction, skip)
    return rows_of(cols), kept


def select(cols: dict[str, list[Any]], positions: list[int]) -> dict[str, list[Any]]:
    """The rows at ``positions`` of every column."""
    return {name: list(map(values.__getitem__, positions)) for name, values in cols.items()}


def _good(
    cols: dict[str, list[Any]], kept: list[int], bad: list[bool]
) -> tuple[dict[str, list[Any]], list[int]]:
    """Only the rows not marked bad."""
    positions = [p for p, i in enumerate(kept) if not bad[i]]
    if len(positions) == len(kept):
        return cols, kept
    return select(cols, positions), list(map(kept.__getitem__, positions))


class _Reader:
    """Material, quantity and price of the rows of one sheet, with what repeats (a text
    read, a unit against a material, a price filled) worked out once."""

    def __init__(self, checker: Checker, conv: Converted) -> None:
        self.checker = checker
        self.conv = conv
        self.factors: dict[tuple[Any, ...], float | CellError] = {}
        self.units = {code: m.canonical_unit for code, m in catalog().materials.items()}
        self.suggestions = "material_suggestions" in _columns(conv)
        self.readings: dict[
            tuple[str, str | None, str | None, str | None, str], tuple[Recognised, list[int]]
        ] = {}
        self.divisions: dict[tuple[str, str | None], str | None] = {}
        self.prices: dict[tuple[str, str, str | None, int | None], FilledPrice | None] = {}

    def factor(self, code: str, parsed: ParsedUnit, text: str = "") -> float | CellError:
        key = (code, parsed, text) if parsed.canonical == "piece" else (code, parsed)
        found = self.factors.get(key)
        if found is None:
            try:
                found = amount_factor(code, parsed, text)
            except CellError as exc:
                # Kept without its traceback: the frames it holds would keep the whole
                # import alive in a cycle until the collector runs.
                found = exc.with_traceback(None)
            self.factors[key] = found
        return found

    def quantity_columns(
        self,
        cols: dict[str, list[Any]],
        kept: list[int],
        days: list[float],
        directions: list[str | None],
        divisions: list[str | None],
    ) -> None:
        """Material, quantity and price columns of the rows ``kept`` (``cols`` holds a
        value per kept row): what a material text makes of a row is worked out once per
        distinct (text, direction, sector, unit), then each column is mapped from those
        readings; only the multiplication is done row by row. A row that cannot be read is
        marked bad, with its problem (its values in ``cols`` are placeholders)."""
        checker, conv = self.checker, self.conv
        v = conv.values
        bad = conv.bad
        texts: list[str | None] = take(v["material"], kept)
        given_codes = v.get("material_code")
        given = take(given_codes, kept) if given_codes is not None else [None] * len(kept)
        units: list[tuple[str, ParsedUnit] | None] = take(v["unit"], kept)
        # A text read the same in every direction and sector (a name) is read once; each
        # other distinct (text, sector) decides its sector once, and each distinct reading
        # (text, direction, sector, given code) is read once.
        alone = {text: reads_alone(text) for text in dict.fromkeys(texts) if text is not None}
        deciding = self.divisions

        def sector_of(text: str, division: str | None) -> str | None:
            pair = (text, division)
            if pair not in deciding:
                deciding[pair] = deciding_division(text, division)
            return deciding[pair]

        marks = _hazard_marks(v, kept, directions)
        keys = [
            None
            if text is None
            else (text, None, None, code, mark)
            if alone[text]
            else (text, direction, sector_of(text, division), code, mark)
            for text, direction, division, code, mark in zip(
                texts, directions, divisions, given, marks, strict=True
            )
        ]
        # Each distinct reading is numbered in the order first met, and so is each distinct
        # (reading, unit): rows refer to them by number from here on.
        numbered: dict[Any, int] = {}
        ids = [numbered.setdefault(key, len(numbered)) for key in keys]
        readings = self.readings
        groups: list[_Group | None] = []
        for key in numbered:
            if key is None:
                groups.append(None)
                continue
            seen = readings.get(key)
            if seen is None:
                seen = readings[key] = (_read(*key), [])
            groups.append(_group(seen[0], seen[1], self.suggestions))
        appenders = [None if group is None else group.rows.append for group in groups]
        for n, i in zip(ids, kept, strict=True):
            append = appenders[n]
            if append is None:
                bad[i] = True
            else:
                append(i)
        # What a reading in a unit makes of a row: (code, text, confidence, basis,
        # suggestions, factor, canonical unit), worked out once per distinct pair.
        planned = [
            None if groups[n] is None or unit is None else (n, unit[0])
            for n, unit in zip(ids, units, strict=True)
        ]
        plan_numbers: dict[Any, int] = {}
        row_plans = [plan_numbers.setdefault(pk, len(plan_numbers)) for pk in planned]
        # The unit of each plan (the last row's, as all its rows' are alike).
        unit_of: dict[int, Any] = dict(zip(row_plans, units, strict=True))
        values: list[tuple[Any, ...]] = []
        failed: dict[int, CellError] = {}
        for p, pk in enumerate(plan_numbers):
            if pk is None:
                values.append(_NO_PLAN)
                continue
            n, unit_text = pk
            plan = self._plan(groups[n], unit_text, unit_of[p][1])
            if isinstance(plan, CellError):
                failed[p] = plan
                values.append(_NO_PLAN)
                continue
            values.append(plan)
        if failed or None in plan_numbers:
            for pk, p, i in zip(planned, row_plans, kept, strict=True):
                if pk is None:
                    bad[i] = True
                elif p in failed:
                    plan = failed[p]
                    checker.problem(conv.raw, i, "unit", pk[1], plan.said, plan.said_fix)
                    bad[i] = True
        per_plan = list(zip(*values, strict=True)) or [()] * 7
        codes, material_texts, confidences, bases, suggested, factors, canonical = (
            list(map(column.__getitem__, row_plans)) for column in per_plan
        )
        amounts = take(v["quantity"], kept)
        cols["material_code"] = codes
        cols["material_text"] = material_texts
        cols["material_confidence"] = confidences
        cols["material_basis"] = bases
        if self.suggestions:
            cols["material_suggestions"] = suggested
        cols["quantity"] = [
            None
            if unit is None or amount is None
            else amount * factor * (d / unit[1].per_days if unit[1].per_days else 1.0)
            for amount, factor, d, unit in zip(amounts, factors, days, units, strict=True)
        ]
        cols["unit"] = canonical
        cols["entered_quantity"] = amounts
        cols["entered_unit"] = [None if unit is None else unit[0] for unit in units]
        for column in PRICE_COLUMNS:
            if column not in v:
                continue
            prices = take(v[column], kept)
            if v.get(f"{column}:unit") is None:
                cols[column] = [
                    None if price is None else price / factor
                    for price, factor in zip(prices, factors, strict=True)
                ]
            else:
                cols[column] = [
                    None
                    if price is None
                    else price / _price_factor(v, column, i, code, factor, unit)
                    for price, i, code, factor, unit in zip(
                        prices, kept, codes, factors, canonical, strict=True
                    )
                ]
        if conv.raw.spec.key in ("flows", "listings"):
            self._price_columns(cols, directions, _per_kilogram_columns(cols, v, kept, directions))

    def _price_columns(
        self, cols: dict[str, list[Any]], directions: list[str | None], noted: list[str]
    ) -> None:
        """The staff's price (``noted``: what was made of it, or ""), or one filled from
        the catalog with its source, column by column: each distinct (material, direction,
        destination, year) without a price is filled once."""
        n = len(directions)
        prices = cols.get("price_vnd_per_unit", [None] * n)
        wanted: list[Any] = list(
            zip(
                cols["material_code"],
                directions,
                cols.get("destination", [None] * n),
                cols.get("year", [None] * n),
                strict=True,
            )
        )
        # Rows without a price (and with a material read and a direction) take the
        # catalog's, filled once per distinct (material, direction, destination, year).
        wanted = [
            want if price is None and want[0] is not None and want[1] is not None else None
            for price, want in zip(prices, wanted, strict=True)
        ]
        filled_prices = self.prices
        for want in dict.fromkeys(wanted):
            if want is not None and want not in filled_prices:
                filled_prices[want] = fill_price(catalog(), *want)
        # (None is no key of the filled prices: rows without a want get None)
        fills: list[FilledPrice | None] = list(map(filled_prices.get, wanted))
        self.checker.filled.update(Counter(f.rule for f in fills if f is not None))
        cols["price_vnd_per_unit"] = [
            price if filled is None else filled.value
            for price, filled in zip(prices, fills, strict=True)
        ]
        cols["price_status"] = [
            "reported" if price is not None else ("" if filled is None else filled.status)
            for price, filled in zip(prices, fills, strict=True)
        ]
        # A reported price keeps what the sheet says of it (an export's own column).
        given = cols.get("price_source", [None] * n)
        cols["price_source"] = [
            (note or typed or "") if filled is None else filled.source
            for note, typed, filled in zip(noted, given, fills, strict=True)
        ]

    def _plan(
        self, group: _Group | None, unit_text: str, parsed: ParsedUnit
    ) -> tuple[Any, ...] | CellError:
        """The values a row of ``group`` in this unit takes (the reading's, the factor to
        the canonical unit and that unit), or the unit's problem when the material was
        given by its code and the unit does not measure it."""
        assert group is not None  # (rows without a reading have no plan)
        code = group.code
        if code == UNCLASSIFIED:
            return (*group.read, parsed.factor, parsed.canonical)
        got = self.factor(code, parsed, group.found.text)
        if isinstance(got, CellError):
            if group.found.method == "code":
                return got
            # The words may name another material than the unit measures: a person
            # decides.
            mismatch = _mismatch(group.found, code, unit_text)
            read = _read_values(mismatch, UNCLASSIFIED, self.suggestions)
            return (*read, parsed.factor, parsed.canonical)
        return (*group.read, got, self.units[code])

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
            got = self.factor(code, parsed, found.text)
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


@dataclass(slots=True)
class _Group:
    """Rows with the same material text, direction and sector: how the text was read,
    the list of their indices in that reading, and the values they share (``read``: a
    row's material code, text, confidence, basis and suggestions)."""

    found: Recognised
    rows: list[int]
    code: str
    read: tuple[Any, ...]


def _group(found: Recognised, rows: list[int], suggestions: bool) -> _Group:
    return _Group(found, rows, found.code, _read_values(found, found.code, suggestions))


def _read_values(found: Recognised, code: str, suggestions: bool) -> tuple[Any, ...]:
    """What a reading puts in a row's material columns, in :data:`_NO_PLAN`'s order."""
    fill: dict[str, Any] = {}
    _fill(fill, found, code, suggestions)
    return (
        code,
        fill["material_text"],
        fill["material_confidence"],
        fill["material_basis"],
        fill.get("material_suggestions"),
    )


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
    """Material, canonical quantity and prices of one row (an exchange's) from what was
    typed, the prices per canonical unit; False (with a problem) when the row cannot be
    read. Sheets of owned rows go through :func:`owned_columns`."""
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


def _per_kilogram_columns(
    cols: dict[str, list[Any]], v: dict[str, list[Any]], kept: list[int], directions: list[Any]
) -> list[str]:
    """:func:`kilogram_price` of the inputs of ``cols``, written into its price column;
    what it made of each row's price ("" where nothing)."""
    n = len(directions)
    notes = [""] * n
    prices = cols.get("price_vnd_per_unit")
    if prices is None:
        return notes
    per = v.get("price_vnd_per_unit:unit")
    years = cols.get("year", [None] * n)
    for p, price in enumerate(prices):
        if price is None or directions[p] != "in":
            continue
        typed = per is not None and per[kept[p]] is not None
        code, unit = cols["material_code"][p], cols["unit"][p]
        read = kilogram_price(price, typed, code, unit, years[p])
        if read is not None:
            prices[p], notes[p] = read
    return notes


def kilogram_price(
    price: float | None, typed_unit: bool, code: str | None, unit: str | None, year: Any
) -> tuple[float, str] | None:
    """A purchase price typed bare ('3.900') for a material counted in tonnes, nearer the
    catalog's price of a kilogram than of a tonne and, read per kilogram, within a factor of
    ``PER_KG_WITHIN`` of the catalog's, is a price per kilogram, as buyers quote scrap,
    paper and resin: read per tonne (the price, and a source saying so); None when the
    price is read as typed."""
    if price is None or price <= 0 or unit != "t" or typed_unit or code is None:
        return None
    reference = reference_price(code, year)
    if reference is None or reference <= 0:
        return None
    off = math.log(price) - math.log(reference)  # in logs: no quotient too small to take
    per_kg = abs(off + math.log(1000))
    if per_kg >= abs(off) or per_kg > math.log(PER_KG_WITHIN):
        return None
    return price * 1000, said_in(DEFAULT_LANG, per_kg_note(price, reference))


def per_kg_note(typed: float, reference: float) -> Message:
    """The source of a price read per kilogram (:func:`kilogram_price`): a catalog message,
    kept in the default language (Vietnamese; its template is the English)."""
    return msg(
        "typed {typed} with no unit, read per kg (catalog price {reference} VND/t)",
        typed=typed,
        reference=reference,
    )


PER_KG_NOTE = per_kg_note(0, 0).template
# Read per kilogram, a price must come within this factor of the catalog's: a bare price
# far from the catalog's either way is the staff's own, kept as typed.
PER_KG_WITHIN = 4.0


def read_per_kilogram(source: str | None) -> bool:
    """Whether a price's source says it was typed per kilogram (:func:`kilogram_price`), in
    the default language or in English (as records written before kept it)."""
    return bool(source) and any(p.fullmatch(str(source)) for p in _per_kg_said())


@lru_cache(maxsize=1)
def _per_kg_said() -> tuple[re.Pattern[str], ...]:
    """:data:`PER_KG_NOTE` as said in the default language and in English, its figures
    left open."""
    said = {translations(lang).gettext(PER_KG_NOTE) for lang in (DEFAULT_LANG, "en")}
    return tuple(re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(template))) for template in said)


def _hazard_marks(v: dict[str, list[Any]], kept: list[int], directions: list[Any]) -> list[str]:
    """Per kept row, what its destination says of it: handed to a licensed unit to 'xử lý
    CTNH', an output is hazardous waste (:func:`hazard_mark`); "" for the others."""
    sent_to, sent_as = v.get("destination_text"), v.get("destination")
    if sent_to is None or sent_as is None:
        return [""] * len(kept)
    licensed = Destination.LICENSED_COLLECTOR.value
    said: dict[str, str] = {}
    marks = []
    for i, direction in zip(kept, directions, strict=True):
        text = sent_to[i] or ""
        if direction != "out" or sent_as[i] != licensed or not text:
            marks.append("")
        elif text in said:
            marks.append(said[text])
        else:
            marks.append(said.setdefault(text, hazard_mark(text)))
    return marks


def _columns(conv: Converted) -> set[str]:
    return {"material_suggestions"} if conv.raw.spec.key in ("flows", "listings") else set()


def derive_key_columns(
    checker: Checker,
    conv: Converted,
    cols: dict[str, list[Any]],
    kept: list[int],
    base_keys: BaseKeys,
) -> None:
    """Row keys for rows that have none: made from the staff's own words, so a row keeps
    its key when its material is corrected; a second row with the same key gets ':2'."""
    keys: list[str] = cols["key"]
    parks: list[str] = cols["_park"]
    # Keys are unique within a park: with one park in the sheet (the usual case) the keys
    # themselves are compared, else (park, key) pairs.
    one_park = len(set(parks)) <= 1
    blank = [p for p, key in enumerate(keys) if not key] if any(keys) else list(range(len(keys)))
    if blank:
        bases = base_keys(cols, kept, blank)
        if len(blank) == len(keys):
            keys = cols["key"] = list(bases)
        else:
            keys = cols["key"] = list(keys)
            for p, base in zip(blank, bases, strict=True):
                keys[p] = base
        owners: list[Any] = (
            bases if one_park else list(zip(map(parks.__getitem__, blank), bases, strict=True))
        )
        if len(set(owners)) == len(owners):
            # No two of them share a key (the usual case): each row takes its own.
            if len(blank) == len(keys):
                return  # every key made here, none repeated
        else:
            # The second row of a shared key takes ':2', the third ':3' (only those rows
            # are looked at again).
            repeated = {owner for owner, n in Counter(owners).items() if n > 1}
            seen: dict[Any, int] = {}
            for p, owner, base in zip(blank, owners, bases, strict=True):
                if owner in repeated:
                    n = seen[owner] = seen.get(owner, 0) + 1
                    if n > 1:
                        keys[p] = f"{base}:{n}"
    if len(set(keys if one_park else zip(parks, keys, strict=True))) == len(keys):
        return  # no key repeats
    pairs = list(zip(parks, keys, strict=True))
    every: list[tuple[str, str] | None] = [None] * len(conv.raw)
    for i, pair in zip(kept, pairs, strict=True):
        every[i] = pair
    checker.unique(conv, every, "key", msg("this row key"))


@lru_cache(maxsize=65536)
def text_key(text: str) -> str:
    """The staff's words as a key part: 'Tro bay (lò hơi)' -> 'tro-bay-lo-hoi'."""
    return normalise_code(text)[:KEY_TEXT_LIMIT] or "x"


def slug(text: str, limit: int = 60) -> str:
    return re.sub(r"-+", "-", normalise_code(text))[:limit].strip("-")


__all__ = [
    "BaseKeys",
    "ParsedUnit",
    "derive_key_columns",
    "material_quantity",
    "owned_columns",
    "owned_rows",
    "rows_of",
    "select",
    "slug",
    "text_key",
]
