"""Flows, offers and wants, RECP measures: what each organisation takes in and gives out."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, Text, cast, select

from parkloop.domain.enums import (
    Confidentiality,
    DataStatus,
    Destination,
    Direction,
    Frequency,
    ListingKind,
    ListingStatus,
    RecpCategory,
)
from parkloop.domain.models import (
    Flow,
    Listing,
    Period,
    PriceOrigin,
    Quantity,
    RecpMeasure,
    StaffWords,
)
from parkloop.domain.permissions import Viewer
from parkloop.store.permissions import visible
from parkloop.store.schema import flows, listings, organisations, parks, recp_measures


def _quantity(row: Mapping[str, Any]) -> Quantity:
    return Quantity(
        value=row["quantity"],
        unit=row["unit"],
        entered_value=row["entered_quantity"],
        entered_unit=row["entered_unit"],
    )


def words_from_row(row: Mapping[str, Any]) -> StaffWords:
    return StaffWords(
        text=row["material_text"],
        confidence=row["material_confidence"],
        basis=row["material_basis"],
        suggestions=_suggestions(row["material_suggestions"]),
    )


def _suggestions(value: Any) -> tuple[str, ...]:
    """The suggested material codes, from the JSON column read as it is or as its text
    (lists read as text repeat a lot, and decoding each costs a large list of flows
    more than building its flows)."""
    if isinstance(value, str):
        return _decoded(value)
    return tuple(value or ())


@lru_cache(maxsize=4096)
def _decoded(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text) or ())


# Enum members by value: a dictionary look-up instead of the enum's call, once per column
# of every row of a large list.
_DIRECTIONS = {m.value: m for m in Direction}
_FREQUENCIES = {m.value: m for m in Frequency}
_DESTINATIONS = {m.value: m for m in Destination}
_CONFIDENTIALITY = {m.value: m for m in Confidentiality}
_DATA_STATUSES = {m.value: m for m in DataStatus}


def _member(members: Mapping[Any, Any], kind: Any, value: Any) -> Any:
    found = members.get(value)
    return found if found is not None else kind(value)


def price_from_row(row: Mapping[str, Any]) -> PriceOrigin:
    return PriceOrigin(row["price_status"], row["price_source"])


def flow_from_row(row: Mapping[str, Any]) -> Flow:
    return Flow(
        id=row["id"],
        park_code=row["park_code"],
        org_code=row["org_code"],
        key=row["key"],
        period=Period(
            year=row["year"], months=row["period_months"], first_month=row["first_month"]
        ),
        direction=_member(_DIRECTIONS, Direction, row["direction"]),
        material_code=row["material_code"],
        quantity=_quantity(row),
        description=row["description"],
        waste_code=row["waste_code"],
        frequency=_member(_FREQUENCIES, Frequency, row["frequency"]),
        quality=row["quality"],
        price_vnd_per_unit=row["price_vnd_per_unit"],
        destination=_member(_DESTINATIONS, Destination, row["destination"])
        if row["destination"]
        else None,
        confidentiality=_member(_CONFIDENTIALITY, Confidentiality, row["confidentiality"]),
        data_status=_member(_DATA_STATUSES, DataStatus, row["data_status"]),
        source=row["source"],
        note=row["note"],
        material_words=words_from_row(row),
        destination_text=row["destination_text"],
        price_origin=price_from_row(row),
    )


def _with_owner(table: Any) -> Select[Any]:
    columns = [
        cast(c, Text).label(c.name) if c.name == "material_suggestions" else c for c in table.c
    ]
    return (
        select(
            *columns,
            parks.c.code.label("park_code"),
            organisations.c.code.label("org_code"),
            organisations.c.name_vi.label("org_name"),
        )
        .select_from(table)
        .join(parks, parks.c.id == table.c.park_id)
        .join(organisations, organisations.c.id == table.c.org_id)
    )


def list_flows(
    conn: Connection,
    park_code: str | None = None,
    viewer: Viewer | None = None,
    year: int | None = None,
    org_code: str | None = None,
    org_codes: Collection[str] | None = None,
) -> list[Flow]:
    """Flows of a park (of one year; of one organisation, or of those of ``org_codes``)
    that ``viewer`` may see, by park, organisation and key."""
    query = _with_owner(flows).order_by(parks.c.code, organisations.c.code, flows.c.key)
    if park_code is not None:
        query = query.where(parks.c.code == park_code)
    if year is not None:
        query = query.where(flows.c.year == year)
    if org_code is not None:
        query = query.where(organisations.c.code == org_code)
    if org_codes is not None:
        query = query.where(organisations.c.code.in_(sorted(set(org_codes))))
    if viewer is not None:
        query = query.where(visible(viewer, flows))
    return [flow_from_row(r) for r in conn.execute(query).mappings().all()]


def listing_from_row(row: Mapping[str, Any]) -> Listing:
    return Listing(
        id=row["id"],
        park_code=row["park_code"],
        org_code=row["org_code"],
        key=row["key"],
        kind=ListingKind(row["kind"]),
        material_code=row["material_code"],
        quantity=_quantity(row),
        description=row["description"],
        waste_code=row["waste_code"],
        available_from=row["available_from"],
        available_until=row["available_until"],
        quality=row["quality"],
        price_vnd_per_unit=row["price_vnd_per_unit"],
        max_distance_km=row["max_distance_km"],
        confidentiality=Confidentiality(row["confidentiality"]),
        status=ListingStatus(row["status"]),
        data_status=DataStatus(row["data_status"]),
        source=row["source"],
        note=row["note"],
        material_words=words_from_row(row),
        price_origin=price_from_row(row),
    )


def list_listings(
    conn: Connection, park_code: str | None = None, viewer: Viewer | None = None
) -> list[Listing]:
    query = _with_owner(listings).order_by(parks.c.code, listings.c.kind, listings.c.key)
    if park_code is not None:
        query = query.where(parks.c.code == park_code)
    if viewer is not None:
        query = query.where(visible(viewer, listings))
    return [listing_from_row(r) for r in conn.execute(query).mappings().all()]


def list_recp_measures(conn: Connection, park_code: str | None = None) -> list[RecpMeasure]:
    query = _with_owner(recp_measures).order_by(parks.c.code, recp_measures.c.key)
    if park_code is not None:
        query = query.where(parks.c.code == park_code)
    return [
        RecpMeasure(
            id=r["id"],
            park_code=r["park_code"],
            org_code=r["org_code"],
            org_name=r["org_name"],
            key=r["key"],
            year=r["year"],
            title=r["title"],
            category=RecpCategory(r["category"]),
            implemented=bool(r["implemented"]),
            electricity_saved_mwh=r["electricity_saved_mwh"],
            fuel_saved_gj=r["fuel_saved_gj"],
            fuel_type=r["fuel_type"],
            fuel_text=r["fuel_text"],
            water_saved_m3=r["water_saved_m3"],
            materials_saved_t=r["materials_saved_t"],
            chemicals_saved_t=r["chemicals_saved_t"],
            cost_saved_vnd=r["cost_saved_vnd"],
            investment_vnd=r["investment_vnd"],
            data_status=DataStatus(r["data_status"]),
            source=r["source"],
            note=r["note"],
        )
        for r in conn.execute(query).mappings()
    ]
