"""SQL for changing one record at a time (a flow, an offer or want, an organisation, an
exchange) and for the review queue of materials read from words with too little
confidence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, case, delete, func, select, update

from parkloop.domain.permissions import Viewer
from parkloop.store.permissions import visible
from parkloop.store.schema import exchanges, flows, listings, organisations, parks

TABLES: dict[str, Table] = {
    "flow": flows,
    "listing": listings,
    "exchange": exchanges,
    "organisation": organisations,
}


def owned_row(conn: Connection, kind: str, row_id: int) -> dict[str, Any] | None:
    """One row with its park code (and its organisation's code, for owned records)."""
    table = TABLES[kind]
    query = (
        select(
            table,
            parks.c.code.label("park_code"),
            parks.c.name_vi.label("park_name_vi"),
            parks.c.name_en.label("park_name_en"),
        )
        .select_from(table)
        .join(parks, parks.c.id == table.c.park_id)
        .where(table.c.id == row_id)
    )
    if "org_id" in table.c:
        query = query.add_columns(
            organisations.c.code.label("org_code"),
            organisations.c.vsic.label("org_vsic"),
            organisations.c.name_vi.label("org_name_vi"),
            organisations.c.name_en.label("org_name_en"),
        ).join(organisations, organisations.c.id == table.c.org_id)
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def organisation(conn: Connection, park_code: str, code: str) -> dict[str, Any] | None:
    query = (
        select(organisations, parks.c.code.label("park_code"))
        .join(parks, parks.c.id == organisations.c.park_id)
        .where(parks.c.code == park_code, organisations.c.code == code)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


def exchange_by_key(conn: Connection, park_code: str, key: str) -> int | None:
    return conn.scalar(
        select(exchanges.c.id)
        .join(parks, parks.c.id == exchanges.c.park_id)
        .where(parks.c.code == park_code, exchanges.c.key == key)
    )


def change(conn: Connection, kind: str, row_id: int, values: Mapping[str, Any]) -> None:
    table = TABLES[kind]
    conn.execute(update(table).where(table.c.id == row_id).values(**values))


def remove(conn: Connection, kind: str, row_id: int) -> None:
    table = TABLES[kind]
    conn.execute(delete(table).where(table.c.id == row_id))


def counts_of(conn: Connection, org_id: int) -> dict[str, int]:
    """How many records an organisation owns or takes part in."""
    return {
        "flows": conn.scalar(select(func.count()).where(flows.c.org_id == org_id)) or 0,
        "listings": conn.scalar(select(func.count()).where(listings.c.org_id == org_id)) or 0,
        "exchanges": conn.scalar(
            select(func.count()).where(
                (exchanges.c.supplier_id == org_id) | (exchanges.c.receiver_id == org_id)
            )
        )
        or 0,
    }


def unclassified(
    conn: Connection, park_code: str, viewer: Viewer, include_doubtful: float | None = None
) -> list[dict[str, Any]]:
    """Flows and offers or wants of a park whose material awaits a person's decision
    (and, with ``include_doubtful``, those read with less confidence than that)."""
    out: list[dict[str, Any]] = []
    for kind, table in (("flow", flows), ("listing", listings)):
        doubtful = table.c.material_code == "unclassified"
        if include_doubtful is not None:
            doubtful = doubtful | (table.c.material_confidence < include_doubtful)
        query = (
            select(
                table.c.id,
                table.c.key,
                table.c.material_code,
                table.c.material_text,
                table.c.material_confidence,
                table.c.material_basis,
                table.c.material_suggestions,
                table.c.entered_quantity,
                table.c.entered_unit,
                table.c.quantity,
                table.c.unit,
                organisations.c.code.label("org_code"),
                organisations.c.name_vi.label("org_name"),
            )
            .join(parks, parks.c.id == table.c.park_id)
            .join(organisations, organisations.c.id == table.c.org_id)
            .where(parks.c.code == park_code, doubtful, visible(viewer, table))
            .order_by(table.c.material_text, table.c.id)
        )
        out.extend({"kind": kind, **dict(r)} for r in conn.execute(query).mappings())
    return out


def inventory_quality(
    conn: Connection, park_ids: list[int], year: int | None = None, viewer: Viewer | None = None
) -> dict[str, int]:
    """How many flows of the parks (in ``year``) that ``viewer`` may see await a material,
    and how many prices are the staff's own or filled from the catalog."""
    where = [flows.c.park_id.in_(park_ids)]
    if viewer is not None:
        where.append(visible(viewer, flows))
    if year is not None:
        where.append(flows.c.year == year)
    unclassified = func.sum(case((flows.c.material_code == "unclassified", 1), else_=0))
    filled = func.sum(case((flows.c.price_status == "estimate", 1), else_=0))
    reported = func.sum(case((flows.c.price_status == "reported", 1), else_=0))
    row = conn.execute(select(func.count(), unclassified, filled, reported).where(*where)).one()
    return {
        "flows": int(row[0] or 0),
        "unclassified": int(row[1] or 0),
        "prices_filled": int(row[2] or 0),
        "prices_reported": int(row[3] or 0),
    }
