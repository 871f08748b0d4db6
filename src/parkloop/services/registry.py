"""Use cases over the registry and inventory: listings for the CLI, API and reports."""

from __future__ import annotations

from sqlalchemy import Engine

from parkloop.domain.codes import Lookup, Named
from parkloop.domain.enums import ExchangeStatus, OrgKind
from parkloop.domain.models import Exchange, Flow, Listing, Organisation, Park
from parkloop.domain.permissions import Viewer, sees_everything_of
from parkloop.errors import NotFound, UserError
from parkloop.store import exchanges as exchange_store
from parkloop.store import inventory, registry, writes


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
        raise UserError(f"no park '{text}'; the nearest known: {', '.join(near)}")
    if lookup.entries:
        known = ", ".join(sorted(e.code for e in lookup.entries)[:10])
        raise UserError(f"no park '{text}'; known parks: {known}")
    raise UserError(
        f"no park '{text}'; the database has no parks yet "
        "(try `parkloop examples load nam-cau-kien`)"
    )


def require_park(engine: Engine, code: str) -> Park:
    with engine.connect() as conn:
        park = registry.get_park(conn, code)
        if park is None:
            known = sorted(registry.park_ids(conn))
            hint = (
                f"; known parks: {', '.join(known)}"
                if known
                else "; the database has no parks yet (try `parkloop examples load nam-cau-kien`)"
            )
            raise NotFound(f"no park '{code}'{hint}")
        return park


def parks(engine: Engine, region: str | None = None) -> list[Park]:
    with engine.connect() as conn:
        return registry.list_parks(conn, region=region)


def organisations(
    engine: Engine, park_code: str, kinds: list[OrgKind] | None = None
) -> list[Organisation]:
    require_park(engine, park_code)
    with engine.connect() as conn:
        return registry.list_organisations(conn, park_code, kinds)


def flows(engine: Engine, park_code: str, viewer: Viewer, year: int | None = None) -> list[Flow]:
    require_park(engine, park_code)
    with engine.connect() as conn:
        return inventory.list_flows(conn, park_code, viewer=viewer, year=year)


def listings(engine: Engine, park_code: str, viewer: Viewer) -> list[Listing]:
    require_park(engine, park_code)
    with engine.connect() as conn:
        return inventory.list_listings(conn, park_code, viewer=viewer)


def exchanges(
    engine: Engine,
    park_code: str,
    statuses: list[ExchangeStatus] | None = None,
    viewer: Viewer | None = None,
) -> list[Exchange]:
    """The exchanges of a park. With ``viewer``, those of a kept optimisation plan
    (``planned``) only when the viewer sees every record of the park: a plan's quantities
    rest on every enterprise's records, private ones included."""
    park = require_park(engine, park_code)
    with engine.connect() as conn:
        found = exchange_store.list_exchanges(conn, park_code, statuses)
    if viewer is not None and not (park.id is not None and sees_everything_of(viewer, park.id)):
        found = [x for x in found if x.status is not ExchangeStatus.PLANNED]
    return found
