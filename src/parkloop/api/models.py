"""The shapes the API sends and takes, as Pydantic models, so that its OpenAPI description
says exactly what a client gets. Each ``*_of`` function turns what a service returned
into its model; none decides what the caller may see (the service did)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from parkloop.domain.enums import (
    Confidentiality,
    DataStatus,
    Destination,
    Direction,
    ExchangeStatus,
    Frequency,
    LandUseClass,
    ListingKind,
    ListingStatus,
    MaterialClass,
    OrgKind,
    RecpStatus,
    TransportMode,
)
from parkloop.domain.models import (
    Enterprise,
    Exchange,
    Flow,
    Listing,
    Location,
    Organisation,
    Park,
)
from parkloop.jsonable import jsonable
from parkloop.services import geo

Number = float | None
UPDATED_AT = (
    "When the record last changed, by the change log (given for single records, and in "
    "lists asked with updated_since)"
)


class Out(BaseModel):
    model_config = ConfigDict(use_enum_values=True)


# -- shared parts -----------------------------------------------------------------------------


class Point(Out):
    lat: float
    lon: float


class MaterialRef(Out):
    """A material of the catalog: its code, its name in the reader's language, its class."""

    code: str
    name: str
    material_class: MaterialClass
    hazardous: bool


class Words(Out):
    """What staff wrote for the material and how parkloop read it."""

    text: str
    confidence: float | None
    basis: str
    suggestions: list[str]


class PartyRef(Out):
    park: str
    code: str
    name: str


def point_of(location: Location | None) -> Point | None:
    return Point(lat=location.lat, lon=location.lon) if location is not None else None


def material_of(code: str, lang: str) -> MaterialRef:
    found = geo.material_properties(code, geo.language(lang))
    return MaterialRef(
        code=code,
        name=found["material_name"],
        material_class=found["material_class"],
        hazardous=found["hazardous"],
    )


def name_of(org: Organisation | None, code: str, lang: str) -> str:
    return org.display_name(lang) if org is not None else code


# -- parks and enterprises ------------------------------------------------------------------


class LandUseOut(Out):
    land_class: LandUseClass
    area_ha: float
    data_status: DataStatus
    source: str


class ParkOut(Out):
    code: str
    name: str = Field(description="The park's name in the reader's language")
    name_vi: str
    name_en: str
    country: str
    province: str
    region: str
    location: Point | None
    total_area_ha: Number
    land_use: list[LandUseOut]
    wwtp_capacity_m3_per_day: Number
    operator: str
    established_year: int | None
    notes: str
    data_status: DataStatus
    source: str


def park_of(park: Park, lang: str) -> ParkOut:
    return ParkOut(
        code=park.code,
        name=(park.name_en or park.name_vi) if lang == "en" else (park.name_vi or park.name_en),
        name_vi=park.name_vi,
        name_en=park.name_en,
        country=park.country,
        province=park.province,
        region=park.region,
        location=point_of(park.location),
        total_area_ha=park.total_area_ha,
        land_use=[
            LandUseOut(
                land_class=u.land_class,
                area_ha=u.area_ha,
                data_status=u.data_status,
                source=u.source,
            )
            for u in park.land_use
        ],
        wwtp_capacity_m3_per_day=park.wwtp_capacity_m3_per_day,
        operator=park.operator,
        established_year=park.established_year,
        notes=park.notes,
        data_status=park.data_status,
        source=park.source,
    )


class EnterpriseOut(Out):
    """An enterprise of the park, or a partner (municipality, utility, collector...)."""

    park: str
    code: str
    name: str = Field(description="The name in the reader's language")
    name_vi: str
    name_en: str
    kind: OrgKind
    location: Point | None
    inside_park: bool
    vsic: str = Field(description="VSIC 2018 code of the sector (enterprises)")
    sector: str = Field(description="The name of that code or of its division")
    tax_code: str
    employees: int | None
    certifications: list[str]
    recp_status: RecpStatus | None
    clubs: list[str]
    plans_symbiosis: bool | None
    notes: str
    data_status: DataStatus
    source: str
    updated_at: dt.datetime | None = Field(None, description=UPDATED_AT)


