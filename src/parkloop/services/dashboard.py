"""What a dashboard adds to the park at a glance, per role: the park's assessment rates
(its operator, the administrator and the authorities), and for an enterprise its own
eco-enterprise self-check and what its exchanges are worth.

Every figure comes from the services that compute it for the viewer (the permission
layer of docs/confidentiality.md); nothing here reads a record the viewer may not see.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from parkloop.assessment.model import Level
from parkloop.domain.permissions import Viewer, oversees
from parkloop.errors import UserError
from parkloop.services import accounting, assessment, registry
from parkloop.services.assessment_detail import coverage
from parkloop.store import assessment as store

# The rule set an enterprise checks itself against first: Decree 35/2022 (with Circular
# 05/2025) is the one with eco-enterprise criteria in force.
SELF_CHECK_RULESET = "decree-35-2022"


def assessment_rates(engine: Engine, park_code: str, viewer: Viewer) -> list[dict[str, Any]]:
    """The latest kept assessment of the park on each rule set: year, overall rate and how
    many criteria had no data. Shown to the park's operator, the administrator, its
    facilitators and the authorities overseeing it (the park proves itself to them);
    empty for anyone else."""
    park = registry.require_park(engine, park_code)
    if park.id is None or not oversees(viewer, park.id):
        return []
    out = []
    with engine.connect() as conn:
        for ruleset in assessment.rulesets():
            if Level.PARK not in ruleset.levels:
                continue
            kept = store.history(conn, park.id, None, ruleset.id)
            if not kept:
                continue
            latest = kept[-1]
            result = latest["result"] or {}
            out.append(
                {
                    "ruleset": ruleset.id,
                    "title": ruleset.title_vi,
                    "title_en": ruleset.title_en,
                    "year": latest["year"],
                    "overall_percent": result.get("overall_percent"),
                    "criteria_no_data": sum(
                        1
                        for c in result.get("criteria", [])
                        if c.get("verdict") == "no_data" and c.get("counts", True)
                    ),
                    "assessed_at": latest["created_at"],
                }
            )
    return out


def enterprise_glance(
    engine: Engine, park_code: str, org_code: str, viewer: Viewer
) -> dict[str, Any]:
    """An enterprise's own corner of the dashboard: its eco-enterprise self-check (not
    kept in the history) and the worth of the exchanges it takes part in."""
    out: dict[str, Any] = {"self_check": None, "exchanges": [], "net_benefit_vnd": 0.0}
    try:
        report = assessment.assess_enterprise(
            engine, park_code, org_code, SELF_CHECK_RULESET, save=False, viewer=viewer
        )
    except UserError as exc:
        out["self_check_note"] = exc.message
    else:
        a = report.assessment
        out["self_check"] = {
            "ruleset": SELF_CHECK_RULESET,
            "year": a.year,
            "overall_percent": a.overall_percent,
            "coverage": coverage(a),
        }
    account = accounting.account_exchanges_of(engine, park_code, viewer, party=org_code)
    own = account.exchanges
    out["exchanges"] = own
    out["net_benefit_vnd"] = sum(float(x.get("net_benefit_vnd") or 0.0) for x in own)
    out["method"] = account.method
    return out
