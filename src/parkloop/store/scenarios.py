"""SQL for the optimisation scenarios of a park: the runs its operator saved."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from parkloop.store.schema import optimisation_runs


def runs_of_scope(conn: Connection, scope: str, limit: int = 20) -> list[dict[str, Any]]:
    """The newest saved runs of one scope (``park:CODE``, ``region:NAME`` or ``all``)."""
    query = (
        select(optimisation_runs)
        .where(optimisation_runs.c.scope == scope)
        .order_by(optimisation_runs.c.id.desc())
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]