def enterprise_of(
    org: Organisation, lang: str, updated_at: dt.datetime | None = None
) -> EnterpriseOut:
    vsic, sector = geo.sector_of(org, geo.language(lang))
    firm = org if isinstance(org, Enterprise) else None
    return EnterpriseOut(
        park=org.park_code,
        code=org.code,
        name=org.display_name(lang),
        name_vi=org.name_vi,
        name_en=org.name_en,
        kind=org.kind,
        location=point_of(org.location),
        inside_park=org.inside_park,
        vsic=vsic,
        sector=sector,
        tax_code=firm.tax_code if firm else "",
        employees=firm.employees if firm else None,
        certifications=list(firm.certifications) if firm else [],
        recp_status=firm.recp_status if firm else None,
        clubs=list(firm.clubs) if firm else [],
        plans_symbiosis=firm.plans_symbiosis if firm else None,
        notes=org.notes,
        data_status=org.data_status,
        source=org.source,
        updated_at=updated_at,
    )


# -- flows and listings ---------------------------------------------------------------------


class FlowOut(Out):
    """One input or output of one enterprise in one period."""

    id: int
    park: str
    enterprise: str
    key: str = Field(description="The row key, stable when the row is corrected and imported again")
    period: str = Field(description="2024, 2024-H1, 2024-Q3 or 2024-07")
    year: int
    direction: Direction
    material: MaterialRef
    material_words: Words
    needs_review: bool = Field(description="The material could not be read with confidence")
    quantity: float = Field(description="In the material's unit, per period")
    unit: str
    annual_quantity: float = Field(description="Per year")
    entered_quantity: float | None = Field(description="As typed")
    entered_unit: str | None = Field(description="As typed")
    frequency: Frequency
    quality: str
    description: str
    waste_code: str
    price_vnd_per_unit: Number = Field(description="VND per unit of the material")
    price_status: str = Field(description="reported (the enterprise's own) or estimate (filled)")
    price_source: str
    destination: Destination | None
    destination_text: str
    confidentiality: Confidentiality
    data_status: DataStatus
    source: str
    note: str
    updated_at: dt.datetime | None = Field(None, description=UPDATED_AT)


def words_of(text: str, confidence: float | None, basis: str, suggestions: Any) -> Words:
    return Words(text=text, confidence=confidence, basis=basis, suggestions=list(suggestions))


def flow_of(f: Flow, lang: str, updated_at: dt.datetime | None = None) -> FlowOut:
    assert f.id is not None
    return FlowOut(
        id=f.id,
        park=f.park_code,
        enterprise=f.org_code,
        key=f.key,
        period=f.period.label,
        year=f.period.year,
        direction=f.direction,
        material=material_of(f.material_code, lang),
        material_words=words_of(
            f.material_words.text,
            f.material_words.confidence,
            f.material_words.basis,
            f.material_words.suggestions,
        ),
        needs_review=f.material_code == "unclassified",
        quantity=f.quantity.value,
        unit=f.quantity.unit,
        annual_quantity=f.annual_quantity,
        entered_quantity=f.quantity.entered_value,
        entered_unit=f.quantity.entered_unit,
        frequency=f.frequency,
        quality=f.quality,
        description=f.description,
        waste_code=f.waste_code,
        price_vnd_per_unit=f.price_vnd_per_unit,
        price_status=f.price_origin.status,
        price_source=f.price_origin.source,
        destination=f.destination,
        destination_text=f.destination_text,
        confidentiality=f.confidentiality,
        data_status=f.data_status,
        source=f.source,
        note=f.note,
        updated_at=updated_at,
    )


class FlowIn(BaseModel):
    """A new flow, typed as a row of the workbook's Flows sheet is: words, codes or labels
    in Vietnamese or English, read and checked by the importer."""

    model_config = ConfigDict(extra="forbid")

    enterprise: str = Field(max_length=200, description="The enterprise's code or name")
    period: str = Field(max_length=40, description="2024, 2024-H1, Q3/2024, 07/2024...")
    direction: str = Field(max_length=40, description="in or out (đầu vào, đầu ra)")
    material: str = Field(max_length=500, description="The material in words, or its code")
    quantity: float = Field(allow_inf_nan=False, description="The quantity per period")
    unit: str = Field(max_length=60, description="t, kg, tấn, m3, khối, MWh, m3/ngày...")
    price_vnd_per_unit: float | None = Field(
        None, allow_inf_nan=False, description="VND per unit of the quantity"
    )
    destination: str | None = Field(
        None, max_length=200, description="Where an output goes today, in words or as a code"
    )
    confidentiality: str = Field("park", max_length=40, description="private, park or public")
    frequency: str | None = Field(None, max_length=40)
    quality: str | None = Field(None, max_length=2000)
    description: str | None = Field(None, max_length=2000)
    waste_code: str | None = Field(None, max_length=40)
    note: str | None = Field(None, max_length=2000)


