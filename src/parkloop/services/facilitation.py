"""A facilitator's work across the parks that engaged it (UNIDO, a cleaner-production
centre, a consultant): each park's assessment rate with how much of it rests on data, the
rates its operator kept, its register of resource-efficiency (RECP) measures with their
savings in the seeds' form, and RECP measures recorded one at a time.

Every figure comes from the services that compute it for the viewer (the permission
layer of docs/confidentiality.md): a facilitator sees the shared and public records of
its parks, never an enterprise's private ones. What it may record is
``permissions.can_record``'s, checked by the importer every measure goes through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from parkloop.domain.enums import DataStatus, OrgKind, RecpCategory
from parkloop.domain.models import Organisation, Park
from parkloop.domain.permissions import (
    Record,
    Role,
    Viewer,
    can_record,
    own_parks,
    sees_park_records,
)
from parkloop.errors import UserError
from parkloop.services import accounting, dashboard, registry
from parkloop.services import assessment_detail as detail
from parkloop.services.importing import ImportReport, import_rows
from parkloop.services.importing.checker import RECP_SAVINGS

# The fields of the form a measure is recorded with: the columns of the workbook's RECP
# measures sheet, typed as text (numbers in the writer's decimal mark).
NUMBERS = RECP_SAVINGS
TEXTS = ("key", "title", "category", "fuel_type", "note", "data_status", "source")
CATEGORIES = tuple(RecpCategory)
DATA_STATUSES = tuple(DataStatus)


@dataclass(frozen=True, slots=True)
class ParkWork:
    """One park as its facilitator's dashboard shows it."""

    park: Park
    assessment: dict[str, Any] | None  # the rate from the records the viewer may see
    assessment_note: str  # why there is none
    kept: list[dict[str, Any]]  # the rates the park's operator kept in its history
    recp: dict[str, Any]  # the RECP register of the latest year with measures
    recp_words: dict[str, str] | None  # its totals in the seeds' form, per language
    may_record: bool


def parks_of(engine: Engine, viewer: Viewer) -> list[Park]:
    """The parks ``viewer`` works for: those that engaged a facilitator, an operator's
    park, every park for the administrator."""
    found = registry.parks(engine, viewer=viewer)
    if viewer.role is Role.ADMIN:
        return found
    own = own_parks(viewer)
    return [p for p in found if p.id in own]


def overview(
    engine: Engine, viewer: Viewer, ruleset: str = detail.DEFAULT_RULESET
) -> dict[str, Any]:
    """The dashboard of the parks ``viewer`` works for, and the RECP programme over them
    (firms, savings and CO2e a year, in the seeds' form)."""
    parks = parks_of(engine, viewer)
    shown = [park_work(engine, p, viewer, ruleset) for p in parks]
    programme: dict[str, Any] | None = None
    if any(w.recp["year"] is not None for w in shown):
        found = accounting.recp_programme(engine, parks=[p.code for p in parks], viewer=viewer)
        if found["programme"]["measures"]:
            programme = {
                "year": found["year"],
                "in_words": found["programme"]["in_words"],
                "parks": found["programme"]["parks"],
                "withheld": found["withheld"],
            }
    return {
        "parks": shown,
        "ruleset": detail.ruleset_of(ruleset),
        "programme": programme,
    }


def park_work(engine: Engine, park: Park, viewer: Viewer, ruleset: str) -> ParkWork:
    found: dict[str, Any] | None = None
    note = ""
    try:
        assessed = detail.park_assessment(engine, park.code, ruleset, None, viewer)
    except UserError as exc:
        note = exc.message
    else:
        a = assessed["assessment"]
        found = {
            "ruleset": a.ruleset.id,
            "year": a.year,
            "overall_percent": a.overall_percent,
            "coverage": detail.coverage(a),
            "coverage_text": {
                lang: a.coverage.text(a.overall_percent, lang) for lang in ("vi", "en")
            },
            "gaps": len(assessed["gaps"]),
        }
    register = detail.recp_register(engine, park.code, viewer)
    return ParkWork(
        park=park,
        assessment=found,
        assessment_note=note,
        kept=dashboard.assessment_rates(engine, park.code, viewer),
        recp=register,
        recp_words=seeds_form(engine, park, viewer, register["year"]),
        may_record=park.id is not None and can_record(viewer, park.id, Record.RECP_MEASURE),
    )


def seeds_form(
    engine: Engine, park: Park, viewer: Viewer, year: int | None
) -> dict[str, str] | None:
    """The park's RECP totals of ``year`` as the UNIDO pilots report them ('3 firms saved
    6,800 MWh …'), for those who see the park's measures one by one; None otherwise (the
    register's cards give the totals the disclosure rule lets through)."""
    if year is None or not sees_park_records(viewer, park.id):
        return None
    found = accounting.recp_programme(engine, parks=[park.code], year=year, viewer=viewer)
    if not found["programme"]["measures"]:
        return None
    words: dict[str, str] = found["programme"]["in_words"]
    return words


def recordable(engine: Engine, park_code: str, viewer: Viewer) -> list[Organisation]:
    """The enterprises of the park whose RECP measures ``viewer`` may record."""
    park = registry.require_park(engine, park_code)
    if park.id is None:
        return []
    orgs = registry.organisations(engine, park_code, [OrgKind.ENTERPRISE])
    return [
        o
        for o in orgs
        if o.id is not None and can_record(viewer, park.id, Record.RECP_MEASURE, o.id)
    ]


def register(
    engine: Engine, park_code: str, viewer: Viewer, year: int | None = None
) -> dict[str, Any]:
    """A park's RECP register for ``viewer`` (the measures one by one to those of the park,
    totals under the disclosure rule to others), its totals in the seeds' form, and the
    enterprises whose measures ``viewer`` may record."""
    park = registry.require_park(engine, park_code)
    found = detail.recp_register(engine, park_code, viewer, year)
    return {
        "register": found,
        "in_words": seeds_form(engine, park, viewer, found["year"]),
        "recordable": recordable(engine, park_code, viewer),
    }


def record_measure(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    form: dict[str, str],
    actor: str | None = None,
    lang: str = "vi",
) -> ImportReport:
    """Record one RECP measure of an enterprise of the park, typed as a row of the
    workbook's RECP measures sheet would be: the same reading of numbers (in the writer's
    decimal mark: '1.200,5' in Vietnamese), fuels and categories, the same checks, the same
    authorisation and change log. The same enterprise, year and measure (or the same row
    key) changes the measure recorded before. Raises ``ImportProblems`` naming each
    problem; a measure ``viewer`` may not record is refused there."""
    registry.require_park(engine, park_code)
    row: dict[str, Any] = {
        "park": park_code,
        "enterprise": form.get("enterprise", ""),
        "year": form.get("year", ""),
        "implemented": "no" if form.get("implemented") == "no" else "yes",
    }
    for name in (*TEXTS, *NUMBERS):
        value = form.get(name, "").strip()
        if value:
            row[name] = value
    decimal = "," if lang == "vi" else "."
    return import_rows(
        engine, {"recp_measures": [row]}, name="form", viewer=viewer, actor=actor, decimal=decimal
    )
