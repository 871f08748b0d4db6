"""A park as GeoJSON for its map (C4, C11): the park's boundary or point, its
organisations, and its exchanges as lines between them, labelled in the viewer's language.

What a viewer may see is decided by the permission layer, not here: an exchange is a
record of its park (``may_see_level`` at the park level, docs/confidentiality.md), and an
exchange accepted from a saved match shows its quantity only where
``services.matching.matches_for`` shows that match's quantity to the viewer.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Engine

from parkloop import units
from parkloop.catalog import catalog
from parkloop.domain.enums import Confidentiality, ExchangeStatus, MaterialClass, OrgKind
from parkloop.domain.models import Enterprise, Exchange, Organisation, Park
from parkloop.domain.permissions import LEVELS, Viewer, may_see_level
from parkloop.formats import number
from parkloop.services import registry
from parkloop.services.matching import match_views, shown_matches
from parkloop.store import matching as match_store
from parkloop.store import registry as registry_store

# One colour per material class, shared by the map and the diagrams so that a class
# reads the same everywhere; chosen to stay readable as thin lines on white.
CLASS_COLOURS: dict[MaterialClass, str] = {
    MaterialClass.METAL: "#4e79a7",
    MaterialClass.MINERAL: "#9c755f",
    MaterialClass.PLASTIC: "#f28e2b",
    MaterialClass.PAPER: "#a39a1c",
    MaterialClass.WOOD: "#8c564b",
    MaterialClass.ORGANIC: "#59a14f",
    MaterialClass.OIL: "#3d3d3d",
    MaterialClass.SLUDGE: "#6a5acd",
    MaterialClass.CHEMICAL: "#b07aa1",
    MaterialClass.GAS: "#5fa8a2",
    MaterialClass.FUEL: "#7f3c8d",
    MaterialClass.HEAT: "#d62728",
    MaterialClass.STEAM: "#e377c2",
    MaterialClass.WATER: "#1f9bd1",
    MaterialClass.ELECTRICITY: "#d4a017",
    MaterialClass.CONSTRUCTION: "#8a8a8a",
    MaterialClass.HAZARDOUS: "#8b0000",
    MaterialClass.OTHER: "#a89f98",
}
# One colour per kind of organisation, for the map's points and the network's circles.
KIND_COLOURS: dict[OrgKind, str] = {
    OrgKind.ENTERPRISE: "#2c5f8a",
    OrgKind.UTILITY: "#2e8b57",
    OrgKind.COLLECTOR: "#8a5a2c",
    OrgKind.TREATER: "#7a3b69",
    OrgKind.FARM: "#5b8c2a",
    OrgKind.MUNICIPALITY: "#555555",
    OrgKind.OTHER: "#777777",
}
PER_YEAR = {"vi": "/năm", "en": "/yr"}
POLYGONS = ("Polygon", "MultiPolygon")


def language(lang: str) -> str:
    """The language labels are given in: English when asked for, else Vietnamese."""
    return "en" if lang == "en" else "vi"


def material_properties(code: str, lang: str) -> dict[str, Any]:
    """A material's code, name, class and the class's label and colour."""
    material = catalog().materials.get(code)
    cls = material.material_class if material else MaterialClass.OTHER
    name = code
    if material is not None:
        name = material.name_en if lang == "en" else material.name_vi
    return {
        "material": code,
        "material_name": name,
        "material_class": cls.value,
        "material_class_label": cls.label(lang),
        "colour": CLASS_COLOURS[cls],
        "hazardous": bool(material and material.hazardous),
    }


def sector_of(org: Organisation, lang: str) -> tuple[str, str]:
    """An enterprise's VSIC code as recorded and the name of that code (or of its
    division); empty for partners and enterprises without a code."""
    if not isinstance(org, Enterprise) or not org.vsic:
        return "", ""
    cat = catalog()
    entry = cat.vsic.get(org.vsic) or cat.vsic_division(org.vsic)
    if entry is None:
        return org.vsic, ""
    return org.vsic, entry.name_en if lang == "en" else entry.name_vi


def organisations_involved(
    engine: Engine, park_code: str, exchanges: Iterable[Exchange]
) -> dict[tuple[str, str], Organisation]:
    """The park's organisations and those of other parks its exchanges touch, by (park
    code, organisation code)."""
    found = {(o.park_code, o.code): o for o in registry.organisations(engine, park_code)}
    others = {
        park
        for x in exchanges
        for park in (x.supplier_park_code, x.receiver_park_code)
        if park and park != park_code
    }
    for park in sorted(others):
        found.update({(o.park_code, o.code): o for o in registry.organisations(engine, park)})
    return found


def exchange_figures_shown(
    engine: Engine, exchanges: Sequence[Exchange], viewer: Viewer
) -> set[int]:
    """Ids of the exchanges whose quantity ``viewer`` may see: an exchange is a record of
    the park it is recorded under; one accepted from a saved match also needs that match
    shown to the viewer with its quantity (its records may be private)."""
    if not exchanges:
        return set()
    with engine.connect() as conn:
        park_ids = registry_store.park_ids(conn, {x.park_code for x in exchanges})
        accepted = match_store.list_matches(conn, park_ids.values(), ["accepted"])
    from_match = {int(m["exchange_id"]): int(m["id"]) for m in accepted if m["exchange_id"]}
    seen_matches: set[int] = set()
    for park in sorted({x.park_code for x in exchanges if x.id in from_match}):
        # The views of matches_for, unexplained: whether a quantity shows does not hang on
        # the reasons.
        shown = shown_matches(engine, park, viewer, ["accepted"])
        seen_matches |= {
            int(view["id"])
            for view in match_views(engine, park, shown, viewer, explained=False)
            if view["quantity"] is not None
        }
    park_level = LEVELS[Confidentiality.PARK]
    return {
        x.id
        for x in exchanges
        if x.id is not None
        and may_see_level(viewer, None, park_ids.get(x.park_code), park_level)
        and (x.id not in from_match or from_match[x.id] in seen_matches)
    }


def quantity_properties(value: float, unit: str, lang: str) -> dict[str, Any]:
    """A yearly quantity as a figure, its unit and the text a popup shows."""
    shown = units.display(unit)
    digits = 0 if abs(value) >= 100 else 1
    return {
        "quantity": value,
        "unit": unit,
        "unit_label": shown,
        "quantity_text": f"{number(value, lang, digits, fixed=False)} {shown}{PER_YEAR[lang]}",
    }


def park_geojson(
    engine: Engine, park_code: str, viewer: Viewer, lang: str = "vi"
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of a park for ``viewer`` (coordinates longitude first).

    Features carry ``class``: ``park`` (its boundary polygon, else its point),
    ``organisation`` (a point for each organisation with coordinates: the park's own and
    those of other parks its exchanges reach) and ``exchange`` (a line from supplier to
    receiver, coloured by material class, with its quantity only where the viewer may
    see it). Foreign members: ``park``, ``lang``, ``bbox``, ``legend`` (material classes,
    statuses and kinds of organisation drawn), ``unplaced`` (organisations and exchanges
    left off the map for want of coordinates), and ``method`` and ``sources``: what the
    picture is made of, in the viewer's language.
    """
    lang = language(lang)
    park = registry.require_park(engine, park_code)
    exchanges = registry.exchanges(engine, park_code, viewer=viewer)
    orgs = organisations_involved(engine, park_code, exchanges)
    shown = exchange_figures_shown(engine, exchanges, viewer)

    features: list[dict[str, Any]] = []
    park_feature = _park_feature(park, lang)
    if park_feature is not None:
        features.append(park_feature)
    unplaced_orgs = 0
    for org in orgs.values():
        if org.location is None:
            if org.park_code == park_code:
                unplaced_orgs += 1
            continue
        if org.park_code == park_code or _touches(org, exchanges):
            features.append(_organisation_feature(org, lang))

    classes: set[MaterialClass] = set()
    statuses: set[ExchangeStatus] = set()
    kinds = {
        OrgKind(f["properties"]["kind"])
        for f in features
        if f["properties"]["class"] == "organisation"
    }
    unplaced_exchanges = 0
    drawn_exchanges = 0
    with_figures = 0
    for x in exchanges:
        supplier = orgs.get((x.supplier_park_code, x.supplier_code))
        receiver = orgs.get((x.receiver_park_code, x.receiver_code))
        if supplier is None or receiver is None or not supplier.location or not receiver.location:
            unplaced_exchanges += 1
            continue
        feature = _exchange_feature(x, supplier, receiver, x.id in shown, lang)
        classes.add(MaterialClass(feature["properties"]["material_class"]))
        statuses.add(x.status)
        features.append(feature)
        drawn_exchanges += 1
        with_figures += x.id in shown

    collection: dict[str, Any] = {
        "type": "FeatureCollection",
        "park": park.code,
        "lang": lang,
        "features": features,
        "legend": {
            "material_classes": [
                {"class": c.value, "label": c.label(lang), "colour": CLASS_COLOURS[c]}
                for c in MaterialClass
                if c in classes
            ],
            "statuses": [
                {"status": s.value, "label": s.label(lang)} for s in ExchangeStatus if s in statuses
            ],
            "kinds": [
                {"kind": k.value, "label": k.label(lang), "colour": KIND_COLOURS[k]}
                for k in OrgKind
                if k in kinds
            ],
        },
        "unplaced": {"organisations": unplaced_orgs, "exchanges": unplaced_exchanges},
        "method": _map_method(lang),
        "sources": _map_sources(
            sum(1 for f in features if f["properties"]["class"] == "organisation"),
            drawn_exchanges,
            with_figures,
            park_feature,
            lang,
        ),
    }
    box = bbox(features)
    if box is not None:
        collection["bbox"] = box
    return collection


