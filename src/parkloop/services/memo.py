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
(:func:`scope_of`), never shared between scopes. What every scope's figures are derived
from is read once per data version for all of them (:func:`park_wide`: a park's records
before the permission filter, never shown as they are), and a figure that depends only on
the records a viewer may see is kept under what names those records (:func:`alike`), so
that viewers of different scopes who see the same records share it.

When the data has changed since a figure was kept, the figure kept may still be shown for a
short while (the setting ``figures_stale_s``) while this process computes the newer one in
the background, so that many people do not each wait for the same computation after every
write: the page says from when its figures are (:func:`figures_as_of`). Never to the person
who wrote since (they see what they just saved at once), and never once the records it
misses began to change more than the setting's seconds ago. A scope that has no figure kept
yet (an enterprise's first look at a park's network in this process) gets its figure
derived, under the same conditions, from the park's records as last read for every scope
(:func:`park_wide`), if they were read at an earlier data version: the figure is kept under
that earlier version, with that reading's time, and computed again in the background at
the scope's next request, as any earlier figure is.

A figure or a reading may say what kinds of records it rests on (``rests_on``: flows,
organisations, exchanges, matches, ...). When the data has changed since it was kept but
nothing it rests on did (the change log says what each write changed: a flow's quantity,
an import of new flows, someone signing in), it is the figure of the current data as it
is, and is kept on under the current version instead of being computed again; at most for
``CARRIED_S`` seconds from when it was computed (a change committed out of the order of
the change log's numbers is not seen by the log's reading), and never when the change log
says of a change something not known here (then every figure is computed again).
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import queue
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine

if TYPE_CHECKING:
    from parkloop.domain.permissions import Viewer

T = TypeVar("T")

_READS: ContextVar[dict[Hashable, Any] | None] = ContextVar("parkloop_reads", default=None)
# Set while a figure is computed: the figures it uses are of the current data version.
_COMPUTING: ContextVar[bool] = ContextVar("parkloop_computing", default=False)
_READER_KEY = "parkloop_reader"  # who reads, as the change log names them
# While a request computes a figure no scope of it had kept: the park-wide reads of an
# earlier data version it was derived from (their kept entries), if any (:func:`park_wide`).
_EARLIER: ContextVar[list[_Kept] | None] = ContextVar("parkloop_earlier", default=None)
_AS_OF_KEY = "parkloop_figures_as_of"  # when the oldest earlier figure shown was computed
log = logging.getLogger(__name__)


def remember_reads() -> None:
    """From now on in the current context (one request), reads named to :func:`once` are
    done once."""
    if _READS.get() is None:
        _READS.set({})


def remember_reader(viewer: Viewer) -> None:
    """Who reads in this request (someone signed in): a figure computed before their own
    last write is never shown to them."""
    reads = _READS.get()
    if reads is not None:
        reads[_READER_KEY] = viewer.name or viewer.role.value  # as the change log names them


def figures_as_of() -> datetime | None:
    """When the oldest figure this request showed from before the latest change was
    computed; None when every figure it showed is of the current data."""
    reads = _READS.get()
    return None if reads is None else reads.get(_AS_OF_KEY)


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

# What a figure may rest on (``rests_on``), by the kinds of records it reads.
FLOWS = "flows"  # the flows there are and their figures
FLOW_ACCESS = "flow access"  # who owns each flow there was, its confidentiality, its removal
LISTINGS = "listings"
ORGANISATIONS = "organisations"
EXCHANGES = "exchanges"
MATCHES = "matches"
ASSESSMENTS = "assessments"
EVIDENCE = "evidence"
OPTIMISATION = "optimisation"
# The kind of the records behind each part of a data version but the change log's
# (``store.browse.VERSION_PARTS``).
_PART_KINDS = {
    "assessments": ASSESSMENTS,
    "matches": MATCHES,
    "exchanges": EXCHANGES,
    "evidence": EVIDENCE,
    "optimisation": OPTIMISATION,
}
# Change log entries about accounts: no park figure reads them.
_ACCOUNTS = frozenset({"user", "api_token"})
# A flow's columns that decide who may see it (store.permissions.visible).
_ACCESS_COLUMNS = frozenset({"confidentiality", "org_id", "park_id"})
# A figure kept on unchanged is computed again at least this often (module description).
CARRIED_S = 60.0
# More change log entries than this since a figure was kept: it is computed again.
CARRIED_ENTRIES = 2000


