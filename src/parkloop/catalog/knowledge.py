"""The substitution knowledge base and the accounting factors, read from catalog data.

``substitutions.csv`` says which output can replace which input, at what ratio, after what
treatment and within which quality limits, with a cited example. ``quality_parameters.csv``
is the vocabulary of those limits. ``distance_limits.csv`` gives how far each class of
material typically travels, ``material_factors.csv`` the prices and emission factors per
material, and ``transport_factors.csv`` the emissions of moving one unit one kilometre.
Every value is returned as a :class:`~parkloop.catalog.loader.Factor` or a :class:`Rule`
carrying its status and source. See ``docs/methods/knowledge-base.md`` and
``docs/methods/factors.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, cast

from parkloop.catalog.checks import Finding, check
from parkloop.catalog.loader import STATUSES, Catalog, Factor, Row, default_data_dir, fold
from parkloop.domain.enums import MaterialClass, TransportMode

SUBSTITUTIONS = "substitutions.csv"
QUALITY_PARAMETERS = "quality_parameters.csv"
DISTANCE_LIMITS = "distance_limits.csv"
MATERIAL_FACTORS = "material_factors.csv"
TRANSPORT_FACTORS = "transport_factors.csv"

RULE_KINDS = ("substitution", "treatment")
ANY_SECTOR = "*"  # receiver_vsic: any firm that buys the replaced input
VSIC_CLASSES = "vsic2018_classes.csv"
# Columns of substitutions.csv that hold VSIC codes (divisions, groups or classes).
SECTOR_COLUMNS = ("receiver_vsic", "never_vsic", "supplier_vsic", "warn_vsic")
CONFIDENCES = ("high", "medium", "low")
OPERATORS = (">=", "<=", ">", "<", "=")

# Parameter of material_factors.csv -> the head of its unit ("VND/t", "t_CO2e/Nm3", ...).
PARAMETERS: dict[str, str] = {
    "virgin_price_vnd_per_unit": "VND",
    "market_price_vnd_per_unit": "VND",
    "disposal_fee_vnd_per_unit": "VND",
    "virgin_production_t_co2e_per_unit": "t_CO2e",
    "disposal_t_co2e_per_unit": "t_CO2e",
    "energy_content_mwh_per_unit": "MWh",
    "water_m3_per_unit": "m3",
    # What a firm pays, and emits, raising a utility in its own small plant (steam in its
    # own boiler): what a park utility's pipe replaces.
    "self_supply_price_vnd_per_unit": "VND",
    "self_supply_t_co2e_per_unit": "t_CO2e",
}
SUPPLY_PARAMETERS = ("disposal_fee_vnd_per_unit", "disposal_t_co2e_per_unit")
DEMAND_PARAMETERS = ("virgin_price_vnd_per_unit", "virgin_production_t_co2e_per_unit")
ENERGY_CLASSES = frozenset(
    {MaterialClass.FUEL, MaterialClass.GAS, MaterialClass.HEAT, MaterialClass.STEAM}
)

# The exchanges PRODUCT.md names under C3: each supply must have a rule to at least one of
# the listed inputs. This is a requirement on the data, not reference data itself.
C3_PAIRS: tuple[tuple[str, frozenset[str]], ...] = (
    ("fgd-gypsum", frozenset({"natural-gypsum"})),
    ("steel-slag", frozenset({"cement-clinker"})),
    ("steel-slag", frozenset({"aggregate"})),
    ("fly-ash", frozenset({"cement-clinker", "natural-sand", "aggregate"})),
    ("bottom-ash", frozenset({"cement-clinker", "natural-sand", "aggregate"})),
    ("steel-scrap", frozenset({"pig-iron"})),
    ("plastic-scrap", frozenset({"virgin-plastic-resin"})),
    ("foundry-sand", frozenset({"natural-sand"})),
    ("paper-scrap", frozenset({"virgin-pulp"})),
    ("waste-heat", frozenset({"process-heat", "district-heat"})),
    ("steam", frozenset({"steam", "process-heat", "district-heat"})),
    ("treated-wastewater", frozenset({"fresh-water"})),
    ("sewage-sludge", frozenset({"fertiliser"})),
    ("sewage-sludge", frozenset({"biogas"})),
    ("organic-waste", frozenset({"biogas"})),
    ("biogas", frozenset({"natural-gas", "biomass", "coal", "fuel-oil"})),
    ("used-oil", frozenset({"virgin-base-oil"})),
    ("co2", frozenset({"liquefied-co2"})),
    ("hazardous-waste", frozenset({"hazardous-waste"})),
)


class QualityError(ValueError):
    """A quality-limit text that does not follow the grammar; the message names the part."""


# -- quality limits -------------------------------------------------------------------
_PART = re.compile(
    r"^\s*(?P<parameter>[^<>=≤≥]*?[^\s<>=≤≥])\s*(?P<operator>>=|<=|≥|≤|>|<|=)\s*"
    r"(?P<value>[-+]?\d+(?:[.,]\d+)?)\s*(?P<percent>%)?\s*$"
)
_UNICODE_OPERATORS = {"≥": ">=", "≤": "<="}


def parameter_key(name: str) -> str:
    """Accent-, case- and separator-insensitive form of a quality parameter name."""
    return re.sub(r"[\s.\-·/]+", "_", fold(name)).strip("_")


@dataclass(frozen=True, slots=True)
class _Interval:
    lo: float = -math.inf
    lo_closed: bool = False
    hi: float = math.inf
    hi_closed: bool = False

    @classmethod
    def of(cls, operator: str, value: float) -> _Interval:
        if operator == ">=":
            return cls(lo=value, lo_closed=True)
        if operator == ">":
            return cls(lo=value)
        if operator == "<=":
            return cls(hi=value, hi_closed=True)
        if operator == "<":
            return cls(hi=value)
        return cls(lo=value, lo_closed=True, hi=value, hi_closed=True)

    def intersect(self, other: _Interval) -> _Interval:
        if self.lo != other.lo:
            lo, lo_closed = max((self.lo, self.lo_closed), (other.lo, other.lo_closed))
        else:
            lo, lo_closed = self.lo, self.lo_closed and other.lo_closed
        if self.hi != other.hi:
            hi, hi_closed = min((self.hi, self.hi_closed), (other.hi, other.hi_closed))
        else:
            hi, hi_closed = self.hi, self.hi_closed and other.hi_closed
        return _Interval(lo, lo_closed, hi, hi_closed)

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def within(self, other: _Interval) -> bool:
        low_ok = self.lo > other.lo or (
            self.lo == other.lo and (other.lo_closed or not self.lo_closed)
        )
        high_ok = self.hi < other.hi or (
            self.hi == other.hi and (other.hi_closed or not self.hi_closed)
        )
        return low_ok and high_ok


def _number_text(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True, slots=True)
class QualityLimit:
    """One condition such as ``moisture<=10%``: a parameter, an operator and a value."""

    parameter: str
    operator: str
    value: float
    percent: bool = False

    @property
    def text(self) -> str:
        unit = "%" if self.percent else ""
        return f"{self.parameter}{self.operator}{_number_text(self.value)}{unit}"

    @property
    def key(self) -> str:
        return parameter_key(self.parameter)

    def admits(self, value: float) -> bool:
        """Whether a single measured value meets this limit."""
        return {
            ">=": value >= self.value,
            "<=": value <= self.value,
            ">": value > self.value,
            "<": value < self.value,
            "=": value == self.value,
        }[self.operator]

    def _interval(self) -> _Interval:
        return _Interval.of(self.operator, self.value)

    def __str__(self) -> str:
        return self.text


def _parse_part(part: str) -> QualityLimit | None:
    m = _PART.match(part)
    if m is None:
        return None
    operator = _UNICODE_OPERATORS.get(m["operator"], m["operator"])
    return QualityLimit(
        parameter=m["parameter"].strip(),
        operator=operator,
        value=float(m["value"].replace(",", ".")),
        percent=m["percent"] is not None,
    )


def _parts(text: str) -> list[str]:
    return [p for p in re.split(r"[;\n]", text or "") if p.strip()]


def parse_quality_limits(text: str) -> tuple[QualityLimit, ...]:
    """Parse ``CaSO4_2H2O>=95%; moisture<=10%``; raises :class:`QualityError` on a bad part.

    Grammar: limits separated by ``;``; each is a parameter, an operator among ``>=``,
    ``<=``, ``>``, ``<``, ``=`` (``≥`` and ``≤`` are accepted), a number (``.`` or ``,``
    as decimal mark) and an optional ``%``.
    """
    limits: list[QualityLimit] = []
    for part in _parts(text):
        limit = _parse_part(part)
        if limit is None:
            raise QualityError(
                f"cannot read '{part.strip()}': write parameter, operator (>=, <=, >, <, =), "
                "number and optional %, as in 'moisture<=10%'"
            )
        limits.append(limit)
    return tuple(limits)


def read_quality_statements(text: str) -> tuple[tuple[QualityLimit, ...], list[str]]:
    """What a user typed in a quality cell, leniently: the statements read and the parts
    that could not be read (kept so they can be shown, never silently used)."""
    statements: list[QualityLimit] = []
    unread: list[str] = []
    for part in _parts(text):
        limit = _parse_part(part)
        if limit is None:
            unread.append(part.strip())
        else:
            statements.append(limit)
    return tuple(statements), unread


@dataclass(frozen=True, slots=True)
class QualityOutcome:
    """The verdict on one limit: ``True`` met, ``False`` failed, ``None`` cannot tell."""

    limit: QualityLimit
    passed: bool | None
    reason: str


@cache
def _shipped_aliases() -> dict[str, str]:
    return _aliases_from_rows(Catalog(default_data_dir()).rows(QUALITY_PARAMETERS))


def _aliases_from_rows(rows: Sequence[Row]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for row in rows:
        code = row["code"]
        for name in (code, row["name_vi"], row["name_en"], *row["aliases"].split(";")):
            if name.strip():
                aliases.setdefault(parameter_key(name), code)
    return aliases


def quality_outcomes(
    limits: Sequence[QualityLimit], quality_text: str, aliases: Mapping[str, str] | None = None
) -> list[QualityOutcome]:
    """Judge each limit against the statements in ``quality_text``."""
    names = _shipped_aliases() if aliases is None else aliases

    def canonical(name: str) -> str:
        key = parameter_key(name)
        return parameter_key(names.get(key, key))

    statements, unread = read_quality_statements(quality_text)
    unread_note = f"; could not read: {', '.join(repr(u) for u in unread)}" if unread else ""
    by_parameter: dict[str, list[QualityLimit]] = {}
    for s in statements:
        by_parameter.setdefault(canonical(s.parameter), []).append(s)
    outcomes: list[QualityOutcome] = []
    for limit in limits:
        stated = by_parameter.get(canonical(limit.parameter), [])
        if not stated:
            outcomes.append(
                QualityOutcome(
                    limit, None, f"{limit.parameter}: not stated (needs {limit.text}){unread_note}"
                )
            )
            continue
        said = "; ".join(s.text for s in stated)
        if any(s.percent != limit.percent for s in stated):
            outcomes.append(
                QualityOutcome(
                    limit,
                    None,
                    f"{limit.parameter}: stated as {said}, units differ from {limit.text}",
                )
            )
            continue
        interval = _Interval()
        for s in stated:
            interval = interval.intersect(s._interval())
        if interval.empty:
            outcomes.append(
                QualityOutcome(limit, None, f"{limit.parameter}: statements contradict ({said})")
            )
        elif interval.within(limit._interval()):
            outcomes.append(
                QualityOutcome(limit, True, f"{limit.parameter}: {said} meets {limit.text}")
            )
        elif interval.intersect(limit._interval()).empty:
            outcomes.append(
                QualityOutcome(limit, False, f"{limit.parameter}: {said} fails {limit.text}")
            )
        else:
            outcomes.append(
                QualityOutcome(
                    limit, None, f"{limit.parameter}: {said} does not show whether {limit.text}"
                )
            )
    return outcomes


def check_quality(
    limits: Sequence[QualityLimit], quality_text: str, aliases: Mapping[str, str] | None = None
) -> tuple[bool | None, list[str]]:
    """``(passed, reasons)``: ``False`` if any limit fails, ``None`` if any cannot be told
    (for instance not stated), else ``True``. Reasons name each limit not met."""
    outcomes = quality_outcomes(limits, quality_text, aliases)
    reasons = [o.reason for o in outcomes if o.passed is not True]
    if any(o.passed is False for o in outcomes):
        return False, reasons
    if any(o.passed is None for o in outcomes):
        return None, reasons
    return True, reasons


# -- rules ------------------------------------------------------------------------------
def _float_or_none(text: str) -> float | None:
    return float(text) if text.strip() else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One substitution: ``ratio`` canonical units of ``demand_material`` replaced per
    canonical unit of ``supply_material``. A ``treatment`` rule is a service (a licensed
    treater taking a waste): nothing virgin is replaced and the waste is still treated."""

    id: str
    kind: str
    supply_material: str
    demand_material: str
    ratio: float
    treatment_vi: str
    treatment_en: str
    treatment_cost_vnd_per_unit: float | None
    treatment_electricity_mwh_per_unit: float | None
    quality_limits: tuple[QualityLimit, ...]
    quality_limits_text: str
    max_distance_km: float | None
    receiver_vsic: tuple[str, ...]
    example: str
    example_park: str
    status: str
    source: str
    confidence: str
    note: str = ""
    receiver_words: tuple[str, ...] = ()
    never_vsic: tuple[str, ...] = ()
    never_demand: tuple[str, ...] = ()  # kinds of the demand it does not replace
    never_words: tuple[str, ...] = ()  # receivers saying them, and not its words, are out
    supplier_vsic: tuple[str, ...] = ()
    supplier_words: tuple[str, ...] = ()
    warn_vsic: tuple[str, ...] = ()
    warn_vi: str = ""
    warn_en: str = ""
    receiver_status: str = ""
    receiver_source: str = ""

    @property
    def unverified(self) -> bool:
        return self.status == "recalled_unverified"

    @property
    def any_receiver(self) -> bool:
        """Whether any firm that buys the replaced input can take it (``*``)."""
        return ANY_SECTOR in self.receiver_vsic

    @property
    def is_treatment(self) -> bool:
        return self.kind == "treatment"

    def check_quality(self, quality_text: str) -> tuple[bool | None, list[str]]:
        return check_quality(self.quality_limits, quality_text)

    def cite(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ratio": self.ratio,
            "example": self.example,
            "status": self.status,
            "source": self.source,
            "confidence": self.confidence,
        }


