"""What the pages of a park read: a page of its flows, filtered, counted and cut in SQL;
one record by id; the flows and offers of one enterprise; the few columns totals over a
park's flows need. Every read goes through the viewer's filter (store.permissions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Select, case, false, func, select

from parkloop.domain.models import Flow, Listing, Organisation, Period
from parkloop.domain.permissions import Viewer
from parkloop.store.inventory import _with_owner, flow_from_row, listing_from_row
from parkloop.store.permissions import levels, visible, visible_of
from parkloop.store.registry import organisation_from_row
from parkloop.store.schema import (
    assessments,
    change_log,
    evidence,
    exchanges,
    flows,
    listings,
    matches,
    optimisation_runs,
    organisations,
    parks,
)
from parkloop.store.sql import fetch_tuples

UNCLASSIFIED = "unclassified"


@dataclass(frozen=True, slots=True)
class FlowFilter:
    """The filters of a park's list of flows (words are matched apart, see
    :func:`flow_words`). ``year`` is the text typed: a year that is not a plain number
    matches nothing."""

    org_code: str = ""
    direction: str = ""
    year: str = ""
    review: bool = False


class FlowWords(NamedTuple):
    """The parts of a flow a search by words reads."""

    id: int
    key: str
    org_code: str
    material_code: str
    material_text: str
    description: str


class FlowFigures(NamedTuple):
    """The parts of a flow that totals over a park and its Sankey read (``direction`` and
    ``destination`` as their codes)."""

    org_code: str
    year: int
    months: int
    direction: str
    material_code: str
    quantity: float
    unit: str
    price_status: str
    destination: str | None

    @property
    def annual_quantity(self) -> float:
        return self.quantity * Period(year=self.year, months=self.months).per_year


def _where(query: Select[Any], park_code: str, viewer: Viewer, chosen: FlowFilter) -> Any:
    query = query.where(parks.c.code == park_code, visible(viewer, flows))
    if chosen.org_code:
        query = query.where(organisations.c.code == chosen.org_code)
    if chosen.direction:
        query = query.where(flows.c.direction == chosen.direction)
    if chosen.year:
        year = chosen.year
        query = query.where(
            flows.c.year == int(year) if year.isdigit() and str(int(year)) == year else false()
        )
    if chosen.review:
        query = query.where(flows.c.material_code == UNCLASSIFIED)
    return query


def _joined(*columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(flows)
        .join(parks, parks.c.id == flows.c.park_id)
        .join(organisations, organisations.c.id == flows.c.org_id)
    )


# The order of store.inventory.list_flows, ties settled by id.
_ORDER = (parks.c.code, organisations.c.code, flows.c.key, flows.c.id)


def count_flows(conn: Connection, park_code: str, viewer: Viewer, chosen: FlowFilter) -> int:
    query = _where(_joined(func.count()), park_code, viewer, chosen)
    return int(conn.scalar(query) or 0)


def flow_counts(conn: Connection, park_code: str, viewer: Viewer) -> tuple[int, int]:
    """How many of a park's flows ``viewer`` may see, and how many of them wait for their
    material to be settled."""
    review = func.sum(case((flows.c.material_code == UNCLASSIFIED, 1), else_=0))
    query = _where(_joined(func.count(), review), park_code, viewer, FlowFilter())
    total, unclassified = conn.execute(query).one()
    return int(total or 0), int(unclassified or 0)


def flows_page(
    conn: Connection,
    park_code: str,
    viewer: Viewer,
    chosen: FlowFilter,
    offset: int,
    limit: int,
) -> list[Flow]:
    """The flows of one page of the list, in the list's order."""
    query = _where(_with_owner(flows), park_code, viewer, chosen)
    query = query.order_by(*_ORDER).offset(max(offset, 0)).limit(limit)
    return [flow_from_row(r) for r in conn.execute(query).mappings().all()]


def flow_words(
    conn: Connection, park_code: str, viewer: Viewer, chosen: FlowFilter
) -> list[FlowWords]:
    """What a search by words reads of each flow the filters keep, in the list's order."""
    query = _joined(
        flows.c.id,
        flows.c.key,
        organisations.c.code,
        flows.c.material_code,
        flows.c.material_text,
        flows.c.description,
    )
    query = _where(query, park_code, viewer, chosen).order_by(*_ORDER)
    return [FlowWords(*r) for r in fetch_tuples(conn, query)]


def flows_by_id(
    conn: Connection, park_code: str, viewer: Viewer, ids: Collection[int]
) -> list[Flow]:
    """The flows of the park with these ids that ``viewer`` may see, in the list's order."""
    if not ids:
        return []
    query = _where(_with_owner(flows), park_code, viewer, FlowFilter())
    query = query.where(flows.c.id.in_(sorted(ids))).order_by(*_ORDER)
    return [flow_from_row(r) for r in conn.execute(query).mappings().all()]


# The columns of :class:`FlowFigures`, in its order.
_FIGURES = (
    organisations.c.code,
    flows.c.year,
    flows.c.period_months,
    flows.c.direction,
    flows.c.material_code,
    flows.c.quantity,
    flows.c.unit,
    flows.c.price_status,
    flows.c.destination,
)


def flow_figures(conn: Connection, park_code: str, viewer: Viewer) -> list[FlowFigures]:
    """The parts of every flow of the park ``viewer`` may see that totals read, in the
    list's order."""
    query = _where(_joined(*_FIGURES), park_code, viewer, FlowFilter()).order_by(*_ORDER)
    return [FlowFigures(*r) for r in fetch_tuples(conn, query)]


