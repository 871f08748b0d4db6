"""What an assessment returns: per indicator, per criterion, overall, and the gaps.

``Assessment.to_dict()`` is the JSON shape the CLI prints, the store saves and the dossier
renders. Exact fractions become numbers rounded for reading; shares keep their two parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from parkloop.assessment.facts import EvidenceRecord
from parkloop.assessment.indicators import Share, Used
from parkloop.assessment.model import (
    Basis,
    Cited,
    Criterion,
    IndicatorDef,
    IndicatorRef,
    Level,
    MonitoringItem,
    RuleSet,
    Threshold,
    Unit,
    Verdict,
    figure,
    format_number,
)
from parkloop.domain.enums import LabelledEnum

Value = Fraction | bool | str


class GapUnit(LabelledEnum):
    ENTERPRISES = ("enterprises", "doanh nghiệp", "enterprises")
    HA = ("ha", "ha", "ha")
    M3 = ("m3", "m³", "m³")
    T = ("t", "tấn", "t")
    CRITERIA = ("criteria", "tiêu chí", "criteria")
    COUNT = ("count", "đơn vị", "units")
    POINTS = ("percent", "điểm phần trăm", "percentage points")
    YEARS = ("years", "năm", "years")
    CAPACITY = ("m3_per_day", "m³/ngày", "m³/day")


def round_half_up(value: Fraction, decimals: int) -> Fraction:
    scale = 10**decimals
    scaled = value * scale
    return Fraction(
        int(scaled + Fraction(1, 2)) if scaled >= 0 else -int(-scaled + Fraction(1, 2)), scale
    )


def number(value: Fraction, decimals: int = 2) -> int | float:
    """A fraction as a JSON number: an int when whole, else rounded half-up."""
    rounded = round_half_up(value, decimals)
    if rounded.denominator == 1:
        return rounded.numerator
    return float(rounded)


def display(value: Value | None, unit: Unit, lang: str = "en") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    if isinstance(value, str):
        return value
    return figure(value, unit, lang)


def cited_dict(c: Cited) -> dict[str, Any]:
    return {"status": c.status, "source": c.source, "unverified": c.unverified}


def threshold_dict(t: Threshold, unit: Unit) -> dict[str, Any]:
    value: Any = t.value if isinstance(t.value, bool) else number(t.value, 4)
    return {"op": t.op, "value": value, "text": t.describe(unit), **cited_dict(t.cited)}


def value_json(value: Value | None) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    return number(value, 4)


def evidence_dict(e: EvidenceRecord) -> dict[str, Any]:
    return {
        "id": e.id,
        "year": e.year,
        "file": e.file_name,
        "sha256": e.file_sha256,
        "note": e.note,
        "confirmed_by": e.confirmed_by,
        "confirmed_on": e.confirmed_on.isoformat() if isinstance(e.confirmed_on, date) else None,
        "data_status": e.data_status,
        "source": e.source,
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    """What stands between an indicator and its threshold, and what would close it."""

    criterion_id: str
    indicator_id: str
    verdict: Verdict
    counts: bool
    unit: GapUnit | None = None
    shortfall: Fraction | None = None
    whole: Fraction | None = None
    hint_vi: str = ""
    hint_en: str = ""
    action_vi: str = ""
    action_en: str = ""
    evidence_command: str = ""

    def text(self, lang: str) -> str:
        vi = lang == "vi"
        parts: list[str] = []
        if self.verdict is Verdict.NO_DATA:
            parts.append("Chưa có dữ liệu" if vi else "No data")
            hint = self.hint_vi if vi else self.hint_en
            if hint:
                parts.append(hint)
            if self.evidence_command:
                lead = ("hoặc " if vi else "or ") if hint else ""
                parts.append(
                    lead
                    + ("bổ sung minh chứng: " if vi else "add evidence: ")
                    + self.evidence_command
                )
        elif self.shortfall is not None and self.unit is not None:
            amount = format_number(self.shortfall)
            label = self.unit.label(lang)
            if self.unit is GapUnit.ENTERPRISES and self.whole is not None:
                whole = format_number(self.whole)
                parts.append(
                    f"Cần thêm {amount} trên {whole} {label}"
                    if vi
                    else f"{amount} more of the {whole} {label} needed"
                )
            else:
                text = amount if self.unit is GapUnit.COUNT else f"{amount} {label}"
                parts.append(f"Cần thêm {text}" if vi else f"{text} more needed")
        elif self.verdict is not Verdict.MET:
            parts.append("Chưa đáp ứng" if vi else "Not yet in place")
        action = self.action_vi if vi else self.action_en
        if action:
            parts.append(action)
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion_id,
            "indicator": self.indicator_id,
            "verdict": self.verdict.value,
            "counts": self.counts,
            "shortfall": None if self.shortfall is None else number(self.shortfall, 4),
            "shortfall_unit": None if self.unit is None else self.unit.value,
            "text": {"vi": self.text("vi"), "en": self.text("en")},
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class IndicatorResult:
    use: IndicatorRef
    definition: IndicatorDef
    value: Value | None
    verdict: Verdict
    score: Fraction | None
    basis: Basis
    status: str
    input_statuses: dict[str, int]
    used: tuple[Used, ...] = ()
    evidence: EvidenceRecord | None = None
    share: Share | None = None
    capped: bool = False
    problem: str = ""

    @property
    def id(self) -> str:
        return self.definition.id

    def value_text(self, lang: str = "en") -> str:
        return display(self.value, self.definition.unit, lang)

    def to_dict(self) -> dict[str, Any]:
        d = self.definition
        t = self.use.threshold
        return {
            "id": d.id,
            "code": self.use.code,
            "title": {"vi": d.title_vi, "en": d.title_en},
            "unit": d.unit.value,
            "value": value_json(self.value),
            "value_text": {"vi": self.value_text("vi"), "en": self.value_text("en")},
            "threshold": None if t is None else threshold_dict(t, d.unit),
            "threshold_missing": None
            if self.use.threshold_missing is None
            else cited_dict(self.use.threshold_missing),
            "verdict": self.verdict.value,
            "score_percent": None if self.score is None else number(self.score),
            "basis": self.basis.value,
            "status": self.status,
            "input_statuses": self.input_statuses,
            "data_used": [
                {"table": u.table, "rows": u.rows, "detail": u.detail} for u in self.used
            ],
            "evidence": None if self.evidence is None else evidence_dict(self.evidence),
            "share": None
            if self.share is None
            else {
                "part": number(self.share.part, 4),
                "whole": number(self.share.whole, 4),
                "of": self.share.of,
            },
            "capped": self.capped,
            "problem": self.problem,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CriterionResult:
    criterion: Criterion
    score: Fraction | None
    verdict: Verdict
    indicators: tuple[IndicatorResult, ...]

    @property
    def id(self) -> str:
        return self.criterion.id

    @property
    def judged(self) -> list[IndicatorResult]:
        """Its indicators that have a threshold to be judged against."""
        return [r for r in self.indicators if r.verdict is not Verdict.NOT_JUDGED]

    @property
    def with_data(self) -> list[IndicatorResult]:
        """Its judged indicators that have a value (the others score 0 in it)."""
        return [r for r in self.judged if r.verdict is not Verdict.NO_DATA]

    @property
    def unverified(self) -> bool:
        c = self.criterion
        return (
            c.cited.unverified
            or any(s.cited.unverified for s in c.subcategories)
            or any(
                r.use.threshold is not None and r.use.threshold.cited.unverified
                for r in self.indicators
            )
        )

    def to_dict(self) -> dict[str, Any]:
        c = self.criterion
        return {
            "id": c.id,
            "group": c.group,
            "title": {"vi": c.title_vi, "en": c.title_en},
            "text": {"vi": c.text_vi, "en": c.text_en},
            "note": {"vi": c.note_vi, "en": c.note_en},
            **cited_dict(c.cited),
            "unverified": self.unverified,
            "from_ruleset": c.from_ruleset or None,
            "counts": c.counts,
            "combine": c.combine,
            "score_percent": None if self.score is None else number(self.score),
            "verdict": self.verdict.value,
            "indicators_with_data": len(self.with_data),
            "indicators_judged": len(self.judged),
            "subcategories": [
                {"title": {"vi": s.title_vi, "en": s.title_en}, **cited_dict(s.cited)}
                for s in c.subcategories
            ],
            "indicators": [r.to_dict() for r in self.indicators],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitoringResult:
    item: MonitoringItem
    result: IndicatorResult

    def to_dict(self) -> dict[str, Any]:
        r = self.item.reported
        d = self.result.to_dict()
        for key in ("threshold", "threshold_missing", "verdict", "score_percent"):
            d.pop(key)
        d["row"] = self.item.row
        if self.item.title_vi or self.item.title_en:
            d["title"] = {
                "vi": self.item.title_vi or d["title"]["vi"],
                "en": self.item.title_en or d["title"]["en"],
            }
        d["reported"] = (
            None
            if r is None
            else {
                "text": r.text,
                "value": None if r.value is None else number(r.value, 4),
                **cited_dict(r.cited),
            }
        )
        return d


@dataclass(frozen=True, slots=True, kw_only=True)
class Coverage:
    """How much of an assessment's overall rate rests on data: its counted criteria with
    data (the rate is their mean), without data (left out, never counted as zero) and not
    judged (no threshold found in the source)."""

    criteria: int
    with_data: tuple[str, ...]
    no_data: tuple[str, ...]
    not_judged: tuple[str, ...]

    def text(self, overall: int | float | None, lang: str = "en") -> str:
        """'rate 100% over 1 of 8 criteria; 7 without data (1, 2, 4, 5, 6, 7, 8)'."""
        vi = lang == "vi"
        n, k = self.criteria, len(self.with_data)
        if overall is None:
            head = (
                f"chưa có tỷ lệ: không tiêu chí nào trong {n} tiêu chí có dữ liệu"
                if vi
                else f"no rate: none of the {n} criteria has data"
            )
        else:
            rate = figure(overall, Unit.PERCENT, lang)
            head = (
                f"tỷ lệ {rate} tính trên {k}/{n} tiêu chí"
                if vi
                else f"rate {rate} over {k} of {n} criteria"
            )
        parts = [head]
        if self.no_data and overall is not None:
            ids = ", ".join(self.no_data)
            parts.append(
                f"{len(self.no_data)} tiêu chí chưa có dữ liệu ({ids})"
                if vi
                else f"{len(self.no_data)} without data ({ids})"
            )
        if self.not_judged:
            ids = ", ".join(self.not_judged)
            parts.append(
                f"{len(self.not_judged)} tiêu chí không chấm được vì không tìm thấy ngưỡng ({ids})"
                if vi
                else f"{len(self.not_judged)} not judged, their threshold not found ({ids})"
            )
        return "; ".join(parts)

    def to_dict(self, overall: int | float | None) -> dict[str, Any]:
        return {
            "criteria": self.criteria,
            "with_data": list(self.with_data),
            "no_data": list(self.no_data),
            "not_judged": list(self.not_judged),
            "text": {"vi": self.text(overall, "vi"), "en": self.text(overall, "en")},
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    ruleset: RuleSet
    level: Level
    park_code: str
    org_code: str | None
    year: int
    criteria: tuple[CriterionResult, ...]
    monitoring: tuple[MonitoringResult, ...]
    overall: Fraction | None
    gaps: tuple[Gap, ...]

    @property
    def counted(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.criterion.counts and c.score is not None]

    @property
    def coverage(self) -> Coverage:
        counts = [c for c in self.criteria if c.criterion.counts]
        return Coverage(
            criteria=len(counts),
            with_data=tuple(c.id for c in counts if c.score is not None),
            no_data=tuple(c.id for c in counts if c.verdict is Verdict.NO_DATA),
            not_judged=tuple(c.id for c in counts if c.verdict is Verdict.NOT_JUDGED),
        )

    @property
    def overall_percent(self) -> int | float | None:
        if self.overall is None:
            return None
        return number(self.overall, self.ruleset.scoring.overall_decimals)

    def criterion(self, criterion_id: str) -> CriterionResult:
        return next(c for c in self.criteria if c.id == criterion_id)

    def to_dict(self) -> dict[str, Any]:
        rs = self.ruleset
        return {
            "ruleset": rs.id,
            "ruleset_version": rs.version,
            "ruleset_title": {"vi": rs.title_vi, "en": rs.title_en},
            "ruleset_document": rs.document,
            "ruleset_status": rs.cited.status,
            "ruleset_source": rs.cited.source,
            "level": self.level.value,
            "park": self.park_code,
            "enterprise": self.org_code,
            "year": self.year,
            "overall_percent": self.overall_percent,
            "overall_percent_exact": None if self.overall is None else number(self.overall, 4),
            "overall_method": {
                "rule": rs.scoring.overall,
                "decimals": rs.scoring.overall_decimals,
                "criteria_counted": len(self.counted),
                "criteria_no_data": len(self.coverage.no_data),
                **cited_dict(rs.scoring.cited),
            },
            "coverage": self.coverage.to_dict(self.overall_percent),
            "verdicts": _verdict_counts(self.counted),
            "criteria": [c.to_dict() for c in self.criteria],
            "monitoring": [m.to_dict() for m in self.monitoring],
            "gaps": [g.to_dict() for g in self.gaps],
        }


def _verdict_counts(criteria: list[CriterionResult]) -> dict[str, int]:
    counts = {v.value: 0 for v in Verdict}
    for c in criteria:
        counts[c.verdict.value] += 1
    return {k: n for k, n in counts.items() if n}
