"""The change log: who changed what, when, with the old and new values, of a whole park or
of one record: for park operators and the administrator, each as the history service
lets it read (an operator its own park's)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from parkloop.api.models import HistoryEntryOut, history_of
from parkloop.api.support import (
    IfNoneMatch,
    Page,
    Paging,
    links,
    list_responses,
    paging,
    record_id,
    send,
    send_page,
)
from parkloop.errors import NotFound, Word, msg
from parkloop.services import history, registry
from parkloop.web.access import Caller, operator

router = APIRouter(tags=["history"])


@router.get(
    "/parks/{code}/history",
    name="api_park_history",
    response_model=Page[HistoryEntryOut],
    responses=list_responses(),
)
def park_history(
    request: Request,
    caller: Annotated[Caller, Depends(operator)],
    code: str,
    at: Annotated[Paging, Depends(paging)],
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The park's change log, newest first."""
    engine = request.app.state.engine
    registry.require_park(engine, code)
    entries, total = history.park_history(engine, code, caller.viewer, at.limit, at.offset)
    page = Page[HistoryEntryOut](
        items=[history_of(e) for e in entries], total=total, limit=at.limit, offset=at.offset
    )
    return send(
        page,
        if_none_match,
        headers={"Link": links(request, total, at), "X-Total-Count": str(total)},
    )


@router.get(
    "/parks/{code}/history/{kind}/{row_id}",
    name="api_record_history",
    response_model=Page[HistoryEntryOut],
    responses=list_responses(),
)
def record_history(
    request: Request,
    caller: Annotated[Caller, Depends(operator)],
    code: str,
    kind: Literal["flow", "listing", "exchange", "organisation"],
    row_id: Annotated[int, record_id("record")],
    at: Annotated[Paging, Depends(paging)],
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The change log of one record of the park, newest first (with the import that
    wrote it)."""
    engine = request.app.state.engine
    registry.require_park(engine, code)
    entries = history.record_history(engine, kind, row_id, caller.viewer)
    if any(e["park_code"] != code for e in entries):
        raise NotFound(
            msg(
                "park '{code}' has no {kind} {row_id}",
                code=code,
                kind=Word(kind),
                row_id=str(row_id),
            )
        )
    return send_page(request, Page[HistoryEntryOut], entries, history_of, at, if_none_match)
