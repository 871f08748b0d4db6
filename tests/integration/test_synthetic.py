"""The synthetic national dataset: deterministic, inside Viet Nam, with the sector mix and
about ten flows per enterprise."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from parkloop.catalog import catalog
from parkloop.examples.synthetic import generate, templates
from parkloop.store.schema import flows, organisations, parks


def _fingerprint(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(
                parks.c.code,
                flows.c.key,
                flows.c.material_code,
                flows.c.quantity,
                flows.c.destination,
            )
            .join(parks, parks.c.id == flows.c.park_id)
            .order_by(parks.c.code, flows.c.key)
        ).all()


def test_generation_is_deterministic_and_realistic(engine: sa.Engine, tmp_path) -> None:
    counts = generate(engine, enterprises=600, park_count=6, seed=3)
    assert (counts.parks, counts.enterprises) == (6, 600)
    assert 8 * 600 <= counts.flows <= 13 * 600  # about ten flow records per enterprise
    with engine.connect() as conn:
        located = conn.execute(sa.select(parks.c.lat, parks.c.lon, parks.c.region)).all()
        sectors = dict(
            conn.execute(
                sa.select(organisations.c.vsic, sa.func.count())
                .where(organisations.c.kind == "enterprise")
                .group_by(organisations.c.vsic)
            ).all()
        )
        statuses = set(conn.scalars(sa.select(flows.c.data_status).distinct()))
    regions = set(catalog().regions)
    for lat, lon, region in located:
        assert 8.0 <= lat <= 23.5 and 102.0 <= lon <= 110.0
        assert region in regions
    known = {s["vsic"] for s in templates()["sectors"]}
    assert set(sectors) <= known and len(sectors) >= 8
    assert statuses == {"synthetic"}

    from parkloop.store import db

    other = db.make_engine(f"sqlite:///{tmp_path / 'again.db'}")
    db.upgrade(other)
    generate(other, enterprises=600, park_count=6, seed=3)
    assert _fingerprint(other) == _fingerprint(engine)
    other.dispose()


def test_the_generated_totals_are_summed_from_the_database(engine: sa.Engine) -> None:
    from parkloop.examples.synthetic import compare

    generate(engine, enterprises=400, park_count=4, seed=5)
    with engine.connect() as conn:
        employees = conn.scalar(
            sa.select(sa.func.sum(organisations.c.employees)).where(
                organisations.c.kind == "enterprise"
            )
        )
        water = conn.scalar(
            sa.select(sa.func.sum(flows.c.quantity))
            .join(organisations, organisations.c.id == flows.c.org_id)
            .where(
                organisations.c.kind == "enterprise",
                flows.c.material_code == "fresh-water",
                flows.c.direction == "in",
            )
        )
    country = compare(engine)
    rows = {r.key: r for r in country.rows}
    assert country.enterprises == 400
    assert rows["employees"].generated == employees
    assert rows["industrial_water_m3"].generated == pytest.approx(water)
    assert rows["hazardous_waste_t"].generated > 0
    # 400 firms are a small sample of the nation: within a factor of two of its employees.
    assert 0.5 <= rows["employees"].ratio <= 2.0
