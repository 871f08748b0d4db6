"""Scoring: each indicator against its threshold, criteria from their indicators, the
overall rate from the criteria, and the gaps with what would close them.

Verdicts: ``met`` when the threshold holds (compared exactly); ``partly_met`` with a score
of value / threshold (capped at 100 %) when a positive value falls short of a ``>=``
threshold; ``not_met`` otherwise; ``no_data`` when neither the data nor evidence give a
value; ``not_judged`` when the threshold was not found (left out of scores).
A criterion scores the mean (or the minimum, if its rule says so) of its judged
indicators; inside a criterion that has data, an indicator without data scores 0 (the
criterion asks for all of them) and the criterion says how many of its indicators have
data. A criterion none of whose indicators has data is ``no_data`` with no score: it is
left out of the overall rate, never counted as zero. The overall rate is the plain mean
of the counted criteria that have data, and the result states its coverage: how many of
the counted criteria it rests on and which have no data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from parkloop.assessment import indicators as registry
from parkloop.assessment.facts import (
    EnterpriseScope,
    EvidenceRecord,
    ParkFacts,
    latest_evidence,
)
from parkloop.assessment.indicators import HUNDRED, Observation, Share, Used
from parkloop.assessment.loader import CRITERIA_MET, Library
from parkloop.assessment.model import (
    Basis,
    Criterion,
    IndicatorDef,
    IndicatorRef,
    Level,
    RuleSet,
    Threshold,
    Unit,
    Verdict,
)
from parkloop.assessment.result import (
    Assessment,
    CriterionResult,
    Gap,
    GapUnit,
    IndicatorResult,
    MonitoringResult,
    Value,
)
from parkloop.errors import UserError, Word, msg

YES = frozenset({"yes", "y", "true", "1", "có", "co", "đạt", "dat", "x"})
NO = frozenset({"no", "n", "false", "0", "không", "khong", "chưa", "chua", "chưa đạt"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """A value for an indicator and where it came from, before any threshold."""

    value: Value | None
    basis: Basis
    status: str
    input_statuses: dict[str, int] = field(default_factory=dict)
    used: tuple[Used, ...] = ()
    evidence: EvidenceRecord | None = None
    share: Share | None = None
    capped: bool = False
    problem: str = ""


NOTHING = Found(value=None, basis=Basis.NONE, status="")


# -- values --------------------------------------------------------------------------------


def evidence_value(record: EvidenceRecord, unit: Unit) -> tuple[Value | None, str]:
    """The value an evidence record gives for an indicator of ``unit``, or why it gives none."""
    text = " ".join(record.value_text.split()).casefold()
    if unit is Unit.BOOLEAN:
        if text in YES:
            return True, ""
        if text in NO:
            return False, ""
        if not text and record.value is not None and record.value in (0, 1):
            return record.value == 1, ""
        return None, f"'{record.value_text}' is not yes or no"
    if unit is Unit.TEXT:
        if record.value_text:
            return record.value_text, ""
        return None, "no text value"
    if record.value is not None:
        return record.value, ""
    try:
        return Fraction(text.replace(",", ".").rstrip("%").strip()), ""
    except (ValueError, ZeroDivisionError):
        return None, "no numeric value"


def from_observation(obs: Observation) -> Found:
    return Found(
        value=obs.value,
        basis=Basis.COMPUTED,
        status="derived",
        input_statuses=obs.statuses,
        used=obs.used,
        share=obs.share,
        capped=obs.capped,
    )


def from_evidence(record: EvidenceRecord, unit: Unit) -> Found:
    value, problem = evidence_value(record, unit)
    return Found(
        value=value,
        basis=Basis.EVIDENCE if record.has_file else Basis.MANUAL,
        status=record.data_status,
        input_statuses={record.data_status: 1},
        used=(Used("evidence", 1, f"#{record.id} of {record.year}"),),
        evidence=record,
        problem=f"evidence #{record.id}: {problem}" if problem else "",
    )


# -- judging -------------------------------------------------------------------------------


def judge(value: Value | None, threshold: Threshold | None) -> tuple[Verdict, Fraction | None]:
    """Verdict and score (0-100) of a value against a threshold, compared exactly."""
    if threshold is None:
        return (Verdict.NOT_JUDGED, None)
    if value is None:
        return (Verdict.NO_DATA, Fraction(0))
    if isinstance(threshold.value, bool) or isinstance(value, (bool, str)):
        met = value == threshold.value
        return (Verdict.MET, HUNDRED) if met else (Verdict.NOT_MET, Fraction(0))
    target = threshold.value
    if threshold.op == "==":
        return (Verdict.MET, HUNDRED) if value == target else (Verdict.NOT_MET, Fraction(0))
    if value >= target:
        return (Verdict.MET, HUNDRED)
    if value <= 0 or target <= 0:
        return (Verdict.NOT_MET, Fraction(0))
    return (Verdict.PARTLY_MET, min(value / target * HUNDRED, HUNDRED))


def combine(scores: list[Fraction], how: str) -> Fraction:
    if how == "min":
        return min(scores)
    return sum(scores, Fraction(0)) / len(scores)


def criterion_verdict(results: Iterable[IndicatorResult], score: Fraction) -> Verdict:
    verdicts = [r.verdict for r in results if r.verdict is not Verdict.NOT_JUDGED]
    if all(v is Verdict.MET for v in verdicts):
        return Verdict.MET
    if all(v is Verdict.NO_DATA for v in verdicts):
        return Verdict.NO_DATA
    if score == 0:
        return Verdict.NOT_MET
    return Verdict.PARTLY_MET


# -- gaps ----------------------------------------------------------------------------------

_SHARE_UNITS = {
    "enterprises": GapUnit.ENTERPRISES,
    "ha": GapUnit.HA,
    "m3": GapUnit.M3,
    "t": GapUnit.T,
    "criteria": GapUnit.CRITERIA,
}
_UNITS = {
    Unit.PERCENT: GapUnit.POINTS,
    Unit.COUNT: GapUnit.COUNT,
    Unit.YEARS: GapUnit.YEARS,
    Unit.M3_PER_DAY: GapUnit.CAPACITY,
}


def shortfall(result: IndicatorResult) -> tuple[GapUnit, Fraction, Fraction | None] | None:
    """How much more is needed to reach a ``>=`` threshold, in the units counted."""
    t = result.use.threshold
    value = result.value
    if t is None or t.op != ">=" or isinstance(t.value, bool):
        return None
    if value is None or isinstance(value, (bool, str)):
        return None
    share = result.share
    if share is not None and share.of in _SHARE_UNITS:
        needed = t.value / HUNDRED * share.whole
        if share.of in ("enterprises", "criteria"):
            needed = Fraction(math.ceil(needed))
        return (_SHARE_UNITS[share.of], needed - share.part, share.whole)
    unit = _UNITS.get(result.definition.unit)
    if unit is None:
        return None
    return (unit, t.value - value, None)


def gap_for(result: IndicatorResult, criterion: Criterion, command: str) -> Gap | None:
    if result.verdict in (Verdict.MET, Verdict.NOT_JUDGED):
        return None
    d = result.definition
    found = shortfall(result) if result.verdict is not Verdict.NO_DATA else None
    return Gap(
        criterion_id=criterion.id,
        indicator_id=d.id,
        verdict=result.verdict,
        counts=criterion.counts,
        unit=None if found is None else found[0],
        shortfall=None if found is None else found[1],
        whole=None if found is None else found[2],
        hint_vi=d.hint_vi,
        hint_en=d.hint_en,
        action_vi=result.use.action_vi,
        action_en=result.use.action_en,
        evidence_command=command if d.id != CRITERIA_MET else "",
    )


# -- running an assessment -----------------------------------------------------------------


def _found(obs: Observation | None, record: EvidenceRecord | None, unit: Unit) -> Found:
    """Computed from data where it can be, otherwise from evidence, otherwise nothing."""
    if obs is not None:
        return from_observation(obs)
    if record is not None:
        return from_evidence(record, unit)
    return NOTHING


def _result(use: IndicatorRef, definition: IndicatorDef, found: Found) -> IndicatorResult:
    threshold = use.threshold
    verdict, score = judge(found.value, threshold)
    return IndicatorResult(
        use=use,
        definition=definition,
        value=found.value,
        verdict=verdict,
        score=score,
        basis=found.basis,
        status=found.status,
        input_statuses=found.input_statuses,
        used=found.used,
        evidence=found.evidence,
        share=found.share,
        capped=found.capped,
        problem=found.problem,
    )


def _from_criteria(use: IndicatorRef, done: dict[str, CriterionResult]) -> Found:
    listed = [done[c] for c in use.criteria if c in done]
    met = [c.id for c in listed if c.verdict is Verdict.MET]
    if not listed:
        return NOTHING
    share = Share(part=Fraction(len(met)), whole=Fraction(len(listed)), of="criteria")
    others = [c.id for c in listed if c.id not in met]
    return Found(
        value=share.percent,
        basis=Basis.CRITERIA,
        status="derived",
        used=(
            Used(
                "criteria",
                len(listed),
                f"met: {', '.join(met) or '—'}; not met: {', '.join(others) or '—'}",
            ),
        ),
        share=share,
    )


def _score_criterion(criterion: Criterion, results: tuple[IndicatorResult, ...]) -> CriterionResult:
    judged = [r for r in results if r.verdict is not Verdict.NOT_JUDGED]
    if not judged:
        return CriterionResult(
            criterion=criterion, score=None, verdict=Verdict.NOT_JUDGED, indicators=results
        )
    if all(r.verdict is Verdict.NO_DATA for r in judged):
        return CriterionResult(
            criterion=criterion, score=None, verdict=Verdict.NO_DATA, indicators=results
        )
    score = combine([r.score for r in judged if r.score is not None], criterion.combine)
    return CriterionResult(
        criterion=criterion,
        score=score,
        verdict=criterion_verdict(results, score),
        indicators=results,
    )


def run(
    ruleset: RuleSet,
    level: Level,
    lib: Library,
    *,
    park_code: str,
    org_code: str | None,
    year: int,
    find: Callable[[IndicatorDef], Found],
) -> Assessment:
    criteria = ruleset.criteria_for(level)
    if not criteria:
        levels = ", ".join(lv.value for lv in ruleset.levels)
        raise UserError(
            msg(
                "rule set '{id}' has no {level} criteria (it covers: {levels})",
                id=str(ruleset.id),
                level=Word(level.value),
                levels=levels,
            )
        )

    def command(definition: IndicatorDef) -> str:
        owner = f"--park {park_code}"
        if org_code is not None and definition.level is Level.ENTERPRISE:
            owner += f" --enterprise {org_code}"
        return (
            f"parkloop evidence add {owner} --indicator {definition.id} --year {year} "
            "--file FILE --note TEXT"
        )

    done: dict[str, CriterionResult] = {}
    ordered = sorted(criteria, key=lambda c: any(u.ref == CRITERIA_MET for u in c.indicators))
    for criterion in ordered:
        results = []
        for use in criterion.indicators:
            definition = lib.indicators[use.ref]
            if use.ref == CRITERIA_MET:
                results.append(_result(use, definition, _from_criteria(use, done)))
            else:
                results.append(_result(use, definition, find(definition)))
        done[criterion.id] = _score_criterion(criterion, tuple(results))

    scored = tuple(done[c.id] for c in criteria)
    counted = [c.score for c in scored if c.criterion.counts and c.score is not None]
    overall = sum(counted, Fraction(0)) / len(counted) if counted else None
    gaps = tuple(
        gap
        for c in sorted(scored, key=lambda c: not c.criterion.counts)
        for r in c.indicators
        if (gap := gap_for(r, c.criterion, command(r.definition))) is not None
    )
    monitoring = tuple(
        MonitoringResult(
            item=item,
            result=_result(
                IndicatorRef(ref=item.ref, threshold=None),
                lib.indicators[item.ref],
                find(lib.indicators[item.ref]),
            ),
        )
        for item in ruleset.monitoring
        if level is Level.PARK
    )
    return Assessment(
        ruleset=ruleset,
        level=level,
        park_code=park_code,
        org_code=org_code,
        year=year,
        criteria=scored,
        monitoring=monitoring,
        overall=overall,
        gaps=gaps,
    )


def assess_park(ruleset: RuleSet, facts: ParkFacts, lib: Library) -> Assessment:
    """Assess a park on the park criteria of ``ruleset``."""
    park_level = [e for e in facts.evidence if e.org_code is None]

    def find(definition: IndicatorDef) -> Found:
        fn = registry.PARK.get(definition.id) if definition.computed else None
        return _found(
            fn(facts) if fn is not None else None,
            latest_evidence(park_level, definition.id, facts.year),
            definition.unit,
        )

    return run(
        ruleset,
        Level.PARK,
        lib,
        park_code=facts.park_code,
        org_code=None,
        year=facts.year,
        find=find,
    )


def assess_enterprise(ruleset: RuleSet, scope: EnterpriseScope, lib: Library) -> Assessment:
    """An eco-enterprise self-assessment: one enterprise's own data and evidence only."""

    def find(definition: IndicatorDef) -> Found:
        fn = None
        if definition.computed and definition.level is Level.ENTERPRISE:
            fn = registry.ENTERPRISE.get(definition.id)
        records = scope.park_evidence if definition.level is Level.PARK else scope.evidence
        return _found(
            fn(scope) if fn is not None else None,
            latest_evidence(records, definition.id, scope.year),
            definition.unit,
        )

    return run(
        ruleset,
        Level.ENTERPRISE,
        lib,
        park_code=scope.park_code,
        org_code=scope.enterprise.code,
        year=scope.year,
        find=find,
    )
