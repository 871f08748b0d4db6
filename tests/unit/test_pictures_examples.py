"""The report pictures of the example parks Nam Cầu Kiền and Kalundborg, drawn from what
the services return for the park's operator (loaded into a throwaway SQLite database):
as many boxes, arrows, bands and markers as the data holds, no two labels overlapping,
names with their Vietnamese marks, and each picture drawn as vector graphics in a PDF
whose text keeps those marks."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from test_pictures import assert_no_overlap, of_class, parse, texts

from parkloop.domain.permissions import Role, Viewer
from parkloop.examples import load_example
from parkloop.reports import pictures
from parkloop.services import diagrams, geo
from parkloop.store import db
from parkloop.store.schema import parks

PARKS = ("nam-cau-kien", "kalundborg")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[sa.Engine]:
    path = tmp_path_factory.mktemp("pictures") / "parks.db"
    shutil.copy(sqlite_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    for park in PARKS:
        load_example(engine, park)
    yield engine
    engine.dispose()


def operator(engine: sa.Engine, park: str) -> Viewer:
    with engine.connect() as conn:
        park_id = conn.scalar(sa.select(parks.c.id).where(parks.c.code == park))
    return Viewer(Role.OPERATOR, park_id=park_id)


@pytest.fixture(scope="module")
def data(engine: sa.Engine) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for park in PARKS:
        viewer = operator(engine, park)
        for lang in ("vi", "en"):
            out[(park, lang)] = {
                "sankey": diagrams.park_sankey(engine, park, viewer, lang=lang),
                "graph": diagrams.symbiosis_graph(engine, park, viewer, lang=lang),
                "map": geo.park_geojson(engine, park, viewer, lang=lang),
            }
    return out


@pytest.mark.parametrize("park", PARKS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sankey_of_the_example(data: dict[Any, Any], park: str, lang: str) -> None:
    sankey = data[(park, lang)]["sankey"]
    document = pictures.sankey(sankey, lang=lang)
    root = parse(document)
    graph = pictures.sankey_graph(sankey, lang=lang)
    assert len(of_class(root, "rect", "node")) == len(graph.nodes)
    assert len(of_class(root, "path", "band")) == len(graph.links)
    for depth in (0, 1, 2):
        assert sum(1 for n in graph.nodes.values() if n.depth == depth) <= 12
    # Nothing is lost by folding: the left column carries what the service's does.
    total = sum(
        float(x["value"])
        for x in sankey["links"]
        if next(n for n in sankey["nodes"] if n["id"] == x["source"])["depth"] == 0
    )
    assert sum(n.value for n in graph.nodes.values() if n.depth == 0) == pytest.approx(total)
    assert_no_overlap(document)


@pytest.mark.parametrize("park", PARKS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_network_of_the_example(data: dict[Any, Any], park: str, lang: str) -> None:
    graph = data[(park, lang)]["graph"]
    document = pictures.network(graph, lang=lang)
    root = parse(document)
    exchanges = [x for x in graph["links"] if x["kind"] == "exchange"]
    linked = {x["source"] for x in exchanges} | {x["target"] for x in exchanges}
    assert len(of_class(root, "rect", "firm")) == len(linked)
    assert len(of_class(root, "path", "arrow")) == len(exchanges)
    numbered = of_class(root, "text", "number")
    assert len(numbered) + len(of_class(root, "text", "link-label")) == len(exchanges)
    assert len(numbered) == len(of_class(root, "text", "listed"))
    assert_no_overlap(document)
    layout = pictures.network_layout(graph, lang=lang)
    boxes = [f.box for f in layout.firms.values()]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


@pytest.mark.parametrize("park", PARKS)
def test_map_of_the_example(data: dict[Any, Any], park: str) -> None:
    collection = data[(park, "vi")]["map"]
    document = pictures.park_map(collection, lang="vi")
    root = parse(document)
    orgs = [f for f in collection["features"] if f["properties"]["class"] == "organisation"]
    numbers = {" ".join(s.text or "" for s in t) for t in of_class(root, "text", "number")}
    assert numbers == {str(i) for i in range(1, len(orgs) + 1)}  # every one on the map
    assert len(of_class(root, "text", "key")) == len(orgs)  # and in the key
    lines = [f for f in collection["features"] if f["properties"]["class"] == "exchange"]
    drawn = of_class(root, "path", "exchange")
    assert len(lines) <= len(drawn) <= 2 * len(lines)  # the detailed map, and the region's
    assert_no_overlap(document, skip=("number",))


def test_example_names_keep_their_marks(data: dict[Any, Any]) -> None:
    vi = data[("nam-cau-kien", "vi")]
    words = " ".join(
        texts(parse(pictures.sankey(vi["sankey"])))
        + texts(parse(pictures.network(vi["graph"])))
        + texts(parse(pictures.park_map(vi["map"])))
    )
    for name in ("Luyện thép cao cấp Việt Nhật", "Thành Đại Phú Mỹ Hải Phòng", "Xỉ thép"):
        assert name in words
    assert "Asnæs" in " ".join(texts(parse(pictures.network(data[("kalundborg", "vi")]["graph"]))))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pictures_are_vector_graphics_in_a_pdf(data: dict[Any, Any], tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    vi = data[("nam-cau-kien", "vi")]
    trends = pictures.trends(
        [pictures.Indicator("Khối lượng trao đổi", "t", {2020: 1.0e6, 2021: 1.2e6})]
    )
    body = "".join(
        f'<div style="page-break-after: always">{svg}</div>'
        for svg in (
            pictures.sankey(vi["sankey"], title="Khu công nghiệp Nam Cầu Kiền"),
            pictures.network(vi["graph"]),
            pictures.park_map(vi["map"]),
            trends,
        )
    )
    pdf = tmp_path / "pictures.pdf"
    weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Khu công nghiệp Nam Cầu Kiền" in text  # drawn as text, marks intact
    assert "Luyện thép" in text and "Khối lượng trao đổi" in text
    assert text.count("\f") >= 4
    assert b"/Subtype /Image" not in pdf.read_bytes()  # vectors, not pixels
