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
    insert_only: bool = False,
) -> None:
    """Upsert many rows given as tuples in ``columns`` order, by the database's fastest
    path: one prepared statement run by the driver on SQLite, COPY into a temporary table
    then one INSERT ... ON CONFLICT on PostgreSQL. ``constants`` are columns with the same
    value on every row, written once into the statement instead of bound row by row.
    JSON values must come serialised. ``insert_only``: no row's key is stored yet, and no
    other connection can store one before this transaction ends (SQLite, once it has
    written): a plain INSERT, without looking for a conflict row by row."""
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
    if insert_only:
        conflict = ""
    cur = raw.cursor()  # type: ignore[union-attr]
    try:
        cur.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks}) {conflict}", rows)
    finally:
        cur.close()


def bulk_write(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    values: Sequence[Any],
    key: Sequence[str],
    constants: Mapping[str, Any] | None = None,
    *,
    insert_only: bool = False,
) -> None:
    """Write rows given column by column (``values``: one 1-D numpy array per name of
    ``columns``, all of one length) by the database's bulk path, without a Python object
    per row and column: on PostgreSQL COPY of buffers built column by column into
    temporary tables, merged by one INSERT ... SELECT (:func:`_copy_write`); on SQLite
    one prepared INSERT run by the driver over the rows, each column turned into Python
    values at once. ``insert_only``: no row's key is stored yet. A stored row whose values
    are all the same is left as it is (no new row version, no index write).
    ``constants`` as in :func:`fast_upsert`. On PostgreSQL an ``insert_only`` write goes
    straight into the table by one binary COPY where every column allows it
    (:func:`copy_insert`)."""
    if not len(values) or not len(values[0]):
        return
    constants = dict(constants or {})
    names = [*columns, *constants]
    postgres = conn.dialect.name == "postgresql"
    conflict = "" if insert_only else _conflict(table.name, names, key, postgres)
    if postgres and insert_only and copy_insert(conn, table, columns, values, constants):
        return
    if postgres:
        _copy_write(conn, table, columns, values, constants, conflict)
        return
    literals = [
        str(literal(v).compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        for v in constants.values()
    ]
    marks = ", ".join(["?"] * len(columns) + literals)
    rows = zip(*(column.tolist() for column in values), strict=True)
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.executemany(
            f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks}){conflict}", rows
        )
    finally:
        cur.close()


def copy_insert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    values: Sequence[Any],
    constants: Mapping[str, Any] | None = None,
    *,
    rows: Any = None,
    part: int = 50_000,
) -> bool:
    """Insert rows given column by column (as :func:`bulk_write`) straight into ``table``
    on PostgreSQL, by one COPY in the binary format: no temporary table, no text to parse,
    and the server's multi-row insert path. Each column is sent as its type in ``table``
    (integer, bigint, double precision, boolean, or text); the rows are built ``part`` at a
    time while the rows before are sent (:func:`_typed_rows`). ``rows``: the positions of
    the rows to write, in the order to write them (default: all, in order). False, and
    nothing written, when a column's type or values do not allow it (NULLs in numbers,
    other types)."""
    import numpy as np

    n = len(values[0])
    every = [*columns, *(constants or {})]
    arrays = [*values, *(_repeated(v, n) for v in (constants or {}).values())]
    typed = _typed_columns(table, every, arrays)
    if typed is None:
        return False
    numbers, texts = typed
    order = [name for name, _, _ in numbers] + [name for name, _ in texts]
    tails = _text_tails(texts, n)
    if tails is None:
        return False
    from psycopg.copy import QueuedLibpqWriter

    raw = conn.connection.driver_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]
        statement = f"COPY {table.name} ({', '.join(order)}) FROM STDIN (FORMAT binary)"
        with cur.copy(statement, writer=QueuedLibpqWriter(cur)) as copy:
            copy.write(PG_COPY_HEAD)
            picked = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
            for start in range(0, len(picked), part):
                block = _typed_rows(numbers, tails, len(texts), picked[start : start + part])
                copy.write(block.data)
            copy.write(PG_COPY_TAIL)
    return True


def _repeated(value: Any, n: int) -> Any:
    """A column holding ``value`` on each of ``n`` rows."""
    import numpy as np

    if isinstance(value, bool):
        return np.full(n, value, dtype=np.bool_)
    if isinstance(value, int | float):
        return np.full(n, value)
    column = np.empty(n, dtype=object)
    column.fill(value)
    return column


