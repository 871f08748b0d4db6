"""Sums over the synthetic national dataset: what its enterprises count, employ, take in and
give out in a year, by sector, material and destination."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from parkloop.store.schema import flows, organisations


@dataclass(frozen=True, slots=True)
class SectorFlowSum:
    vsic: str
    direction: str
    material: str
    destination: str | None
    quantity: float
    value_vnd: float


@dataclass(frozen=True, slots=True)
class SyntheticSums:
    enterprises: int
    employees: int
    flows: list[SectorFlowSum]


def synthetic_sums(conn: Connection, year: int | None = None) -> SyntheticSums:
    """Enterprises, employees and yearly flow sums of the enterprises marked synthetic (the
    parks' shared plants are left out); ``year`` defaults to the latest inventory year."""
    enterprise = (organisations.c.kind == "enterprise") & (
        organisations.c.data_status == "synthetic"
    )
    count, employees = conn.execute(
        select(func.count(), func.coalesce(func.sum(organisations.c.employees), 0)).where(
            enterprise
        )
    ).one()
    if year is None:
        year = conn.scalar(
            select(func.max(flows.c.year))
            .join(organisations, organisations.c.id == flows.c.org_id)
            .where(enterprise)
        )
    annual = flows.c.quantity * 12.0 / flows.c.period_months
    rows = conn.execute(
        select(
            organisations.c.vsic,
            flows.c.direction,
            flows.c.material_code,
            flows.c.destination,
            func.sum(annual),
            func.sum(annual * func.coalesce(flows.c.price_vnd_per_unit, 0.0)),
        )
        .join(organisations, organisations.c.id == flows.c.org_id)
        .where(enterprise, flows.c.year == year, flows.c.data_status == "synthetic")
        .group_by(
            organisations.c.vsic, flows.c.direction, flows.c.material_code, flows.c.destination
        )
    ).all()
    return SyntheticSums(
        int(count),
        int(employees),
        [
            SectorFlowSum(str(v or ""), str(d), str(m), dest, float(q or 0.0), float(val or 0.0))
            for v, d, m, dest, q, val in rows
        ],
    )
