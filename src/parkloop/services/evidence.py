"""Evidence for indicators that cannot be computed from data: a document with its date and
who confirmed it, or a manual value with a justification."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from parkloop.assessment import library
from parkloop.assessment.facts import EvidenceRecord, exact
from parkloop.assessment.model import Level
from parkloop.assessment.scoring import evidence_value
from parkloop.domain.enums import Confidentiality, DataStatus
from parkloop.domain.permissions import Record, Viewer, can_record, can_see
from parkloop.errors import NotAllowed, UserError, msg
from parkloop.store import assessment as store
from parkloop.store import changes

CSV_COLUMNS = (
    "park",
    "enterprise",
    "indicator",
    "year",
    "value",
    "value_text",
    "note",
    "confirmed_by",
    "confirmed_on",
    "file",
    "data_status",
    "source",
)
REQUIRED_COLUMNS = ("park", "indicator", "year")


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceInput:
    """One piece of evidence as a user gives it, before it is checked."""

    park_code: str
    indicator_id: str
    year: int | None  # None: the assessment's year, the latest year with data
    org_code: str | None = None
    value: float | None = None
    value_text: str = ""
    note: str = ""
    confirmed_by: str = ""
    confirmed_on: date | None = None
    file: Path | None = None
    data_status: str = DataStatus.REPORTED.value
    source: str = ""


def _problems(
    conn: Connection, item: EvidenceInput
) -> tuple[list[tuple[str, str]], store.NewEvidence | None]:
    """(column, message) for everything wrong with ``item``; else the row to store."""
    problems: list[tuple[str, str]] = []
    lib = library()
    park = store.park_row(conn, item.park_code)
    if park is None:
        problems.append(("park", f"no park '{item.park_code}'; load or create the park first"))
    org_id = None
    if park is not None and item.org_code:
        org = store.organisation_row(conn, park["id"], item.org_code)
        if org is None:
            problems.append(
                ("enterprise", f"no organisation '{item.org_code}' in park '{item.park_code}'")
            )
        else:
            org_id = org["id"]
    definition = lib.indicators.get(item.indicator_id)
    if definition is None:
        problems.append(
            (
                "indicator",
                f"unknown indicator '{item.indicator_id}' "
                "(see `parkloop rulesets list --indicators`)",
            )
        )
    elif definition.level is Level.ENTERPRISE and not item.org_code:
        problems.append(
            ("enterprise", f"'{item.indicator_id}' describes one enterprise: give the enterprise")
        )
    elif definition.level is Level.PARK and item.org_code:
        problems.append(
            ("enterprise", f"'{item.indicator_id}' describes the park: leave the enterprise empty")
        )
    if item.data_status not in DataStatus.values():
        problems.append(
            ("data_status", f"'{item.data_status}' is not one of {', '.join(DataStatus.values())}")
        )
    year = item.year
    if year is None:
        year = store.default_year(conn, park["id"]) if park is not None else 0
    elif not (1900 <= year <= 2200):
        problems.append(("year", f"{year} is not a year"))
    if item.file is None and not item.note.strip():
        problems.append(("note", "a value without a document needs a justification in the note"))
    content = None
    if item.file is not None:
        try:
            content = item.file.read_bytes()
        except OSError as exc:
            problems.append(("file", f"cannot read {item.file}: {exc.strerror or exc}"))
    if definition is not None:
        probe = EvidenceRecord(
            id=0,
            indicator_id=item.indicator_id,
            year=year,
            value=None if item.value is None else exact(item.value),
            value_text=item.value_text,
        )
        value, problem = evidence_value(probe, definition.unit)
        if value is None:
            column = "value_text" if definition.unit.value in ("boolean", "text") else "value"
            hint = {"boolean": "give yes or no", "text": "give the text"}.get(
                definition.unit.value, f"give a number in {definition.unit.value}"
            )
            problems.append((column, f"{problem}; {hint}"))
        elif not isinstance(value, (bool, str)) and value < 0:
            problems.append(("value", "must not be negative"))
    if problems or park is None:
        return problems, None
    return [], store.NewEvidence(
        park_id=park["id"],
        org_id=org_id,
        indicator_id=item.indicator_id,
        year=year,
        value=item.value,
        value_text=item.value_text,
        file_name=item.file.name if item.file is not None else "",
        file_sha256=hashlib.sha256(content).hexdigest() if content is not None else "",
        file_content=content,
        note=item.note,
        confirmed_by=item.confirmed_by,
        confirmed_on=item.confirmed_on,
        data_status=item.data_status,
        source=item.source or (f"file {item.file.name}" if item.file is not None else ""),
    )


def _store(
    conn: Connection, row: store.NewEvidence, park_code: str, who: str | None = None
) -> tuple[int, bool]:
    existing = store.find_evidence(conn, row)
    if existing is not None:
        return existing, False
    new_id = store.insert_evidence(conn, row)
    changes.record(
        conn,
        "create",
        "evidence",
        f"{row.indicator_id}#{new_id}",
        park_code,
        {"year": row.year, "file": row.file_name, "sha256": row.file_sha256},
        who=who,
    )
    return new_id, True


def default_year(engine: Engine, park_code: str) -> int:
    """The year evidence is filed for when none is given: the year ``parkloop assess``
    assesses by default (the latest with flows or RECP measures), so that filing evidence
    never moves the assessment to another year."""
    with engine.connect() as conn:
        park = store.park_row(conn, park_code)
        if park is None:
            raise UserError(
                msg("no park '{park_code}'; load or create the park first", park_code=park_code)
            )
        return store.default_year(conn, park["id"])


def add_evidence(engine: Engine, item: EvidenceInput, viewer: Viewer | None = None) -> int:
    """Store one piece of evidence (with its file's name, sha256 and bytes); return its id.
    The park's operator and its facilitators file park evidence; an enterprise files only
    its own."""
    with engine.begin() as conn:
        problems, row = _problems(conn, item)
        if row is not None and not _may_file(viewer, row):
            who = viewer.name if viewer else ""
            raise NotAllowed(
                msg(
                    "{who} may not file evidence for '{owner}': the park operator and the "
                    "park's facilitators file park evidence, an enterprise only its own; "
                    "nothing was stored",
                    who=who,
                    owner=item.org_code or item.park_code,
                )
            )
        if row is None:
            raise UserError(
                msg("evidence refused"),
                details=[f"{column}: {message}" for column, message in problems],
            )
        evidence_id, _ = _store(conn, row, item.park_code, changes.actor_of(viewer))
    return evidence_id


def _may_file(viewer: Viewer | None, row: store.NewEvidence) -> bool:
    return can_record(viewer or Viewer.admin(), row.park_id, Record.EVIDENCE, row.org_id)


def _parse_row(
    raw: dict[str, str], base: Path
) -> tuple[EvidenceInput | None, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    year = 0
    try:
        year = int(raw["year"])
    except ValueError:
        problems.append(("year", f"'{raw['year']}' is not a year, e.g. 2021"))
    value = None
    if raw["value"]:
        try:
            value = float(raw["value"])
        except ValueError:
            problems.append(
                ("value", f"'{raw['value']}' is not a number; use a point for decimals, e.g. 92.5")
            )
    confirmed_on = None
    if raw["confirmed_on"]:
        try:
            confirmed_on = datetime.strptime(raw["confirmed_on"], "%d/%m/%Y").date()
        except ValueError:
            problems.append(("confirmed_on", f"'{raw['confirmed_on']}' is not a date dd/mm/yyyy"))
    file = None
    if raw["file"]:
        file = base / raw["file"]
        if not file.is_file():
            problems.append(("file", f"no file '{raw['file']}' next to the CSV"))
            file = None
    if problems:
        return None, problems
    return (
        EvidenceInput(
            park_code=raw["park"],
            org_code=raw["enterprise"] or None,
            indicator_id=raw["indicator"],
            year=year,
            value=value,
            value_text=raw["value_text"],
            note=raw["note"],
            confirmed_by=raw["confirmed_by"],
            confirmed_on=confirmed_on,
            file=file,
            data_status=raw["data_status"] or DataStatus.REPORTED.value,
            source=raw["source"],
        ),
        [],
    )


def load_evidence_csv(engine: Engine, path: Path, viewer: Viewer | None = None) -> int:
    """Load an evidence.csv in one transaction; return how many of its rows are now stored.

    Every row is checked first, and one bad row refuses the file with the row, the column and
    the fix named. Rows already stored unchanged are not stored twice.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in reader.fieldnames or []]
            raw_rows = [
                {k.strip(): (v or "").strip() for k, v in r.items() if k is not None}
                for r in reader
            ]
    except OSError as exc:
        raise UserError(
            msg("cannot read {path}: {reason}", path=path, reason=exc.strerror or str(exc))
        ) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        details = [f"missing column '{c}'" for c in missing] + [
            f"unknown column '{c}'" for c in unknown
        ]
        raise UserError(
            msg(
                "{name}: columns do not match ({csv_columns})",
                name=path.name,
                csv_columns=CSV_COLUMNS,
            ),
            details=details,
        )
    errors: list[str] = []
    with engine.begin() as conn:
        rows: list[tuple[store.NewEvidence, str]] = []
        for line, raw in enumerate(raw_rows, start=2):
            full = {c: raw.get(c, "") for c in CSV_COLUMNS}
            item, problems = _parse_row(full, path.parent)
            if item is not None:
                problems, row = _problems(conn, item)
                if row is not None and not _may_file(viewer, row):
                    problems = [("park", "you may not file evidence for this park or enterprise")]
                elif row is not None:
                    rows.append((row, item.park_code))
            errors.extend(f"row {line}, column {column}: {message}" for column, message in problems)
        if errors:
            raise UserError(
                msg(
                    "{name}: nothing loaded, {count} problem(s)", name=path.name, count=len(errors)
                ),
                details=errors,
            )
        for row, park_code in rows:
            _store(conn, row, park_code, changes.actor_of(viewer))
    return len(rows)


