"""Saving proposals by the bulk path: a pair proposed again keeps its id, a proposal not
made again goes, a decided match stays, and the packed-pair path and the pair-by-pair
path leave the same table (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa

from parkloop.examples import load_example
from parkloop.services import matching
from parkloop.store import matching as store
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
            bulk_write(conn, table, columns, rows, ["code"], {"note": "v"}, insert_only=True)
            changed = np.array([["m1", "one", None], ["new", "New", 2.0]], dtype=object)
            bulk_write(conn, table, columns, changed, ["code"], {"note": "w"})
            got = {r[0]: tuple(r[1:]) for r in conn.execute(sa.select(table))}
    finally:
        table.drop(engine)
    assert len(got) == 1501
    assert got["m1"] == ("one", "w", None)
    assert got["m2"] == ("M 2", "v", 1.0)
    assert got["new"] == ("New", "w", 2.0)
