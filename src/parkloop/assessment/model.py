"""Rule sets as typed data: criteria, the indicators they use, thresholds, and where each
came from. Built from the YAML files in ``rulesets/`` by :mod:`parkloop.assessment.loader`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from parkloop import formats
from parkloop.domain.enums import LabelledEnum

# How sure a criterion, threshold or value is. ``seed`` is a figure or wording taken from
# one of the seed documents; ``derived`` is worked out here from other items.
STATUSES = ("read", "read_secondary", "seed", "derived", "recalled_unverified", "not_found")
UNVERIFIED = frozenset({"recalled_unverified"})


class Unit(StrEnum):
    PERCENT = "percent"
    COUNT = "count"
    BOOLEAN = "boolean"
    YEARS = "years"
    M3_PER_DAY = "m3_per_day"
    TEXT = "text"


UNIT_SYMBOLS: dict[Unit, str] = {
    Unit.PERCENT: "%",
    Unit.COUNT: "",
    Unit.BOOLEAN: "",
    Unit.YEARS: "yr",
    Unit.M3_PER_DAY: "m³/day",
    Unit.TEXT: "",
}


class Level(StrEnum):
    """Whom an indicator describes: the park as a whole, or one enterprise."""

    PARK = "park"
    ENTERPRISE = "enterprise"


class Verdict(LabelledEnum):
    MET = ("met", "đạt", "met")
    PARTLY_MET = ("partly_met", "đạt một phần", "partly met")
    NOT_MET = ("not_met", "chưa đạt", "not met")
    NO_DATA = ("no_data", "chưa có dữ liệu", "no data")
    NOT_JUDGED = ("not_judged", "không chấm điểm", "not judged")


class Basis(LabelledEnum):
    """Where an indicator's value came from."""

    COMPUTED = ("computed", "tính từ dữ liệu", "computed from data")
    EVIDENCE = ("evidence", "theo minh chứng", "evidence document")
    MANUAL = ("manual", "nhập tay có giải trình", "manual value with justification")
    CRITERIA = ("criteria", "tổng hợp từ các tiêu chí", "from other criteria")
    NONE = ("none", "không có", "none")


OPERATORS = (">=", "==")


@dataclass(frozen=True, slots=True)
class Cited:
    """A status and a source: what every criterion, threshold and definition carries."""

    status: str
    source: str

    @property
    def unverified(self) -> bool:
        return self.status in UNVERIFIED


@dataclass(frozen=True, slots=True, kw_only=True)
class Threshold:
    op: str
    value: Fraction | bool
    cited: Cited

    def describe(self, unit: Unit, lang: str = "en") -> str:
        if isinstance(self.value, bool):
            if lang == "vi":
                return "có" if self.value else "không"
            return "yes" if self.value else "no"
        return f"{self.op} {figure(self.value, unit, lang)}"


def figure(value: Fraction | int | float, unit: Unit, lang: str = "en") -> str:
    """A value of ``unit`` in the reader's style, with as many decimals as it needs (up to
    two): '12,5 %' and '1.250 t' in Vietnamese, '12.5%' and '1,250 t' in English."""
    shown = float(value)
    digits = next((d for d in (0, 1, 2) if round(shown, d) == round(shown, 4)), 2)
    symbol = UNIT_SYMBOLS[unit]
    if symbol == "%":
        return formats.percent(shown / 100, lang, digits)
    text = formats.number(shown, lang, digits)
    return f"{text} {symbol}" if symbol else text


@dataclass(frozen=True, slots=True, kw_only=True)
class IndicatorDef:
    """What an indicator measures. Computed ones also have a function in the registry."""

    id: str
    unit: Unit
    level: Level
    title_vi: str
    title_en: str
    hint_vi: str = ""
    hint_en: str = ""
    computed: bool = False
    defined_in: str = ""

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en

    def hint(self, lang: str) -> str:
        return self.hint_vi if lang == "vi" else self.hint_en


@dataclass(frozen=True, slots=True, kw_only=True)
class IndicatorRef:
    """One indicator as a criterion uses it: with the threshold it must reach."""

    ref: str
    threshold: Threshold | None
    threshold_missing: Cited | None = None
    action_vi: str = ""
    action_en: str = ""
    code: str = ""
    criteria: tuple[str, ...] = ()

    def action(self, lang: str) -> str:
        return self.action_vi if lang == "vi" else self.action_en


@dataclass(frozen=True, slots=True, kw_only=True)
class Subcategory:
    title_en: str
    cited: Cited
    title_vi: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    id: str
    applies_to: Level
    title_vi: str
    title_en: str
    cited: Cited
    indicators: tuple[IndicatorRef, ...]
    group: str = ""
    text_vi: str = ""
    text_en: str = ""
    note_vi: str = ""
    note_en: str = ""
    counts: bool = True
    combine: str = "mean"
    subcategories: tuple[Subcategory, ...] = ()
    from_ruleset: str = ""

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en

    def text(self, lang: str) -> str:
        return self.text_vi if lang == "vi" else self.text_en

    def note(self, lang: str) -> str:
        return self.note_vi if lang == "vi" else self.note_en


@dataclass(frozen=True, slots=True, kw_only=True)
class Reported:
    """A value a source reports for a monitoring indicator, shown beside ours."""

    text: str
    cited: Cited
    value: Fraction | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitoringItem:
    ref: str
    row: str = ""
    title_vi: str = ""
    title_en: str = ""
    reported: Reported | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    id: str
    title_vi: str
    title_en: str

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en


@dataclass(frozen=True, slots=True, kw_only=True)
class Scoring:
    overall: str = "mean"
    overall_decimals: int = 0
    cited: Cited = field(default_factory=lambda: Cited("derived", ""))


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSet:
    id: str
    version: int
    title_vi: str
    title_en: str
    document: str
    cited: Cited
    scoring: Scoring
    criteria: tuple[Criterion, ...]
    groups: tuple[Group, ...] = ()
    monitoring: tuple[MonitoringItem, ...] = ()
    note_vi: str = ""
    note_en: str = ""
    file: str = ""

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en

    def note(self, lang: str) -> str:
        return self.note_vi if lang == "vi" else self.note_en

    def criteria_for(self, level: Level) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.applies_to is level)

    @property
    def levels(self) -> tuple[Level, ...]:
        return tuple(lv for lv in Level if any(c.applies_to is lv for c in self.criteria))

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)

    @property
    def unverified_items(self) -> int:
        count = sum(1 for c in self.criteria if c.cited.unverified)
        for c in self.criteria:
            count += sum(1 for s in c.subcategories if s.cited.unverified)
            for ref in c.indicators:
                if ref.threshold is not None and ref.threshold.cited.unverified:
                    count += 1
        return count


def format_number(value: Fraction | int | float, decimals: int = 2) -> str:
    """A plain number for messages: integers without decimals, others to ``decimals``."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return str(value.numerator)
    if isinstance(value, int):
        return str(value)
    text = f"{float(value):.{decimals}f}".rstrip("0").rstrip(".")
    return text or "0"
