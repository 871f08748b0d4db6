"""Imports killed at random moments, and commands at work at the same time, on SQLite and
PostgreSQL.

Each command runs in a process of its own, forked from a launcher process that has already
imported parkloop and loaded its catalog: a fresh interpreter takes seconds to, and the
random moments should fall while the command works, not while Python starts.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from parkloop.catalog import catalog
from parkloop.catalog.sheets import sheet_spec
from parkloop.examples import load_example

FIRMS = 250
PAIRS = 10  # materials in or out per firm, each for twelve months
FLOWS = FIRMS * PAIRS * 12  # 30,000 per park
NOTHING = (0, 0, 0, 0)
ALL = (1, FIRMS, FLOWS, 1)
SMALL_FIRMS = 100  # 12,000 flows: two imports at once need not be long to overlap
SMALL = (1, SMALL_FIRMS, SMALL_FIRMS * PAIRS * 12, 1)

LAUNCHER = r"""
import json, os, sys, traceback

from parkloop.catalog import catalog
from parkloop.cli import main

catalog()

def run(request):
    for fd, name in ((1, "out"), (2, "err")):
        os.dup2(os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
    os.environ.update(request["env"])
    try:
        main(request["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


for line in sys.stdin:
    request = json.loads(line)
    if request["do"] == "start":
        pid = os.fork()
        if pid == 0:
            run(request)
        print(json.dumps({"pid": pid}), flush=True)
    else:
        pid, status = os.waitpid(request["pid"], os.WNOHANG)
        print(json.dumps({"code": os.waitstatus_to_exitcode(status) if pid else None}), flush=True)
"""


@dataclass
class Command:
    pid: int
    out: Path
    err: Path
    launcher: Launcher
    code: int | None = None

    def poll(self) -> int | None:
        if self.code is None:
            self.code = self.launcher.ask({"do": "poll", "pid": self.pid})["code"]
        return self.code

    def wait(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"command {self.pid} still running after {timeout} s")
            time.sleep(0.02)
        assert self.code is not None
        return self.code

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")


class Launcher:
    """Starts ``parkloop`` commands in processes of their own, at once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[Command] = []
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=folder,
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        return answer

    def start(self, *argv: str, env: dict[str, str] | None = None) -> Command:
        n = len(self.started)
        out, err = self.folder / f"{n}.out", self.folder / f"{n}.err"
        request = {"do": "start", "argv": list(argv), "out": str(out), "err": str(err)}
        pid = self.ask({**request, "env": env or {}})["pid"]
        command = Command(pid, out, err, self)
        self.started.append(command)
        return command

    def close(self) -> None:
        for command in self.started:
            command.kill()
            command.wait()
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def launcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launcher]:
    started = Launcher(tmp_path_factory.mktemp("commands"))
    yield started
    started.close()


def write_park(directory: Path, park: str, size: int = FIRMS) -> Path:
    """A park of ``size`` enterprises with PAIRS monthly flows each, in parkloop's CSV
    layout."""
    rng = random.Random(park)
    materials = sorted(
        m.code
        for m in catalog().materials.values()
        if m.canonical_unit == "t" and m.code != "unclassified"
    )
    firms = [f"dn-{n:04d}" for n in range(size)]
    flows: list[list[Any]] = []
    for firm in firms:
        pairs = rng.sample([(d, m) for d in ("in", "out") for m in materials], PAIRS)
        flows += [
            [park, firm, f"2024-{month:02d}", direction, material, rng.randint(1, 5000), "t"]
            for month in range(1, 13)
            for direction, material in pairs
        ]
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {
        "parks": (["code", "name_vi", "lat", "lon"], [[park, f"KCN {park}", 20.9, 106.6]]),
        "enterprises": (
            ["park", "code", "name_vi"],
            [[park, firm, f"Công ty {firm}"] for firm in firms],
        ),
        "flows": (
            ["park", "enterprise", "period", "direction", "material", "quantity", "unit"],
            flows,
        ),
    }
    directory.mkdir(parents=True)
    for key, (columns, rows) in sheets.items():
        assert set(columns) <= {c.key for c in sheet_spec(key).columns}
        with (directory / f"{key}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows(rows)
    return directory


@pytest.fixture(scope="module")
def parks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("parks")
    return {code: write_park(folder / code, code) for code in ("kcn-1", "kcn-2", "kcn-3")}


@pytest.fixture(scope="module")
def small_parks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("small-parks")
    return {code: write_park(folder / code, code, SMALL_FIRMS) for code in ("kcn-a", "kcn-b")}


def stored(engine: sa.Engine, park: str) -> tuple[int, ...]:
    """What the database holds of a park: parks, enterprises, flows, imports logged."""
    with engine.connect() as conn:
        return tuple(
            conn.execute(sa.text(sql), {"park": park}).scalar_one()
            for sql in (
                "SELECT count(*) FROM parks WHERE code = :park",
                "SELECT count(*) FROM organisations o JOIN parks p ON p.id = o.park_id "
                "WHERE p.code = :park",
                "SELECT count(*) FROM flows f JOIN parks p ON p.id = f.park_id "
                "WHERE p.code = :park",
                "SELECT count(*) FROM change_log WHERE action = 'import' AND park_code = :park",
            )
        )


def writing(engine: sa.Engine) -> bool:
    """Whether another connection is in the middle of a write transaction."""
    if engine.dialect.name == "sqlite":
        con = sqlite3.connect(str(engine.url.database), timeout=0, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            con.close()
    with engine.connect() as conn:
        others = conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    return bool(others)


def started_writing(engine: sa.Engine, command: Command) -> Callable[[], bool]:
    return lambda: writing(engine) or command.poll() is not None


def wait_until(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.02)


def no_traceback(command: Command) -> str:
    err = command.stderr()
    assert "Traceback" not in err, err
    return err.strip()


def test_an_import_killed_at_random_moments_leaves_all_of_it_or_nothing(
    db_url: str, engine: sa.Engine, launcher: Launcher, parks: dict[str, Path]
) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    outcomes = []
    for n, (park, folder) in enumerate(parks.items()):
        command = launcher.start("--db", db_url, "import", str(folder))
        if n == 0:
            moment = "anywhere"  # reading, checking or writing
            time.sleep(rng.uniform(0.1, 2.5))
        else:
            moment = "while writing"
            wait_until(started_writing(engine, command))
            # Within the first tenth of a second of writing: a 30,000-row park is written
            # in a few tenths on a fast machine.
            time.sleep(rng.uniform(0.0, 0.1))
        command.kill()
        code = command.wait()
        held = stored(engine, park)
        outcomes.append((park, moment, code, held))
        assert held in (NOTHING, ALL), f"seed {seed}: {outcomes}"
        assert code in (0, -signal.SIGKILL), no_traceback(command)
        if code == 0:
            assert held == ALL
    print(f"seed {seed}: {outcomes}")
    assert any(code == -signal.SIGKILL for _, _, code, _ in outcomes)

    park, folder = next(iter(parks.items()))
    again = launcher.start("--db", db_url, "import", str(folder))
    assert again.wait() == 0, again.stderr()
    assert stored(engine, park)[:3] == ALL[:3]
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        total = conn.execute(sa.text("SELECT count(*) FROM flows")).scalar_one()
    landed = 1 + sum(held == ALL for p, _, _, held in outcomes if p != park)
    assert total == landed * FLOWS


def test_two_imports_at_once_both_land(
    db_url: str, engine: sa.Engine, launcher: Launcher, small_parks: dict[str, Path]
) -> None:
    commands = [launcher.start("--db", db_url, "import", str(f)) for f in small_parks.values()]
    for command in commands:
        assert command.wait() == 0, command.stderr()
        no_traceback(command)
    for park in small_parks:
        assert stored(engine, park) == SMALL
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM flows")).scalar_one() == 2 * SMALL[2]


def test_a_match_during_an_import_waits_or_says_why(
    db_url: str, engine: sa.Engine, launcher: Launcher, parks: dict[str, Path]
) -> None:
    """Matches start one after another while the import writes: those that wait the
    default time finish, those told to give up at once finish or say why in one line."""
    load_example(engine, "nam-cau-kien")
    park, folder = next(iter(parks.items()))
    importing = launcher.start("--db", db_url, "import", str(folder))
    wait_until(started_writing(engine, importing))
    match = ["--db", db_url, "match", "--park", "nam-cau-kien", "--json"]
    matches: list[tuple[bool, Command]] = []
    while importing.poll() is None and len(matches) < 6:
        hasty = len(matches) % 2 == 1
        env = {"PARKLOOP_SQLITE_BUSY_TIMEOUT": "0.05"} if hasty else {}
        matches.append((hasty, launcher.start(*match, env=env)))
        time.sleep(0.15)

    assert importing.wait() == 0, importing.stderr()
    outcomes = []
    for hasty, command in matches:
        code = command.wait()
        message = no_traceback(command)
        outcomes.append((hasty, code))
        if not hasty or code == 0:
            assert code == 0, message
            assert json.loads(command.out.read_text(encoding="utf-8"))
        else:
            # Said in the reader's language (Vietnamese by default), the driver's own words
            # quoted as they are.
            assert code == 1 and message.startswith("lỗi: ") and "\n" not in message
            assert "hãy chạy lại" in message and "run it again" not in message, message
    print(f"matches during the import (gave up at once?, exit code): {outcomes}")
    assert matches
    assert stored(engine, park) == ALL
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM matches")).scalar_one() > 0
