"""Accounts of facilitators (the parks that engaged them) and of authorities of one
province or one region: created and listed at the command line, seen through the
viewer every service filters by, and the schema change that holds them (both
databases)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from typer.testing import CliRunner

from parkloop.cli import app
from parkloop.domain.permissions import Role, Viewer
from parkloop.errors import NotAllowed, NotFound, UserError
from parkloop.services import accounts, registry
from parkloop.services.importing import import_path
from parkloop.store import accounts as store
from parkloop.store import db

runner = CliRunner()
PASSWORD = "mật khẩu đủ dài 2026"
SHEETS = {
    "parks": [
        ["code", "name_vi", "province", "lat", "lon"],
        ["kcn-l", "KCN L", "Hải Phòng", "20.93", "106.62"],
        # Hải Dương is part of Hải Phòng since 2025; Bình Dương of Hồ Chí Minh.
        ["kcn-m", "KCN M", "Hải Dương", "20.94", "106.31"],
        ["kcn-n", "KCN N", "Bình Dương", "11.05", "106.65"],
    ],
    "enterprises": [
        ["park", "code", "name_vi", "vsic", "lat", "lon"],
        ["kcn-l", "thep", "Thép", "24", "20.931", "106.621"],
        ["kcn-m", "khac", "Khác", "25", "20.941", "106.311"],
        ["kcn-n", "giay", "Giấy", "17", "11.051", "106.651"],
    ],
}


def write(folder: Path, sheets: dict[str, list[list[str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    return folder


@pytest.fixture
def parks(engine: sa.Engine, tmp_path: Path) -> dict[str, int]:
    import_path(engine, write(tmp_path / "sheets", SHEETS))
    return {p.code: int(p.id) for p in registry.parks(engine) if p.id is not None}


def url_of(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def cli(engine: sa.Engine, *args: str) -> Any:
    result = runner.invoke(
        app, ["--db", url_of(engine), *args], env={"PARKLOOP_NEW_PASSWORD": PASSWORD}
    )
    return result


def viewer(engine: sa.Engine, email: str) -> Viewer:
    with engine.connect() as conn:
        user = store.user_by_email(conn, email)
    assert user is not None
    return accounts.viewer_of(user)


def test_users_add_and_list_facilitators_and_authorities_of_a_province_or_region(
    engine: sa.Engine, parks: dict[str, int]
) -> None:
    added = cli(
        engine, "--lang", "en", "users", "add", "recp@cpc.vn", "--role", "facilitator",
        "--park", "kcn-l", "--park", "kcn-n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "created facilitator account recp@cpc.vn of kcn-l, kcn-n" in added.output
    # A province typed by its name from before 2025, as the importer reads it.
    added = cli(
        engine,
        "--lang",
        "en",
        "users",
        "add",
        "hp@gov.vn",
        "--role",
        "authority",
        "--province",
        "Hải Dương",
    )
    assert added.exit_code == 0, added.output
    assert "of Hải Phòng" in added.output and "'Hải Dương' is part of Hải Phòng" in added.output
    assert "parks it oversees now: 2" in added.output
    added = cli(
        engine, "--lang", "en", "users", "add", "rrd@gov.vn", "--role", "authority", "--region",
        "Đồng bằng sông Hồng",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    added = cli(engine, "--lang", "en", "users", "add", "moit@gov.vn", "--role", "authority")
    assert added.exit_code == 0 and "of every park" in added.output, added.output

    listed = cli(engine, "users", "list", "--json")
    assert listed.exit_code == 0, listed.output
    rows = {r["email"]: r for r in json.loads(listed.stdout)}
    assert rows["recp@cpc.vn"]["parks"] == ["kcn-l", "kcn-n"]
    assert rows["recp@cpc.vn"]["park"] is None
    assert (rows["hp@gov.vn"]["province"], rows["hp@gov.vn"]["region"]) == ("hai-phong", None)
    assert rows["rrd@gov.vn"]["region"] == "red-river-delta"
    assert rows["moit@gov.vn"]["province"] is None and rows["moit@gov.vn"]["region"] is None
    assert cli(engine, "users", "list").exit_code == 0  # the table of the same rows

    hai_phong = frozenset({parks["kcn-l"], parks["kcn-m"]})
    found = viewer(engine, "recp@cpc.vn")
    assert found.role is Role.FACILITATOR and found.scope is None
    assert found.parks == {parks["kcn-l"], parks["kcn-n"]}
    assert found.park_id is None and found.org_id is None
    assert viewer(engine, "hp@gov.vn").scope == hai_phong
    assert viewer(engine, "rrd@gov.vn").scope == hai_phong
    assert viewer(engine, "moit@gov.vn").scope is None


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--role", "facilitator"), "give --park"),
        (("--role", "facilitator", "--park", "kcn-l", "--org", "thep"), "leave out --org"),
        (("--role", "facilitator", "--park", "kcn-x"), "no park 'kcn-x'"),
        (("--role", "facilitator", "--park", "kcn-l", "--province", "Hải Phòng"), "no province"),
        (("--role", "authority", "--park", "kcn-l"), "belongs to no park"),
        (("--role", "authority", "--province", "Hải Phòng", "--region", "southeast"), "not both"),
        (("--role", "authority", "--province", "Hải Phong Xyz"), "the nearest: Hải Phòng"),
        (("--role", "authority", "--region", "north pole"), "red-river-delta"),
        (("--role", "operator", "--park", "kcn-l", "--park", "kcn-m"), "one park at most"),
        (("--role", "operator", "--park", "kcn-l", "--region", "southeast"), "no province"),
    ],
)
def test_an_account_that_cannot_work_is_refused_and_nothing_is_created(
    engine: sa.Engine, parks: dict[str, int], args: tuple[str, ...], words: str
) -> None:
    result = cli(engine, "users", "add", "x@example.vn", *args)
    said = f"{result.output}{result.exception or ''}"
    assert result.exit_code == 1 and isinstance(result.exception, UserError), said
    assert words in said, said
    with engine.connect() as conn:
        assert conn.scalar(sa.text("select count(*) from users")) == 0


def test_only_the_administrator_creates_facilitators_and_scoped_authorities(
    engine: sa.Engine, parks: dict[str, int]
) -> None:
    operator = Viewer(Role.OPERATOR, park_id=parks["kcn-l"], name="operator@kcn-l")
    with pytest.raises(NotAllowed):
        accounts.add_user(engine, "f@cpc.vn", "facilitator", operator, parks=["kcn-l"])
    with pytest.raises(NotAllowed):
        accounts.add_user(engine, "a@gov.vn", "authority", operator, province="Hải Phòng")
    with pytest.raises(NotFound):
        accounts.add_user(engine, "f@cpc.vn", "facilitator", Viewer.admin(), parks=["kcn-x"])
    with pytest.raises(UserError, match="not both"):
        accounts.add_user(
            engine, "a@gov.vn", "authority", Viewer.admin(), province="Hải Phòng", region="x"
        )


def test_a_park_imported_later_joins_its_province_and_its_operator_lists_its_facilitators(
    engine: sa.Engine, parks: dict[str, int], tmp_path: Path
) -> None:
    admin = Viewer.admin()
    accounts.add_user(engine, "hcm@gov.vn", "authority", admin, province="TP. Hồ Chí Minh")
    assert viewer(engine, "hcm@gov.vn").scope == frozenset({parks["kcn-n"]})
    later = {"parks": [["code", "name_vi", "province"], ["kcn-p", "KCN P", "Hồ Chí Minh"]]}
    import_path(engine, write(tmp_path / "later", later))
    p = next(int(x.id) for x in registry.parks(engine) if x.code == "kcn-p" and x.id)
    assert viewer(engine, "hcm@gov.vn").scope == frozenset({parks["kcn-n"], p})
    scoped = viewer(engine, "hcm@gov.vn")
    assert [x.code for x in registry.parks(engine, viewer=scoped)] == ["kcn-n", "kcn-p"]

    accounts.add_user(engine, "recp@cpc.vn", "facilitator", admin, parks=["kcn-l", "kcn-m"])
    accounts.add_user(engine, "op@kcn-l.vn", "operator", admin, park_code="kcn-l")
    accounts.add_user(engine, "op@kcn-n.vn", "operator", admin, park_code="kcn-n")
    seen_l = {u.email for u in accounts.users(engine, viewer(engine, "op@kcn-l.vn"))}
    seen_n = {u.email for u in accounts.users(engine, viewer(engine, "op@kcn-n.vn"))}
    assert seen_l == {"op@kcn-l.vn", "recp@cpc.vn"} and seen_n == {"op@kcn-n.vn"}
    # A park removed from the registry leaves the facilitator's list.
    with engine.begin() as conn:
        conn.execute(sa.text("delete from parks where code = 'kcn-m'"))
    assert viewer(engine, "recp@cpc.vn").parks == {parks["kcn-l"]}


def _rows(engine: sa.Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def test_the_migration_keeps_sessions_tokens_and_jobs_and_takes_the_new_role(
    engine: sa.Engine,
) -> None:
    config = db._alembic_config(engine)
    command.downgrade(config, "0007")
    with engine.begin() as conn:
        user_id = conn.execute(
            sa.text("insert into users (email, role) values ('op@kcn.vn', 'operator') returning id")
        ).scalar_one()
        conn.execute(
            sa.text(
                "insert into web_sessions (token_hash, user_id, expires_at) values ('s1', :u, :at)"
            ),
            {"u": user_id, "at": "2030-01-01 00:00:00"},
        )
        conn.execute(
            sa.text("insert into api_tokens (token_hash, user_id, name) values ('t1', :u, 'x')"),
            {"u": user_id},
        )
        conn.execute(
            sa.text(
                "insert into jobs (kind, params, result, user_id) values ('import', '{}', '{}', :u)"
            ),
            {"u": user_id},
        )
        with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
            conn.execute(
                sa.text("insert into users (email, role) values ('f@x.vn', 'facilitator')")
            )
    db.upgrade(engine)
    assert db.is_up_to_date(engine)
    kept = (
        _rows(engine, "select token_hash, user_id from web_sessions"),
        _rows(engine, "select token_hash, user_id from api_tokens"),
        _rows(engine, "select user_id from jobs"),
    )
    assert kept == ([("s1", user_id)], [("t1", user_id)], [(user_id,)])
    assert _rows(engine, "select province_code, region from users") == [("", "")]
    with engine.begin() as conn:
        conn.execute(sa.text("insert into users (email, role) values ('f@x.vn', 'facilitator')"))
        with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
            conn.execute(sa.text("insert into users (email, role) values ('n@x.vn', 'nobody')"))
    # The older schema cannot hold a facilitator: going back is refused until it is gone.
    with pytest.raises(RuntimeError, match="facilitators"):
        command.downgrade(config, "0007")
    with engine.begin() as conn:
        conn.execute(sa.text("delete from users where role = 'facilitator'"))
    command.downgrade(config, "0007")
    assert _rows(engine, "select token_hash, user_id from web_sessions") == kept[0]
    assert _rows(engine, "select user_id from jobs") == kept[2]
    db.upgrade(engine)
    assert _rows(engine, "select token_hash, user_id from api_tokens") == kept[1]
