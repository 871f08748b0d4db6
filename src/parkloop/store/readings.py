"""Where the readings of monitoring stations are kept: append-only, idempotent on
(station, parameter, instant), read back as columns.

Two stores answer the same :class:`ReadingStore` interface:

* :class:`ParquetStore`, on one machine (beside an SQLite database): Parquet files in a
  hive layout ``station=<code>/month=<YYYY-MM>/part-<uuid>.parquet`` under the directory
  of the ``readings_dir`` setting (default: ``<database file>.readings`` beside the SQLite
  file), queried with DuckDB. One writer at a time (an exclusive lock on
  ``.write.lock``); a batch is written to a staging directory and each new file renamed
  into its partition, so a reader never sees half a file. A partition holding many small
  files (push batches) is merged into one under the readers' lock.
* :class:`PostgresStore`: a table ``readings`` partitioned by month (a partition is created
  the first time a reading of its month arrives) with a BRIN index on (station, instant),
  and ``readings_extent``, the first and last instant stored per station. A batch with
  nothing stored over its span goes in with a binary ``COPY`` straight into its months'
  partitions; any other with ``COPY`` into a temporary table, then one ``INSERT … SELECT``
  of the rows not stored yet. Writers of the same station wait for each other (an
  advisory lock).

What happens to a batch (the same on both stores, see :class:`Appended`):

* a row whose key is not stored is written;
* a row whose key is stored with the same value (to :data:`SAME` relative difference) is
  skipped: sending a batch twice writes nothing the second time;
* a row whose key is stored with a different value, or that comes twice in the batch with
  different values, is refused (``conflicts``) and never overwrites what is stored: a
  reading, once kept, is evidence. With ``all_or_nothing`` (the default) a batch with any
  refused row writes nothing at all.

Aggregates (mean, min, max, count per 15 minutes, hour or day) are computed by the
database. Buckets are aligned on local time of Viet Nam (UTC+7, no daylight saving): a
day runs from local midnight to local midnight, which is 17:00 UTC.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import io
import os
import re
import shutil
import uuid
import weakref
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from numpy.typing import NDArray
from sqlalchemy import Engine

from parkloop.monitoring.model import READINGS_SCHEMA
from parkloop.settings import setting
from parkloop.store.sql import PG_COPY_HEAD, PG_COPY_TAIL

STEPS: dict[str, int] = {"15min": 900, "1h": 3600, "1d": 86400}
Ranges = Mapping[str, tuple[float | None, float | None]]
# Buckets start at local midnight of Viet Nam (UTC+7) counted from 2000-01-01.
ORIGIN_US = int(
    dt.datetime(2000, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=7))).timestamp() * 1_000_000
)
SAME = 1e-9  # two values closer than this (relative) are the same reading
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # a station code safe in a path
COMPACT_AT = 24  # a partition with more files than this is merged into one

CONFLICT_SCHEMA = pa.schema(
    [
        *READINGS_SCHEMA,
        pa.field("stored", pa.float64()),  # the value kept; null: repeated within the batch
    ]
)
AGGREGATE_SCHEMA = pa.schema(
    [
        pa.field("station", pa.string()),
        pa.field("parameter", pa.string()),
        pa.field("start_us", pa.int64()),  # bucket start, µs since the epoch (UTC)
        pa.field("mean", pa.float64()),
        pa.field("min", pa.float64()),
        pa.field("max", pa.float64()),
        pa.field("count", pa.int64()),
    ]
)
SERIES_SCHEMA = pa.schema(
    [
        pa.field("station", pa.string()),
        pa.field("parameter", pa.string()),
        pa.field("ts_us", pa.int64()),
        pa.field("value", pa.float64()),
    ]
)
LAST_SCHEMA = pa.schema(
    [
        pa.field("station", pa.string()),
        pa.field("parameter", pa.string()),
        pa.field("last_us", pa.int64()),
        pa.field("count", pa.int64()),
    ]
)


@dataclass(frozen=True, slots=True)
class Appended:
    """What a batch did: rows written, rows already stored with the same value (or repeated
    in the batch), and the refused rows (``CONFLICT_SCHEMA``). ``written`` is 0 when the
    batch had conflicts and was all-or-nothing."""

    written: int
    unchanged: int
    conflicts: pa.Table

    @property
    def refused(self) -> int:
        return int(self.conflicts.num_rows)


@dataclass(frozen=True, slots=True)
class Series:
    """One parameter of one station: instants (int64 µs since the epoch, UTC) and values."""

    ts: NDArray[np.int64]
    values: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Aggregates:
    """Buckets of one parameter of one station: each bucket's start (int64 µs, UTC), mean,
    min, max and the number of readings in it. Empty buckets are absent."""

    step: str
    start: NDArray[np.int64]
    mean: NDArray[np.float64]
    min: NDArray[np.float64]
    max: NDArray[np.float64]
    count: NDArray[np.int64]


def _us(moment: dt.datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("instants must be aware")
    delta = moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def moment(us: int) -> dt.datetime:
    """An instant (µs since the epoch) as an aware UTC datetime."""
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(us))


def as_batch(table: pa.Table) -> pa.Table:
    """``table`` as a readings batch (``READINGS_SCHEMA``), refusing what does not fit."""
    missing = [n for n in READINGS_SCHEMA.names if n not in table.column_names]
    if missing:
        raise ValueError(f"a readings batch needs the columns {missing}")
    table = table.select(READINGS_SCHEMA.names).cast(READINGS_SCHEMA)
    for name in READINGS_SCHEMA.names:
        if table.column(name).null_count:
            raise ValueError(f"a readings batch has empty {name}")
    if table.num_rows and not pc.all(pc.is_finite(table.column("value"))).as_py():
        raise ValueError("a readings batch holds a value that is not a finite number")
    stations = pc.unique(table.column("station")).to_pylist()
    bad = [s for s in stations if not CODE.match(s)]
    if bad:
        raise ValueError(f"station codes {bad} are not letters, digits, '.', '_' or '-'")
    return table


def _empty_conflicts() -> pa.Table:
    return CONFLICT_SCHEMA.empty_table()


def _ranks(column: pa.ChunkedArray | pa.Array) -> NDArray[np.int64]:
    """Each cell's rank among the column's distinct texts (sorted as the databases sort
    them, byte order), found on the distinct texts only."""
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    order = pc.rank(encoded.dictionary, sort_keys="ascending", tiebreaker="first")
    rank = np.asarray(order.to_numpy(), dtype=np.int64)
    return rank[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)]


def _by_parameter(table: pa.Table) -> pa.Table:
    """The readings of one station (parameter, ts_us, value) sorted by parameter and
    instant: a stable sort on the parameters' ranks, and a full sort only when the
    instants of a parameter were not in order already."""
    if table.num_rows < 2:
        return table
    p = _ranks(table.column("parameter"))
    ts = np.asarray(table.column("ts_us").to_numpy(), dtype=np.int64)
    order = np.argsort(p, kind="stable")
    p_sorted, ts_sorted = p[order], ts[order]
    if bool(np.any((p_sorted[1:] == p_sorted[:-1]) & (ts_sorted[1:] < ts_sorted[:-1]))):
        order = np.lexsort((ts, p))
    if bool(np.all(order[1:] > order[:-1])):
        return table
    return table.take(pa.array(order))


def distinct_sorted(batch: pa.Table) -> pa.Table | None:
    """``batch`` sorted by station, parameter and instant when no (station, parameter,
    instant) comes twice in it, else None (found on whole columns)."""
    if batch.num_rows < 2:
        return batch
    s = _ranks(batch.column("station"))
    p = _ranks(batch.column("parameter"))
    ts = np.asarray(batch.column("ts").cast(pa.int64()).to_numpy(), dtype=np.int64)
    ds, dp, dts = np.diff(s), np.diff(p), np.diff(ts)
    if bool(np.all((ds > 0) | ((ds == 0) & ((dp > 0) | ((dp == 0) & (dts > 0)))))):
        return batch  # the usual case: a station's file or batch, in order
    order = np.lexsort((ts, p, s))
    s, p, ts = s[order], p[order], ts[order]
    if bool(np.any((np.diff(s) == 0) & (np.diff(p) == 0) & (np.diff(ts) == 0))):
        return None
    return batch.take(pa.array(order))


def groups(table: pa.Table) -> dict[tuple[str, str], tuple[int, int]]:
    """Where each (station, parameter) runs in a table sorted by station and parameter:
    its first row and the row after its last (found on whole columns, not row by row)."""
    n = table.num_rows
    if n == 0:
        return {}
    station = pc.dictionary_encode(table.column("station")).combine_chunks()
    parameter = pc.dictionary_encode(table.column("parameter")).combine_chunks()
    s = station.indices.to_numpy()
    p = parameter.indices.to_numpy()
    change = np.flatnonzero((s[1:] != s[:-1]) | (p[1:] != p[:-1])) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [n]))
    names_s = station.dictionary.take(pa.array(s[starts])).to_pylist()
    names_p = parameter.dictionary.take(pa.array(p[starts])).to_pylist()
    return {
        (a, b): (int(lo), int(hi))
        for a, b, lo, hi in zip(names_s, names_p, starts, ends, strict=True)
    }


def series_of(table: pa.Table, bounds: tuple[int, int]) -> Series:
    """The series in rows ``bounds`` (see :func:`groups`) of a ``SERIES_SCHEMA`` table."""
    lo, hi = bounds
    ts = table.column("ts_us").slice(lo, hi - lo).to_numpy()
    values = table.column("value").slice(lo, hi - lo).to_numpy()
    return Series(np.asarray(ts, dtype=np.int64), np.asarray(values, dtype=np.float64))


def split_parameters(
    parameter: pa.ChunkedArray | pa.Array, ts: NDArray[np.int64], values: NDArray[np.float64]
) -> dict[str, Series]:
    """The readings of one station (a parameter column, instants, values, in any order)
    as one :class:`Series` per parameter, instants in order: the parameters are told
    apart by their dictionary codes (a stable sort of small integers), the texts are
    never sorted, and a parameter's instants are sorted only when they are not in order
    already."""
    if len(ts) == 0:
        return {}
    encoded = pc.dictionary_encode(parameter)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int16)
    names = encoded.dictionary.to_pylist()
    if len(names) > 1:
        order = np.argsort(codes, kind="stable")
        codes, ts, values = codes[order], ts[order], values[order]
    change = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    starts = np.concatenate(([0], change)).tolist()
    ends = np.concatenate((change, [len(codes)])).tolist()
    out: dict[str, Series] = {}
    for lo, hi in zip(starts, ends, strict=True):
        t, v = ts[lo:hi], values[lo:hi]
        if len(t) > 1 and bool(np.any(t[1:] < t[:-1])):
            o = np.argsort(t, kind="stable")
            t, v = t[o], v[o]
        out[names[int(codes[lo])]] = Series(t, v)
    return out


def aggregates_of(table: pa.Table, bounds: tuple[int, int], step: str) -> Aggregates:
    """The buckets in rows ``bounds`` (see :func:`groups`) of an ``AGGREGATE_SCHEMA`` table."""
    lo, hi = bounds
    part = table.slice(lo, hi - lo)
    return Aggregates(
        step,
        np.asarray(part.column("start_us").to_numpy(), dtype=np.int64),
        np.asarray(part.column("mean").to_numpy(), dtype=np.float64),
        np.asarray(part.column("min").to_numpy(), dtype=np.float64),
        np.asarray(part.column("max").to_numpy(), dtype=np.float64),
        np.asarray(part.column("count").to_numpy(), dtype=np.int64),
    )


class ReadingStore(ABC):
    """The readings of every station, whatever keeps them."""

    # How many reads a caller may have going at once, ahead of its work: DuckDB already
    # works on every core for one read; a PostgreSQL server gives each query one.
    reads_ahead = 1

    @abstractmethod
    def append(self, batch: pa.Table, *, all_or_nothing: bool = True) -> Appended:
        """Add a batch (``READINGS_SCHEMA``); idempotent on (station, parameter, ts)."""

    @abstractmethod
    def fetch(self, stations: Sequence[str], start: dt.datetime, end: dt.datetime) -> pa.Table:
        """Every reading of ``stations`` with ``start <= ts < end`` (``SERIES_SCHEMA``),
        sorted by station, parameter and instant."""

    @abstractmethod
    def aggregate(
        self,
        stations: Sequence[str],
        start: dt.datetime,
        end: dt.datetime,
        step: str,
        ranges: Ranges | None = None,
    ) -> pa.Table:
        """Mean, min, max and count per bucket of ``step`` (one of :data:`STEPS`) for every
        parameter of ``stations`` (``AGGREGATE_SCHEMA``), sorted by station, parameter,
        bucket, over the readings with ``start <= ts < end`` in buckets starting at or
        after ``start``. With ``ranges`` (parameter -> (low, high), either None), readings
        outside their parameter's range (physically impossible) are left out."""

    @abstractmethod
    def last(self, stations: Sequence[str], since: dt.datetime | None = None) -> pa.Table:
        """Per station and parameter the last instant stored and the number of readings
        since ``since`` (all when None), as ``LAST_SCHEMA``."""

    @abstractmethod
    def count(self) -> int:
        """How many readings are kept, all stations together."""

    def fetch_series(
        self, stations: Sequence[str], start: dt.datetime, end: dt.datetime
    ) -> dict[tuple[str, str], Series]:
        """What :meth:`fetch` gives, as one :class:`Series` (instants in order) per station
        and parameter that has readings: for the checks, without a table of texts to
        group again."""
        table = self.fetch(stations, start, end)
        return {key: series_of(table, bounds) for key, bounds in groups(table).items()}

    def series(self, station: str, parameter: str, start: dt.datetime, end: dt.datetime) -> Series:
        table = self.fetch([station], start, end)
        return series_of(table, groups(table).get((station, parameter), (0, 0)))

    def aggregates(
        self, station: str, parameter: str, start: dt.datetime, end: dt.datetime, step: str
    ) -> Aggregates:
        table = self.aggregate([station], start, end, step)  # every reading, possible or not
        return aggregates_of(table, groups(table).get((station, parameter), (0, 0)), step)

    def close(self) -> None:  # noqa: B027 - a store without resources has nothing to close
        """Let go of what the store holds open."""