@dataclass(frozen=True, slots=True)
class _Kept:
    version: Hashable
    value: Any
    size: int  # bytes of a text or bytes answer, else 0
    clock: float  # time.monotonic() when computed
    at: datetime  # and the moment, to say on the page


@dataclass
class _Shared:
    """The figures kept by this process: each under its key, with the data version it was
    computed at; a key's lock lets one request compute it while the others wait for it."""

    entries: OrderedDict[Hashable, _Kept] = field(default_factory=OrderedDict)
    locks: dict[Hashable, threading.Lock] = field(default_factory=dict)
    guard: threading.Lock = field(default_factory=threading.Lock)
    size: int = 0
    # How many entries hold each answer counted in ``size`` (by id), so that an answer
    # kept under several keys (a figure shared by scopes) is counted once.
    holders: dict[int, int] = field(default_factory=dict)

    def get(self, key: Hashable, version: Hashable) -> tuple[bool, Any]:
        kept = self.latest(key)
        if kept is None or kept.version != version:
            return False, None
        return True, kept.value

    def latest(self, key: Hashable) -> _Kept | None:
        """What is kept under ``key``, of whichever data version."""
        with self.guard:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: Hashable, version: Hashable, value: Any, since: _Kept | None = None) -> None:
        """Keep ``value`` under ``key`` at ``version``; ``since``: the earlier reading it
        was derived from, whose clock and time it takes."""
        size = len(value) if isinstance(value, bytes | str) else 0
        clock, at = (since.clock, since.at) if since else (time.monotonic(), datetime.now(UTC))
        kept = _Kept(version, value, size, clock, at)
        with self.guard:
            old = self.entries.pop(key, None)
            if old is not None:
                self._release(old)
            self.entries[key] = kept
            if size:
                held = self.holders.get(id(value), 0)
                self.holders[id(value)] = held + 1
                if not held:
                    self.size += size
            while self.entries and (len(self.entries) > SHARED_ENTRIES or self.size > SHARED_BYTES):
                _, dropped = self.entries.popitem(last=False)
                self._release(dropped)

    def _release(self, kept: _Kept) -> None:
        """``kept`` is no longer held under a key (with the guard held)."""
        if not kept.size:
            return
        held = self.holders.pop(id(kept.value)) - 1
        if held:
            self.holders[id(kept.value)] = held
        else:
            self.size -= kept.size

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
            self.holders.clear()
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


def shared(
    engine: Engine,
    key: Hashable,
    compute: Callable[[], T],
    earlier: bool = True,
    rests_on: frozenset[str] = frozenset(),
) -> T:
    """``compute()``, or its answer already computed under ``key`` by this process at the
    current data version (:func:`data_version`). Only while a web request reads (as
    :func:`once`): a job or a command always computes. ``key`` must name everything the
    answer depends on besides the data, the viewer's permission scope first of all
    (:func:`scope_of`); the answer is shared, so it must not be changed by its readers.
    ``earlier`` False: never an answer of an earlier data version (see the module's
    description), as for :func:`park_wide`. ``rests_on``: the kinds of records the answer
    rests on (:data:`FLOWS`, ...), every kind the records it reads are of; empty: any
    change computes it again."""
    if _READS.get() is None:
        return compute()
    version = data_version(engine)
    full = (_engine_number(engine), key)
    kept = _SHARED.latest(full)
    if kept is not None and (
        kept.version == version or _carried_on(engine, full, kept, version, rests_on)
    ):
        answer: T = kept.value
        return answer
    if kept is not None and earlier and _may_show_earlier(engine, kept, version):
        _REFRESHER.ask(full, engine, compute)
        _note_as_of(kept.at)
        return kept.value  # type: ignore[no-any-return]
    deriving = _EARLIER.get()
    if kept is not None and deriving and any(k.version == kept.version for k in deriving):
        # Derived from the same earlier readings as the figure being derived: the same.
        deriving.append(kept)
        return kept.value  # type: ignore[no-any-return]
    with _SHARED.lock(full):
        hit, value = _SHARED.get(full, version)
        if hit:
            return value  # type: ignore[no-any-return]
        outer = _EARLIER.get()
        used: list[_Kept] = [] if outer is None else outer
        before = len(used)
        token = _EARLIER.set(used) if outer is None and kept is None else None
        try:
            answer = _computing(compute)
        finally:
            if token is not None:
                _EARLIER.reset(token)
        derived = used[before:]
        if not derived:
            _SHARED.put(full, version, answer)
            return answer
        # Derived from a reading of an earlier version: kept as of that reading, and
        # computed again in the background at the scope's next request, as any earlier
        # figure (many first looks are also the last).
        oldest = min(derived, key=lambda k: k.clock)
        _SHARED.put(full, oldest.version, answer, since=oldest)
        return answer


