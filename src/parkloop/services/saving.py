"""Saving a matching run's proposals while the run goes on (parkloop.services.matching).

Proposals are handed over a part at a time as they are found. Over every park each part is
written as it comes: on PostgreSQL by a thread on a connection of its own, into one binary
COPY the server stores while the run finds the next part; on SQLite by a process forked when
the run begins, the parts sent to it through a pipe. Everything is written in one
transaction, committed only once the run has succeeded.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine

from parkloop.store import changes
from parkloop.store import matching as store


class ProposalSaving:
    """Proposals saved while the block runs, a part at a time as :meth:`add` hands them
    over, in one transaction committed on leaving the block, or rolled back when the
    block or the save failed (the save's error is raised).

    Over every park (``stream``: pairs that pack, see :class:`store.ProposalWriter`) each
    part is written as it comes: on PostgreSQL by a thread on a connection of its own,
    into one binary COPY the server stores while this process finds the next part; on
    SQLite by a process of its own, forked when the run begins (both halves want a core
    and Python's interpreter lock: a thread would wait for this one), the parts sent to it
    through a pipe. Otherwise the proposals are saved whole once found: on PostgreSQL
    beside the rest of the block, on SQLite after it (a database in memory, a process
    with other threads, which a fork would not take along safely). ``fork``: whether the
    run is over every park, the only save a process of its own may take."""

    def __init__(self, engine: Engine, *, fork: bool) -> None:
        self.engine = engine
        self.announce: Callable[[], None] | None = None
        self.park_ids: list[int] | None = None
        self.stream = False
        self.change: dict[str, Any] = {}
        self.parts: list[dict[str, Any]] = []
        self.ids: np.ndarray = np.empty(0, dtype=np.int64)
        self.seconds = 0.0
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._go = threading.Event()
        self._commit = False
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._child: tuple[int, Any] | None = None
        self._outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._sender: threading.Thread | None = None
        if fork and can_fork(engine):
            self._child = _fork_saver(engine)
            # Sends from a thread of its own: the pipe holds little, and this process
            # should not wait while the saving one writes the part before.
            self._sender = threading.Thread(target=self._sending, name="send-proposals")
            self._sender.start()

    def start(
        self, announce: Callable[[], None] | None, park_ids: list[int] | None, *, stream: bool
    ) -> None:
        """The scope known: the save begins."""
        self.announce, self.park_ids = announce, park_ids
        self.stream = stream and park_ids is None
        if self._child is not None and not self.stream:
            self._stop_child()
        if self._child is not None:
            if announce:
                announce()
            self._send(("start",))
        elif self.engine.dialect.name == "postgresql":
            if announce:
                announce()
            self._thread = threading.Thread(target=self._run, name="save-proposals")
            self._thread.start()

    def add(self, proposals: dict[str, Any]) -> None:
        """Proposals of the next supplies (in the order of the table's unique key)."""
        if self._child is not None:
            self._send(("part", store.match_columns(proposals)))
        elif self._thread is not None and self.stream:
            self._queue.put(proposals)
        else:
            self.parts.append(proposals)

    def found(self, **change: Any) -> None:
        """Every part handed over; ``change``: how the change log records the save."""
        self.change = change
        if self._child is not None:
            self._send(("end", change))
        elif self._thread is not None:
            self._queue.put(None)

    def __enter__(self) -> ProposalSaving:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self._commit = error is None
        if self._child is not None:
            self._finish_child()
        elif self._thread is not None:
            self._queue.put(None)  # in case the block failed before handing all over
            self._go.set()
            self._thread.join()
        elif error is None and self.change:
            if self.announce:
                self.announce()
            self._go.set()
            self._run()
        if self._error and error is None:
            raise self._error

    def _run(self) -> None:
        start = time.perf_counter()
        try:
            with self.engine.connect() as conn, conn.begin() as trans:
                self.ids = _save_parts(conn, self.park_ids, self.stream, self._parts())
                self._go.wait()  # the change log's entry is known once the block ends
                if not self._commit:
                    trans.rollback()
                    return
                changes.record(conn, "match", "matches", **self.change)
                self.seconds = time.perf_counter() - start
        except BaseException as error:  # raised in the thread that awaits the save
            self._error = error

    def _parts(self) -> Iterator[dict[str, Any]]:
        if self._thread is None:
            yield from self.parts
            return
        if self.stream:
            while (part := self._queue.get()) is not None:
                yield part
            return
        while self._queue.get() is not None:
            pass
        yield from self.parts

    def _send(self, message: tuple[Any, ...]) -> None:
        self._outbox.put(message)

    def _sending(self) -> None:
        """Messages to the saving process, in order; should it have ended, its error is
        read when the block ends."""
        assert self._child is not None
        pipe = self._child[1]
        while (message := self._outbox.get()) is not None:
            with suppress(OSError):
                pipe.send(message)

    def _sent(self) -> None:
        """Every message sent."""
        if self._sender is not None:
            self._outbox.put(None)
            self._sender.join()
            self._sender = None

    def _stop_child(self) -> None:
        assert self._child is not None
        self._send(("abort",))
        self._sent()
        pid, pipe = self._child
        self._child = None
        pipe.close()
        os.waitpid(pid, 0)

    def _finish_child(self) -> None:
        assert self._child is not None
        pid, pipe = self._child
        try:
            if not self._commit:
                self._send(("abort",))
                self._sent()
            else:
                self._sent()
                reply = pipe.recv()
                if reply[0] == "saved":
                    self.ids, self.seconds = reply[1], reply[2]
                    pipe.send(("commit",))
                    reply = pipe.recv()
                if reply[0] == "error":
                    self._error = reply[1]
        except (EOFError, OSError) as error:
            self._error = RuntimeError(f"the process saving proposals ended: {error}")
        finally:
            pipe.close()
            os.waitpid(pid, 0)


def _save_parts(
    conn: Connection, park_ids: list[int] | None, stream: bool, parts: Iterable[dict[str, Any]]
) -> np.ndarray:
    """Save proposals handed over a part at a time: each written as it comes when
    ``stream`` (a run over every park whose pairs pack), else all once they are in."""
    if stream:
        try:
            writer = store.ProposalWriter(conn)
        except store.Unpacked:
            pass
        else:
            try:
                for part in parts:
                    writer.add(part)
                return writer.finish()
            except BaseException:
                writer.abort()
                raise
    every = list(parts)
    proposals = (
        every[0]
        if len(every) == 1
        else {c: np.concatenate([p[c] for p in every]) for c in every[0]}
        if every
        else {c: np.empty(0) for c in store.PAIR_KEYS}
    )
    return store.save_proposals(conn, park_ids, proposals)


def can_fork(engine: Engine) -> bool:
    """Whether a process of its own may save: SQLite in a file, a system that forks, no
    other thread in this process (a forked child has only the thread that forked), and a
    second core for it."""
    return (
        engine.dialect.name == "sqlite"
        and bool(engine.url.database)
        and engine.url.database != ":memory:"
        and not str(engine.url.database).startswith("file::memory:")
        and hasattr(os, "fork")
        and threading.active_count() == 1
        and _cores() > 1  # on one core the two processes would only take turns
    )


def _cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _fork_saver(engine: Engine) -> tuple[int, Any]:
    """A forked process that saves proposals sent to it through a pipe (the messages of
    :class:`ProposalSaving`): ("start",), then ("part", columns) for each part and ("end",
    change), answered by ("saved", ids, seconds) or ("error", error); then ("commit",),
    answered once committed; ("abort",) or the pipe closed at any time rolls back."""
    ours, theirs = multiprocessing.Pipe()
    pid = os.fork()
    if pid:
        theirs.close()
        return pid, ours
    code = 0
    try:  # pragma: no cover - runs in the forked process
        ours.close()
        _saver_process(engine, theirs)
    except BaseException:  # pragma: no cover
        code = 1
    finally:  # pragma: no cover
        os._exit(code)


def _saver_process(engine: Engine, pipe: Any) -> None:  # pragma: no cover - forked
    engine.dispose(close=False)  # the parent's connections stay the parent's
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def receive() -> None:
        # Reads on while the parts before are written, so the parent never waits on the pipe.
        try:
            while True:
                message = pipe.recv()
                inbox.put(message)
                if message[0] in ("end", "abort"):
                    return
        except (EOFError, OSError):
            inbox.put(("abort",))

    if pipe.recv()[0] != "start":
        return
    threading.Thread(target=receive, daemon=True).start()
    start = time.perf_counter()
    change: dict[str, Any] = {}

    def parts() -> Iterator[dict[str, Any]]:
        while True:
            message = inbox.get()
            if message[0] == "part":
                yield message[1]
            elif message[0] == "end":
                change.update(message[1])
                return
            else:
                raise _Abandoned

    try:
        with engine.connect() as conn, conn.begin() as trans:
            ids = _save_parts(conn, None, True, parts())
            changes.record(conn, "match", "matches", **change)
            pipe.send(("saved", ids, time.perf_counter() - start))
            if pipe.recv()[0] != "commit":
                trans.rollback()
                return
        pipe.send(("done",))
    except _Abandoned:
        return
    except (EOFError, OSError):
        return
    except Exception as error:
        try:
            pipe.send(("error", error))
        except Exception:
            pipe.send(("error", RuntimeError(repr(error))))


class _Abandoned(Exception):
    """The run that handed the parts over failed: nothing is saved."""
