"""Background jobs: submitted, run (in-process on SQLite, by workers on PostgreSQL), their
progress and outcome shown only to whom they belong, and a killed worker's job."""

from __future__ import annotations

import csv
import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from parkloop.cli import main as cli_main
from parkloop.domain.permissions import Role, Viewer
from parkloop.errors import NotFound, UserError
from parkloop.services import jobs, worker
from parkloop.services.importing import import_path
from parkloop.store import schema, writes

PARK = "kcn-jobs"
FINAL = {"done", "failed"}


@pytest.fixture(autouse=True)
def _runners_closed(engine: sa.Engine) -> Iterator[None]:
    """Each test's jobs end, and its queue connections close, before its database goes."""
    yield
    jobs.IN_PROCESS.shutdown(wait=True)
    worker.QUEUE_RUNNER.close()


def write_park(
    directory: Path,
    flows: int,
    enterprises: int = 20,
    bad_row: int | None = None,
    scale: int = 1,
) -> Path:
    """A CSV folder: one park, its enterprises and ``flows`` output flows of ``scale``,
    2 × ``scale``, ... tonnes (the flow on data row ``bad_row`` with a quantity that is not
    a number)."""
    directory.mkdir(parents=True, exist_ok=True)
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {
        "parks": (["code", "name_vi"], [[PARK, "Khu công nghiệp Việc"]]),
        "enterprises": (
            ["park", "code", "name_vi"],
            [[PARK, f"dn-{i:02d}", f"Công ty {i}"] for i in range(enterprises)],
        ),
        "flows": (
            ["park", "enterprise", "key", "period", "direction", "material", "quantity", "unit"],
            [
                [
                    PARK,
                    f"dn-{i % enterprises:02d}",
                    f"f-{i:05d}",
                    "2024",
                    "out",
                    "steel-slag",
                    "abc" if i + 1 == bad_row else (i + 1) * scale,
                    "t",
                ]
                for i in range(flows)
            ],
        ),
    }
    for name, (header, rows) in sheets.items():
        with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(header)
            out.writerows(rows)
    return directory


def flow_count(engine: sa.Engine, park: str = PARK) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(
                sa.select(sa.func.count())
                .select_from(schema.flows.join(schema.parks))
                .where(schema.parks.c.code == park)
            )
            or 0
        )


