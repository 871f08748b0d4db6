"""Bulk writes of imported sheets: upserts by natural key, with codes resolved to ids."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, String, Table, select

from parkloop.store.schema import (
    exchanges,
    flows,
    land_use,
    listings,
    organisations,
    parks,
    recp_measures,
)
from parkloop.store.sql import upsert

TABLES: dict[str, Table] = {
    "parks": parks,
    "land_use": land_use,
    "organisations": organisations,
    "flows": flows,
    "listings": listings,
    "exchanges": exchanges,
    "recp_measures": recp_measures,
}

# The unique key each table is upserted on.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "parks": ("code",),
    "land_use": ("park_id", "land_class"),
    "organisations": ("park_id", "code"),
    "flows": ("park_id", "key"),
    "listings": ("park_id", "key"),
    "exchanges": ("park_id", "key"),
    "recp_measures": ("park_id", "key"),
}


def text_limit(table_name: str, column: str) -> int | None:
    """The longest text a column holds, so input can be checked before it is written."""
    col = TABLES[table_name].c[column]
    return col.type.length if isinstance(col.type, String) else None


def park_ids(conn: Connection, codes: Iterable[str] | None = None) -> dict[str, int]:
    query = select(parks.c.code, parks.c.id)
    if codes is not None:
        query = query.where(parks.c.code.in_(sorted(set(codes))))
    return {code: pid for code, pid in conn.execute(query)}


def _by_organisation(conn: Connection, park_codes: Iterable[str], column: str) -> dict[Any, Any]:
    query = (
        select(parks.c.code, organisations.c.code, organisations.c[column])
        .join(parks, parks.c.id == organisations.c.park_id)
        .where(parks.c.code.in_(sorted(set(park_codes))))
    )
    return {(p, o): value for p, o, value in conn.execute(query)}


def organisation_kinds(conn: Connection, park_codes: Iterable[str]) -> dict[tuple[str, str], str]:
    """(park code, organisation code) -> kind, for the given parks."""
    return _by_organisation(conn, park_codes, "kind")


def organisation_ids(conn: Connection, park_codes: Iterable[str]) -> dict[tuple[str, str], int]:
    """(park code, organisation code) -> id, for the given parks."""
    return _by_organisation(conn, park_codes, "id")


def existing_keys(
    conn: Connection, table_name: str, park_codes: Iterable[str]
) -> set[tuple[str, str]]:
    """Natural keys already stored, as (park code, key) pairs; parks as (code, '')."""
    codes = sorted(set(park_codes))
    if table_name == "parks":
        return {(c, "") for c in conn.scalars(select(parks.c.code).where(parks.c.code.in_(codes)))}
    table = TABLES[table_name]
    second = {"land_use": "land_class", "organisations": "code"}.get(table_name, "key")
    query = (
        select(parks.c.code, table.c[second])
        .join(parks, parks.c.id == table.c.park_id)
        .where(parks.c.code.in_(codes))
    )
    return {(p, k) for p, k in conn.execute(query)}


def upsert_rows(
    conn: Connection,
    table_name: str,
    rows: Sequence[Mapping[str, Any]],
    update: Iterable[str],
) -> None:
    """Insert rows, updating only the ``update`` columns of rows whose key exists."""
    key = NATURAL_KEYS[table_name]
    upsert(conn, TABLES[table_name], rows, key=key, update=[c for c in update if c not in key])
