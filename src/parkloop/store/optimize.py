"""SQL for optimisation: runs, the planned exchanges they write, and what the optimiser
needs to know about parks, organisations and running exchanges."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from parkloop.domain.enums import Destination, ExchangeStatus
from parkloop.domain.models import Exchange
from parkloop.store.exchanges import exchange_from_row, parties
from parkloop.store.matching import org_names as org_names  # the optimiser's names too
from parkloop.store.schema import exchanges, flows, optimisation_runs, organisations, parks
from parkloop.store.sql import fast_insert

ORIGIN = "optimisation"
CHUNK = 5000  # ids per IN (...) list, under SQLite's variable limit
PLAN_COLUMNS = (
    "park_id",
    "key",
    "supplier_id",
    "receiver_id",
    "material_code",
    "receiver_material_code",
    "description",
    "quantity",
    "unit",
    "distance_km",
    "transport_mode",
    "treatment",
    "treatment_cost_vnd_per_unit",
    "status",
    "origin",
    "run_id",
    "note",
    "data_status",
    "source",
)


def park_regions(conn: Connection, park_ids: Iterable[int]) -> dict[int, str]:
    ids = list(park_ids)
    out: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        query = select(parks.c.id, parks.c.region).where(parks.c.id.in_(ids[start : start + CHUNK]))
        out.update({pid: region or "" for pid, region in conn.execute(query)})
    return out


def find_organisations(conn: Connection, code: str, park: str | None = None) -> list[int]:
    """Ids of organisations with this code (or database id), in ``park`` when given."""
    query = select(organisations.c.id).join(parks, parks.c.id == organisations.c.park_id)
    match = organisations.c.code == code
    if code.isdigit():
        match = or_(match, organisations.c.id == int(code))
    query = query.where(match)
    if park is not None:
        query = query.where(parks.c.code == park)
    return [r[0] for r in conn.execute(query.order_by(organisations.c.id))]


def running_exchanges(
    conn: Connection,
    park_ids: Sequence[int],
    statuses: Sequence[ExchangeStatus] = (ExchangeStatus.RUNNING,),
) -> list[dict[str, Any]]:
    """Exchanges of ``statuses`` (running ones by default) whose supplier or receiver
    belongs to one of the parks."""
    p = parties()
    query = (
        select(
            exchanges.c.id,
            exchanges.c.key,
            exchanges.c.park_id,
            p.codes["park"].label("park_code"),
            exchanges.c.supplier_id,
            exchanges.c.receiver_id,
            p.codes["supplier"].label("supplier_code"),
            p.codes["receiver"].label("receiver_code"),
            p.supplier.c.park_id.label("supplier_park_id"),
            p.receiver.c.park_id.label("receiver_park_id"),
            exchanges.c.material_code,
            exchanges.c.receiver_material_code,
            exchanges.c.quantity,
            exchanges.c.unit,
            exchanges.c.price_vnd_per_unit,
            exchanges.c.status,
        )
        .select_from(p.joined)
        .where(
            exchanges.c.status.in_([s.value for s in statuses]),
            or_(
                p.supplier.c.park_id.in_(list(park_ids)),
                p.receiver.c.park_id.in_(list(park_ids)),
            ),
        )
        .order_by(exchanges.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def flow_destinations(conn: Connection, flow_ids: Iterable[int]) -> dict[int, str]:
    """Where each flow goes today, as its inventory says (blank when not said)."""
    ids = sorted(set(flow_ids))
    out: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        query = select(flows.c.id, flows.c.destination).where(
            flows.c.id.in_(ids[start : start + CHUNK])
        )
        out.update({i: d or "" for i, d in conn.execute(query)})
    return out


def exchanged_outputs(
    conn: Connection, park_ids: Sequence[int], year: int
) -> dict[tuple[int, str], float]:
    """(organisation, material) -> quantity a year its inventory already shows going to
    symbiosis exchanges (outputs with destination 'exchanged') in ``year``."""
    query = select(flows.c.org_id, flows.c.material_code, flows.c.quantity, flows.c.period_months)
    query = query.where(
        flows.c.park_id.in_(list(park_ids)),
        flows.c.year == year,
        flows.c.direction == "out",
        flows.c.destination == Destination.EXCHANGED.value,
    )
    # Records of one output over the year's periods: their sum over the months they cover.
    total: dict[tuple[int, str], list[float]] = {}
    for org, material, qty, months in conn.execute(query):
        seen = total.setdefault((int(org), str(material)), [0.0, 0.0])
        seen[0] += float(qty)
        seen[1] += float(months or 12)
    return {key: qty * 12.0 / months for key, (qty, months) in total.items()}


def get_exchange(conn: Connection, exchange_id: int) -> Exchange | None:
    p = parties()
    query = (
        select(exchanges, *[code.label(f"{name}_code") for name, code in p.codes.items()])
        .select_from(p.joined)
        .where(exchanges.c.id == exchange_id)
    )
    row = conn.execute(query).mappings().first()
    return exchange_from_row(dict(row)) if row else None


# -- runs and plans ----------------------------------------------------------------------


def save_run(
    conn: Connection,
    scope: str,
    objective: str,
    status: str,
    objective_value: float | None,
    result: dict[str, Any],
) -> int:
    return int(
        conn.execute(
            optimisation_runs.insert()
            .values(
                scope=scope,
                objective=objective,
                status=status,
                objective_value=objective_value,
                result=result,
            )
            .returning(optimisation_runs.c.id)
        ).scalar_one()
    )


def get_run(conn: Connection, run_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(optimisation_runs).where(optimisation_runs.c.id == run_id))
    found = row.mappings().first()
    return dict(found) if found else None


def replace_plans(conn: Connection, park_ids: Sequence[int], rows: Sequence[Sequence[Any]]) -> int:
    """Delete the planned exchanges earlier optimisations wrote for the parks, then insert
    ``rows`` (tuples in ``PLAN_COLUMNS`` order). Recorded exchanges are never touched.
    Returns how many earlier plans were removed."""
    removed = 0
    ids = list(park_ids)
    for start in range(0, len(ids), CHUNK):
        result = conn.execute(
            exchanges.delete().where(
                and_(
                    exchanges.c.park_id.in_(ids[start : start + CHUNK]),
                    exchanges.c.status == ExchangeStatus.PLANNED.value,
                    exchanges.c.origin == ORIGIN,
                )
            )
        )
        removed += result.rowcount or 0
    fast_insert(conn, exchanges, PLAN_COLUMNS, rows)
    return removed


def planned_exchanges(conn: Connection, run_id: int) -> list[dict[str, Any]]:
    query = (
        select(exchanges)
        .where(exchanges.c.run_id == run_id, exchanges.c.origin == ORIGIN)
        .order_by(exchanges.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]
