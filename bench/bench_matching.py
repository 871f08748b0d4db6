"""National matching: a synthetic Viet Nam of 100,000 enterprises in 450 parks (about a
million flow records), matched across parks; and, on a 5,000-enterprise subset, the
spatially indexed matcher against the all-pairs method (same answer, time compared).

The national database is generated once into bench/out/ (``parkloop examples generate
--enterprises 100000 --parks 450 --seed 1``). Each measured run is a fresh process, so
its peak memory is its own. With ``PARKLOOP_BENCH_PG_URL`` set (an empty PostgreSQL
database, e.g. from ``scripts/pgtemp``), the national match is also generated into and
measured on PostgreSQL. ``PARKLOOP_BENCH_RUNS`` sets the number of runs (default 3).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import OUT, is_current, mark_current, median, record, run_child

ENTERPRISES, PARKS, SEED = 100_000, 450, 1
SUBSET = 5_000
RUNS = int(os.environ.get("PARKLOOP_BENCH_RUNS", "3"))
PG_URL = os.environ.get("PARKLOOP_BENCH_PG_URL", "")
DATABASE = OUT / f"national-{ENTERPRISES // 1000}k-{PARKS}-seed{SEED}.db"


def _current() -> bool:
    return is_current(DATABASE)


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def generate() -> dict[str, float]:
    from parkloop.examples.synthetic import generate as make
    from parkloop.store.db import make_engine, upgrade

    engine = make_engine(_url(DATABASE))
    upgrade(engine)
    start = time.perf_counter()
    counts = make(engine, ENTERPRISES, PARKS, seed=SEED)
    return {"seconds": time.perf_counter() - start, "flows": counts.flows}


def _pg_generated(url: str) -> bool:
    """Whether the PostgreSQL database holds the national data already."""
    from sqlalchemy import func, inspect, select, text

    from parkloop.store.db import make_engine
    from parkloop.store.schema import organisations

    engine = make_engine(url)
    try:
        while True:
            with engine.connect() as conn:
                if inspect(conn).has_table("organisations") and conn.scalar(
                    select(func.count()).select_from(organisations)
                ):
                    return True
                # Another process still writing into this database (a generation started
                # by hand): its rows appear when it commits.
                busy = conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"
                    )
                )
            if not busy:
                return False
            time.sleep(10)
    finally:
        engine.dispose()


def generate_pg(url: str) -> dict[str, float]:
    from parkloop.examples.synthetic import generate as make
    from parkloop.store.db import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    start = time.perf_counter()
    counts = make(engine, ENTERPRISES, PARKS, seed=SEED)
    return {"seconds": time.perf_counter() - start, "flows": counts.flows}


def _clear_matches(url: str | None = None) -> None:
    """Start the saving runs from an empty match table, as after a fresh import. On
    PostgreSQL by TRUNCATE: a DELETE leaves the rows of the runs before in the table's
    files, dead, to be read past until a vacuum (a freshly imported table has none)."""
    from sqlalchemy import delete, text

    from parkloop.store.db import make_engine
    from parkloop.store.schema import matches

    engine = make_engine(url or _url(DATABASE))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE matches"))
        else:
            conn.execute(delete(matches))
    engine.dispose()


def national(save: bool, url: str | None = None) -> None:
    from parkloop.services.matching import run_matching
    from parkloop.store.db import make_engine

    engine = make_engine(url or _url(DATABASE))
    start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    run = run_matching(engine, all_parks=True, save=save)
    total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
    # On SQLite a process of its own saves: its CPU time counts, and its peak memory is
    # reported beside this one's (the two are added up against the limit).
    saver_cpu = _children_cpu() - children
    result = {
        "seconds": total,
        "cpu": total_cpu + saver_cpu,
        "saver_cpu": saver_cpu,
        "saver_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "stages": run.seconds,
        "supplies": run.supplies,
        "demands": run.demands,
        "proposals": len(run),
    }
    if save:
        # The same proposals saved once more, over themselves (a re-run on unchanged
        # data): the upsert path, measured whatever the state of the table before.
        from parkloop.store.matching import save_proposals

        start, cpu = time.perf_counter(), time.process_time()
        with engine.begin() as conn:
            save_proposals(conn, None, run.proposals)
        result["resave"] = time.perf_counter() - start
        result["resave_cpu"] = time.process_time() - cpu
    print(json.dumps(result))


def _children_cpu() -> float:
    """CPU time of the child processes this one has waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def subset() -> None:
    """Indexed matcher (median of RUNS) against the all-pairs method on the first parks
    holding at least SUBSET enterprises; the top-5 lists must be identical."""
    import numpy as np
    from sqlalchemy import func, select

    from parkloop.catalog import catalog
    from parkloop.matching.engine import MatchParams, find_matches, find_matches_all_pairs
    from parkloop.services.matching import GENERIC, _book, _parties, _quality_check, rules
    from parkloop.store import matching as store
    from parkloop.store.db import make_engine
    from parkloop.store.schema import organisations

    cat = catalog()
    engine = make_engine(_url(DATABASE))
    with engine.connect() as conn:
        counts = conn.execute(
            select(organisations.c.park_id, func.count())
            .where(organisations.c.kind == "enterprise")
            .group_by(organisations.c.park_id)
            .order_by(organisations.c.park_id)
        ).all()
        park_ids, total = [], 0
        for park_id, n in counts:
            if total >= SUBSET:
                break
            park_ids.append(park_id)
            total += n
        year = store.latest_year(conn, park_ids)
        book = _book(year)
        low = {
            c: cat.parameter("low_value_sale_share") * book.price[i]
            for c, i in book.index.items()
            if not np.isnan(book.price[i])
        }
        supplies, demands = store.load_sides(conn, park_ids, book.index, year, low)
        parties = _parties(store.organisation_profiles(conn, park_ids))
    params = MatchParams(
        same_park=False, radius_km=cat.parameter("default_radius_km"), generic_materials=GENERIC
    )
    found, times = None, []
    for _ in range(RUNS):
        start = time.perf_counter()
        found = find_matches(
            supplies, demands, rules(), book, params, check=_quality_check, parties=parties
        )
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    reference = find_matches_all_pairs(
        supplies, demands, rules(), book, params, check=_quality_check, parties=parties
    )
    all_pairs = time.perf_counter() - start

    def top5(c: object) -> list[tuple[int, int, int, float]]:
        return sorted(
            zip(
                c.s.tolist(),
                c.d.tolist(),
                c.rank.tolist(),
                np.round(c.net, 3).tolist(),
                strict=True,
            )
        )  # type: ignore[attr-defined]

    assert found is not None
    print(
        json.dumps(
            {
                "parks": len(park_ids),
                "enterprises": total,
                "supplies": len(supplies),
                "demands": len(demands),
                "proposals": len(found),
                "indexed_runs": times,
                "indexed_median": median(times),
                "all_pairs_seconds": all_pairs,
                "identical": top5(found) == top5(reference),
            }
        )
    )


