"""The symbiosis network drawn like the Kalundborg diagram for a report: each organisation
a rounded box with its name, each exchange an arrow from supplier to receiver, coloured by
the class of its material and labelled with the material and its yearly quantity.

    network(data, *, lang="vi", width=900.0, max_nodes=40, matches=False, title="",
            words=None) -> str

``data`` is what ``services.diagrams.symbiosis_graph`` returns (its ``nodes``, ``links``
and ``legend``): quantities appear only where that service gave them to the viewer.
Saved matches are drawn (dashed) only with ``matches``. Organisations without a drawn
exchange are left out and counted under the legend, as are those beyond the
``max_nodes`` most linked.

Layout: organisations linked to each other are pulled together and all push each other
apart (a force-directed layout started from several circular orders), boxes are then
moved apart until none overlaps, and the start whose result has the fewest crossing
arrows and arrows through boxes is kept. A label goes where it overlaps no box and no
other label along its arrow; an arrow whose label finds no such place gets a number,
and the material and quantity are listed under the picture. The result depends only on
the data (no randomness).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parkloop.domain.enums import MaterialClass
from parkloop.formats import number
from parkloop.reports.pictures.svg import MUTED, TEXT, Box, Svg, fit, num, text_width, wrap
from parkloop.reports.pictures.words import lookup
from parkloop.services.geo import CLASS_COLOURS, KIND_COLOURS

NAME_SIZE = 10.0
LABEL_SIZE = 8.5
BOX_TEXT_WIDTH = 112.0
PAD = 6.0
SEEDS = 6
GRAVITY = 0.6  # pull towards the middle, so that separate groups stay near each other
GAP = 16.0  # between two boxes
LINKED_GAP = 56.0  # between two linked boxes, so that the arrow and its head show
DASHES = {"solid": None, "dashed": "6 4", "dotted": "2 3"}
OTHER_COLOUR = "#777777"


@dataclass(slots=True)
class Firm:
    id: str
    lines: list[str]
    kind: str
    colour: str
    w: float
    h: float
    x: float = 0.0  # centre
    y: float = 0.0

    @property
    def box(self) -> Box:
        return Box(self.x - self.w / 2, self.y - self.h / 2, self.w, self.h)


@dataclass(slots=True)
class Arrow:
    source: str
    target: str
    colour: str
    dash: str | None
    width: float
    label: list[str]
    material_class: str
    bend: float = 0.0  # sideways offset of the middle, for arrows between the same pair
    points: tuple[tuple[float, float], ...] = ()  # start, control, end
    number: int = 0  # when its label is listed under the picture
    label_box: Box | None = None


@dataclass(slots=True)
class Layout:
    firms: dict[str, Firm]
    arrows: list[Arrow]
    left_out: int = 0  # organisations without exchanges
    cut: int = 0  # organisations beyond max_nodes
    listed: list[Arrow] = field(default_factory=list)


def network(
    data: Mapping[str, Any],
    *,
    lang: str = "vi",
    width: float = 900.0,
    max_nodes: int = 40,
    matches: bool = False,
    title: str = "",
    words: Mapping[str, str] | None = None,
) -> str:
    """The network of ``data`` (``services.diagrams.symbiosis_graph``) as SVG text."""
    said = lookup(lang, words)
    layout = network_layout(data, lang=lang, width=width, max_nodes=max_nodes, matches=matches)
    return _draw(layout, data, lang, width, title, said)


def network_layout(
    data: Mapping[str, Any],
    *,
    lang: str = "vi",
    width: float = 900.0,
    max_nodes: int = 40,
    matches: bool = False,
) -> Layout:
    """Where each box, arrow and label goes (the picture before it is written)."""
    links = [
        x
        for x in data.get("links") or []
        if (matches or x.get("kind") != "match") and x["source"] != x["target"]
    ]
    degree: dict[str, int] = defaultdict(int)
    for x in links:
        degree[str(x["source"])] += 1
        degree[str(x["target"])] += 1
    nodes = {str(n["id"]): n for n in data.get("nodes") or []}
    linked = [i for i in nodes if degree[i] > 0]
    kept = sorted(linked, key=lambda i: (-degree[i], str(nodes[i].get("label"))))[:max_nodes]
    firms = {i: _firm(nodes[i]) for i in sorted(kept)}
    arrows = [
        _arrow(x, lang) for x in links if str(x["source"]) in firms and str(x["target"]) in firms
    ]
    layout = Layout(firms, arrows, left_out=len(nodes) - len(linked), cut=len(linked) - len(kept))
    if not firms:
        return layout
    _bends(arrows)
    groups = _components(layout)
    total = len(firms)
    for group in groups:
        part = Layout({i: firms[i] for i in group}, [a for a in arrows if a.source in group])
        side = width * math.sqrt(len(group) / total)
        _lay_out(part, side, side * 0.75)
    _pack(layout, groups, width)
    _route(layout)
    _place_labels(layout)
    return layout


def _components(layout: Layout) -> list[list[str]]:
    """The groups of firms linked to each other, the largest first."""
    parent = {i: i for i in layout.firms}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a in layout.arrows:
        parent[root(a.source)] = root(a.target)
    groups: dict[str, list[str]] = defaultdict(list)
    for i in sorted(layout.firms):
        groups[root(i)].append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def _lay_out(layout: Layout, width: float, height: float) -> None:
    """The force-directed layout from several starts, boxes moved apart, keeping the
    start with the fewest crossings."""
    firms = layout.firms
    best: tuple[float, dict[str, tuple[float, float]]] | None = None
    for seed in range(SEEDS if len(firms) > 2 else 1):
        _force(layout, width, height, seed)
        _separate(list(firms.values()), _linked(layout))
        score = _crossings(layout)
        if best is None or score < best[0]:
            best = (score, {i: (f.x, f.y) for i, f in firms.items()})
        if score == 0:
            break
    assert best is not None
    for i, (x, y) in best[1].items():
        firms[i].x, firms[i].y = x, y


def _pack(layout: Layout, groups: Sequence[Sequence[str]], width: float) -> None:
    """Groups side by side in rows as wide as the picture, the largest first."""
    x = y = row_height = 0.0
    gap = 36.0
    for group in groups:
        boxes = [layout.firms[i].box for i in group]
        left, top = min(b.x for b in boxes), min(b.y for b in boxes)
        w = max(b.right for b in boxes) - left
        h = max(b.bottom for b in boxes) - top
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        for i in group:
            layout.firms[i].x += x - left
            layout.firms[i].y += y - top
        x += w + gap
        row_height = max(row_height, h)


def _firm(node: Mapping[str, Any]) -> Firm:
    label = str(node.get("label") or node.get("name") or node["id"])
    lines = wrap(label, NAME_SIZE, BOX_TEXT_WIDTH, lines=3)
    w = max(text_width(line, NAME_SIZE) for line in lines) + 2 * PAD + 2
    h = len(lines) * NAME_SIZE * 1.25 + 2 * PAD
    kind = str(node.get("kind") or "other")
    colour = next((c for k, c in KIND_COLOURS.items() if k.value == kind), OTHER_COLOUR)
    return Firm(str(node["id"]), lines, kind, colour, w, h)


def _arrow(link: Mapping[str, Any], lang: str) -> Arrow:
    style = link.get("lineStyle") or {}
    name = str(link.get("material_name") or link.get("material") or "")
    label = [fit(name, LABEL_SIZE, 130.0)]
    if link.get("value") is not None:
        value = float(link["value"])
        digits = 0 if value >= 100 else 1
        per_year = lookup(lang)["per-year"]
        label.append(
            f"{number(value, lang, digits, fixed=False)} {link.get('unit_label', '')}{per_year}"
        )
    return Arrow(
        str(link["source"]),
        str(link["target"]),
        str(style.get("color") or OTHER_COLOUR),
        DASHES.get(str(style.get("type") or "solid")),
        float(style.get("width") or 2.0),
        label,
        str(link.get("material_class") or ""),
    )


def _bends(arrows: Sequence[Arrow]) -> None:
    """Arrows between the same two boxes fan out, each bent a step further aside."""
    pairs: dict[frozenset[str], list[Arrow]] = defaultdict(list)
    for a in arrows:
        pairs[frozenset((a.source, a.target))].append(a)
    for group in pairs.values():
        n = len(group)
        for i, a in enumerate(group):
            offset = (i - (n - 1) / 2) * min(26.0, 200.0 / n)  # a fan of at most 200 px
            # The offset is taken in one direction for the pair whatever the arrow's own.
            a.bend = offset if a.source < a.target else -offset


def _force(layout: Layout, width: float, height: float, seed: int) -> None:
    """A force-directed layout inside ``width`` × ``height`` from a circular start:
    linked boxes attract, every two boxes repel (by the room their sizes need)."""
    firms = list(layout.firms.values())
    n = len(firms)
    order = sorted(firms, key=lambda f: f.id)
    if seed:
        random.Random(seed).shuffle(order)
    else:
        order = _by_neighbours(layout, order)
    cx, cy = width / 2, height / 2
    for i, f in enumerate(order):
        angle = 2 * math.pi * i / n
        f.x = cx + 0.4 * width * math.cos(angle)
        f.y = cy + 0.4 * height * math.sin(angle)
    if n == 1:
        f = firms[0]
        f.x, f.y = cx, cy
        return
    k = math.sqrt(width * height / n) * 0.9
    index = {f.id: i for i, f in enumerate(firms)}
    edges = sorted({tuple(sorted((a.source, a.target))) for a in layout.arrows})
    ends = np.array([(index[s], index[t]) for s, t in edges], dtype=int).reshape(-1, 2)
    xy = np.array([(f.x, f.y) for f in firms], dtype=float)
    half = np.array([(f.w / 2, f.h / 2) for f in firms], dtype=float)
    # The room two boxes need between their centres, roughly: half their sizes.
    room = (half[:, None, 0] + half[None, :, 0] + half[:, None, 1] + half[None, :, 1]) / 2
    centre = np.array([cx, cy])
    steps = 220
    for step in range(steps):
        heat = width / 8 * (1 - step / steps) + 1.0
        delta = xy[:, None, :] - xy[None, :, :]
        d = np.hypot(delta[..., 0], delta[..., 1])
        np.fill_diagonal(d, 1.0)
        d = np.maximum(d, 0.01)
        force = k * k / np.maximum(np.maximum(d - room, d * 0.2), 1.0)
        np.fill_diagonal(force, 0.0)
        move = (delta / d[..., None] * force[..., None]).sum(axis=1)
        if len(ends):
            pull = xy[ends[:, 0]] - xy[ends[:, 1]]
            length = np.maximum(np.hypot(pull[:, 0], pull[:, 1]), 0.01)
            pull = pull / length[:, None] * (length * length / k)[:, None]
            np.subtract.at(move, ends[:, 0], pull)
            np.add.at(move, ends[:, 1], pull)
        move += (centre - xy) * GRAVITY
        size = np.maximum(np.hypot(move[:, 0], move[:, 1]), 0.01)
        xy += move / size[:, None] * np.minimum(size, heat)[:, None]
        xy = np.clip(xy, half, np.array([width, height]) - half)
    for f, (x, y) in zip(firms, xy, strict=True):
        f.x, f.y = float(x), float(y)


def _by_neighbours(layout: Layout, order: list[Firm]) -> list[Firm]:
    """A circular order that keeps linked firms next to each other: from the most linked,
    each next the unplaced firm with most links to those placed."""
    links: dict[str, set[str]] = defaultdict(set)
    for a in layout.arrows:
        links[a.source].add(a.target)
        links[a.target].add(a.source)
    left = {f.id: f for f in order}
    out: list[Firm] = []
    while left:
        placed = {f.id for f in out}
        best = max(
            left.values(),
            key=lambda f: (len(links[f.id] & placed), len(links[f.id]), f.id),
        )
        out.append(left.pop(best.id))
    return out


def _linked(layout: Layout) -> set[frozenset[str]]:
    return {frozenset((a.source, a.target)) for a in layout.arrows}


def _separate(firms: Sequence[Firm], linked: set[frozenset[str]]) -> None:
    """Move boxes apart, a pair at a time along the shorter way out, until none overlaps
    (linked boxes keep room for their arrow)."""
    for _ in range(400):
        moved = False
        for i, a in enumerate(firms):
            for b in firms[i + 1 :]:
                gap = LINKED_GAP if frozenset((a.id, b.id)) in linked else GAP
                over_x = (a.w + b.w) / 2 + gap - abs(a.x - b.x)
                over_y = (a.h + b.h) / 2 + gap - abs(a.y - b.y)
                if over_x <= 0 or over_y <= 0:
                    continue
                moved = True
                if over_x < over_y:
                    push = over_x / 2 + 0.5
                    sign = 1.0 if a.x >= b.x else -1.0
                    a.x += sign * push
                    b.x -= sign * push
                else:
                    push = over_y / 2 + 0.5
                    sign = 1.0 if a.y >= b.y else -1.0
                    a.y += sign * push
                    b.y -= sign * push
        if not moved:
            return


def _crossings(layout: Layout) -> float:
    """Arrows crossing each other, and (three times worse) arrows through a box of
    neither end; arrows drawn straight between box centres."""
    firms = layout.firms
    segments = [
        (
            a.source,
            a.target,
            (firms[a.source].x, firms[a.source].y),
            (firms[a.target].x, firms[a.target].y),
        )
        for a in layout.arrows
    ]
    unique = {frozenset((s, t)): (s, t, p, q) for s, t, p, q in segments}
    items = list(unique.values())
    score = 0.0
    for i, (s1, t1, p1, q1) in enumerate(items):
        for s2, t2, p2, q2 in items[i + 1 :]:
            if {s1, t1} & {s2, t2}:
                continue
            if _intersect(p1, q1, p2, q2):
                score += 1
        for f in firms.values():
            if f.id in (s1, t1):
                continue
            if _through(p1, q1, f.box.grow(4)):
                score += 3
    return score


def _intersect(
    p1: tuple[float, float],
    q1: tuple[float, float],
    p2: tuple[float, float],
    q2: tuple[float, float],
) -> bool:
    def turn(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = turn(p2, q2, p1), turn(p2, q2, q1)
    d3, d4 = turn(p1, q1, p2), turn(p1, q1, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def _through(p: tuple[float, float], q: tuple[float, float], box: Box) -> bool:
    corners = [(box.x, box.y), (box.right, box.y), (box.right, box.bottom), (box.x, box.bottom)]
    return any(_intersect(p, q, corners[i], corners[(i + 1) % 4]) for i in range(4))


def _route(layout: Layout) -> None:
    """Each arrow as a quadratic curve from the edge of its supplier's box to the edge of
    its receiver's, bent aside by its ``bend``, and further when it would cross a box
    of neither end."""
    for a in layout.arrows:
        s, t = layout.firms[a.source], layout.firms[a.target]
        others = [f.box.grow(3) for f in layout.firms.values() if f.id not in (s.id, t.id)]
        for extra in (0.0, 30.0, -30.0, 60.0, -60.0, 90.0, -90.0):
            a.points = _curve(s, t, a.bend + extra)
            if not any(_curve_through(a, box) for box in others):
                break
        else:
            a.points = _curve(s, t, a.bend)


def _curve(s: Firm, t: Firm, bend: float) -> tuple[tuple[float, float], ...]:
    mx, my = (s.x + t.x) / 2, (s.y + t.y) / 2
    dx, dy = t.x - s.x, t.y - s.y
    d = math.hypot(dx, dy) or 1.0
    cx, cy = mx - dy / d * bend * 2, my + dx / d * bend * 2
    return (_edge(s, cx, cy), (cx, cy), _edge(t, cx, cy, pad=3.0))


def _curve_through(a: Arrow, box: Box) -> bool:
    return any(
        box.x <= x <= box.right and box.y <= y <= box.bottom
        for x, y in (_at(a, i / 24) for i in range(1, 24))
    )


def _edge(f: Firm, towards_x: float, towards_y: float, pad: float = 1.0) -> tuple[float, float]:
    """Where the line from the centre of ``f`` towards a point leaves its box."""
    dx, dy = towards_x - f.x, towards_y - f.y
    if dx == 0 and dy == 0:
        return f.x, f.y
    hw, hh = f.w / 2 + pad, f.h / 2 + pad
    scale = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
    return f.x + dx * scale, f.y + dy * scale


def _at(a: Arrow, t: float) -> tuple[float, float]:
    (x0, y0), (x1, y1), (x2, y2) = a.points
    u = 1 - t
    return u * u * x0 + 2 * u * t * x1 + t * t * x2, u * u * y0 + 2 * u * t * y1 + t * t * y2


def _place_labels(layout: Layout) -> None:
    """Each arrow's label on its curve where it overlaps no box and no label placed
    before it (the largest arrows first); otherwise a number there, listed below."""
    taken = [f.box.grow(2) for f in layout.firms.values()]
    order = sorted(layout.arrows, key=lambda a: -a.width)
    spots = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)
    unplaced: list[Arrow] = []
    for a in order:
        for t in spots:
            x, y = _at(a, t)
            box = _text_box(x, y, a.label).grow(1.5)
            if not any(box.overlaps(o) for o in taken):
                a.label_box = box
                taken.append(box)
                break
        else:
            unplaced.append(a)
    for n, a in enumerate(sorted(unplaced, key=layout.arrows.index), start=1):
        a.number = n
        a.label_box = _free_spot(a, taken)
        taken.append(a.label_box)
        layout.listed.append(a)


def _free_spot(a: Arrow, taken: Sequence[Box]) -> Box:
    """A place for an arrow's number: on its curve if there is room, else the nearest
    free place around the curve's middle (a thin line then leads to the curve)."""
    for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.15, 0.85):
        x, y = _at(a, t)
        box = Box(x - 7, y - 7, 14, 14)
        if not any(box.overlaps(o) for o in taken):
            return box
    x, y = _at(a, 0.5)
    for radius in range(12, 240, 8):
        for step in range(16):
            angle = step * math.pi / 8
            box = Box(x + radius * math.cos(angle) - 7, y + radius * math.sin(angle) - 7, 14, 14)
            if not any(box.overlaps(o) for o in taken):
                return box
    return Box(x - 7, y - 7, 14, 14)


