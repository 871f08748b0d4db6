"""Saving proposals by the bulk path: a pair proposed again keeps its id, a proposal not
made again goes, a decided match stays, and the packed-pair path and the pair-by-pair
path leave the same table (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa

from parkloop.examples import load_example
from parkloop.services import matching, saving
from parkloop.store import matching as store
from parkloop.store import sql
from parkloop.store.schema import matches
from parkloop.store.sql import bulk_write


@pytest.fixture
def proposals(engine: sa.Engine) -> dict[str, Any]:
    load_example(engine, "nam-cau-kien")
    run = matching.run_matching(engine, all_parks=True)
    assert len(run) > 20
    return {k: np.asarray(v) for k, v in run.proposals.items() if k != "id"}


def _rows(engine: sa.Engine) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    keys = ("supply_kind", "supply_id", "demand_kind", "demand_id")
    with engine.connect() as conn:
        result = conn.execute(
            sa.select(matches.c.id, matches.c.status, matches.c.rank, *[matches.c[k] for k in keys])
        )
        return {tuple(r[3:]): tuple(r[:3]) for r in result}


def _subset(proposals: dict[str, Any], pick: np.ndarray) -> dict[str, Any]:
    return {k: v[pick] for k, v in proposals.items()}


@pytest.mark.parametrize("scope", ["all", "park"])
def test_a_bulk_replace_keeps_ids_drops_stale_and_keeps_decided(
    engine: sa.Engine, proposals: dict[str, Any], scope: str
) -> None:
    before = _rows(engine)
    n = len(proposals["supply_id"])
    park_ids = None if scope == "all" else sorted(set(proposals["park_id"].tolist()))
    # A decided match that is not proposed again stays; a proposal not made again goes.
    with engine.begin() as conn:
        decided = conn.execute(sa.select(sa.func.min(matches.c.id))).scalar_one()
        conn.execute(matches.update().where(matches.c.id == decided).values(status="rejected"))
    decided_key = next(k for k, v in before.items() if v[0] == decided)
    keep = np.arange(n) % 3 != 0
    kept = _subset(proposals, keep)
    kept_keys = set(
        zip(
            kept["supply_kind"].tolist(),
            kept["supply_id"].tolist(),
            kept["demand_kind"].tolist(),
            kept["demand_id"].tolist(),
            strict=True,
        )
    )
    with engine.begin() as conn:
        ids = store.save_proposals(conn, park_ids, kept)
    after = _rows(engine)
    assert len(ids) == int(keep.sum())
    for key, (mid, _, _) in after.items():
        if key in kept_keys:
            assert before[key][0] == mid  # a pair proposed again keeps its id
    assert set(after) == kept_keys | {decided_key}
    assert after[decided_key][1] == "rejected" or decided_key in kept_keys
    # Saving everything again: the dropped pairs come back with new ids, in row order.
    with engine.begin() as conn:
        again = store.save_proposals(conn, park_ids, proposals)
    final = _rows(engine)
    for i in range(n):
        key = (
            proposals["supply_kind"][i],
            int(proposals["supply_id"][i]),
            proposals["demand_kind"][i],
            int(proposals["demand_id"][i]),
        )
        assert final[key][0] == again[i]
        assert final[key][2] == int(proposals["rank"][i])
        if keep[i]:
            assert again[i] == before[key][0]
    kept_ids = {before[k][0] for k in kept_keys}
    assert len(set(again.tolist())) == n
    assert not kept_ids & set(again[~keep].tolist())  # dropped pairs come back as new


def test_the_packed_and_the_pair_by_pair_paths_agree(
    engine: sa.Engine, proposals: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    n = len(proposals["supply_id"])
    first = _subset(proposals, np.arange(n) % 2 == 0)

    def saved(path: str) -> tuple[list[Any], dict[tuple[Any, ...], tuple[Any, ...]]]:
        with engine.begin() as conn:
            conn.execute(matches.delete())
        if path == "pairs":
            monkeypatch.setattr(store, "_packed_pairs", lambda *a: None)
        ids = []
        for part in (first, proposals):
            with engine.begin() as conn:
                ids.append(store.save_proposals(conn, None, part))
        monkeypatch.undo()
        base = int(ids[0].min())
        rows = {k: (v[0] - base, *v[1:]) for k, v in _rows(engine).items()}
        return [(i - base).tolist() for i in ids], rows

    assert saved("packed") == saved("pairs")


def test_bulk_write_inserts_and_upserts_with_constants(engine: sa.Engine) -> None:
    table = sa.Table(
        "bulk_write_check",
        sa.MetaData(),
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("value", sa.Float),
    )
    table.create(engine)
    try:
        with engine.begin() as conn:
            columns = ["code", "name", "value"]
            rows = np.array([[f"m{i}", f"M {i}", i * 0.5] for i in range(1500)], dtype=object)
            bulk_write(
                conn, table, columns, list(rows.T), ["code"], {"note": "v"}, insert_only=True
            )
            changed = np.array([["m1", "one", None], ["new", "New", 2.0]], dtype=object)
            bulk_write(conn, table, columns, list(changed.T), ["code"], {"note": "w"})
            got = {r[0]: tuple(r[1:]) for r in conn.execute(sa.select(table))}
    finally:
        table.drop(engine)
    assert len(got) == 1501
    assert got["m1"] == ("one", "w", None)
    assert got["m2"] == ("M 2", "v", 1.0)
    assert got["new"] == ("New", "w", 2.0)


def test_bulk_write_keeps_every_value_and_leaves_unchanged_rows_alone(engine: sa.Engine) -> None:
    """Text that needs quoting, empty text beside NULL, numbers with and without NULLs,
    integers, booleans and dates come back as written; an upsert rewrites only the rows
    whose values change."""
    table = sa.Table(
        "bulk_write_values",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("name", sa.Text),
        sa.Column("share", sa.Float, nullable=False),
        sa.Column("maybe", sa.Float),
        sa.Column("flag", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("day", sa.Date),
    )
    names = ["id", "code", "name", "share", "maybe", "flag"]
    texts = ['a "quoted", text', "", None, "đường ống\nhơi", "x,y;z", "\\N"]
    shares = [0.1, 1 / 3, -0.0, 1e-300, 123456789.123456789, 2.0]
    rows = [
        [i + 1, f"c{i}", texts[i], shares[i], None if i % 2 else i * 0.25, i % 2 == 0]
        for i in range(6)
    ]

    def state(conn: sa.Connection) -> dict[str, tuple[Any, ...]]:
        return {r[1]: tuple(r) for r in conn.execute(sa.select(table))}

    table.create(engine)
    try:
        with engine.begin() as conn:
            bulk_write(
                conn,
                table,
                names,
                list(np.array(rows, dtype=object).T),
                ["code"],
                {"note": ""},
                insert_only=True,
            )
            first = state(conn)
            for row in rows:
                assert first[row[1]] == (*row, "", None)
            changed = [list(r) for r in rows]
            changed[2][3] = 0.7  # one value of one row changes
            with _rewritten(conn, table) as count:
                bulk_write(
                    conn,
                    table,
                    names,
                    list(np.array(changed, dtype=object).T),
                    ["code"],
                    {"note": ""},
                )
            assert count == [1]
            after = state(conn)
            assert after["c2"][3] == 0.7
            assert {k: v for k, v in after.items() if k != "c2"} == {
                k: v for k, v in first.items() if k != "c2"
            }
            # A column of dates goes the row-by-row way on PostgreSQL, with the same result.
            dated = [[*r[:2], r[3], r[5], dt.date(2026, 1, 1 + i)] for i, r in enumerate(rows)]
            dates = np.array(dated, dtype=object)
            columns = ["id", "code", "share", "flag", "day"]
            bulk_write(conn, table, columns, list(dates.T), ["code"], {"note": ""})
            assert state(conn)["c3"][-1] == dt.date(2026, 1, 4)
            assert state(conn)["c3"][:-1] == first["c3"][:-1]
    finally:
        table.drop(engine)


@contextmanager
def _rewritten(conn: sa.Connection, table: sa.Table) -> Iterator[list[int]]:
    """How many rows of ``table`` the block writes (inserts or rewrites): PostgreSQL's rows
    that move to a new place (a rewritten row is a new version), SQLite's changes."""
    count: list[int] = []
    if conn.dialect.name == "postgresql":
        query = sa.text(f"SELECT code, ctid::text FROM {table.name}")
        before = {k: v for k, v in conn.execute(query)}
        yield count
        after = {k: v for k, v in conn.execute(query)}
        count.append(sum(before.get(k) != v for k, v in after.items()))
        return
    raw = conn.connection.driver_connection
    start = raw.total_changes  # type: ignore[union-attr]
    yield count
    count.append(raw.total_changes - start)  # type: ignore[union-attr]


