"""Engines and schema upgrades. The database is chosen by ``--db`` or PARKLOOP_DATABASE_URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event

DEFAULT_URL = "sqlite:///parkloop.db"


def resolve_url(url: str | None = None) -> str:
    """The database URL: explicit, else PARKLOOP_DATABASE_URL, else ./parkloop.db."""
    url = url or os.environ.get("PARKLOOP_DATABASE_URL") or DEFAULT_URL
    if url.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver we ship.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = resolve_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    location = resources.files("parkloop.store") / "migrations"
    cfg.set_main_option("script_location", str(Path(str(location))))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema, then bring the material table in line with the catalog."""
    command.upgrade(_alembic_config(engine), revision)
    from parkloop.store.materials import sync_materials

    with engine.begin() as conn:
        sync_materials(conn)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision(engine)


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One unit of work: everything inside commits together or not at all."""
    with engine.begin() as conn:
        yield conn