def _rule(row: Row) -> Rule:
    text = row["quality_limits"]
    return Rule(
        id=row["id"],
        kind=row["kind"] or "substitution",
        supply_material=row["supply_material"],
        demand_material=row["demand_material"],
        ratio=float(row["ratio"]),
        treatment_vi=row["treatment_vi"],
        treatment_en=row["treatment_en"],
        treatment_cost_vnd_per_unit=_float_or_none(row["treatment_cost_vnd_per_unit"]),
        treatment_electricity_mwh_per_unit=_float_or_none(
            row["treatment_electricity_mwh_per_unit"]
        ),
        quality_limits=parse_quality_limits(text),
        quality_limits_text=text,
        max_distance_km=_float_or_none(row["max_distance_km"]),
        receiver_vsic=_list(row["receiver_vsic"]),
        example=row["example"],
        example_park=row["example_park"],
        status=row["status"],
        source=row["source"],
        confidence=row["confidence"],
        note=row["note"],
        receiver_words=_list(row["receiver_words"]),
        never_vsic=_list(row["never_vsic"]),
        never_demand=_list(row["never_demand"]),
        never_words=_list(row["never_words"]),
        supplier_vsic=_list(row["supplier_vsic"]),
        supplier_words=_list(row["supplier_words"]),
        warn_vsic=_list(row["warn_vsic"]),
        warn_vi=row["warn_vi"],
        warn_en=row["warn_en"],
        receiver_status=row["receiver_status"],
        receiver_source=row["receiver_source"],
    )


