"""The change log: one place records who changed what, for every write a service makes."""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy import Connection, select

from parkloop.domain.permissions import Role, Viewer
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
            detail=detail or {},
        )
    )


def recent(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    rows = conn.execute(select(change_log).order_by(change_log.c.id.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]
