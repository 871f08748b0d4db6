"""A believable synthetic country: the national totals of the generated data (100,000
enterprises in 450 parks, seed 1) beside the published figures the generator is calibrated
to, and the national optimisation's net benefit set against the value added.

The database is the optimisation benchmark's (``bench/out/optimize-national-100k-450-seed1.db``,
``parkloop examples generate --enterprises 100000 --parks 450 --seed 1``), generated again
when the generator changed. The net benefit is one run of ``python -m bench.bench_optimize
--national`` (the matcher's best 3 partners per supply, ``parkloop optimize --all
--time-limit 20``) in a fresh process.
"""

from __future__ import annotations

from bench.bench_optimize import (
    DATABASE,
    ENTERPRISES,
    PARKS,
    SEED,
    TIME_LIMIT,
    TOP,
    ensure_database,
)
from bench.common import record, run_child

# The national optimisation's net benefit on the generator before it was calibrated
# (bench/RESULTS.md, section optimize, recorded 2026-11-25).
BEFORE_TRILLION = 597.2

UNITS = {
    "enterprises": (1.0, "enterprises"),
    "persons": (1e6, "million persons"),
    "t/yr": (1e6, "million t a year"),
    "m3/yr": (1e9, "billion m3 a year"),
    "VND/yr": (1e12, "trillion VND a year"),
}


def run() -> None:
    from parkloop.examples.synthetic import compare
    from parkloop.store.db import make_engine

    built = ensure_database()
    engine = make_engine(f"sqlite:///{DATABASE}")
    country = compare(engine)
    engine.dispose()
    optimised = run_child("bench.bench_optimize", "--national").result
    net = optimised["objective"]
    va = next(r for r in country.rows if r.key == "value_added_vnd")
    lines = []
    for r in country.rows:
        scale, unit = UNITS[r.unit]
        digits = 0 if scale == 1.0 else 2
        lines.append(
            f"| {r.label_en} ({unit}) | {r.published / scale:,.{digits}f} | "
            f"{r.expected / scale:,.{digits}f} | {r.generated / scale:,.{digits}f} | "
            f"{r.ratio:.2f} | {r.status} |"
        )
    table = "\n".join(lines)
    header = (
        f"| yearly total | published, nation | published × {country.share:.2f} | generated "
        "| generated ÷ expected | status |"
    )
    before = BEFORE_TRILLION * 1e12 / va.expected
    sources = "\n".join(f"- {r.label_en}: {r.source}" for r in country.rows)
    generated = (
        "" if built["seconds"] != built["seconds"] else f" (generated in {built['seconds']:.0f} s)"
    )
    body = f"""
Command: `python -m bench synthetic`. Data: `parkloop examples generate --enterprises
{ENTERPRISES} --parks {PARKS} --seed {SEED}` in `bench/out/{DATABASE.name}`{generated}; the
same totals print after `parkloop examples generate`. Published figures:
`src/parkloop/examples/synthetic_statistics.csv` (each with its source and status; most are
`recalled_unverified` and are to be checked against the documents named there).

The generator draws its enterprises with the nation's sector mix and firm sizes, so a
country of {country.enterprises:,} enterprises is {country.share:.2f} times the nation's
enterprises in the VSIC divisions its templates stand for; the published column is scaled
by that share. For comparison, Viet Nam's {country.parks.value:,.0f} real industrial parks
({country.parks.year}, {country.parks.status}) hold about {country.park_projects.value:,.0f}
projects ({country.park_projects.status}) and about {country.park_workers.value / 1e6:,.0f}
million workers ({country.park_workers.status}): the synthetic parks hold about 5 times the
firms and 2 times the workers of the real ones, as if the nation's whole industry sat in
parks.

{header}
|---|---:|---:|---:|---:|---|
{table}

{sources}

National optimisation on this data (`python -m bench.bench_optimize --national`: the
matcher's best {TOP} partners per supply, `parkloop optimize --all --time-limit
{TIME_LIMIT:.0f}`, one run): {optimised["links"]:,} candidate links between
{optimised["supplies"]:,} supplies and {optimised["demands"]:,} demands, status
{optimised["status"]}, {optimised["planned"]:,} planned exchanges, {optimised["built"]:,}
pipes built, in {optimised["whole_seconds"]:.0f} s.

| national net benefit | trillion VND a year | share of the value added |
|---|---:|---:|
| before calibration (section optimize, 2026-11-25) | {BEFORE_TRILLION:,.1f} | {before:.1%} |
| calibrated generator | {net / 1e12:,.1f} | {net / va.expected:.1%} |
"""
    record("synthetic", "synthetic: a generated country beside the published figures", body)
