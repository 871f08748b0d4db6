"""Assessment SQL: the facts snapshot of a park or an enterprise for a year, evidence
records and their files, saved results and their history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, RowMapping, and_, delete, func, or_, select
from sqlalchemy.orm import aliased

from parkloop.assessment.facts import (
    EnterpriseFacts,
    EnterpriseScope,
    EvidenceRecord,
    FlowFacts,
    IoRecordFacts,
    LandFacts,
    LinkFacts,
    MeasureFacts,
    ParkFacts,
    PartnerFacts,
    exact,
)
from parkloop.domain.permissions import Viewer, sees_park_records
from parkloop.store.permissions import levels, visible, visible_of
from parkloop.store.schema import (
    assessments,
    evidence,
    exchanges,
    flows,
    io_records,
    land_use,
    materials,
    organisations,
    parks,
    recp_measures,
)
from parkloop.store.sql import fetch_tuples

# -- parks and organisations ------------------------------------------------------------------


def park_row(conn: Connection, park_code: str) -> RowMapping | None:
    return conn.execute(select(parks).where(parks.c.code == park_code)).mappings().first()


def organisation_row(conn: Connection, park_id: int, org_code: str) -> RowMapping | None:
    return (
        conn.execute(
            select(organisations).where(
                organisations.c.park_id == park_id, organisations.c.code == org_code
            )
        )
        .mappings()
        .first()
    )


def organisation_ids(conn: Connection, park_id: int) -> dict[str, int]:
    """Organisation code -> id within a park."""
    query = select(organisations.c.code, organisations.c.id).where(
        organisations.c.park_id == park_id
    )
    return {code: oid for code, oid in conn.execute(query)}


def latest_years(conn: Connection, park_ids: Sequence[int]) -> dict[str, int | None]:
    """The latest year the parks have flows, RECP measures and evidence for."""
    ids = list(park_ids)
    return {
        "flows": conn.scalar(select(func.max(flows.c.year)).where(flows.c.park_id.in_(ids))),
        "recp_measures": conn.scalar(
            select(func.max(recp_measures.c.year)).where(recp_measures.c.park_id.in_(ids))
        ),
        "evidence": conn.scalar(
            select(func.max(evidence.c.year)).where(evidence.c.park_id.in_(ids))
        ),
    }


def data_years(conn: Connection, park_id: int) -> tuple[set[int], int | None]:
    """The years a park has flows for, and the first year one of its exchanges is dated
    from (None when none carries a date)."""
    years = {
        int(y)
        for (y,) in conn.execute(select(flows.c.year).where(flows.c.park_id == park_id).distinct())
        if y is not None
    }
    first = conn.scalar(
        select(func.min(func.coalesce(exchanges.c.start_date, exchanges.c.end_date))).where(
            exchanges.c.park_id == park_id
        )
    )
    if isinstance(first, str):
        first = date.fromisoformat(first[:10])
    return years, None if first is None else first.year


def default_year(conn: Connection, park_id: int) -> int:
    """The latest year with data: of flows or RECP measures; of evidence only when the
    park has neither (evidence filed for a later year does not move the park there);
    else this year."""
    latest = latest_years(conn, [park_id])
    data = [y for y in (latest["flows"], latest["recp_measures"]) if y is not None]
    if data:
        return max(data)
    return latest["evidence"] if latest["evidence"] is not None else date.today().year


# -- facts ------------------------------------------------------------------------------------


def _evidence_record(row: RowMapping, org_code: str | None) -> EvidenceRecord:
    return EvidenceRecord(
        id=row["id"],
        indicator_id=row["indicator_id"],
        year=row["year"],
        org_code=org_code,
        value=None if row["value"] is None else exact(row["value"]),
        value_text=row["value_text"],
        file_name=row["file_name"],
        file_sha256=row["file_sha256"],
        note=row["note"],
        confirmed_by=row["confirmed_by"],
        confirmed_on=row["confirmed_on"],
        data_status=row["data_status"],
        source=row["source"],
    )


_EVIDENCE_COLUMNS = [c for c in evidence.c if c.name != "file_content"]


def _evidence(
    conn: Connection, park_id: int, year: int | None, org_id: int | None, only_park: bool
) -> list[EvidenceRecord]:
    query = (
        select(*_EVIDENCE_COLUMNS, organisations.c.code.label("org_code"))
        .outerjoin(organisations, organisations.c.id == evidence.c.org_id)
        .where(evidence.c.park_id == park_id)
        .order_by(evidence.c.year, evidence.c.id)
    )
    if year is not None:
        query = query.where(evidence.c.year <= year)
    if only_park:
        query = query.where(evidence.c.org_id.is_(None))
    elif org_id is not None:
        query = query.where(evidence.c.org_id == org_id)
    return [_evidence_record(r, r["org_code"]) for r in conn.execute(query).mappings()]


def _measures(
    conn: Connection, park_id: int, year: int, org_id: int | None = None
) -> dict[int, list[MeasureFacts]]:
    query = select(recp_measures).where(
        recp_measures.c.park_id == park_id, recp_measures.c.year <= year
    )
    if org_id is not None:
        query = query.where(recp_measures.c.org_id == org_id)
    by_org: dict[int, list[MeasureFacts]] = {}
    for r in conn.execute(query).mappings():
        saves = any(
            (r[c] or 0) > 0
            for c in (
                "electricity_saved_mwh",
                "fuel_saved_gj",
                "water_saved_m3",
                "materials_saved_t",
                "chemicals_saved_t",
            )
        )
        by_org.setdefault(r["org_id"], []).append(
            MeasureFacts(
                year=r["year"],
                category=r["category"],
                implemented=bool(r["implemented"]),
                saves_something=saves,
                data_status=r["data_status"],
            )
        )
    return by_org


# What a flow's facts are read from, its owner first (:func:`_flow_facts`).
_FLOW_FACTS = (
    flows.c.org_id,
    flows.c.direction,
    flows.c.material_code,
    flows.c.quantity,
    flows.c.unit,
    flows.c.destination,
    flows.c.data_status,
    flows.c.period_months,
    materials.c.vn_waste_group,
    materials.c.ewc_code,
)


def _flow_facts(r: Sequence[Any]) -> FlowFacts:
    """A flow's facts from a row of :data:`_FLOW_FACTS`."""
    _, direction, material, quantity, unit, destination, status, months, group, ewc = r
    return FlowFacts(
        direction=direction,
        material_code=material,
        secondary=bool(group or ewc),
        quantity=exact(quantity),
        unit=unit,
        destination=destination or "",
        data_status=status,
        months=months,
    )


