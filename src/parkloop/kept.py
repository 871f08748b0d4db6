"""Structures built from the shipped code and data, kept on disk between processes.

Reading a material, a sector or a message needs indexes built from the catalog (the word
indexes of the lexicons, the compiled Vietnamese messages) and every command or worker
would otherwise build them again: about a tenth of a second per process. A kept structure
is taken from disk only while every file of the installed package is as it was when it was
built (same path, size and modification time) under the same Python; any change to code or
data builds it again. The folder is ``PARKLOOP_CACHE_DIR`` (``off`` keeps nothing), else
``$XDG_CACHE_HOME/parkloop``, else ``~/.cache/parkloop``; where it cannot be read or written,
structures are built in memory as they always were.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

PACKAGE = Path(__file__).resolve().parent


def folder() -> Path | None:
    """Where kept structures live, or None when keeping is off."""
    chosen = os.environ.get("PARKLOOP_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "parkloop"


@cache
def fingerprint() -> str:
    """What every file of the package is now (path, size, modification time), with the
    Python that reads the kept structures: one changed file makes a new fingerprint."""
    digest = hashlib.sha256(f"{sys.version}|{pickle.HIGHEST_PROTOCOL}".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(
                f"{path.relative_to(PACKAGE)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()[:20]


def kept(name: str, build: Callable[[], T]) -> T:
    """The structure ``name`` as ``build()`` makes it, from disk when it was kept for the
    package as it is now; otherwise built, and kept for the next process."""
    where = folder()
    if where is None:
        return build()
    path = where / f"{name}-{fingerprint()}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # type: ignore[no-any-return]
    except OSError:
        pass  # not kept yet, or the folder cannot be read: built below
    except Exception:
        path.unlink(missing_ok=True)
    value = build()
    _keep(where, name, path, value)
    return value


def _keep(where: Path, name: str, path: Path, value: object) -> None:
    """Write ``value`` at ``path`` whole or not at all, and remove what was kept for
    earlier states of the package."""
    written: Path | None = None
    try:
        where.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=where, prefix=f".{name}-", delete=False) as fh:
            written = Path(fh.name)
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(written, path)
        written = None
        for old in where.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        pass  # kept nowhere: the next process builds it again
    finally:
        if written is not None:
            written.unlink(missing_ok=True)
