"""Bulk writes of imported sheets: upserts by natural key, with codes resolved to ids."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, String, Table, select, update

from parkloop.store.schema import (
    exchanges,
    flows,
    land_use,
    listings,
    organisations,
    parks,
    recp_measures,
)
from parkloop.store.sql import fast_upsert, upsert

TABLES: dict[str, Table] = {
    "parks": parks,
    "land_use": land_use,
    "organisations": organisations,
    "flows": flows,
    "listings": listings,
    "exchanges": exchanges,
    "recp_measures": recp_measures,
}

# The unique key each table is upserted on.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "parks": ("code",),
    "land_use": ("park_id", "land_class"),
    "organisations": ("park_id", "code"),
    "flows": ("park_id", "key"),
    "listings": ("park_id", "key"),
    "exchanges": ("park_id", "key"),
    "recp_measures": ("park_id", "key"),
}


def text_limit(table_name: str, column: str) -> int | None:
    """The longest text a column holds, so input can be checked before it is written."""
    col = TABLES[table_name].c[column]
    return col.type.length if isinstance(col.type, String) else None


def park_ids(conn: Connection, codes: Iterable[str] | None = None) -> dict[str, int]:
    query = select(parks.c.code, parks.c.id)
    if codes is not None:
        query = query.where(parks.c.code.in_(sorted(set(codes))))
    return {code: pid for code, pid in conn.execute(query)}


def _by_organisation(conn: Connection, park_codes: Iterable[str], column: str) -> dict[Any, Any]:
    query = (
        select(parks.c.code, organisations.c.code, organisations.c[column])
        .join(parks, parks.c.id == organisations.c.park_id)
        .where(parks.c.code.in_(sorted(set(park_codes))))
    )
    return {(p, o): value for p, o, value in conn.execute(query)}


def organisation_kinds(conn: Connection, park_codes: Iterable[str]) -> dict[tuple[str, str], str]:
    """(park code, organisation code) -> kind, for the given parks."""
    return _by_organisation(conn, park_codes, "kind")


def organisation_ids(conn: Connection, park_codes: Iterable[str]) -> dict[tuple[str, str], int]:
    """(park code, organisation code) -> id, for the given parks."""
    return _by_organisation(conn, park_codes, "id")


def existing_keys(
    conn: Connection, table_name: str, park_codes: Iterable[str]
) -> set[tuple[str, str]]:
    """Natural keys already stored, as (park code, key) pairs; parks as (code, '')."""
    codes = sorted(set(park_codes))
    if table_name == "parks":
        return {(c, "") for c in conn.scalars(select(parks.c.code).where(parks.c.code.in_(codes)))}
    table = TABLES[table_name]
    second = {"land_use": "land_class", "organisations": "code"}.get(table_name, "key")
    query = (
        select(parks.c.code, table.c[second])
        .join(parks, parks.c.id == table.c.park_id)
        .where(parks.c.code.in_(codes))
    )
    return {(p, k) for p, k in conn.execute(query)}


# Pages SQLite keeps in memory while one import writes (64 MiB, as KiB; the default is
# 2 MiB): the indexes of a 100,000-row sheet stay in memory instead of being read back
# from the file (a quarter of the write's time).
BULK_CACHE_KIB = 65536


@contextmanager
def bulk_cache(conn: Connection, kib: int = BULK_CACHE_KIB) -> Iterator[None]:
    """Give this connection a page cache of ``kib`` KiB, large enough for a bulk write,
    while it lasts (SQLite only; PostgreSQL has its shared buffers)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


# Rows a sheet must bring for its table's secondary indexes to be built after the rows
# instead of kept up row by row (:func:`indexes_after`).
INDEXES_AFTER_ROWS = 10_000


@contextmanager
def indexes_after(conn: Connection, table_name: str, incoming: int) -> Iterator[None]:
    """Write ``incoming`` rows into a table with its secondary indexes built once after
    them, where that is cheaper (SQLite, at least :data:`INDEXES_AFTER_ROWS` rows, fewer
    rows stored than coming: a first import of a large sheet): each index is dropped and
    created again from the text it was created with, in the same transaction, so no
    other connection sees the table without it. One sort instead of an index update per
    row; the unique keys stay, as the upserts need them. Should the writing fail, the
    transaction is rolled back with the indexes in it."""
    if (
        conn.dialect.name != "sqlite"
        or incoming < INDEXES_AFTER_ROWS
        or not conn.connection.driver_connection.in_transaction  # type: ignore[union-attr]
    ):
        yield  # (outside a transaction a dropped index would stay dropped on failure)
        return
    table = TABLES[table_name]
    # Rows stored, counted up to ``incoming`` only (a large table is not counted through).
    stored = conn.exec_driver_sql(
        f"SELECT count(*) FROM (SELECT 1 FROM {table.name} LIMIT ?)", (incoming,)
    ).scalar_one()
    created = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table.name,),
    ).all()
    secondary = [
        (name, sql) for name, sql in created if not sql.lstrip().upper().startswith("CREATE UNIQUE")
    ]
    if stored >= incoming or not secondary:
        yield
        return
    for name, _ in secondary:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in secondary:
        conn.exec_driver_sql(sql)