@dataclass(frozen=True)
class ParkFlowFigures:
    """:func:`flow_figures` of every flow of a park, before any permission filter, with
    each flow's owner, park and confidentiality level (``store.permissions.levels``)."""

    figures: tuple[FlowFigures, ...]
    org: NDArray[np.int64]
    park: NDArray[np.int64]
    level: NDArray[np.int8]


def park_flow_figures(conn: Connection, park_code: str) -> ParkFlowFigures:
    """What :func:`flow_figures` reads, of every flow of the park: never shown as it is,
    only through :func:`seen_flow_figures`."""
    query = _joined(flows.c.org_id, flows.c.park_id, flows.c.confidentiality, *_FIGURES)
    rows = fetch_tuples(conn, query.where(parks.c.code == park_code).order_by(*_ORDER))
    return ParkFlowFigures(
        figures=tuple(FlowFigures(*r[3:]) for r in rows),
        org=np.asarray([r[0] for r in rows], dtype=np.int64),
        park=np.asarray([r[1] for r in rows], dtype=np.int64),
        level=levels([r[2] for r in rows]),
    )


def seen_flow_figures(every: ParkFlowFigures, viewer: Viewer) -> list[FlowFigures]:
    """The flows of :func:`park_flow_figures` that ``viewer`` may see, in their order: the
    same as :func:`flow_figures` for that viewer."""
    seen = visible_of(viewer, every.org, every.park, every.level)
    return [every.figures[i] for i in np.flatnonzero(seen).tolist()]


def listings_of(conn: Connection, park_code: str, viewer: Viewer, org_code: str) -> list[Listing]:
    """The offers and wants of one organisation of the park that ``viewer`` may see, in
    the order of store.inventory.list_listings."""
    query = (
        _with_owner(listings)
        .where(
            parks.c.code == park_code,
            organisations.c.code == org_code,
            visible(viewer, listings),
        )
        .order_by(parks.c.code, listings.c.kind, listings.c.key)
    )
    return [listing_from_row(r) for r in conn.execute(query).mappings().all()]


def organisation(conn: Connection, park_code: str, code: str) -> Organisation | None:
    """One organisation of the park by its code."""
    query = (
        select(organisations)
        .join(parks, parks.c.id == organisations.c.park_id)
        .where(parks.c.code == park_code, organisations.c.code == code)
    )
    row = conn.execute(query).mappings().first()
    return None if row is None else organisation_from_row(row, park_code)


def organisations_named(
    conn: Connection, keys: Collection[tuple[str, str]]
) -> dict[tuple[str, str], Organisation]:
    """The organisations of these (park code, organisation code) pairs that exist."""
    by_park: dict[str, set[str]] = {}
    for park_code, code in keys:
        by_park.setdefault(park_code, set()).add(code)
    found: dict[tuple[str, str], Organisation] = {}
    for park_code, codes in sorted(by_park.items()):
        query = (
            select(organisations)
            .join(parks, parks.c.id == organisations.c.park_id)
            .where(parks.c.code == park_code, organisations.c.code.in_(sorted(codes)))
        )
        for row in conn.execute(query).mappings().all():
            found[(park_code, row["code"])] = organisation_from_row(row, park_code)
    return found


# The parts of a data version (:func:`data_version`), each the last id of its table.
VERSION_PARTS = ("change_log", "assessments", "matches", "exchanges", "evidence", "optimisation")


def data_version(conn: Connection) -> tuple[Any, ...]:
    """What changes whenever the records behind a park's figures do: the last entry of the
    change log (every write a service makes) and the last kept assessment, saved match,
    exchange, piece of evidence and optimisation run (kept without an entry of their own),
    in the order of :data:`VERSION_PARTS`. Each a look-up of the end of a primary key."""
    latest = [
        select(func.max(t.c.id)).scalar_subquery()
        for t in (change_log, assessments, matches, exchanges, evidence, optimisation_runs)
    ]
    row = conn.execute(select(*latest)).one()
    return tuple(row)


def changes_between(
    conn: Connection, after: int | None, upto: int
) -> list[tuple[str, str, dict[str, Any]]]:
    """The change log's entries after entry ``after`` (None: from the first) up to entry
    ``upto``: what was changed and how (object type, action, detail), in their order."""
    query = select(change_log.c.object_type, change_log.c.action, change_log.c.detail).where(
        change_log.c.id <= upto
    )
    if after is not None:
        query = query.where(change_log.c.id > after)
    return [
        (str(t), str(a), d if isinstance(d, dict) else {})
        for t, a, d in conn.execute(query.order_by(change_log.c.id))
    ]


def wrote_since(conn: Connection, actor: str, change: int | None) -> bool:
    """Whether ``actor`` has a change log entry after entry ``change`` (None: any): a look
    at the entries written since, by primary key."""
    query = select(change_log.c.id).where(change_log.c.actor == actor)
    if change is not None:
        query = query.where(change_log.c.id > change)
    return conn.execute(query.limit(1)).first() is not None


def first_change_after(conn: Connection, change: int | None) -> dt.datetime | None:
    """When the first change log entry after entry ``change`` (None: any) was written, in
    UTC; None when there is none."""
    query = select(change_log.c.at).order_by(change_log.c.id).limit(1)
    if change is not None:
        query = query.where(change_log.c.id > change)
    at = conn.execute(query).scalar()
    if at is None:
        return None
    if isinstance(at, str):  # SQLite without a declared type affinity
        at = dt.datetime.fromisoformat(at)
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