def list_evidence(
    engine: Engine, park_code: str, org_code: str | None = None, viewer: Viewer | None = None
) -> list[EvidenceRecord]:
    """Evidence of a park; an enterprise's own evidence only for those who may see its
    private records."""
    with engine.connect() as conn:
        park = store.park_row(conn, park_code)
        if park is None:
            raise UserError(msg("no park '{park_code}'", park_code=park_code))
        org_id = None
        if org_code:
            org = store.organisation_row(conn, park["id"], org_code)
            if org is None:
                raise UserError(
                    msg(
                        "no organisation '{org_code}' in park '{park_code}'",
                        org_code=org_code,
                        park_code=park_code,
                    )
                )
            org_id = org["id"]
        records = store.list_evidence(conn, park["id"], org_id)
        if viewer is None:
            return records
        ids = store.organisation_ids(conn, park["id"])
    return [
        r
        for r in records
        if r.org_code is None
        or can_see(viewer, ids[r.org_code], park["id"], Confidentiality.PRIVATE)
    ]


def evidence_summary(records: list[EvidenceRecord]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "indicator": r.indicator_id,
            "year": r.year,
            "enterprise": r.org_code,
            "value": None if r.value is None else float(r.value),
            "value_text": r.value_text,
            "file": r.file_name,
            "sha256": r.file_sha256,
            "confirmed_by": r.confirmed_by,
            "confirmed_on": r.confirmed_on,
            "data_status": r.data_status,
            "source": r.source,
            "note": r.note,
        }
        for r in records
    ]
