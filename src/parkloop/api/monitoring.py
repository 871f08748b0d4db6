"""Readings pushed by a monitoring station: a JSON batch with the station's own token.

The token (``pls_…``, from `parkloop monitoring stations token`) is sent as
``Authorization: Bearer``; it is not an account's token and opens nothing else. A batch
is idempotent on (station, parameter, instant): sending it again writes nothing. Refused
readings come back as a problem document (422) listing their rows (indexes in the batch),
and nothing is written, unless the station accepts partial batches: then the others are
written and the refused ones listed in the answer.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from parkloop.api.problems import problem_response, responses
from parkloop.errors import NotAllowed, UserError, msg
from parkloop.services import monitoring
from parkloop.web.access import Access, SignInNeeded, language, resolve
from parkloop.web.i18n import said_in

router = APIRouter(tags=["monitoring"])


class StationCaller(BaseModel):
    """A station pushing readings: its token and the language of the answer."""

    token: str
    lang: str


async def station_token(request: Request) -> StationCaller:
    """The station token of the request (no account, no session cookie involved)."""
    authorization = request.headers.get("authorization", "")
    if not authorization.lower().startswith("bearer ") or not authorization[7:].strip():
        caller = await resolve(request)  # a browser's session: its form token is checked
        if caller.user is None:
            raise SignInNeeded()
        raise NotAllowed(msg("readings are pushed with the station's own token"))
    return StationCaller(token=authorization[7:].strip(), lang=language(request, None))


station_token.access = Access.ANYONE  # type: ignore[attr-defined]


class RefusedRow(BaseModel):
    row: int = Field(description="Index of the reading in the batch (from 0)")
    column: str
    message: str


class PushResult(BaseModel):
    """What became of a batch."""

    read: int
    written: int = Field(description="Readings written")
    unchanged: int = Field(description="Readings already stored with the same value")
    refused: int
    refused_rows: list[RefusedRow] = Field(default_factory=list)


@router.post(
    "/monitoring/stations/{station}/readings",
    name="api_monitoring_push",
    response_model=PushResult,
    responses=responses(413),
)
async def push_readings(
    request: Request,
    caller: Annotated[StationCaller, Depends(station_token)],
    station: str,
) -> Any:
    """Push a batch: ``{"readings": [{"parameter": "cod", "timestamp":
    "2025-01-31T14:05:00+07:00", "value": 12.5, "unit": "mg/L"}, …]}``. Instants without
    an offset are local time of Viet Nam; a unit other than the parameter's is converted."""
    lang = caller.lang
    body = await request.body()
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        raise UserError(msg("the batch is not JSON")) from None
    try:
        received = monitoring.push(request.app.state.primary, caller.token, station, payload)
    except NotAllowed as exc:
        if "not valid" in exc.said.template:
            raise SignInNeeded() from exc
        raise
    rows = [
        RefusedRow(row=row, column=column, message=said_in(lang, reason))
        for row, column, reason in received.listed()
    ]
    if received.refusals and not received.kept:
        errors = [
            {
                "sheet": "body",
                "row": int(r.rows[0]),
                "rows": [int(x) for x in r.rows[: monitoring.MAX_LISTED]],
                "column": r.column,
                "message": said_in(lang, r.reason),
            }
            for r in received.refusals
        ]
        return problem_response(
            422, "Readings refused", said_in(lang, received.summary()), errors=errors
        )
    result = PushResult(
        read=received.read,
        written=received.written,
        unchanged=received.unchanged,
        refused=received.refused,
        refused_rows=rows,
    )
    return JSONResponse(result.model_dump())
