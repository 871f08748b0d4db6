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