def _list(text: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in text.split(";") if v.strip())


def _is_vsic(code: str, known: set[str]) -> bool:
    """A VSIC division or class, or a 3-digit group some class falls under."""
    if code in known:
        return True
    return len(code) == 3 and code.isdigit() and any(k.startswith(code) for k in known)


@dataclass(frozen=True, slots=True, kw_only=True)
class QualityParameter:
    code: str
    name_vi: str
    name_en: str
    unit: str
    aliases: tuple[str, ...]


class Knowledge:
    """Parsed knowledge-base tables of one catalog; build with :func:`knowledge`."""

    def __init__(self, cat: Catalog) -> None:
        self.cat = cat

    @cached_property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(_rule(r) for r in self.cat.rows(SUBSTITUTIONS))

    @cached_property
    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @cached_property
    def by_supply(self) -> dict[str, list[Rule]]:
        out: dict[str, list[Rule]] = {}
        for r in self.rules:
            out.setdefault(r.supply_material, []).append(r)
        return out

    @cached_property
    def by_demand(self) -> dict[str, list[Rule]]:
        out: dict[str, list[Rule]] = {}
        for r in self.rules:
            out.setdefault(r.demand_material, []).append(r)
        return out

    @cached_property
    def quality_parameters(self) -> dict[str, QualityParameter]:
        return {
            r["code"]: QualityParameter(
                code=r["code"],
                name_vi=r["name_vi"],
                name_en=r["name_en"],
                unit=r["unit"],
                aliases=tuple(a.strip() for a in r["aliases"].split(";") if a.strip()),
            )
            for r in self.cat.rows(QUALITY_PARAMETERS)
        }

    @cached_property
    def aliases(self) -> dict[str, str]:
        return _aliases_from_rows(self.cat.rows(QUALITY_PARAMETERS))

    @cached_property
    def distance_limits(self) -> dict[tuple[str, str], Factor]:
        return {
            (r["material_class"], r["mode"]): Factor(
                id=r["id"],
                category="distance_limit",
                item=r["material_class"],
                value=float(r["max_distance_km"]),
                unit="km",
                status=r["status"],
                source=r["source"],
                basis=r["rationale"],
            )
            for r in self.cat.rows(DISTANCE_LIMITS)
        }

    @cached_property
    def material_factors(self) -> dict[tuple[str, str], list[Factor]]:
        out: dict[tuple[str, str], list[Factor]] = {}
        for r in self.cat.rows(MATERIAL_FACTORS):
            year = int(r["year"]) if r["year"] else None
            factor = Factor(
                id=f"{r['material']}:{r['parameter']}" + (f":{year}" if year else ""),
                category=r["parameter"],
                item=r["material"],
                value=float(r["value"]),
                unit=r["unit"],
                status=r["status"],
                source=r["source"],
                year=year,
                basis=r["note"],
            )
            out.setdefault((r["material"], r["parameter"]), []).append(factor)
        for factors in out.values():
            factors.sort(key=lambda f: f.year or 0)
        return out

    @cached_property
    def transport_rows(self) -> dict[str, Row]:
        return {r["id"]: r for r in self.cat.rows(TRANSPORT_FACTORS)}

    @cached_property
    def transport_factors(self) -> dict[str, Factor]:
        return {
            r["id"]: Factor(
                id=r["id"],
                category=f"transport:{r['mode']}",
                item=r["variant"],
                value=float(r["value"]),
                unit=r["unit"],
                status=r["status"],
                source=r["source"],
                basis=r["basis"],
            )
            for r in self.transport_rows.values()
        }


