"""Accounts: the administrator manages every account, a park operator its enterprises'."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from parkloop.domain.permissions import Role
from parkloop.errors import NotAllowed, UserError
from parkloop.services import accounts, registry
from parkloop.web.access import Caller, operator
from parkloop.web.i18n import said_in
from parkloop.web.render import page

router = APIRouter()


def _users_page(
    request: Request, caller: Caller, status_code: int = 200, error: str = "", **form: str
) -> Response:
    engine = request.app.state.engine
    users = accounts.users(engine, caller.viewer)
    if caller.viewer.role is Role.ADMIN:
        parks = registry.parks(engine)
    else:
        parks = [p for p in registry.parks(engine) if p.id == caller.viewer.park_id]
    orgs = {p.code: registry.organisations(engine, p.code) for p in parks}
    roles = accounts.ROLES if caller.viewer.role is Role.ADMIN else ("enterprise",)
    regions = accounts.regions() if caller.viewer.role is Role.ADMIN else []
    return page(
        request,
        caller,
        "users.html",
        status_code=status_code,
        title="Accounts",
        users=users,
        parks=parks,
        orgs=orgs,
        roles=roles,
        regions=regions,
        error=error,
        form=form,
        min_length=accounts.min_password_length(),
    )


@router.get("/users", name="users")
def users(request: Request, caller: Annotated[Caller, Depends(operator)]) -> Response:
    return _users_page(request, caller)


@router.post("/users", name="user_add")
def user_add(
    request: Request,
    caller: Annotated[Caller, Depends(operator)],
    email: Annotated[str, Form(max_length=254)],
    role: Annotated[str, Form(max_length=16)],
    password: Annotated[str, Form(max_length=1024)],
    name: Annotated[str, Form(max_length=200)] = "",
    park: Annotated[str, Form(max_length=64)] = "",
    org: Annotated[str, Form(max_length=64)] = "",
    province: Annotated[str, Form(max_length=100)] = "",
    region: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Create an account with a first password, given to its owner to change."""
    if ":" in org:  # the form's list names enterprises as PARK:ORG
        park, org = org.split(":", 1)
    try:
        accounts.add_user(
            request.app.state.engine,
            email,
            role,
            caller.viewer,
            park_code=park or None,
            org_code=org or None,
            name=name,
            password=password,
            lang=caller.lang,
            province=province or None,
            region=region or None,
        )
    except NotAllowed:
        raise
    except UserError as exc:
        return _users_page(
            request,
            caller,
            400,
            error=said_in(caller.lang, exc),
            email=email,
            name=name,
            role=role,
            province=province,
            region=region,
        )
    return RedirectResponse(str(request.url_for("users")), status_code=303)


@router.post("/users/{email}/active", name="user_active")
def user_active(
    request: Request,
    caller: Annotated[Caller, Depends(operator)],
    email: str,
    active: Annotated[bool, Form()] = False,
) -> Response:
    accounts.set_active(request.app.state.engine, email, active, caller.viewer)
    return RedirectResponse(str(request.url_for("users")), status_code=303)