def _flows(
    conn: Connection,
    park_id: int,
    year: int,
    org_id: int | None = None,
    viewer: Viewer | None = None,
) -> dict[int, list[FlowFacts]]:
    query = (
        select(*_FLOW_FACTS)
        .join(materials, materials.c.code == flows.c.material_code)
        .where(flows.c.park_id == park_id, flows.c.year == year)
        .order_by(flows.c.id)
    )
    if org_id is not None:
        query = query.where(flows.c.org_id == org_id)
    if viewer is not None:
        query = query.where(visible(viewer, flows))
    by_org: dict[int, list[FlowFacts]] = {}
    for r in conn.execute(query):
        by_org.setdefault(r[0], []).append(_flow_facts(r))
    return by_org


@dataclass(frozen=True, slots=True)
class ParkFlowFacts:
    """The flow facts of every flow of a park for a year, before any permission filter,
    with each flow's id, owner, park and confidentiality level
    (``store.permissions.levels``): never used as they are, only through
    :func:`seen_flow_facts`."""

    facts: tuple[FlowFacts, ...]
    ids: NDArray[np.int64]
    org: NDArray[np.int64]
    park: NDArray[np.int64]
    level: NDArray[np.int8]


def park_flow_facts(conn: Connection, park_id: int, year: int) -> ParkFlowFacts:
    """What :func:`park_facts` reads of the park's flows of ``year``, of every flow."""
    query = (
        select(flows.c.id, flows.c.park_id, flows.c.confidentiality, *_FLOW_FACTS)
        .join(materials, materials.c.code == flows.c.material_code)
        .where(flows.c.park_id == park_id, flows.c.year == year)
        .order_by(flows.c.id)
    )
    rows = fetch_tuples(conn, query)
    return ParkFlowFacts(
        facts=tuple(_flow_facts(r[3:]) for r in rows),
        ids=np.asarray([r[0] for r in rows], dtype=np.int64),
        org=np.asarray([r[3] for r in rows], dtype=np.int64),
        park=np.asarray([r[1] for r in rows], dtype=np.int64),
        level=levels([r[2] for r in rows]),
    )