def knowledge(cat: Catalog) -> Knowledge:
    """The parsed knowledge base of ``cat``, built once per catalog."""
    found = cat.__dict__.get("_knowledge")
    if found is None:
        # setdefault keeps the first one made when threads race to build it.
        found = cat.__dict__.setdefault("_knowledge", Knowledge(cat))
    return cast(Knowledge, found)


def _lineage(cat: Catalog, code: str) -> list[str]:
    """``code`` and its parents, nearest first."""
    out: list[str] = []
    while code and code not in out:
        out.append(code)
        material = cat.materials.get(code)
        code = material.parent if material else ""
    return out


def rules(cat: Catalog) -> tuple[Rule, ...]:
    """Every rule, in file order."""
    return knowledge(cat).rules


def rule(cat: Catalog, rule_id: str) -> Rule:
    try:
        return knowledge(cat).by_id[rule_id]
    except KeyError:
        raise KeyError(f"no substitution rule '{rule_id}'") from None


def rules_for_supply(cat: Catalog, material: str, include_parents: bool = True) -> list[Rule]:
    """Rules whose supply is ``material`` (and, by default, a material it is a kind of:
    oily rags are hazardous waste)."""
    codes = _lineage(cat, material) if include_parents else [material]
    by_supply = knowledge(cat).by_supply
    return [r for code in codes for r in by_supply.get(code, [])]


