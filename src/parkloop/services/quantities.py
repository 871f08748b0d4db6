"""Quantities as typed (a number and a unit) against a material's canonical unit."""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

from parkloop.catalog import catalog
from parkloop.catalog.words import BRACKETS, contains, words
from parkloop.errors import Name, Word, msg, said_of
from parkloop.services.cells import CellError, as_text
from parkloop.units import ParsedUnit, UnitError, display, parse_unit

UNIT_FIX = msg("type a unit such as t, kg, tấn, m3, khối, MWh, kWh, or a rate such as m3/ngày")
# Letters, digits, spaces and '/' are all a unit needs; anything else (operators, powers)
# is refused before the unit parser sees it.
_UNIT_TEXT = re.compile(r"[\w\s/.³²·]+")
_UNIT_LENGTH = 32
_KIND = {
    "t": "a mass",
    "m3": "a volume",
    "MWh": "an energy",
    "Nm3": "a gas volume",
    "t_steam": "a steam mass",
    "t_CO2e": "an emission",
    "piece": "a count",
    "m": "a length",
    "m2": "an area",
}


def parse_entered_unit(value: Any) -> tuple[str, ParsedUnit]:
    """The unit text as typed (NFC) with its meaning."""
    text = as_text(value)
    if len(text) > _UNIT_LENGTH or not _UNIT_TEXT.fullmatch(text):
        raise CellError(msg("not a unit"), UNIT_FIX)
    try:
        parsed = parse_unit(text)
    except UnitError as exc:
        raise CellError(said_of(exc), UNIT_FIX) from None
    if not (parsed.factor > 0 and math.isfinite(parsed.factor)) or (
        parsed.per_days is not None and not parsed.per_days > 0
    ):
        raise CellError(msg("this unit is zero or not finite"), UNIT_FIX)
    return text, parsed


@cache
def amount_factor(material: str, parsed: ParsedUnit, text: str = "") -> float:
    """Canonical units of ``material`` per unit entered (through its density if needed;
    pieces of a container ``text`` names, through its usual mass: 'Bao PP' counted)."""
    mat = catalog().materials[material]
    target = mat.canonical_unit
    if parsed.canonical == target:
        return parsed.factor
    if parsed.canonical == "piece" and target == "t" and (kg := piece_mass(text)):
        return parsed.factor * kg / 1000.0
    if {parsed.canonical, target} == {"t", "t_steam"}:
        return parsed.factor  # a tonne of steam is a tonne: 'tấn' of 'hơi nước' is t steam
    if {parsed.canonical, target} == {"m3", "Nm3"}:
        # Gas meters at site read about normal conditions; 'm3' of biogas is taken as Nm³.
        return parsed.factor
    density = catalog().densities.get(material)
    # A gas's density is at normal conditions: its Nm³ (and m³, read so) weigh through it.
    if density and {parsed.canonical, target} in ({"t", "m3"}, {"t", "Nm3"}):
        return parsed.factor * density if target == "t" else parsed.factor / density
    examples = {"t": "t, kg, tấn", "m3": "m3, khối, lít", "MWh": "MWh, kWh, GJ"}.get(target, target)
    fields = {
        "material": Name(mat.name_vi or mat.name_en, mat.name_en),
        "code": material,
        "unit": display(target),
        "typed": parsed.text,
        "kind": Word(_KIND.get(parsed.canonical, parsed.canonical)),
    }
    raise CellError(
        msg("{material} ({code}) is measured in {unit}, but '{typed}' is {kind}", **fields)
        if density
        else msg(
            "{material} ({code}) is measured in {unit}, but '{typed}' is {kind} and no density "
            "is known for it",
            **fields,
        ),
        msg(
            "enter it in {examples} or another unit of {kind}",
            examples=examples,
            kind=Word(_KIND.get(target, target)),
        ),
    )


def entered_price(canonical_price: float | None, material: str, unit_text: str) -> float | None:
    """A stored price per canonical unit, back in money per unit entered."""
    if canonical_price is None:
        return None
    return canonical_price * amount_factor(material, parse_unit(unit_text))


@cache
def _piece_masses() -> tuple[tuple[tuple[str, ...], float], ...]:
    rows = catalog().rows("piece_masses.csv")
    found = [(words(r["term"]), float(r["kg_per_piece"])) for r in rows if words(r["term"])]
    return tuple(sorted(found, key=lambda f: -len(f[0])))


def piece_mass(text: str) -> float | None:
    """The usual mass in kg of one of the containers ``text`` counts, by its head words
    ('Bao jumbo đựng hạt nhựa': a jumbo bag, 2.5 kg; ``piece_masses.csv``), longest term
    first; None where it names none."""
    head = words(BRACKETS.sub(" ", text))
    for term, kg in _piece_masses():
        if contains(head, term):
            return kg
    return None
