"""Monitoring readings: ingest a month of 5-minute readings of 100 stations × 10 parameters
(8.64 million readings) by upload (one wide CSV per station, as stations export them) and
by pushed JSON batches (one station-day each), on both stores (Parquet + DuckDB beside
SQLite; a partitioned PostgreSQL table), beside a bare DuckDB ``read_csv`` + insert and a
bare PostgreSQL ``COPY`` of the same readings; then check the month of all 100 stations.

``python -m bench monitoring`` (full size); ``python -m bench.bench_monitoring --small``
(10 stations × 3 days, to try it). PostgreSQL comes from PARKLOOP_BENCH_PG_URL, else a
throw-away server started with scripts/pgtemp; without one the PostgreSQL rows are left
out. Each phase runs in a fresh process, whose peak resident memory is reported.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import OUT, ROOT, record, run_child

PARAMETERS = ("flow", "temperature", "ph", "cod", "bod5", "tss", "nh4", "tn", "tp", "colour")
HEADERS = (
    "Lưu lượng (m3/h)",
    "Nhiệt độ (°C)",
    "pH",
    "COD (mg/L)",
    "BOD5 (mg/L)",
    "TSS (mg/L)",
    "Amoni (mg/L)",
    "Tổng N (mg/L)",
    "Tổng P (mg/L)",
    "Độ màu (Pt-Co)",
)
START = dt.datetime(2025, 3, 1)  # local time of Viet Nam
SIZES = {"full": (100, 30), "small": (10, 3)}
PUSH_DAYS = 3  # pushed batches: every station's first days (3,000 batches would take long)
RESEND_STATIONS = 10  # the files sent again to show that nothing changes
PARK = "bench-park"


def _dir(size: str) -> Path:
    return OUT / f"monitoring-{size}"


def _station(i: int) -> str:
    return f"st-{i:03d}"


# -- data ----------------------------------------------------------------------------------------


def generate(size: str) -> Path:
    """One wide CSV per station (timestamp in local time, a column per parameter with its
    unit in the header) and the same readings as one long CSV for the bare baselines."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    stations, days = SIZES[size]
    root = _dir(size) / "files"
    marker = root / "done"
    if marker.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    n = days * 288
    local = np.datetime64(START, "m") + np.arange(n) * np.timedelta64(5, "m")
    stamps = pa.array(np.datetime_as_string(local, unit="m")).cast(pa.string())
    utc = pa.array((local - np.timedelta64(7, "h")).astype("datetime64[us]"), pa.timestamp("us"))
    rng = np.random.default_rng(12)
    means = np.array([80, 29, 7.2, 45, 18, 30, 3, 12, 2, 40], dtype=float)
    long_path = root / "long.csv"
    with open(long_path, "wb") as long_file:
        for s in range(stations):
            values = np.round(means * (1 + 0.1 * rng.standard_normal((n, len(means)))), 3)
            wide = pa.table(
                {"Thời gian": stamps, **{h: values[:, j] for j, h in enumerate(HEADERS)}}
            )
            pacsv.write_csv(wide, root / f"{_station(s)}.csv")
            long = pa.table(
                {
                    "station": pa.array([_station(s)] * (n * len(PARAMETERS))),
                    "parameter": pa.array(np.repeat(np.array(PARAMETERS), n)),
                    "ts": pa.concat_arrays([utc] * len(PARAMETERS)),
                    "value": values.T.reshape(-1),
                }
            )
            pacsv.write_csv(
                long, long_file, pacsv.WriteOptions(include_header=s == 0, quoting_style="none")
            )
    marker.write_text("ok")
    return root


def _register(engine: Any, stations: int) -> None:
    import sqlalchemy as sa

    from parkloop.domain.permissions import Viewer
    from parkloop.monitoring.model import Station, StationKind
    from parkloop.services import monitoring

    with engine.begin() as conn:
        conn.execute(
            sa.text("insert into parks (code, name_vi) values (:c, 'Khu công nghiệp thử')"),
            {"c": PARK},
        )
    for s in range(stations):
        monitoring.add_station(
            engine,
            Viewer.admin(),
            Station(
                code=_station(s),
                park_code=PARK,
                name=_station(s),
                kind=StationKind.WWTP_OUTLET,
                parameters=PARAMETERS,
                limit_set="qcvn-40",
                limit_column="B",
                flow_m3_per_day=2000,
            ),
        )