def rules_for_demand(cat: Catalog, material: str, include_parents: bool = True) -> list[Rule]:
    """Rules that can feed an input of ``material`` (or of a material it is a kind of)."""
    codes = _lineage(cat, material) if include_parents else [material]
    by_demand = knowledge(cat).by_demand
    return [r for code in codes for r in by_demand.get(code, [])]


# -- distances --------------------------------------------------------------------------
def _mode_value(mode: str | TransportMode | None) -> str:
    return "" if mode is None else str(mode.value if isinstance(mode, TransportMode) else mode)


def distance_limit(
    cat: Catalog, material_code: str, mode: str | TransportMode | None = None
) -> Factor:
    """The typical distance limit of the material's class, by mode where one is given."""
    limits = knowledge(cat).distance_limits
    material = cat.materials.get(material_code)
    cls = material.material_class.value if material else MaterialClass.OTHER.value
    wanted = _mode_value(mode)
    for key in ((cls, wanted), (cls, ""), (MaterialClass.OTHER.value, "")):
        if key in limits:
            return limits[key]
    raise KeyError(f"{DISTANCE_LIMITS} has no default row for class '{cls}' or 'other'")


def distance_limit_km(
    cat: Catalog, material_code: str, mode: str | TransportMode | None = None
) -> float:
    """Typical maximum distance in km for ``material_code`` (by ``mode`` where it matters)."""
    return distance_limit(cat, material_code, mode).value


def rule_distance_limit_km(cat: Catalog, r: Rule, mode: str | TransportMode | None = None) -> float:
    """The rule's own limit if it has one, else the class limit of its supply."""
    return (
        r.max_distance_km
        if r.max_distance_km is not None
        else distance_limit_km(cat, r.supply_material, mode)
    )


# -- factors ----------------------------------------------------------------------------
def material_factor(
    cat: Catalog, material: str, parameter: str, year: int | None = None
) -> Factor | None:
    """The factor ``parameter`` of ``material`` (the latest, or the latest not after ``year``).

    Electricity's production emissions come from the grid factor of ``year`` when a year
    is given. ``None`` when the knowledge base has no such factor.
    """
    m = cat.materials.get(material)
    if (
        year is not None
        and parameter == "virgin_production_t_co2e_per_unit"
        and m is not None
        and m.material_class is MaterialClass.ELECTRICITY
    ):
        return cat.grid_factor(year)
    factors = knowledge(cat).material_factors.get((material, parameter))
    if not factors:
        return None
    if year is None:
        return factors[-1]
    earlier = [f for f in factors if f.year is None or f.year <= year]
    return earlier[-1] if earlier else factors[0]


def material_factors(cat: Catalog, material: str) -> dict[str, Factor]:
    """Every parameter known for ``material`` (latest year of each)."""
    return {p: fs[-1] for (m, p), fs in knowledge(cat).material_factors.items() if m == material}


def transport_factor(
    cat: Catalog, mode: str | TransportMode, variant: str | None = None
) -> Factor | None:
    """The transport factor of ``mode`` as written in the file (the mode's default row, or
    the row whose id or variant is ``variant``). Truck and ship rows are in t CO2e per
    t·km; pipe and conveyor rows in MWh of electricity per unit·km."""
    kb = knowledge(cat)
    wanted = _mode_value(mode)
    for row_id, row in kb.transport_rows.items():
        if row["mode"] != wanted:
            continue
        if (variant is None and row["default"] == "true") or variant in (row_id, row["variant"]):
            return kb.transport_factors[row_id]
    return None


