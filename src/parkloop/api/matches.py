"""A park's matches: the proposals that concern the caller, as the matching service shows
them to it (whole, with the other side's confidential details hidden, or not at all), and
the decisions on them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from parkloop.api.models import (
    DecisionOut,
    MatchDetailOut,
    MatchOut,
    Rejection,
    match_detail_of,
    match_of,
)
from parkloop.api.support import (
    IfNoneMatch,
    Page,
    Paging,
    list_responses,
    one_responses,
    paging,
    record_id,
    send,
    send_page,
)
from parkloop.jsonable import jsonable
from parkloop.services import inbox
from parkloop.web.access import Caller, anyone, signed_in

router = APIRouter(tags=["matches"])

MatchId = Annotated[int, record_id("match")]


@router.get(
    "/parks/{code}/matches",
    name="api_matches",
    response_model=Page[MatchOut],
    responses=list_responses(),
)
def matches(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    at: Annotated[Paging, Depends(paging)],
    if_none_match: IfNoneMatch = None,
    status: Annotated[Literal["proposed", "accepted", "rejected"] | None, Query()] = None,
) -> Response:
    """The park's saved proposals that concern the caller, best first: an enterprise's
    own (as supplier or receiver); every one the service shows to the park's operator."""
    found = inbox.inbox(request.app.state.engine, code, caller.viewer, status or "").matches
    return send_page(request, Page[MatchOut], found, match_of, at, if_none_match)


@router.get(
    "/parks/{code}/matches/{match_id}",
    name="api_match",
    response_model=MatchDetailOut,
    responses=one_responses(),
)
def match(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    match_id: MatchId,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One proposal as the caller may see it, with its decision and whether the caller
    may decide it."""
    view = inbox.match_detail(request.app.state.engine, code, match_id, caller.viewer)
    return send(match_detail_of(view), if_none_match)


def _decide(
    request: Request, caller: Caller, code: str, match_id: int, accept: bool, reason: str = ""
) -> Response:
    engine = request.app.state.engine
    # A proposal the caller is not shown is not found, whatever it asks of it.
    inbox.match_detail(engine, code, match_id, caller.viewer)
    done = inbox.decide(engine, code, match_id, caller.viewer, accept=accept, reason=reason)
    return send(DecisionOut.model_validate(jsonable(done)))


@router.post(
    "/parks/{code}/matches/{match_id}/accept",
    name="api_match_accept",
    response_model=DecisionOut,
)
def match_accept(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    match_id: MatchId,
) -> Response:
    """Accept a proposal (one of its two parties, their park operator or the
    administrator): it becomes an exchange in negotiation."""
    return _decide(request, caller, code, match_id, accept=True)


@router.post(
    "/parks/{code}/matches/{match_id}/reject",
    name="api_match_reject",
    response_model=DecisionOut,
)
def match_reject(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    match_id: MatchId,
    body: Rejection,
) -> Response:
    """Reject a proposal with the reason; it is not proposed again unless its supply or
    demand changes."""
    return _decide(request, caller, code, match_id, accept=False, reason=body.reason)