def park_wide(
    engine: Engine, key: Hashable, read: Callable[[], T], rests_on: frozenset[str] = frozenset()
) -> T:
    """``read()`` of records of a park for everyone, before any permission filter: kept as
    :func:`shared` keeps a figure, but under no viewer's scope, so that the figures of
    every scope of a park are derived from one read per data version. Such an answer is
    never shown as it is: whoever uses it keeps only what the viewer may see through the
    permission layer (``store.permissions``), and the figure derived from it is kept under
    the viewer's scope. Of the current data version, but for a figure a scope had not kept
    yet, computed in a request: that one may be derived from a reading of an earlier
    version, as an earlier figure may be shown (see the module's description).
    ``rests_on``: as for :func:`shared`."""
    used = _EARLIER.get()
    if used is not None and _READS.get() is not None:
        version = data_version(engine)
        full = (_engine_number(engine), ("park-wide", key))
        kept = _SHARED.latest(full)
        if (
            kept is not None
            and kept.version != version
            and not _carried_on(engine, full, kept, version, rests_on)
            and _may_show_earlier(engine, kept, version, inside=True)
        ):
            used.append(kept)
            _note_as_of(kept.at)
            return kept.value  # type: ignore[no-any-return]
    return shared(engine, ("park-wide", key), read, earlier=False, rests_on=rests_on)


def alike(
    engine: Engine,
    key: Hashable,
    compute: Callable[[], T],
    rests_on: frozenset[str] = frozenset(),
) -> T:
    """``compute()`` of a figure drawn from records a viewer may see, kept under ``key``:
    what names those records (which ones, not whose view), so that viewers of different
    scopes who may see the same records share one figure, which is what each would have
    computed. Kept as :func:`park_wide` keeps a read, of the current data version only
    (or carried on unchanged, ``rests_on`` as for :func:`shared`)."""
    return shared(engine, ("alike", key), compute, earlier=False, rests_on=rests_on)


def _carried_on(
    engine: Engine, full: Hashable, kept: _Kept, version: Hashable, rests_on: frozenset[str]
) -> bool:
    """Whether ``kept``, of an earlier data version, is the answer at ``version`` too:
    nothing it rests on changed since (the module's description). If so it is kept on
    under ``version``, with the time it was computed."""
    if not rests_on or time.monotonic() - kept.clock > CARRIED_S:
        return False
    if not _unchanged(engine, kept.version, version, rests_on):
        return False
    _SHARED.put(full, version, kept.value, since=kept)
    return True


def _unchanged(engine: Engine, before: Hashable, now: Hashable, rests_on: frozenset[str]) -> bool:
    """Whether no record of the kinds ``rests_on`` changed from data version ``before`` to
    ``now``."""
    from parkloop.store.browse import VERSION_PARTS

    if not (isinstance(before, tuple) and isinstance(now, tuple)):
        return False
    if not len(before) == len(now) == len(VERSION_PARTS):
        return False
    for part, old, new in zip(VERSION_PARTS[1:], before[1:], now[1:], strict=True):
        if old != new and _PART_KINDS[part] in rests_on:
            return False
    if before[0] == now[0]:
        return True
    touched = _touched(engine, before[0], now[0])
    return touched is not None and not touched & rests_on


def _touched(engine: Engine, after: Any, upto: Any) -> frozenset[str] | None:
    """The kinds of records the change log's entries after ``after`` up to ``upto``
    changed; None when they may have changed anything (asked once per request)."""
    from parkloop.store.browse import changes_between

    if not isinstance(after, int) or not isinstance(upto, int) or upto < after:
        return None
    if upto - after > CARRIED_ENTRIES:
        return None
    reads = _READS.get()
    asked = ("parkloop_touched", after, upto)
    if reads is not None and asked in reads:
        found: frozenset[str] | None = reads[asked]
        return found
    with engine.connect() as conn:
        found = touched_by(changes_between(conn, after, upto))
    if reads is not None:
        reads[asked] = found
    return found


