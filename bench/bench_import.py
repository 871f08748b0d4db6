"""Import of a 100,000-row flows workbook into a fresh SQLite database: time and memory,
beside a bare read of the same workbook with python-calamine in the same run.

The workbook (one park, 500 enterprises, 100,000 monthly flows in the template layout)
is written the way staff write: materials in free text (names, synonyms, qualifiers,
words without accents), sectors in words, numbers typed as Vietnamese text ("12.500,5"),
units such as "tấn/tháng", destinations as phrases, no prices on most rows, row keys
left blank. It is generated once into bench/out/. Each run is a fresh process.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import OUT, median, record, run_child

ROWS = 100_000
ENTERPRISES = 500
RUNS = int(os.environ.get("PARKLOOP_BENCH_RUNS", "5"))
SEED = 20240301
GENERATOR_VERSION = "2"
WORKBOOK = OUT / f"flows-{ROWS // 1000}k.xlsx"
UNITS = {
    "t": ["t", "tấn", "kg", "t/ngày", "tấn/tháng", "kg/ngày"],
    "m3": ["m3", "khối", "m3/ngày", "lít", "m3/ngày đêm"],
    "MWh": ["MWh", "kWh", "GJ", "kWh/tháng"],
    "Nm3": ["Nm3", "Nm3/ngày"],
    "t_steam": ["t hơi", "t hơi/giờ", "tấn/tháng"],
}
QUALIFIERS = ["", " thải", " phế liệu", " đã qua sử dụng", " từ lò hơi", " (các loại)", ""]
SECTORS = [
    "Luyện thép lò điện",
    "SX bao bì nhựa",
    "Sản xuất giấy và bao bì carton",
    "Chế biến thủy sản",
    "Nhiệt điện than",
    "Dệt nhuộm vải",
    "Sản xuất bia",
    "Cơ khí chế tạo",
]
DESTINATIONS = [
    "Chôn lấp",
    "Bán phế liệu",
    "Thuê đơn vị có chức năng thu gom, vận chuyển, xử lý",
    "bán rẻ cho cơ sở tái chế",
    "Lưu kho chờ xử lý",
]


def _vietnamese(value: float) -> str:
    """A number as Vietnamese staff type it: '12.500,5'."""
    whole, _, frac = f"{value:,.1f}".partition(".")
    return whole.replace(",", ".") + ("" if frac == "0" else "," + frac)


def _as_written(rng: random.Random, names: list[str]) -> str:
    """A material as staff write it: a name or synonym, sometimes without accents, with
    an ordinary qualifier now and then."""
    from parkloop.catalog import fold

    text = rng.choice(names)
    if rng.random() < 0.2:
        text = fold(text)
    return text + rng.choice(QUALIFIERS)


def generate(path: Path) -> None:
    """Write the benchmark workbook with parkloop's own template writer."""
    from parkloop.catalog import catalog
    from parkloop.catalog.sheets import sheet_spec
    from parkloop.services.template import write_workbook

    rng = random.Random(SEED)
    materials = [
        m
        for m in catalog().materials.values()
        if m.canonical_unit in UNITS and m.code != "unclassified"
    ]
    names = {m.code: [m.name_vi, m.name_en, *m.aliases[:4]] for m in materials}
    park = "khu-cong-nghiep-mau"
    parks = [
        {
            "code": park,
            "name_vi": "Khu công nghiệp Mẫu",
            "name_en": "Sample Industrial Park",
            "province": "Hải Phòng",
            "region": "red-river-delta",
            "lat": 20.93,
            "lon": 106.62,
        }
    ]
    enterprises = [
        {
            "park": park,
            "code": f"dn-{n:03d}",
            "name_vi": f"Công ty Sản xuất số {n}",
            "tax_code": f"02{n:08d}",
            "vsic": rng.choice(SECTORS),
            "employees": rng.randint(20, 3000),
        }
        for n in range(ENTERPRISES)
    ]
    flows = []
    per_enterprise = -(-ROWS // (ENTERPRISES * 12))
    for e in enterprises:
        pairs = rng.sample([(d, m) for d in ("in", "out") for m in materials], per_enterprise)
        for month in range(1, 13):
            for direction, mat in pairs:
                output = direction == "out"
                flows.append(
                    {
                        "park": park,
                        "enterprise": e["code"],
                        "period": f"2024-{month:02d}",
                        "direction": "đầu ra" if output else "đầu vào",
                        "material": _as_written(rng, names[mat.code]),
                        "description": f"{mat.name_vi}, lô {month}",
                        "waste_code": "05 01 02" if output and rng.random() < 0.2 else None,
                        "quantity": _vietnamese(rng.uniform(0.5, 50000.0))
                        if rng.random() < 0.7
                        else round(rng.uniform(0.5, 5000.0), 3),
                        "unit": rng.choice(UNITS[mat.canonical_unit]),
                        "frequency": "hằng tháng",
                        "quality": "độ ẩm < 10%" if rng.random() < 0.3 else None,
                        "price_vnd_per_unit": _vietnamese(round(rng.uniform(1000, 2_000_000)))
                        if rng.random() < 0.1
                        else None,
                        "destination": rng.choice(DESTINATIONS) if output else None,
                        "confidentiality": rng.choice(["riêng tư", "trong khu", "công khai"]),
                        "data_status": "doanh nghiệp báo cáo",
                        "source": "báo cáo năm 2024",
                    }
                )
    flows = flows[:ROWS]

    def cells(sheet: str, rows: list[dict[str, Any]]) -> list[list[Any]]:
        columns = [c.key for c in sheet_spec(sheet).columns]
        return [[row.get(c) for c in columns] for row in rows]

    OUT.mkdir(parents=True, exist_ok=True)
    write_workbook(
        path,
        "vi",
        {
            "parks": cells("parks", parks),
            "enterprises": cells("enterprises", enterprises),
            "flows": cells("flows", flows),
        },
    )
    path.with_suffix(".version").write_text(GENERATOR_VERSION)


def bare_read(workbook: str) -> None:
    """Only read every cell of every sheet with python-calamine (the floor an import stands
    on); prints a JSON line with the seconds."""
    from python_calamine import CalamineWorkbook

    start, cpu = time.perf_counter(), time.process_time()
    wb = CalamineWorkbook.from_path(workbook)
    cells = 0
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False):
            cells += len(row)
    wb.close()
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - start,
                "cpu": time.process_time() - cpu,
                "cells": cells,
            }
        )
    )


