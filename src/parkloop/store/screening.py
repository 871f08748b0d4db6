"""SQL for screening: the registry's firms of a scope with their sector, size and place,
and whether each has declared inputs and outputs for a year."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, func, select

from parkloop.matching.screening import Firm
from parkloop.store.schema import flows, listings, organisations, parks


def registry_firms(conn: Connection, park_ids: Sequence[int], year: int) -> list[Firm]:
    """Every organisation of the parks with a sector recorded: its VSIC code, employees,
    place (its own, else its park's), and whether it declares inputs and outputs — a flow
    of that direction in ``year`` or an open want or offer."""
    ids = list(park_ids)
    declared = {
        (org, direction)
        for org, direction in conn.execute(
            select(flows.c.org_id, flows.c.direction)
            .where(flows.c.park_id.in_(ids), flows.c.year == year)
            .group_by(flows.c.org_id, flows.c.direction)
        )
    }
    for org, kind in conn.execute(
        select(listings.c.org_id, listings.c.kind)
        .where(listings.c.park_id.in_(ids), listings.c.status == "open")
        .group_by(listings.c.org_id, listings.c.kind)
    ):
        declared.add((org, "out" if kind == "offer" else "in"))
    query = (
        select(
            organisations.c.id,
            organisations.c.park_id,
            organisations.c.vsic,
            organisations.c.employees,
            func.coalesce(organisations.c.lat, parks.c.lat),
            func.coalesce(organisations.c.lon, parks.c.lon),
        )
        .join(parks, parks.c.id == organisations.c.park_id)
        .where(organisations.c.park_id.in_(ids), organisations.c.vsic != "")
        .order_by(organisations.c.id)
    )
    return [
        Firm(
            org=int(oid),
            park=int(park_id),
            vsic=str(vsic).strip(),
            employees=int(employees) if employees is not None else None,
            lat=float(lat) if lat is not None else None,
            lon=float(lon) if lon is not None else None,
            declares_inputs=(oid, "in") in declared,
            declares_outputs=(oid, "out") in declared,
        )
        for oid, park_id, vsic, employees, lat, lon in conn.execute(query)
    ]