def job_row(engine: sa.Engine, job_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return dict(
            conn.execute(sa.select(schema.jobs).where(schema.jobs.c.id == job_id)).mappings().one()
        )


@contextmanager
def jobs_running(engine: sa.Engine) -> Iterator[None]:
    """Queued jobs get run: on SQLite the in-process pool does it already; on PostgreSQL a
    worker in a thread of this process, until the queue is empty."""
    if engine.dialect.name != "postgresql":
        yield
        return
    thread = threading.Thread(
        target=worker.main,
        args=(engine, 1),
        kwargs={"wait": False, "install_signal_handlers": False},
    )
    thread.start()
    try:
        yield
    finally:
        thread.join(60)
        assert not thread.is_alive()


def wait_for(
    engine: sa.Engine, job_id: int, viewer: Viewer, timeout: float = 120.0
) -> tuple[dict[str, Any], list[tuple[str, int, int]]]:
    """Poll a job as a page would until it ends: its last view and the progress seen."""
    seen: list[tuple[str, int, int]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = jobs.status(engine, job_id, viewer)
        if view["status"] == "running":
            state = (view["stage"], view["done"], view["total"])
            if not seen or seen[-1] != state:
                seen.append(state)
        if view["status"] in FINAL:
            return view, seen
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not end in {timeout} s: {view}")


def test_an_import_job_runs_to_done_and_shows_its_progress(
    engine: sa.Engine, tmp_path: Path
) -> None:
    # Large enough that the import outlasts the job's progress writes on a fast machine.
    folder = write_park(tmp_path / "park", flows=40_000)
    admin = Viewer.admin()
    job_id = jobs.submit(engine, "import", {"path": str(folder)}, admin)
    with jobs_running(engine):
        view, seen = wait_for(engine, job_id, admin)
    assert view["status"] == "done", view["message"]
    assert view["result"]["sheets"]["flows"] == {"created": 40_000, "updated": 0}
    assert view["params"] == {"file": "park"}  # where the server keeps uploads stays hidden
    assert view["finished_at"] >= view["started_at"] >= view["created_at"]
    assert flow_count(engine) == 40_000
    stages = [stage for stage, _, _ in seen]
    assert len(seen) >= 2 and len(set(stages)) >= 2, seen
    assert any(stage.startswith("check") for stage in stages), seen
    listed = jobs.jobs_for(engine, admin)
    assert [j["id"] for j in listed] == [job_id] and "result" not in listed[0]


def test_a_bad_row_fails_the_job_with_the_row_problem_kept(
    engine: sa.Engine, tmp_path: Path
) -> None:
    folder = write_park(tmp_path / "park", flows=50, bad_row=7)
    admin = Viewer.admin()
    job_id = jobs.submit(engine, "import", {"path": str(folder)}, admin)
    with jobs_running(engine):
        view, _ = wait_for(engine, job_id, admin)
    assert view["status"] == "failed"
    assert view["message"] == "park: 1 problem found; nothing was written"
    [problem] = view["result"]["problems"]
    assert problem["sheet"] == "flows.csv"
    assert problem["row"] == 8  # the header is row 1
    assert (problem["column"], problem["value"]) == ("quantity", "abc")
    assert problem["message"] and problem["fix"]
    assert flow_count(engine) == 0


def test_an_enterprise_job_cannot_write_another_enterprises_records(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, write_park(tmp_path / "park", flows=40, enterprises=2))
    with engine.connect() as conn:
        park_id = writes.park_ids(conn, [PARK])[PARK]
        org_ids = writes.organisation_ids(conn, [PARK])
    own = Viewer(
        Role.ENTERPRISE, park_id=park_id, org_id=org_ids[(PARK, "dn-00")], name="dn-00 staff"
    )
    # Every second flow of the file is dn-01's: the whole import is refused.
    tenfold = write_park(tmp_path / "tenfold", flows=40, enterprises=2, scale=10)
    job_id = jobs.submit(engine, "import", {"path": str(tenfold)}, own)
    with jobs_running(engine):
        view, _ = wait_for(engine, job_id, own)
    assert view["status"] == "failed"
    refused = view["result"]["problems"]
    assert refused and all("may not write this record" in p["message"] for p in refused)
    assert {p["sheet"] for p in refused} >= {"flows.csv"}
    with engine.connect() as conn:
        quantities = conn.scalars(
            sa.select(schema.flows.c.quantity).order_by(schema.flows.c.key)
        ).all()
    assert quantities == [float(q) for q in range(1, 41)]  # not even dn-00's own flows


def test_a_job_is_shown_only_to_its_creator_its_park_operator_and_the_admin(
    engine: sa.Engine, tmp_path: Path
) -> None:
    import_path(engine, write_park(tmp_path / "park", flows=4, enterprises=2))
    with engine.connect() as conn:
        park_id = writes.park_ids(conn, [PARK])[PARK]
        org_ids = writes.organisation_ids(conn, [PARK])
    creator = Viewer(
        Role.ENTERPRISE, park_id=park_id, org_id=org_ids[(PARK, "dn-00")], name="dn-00 staff"
    )
    job_id = jobs.submit(
        engine, "import", {"path": str(tmp_path / "park"), "dry_run": True}, creator
    )
    with jobs_running(engine):
        view, _ = wait_for(engine, job_id, creator)
    assert view["park"] == PARK
    operator = Viewer(Role.OPERATOR, park_id=park_id, name="operator:kcn-jobs")
    assert jobs.status(engine, job_id, operator)["id"] == job_id
    assert jobs.status(engine, job_id, Viewer.admin())["id"] == job_id
    strangers = [
        Viewer(Role.ENTERPRISE, park_id=park_id, org_id=org_ids[(PARK, "dn-01")], name="dn-01"),
        Viewer(Role.OPERATOR, park_id=park_id + 1000, name="operator:elsewhere"),
        Viewer(Role.AUTHORITY, name="authority"),
        Viewer(Role.PUBLIC, name=""),
    ]
    for stranger in strangers:
        with pytest.raises(NotFound):
            jobs.status(engine, job_id, stranger)
        assert jobs.jobs_for(engine, stranger) == []
    assert [j["id"] for j in jobs.jobs_for(engine, operator)] == [job_id]


def test_jobs_that_cannot_work_are_refused_before_they_are_queued(
    engine: sa.Engine, tmp_path: Path
) -> None:
    admin = Viewer.admin()
    with pytest.raises(UserError, match="no job kind 'export'"):
        jobs.submit(engine, "export", {}, admin)
    with pytest.raises(UserError, match="not there"):
        jobs.submit(engine, "import", {"path": str(tmp_path / "gone.xlsx")}, admin)
    with pytest.raises(UserError, match="say which scope"):
        jobs.submit(engine, "match", {"park": PARK, "region": "north"}, admin)
    assert jobs.jobs_for(engine, admin) == []


def test_a_job_that_breaks_unexpectedly_fails_with_one_line(
    engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(work: jobs.Work) -> dict[str, Any]:
        raise ValueError("a bug\nwith a second line")

    monkeypatch.setitem(jobs.KINDS, "import", dataclasses.replace(jobs.KINDS["import"], run=broken))
    folder = write_park(tmp_path / "park", flows=1)
    job_id = jobs.submit(engine, "import", {"path": str(folder)}, Viewer.admin())
    with jobs_running(engine):
        view, _ = wait_for(engine, job_id, Viewer.admin())
    assert view["status"] == "failed"
    assert view["message"] == (
        "the job stopped on an unexpected error (ValueError: a bug with a second line); "
        "the server log has the details"
    )


def test_the_worker_refuses_sqlite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli_main(["--lang", "en", "--db", f"sqlite:///{tmp_path / 'x.db'}", "worker"])
    assert stopped.value.code == 1
    assert "on SQLite, jobs run inside `parkloop serve`; a worker needs PostgreSQL" in (
        capsys.readouterr().err
    )


# -- PostgreSQL: workers in processes of their own ----------------------------------------------


def start_worker(db_url: str, log: Path) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).with_name("parkloop")), "--db", db_url, "worker"]
    with log.open("ab") as out:
        return subprocess.Popen(
            [*command, "--concurrency", "1"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PARKLOOP_JOB_STALE_AFTER": "2"},
        )


def wait_row(
    engine: sa.Engine, job_id: int, ready: Any, what: str, timeout: float = 120.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = job_row(engine, job_id)
        if ready(row):
            return row
        time.sleep(0.02)
    raise AssertionError(f"job {job_id}: {what} not seen in {timeout} s: {row}")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_killed_worker_writes_nothing_and_its_job_fails_visibly(
    db_url: str, engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARKLOOP_JOB_STALE_AFTER", "2")
    folder = write_park(tmp_path / "big", flows=30_000, enterprises=50)
    admin = Viewer.admin()
    log = tmp_path / "workers.log"
    first = start_worker(db_url, log)
    second = None
    try:
        job_id = jobs.submit(engine, "import", {"path": str(folder)}, admin)
        writing = wait_row(
            engine,
            job_id,
            lambda r: r["stage"] == "write flows" and r["done"] < r["total"],
            "the flows being written",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert writing["attempts"] == 1
        assert flow_count(engine) == 0  # the import's one transaction died with its worker
        with engine.connect() as conn:
            assert conn.scalar(sa.select(sa.func.count()).select_from(schema.parks)) == 0

        second = start_worker(db_url, log)
        failed = wait_row(
            engine, job_id, lambda r: r["status"] != "running", "the stopped job failed"
        )
        assert (failed["status"], failed["message"]) == ("failed", jobs.STOPPED)

        again = jobs.submit(engine, "import", {"path": str(folder)}, admin)
        view, _ = wait_for(engine, again, admin)
        assert view["status"] == "done", view["message"]
        assert flow_count(engine) == 30_000
        assert job_row(engine, job_id)["status"] == "failed"  # never started again by itself
    except BaseException:
        print(log.read_text(errors="replace"))
        raise
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(20)
