"""The web application on PostgreSQL when its processes are killed: `parkloop serve
--workers 2` and `parkloop worker` run as processes of their own; an operator uploads a
large workbook through the import page; a web worker is killed (kill -9) while it is
imported, then the job worker in the middle of writing, then a new import is made.

What must hold: pages keep answering through the other web worker (and the server starts
a new one); the first import ends done with every row; of the second nothing is written
and its page shows it failed with the reason; a new import afterwards works, and the
failed one is never started again by itself.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import xlsxwriter

from parkloop.catalog.sheets import sheet_spec
from parkloop.domain.permissions import Viewer
from parkloop.services import accounts, jobs
from parkloop.services.importing import import_path
from parkloop.store import schema

PARK = "kcn-chiu-dung"
ENTERPRISES = 40
# The import killed in the middle of writing is large enough for its writing to be
# caught; the others only need to be running, or to work.
ROWS = 30_000
FIRST_ROWS = 10_000
LAST_ROWS = 300
PASSWORD = "mat-khau-van-hanh-2024"
OPERATOR = f"van-hanh@{PARK}.test"
STALE_AFTER_S = "2"
PARKLOOP = Path(sys.executable).with_name("parkloop")
BADGE = re.compile(r"pl-badge-(queued|running|done|failed)\b")

pytestmark = pytest.mark.slow


# -- the park, its accounts and workbooks --------------------------------------------------------


def make_park(engine: sa.Engine, folder: Path) -> None:
    """The park and its enterprises (imported from CSV files), and its operator."""
    folder.mkdir()
    sheets = {
        "parks": (["code", "name_vi"], [[PARK, "Khu công nghiệp Chịu Đựng"]]),
        "enterprises": (
            ["park", "code", "name_vi"],
            [[PARK, f"dn-{i:02d}", f"Công ty {i}"] for i in range(ENTERPRISES)],
        ),
    }
    for name, (header, rows) in sheets.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(header)
            out.writerows(rows)
    import_path(engine, folder, viewer=Viewer.admin())
    accounts.add_user(
        engine, OPERATOR, "operator", Viewer.admin(), park_code=PARK, password=PASSWORD
    )


def workbook(prefix: str, rows: int) -> bytes:
    """A flows workbook in the template's layout: ``rows`` output flows of the park's
    enterprises, keys ``prefix-00000``…"""
    spec = sheet_spec("flows")
    columns = [c.key for c in spec.columns]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet(spec.label("en"))
    for c, spec_column in enumerate(spec.columns):
        sheet.write_string(0, c, spec_column.label("en"))
    for r in range(rows):
        row: dict[str, Any] = {
            "park": PARK,
            "enterprise": f"dn-{r % ENTERPRISES:02d}",
            "key": f"{prefix}-{r:05d}",
            "period": "2024",
            "direction": "out",
            "material": "steel-slag",
            "quantity": float(r + 1),
            "unit": "t",
        }
        for c, column in enumerate(columns):
            value = row.get(column)
            if isinstance(value, float):
                sheet.write_number(r + 1, c, value)
            elif value is not None:
                sheet.write_string(r + 1, c, value)
    book.close()
    return buffer.getvalue()


def flow_count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(
                sa.select(sa.func.count())
                .select_from(schema.flows.join(schema.parks))
                .where(schema.parks.c.code == PARK)
            )
            or 0
        )


def job_row(engine: sa.Engine, job_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        query = sa.select(schema.jobs).where(schema.jobs.c.id == job_id)
        return dict(conn.execute(query).mappings().one())


def wait_row(
    engine: sa.Engine,
    job_id: int,
    ready: Callable[[dict[str, Any]], bool],
    what: str,
    timeout: float = 60.0,
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    row: dict[str, Any] = {}
    while time.monotonic() < deadline:
        row = job_row(engine, job_id)
        if ready(row):
            return row
        time.sleep(0.02)
    raise AssertionError(f"job {job_id}: {what} not seen in {timeout} s: {row}")


# -- the processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(PARKLOOP), *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def children(pid: int) -> list[int]:
    """The web workers of `parkloop serve` ``pid``: its children but multiprocessing's
    resource tracker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        if ppid == pid and b"resource_tracker" not in command:
            found.append(int(entry.name))
    return sorted(found)