def test_a_save_over_unchanged_proposals_writes_only_what_changed(
    engine: sa.Engine, proposals: dict[str, Any]
) -> None:
    """Rows saved with the same values and still proposed are not written again; a
    changed value, or a decided match proposed again, is."""
    with engine.begin() as conn:
        ids = store.save_proposals(conn, None, proposals)
    again = {k: v.copy() for k, v in proposals.items()}
    again["net_benefit_vnd_per_year"][3] += 1000.0
    with engine.begin() as conn:
        store.decide(conn, int(ids[5]), "rejected", "broker", "not now")
    hashed = sa.select(matches.c.saved_hash).where(matches.c.id == int(ids[5]))
    with engine.connect() as conn:
        assert conn.scalar(hashed) is None  # a decision clears the saved hash
    with engine.begin() as conn:
        before = conn.execute(sa.select(matches.c.id, matches.c.saved_hash)).all()
        raw = conn.connection.driver_connection
        start = raw.total_changes if conn.dialect.name == "sqlite" else 0  # type: ignore[union-attr]
        assert (store.save_proposals(conn, None, again) == ids).all()
        after = dict(conn.execute(sa.select(matches.c.id, matches.c.saved_hash)).all())
        if conn.dialect.name == "sqlite":
            assert raw.total_changes - start == 2  # type: ignore[union-attr]
    rewritten = {mid for mid, saved in before if after[mid] != saved}
    assert rewritten == {int(ids[3]), int(ids[5])}
    with engine.connect() as conn:
        row = conn.execute(sa.select(matches).where(matches.c.id == int(ids[5]))).mappings().one()
        value = conn.scalar(
            sa.select(matches.c.net_benefit_vnd_per_year).where(matches.c.id == int(ids[3]))
        )
    assert row["status"] == "proposed" and row["decision_reason"] == ""
    assert value == float(again["net_benefit_vnd_per_year"][3])


