"""SQL of the monthly input/output records of enterprises (criterion 7)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, delete, insert, select, update

from parkloop.store.schema import io_records, organisations, parks

KEY = ("org_id", "year", "month", "stream", "item")


def park_id(conn: Connection, park_code: str) -> int | None:
    return conn.scalar(select(parks.c.id).where(parks.c.code == park_code))


def organisations_of(conn: Connection, park_id: int) -> list[RowMapping]:
    """The park's enterprises (inside the park) with their ids and names."""
    return list(
        conn.execute(
            select(
                organisations.c.id,
                organisations.c.code,
                organisations.c.name_vi,
                organisations.c.name_en,
                organisations.c.kind,
                organisations.c.inside_park,
            )
            .where(organisations.c.park_id == park_id)
            .order_by(organisations.c.code)
        ).mappings()
    )


def save(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> tuple[int, int, int]:
    """Add each record, or change the one of the same enterprise, month, stream and item.
    Returns (added, changed, unchanged)."""
    added = changed = same = 0
    for row in rows:
        where = and_(*(io_records.c[k] == row[k] for k in KEY))
        known = conn.execute(select(io_records).where(where)).mappings().first()
        if known is None:
            conn.execute(insert(io_records).values(**row))
            added += 1
            continue
        differ = {k: v for k, v in row.items() if k != "changed_by" and known[k] != v}
        if differ:
            conn.execute(
                update(io_records)
                .where(io_records.c.id == known["id"])
                .values(**differ, changed_by=row.get("changed_by", ""))
            )
            changed += 1
        else:
            same += 1
    return added, changed, same


def records(
    conn: Connection, park_id: int, year: int | None = None, org_ids: Iterable[int] | None = None
) -> list[RowMapping]:
    query = (
        select(
            io_records,
            organisations.c.code.label("org_code"),
            organisations.c.name_vi.label("org_name_vi"),
            organisations.c.name_en.label("org_name_en"),
        )
        .join(organisations, organisations.c.id == io_records.c.org_id)
        .where(io_records.c.park_id == park_id)
        .order_by(
            organisations.c.code,
            io_records.c.year,
            io_records.c.month,
            io_records.c.stream,
            io_records.c.item,
        )
    )
    if year is not None:
        query = query.where(io_records.c.year == year)
    if org_ids is not None:
        query = query.where(io_records.c.org_id.in_(list(org_ids)))
    return list(conn.execute(query).mappings())


def month_streams(conn: Connection, park_id: int, year: int) -> list[tuple[int, int, str]]:
    """(organisation id, month, stream) of every record of the year: what completeness
    needs, without the quantities."""
    return [
        (r.org_id, r.month, r.stream)
        for r in conn.execute(
            select(io_records.c.org_id, io_records.c.month, io_records.c.stream).where(
                io_records.c.park_id == park_id, io_records.c.year == year
            )
        )
    ]


def record(conn: Connection, record_id: int) -> RowMapping | None:
    return conn.execute(select(io_records).where(io_records.c.id == record_id)).mappings().first()


def remove(conn: Connection, record_id: int) -> None:
    conn.execute(delete(io_records).where(io_records.c.id == record_id))
