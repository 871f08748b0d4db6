"""Who the API takes the caller for: a quick check of a token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from parkloop.api.models import Me
from parkloop.api.support import send
from parkloop.web.access import Caller, anyone

router = APIRouter(tags=["account"])


@router.get("/me", name="api_me", response_model=Me)
def me(caller: Annotated[Caller, Depends(anyone)]) -> Response:
    """The account the request is made as (anonymous without a token or session)."""
    user = caller.user
    return send(
        Me(
            signed_in=user is not None,
            via=caller.via,
            email=user.email if user else None,
            name=user.name if user else None,
            role=caller.viewer.role.value,
            park=user.park_code if user else None,
            enterprise=user.org_code if user else None,
            lang=caller.lang,
        )
    )
