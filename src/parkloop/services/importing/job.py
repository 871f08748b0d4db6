"""One import from start to end: read, convert every cell, resolve what the rows refer to,
check each sheet, count what changes, then write it all in one transaction or nothing."""

from __future__ import annotations

import gc
import json
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from parkloop.catalog.sheets import sheet_specs
from parkloop.domain.codes import Named
from parkloop.domain.permissions import Record, Role, Viewer, can_record, can_write
from parkloop.errors import UserError, Word, msg
from parkloop.jsonable import jsonable
from parkloop.services.importing import (
    exchanges,
    flows,
    listings,
    organisations,
    parks,
    recp,
)
from parkloop.services.importing.checker import Checker, Prepared
from parkloop.services.importing.limits import spec_table
from parkloop.services.importing.report import Change, ImportReport, SheetCount
from parkloop.services.problems import ImportProblems, Problem
from parkloop.services.sources import read_source
from parkloop.store import changes, writes
from parkloop.store.materials import sync_materials

WRITE_BATCH = 5000
# Columns whose change is bookkeeping, not something a person corrected.
QUIET = frozenset(
    {"import_ref", "material_basis", "material_confidence", "material_suggestions", "price_source"}
)


def import_path(
    engine: Engine,
    path: Path,
    *,
    dry_run: bool = False,
    decimal: str | None = None,
    park: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    actor: str | None = None,
    viewer: Viewer | None = None,
) -> ImportReport:
    """Read, check and (unless ``dry_run``) write everything in ``path``.

    ``decimal`` ('.' or ',') settles how numbers typed as text are read; by default each
    column is decided from its values and the workbook's language. ``park`` fills the
    park of sheets without a park column. Raises :class:`ImportProblems` listing every
    problem, or :class:`UnreadableFile`; in both cases nothing is written.
    """
    if decimal not in (None, "auto", ".", ","):
        raise UserError(msg("decimal mark '{decimal}': use '.' or ','", decimal=decimal))
    with _no_cycle_collection():
        return _import(engine, Path(path), dry_run, decimal, park, progress, actor, viewer)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while an import builds its rows.

    An import holds a few million small objects (cells, row dicts, tuples), none of them
    in reference cycles, so the collector only walks them again and again as they
    accumulate: a quarter of a 100,000-row import's time. Reference counting still frees
    everything; the collector runs again as soon as the import ends.

    What outlives the import is what the reading of words keeps for the next one (a
    hundred thousand or so objects): it joins the oldest generation at once, instead of
    being walked by the next young collection on its way there. Nothing is left out of
    collection; a cycle the import left behind goes at the next full collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():  # (objects frozen by the program stay frozen)
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _import(
    engine: Engine,
    path: Path,
    dry_run: bool,
    decimal: str | None,
    park: str | None,
    progress: Callable[[str, int, int], None] | None,
    actor: str | None,
    viewer: Viewer | None,
) -> ImportReport:
    started = time.perf_counter()
    source = read_source(path, progress=progress, default_park=park)
    checker = Checker(source, None if decimal == "auto" else decimal, progress)
    checker.convert()
    report = ImportReport(source=source.path.name, dry_run=dry_run, ignored=list(source.ignored))
    try:
        with engine.connect() if dry_run else engine.begin() as conn:
            prepared = _prepare(checker, conn)
            _authorise(conn, checker, prepared, viewer)
            report.sheets, report.changes, renames = _count(conn, prepared, source.path.name)
            if not dry_run:
                with writes.bulk_cache(conn):
                    _write(conn, prepared, renames, source.path.name, actor, progress)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise UserError(
            msg(
                "{name}: the database refused the import ({reason}); nothing was written",
                name=source.path.name,
                reason=reason,
            )
        ) from exc
    report.warnings = checker.warnings
    report.readings = checker.readings()
    report.filled = checker.filled
    report.seconds = time.perf_counter() - started
    return report


def import_rows(
    engine: Engine,
    sheets: dict[str, list[dict[str, Any]]],
    *,
    name: str = "form",
    viewer: Viewer | None = None,
    actor: str | None = None,
    dry_run: bool = False,
    decimal: str | None = None,
) -> ImportReport:
    """Import rows typed one at a time (a web form, an API call) exactly as a file's rows
    are: the same reading of words, units and numbers, the same checks and problems (the
    sheet is ``name``), the same authorisation and change log. ``decimal`` is the decimal
    mark of numbers typed as text (a form in Vietnamese: ","); None decides from them."""
    with tempfile.TemporaryDirectory(prefix="parkloop-rows-") as folder:
        # Each call is its own "file": a row typed now is never taken for the correction
        # of a row typed earlier (which a second import of the same file's row would be).
        path = Path(folder) / f"{name}-{secrets.token_hex(6)}.json"
        path.write_text(
            json.dumps({"format": "parkloop", "sheets": sheets}, ensure_ascii=False),
            encoding="utf-8",
        )
        return import_path(
            engine, path, viewer=viewer, actor=actor, dry_run=dry_run, decimal=decimal
        )