def test_a_first_save_stores_what_the_upsert_path_stores(
    engine: sa.Engine, proposals: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into an empty table (PostgreSQL: one binary COPY straight into the table) the rows
    are those the general path writes, value for value."""

    def saved() -> tuple[list[int], list[tuple[Any, ...]]]:
        with engine.begin() as conn:
            conn.execute(matches.delete())
        with engine.begin() as conn:
            ids = store.save_proposals(conn, None, proposals)
        columns = [c for c in matches.c if c.name not in ("id", "created_at")]
        with engine.connect() as conn:
            rows = conn.execute(sa.select(matches.c.id, *columns).order_by(matches.c.id)).all()
        base = int(ids.min())
        return (ids - base).tolist(), [(r[0] - base, *r[1:]) for r in rows]

    direct = saved()
    for module in (sql, store):
        monkeypatch.setattr(module, "copy_insert", lambda *a, **k: False)
    assert saved() == direct


def test_a_failed_first_save_leaves_the_table_as_it_was(
    engine: sa.Engine, proposals: dict[str, Any]
) -> None:
    """SQLite drops the park and status index while it fills an empty table: a save that
    fails takes the rows back and leaves the index in place."""
    with engine.begin() as conn:
        conn.execute(matches.delete())
    with pytest.raises(RuntimeError), engine.begin() as conn:
        store.save_proposals(conn, None, proposals)
        raise RuntimeError("after the rows, before the commit")
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(matches)) == 0
        indexes = {i["name"] for i in sa.inspect(conn).get_indexes("matches")}
    assert "ix_matches_park_status" in indexes


def test_copy_insert_keeps_every_value(engine: sa.Engine) -> None:
    """PostgreSQL's binary COPY straight into a table: text that needs quoting, empty
    text beside NULL, floats, integers of both widths and booleans come back as written;
    a column it cannot send (NULL among numbers, a date) leaves it to the other path."""
    if engine.dialect.name != "postgresql":
        pytest.skip("binary COPY is PostgreSQL's")
    table = sa.Table(
        "copy_insert_values",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("share", sa.Float, nullable=False),
        sa.Column("big", sa.BigInteger, nullable=False),
        sa.Column("flag", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("day", sa.Date),
    )
    texts = ['a "quoted", text', "", None, "đường ống\nhơi", "x,y;z", "\\N"]
    shares = [0.1, 1 / 3, -0.0, 1e-300, 123456789.123456789, float("inf")]
    rows = [
        (i + 1, f"c{i}", texts[i], shares[i], (1 << 40) * (i - 2), i % 2 == 0) for i in range(6)
    ]
    names = ["id", "code", "name", "share", "big", "flag"]
    columns = [np.array([r[j] for r in rows], dtype=object) for j in range(len(names))]
    columns[4] = columns[4].astype(np.int64)
    table.create(engine)
    try:
        with engine.begin() as conn:
            assert sql.copy_insert(conn, table, names, columns, {"note": "v"}, part=4)
            got = {r[0]: tuple(r) for r in conn.execute(sa.select(table))}
            with_null = [*columns[:3], np.array([0.5, None, *shares[2:]], dtype=object)]
            assert not sql.copy_insert(conn, table, names[:4], with_null)
            days = np.array([dt.date(2026, 1, 1)] * 6, dtype=object)
            assert not sql.copy_insert(conn, table, ["id", "day"], [columns[0], days])
    finally:
        table.drop(engine)
    assert got == {r[0]: (*r, "v", None) for r in rows}


def test_a_run_that_fails_after_matching_saves_nothing(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proposals are saved beside screening (PostgreSQL) or after it (SQLite): when
    screening fails, none is kept."""
    load_example(engine, "nam-cau-kien")

    def fails(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("screening failed")

    monkeypatch.setattr(matching, "screen_proposals", fails)
    with pytest.raises(RuntimeError, match="screening failed"):
        matching.run_matching(engine, all_parks=True)
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(matches)) == 0


def _stored(engine: sa.Engine) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Every stored match by pair: its id counted from the first, then every other value
    but the time it was written."""
    keys = ("supply_kind", "supply_id", "demand_kind", "demand_id")
    others = [c for c in matches.c if c.name not in ("id", "created_at", *keys)]
    with engine.connect() as conn:
        first = conn.scalar(sa.select(sa.func.min(matches.c.id))) or 0
        result = conn.execute(sa.select(*[matches.c[k] for k in keys], matches.c.id, *others))
        return {tuple(r[:4]): (r[4] - first, *r[5:]) for r in result}


def test_a_run_saved_a_part_at_a_time_stores_what_one_save_stores(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Supplies are matched a part at a time and each part saved as it is found (SQLite:
    by a process of its own; PostgreSQL: into one COPY left open): the proposals and the
    rows stored, ids in the same order, are those of one run saved whole; saved again
    over themselves, nothing changes."""
    load_example(engine, "nam-cau-kien")
    whole = matching.run_matching(engine, all_parks=True)
    assert len(matching._supply_parts(whole.supplies)) == 1
    stored = _stored(engine)
    with engine.begin() as conn:
        conn.execute(matches.delete())
    monkeypatch.setattr(matching, "PART_SUPPLIES", 10)
    if engine.dialect.name == "sqlite":
        monkeypatch.setattr(saving.threading, "active_count", lambda: 1)
        monkeypatch.setattr(saving, "_cores", lambda: 2)
        assert saving.can_fork(engine)
    assert len(matching._supply_parts(whole.supplies)) > 3
    parted = matching.run_matching(engine, all_parks=True)
    assert _stored(engine) == stored
    for name, column in whole.proposals.items():
        got = np.asarray(parted.proposals[name])
        if name == "id":
            got, column = got - got.min(), np.asarray(column) - np.min(column)
        assert got.tolist() == np.asarray(column).tolist(), name
    assert parted.seconds["save"] > 0
    matching.run_matching(engine, all_parks=True)
    assert _stored(engine) == stored


def test_a_run_failing_between_parts_leaves_the_table_as_it_was(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts handed to the save already, a run that fails keeps none of them: the matches
    saved before stay as they were."""
    load_example(engine, "nam-cau-kien")
    matching.run_matching(engine, all_parks=True)
    with engine.begin() as conn:
        conn.execute(matches.delete().where(matches.c.id % 2 == 0))
        conn.execute(matches.update().values(score=-1.0))
    before = _stored(engine)
    monkeypatch.setattr(matching, "PART_SUPPLIES", 10)
    if engine.dialect.name == "sqlite":
        monkeypatch.setattr(saving.threading, "active_count", lambda: 1)
        monkeypatch.setattr(saving, "_cores", lambda: 2)
    made = matching._proposals
    calls = []

    def fails(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the third part failed")
        return made(*args, **kwargs)

    monkeypatch.setattr(matching, "_proposals", fails)
    with pytest.raises(RuntimeError, match="third part"):
        matching.run_matching(engine, all_parks=True)
    assert _stored(engine) == before
    with engine.connect() as conn:
        indexes = {i["name"] for i in sa.inspect(conn).get_indexes("matches")}
    assert "ix_matches_park_status" in indexes
