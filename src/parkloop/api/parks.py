"""Parks and their pictures as data: the registry's parks, GeoJSON for maps, the network
graph, the Sankey."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine

from parkloop.api.models import ParkOut, park_of
from parkloop.api.support import (
    IfNoneMatch,
    Page,
    Paging,
    list_responses,
    one_responses,
    paging,
    send,
    send_page,
    wanted,
    words,
)
from parkloop.services import diagrams, geo, memo, registry
from parkloop.web.access import Caller, anyone

router = APIRouter(tags=["parks"])


@router.get(
    "/parks/{code}.geojson",
    name="park_geojson",
    response_class=JSONResponse,
    responses={200: {"content": {"application/geo+json": {}}}},
)
def park_geojson(
    request: Request, caller: Annotated[Caller, Depends(anyone)], code: str, lang: str = ""
) -> Response:
    """The park, its organisations and exchanges as a GeoJSON FeatureCollection
    (longitude first), with the figures the caller may see."""
    engine = request.app.state.engine
    said = lang or caller.lang
    body = memo.shared(
        engine,
        ("park_geojson", code, memo.scope_of(caller.viewer), said),
        lambda: _json(geo.park_geojson(engine, code, caller.viewer, said)),
    )
    return Response(body, media_type="application/geo+json")


def _json(data: Any) -> bytes:
    """``data`` as a JSONResponse sends it."""
    return json.dumps(
        data, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


# The diagrams' data is plain JSON already: sent as it is, without FastAPI walking every
# node and link of it again (jsonable_encoder), which took longer than drawing the network.
@router.get("/parks/{code}/graph", name="park_graph", response_model=dict[str, Any])
def park_graph(
    request: Request, caller: Annotated[Caller, Depends(anyone)], code: str, lang: str = ""
) -> Response:
    """The symbiosis network (organisations and exchanges) as ECharts graph data."""
    engine = request.app.state.engine
    said = lang or caller.lang
    body = memo.shared(
        engine,
        ("park_graph", code, memo.scope_of(caller.viewer), said),
        lambda: _sent(engine, diagrams.drawn_graph(engine, code, caller.viewer, said)),
        rests_on=diagrams.GRAPH_REST_ON,
    )
    return Response(body, media_type="application/json")


def _sent(engine: Engine, drawn: diagrams.Drawn) -> bytes:
    """A picture's JSON, written once for every viewer it was drawn alike for."""
    return memo.alike(engine, ("json", drawn.key), lambda: _json(drawn.data), drawn.rests_on)


@router.get("/parks/{code}/sankey", name="park_sankey", response_model=dict[str, Any])
def park_sankey(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    year: int | None = None,
    lang: str = "",
) -> Response:
    """The park's flows as ECharts Sankey nodes and links (outside the park, totals by
    material class under the disclosure rule)."""
    engine = request.app.state.engine
    said = lang or caller.lang
    body = memo.shared(
        engine,
        ("park_sankey", code, memo.scope_of(caller.viewer), year, said),
        lambda: _sent(engine, diagrams.drawn_sankey(engine, code, caller.viewer, year, said)),
    )
    return Response(body, media_type="application/json")


@router.get(
    "/parks",
    name="api_parks",
    response_model=Page[ParkOut],
    responses=list_responses(),
)
def parks_list(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    at: Annotated[Paging, Depends(paging)],
    if_none_match: IfNoneMatch = None,
    region: Annotated[str, Query(max_length=100, description="Only parks of this region")] = "",
    q: Annotated[str, Query(max_length=200, description="Words of the code or name")] = "",
) -> Response:
    """The parks of the registry (for an authority of a province or a region, those of it)."""
    found = registry.parks(request.app.state.engine, region or None, viewer=caller.viewer)
    text = wanted(q)
    if text:
        found = [p for p in found if text in words(p.code, p.name_vi, p.name_en, p.province)]
    return send_page(
        request, Page[ParkOut], found, lambda p: park_of(p, caller.lang), at, if_none_match
    )


@router.get("/parks/{code}", name="api_park", response_model=ParkOut, responses=one_responses())
def park_one(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One park of the registry."""
    park = registry.require_park(request.app.state.engine, code)
    return send(park_of(park, caller.lang), if_none_match)
