"""Assessment use cases: prove a park or one enterprise against a rule set, keep the result,
and say how it changed since the year before."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

from parkloop.assessment import Assessment, RuleSet, compare, library, scoring
from parkloop.assessment.model import Level
from parkloop.catalog import catalog
from parkloop.domain.enums import Confidentiality, OrgKind
from parkloop.domain.permissions import Viewer, can_see, sees_everything_of, sees_park_records
from parkloop.errors import NotAllowed, UserError, Word, msg
from parkloop.services import confidentiality, memo
from parkloop.store import assessment as store


@dataclass(frozen=True, slots=True, kw_only=True)
class AssessmentReport:
    """An assessment with the saved history of the same park (or enterprise) and rule set."""

    assessment: Assessment
    history: list[dict[str, Any]] = field(default_factory=list)
    change: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.assessment.to_dict(),
            "history": self.history,
            "change_since_last_year": self.change,
        }


def rulesets() -> list[RuleSet]:
    return sorted(library().rulesets.values(), key=lambda r: r.id)


def _park(conn: Connection, park_code: str) -> Any:
    park = store.park_row(conn, park_code)
    if park is None:
        raise UserError(
            msg(
                "no park '{park_code}'; load one with `parkloop examples load nam-cau-kien`",
                park_code=park_code,
            )
        )
    return park


def _history(
    conn: Connection,
    park_id: int,
    org_id: int | None,
    ruleset: str,
    year: int,
    current: dict[str, Any],
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    saved = store.history(conn, park_id, org_id, ruleset)
    rows = [
        {
            "year": h["year"],
            "overall_percent": h["result"].get("overall_percent"),
            "overall_percent_exact": h["result"].get("overall_percent_exact"),
            "ruleset_version": h["result"].get("ruleset_version"),
            "assessed_at": h["created_at"],
        }
        for h in saved
    ]
    earlier = [h for h in saved if h["year"] < year]
    change = compare(current, earlier[-1]["result"]) if earlier else None
    return rows, change


def assess_park(
    engine: Engine,
    park_code: str,
    ruleset_id: str,
    year: int | None = None,
    save: bool | None = None,
    viewer: Viewer | None = None,
) -> AssessmentReport:
    """Assess a park on a rule set for a year (default: the latest year with data), from
    the records ``viewer`` may see (outside the park: none private). The result is kept in
    the history (``save``; by default when the viewer is the park's operator or the
    administrator, who alone may)."""
    lib = library()
    ruleset = lib.ruleset(ruleset_id)
    if Level.PARK not in ruleset.levels:
        raise UserError(
            msg(
                "rule set '{ruleset_id}' has no park criteria; assess an enterprise instead",
                ruleset_id=str(ruleset_id),
            )
        )
    with engine.begin() as conn:
        park = _park(conn, park_code)
        may_save = sees_everything_of(viewer, park["id"])
        if save and not may_save:
            raise NotAllowed(
                msg(
                    "{who} may not keep an assessment of '{park_code}' in its history "
                    "(only the park operator may); add --no-save",
                    who=viewer.name if viewer else Word("public"),
                    park_code=park_code,
                )
            )
        save = may_save if save is None else save
        computing, _ = confidentiality.computing_viewer(viewer, park["id"])
        year = year or store.default_year(conn, park["id"])
        every = park_flow_facts(engine, park_code, park["id"], year)
        seen = store.flow_facts_by_org(every, store.seen_flow_facts(every, computing))
        facts = store.park_facts(conn, park, year, computing, seen)
        result = scoring.assess_park(ruleset, facts, lib)
        current = result.to_dict()
        if save:
            store.save_assessment(
                conn, park["id"], None, ruleset.id, year, result.overall_percent, current
            )
        history, change = _history(conn, park["id"], None, ruleset.id, year, current)
    return AssessmentReport(assessment=result, history=history, change=change)


def park_flow_facts(engine: Engine, park_code: str, park_id: int, year: int) -> store.ParkFlowFacts:
    """The facts of every flow of the park in ``year``, before any permission filter: read
    once per data version for every viewer in the web application (:func:`memo.park_wide`);
    each assessment keeps those its viewer may see (``store.seen_flow_facts``)."""

    def read() -> store.ParkFlowFacts:
        with engine.connect() as conn:
            return store.park_flow_facts(conn, park_id, year)

    key = ("flow facts", park_code, year)
    return memo.park_wide(engine, key, read, frozenset({memo.FLOWS, memo.FLOW_ACCESS}))


def park_records_seen(
    engine: Engine, park_code: str, year: int | None, viewer: Viewer | None
) -> tuple[str, int, bool, bytes]:
    """What a park's assessment from the records ``viewer`` may see is computed from,
    named: the park, the year (the latest with data when None), which flows it may see,
    whether it sees the enterprises' monthly records. Viewers given the same name get the
    same assessment (:func:`memo.alike`)."""
    with engine.connect() as conn:
        park = _park(conn, park_code)
        year = year or store.default_year(conn, park["id"])
    computing, _ = confidentiality.computing_viewer(viewer, park["id"])
    every = park_flow_facts(engine, park_code, park["id"], year)
    seen = store.seen_flow_facts(every, computing)
    return (
        park_code,
        year,
        sees_park_records(computing, park["id"]),
        every.ids[seen].tobytes(),
    )


def resolve_enterprise(park_code: str | None, enterprise: str) -> tuple[str, str]:
    """``PARK:ORG``, or an organisation code with ``park_code``."""
    if ":" in enterprise:
        park, org = enterprise.split(":", 1)
        if park_code and park != park_code:
            raise UserError(
                msg(
                    "--enterprise {enterprise} names park '{park}' but --park is '{park_code}'",
                    enterprise=enterprise,
                    park=park,
                    park_code=park_code,
                )
            )
        return park, org
    if not park_code:
        raise UserError(
            msg(
                "--enterprise {enterprise}: say which park (PARK:ORG, or with --park)",
                enterprise=enterprise,
            )
        )
    return park_code, enterprise


def assess_enterprise(
    engine: Engine,
    park_code: str,
    org_code: str,
    ruleset_id: str,
    year: int | None = None,
    save: bool = True,
    viewer: Viewer | None = None,
) -> AssessmentReport:
    """An eco-enterprise self-assessment: the enterprise's own data and evidence only.

    Only those who may see the enterprise's private records may run it (``viewer``).
    """
    lib = library()
    ruleset = lib.ruleset(ruleset_id)
    if Level.ENTERPRISE not in ruleset.levels:
        with_enterprise = [r.id for r in lib.rulesets.values() if Level.ENTERPRISE in r.levels]
        raise UserError(
            msg(
                "rule set '{ruleset_id}' has no eco-enterprise criteria; use {items}",
                ruleset_id=str(ruleset_id),
                items=sorted(with_enterprise),
            )
        )
    with engine.begin() as conn:
        park = _park(conn, park_code)
        org = store.organisation_row(conn, park["id"], org_code)
        if org is None:
            raise UserError(
                msg(
                    "no enterprise '{org_code}' in park '{park_code}'",
                    org_code=org_code,
                    park_code=park_code,
                )
            )
        if org["kind"] != "enterprise":
            raise UserError(
                msg(
                    "'{org_code}' is a {kind}, not an enterprise",
                    org_code=org_code,
                    kind=OrgKind(org["kind"]),
                )
            )
        if viewer is not None and not can_see(
            viewer, org["id"], park["id"], Confidentiality.PRIVATE
        ):
            raise NotAllowed(
                msg(
                    "{who} may not assess '{org_code}'",
                    who=viewer.name or Word(viewer.role.value),
                    org_code=org_code,
                )
            )
        year = year or store.default_year(conn, park["id"])
        result = scoring.assess_enterprise(
            ruleset, store.enterprise_scope(conn, park, org, year), lib
        )
        current = result.to_dict()
        if save:
            store.save_assessment(
                conn, park["id"], org["id"], ruleset.id, year, result.overall_percent, current
            )
        history, change = _history(conn, park["id"], org["id"], ruleset.id, year, current)
    return AssessmentReport(assessment=result, history=history, change=change)


def park_profile(engine: Engine, park_code: str, year: int) -> dict[str, Any]:
    """The park and its aggregates for the operation report of the dossier."""
    with engine.connect() as conn:
        park = _park(conn, park_code)
        profile = store.park_profile(conn, park["id"], year)
        evidence = store.list_evidence(conn, park["id"])
    cat = catalog()
    divisions = []
    for code, count in profile.pop("by_vsic_division").items():
        entry = cat.vsic.get(code)
        divisions.append(
            {
                "code": code,
                "name_vi": entry.name_vi if entry else "",
                "name_en": entry.name_en if entry else "",
                "enterprises": count,
            }
        )
    from parkloop.services import accounting

    recp = accounting.park_recp(engine, park_code, year)["programme"]
    return {
        "park": dict(park),
        **profile,
        "recp_fuel_saved_tj": recp["fuel_saved_tj"],
        "recp_chemicals_saved_t": recp["chemicals_saved_t"],
        "recp_co2e_t": recp["co2e_t"],
        "recp_arithmetic": recp["arithmetic"],
        "by_vsic_division": divisions,
        "evidence": [e for e in evidence if e.org_code is None],
    }


def dossier(
    engine: Engine,
    park_code: str,
    ruleset_id: str,
    year: int | None = None,
    lang: str = "vi",
    fmt: str = "html",
    viewer: Viewer | None = None,
) -> str:
    """The certification self-assessment dossier (Decree 35/2022 Art. 41) as HTML or
    Markdown, from the records ``viewer`` may see."""
    from parkloop.reports.dossier import DossierData, render

    report = assess_park(engine, park_code, ruleset_id, year, viewer=viewer)
    profile = park_profile(engine, park_code, report.assessment.year)
    return render(DossierData(report=report.to_dict(), profile=profile), lang=lang, fmt=fmt)
