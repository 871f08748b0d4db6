"""Monitoring stations in the database: the registry, their parameters, their push tokens
(kept only as a SHA-256 hash). The readings are in :mod:`parkloop.store.readings`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from parkloop.monitoring.model import Station, StationKind
from parkloop.store.schema import (
    organisations,
    park_intake_limits,
    parks,
    station_parameters,
    stations,
)


@dataclass(frozen=True, slots=True)
class StationRecord:
    """A station as registered: the station itself, its ids and whether it holds a token."""

    id: int
    park_id: int
    org_id: int | None
    station: Station
    has_token: bool
    org_name_vi: str = ""
    org_name_en: str = ""


def _query() -> Any:
    return (
        select(
            stations,
            parks.c.code.label("park_code"),
            organisations.c.code.label("org_code"),
            organisations.c.name_vi.label("org_name_vi"),
            organisations.c.name_en.label("org_name_en"),
        )
        .join(parks, parks.c.id == stations.c.park_id)
        .outerjoin(organisations, organisations.c.id == stations.c.org_id)
    )


def _records(conn: Connection, rows: Sequence[Any]) -> list[StationRecord]:
    ids = [r.id for r in rows]
    measured: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for station_id, parameter in conn.execute(
            select(station_parameters.c.station_id, station_parameters.c.parameter)
            .where(station_parameters.c.station_id.in_(ids))
            .order_by(station_parameters.c.station_id, station_parameters.c.position)
        ):
            measured[station_id].append(parameter)
    found = []
    for r in rows:
        station = Station(
            code=r.code,
            park_code=r.park_code,
            name=r.name,
            kind=StationKind(r.kind),
            parameters=tuple(measured[r.id]),
            limit_set=r.limit_set,
            limit_column=r.limit_column,
            org_code=r.org_code,
            lat=r.lat,
            lon=r.lon,
            flow_m3_per_day=r.flow_m3_per_day,
            receiving_water=r.receiving_water,
            interval_s=r.interval_s,
            gap_factor=r.gap_factor,
            accept_partial=bool(r.accept_partial),
            commissioned_on=r.commissioned_on,
        )
        found.append(
            StationRecord(
                id=r.id,
                park_id=r.park_id,
                org_id=r.org_id,
                station=station,
                has_token=r.token_hash is not None,
                org_name_vi=r.org_name_vi or "",
                org_name_en=r.org_name_en or "",
            )
        )
    return found


def station(conn: Connection, code: str) -> StationRecord | None:
    rows = conn.execute(_query().where(stations.c.code == code)).all()
    found = _records(conn, rows)
    return found[0] if found else None


def station_by_token(conn: Connection, token_hash: str) -> StationRecord | None:
    rows = conn.execute(_query().where(stations.c.token_hash == token_hash)).all()
    found = _records(conn, rows)
    return found[0] if found else None


def stations_of(
    conn: Connection, park_ids: Sequence[int] | None = None, org_id: int | None = None
) -> list[StationRecord]:
    """The stations of ``park_ids`` (all parks when None), only ``org_id``'s when given."""
    query = _query()
    if park_ids is not None:
        query = query.where(stations.c.park_id.in_(list(park_ids)))
    if org_id is not None:
        query = query.where(stations.c.org_id == org_id)
    rows = conn.execute(query.order_by(parks.c.code, stations.c.code)).all()
    return _records(conn, rows)


def _values(station: Station) -> dict[str, Any]:
    return {
        "code": station.code,
        "name": station.name,
        "kind": station.kind.value,
        "limit_set": station.limit_set,
        "limit_column": station.limit_column,
        "lat": station.lat,
        "lon": station.lon,
        "flow_m3_per_day": station.flow_m3_per_day,
        "receiving_water": station.receiving_water,
        "interval_s": station.interval_s,
        "gap_factor": station.gap_factor,
        "accept_partial": station.accept_partial,
        "commissioned_on": station.commissioned_on,
    }


def insert_station(
    conn: Connection,
    station: Station,
    park_id: int,
    org_id: int | None,
    data_status: str = "reported",
    source: str = "",
) -> int:
    key = conn.execute(
        stations.insert().values(
            park_id=park_id,
            org_id=org_id,
            data_status=data_status,
            source=source,
            **_values(station),
        )
    ).inserted_primary_key
    assert key is not None
    station_id = int(key[0])
    _set_parameters(conn, station_id, station.parameters)
    return station_id


def update_station(conn: Connection, station_id: int, station: Station, org_id: int | None) -> None:
    values = _values(station)
    values.pop("code")
    conn.execute(
        stations.update().where(stations.c.id == station_id).values(org_id=org_id, **values)
    )
    conn.execute(station_parameters.delete().where(station_parameters.c.station_id == station_id))
    _set_parameters(conn, station_id, station.parameters)


def _set_parameters(conn: Connection, station_id: int, measured: Sequence[str]) -> None:
    if measured:
        conn.execute(
            station_parameters.insert(),
            [
                {"station_id": station_id, "parameter": p, "position": i}
                for i, p in enumerate(measured)
            ],
        )


def set_token(conn: Connection, station_id: int, token_hash: str | None, now: dt.datetime) -> None:
    """Give a station a new push token (its hash), or none; the old one stops working."""
    conn.execute(
        stations.update()
        .where(stations.c.id == station_id)
        .values(token_hash=token_hash, token_created_at=now if token_hash else None)
    )


def intake_document(conn: Connection, park_id: int) -> str | None:
    """The park's intake limits as the YAML document its operator gave, if any."""
    return conn.execute(
        select(park_intake_limits.c.document).where(park_intake_limits.c.park_id == park_id)
    ).scalar_one_or_none()


def set_intake_document(
    conn: Connection, park_id: int, document: str, source: str, who: str, now: dt.datetime
) -> None:
    """Keep (or replace) the park's intake limits document."""
    conn.execute(delete(park_intake_limits).where(park_intake_limits.c.park_id == park_id))
    conn.execute(
        insert(park_intake_limits).values(
            park_id=park_id, document=document, source=source, changed_by=who, changed_at=now
        )
    )
