"""Parks, land use and organisations (enterprises and partners)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from parkloop.domain.enums import DataStatus, LandUseClass, OrgKind, RecpStatus
from parkloop.domain.models import Enterprise, LandUse, Location, Organisation, Park, Partner
from parkloop.store.schema import land_use, organisations, parks


def _location(row: Mapping[str, Any]) -> Location | None:
    if row["lat"] is None or row["lon"] is None:
        return None
    return Location(row["lat"], row["lon"])


def park_from_row(row: Mapping[str, Any], uses: Iterable[Mapping[str, Any]] = ()) -> Park:
    return Park(
        id=row["id"],
        code=row["code"],
        name_vi=row["name_vi"],
        name_en=row["name_en"],
        country=row["country"],
        province=row["province"],
        region=row["region"],
        location=_location(row),
        boundary_geojson=row["boundary_geojson"],
        total_area_ha=row["total_area_ha"],
        wwtp_capacity_m3_per_day=row["wwtp_capacity_m3_per_day"],
        operator=row["operator"],
        established_year=row["established_year"],
        notes=row["notes"],
        data_status=DataStatus(row["data_status"]),
        source=row["source"],
        land_use=[
            LandUse(
                land_class=LandUseClass(u["land_class"]),
                area_ha=u["area_ha"],
                data_status=DataStatus(u["data_status"]),
                source=u["source"],
            )
            for u in uses
        ],
    )


def get_park(conn: Connection, code: str) -> Park | None:
    row = conn.execute(select(parks).where(parks.c.code == code)).mappings().first()
    if row is None:
        return None
    uses = conn.execute(
        select(land_use).where(land_use.c.park_id == row["id"]).order_by(land_use.c.land_class)
    ).mappings()
    return park_from_row(row, list(uses))


def list_parks(conn: Connection, region: str | None = None) -> list[Park]:
    query = select(parks).order_by(parks.c.code)
    if region:
        query = query.where(parks.c.region == region)
    rows = conn.execute(query).mappings().all()
    uses: dict[int, list[Mapping[str, Any]]] = {}
    for u in conn.execute(select(land_use).order_by(land_use.c.land_class)).mappings():
        uses.setdefault(u["park_id"], []).append(u)
    return [park_from_row(r, uses.get(r["id"], [])) for r in rows]


def park_ids(conn: Connection, codes: Iterable[str] | None = None) -> dict[str, int]:
    query = select(parks.c.code, parks.c.id)
    if codes is not None:
        query = query.where(parks.c.code.in_(list(codes)))
    return {code: pid for code, pid in conn.execute(query)}


def organisation_from_row(row: Mapping[str, Any], park_code: str) -> Organisation:
    common = {
        "id": row["id"],
        "park_id": row["park_id"],
        "park_code": park_code,
        "code": row["code"],
        "name_vi": row["name_vi"],
        "name_en": row["name_en"],
        "location": _location(row),
        "inside_park": bool(row["inside_park"]),
        "notes": row["notes"],
        "data_status": DataStatus(row["data_status"]),
        "source": row["source"],
    }
    kind = OrgKind(row["kind"])
    if kind is OrgKind.ENTERPRISE:
        return Enterprise(
            **common,
            tax_code=row["tax_code"],
            vsic=row["vsic"],
            employees=row["employees"],
            certifications=list(row["certifications"] or []),
            recp_status=RecpStatus(row["recp_status"]),
            clubs=list(row["clubs"] or []),
            plans_symbiosis=bool(row["plans_symbiosis"]),
        )
    return Partner(**common, kind=kind)


def list_organisations(
    conn: Connection, park_code: str, kinds: Iterable[OrgKind] | None = None
) -> list[Organisation]:
    query = (
        select(organisations)
        .join(parks, parks.c.id == organisations.c.park_id)
        .where(parks.c.code == park_code)
        .order_by(organisations.c.kind != "enterprise", organisations.c.code)
    )
    if kinds is not None:
        query = query.where(organisations.c.kind.in_([k.value for k in kinds]))
    return [organisation_from_row(r, park_code) for r in conn.execute(query).mappings()]


def list_enterprises(conn: Connection, park_code: str) -> list[Enterprise]:
    return [
        o
        for o in list_organisations(conn, park_code, [OrgKind.ENTERPRISE])
        if isinstance(o, Enterprise)
    ]


def organisation_ids(conn: Connection) -> dict[tuple[str, str], int]:
    """(park code, organisation code) -> organisation id, for resolving references."""
    query = select(parks.c.code, organisations.c.code, organisations.c.id).join(
        parks, parks.c.id == organisations.c.park_id
    )
    return {(p, o): oid for p, o, oid in conn.execute(query)}


def organisation_refs(conn: Connection) -> dict[int, tuple[str, str]]:
    """organisation id -> (park code, organisation code)."""
    return {oid: key for key, oid in organisation_ids(conn).items()}
