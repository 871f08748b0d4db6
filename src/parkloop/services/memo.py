"""Reads one request repeats, done once for that request.

A page asks several services for the same registry rows (the park, its organisations),
each service checking the park exists on its own. While a web request reads
(:func:`remember_reads`, called when a GET request's caller is resolved), such a read
named to :func:`once` is done once and its answer given again for the rest of that
request only: the memory lives in the request's context (its task, and the threads it
hands work to), so another request, a write, a job or a command never sees it.

A figure derived from a park's records (its account, its pictures, its dashboard) is
costly and asked for by many requests, in several web workers: :func:`shared` keeps it in
the process under the data version it was computed at (:func:`data_version`, read once
per request from the database, so that a write by any process, a job or a command is seen
by every worker at its next request) and under the viewer's permission scope
(:func:`scope_of`), never shared between scopes.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine

if TYPE_CHECKING:
    from parkloop.domain.permissions import Viewer

T = TypeVar("T")

_READS: ContextVar[dict[Hashable, Any] | None] = ContextVar("parkloop_reads", default=None)


def remember_reads() -> None:
    """From now on in the current context (one request), reads named to :func:`once` are
    done once."""
    if _READS.get() is None:
        _READS.set({})


def once(key: Hashable, read: Callable[[], T]) -> T:
    """``read()``, or its answer already read under ``key`` in this request."""
    reads = _READS.get()
    if reads is None:
        return read()
    if key not in reads:
        reads[key] = read()
    answer: T = reads[key]
    return answer


# -- figures shared by the requests of one process, until the data changes ---------------------

_VERSION_KEY = "parkloop_data_version"
# Entries a process keeps, and the bytes of the answers kept as bytes (a picture's JSON).
SHARED_ENTRIES = 256
SHARED_BYTES = 64 * 1024 * 1024


@dataclass
class _Shared:
    """The figures kept by this process: each under its key, with the data version it was
    computed at; a key's lock lets one request compute it while the others wait for it."""

    entries: OrderedDict[Hashable, tuple[Hashable, Any, int]] = field(default_factory=OrderedDict)
    locks: dict[Hashable, threading.Lock] = field(default_factory=dict)
    guard: threading.Lock = field(default_factory=threading.Lock)
    size: int = 0

    def get(self, key: Hashable, version: Hashable) -> tuple[bool, Any]:
        with self.guard:
            found = self.entries.get(key)
            if found is None or found[0] != version:
                return False, None
            self.entries.move_to_end(key)
            return True, found[1]

    def put(self, key: Hashable, version: Hashable, value: Any) -> None:
        size = len(value) if isinstance(value, bytes | str) else 0
        with self.guard:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old[2]
            self.entries[key] = (version, value, size)
            self.size += size
            while self.entries and (len(self.entries) > SHARED_ENTRIES or self.size > SHARED_BYTES):
                _, (_, _, dropped) = self.entries.popitem(last=False)
                self.size -= dropped

    def lock(self, key: Hashable) -> threading.Lock:
        with self.guard:
            found = self.locks.get(key)
            if found is None:
                if len(self.locks) > 4 * SHARED_ENTRIES:
                    self.locks = {k: v for k, v in self.locks.items() if v.locked()}
                found = self.locks[key] = threading.Lock()
            return found

    def clear(self) -> None:
        with self.guard:
            self.entries.clear()
            self.size = 0


_SHARED = _Shared()
# Each engine a number of its own: id() of an engine dropped may be given to the next one.
_ENGINES: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
_NUMBERS = itertools.count(1)


def _engine_number(engine: Engine) -> int:
    with _SHARED.guard:
        found = _ENGINES.get(engine)
        if found is None:
            found = _ENGINES[engine] = next(_NUMBERS)
        return found


def data_version(engine: Engine) -> Hashable:
    """The version of the data behind a park's figures as this request reads it: changes
    with every logged write (the change log) and every kept assessment, matching run,
    exchange, evidence or optimisation run. Read once per request."""
    return once((_VERSION_KEY, _engine_number(engine)), lambda: _read_version(engine))


def _read_version(engine: Engine) -> Hashable:
    from parkloop.store.browse import data_version as read

    with engine.connect() as conn:
        return read(conn)


def shared(engine: Engine, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its answer already computed under ``key`` by this process at the
    current data version (:func:`data_version`). Only while a web request reads (as
    :func:`once`): a job or a command always computes. ``key`` must name everything the
    answer depends on besides the data, the viewer's permission scope first of all
    (:func:`scope_of`); the answer is shared, so it must not be changed by its readers."""
    if _READS.get() is None:
        return compute()
    version = data_version(engine)
    full = (_engine_number(engine), key)
    hit, value = _SHARED.get(full, version)
    if hit:
        answer: T = value
        return answer
    with _SHARED.lock(full):
        hit, value = _SHARED.get(full, version)
        if hit:
            return value  # type: ignore[no-any-return]
        answer = compute()
        _SHARED.put(full, version, answer)
        return answer


def scope_of(viewer: Viewer | None) -> Hashable:
    """What a figure computed for ``viewer`` may depend on: its permission scope (role,
    park, organisation, engaged parks, authority's scope), not its name; None is the
    administrator."""
    if viewer is None:
        return ("admin",)
    return (viewer.role.value, viewer.park_id, viewer.org_id, viewer.parks, viewer.scope)


def forget_shared() -> None:
    """Drop every shared figure of this process (tests that change data behind its back)."""
    _SHARED.clear()
