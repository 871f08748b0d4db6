"""The enterprises and partners of a park: the registry, as the pages and `parkloop
enterprises list` show it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from parkloop.api.models import EnterpriseOut, enterprise_of
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
    send,
    send_page,
    wanted,
    words,
)
from parkloop.domain.enums import OrgKind, RecpStatus
from parkloop.domain.models import Enterprise
from parkloop.errors import NotFound, msg
from parkloop.services import registry
from parkloop.web.access import Caller, anyone

router = APIRouter(tags=["enterprises"])


@router.get(
    "/parks/{code}/enterprises",
    name="api_enterprises",
    response_model=Page[EnterpriseOut],
    responses=list_responses(),
)
def enterprises(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    at: Annotated[Paging, Depends(paging)],
    if_none_match: IfNoneMatch = None,
    updated_since: UpdatedSince = None,
    q: Annotated[str, Query(max_length=200, description="Words of the code or name")] = "",
    sector: Annotated[
        str, Query(max_length=10, description="VSIC code or its beginning (division: 2 digits)")
    ] = "",
    kind: Annotated[OrgKind | None, Query(description="enterprise, or a kind of partner")] = None,
    recp_status: Annotated[RecpStatus | None, Query()] = None,
) -> Response:
    """The park's enterprises and partners, searched by words and filtered by sector,
    kind and RECP status."""
    engine = request.app.state.engine
    text = wanted(q)
    found = [
        o
        for o in registry.organisations(engine, code)
        if (not text or text in words(o.code, o.name_vi, o.name_en))
        and (not sector or (isinstance(o, Enterprise) and o.vsic.startswith(sector)))
        and (kind is None or o.kind is kind)
        and (recp_status is None or (isinstance(o, Enterprise) and o.recp_status is recp_status))
    ]
    found, times = changed_since(
        engine, "organisation", found, lambda o: o.id, updated_since, caller.viewer
    )
    return send_page(
        request,
        Page[EnterpriseOut],
        found,
        lambda o: enterprise_of(o, caller.lang, times.get(o.id) if o.id is not None else None),
        at,
        if_none_match,
    )


@router.get(
    "/parks/{code}/enterprises/{org}",
    name="api_enterprise",
    response_model=EnterpriseOut,
    responses=one_responses(),
)
def enterprise(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    org: str,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One enterprise or partner of the park, by its code."""
    engine = request.app.state.engine
    found = next((o for o in registry.organisations(engine, code) if o.code == org), None)
    if found is None:
        raise NotFound(
            msg("park '{code}' has no enterprise or partner '{org}'", code=code, org=org)
        )
    at = last_changed(engine, "organisation", found.id, caller.viewer)
    return send(enterprise_of(found, caller.lang, at), if_none_match)
