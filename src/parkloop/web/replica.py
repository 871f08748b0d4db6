"""Reading from a replica: pages and API reads go to a read-only copy of the database
(a PostgreSQL streaming replica), writes and everything about who is signed in to the
primary.

The application holds one :class:`RoutedEngine` where it held the engine. For each request
the middleware decides which database serves it: a GET or HEAD from a browser that has
not written anything in the last ``replica_stick_s`` seconds reads the replica; every
other request (a form, an API write, and reads just after a write of the same browser,
so that a person sees what they just saved) uses the primary. Services take the routed
engine like any engine and never know which database answered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine

# Set for the time of one request; a thread the request runs a handler in inherits it.
_replica: ContextVar[bool] = ContextVar("parkloop_read_replica", default=False)

# The cookie a browser gets with every write, for ``replica_stick_s`` seconds: while it
# lasts, its reads go to the primary.
WROTE_COOKIE = "parkloop_wrote"


class RoutedEngine:
    """An engine that is the replica while a request reads it, else the primary."""

    def __init__(self, primary: Engine, replica: Engine) -> None:
        self.primary = primary
        self.replica = replica

    def current(self) -> Engine:
        return self.replica if _replica.get() else self.primary

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current(), name)

    def dispose(self) -> None:
        self.primary.dispose()
        self.replica.dispose()

    def __repr__(self) -> str:
        return f"RoutedEngine(primary={self.primary.url!r}, replica={self.replica.url!r})"


def primary_of(engine: Any) -> Engine:
    """The database that takes writes, behind a routed engine or a plain one."""
    return engine.primary if isinstance(engine, RoutedEngine) else engine


@contextmanager
def reading_replica(on: bool) -> Iterator[None]:
    """Within this block, a routed engine is the replica (``on``) or the primary."""
    token = _replica.set(on)
    try:
        yield
    finally:
        _replica.reset(token)