def child(workbook: str, database: str) -> None:
    """One measured import in this process; prints a JSON line with the figures."""
    from parkloop.services.importing import import_path
    from parkloop.store import db

    Path(database).unlink(missing_ok=True)
    engine = db.make_engine(f"sqlite:///{database}")
    db.upgrade(engine)
    updates = 0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal updates
        updates += 1

    start, cpu = time.perf_counter(), time.process_time()
    report = import_path(engine, Path(workbook), progress=progress)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "rows": report.rows,
                "flows": report.sheets["flows"].created,
                "progress_updates": updates,
            }
        )
    )


def run() -> None:
    version = WORKBOOK.with_suffix(".version")
    if not WORKBOOK.exists() or not version.exists() or version.read_text() != GENERATOR_VERSION:
        start = time.perf_counter()
        generate(WORKBOOK)
        print(f"generated {WORKBOOK} in {time.perf_counter() - start:.1f} s", flush=True)
    database = OUT / "import-bench.db"
    runs = []
    reads = []
    read_cpus = []
    for n in range(RUNS):
        read = run_child("bench.bench_import", "--read", str(WORKBOOK))
        reads.append(read.result["seconds"])
        read_cpus.append(read.result["cpu"])
        result = run_child("bench.bench_import", "--child", str(WORKBOOK), str(database))
        runs.append(result)
        print(
            f"run {n + 1}: read {read.result['seconds']:.2f} s, import "
            f"{result.result['seconds']:.2f} s, peak {result.peak_rss_mib:.0f} MiB",
            flush=True,
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    seconds = [r.result["seconds"] for r in runs]
    peaks = [r.peak_rss_mib for r in runs]
    flows = runs[0].result["flows"]
    size = WORKBOOK.stat().st_size / 2**20
    command = f"python -m bench.bench_import --child bench/out/{WORKBOOK.name} DB"
    per_run = ", ".join(f"{s:.1f}" for s in seconds)
    rows = runs[0].result["rows"]
    per_run_peak = ", ".join(f"{p:.0f}" for p in peaks)
    ratio = median(seconds) / median(reads)
    per_read = ", ".join(f"{r:.2f}" for r in reads)
    cpus = [r.result["cpu"] for r in runs]
    cpu_ratio = median(cpus) / median(read_cpus)
    # Each import runs right after its own bare read, so the ratio within a pair is the
    # steadier figure when the machine's speed drifts between runs.
    pair_ratio = median(c / r for c, r in zip(cpus, read_cpus, strict=True))
    per_pair = ", ".join(f"{c / r:.2f}" for c, r in zip(cpus, read_cpus, strict=True))
    per_cpu = ", ".join(f"{c:.1f}" for c in cpus)
    per_read_cpu = ", ".join(f"{c:.2f}" for c in read_cpus)
    load = os.getloadavg()
    body = f"""
- command: `python -m bench import` (each run in a fresh process: `{command}`; the bare
  read: `python -m bench.bench_import --read bench/out/{WORKBOOK.name}`)
- input: {WORKBOOK.name}, {size:.1f} MiB: 1 park, {ENTERPRISES} enterprises, {flows:,} flows
  written as staff write them: materials in free text (names, synonyms, qualifiers, no
  accents on a fifth), sectors in words, 70 % of quantities typed as Vietnamese text
  ("12.500,5"), units per day or month, destinations as phrases, prices on a tenth of
  the rows (the rest filled from the catalog), blank row keys
- CPU time beside wall time: on a machine shared with other work (load average
  {load[0]:.2f} at the end of this run) a long process waits for a core more often than a
  short one, so the ratio of CPU times is the steadier figure
- measured: `import_path` into a fresh, migrated SQLite file (read with python-calamine,
  recognise each distinct text once, check every cell, write in one transaction, report
  progress), beside a bare python-calamine read of the same file in the same run

| figure | median of {RUNS} runs | each run |
|---|---|---|
| bare python-calamine read | {median(reads):.2f} s | {per_read} s |
| whole import | {median(seconds):.2f} s | {per_run} s |
| import ÷ bare read (target ≤ 3) | {ratio:.2f} | |
| bare read, CPU time of the process | {median(read_cpus):.2f} s | {per_read_cpu} s |
| whole import, CPU time of the process | {median(cpus):.2f} s | {per_cpu} s |
| import ÷ bare read in CPU time | {cpu_ratio:.2f} | |
| import ÷ its own bare read, CPU time, run by run | {pair_ratio:.2f} | {per_pair} |
| rows per second (all {rows:,} rows) | {rows / median(seconds):,.0f} | |
| peak RSS of the importing process | {median(peaks):.0f} MiB | {per_run_peak} MiB |
"""
    record("import", "import: 100,000-row flows workbook", body)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["--read"]:
        bare_read(sys.argv[2])
    else:
        run()