def transport_emission_factor(
    cat: Catalog, mode: str | TransportMode, year: int, variant: str | None = None
) -> Factor | None:
    """t CO2e per unit·km for ``mode`` in ``year``: electricity rows are multiplied by the
    grid factor of the year; diesel rows are returned as they are."""
    f = transport_factor(cat, mode, variant)
    if f is None or not f.unit.startswith("MWh/"):
        return f
    grid = cat.grid_factor(year)
    return Factor(
        id=f"{f.id}@{grid.year}",
        category=f.category,
        item=f.item,
        value=f.value * grid.value,
        unit="t_CO2e/" + f.unit.split("/", 1)[1],
        status="recalled_unverified" if f.unverified or grid.unverified else "derived",
        source=(
            f"{TRANSPORT_FACTORS} {f.id} ({f.status}) × "
            f"emission_factors.csv {grid.id} ({grid.status})"
        ),
        year=grid.year,
        basis=f"{f.value:g} {f.unit} × {grid.value:g} {grid.unit}",
    )


def diesel_road_kg_co2e_per_litre(cat: Catalog) -> float:
    """kg CO2e per litre of road diesel from the IPCC rows of ``emission_factors.csv``."""
    f = cat.factors
    mj_per_litre = f["diesel_density"].value * f["ipcc_diesel_ncv"].value
    kg_per_tj = (
        f["ipcc_diesel_co2"].value
        + f["ipcc_diesel_road_ch4"].value * f["gwp100_ch4"].value
        + f["ipcc_diesel_road_n2o"].value * f["gwp100_n2o"].value
    )
    return mj_per_litre * kg_per_tj / 1e6


def quality_parameters(cat: Catalog) -> dict[str, QualityParameter]:
    return knowledge(cat).quality_parameters


# -- checks -----------------------------------------------------------------------------
def _missing(cat: Catalog, name: str) -> Finding | None:
    if name not in cat.files():
        return Finding(name, 0, "file", "file is missing from the catalog")
    return None


def _raw_materials(cat: Catalog) -> dict[str, Row]:
    """Rows of materials.csv by code; checks read these, not ``cat.materials``, so that a
    broken taxonomy is reported by its own check instead of stopping every other."""
    return {r["code"]: r for r in cat.rows("materials.csv")}


def _bad_number(
    row: Row,
    column: str,
    *,
    positive: bool = False,
    blank_ok: bool = False,
    minimum: float | None = None,
) -> str | None:
    text = row[column]
    if not text:
        return None if blank_ok else "needs a number"
    try:
        value = float(text)
    except ValueError:
        return f"'{text}' is not a number"
    if not math.isfinite(value):
        return f"'{text}' is not a finite number"
    if positive and value <= 0:
        return f"must be greater than 0, not {text}"
    if minimum is not None and value < minimum:
        return f"must be at least {minimum:g}, not {text}"
    return None


@check
def substitution_rules_are_well_formed(cat: Catalog) -> Iterator[Finding]:
    if (missing := _missing(cat, SUBSTITUTIONS)) is not None:
        yield missing
        return
    known = (
        _aliases_from_rows(cat.rows(QUALITY_PARAMETERS))
        if QUALITY_PARAMETERS in cat.files()
        else {}
    )
    materials = _raw_materials(cat)
    vsic = {r["code"] for r in cat.rows("vsic2018.csv")}
    if VSIC_CLASSES in cat.files():
        vsic |= {r["code"] for r in cat.rows(VSIC_CLASSES)}
    seen: dict[str, int] = {}
    for row in cat.rows(SUBSTITUTIONS):
        f = SUBSTITUTIONS
        rid = row["id"]
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rid):
            yield Finding(f, row.line, "id", f"'{rid}': use lower-case words joined by '-'")
        if rid in seen:
            yield Finding(f, row.line, "id", f"'{rid}' repeats line {seen[rid]}")
        seen[rid] = row.line
        if row["kind"] not in RULE_KINDS:
            yield Finding(f, row.line, "kind", f"'{row['kind']}' is not one of {list(RULE_KINDS)}")
        for column in ("supply_material", "demand_material"):
            if row[column] not in materials:
                yield Finding(f, row.line, column, f"no material '{row[column]}' in materials.csv")
        for code in _list(row["never_demand"]):
            if code not in materials:
                yield Finding(f, row.line, "never_demand", f"no material '{code}' in materials.csv")
        if (problem := _bad_number(row, "ratio", positive=True)) is not None:
            yield Finding(f, row.line, "ratio", problem)
        for column in ("treatment_cost_vnd_per_unit", "treatment_electricity_mwh_per_unit"):
            if (problem := _bad_number(row, column, blank_ok=True, minimum=0)) is not None:
                yield Finding(f, row.line, column, problem)
        if (
            problem := _bad_number(row, "max_distance_km", blank_ok=True, positive=True)
        ) is not None:
            yield Finding(f, row.line, "max_distance_km", problem)
        for column in SECTOR_COLUMNS:
            for code in _list(row[column]):
                wildcard = code == ANY_SECTOR and column == "receiver_vsic"
                if not wildcard and not _is_vsic(code, vsic):
                    yield Finding(f, row.line, column, f"'{code}' is not a VSIC code")
        if not _list(row["receiver_vsic"]) and not _list(row["receiver_words"]):
            yield Finding(
                f,
                row.line,
                "receiver_vsic",
                f"name who can take it: VSIC codes, process words or '{ANY_SECTOR}'",
            )
        if bool(_list(row["warn_vsic"])) != bool(row["warn_vi"] and row["warn_en"]):
            yield Finding(f, row.line, "warn_vi", "a warning needs its sectors and both texts")
        if row["receiver_status"] not in STATUSES:
            yield Finding(
                f, row.line, "receiver_status", f"'{row['receiver_status']}' is not a status"
            )
        if not row["receiver_source"]:
            yield Finding(f, row.line, "receiver_source", "say where the receivers come from")
        try:
            limits = parse_quality_limits(row["quality_limits"])
        except QualityError as exc:
            yield Finding(f, row.line, "quality_limits", str(exc))
            limits = ()
        for limit in limits:
            if known and limit.key not in known:
                yield Finding(
                    f,
                    row.line,
                    "quality_limits",
                    f"parameter '{limit.parameter}' is not in {QUALITY_PARAMETERS}",
                )
        if row["confidence"] not in CONFIDENCES:
            yield Finding(
                f,
                row.line,
                "confidence",
                f"'{row['confidence']}' is not one of {list(CONFIDENCES)}",
            )
        for column in ("treatment_vi", "treatment_en", "example"):
            if not row[column]:
                yield Finding(f, row.line, column, "must not be empty")


