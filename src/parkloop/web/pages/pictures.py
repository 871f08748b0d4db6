"""Pictures of a park: the map, the symbiosis network and the Sankey of its flows.

The pages carry only the frame; the data comes from the API (``/api/v1/parks/{code}...``),
filtered for the caller there, and is drawn by ``static/js/map.js`` and ``charts.js``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from parkloop.services import registry
from parkloop.web.access import Caller, anyone
from parkloop.web.render import page

router = APIRouter()


@router.get("/parks/{code}/map", name="park_map")
def park_map(request: Request, caller: Annotated[Caller, Depends(anyone)], code: str) -> Response:
    park = registry.require_park(request.app.state.engine, code)
    return page(
        request,
        caller,
        "map.html",
        title="Map",
        park=park,
        tiles=request.app.state.tiles_url,
        attribution=request.app.state.tiles_attribution,
    )


@router.get("/parks/{code}/network", name="network")
def network(request: Request, caller: Annotated[Caller, Depends(anyone)], code: str) -> Response:
    park = registry.require_park(request.app.state.engine, code)
    return page(request, caller, "network.html", title="Network", park=park)
