"""Exchanges between two organisations, recorded, accepted from a match, or planned."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, or_, select
from sqlalchemy.orm import aliased

from parkloop.domain.enums import DataStatus, ExchangeStatus, TransportMode
from parkloop.domain.models import Exchange, Quantity, Transport
from parkloop.store.schema import exchanges, organisations, parks


@dataclass(frozen=True, slots=True)
class Parties:
    """Exchanges joined to the park they are recorded under and to both organisations
    and their parks: ``joined`` to select from, the tables to filter on, the codes."""

    joined: FromClause
    supplier: FromClause
    receiver: FromClause
    codes: dict[str, ColumnElement[str]]


def parties() -> Parties:
    supplier, receiver = aliased(organisations), aliased(organisations)
    supplier_park, receiver_park = aliased(parks), aliased(parks)
    joined = (
        exchanges.join(parks, parks.c.id == exchanges.c.park_id)
        .join(supplier, supplier.c.id == exchanges.c.supplier_id)
        .join(receiver, receiver.c.id == exchanges.c.receiver_id)
        .join(supplier_park, supplier_park.c.id == supplier.c.park_id)
        .join(receiver_park, receiver_park.c.id == receiver.c.park_id)
    )
    codes = {
        "park": parks.c.code,
        "supplier": supplier.c.code,
        "receiver": receiver.c.code,
        "supplier_park": supplier_park.c.code,
        "receiver_park": receiver_park.c.code,
    }
    return Parties(joined, supplier, receiver, codes)


def exchange_from_row(row: Mapping[str, Any]) -> Exchange:
    return Exchange(
        id=row["id"],
        park_code=row["park_code"],
        key=row["key"],
        supplier_code=row["supplier_code"],
        receiver_code=row["receiver_code"],
        supplier_park_code=row["supplier_park_code"],
        receiver_park_code=row["receiver_park_code"],
        material_code=row["material_code"],
        receiver_material_code=row["receiver_material_code"] or "",
        quantity=Quantity(
            value=row["quantity"],
            unit=row["unit"],
            entered_value=row["entered_quantity"],
            entered_unit=row["entered_unit"],
        ),
        distance_km=row["distance_km"],
        transport=Transport(
            mode=TransportMode(row["transport_mode"]),
            rate_vnd_per_tkm=row["rate_vnd_per_tkm"],
            tonnes_per_trip=row["tonnes_per_trip"],
            trips_per_day=row["trips_per_day"],
            operating_days_per_year=row["operating_days_per_year"],
        ),
        status=ExchangeStatus(row["status"]),
        start_date=row["start_date"],
        end_date=row["end_date"],
        description=row["description"],
        price_vnd_per_unit=row["price_vnd_per_unit"],
        treatment=row["treatment"],
        treatment_cost_vnd_per_unit=row["treatment_cost_vnd_per_unit"],
        route=row["route"],
        data_status=DataStatus(row["data_status"]),
        source=row["source"],
        note=row["note"],
    )


def list_exchanges(
    conn: Connection,
    park_code: str | None = None,
    statuses: list[ExchangeStatus] | None = None,
    party: str | None = None,
) -> list[Exchange]:
    """Exchanges recorded under a park, or touching one of its organisations; with
    ``party`` (an organisation's code), only those it supplies or receives."""
    p = parties()
    query = (
        select(exchanges, *[code.label(f"{name}_code") for name, code in p.codes.items()])
        .select_from(p.joined)
        .order_by(p.codes["park"], exchanges.c.key)
    )
    if park_code is not None:
        query = query.where(
            or_(
                p.codes["park"] == park_code,
                p.codes["supplier_park"] == park_code,
                p.codes["receiver_park"] == park_code,
            )
        )
    if statuses is not None:
        query = query.where(exchanges.c.status.in_([s.value for s in statuses]))
    if party is not None:
        query = query.where(or_(p.codes["supplier"] == party, p.codes["receiver"] == party))
    return [exchange_from_row(r) for r in conn.execute(query).mappings()]


def insert_exchange(conn: Connection, values: dict[str, Any]) -> int:
    """Insert one exchange and return its id."""
    result = conn.execute(exchanges.insert().values(**values).returning(exchanges.c.id))
    return int(result.scalar_one())
