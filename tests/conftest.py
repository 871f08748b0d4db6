"""Fixtures shared by all tests.

Integration tests take the ``engine`` fixture and run once on SQLite and once on
PostgreSQL. PostgreSQL comes from PARKLOOP_TEST_PG_URL, or the tests start a throw-away
cluster with scripts/pgtemp (its URL carries the password it generated). If none can be
had, PostgreSQL tests are skipped and the summary says so loudly; with
PARKLOOP_REQUIRE_PG=1 (CI) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import sqlalchemy as sa
from hypothesis import settings

from parkloop.store import db

ROOT = Path(__file__).resolve().parents[1]

# Property tests explore new examples on every local run; CI (HYPOTHESIS_PROFILE=ci) runs
# the same examples each time, so that a merge is judged on the code, not on a draw. A
# failure found locally is kept in .hypothesis and replayed until fixed.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
_PG_PROBLEM: list[str] = []
# A page shows figures of the records as they are when it is asked for: tests write and
# read back at once. Showing earlier figures while newer ones are computed has tests of
# its own (tests/web/test_shared_figures.py), which set it.
os.environ["PARKLOOP_FIGURES_STALE"] = "0"


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    url = os.environ.get("PARKLOOP_TEST_PG_URL")
    if url:
        yield url
        return
    directory = tmp_path_factory.mktemp("pg") / "cluster"
    try:
        out = subprocess.run(
            [str(ROOT / "scripts" / "pgtemp"), "start", str(directory)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        _PG_PROBLEM.append(f"could not start PostgreSQL: {detail.strip()}")
        yield None
        return
    try:
        yield out.stdout.strip()
    finally:
        subprocess.run([str(ROOT / "scripts" / "pgtemp"), "stop", str(directory)], check=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: str | None) -> str | None:
    if pg_server is None:
        return None
    name = f"tmpl_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(db.resolve_url(pg_server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = db.make_engine(_with_database(pg_server, name))
    db.upgrade(engine)
    engine.dispose()
    admin.dispose()
    return name


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    pg_server: str | None,
) -> Iterator[str]:
    """A fresh, migrated database: SQLite file or PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    if pg_server is None or template is None:
        _pg_unavailable()
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(db.resolve_url(pg_server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _with_database(pg_server, name)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pg_unavailable() -> NoReturn:
    message = _PG_PROBLEM[0] if _PG_PROBLEM else "no PostgreSQL server"
    if os.environ.get("PARKLOOP_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL is required here (PARKLOOP_REQUIRE_PG=1): {message}")
    pytest.skip(f"PostgreSQL unavailable: {message}")


@pytest.fixture
def pg_admin_url(pg_server: str | None) -> str:
    """The PostgreSQL server's URL (its ``postgres`` database), for tests that make or
    break databases of their own."""
    if pg_server is None:
        _pg_unavailable()
    return pg_server


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    eng = db.make_engine(db_url)
    yield eng
    eng.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    _report_generated_files(terminalreporter)
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "PostgreSQL unavailable" in str(r.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep("!", "POSTGRESQL TESTS WERE SKIPPED", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(skipped)} integration tests did not run on PostgreSQL: "
            "install PostgreSQL 15 (apt-get install postgresql) or set PARKLOOP_TEST_PG_URL.",
            red=True,
        )


def _report_generated_files(terminalreporter: pytest.TerminalReporter) -> None:
    """The fuzz suite's count of generated files, summed over the workers of this run."""
    total, by_outcome = 0, Counter[str]()
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "teardown":
                continue
            for prop in getattr(report, "user_properties", ()):
                if prop[0] == "generated_files":
                    total += prop[1]
                elif prop[0] == "generated":
                    by_outcome[prop[1]] += prop[2]
    if total:
        said = ", ".join(f"{n} {what}" for what, n in sorted(by_outcome.items()))
        terminalreporter.write_sep("-", f"fuzz: {total} generated files ({said})")
