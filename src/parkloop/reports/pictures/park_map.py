"""The map of a park for a report: its organisations as numbered markers at their
coordinates, its exchanges as lines from supplier to receiver coloured by material class
and wider for larger quantities, a scale bar and a north arrow; Viet Nam's outline from
the shipped base layer when the map reaches it, and a small map of Viet Nam locating the
park when the park lies in Viet Nam.

    park_map(data, *, lang="vi", width=900.0, title="", words=None, max_markers=99) -> str

``data`` is what ``services.geo.park_geojson`` returns (its ``features``, ``bbox`` and
``legend``). The projection is equirectangular at the latitude of the map's middle
(x = longitude × cos latitude), which keeps distances true to well under 1 % across a
park and its region. Line widths grow with the logarithm of the quantity within one unit
(as on the web's map); lines whose quantity the viewer may not see are drawn thin.
A park of more than ``max_markers`` organisations numbers those with the most exchanges
and draws the others as small dots, so the key stays readable.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from parkloop.domain.enums import MaterialClass
from parkloop.formats import number
from parkloop.reports.pictures.svg import (
    MUTED,
    TEXT,
    Box,
    Svg,
    fit,
    num,
    text_width,
)
from parkloop.reports.pictures.words import lookup
from parkloop.services.diagrams import short_label
from parkloop.services.geo import CLASS_COLOURS, KIND_COLOURS

KM_PER_DEGREE = 6371.0088 * math.pi / 180
MARKER = 7.0  # radius of an organisation's marker
LAND = "#f4f1ea"
SEA = "#eef4f8"
BORDER = "#93a3b1"
PARK_COLOUR = "#2c5f8a"
DASHES = {"running": None, "stopped": "2 3"}  # other statuses: dashed
KEY_SIZE = 9.0
Point = tuple[float, float]


@dataclass(slots=True)
class Place:
    """An organisation on the map: where it is and where its marker is drawn (moved
    aside when markers would overlap)."""

    id: str
    number: int
    name: str
    kind: str
    at: Point
    marker: Point


@dataclass(slots=True)
class Projection:
    lon0: float
    lat0: float
    scale: float  # pixels per kilometre
    x0: float  # pixel offset of lon0
    y0: float

    def __call__(self, lon: float, lat: float) -> Point:
        x = (lon - self.lon0) * math.cos(math.radians(self.lat0)) * KM_PER_DEGREE
        y = (lat - self.lat0) * KM_PER_DEGREE
        return self.x0 + x * self.scale, self.y0 - y * self.scale


def park_map(
    data: Mapping[str, Any],
    *,
    lang: str = "vi",
    width: float = 900.0,
    title: str = "",
    words: Mapping[str, str] | None = None,
    max_markers: int = 99,
) -> str:
    """The map of ``data`` (``services.geo.park_geojson``) as SVG text."""
    said = lookup(lang, words)
    features = list(data.get("features") or [])
    orgs = [f for f in features if f["properties"].get("class") == "organisation"]
    lines = [f for f in features if f["properties"].get("class") == "exchange"]
    park = next((f for f in features if f["properties"].get("class") == "park"), None)
    box = data.get("bbox") or _bbox(features)
    head = 34.0 if title else 8.0
    if box is None:
        svg = Svg(width, head + 40, title=title)
        if title:
            svg.text(width / 2, 20, title, size=14, anchor="middle", weight="bold", role="title")
        svg.text(width / 2, head + 16, said["nothing"], size=11, anchor="middle", colour=MUTED)
        return svg.render()

    numbered, dots = _chosen(orgs, lines, max_markers)
    places_all = _numbered(numbered)
    park_code = str(data.get("park") or "")
    inside = [
        f
        for f in orgs
        if f["properties"].get("inside_park") and f["properties"].get("park") == park_code
    ]
    zoom = _bbox(inside + ([park] if park is not None else []))
    svg = Svg(width, 0, title=title)
    if title:
        svg.text(width / 2, 20, title, size=14, anchor="middle", weight="bold", role="title")
    panels: list[tuple[Box, list[float], bool]] = []
    if zoom is not None and len(inside) >= 2 and _much_larger(box, zoom):
        left_w = (width - 16) * 0.36
        right = Box(8 + left_w + 10, head, width - 16 - left_w - 10, 0)
        project, right = _projection(zoom, right)
        panels = [(Box(8, head, left_w, right.h), list(box), False), (right, list(zoom), True)]
    else:
        panels = [(Box(8, head, width - 16, 0), list(box), True)]
    bottom = head
    for i, (frame, extent, detailed) in enumerate(panels):
        project, frame = _projection(extent, frame, fixed_height=frame.h or None)
        shown = {
            key: place
            for key, place in places_all.items()
            if detailed or not _is_inside(place, inside)
        }
        _panel(
            svg,
            f"map-frame-{i}",
            frame,
            project,
            park,
            lines,
            shown,
            dots,
            lang,
            said,
            locator=detailed,
        )
        bottom = max(bottom, frame.bottom)
    y = _legend(svg, data, lines, bottom + 14, width, lang, said)
    y = _key(svg, places_all, y + 4, width)
    svg.height = y + 8
    return svg.render()


def _ends(line: Mapping[str, Any]) -> set[str]:
    p = line["properties"]
    return {
        f"{p.get('supplier_park')}:{p.get('supplier')}",
        f"{p.get('receiver_park')}:{p.get('receiver')}",
    }


def _much_larger(outer: Sequence[float], inner: Sequence[float]) -> bool:
    """Whether ``outer`` spans over three times ``inner`` in either direction."""
    w_in = max(inner[2] - inner[0], 0.002)
    h_in = max(inner[3] - inner[1], 0.002)
    return (outer[2] - outer[0]) > 3 * w_in or (outer[3] - outer[1]) > 3 * h_in


def _is_inside(place: Place, inside: Sequence[Mapping[str, Any]]) -> bool:
    keys = {f"{f['properties'].get('park')}:{f['properties'].get('code')}" for f in inside}
    return place.id in keys


def _panel(
    svg: Svg,
    clip: str,
    frame: Box,
    project: Projection,
    park: Mapping[str, Any] | None,
    lines: Sequence[Mapping[str, Any]],
    places: Mapping[str, Place],
    dots: Sequence[Mapping[str, Any]],
    lang: str,
    words: Mapping[str, str],
    locator: bool,
) -> None:
    """One map: land, the park, the exchanges and the markers inside ``frame``."""
    markers = _markers_at(places, project)
    svg.open("defs")
    svg.add(f'<clipPath id="{clip}"><rect {_rect(frame)}/></clipPath>')
    svg.close("defs")
    svg.rect(frame, fill=SEA if _reaches_land(project, frame) else "#ffffff", class_="frame")
    svg.open("g", clip_path=f"url(#{clip})")
    _outline(svg, project, frame)
    if park is not None:
        _park(svg, park, project)
    _dots(svg, dots, project, frame)
    if not locator:  # the overview: lines between two places of the detailed map are its
        lines = [f for f in lines if _ends(f) & set(markers)]
    _exchanges(svg, lines, markers, project)
    _markers(svg, markers)
    svg.close("g")
    svg.rect(frame, fill="none", stroke=BORDER, stroke_width=1.0, class_="border")
    _scale_bar(svg, project, frame, lang)
    _north(svg, frame, words["north"])
    if locator and park is not None:
        _locator(svg, park, frame, lang)


def _bbox(features: Sequence[Mapping[str, Any]]) -> list[float] | None:
    lons: list[float] = []
    lats: list[float] = []

    def walk(c: Any) -> None:
        if c and isinstance(c[0], int | float):
            lons.append(float(c[0]))
            lats.append(float(c[1]))
            return
        for item in c:
            walk(item)

    for f in features:
        walk(f["geometry"]["coordinates"])
    return [min(lons), min(lats), max(lons), max(lats)] if lons else None


def _projection(
    box: Sequence[float], frame: Box, fixed_height: float | None = None
) -> tuple[Projection, Box]:
    """The projection that fits ``box`` (west, south, east, north) into the frame with a
    margin, and the frame's height: ``fixed_height``, else between half and 0.8 of its
    width as the box's shape asks."""
    west, south, east, north = (float(v) for v in box)
    lat0 = (south + north) / 2
    lon0 = (west + east) / 2
    cos = math.cos(math.radians(lat0))
    w_km = max((east - west) * cos * KM_PER_DEGREE, 1.0)
    h_km = max((north - south) * KM_PER_DEGREE, 1.0)
    margin = 40.0
    ratio = min(max(h_km / w_km, 0.5), 0.8)
    height = fixed_height or frame.w * ratio
    scale = min((frame.w - 2 * margin) / w_km, (height - 2 * margin) / h_km)
    out = Box(frame.x, frame.y, frame.w, height)
    centre_x = frame.x + frame.w / 2
    centre_y = frame.y + height / 2
    return Projection(lon0, lat0, scale, centre_x, centre_y), out


