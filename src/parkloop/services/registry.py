"""Use cases over the registry and inventory: listings for the CLI, API and reports."""

from __future__ import annotations

from sqlalchemy import Engine

from parkloop.domain.enums import ExchangeStatus, OrgKind
from parkloop.domain.models import Exchange, Flow, Listing, Organisation, Park
from parkloop.domain.permissions import Viewer
from parkloop.errors import UserError
from parkloop.store import exchanges as exchange_store
from parkloop.store import inventory, registry


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
            raise UserError(f"no park '{code}'{hint}")
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
    engine: Engine, park_code: str, statuses: list[ExchangeStatus] | None = None
) -> list[Exchange]:
    require_park(engine, park_code)
    with engine.connect() as conn:
        return exchange_store.list_exchanges(conn, park_code, statuses)
