"""The report pictures (reports/pictures) from inputs built by hand: well-formed static
SVG with a viewBox, labels escaped and in Vietnamese, Sankey bands proportional to their
quantities, small nodes folded, no two labels overlapping, numbers in the reader's
format, and the measure of text never shorter than the font draws it."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from parkloop.reports import pictures
from parkloop.reports.pictures.svg import nice_ticks, text_boxes, text_width, wrap

SVG = "{http://www.w3.org/2000/svg}"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def parse(document: str) -> Any:
    root = ElementTree.fromstring(document)
    assert root.tag == f"{SVG}svg"
    box = [float(v) for v in root.get("viewBox").split()]
    assert len(box) == 4 and box[2] > 0 and box[3] > 0
    assert root.get("width") is None and root.get("height") is None  # scales to the page
    assert "Noto Sans" in root.get("font-family") and "DejaVu Sans" in root.get("font-family")
    assert not list(root.iter(f"{SVG}script"))
    assert "href" not in document and "<image" not in document  # nothing fetched
    return root


def of_class(root: Any, tag: str, cls: str) -> list[Any]:
    return [e for e in root.iter(f"{SVG}{tag}") if e.get("class") == cls]


def texts(root: Any) -> list[str]:
    return [" ".join(span.text or "" for span in t) for t in root.iter(f"{SVG}text")]


def assert_no_overlap(document: str, skip: tuple[str, ...] = ()) -> None:
    boxes = [(cls, words, box) for cls, words, box in text_boxes(document) if cls not in skip]
    for i, (_, a_words, a) in enumerate(boxes):
        for _, b_words, b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a_words, b_words)


# -- the Sankey ------------------------------------------------------------------------------


def sankey_data(firms: int = 3, small: int = 0) -> dict[str, Any]:
    """A park's flows like ``diagrams.park_sankey``: each firm puts out slag and scrap;
    slag goes to a receiver, scrap is sold; ``small`` tiny firms put out paper."""
    nodes = [
        {"id": "material:steel-slag", "depth": 1, "label": "Xỉ thép", "material_class": "mineral"},
        {"id": "material:fly-ash", "depth": 1, "label": "Tro bay", "material_class": "mineral"},
        {"id": "material:steel-scrap", "depth": 1, "label": "Phế liệu", "material_class": "metal"},
        {"id": "material:paper", "depth": 1, "label": "Giấy vụn", "material_class": "paper"},
        {"id": "in:p:cement", "depth": 2, "label": "Xi măng Phúc Sơn"},
        {"id": "destination:sold", "depth": 2, "label": "bán"},
        {"id": "destination:landfill", "depth": 2, "label": "chôn lấp"},
    ]
    links = []
    for i in range(firms):
        node = f"out:p:f{i}"
        nodes.append({"id": node, "depth": 0, "label": f"Luyện thép Việt Nhật {i}"})
        links += [
            {"source": node, "target": "material:steel-slag", "value": 1000.0 * (i + 1)},
            {"source": node, "target": "material:fly-ash", "value": 500.0},
            {"source": node, "target": "material:steel-scrap", "value": 2000.0},
        ]
    links += [
        {
            "source": "material:steel-slag",
            "target": "in:p:cement",
            "value": sum(1000.0 * (i + 1) for i in range(firms)),
        },
        {"source": "material:fly-ash", "target": "in:p:cement", "value": 500.0 * firms},
        {"source": "material:steel-scrap", "target": "destination:sold", "value": 2000.0 * firms},
    ]
    for j in range(small):
        node = f"out:p:s{j}"
        nodes.append({"id": node, "depth": 0, "label": f"Doanh nghiệp nhỏ {j}"})
        links.append({"source": node, "target": "material:paper", "value": 1.0})
    if small:
        links.append(
            {"source": "material:paper", "target": "destination:landfill", "value": float(small)}
        )
    return {
        "nodes": nodes,
        "links": links,
        "unit_label": "t",
        "columns": ["Từ: đầu ra", "Vật liệu", "Đến: nơi đến"],
    }


def band_thickness(path: str) -> float:
    """The thickness of a band where it reaches its target (the L segment)."""
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path)]
    # M x0 y0 C 4 numbers x1 y1 L x1 y1w ...
    return numbers[11] - numbers[9]


def test_sankey_is_static_svg_with_bands_proportional_to_quantities() -> None:
    document = pictures.sankey(sankey_data(), title='Dòng vật chất <năm 2021> & "khác"')
    root = parse(document)
    assert root.find(f"{SVG}title").text == 'Dòng vật chất <năm 2021> & "khác"'
    bands = of_class(root, "path", "band")
    # By class: the two mineral materials are one node; firms → 2 classes, classes → 2 targets.
    assert len(bands) == 3 * 2 + 2
    ratios = [band_thickness(b.get("d")) / float(b.get("data-value")) for b in bands]
    assert max(ratios) == pytest.approx(min(ratios), rel=0.02)
    nodes = of_class(root, "rect", "node")
    assert len(nodes) == 3 + 2 + 2
    labels = texts(root)
    assert any("Luyện thép Việt Nhật 0" in t for t in labels)
    assert any("khoáng / xỉ / tro" in t for t in labels)
    assert any("7.500 t" in t for t in labels)  # slag 1.000 + 2.000 + 3.000, ash 3 × 500
    assert_no_overlap(document)


def test_sankey_by_material_keeps_each_material() -> None:
    graph = pictures.sankey_graph(sankey_data(), by_class=False)
    assert {n.id for n in graph.nodes.values() if n.depth == 1} == {
        "material:steel-slag",
        "material:fly-ash",
        "material:steel-scrap",
    }


def test_small_nodes_fold_into_other_and_keep_totals() -> None:
    data = sankey_data(firms=3, small=30)
    graph = pictures.sankey_graph(data, fold_share=0.01, max_per_column=8)
    left = [n for n in graph.nodes.values() if n.depth == 0]
    assert len(left) <= 8
    other = graph.nodes["other:0"]
    assert other.members == 30 and other.value == pytest.approx(30.0)
    total_in = sum(float(x["value"]) for x in data["links"] if x["source"].startswith("out:"))
    assert sum(n.value for n in left) == pytest.approx(total_in)
    for depth in (0, 1, 2):  # every column carries the whole
        column = [n for n in graph.nodes.values() if n.depth == depth]
        assert sum(n.value for n in column) == pytest.approx(total_in)
    document = pictures.sankey(data, fold_share=0.01, max_per_column=8, lang="en")
    assert any(t.startswith("Other (30)") for t in texts(parse(document)))
    assert_no_overlap(document)


def test_sankey_numbers_follow_the_language() -> None:
    vi = texts(parse(pictures.sankey(sankey_data(), lang="vi")))
    en = texts(parse(pictures.sankey(sankey_data(), lang="en")))
    assert any("6.000 t" in t for t in vi) and any("7.500 t" in t for t in vi)
    assert any("6,000 t" in t for t in en) and any("7,500 t" in t for t in en)


def test_sankey_of_nothing_says_so() -> None:
    root = parse(pictures.sankey({"nodes": [], "links": []}, lang="en"))
    assert "Nothing to draw" in texts(root)


# -- the network -----------------------------------------------------------------------------


def graph_data() -> dict[str, Any]:
    """A small Kalundborg: a power station in the middle exchanging with five firms,
    two exchanges between the same pair, one firm without any exchange."""
    names = {
        "asnaes": "Nhà máy nhiệt điện Asnæs",
        "equinor": "Nhà máy lọc dầu Equinor Kalundborg",
        "gyproc": "Gyproc (Saint-Gobain) Kalundborg",
        "novo": "Novo Nordisk Kalundborg",
        "farm": "Nông dân địa phương",
        "fish": "Trại nuôi cá Kalundborg",
        "idle": "Doanh nghiệp chưa trao đổi",
    }
    nodes = [
        {"id": f"k:{code}", "label": name, "name": name, "kind": "enterprise"}
        for code, name in names.items()
    ]
    nodes[4]["kind"] = "farm"

    def link(s: str, t: str, material: str, cls: str, value: float, colour: str) -> dict[str, Any]:
        return {
            "source": f"k:{s}",
            "target": f"k:{t}",
            "kind": "exchange",
            "material_name": material,
            "material_class": cls,
            "status": "running",
            "value": value,
            "unit_label": "t",
            "lineStyle": {"color": colour, "type": "solid", "width": 3.0},
        }

    links = [
        link("asnaes", "gyproc", "Thạch cao khử lưu huỳnh", "mineral", 150000, "#9c755f"),
        link("asnaes", "equinor", "Hơi nước", "steam", 140000, "#e377c2"),
        link("equinor", "asnaes", "Nước làm mát thải", "water", 700000, "#1f9bd1"),
        link("asnaes", "novo", "Hơi nước", "steam", 200000, "#e377c2"),
        link("novo", "farm", "Phân bón", "organic", 280000, "#59a14f"),
        link("asnaes", "fish", "Nước làm mát thải", "water", 3000000, "#1f9bd1"),
    ]
    legend = {"statuses": [{"status": "running", "label": "đang vận hành", "line": "solid"}]}
    categories = [
        {"name": "doanh nghiệp", "kind": "enterprise"},
        {"name": "trang trại", "kind": "farm"},
    ]
    return {"nodes": nodes, "links": links, "legend": legend, "categories": categories}


def test_network_draws_each_firm_and_exchange_without_overlap() -> None:
    data = graph_data()
    document = pictures.network(data, title="Mạng lưới cộng sinh")
    root = parse(document)
    assert len(of_class(root, "rect", "firm")) == 6  # the idle firm is left out ...
    assert any("1 tổ chức chưa có trao đổi" in t for t in texts(root))  # ... and counted
    assert len(of_class(root, "path", "arrow")) == len(data["links"])
    assert len(of_class(root, "path", "head")) == len(data["links"])
    labelled = of_class(root, "text", "link-label") + of_class(root, "text", "number")
    assert len(labelled) == len(data["links"])
    words = " ".join(texts(root))
    for expected in ("Nhà máy nhiệt điện", "Asnæs", "Nông dân địa phương", "Thạch cao khử lưu"):
        assert expected in words
    assert "3.000.000 t/năm" in words
    assert_no_overlap(document)
    layout = pictures.network_layout(data)
    boxes = [f.box for f in layout.firms.values()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    # The pair with exchanges both ways is drawn as two curves, not one line twice.
    both = [a for a in layout.arrows if {a.source, a.target} == {"k:asnaes", "k:equinor"}]
    assert len({a.points[1] for a in both}) == 2


def test_network_is_the_same_every_time() -> None:
    assert pictures.network(graph_data()) == pictures.network(graph_data())


def test_network_keeps_the_most_linked_firms() -> None:
    layout = pictures.network_layout(graph_data(), max_nodes=3)
    assert "k:asnaes" in layout.firms and len(layout.firms) == 3
    assert layout.cut == 3
    assert all(a.source in layout.firms and a.target in layout.firms for a in layout.arrows)


def test_network_crowded_labels_are_numbered_and_listed() -> None:
    data = graph_data()
    for i in range(40):  # forty exchanges between the same two firms
        extra = dict(data["links"][1], material_name=f"Vật liệu số {i}", value=1000.0 + i)
        data["links"].append(extra)
    document = pictures.network(data)
    root = parse(document)
    numbered = of_class(root, "text", "number")
    listed = of_class(root, "text", "listed")
    assert numbered and len(numbered) == len(listed)
    assert len(numbered) + len(of_class(root, "text", "link-label")) == len(data["links"])
    assert_no_overlap(document)


# -- the map ---------------------------------------------------------------------------------


def map_data(spread: float = 0.01) -> dict[str, Any]:
    """A park in Hải Phòng with three firms and a receiver ``spread`` degrees away."""

    def org(code: str, name: str, lon: float, lat: float, inside: bool = True) -> dict[str, Any]:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "class": "organisation",
                "code": code,
                "park": "p",
                "name": name,
                "kind": "enterprise",
                "inside_park": inside,
            },
        }

    def line(s: str, t: str, a: list[float], b: list[float], q: float) -> dict[str, Any]:
        return {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [a, b]},
            "properties": {
                "class": "exchange",
                "supplier": s,
                "supplier_park": "p",
                "receiver": t,
                "receiver_park": "p",
                "material_class": "mineral",
                "colour": "#9c755f",
                "status": "running",
                "quantity": q,
                "unit": "t",
            },
        }

    a, b, c = [106.61, 20.93], [106.62, 20.935], [106.615, 20.925]
    far = [106.61 + spread, 20.93 + spread]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [106.615, 20.93]},
            "properties": {
                "class": "park",
                "code": "p",
                "name": "Khu công nghiệp Nam Cầu Kiền",
                "area_ha": 263.0,
            },
        },
        org("a", "Công ty CP Luyện thép cao cấp Việt Nhật", *a),
        org("b", "Công ty CP Thép Việt Ý", *b),
        org("c", "Công ty TNHH Thành Đại Phú Mỹ Hải Phòng", *c),
        org("d", "Công ty Xi măng Phúc Sơn", *far, inside=False),
        line("a", "c", a, c, 306000.0),
        line("b", "c", b, c, 3000.0),
        line("a", "d", a, far, 30.0),
    ]
    legend = {
        "statuses": [{"status": "running", "label": "đang vận hành"}],
        "kinds": [{"kind": "enterprise", "label": "doanh nghiệp", "colour": "#2c5f8a"}],
    }
    return {"park": "p", "features": features, "legend": legend}


def test_map_of_a_small_park_has_markers_lines_scale_and_north() -> None:
    document = pictures.park_map(map_data(), title="Bản đồ Khu công nghiệp Nam Cầu Kiền")
    root = parse(document)
    assert len(of_class(root, "circle", "marker")) == 4
    lines = of_class(root, "path", "exchange")
    assert len(lines) == 3
    widths = {float(x.get("data-quantity")): float(x.get("stroke-width")) for x in lines}
    assert widths[306000.0] > widths[3000.0] > widths[30.0]
    assert of_class(root, "path", "north") and of_class(root, "rect", "scale")
    assert of_class(root, "path", "locator-land")  # where in Viet Nam
    words = " ".join(texts(root))
    assert "Luyện thép cao cấp Việt Nhật" in words and "Xi măng Phúc Sơn" in words
    assert " km" in words
    assert_no_overlap(document, skip=("number",))


def test_map_reaching_far_draws_the_region_and_the_park() -> None:
    document = pictures.park_map(map_data(spread=0.3))
    root = parse(document)
    assert len(root.findall(f".//{SVG}clipPath")) == 2  # the region and the park
    # The far receiver in both maps, the park's firms only in the detailed one.
    assert len(of_class(root, "circle", "marker")) == 4 + 1
    assert of_class(root, "path", "land")  # Viet Nam's outline as context
    assert_no_overlap(document, skip=("number",))


def test_map_of_many_organisations_numbers_the_most_linked() -> None:
    data = map_data()
    document = pictures.park_map(data, max_markers=2)
    root = parse(document)
    # a has two exchanges, c two: numbered; b and d one each: dots.
    assert len(of_class(root, "circle", "marker")) == 2
    assert len(of_class(root, "circle", "dot")) == 2
    assert len(of_class(root, "text", "key")) == 2
    assert "Luyện thép cao cấp Việt Nhật" in " ".join(texts(root))


def test_map_of_nothing_says_so() -> None:
    root = parse(pictures.park_map({"features": []}, lang="en"))
    assert "Nothing to draw" in texts(root)


# -- trends ----------------------------------------------------------------------------------


def test_trends_bars_ticks_and_missing_years() -> None:
    indicators = [
        pictures.Indicator(
            "Khối lượng trao đổi", "t", {2019: 120000.0, 2020: 250000.0, 2021: 412345.0}
        ),
        pictures.Indicator("CO2e tránh được", "t", {2019: 1234.0, 2020: None, 2021: 3456.0}),
        pictures.Indicator("Lợi ích ròng", "tỷ đồng", {2020: 1.25, 2021: 5.5}, digits=1),
    ]
    document = pictures.trends(indicators, title="Xu hướng", lang="vi")
    root = parse(document)
    bars = of_class(root, "rect", "bar")
    assert len(bars) == 3 + 2 + 2
    heights = {float(b.get("data-value")): float(b.get("height")) for b in bars[:3]}
    assert heights[412345.0] / heights[120000.0] == pytest.approx(412345 / 120000, rel=0.01)
    ticks = [t for t in texts(root)]
    assert "400.000" in ticks and "600.000" in ticks  # the top tick is above the largest bar
    assert "412.345" in ticks and "5,5" in ticks and "—" in ticks
    assert "Khối lượng trao đổi (t)" in ticks
    en = texts(parse(pictures.trends(indicators, lang="en")))
    assert "400,000" in en and "5.5" in en
    assert_no_overlap(document)


def test_trend_indicators_from_accounts() -> None:
    from parkloop.services.accounting import ParkAccount

    def account(year: int, tonnes: float, co2: float) -> ParkAccount:
        rows = [
            {"status": "running", "quantity": tonnes, "unit": "t"},
            {"status": "stopped", "quantity": 99.0, "unit": "t"},
        ]
        totals = {
            "exchanges": 1,
            "co2e_t_per_year": co2,
            "water_m3_per_year": 0.0,
            "energy_mwh_per_year": 0.0,
            "money_vnd_per_year": 2.5e9,
        }
        return ParkAccount("p", year, 1.0, 0.0, rows, [], totals, [], {})

    found = pictures.trend_indicators([account(2021, 30.0, 5.0), account(2020, 10.0, 2.0)])
    by_label = {i.label: i for i in found}
    assert by_label["Khối lượng trao đổi"].values == {2020: 10.0, 2021: 30.0}
    assert by_label["CO2e tránh được"].values == {2020: 2.0, 2021: 5.0}
    assert by_label["Lợi ích ròng"].values == {2020: 2.5, 2021: 2.5}
    assert "Nước tái sử dụng" not in by_label  # no figure in any year


# -- measuring and ticks ---------------------------------------------------------------------


@pytest.mark.skipif(not DEJAVU.exists(), reason="DejaVu Sans not installed")
def test_text_is_never_measured_shorter_than_dejavu_draws_it() -> None:
    from fontTools.ttLib import TTFont

    font = TTFont(str(DEJAVU))
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    em = font["head"].unitsPerEm
    vietnamese = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    for char in string.printable[:95] + vietnamese + vietnamese.upper() + "³→—…":
        drawn = metrics[cmap[ord(char)]][0] / em * 10
        assert text_width(char, 10) >= drawn - 1e-9, char


def test_wrap_and_ticks() -> None:
    lines = wrap("Nhà máy xử lý nước thải Kalundborg của thành phố", 10, 110, lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(text_width(line, 10) <= 110 for line in lines)
    assert nice_ticks(0, 412345, 4) == [0, 200000, 400000, 600000]
    assert nice_ticks(0, 5.6, 4) == [0, 2, 4, 6]