def _fresh(size: str, store: str, pg_url: str | None, purpose: str = "upload") -> Any:
    """A fresh, migrated database with the stations registered."""
    import sqlalchemy as sa

    from parkloop.store import db

    stations, _days = SIZES[size]
    if store == "parquet":
        base = _dir(size) / f"{purpose}.db"
        for p in base.parent.glob(f"{purpose}.db*"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        engine = db.make_engine(f"sqlite:///{base}")
    else:
        assert pg_url is not None
        name = f"bench_monitoring_{size}_{purpose}"
        admin = sa.create_engine(db.resolve_url(pg_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))
            conn.execute(sa.text(f'create database "{name}"'))
        admin.dispose()
        engine = db.make_engine(pg_url.rsplit("/", 1)[0] + "/" + name)
    db.upgrade(engine)
    _register(engine, stations)
    return engine


def _engine(size: str, store: str, pg_url: str | None) -> Any:
    from parkloop.store import db

    if store == "parquet":
        return db.make_engine(f"sqlite:///{_dir(size) / 'upload.db'}")
    assert pg_url is not None
    return db.make_engine(pg_url.rsplit("/", 1)[0] + "/" + f"bench_monitoring_{size}_upload")


def _peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- phases (each in its own process) -------------------------------------------------------------


def phase_upload(size: str, store: str, pg_url: str | None) -> dict[str, Any]:
    from parkloop.domain.permissions import Viewer
    from parkloop.services import monitoring

    root = generate(size)
    stations, _days = SIZES[size]
    engine = _fresh(size, store, pg_url)
    written = 0
    start = time.perf_counter()
    for s in range(stations):
        data = (root / f"{_station(s)}.csv").read_bytes()
        got = monitoring.upload(engine, Viewer.admin(), data, "s.csv", _station(s))
        assert got.refused == 0, got.listed(5)
        written += got.written
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    sample = min(stations, RESEND_STATIONS)
    again = sum(
        monitoring.upload(
            engine, Viewer.admin(), (root / f"{_station(s)}.csv").read_bytes(), "s.csv", _station(s)
        ).written
        for s in range(sample)
    )
    resend = time.perf_counter() - start
    return {
        "seconds": seconds,
        "readings": written,
        "resend_seconds": resend,
        "resent": again,
        "resend_files": sample,
    }


def phase_push(size: str, store: str, pg_url: str | None) -> dict[str, Any]:
    import numpy as np

    from parkloop.domain.permissions import Viewer
    from parkloop.services import monitoring

    stations, days = SIZES[size]
    days = min(days, PUSH_DAYS)
    engine = _fresh(size, store, pg_url, "push")
    tokens = [monitoring.issue_token(engine, Viewer.admin(), _station(s)) for s in range(stations)]
    rng = np.random.default_rng(5)
    written = 0
    seconds = 0.0
    batches = 0
    for day in range(days):
        stamps = [
            (START + dt.timedelta(days=day, minutes=5 * i)).isoformat() + "+07:00"
            for i in range(288)
        ]
        for s in range(stations):
            values = np.round(45 * (1 + 0.1 * rng.standard_normal((len(PARAMETERS), 288))), 3)
            body = json.dumps(
                {
                    "readings": [
                        {"parameter": p, "timestamp": t, "value": v}
                        for j, p in enumerate(PARAMETERS)
                        for t, v in zip(stamps, values[j].tolist(), strict=True)
                    ]
                }
            ).encode()
            start = time.perf_counter()
            got = monitoring.push(engine, tokens[s], _station(s), json.loads(body))
            seconds += time.perf_counter() - start
            assert got.refused == 0, got.listed(5)
            written += got.written
            batches += 1
    return {"seconds": seconds, "readings": written, "batches": batches}


def phase_check(size: str, store: str, pg_url: str | None) -> dict[str, Any]:
    from parkloop.domain.permissions import Viewer
    from parkloop.services import monitoring

    _stations, days = SIZES[size]
    engine = _engine(size, store, pg_url)
    from parkloop.services.monitoring import readings

    expected = SIZES[size][0] * days * 288 * len(PARAMETERS)
    try:
        gone = store == "parquet" and not (_dir(size) / "upload.db").exists()
        stored = 0 if gone else readings(engine).count()
    except Exception:  # the upload phase's database is gone (a PostgreSQL started anew)
        stored = 0
    if stored < expected:  # the upload phase's store is gone: fill it (not timed)
        engine.dispose()
        phase_upload(size, store, pg_url)
        engine = _engine(size, store, pg_url)
    first = START.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))

    def timed() -> tuple[float, int, int]:
        start = time.perf_counter()
        report = monitoring.check(
            engine, Viewer.admin(), PARK, first, first + dt.timedelta(days=days)
        )
        return time.perf_counter() - start, len(report.findings), len(report.stations)

    seconds, findings, stations = timed()
    out: dict[str, Any] = {"seconds": seconds, "findings": findings, "stations": stations}
    if store == "postgresql":
        # Readings sent through a month are settled by its end: autovacuum has set the
        # rows' visibility and analysed the month. Here the month was loaded a moment ago,
        # so the check above also pays for that; done now as autovacuum would, then timed.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("vacuum (analyze) readings")
        out["seconds_fresh"] = seconds
        out["seconds"], settled, _ = timed()
        assert settled == findings, (settled, findings)
    return out