def _pair(label: str, *url: str) -> tuple[list[str], dict[str, Any]]:
    """Unsaved and saved national runs on one database, as table rows: medians, each run,
    the save's own time and the ratio the target is about."""
    runs = [run_child("bench.bench_matching", "--national", *url) for _ in range(RUNS)]
    _clear_matches(*url)
    saved = [run_child("bench.bench_matching", "--national-save", *url) for _ in range(RUNS)]
    walls = [r.result["seconds"] for r in runs]
    saved_walls = [r.result["seconds"] for r in saved]
    cpus = [r.result["cpu"] for r in runs]
    saved_cpus = [r.result["cpu"] for r in saved]
    saves = [r.result["stages"]["save"] for r in saved]
    resaves = [r.result["resave"] for r in saved]
    resave_cpus = [r.result["resave_cpu"] for r in saved]
    stages = runs[0].result["stages"]
    saver_cpus = [r.result.get("saver_cpu", 0.0) for r in saved]
    saver_peaks = [r.result.get("saver_peak_mib", 0.0) for r in saved]
    # The saving process (SQLite): its CPU time is in the run's; its peak memory added to
    # the run's own, an upper bound (the two share the pages of the interpreter).
    saver_cpu = (
        f" (of which the saving process {median(saver_cpus):.1f} s)" if any(saver_cpus) else ""
    )
    saver_peak = (
        f" + {median(saver_peaks):,.0f} MiB saving process = "
        f"{median([r.peak_rss_mib + p for r, p in zip(saved, saver_peaks, strict=True)]):,.0f} MiB"
        if any(saver_cpus)
        else ""
    )

    def each(values: list[float]) -> str:
        return ", ".join(f"{v:.1f}" for v in values)

    return [
        f"| {label}: `parkloop match --all --no-save`, fresh process | {median(walls):.1f} s "
        f"(runs: {each(walls)}); CPU {median(cpus):.1f} s "
        f"| {median([r.peak_rss_mib for r in runs]):,.0f} MiB | ≤ 60 s, ≤ 4 GB |",
        f"| of which: load {stages['load']:.1f} s, match {stages['match']:.1f} s, "
        f"explain {stages['explain']:.1f} s | | | |",
        f"| {label}: `parkloop match --all` (proposals saved), fresh process "
        f"| {median(saved_walls):.1f} s (runs: {each(saved_walls)}); CPU "
        f"{median(saved_cpus):.1f} s{saver_cpu} "
        f"| {median([r.peak_rss_mib for r in saved]):,.0f} MiB{saver_peak} | ≤ 60 s, ≤ 4 GB |",
        f"| of which saving (first run into an empty table, then over the proposals of "
        f"the run before) | {median(saves):.1f} s (runs: {each(saves)}) | | |",
        f"| {label}: saved ÷ unsaved run, wall time; CPU time "
        f"| **{median(saved_walls) / median(walls):.2f}**; "
        f"**{median(saved_cpus) / median(cpus):.2f}** | | ≤ 1.5 |",
        f"| {label}: the same proposals saved again over themselves, same process "
        f"| {median(resaves):.1f} s (runs: {each(resaves)}); CPU {median(resave_cpus):.1f} s "
        f"| | |",
        f"| {label}: (unsaved run + that re-save) ÷ unsaved run, wall time; CPU time "
        f"| **{(median(walls) + median(resaves)) / median(walls):.2f}**; "
        f"**{(median(cpus) + median(resave_cpus)) / median(cpus):.2f}** | | ≤ 1.5 |",
    ], runs[0].result


