"""Reads one request repeats, done once for that request.

A page asks several services for the same registry rows (the park, its organisations),
each service checking the park exists on its own. While a web request reads
(:func:`remember_reads`, called when a GET request's caller is resolved), such a read
named to :func:`once` is done once and its answer given again for the rest of that
request only: the memory lives in the request's context (its task, and the threads it
hands work to), so another request, a write, a job or a command never sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

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