def _text_box(x: float, y: float, lines: Sequence[str]) -> Box:
    w = max(text_width(line, LABEL_SIZE) for line in lines)
    h = len(lines) * LABEL_SIZE * 1.25
    return Box(x - w / 2, y - h / 2, w, h)


# -- drawing ---------------------------------------------------------------------------------


def _draw(
    layout: Layout,
    data: Mapping[str, Any],
    lang: str,
    width: float,
    title: str,
    words: Mapping[str, str],
) -> str:
    if not layout.firms:
        svg = Svg(width, 60.0, title=title)
        svg.text(width / 2, 30, words["nothing"], size=11, anchor="middle", colour=MUTED)
        return svg.render()
    boxes = [f.box for f in layout.firms.values()]
    boxes += [a.label_box for a in layout.arrows if a.label_box is not None]
    left = min(b.x for b in boxes) - 12
    right = max(b.right for b in boxes) + 12
    top = min(b.y for b in boxes) - 12 - (30 if title else 0)
    bottom = max(b.bottom for b in boxes) + 12
    view_w = max(right - left, width * 0.6)
    legend = _legend(layout, data, lang, words, left, view_w)
    list_lines = [
        f"{a.number}. {' — '.join(a.label)}" for a in layout.listed
    ]  # material and quantity of arrows whose label is below
    height = bottom - top + legend[0] + len(list_lines) * 13 + (16 if list_lines else 0)
    svg = Svg(view_w, height, title=title, x0=left, y0=top)
    if title:
        svg.text(
            left + view_w / 2,
            top + 16,
            title,
            size=14,
            anchor="middle",
            weight="bold",
            role="title",
        )

    for a in sorted(layout.arrows, key=lambda a: -a.width):
        (x0, y0), (x1, y1), (x2, y2) = a.points
        # The line stops at the base of its head.
        tx, ty = x2 - x1, y2 - y1
        d = math.hypot(tx, ty) or 1.0
        head = 6.0 + a.width * 1.2
        bx, by = x2 - tx / d * head, y2 - ty / d * head
        svg.path(
            f"M{num(x0)},{num(y0)} Q{num(x1)},{num(y1)} {num(bx)},{num(by)}",
            fill="none",
            stroke=a.colour,
            stroke_width=float(a.width),
            stroke_dasharray=a.dash,
            stroke_opacity=0.85,
            class_="arrow",
        )
        nx, ny = -ty / d, tx / d
        half = head * 0.55
        svg.path(
            f"M{num(x2)},{num(y2)} L{num(bx + nx * half)},{num(by + ny * half)} "
            f"L{num(bx - nx * half)},{num(by - ny * half)} Z",
            fill=a.colour,
            class_="head",
        )

    for f in layout.firms.values():
        box = f.box
        svg.rect(box, rx=6.0, fill="#ffffff", stroke=f.colour, stroke_width=1.6, class_="firm")
        svg.rect(Box(box.x, box.y, 4, box.h), rx=2.0, fill=f.colour, class_="kind")
        svg.text(f.x + 1, f.y, f.lines, size=NAME_SIZE, anchor="middle", role="name")

    for a in layout.arrows:
        assert a.label_box is not None
        b = a.label_box
        cx, cy = b.x + b.w / 2, b.y + b.h / 2
        if a.number:
            mx, my = _at(a, 0.5)
            if not (b.x <= mx <= b.right and b.y <= my <= b.bottom) and not any(
                b.x <= px <= b.right and b.y <= py <= b.bottom
                for px, py in (_at(a, t / 20) for t in range(1, 20))
            ):
                svg.element(
                    "line",
                    x1=mx,
                    y1=my,
                    x2=cx,
                    y2=cy,
                    stroke=a.colour,
                    stroke_width=0.7,
                    class_="leader",
                )
            svg.element(
                "circle",
                cx=cx,
                cy=cy,
                r=6.5,
                fill="#ffffff",
                stroke=a.colour,
                stroke_width=1.2,
                class_="marker",
            )
            svg.text(cx, cy, str(a.number), size=8, anchor="middle", role="number")
        else:
            svg.text(
                cx,
                cy,
                a.label,
                size=LABEL_SIZE,
                anchor="middle",
                halo=True,
                colour=TEXT,
                role="link-label",
            )

    y = bottom + 10
    for item in legend[1]:
        item(svg, y)
    y += legend[0]
    if list_lines:
        svg.text(left + 12, y, words["labels-below"], size=9.5, weight="bold", role="heading")
        for line in list_lines:
            y += 13
            svg.text(left + 12, y, fit(line, 9, view_w - 24), size=9, role="listed")
    return svg.render()