def _chosen(
    orgs: Sequence[Mapping[str, Any]], lines: Sequence[Mapping[str, Any]], most: int
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """The organisations drawn as numbered markers (all of them when there are at most
    ``most``, else the ``most`` with the most exchanges) and those drawn as dots."""
    if len(orgs) <= most:
        return list(orgs), []
    count: dict[str, int] = defaultdict(int)
    for line in lines:
        for end in _ends(line):
            count[end] += 1

    def key(f: Mapping[str, Any]) -> str:
        return f"{f['properties'].get('park')}:{f['properties'].get('code')}"

    ranked = sorted(orgs, key=lambda f: (-count[key(f)], key(f)))
    return ranked[:most], ranked[most:]


def _dots(svg: Svg, orgs: Sequence[Mapping[str, Any]], project: Projection, frame: Box) -> None:
    """Organisations beyond the numbered ones, as small dots of their kind's colour."""
    for f in orgs:
        x, y = project(*(float(v) for v in f["geometry"]["coordinates"][:2]))
        if frame.x <= x <= frame.right and frame.y <= y <= frame.bottom:
            kind = str(f["properties"].get("kind"))
            colour = next((c for k, c in KIND_COLOURS.items() if k.value == kind), MUTED)
            svg.element("circle", cx=x, cy=y, r=2.2, fill=colour, fill_opacity=0.7, class_="dot")


def _numbered(orgs: Sequence[Mapping[str, Any]]) -> dict[str, Place]:
    """Organisations numbered from north-west to south-east (in bands of about 0.01°)."""
    found = []
    for f in orgs:
        p = f["properties"]
        lon, lat = (float(v) for v in f["geometry"]["coordinates"][:2])
        key = f"{p.get('park')}:{p.get('code')}"
        found.append((key, str(p.get("name") or p.get("code")), str(p.get("kind")), (lon, lat)))
    found.sort(key=lambda item: (-round(item[3][1], 2), item[3][0], item[0]))
    return {
        key: Place(key, i, short_label(name), kind, at, at)
        for i, (key, name, kind, at) in enumerate(found, start=1)
    }


def _markers_at(places: Mapping[str, Place], project: Projection) -> dict[str, Place]:
    """The places projected, their markers moved apart until none overlaps another."""
    out = {}
    for key, place in places.items():
        at = project(*place.at)
        out[key] = Place(place.id, place.number, place.name, place.kind, at, at)
    markers = list(out.values())
    least = 2 * MARKER + 1.5
    for _ in range(200):
        moved = False
        for i, a in enumerate(markers):
            for b in markers[i + 1 :]:
                dx = a.marker[0] - b.marker[0]
                dy = a.marker[1] - b.marker[1]
                d = math.hypot(dx, dy)
                if d >= least:
                    continue
                moved = True
                if d < 1e-6:  # the same place: fan out by number
                    angle = b.number * 2.399
                    dx, dy, d = math.cos(angle), math.sin(angle), 1.0
                push = (least - d) / 2 + 0.2
                a.marker = (a.marker[0] + dx / d * push, a.marker[1] + dy / d * push)
                b.marker = (b.marker[0] - dx / d * push, b.marker[1] - dy / d * push)
        if not moved:
            break
    return out


@lru_cache(maxsize=1)
def _base_layer() -> list[dict[str, Any]]:
    """The shipped outline of Viet Nam and its archipelagos (Natural Earth 1:10m)."""
    path = resources.files("parkloop") / "web" / "static" / "geo" / "viet-nam.geojson"
    return list(json.loads(path.read_text(encoding="utf-8"))["features"])


def _rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _ring_path(ring: Sequence[Sequence[float]], project: Any, tolerance: float) -> str:
    """A ring as path data, leaving out points closer than ``tolerance`` pixels to the
    last one drawn."""
    out: list[str] = []
    last: Point | None = None
    for lon, lat in (p[:2] for p in ring):
        x, y = project(lon, lat)
        if last is not None and abs(x - last[0]) + abs(y - last[1]) < tolerance:
            continue
        out.append(f"{'M' if last is None else 'L'}{num(x)},{num(y)}")
        last = (x, y)
    return "".join(out) + "Z" if len(out) > 2 else ""


def _ring_box(ring: Sequence[Sequence[float]], project: Any) -> Box:
    points = [project(p[0], p[1]) for p in ring]
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def _reaches_land(project: Projection, frame: Box) -> bool:
    return any(
        _ring_box(ring, project).overlaps(frame)
        for feature in _base_layer()
        for ring in _rings(feature["geometry"])
    )


def _outline(svg: Svg, project: Projection, frame: Box) -> None:
    """Viet Nam's outline where it reaches the map (none for a park abroad)."""
    parts = [
        _ring_path(ring, project, 0.8)
        for feature in _base_layer()
        for ring in _rings(feature["geometry"])
        if _ring_box(ring, project).overlaps(frame)
    ]
    parts = [p for p in parts if p]
    if parts:
        svg.path("".join(parts), fill=LAND, stroke=BORDER, stroke_width=0.8, class_="land")


def _park(svg: Svg, park: Mapping[str, Any], project: Projection) -> None:
    """The park's boundary, or a dashed circle of the park's area at its point."""
    geometry = park["geometry"]
    if geometry["type"] in ("Polygon", "MultiPolygon"):
        d = "".join(_ring_path(ring, project, 0.3) for ring in _rings(geometry))
        svg.path(
            d,
            fill=PARK_COLOUR,
            fill_opacity=0.06,
            stroke=PARK_COLOUR,
            stroke_width=1.5,
            stroke_dasharray="6 4",
            class_="park",
        )
        return
    lon, lat = geometry["coordinates"][:2]
    x, y = project(lon, lat)
    area = park["properties"].get("area_ha")
    radius_km = math.sqrt(float(area) / 100 / math.pi) if area else 1.0
    svg.element(
        "circle",
        cx=x,
        cy=y,
        r=max(radius_km * project.scale, 12.0),
        fill=PARK_COLOUR,
        fill_opacity=0.06,
        stroke=PARK_COLOUR,
        stroke_width=1.5,
        stroke_dasharray="6 4",
        class_="park",
    )


def widths(
    lines: Sequence[Mapping[str, Any]], thinnest: float = 1.2, widest: float = 6.0
) -> list[float]:
    """Line widths growing with the logarithm of the quantity within each unit; lines
    without a quantity get the thinnest."""
    logs: dict[str, list[float]] = defaultdict(list)
    for f in lines:
        p = f["properties"]
        if p.get("quantity"):
            logs[str(p.get("unit"))].append(math.log10(float(p["quantity"])))
    out = []
    for f in lines:
        p = f["properties"]
        if not p.get("quantity") or float(p["quantity"]) <= 0:
            out.append(thinnest)
            continue
        group = logs[str(p.get("unit"))]
        low, high = min(group), max(group)
        share = (math.log10(float(p["quantity"])) - low) / (high - low) if high > low else 0.5
        out.append(round(thinnest + share * (widest - thinnest), 2))
    return out


def _exchanges(
    svg: Svg, lines: Sequence[Mapping[str, Any]], places: Mapping[str, Place], project: Projection
) -> None:
    """Each exchange from supplier to receiver, bent aside when several join the same
    two places, with an arrowhead at its middle pointing to the receiver."""
    pairs: dict[frozenset[str], int] = defaultdict(int)
    for f, width in sorted(zip(lines, widths(lines), strict=True), key=lambda fw: -fw[1]):
        p = f["properties"]
        ends = f["geometry"]["coordinates"]
        source = places.get(f"{p.get('supplier_park')}:{p.get('supplier')}")
        target = places.get(f"{p.get('receiver_park')}:{p.get('receiver')}")
        a = source.marker if source else project(*ends[0][:2])
        b = target.marker if target else project(*ends[-1][:2])
        key = frozenset((str(source and source.id), str(target and target.id)))
        rank = pairs[key]
        pairs[key] += 1
        bend = (0.12 + 0.1 * rank) * (1 if rank % 2 == 0 else -1)
        dx, dy = b[0] - a[0], b[1] - a[1]
        c = ((a[0] + b[0]) / 2 - dy * bend, (a[1] + b[1]) / 2 + dx * bend)
        colour = str(p.get("colour") or CLASS_COLOURS[MaterialClass.OTHER])
        status = str(p.get("status") or "running")
        svg.path(
            f"M{num(a[0])},{num(a[1])} Q{num(c[0])},{num(c[1])} {num(b[0])},{num(b[1])}",
            fill="none",
            stroke=colour,
            stroke_width=width,
            stroke_opacity=0.85,
            stroke_dasharray=DASHES.get(status, "6 4"),
            stroke_linecap="round",
            class_="exchange",
            data_quantity=p.get("quantity"),
        )
        # The curve's middle and its direction there.
        mx = 0.25 * a[0] + 0.5 * c[0] + 0.25 * b[0]
        my = 0.25 * a[1] + 0.5 * c[1] + 0.25 * b[1]
        tx, ty = b[0] - a[0], b[1] - a[1]
        d = math.hypot(tx, ty)
        if d < 4 * MARKER:
            continue
        tx, ty = tx / d, ty / d
        size = 4.0 + width
        back_x, back_y = mx - tx * size / 2, my - ty * size / 2
        side_x, side_y = -ty * size * 0.6, tx * size * 0.6
        svg.path(
            f"M{num(mx + tx * size)},{num(my + ty * size)} "
            f"L{num(back_x + side_x)},{num(back_y + side_y)} "
            f"L{num(back_x - side_x)},{num(back_y - side_y)} Z",
            fill=colour,
            class_="head",
        )


def _markers(svg: Svg, places: Mapping[str, Place]) -> None:
    for place in places.values():
        colour = next((c for k, c in KIND_COLOURS.items() if k.value == place.kind), "#777777")
        if place.marker != place.at:
            svg.element(
                "line",
                x1=place.at[0],
                y1=place.at[1],
                x2=place.marker[0],
                y2=place.marker[1],
                stroke=MUTED,
                stroke_width=0.7,
                class_="leader",
            )
            svg.element("circle", cx=place.at[0], cy=place.at[1], r=1.6, fill=MUTED, class_="spot")
        svg.element(
            "circle",
            cx=place.marker[0],
            cy=place.marker[1],
            r=MARKER,
            fill=colour,
            stroke="#ffffff",
            stroke_width=1.2,
            class_="marker",
        )
        size = 7.5 if place.number < 100 else 6.0
        svg.text(
            place.marker[0],
            place.marker[1],
            str(place.number),
            size=size,
            anchor="middle",
            colour="#ffffff",
            weight="bold",
            role="number",
        )


def _scale_bar(svg: Svg, project: Projection, frame: Box, lang: str) -> None:
    """A bar of a round number of kilometres, about a fifth of the map's width."""
    target = frame.w / 5 / project.scale
    power = 10 ** math.floor(math.log10(target))
    km = max(m * power for m in (1, 2, 5) if m * power <= target)
    length = km * project.scale
    x, y = frame.x + 14, frame.bottom - 16
    svg.rect(
        Box(x - 6, y - 16, length + 12 + 40, 24),
        fill="#ffffff",
        fill_opacity=0.8,
        class_="scale-back",
    )
    svg.rect(Box(x, y, length / 2, 4), fill=TEXT, class_="scale")
    svg.rect(
        Box(x + length / 2, y, length / 2, 4),
        fill="#ffffff",
        stroke=TEXT,
        stroke_width=0.8,
        class_="scale",
    )
    svg.text(x, y - 7, "0", size=8.5, anchor="middle", colour=TEXT, role="scale")
    digits = 0 if km >= 1 else 1
    svg.text(
        x + length,
        y - 7,
        f"{number(km, lang, digits, fixed=False)} km",
        size=8.5,
        anchor="middle",
        colour=TEXT,
        role="scale",
    )


def _north(svg: Svg, frame: Box, letter: str) -> None:
    x, y = frame.right - 22, frame.y + 16
    svg.path(
        f"M{num(x)},{num(y)} L{num(x + 7)},{num(y + 20)} L{num(x)},{num(y + 15)} "
        f"L{num(x - 7)},{num(y + 20)} Z",
        fill=TEXT,
        class_="north",
    )
    svg.text(x, y + 30, letter, size=10, anchor="middle", weight="bold", role="north")


def _locator(svg: Svg, park: Mapping[str, Any], frame: Box, lang: str) -> None:
    """A small map of Viet Nam with the park's place, in the map's upper left corner,
    when the park lies in Viet Nam."""
    coordinates = park["geometry"]["coordinates"]
    while coordinates and not isinstance(coordinates[0], int | float):
        coordinates = coordinates[0]
    lon, lat = float(coordinates[0]), float(coordinates[1])
    country = next((f for f in _base_layer() if f["properties"].get("code") == "VN"), None)
    if country is None:
        return
    rings = _rings(country["geometry"])
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    if not (min(lons) <= lon <= max(lons) and min(lats) <= lat <= max(lats)):
        return
    height = min(150.0, frame.h * 0.42)
    lat0 = (min(lats) + max(lats)) / 2
    scale = height / ((max(lats) - min(lats)) * KM_PER_DEGREE)
    width_px = (max(lons) - min(lons)) * math.cos(math.radians(lat0)) * KM_PER_DEGREE * scale
    inset = Box(frame.x + 8, frame.y + 8, width_px + 12, height + 12)
    project = Projection(
        (min(lons) + max(lons)) / 2, lat0, scale, inset.x + inset.w / 2, inset.y + inset.h / 2
    )
    svg.rect(
        inset, fill="#ffffff", fill_opacity=0.9, stroke=BORDER, stroke_width=0.8, class_="locator"
    )
    d = "".join(
        _ring_path(ring, project, 1.2)
        for feature in _base_layer()
        for ring in _rings(feature["geometry"])
    )
    svg.path(d, fill=LAND, stroke=BORDER, stroke_width=0.6, class_="locator-land")
    x, y = project(lon, lat)
    svg.element(
        "circle",
        cx=x,
        cy=y,
        r=3.5,
        fill="#c0392b",
        stroke="#ffffff",
        stroke_width=1.0,
        class_="locator-park",
    )


def _legend(
    svg: Svg,
    data: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    top: float,
    width: float,
    lang: str,
    words: Mapping[str, str],
) -> float:
    """Material classes, kinds of line and kinds of organisation drawn; returns the
    height reached."""
    legend = data.get("legend") or {}
    present = {str(f["properties"].get("material_class")) for f in lines}
    Entries = list[tuple[str | None, str]]
    classes: Entries = [
        (CLASS_COLOURS[c], c.label(lang)) for c in MaterialClass if c.value in present
    ]
    statuses: Entries = [
        (DASHES.get(str(s.get("status")), "6 4"), str(s.get("label")))
        for s in legend.get("statuses") or []
    ]
    kinds: Entries = [
        (str(k.get("colour")), str(k.get("label"))) for k in legend.get("kinds") or []
    ]
    rows: list[tuple[str, str, Entries]] = [
        (words["material-classes"], "swatch", classes),
        (words["exchanges"], "line", statuses),
        (words["organisations"], "dot", kinds),
    ]
    y = top
    indent = 8 + max(text_width(heading, 9.5) for heading, _, _ in rows) + 10
    for heading, kind, entries in rows:
        if not entries:
            continue
        svg.text(8, y, heading, size=9.5, weight="bold", colour=MUTED, role="legend")
        x = indent
        for first, label in entries:
            w = 24 + text_width(label, 9) + 14
            if x > indent and x + w > width - 8:
                x, y = indent, y + 15
            if kind == "swatch":
                svg.rect(Box(x, y - 4, 18, 8), fill=first, class_="swatch")
            elif kind == "line":
                svg.element(
                    "line",
                    x1=x,
                    y1=y,
                    x2=x + 18,
                    y2=y,
                    stroke=TEXT,
                    stroke_width=1.5,
                    stroke_dasharray=first,
                )
            else:
                svg.element("circle", cx=x + 9, cy=y, r=5.0, fill=first, class_="swatch")
            svg.text(x + 22, y, label, size=9, role="legend")
            x += w
        y += 17
    return y


def _key(svg: Svg, places: Mapping[str, Place], top: float, width: float) -> float:
    """The organisations by their numbers, in columns; returns the height reached."""
    items = sorted(places.values(), key=lambda p: p.number)
    if not items:
        return top
    column_w = 220.0
    columns = max(1, int((width - 16) // column_w))
    per_column = math.ceil(len(items) / columns)
    for i, place in enumerate(items):
        x = 8 + (i // per_column) * column_w
        y = top + (i % per_column) * 13
        svg.text(
            x + 16,
            y,
            str(place.number),
            size=KEY_SIZE,
            anchor="end",
            weight="bold",
            role="key-number",
        )
        svg.text(x + 20, y, fit(place.name, KEY_SIZE, column_w - 26), size=KEY_SIZE, role="key")
    return top + per_column * 13


def _rect(box: Box) -> str:
    return f'x="{num(box.x)}" y="{num(box.y)}" width="{num(box.w)}" height="{num(box.h)}"'
