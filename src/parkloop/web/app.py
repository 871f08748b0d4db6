"""The web application: pages under ``/``, the REST API under ``/api/v1``, one process or many.

``create_app(url)`` builds the ASGI application over one database. Pages and endpoints are
thin: they resolve the caller (``web/access.py``), call the same services as the command
line with the caller's viewer, and render. Errors become pages for people and RFC 9457
``application/problem+json`` for scripts.
"""

from __future__ import annotations

import logging
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from parkloop.errors import NotAllowed, NotFound, UserError
from parkloop.services.problems import ImportProblems
from parkloop.services.session import busy_advice
from parkloop.web.access import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    UNSAFE,
    Caller,
    CsrfRefused,
    SignInNeeded,
    csrf_token,
    language,
    reader_language,
)
from parkloop.web.i18n import gettext, said_in, said_problems
from parkloop.web.render import page
from parkloop.web.replica import WROTE_COOKIE, RoutedEngine, reading_replica

log = logging.getLogger("parkloop.web")

API = "/api/v1"
PROBLEM = "application/problem+json"


def create_app(
    engine: Engine,
    tiles_url: str = "",
    tiles_attribution: str = "",
    read_engine: Engine | None = None,
    stick_s: float = 10.0,
) -> FastAPI:
    """The application over ``engine`` (an up-to-date parkloop database); pages are read
    from ``read_engine`` (a replica of it) where one is given (``web/replica.py``)."""
    from parkloop.api import install_openapi
    from parkloop.api import router as api_router
    from parkloop.web.pages import routers

    app = FastAPI(
        title="parkloop",
        version="1",
        openapi_url=f"{API}/openapi.json",
        # No browsable documentation page: FastAPI's loads its scripts from a CDN.
        docs_url=None,
        redoc_url=None,
        description=(
            "The REST API of parkloop: parks, enterprises, flows, listings, matches, "
            "exchanges and figures, filtered by the caller's permissions exactly as the "
            "pages and the command line are. Authenticate with `Authorization: Bearer "
            "plk_...` (a token from `parkloop tokens create` or the account page)."
        ),
    )
    app.state.engine = engine if read_engine is None else RoutedEngine(engine, read_engine)
    app.state.primary = engine
    app.state.tiles_url = tiles_url
    app.state.tiles_attribution = tiles_attribution
    static = resources.files("parkloop.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in routers():
        app.include_router(router)
    app.include_router(api_router, prefix=API)
    install_openapi(app, API)
    _handlers(app)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        replica = (
            read_engine is not None
            and request.method in ("GET", "HEAD")
            and not request.cookies.get(WROTE_COOKIE)
        )
        with reading_replica(replica):
            response: Response = await call_next(request)
        if read_engine is not None and request.method in UNSAFE and stick_s > 0:
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=max(1, round(stick_s)),
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
                path="/",
            )
        tiles = app.state.tiles_url
        image_sources = "'self' data:" + (f" {_origin(tiles)}" if tiles else "")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src {image_sources}; connect-src 'self'; frame-ancestors 'none'; "
            "base-uri 'self'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        new = getattr(request.state, "new_csrf", "")
        if new and not request.cookies.get(CSRF_COOKIE):
            response.set_cookie(
                CSRF_COOKIE,
                new,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
                path="/",
            )
        return response

    return app


def _origin(url: str) -> str:
    """The scheme and host of a tile URL template, for the content security policy."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}" if scheme and host else ""


def wants_problem(request: Request) -> bool:
    return request.url.path.startswith(API + "/") or request.url.path == API


def problem(
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An RFC 9457 problem document (``parkloop.api.problems``)."""
    from parkloop.api.problems import problem_response

    return problem_response(status, title, detail, errors, headers)


def _error_page(request: Request, status: int, title: str, detail: str | UserError) -> Response:
    """The error page in the caller's language (a refusal's message said in it too)."""
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, Caller):
        from parkloop.domain.permissions import Role, Viewer

        caller = Caller(
            None, Viewer(Role.PUBLIC), "anonymous", csrf_token(request), language(request, None)
        )
    if isinstance(detail, UserError):
        detail = said_in(caller.lang, detail)
    return page(request, caller, "error.html", status_code=status, title=title, detail=detail)


def _said_problem(
    request: Request,
    status: int,
    title: str,
    exc: UserError,
    rows: list[dict[str, Any]] | None = None,
) -> Response:
    """A refusal as a problem document in the reader's language (``reader_language``)."""
    lang = reader_language(request)
    if rows is None:
        rows = [{"message": said_in(lang, d)} for d in exc.said_details]
    return problem(
        status,
        gettext(lang, title),
        said_in(lang, exc.said),
        rows,
        headers={"Content-Language": lang},
    )


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInNeeded)
    async def sign_in_needed(request: Request, exc: SignInNeeded) -> Response:
        if wants_problem(request):
            response = problem(
                401,
                "Sign-in needed",
                "give a valid API token or session",
                [
                    {
                        "sheet": "header",
                        "column": "Authorization",
                        "message": "no valid API token or session",
                        "fix": "send Authorization: Bearer plk_... with a token from "
                        "`parkloop tokens create` or the account page, or sign in",
                    }
                ],
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="parkloop"'
            return response
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        sign_in = request.app.url_path_for("sign_in_form")
        return RedirectResponse(f"{sign_in}?{urlencode({'next': target})}", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
        detail = "the form came without this browser's token: reload the page and send it again"
        if wants_problem(request) and not request.cookies.get(SESSION_COOKIE):
            # No session to protect: what the script lacks is a token.
            return await sign_in_needed(request, SignInNeeded())
        if wants_problem(request):
            return problem(
                403,
                "Cross-site request refused",
                detail,
                [
                    {
                        "sheet": "header",
                        "column": "X-CSRF-Token",
                        "message": "a request made with a session cookie needs this browser's "
                        "cross-site token",
                        "fix": "send the parkloop_csrf cookie's value in the X-CSRF-Token "
                        "header, or use an API token instead of the session",
                    }
                ],
            )
        return _error_page(request, 403, "Cross-site request refused", detail)

    @app.exception_handler(ImportProblems)
    async def import_problems(request: Request, exc: ImportProblems) -> Response:
        if wants_problem(request):
            rows = said_problems(reader_language(request), exc.problems)
            return _said_problem(request, 422, "The data has problems", exc, rows)
        return _error_page(request, 422, "The data has problems", exc)

    for error, status, title in (
        (NotAllowed, 403, "Not allowed"),
        (NotFound, 404, "Not found"),
        (UserError, 400, "Request refused"),
    ):
        app.add_exception_handler(error, _user_error(status, title))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ())[1:]) or None,
                "message": e.get("msg", ""),
            }
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        if wants_problem(request):
            from parkloop.api.problems import validation_rows

            return problem(422, "Invalid request", detail, validation_rows(list(exc.errors())))
        return _error_page(request, 422, "Invalid request", detail)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail)
        if wants_problem(request):
            shown = dict(exc.headers) if exc.headers else None
            return problem(exc.status_code, detail, detail, headers=shown)
        return _error_page(request, exc.status_code, detail, "")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        if not wants_problem(request):
            return PlainTextResponse("Internal Server Error", status_code=500)
        advice = busy_advice(exc)
        if advice is not None:
            return problem(503, "The database was busy", advice, headers={"Retry-After": "2"})
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return problem(500, "Internal error", "the server failed; its log has the details")


def _user_error(status: int, title: str) -> Any:
    async def handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, UserError)
        if wants_problem(request):
            return _said_problem(request, status, title, exc)
        return _error_page(request, status, title, exc)

    return handler