def holds_rows_of(conn: Connection, table_name: str, park_ids: Iterable[int]) -> bool:
    """Whether the table holds any row of the parks (by id)."""
    table = TABLES[table_name]
    query = select(table.c.park_id).where(table.c.park_id.in_(sorted(set(park_ids)))).limit(1)
    return conn.execute(query).first() is not None


def upsert_rows(
    conn: Connection,
    table_name: str,
    rows: Sequence[Mapping[str, Any]],
    update: Iterable[str],
) -> None:
    """Insert rows, updating only the ``update`` columns of rows whose key exists."""
    if not rows:
        return
    key = NATURAL_KEYS[table_name]
    table = TABLES[table_name]
    changed = [c for c in update if c not in key]
    first = rows[0].keys()
    columns = [c for c in first if c in table.c]
    try:
        # Rows of one width that all hold the first row's columns have its keys.
        if len(set(map(len, rows))) != 1:
            raise KeyError
        tuples = list(map(itemgetter(*columns), rows)) if len(columns) > 1 else None
    except KeyError:
        upsert(conn, table, rows, key=key, update=changed)
        return
    values: list[Sequence[Any]] = (
        list(zip(*tuples, strict=True)) if tuples is not None else [[r[columns[0]] for r in rows]]
    )
    _upsert_columns(conn, table_name, columns, values, changed)


def upsert_columns(
    conn: Connection,
    table_name: str,
    columns: Mapping[str, Sequence[Any]],
    update: Iterable[str],
    *,
    insert_only: bool = False,
    serialised: Iterable[str] = (),
    batch: int | None = None,
    written: Callable[[int], None] | None = None,
) -> None:
    """:func:`upsert_rows` for rows given column by column (column -> a value per row, every
    column as long); columns the table does not have are left out. ``insert_only``: no
    row's key is stored (the caller holds the write lock since it looked), so no row is
    looked up as an update. ``serialised``: JSON columns given as their texts already
    (:func:`json_texts`). ``batch``: rows written at a time, ``written`` told the rows
    written so far after each."""
    table = TABLES[table_name]
    names = [c for c in columns if c in table.c]
    if not names or not len(columns[names[0]]):
        return
    key = NATURAL_KEYS[table_name]
    changed = [c for c in update if c not in key]
    _upsert_columns(
        conn,
        table_name,
        names,
        [columns[c] for c in names],
        changed,
        insert_only,
        frozenset(serialised),
        batch,
        written,
    )


def json_texts(
    table_name: str, columns: Mapping[str, Sequence[Any]]
) -> tuple[dict[str, Sequence[Any]], frozenset[str]]:
    """The columns with those the table keeps as JSON turned into their texts (each
    distinct value serialised once for all the rows, not once per batch written), and the
    names of those, for :func:`upsert_columns`."""
    table = TABLES[table_name]
    out = dict(columns)
    done = [c for c in out if c in table.c and isinstance(table.c[c].type, JSON)]
    for c in done:
        out[c] = _as_json(out[c])
    return out, frozenset(done)


