"""A park at a glance: who is there, what flows, which exchanges run, totals with units."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine

from parkloop.catalog import catalog
from parkloop.domain.enums import ExchangeStatus, LandUseClass, OrgKind
from parkloop.domain.models import Enterprise, Exchange, Park
from parkloop.domain.permissions import Viewer
from parkloop.services import confidentiality, memo, registry


@dataclass
class ParkSummary:
    park: Park
    enterprises: int
    partners: int
    by_sector: list[tuple[str, str, str, int]]  # division, name_vi, name_en, count
    flows: int
    year: int | None
    # material class -> direction -> canonical unit -> amount per year
    by_class: dict[str, dict[str, dict[str, float]]]
    exchanges_by_status: dict[str, int]
    running: list[Exchange]
    land_share_green_traffic_shared: float | None
    notes: list[str] = field(default_factory=list)


def park_summary(engine: Engine, park_code: str, viewer: Viewer | None = None) -> ParkSummary:
    """A park at a glance, from the records ``viewer`` may see; outside the park, totals
    by material class only under the disclosure rule."""
    park = registry.require_park(engine, park_code)
    viewer, aggregate_only = confidentiality.computing_viewer(viewer, park.id)
    flows = registry.flow_figures(engine, park_code, viewer)
    exchanges = [] if aggregate_only else registry.exchanges(engine, park_code, viewer=viewer)
    # Viewers who may see the same records get the same summary, made once.
    key = ("summary", park_code, aggregate_only, tuple(flows), tuple(x.id for x in exchanges))
    return memo.alike(engine, key, lambda: _summary(engine, park, flows, exchanges, aggregate_only))


def _summary(
    engine: Engine,
    park: Park,
    flows: list[registry.FlowFigures],
    exchanges: list[Exchange],
    aggregate_only: bool,
) -> ParkSummary:
    cat = catalog()
    orgs = registry.organisations(engine, park.code)
    tenants = [o for o in orgs if isinstance(o, Enterprise)]
    sectors: Counter[str] = Counter()
    for e in tenants:
        division = cat.vsic_division(e.vsic) if e.vsic else None
        sectors[division.code if division else "?"] += 1
    by_sector = []
    for code, count in sectors.most_common():
        entry = cat.vsic.get(code)
        by_sector.append(
            (
                code,
                entry.name_vi if entry else "chưa rõ",
                entry.name_en if entry else "unknown",
                count,
            )
        )
    year = max((f.year for f in flows), default=None)
    by_class: dict[str, dict[str, dict[str, float]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(float))
    )
    contributors: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for f in flows:
        if f.year != year:
            continue
        cls = cat.materials[f.material_code].material_class.value
        by_class[cls][f.direction][f.unit] += f.annual_quantity
        contributors[cls][f.org_code] += f.annual_quantity
    notes = []
    if aggregate_only:
        for cls in list(by_class):
            shown, note = confidentiality.publish({"_": 1}, contributors[cls])
            if shown is None:
                del by_class[cls]
                notes.append(f"{cls}: {note}")
    statuses = Counter(x.status.value for x in exchanges)
    share = park.land_share(
        {LandUseClass.GREEN, LandUseClass.TRAFFIC, LandUseClass.SHARED_INFRASTRUCTURE}
    )
    return ParkSummary(
        park=park,
        enterprises=len(tenants),
        partners=len([o for o in orgs if o.kind is not OrgKind.ENTERPRISE]),
        by_sector=by_sector,
        flows=len(flows),
        year=year,
        by_class={k: {d: dict(u) for d, u in v.items()} for k, v in by_class.items()},
        exchanges_by_status=dict(statuses),
        running=[x for x in exchanges if x.status is ExchangeStatus.RUNNING],
        land_share_green_traffic_shared=share,
        notes=notes,
    )


__all__ = ["ParkSummary", "park_summary"]
