"""The dialect helpers of store/sql.py, on both databases."""

import sqlalchemy as sa

from parkloop.store.schema import parks
from parkloop.store.sql import reserve_ids


def _park(i: int) -> dict[str, object]:
    return {"code": f"p{i}", "name_vi": f"KCN {i}"}


def test_reserved_ids_are_fresh_and_later_inserts_do_not_collide(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(parks.insert(), [_park(1), _park(2)])
        conn.execute(parks.delete().where(parks.c.code == "p2"))
    with engine.begin() as conn:
        first = reserve_ids(conn, parks, 3)
        assert first > conn.scalar(sa.select(sa.func.max(parks.c.id)))
        conn.execute(parks.insert(), [{"id": first + i, **_park(10 + i)} for i in range(3)])
    with engine.begin() as conn:
        later = conn.execute(parks.insert().values(_park(20)).returning(parks.c.id)).scalar_one()
        assert reserve_ids(conn, parks, 0) == later + 1
    assert later > first + 2


def test_fast_upsert_inserts_updates_and_writes_constants(engine: sa.Engine) -> None:
    from parkloop.store.sql import fast_upsert

    with engine.begin() as conn:
        fast_upsert(
            conn,
            parks,
            ["code", "name_vi"],
            [("a", "KCN A"), ("b", "KCN B")],
            ["code"],
            {"province": "Hải Phòng", "total_area_ha": 263.0},
        )
        fast_upsert(
            conn, parks, ["code", "name_vi"], iter([("b", "KCN B mới"), ("c", "KCN C")]), ["code"]
        )
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                parks.c.code, parks.c.name_vi, parks.c.province, parks.c.total_area_ha
            ).order_by(parks.c.code)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("a", "KCN A", "Hải Phòng", 263.0),
        ("b", "KCN B mới", "Hải Phòng", 263.0),
        ("c", "KCN C", "", None),
    ]


def _indexes(conn: sa.Connection) -> list[tuple[str, str]]:
    return [
        (name, sql)
        for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'flows' "
            "ORDER BY name"
        )
    ]


def test_indexes_after_a_large_write_are_the_same_and_come_back_on_failure(
    engine: sa.Engine,
) -> None:
    import pytest

    from parkloop.store import writes

    if engine.dialect.name != "sqlite":
        with engine.begin() as conn, writes.indexes_after(conn, "flows", 50_000):
            pass  # nothing to do on PostgreSQL
        return
    with engine.connect() as conn:
        before = _indexes(conn)
    assert any(sql for _, sql in before)
    with engine.begin() as conn:
        conn.execute(parks.insert().values(_park(1)))  # the transaction has written
        with writes.indexes_after(conn, "flows", 50_000):
            during = _indexes(conn)
        assert _indexes(conn) == before
    assert len(during) < len(before)  # the secondary indexes were built after
    assert all(sql is None for _, sql in during)  # the unique key stayed
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.execute(parks.insert().values(_park(2)))
        with writes.indexes_after(conn, "flows", 50_000):
            raise RuntimeError("the write failed")
    with engine.connect() as conn:
        assert _indexes(conn) == before
    with engine.begin() as conn:  # not written yet: nothing is dropped
        with writes.indexes_after(conn, "flows", 50_000):
            assert _indexes(conn) == before
        conn.execute(parks.insert().values(_park(3)))
        with writes.indexes_after(conn, "flows", 9_999):  # too few rows to be worth it
            assert _indexes(conn) == before


def test_holds_rows_of_and_insert_only(engine: sa.Engine) -> None:
    from parkloop.store import writes
    from parkloop.store.schema import land_use
    from parkloop.store.sql import fast_upsert

    with engine.begin() as conn:
        ids = [
            conn.execute(parks.insert().values(_park(i)).returning(parks.c.id)).scalar_one()
            for i in (1, 2)
        ]
        fast_upsert(
            conn,
            land_use,
            ["park_id", "land_class", "area_ha"],
            [(ids[0], "industrial", 120.0), (ids[0], "green", 30.5)],
            ["park_id", "land_class"],
            insert_only=True,
        )
        assert writes.holds_rows_of(conn, "land_use", [ids[0], ids[1]])
        assert not writes.holds_rows_of(conn, "land_use", [ids[1]])
        stored = conn.execute(
            sa.select(land_use.c.land_class, land_use.c.area_ha).order_by(land_use.c.id)
        ).all()
        assert [tuple(r) for r in stored] == [("industrial", 120.0), ("green", 30.5)]
