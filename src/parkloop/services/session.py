"""Opening the database for a use case: one engine per process, schema checked once.

Only the commands that load data create a database or upgrade its schema: they ask for
``Database.engine(create=True)`` (``db upgrade`` calls :meth:`Database.upgrade`). Every other
command opens an existing parkloop database as it is, and refuses a missing one, an empty
one or another program's one without touching it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from parkloop.errors import Message, UserError, msg
from parkloop.settings import seconds
from parkloop.store import db
from parkloop.store.db import Contents, Found

# SQLAlchemy drivers parkloop ships, after resolve_url has named psycopg for PostgreSQL.
DRIVERS = frozenset({"sqlite", "sqlite+pysqlite", "postgresql+psycopg"})
URL_FORMS = "sqlite:///FILE.db or postgresql://user@host:port/dbname"
CREATE_HINT = msg("create it with `parkloop db upgrade` (or load an example)")
# What a command may fail with when the database is busy, unreachable or failing.
OPERATIONAL_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    sqlite3.OperationalError,
    psycopg.OperationalError,
)
# PostgreSQL: serialization failure, deadlock, lock not available (lock_timeout).
CONFLICT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")

T = TypeVar("T")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/@]*):\S*@")
_PASSWORD_PARAM = re.compile(r"(?i)\b(password=)[^&\s]+")


@dataclass
class Database:
    """A database URL and its engine, opened on first use after its schema was checked."""

    url: str | None = None
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def resolved_url(self) -> str:
        return db.resolve_url(self.url)

    @property
    def shown(self) -> str:
        """Where the database is, as messages say it: an SQLite file's path, or the URL
        with its password masked."""
        typed = self.url or os.environ.get("PARKLOOP_DATABASE_URL") or db.DEFAULT_URL
        try:
            parsed = make_url(self.resolved_url)
        except (ArgumentError, ValueError):
            return mask_passwords(typed)
        if parsed.drivername.startswith("sqlite") and not parsed.query.get("uri"):
            if not parsed.database or parsed.database == ":memory:":
                return "an in-memory SQLite database"
            return str(Path(parsed.database).absolute())
        return mask_passwords(typed)

    def engine(self, create: bool = False) -> Engine:
        """The engine of an up-to-date parkloop database.

        With ``create``, a missing or empty database is created and an SQLite one at an
        older schema is upgraded; without it, those are refused with a message saying what
        to do. Another program's database is always refused and left as it was.
        """
        if self._engine is None:
            engine = self._new_engine()
            try:
                self._open(engine, create)
            except BaseException:
                engine.dispose()
                raise
            self._engine = engine
        return self._engine

    def upgrade(self) -> tuple[str | None, str | None]:
        """Create the schema or bring it to the newest version: the revisions before and
        after. An SQLite file of another program is refused; a PostgreSQL database may hold
        other tables beside parkloop's, but not another program's schema versions."""
        engine = self._new_engine()
        try:
            found = self._inspect(engine)
            if found.contents is Contents.FOREIGN and (
                engine.dialect.name == "sqlite" or found.revision is not None
            ):
                raise UserError(self._foreign_message(found))
            before = found.revision if found.contents is Contents.PARKLOOP else None
            self._upgrade(engine)
            return before, self._guard(lambda: db.current_revision(engine))
        finally:
            engine.dispose()

    def status(self) -> tuple[str | None, str | None]:
        """The schema revision of the database and the newest one; nothing is changed."""
        engine = self._new_engine()
        try:
            found = self._inspect(engine)
            if found.contents is not Contents.PARKLOOP:
                raise UserError(self._refusal(found))
            return found.revision, db.head_revision(engine)
        finally:
            engine.dispose()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _new_engine(self) -> Engine:
        try:
            parsed = make_url(self.resolved_url)
        except (ArgumentError, ValueError):
            raise UserError(
                msg(
                    "'{shown}' is not a database URL; use {url_forms}",
                    shown=self.shown,
                    url_forms=URL_FORMS,
                )
            ) from None
        if parsed.drivername not in DRIVERS:
            raise UserError(
                msg(
                    "{shown}: parkloop works with SQLite and PostgreSQL only; use {url_forms}",
                    shown=self.shown,
                    url_forms=URL_FORMS,
                )
            )
        return db.make_engine(self.resolved_url)

    def _open(self, engine: Engine, create: bool) -> None:
        found = self._inspect(engine)
        head = db.head_revision(engine)
        if found.contents is Contents.PARKLOOP and found.revision == head:
            return
        if found.contents in (Contents.MISSING, Contents.EMPTY):
            if not create:
                raise UserError(self._refusal(found))
            self._upgrade(engine)
        elif found.contents is Contents.FOREIGN:
            message = self._foreign_message(found)
            if create and engine.dialect.name != "sqlite" and found.revision is None:
                message = msg(
                    "{message}; to add parkloop's tables to it all the same, run "
                    "`parkloop db upgrade`",
                    message=message,
                )
            raise UserError(message)
        elif create and engine.dialect.name == "sqlite":
            self._upgrade(engine)
        else:
            raise UserError(
                msg(
                    "database {shown} is at schema {revision} and this parkloop needs "
                    "{head}; run `parkloop db upgrade` first",
                    shown=self.shown,
                    revision=found.revision,
                    head=head,
                )
            )

    def _refusal(self, found: Found) -> Message:
        if found.contents is Contents.MISSING:
            return msg("no database at {shown}; {hint}", shown=self.shown, hint=CREATE_HINT)
        if found.contents is Contents.EMPTY:
            return msg(
                "the database at {shown} is empty; {hint}", shown=self.shown, hint=CREATE_HINT
            )
        return self._foreign_message(found)

    def _foreign_message(self, found: Found) -> Message:
        if found.revision is not None:
            what = msg(
                "its schema version '{revision}' is not one of parkloop's (another "
                "program's database, or one made by a newer parkloop)",
                revision=found.revision,
            )
        elif found.tables == 1:
            what = msg("it holds 1 table of another program and no parkloop schema")
        else:
            what = msg(
                "it holds {tables} tables of another program and no parkloop schema",
                tables=found.tables,
            )
        return msg(
            "{shown} is not a parkloop database: {what}; nothing was changed. Give parkloop "
            "a database of its own with --db or PARKLOOP_DATABASE_URL",
            shown=self.shown,
            what=what,
        )

    def _inspect(self, engine: Engine) -> Found:
        return self._guard(lambda: db.inspect_database(engine))

    def _upgrade(self, engine: Engine) -> None:
        if engine.dialect.name == "sqlite" and engine.url.database:
            folder = Path(engine.url.database).absolute().parent
            if not folder.is_dir():
                raise UserError(
                    msg("folder {folder} does not exist; create it first", folder=folder)
                )
        self._guard(lambda: db.upgrade(engine))

    def _guard(self, work: Callable[[], T]) -> T:
        """Run ``work``; a database that cannot be reached or read becomes a message. A busy
        database is left to the caller, who says what to do about it."""
        try:
            return work()
        except (sqlite3.Error, SQLAlchemyError) as exc:
            if is_busy(exc):
                raise
            orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
            reason = mask_passwords(one_line(str(orig)))
            if isinstance(orig, sqlite3.DatabaseError) and "not a database" in reason:
                message = msg(
                    "{shown} is not an SQLite database ({reason}); nothing was changed",
                    shown=self.shown,
                    reason=reason,
                )
            else:
                message = msg(
                    "cannot open database {shown}: {reason}", shown=self.shown, reason=reason
                )
            raise UserError(message) from exc


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says another connection's work stood in the way: SQLite's lock
    outlasted the busy timeout, or PostgreSQL gave up on a lock or a serializable
    transaction."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, sqlite3.OperationalError):
        return any(s in str(orig) for s in SQLITE_BUSY)
    return getattr(orig, "sqlstate", None) in CONFLICT_SQLSTATES


def busy_advice(exc: BaseException) -> str | None:
    """What to do when ``exc`` (or an error it was raised from) says the database was busy."""
    advice = busy_message(exc)
    return None if advice is None else str(advice)


def busy_message(exc: BaseException) -> Message | None:
    """:func:`busy_advice` as a message, to be said in the reader's language."""
    cause: BaseException | None = exc
    for _ in range(10):
        if cause is None or is_busy(cause):
            break
        cause = cause.__cause__ or cause.__context__
    if cause is None or not is_busy(cause):
        return None
    orig = cause.orig if isinstance(cause, DBAPIError) else cause
    if isinstance(orig, sqlite3.Error):
        try:
            waited = seconds("sqlite_busy_timeout_s")
        except UserError:
            return msg(
                "another command (an import?) is writing to the database and this one gave "
                "up after waiting its busy timeout; run it again when that one has finished, "
                "or let it wait longer with PARKLOOP_SQLITE_BUSY_TIMEOUT=SECONDS"
            )
        return msg(
            "another command (an import?) is writing to the database and this one gave up "
            "after waiting {seconds} s; run it again when that one has finished, or let it "
            "wait longer with PARKLOOP_SQLITE_BUSY_TIMEOUT=SECONDS",
            seconds=waited,
        )
    return msg(
        "another command was changing the same records at the same time and the database "
        "stopped this one; what it was writing was rolled back: run it again"
    )


def database_error_message(exc: Exception) -> str:
    """One line for a database error a command did not handle itself: SQLAlchemy's, or the
    driver's own where a store function writes through the driver's cursor."""
    return str(database_error(exc))


def database_error(exc: Exception) -> Message:
    """:func:`database_error_message` as a message, to be said in the reader's language
    (the driver's own words stay as they are)."""
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    reason = mask_passwords(one_line(str(orig)))
    advice = busy_message(exc)
    if advice is not None:
        return msg("the database was busy ({reason}): {advice}", reason=reason, advice=advice)
    return msg("the database failed: {reason}", reason=reason)


def one_line(text: str) -> str:
    """The lines of a driver's message joined into one, without SQLAlchemy's SQL echo."""
    text = text.split("\n[SQL:", 1)[0].split("\n(Background on this error", 1)[0]
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def mask_passwords(text: str) -> str:
    """``text`` with the password of every URL in it (and ``password=`` values) as ***."""
    return _PASSWORD_PARAM.sub(r"\1***", _USERINFO.sub(r"\1:***@", text))