def _layout(kind: Any) -> str | None:
    """The binary COPY layout of the PostgreSQL type a SQLAlchemy type stands for
    (big-endian numpy layout, or "text"); None for others. BigInteger is an Integer:
    it is tested first."""
    from sqlalchemy import BigInteger, Boolean, Float, Integer, String, Text

    if isinstance(kind, BigInteger):
        return ">i8"
    if isinstance(kind, Integer):
        return ">i4"
    if isinstance(kind, Float) and not kind.asdecimal:
        return ">f8"
    if isinstance(kind, Boolean):
        return "?"
    if isinstance(kind, String | Text):
        return "text"
    return None


def _typed_columns(
    table: Table, names: Sequence[str], arrays: Sequence[Any]
) -> tuple[list[tuple[str, str, Any]], list[tuple[str, Any]]] | None:
    """The columns as (name, layout, numpy array) for fixed-width types and (name, Arrow
    text array) for text; None when one does not fit its column's type."""
    import numpy as np
    import pyarrow as pa

    numbers: list[tuple[str, str, Any]] = []
    texts: list[tuple[str, Any]] = []
    for name, values in zip(names, arrays, strict=True):
        layout = _layout(table.c[name].type)
        values = np.asarray(values)
        if layout is None:
            return None
        if layout == "text":
            try:
                texts.append((name, pa.array(values, type=pa.string())))
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                return None
            continue
        if values.dtype == object:
            try:
                target = {">f8": np.float64, "?": np.bool_}.get(layout, np.int64)
                if target is np.bool_ and any(type(v) is not bool for v in values.tolist()):
                    return None
                values = values.astype(target)
            except (TypeError, ValueError):
                return None
            if layout == ">f8" and np.isnan(values).any():
                return None  # None among the floats: a NULL
        kind = values.dtype.kind
        if layout == "?" and kind != "b":
            return None
        if layout == ">f8" and kind not in "fiu":
            return None
        if layout in (">i4", ">i8"):
            if kind not in "iub":
                return None
            bits = 31 if layout == ">i4" else 63
            if len(values) and (values.min() < -(1 << bits) or values.max() >= 1 << bits):
                return None
        numbers.append((name, layout, values))
    return numbers, texts


def _text_tails(texts: Sequence[tuple[str, Any]], n: int) -> tuple[Any, Any, Any] | None:
    """The text columns of each row as one run of binary COPY fields (each field's length,
    -1 for NULL, then its UTF-8 bytes): the distinct runs as a numpy array of bytes, their
    lengths, and each row's run."""
    import numpy as np

    if not texts:
        return np.zeros(1, dtype="S1"), np.zeros(1, dtype=np.int64), np.zeros(n, dtype=np.int64)
    code = np.zeros(n, dtype=np.int64)
    words: list[list[bytes | None]] = []
    width = 1
    for _, column in texts:
        encoded = column.dictionary_encode()
        known = [None if v is None else v.encode() for v in encoded.dictionary.to_pylist()]
        known.append(None)  # the code of a NULL
        index = encoded.indices.fill_null(len(known) - 1).to_numpy().astype(np.int64)
        if width * len(known) >= 1 << 62:
            code = np.unique(code, return_inverse=True)[1].astype(np.int64)
            width = int(code.max()) + 1 if n else 1
        code = code * len(known) + index
        width *= len(known)
        words.append(known)
    distinct, row_run = np.unique(code, return_inverse=True)
    runs = []
    for combined in distinct.tolist():
        fields = []
        for known in reversed(words):
            combined, at = divmod(combined, len(known))
            word = known[at]
            fields.append(
                b"\xff\xff\xff\xff" if word is None else len(word).to_bytes(4, "big") + word
            )
        runs.append(b"".join(reversed(fields)))
    lengths = np.array([len(r) for r in runs], dtype=np.int64)
    return np.array(runs, dtype=f"S{max(1, int(lengths.max()))}"), lengths, row_run