def phase_bare_duckdb(size: str, _store: str, _pg: str | None) -> dict[str, Any]:
    """DuckDB reads each wide CSV and inserts it into a table, nothing else."""
    import duckdb

    root = generate(size)
    stations, _days = SIZES[size]
    target = _dir(size) / "bare.duckdb"
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    start = time.perf_counter()
    for s in range(stations):
        path = str(root / f"{_station(s)}.csv")
        if s == 0:
            con.execute(f"create table wide as select * from read_csv('{path}')")
        else:
            con.execute(f"insert into wide select * from read_csv('{path}')")
    seconds = time.perf_counter() - start
    rows = con.execute("select count(*) from wide").fetchone()[0]  # type: ignore[index]
    con.close()
    target.unlink(missing_ok=True)
    return {"seconds": seconds, "readings": rows * len(PARAMETERS)}


def phase_bare_copy(size: str, _store: str, pg_url: str | None) -> dict[str, Any]:
    """PostgreSQL COPY of the same readings (the long CSV) into a plain table."""
    import psycopg

    root = generate(size)
    assert pg_url is not None
    with psycopg.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute("drop table if exists bare_readings")
        cur.execute(
            "create table bare_readings (station text, parameter text, ts timestamp, "
            "value double precision)"
        )
        conn.commit()
        start = time.perf_counter()
        with (
            open(root / "long.csv", "rb") as fh,
            cur.copy("copy bare_readings from stdin (format csv, header true)") as copy,
        ):
            while data := fh.read(1 << 22):
                copy.write(data)
        conn.commit()
        seconds = time.perf_counter() - start
        cur.execute("select count(*) from bare_readings")
        rows = cur.fetchone()[0]  # type: ignore[index]
        cur.execute("drop table bare_readings")
        conn.commit()
    return {"seconds": seconds, "readings": rows}


PHASES = {
    "upload": phase_upload,
    "push": phase_push,
    "check": phase_check,
    "bare-duckdb": phase_bare_duckdb,
    "bare-copy": phase_bare_copy,
}


def child(phase: str, size: str, store: str) -> None:
    pg_url = os.environ.get("PARKLOOP_BENCH_PG_URL") or None
    result = PHASES[phase](size, store, pg_url)
    result["peak_mib"] = _peak()
    print(json.dumps(result))


# -- the run -------------------------------------------------------------------------------------


