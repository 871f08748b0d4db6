"""What every command shares: the database, the language and who is looking."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import typer
from sqlalchemy import Engine, select

from parkloop.domain.permissions import Role, Viewer
from parkloop.errors import UserError, msg
from parkloop.services.session import Database
from parkloop.store.schema import organisations, parks

# The language of this run (--lang, else the setting): main() says a refusal in it.
SPOKEN: ContextVar[str] = ContextVar("parkloop_cli_lang", default="vi")


@dataclass
class State:
    database: Database = field(default_factory=Database)
    lang: str = "vi"
    viewer_spec: str = "admin"

    def engine(self, create: bool = False) -> Engine:
        """The database's engine. Only commands that load data pass ``create``: they may
        create a missing database or upgrade an SQLite one; the others refuse to."""
        return self.database.engine(create=create)

    def viewer(self) -> Viewer:
        """Parse --as: admin | operator:PARK | enterprise:PARK:ORG | authority |
        facilitator:PARK[,PARK...] | public."""
        parts = self.viewer_spec.split(":")
        try:
            role = Role(parts[0])
            if role is Role.AGGREGATE:
                raise ValueError(role)
        except ValueError:
            raise UserError(
                msg(
                    "--as '{viewer_spec}': use admin, operator:PARK, enterprise:PARK:ORG, "
                    "authority, facilitator:PARK[,PARK...] or public",
                    viewer_spec=self.viewer_spec,
                )
            ) from None
        if role in (Role.ADMIN, Role.AUTHORITY, Role.PUBLIC):
            return Viewer(role, name=self.viewer_spec)
        if role is Role.FACILITATOR:
            return self._facilitator(parts[1] if len(parts) > 1 else "")
        if len(parts) < 2 or (role is Role.ENTERPRISE and len(parts) < 3):
            raise UserError(
                msg(
                    "--as '{viewer_spec}': say which park (and enterprise)",
                    viewer_spec=self.viewer_spec,
                )
            )
        with self.engine().connect() as conn:
            park_id = conn.scalar(select(parks.c.id).where(parks.c.code == parts[1]))
            if park_id is None:
                raise UserError(msg("--as: no park '{park}'", park=parts[1]))
            org_id = None
            if role is Role.ENTERPRISE:
                org_id = conn.scalar(
                    select(organisations.c.id).where(
                        organisations.c.park_id == park_id, organisations.c.code == parts[2]
                    )
                )
                if org_id is None:
                    raise UserError(
                        msg(
                            "--as: no enterprise '{org}' in park '{park}'",
                            org=parts[2],
                            park=parts[1],
                        )
                    )
        return Viewer(role, park_id=park_id, org_id=org_id, name=self.viewer_spec)

    def _facilitator(self, listed: str) -> Viewer:
        codes = [c.strip() for c in listed.split(",") if c.strip()]
        if not codes:
            raise UserError(
                msg(
                    "--as '{viewer_spec}': say which parks (facilitator:PARK,...)",
                    viewer_spec=self.viewer_spec,
                )
            )
        with self.engine().connect() as conn:
            found = dict(
                conn.execute(select(parks.c.code, parks.c.id).where(parks.c.code.in_(codes))).all()
            )
        missing = [c for c in codes if c not in found]
        if missing:
            raise UserError(msg("--as: no park {items}", items=", ".join(repr(c) for c in missing)))
        return Viewer(Role.FACILITATOR, parks=frozenset(found.values()), name=self.viewer_spec)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def park_option(ctx: typer.Context, value: Any) -> Any:
    """``--park`` takes a code, a name or a unique prefix; the services get the code."""
    if value is None or ctx.resilient_parsing:
        return value
    from parkloop.services.registry import resolve_park

    engine = state(ctx).engine()
    if isinstance(value, list):
        return [resolve_park(engine, v) for v in value]
    return resolve_park(engine, value)