def seen_flow_facts(every: ParkFlowFacts, viewer: Viewer) -> NDArray[np.bool_]:
    """Which flows of :func:`park_flow_facts` ``viewer`` may see: those :func:`park_facts`
    reads for that viewer."""
    return visible_of(viewer, every.org, every.park, every.level)


def flow_facts_by_org(every: ParkFlowFacts, seen: NDArray[np.bool_]) -> dict[int, list[FlowFacts]]:
    """The flows of ``every`` that ``seen`` keeps, by organisation id."""
    by_org: dict[int, list[FlowFacts]] = {}
    org = every.org.tolist()
    for i in np.flatnonzero(seen).tolist():
        by_org.setdefault(org[i], []).append(every.facts[i])
    return by_org


def _io_records(
    conn: Connection, park_id: int, year: int, org_id: int | None = None
) -> dict[int, list[IoRecordFacts]]:
    """The monthly input/output records of the year, by organisation (criterion 7)."""
    query = select(
        io_records.c.org_id, io_records.c.month, io_records.c.stream, io_records.c.data_status
    ).where(io_records.c.park_id == park_id, io_records.c.year == year)
    if org_id is not None:
        query = query.where(io_records.c.org_id == org_id)
    by_org: dict[int, list[IoRecordFacts]] = {}
    for r in conn.execute(query):
        by_org.setdefault(r.org_id, []).append(
            IoRecordFacts(month=r.month, stream=r.stream, data_status=r.data_status)
        )
    return by_org


def _links(conn: Connection, park_id: int, org_id: int | None = None) -> list[LinkFacts]:
    supplier = aliased(organisations)
    receiver = aliased(organisations)
    query = (
        select(
            exchanges.c.key,
            exchanges.c.status,
            exchanges.c.start_date,
            exchanges.c.end_date,
            exchanges.c.material_code,
            exchanges.c.data_status,
            materials.c.material_class,
            materials.c.vn_waste_group,
            materials.c.ewc_code,
            supplier.c.code.label("supplier"),
            receiver.c.code.label("receiver"),
            and_(supplier.c.park_id == park_id, supplier.c.inside_park).label("supplier_in_park"),
            and_(receiver.c.park_id == park_id, receiver.c.inside_park).label("receiver_in_park"),
        )
        .join(supplier, supplier.c.id == exchanges.c.supplier_id)
        .join(receiver, receiver.c.id == exchanges.c.receiver_id)
        .join(materials, materials.c.code == exchanges.c.material_code)
        .order_by(exchanges.c.key)
    )
    if org_id is not None:
        query = query.where(
            or_(exchanges.c.supplier_id == org_id, exchanges.c.receiver_id == org_id)
        )
    else:
        query = query.where(
            or_(
                exchanges.c.park_id == park_id,
                supplier.c.park_id == park_id,
                receiver.c.park_id == park_id,
            )
        )
    return [
        LinkFacts(
            key=r["key"],
            supplier=r["supplier"],
            receiver=r["receiver"],
            supplier_in_park=bool(r["supplier_in_park"]),
            receiver_in_park=bool(r["receiver_in_park"]),
            material_code=r["material_code"],
            material_class=r["material_class"],
            secondary=bool(r["vn_waste_group"] or r["ewc_code"]),
            status=r["status"],
            start_date=r["start_date"],
            end_date=r["end_date"],
            data_status=r["data_status"],
        )
        for r in conn.execute(query).mappings()
    ]


def _enterprise(
    row: RowMapping,
    measures: list[MeasureFacts],
    own_flows: list[FlowFacts],
    own_records: list[IoRecordFacts] | None = None,
) -> EnterpriseFacts:
    return EnterpriseFacts(
        code=row["code"],
        name=row["name_vi"],
        vsic=row["vsic"],
        recp_status=row["recp_status"],
        plans_symbiosis=bool(row["plans_symbiosis"]),
        clubs=tuple(row["clubs"] or ()),
        certifications=tuple(row["certifications"] or ()),
        employees=row["employees"],
        data_status=row["data_status"],
        measures=tuple(measures),
        flows=tuple(own_flows),
        io_records=tuple(own_records or ()),
    )


