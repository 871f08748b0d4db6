"""Use cases over the registry and inventory: listings for the CLI, API and reports."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from parkloop.domain.codes import Lookup, Named
from parkloop.domain.enums import ExchangeStatus, OrgKind
from parkloop.domain.models import Exchange, Flow, Listing, Organisation, Park
from parkloop.domain.permissions import Viewer, in_scope, sees_everything_of
from parkloop.errors import NotFound, UserError, msg
from parkloop.services import memo
from parkloop.store import browse, inventory, registry, writes
from parkloop.store import exchanges as exchange_store


def resolve_park(engine: Engine, text: str) -> str:
    """The code of the park ``text`` names: its code in any spelling ('Quế Võ 4' for
    que-vo-4), its name, or a unique prefix of either. An unknown park is refused with the
    nearest known ones."""
    with engine.connect() as conn:
        lookup = Lookup.of(Named(code, (vi, en)) for code, vi, en in writes.park_names(conn))
    code = lookup.find(text)
    if code is not None:
        return code
    near = lookup.nearest(text)
    if near:
        raise UserError(msg("no park '{text}'; the nearest known: {near}", text=text, near=near))
    if lookup.entries:
        known = ", ".join(sorted(e.code for e in lookup.entries)[:10])
        raise UserError(msg("no park '{text}'; known parks: {known}", text=text, known=known))
    raise UserError(
        msg(
            "no park '{text}'; the database has no parks yet (try `parkloop examples "
            "load nam-cau-kien`)",
            text=text,
        )
    )


def require_park(engine: Engine, code: str) -> Park:
    """The park of ``code``, or NotFound; read once per web request."""
    return memo.once(("park", id(engine), code), lambda: _require_park(engine, code))


def _require_park(engine: Engine, code: str) -> Park:
    with engine.connect() as conn:
        park = registry.get_park(conn, code)
        if park is None:
            known = sorted(registry.park_ids(conn))
            if known:
                raise NotFound(
                    msg("no park '{text}'; known parks: {known}", text=code, known=known)
                )
            raise NotFound(
                msg(
                    "no park '{text}'; the database has no parks yet (try `parkloop examples "
                    "load nam-cau-kien`)",
                    text=code,
                )
            )
        return park


def parks(engine: Engine, region: str | None = None, viewer: Viewer | None = None) -> list[Park]:
    """The parks (of ``region``); with ``viewer``, those it may open (an authority of a
    province or a region: the parks of it)."""
    with engine.connect() as conn:
        found = registry.list_parks(conn, region=region)
    if viewer is not None and viewer.scope is not None:
        found = [p for p in found if in_scope(viewer, p.id)]
    return found


def organisations(
    engine: Engine, park_code: str, kinds: list[OrgKind] | None = None
) -> list[Organisation]:
    """The park's organisations (of ``kinds``); in the web application read once per data
    version (the registry is the same for every viewer)."""

    def read() -> list[Organisation]:
        require_park(engine, park_code)
        with engine.connect() as conn:
            return registry.list_organisations(conn, park_code, kinds)

    key = ("organisations", park_code, tuple(kinds) if kinds is not None else None)
    return list(memo.park_wide(engine, key, read, frozenset({memo.ORGANISATIONS})))


def flows(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    year: int | None = None,
    org_codes: Collection[str] | None = None,
) -> list[Flow]:
    """The park's flows ``viewer`` may see (of ``year``; of the organisations of
    ``org_codes`` only, when given)."""
    require_park(engine, park_code)
    with engine.connect() as conn:
        return inventory.list_flows(conn, park_code, viewer=viewer, year=year, org_codes=org_codes)


def listings(engine: Engine, park_code: str, viewer: Viewer) -> list[Listing]:
    require_park(engine, park_code)
    with engine.connect() as conn:
        return inventory.list_listings(conn, park_code, viewer=viewer)


# What the exchange register rests on (:func:`memo.park_wide`): planned exchanges are
# written by optimisation runs.
EXCHANGES_REST_ON = frozenset({memo.EXCHANGES, memo.ORGANISATIONS, memo.OPTIMISATION})


def exchanges(
    engine: Engine,
    park_code: str,
    statuses: list[ExchangeStatus] | None = None,
    viewer: Viewer | None = None,
    party: str | None = None,
) -> list[Exchange]:
    """The exchanges of a park (with ``party``, an organisation's code: those it supplies
    or receives). With ``viewer``, those of a kept optimisation plan (``planned``) only
    when the viewer sees every record of the park: a plan's quantities rest on every
    enterprise's records, private ones included. The register is read once per data
    version in the web application (it is the same for every viewer but plans)."""
    park = require_park(engine, park_code)

    def read() -> list[Exchange]:
        with engine.connect() as conn:
            return exchange_store.list_exchanges(conn, park_code, statuses, party)

    key = ("exchanges", park_code, tuple(statuses) if statuses is not None else None, party)
    found = list(memo.park_wide(engine, key, read, EXCHANGES_REST_ON))
    if viewer is not None and not (park.id is not None and sees_everything_of(viewer, park.id)):
        found = [x for x in found if x.status is not ExchangeStatus.PLANNED]
    return found


# -- what a page shows ---------------------------------------------------------------------

# The filters of a list of flows and the parts of flows totals read, for the pages.
FlowFilter = browse.FlowFilter
FlowFigures = browse.FlowFigures


@dataclass(frozen=True, slots=True)
class FlowPage:
    """One page of a park's flows as a viewer may see them, with the counts the list
    shows: those the filters keep, all the viewer may see, and those to review."""

    flows: list[Flow]
    count: int
    total: int
    unclassified: int


def flow_page(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    chosen: FlowFilter,
    words: str = "",
    offset: int = 0,
    limit: int = 100,
) -> FlowPage:
    """The flows of one page of a park's list for ``viewer``: those the filters and the
    words keep (in a flow's key, enterprise, material code or name in either language,
    the words it was written in, its description; case and accents as typed), counted
    and cut in the database; only the page's flows are read whole."""
    require_park(engine, park_code)
    wanted = words.strip().casefold()
    with engine.connect() as conn:
        total, unclassified = browse.flow_counts(conn, park_code, viewer)
        if not wanted:
            count = browse.count_flows(conn, park_code, viewer, chosen)
            shown = browse.flows_page(conn, park_code, viewer, chosen, offset, limit)
            return FlowPage(shown, count, total, unclassified)
        from parkloop.catalog import catalog

        materials = catalog().materials
        found = [
            f.id
            for f in browse.flow_words(conn, park_code, viewer, chosen)
            if wanted in _searched_text(f, materials.get(f.material_code))
        ]
        ids = found[max(offset, 0) : max(offset, 0) + limit]
        shown = browse.flows_by_id(conn, park_code, viewer, ids)
    return FlowPage(shown, len(found), total, unclassified)