def _map_method(lang: str) -> str:
    if lang == "en":
        return (
            "Each point is an organisation at the coordinates recorded for it, coloured by "
            "its kind; the park is drawn by its boundary, or a dashed circle at its point "
            "when it has none. Each line is an exchange from supplier to receiver (the "
            "arrow points to the receiver), coloured by the class of its material: solid "
            "while it runs, dashed while proposed, negotiated or planned, dotted once "
            "stopped. Widths follow the quantity on a log scale, within one unit, where "
            "this account may see it. Organisations and exchanges without coordinates are "
            "counted under the map instead. The base map is Viet Nam's outline, drawn "
            "without any tile server; tiles are laid under it only when configured."
        )
    return (
        "Mỗi điểm là một tổ chức đặt theo toạ độ đã ghi, tô màu theo loại hình; khu công "
        "nghiệp được vẽ theo ranh giới, hoặc bằng vòng tròn nét đứt tại điểm toạ độ của khu "
        "khi chưa có ranh giới. Mỗi đường là một trao đổi từ bên cung cấp tới bên nhận (mũi "
        "tên chỉ về bên nhận), tô màu theo nhóm vật liệu: nét liền khi đang vận hành, nét "
        "đứt khi đề xuất, đàm phán hay theo kế hoạch, nét chấm khi đã dừng. Độ dày theo "
        "khối lượng (thang log, trong cùng một đơn vị) khi tài khoản này được phép xem. Tổ "
        "chức và trao đổi chưa có toạ độ được đếm dưới bản đồ. Nền là đường biên Việt Nam, "
        "vẽ không cần máy chủ bản đồ nền; lớp bản đồ nền chỉ được thêm khi đã cấu hình."
    )


