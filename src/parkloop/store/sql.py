"""Small SQL helpers shared by the repositories; dialect differences live here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

BATCH = 5000


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: Sequence[str],
    update: Iterable[str] | None = None,
) -> None:
    """Insert rows, updating the named columns where the key already exists."""
    if not rows:
        return
    dialect = conn.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    columns = list(update) if update is not None else [c for c in rows[0] if c not in key]
    for start in range(0, len(rows), BATCH):
        stmt = insert(table)
        chunk = list(rows[start : start + BATCH])
        if columns:
            stmt = stmt.on_conflict_do_update(
                index_elements=list(key), set_={c: stmt.excluded[c] for c in columns}
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
        conn.execute(stmt, chunk)


def insert_many(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        conn.execute(table.insert(), list(rows[start : start + BATCH]))
