"""The REST API, version 1: thin routers over the same services as the pages and the
command line, with the same permission filter (the caller's viewer).

Its OpenAPI description (``/api/v1/openapi.json``) holds the API's own operations only,
each with the problem documents (RFC 9457) it may answer with.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi

from parkloop.api import (
    account,
    assessments,
    enterprises,
    exchanges,
    flows,
    history,
    jobs,
    listings,
    matches,
    monitoring,
    parks,
)
from parkloop.api.problems import PROBLEM, Problem, responses

router = APIRouter()
router.include_router(account.router)
router.include_router(parks.router)
router.include_router(enterprises.router)
router.include_router(flows.router)
router.include_router(listings.router)
router.include_router(matches.router)
router.include_router(exchanges.router)
router.include_router(assessments.router)
router.include_router(jobs.router)
router.include_router(history.router)
router.include_router(monitoring.router)

# Problems any operation may answer with; some declare others (409, 413) themselves.
PROBLEMS = (400, 401, 403, 404, 422, 503)
SECURITY = {
    "token": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (plk_...) from `parkloop tokens create` or the account "
        "page. A browser's session cookie works as well; it needs the X-CSRF-Token header on "
        "POST, PATCH and DELETE.",
    }
}


def install_openapi(app: FastAPI, prefix: str) -> None:
    """Make ``app.openapi()`` describe the API (``router``, served under ``prefix``) only."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        api_only = APIRouter()
        api_only.include_router(router, prefix=prefix)
        doc = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=api_only.routes,
        )
        doc["paths"] = {p: ops for p, ops in doc["paths"].items() if p.startswith(prefix + "/")}
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem.pop("$defs", {}))
        schemas["Problem"] = problem
        standard = responses(*PROBLEMS)
        for operations in doc["paths"].values():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                for status, described in standard.items():
                    answers[str(status)] = described
                operation["security"] = [{"token": []}, {}]
        used = _used(doc["paths"], schemas)
        doc["components"]["schemas"] = {k: v for k, v in schemas.items() if k in used}
        doc["components"]["securitySchemes"] = SECURITY
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                yield item.rsplit("/", 1)[-1]
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _used(paths: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    """The component schemas the paths refer to, directly or through each other."""
    found: set[str] = set()
    todo = list(_refs(paths))
    while todo:
        name = todo.pop()
        if name in found or name not in schemas:
            continue
        found.add(name)
        todo.extend(_refs(schemas[name]))
    return found


__all__ = ["PROBLEM", "install_openapi", "router"]