def _map_sources(
    organisations: int,
    exchanges: int,
    with_figures: int,
    park_feature: dict[str, Any] | None,
    lang: str,
) -> list[str]:
    boundary = park_feature is not None and park_feature["geometry"]["type"] in POLYGONS
    if lang == "en":
        return [
            f"{organisations} organisations with coordinates (park registry)",
            f"{exchanges} exchanges of the exchange register, {with_figures} with "
            "quantities this account may see",
            "the park's boundary (park registry)"
            if boundary
            else "the park's point (park registry; no boundary recorded)",
            "base map: Natural Earth 1:10m countries (public domain), shipped with parkloop",
        ]
    return [
        f"{organisations} tổ chức có toạ độ (sổ đăng ký của khu)",
        f"{exchanges} trao đổi trong sổ trao đổi, {with_figures} có khối lượng tài khoản "
        "này được phép xem",
        "ranh giới của khu (sổ đăng ký của khu)"
        if boundary
        else "điểm toạ độ của khu (sổ đăng ký của khu; chưa ghi ranh giới)",
        "bản đồ nền: Natural Earth 1:10m, các quốc gia (phạm vi công cộng), đi kèm parkloop",
    ]


def _touches(org: Organisation, exchanges: Iterable[Exchange]) -> bool:
    key = (org.park_code, org.code)
    return any(
        key in ((x.supplier_park_code, x.supplier_code), (x.receiver_park_code, x.receiver_code))
        for x in exchanges
    )


def _park_feature(park: Park, lang: str) -> dict[str, Any] | None:
    geometry = boundary_geometry(park.boundary_geojson)
    if geometry is None and park.location is not None:
        geometry = {"type": "Point", "coordinates": [park.location.lon, park.location.lat]}
    if geometry is None:
        return None
    return {
        "type": "Feature",
        "id": f"park:{park.code}",
        "geometry": geometry,
        "properties": {
            "class": "park",
            "code": park.code,
            "name": (park.name_en or park.name_vi) if lang == "en" else park.name_vi,
            "province": park.province,
            "area_ha": park.total_area_ha,
        },
    }


