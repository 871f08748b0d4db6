"""Opening the database for a use case: one engine per process, schema checked once."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from parkloop.errors import UserError
from parkloop.store import db


@dataclass
class Database:
    """A database URL and its engine, created on first use with the schema up to date."""

    url: str | None = None
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def resolved_url(self) -> str:
        return db.resolve_url(self.url)

    def engine(self, upgrade_if_needed: bool = True) -> Engine:
        if self._engine is None:
            engine = db.make_engine(self.url)
            try:
                current = db.current_revision(engine)
            except Exception as exc:
                raise UserError(f"cannot open database {self.resolved_url}: {exc}") from exc
            if current != db.head_revision(engine):
                embedded = engine.dialect.name == "sqlite"
                if upgrade_if_needed and (embedded or current is None):
                    db.upgrade(engine)
                else:
                    raise UserError(
                        f"database {self.resolved_url} is at schema {current}; "
                        "run `parkloop db upgrade` first"
                    )
            self._engine = engine
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
