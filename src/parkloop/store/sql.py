"""Small SQL helpers shared by the repositories; dialect differences live here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select, Table, literal, text
from sqlalchemy.dialects import postgresql, sqlite

BATCH = 5000


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: Sequence[str],
    update: Iterable[str] | None = None,
) -> None:
    """Insert rows, updating the named columns where the key already exists."""
    if not rows:
        return
    dialect = conn.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    columns = list(update) if update is not None else [c for c in rows[0] if c not in key]
    for start in range(0, len(rows), BATCH):
        stmt = insert(table)
        chunk = list(rows[start : start + BATCH])
        if columns:
            stmt = stmt.on_conflict_do_update(
                index_elements=list(key), set_={c: stmt.excluded[c] for c in columns}
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
        conn.execute(stmt, chunk)


def insert_many(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        conn.execute(table.insert(), list(rows[start : start + BATCH]))


def fast_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Plain inserts of tuples in ``columns`` order by the database's fastest path: COPY on
    PostgreSQL, one prepared statement run by the driver on SQLite. A key that exists
    already is an error."""
    if not rows:
        return
    names = ", ".join(columns)
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with (
            raw.cursor() as cur,  # type: ignore[union-attr]
            cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    cur = raw.cursor()  # type: ignore[union-attr]
    try:
        cur.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
    finally:
        cur.close()


def fast_upsert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    key: Sequence[str],
    constants: Mapping[str, Any] | None = None,
    update: Sequence[str] | None = None,
) -> None:
    """Upsert many rows given as tuples in ``columns`` order, by the database's fastest
    path: one prepared statement run by the driver on SQLite, COPY into a temporary table
    then one INSERT ... ON CONFLICT on PostgreSQL. ``constants`` are columns with the same
    value on every row, written once into the statement instead of bound row by row.
    JSON values must come serialised."""
    if isinstance(rows, Sequence) and not rows:
        return
    constants = dict(constants or {})
    literals = [
        str(literal(v).compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        for v in constants.values()
    ]
    names = ", ".join([*columns, *constants])
    changed = [*columns, *constants] if update is None else list(update)
    updates = ", ".join(f"{c} = excluded.{c}" for c in changed if c not in (*key, "id"))
    conflict = f"ON CONFLICT ({', '.join(key)}) " + (
        f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    )
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        temp = f"tmp_{table.name}_load"
        with raw.cursor() as cur:  # type: ignore[union-attr]
            copied = ", ".join(columns)
            cur.execute(
                f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS "
                f"SELECT {copied} FROM {table.name} WITH NO DATA"
            )
            with cur.copy(f"COPY {temp} ({copied}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            values = ", ".join([*columns, *literals])
            cur.execute(
                f"INSERT INTO {table.name} ({names}) SELECT {values} FROM {temp} {conflict}"
            )
            cur.execute(f"DROP TABLE {temp}")
        return
    marks = ", ".join(["?"] * len(columns) + literals)
    cur = raw.cursor()  # type: ignore[union-attr]
    try:
        cur.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks}) {conflict}", rows)
    finally:
        cur.close()


def bulk_write(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    matrix: Any,
    key: Sequence[str],
    constants: Mapping[str, Any] | None = None,
    *,
    insert_only: bool = False,
) -> None:
    """Write the rows of ``matrix`` (a 2-D numpy array of Python values, one column per
    name of ``columns``) by the database's bulk path, without a tuple per row: on
    PostgreSQL COPY (straight into the table when ``insert_only``, else :func:`fast_upsert`);
    on SQLite multi-row INSERT statements of as many rows as the statement's parameters
    allow, prepared once and bound from one flat list. ``insert_only``: no row's key is
    stored yet. ``constants`` as in :func:`fast_upsert`."""
    if not len(matrix):
        return
    constants = dict(constants or {})
    if conn.dialect.name == "postgresql":
        if not insert_only:
            fast_upsert(conn, table, columns, matrix.tolist(), key, constants)
            return
        names = [*columns, *constants]
        if constants:
            extra = [[v] * len(matrix) for v in constants.values()]
            import numpy as np

            matrix = np.column_stack([matrix, np.array(extra, dtype=object).T])
        fast_insert(conn, table, names, matrix.tolist())
        return
    literals = [
        str(literal(v).compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        for v in constants.values()
    ]
    listed = ", ".join([*columns, *constants])
    conflict = ""
    if not insert_only:
        updates = ", ".join(
            f"{c} = excluded.{c}" for c in [*columns, *constants] if c not in (*key, "id")
        )
        conflict = f" ON CONFLICT ({', '.join(key)}) " + (
            f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        )
    width = len(columns)
    row = "(" + ", ".join(["?"] * width + literals) + ")"
    per = max(1, SQLITE_PARAMETERS // width)
    flat = matrix.ravel().tolist()
    n = len(matrix)
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, n, per):
            rows = min(per, n - start)
            cur.execute(
                f"INSERT INTO {table.name} ({listed}) VALUES {', '.join([row] * rows)}{conflict}",
                flat[start * width : (start + rows) * width],
            )
    finally:
        cur.close()


# Parameters one SQLite statement may bind (SQLITE_MAX_VARIABLE_NUMBER since 3.32).
SQLITE_PARAMETERS = 32766


def reserve_ids(conn: Connection, table: Table, n: int) -> int:
    """The first of ``n`` consecutive unused ``id`` values of ``table``, for rows this
    transaction will insert with their ids given. On PostgreSQL the table is locked
    against other writers until commit and its sequence moved past the block; SQLite
    has a single writer already."""
    if conn.dialect.name != "postgresql":
        return int(conn.scalar(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table.name}")))
    conn.execute(text(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE"))
    sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
    first = int(
        conn.scalar(
            text(
                f"SELECT greatest(coalesce(max(id), 0) + 1, nextval({sequence})) FROM {table.name}"
            )
        )
    )
    if n:
        conn.execute(text(f"SELECT setval({sequence}, :last)"), {"last": first + n - 1})
    return first


def fetch_tuples(conn: Connection, query: Select[Any]) -> list[tuple[Any, ...]]:
    """All rows of ``query`` as plain tuples from the driver, for bulk reads where building
    a result row object per row would cost more than the read itself."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = (
        [compiled.params[name] for name in compiled.positiontup or ()]
        if compiled.positional
        else compiled.params
    )
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(str(compiled), params)
        return list(cur.fetchall())
    finally:
        cur.close()
