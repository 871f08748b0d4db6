"""Fuels a resource-efficiency measure saves, their combustion factors, and the fuel read
from the words staff write ('than cám', 'dầu DO', 'khí tự nhiên', 'trấu').

``fuels.csv`` names each fuel and the rows of ``emission_factors.csv`` that give its CO2,
CH4 and N2O per TJ burnt; ``fuel_lexicon.csv`` holds the phrases staff use, each with a
priority: the most specific phrase found in the text decides ('than nhập khẩu' over
'than'). A phrase of priority 0 is read only when it is the whole text ('DO', 'FO',
'gas'), since as a word inside a sentence it means something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from parkloop.catalog.loader import Catalog, Factor
from parkloop.catalog.recognise import EXACT, Recognised
from parkloop.catalog.words import contains, words
from parkloop.formats import number

GJ_PER_TJ = 1000.0
KG_PER_T = 1000.0


@dataclass(frozen=True, slots=True)
class Fuel:
    """A fuel with the factors of burning one TJ of it (net calorific value basis)."""

    code: str
    name_vi: str
    name_en: str
    co2: Factor
    ch4: Factor | None
    n2o: Factor | None
    gwp_ch4: Factor
    gwp_n2o: Factor
    biogenic: bool
    note: str
    status: str
    source: str

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en

    @property
    def co2_t_per_tj(self) -> float:
        """Fossil CO2 counted per TJ: nothing for a biogenic fuel (reported apart)."""
        return 0.0 if self.biogenic else self.co2.value / KG_PER_T

    @property
    def biogenic_co2_t_per_tj(self) -> float:
        return self.co2.value / KG_PER_T if self.biogenic else 0.0

    @property
    def other_t_co2e_per_tj(self) -> float:
        """CH4 and N2O per TJ as CO2e (GWP100)."""
        ch4 = self.ch4.value * self.gwp_ch4.value if self.ch4 else 0.0
        n2o = self.n2o.value * self.gwp_n2o.value if self.n2o else 0.0
        return (ch4 + n2o) / KG_PER_T

    @property
    def t_co2e_per_tj(self) -> float:
        return self.co2_t_per_tj + self.other_t_co2e_per_tj

    @property
    def factors(self) -> list[Factor]:
        found = [self.co2, self.ch4, self.n2o]
        out = [f for f in found if f is not None]
        if self.ch4 is not None:
            out.append(self.gwp_ch4)
        if self.n2o is not None:
            out.append(self.gwp_n2o)
        return out

    @property
    def unverified(self) -> bool:
        return any(f.unverified for f in self.factors)

    def arithmetic(self, lang: str = "en") -> str:
        """The factor per TJ written out: '98.3 + 10 × 27/1000 + 1.5 × 273/1000 = 98.98'."""

        def n(value: float, digits: int = 4) -> str:
            return number(value, lang, digits, fixed=False)

        parts = ["0" if self.biogenic else n(self.co2.value / KG_PER_T)]
        if self.ch4 is not None:
            parts.append(f"{n(self.ch4.value)} × {n(self.gwp_ch4.value)}/1000")
        if self.n2o is not None:
            parts.append(f"{n(self.n2o.value)} × {n(self.gwp_n2o.value)}/1000")
        return f"{' + '.join(parts)} = {n(self.t_co2e_per_tj)} t CO2e/TJ"


def _factor(cat: Catalog, factor_id: str, fuel: str) -> Factor:
    found = cat.factors.get(factor_id)
    if found is None:
        raise KeyError(f"fuels.csv: fuel '{fuel}' names factor '{factor_id}', which is not known")
    return found


@cache
def fuels(cat: Catalog) -> dict[str, Fuel]:
    """The fuels of ``fuels.csv`` with their factors resolved."""
    out: dict[str, Fuel] = {}
    for r in cat.rows("fuels.csv"):
        code = r["code"]
        out[code] = Fuel(
            code=code,
            name_vi=r["name_vi"],
            name_en=r["name_en"],
            co2=_factor(cat, r["co2_factor"], code),
            ch4=_factor(cat, r["ch4_factor"], code) if r["ch4_factor"] else None,
            n2o=_factor(cat, r["n2o_factor"], code) if r["n2o_factor"] else None,
            gwp_ch4=_factor(cat, "gwp100_ch4", code),
            gwp_n2o=_factor(cat, "gwp100_n2o", code),
            biogenic=r["biogenic"] == "true",
            note=r["note"],
            status=r["status"],
            source=r["source"],
        )
    return out


@dataclass(frozen=True, slots=True)
class _Phrase:
    tokens: tuple[str, ...]
    fuel: str
    priority: int


class FuelRecogniser:
    """Reads the fuel a text names, the way destinations are read."""

    def __init__(self, cat: Catalog) -> None:
        known = fuels(cat)
        self.labels: dict[tuple[str, ...], str] = {}
        for f in known.values():
            for text in (f.code, f.code.replace("-", " "), f.name_vi, f.name_en):
                self.labels[words(text)] = f.code
        self.phrases = [
            _Phrase(words(r["phrase"]), r["fuel"], int(r["priority"]))
            for r in cat.rows("fuel_lexicon.csv")
            if words(r["phrase"]) and r["fuel"] in known
        ]
        self.exact: dict[tuple[str, ...], str] = {}
        for p in self.phrases:
            self.exact.setdefault(p.tokens, p.fuel)
        self.inside = [p for p in self.phrases if p.priority > 0]
        self.choices = [" ".join(p.tokens) for p in self.inside]

    def recognise(self, text: str) -> Recognised:
        tokens = words(text)
        if not tokens:
            return Recognised(text, "", 0.0, "unknown", "")
        if (code := self.labels.get(tokens)) is not None:
            return Recognised(text, code, EXACT, "code", " ".join(tokens))
        if (code := self.exact.get(tokens)) is not None:
            return Recognised(text, code, EXACT, "name", " ".join(tokens))
        found = [p for p in self.inside if contains(tokens, p.tokens)]
        if found:
            found.sort(key=lambda p: (-p.priority, -len(p.tokens)))
            best = found[0]
            rivals = {p.fuel for p in found[1:] if p.priority == best.priority}
            confidence = 0.9 if not rivals - {best.fuel} else 0.7
            others = tuple(dict.fromkeys(p.fuel for p in found if p.fuel != best.fuel))
            return Recognised(
                text, best.fuel, confidence, "contains", " ".join(best.tokens), others
            )
        # All words compared, so that one word shared with a phrase ("nước") is no match.
        hit = process.extractOne(" ".join(tokens), self.choices, scorer=fuzz.token_sort_ratio)
        if hit is not None and hit[1] >= 90 and len(hit[0]) >= 5:
            phrase = self.inside[hit[2]]
            return Recognised(text, phrase.fuel, round(hit[1] / 100 * 0.9, 3), "fuzzy", hit[0])
        return Recognised(text, "", 0.0, "unknown", "")


@cache
def fuel_recogniser() -> FuelRecogniser:
    from parkloop.catalog import catalog

    return FuelRecogniser(catalog())


@lru_cache(maxsize=16384)
def recognise_fuel(text: str) -> Recognised:
    return fuel_recogniser().recognise(text)


def fuel_choices(lang: str = "vi") -> str:
    """The fuels as a person picks one: 'than (coal), dầu DO (diesel), ...'."""
    from parkloop.catalog import catalog

    return ", ".join(f"{f.code} ({f.name(lang)})" for f in fuels(catalog()).values())


@cache
def own_boiler_steam() -> dict[str, tuple[float, float]]:
    """What a tonne of steam costs, and emits, raised in a firm's own small boiler by the
    fuel it fires (``own_boiler_steam.csv``): fuel -> (VND per t of steam, t CO2e per t)."""
    from parkloop.catalog import catalog

    return {
        r["fuel"]: (float(r["price_vnd_per_t_steam"]), float(r["t_co2e_per_t_steam"]))
        for r in catalog().rows("own_boiler_steam.csv")
    }


def own_boiler_of(text: str) -> tuple[float, float] | None:
    """The cost and CO2 of a tonne of steam from the boiler fuel ``text`` names ('Hơi nước
    (lò hơi đốt dầu FO tự cấp)': an oil boiler), or None where it names none for sure."""
    found = recognise_fuel(text)
    if found.confidence < OWN_BOILER_CONFIDENCE:
        return None
    return own_boiler_steam().get(found.code)


OWN_BOILER_CONFIDENCE = 0.9  # a fuel named alone, not one of two rivals
