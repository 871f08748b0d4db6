"""The Sankey of a park's flows for a report: three columns, from what each firm puts out
(and what is bought in) through the material classes to the receivers and destinations,
drawn as bands whose width is proportional to the quantity.

    sankey(data, *, lang="vi", by_class=True, fold_share=0.02, max_per_column=12,
           width=900.0, title="", words=None) -> str

``data`` is what ``services.diagrams.park_sankey`` returns (its ``nodes``, ``links``,
``unit_label`` and ``columns``; the view outside the park, already by material class,
works the same). ``by_class`` draws the middle column by material class rather than by
material. In each column, nodes carrying less than ``fold_share`` of the park's total,
and those beyond the ``max_per_column`` largest, are drawn as one "other" node, so that
every label has room; the bands keep their quantities, so every node still carries its
total. Bands take the colour of their material class (the palette of the web's charts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from parkloop.domain.enums import MaterialClass
from parkloop.formats import number
from parkloop.reports.pictures.svg import MUTED, Box, Svg, fit, num, text_width
from parkloop.reports.pictures.words import lookup
from parkloop.services.geo import CLASS_COLOURS

OTHER_COLOUR = "#9a9a9a"
NODE_WIDTH = 14.0
LABEL_SIZE = 10.5
GAP = 6.0  # between two nodes of a column
FLOW_HEIGHT = 420.0  # what the largest column's quantities take, before labels' room


@dataclass(slots=True)
class Node:
    id: str
    depth: int
    label: str
    colour: str
    value: float = 0.0
    members: int = 1
    # Drawn position: top of the node's rectangle and its height (value × scale).
    y: float = 0.0
    h: float = 0.0
    slot: float = 0.0


@dataclass(slots=True)
class Link:
    source: str
    target: str
    value: float
    colour: str
    material_class: str
    # Where the band leaves its source and reaches its target (top edges).
    y0: float = 0.0
    y1: float = 0.0
    width: float = 0.0


@dataclass(slots=True)
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    folded: dict[str, str] = field(default_factory=dict)  # node id -> its "other" node
    scale: float = 0.0  # pixels per unit of quantity, once laid out

    def column(self, depth: int) -> list[Node]:
        return [n for n in self.nodes.values() if n.depth == depth]


def sankey(
    data: Mapping[str, Any],
    *,
    lang: str = "vi",
    by_class: bool = True,
    fold_share: float = 0.02,
    max_per_column: int = 12,
    width: float = 900.0,
    title: str = "",
    words: Mapping[str, str] | None = None,
) -> str:
    """The Sankey of ``data`` (``services.diagrams.park_sankey``) as SVG text."""
    said = lookup(lang, words)
    graph = sankey_graph(
        data,
        lang=lang,
        by_class=by_class,
        fold_share=fold_share,
        max_per_column=max_per_column,
        words=said,
    )
    unit = str(data.get("unit_label") or data.get("unit") or "")
    columns = [str(c) for c in data.get("columns") or []]
    return _draw(graph, unit, columns, lang, width, title, said)


def sankey_graph(
    data: Mapping[str, Any],
    *,
    lang: str = "vi",
    by_class: bool = True,
    fold_share: float = 0.02,
    max_per_column: int = 12,
    words: Mapping[str, str] | None = None,
) -> Graph:
    """The nodes and links the picture draws: the service's graph with the middle column
    by material class (when ``by_class``) and the small nodes of each column folded into
    one "other" node; links between the same two nodes are added up."""
    said = lookup(lang, words)
    raw_nodes = {str(n["id"]): n for n in data.get("nodes") or []}
    rename: dict[str, str] = {}
    graph = Graph()
    for node_id, n in raw_nodes.items():
        depth = int(n["depth"])
        cls = str(n.get("material_class") or "")
        if depth == 1 and by_class and cls:
            key = f"class:{cls}"
            rename[node_id] = key
            if key not in graph.nodes:
                graph.nodes[key] = Node(key, 1, _class_label(cls, lang), _class_colour(cls))
            continue
        rename[node_id] = node_id
        colour = str((n.get("itemStyle") or {}).get("color") or OTHER_COLOUR)
        if depth == 1 and cls:
            colour = _class_colour(cls)
        label = str(n.get("label") or n.get("name") or node_id)
        graph.nodes[node_id] = Node(node_id, depth, label[:1].upper() + label[1:], colour)
    middle_class = {
        rename[i]: str(n.get("material_class") or "")
        for i, n in raw_nodes.items()
        if int(n["depth"]) == 1
    }
    links = _merged(
        (rename[str(x["source"])], rename[str(x["target"])], float(x["value"]))
        for x in data.get("links") or []
        if str(x["source"]) in rename and str(x["target"]) in rename and float(x["value"]) > 0
    )
    _fold(graph, links, fold_share, max_per_column, said)
    for (source, target), value in _merged(
        (graph_id(graph, s), graph_id(graph, t), v) for (s, t), v in links.items()
    ).items():
        middle = source if graph.nodes[source].depth == 1 else target
        cls = middle_class.get(middle, "") if not middle.startswith("other:") else ""
        colour = graph.nodes[middle].colour
        graph.links.append(Link(source, target, value, colour, cls))
    for n in graph.nodes.values():
        ins = sum(x.value for x in graph.links if x.target == n.id)
        outs = sum(x.value for x in graph.links if x.source == n.id)
        n.value = max(ins, outs)
    graph.nodes = {k: n for k, n in graph.nodes.items() if n.value > 0}
    return graph


def graph_id(graph: Graph, node_id: str) -> str:
    """The node ``node_id`` is drawn as: itself, or the "other" node of its column."""
    return graph.folded.get(node_id, node_id)


def _merged(links: Any) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = defaultdict(float)
    for source, target, value in links:
        out[(source, target)] += value
    return out


def _fold(
    graph: Graph,
    links: Mapping[tuple[str, str], float],
    share: float,
    most: int,
    words: Mapping[str, str],
) -> None:
    """Replace the small nodes of each column by one "other" node (only when two or more
    would be folded: one small node is drawn as itself)."""
    through: dict[str, float] = defaultdict(float)
    for (source, target), value in links.items():
        through[source] += value
        through[target] += value
    total = sum(v for (s, _), v in links.items() if graph.nodes[s].depth == 0)
    for depth in (0, 1, 2):
        column = sorted(graph.column(depth), key=lambda n: (-through[n.id], n.label))
        small = [
            n
            for rank, n in enumerate(column)
            if (rank >= most - 1 and len(column) > most) or through[n.id] < share * total
        ]
        if len(small) < 2:
            continue
        key = f"other:{depth}"
        label = words["other-classes"] if depth == 1 else words["other"]
        graph.nodes[key] = Node(
            key, depth, f"{label} ({len(small)})", OTHER_COLOUR, members=len(small)
        )
        for n in small:
            del graph.nodes[n.id]
            graph.folded[n.id] = key


def _class_label(cls: str, lang: str) -> str:
    try:
        return MaterialClass(cls).label(lang)
    except ValueError:
        return cls


def _class_colour(cls: str) -> str:
    try:
        return CLASS_COLOURS[MaterialClass(cls)]
    except ValueError:
        return OTHER_COLOUR


# -- layout and drawing ----------------------------------------------------------------------


def _order(graph: Graph) -> dict[int, list[Node]]:
    """Columns ordered to keep bands from crossing: the middle by size, the sides by the
    weighted mean position of what they link to, then the middle again by its sides."""
    cols = {d: graph.column(d) for d in (0, 1, 2)}
    cols[1].sort(key=lambda n: (n.id.startswith("other:"), -n.value, n.label))

    def rank(column: list[Node]) -> dict[str, float]:
        return {n.id: i for i, n in enumerate(column)}

    def by_neighbours(column: list[Node], ranks: dict[str, float]) -> None:
        centre: dict[str, float] = {}
        for n in column:
            pairs = [
                (ranks[x.target if x.source == n.id else x.source], x.value)
                for x in graph.links
                if n.id in (x.source, x.target)
                and (x.target if x.source == n.id else x.source) in ranks
            ]
            weight = sum(w for _, w in pairs)
            centre[n.id] = sum(r * w for r, w in pairs) / weight if weight else 0.0
        column.sort(key=lambda n: (n.id.startswith("other:"), centre[n.id], -n.value))

    for _ in range(2):
        middle = rank(cols[1])
        by_neighbours(cols[0], middle)
        by_neighbours(cols[2], middle)
        sides = {**rank(cols[0]), **rank(cols[2])}
        by_neighbours(cols[1], sides)
    return cols


def _label_lines(n: Node, unit: str, lang: str, room: float) -> list[str]:
    digits = 0 if n.value >= 100 else 1
    quantity = f"{number(n.value, lang, digits, fixed=False)} {unit}".strip()
    return [fit(n.label, LABEL_SIZE, room), quantity]


def _draw(
    graph: Graph,
    unit: str,
    columns: Sequence[str],
    lang: str,
    width: float,
    title: str,
    words: Mapping[str, str],
) -> str:
    if not graph.links:
        svg = Svg(width, 80.0, title=title)
        y = 20.0
        if title:
            svg.text(width / 2, y, title, size=14, anchor="middle", weight="bold", role="title")
            y += 30
        svg.text(width / 2, y, words["nothing"], size=11, anchor="middle", colour=MUTED)
        return svg.render()

    cols = _order(graph)
    side = min(230.0, width * 0.26)
    x_of = {0: side, 1: (width - NODE_WIDTH) / 2, 2: width - side - NODE_WIDTH}
    label_h = 2 * LABEL_SIZE * 1.25 + 2
    biggest = max(sum(n.value for n in col) for col in cols.values())
    scale = graph.scale = FLOW_HEIGHT / biggest if biggest > 0 else 1.0
    top = 16.0 + (34.0 if title else 0.0) + (22.0 if columns else 0.0)
    bottom = top
    for column in cols.values():
        y = top
        for n in column:
            n.h = max(n.value * scale, 1.0)
            n.slot = max(n.h, label_h)
            n.y = y + (n.slot - n.h) / 2
            y += n.slot + GAP
        bottom = max(bottom, y)
    _place_bands(graph)

    legend = _legend_rows(graph, lang, width)
    height = bottom + 12 + len(legend) * 18 + 8
    svg = Svg(width, height, title=title)
    y = 16.0
    if title:
        svg.text(width / 2, y + 8, title, size=14, anchor="middle", weight="bold", role="title")
        y += 34
    if columns:
        anchors = (
            ("end", x_of[0] + NODE_WIDTH),
            ("middle", x_of[1] + NODE_WIDTH / 2),
            ("start", x_of[2]),
        )
        for (anchor, x), heading in zip(anchors, columns, strict=False):
            svg.text(
                x,
                y + 4,
                fit(heading, 11, side * 1.4),
                size=11,
                anchor=anchor,
                colour=MUTED,
                weight="bold",
                role="heading",
            )

    svg.open("g", fill_opacity=0.45, class_="bands")
    for band in sorted(graph.links, key=lambda link: -link.value):
        source, target = graph.nodes[band.source], graph.nodes[band.target]
        x0 = x_of[source.depth] + NODE_WIDTH
        x1 = x_of[target.depth]
        mid = (x0 + x1) / 2
        w = band.width
        top0, top1 = band.y0, band.y1
        d = (
            f"M{num(x0)},{num(top0)} C{num(mid)},{num(top0)} {num(mid)},{num(top1)} "
            f"{num(x1)},{num(top1)} L{num(x1)},{num(top1 + w)} "
            f"C{num(mid)},{num(top1 + w)} {num(mid)},{num(top0 + w)} {num(x0)},{num(top0 + w)} Z"
        )
        svg.path(d, fill=band.colour, class_="band", data_value=_plain(band.value))
    svg.close("g")

    room = {0: side - 10, 2: side - 10, 1: x_of[2] - x_of[1] - NODE_WIDTH - 16}
    for depth, column in cols.items():
        for n in column:
            svg.rect(
                Box(x_of[depth], n.y, NODE_WIDTH, n.h),
                fill=n.colour,
                class_="node",
                data_value=_plain(n.value),
            )
            lines = _label_lines(n, unit, lang, room[depth])
            centre = n.y + n.h / 2
            if depth == 0:
                svg.text(x_of[0] - 6, centre, lines, size=LABEL_SIZE, anchor="end")
            elif depth == 2:
                svg.text(x_of[2] + NODE_WIDTH + 6, centre, lines, size=LABEL_SIZE)
            else:
                svg.text(x_of[1] + NODE_WIDTH + 4, centre, lines, size=LABEL_SIZE, halo=True)

    y = bottom + 12
    for row in legend:
        for x, colour, label in row:
            svg.rect(Box(x, y - 5, 12, 10), fill=colour, class_="swatch")
            svg.text(x + 16, y, label, size=10, role="legend")
        y += 18
    return svg.render()


def _place_bands(graph: Graph) -> None:
    """Where each band leaves and reaches its nodes: stacked from the top of the node,
    in the order of the other end's position, so that bands do not cross at a node."""
    for x in graph.links:
        x.width = x.value * graph.scale
    centre = {n.id: n.y + n.h / 2 for n in graph.nodes.values()}
    for n in graph.nodes.values():
        y = n.y
        for x in sorted(
            (x for x in graph.links if x.source == n.id), key=lambda x: centre[x.target]
        ):
            x.y0 = y
            y += x.width
        y = n.y
        for x in sorted(
            (x for x in graph.links if x.target == n.id), key=lambda x: centre[x.source]
        ):
            x.y1 = y
            y += x.width


def _legend_rows(graph: Graph, lang: str, width: float) -> list[list[tuple[float, str, str]]]:
    present = {x.material_class for x in graph.links if x.material_class}
    entries = [(CLASS_COLOURS[c], c.label(lang)) for c in MaterialClass if c.value in present]
    if any(not x.material_class for x in graph.links):
        entries.append((OTHER_COLOUR, lookup(lang)["other-classes"]))
    rows: list[list[tuple[float, str, str]]] = []
    x = 16.0
    row: list[tuple[float, str, str]] = []
    for colour, label in entries:
        w = 16 + text_width(label, 10) + 18
        if row and x + w > width - 16:
            rows.append(row)
            row, x = [], 16.0
        row.append((x, colour, label))
        x += w
    if row:
        rows.append(row)
    return rows


def _plain(value: float) -> str:
    return repr(round(value, 6))
