"""Rendering a park's annual report as PDF: the time and the peak memory to build the
document (every service it draws from, the pictures) and to render it with WeasyPrint, for
a synthetic park of 1,000 enterprises.

The database is ``bench/out/reports-1000-seed7.db`` (``parkloop examples generate
--enterprises 1000 --parks 1 --seed 7``), generated again when the generator changed. The
document is built and rendered in a fresh process, once (the run takes minutes); the
report says how long each step took, the pages and the size of the file.

``python -m bench reports`` runs it and replaces the ``reports`` section of
bench/RESULTS.md.
"""

from __future__ import annotations

import json
import sys
import time

from bench.common import OUT, record, run_child

ENTERPRISES = 1000
SEED = 7
DATABASE = OUT / f"reports-{ENTERPRISES}-seed{SEED}.db"


def ensure_database() -> bool:
    """Generate the database when it is missing or was made by another generator."""
    from bench.common import is_current, mark_current
    from parkloop.examples.synthetic import generate
    from parkloop.store.db import make_engine, upgrade

    if is_current(DATABASE):
        return False
    OUT.mkdir(parents=True, exist_ok=True)
    DATABASE.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{DATABASE}")
    upgrade(engine)
    generate(engine, enterprises=ENTERPRISES, park_count=1, seed=SEED)
    engine.dispose()
    mark_current(DATABASE)
    return True


def child() -> None:
    """Build and render the annual PDF of the generated park; print the timings as JSON."""
    from parkloop.reports import documents, render
    from parkloop.services import registry
    from parkloop.store.db import make_engine

    engine = make_engine(f"sqlite:///{DATABASE}")
    park = registry.parks(engine)[0].code
    start = time.perf_counter()
    doc = documents.build("annual", engine, park, lang="vi")
    built = time.perf_counter()
    data = render.pdf(doc)
    rendered = time.perf_counter()
    out = OUT / "reports-annual-1000.pdf"
    out.write_bytes(data)
    import subprocess

    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    pages = next((int(x.split()[-1]) for x in info.splitlines() if x.startswith("Pages:")), 0)
    print(
        json.dumps(
            {
                "park": park,
                "enterprises": len(registry.organisations(engine, park)),
                "rows": sum(len(t.rows) for t in doc.tables()),
                "figures": len([f for f in doc.figures() if f.svg]),
                "build_s": built - start,
                "pdf_s": rendered - built,
                "pages": pages,
                "bytes": len(data),
            }
        )
    )


def run() -> None:
    generated = ensure_database()
    r = run_child("bench.bench_reports", "--child")
    x = r.result
    body = (
        f"Annual report (`parkloop report annual --format pdf`) of a generated park of "
        f"{x['enterprises']:,} organisations (`parkloop examples generate --enterprises "
        f"{ENTERPRISES} --parks 1 --seed {SEED}`"
        f"{', generated for this run' if generated else ''}), "
        "built and rendered once in a fresh process.\n\n"
        "| step | seconds |\n|---|---:|\n"
        f"| build the document (services, {x['figures']} pictures, {x['rows']:,} table rows) "
        f"| {x['build_s']:.1f} |\n"
        f"| render the PDF (WeasyPrint) | {x['pdf_s']:.1f} |\n"
        f"| whole process (with start-up) | {r.wall_seconds:.1f} |\n\n"
        f"Peak memory of the process: {r.peak_rss_mib:,.0f} MiB. The PDF: {x['pages']} pages, "
        f"{x['bytes'] / 2**20:.1f} MiB.\n"
    )
    print(body)
    record("reports", "Reports: the annual PDF of a 1,000-enterprise park", body)


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        child()
    else:
        run()