class FlowChange(BaseModel):
    """What to change in a flow, as `parkloop flows set` and the flow's page change it;
    fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    quantity: float | None = Field(None, allow_inf_nan=False)
    unit: str | None = Field(None, max_length=60)
    material: str | None = Field(None, max_length=500)
    price_vnd_per_unit: float | None = Field(None, allow_inf_nan=False)
    destination: str | None = Field(None, max_length=200)
    confidentiality: str | None = Field(None, max_length=40)


class ListingOut(Out):
    """An offer or a want on the park's marketplace."""

    id: int
    park: str
    enterprise: str
    enterprise_name: str
    key: str
    kind: ListingKind
    material: MaterialRef
    material_words: Words
    quantity: float = Field(description="Per year, in the material's unit")
    unit: str
    entered_quantity: float | None
    entered_unit: str | None
    price_vnd_per_unit: Number = Field(description="The enterprise's own asking price, if given")
    max_distance_km: Number
    available_from: dt.date | None
    available_until: dt.date | None
    quality: str
    description: str
    waste_code: str
    confidentiality: Confidentiality
    status: ListingStatus
    data_status: DataStatus
    source: str
    note: str
    may_change: bool = Field(description="Whether the caller may change or close it")
    updated_at: dt.datetime | None = Field(None, description=UPDATED_AT)


def listing_of(
    x: Listing,
    org: Organisation | None,
    price_given: float | None,
    may_change: bool,
    lang: str,
    updated_at: dt.datetime | None = None,
) -> ListingOut:
    assert x.id is not None
    return ListingOut(
        id=x.id,
        park=x.park_code,
        enterprise=x.org_code,
        enterprise_name=name_of(org, x.org_code, lang),
        key=x.key,
        kind=x.kind,
        material=material_of(x.material_code, lang),
        material_words=words_of(
            x.material_words.text,
            x.material_words.confidence,
            x.material_words.basis,
            x.material_words.suggestions,
        ),
        quantity=x.quantity.value,
        unit=x.quantity.unit,
        entered_quantity=x.quantity.entered_value,
        entered_unit=x.quantity.entered_unit,
        price_vnd_per_unit=price_given,
        max_distance_km=x.max_distance_km,
        available_from=x.available_from,
        available_until=x.available_until,
        quality=x.quality,
        description=x.description,
        waste_code=x.waste_code,
        confidentiality=x.confidentiality,
        status=x.status,
        data_status=x.data_status,
        source=x.source,
        note=x.note,
        may_change=may_change,
        updated_at=updated_at,
    )


# -- matches ----------------------------------------------------------------------------------


class MatchOut(Out):
    """A proposed pairing of one supply with one demand, as the caller may see it: a side
    whose records the caller may not see is named ``confidential`` and its figures are
    null."""

    model_config = ConfigDict(extra="allow")

    id: int
    rank: int | None
    status: str = Field(description="proposed, accepted or rejected")
    park: str
    supplier: PartyRef
    receiver: PartyRef
    material: str
    receiver_material: str
    rule: str
    channel: str
    score: float | None
    quantity: float | None
    unit: str
    distance_km: float | None
    net_benefit_vnd_per_year: float | None
    co2e_t_per_year: float | None
    reasons: list[dict[str, Any]] = Field(description="Why it was proposed, each with its text")
    accounting: dict[str, Any] = Field(
        description="Money and environment per year with the method and factors, or why hidden"
    )


class Decision(Out):
    at: dt.datetime | None
    by: str | None
    reason: str | None
    exchange_id: int | None


class MatchDetailOut(MatchOut):
    decision: Decision
    may_decide: bool = Field(description="Whether the caller may accept or reject it")


def match_of(view: dict[str, Any]) -> MatchOut:
    return MatchOut.model_validate(jsonable(view))


def match_detail_of(view: dict[str, Any]) -> MatchDetailOut:
    return MatchDetailOut.model_validate(jsonable(view))


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, description="Why the match is rejected")


class DecisionOut(Out):
    match: int
    status: str
    exchange_id: int | None = Field(None, description="The exchange an accepted match became")
    exchange_status: str | None = None
    reason: str | None = None


# -- exchanges --------------------------------------------------------------------------------


class TransportOut(Out):
    mode: TransportMode
    rate_vnd_per_tkm: Number
    tonnes_per_trip: Number
    trips_per_day: Number
    operating_days_per_year: float