def _prepare(checker: Checker, conn: Connection) -> list[Prepared]:
    conv = checker.converted
    file_parks: list[Named] = parks.file_parks(conv["parks"]) if "parks" in conv else []
    checker.load_context(conn, file_parks)
    checker.load_organisations(conn, _mentioned_parks(checker))
    registered = {
        sheet: (conv[sheet], *organisations.register(checker, conv[sheet]))
        for sheet in ("enterprises", "partners")
        if sheet in conv
    }
    prepared = []
    for spec in sheet_specs():
        c = conv.get(spec.key)
        if c is None:
            continue
        rows = len(c.raw)
        if checker.progress is not None and rows:
            checker.progress(f"check rows of {c.raw.name}", 0, rows)
        if spec.key in registered:
            _, park_codes, org_codes = registered[spec.key]
            prepared.append(organisations.build(checker, c, park_codes, org_codes))
        else:
            prepared.append(BUILDERS[spec.key](checker, c))
        if checker.progress is not None and rows:
            checker.progress(f"check rows of {c.raw.name}", rows, rows)
    organisations.check_shared_codes(
        checker, registered.get("enterprises"), registered.get("partners")
    )
    if not checker.problems and any(any(c.bad) for c in conv.values()):
        raise AssertionError("rows were left out without a problem saying why")
    if checker.problems:
        order = {s.key: i for i, s in enumerate(sheet_specs())}
        names = {raw.name: order[raw.spec.key] for raw in checker.source.sheets}
        checker.problems.sort(key=lambda p: (names.get(p.sheet, -1), p.row or 0))
        raise ImportProblems(checker.source.path.name, checker.problems)
    return prepared


BUILDERS: dict[str, Callable[[Checker, Any], Prepared]] = {
    "parks": parks.build,
    "land_use": parks.build_land_use,
    "flows": flows.build,
    "listings": listings.build,
    "exchanges": exchanges.build,
    "recp_measures": recp.build,
}


def _authorise(
    conn: Connection, checker: Checker, prepared: list[Prepared], viewer: Viewer | None
) -> None:
    """Refuse, row by row, what ``viewer`` may not write; nothing is written if any."""
    if viewer is None or viewer.role is Role.ADMIN:
        return
    names = {c.raw.spec.key: c.raw for c in checker.converted.values()}
    parks_in = {k[0] for p in prepared for k in p.keys}
    for p in prepared:
        if p.sheet == "exchanges":
            parks_in |= {r["_supplier"][0] for r in p.rows} | {r["_receiver"][0] for r in p.rows}
    park_ids = writes.park_ids(conn, parks_in)
    org_ids = writes.organisation_ids(conn, parks_in)
    who = viewer.name or Word(viewer.role.value)
    problems = []
    for prep in prepared:
        raw = names[prep.sheet]
        for row, key, number in zip(prep.rows, prep.keys, prep.row_numbers, strict=True):
            park = key[0]
            park_id = park_ids.get(park)
            if prep.sheet == "parks":
                allowed = park_id is not None and can_write(viewer, park_id)
            elif prep.sheet == "land_use":
                allowed = can_write(viewer, park_id)
            elif prep.sheet in ("enterprises", "partners"):
                allowed = can_write(viewer, park_id, org_ids.get((park, key[1])))
            elif prep.sheet == "exchanges":
                allowed = any(
                    can_write(viewer, park_ids.get(party[0]), org_ids.get(party))
                    for party in (row["_supplier"], row["_receiver"])
                )
            elif prep.sheet == "recp_measures":
                org_id = org_ids.get(row["_org"])
                allowed = can_record(viewer, park_id, Record.RECP_MEASURE, org_id)
            else:
                allowed = can_write(viewer, park_id, org_ids.get(row["_org"]))
            if not allowed:
                problems.append(
                    Problem(
                        raw.name,
                        number,
                        None,
                        key[1] or key[0],
                        msg(
                            "{who} may not write this record (of park '{park}')", who=who, park=park
                        ),
                        msg(
                            "an enterprise changes only its own records, an operator only its "
                            "park, a facilitator only the RECP measures of its parks; ask the "
                            "park operator"
                        ),
                    )
                )
    if problems:
        raise ImportProblems(checker.source.path.name, problems)


