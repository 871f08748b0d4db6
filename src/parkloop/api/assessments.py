"""A park's assessments: its result on each rule set with park criteria, computed from
the records the caller may see (outside the park, aggregates under the disclosure rule),
with the kept results of each year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from parkloop.api.models import (
    AssessmentOut,
    AssessmentSummaryOut,
    assessment_of,
    assessment_summary_of,
)
from parkloop.api.support import (
    IfNoneMatch,
    Page,
    Paging,
    list_responses,
    one_responses,
    paging,
    send,
    send_page,
)
from parkloop.errors import NotFound, msg
from parkloop.services import assessment_detail, registry
from parkloop.web.access import Caller, anyone

router = APIRouter(tags=["assessments"])

Year = Annotated[
    int | None,
    Query(ge=1900, le=2200, description="The year assessed (default: the latest with data)"),
]


@router.get(
    "/parks/{code}/assessments",
    name="api_assessments",
    response_model=Page[AssessmentSummaryOut],
    responses=list_responses(),
)
def assessments(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    at: Annotated[Paging, Depends(paging)],
    if_none_match: IfNoneMatch = None,
    year: Year = None,
) -> Response:
    """The park's latest result on each rule set, with the kept result of each year."""
    engine = request.app.state.engine
    registry.require_park(engine, code)
    rulesets = assessment_detail.park_rulesets()

    def summary(ruleset_id: str) -> AssessmentSummaryOut:
        found = assessment_detail.park_assessment(engine, code, ruleset_id, year, caller.viewer)
        return assessment_summary_of(found)

    return send_page(
        request,
        Page[AssessmentSummaryOut],
        [r.id for r in rulesets],
        summary,
        at,
        if_none_match,
    )


@router.get(
    "/parks/{code}/assessments/{ruleset}",
    name="api_assessment",
    response_model=AssessmentOut,
    responses=one_responses(),
)
def assessment(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    ruleset: Annotated[str, Path(max_length=100, description="A rule set's id")],
    if_none_match: IfNoneMatch = None,
    year: Year = None,
) -> Response:
    """The park's whole result on one rule set: each criterion and indicator with its
    value, threshold, verdict, basis and sources, and the gaps with what would close them."""
    engine = request.app.state.engine
    registry.require_park(engine, code)
    assessment_detail.ruleset_of(ruleset)
    if ruleset not in {r.id for r in assessment_detail.park_rulesets()}:
        raise NotFound(
            msg(
                "rule set '{ruleset}' has no park criteria; it assesses enterprises",
                ruleset=ruleset,
            )
        )
    found = assessment_detail.park_assessment(engine, code, ruleset, year, caller.viewer)
    return send(assessment_of(found), if_none_match)
