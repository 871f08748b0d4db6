"""Opening databases: bad URLs, missing, empty and foreign databases, a busy database, and
output paths. Every failure is one line on stderr with exit code 1, never a traceback, and
never shows a password."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command as alembic

from parkloop.catalog.sheets import sheet_spec
from parkloop.cli import main
from parkloop.cli.state import State
from parkloop.errors import UserError
from parkloop.examples import load_example
from parkloop.services.session import Database, database_error_message, mask_passwords
from parkloop.store import db

PARK = "nam-cau-kien"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in this process, in English: exit code, stdout, stderr."""
    try:
        main(["--lang", "en", *args])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, err: str) -> str:
    assert code == 1, err
    assert "Traceback" not in err
    message = err.strip()  # a progress bar may leave an empty line behind
    assert message.startswith("error: "), err
    assert "\n" not in message, err
    return message


def small_park(directory: Path) -> Path:
    """A park of two firms in parkloop's CSV layout."""
    sheets: dict[str, list[dict[str, Any]]] = {
        "parks": [{"code": "kcn-nho", "name_vi": "Khu công nghiệp Nhỏ"}],
        "enterprises": [
            {"park": "kcn-nho", "code": "thep", "name_vi": "Công ty Thép"},
            {"park": "kcn-nho", "code": "xi-mang", "name_vi": "Công ty Xi măng"},
        ],
        "flows": [
            {
                "park": "kcn-nho",
                "enterprise": "thep",
                "period": "2024",
                "direction": "out",
                "material": "steel-slag",
                "quantity": 1200,
                "unit": "t",
            },
            {
                "park": "kcn-nho",
                "enterprise": "xi-mang",
                "period": "2024",
                "direction": "in",
                "material": "limestone",
                "quantity": 900,
                "unit": "t",
            },
        ],
    }
    directory.mkdir(parents=True, exist_ok=True)
    for key, rows in sheets.items():
        columns = [c.key for c in sheet_spec(key).columns if any(c.key in r for r in rows)]
        with (directory / f"{key}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return directory


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# -- settings -----------------------------------------------------------------------------------


def test_every_sqlite_connection_waits_as_long_as_the_setting_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    default = db.make_engine(url)
    with default.connect() as a, default.connect() as b:
        assert a.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert b.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert a.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    default.dispose()

    monkeypatch.setenv("PARKLOOP_SQLITE_BUSY_TIMEOUT", "2.5")
    short = db.make_engine(url)
    with short.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2_500
    short.dispose()

    for bad in ("soon", "-1", "nan", "inf"):
        monkeypatch.setenv("PARKLOOP_SQLITE_BUSY_TIMEOUT", bad)
        with pytest.raises(UserError, match=r"PARKLOOP_SQLITE_BUSY_TIMEOUT=.*number of seconds"):
            db.make_engine(url)


# -- a busy database ------------------------------------------------------------------------------

HOLDER = """
import sys, time
kind, target, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
if kind == "sqlite":
    import sqlite3
    con = sqlite3.connect(target, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
else:
    import psycopg
    con = psycopg.connect(target)
    con.execute("LOCK TABLE flows IN ACCESS EXCLUSIVE MODE")
print("holding", flush=True)
if seconds >= 0:
    time.sleep(seconds)
else:
    sys.stdin.read()
con.rollback()
"""


class Holder:
    """Another process that holds the database's write lock (SQLite) or an exclusive lock
    on the flows table (PostgreSQL), for ``seconds`` or until released."""

    def __init__(self, db_url: str, seconds: float) -> None:
        kind = "sqlite" if db_url.startswith("sqlite") else "postgresql"
        target = db_url.removeprefix("sqlite:///")
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, kind, target, str(seconds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "holding"

    def release(self) -> None:
        assert self.process.stdin is not None
        if not self.process.stdin.closed:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def hold_writes(db_url: str) -> Iterator[Callable[[float], Holder]]:
    holders: list[Holder] = []

    def hold(seconds: float = -1) -> Holder:
        holders.append(Holder(db_url, seconds))
        return holders[-1]

    yield hold
    for holder in holders:
        holder.release()


@pytest.fixture
def nck(engine: sa.Engine) -> sa.Engine:
    load_example(engine, PARK)
    return engine


def first_flow(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT min(id) FROM flows")).scalar_one())


def give_up_quickly(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a command give up on a lock after half a second, as the setting (SQLite) or
    PostgreSQL's lock_timeout says."""
    if db_url.startswith("sqlite"):
        monkeypatch.setenv("PARKLOOP_SQLITE_BUSY_TIMEOUT", "0.5")
    else:
        monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=500")


def test_a_write_waits_for_another_process_to_finish_writing(
    nck: sa.Engine,
    db_url: str,
    hold_writes: Callable[[float], Holder],
    capsys: pytest.CaptureFixture[str],
) -> None:
    flow = first_flow(nck)
    hold_writes(1.5)
    started = time.perf_counter()
    code, out, err = cli(capsys, "--db", db_url, "--lang", "en", "flows", "delete", str(flow))
    assert (code, err) == (0, ""), err
    assert time.perf_counter() - started > 1.0
    assert f"deleted flow {flow}" in out


def test_a_write_that_waits_too_long_says_what_to_do(
    nck: sa.Engine,
    db_url: str,
    tmp_path: Path,
    hold_writes: Callable[[float], Holder],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    flow = first_flow(nck)
    data = small_park(tmp_path / "small")
    give_up_quickly(db_url, monkeypatch)
    holder = hold_writes(-1)
    for args in (
        ["flows", "delete", str(flow)],
        ["match", "--park", PARK],
        ["import", str(data)],
    ):
        started = time.perf_counter()
        code, _, err = cli(capsys, "--db", db_url, *args)
        message = one_line_error(code, err)
        assert "run it again" in message, message
        if db_url.startswith("sqlite"):
            assert "waiting 0.5 s" in message and "PARKLOOP_SQLITE_BUSY_TIMEOUT" in message
        assert 0.4 < time.perf_counter() - started < 20, args
    holder.release()
    with nck.connect() as conn:
        assert conn.execute(sa.text(f"SELECT count(*) FROM flows WHERE id = {flow}")).scalar()
        assert not conn.execute(
            sa.text("SELECT count(*) FROM parks WHERE code = 'kcn-nho'")
        ).scalar()


def test_postgresql_conflicts_are_explained(pg_database: str) -> None:
    """A serialization failure (or a deadlock) says to run the command again."""
    engine = sa.create_engine(db.resolve_url(pg_database), isolation_level="SERIALIZABLE")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE things (name text)"))
    with (
        pytest.raises(sa.exc.OperationalError) as caught,
        engine.connect() as a,
        engine.connect() as b,
    ):
        a.execute(sa.text("SELECT count(*) FROM things")).scalar()
        b.execute(sa.text("SELECT count(*) FROM things")).scalar()
        a.execute(sa.text("INSERT INTO things VALUES ('a')"))
        b.execute(sa.text("INSERT INTO things VALUES ('b')"))
        a.commit()
        b.commit()
    engine.dispose()
    message = database_error_message(caught.value)
    assert "could not serialize" in message and "run it again" in message
    assert "\n" not in message


# -- bad URLs and passwords ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("garbage", "'garbage' is not a database URL"),
        ("mysql://u:p4ss@h/db", "parkloop works with SQLite and PostgreSQL only"),
        ("postgresql+psycopg2://u:p4ss@h/db", "parkloop works with SQLite and PostgreSQL only"),
        ("postgresql://user:secret@127.0.0.1:1/x", "cannot open database postgresql://user:***@"),
        ("postgresql://user:secret@127.0.0.1:notaport/x", "is not a database URL"),
    ],
)
def test_a_bad_database_url_is_one_line_without_its_password(
    url: str,
    says: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["--db", url, "parks", "list"], ["--db", url, "db", "upgrade"]):
        code, out, err = cli(capsys, *args)
        message = one_line_error(code, err)
        assert says in message
        assert "secret" not in out + err and "p4ss" not in out + err
    monkeypatch.setenv("PARKLOOP_DATABASE_URL", url)
    code, out, err = cli(capsys, "parks", "list")
    assert says in one_line_error(code, err)
    assert "secret" not in out + err and "p4ss" not in out + err
    assert list(tmp_path.iterdir()) == []


def test_a_wrong_password_is_refused_without_showing_it(
    pg_admin_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sa.engine.make_url(pg_admin_url).set(password="hunter2-wrong")
    typed = url.render_as_string(hide_password=False)
    probe = sa.create_engine(db.resolve_url(typed))
    try:
        probe.connect().close()
        pytest.skip("this PostgreSQL server lets anyone in without a password")
    except sa.exc.OperationalError:
        pass
    finally:
        probe.dispose()
    code, out, err = cli(capsys, "--db", typed, "parks", "list")
    message = one_line_error(code, err)
    assert "password authentication failed" in message
    assert "hunter2" not in out + err and ":***@" in message


def test_passwords_are_masked_in_any_message() -> None:
    assert (
        mask_passwords("cannot open postgresql://ana:s3cr@t@db.example:5432/parks: refused")
        == "cannot open postgresql://ana:***@db.example:5432/parks: refused"
    )
    assert mask_passwords("host=h password=abc user=u") == "host=h password=*** user=u"
    assert mask_passwords("postgresql://ana@h/db and sqlite:///x.db") == (
        "postgresql://ana@h/db and sqlite:///x.db"
    )


# -- what may create or change a database --------------------------------------------------------

READ_ONLY = [
    ["parks", "list"],
    ["enterprises", "list", "--park", "x"],
    ["flows", "list", "--park", "x"],
    ["matches", "list", "--park", "x"],
    ["match", "--park", "x"],
    ["account", "--park", "x"],
    ["assess", "--park", "x", "--ruleset", "decree-35-2022"],
    ["export", "--format", "json", "-o", "out.json"],
    ["db", "status"],
]


@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: "-".join(c[:2]))
def test_read_only_commands_never_create_a_database(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PARKLOOP_DATABASE_URL", raising=False)
    code, _, err = cli(capsys, *command)
    message = one_line_error(code, err)
    assert f"no database at {tmp_path / 'parkloop.db'}; create it with `parkloop db upgrade`" in (
        message
    )
    assert list(tmp_path.iterdir()) == []


def test_only_loading_commands_create_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PARKLOOP_DATABASE_URL", raising=False)
    code, out, err = cli(capsys, "db", "upgrade")
    assert code == 0, err
    assert f"database {tmp_path / 'parkloop.db'}: schema none -> " in "".join(out.splitlines())
    assert cli(capsys, "parks", "list")[0] == 0

    other = tmp_path / "other.db"
    state = State(database=Database(f"sqlite:///{other}"))
    with pytest.raises(UserError, match="no database at"):
        state.engine()
    assert not other.exists()
    engine = state.engine(create=True)
    assert db.is_up_to_date(engine)
    state.database.dispose()

    code, _, err = cli(capsys, "--db", f"sqlite:///{tmp_path / 'no' / 'x.db'}", "db", "upgrade")
    assert f"folder {tmp_path / 'no'} does not exist; create it first" in one_line_error(code, err)


def test_another_programs_sqlite_file_is_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unrelated = tmp_path / "unrelated.db"
    with sqlite3.connect(unrelated) as con:
        con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        con.execute("INSERT INTO invoices (total) VALUES (12.5)")
    con.close()
    data = small_park(tmp_path / "data")
    before = files_in(tmp_path)
    url = f"sqlite:///{unrelated}"
    for args in (["parks", "list"], ["db", "status"], ["db", "upgrade"], ["import", str(data)]):
        code, _, err = cli(capsys, "--db", url, *args)
        message = one_line_error(code, err)
        assert f"{unrelated} is not a parkloop database" in message, args
        assert "nothing was changed" in message
    with pytest.raises(UserError, match="not a parkloop database"):
        Database(url).engine(create=True)
    assert files_in(tmp_path) == before

    versioned = tmp_path / "versioned.db"
    with sqlite3.connect(versioned) as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.execute("INSERT INTO alembic_version VALUES ('00')")
        con.execute("CREATE TABLE parks (id INTEGER PRIMARY KEY)")
    con.close()
    code, _, err = cli(capsys, "--db", f"sqlite:///{versioned}", "db", "upgrade")
    assert "its schema version '00' is not one of parkloop's" in one_line_error(code, err)

    text = tmp_path / "notes.db"
    text.write_text("not a database at all\n" * 100)
    code, _, err = cli(capsys, "--db", f"sqlite:///{text}", "parks", "list")
    assert f"{text} is not an SQLite database" in one_line_error(code, err)
    assert text.read_text() == "not a database at all\n" * 100


def test_an_older_schema_is_upgraded_only_by_loading_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    alembic.downgrade(db._alembic_config(engine), "0002")
    code, _, err = cli(capsys, "--db", url, "parks", "list")
    assert "is at schema 0002" in one_line_error(code, err)
    assert "run `parkloop db upgrade` first" in err
    assert db.current_revision(engine) == "0002"
    Database(url).engine(create=True)
    assert db.is_up_to_date(engine)
    engine.dispose()


@pytest.fixture
def pg_database(pg_admin_url: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database."""
    name = f"e_{os.getpid()}_{time.monotonic_ns() % 10**9}"
    admin = sa.create_engine(db.resolve_url(pg_admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield pg_admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def tables_of(url: str) -> set[str]:
    engine = sa.create_engine(db.resolve_url(url))
    with engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    return names


def test_postgresql_databases_missing_empty_or_foreign_are_refused(
    pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = pg_database.rsplit("/", 1)[0] + "/no_such_database"
    code, _, err = cli(capsys, "--db", missing, "parks", "list")
    assert "no database at postgresql://" in one_line_error(code, err)
    assert "no_such_database; create it with `parkloop db upgrade`" in err

    code, _, err = cli(capsys, "--db", pg_database, "parks", "list")
    assert "is empty; create it with `parkloop db upgrade`" in one_line_error(code, err)
    assert tables_of(pg_database) == set()

    engine = sa.create_engine(db.resolve_url(pg_database))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE invoices (id integer primary key)"))
    engine.dispose()
    for args in (["parks", "list"], ["import", "nothing.json"]):
        code, _, err = cli(capsys, "--db", pg_database, *args)
        assert "is not a parkloop database" in one_line_error(code, err)
    assert tables_of(pg_database) == {"invoices"}

    # A PostgreSQL database is often shared: `db upgrade` may add parkloop's tables to it.
    assert cli(capsys, "--db", pg_database, "db", "upgrade")[0] == 0
    assert {"invoices", "parks", "flows"} <= tables_of(pg_database)
    assert cli(capsys, "--db", pg_database, "parks", "list")[0] == 0


# -- output paths --------------------------------------------------------------------------------


def test_export_and_template_refuse_folders_and_missing_folders(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "existing"
    folder.mkdir()
    for fmt in ("xlsx", "json"):
        code, _, err = cli(capsys, "--db", db_url, "export", "--format", fmt, "-o", str(folder))
        assert f"{folder} is a folder" in one_line_error(code, err)
    code, _, err = cli(capsys, "--db", db_url, "template", "-o", str(folder))
    assert f"{folder} is a folder" in one_line_error(code, err)

    missing = tmp_path / "missing" / "deeper"
    for fmt, name in (("xlsx", "x.xlsx"), ("json", "x.json"), ("csv", "x")):
        code, _, err = cli(
            capsys, "--db", db_url, "export", "--format", fmt, "-o", str(missing / name)
        )
        assert f"folder {missing} does not exist; create it first" in one_line_error(code, err)
    code, _, err = cli(capsys, "--db", db_url, "template", "-o", str(missing / "t.xlsx"))
    assert f"folder {missing} does not exist; create it first" in one_line_error(code, err)
    assert not (tmp_path / "missing").exists()

    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    code, _, err = cli(capsys, "--db", db_url, "export", "--format", "csv", "-o", str(plain))
    assert "a CSV export is a directory" in one_line_error(code, err)

    assert cli(capsys, "--db", db_url, "export", "--format", "csv", "-o", str(folder / "c"))[0] == 0
    assert (folder / "c" / "flows.csv").exists()
    assert (
        cli(capsys, "--db", db_url, "export", "--format", "json", "-o", str(folder / "e.json"))[0]
        == 0
    )