def _legend(
    layout: Layout,
    data: Mapping[str, Any],
    lang: str,
    words: Mapping[str, str],
    left: float,
    view_w: float,
) -> tuple[float, list[Any]]:
    """The legend's height and the calls that draw it at a given top: material classes,
    kinds of line, kinds of organisation, and what is left out."""
    present = {a.material_class for a in layout.arrows}
    classes = [(CLASS_COLOURS[c], c.label(lang)) for c in MaterialClass if c.value in present]
    legend = data.get("legend") or {}
    dashes = {a.dash for a in layout.arrows}
    lines = [
        (DASHES.get(str(s.get("line"))), str(s.get("label")))
        for s in legend.get("statuses") or []
        if DASHES.get(str(s.get("line"))) in dashes
    ]
    lines = list(dict.fromkeys(lines))  # one entry per kind of line
    kinds_present = {f.kind for f in layout.firms.values()}
    kinds = [
        (KIND_COLOURS[k], str(c.get("name")))
        for c in data.get("categories") or []
        for k in KIND_COLOURS
        if k.value == c.get("kind") and k.value in kinds_present
    ]
    rows: list[tuple[str, list[tuple[str, str, str | None]]]] = [
        (words["material-classes"], [("swatch", colour, label) for colour, label in classes]),
        (words["lines"], [("line", label, dash) for dash, label in lines]),
        (words["organisations"], [("box", colour, label) for colour, label in kinds]),
    ]
    notes = []
    if layout.left_out:
        notes.append(words["unlinked"].format(n=layout.left_out))
    if layout.cut:
        notes.append(words["not-drawn"].format(n=layout.cut))
    calls: list[Any] = []
    offset = 0.0
    for heading, entries in rows:
        if not entries:
            continue
        x_start = left + 12 + max(text_width(h, 9.5) for h, _ in rows) + 10
        placed: list[tuple[float, float, tuple[str, str, str | None]]] = []
        x, dy = x_start, 0.0
        for entry in entries:
            w = 24 + text_width(entry[1] if entry[0] == "line" else entry[2] or "", 9) + 14
            if placed and x + w > left + view_w - 12:
                x, dy = x_start, dy + 15
            placed.append((x, offset + dy, entry))
            x += w
        calls.append(_heading_call(left + 12, offset, heading))
        calls.extend(_entry_call(x, oy, entry) for x, oy, entry in placed)
        offset += dy + 17
    for note in notes:
        calls.append(_note_call(left + 12, offset, note))
        offset += 14
    return offset + 6, calls


