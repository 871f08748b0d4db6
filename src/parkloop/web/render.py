"""Rendering pages: one Jinja2 environment, with the reader's words, numbers and dates.

Every template gets ``_`` (the words in the reader's language), ``number``, ``percent``,
``date`` and ``moment`` (the one formatter of :mod:`parkloop.formats`), the caller and its
cross-site token. Templates never format a number by hand.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache, partial
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from parkloop import formats
from parkloop.catalog import catalog
from parkloop.domain import enums
from parkloop.services import memo
from parkloop.web.access import Caller, endpoints
from parkloop.web.i18n import gettext, ngettext, said_stage

_ENVIRONMENT: list[Environment] = []
_MAKING = threading.Lock()


def environment() -> Environment:
    """The one Jinja2 environment of the process (its templates compiled once), also when
    a worker's first requests ask for it at the same time."""
    if not _ENVIRONMENT:
        with _MAKING:
            if not _ENVIRONMENT:
                _ENVIRONMENT.append(_make_environment())
    return _ENVIRONMENT[0]


def _make_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("parkloop.web", "templates"),
        autoescape=select_autoescape(("html", "j2")),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = lambda enum, lang: enum.label(lang) if enum is not None else "—"
    return env


def word(lang: str, enum_name: str, value: str) -> str:
    """The reader's label of a value of one of the labelled enums (an exchange status, a
    material class); the value itself when it is not one."""
    kind = getattr(enums, enum_name)
    try:
        return str(kind(value).label(lang))
    except ValueError:
        return value


def material_name(lang: str, code: str | None) -> str:
    """A catalog material's name in the reader's language; the code when it has none."""
    if not code:
        return "—"
    found = catalog().materials.get(code)
    if found is None:
        return code
    return found.name_vi if lang == "vi" else (found.name_en or found.name_vi)


def url_path(request: Request, name: str, **params: Any) -> str:
    """The path of route ``name`` with ``params`` filled in, from a table of the routes'
    paths made once (resolving through the router costs up to a millisecond a link)."""
    template = route_paths(request.app).get(name)
    if template is None or set(params) != set(_PARAM.findall(template)):
        return str(request.app.url_path_for(name, **params))
    root = str(request.scope.get("root_path", ""))
    return root + _PARAM.sub(lambda m: quote(str(params[m.group(1)]), safe=""), template)


_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def route_paths(app: Any) -> dict[str, str]:
    """Route name → path template, for the routes whose parameters are plain segments."""
    paths = getattr(app.state, "route_paths", None)
    if paths is None:
        paths = {
            r.name: path
            for path, r in endpoints(app)
            if getattr(r, "name", None) and ":" not in path
        }
        app.state.route_paths = paths
    return paths


def route_names(app: Any) -> frozenset[str]:
    """Names of the application's routes, so the navigation links only pages that exist."""
    names = getattr(app.state, "route_names", None)
    if names is None:
        names = frozenset(getattr(r, "name", "") for _, r in endpoints(app))
        app.state.route_names = names
    return names


def _number(value: Any, lang: str, digits: int = 0) -> str:
    """:func:`formats.number`, each value written once per process: a page's tables repeat
    the same counts and quantities, and babel takes tens of microseconds a number."""
    kind = value.__class__
    if (kind is int or kind is float) and digits.__class__ is int:
        return _number_of(kind is float, value, lang, digits)
    return formats.number(value, lang, digits)


@lru_cache(maxsize=65536)
def _number_of(is_float: bool, value: float, lang: str, digits: int) -> str:
    return formats.number(value, lang, digits)


def context(request: Request, caller: Caller, **values: Any) -> dict[str, Any]:
    lang = caller.lang
    return {
        "request": request,
        "caller": caller,
        "user": caller.user,
        "viewer": caller.viewer,
        "lang": lang,
        "csrf": caller.csrf,
        "_": partial(gettext, lang),
        "ngettext": partial(ngettext, lang),
        "word": partial(word, lang),
        "stage": partial(said_stage, lang),
        "material": catalog().materials.get,
        "material_name": partial(material_name, lang),
        "number": lambda value, digits=0: _number(value, lang, digits),
        "percent": lambda value, digits=0: formats.percent(value, lang, digits),
        "date": lambda value: formats.date(value, lang),
        "moment": lambda value: formats.moment(value, lang),
        "url": partial(url_path, request),
        "static": lambda path: url_path(request, "static", path=path),
        "routes": route_names(request.app),
        "figures_as_of": memo.figures_as_of(),
        **values,
    }


def page(
    request: Request, caller: Caller, template: str, status_code: int = 200, **values: Any
) -> HTMLResponse:
    """A whole page, or only its ``content`` block when htmx asks for a fragment."""
    env = environment()
    data = context(request, caller, **values)
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "main":
        data["fragment"] = True
    html = env.get_template(template).render(data)
    return HTMLResponse(html, status_code=status_code)