def _range_sql(ranges: Ranges | None) -> tuple[str, str]:
    """A join and a condition leaving out readings outside their parameter's range."""
    if not ranges:
        return "", ""

    def lit(v: float | None) -> str:
        return "null" if v is None else repr(float(v))

    rows = ", ".join(
        f"('{p.replace(chr(39), chr(39) * 2)}', {lit(lo)}::double precision, "
        f"{lit(hi)}::double precision)"
        for p, (lo, hi) in sorted(ranges.items())
    )
    join = f" left join (values {rows}) as v (parameter, lo, hi) using (parameter)"
    where = " and (v.lo is null or value >= v.lo) and (v.hi is null or value <= v.hi)"
    return join, where


def _step_us(step: str) -> int:
    if step not in STEPS:
        raise ValueError(f"step {step!r} is not one of {sorted(STEPS)}")
    return STEPS[step] * 1_000_000


def _months(start_us: int, end_us: int) -> list[str]:
    """The months (YYYY-MM, UTC) that instants in [start, end] fall in."""
    first, last = moment(start_us), moment(end_us)
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# -- one machine: DuckDB over Parquet ----------------------------------------------------------


class ParquetStore(ReadingStore):
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._db = duckdb.connect()
        self._db.execute("set TimeZone = 'UTC'")

    def close(self) -> None:
        self._db.close()

    # locks: one writer; readers share a lock that only merging partitions takes alone
    @contextlib.contextmanager
    def _lock(self, name: str, kind: int) -> Iterator[None]:
        with open(self.root / name, "a+b") as fh:
            fcntl.flock(fh.fileno(), kind)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _files(self, station: str, months: Sequence[str] | None = None) -> list[str]:
        base = self.root / f"station={station}"
        if months is None:
            return sorted(str(p) for p in base.glob("month=*/*.parquet"))
        found: list[str] = []
        for m in months:
            found.extend(sorted(str(p) for p in (base / f"month={m}").glob("*.parquet")))
        return found

    def _stations(self) -> list[str]:
        return sorted(p.name.split("=", 1)[1] for p in self.root.glob("station=*") if p.is_dir())

    def _scan(self, files: Sequence[str]) -> str:
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        return (
            f"read_parquet([{listed}], hive_partitioning = true, "
            "hive_types = {'station': VARCHAR, 'month': VARCHAR})"
        )

    def append(self, batch: pa.Table, *, all_or_nothing: bool = True) -> Appended:
        batch = as_batch(batch)
        if batch.num_rows == 0:
            return Appended(0, 0, _empty_conflicts())
        cur = self._db.cursor()
        try:
            with self._lock(".write.lock", fcntl.LOCK_EX):
                return self._append(cur, batch, all_or_nothing)
        finally:
            cur.close()

    def _append(
        self, cur: duckdb.DuckDBPyConnection, batch: pa.Table, all_or_nothing: bool
    ) -> Appended:
        cur.execute("set TimeZone = 'UTC'")
        ordered = distinct_sorted(batch)
        if ordered is not None and not self._stored_within(cur, ordered):
            # Nothing stored for these stations over the batch's span and no key twice in
            # it: every reading is new, so the batch is written as it is.
            self._write(cur, ordered)
            return Appended(ordered.num_rows, 0, _empty_conflicts())
        cur.register("batch", batch)
        cur.execute(
            "create or replace temp table k as select station, parameter, ts, "
            "min(value) as lo, max(value) as hi, count(*) as n, "
            "strftime(ts, '%Y-%m') as month from batch group by all"
        )
        parts = cur.execute("select distinct station, month from k").fetchall()
        files = [f for station, month in parts for f in self._files(station, [month])]
        if files:
            lo, hi = cur.execute("select min(ts), max(ts) from k").fetchone()  # type: ignore[misc]
            cur.execute(
                f"create or replace temp table stored as select station, parameter, ts, value "
                f"from {self._scan(files)} where ts between $1 and $2",
                [lo, hi],
            )
        else:
            cur.execute(
                "create or replace temp table stored "
                "(station varchar, parameter varchar, ts timestamptz, value double)"
            )
        cur.execute(
            "create or replace temp table j as select k.*, s.value as stored from k "
            "left join stored s using (station, parameter, ts)"
        )
        conflicts = self._conflicts(cur)
        unchanged = cur.execute(
            "select coalesce(sum(case when stored is null then n - 1 else n end), 0) from j "
            f"where lo = hi and (stored is null or abs(stored - lo) <= {SAME} * "
            "greatest(abs(lo), 1))"
        ).fetchone()[0]  # type: ignore[index]
        if conflicts.num_rows and all_or_nothing:
            return Appended(0, int(unchanged), conflicts)
        written = cur.execute("select count(*) from j where stored is null and lo = hi").fetchone()[
            0
        ]  # type: ignore[index]
        if written:
            self._write(
                cur,
                "select station, month, parameter, ts, lo as value from j "
                "where stored is null and lo = hi order by station, parameter, ts",
            )
        return Appended(int(written), int(unchanged), conflicts)

    def _stored_within(self, cur: duckdb.DuckDBPyConnection, batch: pa.Table) -> bool:
        """Whether any reading of the batch's stations is stored between its first and
        last instant (Parquet statistics skip the files and row groups outside)."""
        bounds = pc.min_max(batch.column("ts")).as_py()
        months = _months(_us(bounds["min"]), _us(bounds["max"]))
        stations = pc.unique(batch.column("station")).to_pylist()
        files = [f for station in stations for f in self._files(station, months)]
        if not files:
            return False
        found = cur.execute(
            f"select 1 from {self._scan(files)} where ts between $1 and $2 limit 1",
            [bounds["min"], bounds["max"]],
        ).fetchall()
        return bool(found)

    def _conflicts(self, cur: duckdb.DuckDBPyConnection) -> pa.Table:
        table = cur.sql(
            "select b.station, b.parameter, b.ts, b.value, j.stored from batch b "
            "join j using (station, parameter, ts) where j.lo <> j.hi or (j.stored is not null "
            f"and abs(j.stored - b.value) > {SAME} * greatest(abs(b.value), 1)) "
            "order by b.station, b.parameter, b.ts"
        ).to_arrow_table()
        if table.num_rows == 0:
            return _empty_conflicts()
        return table.cast(CONFLICT_SCHEMA)

    def _write(self, cur: duckdb.DuckDBPyConnection, rows: str | pa.Table) -> None:
        """Write ``rows`` into new files of their partitions: a query giving station,
        month, parameter, ts, value, or a batch sorted by station (``READINGS_SCHEMA``)."""
        staging = self.root / ".staging" / uuid.uuid4().hex
        staging.parent.mkdir(exist_ok=True)
        try:
            if isinstance(rows, pa.Table):
                _write_partitions(rows, staging)
            else:
                cur.execute(
                    f"copy ({rows}) "
                    f"to '{staging}' (format parquet, partition_by (station, month), "
                    "filename_pattern 'part-{uuid}', compression zstd)"
                )
            touched = set()
            for path in sorted(staging.glob("station=*/month=*/*.parquet")):
                target = self.root / path.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
                touched.add(target.parent)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        for partition in sorted(touched):
            files = sorted(partition.glob("*.parquet"))
            if len(files) > COMPACT_AT:
                self._merge(cur, partition, files)

    def _merge(self, cur: duckdb.DuckDBPyConnection, partition: Path, files: list[Path]) -> None:
        """Merge a partition's files into one (same readings, fewer files to open)."""
        merged = partition / f".merge-{uuid.uuid4().hex}.tmp"
        listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        cur.execute(
            f"copy (select parameter, ts, value from read_parquet([{listed}], "
            "hive_partitioning = false) order by parameter, ts) "
            f"to '{merged}' (format parquet, compression zstd)"
        )
        with self._lock(".read.lock", fcntl.LOCK_EX):
            os.replace(merged, partition / f"part-{uuid.uuid4().hex}.parquet")
            for f in files:
                f.unlink()

    def _read(self, sql: str, params: list[Any]) -> pa.Table:
        cur = self._db.cursor()
        try:
            cur.execute("set TimeZone = 'UTC'")
            with self._lock(".read.lock", fcntl.LOCK_SH):
                return cur.sql(sql, params=params).to_arrow_table()
        finally:
            cur.close()

    def _window_files(
        self, stations: Sequence[str], start: dt.datetime, end: dt.datetime
    ) -> list[str]:
        months = _months(_us(start), max(_us(start), _us(end) - 1))
        return [f for s in stations for f in self._files(s, months)]

    def fetch(self, stations: Sequence[str], start: dt.datetime, end: dt.datetime) -> pa.Table:
        files = self._window_files(stations, start, end)
        if not files:
            return SERIES_SCHEMA.empty_table()
        # One station at a time, unsorted: a partition's files are written sorted by
        # parameter and instant, so putting the parameters together (a stable sort of
        # small integers) is all that is left to do, where the database would sort every
        # row by its texts.
        parts = []
        for station in dict.fromkeys(stations):
            mine = self._window_files([station], start, end)
            if not mine:
                continue
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in mine)
            table = self._read(
                "select parameter, epoch_us(ts) as ts_us, value from "
                f"read_parquet([{listed}], hive_partitioning = false) "
                "where ts >= $1 and ts < $2",
                [start, end],
            )
            table = _by_parameter(table)
            parts.append(
                pa.table(
                    {
                        "station": pa.repeat(pa.scalar(station, pa.string()), table.num_rows),
                        "parameter": table.column("parameter"),
                        "ts_us": table.column("ts_us"),
                        "value": table.column("value"),
                    }
                ).cast(SERIES_SCHEMA)
            )
        if not parts:
            return SERIES_SCHEMA.empty_table()
        return pa.concat_tables(parts)

    def fetch_series(
        self, stations: Sequence[str], start: dt.datetime, end: dt.datetime
    ) -> dict[tuple[str, str], Series]:
        # One station at a time (its files only), its parameters told apart in numpy.
        out: dict[tuple[str, str], Series] = {}
        for station in dict.fromkeys(stations):
            mine = self._window_files([station], start, end)
            if not mine:
                continue
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in mine)
            table = self._read(
                "select parameter, epoch_us(ts) as ts_us, value from "
                f"read_parquet([{listed}], hive_partitioning = false) "
                "where ts >= $1 and ts < $2",
                [start, end],
            )
            split = split_parameters(
                table.column("parameter"),
                np.asarray(table.column("ts_us").to_numpy(), dtype=np.int64),
                np.asarray(table.column("value").to_numpy(), dtype=np.float64),
            )
            out.update({(station, p): series for p, series in split.items()})
        return out

    def aggregate(
        self,
        stations: Sequence[str],
        start: dt.datetime,
        end: dt.datetime,
        step: str,
        ranges: Ranges | None = None,
    ) -> pa.Table:
        step_us = _step_us(step)
        files = self._window_files(stations, start, end)
        if not files:
            return AGGREGATE_SCHEMA.empty_table()
        join, where = _range_sql(ranges)
        bucket = f"((epoch_us(ts) - {ORIGIN_US}) // {step_us}) * {step_us} + {ORIGIN_US}"
        table = self._read(
            f"select station, parameter, {bucket} as start_us, avg(value) as mean, "
            "min(value) as min, max(value) as max, count(*) as count "
            f"from {self._scan(files)}{join} where ts >= $1 and ts < $2{where} "
            "group by all having start_us >= $3 order by station, parameter, start_us",
            [start, end, _us(start)],
        )
        return table.cast(AGGREGATE_SCHEMA)

    def last(self, stations: Sequence[str], since: dt.datetime | None = None) -> pa.Table:
        files = [f for s in stations for f in self._files(s)]
        if not files:
            return LAST_SCHEMA.empty_table()
        since_us = _us(since) if since is not None else -(2**62)
        table = self._read(
            "select station, parameter, max(epoch_us(ts)) as last_us, "
            "count(*) filter (where epoch_us(ts) >= $1) as count "
            f"from {self._scan(files)} group by all order by station, parameter",
            [since_us],
        )
        return table.cast(LAST_SCHEMA)

    def count(self) -> int:
        files = [f for s in self._stations() for f in self._files(s)]
        if not files:
            return 0
        return int(self._read(f"select count(*) as n from {self._scan(files)}", [])[0][0].as_py())


