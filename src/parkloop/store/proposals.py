"""Saved proposals (the match table) with what deciding who may see them needs: the
confidentiality of their supply and demand records as it is now and the parks of their
two parties, read in one query instead of a look-up per record."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, func, literal, or_, select, tuple_
from sqlalchemy.sql import ColumnElement

from parkloop.domain.permissions import LEVELS
from parkloop.store.schema import flows, listings, matches, organisations
from parkloop.store.sql import fetch_tuples

# What a record's confidentiality counts as when the record is no longer there: private.
GONE = 2
_LEVEL: dict[Any, int] = {c.value: n for c, n in LEVELS.items()}
# The columns that deciding who is shown a match, and its rank among those shown, need.
INDEX = (
    "id",
    "status",
    "supply_kind",
    "supply_id",
    "demand_kind",
    "demand_id",
    "supplier_id",
    "receiver_id",
    "rank",
    "net_benefit_vnd_per_year",
    "fit_note",
    "material_code",
)


def _record(kind: ColumnElement[Any], rid: ColumnElement[Any], name: str) -> Any:
    """The flow or listing a match names (``kind``, ``rid``), outer-joinable."""
    flow = flows.alias(f"{name}_flow")
    listing = listings.alias(f"{name}_listing")
    return (
        flow,
        and_(kind == literal("flow"), flow.c.id == rid),
        listing,
        and_(kind == literal("listing"), listing.c.id == rid),
    )


def _query(columns: Sequence[Any], quality: bool) -> Any:
    supplier = organisations.alias("supplier")
    receiver = organisations.alias("receiver")
    s_flow, s_on_flow, s_listing, s_on_listing = _record(
        matches.c.supply_kind, matches.c.supply_id, "supply"
    )
    d_flow, d_on_flow, d_listing, d_on_listing = _record(
        matches.c.demand_kind, matches.c.demand_id, "demand"
    )
    joined = (
        matches.join(supplier, supplier.c.id == matches.c.supplier_id)
        .join(receiver, receiver.c.id == matches.c.receiver_id)
        .outerjoin(s_flow, s_on_flow)
        .outerjoin(s_listing, s_on_listing)
        .outerjoin(d_flow, d_on_flow)
        .outerjoin(d_listing, d_on_listing)
    )
    extra = (
        [
            func.coalesce(s_flow.c.quality, s_listing.c.quality).label("supply_quality"),
            func.coalesce(s_flow.c.price_status, "").label("supply_price_status"),
        ]
        if quality
        else []
    )
    return select(
        *columns,
        supplier.c.park_id.label("supplier_park_id"),
        receiver.c.park_id.label("receiver_park_id"),
        func.coalesce(s_flow.c.confidentiality, s_listing.c.confidentiality).label("supply_c"),
        func.coalesce(d_flow.c.confidentiality, d_listing.c.confidentiality).label("demand_c"),
        *extra,
    ).select_from(joined)


def _filtered(
    query: Any,
    park_ids: Iterable[int],
    statuses: Sequence[str] | None,
    ids: Collection[int] | None,
    supply: tuple[str, int] | None = None,
    party: int | None = None,
) -> Any:
    query = query.where(matches.c.park_id.in_(list(park_ids)))
    if statuses:
        query = query.where(matches.c.status.in_(list(statuses)))
    if party is not None:
        involved = matches.alias("involved")
        query = query.where(
            tuple_(matches.c.supply_kind, matches.c.supply_id).in_(
                select(involved.c.supply_kind, involved.c.supply_id).where(
                    involved.c.park_id.in_(list(park_ids)),
                    or_(involved.c.supplier_id == party, involved.c.receiver_id == party),
                )
            )
        )
    if ids is not None:
        query = query.where(matches.c.id.in_(sorted(ids)))
    if supply is not None:
        query = query.where(matches.c.supply_kind == supply[0], matches.c.supply_id == supply[1])
    # The order of store.matching.list_matches, ties settled by id.
    return query.order_by(matches.c.supply_kind, matches.c.supply_id, matches.c.rank, matches.c.id)


# The same joins every time: each query built once.
_INDEX_QUERY: list[Any] = []
_WHOLE_QUERY: list[Any] = []


def match_index(
    conn: Connection,
    park_ids: Iterable[int],
    statuses: Sequence[str] | None = None,
    supply: tuple[str, int] | None = None,
    party: int | None = None,
) -> dict[str, list[Any]]:
    """Every saved match of the parks (of ``statuses``; of one ``supply``, its kind and
    id, when given; of the supplies organisation ``party`` is a party of, when given) as
    columns, with only what
    deciding who is shown it and its rank needs (:data:`INDEX`), the confidentiality
    level of its two records now (``supply_level``, ``demand_level``: 0 public, 1 park,
    2 private or gone) and the parks of its two parties (``supplier_park_id``,
    ``receiver_park_id``); in the order of the match table's listing."""
    if not _INDEX_QUERY:
        _INDEX_QUERY.append(_query([matches.c[name] for name in INDEX], quality=False))
    rows = fetch_tuples(conn, _filtered(_INDEX_QUERY[0], park_ids, statuses, None, supply, party))
    names = [*INDEX, "supplier_park_id", "receiver_park_id", "supply_level", "demand_level"]
    columns: dict[str, list[Any]] = {name: [] for name in names}
    if rows:
        for name, column in zip(names, zip(*rows, strict=True), strict=True):
            columns[name] = list(column)
    for name in ("supply_level", "demand_level"):
        columns[name] = [_LEVEL.get(c, GONE) for c in columns[name]]
    return columns


def matches_of(
    conn: Connection,
    park_ids: Iterable[int],
    statuses: Sequence[str] | None = None,
    ids: Collection[int] | None = None,
) -> list[dict[str, Any]]:
    """Saved matches of the parks (of ``statuses``; only ``ids`` when given), every column,
    with the confidentiality level of their two records now (``supply_level``,
    ``demand_level``), the quality the supply states and the parks of their two parties."""
    if not _WHOLE_QUERY:
        _WHOLE_QUERY.append(_query(list(matches.c), quality=True))
    query = _filtered(_WHOLE_QUERY[0], park_ids, statuses, ids)
    out = []
    for r in conn.execute(query).mappings().all():
        row = dict(r)
        supply, demand = row.pop("supply_c"), row.pop("demand_c")
        row["supply_level"] = _LEVEL.get(supply, GONE)
        row["demand_level"] = _LEVEL.get(demand, GONE)
        row["supply_quality"] = (row["supply_quality"] or "") if supply is not None else ""
        out.append(row)
    return out


def match_parts(
    conn: Connection, park_ids: Iterable[int], statuses: Sequence[str] | None = None
) -> dict[int, tuple[Any, ...]]:
    """By match id: (supplier id, receiver id, material, quantity, unit, score) of the
    saved matches of the parks (of ``statuses``), for drawing them."""
    query = select(
        matches.c.id,
        matches.c.supplier_id,
        matches.c.receiver_id,
        matches.c.material_code,
        matches.c.quantity,
        matches.c.unit,
        matches.c.score,
    ).where(matches.c.park_id.in_(list(park_ids)))
    if statuses:
        query = query.where(matches.c.status.in_(list(statuses)))
    return {int(r[0]): tuple(r[1:]) for r in fetch_tuples(conn, query)}