@check
def substitution_rules_cover_c3(cat: Catalog) -> Iterator[Finding]:
    if SUBSTITUTIONS not in cat.files():
        return
    pairs = {(r["supply_material"], r["demand_material"]) for r in cat.rows(SUBSTITUTIONS)}
    for supply, demands in C3_PAIRS:
        if not any((supply, d) in pairs for d in demands):
            yield Finding(
                SUBSTITUTIONS,
                0,
                "supply_material",
                f"no rule for the C3 exchange {supply} → {' or '.join(sorted(demands))}",
            )


@check
def rule_materials_have_accounting_factors(cat: Catalog) -> Iterator[Finding]:
    if SUBSTITUTIONS not in cat.files() or MATERIAL_FACTORS not in cat.files():
        return
    have = {(r["material"], r["parameter"]) for r in cat.rows(MATERIAL_FACTORS)}
    materials = _raw_materials(cat)
    energy = {c.value for c in ENERGY_CLASSES}
    for row in cat.rows(SUBSTITUTIONS):
        wanted: list[tuple[str, str, str]] = [
            ("supply_material", row["supply_material"], p) for p in SUPPLY_PARAMETERS
        ]
        if row["kind"] != "treatment":
            wanted += [("demand_material", row["demand_material"], p) for p in DEMAND_PARAMETERS]
        for column, code in (
            ("supply_material", row["supply_material"]),
            ("demand_material", row["demand_material"]),
        ):
            cls = materials[code]["class"] if code in materials else ""
            if cls in energy:
                wanted.append((column, code, "energy_content_mwh_per_unit"))
            if cls == MaterialClass.WATER.value:
                wanted.append((column, code, "water_m3_per_unit"))
        for column, code, parameter in wanted:
            if (code, parameter) not in have:
                yield Finding(
                    SUBSTITUTIONS,
                    row.line,
                    column,
                    f"{MATERIAL_FACTORS} has no {parameter} for '{code}'",
                )


@check
def quality_parameters_are_well_formed(cat: Catalog) -> Iterator[Finding]:
    if (missing := _missing(cat, QUALITY_PARAMETERS)) is not None:
        yield missing
        return
    owner: dict[str, tuple[str, int]] = {}
    for row in cat.rows(QUALITY_PARAMETERS):
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", row["code"]):
            yield Finding(QUALITY_PARAMETERS, row.line, "code", "use letters, digits and '_'")
        for name in (row["code"], *row["aliases"].split(";")):
            key = parameter_key(name)
            if not key:
                continue
            if key in owner and owner[key][0] != row["code"]:
                yield Finding(
                    QUALITY_PARAMETERS,
                    row.line,
                    "aliases",
                    f"'{name.strip()}' already names '{owner[key][0]}' (line {owner[key][1]})",
                )
            owner.setdefault(key, (row["code"], row.line))