def _upsert_columns(
    conn: Connection,
    table_name: str,
    columns: list[str],
    values: list[Sequence[Any]],
    changed: list[str],
    insert_only: bool = False,
    serialised: frozenset[str] = frozenset(),
    batch: int | None = None,
    written: Callable[[int], None] | None = None,
) -> None:
    # Column by column: each JSON value is serialised once per distinct value, and a
    # column with one value on every row is written once into the statement.
    table = TABLES[table_name]
    values = list(values)
    for n, c in enumerate(columns):
        if isinstance(table.c[c].type, JSON) and c not in serialised:
            values[n] = _as_json(values[n])
    rows = len(values[0])
    constants: dict[str, Any] = {}
    if conn.dialect.name == "sqlite" and rows > 1:
        for c, column in zip(columns, values, strict=True):
            one = column[0]
            if (
                (
                    one is None
                    or one.__class__ is int
                    or (one.__class__ is str and "\x00" not in one)
                )
                # (the last and middle values first: most columns differ there already)
                and column[-1] == one
                and column[rows // 2] == one
                and column.count(one) == rows
                and (one.__class__ is not int or set(map(type, column)) == {int})
            ):
                constants[c] = one
    bound = [c for c in columns if c not in constants]
    if not bound:
        bound, constants = columns, {}
    picked = [values[columns.index(c)] for c in bound]
    made = zip(*picked, strict=True)  # each row made as it is written
    size = batch or rows
    for start in range(0, rows, size):
        fast_upsert(
            conn,
            table,
            bound,
            islice(made, size),
            key=NATURAL_KEYS[table_name],
            constants=constants,
            update=changed,
            insert_only=insert_only,
        )
        if written is not None:
            written(min(start + size, rows))


def _as_json(column: Sequence[Any]) -> list[Any]:
    """A column of JSON values as the texts stored, each distinct value serialised once
    (rows often share one list object: by identity first, then by content)."""
    ids = list(map(id, column))
    by_id: dict[int, str] = {}
    dumped: dict[Any, str] = {}
    for ref, value in dict(zip(ids, column, strict=True)).items():
        try:
            memo = (value.__class__, tuple(value) if isinstance(value, list) else value)
            text = dumped.get(memo)
        except TypeError:  # a nested value: serialised each time
            memo, text = None, None
        if text is None:
            text = json.dumps(value, ensure_ascii=False)
            if memo is not None:
                dumped[memo] = text
        by_id[ref] = text
    return list(map(by_id.__getitem__, ids))


def current_values(
    conn: Connection, table_name: str, columns: Sequence[str], park_ids: Iterable[int]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The stored ``columns`` (and id) of the rows of ``park_ids``, by natural key: what
    an import is about to change, for the change log."""
    key = NATURAL_KEYS[table_name]
    table = TABLES[table_name]
    wanted = [c for c in dict.fromkeys((*key, "id", *columns)) if c in table.c]
    query = select(*(table.c[c] for c in wanted)).where(table.c.park_id.in_(list(park_ids)))
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in conn.execute(query).mappings():
        found[tuple(row[k] for k in key)] = dict(row)
    return found


def park_names(conn: Connection) -> list[tuple[str, str, str]]:
    """(code, Vietnamese name, English name) of every park."""
    return [tuple(r) for r in conn.execute(select(parks.c.code, parks.c.name_vi, parks.c.name_en))]  # type: ignore[misc]


def park_countries(conn: Connection) -> dict[str, str]:
    """The country code of every stored park, by park code."""
    return {code: country for code, country in conn.execute(select(parks.c.code, parks.c.country))}


def organisations_of(
    conn: Connection, park_codes: Iterable[str]
) -> list[tuple[str, str, str, str, str, str]]:
    """(park code, code, kind, VSIC, Vietnamese name, English name) of the parks' organisations."""
    query = (
        select(
            parks.c.code,
            organisations.c.code,
            organisations.c.kind,
            organisations.c.vsic,
            organisations.c.name_vi,
            organisations.c.name_en,
        )
        .join(parks, parks.c.id == organisations.c.park_id)
        .where(parks.c.code.in_(sorted(set(park_codes))))
    )
    return [tuple(r) for r in conn.execute(query)]  # type: ignore[misc]


def stored_rows(
    conn: Connection, table_name: str, park_codes: Iterable[str], columns: Sequence[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Stored rows of the parks by natural key, with the given columns, their id and, for
    rows owned by an organisation, the organisation's code (``_org``)."""
    codes = sorted(set(park_codes))
    table = TABLES[table_name]
    wanted = [table.c[c] for c in columns if c in table.c and c != "id"]
    if table_name == "parks":
        query = select(parks.c.code, parks.c.id, *wanted).where(parks.c.code.in_(codes))
        return {
            (r[0], ""): {"id": r[1], **dict(zip(columns_of(wanted), r[2:], strict=True))}
            for r in conn.execute(query)
        }
    second = {"land_use": "land_class", "organisations": "code"}.get(table_name, "key")
    extra = []
    if "org_id" in table.c:
        extra = [organisations.c.code.label("_org")]
        for name in ("year", "direction", "import_ref"):
            if name in table.c and name not in columns:
                extra.append(table.c[name])
    query = (
        select(parks.c.code, table.c[second], table.c.id, *wanted, *extra)
        .select_from(table)
        .join(parks, parks.c.id == table.c.park_id)
        .where(parks.c.code.in_(codes))
    )
    if extra:
        query = query.join(organisations, organisations.c.id == table.c.org_id)
    names = [*columns_of(wanted), *(c.name for c in extra)]
    return {
        (r[0], r[1]): {"id": r[2], **dict(zip(names, r[3:], strict=True))}
        for r in conn.execute(query)
    }


def columns_of(columns: Sequence[Any]) -> list[str]:
    return [c.name for c in columns]


def rename_keys(conn: Connection, table_name: str, keys: Mapping[int, str]) -> None:
    """Give stored rows new keys (a corrected row keeps its identity)."""
    table = TABLES[table_name]
    for row_id, key in keys.items():
        conn.execute(update(table).where(table.c.id == row_id).values(key=key))
