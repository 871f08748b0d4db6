"""The park as GeoJSON for its map (services/geo) on the example park Nam Cầu Kiền: every
line joins two drawn points, the legend names what is drawn, the figures follow what
the viewer may see, and the map says what it is made of, without any tile server."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from parkloop.domain.permissions import Role, Viewer
from parkloop.examples import load_example
from parkloop.services import geo, registry
from parkloop.store import db
from parkloop.store.schema import organisations, parks

P = "nam-cau-kien"


@pytest.fixture(scope="module")
def nck(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[sa.Engine]:
    path = tmp_path_factory.mktemp("geo") / "nck.db"
    shutil.copy(sqlite_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    load_example(engine, P)
    yield engine
    engine.dispose()


def viewer(engine: sa.Engine, who: str) -> Viewer:
    with engine.connect() as conn:
        park_id = conn.scalar(sa.select(parks.c.id).where(parks.c.code == P))
        org_id = conn.scalar(
            sa.select(organisations.c.id).where(
                organisations.c.park_id == park_id, organisations.c.code == "paper-g1"
            )
        )
    return {
        "operator": Viewer(Role.OPERATOR, park_id=park_id),
        "enterprise": Viewer(Role.ENTERPRISE, park_id=park_id, org_id=org_id),
        "public": Viewer(Role.PUBLIC, name="public"),
    }[who]


@pytest.mark.parametrize("who", ["operator", "enterprise", "public"])
def test_every_line_joins_two_drawn_points(nck: sa.Engine, who: str) -> None:
    data = geo.park_geojson(nck, P, viewer(nck, who))
    json.dumps(data)  # serialisable as it is
    by_class: dict[str, list[dict[str, object]]] = {"park": [], "organisation": [], "exchange": []}
    for f in data["features"]:
        by_class[f["properties"]["class"]].append(f)
    points = {
        (f["properties"]["park"], f["properties"]["code"]): f["geometry"]["coordinates"]
        for f in data["features"]
        if f["properties"]["class"] == "organisation"
    }
    lines = [f for f in data["features"] if f["properties"]["class"] == "exchange"]
    assert points and lines and len(by_class["park"]) == 1
    for f in lines:
        p = f["properties"]
        start, end = f["geometry"]["coordinates"]
        assert points[(p["supplier_park"], p["supplier"])] == start
        assert points[(p["receiver_park"], p["receiver"])] == end
    legend = data["legend"]
    assert {c["class"] for c in legend["material_classes"]} == {
        f["properties"]["material_class"] for f in lines
    }
    assert {s["status"] for s in legend["statuses"]} == {f["properties"]["status"] for f in lines}
    kinds = {
        f["properties"]["kind"]
        for f in data["features"]
        if f["properties"]["class"] == "organisation"
    }
    assert {k["kind"] for k in legend["kinds"]} == kinds
    assert all(k["colour"] == geo.KIND_COLOURS[k["kind"]] for k in legend["kinds"])
    west, south, east, north = data["bbox"]
    for lon, lat in points.values():
        assert west <= lon <= east and south <= lat <= north
    drawn = len(lines) + data["unplaced"]["exchanges"]
    assert drawn == len(registry.exchanges(nck, P))


def test_quantities_follow_what_the_viewer_may_see(nck: sa.Engine) -> None:
    def lines(who: str) -> list[dict[str, object]]:
        data = geo.park_geojson(nck, P, viewer(nck, who))
        return [f["properties"] for f in data["features"] if f["properties"]["class"] == "exchange"]

    for p in lines("operator") + lines("enterprise"):
        assert p["figures_hidden"] is False and isinstance(p["quantity"], float)
    for p in lines("public"):
        assert p["figures_hidden"] is True
        assert not {"quantity", "quantity_text", "unit"} & p.keys()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_map_says_what_it_is_made_of(nck: sa.Engine, lang: str) -> None:
    data = geo.park_geojson(nck, P, viewer(nck, "enterprise"), lang)
    assert data["lang"] == lang
    method, sources = data["method"], data["sources"]
    assert ("toạ độ" if lang == "vi" else "coordinates") in method
    assert len(sources) == 4 and "Natural Earth" in sources[-1]
    organisations_drawn = sum(
        1 for f in data["features"] if f["properties"]["class"] == "organisation"
    )
    assert sources[0].startswith(f"{organisations_drawn} ")
    assert not [s for s in sources if "http" in s], "no tile server is named"


def test_a_boundary_is_rebuilt_from_its_numbers_alone() -> None:
    ring = [[106.6, 20.9], [106.7, 20.9], [106.7, 21.0], [106.6, 21.0]]
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}
    assert geo.boundary_geometry(json.dumps(feature)) == {
        "type": "Polygon",
        "coordinates": [[*ring, ring[0]]],
    }
    for bad in (
        "",
        "not json",
        '{"type": "Point", "coordinates": [1, 2]}',
        "[1, 2]",
        json.dumps({"type": "Polygon", "coordinates": [[[500, 1], [1, 2], [2, 3], [500, 1]]]}),
    ):
        assert geo.boundary_geometry(bad) is None