def _searched_text(f: browse.FlowWords, material: Any) -> str:
    return " ".join(
        [
            f.key,
            f.org_code,
            f.material_code,
            f.material_text,
            material.name_vi if material else "",
            material.name_en if material else "",
            f.description,
        ]
    ).casefold()


def flow(engine: Engine, park_code: str, flow_id: int, viewer: Viewer) -> Flow:
    """One flow of the park, if ``viewer`` may see it."""
    require_park(engine, park_code)
    with engine.connect() as conn:
        found = browse.flows_by_id(conn, park_code, viewer, [flow_id])
    if not found:
        raise NotFound(
            msg(
                "park '{park_code}' has no flow {flow_id} you may see",
                park_code=park_code,
                flow_id=str(flow_id),
            )
        )
    return found[0]


def flows_of(engine: Engine, park_code: str, org_code: str, viewer: Viewer) -> list[Flow]:
    """The flows of one organisation of the park that ``viewer`` may see."""
    require_park(engine, park_code)
    with engine.connect() as conn:
        return inventory.list_flows(conn, park_code, viewer=viewer, org_code=org_code)


def listings_of(engine: Engine, park_code: str, org_code: str, viewer: Viewer) -> list[Listing]:
    """The offers and wants of one organisation of the park that ``viewer`` may see."""
    require_park(engine, park_code)
    with engine.connect() as conn:
        return browse.listings_of(conn, park_code, viewer, org_code)


def flow_figures(engine: Engine, park_code: str, viewer: Viewer) -> list[FlowFigures]:
    """What totals over the park's flows read, of every flow ``viewer`` may see: kept out
    of the park's flows read once per data version (:func:`memo.park_wide`)."""

    def read() -> browse.ParkFlowFigures:
        require_park(engine, park_code)
        with engine.connect() as conn:
            return browse.park_flow_figures(conn, park_code)

    return browse.seen_flow_figures(
        memo.park_wide(engine, ("flow_figures", park_code), read), viewer
    )


def organisation(engine: Engine, park_code: str, code: str) -> Organisation:
    """One organisation of the park by its code."""
    require_park(engine, park_code)
    with engine.connect() as conn:
        found = browse.organisation(conn, park_code, code)
    if found is None:
        raise NotFound(
            msg(
                "park '{park_code}' has no enterprise or partner '{code}'",
                park_code=park_code,
                code=code,
            )
        )
    return found


def organisations_named(
    engine: Engine, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Organisation]:
    """The organisations named by (park code, organisation code), those that exist."""
    wanted = {(str(p), str(c)) for p, c in keys if p and c}
    if not wanted:
        return {}
    with engine.connect() as conn:
        return browse.organisations_named(conn, wanted)
