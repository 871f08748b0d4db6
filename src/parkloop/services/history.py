"""The change log as people read it: the history of one record, or of a whole park.

Every write from every face (command line, import, web, API) is logged by the service
that makes it (``store/changes.py``), with who, when, and the old and new values. What a
viewer may read of the log follows what it may read of the records: the history of a
record to whoever may see the record (private records only to their owner, their park's
operator and the administrator); a park's whole log to its operator and the
administrator, since it names every record.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import Engine

from parkloop.domain.enums import Confidentiality
from parkloop.domain.permissions import Viewer, can_see, sees_everything_of
from parkloop.errors import NotAllowed, NotFound, Word, msg
from parkloop.store import changes, edits, registry

KINDS = ("flow", "listing", "exchange", "organisation")


def record_history(engine: Engine, kind: str, row_id: int, viewer: Viewer) -> list[dict[str, Any]]:
    """The log entries of one record, newest first; with the import that created it
    when it came from a file."""
    if kind not in KINDS:
        raise NotFound(msg("no history for '{kind}': one of {kinds}", kind=kind, kinds=KINDS))
    with engine.connect() as conn:
        row = edits.owned_row(conn, kind, row_id)
        if row is None or not _may_see(viewer, row):
            raise NotFound(msg("no {kind} {row_id}", kind=Word(kind), row_id=str(row_id)))
        key = row.get("key") or row.get("code") or str(row_id)
        entries = changes.of_record(conn, kind, row["park_code"], str(key))
        ref = row.get("import_ref") or ""
        if ref:
            entries += changes.of_import(conn, row["park_code"], ref.split("|", 1)[0])
    entries.sort(key=lambda e: e["id"], reverse=True)
    return entries


def _may_see(viewer: Viewer, row: dict[str, Any]) -> bool:
    level = row.get("confidentiality") or Confidentiality.PARK.value
    owner = int(row.get("org_id") or row.get("supplier_id") or row["id"])
    return can_see(viewer, owner, row["park_id"], Confidentiality(level))


def park_history(
    engine: Engine, park_code: str | None, viewer: Viewer, limit: int = 100, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """A page of a park's log (every park's: None, the administrator only) and its size."""
    with engine.connect() as conn:
        if park_code is None:
            allowed = viewer.role.value == "admin"
        else:
            park_id = registry.park_ids(conn, [park_code]).get(park_code)
            if park_id is None:
                raise NotFound(msg("no park '{park_code}'", park_code=park_code))
            allowed = sees_everything_of(viewer, park_id)
        if not allowed:
            raise NotAllowed(
                msg(
                    "{who} may not read this change log: it names every record of the park "
                    "(its operator and the administrator may)",
                    who=viewer.name or Word(viewer.role.value),
                )
            )
        return changes.of_park(conn, park_code, limit, offset)


def as_csv(entries: list[dict[str, Any]]) -> str:
    """Entries as CSV for an auditor: when, who, what, which record, the details."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "action", "object_type", "object_key", "park", "detail"])
    for e in entries:
        writer.writerow(
            [
                e["id"],
                e["at"].isoformat() if e["at"] else "",
                e["actor"],
                e["action"],
                e["object_type"],
                e["object_key"],
                e["park_code"],
                json.dumps(e["detail"], ensure_ascii=False, default=str),
            ]
        )
    return out.getvalue()
