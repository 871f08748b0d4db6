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


def test_migrations_build_exactly_the_declared_schema(engine: sa.Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from parkloop.store.schema import metadata

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_evidence_provenance_moves_from_note_trailer_to_columns(engine: sa.Engine) -> None:
    from alembic import command

    command.downgrade(db._alembic_config(engine), "0002")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into parks (code, name_vi, name_en, province, country) "
                "values ('p', 'P', 'P', 'Hải Phòng', 'VN')"
            )
        )
        park_id = conn.scalar(sa.text("select id from parks where code = 'p'"))
        for note in (
            "Biên bản kiểm tra\n[data_status: estimated][source: Sở TN&MT 2024]",
            "[data_status: measured][source: ]",
            "plain note",
        ):
            conn.execute(
                sa.text(
                    "insert into evidence (park_id, indicator_id, year, note) "
                    "values (:p, 'x', 2024, :n)"
                ),
                {"p": park_id, "n": note},
            )
    db.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select note, data_status, source from evidence order by id")
        ).all()
    assert [tuple(r) for r in rows] == [
        ("Biên bản kiểm tra", "estimated", "Sở TN&MT 2024"),
        ("", "measured", ""),
        ("plain note", "reported", ""),
    ]
    command.downgrade(db._alembic_config(engine), "0002")
    with engine.connect() as conn:
        notes = conn.execute(sa.text("select note from evidence order by id")).scalars().all()
    assert notes[0] == "Biên bản kiểm tra\n[data_status: estimated][source: Sở TN&MT 2024]"
    assert notes[2] == "plain note\n[data_status: reported][source: ]"