def _typed_rows(
    numbers: Sequence[tuple[str, str, Any]],
    tails: tuple[Any, Any, Any],
    n_texts: int,
    picked: Any,
) -> Any:
    """The rows at positions ``picked`` in PostgreSQL's binary COPY format, as a flat uint8
    array: the field count and the fixed-width fields of every row as one record array,
    each row's text fields after them; rows of different widths are cut out of one
    padded block by a mask, in row order."""
    import numpy as np

    m = len(picked)
    template = _fixed_fields([layout for _, layout, _ in numbers], len(numbers) + n_texts)
    head = np.repeat(template, m)
    for j, (_, _, column) in enumerate(numbers):
        head[f"v{j}"] = column[picked]
    runs, lengths, row_run = tails
    size, wide = head.dtype.itemsize, runs.dtype.itemsize
    block = np.empty((m, size + wide), dtype=np.uint8)
    block[:, :size] = head.view(np.uint8).reshape(m, size)
    here = row_run[picked]
    block[:, size:] = runs[here].view(np.uint8).reshape(m, wide)
    keep = np.arange(size + wide) < (size + lengths[here])[:, None]
    flat: Any = block[keep]
    return flat


PG_COPY_HEAD = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension
PG_COPY_TAIL = b"\xff\xff"  # a field count of -1


def _fixed_fields(layouts: Sequence[str], fields_in_row: int) -> Any:
    """One row of binary COPY as a numpy record: the row's field count, then for each of
    ``layouts`` (big-endian numpy layouts) the field's length and a slot ``v0``, ``v1``, …
    for its value; the text fields of a row, if any, follow the record."""
    import numpy as np

    fields: list[tuple[str, str]] = [("count", ">i2")]
    for j, layout in enumerate(layouts):
        fields += [(f"l{j}", ">i4"), (f"v{j}", layout)]
    template = np.zeros(1, dtype=np.dtype(fields))
    template["count"] = fields_in_row
    for j, layout in enumerate(layouts):
        template[f"l{j}"] = np.dtype(layout).itemsize
    return template


def _conflict(name: str, columns: Sequence[str], key: Sequence[str], postgres: bool) -> str:
    """The ON CONFLICT clause of an upsert into table ``name`` that updates the non-key
    columns of a stored row only where one of them changes."""
    changed = [c for c in columns if c not in (*key, "id")]
    clause = f" ON CONFLICT ({', '.join(key)}) "
    if not changed:
        return clause + "DO NOTHING"
    sets = ", ".join(f"{c} = excluded.{c}" for c in changed)
    # SQLite's IS NOT is PostgreSQL's IS DISTINCT FROM (NULL-safe inequality).
    op = "IS DISTINCT FROM" if postgres else "IS NOT"
    differs = " OR ".join(f"{name}.{c} {op} excluded.{c}" for c in changed)
    return f"{clause}DO UPDATE SET {sets} WHERE {differs}"


def _copy_write(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    values: Sequence[Any],
    constants: Mapping[str, Any],
    conflict: str,
) -> None:
    """Upsert (``conflict``) or insert the rows on PostgreSQL: the columns of numbers
    without NULLs COPY'd in binary into one temporary table, the others as CSV into a
    second, both numbered by row, then one INSERT ... SELECT joining the two on the row
    number, in row order, with the ``constants`` as literals."""
    literals = [
        str(literal(v).compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        for v in constants.values()
    ]
    split = _split_columns(values)
    raw = conn.connection.driver_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]
        fixed, other = f"tmp_{table.name}_fixed", f"tmp_{table.name}_other"
        source: dict[str, str] = {}
        if split is None:
            # A value neither writer renders as PostgreSQL reads it: row by row.
            source = dict.fromkeys(columns, other)
            _temp_like(cur, other, table.name, columns)
            with cur.copy(f"COPY {other} ({_ROW}, {', '.join(columns)}) FROM STDIN") as copy:
                rows = zip(*(column.tolist() for column in values), strict=True)
                for n, row in enumerate(rows):
                    copy.write_row([n, *row])
        else:
            numbers, texts = split
            if numbers:
                names = [columns[j] for j in numbers]
                source.update(dict.fromkeys(names, fixed))
                types = ", ".join(
                    f"{c} {_PG_TYPES[a.dtype.kind][0]}"
                    for c, a in zip(names, numbers.values(), strict=True)
                )
                cur.execute(f"CREATE TEMP TABLE {fixed} ({_ROW} bigint, {types}) ON COMMIT DROP")
                with cur.copy(f"COPY {fixed} FROM STDIN (FORMAT binary)") as copy:
                    for part in _binary_rows(list(numbers.values())):
                        copy.write(part)
            if texts or not numbers:
                names = [columns[j] for j in texts]
                source.update(dict.fromkeys(names, other))
                _temp_like(cur, other, table.name, names)
                with cur.copy(f"COPY {other} FROM STDIN (FORMAT csv)") as copy:
                    copy.write(_csv_rows(list(texts.values()), len(values[0])))
        tables = sorted(set(source.values()) or {other})
        joined = tables[0] + "".join(f" JOIN {t} USING ({_ROW})" for t in tables[1:])
        selected = ", ".join([*(f"{source[c]}.{c}" for c in columns), *literals])
        cur.execute(
            f"INSERT INTO {table.name} ({', '.join([*columns, *constants])}) "
            f"SELECT {selected} FROM {joined} ORDER BY {tables[0]}.{_ROW}{conflict}"
        )
        for t in tables:
            cur.execute(f"DROP TABLE {t}")