def wait_serving(base: str, serve: subprocess.Popen[bytes], log: Path, workers: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert serve.poll() is None, "parkloop serve stopped"
        text = log.read_text(errors="replace")
        if text.count("Application startup complete") >= workers:
            try:
                if httpx.get(f"{base}/sign-in", timeout=10).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    raise AssertionError("parkloop serve did not start in 60 s")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


# -- the browser ----------------------------------------------------------------------------------


def signed_in(base: str) -> httpx.Client:
    """The operator's browser. Each request on a connection of its own, as a browser
    retries on a new one when a kept-alive connection dies with its worker."""
    client = httpx.Client(
        base_url=base, timeout=30, limits=httpx.Limits(max_keepalive_connections=0)
    )
    client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"email": OPERATOR, "password": PASSWORD, "csrf": client.cookies["parkloop_csrf"]},
    )
    assert response.status_code == 303, response.text[:500]
    return client


def upload(client: httpx.Client, name: str, data: bytes) -> int:
    response = client.post(
        f"/parks/{PARK}/import",
        data={"csrf": client.cookies["parkloop_csrf"]},
        files={"file": (name, data, "application/octet-stream")},
    )
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].rstrip("/").rsplit("/", 1)[1])


def job_page(client: httpx.Client, job_id: int) -> tuple[str, str]:
    """The job's status as its page shows it, and the page's text."""
    response = client.get(f"/jobs/{job_id}", headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text[:500]
    found = BADGE.search(response.text)
    assert found, response.text[:500]
    return found.group(1), html.unescape(response.text)


def wait_page(client: httpx.Client, job_id: int, status: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown, text = job_page(client, job_id)
        if shown == status:
            return text
        time.sleep(0.25)
    raise AssertionError(f"job {job_id}: the page shows {shown}, not {status}, after {timeout} s")


# -- the test -------------------------------------------------------------------------------------


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_killed_web_and_job_workers_leave_nothing_half_written(
    db_url: str, engine: sa.Engine, tmp_path: Path
) -> None:
    make_park(engine, tmp_path / "park")
    env = {
        **os.environ,
        "PARKLOOP_DATABASE_URL": db_url,
        "PARKLOOP_JOB_STALE_AFTER": STALE_AFTER_S,
    }
    base = f"http://127.0.0.1:{free_port()}"
    log = tmp_path / "processes.log"
    serve = start(env, log, "serve", "--port", base.rsplit(":", 1)[1], "--workers", "2")
    worker: subprocess.Popen[bytes] | None = start(env, log, "worker", "--concurrency", "1")
    try:
        # The workbooks are written while the server starts.
        first, second, third = (
            workbook("a", FIRST_ROWS),
            workbook("b", ROWS),
            workbook("c", LAST_ROWS),
        )
        wait_serving(base, serve, log, 2)
        client = signed_in(base)

        # A web worker killed while an upload is imported: the other one answers.
        importing = upload(client, "bao-cao-a.xlsx", first)
        wait_row(engine, importing, lambda r: r["status"] == "running", "the import running")
        web = children(serve.pid)
        assert len(web) == 2, web
        os.kill(web[0], signal.SIGKILL)
        for _ in range(10):
            assert client.get(f"/parks/{PARK}").status_code == 200
            assert job_page(client, importing)[0] in ("running", "done")
        wait_page(client, importing, "done")
        assert flow_count(engine) == FIRST_ROWS
        assert job_row(engine, importing)["result"]["sheets"]["flows"]["created"] == FIRST_ROWS

        # The job worker killed in the middle of writing: nothing of that file is written,
        # and the job's page says it failed and why.
        assert worker is not None
        lost = upload(client, "bao-cao-b.xlsx", second)
        writing = wait_row(
            engine,
            lost,
            lambda r: r["stage"] == "write flows" and 0 < r["done"] < r["total"],
            "the flows being written",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        worker = None
        assert writing["attempts"] == 1
        assert flow_count(engine) == FIRST_ROWS
        text = wait_page(client, lost, "failed", timeout=30)
        assert jobs.STOPPED in text
        assert flow_count(engine) == FIRST_ROWS

        # A new worker: a new import works, the failed one is not started again.
        worker = start(env, log, "worker", "--concurrency", "1")
        again = upload(client, "bao-cao-c.xlsx", third)
        wait_page(client, again, "done")
        assert flow_count(engine) == FIRST_ROWS + LAST_ROWS
        assert job_row(engine, lost)["status"] == "failed"
        assert job_row(engine, lost)["attempts"] == 1

        # The server replaced the killed web worker. Until the server reaps it, the killed
        # worker stays in /proc as a zombie, so wait for it to be gone, not for a count.
        deadline = time.monotonic() + 60
        now = children(serve.pid)
        while time.monotonic() < deadline and (len(now) < 2 or web[0] in now):
            time.sleep(0.2)
            now = children(serve.pid)
        assert len(now) == 2 and web[0] not in now, now
        assert client.get(f"/parks/{PARK}").status_code == 200
    except BaseException:
        print(log.read_text(errors="replace")[-20_000:])
        raise
    finally:
        stop(worker)
        stop(serve)
