"""What the endpoints share: pages of a list with their total and links, ETags for
conditional requests (``If-None-Match`` answered with 304), and when a record last
changed, read from the change log through the history service.

A record's representation depends on who asks (the permission filter), so every answer
is ``private``: caches may keep it only for the one caller, and must ask again (with the
ETag) before using it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Header, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from parkloop.domain.permissions import Viewer
from parkloop.errors import UserError
from parkloop.services import history

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 10**9
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
JSON = "application/json"

T = TypeVar("T")
Item = TypeVar("Item")


class Page(BaseModel, Generic[T]):
    """One page of a list: its items, how many there are in all, and where the page is."""

    items: list[T]
    total: int = Field(description="How many items the list holds, over all pages")
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="How many items a page holds")
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="How many items to skip")] = 0,
) -> Paging:
    return Paging(limit, offset)


def record_id(what: str) -> Any:
    """A record's id in a path."""
    return Path(ge=1, le=MAX_ID, description=f"The {what}'s id")


IfNoneMatch = Annotated[
    str | None,
    Header(
        description="ETags of representations already held; 304 Not Modified if one of "
        "them is current",
        max_length=2000,
    ),
]
UpdatedSince = Annotated[
    dt.datetime | None,
    Query(
        description="Only records changed at or after this time (ISO 8601; UTC when no "
        "zone is given). Records whose change time is not known are always included."
    ),
]

HEADERS_OF_ONE = {
    "ETag": {
        "description": "The representation's tag, for If-None-Match",
        "schema": {"type": "string"},
    },
}
HEADERS_OF_LIST = {
    **HEADERS_OF_ONE,
    "Link": {
        "description": "RFC 8288 links to the first, previous, next and last pages",
        "schema": {"type": "string"},
    },
    "X-Total-Count": {
        "description": "How many items the list holds, over all pages",
        "schema": {"type": "integer"},
    },
}
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the ETag sent in If-None-Match is current"}
}


def one_responses() -> dict[int | str, dict[str, Any]]:
    return {200: {"headers": HEADERS_OF_ONE}, **NOT_MODIFIED}


def list_responses() -> dict[int | str, dict[str, Any]]:
    return {200: {"headers": HEADERS_OF_LIST}, **NOT_MODIFIED}


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    sent = [t.strip() for t in if_none_match.split(",")]
    bare = etag.removeprefix("W/")
    return any(t == "*" or t.removeprefix("W/") == bare for t in sent)


def _private(headers: dict[str, str]) -> dict[str, str]:
    headers["Cache-Control"] = "private, no-cache"
    headers["Vary"] = "Authorization, Cookie"
    return headers


def send(
    model: BaseModel,
    if_none_match: str | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """``model`` as JSON with its ETag; 304 without a body when ``If-None-Match`` names it."""
    body = model.model_dump_json().encode()
    etag = etag_of(body)
    sent = _private({**(headers or {}), "ETag": etag})
    if status_code == 200 and _matches(if_none_match, etag):
        return Response(status_code=304, headers=sent)
    return Response(body, status_code=status_code, media_type=JSON, headers=sent)


def send_page(
    request: Request,
    page_type: type[Page[Item]],
    items: Sequence[Any],
    convert: Callable[[Any], Item],
    at: Paging,
    if_none_match: str | None,
    **extra: Any,
) -> Response:
    """One page of ``items`` (each turned into its model by ``convert``) with the list's
    total, ``Link`` and ``X-Total-Count`` headers and an ETag."""
    total = len(items)
    shown = [convert(x) for x in items[at.offset : at.offset + at.limit]]
    page = page_type(items=shown, total=total, limit=at.limit, offset=at.offset, **extra)
    return send(
        page,
        if_none_match,
        headers={"Link": links(request, total, at), "X-Total-Count": str(total)},
    )


def links(request: Request, total: int, at: Paging) -> str:
    """RFC 8288 links to the first, previous, next and last pages of a list."""

    def url(offset: int) -> str:
        return str(request.url.include_query_params(limit=at.limit, offset=offset))

    last = max((total - 1) // at.limit * at.limit, 0)
    found = [(url(0), "first")]
    if at.offset > 0:
        found.append((url(max(min(at.offset - at.limit, last), 0)), "prev"))
    if at.offset + at.limit < total:
        found.append((url(at.offset + at.limit), "next"))
    found.append((url(last), "last"))
    return ", ".join(f'<{u}>; rel="{rel}"' for u, rel in found)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A time with its zone; the database's times without one are UTC."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def last_changed(
    engine: Engine, kind: str, row_id: int | None, viewer: Viewer
) -> dt.datetime | None:
    """When a record last changed, by its history as ``viewer`` may read it (None when
    the log says nothing of it, or not to this viewer)."""
    if row_id is None:
        return None
    try:
        entries = history.record_history(engine, kind, row_id, viewer)
    except UserError:
        return None
    times = [t for e in entries if (t := aware(e.get("at"))) is not None]
    return max(times, default=None)


def changed_since(
    engine: Engine,
    kind: str,
    items: Sequence[Item],
    row_id: Callable[[Item], int | None],
    since: dt.datetime | None,
    viewer: Viewer,
) -> tuple[list[Item], dict[int, dt.datetime | None]]:
    """``items`` changed at or after ``since`` (all of them when it is None), and the
    change time of each of those kept; a record whose time is not known is kept."""
    if since is None:
        return list(items), {}
    since = aware(since)
    assert since is not None
    kept: list[Item] = []
    times: dict[int, dt.datetime | None] = {}
    for item in items:
        key = row_id(item)
        at = last_changed(engine, kind, key, viewer)
        if at is None or at >= since:
            kept.append(item)
            if key is not None:
                times[key] = at
    return kept, times


def words(*parts: Any) -> str:
    """Text to search in, folded."""
    return " ".join(str(p) for p in parts if p).casefold()


def wanted(text: str) -> str:
    return " ".join(text.split()).casefold()
