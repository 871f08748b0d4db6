import sqlalchemy as sa

from parkloop.catalog import catalog
from parkloop.store import db


def test_upgrade_is_idempotent_and_syncs_materials(engine: sa.Engine) -> None:
    assert db.is_up_to_date(engine)
    db.upgrade(engine)
    with engine.connect() as conn:
        count = conn.scalar(sa.text("select count(*) from materials"))
    assert count == len(catalog().materials)


def test_foreign_keys_are_enforced(engine: sa.Engine) -> None:
    import pytest

    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into organisations (park_id, code, name_vi, certifications, clubs) "
                "values (12345, 'x', 'x', '[]', '[]')"
            )
        )
