"""An assessment as a page reads it: how much of it rests on data, each indicator with its
uses, gaps and evidence, evidence filed from an upload and handed back as a file, and the
park's RECP measures register.

Every check of who may see or file what is the one of :mod:`parkloop.services.evidence`,
:mod:`parkloop.services.assessment` and :mod:`parkloop.services.confidentiality`.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from parkloop.assessment import Level, RuleSet, Verdict, library
from parkloop.assessment.facts import EvidenceRecord
from parkloop.assessment.model import IndicatorDef, Unit
from parkloop.assessment.result import Assessment, CriterionResult, Gap, IndicatorResult
from parkloop.catalog import catalog
from parkloop.catalog.fuels import fuels
from parkloop.domain.enums import OrgKind
from parkloop.domain.permissions import Viewer, sees_everything_of, sees_park_records
from parkloop.errors import NotFound, UserError, msg
from parkloop.services import accounting, assessment, confidentiality, evidence, memo, registry
from parkloop.store import assessment as assessment_store
from parkloop.store import inventory

DEFAULT_RULESET = "decree-35-2022"
# What an evidence upload may be: documents, scans and tables, at most this large.
EVIDENCE_LIMIT = 20 * 1024 * 1024
EVIDENCE_SUFFIXES = (
    ".pdf",
    ".jpg",
    ".jpeg",
    ".png",
    ".tif",
    ".tiff",
    ".doc",
    ".docx",
    ".odt",
    ".xls",
    ".xlsx",
    ".ods",
    ".csv",
    ".txt",
)
RECP_FIGURES = (
    "electricity_saved_mwh",
    "fuel_saved_tj",
    "water_saved_m3",
    "materials_saved_t",
    "chemicals_saved_t",
    "co2e_t",
    "cost_saved_vnd",
    "investment_vnd",
)


def park_rulesets() -> list[RuleSet]:
    """Rule sets with criteria for a whole park."""
    return [r for r in assessment.rulesets() if Level.PARK in r.levels]


def ruleset_of(ruleset_id: str) -> RuleSet:
    found = library().rulesets.get(ruleset_id)
    if found is None:
        known = ", ".join(sorted(library().rulesets))
        raise NotFound(
            msg(
                "no rule set '{ruleset_id}'; known rule sets: {known}",
                ruleset_id=str(ruleset_id),
                known=known,
            )
        )
    return found


def indicator_of(indicator_id: str) -> IndicatorDef:
    found = library().indicators.get(indicator_id)
    if found is None:
        raise NotFound(
            msg(
                "no indicator '{indicator_id}' (see `parkloop rulesets list --indicators`)",
                indicator_id=str(indicator_id),
            )
        )
    return found


def indicator_in(ruleset_id: str, indicator_id: str) -> tuple[RuleSet, IndicatorDef]:
    """A rule set and one of its indicators (a criterion's or a monitoring one)."""
    ruleset = ruleset_of(ruleset_id)
    definition = indicator_of(indicator_id)
    used = any(use.ref == indicator_id for c in ruleset.criteria for use in c.indicators)
    if not used and not any(m.ref == indicator_id for m in ruleset.monitoring):
        raise NotFound(
            msg(
                "rule set '{ruleset_id}' does not use indicator '{indicator_id}'",
                ruleset_id=str(ruleset_id),
                indicator_id=str(indicator_id),
            )
        )
    return ruleset, definition


def coverage(a: Assessment) -> dict[str, int]:
    """How much of an assessment rests on data: criteria counted in the overall rate, those
    with data (the rate is their mean) and those without (left out of the rate, never
    counted as zero); indicators judged and those with no value."""
    counted = [c for c in a.criteria if c.criterion.counts]
    results = [r for c in counted for r in c.indicators]
    cov = a.coverage
    return {
        "criteria": cov.criteria,
        "criteria_scored": len(cov.with_data),
        "criteria_no_data": len(cov.no_data),
        "indicators": len(results),
        "indicators_with_value": len([r for r in results if r.value is not None]),
        "indicators_no_data": len([r for r in results if r.verdict is Verdict.NO_DATA]),
    }


def gap_texts(gaps: Sequence[Gap]) -> list[dict[str, Any]]:
    """The gaps with what would close them, in both languages; where evidence closes one,
    the page offers its upload form instead of the command line."""
    return [
        {
            "gap": g,
            "text": {
                lang: dataclasses.replace(g, evidence_command="").text(lang)
                for lang in ("vi", "en")
            },
            "evidence": bool(g.evidence_command),
        }
        for g in gaps
    ]


def park_assessment(
    engine: Engine, park_code: str, ruleset_id: str, year: int | None, viewer: Viewer
) -> dict[str, Any]:
    """The park's assessment on a rule set for a year, from the records ``viewer`` may see,
    not kept in the history; with its coverage and gaps. Computed once for the viewers
    who may see the same records (:func:`assessment.park_records_seen`) in the web
    application."""
    ruleset_of(ruleset_id)
    seen = assessment.park_records_seen(engine, park_code, year, viewer)
    return memo.alike(
        engine,
        ("park assessment", ruleset_id, seen),
        lambda: _park_assessment(engine, park_code, ruleset_id, seen[1], viewer),
    )


def _park_assessment(
    engine: Engine, park_code: str, ruleset_id: str, year: int, viewer: Viewer
) -> dict[str, Any]:
    report = assessment.assess_park(engine, park_code, ruleset_id, year, save=False, viewer=viewer)
    a = report.assessment
    summary = report.to_dict()
    return {
        "report": report,
        "assessment": a,
        "summary": summary,
        "coverage": coverage(a),
        "overall_share": None if a.overall_percent is None else a.overall_percent / 100,
        "verdicts": [
            {"verdict": v, "count": n}
            for v in Verdict
            if (n := summary["verdicts"].get(v.value, 0))
        ],
        "gaps": gap_texts(a.gaps),
        "titles": {
            g.indicator_id: {
                "vi": library().indicators[g.indicator_id].title("vi"),
                "en": library().indicators[g.indicator_id].title("en"),
            }
            for g in a.gaps
            if g.indicator_id in library().indicators
        },
    }


def keep_assessment(
    engine: Engine, park_code: str, ruleset_id: str, year: int | None, viewer: Viewer
) -> int:
    """Keep the park's assessment in its history (its operator or the administrator); the
    year kept."""
    ruleset_of(ruleset_id)
    report = assessment.assess_park(engine, park_code, ruleset_id, year, save=True, viewer=viewer)
    return report.assessment.year


def indicator_detail(
    engine: Engine,
    park_code: str,
    ruleset_id: str,
    indicator_id: str,
    year: int | None,
    viewer: Viewer,
) -> dict[str, Any]:
    """One indicator of a rule set in the park's assessment: each criterion using it with
    its result, its gaps, and the evidence of it ``viewer`` may see."""
    ruleset, definition = indicator_in(ruleset_id, indicator_id)
    uses_in_ruleset = [
        c for c in ruleset.criteria for use in c.indicators if use.ref == indicator_id
    ]
    found = (
        park_assessment(engine, park_code, ruleset_id, year, viewer)
        if (Level.PARK in ruleset.levels)
        else None
    )
    uses: list[tuple[CriterionResult, IndicatorResult]] = []
    monitoring: list[IndicatorResult] = []
    gaps: list[dict[str, Any]] = []
    the_year = year
    if found is not None:
        a: Assessment = found["assessment"]
        the_year = a.year
        uses = [(c, r) for c in a.criteria for r in c.indicators if r.id == indicator_id]
        monitoring = [m.result for m in a.monitoring if m.result.id == indicator_id]
        gaps = [g for g in found["gaps"] if g["gap"].indicator_id == indicator_id]
    return {
        "ruleset": ruleset,
        "definition": definition,
        "year": the_year,
        "uses": uses,
        "criteria": [c for c in uses_in_ruleset if c.applies_to is not Level.PARK],
        "monitoring": monitoring,
        "gaps": gaps,
        "evidence": indicator_evidence(engine, park_code, indicator_id, viewer),
        "names": {
            o.code: {"vi": o.display_name("vi"), "en": o.display_name("en")}
            for o in registry.organisations(engine, park_code)
        },
        "enterprises": evidence_enterprises(engine, park_code, viewer)
        if definition.level is Level.ENTERPRISE
        else [],
    }


def indicator_evidence(
    engine: Engine, park_code: str, indicator_id: str, viewer: Viewer
) -> list[EvidenceRecord]:
    """Evidence of one indicator in the park that ``viewer`` may see, newest year first."""
    records = evidence.list_evidence(engine, park_code, viewer=viewer)
    mine = [r for r in records if r.indicator_id == indicator_id]
    return sorted(mine, key=lambda r: (-r.year, -r.id))


def evidence_enterprises(engine: Engine, park_code: str, viewer: Viewer) -> list[Any]:
    """The enterprises whose evidence ``viewer`` may file: every one of the park for its
    operator and the administrator, its own for an enterprise, none for anyone else."""
    park = registry.require_park(engine, park_code)
    orgs = registry.organisations(engine, park_code, [OrgKind.ENTERPRISE])
    if park.id is not None and sees_everything_of(viewer, park.id):
        return orgs
    if viewer.org_id is not None:
        return [o for o in orgs if o.id == viewer.org_id]
    return []


def add_uploaded_evidence(
    engine: Engine,
    park_code: str,
    indicator_id: str,
    *,
    year: int,
    note: str,
    file_name: str,
    content: bytes | None,
    viewer: Viewer,
    org_code: str | None = None,
    value: float | None = None,
    value_text: str = "",
    confirmed_by: str = "",
    confirmed_on: date | None = None,
) -> int:
    """File evidence from an upload exactly as ``parkloop evidence add`` files it (the
    file's name, sha256 and bytes kept in the database; who may file is checked there).
    The upload's type and size are checked first."""
    indicator_of(indicator_id)
    if content is not None:
        name = Path(file_name or "").name
        if not name.lower().endswith(EVIDENCE_SUFFIXES):
            raise UserError(
                msg(
                    "'{name}': upload a document, a scan or a table ({items})",
                    name=name,
                    items=", ".join(s.lstrip(".") for s in EVIDENCE_SUFFIXES),
                )
            )
        if len(content) > EVIDENCE_LIMIT:
            raise UserError(
                msg(
                    "'{name}' is larger than {most} MB: upload a smaller scan or the part "
                    "that shows the evidence",
                    name=name,
                    most=EVIDENCE_LIMIT // (1024 * 1024),
                )
            )
        if not content:
            raise UserError(msg("'{name}' is empty", name=name))
    with tempfile.TemporaryDirectory(prefix="parkloop-evidence-") as folder:
        path = None
        if content is not None:
            path = Path(folder) / Path(file_name).name
            path.write_bytes(content)
        item = evidence.EvidenceInput(
            park_code=park_code,
            org_code=org_code or None,
            indicator_id=indicator_id,
            year=year,
            value=value,
            value_text=value_text,
            note=note,
            confirmed_by=confirmed_by,
            confirmed_on=confirmed_on,
            file=path,
        )
        return evidence.add_evidence(engine, item, viewer)


def evidence_download(
    engine: Engine, park_code: str, evidence_id: int, viewer: Viewer
) -> tuple[str, bytes]:
    """The file of one piece of evidence of the park, for those who may see the evidence."""
    shown = {r.id: r for r in evidence.list_evidence(engine, park_code, viewer=viewer)}
    record = shown.get(evidence_id)
    if record is None or not record.has_file:
        raise NotFound(
            msg(
                "no evidence file {evidence_id} in park '{park_code}' you may see",
                evidence_id=str(evidence_id),
                park_code=park_code,
            )
        )
    with engine.connect() as conn:
        name, content = assessment_store.evidence_file(conn, evidence_id)
    if content is None:
        raise NotFound(
            msg("the file of evidence {evidence_id} is not kept", evidence_id=str(evidence_id))
        )
    return name, content


def unit_inputs(definition: IndicatorDef) -> str:
    """Which value a piece of evidence of this indicator carries: yes/no, a number or text."""
    if definition.unit is Unit.BOOLEAN:
        return "boolean"
    if definition.unit is Unit.TEXT:
        return "text"
    return "number"


# -- the RECP measures register -------------------------------------------------------------------


def recp_register(
    engine: Engine, park_code: str, viewer: Viewer, year: int | None = None
) -> dict[str, Any]:
    """The park's RECP measures (records of the park), accounted as ``parkloop account``
    accounts them (CO2e by the grid factor of the year and the fuel's combustion factor,
    payback): listed one by one to those of the park; to others only the park's totals,
    each under the disclosure rule."""
    park = registry.require_park(engine, park_code)
    with engine.connect() as conn:
        measures = inventory.list_recp_measures(conn, park_code)
    years = sorted({m.year for m in measures}, reverse=True)
    chosen = year if year is not None else (years[0] if years else None)
    of_year = [m for m in measures if m.year == chosen]
    account = accounting.recp_of(measures, chosen) if chosen is not None else None
    total = account["programme"] if account else {}
    names = {
        o.code: {"vi": o.display_name("vi"), "en": o.display_name("en")}
        for o in registry.organisations(engine, park_code)
    }
    common = {
        "year": chosen,
        "years": years,
        "method": account["method"] if account else {},
        "arithmetic": total.get("arithmetic", {}),
        "fuels": account["factors"]["fuels"] if account else {},
        "grid": account["factors"]["grid"] if account else [],
        "fuel_by_type_tj": total.get("fuel_by_type_tj", {}),
        "fuel_without_type_tj": total.get("fuel_without_type_tj", 0.0),
        "payback_years": total.get("payback_years"),
        "fuel_names": {
            code: {"vi": f.name_vi, "en": f.name_en} for code, f in fuels(catalog()).items()
        },
    }
    if sees_park_records(viewer, park.id):
        accounted = {m["key"]: m for m in (account["measures"] if account else [])}
        return {
            **common,
            "measures": of_year,
            "accounted": accounted,
            "totals": {k: float(total.get(k, 0.0)) for k in RECP_FIGURES},
            "suppressed": {},
            "aggregate_only": False,
            "names": names,
        }
    totals_out: dict[str, float] = {}
    suppressed: dict[str, str] = {}
    firms = account["enterprises"] if account else []
    for k in RECP_FIGURES:
        by_firm = {e["enterprise"]: float(e[k]) for e in firms}
        shown, note = confidentiality.publish({k: sum(by_firm.values())}, by_firm)
        if shown is None:
            suppressed[k] = note
        else:
            totals_out[k] = shown[k]
    return {
        **common,
        "arithmetic": common["arithmetic"] if "co2e_t" in totals_out else {},
        "fuel_by_type_tj": common["fuel_by_type_tj"] if "fuel_saved_tj" in totals_out else {},
        "payback_years": common["payback_years"]
        if {"cost_saved_vnd", "investment_vnd"} <= set(totals_out)
        else None,
        "measures": [],
        "accounted": {},
        "totals": totals_out,
        "suppressed": suppressed,
        "aggregate_only": True,
        "names": {},
    }
