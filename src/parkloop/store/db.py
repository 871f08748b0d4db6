"""Engines and schema upgrades. The database is chosen by ``--db`` or PARKLOOP_DATABASE_URL."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError

from parkloop.settings import seconds

DEFAULT_URL = "sqlite:///parkloop.db"
PAGE_BYTES = 16384  # the page size of a SQLite database parkloop makes
VERSION_TABLE = "alembic_version"


def resolve_url(url: str | None = None) -> str:
    """The database URL: explicit, else PARKLOOP_DATABASE_URL, else ./parkloop.db."""
    url = url or os.environ.get("PARKLOOP_DATABASE_URL") or DEFAULT_URL
    if url.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver we ship.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url``; connecting to it is left to first use.

    SQLite connections wait up to ``sqlite_busy_timeout_s`` for another connection's write
    (an import in another process, say) before failing with "database is locked".
    """
    url = resolve_url(url)
    if url.startswith("sqlite"):
        busy_ms = round(seconds("sqlite_busy_timeout_s") * 1000)
        engine = create_engine(url, **kwargs)

        def pragmas(dbapi_connection: Any, _record: Any) -> None:
            _sqlite_pragmas(dbapi_connection, busy_ms)

        event.listen(engine, "connect", pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, busy_ms: int) -> None:
    cursor = dbapi_connection.cursor()
    # First, so that switching to WAL below also waits for a writer instead of failing.
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # A database made now has pages of 16 KiB: a bulk write (an import) writes and
    # checkpoints a quarter as many of them. (It takes effect only in a database without
    # tables yet, before WAL; one made earlier keeps its pages.)
    cursor.execute(f"PRAGMA page_size={PAGE_BYTES}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Contents(Enum):
    """What a database URL leads to, as far as parkloop is concerned."""

    MISSING = "missing"  # no SQLite file, or no PostgreSQL database of that name
    EMPTY = "empty"  # a database without any table
    FOREIGN = "foreign"  # tables, but not parkloop's schema: another program's database
    PARKLOOP = "parkloop"  # parkloop's schema, at ``revision``


@dataclass(frozen=True, slots=True)
class Found:
    """What :func:`inspect_database` learnt: the contents, the schema revision recorded
    (parkloop's, or another program's), the number of tables."""

    contents: Contents
    revision: str | None = None
    tables: int = 0


def inspect_database(engine: Engine) -> Found:
    """What ``engine`` points at, learnt without creating or changing anything.

    SQLite files are read through a connection of their own that may not create the file
    and does not switch the journal mode. Raises the driver's or SQLAlchemy's error when the
    database cannot be reached or read.
    """
    if engine.dialect.name == "sqlite" and not engine.url.query.get("uri"):
        path = engine.url.database
        if not path or path == ":memory:":
            return Found(Contents.EMPTY)
        file = Path(path)
        if not file.exists():
            return Found(Contents.MISSING)
        uri = file.resolve().as_uri() + "?mode=rw"
        timeout = seconds("sqlite_busy_timeout_s")
        with closing(sqlite3.connect(uri, uri=True, timeout=timeout)) as con:
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            versions = (
                [r[0] for r in con.execute(f"SELECT version_num FROM {VERSION_TABLE}")]
                if VERSION_TABLE in tables
                else []
            )
    else:
        try:
            with engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                versions = (
                    list(conn.scalars(text(f"SELECT version_num FROM {VERSION_TABLE}")))
                    if VERSION_TABLE in tables
                    else []
                )
        except OperationalError as exc:
            if _no_such_database(exc):
                return Found(Contents.MISSING)
            raise
    if not tables:
        return Found(Contents.EMPTY)
    if len(versions) == 1 and _is_parkloop_revision(engine, versions[0]):
        return Found(Contents.PARKLOOP, versions[0], len(tables))
    # Another program's schema version (or one of a newer parkloop) is kept to be shown.
    return Found(Contents.FOREIGN, ", ".join(versions) or None, len(tables))


def _no_such_database(exc: OperationalError) -> bool:
    reason = str(exc.orig)
    return getattr(exc.orig, "sqlstate", None) == "3D000" or (
        'database "' in reason and "does not exist" in reason
    )


def _is_parkloop_revision(engine: Engine, revision: str) -> bool:
    script = ScriptDirectory.from_config(_alembic_config(engine))
    try:
        found = script.get_revision(revision)
    except CommandError:
        return False
    # get_revision also takes a unique prefix; another program's "00" is not ours.
    return found is not None and found.revision == revision


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
