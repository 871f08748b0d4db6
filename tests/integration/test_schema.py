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

    from parkloop.store.schema import STATEMENT_CHECKED_KEYS, metadata

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    if engine.dialect.name == "postgresql":  # kept by triggers there (migration 0013)
        added = [d for d in diff if d[0] == "add_fk" and d[1].name in STATEMENT_CHECKED_KEYS]
        assert sorted(d[1].name for d in added) == sorted(STATEMENT_CHECKED_KEYS)
        diff = [d for d in diff if d not in added]
    assert diff == []


def _park_and_firms(conn: sa.Connection) -> tuple[int, int, int]:
    park = conn.scalar(
        sa.text("insert into parks (code, name_vi) values ('ref-test', 'P') returning id")
    )
    firms = [
        conn.scalar(
            sa.text(
                "insert into organisations (park_id, code, name_vi, certifications, clubs) "
                f"values ({park}, '{code}', '{code}', '[]', '[]') returning id"
            )
        )
        for code in ("a", "b")
    ]
    return park, firms[0], firms[1]


def _match(park: int, supplier: int, receiver: int, demand_id: int = 1) -> sa.TextClause:
    return sa.text(
        "insert into matches (park_id, supply_kind, supply_id, demand_kind, demand_id, "
        "supplier_id, receiver_id, material_code, receiver_material_code, quantity, unit, "
        "distance_km, score, net_benefit_vnd_per_year, co2e_t_per_year, fingerprint) values "
        f"({park}, 'flow', 1, 'flow', {demand_id}, {supplier}, {receiver}, 'x', 'x', 1, 't', "
        "0, 0, 0, 0, '')"
    )


def test_matches_refer_to_existing_parks_and_firms(engine: sa.Engine) -> None:
    """On both databases (PostgreSQL: by statement-level triggers) a match naming a park
    or a firm that does not exist is refused, and a deleted firm or park takes its
    matches with it."""
    import pytest

    with engine.begin() as conn:
        park, a, b = _park_and_firms(conn)
        conn.execute(_match(park, a, b))
    for bad in ((park + 1000, a, b), (park, a + 1000, b), (park, a, b + 1000)):
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(_match(*bad, demand_id=2))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text(f"update matches set receiver_id = {b + 1000}"))
    with engine.begin() as conn:
        conn.execute(sa.text(f"update organisations set name_vi = 'B' where id = {b}"))
        conn.execute(sa.text(f"delete from organisations where id = {b}"))
        assert conn.scalar(sa.text("select count(*) from matches")) == 0
        conn.execute(_match(park, a, a))
        conn.execute(sa.text(f"delete from parks where id = {park}"))
        assert conn.scalar(sa.text("select count(*) from matches")) == 0


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
