"""A park's exchanges, as the exchange tracker shows them: one by one to the viewers of
the park (quantities and savings where the caller may see them), the park's totals only,
under the disclosure rule, to everyone else."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import Field

from parkloop.api.models import (
    ExchangeChange,
    ExchangeDetailOut,
    ExchangeOut,
    cited,
    exchange_of,
)
from parkloop.api.support import (
    IfNoneMatch,
    Page,
    Paging,
    UpdatedSince,
    changed_since,
    last_changed,
    list_responses,
    one_responses,
    paging,
    record_id,
    send,
    send_page,
)
from parkloop.domain.enums import ExchangeStatus
from parkloop.jsonable import jsonable
from parkloop.services import tracker
from parkloop.web.access import Caller, anyone, signed_in

router = APIRouter(tags=["exchanges"])

ExchangeId = Annotated[int, record_id("exchange")]


class ExchangePage(Page[ExchangeOut]):
    """The exchanges, with the totals of the running ones."""

    one_by_one: bool = Field(
        description="false: the caller is outside the park and gets the park's totals only"
    )
    totals: dict[str, Any] | None = Field(
        description="Money, CO2e, water, energy and materials per year of the running "
        "exchanges whose figures are shown (null where the disclosure rule withholds them)"
    )
    totals_note: str
    hidden_running: int = Field(
        description="Running exchanges whose figures are not shown, left out of the totals"
    )
    year: int
    method: dict[str, str] = Field(description="How each figure is computed")


@router.get(
    "/parks/{code}/exchanges",
    name="api_exchanges",
    response_model=ExchangePage,
    responses=list_responses(),
)
def exchanges(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    at: Annotated[Paging, Depends(paging)],
    if_none_match: IfNoneMatch = None,
    updated_since: UpdatedSince = None,
    status: Annotated[ExchangeStatus | None, Query()] = None,
) -> Response:
    """The park's exchanges from proposal to stopped, with the totals of the running ones."""
    engine = request.app.state.engine
    found = tracker.tracker(engine, code, caller.viewer, status.value if status else "")
    items, times = changed_since(
        engine, "exchange", found.exchanges, lambda t: t.exchange.id, updated_since, caller.viewer
    )
    return send_page(
        request,
        ExchangePage,
        items,
        lambda t: exchange_of(t, caller.lang, times.get(t.exchange.id)),
        at,
        if_none_match,
        one_by_one=found.one_by_one,
        totals=jsonable(found.totals),
        totals_note=found.totals_note,
        hidden_running=found.hidden_running,
        year=found.year,
        method=found.method,
    )


def _detail(request: Request, caller: Caller, code: str, exchange_id: int) -> ExchangeDetailOut:
    engine = request.app.state.engine
    found = tracker.exchange_detail(engine, code, exchange_id, caller.viewer)
    at = last_changed(engine, "exchange", exchange_id, caller.viewer)
    one = exchange_of(found["tracked"], caller.lang, at)
    return ExchangeDetailOut(
        **one.model_dump(),
        may_change=found["may_change"],
        match_shown=found["match_shown"],
        statuses=found["statuses"],
        year=found["year"],
        method=found["method"],
        factors=cited(jsonable(found["factors"])),
    )


@router.get(
    "/parks/{code}/exchanges/{exchange_id}",
    name="api_exchange",
    response_model=ExchangeDetailOut,
    responses=one_responses(),
)
def exchange(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    exchange_id: ExchangeId,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One exchange of the park as the caller may see it, with the method and sources of
    its figures."""
    return send(_detail(request, caller, code, exchange_id), if_none_match)


@router.patch(
    "/parks/{code}/exchanges/{exchange_id}",
    name="api_exchange_change",
    response_model=ExchangeDetailOut,
)
def exchange_change(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    exchange_id: ExchangeId,
    body: ExchangeChange,
) -> Response:
    """Move an exchange to another stage: proposed, negotiating, running or stopped
    (logged with the old and new status)."""
    engine = request.app.state.engine
    tracker.exchange_detail(engine, code, exchange_id, caller.viewer)
    tracker.set_status(
        engine, code, exchange_id, caller.viewer, body.status.value, actor=caller.viewer.name
    )
    return send(_detail(request, caller, code, exchange_id))