def park_facts(
    conn: Connection,
    park: RowMapping,
    year: int,
    viewer: Viewer | None = None,
    seen_flows: dict[int, list[FlowFacts]] | None = None,
) -> ParkFacts:
    """Everything a park assessment reads, for one year, in a handful of queries; flows
    only those ``viewer`` may see (``seen_flows``: those already, by organisation id, from
    :func:`flow_facts_by_org`)."""
    park_id = park["id"]
    measures = _measures(conn, park_id, year)
    by_org = _flows(conn, park_id, year, viewer=viewer) if seen_flows is None else seen_flows
    # Whether an enterprise keeps its monthly records is seen by the park's people; the
    # quantities never leave the records.
    records = _io_records(conn, park_id, year) if sees_park_records(viewer, park_id) else {}
    enterprises, partners = [], []
    for r in conn.execute(
        select(organisations)
        .where(organisations.c.park_id == park_id)
        .order_by(organisations.c.code)
    ).mappings():
        if r["kind"] == "enterprise" and r["inside_park"]:
            enterprises.append(
                _enterprise(
                    r,
                    measures.get(r["id"], []),
                    by_org.get(r["id"], []),
                    records.get(r["id"], []),
                )
            )
        else:
            partners.append(
                PartnerFacts(
                    code=r["code"],
                    kind=r["kind"],
                    inside_park=bool(r["inside_park"]),
                    data_status=r["data_status"],
                    flows=tuple(by_org.get(r["id"], [])),
                )
            )
    uses = conn.execute(select(land_use).where(land_use.c.park_id == park_id)).mappings()
    return ParkFacts(
        park_code=park["code"],
        year=year,
        name_vi=park["name_vi"],
        name_en=park["name_en"],
        total_area_ha=None if park["total_area_ha"] is None else exact(park["total_area_ha"]),
        wwtp_capacity_m3_per_day=None
        if park["wwtp_capacity_m3_per_day"] is None
        else exact(park["wwtp_capacity_m3_per_day"]),
        data_status=park["data_status"],
        land_use=tuple(
            LandFacts(
                land_class=u["land_class"],
                area_ha=exact(u["area_ha"]),
                data_status=u["data_status"],
            )
            for u in uses
        ),
        enterprises=tuple(enterprises),
        partners=tuple(partners),
        links=tuple(_links(conn, park_id)),
        evidence=tuple(_evidence(conn, park_id, year, None, only_park=True)),
    )


def enterprise_scope(
    conn: Connection, park: RowMapping, org: RowMapping, year: int
) -> EnterpriseScope:
    """One enterprise's own records for a year, and its park's park-level evidence."""
    park_id, org_id = park["id"], org["id"]
    measures = _measures(conn, park_id, year, org_id).get(org_id, [])
    own_flows = _flows(conn, park_id, year, org_id).get(org_id, [])
    return EnterpriseScope(
        park_code=park["code"],
        year=year,
        enterprise=_enterprise(org, measures, own_flows),
        links=tuple(_links(conn, park_id, org_id)),
        evidence=tuple(_evidence(conn, park_id, year, org_id, only_park=False)),
        park_evidence=tuple(_evidence(conn, park_id, year, None, only_park=True)),
    )


# -- evidence ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class NewEvidence:
    park_id: int
    org_id: int | None
    indicator_id: str
    year: int
    value: float | None = None
    value_text: str = ""
    file_name: str = ""
    file_sha256: str = ""
    file_content: bytes | None = None
    note: str = ""
    confirmed_by: str = ""
    confirmed_on: date | None = None
    data_status: str = "reported"
    source: str = ""

    def row(self) -> dict[str, Any]:
        return {
            "park_id": self.park_id,
            "org_id": self.org_id,
            "indicator_id": self.indicator_id,
            "year": self.year,
            "value": self.value,
            "value_text": self.value_text,
            "file_name": self.file_name,
            "file_sha256": self.file_sha256,
            "file_content": self.file_content,
            "note": self.note,
            "confirmed_by": self.confirmed_by,
            "confirmed_on": self.confirmed_on,
            "data_status": self.data_status,
            "source": " ".join(self.source.split()),
        }


def find_evidence(conn: Connection, item: NewEvidence) -> int | None:
    """The id of an identical evidence row already stored, if any."""
    row = item.row()
    clauses = [
        evidence.c[name] == row[name] if row[name] is not None else evidence.c[name].is_(None)
        for name in (
            "park_id",
            "org_id",
            "indicator_id",
            "year",
            "value",
            "value_text",
            "file_sha256",
            "note",
            "data_status",
            "source",
        )
    ]
    return conn.scalar(select(evidence.c.id).where(*clauses).limit(1))


def insert_evidence(conn: Connection, item: NewEvidence) -> int:
    result = conn.execute(evidence.insert().values(**item.row()).returning(evidence.c.id))
    return int(result.scalar_one())