def _mentioned_parks(checker: Checker) -> set[str]:
    """Park codes the file refers to, so their organisations can be looked up."""
    found: set[str] = {n.code for n in checker.parks.entries}
    if len(found) > 50:
        found = set()
        for conv in checker.converted.values():
            for typed in set(conv.values.get("park", ())):
                if typed and (code := checker.parks.find(typed)):
                    found.add(code)
            for column in ("supplier", "receiver"):
                for typed in set(conv.values.get(column, ())):
                    if (
                        typed
                        and ":" in typed
                        and (code := checker.parks.find(typed.rpartition(":")[0]))
                    ):
                        found.add(code)
    return found


def _count(
    conn: Connection, prepared: list[Prepared], file_name: str
) -> tuple[dict[str, SheetCount], list[Change], dict[str, dict[int, str]]]:
    """Rows created and updated per sheet; the values an update changes; and the stored
    rows a corrected row takes over (their key changes to the corrected row's)."""
    counts: dict[str, SheetCount] = {}
    changed: list[Change] = []
    renames: dict[str, dict[int, str]] = {}
    for prep in prepared:
        table = spec_table(prep.sheet)
        if prep.sheet in ("flows", "listings"):
            refs = list(map(f"{file_name}|{prep.sheet}|".__add__, map(str, prep.row_numbers)))
            if prep.columns is not None:
                prep.columns["import_ref"] = refs
            else:
                for row, ref in zip(prep.rows, refs, strict=True):
                    row["import_ref"] = ref
        parks_of = set(prep.rows_per_park())
        columns = sorted(c for c in prep.update if c in writes.TABLES[table].c)
        stored = writes.stored_rows(conn, table, parks_of, columns)
        if not stored:  # nothing of these parks stored yet: every row is new
            counts[prep.sheet] = SheetCount(created=len(prep), updated=0)
            continue
        taken = _corrections(conn, prep, stored) if prep.sheet in ("flows", "listings") else {}
        if taken:
            renames[prep.sheet] = {stored_id: new for new, stored_id in taken.items()}
        by_id = {values["id"]: key for key, values in stored.items()}
        created = updated = 0
        for row, key, number in zip(prep.rows, prep.keys, prep.row_numbers, strict=True):
            before = stored.get(key)
            if before is None and key[1] in taken:
                before = stored.get(by_id[taken[key[1]]])
            if before is None:
                created += 1
                continue
            updated += 1
            for column in columns:
                if column in QUIET or column not in row or column == "id":
                    continue
                old, new = before.get(column), _comparable(row[column])
                if _differs(old, new):
                    changed.append(Change(prep.sheet, key[1], number, column, old, new))
        counts[prep.sheet] = SheetCount(created=created, updated=updated)
    return counts, changed, renames


def _corrections(
    conn: Connection, prep: Prepared, stored: dict[tuple[str, str], dict[str, Any]]
) -> dict[str, int]:
    """New keys that are corrections of a stored row: the stored row came from the same
    file, sheet and row, belongs to the same organisation, and is not claimed by another
    row of this file. New key -> id of the stored row it takes over."""
    incoming = set(prep.keys)
    refs = {
        values["import_ref"]: (key, values)
        for key, values in stored.items()
        if values.get("import_ref") and key not in incoming
    }
    out: dict[str, int] = {}
    for row, key in zip(prep.rows, prep.keys, strict=True):
        if key in stored:
            continue
        hit = refs.get(row["import_ref"])
        if hit is None:
            continue
        (park, _), values = hit
        same = park == key[0] and values.get("_org") == row["_org"][1]
        if prep.sheet == "flows":
            same = (
                same
                and values.get("year") == row["year"]
                and values.get("direction") == row["direction"]
            )
        if same:
            out[key[1]] = values["id"]
    return out


def _comparable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, float) and isinstance(new, (int, float)):
        return abs(old - new) > 1e-9 * max(1.0, abs(old), abs(new))
    if isinstance(old, str) and isinstance(new, (list, dict)):
        try:
            return json.loads(old) != new
        except ValueError:
            return True
    return bool(old != new) and not (old in (None, "") and new in (None, ""))