def _write_partitions(batch: pa.Table, staging: Path) -> None:
    """Write a batch sorted by station into ``station=…/month=…`` folders under
    ``staging``, one Parquet file (parameter, ts, value) per station and month (UTC), as
    DuckDB's partitioned COPY lays them out, without its cost for a batch of one or two
    partitions."""
    import pyarrow.parquet as pq

    ts = np.asarray(batch.column("ts").cast(pa.int64()).to_numpy(), dtype=np.int64)
    month = ts.astype("datetime64[us]").astype("datetime64[M]")
    station = pc.dictionary_encode(batch.column("station")).combine_chunks()
    codes = np.asarray(station.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    columns = batch.select(["parameter", "ts", "value"])
    for i, name in enumerate(station.dictionary.to_pylist()):
        mine = np.flatnonzero(codes == i)
        for m in np.unique(month[mine]):
            rows = mine[month[mine] == m]
            if rows[-1] - rows[0] + 1 == len(rows):
                part = columns.slice(int(rows[0]), len(rows))
            else:
                part = columns.take(pa.array(rows))
            folder = staging / f"station={name}" / f"month={m}"
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(
                part,
                folder / f"part-{uuid.uuid4()}.parquet",
                compression="zstd",
                use_dictionary=["parameter"],  # values and instants gain nothing from one
            )


# -- many users: PostgreSQL --------------------------------------------------------------------

PG_TABLE = """
create table if not exists readings (
    station text not null,
    parameter text not null,
    ts timestamptz not null,
    value double precision not null
) partition by range (ts)
"""
# A BRIN index on (station, ts): a station's readings arrive in runs (an upload, a pushed
# batch), so block ranges hold few stations and a narrow span of time.
PG_INDEX = "create index if not exists ix_readings_station_ts on readings using brin (station, ts)"
# Per station, the first and last instant stored: whether a batch may be copied in as it is
# (nothing of its stations stored over its span) is asked here, in a few rows, never of
# the readings themselves (a month being filled has no statistics yet, and the planner
# may read all of it). Kept in the transaction of every write; a span that overlaps only
# sends a batch through the comparison with stored readings, which decides.
PG_EXTENT = """
create table if not exists readings_extent (
    station text primary key,
    first_ts timestamptz not null,
    last_ts timestamptz not null
)
"""
PG_EXTENT_UPSERT = (
    "insert into readings_extent as e (station, first_ts, last_ts) {rows} "
    "on conflict (station) do update set first_ts = least(e.first_ts, excluded.first_ts), "
    "last_ts = greatest(e.last_ts, excluded.last_ts)"
)


class PostgresStore(ReadingStore):
    """Readings in a PostgreSQL table partitioned by month, created on first use."""

    reads_ahead = 2

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._ready = False
        self._made: set[str] = set()  # months whose partition this store saw made

    def _connection(self) -> Any:
        """A raw psycopg connection of the engine's pool (COPY needs the driver's own)."""
        return self.engine.raw_connection()

    def _ensure(self, cur: Any) -> None:
        if self._ready:
            return
        cur.execute("select pg_advisory_xact_lock(hashtext('parkloop.readings'))")
        cur.execute(PG_TABLE)
        cur.execute(PG_INDEX)
        cur.execute("select to_regclass('readings_extent') is null")
        if cur.fetchone()[0]:  # readings kept before the extents were: take them in
            cur.execute(PG_EXTENT)
            cur.execute(
                PG_EXTENT_UPSERT.format(
                    rows="select station, min(ts), max(ts) from readings group by station"
                )
            )
        self._ready = True

    def _partitions(self, cur: Any, months: Sequence[str]) -> bool:
        """Make the partitions of ``months`` not seen made yet; whether any was asked."""
        months = [m for m in months if m not in self._made]
        if not months:
            return False
        cur.execute("select pg_advisory_xact_lock(hashtext('parkloop.readings'))")
        for month in months:
            year, mon = int(month[:4]), int(month[5:])
            nxt = f"{year + 1:04d}-01" if mon == 12 else f"{year:04d}-{mon + 1:02d}"
            name = f"readings_{year:04d}_{mon:02d}"
            cur.execute(
                f"create table if not exists {name} partition of readings for values "
                f"from ('{month}-01 00:00:00+00') to ('{nxt}-01 00:00:00+00')"
            )
        return True

    def append(self, batch: pa.Table, *, all_or_nothing: bool = True) -> Appended:
        batch = as_batch(batch)
        if batch.num_rows == 0:
            return Appended(0, 0, _empty_conflicts())
        raw = self._connection()
        try:
            cur = raw.cursor()
            self._ensure(cur)
            bounds = pc.min_max(batch.column("ts")).as_py()
            months = _months(_us(bounds["min"]), _us(bounds["max"]))
            if self._partitions(cur, months):
                raw.commit()
                self._made.update(months)
            stations = sorted(pc.unique(batch.column("station")).to_pylist())
            ordered = distinct_sorted(batch)
            # One round trip: one writer per station (advisory locks taken in a fixed
            # order), then, for a batch without a key twice, whether anything of its
            # stations may be stored over its span (see PG_EXTENT).
            steps = ["select pg_advisory_xact_lock(hashtext(%s))" for _ in stations] + [
                "set local time zone 'UTC'"
            ]
            params: list[Any] = ["readings:" + station for station in stations]
            if ordered is not None:
                steps.append(
                    "select exists (select 1 from readings_extent where station = any(%s) "
                    "and first_ts <= %s and last_ts >= %s)"
                )
                params += [stations, bounds["max"], bounds["min"]]
            cur.execute(_bind(cur, "; ".join(steps), params))
            if ordered is not None:
                while cur.nextset():
                    pass  # the last result: the look for stored readings
                if not cur.fetchone()[0]:
                    # Nothing stored for these stations over the batch's span and no key
                    # twice in it: every reading is new, COPY it straight into the
                    # partitions of its months (no routing of each row through the parent).
                    for month, part in _by_month(ordered, months):
                        _copy_in(cur, _partition(month), part)
                    spans = ordered.group_by("station").aggregate([("ts", "min"), ("ts", "max")])
                    cur.execute(
                        PG_EXTENT_UPSERT.format(
                            rows="select * from unnest(%s::text[], %s::timestamptz[], "
                            "%s::timestamptz[])"
                        ),
                        (
                            spans.column("station").to_pylist(),
                            spans.column("ts_min").to_pylist(),
                            spans.column("ts_max").to_pylist(),
                        ),
                    )
                    raw.commit()
                    _summarize(raw, cur, months)
                    return Appended(ordered.num_rows, 0, _empty_conflicts())
            cur.execute(
                "create temp table batch (station text, parameter text, ts timestamptz, "
                "value double precision) on commit drop"
            )
            _copy_in(cur, "batch", batch)
            cur.execute(
                "create temp table k on commit drop as select station, parameter, ts, "
                "min(value) as lo, max(value) as hi, count(*) as n from batch group by 1, 2, 3"
            )
            cur.execute(
                "create temp table j on commit drop as select k.*, r.value as stored from k "
                "left join (select station, parameter, ts, value from readings "
                "where station = any(%s) and ts between %s and %s) r "
                "using (station, parameter, ts)",
                (stations, bounds["min"], bounds["max"]),
            )
            conflicts = _copy_out(
                cur,
                "select b.station, b.parameter, "
                "(extract(epoch from b.ts) * 1000000)::bigint as ts, b.value, j.stored "
                "from batch b join j using (station, parameter, ts) where j.lo <> j.hi or "
                f"(j.stored is not null and abs(j.stored - b.value) > {SAME} * "
                "greatest(abs(b.value), 1)) order by 1, 2, 3",
                pa.schema(
                    [
                        ("station", pa.string()),
                        ("parameter", pa.string()),
                        ("ts", pa.int64()),
                        ("value", pa.float64()),
                        ("stored", pa.float64()),
                    ]
                ),
            )
            conflicts = conflicts.set_column(
                2, "ts", conflicts.column("ts").cast(pa.timestamp("us", tz="UTC"))
            ).cast(CONFLICT_SCHEMA)
            cur.execute(
                "select coalesce(sum(case when stored is null then n - 1 else n end), 0) from j "
                f"where lo = hi and (stored is null or abs(stored - lo) <= {SAME} * "
                "greatest(abs(lo), 1))"
            )
            unchanged = int(cur.fetchone()[0])
            if conflicts.num_rows and all_or_nothing:
                raw.rollback()
                return Appended(0, unchanged, conflicts)
            cur.execute(
                "insert into readings (station, parameter, ts, value) "
                "select station, parameter, ts, lo from j where stored is null and lo = hi "
                "order by station, parameter, ts"
            )
            written = cur.rowcount
            if written:
                cur.execute(
                    PG_EXTENT_UPSERT.format(
                        rows="select station, min(ts), max(ts) from j "
                        "where stored is null and lo = hi group by station"
                    )
                )
            raw.commit()
            if written:
                _summarize(raw, cur, months)
            return Appended(int(written), unchanged, conflicts)
        except BaseException:
            raw.rollback()
            raise
        finally:
            raw.close()

    def _query(
        self, sql: str, params: Sequence[Any], schema: pa.Schema, within: str | None = None
    ) -> pa.Table:
        """The rows of ``sql`` as ``schema``. With ``within`` (a column of ``schema``),
        the rows of each station and parameter come as one text ordered by that column:
        a few large messages instead of one per row, which the driver reads slowly."""
        raw = self._connection()
        try:
            cur = raw.cursor()
            self._ensure(cur)
            cur.execute("set local time zone 'UTC'")
            bound = _bind(cur, sql, params)
            if within is None:
                table = _copy_out(cur, bound, schema)
            else:
                table = _grouped_table(_grouped_out(raw, bound, schema, within), schema)
            raw.commit()
            return table
        finally:
            raw.close()

    def fetch_series(
        self, stations: Sequence[str], start: dt.datetime, end: dt.datetime
    ) -> dict[tuple[str, str], Series]:
        if not stations:
            return {}
        raw = self._connection()
        try:
            cur = raw.cursor()
            self._ensure(cur)
            cur.execute("set local time zone 'UTC'")
            bound = _bind(
                cur,
                "select station, parameter, ts, value "
                "from readings where station = any(%s) and ts >= %s and ts < %s",
                [list(stations), start, end],
            )
            rows = _grouped_out(raw, bound, SERIES_SCHEMA, "ts_us")
            raw.commit()
        finally:
            raw.close()
        return {
            (station, parameter): Series(parts[0] + PG_EPOCH_US, parts[1])
            for station, parameter, parts in rows
        }

    def fetch(self, stations: Sequence[str], start: dt.datetime, end: dt.datetime) -> pa.Table:
        if not stations:
            return SERIES_SCHEMA.empty_table()
        return self._query(
            "select station, parameter, ts, value "
            "from readings where station = any(%s) and ts >= %s and ts < %s",
            [list(stations), start, end],
            SERIES_SCHEMA,
            within="ts_us",
        )

    def aggregate(
        self,
        stations: Sequence[str],
        start: dt.datetime,
        end: dt.datetime,
        step: str,
        ranges: Ranges | None = None,
    ) -> pa.Table:
        _step_us(step)
        if not stations:
            return AGGREGATE_SCHEMA.empty_table()
        join, where = _range_sql(ranges)
        bucket = f"date_bin(interval '{STEPS[step]} seconds', ts, %s)"
        return self._query(
            f"select station, parameter, {bucket} as b, "
            f"avg(value), min(value), max(value), count(*) from readings{join} "
            f"where station = any(%s) and ts >= %s and ts < %s and {bucket} >= %s{where} "
            "group by 1, 2, 3",
            [moment(ORIGIN_US), list(stations), start, end, moment(ORIGIN_US), start],
            AGGREGATE_SCHEMA,
            within="start_us",
        )

    def last(self, stations: Sequence[str], since: dt.datetime | None = None) -> pa.Table:
        if not stations:
            return LAST_SCHEMA.empty_table()
        since = since or dt.datetime(1, 1, 2, tzinfo=dt.UTC)
        return self._query(
            "select station, parameter, (extract(epoch from max(ts)) * 1000000)::bigint, "
            "count(*) filter (where ts >= %s) from readings where station = any(%s) "
            "group by 1, 2 order by 1, 2",
            [since, list(stations)],
            LAST_SCHEMA,
        )

    def count(self) -> int:
        table = self._query("select count(*) from readings", [], pa.schema([("n", pa.int64())]))
        return int(table.column(0)[0].as_py())


def _summarize(raw: Any, cur: Any, months: Sequence[str]) -> None:
    """Summarise the BRIN block ranges the rows just written filled, in a transaction of
    its own. Ranges filled after the index was built stay unsummarised until a vacuum, and
    a query must read every such block: without this, comparing a batch with the stored
    readings, or a check, reads the whole of the last uploads.

    Summarising takes the lock autovacuum takes: when autovacuum holds it (vacuuming or
    analysing the partition), waiting for it would cancel autovacuum after
    ``deadlock_timeout`` (a second lost per write, and a partition never analysed), so
    this gives up after a moment instead; the ranges left are summarised by the next
    write of the month or by the vacuum itself."""
    from psycopg import errors

    try:
        cur.execute("set local lock_timeout = '50ms'")
        _summarize_now(cur, months)
        raw.commit()
    except errors.LockNotAvailable:
        raw.rollback()


def _summarize_now(cur: Any, months: Sequence[str]) -> None:
    cur.execute(
        "select brin_summarize_new_values(i.indexrelid) from pg_index i "
        "join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam "
        "where i.indrelid = any(array(select to_regclass(m) from unnest(%s::text[]) m)) "
        "and a.amname = 'brin'",
        ([_partition(month) for month in months],),
    )


def _partition(month: str) -> str:
    """The partition of ``readings`` holding a month (YYYY-MM) of instants (UTC)."""
    return f"readings_{month[:4]}_{month[5:]}"


def _by_month(batch: pa.Table, months: Sequence[str]) -> Iterator[tuple[str, pa.Table]]:
    """The rows of a batch (``READINGS_SCHEMA``) of each of ``months`` (UTC), in order."""
    if len(months) == 1:
        yield months[0], batch
        return
    ts = np.asarray(batch.column("ts").cast(pa.int64()).to_numpy(), dtype=np.int64)
    month = ts.astype("datetime64[us]").astype("datetime64[M]").astype(str)
    for m in months:
        rows = np.flatnonzero(month == m)
        if len(rows):
            yield m, batch.take(pa.array(rows))


def _bind(cur: Any, sql: str, params: Sequence[Any]) -> str:
    """``sql`` with its parameters bound client-side (COPY takes no parameters)."""
    from psycopg import sql as pgsql

    return (
        pgsql.SQL(sql.replace("%s", "{}"))
        .format(*(pgsql.Literal(p) for p in params))
        .as_string(cur)
    )


PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 UTC, where PostgreSQL counts instants from


def _binary_copy(batch: pa.Table) -> bytes:
    """A batch (``READINGS_SCHEMA``) in PostgreSQL's binary COPY format, built on whole
    columns: rows of one station and parameter have one layout, so each such run is a
    numpy record array (field count, then each field's length and big-endian bytes)."""
    station = pc.dictionary_encode(batch.column("station")).combine_chunks()
    parameter = pc.dictionary_encode(batch.column("parameter")).combine_chunks()
    s = np.asarray(station.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    p = np.asarray(parameter.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    ts = np.asarray(batch.column("ts").cast(pa.int64()).to_numpy(), dtype=np.int64)
    values = np.asarray(batch.column("value").to_numpy(), dtype=np.float64)
    key = s * max(len(parameter.dictionary), 1) + p
    if len(key) > 1 and bool(np.any(key[1:] < key[:-1])):  # bring each run together
        order = np.argsort(key, kind="stable")
        key, s, p, ts, values = key[order], s[order], p[order], ts[order], values[order]
    station_bytes = [t.encode() for t in station.dictionary.to_pylist()]
    parameter_bytes = [t.encode() for t in parameter.dictionary.to_pylist()]
    change = np.flatnonzero(key[1:] != key[:-1]) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    ends = np.concatenate((change, [len(key)])).astype(np.int64)
    parts = [PG_COPY_HEAD]
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        st, pa_ = station_bytes[s[lo]], parameter_bytes[p[lo]]
        rows = np.empty(
            hi - lo,
            dtype=[
                ("fields", ">i2"),
                ("n_station", ">i4"),
                ("station", f"S{len(st)}"),
                ("n_parameter", ">i4"),
                ("parameter", f"S{len(pa_)}"),
                ("n_ts", ">i4"),
                ("ts", ">i8"),
                ("n_value", ">i4"),
                ("value", ">f8"),
            ],
        )
        rows["fields"] = 4
        rows["n_station"], rows["station"] = len(st), st
        rows["n_parameter"], rows["parameter"] = len(pa_), pa_
        rows["n_ts"], rows["ts"] = 8, ts[lo:hi] - PG_EPOCH_US
        rows["n_value"], rows["value"] = 8, values[lo:hi]
        parts.append(rows.tobytes())
    parts.append(PG_COPY_TAIL)
    return b"".join(parts)


def _copy_in(cur: Any, table: str, batch: pa.Table) -> None:
    """COPY a batch in, in the binary format (no text to write or parse, no Python loop
    over rows)."""
    data = memoryview(_binary_copy(batch))
    with cur.copy(f"copy {table} (station, parameter, ts, value) from stdin (format binary)") as cp:
        chunk = 1 << 22
        for start in range(0, len(data), chunk):
            cp.write(data[start : start + chunk])


# Array types PostgreSQL sends in binary: an element's length then its big-endian bytes.
_PG_ARRAYS = {1185: ">i8", 1016: ">i8", 1022: ">f8"}  # timestamptz[], int8[], float8[]


def _raw_loader() -> type:
    from psycopg.adapt import Loader
    from psycopg.pq import Format

    class Raw(Loader):
        format = Format.BINARY

        def load(self, data: Any) -> bytes:
            return bytes(data)

    return Raw


def _array(data: bytes, kind: str) -> NDArray[Any]:
    """A one-dimensional array without nulls, from PostgreSQL's binary array format."""
    ndim = int.from_bytes(data[:4], "big")
    if ndim == 0:
        return np.zeros(0, dtype=kind[1:])
    n = int.from_bytes(data[12:16], "big", signed=True)
    body = np.frombuffer(data, dtype=[("n", ">i4"), ("v", kind)], offset=20, count=n)
    return body["v"].astype(kind.replace(">", "<"))


def _grouped_out(
    raw: Any, sql: str, schema: pa.Schema, within: str
) -> list[tuple[str, str, list[NDArray[Any]]]]:
    """The rows of ``sql`` (columns as ``schema``: station, parameter, then instants as
    timestamptz named ``*_us``, counts as bigint, numbers as double precision) gathered by
    the server into one array per column, station and parameter, ordered by ``within``, and
    read in PostgreSQL's binary format straight into numpy: a few large messages instead of
    one per row, which the driver reads slowly, and no number written as text."""
    names = schema.names
    quoted = ", ".join(f'"{n}"' for n in names)
    arrays = ", ".join(f'array_agg("{n}")' for n in names[2:])
    cur = raw.driver_connection.cursor(binary=True)
    loader = _raw_loader()
    for oid in _PG_ARRAYS:
        cur.adapters.register_loader(oid, loader)
    # Hashing the groups (a few hundred) beats sorting every row by station and parameter,
    # which the planner picks from a poor estimate of the groups; each group's arrays
    # come in one (the same) order and are sorted by ``within`` here.
    cur.execute("set local work_mem = '64MB'")
    cur.execute("set local enable_sort = off")
    cur.execute("set local jit = off")  # compiling costs more than it saves here
    # Through the BRIN index always: a month just filled has no statistics until
    # autovacuum analyses it, and the planner then reads the whole month for each query.
    cur.execute("set local enable_seqscan = off")
    cur.execute(
        f"select station, parameter, {arrays} from ({sql}) as q ({quoted}) "
        "group by station, parameter order by station, parameter"
    )
    rows = cur.fetchall()
    if not rows:
        return []
    kinds = [_PG_ARRAYS[d.type_code] for d in cur.description[2:]]
    at = names[2:].index(within)
    out = []
    for row in rows:
        parts = [_array(data, kind) for data, kind in zip(row[2:], kinds, strict=True)]
        key = parts[at]
        if len(key) > 1 and bool(np.any(key[1:] < key[:-1])):
            order = np.argsort(key, kind="stable")
            parts = [part[order] for part in parts]
        out.append((row[0], row[1], parts))
    return out


def _grouped_table(
    rows: Sequence[tuple[str, str, list[NDArray[Any]]]], schema: pa.Schema
) -> pa.Table:
    """The arrays of :func:`_grouped_out` as one table of ``schema``."""
    if not rows:
        return schema.empty_table()
    names = schema.names
    stations = [row[0] for row in rows]
    parameters = [row[1] for row in rows]
    counts = [len(row[2][0]) for row in rows]
    columns: list[list[NDArray[Any]]] = [[row[2][i] for row in rows] for i in range(len(names) - 2)]
    repeat = pa.array(np.repeat(np.arange(len(rows)), counts))
    out: dict[str, pa.Array] = {
        "station": pa.array(stations, pa.string()).take(repeat),
        "parameter": pa.array(parameters, pa.string()).take(repeat),
    }
    for name, column in zip(names[2:], columns, strict=True):
        values = np.concatenate(column)
        if name.endswith("_us"):
            values = values + PG_EPOCH_US
        out[name] = pa.array(values, schema.field(name).type)
    return pa.table(out, schema=schema)


def _copy_out(cur: Any, sql: str, schema: pa.Schema) -> pa.Table:
    """Run a query through COPY … TO STDOUT and read its CSV with Arrow."""
    sink = io.BytesIO()
    with cur.copy(f"copy ({sql}) to stdout (format csv)") as cp:
        for data in cp:
            sink.write(data)
    if sink.tell() == 0:
        return schema.empty_table()
    sink.seek(0)
    return pacsv.read_csv(
        sink,
        read_options=pacsv.ReadOptions(column_names=schema.names),
        convert_options=pacsv.ConvertOptions(column_types=schema, strings_can_be_null=False),
    )


# -- which store -----------------------------------------------------------------------------


def readings_dir(engine: Engine) -> Path:
    """The directory of the Parquet store: the ``readings_dir`` setting, else
    ``<database file>.readings`` beside the SQLite file."""
    chosen = setting("readings_dir")
    if chosen:
        return Path(chosen)
    database = engine.url.database
    if not database or database == ":memory:":
        raise ValueError(
            "an in-memory SQLite database has no place for readings; set readings_dir "
            "(PARKLOOP_READINGS_DIR)"
        )
    return Path(database).with_name(Path(database).name + ".readings")


_STORES: dict[str, ParquetStore] = {}
_PG_STORES: weakref.WeakKeyDictionary[Engine, PostgresStore] = weakref.WeakKeyDictionary()


def store_for(engine: Engine) -> ReadingStore:
    """The readings store that goes with a database: PostgreSQL keeps readings itself, an
    SQLite database has them in Parquet files beside it."""
    if engine.dialect.name == "postgresql":
        if engine not in _PG_STORES:
            _PG_STORES[engine] = PostgresStore(engine)
        return _PG_STORES[engine]
    root = readings_dir(engine)
    key = str(root.resolve())
    if key not in _STORES:
        _STORES[key] = ParquetStore(root)
    return _STORES[key]