def touched_by(entries: Iterable[tuple[str, str, dict[str, Any]]]) -> frozenset[str] | None:
    """The kinds of records change log entries (object type, action, detail) changed; None
    when one may have changed anything: every entry but those known here, of accounts, of
    a flow's columns and of imports of flows alone."""
    kinds: set[str] = set()
    for object_type, action, detail in entries:
        if object_type in _ACCOUNTS:
            continue
        if object_type == "flow" and action == "update":
            changed = detail.get("changed")
            if not isinstance(changed, dict):
                return None
            kinds.add(FLOWS)
            if _ACCESS_COLUMNS & set(changed):
                kinds.add(FLOW_ACCESS)
            continue
        if object_type == "sheets" and action == "import":
            # New rows of an import are logged with it; the rows it changed, one by one.
            rows = detail.get("rows")
            if not isinstance(rows, dict) or not set(rows) <= {"flows"}:
                return None
            kinds.add(FLOWS)
            continue
        return None
    return frozenset(kinds)


def _computing(compute: Callable[[], T]) -> T:
    token = _COMPUTING.set(True)
    try:
        return compute()
    finally:
        _COMPUTING.reset(token)


def _may_show_earlier(engine: Engine, kept: _Kept, version: Hashable, inside: bool = False) -> bool:
    """Whether a figure kept from an earlier data version may be shown while the newer one
    is computed: not inside a computation, not to a reader who has written since it was
    computed, and not when the records it misses began to change more than
    ``figures_stale_s`` ago (when only records without a change log entry changed: when it
    was computed). ``inside``: for a reading a computation derives a figure from."""
    from parkloop.settings import seconds
    from parkloop.store.browse import first_change_after

    limit = seconds("figures_stale_s")
    if (_COMPUTING.get() and not inside) or limit <= 0:
        return False
    reads = _READS.get() or {}
    change, latest = _last_change(kept.version), _last_change(version)
    if change == latest:  # only records without a change log entry changed
        return not _wrote_since(engine, change) and time.monotonic() - kept.clock <= limit
    # Asked once per request for the change a figure misses: a page derives several.
    asked = ("parkloop_missed_since", change)
    if asked not in reads:
        with engine.connect() as conn:
            reads[asked] = first_change_after(conn, change)
    since = reads[asked]
    if _wrote_since(engine, change):
        return False
    return since is None or (now() - since).total_seconds() <= limit


def _wrote_since(engine: Engine, change: Any) -> bool:
    """Whether the request's reader wrote after ``change`` (asked once per request)."""
    from parkloop.store.browse import wrote_since

    reads = _READS.get() or {}
    reader = reads.get(_READER_KEY)
    if reader is None:
        return False
    asked = ("parkloop_wrote_since", change)
    if asked not in reads:
        with engine.connect() as conn:
            reads[asked] = wrote_since(conn, reader, change)
    return bool(reads[asked])


def now() -> datetime:
    return datetime.now(UTC)


def _last_change(version: Hashable) -> Any:
    """The change log's last entry in a data version (:func:`data_version`)."""
    return version[0] if isinstance(version, tuple) and version else None


def _note_as_of(at: datetime) -> None:
    reads = _READS.get()
    if reads is not None:
        earlier = reads.get(_AS_OF_KEY)
        reads[_AS_OF_KEY] = at if earlier is None else min(earlier, at)


class _Refresher:
    """One thread per process computing, one after another, the figures asked for while an
    earlier one was shown; a figure asked for again while waiting is computed once."""

    def __init__(self) -> None:
        self.waiting: set[Hashable] = set()
        self.jobs: queue.SimpleQueue[tuple[Hashable, Engine, Callable[[], Any], Any]] = (
            queue.SimpleQueue()
        )
        self.guard = threading.Lock()
        self.thread: threading.Thread | None = None

    def ask(self, full: Hashable, engine: Engine, compute: Callable[[], Any]) -> None:
        with self.guard:
            if full in self.waiting:
                return
            self.waiting.add(full)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="parkloop-figures")
                self.thread.daemon = True
                self.thread.start()
        # The request's context (which database it reads), without its reads.
        self.jobs.put((full, engine, compute, contextvars.copy_context()))

    def _run(self) -> None:
        while True:
            full, engine, compute, context = self.jobs.get()
            try:
                context.run(self._refresh, full, engine, compute)
            except Exception:  # the next request computes it, and says why if it fails
                log.exception("computing a kept figure in the background failed")
            finally:
                with self.guard:
                    self.waiting.discard(full)

    @staticmethod
    def _refresh(full: Hashable, engine: Engine, compute: Callable[[], Any]) -> None:
        _READS.set({})
        version = data_version(engine)
        if _SHARED.get(full, version)[0]:
            return
        with _SHARED.lock(full):
            if not _SHARED.get(full, version)[0]:
                _SHARED.put(full, version, _computing(compute))


_REFRESHER = _Refresher()


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