def _write(
    conn: Connection,
    prepared: list[Prepared],
    renames: dict[str, dict[int, str]],
    file_name: str,
    actor: str | None,
    progress: Callable[[str, int, int], None] | None,
) -> None:
    sync_materials(conn)
    by_sheet = {p.sheet: p for p in prepared}
    parks_in_file: set[str] = set()
    for prep in prepared:
        parks_in_file.update(prep.rows_per_park())
        if prep.sheet == "exchanges":
            for row in prep.rows:
                parks_in_file.update((row["_supplier"][0], row["_receiver"][0]))
    per_park: dict[str, Counter[str]] = {}
    for prep in prepared:
        for park, n in prep.rows_per_park().items():
            per_park.setdefault(park, Counter())[prep.sheet] += n
    if "parks" in by_sheet:
        _upsert(conn, by_sheet["parks"], progress)
    park_ids = writes.park_ids(conn, parks_in_file)
    park_codes = {v: k for k, v in park_ids.items()}
    for sheet in ("land_use", "enterprises", "partners"):
        if sheet in by_sheet:
            for row in by_sheet[sheet].rows:
                row["park_id"] = park_ids[row.pop("_park")]
            _log_updates(conn, by_sheet[sheet], park_codes, actor)
            _upsert(conn, by_sheet[sheet], progress)
    org_ids = writes.organisation_ids(conn, parks_in_file)
    for sheet in ("flows", "listings", "exchanges", "recp_measures"):
        if sheet not in by_sheet:
            continue
        columns = by_sheet[sheet].columns
        if columns is not None:
            columns["park_id"] = list(map(park_ids.__getitem__, columns.pop("_park")))
            columns["org_id"] = list(map(org_ids.__getitem__, columns.pop("_org")))
        for row in by_sheet[sheet].rows if columns is None else ():
            row["park_id"] = park_ids[row.pop("_park")]
            if sheet == "exchanges":
                row["supplier_id"] = org_ids[row.pop("_supplier")]
                row["receiver_id"] = org_ids[row.pop("_receiver")]
            else:
                row["org_id"] = org_ids[row.pop("_org")]
        if sheet in renames:
            writes.rename_keys(conn, sheet, renames[sheet])
        _log_updates(conn, by_sheet[sheet], park_codes, actor)
        table = spec_table(sheet)
        # Rows of parks the table holds nothing of yet are plain inserts: looked for here,
        # inside the transaction that has written already (on SQLite, no other connection
        # can write before it ends).
        fresh = (
            conn.dialect.name == "sqlite"
            and columns is not None
            and bool(columns["park_id"])
            and not writes.holds_rows_of(conn, table, columns["park_id"])
        )
        with writes.indexes_after(conn, table, len(by_sheet[sheet])):
            _upsert(conn, by_sheet[sheet], progress, insert_only=fresh)
    for park in sorted(per_park):
        changes.record(
            conn,
            "import",
            "sheets",
            object_key=file_name,
            park_code=park,
            detail={"rows": dict(per_park[park])},
            who=actor,
        )


# The records whose changes by an import are logged one by one (old and new values); a
# record an import creates is logged with the import itself.
AUDITED = {
    "enterprises": "organisation",
    "partners": "organisation",
    "flows": "flow",
    "listings": "listing",
    "exchanges": "exchange",
}


def _log_updates(
    conn: Connection, prep: Prepared, park_codes: dict[int, str], actor: str | None
) -> None:
    """Log each stored record the import is about to change, with its old and new values."""
    kind = AUDITED.get(prep.sheet)
    if kind is None or not len(prep):
        return
    table = spec_table(prep.sheet)
    key = writes.NATURAL_KEYS[table]
    columns = [c for c in prep.update if c in writes.TABLES[table].c and c not in key]
    parks_of_rows = (
        set(prep.columns["park_id"])
        if prep.columns is not None
        else {row["park_id"] for row in prep.rows}
    )
    stored = writes.current_values(conn, table, columns, parks_of_rows)
    if not stored:
        return
    entries = []
    for row in prep.rows:
        old = stored.get(tuple(row[k] for k in key))
        if old is None:
            continue
        changed = {
            c: [jsonable(old[c]), jsonable(row[c])]
            for c in columns
            if c in row and jsonable(old[c]) != jsonable(row[c])
        }
        if changed:
            entries.append(
                {
                    "action": "update",
                    "object_type": kind,
                    "object_key": str(row.get("key") or row.get("code") or old["id"]),
                    "park_code": park_codes.get(row["park_id"], ""),
                    "detail": {"id": old["id"], "changed": changed, "via": "import"},
                }
            )
    changes.record_many(conn, entries, who=actor)


def _upsert(
    conn: Connection,
    prep: Prepared,
    progress: Callable[[str, int, int], None] | None,
    *,
    insert_only: bool = False,
) -> None:
    table = spec_table(prep.sheet)
    update = {c for c in prep.update if c in writes.TABLES[table].c}
    total = len(prep)
    if not total:
        return

    def written(done: int) -> None:
        if progress is not None:
            progress(f"write {prep.sheet}", done, total)

    if prep.columns is not None:
        columns, serialised = writes.json_texts(table, prep.columns)
        writes.upsert_columns(
            conn,
            table,
            columns,
            update,
            insert_only=insert_only,
            serialised=serialised,
            batch=WRITE_BATCH,
            written=written,
        )
        return
    for start in range(0, total, WRITE_BATCH):
        writes.upsert_rows(conn, table, prep.rows[start : start + WRITE_BATCH], update)
        written(min(start + WRITE_BATCH, total))