def _heading_call(x: float, dy: float, text: str) -> Any:
    def draw(svg: Svg, y: float) -> None:
        svg.text(x, y + dy, text, size=9.5, weight="bold", colour=MUTED, role="legend")

    return draw


def _note_call(x: float, dy: float, text: str) -> Any:
    def draw(svg: Svg, y: float) -> None:
        svg.text(x, y + dy, text, size=9, colour=MUTED, role="legend")

    return draw


def _entry_call(x: float, dy: float, entry: tuple[str, str, str | None]) -> Any:
    kind, first, second = entry

    def draw(svg: Svg, y: float) -> None:
        yy = y + dy
        if kind == "swatch":
            svg.rect(Box(x, yy - 4, 18, 8), fill=first, class_="swatch")
            svg.text(x + 22, yy, second or "", size=9, role="legend")
        elif kind == "box":
            svg.rect(
                Box(x, yy - 5, 18, 10),
                rx=3.0,
                fill="#ffffff",
                stroke=first,
                stroke_width=1.4,
                class_="swatch",
            )
            svg.text(x + 22, yy, second or "", size=9, role="legend")
        else:
            svg.element(
                "line",
                x1=x,
                y1=yy,
                x2=x + 18,
                y2=yy,
                stroke=TEXT,
                stroke_width=1.5,
                stroke_dasharray=second,
            )
            svg.text(x + 22, yy, first, size=9, role="legend")

    return draw