def _postgres() -> tuple[str | None, Path | None]:
    url = os.environ.get("PARKLOOP_BENCH_PG_URL")
    if url:
        return url, None
    place = OUT / "monitoring-pg"
    place.mkdir(parents=True, exist_ok=True)
    started = subprocess.run(
        [str(ROOT / "scripts" / "pgtemp"), "start", str(place)],
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode != 0:
        return None, None
    return started.stdout.strip(), place


def run(size: str = "full") -> None:
    stations, days = SIZES[size]
    start = time.perf_counter()
    generate(size)
    print(f"data ready in {time.perf_counter() - start:.1f} s", flush=True)
    pg_url, started = _postgres()
    if pg_url:
        os.environ["PARKLOOP_BENCH_PG_URL"] = pg_url
    results: dict[tuple[str, str], dict[str, Any]] = {}
    plan = [("bare-duckdb", "parquet"), ("upload", "parquet"), ("check", "parquet")]
    plan += [("push", "parquet")]
    if pg_url:
        plan += [("bare-copy", "postgresql"), ("upload", "postgresql"), ("check", "postgresql")]
        plan += [("push", "postgresql")]
    # A phase measured before on the same data is taken from the cache (an interrupted
    # run goes on where it stopped); delete it to measure every phase again, or delete
    # only some phases' entries to measure those again.
    cache = _dir(size) / "results.json"
    kept = json.loads(cache.read_text()) if cache.exists() else {}
    try:
        for phase, store in plan:
            key = f"{phase}/{store}"
            if key not in kept and os.environ.get("PARKLOOP_BENCH_CACHED_ONLY"):
                continue  # write the section from the phases measured so far
            if key not in kept:
                got = run_child("bench.bench_monitoring", "--child", phase, size, store)
                kept[key] = got.result | {"peak_mib": got.peak_rss_mib}
                cache.write_text(json.dumps(kept, indent=1))
            results[(phase, store)] = kept[key]
            print(phase, store, json.dumps(kept[key]), flush=True)
    finally:
        if started is not None:
            subprocess.run([str(ROOT / "scripts" / "pgtemp"), "stop", str(started)], check=False)
    readings = stations * days * 288 * len(PARAMETERS)

    def rate(key: tuple[str, str]) -> str:
        r = results.get(key)
        return f"{r['readings'] / r['seconds']:,.0f}" if r else "not run"

    def secs(key: tuple[str, str]) -> str:
        r = results.get(key)
        return f"{r['seconds']:.1f}" if r else "not run"

    def ratio(key: tuple[str, str], bare: tuple[str, str]) -> str:
        a, b = results.get(key), results.get(bare)
        return f"{a['seconds'] / b['seconds']:.2f}" if a and b else "not run"

    def peak(key: tuple[str, str]) -> str:
        r = results.get(key)
        return f"{r['peak_mib']:.0f}" if r else "not run"

    up_pq, up_pg = ("upload", "parquet"), ("upload", "postgresql")
    push_pq, push_pg = ("push", "parquet"), ("push", "postgresql")
    bare_dk, bare_pg = ("bare-duckdb", "parquet"), ("bare-copy", "postgresql")
    check_pq, check_pg = ("check", "parquet"), ("check", "postgresql")
    resend = results.get(up_pq, {})
    pushed = stations * min(days, PUSH_DAYS)
    lines = [
        ("bare DuckDB read_csv + insert", bare_dk, None),
        ("upload, Parquet + DuckDB store (target ≤ 2× bare DuckDB)", up_pq, bare_dk),
        ("push batches, Parquet + DuckDB store", push_pq, bare_dk),
        ("bare PostgreSQL COPY", bare_pg, None),
        ("upload, PostgreSQL store (target ≤ 2× bare COPY)", up_pg, bare_pg),
        ("push batches, PostgreSQL store", push_pg, bare_pg),
    ]
    table_rows = "\n".join(
        f"| {label} | {secs(key)} | {rate(key)} | {ratio(key, bare) if bare else 1} | {peak(key)} |"
        for label, key, bare in lines
    )
    for label, key in (("Parquet", check_pq), ("PostgreSQL", check_pg)):
        table_rows += (
            f"\n| check of the month, {stations} stations, {label} (target ≤ 10 s) "
            f"| {secs(key)} | | | {peak(key)} |"
        )
    fresh = results.get(check_pg, {}).get("seconds_fresh")
    if fresh is not None:
        table_rows += (
            f"\n| the same PostgreSQL check right after the month was bulk-loaded (before "
            f"autovacuum's pass) | {fresh:.1f} | | | |"
        )
    body = f"""
- command: `python -m bench monitoring` (each phase in a fresh process:
  `python -m bench.bench_monitoring --child PHASE {size} STORE`); `--small` for 10 stations
  × 3 days
- input: {stations} stations × {len(PARAMETERS)} parameters × {days} days at 5 minutes =
  {readings:,} readings; one wide CSV per station as stations export them (local time, a
  column per parameter with its unit in the header: "COD (mg/L)"), and the same readings
  as one long CSV (station, parameter, UTC instant, value) for the bare COPY
- upload: `services.monitoring.upload` per station file (read, units, every refusal check,
  the look for stored readings of the station over the file's span — none here, so the
  batch is written as it is: Parquet files, or a binary COPY into the month's partition
  of the partitioned table; a resent file goes through the anti-join against the stored
  readings);
  push: `services.monitoring.push` of one JSON batch per station-day (2,880 readings;
  the timed part parses the JSON and stores it, as the endpoint does)
- bare baselines: DuckDB `read_csv` + `insert` of the same wide files into one table;
  PostgreSQL `COPY` of the long CSV into a table without index

| figure | seconds | readings per second | ÷ bare | peak RSS MiB |
|---|---:|---:|---:|---:|
{table_rows}

Sending {resend.get("resend_files", "?")} of the files again wrote
{resend.get("resent", "?")} readings in {resend.get("resend_seconds", 0):.1f} s (Parquet
store): a resent file changes nothing. Pushed batches: every station's first {PUSH_DAYS}
days ({pushed} batches of 2,880 readings), into a store of their own. The PostgreSQL check
is timed twice in one process: right after the upload phase loaded the whole month (the
first reads of new rows set their visibility bits, while autovacuum starts on the
8.6-million-row partition), then after `VACUUM (ANALYZE) readings`, the state of a month
whose readings came in over the month by the time it is checked; the findings are the
same both times.
"""
    title = f"monitoring: {readings:,} readings in, a month checked"
    if size == "full":
        record("monitoring", title, body)
    else:  # a trial run is printed, not recorded
        print(f"## {title}\n{body}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1:2] == ["--small"]:
        run("small")
    else:
        run()