@check
def distance_limits_are_well_formed(cat: Catalog) -> Iterator[Finding]:
    if (missing := _missing(cat, DISTANCE_LIMITS)) is not None:
        yield missing
        return
    seen: dict[tuple[str, str], int] = {}
    for row in cat.rows(DISTANCE_LIMITS):
        key = (row["material_class"], row["mode"])
        if row["material_class"] not in MaterialClass.values():
            yield Finding(
                DISTANCE_LIMITS,
                row.line,
                "material_class",
                f"unknown class '{row['material_class']}'",
            )
        if row["mode"] and row["mode"] not in TransportMode.values():
            yield Finding(
                DISTANCE_LIMITS,
                row.line,
                "mode",
                f"'{row['mode']}' is not one of {TransportMode.values()}",
            )
        if (problem := _bad_number(row, "max_distance_km", positive=True)) is not None:
            yield Finding(DISTANCE_LIMITS, row.line, "max_distance_km", problem)
        if key in seen:
            yield Finding(
                DISTANCE_LIMITS, row.line, "mode", f"class and mode repeat line {seen[key]}"
            )
        seen[key] = row.line
        if not row["rationale"]:
            yield Finding(DISTANCE_LIMITS, row.line, "rationale", "say why")
    for cls in MaterialClass.values():
        if (cls, "") not in seen:
            yield Finding(
                DISTANCE_LIMITS,
                0,
                "material_class",
                f"no default row (blank mode) for class '{cls}'",
            )


@check
def material_factors_are_well_formed(cat: Catalog) -> Iterator[Finding]:
    if (missing := _missing(cat, MATERIAL_FACTORS)) is not None:
        yield missing
        return
    materials = _raw_materials(cat)
    seen: dict[tuple[str, str, str], int] = {}
    for row in cat.rows(MATERIAL_FACTORS):
        f = MATERIAL_FACTORS
        m = materials.get(row["material"])
        if m is None:
            yield Finding(
                f, row.line, "material", f"no material '{row['material']}' in materials.csv"
            )
        head = PARAMETERS.get(row["parameter"])
        if head is None:
            yield Finding(
                f, row.line, "parameter", f"'{row['parameter']}' is not one of {sorted(PARAMETERS)}"
            )
        elif m is not None and row["unit"] != f"{head}/{m['canonical_unit']}":
            yield Finding(
                f,
                row.line,
                "unit",
                f"write '{head}/{m['canonical_unit']}' (per canonical unit of the material)",
            )
        if (problem := _bad_number(row, "value", minimum=0)) is not None:
            yield Finding(f, row.line, "value", problem)
        if row["year"] and not re.fullmatch(r"(19|20)\d\d", row["year"]):
            yield Finding(f, row.line, "year", f"'{row['year']}' is not a year")
        key = (row["material"], row["parameter"], row["year"])
        if key in seen:
            yield Finding(
                f, row.line, "parameter", f"material, parameter and year repeat line {seen[key]}"
            )
        seen[key] = row.line


@check
def transport_factors_are_well_formed(cat: Catalog) -> Iterator[Finding]:
    if (missing := _missing(cat, TRANSPORT_FACTORS)) is not None:
        yield missing
        return
    f = TRANSPORT_FACTORS
    defaults: dict[str, int] = {}
    seen: dict[str, int] = {}
    try:
        kg_per_litre: float | None = diesel_road_kg_co2e_per_litre(cat)
    except (KeyError, ValueError):
        kg_per_litre = None
    for row in cat.rows(f):
        if row["id"] in seen:
            yield Finding(f, row.line, "id", f"'{row['id']}' repeats line {seen[row['id']]}")
        seen[row["id"]] = row.line
        if row["mode"] not in TransportMode.values():
            yield Finding(
                f, row.line, "mode", f"'{row['mode']}' is not one of {TransportMode.values()}"
            )
        if row["default"] not in ("true", "false"):
            yield Finding(f, row.line, "default", "write true or false")
        elif row["default"] == "true":
            if row["mode"] in defaults:
                yield Finding(
                    f,
                    row.line,
                    "default",
                    f"mode '{row['mode']}' already has a default (line {defaults[row['mode']]})",
                )
            defaults[row["mode"]] = row.line
        if (problem := _bad_number(row, "value", minimum=0)) is not None:
            yield Finding(f, row.line, "value", problem)
            continue
        if not re.fullmatch(r"(t_CO2e|MWh)/(t|m3|MWh|Nm3|t_steam)\.km", row["unit"]):
            yield Finding(f, row.line, "unit", "write t_CO2e/<unit>.km or MWh/<unit>.km")
        if row["fuel_l_per_km"]:
            problems = [
                (c, p)
                for c in ("fuel_l_per_km", "payload_t", "load_factor")
                if (p := _bad_number(row, c, positive=True)) is not None
            ]
            for column, problem in problems:
                yield Finding(f, row.line, column, problem)
            if problems:
                continue
            if kg_per_litre is None:
                yield Finding(
                    f, row.line, "value", "emission_factors.csv lacks the diesel rows to check it"
                )
                continue
            expected = (
                float(row["fuel_l_per_km"])
                * kg_per_litre
                / (float(row["payload_t"]) * float(row["load_factor"]))
                / 1000
            )
            if abs(float(row["value"]) - expected) > 0.005 * expected:
                yield Finding(
                    f,
                    row.line,
                    "value",
                    f"{row['value']} does not follow from its inputs and "
                    f"emission_factors.csv ({expected:.4g})",
                )
    for mode in sorted({r["mode"] for r in cat.rows(f)} - set(defaults)):
        yield Finding(f, 0, "default", f"mode '{mode}' has no default row")