# The row number that joins the two temporary tables of :func:`_copy_write`.
_ROW = "bulk_row"
# numpy kind -> (PostgreSQL type, big-endian binary COPY layout).
_PG_TYPES = {"i": ("bigint", ">i8"), "f": ("double precision", ">f8"), "b": ("boolean", "?")}


def _temp_like(cur: Any, name: str, table: str, columns: Sequence[str]) -> None:
    """A temporary table ``name``: the row number, then ``columns`` typed as in ``table``."""
    listed = "".join(f", {c}" for c in columns)
    cur.execute(
        f"CREATE TEMP TABLE {name} ON COMMIT DROP AS "
        f"SELECT 0::bigint AS {_ROW}{listed} FROM {table} WITH NO DATA"
    )


def _split_columns(columns: Sequence[Any]) -> tuple[dict[int, Any], dict[int, Any]] | None:
    """The ``columns`` (numpy arrays) by position, converted once each: numbers and booleans
    without NULLs as numpy arrays, the rest as Arrow arrays of text, numbers with NULLs
    or NULLs; None when a column holds mixed or other types (dates, JSON)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.types as pa_types

    numbers: dict[int, Any] = {}
    texts: dict[int, Any] = {}
    for j, values in enumerate(columns):
        if values.dtype == object and len(values) and type(values[0]) is float:
            # Floats, the common case, unboxed by numpy without Arrow's type inference; a
            # None (numpy makes it NaN) or a value of another kind: the general way.
            try:
                floats = values.astype(np.float64)
            except (TypeError, ValueError):
                floats = None
            if floats is not None and not np.isnan(floats).any():
                numbers[j] = floats
                continue
        try:
            column = pa.array(np.ascontiguousarray(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
            return None
        kind = column.type
        number = pa_types.is_integer(kind) or pa_types.is_floating(kind)
        if (number or pa_types.is_boolean(kind)) and not column.null_count:
            values = column.to_numpy(zero_copy_only=False)
            kind_of = {"i": np.int64, "u": np.int64, "f": np.float64, "b": np.bool_}
            numbers[j] = values.astype(kind_of[values.dtype.kind], copy=False)
        elif number or any(
            test(kind) for test in (pa_types.is_string, pa_types.is_boolean, pa_types.is_null)
        ):
            texts[j] = column
        else:
            return None
    return numbers, texts


def _binary_rows(columns: Sequence[Any]) -> tuple[bytes, memoryview, bytes]:
    """PostgreSQL's binary COPY of the row number and ``columns`` (numpy arrays of
    int64, float64 or bool, no NULLs): every row has the same width, so the rows are one
    structured array filled column by column. In three parts: header, rows, trailer."""
    import numpy as np

    n = len(columns[0])
    layouts = [">i8", *(_PG_TYPES[column.dtype.kind][1] for column in columns)]
    # The field count and the field lengths are the same on every row: one row repeated.
    rows = np.repeat(_fixed_fields(layouts, len(layouts)), n)
    rows["v0"] = np.arange(n)
    for j, column in enumerate(columns, start=1):
        rows[f"v{j}"] = column
    return PG_COPY_HEAD, rows.view(np.uint8).data, PG_COPY_TAIL


def _csv_rows(columns: Sequence[Any], n: int) -> memoryview:
    """CSV text (no header; NULL unquoted and empty, text quoted) of the row number and
    ``columns`` (Arrow arrays), each column formatted at once by Arrow."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    arrays = [pa.array(range(n), type=pa.int64()), *columns]
    table = pa.Table.from_arrays(arrays, names=[f"c{j}" for j in range(len(arrays))])
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(table, sink, pa_csv.WriteOptions(include_header=False))
    return memoryview(sink.getvalue())


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
