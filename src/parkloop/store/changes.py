"""The change log: one place records who changed what, for every write a service makes."""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy import Connection, func, select

from parkloop.domain.permissions import Role, Viewer
from parkloop.jsonable import jsonable
from parkloop.store.schema import change_log


def actor() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def actor_of(viewer: Viewer | None) -> str | None:
    """Who a change is logged under: the viewer's name, or the system user for the
    administrator at the command line."""
    if viewer is None or viewer.role is Role.ADMIN:
        return None
    return viewer.name or viewer.role.value


def record(
    conn: Connection,
    action: str,
    object_type: str,
    object_key: str = "",
    park_code: str = "",
    detail: dict[str, Any] | None = None,
    who: str | None = None,
) -> None:
    conn.execute(
        change_log.insert().values(
            actor=who or actor(),
            action=action,
            object_type=object_type,
            object_key=object_key,
            park_code=park_code,
            detail=jsonable(detail or {}),
        )
    )


def record_many(conn: Connection, entries: list[dict[str, Any]], who: str | None = None) -> None:
    """Several entries at once (the records one import changed): each a dict of action,
    object_type, object_key, park_code and detail."""
    if not entries:
        return
    by = who or actor()
    conn.execute(
        change_log.insert(),
        [
            {
                "actor": by,
                "action": e["action"],
                "object_type": e["object_type"],
                "object_key": e.get("object_key", ""),
                "park_code": e.get("park_code", ""),
                "detail": jsonable(e.get("detail") or {}),
            }
            for e in entries
        ],
    )


def recent(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    rows = conn.execute(select(change_log).order_by(change_log.c.id.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]


def of_record(conn: Connection, object_type: str, park_code: str, key: str) -> list[dict[str, Any]]:
    """Every entry about one record, newest first."""
    query = (
        select(change_log)
        .where(
            change_log.c.object_type == object_type,
            change_log.c.park_code == park_code,
            change_log.c.object_key == key,
        )
        .order_by(change_log.c.id.desc())
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def of_import(conn: Connection, park_code: str, file_name: str) -> list[dict[str, Any]]:
    """The entries of the imports of ``file_name`` into a park, newest first."""
    query = (
        select(change_log)
        .where(
            change_log.c.object_type == "sheets",
            change_log.c.park_code == park_code,
            change_log.c.object_key == file_name,
        )
        .order_by(change_log.c.id.desc())
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def of_park(
    conn: Connection, park_code: str | None, limit: int, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """A page of entries of one park (every park: None), newest first, and their count."""
    query = select(change_log)
    counted = select(func.count()).select_from(change_log)
    if park_code is not None:
        query = query.where(change_log.c.park_code == park_code)
        counted = counted.where(change_log.c.park_code == park_code)
    rows = conn.execute(query.order_by(change_log.c.id.desc()).limit(limit).offset(offset))
    return [dict(r._mapping) for r in rows], int(conn.scalar(counted) or 0)
