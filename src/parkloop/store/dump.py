"""Reads for export: every stored record of a sheet, with codes in place of ids.

Rows come back as plain dicts of stored (canonical) values, ordered so that two dumps of
the same data are identical. What a viewer may not see is filtered here, by the same
rules as every other query (``store.permissions.visible``).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Select, Table, literal, or_, select

from parkloop.domain.enums import Confidentiality
from parkloop.domain.permissions import Role, Viewer
from parkloop.store.exchanges import parties
from parkloop.store.permissions import visible
from parkloop.store.schema import (
    exchanges,
    flows,
    land_use,
    listings,
    organisations,
    parks,
    recp_measures,
)

_INTERNAL = frozenset({"id", "park_id", "org_id", "supplier_id", "receiver_id", "import_ref"})


def _columns(table: Table) -> list[Any]:
    return [c for c in table.c if c.name not in _INTERNAL]


def _rows(conn: Connection, query: Select[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(query).mappings()]


def _in_parks(query: Select[Any], park_codes: Iterable[str] | None) -> Select[Any]:
    if park_codes is None:
        return query
    return query.where(parks.c.code.in_(sorted(set(park_codes))))


def _park_level(viewer: Viewer, park_id: Any, org_id: Any) -> ColumnElement[bool]:
    """Exchanges and RECP measures carry no confidentiality of their own: they are
    treated as park-level records of the organisations they belong to."""
    record = SimpleNamespace(
        c=SimpleNamespace(
            confidentiality=literal(Confidentiality.PARK.value),
            park_id=park_id,
            org_id=org_id,
        )
    )
    return visible(viewer, cast(Table, record))


def _filtered(viewer: Viewer | None) -> bool:
    return viewer is not None and viewer.role is not Role.ADMIN


def park_rows(conn: Connection, park_codes: Iterable[str] | None = None) -> list[dict[str, Any]]:
    query = _in_parks(select(*_columns(parks)).order_by(parks.c.code), park_codes)
    return _rows(conn, query)


def land_use_rows(
    conn: Connection, park_codes: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    query = (
        select(parks.c.code.label("park"), *_columns(land_use))
        .join(parks, parks.c.id == land_use.c.park_id)
        .order_by(parks.c.code, land_use.c.land_class)
    )
    return _rows(conn, _in_parks(query, park_codes))


def organisation_rows(
    conn: Connection, park_codes: Iterable[str] | None = None, *, enterprises: bool = True
) -> list[dict[str, Any]]:
    """Enterprises (``enterprises=True``) or partners, with their park's code."""
    kind = organisations.c.kind
    query = (
        select(parks.c.code.label("park"), *_columns(organisations))
        .join(parks, parks.c.id == organisations.c.park_id)
        .where(kind == "enterprise" if enterprises else kind != "enterprise")
        .order_by(parks.c.code, organisations.c.code)
    )
    return _rows(conn, _in_parks(query, park_codes))


def _owned(table: Table) -> Select[Any]:
    return (
        select(
            parks.c.code.label("park"),
            organisations.c.code.label("enterprise"),
            *_columns(table),
        )
        .join(parks, parks.c.id == table.c.park_id)
        .join(organisations, organisations.c.id == table.c.org_id)
        .order_by(parks.c.code, table.c.key)
    )


def flow_rows(
    conn: Connection, park_codes: Iterable[str] | None = None, viewer: Viewer | None = None
) -> list[dict[str, Any]]:
    query = _in_parks(_owned(flows), park_codes)
    if _filtered(viewer):
        assert viewer is not None
        query = query.where(visible(viewer, flows))
    return _rows(conn, query)


def listing_rows(
    conn: Connection, park_codes: Iterable[str] | None = None, viewer: Viewer | None = None
) -> list[dict[str, Any]]:
    query = _in_parks(_owned(listings), park_codes)
    if _filtered(viewer):
        assert viewer is not None
        query = query.where(visible(viewer, listings))
    return _rows(conn, query)


def recp_rows(
    conn: Connection, park_codes: Iterable[str] | None = None, viewer: Viewer | None = None
) -> list[dict[str, Any]]:
    query = _in_parks(_owned(recp_measures), park_codes)
    if _filtered(viewer):
        assert viewer is not None
        query = query.where(_park_level(viewer, recp_measures.c.park_id, recp_measures.c.org_id))
    return _rows(conn, query)


def exchange_rows(
    conn: Connection, park_codes: Iterable[str] | None = None, viewer: Viewer | None = None
) -> list[dict[str, Any]]:
    """Exchanges with the park and code of both parties."""
    p = parties()
    query = (
        select(
            *[code.label(name) for name, code in p.codes.items()],
            *_columns(exchanges),
        )
        .select_from(p.joined)
        .order_by(p.codes["park"], exchanges.c.key)
    )
    query = _in_parks(query, park_codes)
    if _filtered(viewer):
        assert viewer is not None
        query = query.where(
            or_(
                _park_level(viewer, exchanges.c.park_id, exchanges.c.supplier_id),
                _park_level(viewer, p.supplier.c.park_id, exchanges.c.supplier_id),
                _park_level(viewer, p.receiver.c.park_id, exchanges.c.receiver_id),
            )
        )
    return _rows(conn, query)