class ExchangeOut(Out):
    """An exchange between a supplier and a receiver. Its quantities, prices and savings
    are null where the caller may not see them (``figures`` false)."""

    id: int
    park: str
    key: str
    supplier: PartyRef
    receiver: PartyRef
    material: MaterialRef
    receiver_material: str
    status: ExchangeStatus
    figures: bool = Field(description="Whether the quantities and savings are shown")
    quantity: float | None = Field(description="Per year, in the material's unit")
    unit: str
    planned: float | None = Field(description="Agreed or proposed quantity per year")
    measured: float | None = Field(description="Measured quantity per year")
    price_vnd_per_unit: float | None
    treatment: str
    treatment_cost_vnd_per_unit: float | None
    distance_km: float | None
    transport: TransportOut
    start_date: dt.date | None
    end_date: dt.date | None
    route: str
    description: str
    match_id: int | None = Field(description="The saved match it was accepted from")
    account: dict[str, Any] | None = Field(
        description="Money and environment per year, with the factors used (ids)"
    )
    data_status: DataStatus
    source: str
    note: str
    updated_at: dt.datetime | None = Field(None, description=UPDATED_AT)


def exchange_of(tracked: Any, lang: str, updated_at: dt.datetime | None = None) -> ExchangeOut:
    x: Exchange = tracked.exchange
    shown: bool = tracked.figures
    assert x.id is not None
    t = x.transport

    def figure(value: float | None) -> float | None:
        return value if shown else None

    return ExchangeOut(
        id=x.id,
        park=x.park_code,
        key=x.key,
        supplier=PartyRef(
            park=x.supplier_park_code,
            code=x.supplier_code,
            name=name_of(tracked.supplier, x.supplier_code, lang),
        ),
        receiver=PartyRef(
            park=x.receiver_park_code,
            code=x.receiver_code,
            name=name_of(tracked.receiver, x.receiver_code, lang),
        ),
        material=material_of(x.material_code, lang),
        receiver_material=x.receiver_material_code or x.material_code,
        status=x.status,
        figures=shown,
        quantity=figure(x.quantity.value),
        unit=x.quantity.unit,
        planned=tracked.planned,
        measured=tracked.measured,
        price_vnd_per_unit=figure(x.price_vnd_per_unit),
        treatment=x.treatment,
        treatment_cost_vnd_per_unit=figure(x.treatment_cost_vnd_per_unit),
        distance_km=x.distance_km,
        transport=TransportOut(
            mode=t.mode,
            rate_vnd_per_tkm=t.rate_vnd_per_tkm,
            tonnes_per_trip=t.tonnes_per_trip,
            trips_per_day=t.trips_per_day,
            operating_days_per_year=t.operating_days_per_year,
        ),
        start_date=x.start_date,
        end_date=x.end_date,
        route=x.route,
        description=x.description,
        match_id=tracked.match_id,
        account=jsonable(tracked.account) if tracked.account is not None else None,
        data_status=x.data_status,
        source=x.source,
        note=x.note,
        updated_at=updated_at,
    )


class ExchangeDetailOut(ExchangeOut):
    may_change: bool = Field(description="Whether the caller may change its status")
    match_shown: bool = Field(description="Whether the match it came from is shown to the caller")
    statuses: list[str] = Field(description="The stages it may be moved to")
    year: int = Field(description="The year its figures are for")
    method: dict[str, str] = Field(description="How each figure is computed")
    factors: list[dict[str, Any]] = Field(
        description="The factors used, each with its value, status and source"
    )


def cited(factors: Any) -> list[dict[str, Any]]:
    """Factors with their sources as a list (each with its id)."""
    if isinstance(factors, dict):
        return [
            {"id": k, **v} if isinstance(v, dict) else {"id": k, "value": v}
            for k, v in factors.items()
        ]
    return list(jsonable(factors or []))


class ExchangeChange(BaseModel):
    """Move an exchange to another stage (its two parties, their park operator or the
    administrator may)."""

    model_config = ConfigDict(extra="forbid")

    status: ExchangeStatus


# -- assessments ------------------------------------------------------------------------------


class AssessmentHistoryRow(Out):
    year: int
    overall_percent: float | None
    overall_percent_exact: float | None = None
    ruleset_version: str | None = None
    assessed_at: dt.datetime | None


