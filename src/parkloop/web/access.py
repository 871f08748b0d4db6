"""Who is calling, and what a route lets them do: declared once per route.

Every page and endpoint takes exactly one of the dependencies below (``anyone``,
``signed_in``, ``facilitator``, ``operator``, ``admin``). Each resolves the caller from the
session cookie or an API token and hands the handler a :class:`Caller` whose ``viewer``
every service filters by, so a handler never decides confidentiality itself. A test walks
the routes and fails for one without a declared access. A route of one park (its path
names the park ``code``) refuses an authority of a province or a region for a park
outside it.

Forms are protected against cross-site requests by a double-submit token: a random
``parkloop_csrf`` cookie (HttpOnly, SameSite=Lax) whose value every form and every htmx
request sends back (field ``csrf`` or header ``X-CSRF-Token``). Requests authenticated by
an API token carry no cookies and need none.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fastapi import Request

from parkloop.domain.permissions import Role, Viewer
from parkloop.errors import NotAllowed, msg
from parkloop.services import accounts, memo
from parkloop.store.accounts import User
from parkloop.web.i18n import LANGS

SESSION_COOKIE = "parkloop_session"
CSRF_COOKIE = "parkloop_csrf"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Who may open the pages of assessments, RECP measures and scenarios run for a park.
PRACTITIONERS = frozenset({Role.FACILITATOR, Role.OPERATOR, Role.ADMIN})


class Access(StrEnum):
    ANYONE = "anyone"  # no account needed; sees what the public sees
    SIGNED_IN = "signed_in"  # any account; sees what its role sees
    FACILITATOR = "facilitator"  # a facilitator, a park operator or the administrator
    OPERATOR = "operator"  # a park operator or the administrator
    ADMIN = "admin"  # the administrator only


class SignInNeeded(Exception):
    """No valid session or token where one is needed: pages redirect to the sign-in page,
    the API answers 401."""


class CsrfRefused(Exception):
    """A form or request without the cross-site token of this browser."""


@dataclass(frozen=True, slots=True)
class Caller:
    user: User | None
    viewer: Viewer
    via: str  # "session", "token" or "anonymous"
    csrf: str  # the token forms must send back ("" for API tokens)
    lang: str

    @property
    def signed_in(self) -> bool:
        return self.user is not None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None


def csrf_token(request: Request) -> str:
    """This browser's cross-site token: the cookie's, or a new one the response sets."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", "")
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def language(request: Request, user: User | None) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("parkloop_lang")
    if chosen in ("vi", "en"):
        return chosen
    return user.lang if user is not None else "vi"


def reader_language(request: Request) -> str:
    """The language of a script's answer (a problem document): ``?lang=``, else the first
    of Vietnamese and English the request's Accept-Language prefers, else the caller's
    (the session's or the account's language), else Vietnamese."""
    chosen = request.query_params.get("lang")
    if chosen in LANGS:
        return chosen
    accepted = accepted_language(request.headers.get("accept-language", ""))
    if accepted is not None:
        return accepted
    caller = getattr(request.state, "caller", None)
    if isinstance(caller, Caller):
        return caller.lang
    return language(request, None)


def accepted_language(header: str) -> str | None:
    """The language parkloop speaks that an Accept-Language header prefers (None: neither)."""
    best: tuple[float, str] | None = None
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        if lang not in LANGS:
            continue
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0 and (best is None or weight > best[0]):
            best = (weight, lang)
    return best[1] if best is not None else None


async def _check_csrf(request: Request, expected: str) -> None:
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf")
            sent = value if isinstance(value, str) else ""
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise CsrfRefused()


async def resolve(request: Request) -> Caller:
    """The caller of ``request``: by API token, else by session cookie, else anonymous."""
    cached = getattr(request.state, "caller", None)
    if isinstance(cached, Caller):
        return cached
    if request.method in ("GET", "HEAD"):
        memo.remember_reads()  # a page's repeated registry reads, once per request
    # Who is signed in is read (and a session's last use written) on the primary.
    engine = request.app.state.primary
    authorization = request.headers.get("authorization", "")
    user: User | None = None
    via = "anonymous"
    if authorization.lower().startswith("bearer "):
        user = accounts.token_user(engine, authorization[7:].strip())
        if user is None:
            raise SignInNeeded()
        via = "token"
    else:
        session = request.cookies.get(SESSION_COOKIE, "")
        if session:
            user = accounts.session_user(engine, session)
            via = "session" if user is not None else "anonymous"
    csrf = "" if via == "token" else csrf_token(request)
    if request.method in UNSAFE and via != "token":
        await _check_csrf(request, request.cookies.get(CSRF_COOKIE, ""))
    viewer = accounts.viewer_of(user) if user is not None else Viewer(Role.PUBLIC, name="public")
    caller = Caller(user, viewer, via, csrf, language(request, user))
    if user is not None:
        memo.remember_reader(viewer)
    request.state.caller = caller
    return caller


def _dependency(access: Access) -> Callable[[Request], Awaitable[Caller]]:
    async def dependency(request: Request) -> Caller:
        caller = await resolve(request)
        park = request.path_params.get("code")
        if caller.viewer.scope is not None and isinstance(park, str):
            accounts.require_in_scope(request.app.state.engine, caller.user, caller.viewer, park)
        if access is Access.ANYONE:
            return caller
        if caller.user is None:
            raise SignInNeeded()
        role = caller.viewer.role
        if access is Access.FACILITATOR and role not in PRACTITIONERS:
            raise NotAllowed(
                msg("only a facilitator, a park operator or the administrator may open this")
            )
        if access is Access.OPERATOR and role not in (Role.OPERATOR, Role.ADMIN):
            raise NotAllowed(msg("only a park operator or the administrator may open this"))
        if access is Access.ADMIN and role is not Role.ADMIN:
            raise NotAllowed(msg("only the administrator may open this"))
        return caller

    dependency.access = access  # type: ignore[attr-defined]
    dependency.__name__ = f"access_{access.value}"
    return dependency


anyone = _dependency(Access.ANYONE)
signed_in = _dependency(Access.SIGNED_IN)
facilitator = _dependency(Access.FACILITATOR)
operator = _dependency(Access.OPERATOR)
admin = _dependency(Access.ADMIN)


def declared_access(route: Any) -> list[Access]:
    """The access levels a route declares (a test requires exactly one)."""
    found: list[Access] = []

    def walk(dependant: Any) -> None:
        for dep in dependant.dependencies:
            level = getattr(dep.call, "access", None)
            if isinstance(level, Access):
                found.append(level)
            walk(dep)

    dependant = getattr(route, "dependant", None)
    if dependant is not None:
        walk(dependant)
    return found


def endpoints(app: Any) -> list[tuple[str, Any]]:
    """Every route of ``app`` with its full path, routers included in routers flattened
    (FastAPI keeps an included router as one entry that holds its routes)."""
    found: list[tuple[str, Any]] = []

    def walk(items: Any, prefix: str) -> None:
        for item in items:
            inner = getattr(item, "original_router", None)
            if inner is not None:
                context = getattr(item, "include_context", None)
                walk(inner.routes, prefix + getattr(context, "prefix", ""))
            elif hasattr(item, "path"):
                found.append((prefix + item.path, item))

    walk(app.routes, "")
    return found
