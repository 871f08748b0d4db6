"""Signing in and out, the first-run administrator, one's own password and API tokens."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from parkloop.errors import NotAllowed, UserError, msg
from parkloop.services import accounts
from parkloop.web.access import SESSION_COOKIE, Caller, anyone, signed_in
from parkloop.web.i18n import said_in
from parkloop.web.render import page

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only, never another site."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


@router.get("/sign-in", name="sign_in_form")
def sign_in_form(
    request: Request, caller: Annotated[Caller, Depends(anyone)], next: str = "/"
) -> Response:
    if caller.signed_in:
        return RedirectResponse(safe_next(next), status_code=303)
    return page(request, caller, "sign_in.html", title="Sign in", next=safe_next(next), error="")


@router.post("/sign-in", name="sign_in")
def sign_in(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    engine = request.app.state.engine
    try:
        user = accounts.authenticate(engine, email, password, client_ip(request))
    except accounts.SignInRefused as exc:
        return page(
            request,
            caller,
            "sign_in.html",
            status_code=401,
            title="Sign in",
            next=safe_next(next),
            error=said_in(caller.lang, exc),
            email=email,
        )
    session = accounts.start_session(engine, user, client_ip(request))
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=int(accounts.session_length().total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.set_cookie("parkloop_lang", user.lang, samesite="lax", path="/")
    return response


@router.post("/sign-out", name="sign_out")
def sign_out(request: Request, caller: Annotated[Caller, Depends(anyone)]) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        accounts.end_session(request.app.state.engine, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{lang}", name="set_language")
def set_language(
    request: Request, caller: Annotated[Caller, Depends(anyone)], lang: str, next: str = "/"
) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in ("vi", "en"):
        response.set_cookie("parkloop_lang", lang, samesite="lax", path="/")
    return response


@router.get("/setup", name="setup_form")
def setup_form(
    request: Request, caller: Annotated[Caller, Depends(anyone)], token: str = ""
) -> Response:
    """The first-run page: create the administrator with the link `parkloop serve` printed."""
    engine = request.app.state.engine
    if not accounts.setup_token_valid(engine, token):
        raise NotAllowed(
            msg(
                "this first-run link is not valid: an administrator exists, or the link "
                "expired; run `parkloop serve` again for a new link, or `parkloop users "
                "add`"
            )
        )
    return page(request, caller, "setup.html", title="First run", token=token, error="")


@router.post("/setup", name="setup")
def setup(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    token: Annotated[str, Form(max_length=200)],
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    engine = request.app.state.engine
    try:
        user = accounts.create_first_admin(engine, token, email, password, name)
    except NotAllowed:
        raise
    except UserError as exc:
        return page(
            request,
            caller,
            "setup.html",
            status_code=400,
            title="First run",
            token=token,
            error=said_in(caller.lang, exc),
            email=email,
            name=name,
        )
    session = accounts.start_session(engine, user, client_ip(request))
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=int(accounts.session_length().total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.get("/account", name="account")
def account(request: Request, caller: Annotated[Caller, Depends(signed_in)]) -> Response:
    return _account_page(request, caller)


def _account_page(
    request: Request, caller: Caller, status_code: int = 200, **values: object
) -> Response:
    from parkloop.store import accounts as store

    assert caller.user is not None
    with request.app.state.engine.connect() as conn:
        tokens = store.tokens_of(conn, caller.user.id)
    values.setdefault("error", "")
    values.setdefault("notice", "")
    values.setdefault("new_token", "")
    return page(
        request,
        caller,
        "account.html",
        status_code=status_code,
        title="Your account",
        tokens=tokens,
        min_length=accounts.min_password_length(),
        **values,
    )


@router.post("/account/password", name="change_password")
def change_password(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    current: Annotated[str, Form(max_length=1024)],
    new: Annotated[str, Form(max_length=1024)],
    again: Annotated[str, Form(max_length=1024)],
) -> Response:
    assert caller.user is not None
    if new != again:
        return _account_page(
            request,
            caller,
            400,
            error=said_in(caller.lang, msg("the two new passwords are not the same")),
        )
    try:
        accounts.change_own_password(request.app.state.engine, caller.user, current, new)
    except UserError as exc:
        return _account_page(request, caller, 400, error=said_in(caller.lang, exc))
    # Every session of the account ended: sign in again with the new password.
    response = RedirectResponse("/sign-in?next=/account", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/tokens", name="create_token")
def create_token(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    name: Annotated[str, Form(min_length=1, max_length=200)],
    days: Annotated[int, Form(ge=0, le=3650)] = 90,
) -> Response:
    assert caller.user is not None
    token = accounts.create_token(
        request.app.state.engine, caller.user.email, name, days or None, caller.viewer
    )
    return _account_page(request, caller, new_token=token)
