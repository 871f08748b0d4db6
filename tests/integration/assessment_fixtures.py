"""A tiny park written straight into the database, for the assessment integration tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from parkloop.store.schema import (
    exchanges,
    flows,
    land_use,
    organisations,
    parks,
    recp_measures,
)


def add_park(
    conn: sa.Connection,
    code: str = "tiny",
    total_area_ha: float | None = 100.0,
    land: dict[str, float] | None = None,
    wwtp: float | None = 500.0,
) -> int:
    park_id = conn.execute(
        parks.insert()
        .values(
            code=code,
            name_vi=f"KCN {code}",
            name_en=f"{code} park",
            province="Hải Phòng",
            operator="Công ty hạ tầng",
            total_area_ha=total_area_ha,
            wwtp_capacity_m3_per_day=wwtp,
            established_year=2010,
        )
        .returning(parks.c.id)
    ).scalar_one()
    for land_class, area in (land or {}).items():
        conn.execute(land_use.insert().values(park_id=park_id, land_class=land_class, area_ha=area))
    return int(park_id)


def add_org(conn: sa.Connection, park_id: int, code: str, **kw: Any) -> int:
    values: dict[str, Any] = {
        "park_id": park_id,
        "code": code,
        "name_vi": code,
        "kind": "enterprise",
        "certifications": [],
        "clubs": [],
    }
    values.update(kw)
    return int(
        conn.execute(
            organisations.insert().values(**values).returning(organisations.c.id)
        ).scalar_one()
    )


def add_exchange(
    conn: sa.Connection,
    park_id: int,
    key: str,
    supplier_id: int,
    receiver_id: int,
    material: str = "steel-slag",
    status: str = "running",
    start: date | None = None,
    end: date | None = None,
) -> None:
    conn.execute(
        exchanges.insert().values(
            park_id=park_id,
            key=key,
            supplier_id=supplier_id,
            receiver_id=receiver_id,
            material_code=material,
            quantity=100.0,
            unit="t",
            status=status,
            start_date=start,
            end_date=end,
        )
    )


def add_flow(
    conn: sa.Connection,
    park_id: int,
    org_id: int,
    key: str,
    year: int,
    direction: str,
    material: str,
    quantity: float,
    unit: str = "t",
    destination: str | None = None,
) -> None:
    conn.execute(
        flows.insert().values(
            park_id=park_id,
            org_id=org_id,
            key=key,
            year=year,
            direction=direction,
            material_code=material,
            quantity=quantity,
            unit=unit,
            destination=destination,
        )
    )


def add_measure(
    conn: sa.Connection,
    park_id: int,
    org_id: int,
    key: str,
    year: int,
    category: str = "energy_efficiency",
) -> None:
    conn.execute(
        recp_measures.insert().values(
            park_id=park_id,
            org_id=org_id,
            key=key,
            year=year,
            title=key,
            category=category,
            electricity_saved_mwh=10.0,
        )
    )


def tiny_park(conn: sa.Connection, code: str = "tiny") -> dict[str, int]:
    """Four firms, a utility and an outside collector; one link from 2023, one that stopped
    in 2020; flows for 2022 and 2023; RECP measures in 2022 and 2023."""
    park_id = add_park(
        conn,
        code,
        land={"industrial": 70.0, "green": 15.0, "traffic": 8.0, "shared_infrastructure": 2.0},
    )
    ids = {"park": park_id}
    ids["steel"] = add_org(
        conn,
        park_id,
        "steel",
        recp_status="applying",
        vsic="2410",
        employees=300,
        certifications=["ISO 14001"],
        clubs=["Eco club"],
    )
    ids["slag"] = add_org(conn, park_id, "slag", recp_status="aware", vsic="3830", employees=50)
    ids["plastics"] = add_org(
        conn,
        park_id,
        "plastics",
        recp_status="aware",
        vsic="2220",
        plans_symbiosis=True,
        employees=120,
    )
    ids["food"] = add_org(conn, park_id, "food", recp_status="unaware", vsic="1010", employees=80)
    ids["utility"] = add_org(conn, park_id, "utility", kind="utility")
    ids["collector"] = add_org(conn, park_id, "collector", kind="collector", inside_park=False)
    add_exchange(conn, park_id, "slag-2023", ids["steel"], ids["slag"], start=date(2023, 1, 1))
    add_exchange(
        conn,
        park_id,
        "old",
        ids["steel"],
        ids["collector"],
        material="furnace-dust",
        status="stopped",
        start=date(2015, 1, 1),
        end=date(2020, 12, 31),
    )
    add_flow(conn, park_id, ids["steel"], "scrap-2023", 2023, "in", "steel-scrap", 1000.0)
    add_flow(
        conn,
        park_id,
        ids["steel"],
        "ww-2023",
        2023,
        "out",
        "industrial-wastewater",
        400.0,
        "m3",
        "treatment",
    )
    add_flow(
        conn,
        park_id,
        ids["utility"],
        "tww-2023",
        2023,
        "out",
        "treated-wastewater",
        100.0,
        "m3",
        "exchanged",
    )
    add_flow(
        conn,
        park_id,
        ids["plastics"],
        "private-2023",
        2023,
        "out",
        "plastic-scrap",
        77.7,
        "t",
        "landfill",
    )
    add_flow(conn, park_id, ids["steel"], "scrap-2022", 2022, "in", "steel-scrap", 900.0)
    add_measure(conn, park_id, ids["steel"], "vfd", 2022)
    add_measure(conn, park_id, ids["food"], "solar", 2023, "renewable_energy")
    return ids