def _organisation_feature(org: Organisation, lang: str) -> dict[str, Any]:
    assert org.location is not None
    sector, sector_name = sector_of(org, lang)
    return {
        "type": "Feature",
        "id": f"organisation:{org.park_code}:{org.code}",
        "geometry": {"type": "Point", "coordinates": [org.location.lon, org.location.lat]},
        "properties": {
            "class": "organisation",
            "code": org.code,
            "park": org.park_code,
            "name": org.display_name(lang),
            "kind": org.kind.value,
            "kind_label": org.kind.label(lang),
            "sector": sector,
            "sector_name": sector_name,
            "inside_park": org.inside_park,
        },
    }


def _exchange_feature(
    x: Exchange, supplier: Organisation, receiver: Organisation, figures: bool, lang: str
) -> dict[str, Any]:
    assert supplier.location is not None and receiver.location is not None
    material = material_properties(x.material_code, lang)
    properties: dict[str, Any] = {
        "class": "exchange",
        "key": x.key,
        "park": x.park_code,
        "name": (
            f"{material['material_name']}: {supplier.display_name(lang)} → "
            f"{receiver.display_name(lang)}"
        ),
        "supplier": x.supplier_code,
        "supplier_park": x.supplier_park_code,
        "supplier_name": supplier.display_name(lang),
        "receiver": x.receiver_code,
        "receiver_park": x.receiver_park_code,
        "receiver_name": receiver.display_name(lang),
        **material,
        "status": x.status.value,
        "status_label": x.status.label(lang),
        "figures_hidden": not figures,
    }
    if figures:
        properties.update(quantity_properties(x.quantity.value, x.quantity.unit, lang))
    return {
        "type": "Feature",
        "id": f"exchange:{x.park_code}:{x.key}",
        "geometry": {
            "type": "LineString",
            "coordinates": [
                [supplier.location.lon, supplier.location.lat],
                [receiver.location.lon, receiver.location.lat],
            ],
        },
        "properties": properties,
    }


# -- the park's boundary ---------------------------------------------------------------------


def boundary_geometry(text: str | None) -> dict[str, Any] | None:
    """The polygon(s) of a park's ``boundary_geojson`` (a geometry, a feature or a
    collection of either), rebuilt from its numbers alone; None when it holds no valid
    polygon, so the map falls back to the park's point."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    polygons: list[list[list[list[float]]]] = []
    for geometry in _geometries(data):
        kind, coordinates = geometry.get("type"), geometry.get("coordinates")
        if kind not in POLYGONS or not isinstance(coordinates, list):
            continue
        for candidate in [coordinates] if kind == "Polygon" else coordinates:
            polygon = _polygon(candidate)
            if polygon is not None:
                polygons.append(polygon)
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _geometries(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if not isinstance(data, dict) or depth > 4:
        return
    kind = data.get("type")
    if kind == "Feature":
        yield from _geometries(data.get("geometry"), depth + 1)
    elif kind == "FeatureCollection" and isinstance(data.get("features"), list):
        for feature in data["features"]:
            yield from _geometries(feature, depth + 1)
    elif kind == "GeometryCollection" and isinstance(data.get("geometries"), list):
        for geometry in data["geometries"]:
            yield from _geometries(geometry, depth + 1)
    elif kind in POLYGONS:
        yield data


def _polygon(rings: Any) -> list[list[list[float]]] | None:
    if not isinstance(rings, list) or not rings:
        return None
    out = []
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            return None
        points = [_position(p) for p in ring]
        if any(p is None for p in points):
            return None
        closed = [p for p in points if p is not None]
        if closed[0] != closed[-1]:
            closed.append(closed[0])
        out.append(closed)
    return out


def _position(value: Any) -> list[float] | None:
    if not isinstance(value, list) or len(value) < 2:
        return None
    lon, lat = value[0], value[1]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
        return None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return [float(lon), float(lat)]


def bbox(features: Iterable[dict[str, Any]]) -> list[float] | None:
    """[west, south, east, north] around every coordinate of ``features``."""
    lons: list[float] = []
    lats: list[float] = []

    def walk(coordinates: Any) -> None:
        if coordinates and isinstance(coordinates[0], int | float):
            lons.append(float(coordinates[0]))
            lats.append(float(coordinates[1]))
            return
        for item in coordinates:
            walk(item)

    for feature in features:
        walk(feature["geometry"]["coordinates"])
    if not lons:
        return None
    return [min(lons), min(lats), max(lons), max(lats)]


__all__ = [
    "CLASS_COLOURS",
    "KIND_COLOURS",
    "boundary_geometry",
    "exchange_figures_shown",
    "language",
    "material_properties",
    "organisations_involved",
    "park_geojson",
    "quantity_properties",
    "sector_of",
]