def run() -> None:
    if not _current():
        DATABASE.unlink(missing_ok=True)
        print(f"generating {DATABASE.name} (once per schema and generator)", flush=True)
        run_child("bench.bench_matching", "--generate")
        mark_current(DATABASE)
    rows, first = _pair("SQLite")
    if PG_URL:
        if not _pg_generated(PG_URL):
            print("generating the national data into PostgreSQL", flush=True)
            run_child("bench.bench_matching", "--generate-pg", PG_URL)
        rows += _pair("PostgreSQL", PG_URL)[0]
    sub = run_child("bench.bench_matching", "--subset").result
    r0 = first
    ratio = sub["all_pairs_seconds"] / sub["indexed_median"]
    lines = [
        "Command: `make bench` (or `python -m bench matching`; with "
        "`PARKLOOP_BENCH_PG_URL` set, PostgreSQL too). Data: `parkloop examples generate",
        f"--enterprises {ENTERPRISES} --parks {PARKS} --seed {SEED}` "
        f"({r0['supplies']:,} supplies and",
        f"{r0['demands']:,} demands in the latest year; the whole dataset holds about a million",
        "flow records). CPU time beside wall time: on a machine shared with other work a",
        "long process waits for a core and for the disk more often than a short one, so the",
        "ratio of CPU times is the steadier figure. Each saving run also saves its",
        "proposals a second time over themselves (the upsert path of a re-run on unchanged",
        "data; rows whose values are all the same are not rewritten); its peak memory",
        "includes that second save.",
        "",
        f"| national match across parks | median of {RUNS} | peak memory | target |",
        "|---|---:|---:|---:|",
        *rows,
        f"| proposals (top 5 per supply, net benefit > 0) | {r0['proposals']:,} | | |",
        "",
        f"| {sub['enterprises']:,}-enterprise subset ({sub['parks']} parks; "
        f"{sub['supplies']:,} supplies, {sub['demands']:,} demands) | seconds |",
        "|---|---:|",
        f"| spatial index with exact bound (median of {RUNS}) | {sub['indexed_median']:.3f} |",
        f"| all pairs (every supply measured against every demand) | "
        f"{sub['all_pairs_seconds']:.1f} |",
        f"| ratio | **{ratio:.0f}×** (target ≥ 50×) |",
        f"| identical top-5 lists | {'yes' if sub['identical'] else '**no**'} |",
    ]
    body = "\n".join(lines)
    record("matching", "matching: national scale and the all-pairs method", body)


if __name__ == "__main__":
    if "--generate" in sys.argv:
        print(json.dumps(generate()))
    elif "--generate-pg" in sys.argv:
        print(json.dumps(generate_pg(sys.argv[-1])))
    elif "--national" in sys.argv:
        national(False, *sys.argv[sys.argv.index("--national") + 1 :][:1])
    elif "--national-save" in sys.argv:
        national(True, *sys.argv[sys.argv.index("--national-save") + 1 :][:1])
    elif "--subset" in sys.argv:
        subset()
    else:
        run()