def list_evidence(
    conn: Connection, park_id: int, org_id: int | None = None
) -> list[EvidenceRecord]:
    """Evidence of a park (park-level and every enterprise's), or of one enterprise."""
    return _evidence(conn, park_id, None, org_id, only_park=False)


def evidence_file(conn: Connection, evidence_id: int) -> tuple[str, bytes | None]:
    row = conn.execute(
        select(evidence.c.file_name, evidence.c.file_content).where(evidence.c.id == evidence_id)
    ).first()
    if row is None:
        raise KeyError(evidence_id)
    return row[0], row[1]


# -- results ----------------------------------------------------------------------------------


def save_assessment(
    conn: Connection,
    park_id: int,
    org_id: int | None,
    ruleset: str,
    year: int,
    overall_percent: float | None,
    result: dict[str, Any],
) -> int:
    """Store a result, replacing an earlier one of the same park, enterprise, rule set and year."""
    same = [
        assessments.c.park_id == park_id,
        assessments.c.ruleset == ruleset,
        assessments.c.year == year,
        assessments.c.org_id == org_id if org_id is not None else assessments.c.org_id.is_(None),
    ]
    conn.execute(delete(assessments).where(*same))
    inserted = conn.execute(
        assessments.insert()
        .values(
            park_id=park_id,
            org_id=org_id,
            ruleset=ruleset,
            year=year,
            overall_percent=overall_percent,
            result=result,
        )
        .returning(assessments.c.id)
    )
    return int(inserted.scalar_one())


def history(
    conn: Connection, park_id: int, org_id: int | None, ruleset: str
) -> list[dict[str, Any]]:
    """Saved results of a park (or one enterprise) on a rule set, oldest year first."""
    query = (
        select(assessments)
        .where(
            assessments.c.park_id == park_id,
            assessments.c.ruleset == ruleset,
            assessments.c.org_id == org_id
            if org_id is not None
            else assessments.c.org_id.is_(None),
        )
        .order_by(assessments.c.year, assessments.c.id)
    )
    latest: dict[int, dict[str, Any]] = {}
    for r in conn.execute(query).mappings():
        latest[r["year"]] = dict(r)
    return [latest[y] for y in sorted(latest)]


# -- the park's profile, for the dossier ----------------------------------------------------------


def park_profile(conn: Connection, park_id: int, year: int) -> dict[str, Any]:
    """Aggregates for the operation report: no enterprise's own figures."""
    orgs = list(
        conn.execute(
            select(
                organisations.c.kind,
                organisations.c.inside_park,
                organisations.c.vsic,
                organisations.c.employees,
                organisations.c.recp_status,
            ).where(organisations.c.park_id == park_id)
        ).mappings()
    )
    tenants = [o for o in orgs if o["kind"] == "enterprise" and o["inside_park"]]
    divisions: dict[str, int] = {}
    for o in tenants:
        key = (o["vsic"] or "")[:2]
        divisions[key] = divisions.get(key, 0) + 1
    implemented = conn.execute(
        select(
            func.count(),
            func.count(func.distinct(recp_measures.c.org_id)),
            func.coalesce(func.sum(recp_measures.c.electricity_saved_mwh), 0),
            func.coalesce(func.sum(recp_measures.c.water_saved_m3), 0),
            func.coalesce(func.sum(recp_measures.c.cost_saved_vnd), 0),
        ).where(
            recp_measures.c.park_id == park_id,
            recp_measures.c.year == year,
            recp_measures.c.implemented,
        )
    ).one()
    uses = conn.execute(
        select(land_use.c.land_class, land_use.c.area_ha, land_use.c.data_status)
        .where(land_use.c.park_id == park_id)
        .order_by(land_use.c.land_class)
    ).mappings()
    return {
        "enterprises": len(tenants),
        "partners": len(orgs) - len(tenants),
        "employees": sum(o["employees"] or 0 for o in tenants),
        "employees_reported_by": sum(1 for o in tenants if o["employees"]),
        "by_vsic_division": dict(sorted(divisions.items())),
        "recp_status": _counts(o["recp_status"] for o in tenants),
        "recp_measures_implemented": implemented[0],
        "recp_enterprises": implemented[1],
        "electricity_saved_mwh": float(implemented[2]),
        "water_saved_m3": float(implemented[3]),
        "cost_saved_vnd": float(implemented[4]),
        "land_use": [dict(u) for u in uses],
    }


def _counts(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out
