"""A park's offers and wants: the marketplace as the caller may see it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from parkloop.api.models import ListingOut, listing_of
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
from parkloop.domain.enums import ListingKind, MaterialClass
from parkloop.errors import NotFound, msg
from parkloop.services import marketplace
from parkloop.services.marketplace import Offered
from parkloop.web.access import Caller, anyone

router = APIRouter(tags=["listings"])


def _listing_of(item: Offered, lang: str, at: dt.datetime | None = None) -> ListingOut:
    return listing_of(item.listing, item.enterprise, item.price_given, item.may_change, lang, at)


@router.get(
    "/parks/{code}/listings",
    name="api_listings",
    response_model=Page[ListingOut],
    responses=list_responses(),
)
def listings(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    at: Annotated[Paging, Depends(paging)],
    if_none_match: IfNoneMatch = None,
    updated_since: UpdatedSince = None,
    kind: Annotated[ListingKind | None, Query(description="offer or want")] = None,
    status: Annotated[Literal["open", "closed", "all"], Query()] = "open",
    material_class: Annotated[MaterialClass | None, Query()] = None,
    enterprise: Annotated[str, Query(max_length=200, description="An enterprise's code")] = "",
    material: Annotated[str, Query(max_length=200, description="A material's code")] = "",
    q: Annotated[
        str, Query(max_length=200, description="Words of the material, enterprise or quality")
    ] = "",
) -> Response:
    """The park's offers and wants the caller may see."""
    engine = request.app.state.engine
    found = marketplace.marketplace(
        engine,
        code,
        caller.viewer,
        kind=kind.value if kind is not None else "",
        material_class=material_class.value if material_class is not None else "",
        text=q,
        status=status,
    ).items
    found = [
        o
        for o in found
        if (not enterprise or o.listing.org_code == enterprise)
        and (not material or o.listing.material_code == material)
    ]
    found, times = changed_since(
        engine, "listing", found, lambda o: o.listing.id, updated_since, caller.viewer
    )
    return send_page(
        request,
        Page[ListingOut],
        found,
        lambda o: _listing_of(o, caller.lang, times.get(o.listing.id or 0)),
        at,
        if_none_match,
    )


@router.get(
    "/parks/{code}/listings/{listing_id}",
    name="api_listing",
    response_model=ListingOut,
    responses=one_responses(),
)
def listing(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    listing_id: Annotated[int, record_id("offer or want")],
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One offer or want the caller may see."""
    engine = request.app.state.engine
    found = next(
        (
            o
            for o in marketplace.marketplace(engine, code, caller.viewer, status="all").items
            if o.listing.id == listing_id
        ),
        None,
    )
    if found is None:
        raise NotFound(
            msg(
                "park '{code}' has no offer or want {listing_id} you may see",
                code=code,
                listing_id=str(listing_id),
            )
        )
    at = last_changed(engine, "listing", listing_id, caller.viewer)
    return send(_listing_of(found, caller.lang, at), if_none_match)