class AssessmentSummaryOut(Out):
    """A park's result on one rule set: the latest, computed now from the records the
    caller may see, with the kept results of each year."""

    ruleset: str
    ruleset_version: str
    ruleset_title: dict[str, str]
    year: int
    overall_percent: float | None
    verdicts: dict[str, int]
    coverage: dict[str, int]
    coverage_text: dict[str, str] = Field(
        default_factory=dict,
        description="What the overall rate rests on, in Vietnamese and English: 'rate 100 % "
        "over 1 of 8 criteria; 7 without data (…)'; criteria without data are left out of "
        "the rate, never counted as zero",
    )
    history: list[AssessmentHistoryRow] = Field(description="Kept results, the latest of each year")


class AssessmentOut(AssessmentSummaryOut):
    """The whole result: each criterion and indicator with its value, threshold, verdict,
    basis and sources; the gaps and what would close them."""

    model_config = ConfigDict(extra="allow")

    level: str
    park: str
    ruleset_document: Any = None
    ruleset_status: str | None = None
    ruleset_source: str | None = None
    overall_percent_exact: float | None
    overall_method: dict[str, Any]
    criteria: list[dict[str, Any]]
    monitoring: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    change_since_last_year: dict[str, Any] | None


def latest_per_year(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last kept result of each year, oldest year first."""
    best: dict[int, dict[str, Any]] = {}
    for row in rows:
        year = int(row["year"])
        if year not in best or str(row.get("assessed_at") or "") >= str(
            best[year].get("assessed_at") or ""
        ):
            best[year] = row
    return [best[y] for y in sorted(best)]


def assessment_summary_of(found: dict[str, Any]) -> AssessmentSummaryOut:
    summary = jsonable(found["summary"])
    return AssessmentSummaryOut(
        ruleset=summary["ruleset"],
        ruleset_version=str(summary["ruleset_version"]),
        ruleset_title=summary["ruleset_title"],
        year=summary["year"],
        overall_percent=summary["overall_percent"],
        verdicts=summary["verdicts"],
        coverage=found["coverage"],
        coverage_text=summary["coverage"]["text"],
        history=[
            AssessmentHistoryRow.model_validate(h) for h in latest_per_year(summary["history"])
        ],
    )


def assessment_of(found: dict[str, Any]) -> AssessmentOut:
    summary = jsonable(found["summary"])
    summary["ruleset_version"] = str(summary["ruleset_version"])
    summary["coverage_text"] = summary["coverage"]["text"]
    summary["coverage"] = found["coverage"]
    summary["history"] = latest_per_year(summary["history"])
    return AssessmentOut.model_validate(summary)


# -- jobs, history, the caller ----------------------------------------------------------------


class JobOut(Out):
    """Long work run in the background: an import, a matching run, an optimisation."""

    id: int
    kind: str
    status: str = Field(description="queued, running, done or failed")
    stage: str
    done: int
    total: int
    percent: int | None
    message: str = Field(description="Why it failed, in one line")
    params: dict[str, Any]
    actor: str
    park: str | None
    attempts: int
    created_at: dt.datetime | None
    started_at: dt.datetime | None
    heartbeat_at: dt.datetime | None
    finished_at: dt.datetime | None
    result: dict[str, Any] | None = Field(
        None,
        description="What it did (an import's counts and readings), or for rejected input "
        "its problems, each with sheet, row, column, value, message and fix",
    )
    waiting: str | None = None


def job_of(view: dict[str, Any]) -> JobOut:
    return JobOut.model_validate(view)


class HistoryEntryOut(Out):
    """One entry of the change log: who changed what, when, with the old and new values."""

    id: int
    at: dt.datetime | None
    actor: str
    action: str
    object_type: str
    object_key: str
    park: str
    detail: dict[str, Any]


def history_of(entry: dict[str, Any]) -> HistoryEntryOut:
    return HistoryEntryOut(
        id=entry["id"],
        at=entry["at"].replace(tzinfo=dt.UTC)
        if isinstance(entry["at"], dt.datetime) and entry["at"].tzinfo is None
        else entry["at"],
        actor=entry["actor"],
        action=entry["action"],
        object_type=entry["object_type"],
        object_key=entry["object_key"],
        park=entry["park_code"],
        detail=jsonable(entry["detail"] or {}),
    )


class Me(Out):
    """The caller, as the API sees it."""

    signed_in: bool
    via: str = Field(description="token, session or anonymous")
    email: str | None
    name: str | None
    role: str
    park: str | None
    enterprise: str | None
    lang: str
