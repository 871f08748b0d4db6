"""A park's diagrams (C10, C11), as data ECharts draws as it is: a Sankey of the park's
flows in one unit, and the symbiosis network drawn like the Kalundborg diagram. Each says
what it is made of (``method``, ``sources``).

Which records a diagram rests on is decided by the permission layer: flows come through
the viewer's filter, exchange figures through ``geo.exchange_figures_shown``, matches
through ``matching.shown_matches``; a viewer outside the park gets totals by material class
only under the disclosure rule (``services.confidentiality``).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine

from parkloop import units
from parkloop.catalog import catalog
from parkloop.domain.enums import (
    DISPOSAL_DESTINATIONS,
    Destination,
    Direction,
    ExchangeStatus,
    MaterialClass,
    OrgKind,
)
from parkloop.domain.models import Exchange, Organisation, Park
from parkloop.domain.permissions import DisclosureRule, Viewer
from parkloop.formats import percent
from parkloop.services import confidentiality, memo, registry
from parkloop.services.geo import (
    CLASS_COLOURS,
    KIND_COLOURS,
    exchange_figures_shown,
    language,
    material_properties,
    organisations_involved,
    sector_of,
)
from parkloop.services.matching import SHOWN_REST_ON, Shown, match_parts, shown_matches
from parkloop.store import matching as match_store
from parkloop.store import registry as registry_store

OrgKey = tuple[str, str]  # (park code, organisation code)

WORDS: dict[str, dict[str, str]] = {
    "outside": {"vi": "Mua ngoài / nguyên sinh", "en": "Bought in (virgin or purchased)"},
    "park-outputs": {"vi": "Doanh nghiệp trong khu (đầu ra)", "en": "Firms of the park (outputs)"},
    "park-inputs": {"vi": "Doanh nghiệp trong khu (đầu vào)", "en": "Firms of the park (inputs)"},
    "receivers-outside": {"vi": "Bên nhận ngoài khu", "en": "Receivers outside the park"},
    "column-from": {"vi": "Từ: đầu ra, mua ngoài", "en": "From: outputs, bought in"},
    "column-material": {"vi": "Vật liệu", "en": "Material"},
    "column-to": {"vi": "Đến: bên nhận, nơi đến", "en": "To: receivers, destinations"},
    "other-firms": {"vi": "Doanh nghiệp khác", "en": "Other firms"},
    "other-materials": {"vi": "Vật liệu khác", "en": "Other materials"},
    "match": {"vi": "cặp ghép đề xuất", "en": "proposed match"},
}
# In the compact Sankey, firms and materials each carrying less than this share of the
# park's total are drawn as one "other" node per column.
FOLD_SHARE = 0.01
# Words a name starts or ends with that say only its legal form ("Công ty CP ...",
# "... JSC"): left out of the short label a diagram draws (the full name is its tooltip).
LEGAL_PREFIXES = (
    "tổng công ty",
    "công ty cổ phần",
    "công ty cp",
    "công ty tnhh một thành viên",
    "công ty tnhh mtv",
    "công ty tnhh",
    "công ty",
    "doanh nghiệp tư nhân",
    "doanh nghiệp",
)
LEGAL_SUFFIXES = (
    "joint stock company",
    "company limited",
    "co., ltd.",
    "co., ltd",
    "co. ltd",
    "co.,ltd",
    "corporation",
    "company",
    "corp.",
    "jsc",
    "ltd.",
    "ltd",
)
PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")
NODE_COLOURS = {
    "organisation": "#5b6b7b",
    "outside": "#aab2bb",
    "symbiosis": "#2e8b57",
    "sold": "#4e79a7",
    "disposal": "#a0522d",
    "other": "#9a9a9a",
}
REUSE = {Destination.EXCHANGED, Destination.REUSED_INTERNALLY}
SOLD = {Destination.SOLD, Destination.SOLD_LOW}
LINE_TYPES = {
    ExchangeStatus.RUNNING: "solid",
    ExchangeStatus.NEGOTIATING: "dashed",
    ExchangeStatus.PROPOSED: "dashed",
    ExchangeStatus.PLANNED: "dashed",
    ExchangeStatus.STOPPED: "dotted",
}
MATCH_STATUSES = ("proposed", "accepted")
# The codes flows are read with, looked up once (an enum member's value is a lookup).
IN, OUT, UNKNOWN = Direction.IN.value, Direction.OUT.value, Destination.UNKNOWN.value
TINY = 1e-9


# -- the Sankey ------------------------------------------------------------------------------


@dataclass(slots=True)
class Path:
    """One stretch of material from a source through a material to a target, with the
    organisations whose records it rests on (by role: supplier, receiver)."""

    kind: str  # exchange, output, input
    source: str
    material: str
    target: str
    value: float
    parties: dict[str, OrgKey] = field(default_factory=dict)


@dataclass(frozen=True)
class Drawn:
    """A picture as a viewer gets it (``data``, shared: not to be changed), and ``key``:
    what names the records it was drawn from, the same for every viewer who may see
    those records (their pictures are the same; see :func:`memo.alike`)."""

    key: Hashable
    data: dict[str, Any]
    rests_on: frozenset[str] = frozenset()  # what its records are (:func:`memo.shared`)


def park_sankey(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    year: int | None = None,
    lang: str = "vi",
    unit: str = "t",
) -> dict[str, Any]:
    """The flows of a park in ``year`` (the latest with flows when None) and ``unit``, as
    ECharts Sankey ``nodes`` and ``links``: from the enterprises' outputs and what is
    bought in, through each material, to the receivers of running exchanges and the
    destinations of the rest.

    Viewers of the park see it per enterprise, from the flows they may see; a viewer
    outside it gets totals by material class, each path published only when it passes the
    disclosure rule (``suppressed`` lists the others with the reason).

    Each node has a ``name`` and a short ``label`` to draw (the name less its legal form
    and any closing parenthesis); ``columns`` names the three columns. ``compact`` is the
    same picture with the firms and materials each under ``FOLD_SHARE`` of the total
    folded into one "other" node per column (``members`` lists what each holds), or None
    when nothing folds; it is made of the same paths, so it shows nothing more.
    """
    return drawn_sankey(engine, park_code, viewer, year, lang, unit).data


def drawn_sankey(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    year: int | None = None,
    lang: str = "vi",
    unit: str = "t",
) -> Drawn:
    """:func:`park_sankey` and what it is drawn from: the flows of the year the viewer may
    see, the exchanges whose figures it may see, whether it gets aggregates only."""
    lang = language(lang)
    park = registry.require_park(engine, park_code)
    computing, aggregate_only = confidentiality.computing_viewer(viewer, park.id)
    flows = registry.flow_figures(engine, park_code, computing)
    year = year or max((f.year for f in flows), default=None)
    year_flows = tuple(f for f in flows if f.year == year)
    exchanges = [
        x for x in registry.exchanges(engine, park_code, viewer=computing) if _ran(x, year)
    ]
    shown = exchange_figures_shown(engine, exchanges, computing)
    counted = [x for x in exchanges if x.id in shown]
    key = (
        "sankey",
        park.code,
        year,
        lang,
        unit,
        aggregate_only,
        year_flows,
        tuple(x.id for x in counted),
    )
    data = memo.alike(
        engine,
        key,
        lambda: _sankey(engine, park, year, year_flows, counted, aggregate_only, lang, unit),
    )
    return Drawn(key, data)


def _sankey(
    engine: Engine,
    park: Park,
    year: int | None,
    year_flows: Sequence[registry.FlowFigures],
    counted: Sequence[Exchange],
    aggregate_only: bool,
    lang: str,
    unit: str,
) -> dict[str, Any]:
    park_code = park.code
    orgs = organisations_involved(engine, park_code, counted)

    available = sorted({f.unit for f in year_flows} | {x.quantity.unit for x in counted})
    paths = _paths(
        [f for f in year_flows if f.unit == unit],
        [x for x in counted if x.quantity.unit == unit],
        park_code,
    )
    suppressed: list[dict[str, Any]] = []
    if aggregate_only:
        paths, suppressed = _published(paths, park_code, lang)
    nodes, links = _sankey_graph(paths, orgs, park_code, aggregate_only, lang)
    compact = None if aggregate_only else _compact(nodes, links, FOLD_SHARE, lang)
    rule = confidentiality.disclosure_rule()
    return {
        "kind": "sankey",
        "park": park.code,
        "year": year,
        "unit": unit,
        "unit_label": units.display(unit),
        "units": [{"unit": u, "label": units.display(u)} for u in available],
        "lang": lang,
        "aggregate": aggregate_only,
        "nodes": nodes,
        "links": links,
        "columns": [_word(c, lang) for c in ("column-from", "column-material", "column-to")],
        "compact": compact,
        "suppressed": suppressed,
        "method": _sankey_method(year, unit, aggregate_only, rule, lang, compact is not None),
        "sources": _sankey_sources(year_flows, unit, counted, aggregate_only, lang),
    }


def _ran(x: Exchange, year: int | None) -> bool:
    """Whether an exchange carried material in ``year``; with no year, whether it runs now
    (the accounting's rule, which is the assessment's)."""
    from parkloop.services.accounting import ran_in

    return ran_in(x, year)


def _paths(
    flows: Sequence[registry.FlowFigures], exchanges: Sequence[Exchange], park_code: str
) -> list[Path]:
    """Exchanges from supplier to receiver; each output less what its enterprise's
    exchanges carry of that material, to its destination; each input less what the
    enterprise receives by exchange, from outside."""
    inputs = {((park_code, f.org_code), f.material_code) for f in flows if f.direction == IN}
    paths: list[Path] = []
    sent: dict[tuple[OrgKey, str], float] = defaultdict(float)
    received: dict[tuple[OrgKey, str], float] = defaultdict(float)
    for x in exchanges:
        supplier = (x.supplier_park_code, x.supplier_code)
        receiver = (x.receiver_park_code, x.receiver_code)
        paths.append(
            Path(
                "exchange",
                f"out:{supplier[0]}:{supplier[1]}",
                x.material_code,
                f"in:{receiver[0]}:{receiver[1]}",
                x.quantity.value,
                {"supplier": supplier, "receiver": receiver},
            )
        )
        sent[(supplier, x.material_code)] += x.quantity.value
        # What is received eases the receiver's input of that material when it records
        # one, else its input of the material the exchange replaces.
        eased = x.material_code
        if (receiver, eased) not in inputs and x.receiver_material_code:
            eased = x.receiver_material_code
        received[(receiver, eased)] += x.quantity.value
    for f in flows:
        org = (park_code, f.org_code)
        key = (org, f.material_code)
        if f.direction == OUT:
            rest = f.annual_quantity - sent.pop(key, 0.0)
            destination = f.destination or UNKNOWN
            if rest > TINY:
                paths.append(
                    Path(
                        "output",
                        f"out:{org[0]}:{org[1]}",
                        f.material_code,
                        f"destination:{destination}",
                        rest,
                        {"supplier": org},
                    )
                )
        else:
            rest = f.annual_quantity - received.pop(key, 0.0)
            if rest > TINY:
                paths.append(
                    Path(
                        "input",
                        "outside",
                        f.material_code,
                        f"in:{org[0]}:{org[1]}",
                        rest,
                        {"receiver": org},
                    )
                )
    return paths


def _published(
    paths: Sequence[Path], park_code: str, lang: str
) -> tuple[list[Path], list[dict[str, Any]]]:
    """Paths as a viewer outside the park gets them: by material class, from and to the
    park as a whole, each published only when every side of it passes the disclosure
    rule. A path is kept or dropped whole, so no published total can be differenced into
    a suppressed one."""
    grouped: dict[tuple[str, str, str], float] = defaultdict(float)
    by_party: dict[tuple[str, str, str], dict[str, dict[OrgKey, float]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(float))
    )
    materials = catalog().materials
    for p in paths:
        material = materials.get(p.material)
        cls = (material.material_class if material else MaterialClass.OTHER).value
        source = "park-outputs" if p.source.startswith("out:") else p.source
        target = p.target
        if p.kind == "exchange":
            inside = p.parties["receiver"][0] == park_code
            target = "park-inputs" if inside else "receivers-outside"
            if p.parties["supplier"][0] != park_code:
                source = "outside"
        elif p.target.startswith("in:"):
            target = "park-inputs"
        key = (source, f"class:{cls}", target)
        grouped[key] += p.value
        for role, org in p.parties.items():
            by_party[key][role][org] += p.value
    kept: list[Path] = []
    suppressed: list[dict[str, Any]] = []
    for key, value in grouped.items():
        notes = [
            note
            for contributions in by_party[key].values()
            for shown, note in [confidentiality.publish({"value": value}, contributions)]
            if shown is None
        ]
        source, middle, target = key
        if notes:
            suppressed.append(
                {
                    "path": [_word(source, lang), _class_label(middle, lang), _word(target, lang)],
                    "note": _suppressed_note(lang),
                }
            )
            continue
        kept.append(Path("aggregate", source, middle, target, value))
    suppressed.sort(key=lambda s: s["path"])
    return kept, suppressed


def _suppressed_note(lang: str) -> str:
    """Why a path is not published, in the viewer's language."""
    rule = confidentiality.disclosure_rule()
    if lang == "en":
        return (
            f"fewer than {rule.min_contributors} enterprises contribute, or one contributes "
            f"more than {percent(rule.max_share, 'en')} of it (disclosure rule)"
        )
    return (
        f"ít hơn {rule.min_contributors} doanh nghiệp đóng góp, hoặc một doanh nghiệp chiếm "
        f"quá {percent(rule.max_share, 'vi')} (quy tắc công bố thông tin)"
    )


def _sankey_graph(
    paths: Sequence[Path],
    orgs: Mapping[OrgKey, Organisation],
    park_code: str,
    aggregate: bool,
    lang: str,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    middle_of = {m: _middle_node(m, lang) for m in {p.material for p in paths}}
    nodes: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str], dict[str, Any]] = {}

    def add_node(node_id: str, depth: int) -> None:
        if node_id not in nodes:
            nodes[node_id] = _sankey_node(node_id, depth, orgs, park_code, middle_of, lang)

    def add_link(source: str, target: str, value: float, colour: str, kind: str) -> None:
        link = links.setdefault(
            (source, target),
            {
                "source": source,
                "target": target,
                "value": 0.0,
                "kind": kind,
                "lineStyle": {"color": colour, "opacity": 0.45},
            },
        )
        link["value"] += value

    for p in paths:
        middle = p.material if aggregate else f"material:{p.material}"
        colour = middle_of[p.material]["colour"]
        add_node(p.source, 0)
        add_node(middle, 1)
        add_node(p.target, 2)
        add_link(p.source, middle, p.value, colour, p.kind)
        add_link(middle, p.target, p.value, colour, p.kind)
    through = _throughputs(links)
    ordered = sorted(nodes.values(), key=lambda n: (n["depth"], -through[n["id"]]))
    for depth in {n["depth"] for n in ordered}:
        _unique_labels([n for n in ordered if n["depth"] == depth])
    return ordered, list(links.values())


def _compact(
    nodes: Sequence[Mapping[str, Any]],
    links: Sequence[Mapping[str, Any]],
    share: float,
    lang: str,
) -> dict[str, Any] | None:
    """The Sankey with the firms and materials each carrying less than ``share`` of the
    total folded into one "other" node per column; None when no column has two such
    nodes. Links between the same two nodes after folding are added up, so every node
    keeps its total and the middle column still puts out what it takes in."""
    depth_of = {str(n["id"]): int(n["depth"]) for n in nodes}
    through: dict[str, float] = defaultdict(float)
    total = 0.0
    for link in links:
        value = float(link["value"])
        if depth_of[str(link["source"])] == 0:
            total += value
            through[str(link["source"])] += value
        through[str(link["target"])] += value
    small = {
        str(n["id"]): f"other:{n['depth']}"
        for n in nodes
        if n["group"] in ("organisation", "material") and through[str(n["id"])] < share * total
    }
    members: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for n in nodes:
        if str(n["id"]) in small:
            members[small[str(n["id"])]].append(n)
    fold_of = {node: fold for node, fold in small.items() if len(members[fold]) >= 2}
    if not fold_of:
        return None

    kept: list[dict[str, Any]] = [dict(n) for n in nodes if str(n["id"]) not in fold_of]
    for fold in sorted(set(fold_of.values())):
        depth = int(fold.removeprefix("other:"))
        held = sorted(members[fold], key=lambda n: -through[str(n["id"])])
        word = _word("other-materials" if depth == 1 else "other-firms", lang)
        kept.append(
            {
                "id": fold,
                "depth": depth,
                "name": f"{word} ({len(held)})",
                "label": f"{word} ({len(held)})",
                "group": "other",
                "members": [{"name": n["name"], "value": through[str(n["id"])]} for n in held],
                "itemStyle": {"color": NODE_COLOURS["other"]},
            }
        )
    kept.sort(key=lambda n: (n["depth"], n["group"] == "other"))

    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for link in links:
        source = fold_of.get(str(link["source"]), str(link["source"]))
        target = fold_of.get(str(link["target"]), str(link["target"]))
        found = merged.get((source, target))
        if found is None:
            merged[(source, target)] = {
                **link,
                "source": source,
                "target": target,
                "value": float(link["value"]),
                "lineStyle": dict(link["lineStyle"]),
            }
            continue
        found["value"] += float(link["value"])
        if found["lineStyle"]["color"] != link["lineStyle"]["color"]:
            found["lineStyle"]["color"] = NODE_COLOURS["other"]
        if found["kind"] != link["kind"]:
            found["kind"] = "mixed"
    return {"share": share, "nodes": kept, "links": list(merged.values())}


def short_label(name: str, legal: bool = True) -> str:
    """A name short enough to draw: without a closing parenthesis ("(minh hoạ)", "(chủ
    đầu tư hạ tầng KCN)"), without the words of its legal form when ``legal`` ("Công ty
    CP", "Doanh nghiệp", "JSC", "Co., Ltd"), without what follows a first comma, and
    starting with a capital. The name itself when nothing would be left."""
    text = name.strip()
    while True:
        shorter = PARENTHESIS.sub("", text)
        if shorter == text or not shorter:
            break
        text = shorter
    if legal:
        low = text.lower()
        for prefix in LEGAL_PREFIXES:
            if low.startswith(prefix + " "):
                text = text[len(prefix) + 1 :].lstrip()
                break
        low = text.lower()
        for suffix in LEGAL_SUFFIXES:
            if low.endswith(" " + suffix) or low.endswith("," + suffix):
                text = text[: -len(suffix)].rstrip(" ,")
                break
    text = text.split(",")[0].strip()
    if not text:
        return name.strip()
    return text[0].upper() + text[1:]


def _throughputs(links: Mapping[tuple[str, str], Mapping[str, Any]]) -> dict[str, float]:
    """What passes through each node: the values of its links in and out, in one pass."""
    through: dict[str, float] = defaultdict(float)
    for (source, target), link in links.items():
        through[source] += float(link["value"])
        if target != source:
            through[target] += float(link["value"])
    return through


def _middle_node(material: str, lang: str) -> dict[str, Any]:
    if material.startswith("class:"):
        cls = MaterialClass(material.removeprefix("class:"))
        return {"name": cls.label(lang), "colour": CLASS_COLOURS[cls], "class": cls.value}
    props = material_properties(material, lang)
    return {
        "name": props["material_name"],
        "colour": props["colour"],
        "class": props["material_class"],
    }


def _sankey_node(
    node_id: str,
    depth: int,
    orgs: Mapping[OrgKey, Organisation],
    park_code: str,
    middle_of: Mapping[str, Mapping[str, Any]],
    lang: str,
) -> dict[str, Any]:
    node: dict[str, Any] = {"id": node_id, "depth": depth}
    kind, _, rest = node_id.partition(":")
    if kind in ("out", "in"):
        park, _, code = rest.partition(":")
        org = orgs.get((park, code))
        node.update(
            name=_org_name(org, park, code, park_code, lang),
            label=_org_label(org, park, code, park_code, lang),
            group="organisation",
            organisation=code,
            park=park,
        )
        colour = NODE_COLOURS["organisation"]
    elif kind in ("material", "class"):
        middle = middle_of[rest if kind == "material" else node_id]
        node.update(
            name=middle["name"],
            label=short_label(str(middle["name"]), legal=False),
            group="material",
            material_class=middle["class"],
        )
        if kind == "material":
            node["material"] = rest
        colour = str(middle["colour"])
    elif kind == "destination":
        destination = Destination(rest)
        node.update(
            name=destination.label(lang),
            label=destination.label(lang),
            group="destination",
            destination=rest,
        )
        colour = NODE_COLOURS[_destination_group(destination)]
    else:
        node.update(name=_word(node_id, lang), label=_word(node_id, lang), group=node_id)
        colour = NODE_COLOURS["outside" if node_id == "outside" else "organisation"]
    node["itemStyle"] = {"color": colour}
    return node


def _destination_group(destination: Destination) -> str:
    if destination in REUSE:
        return "symbiosis"
    if destination in SOLD:
        return "sold"
    if destination in DISPOSAL_DESTINATIONS and destination is not Destination.UNKNOWN:
        return "disposal"
    return "other"


def _org_name(org: Organisation | None, park: str, code: str, park_code: str, lang: str) -> str:
    name = org.display_name(lang) if org is not None else code
    return name if park == park_code else f"{name} ({park})"


def _org_label(org: Organisation | None, park: str, code: str, park_code: str, lang: str) -> str:
    label = short_label(org.display_name(lang)) if org is not None else code
    return label if park == park_code else f"{label} ({park})"


def _word(node_id: str, lang: str) -> str:
    if node_id.startswith("destination:"):
        return Destination(node_id.removeprefix("destination:")).label(lang)
    return WORDS[node_id][lang] if node_id in WORDS else node_id


def _class_label(middle: str, lang: str) -> str:
    return MaterialClass(middle.removeprefix("class:")).label(lang)


def _sankey_method(
    year: int | None,
    unit: str,
    aggregate: bool,
    rule: DisclosureRule,
    lang: str,
    compact: bool = False,
) -> str:
    shown = units.display(unit)
    if lang == "en":
        text = (
            f"Yearly quantities of {year} in {shown}. Left: what each firm puts out and what "
            "is bought in from outside the park; middle: the material; right: the receivers "
            "of the exchanges that ran that year and, for the rest of each output, the "
            "destination recorded with it. An exchange is drawn from supplier to receiver; a "
            "firm's recorded output or input less what its exchanges carry is drawn to its "
            "destination or from outside. Flows in other units are drawn in their own unit."
        )
        if aggregate:
            text += (
                f" Outside the park only totals by material class are shown, each path only "
                f"when at least {rule.min_contributors} enterprises contribute and none more "
                f"than {rule.max_share:.0%} of it (disclosure rule); private records never "
                "enter."
            )
        if compact:
            text += (
                f" In the compact view, firms and materials each carrying less than "
                f'{percent(FOLD_SHARE, "en")} of the total are drawn together as "other firms" or '
                '"other materials" (their names and quantities are in the tooltip).'
            )
        return text
    text = (
        f"Khối lượng hằng năm của năm {year}, đơn vị {shown}. Bên trái: đầu ra của từng "
        "doanh nghiệp và phần mua ngoài khu; ở giữa: vật liệu; bên phải: bên nhận của các "
        "trao đổi vận hành trong năm và, với phần còn lại của mỗi đầu ra, nơi đến ghi cùng "
        "dòng đó. Trao đổi được vẽ từ bên cung cấp tới bên nhận; đầu ra hay đầu vào ghi nhận "
        "trừ phần các trao đổi đã mang được vẽ tới nơi đến hoặc từ bên ngoài. Dòng ở đơn vị "
        "khác được vẽ riêng theo đơn vị của nó."
    )
    if aggregate:
        text += (
            f" Ngoài khu chỉ công bố tổng theo nhóm vật liệu, mỗi nhánh chỉ khi có ít nhất "
            f"{rule.min_contributors} doanh nghiệp đóng góp và không doanh nghiệp nào quá "
            f"{rule.max_share:.0%} (quy tắc công bố); dữ liệu riêng tư không bao giờ được tính."
        )
    if compact:
        text += (
            f" Ở dạng gọn, các doanh nghiệp và vật liệu mỗi mục chiếm dưới "
            f'{percent(FOLD_SHARE, "vi")} tổng khối lượng được gộp thành "doanh nghiệp khác" hoặc '
            '"vật liệu khác" (tên và khối lượng từng mục hiện khi trỏ vào ô đó).'
        )
    return text


def _sankey_sources(
    flows: Sequence[registry.FlowFigures],
    unit: str,
    exchanges: Sequence[Exchange],
    aggregate: bool,
    lang: str,
) -> list[str]:
    in_unit = sum(1 for f in flows if f.unit == unit)
    carried = sum(1 for x in exchanges if x.quantity.unit == unit)
    shown = units.display(unit)
    if lang == "en":
        which = "non-private flows" if aggregate else "flows this viewer may see"
        return [
            f"{in_unit} {which} in {shown} (flow inventory)",
            f"{carried} exchanges in {shown} whose quantities may be used (exchange register)",
            "material names and classes: parkloop catalog (materials.csv)",
        ]
    which = "dòng không riêng tư" if aggregate else "dòng người xem được phép xem"
    return [
        f"{in_unit} {which} theo {shown} (kiểm kê dòng vật chất)",
        f"{carried} trao đổi theo {shown} được dùng khối lượng (sổ trao đổi)",
        "tên và nhóm vật liệu: danh mục của parkloop (materials.csv)",
    ]


# -- the symbiosis network ------------------------------------------------------------------


def symbiosis_graph(
    engine: Engine, park_code: str, viewer: Viewer, lang: str = "vi"
) -> dict[str, Any]:
    """The park's symbiosis network like the Kalundborg diagram, as an ECharts graph:
    ``nodes`` are organisations (categorised by kind), ``links`` the exchanges (coloured
    by material class, drawn by status) and the saved matches ``viewer`` is shown
    (proposed, or accepted and not yet an exchange listed here). Quantities only where
    the viewer may see them; a width then grows with the quantity on a log scale."""
    return drawn_graph(engine, park_code, viewer, lang).data


# What the network of a set of exchanges and matches is drawn from: their records, the
# organisations' names and kinds.
GRAPH_DRAWN_FROM = frozenset({memo.MATCHES, memo.EXCHANGES, memo.ORGANISATIONS, memo.OPTIMISATION})
# What deciding which exchanges and matches a viewer's network holds rests on as well.
GRAPH_REST_ON = GRAPH_DRAWN_FROM | registry.EXCHANGES_REST_ON | SHOWN_REST_ON


def drawn_graph(engine: Engine, park_code: str, viewer: Viewer, lang: str = "vi") -> Drawn:
    """:func:`symbiosis_graph` and what it is drawn from: the exchanges listed to the
    viewer, those whose figures it may see, the matches it is shown (each whole or not)."""
    lang = language(lang)
    park = registry.require_park(engine, park_code)
    exchanges = registry.exchanges(engine, park_code, viewer=viewer)
    shown = exchange_figures_shown(engine, exchanges, viewer)
    listed = {x.id for x in exchanges}
    with engine.connect() as conn:
        park_ids = registry_store.park_ids(conn, [park_code])
        became = {
            int(m["id"])
            for m in match_store.list_matches(conn, park_ids.values(), ["accepted"])
            if m["exchange_id"] in listed
        }
    proposed = shown_matches(engine, park_code, viewer, MATCH_STATUSES)
    key = (
        "graph",
        park.code,
        lang,
        tuple(x.id for x in exchanges),
        tuple(sorted(shown)),
        tuple(sorted(became)),
        tuple((s.id, s.whole, s.status) for s in proposed),
    )
    data = memo.alike(
        engine,
        key,
        lambda: _graph(engine, park, exchanges, shown, became, proposed, lang),
        GRAPH_DRAWN_FROM,
    )
    return Drawn(key, data, GRAPH_DRAWN_FROM)


def _graph(
    engine: Engine,
    park: Park,
    exchanges: Sequence[Exchange],
    shown: set[int],
    became: set[int],
    proposed: Sequence[Shown],
    lang: str,
) -> dict[str, Any]:
    park_code = park.code
    orgs = organisations_involved(engine, park_code, exchanges)
    drawn_matches = _drawn_matches(engine, park_code, lang)

    links: list[dict[str, Any]] = []
    degree: dict[OrgKey, int] = defaultdict(int)
    for x in exchanges:
        supplier = (x.supplier_park_code, x.supplier_code)
        receiver = (x.receiver_park_code, x.receiver_code)
        figures = x.id in shown
        links.append(
            _graph_link(
                "exchange",
                supplier,
                receiver,
                x.material_code,
                x.status,
                (x.quantity.value, x.quantity.unit) if figures else None,
                lang,
            )
        )
        degree[supplier] += 1
        degree[receiver] += 1
    hidden_parties = matches_drawn = 0
    for s in proposed:
        found = None if s.id in became else drawn_matches.get(s.id)
        if found is None:  # an exchange listed here, or decided on since it was listed
            continue
        matches_drawn += 1
        supplier, receiver, whole, hidden = found
        if supplier not in orgs or receiver not in orgs:
            hidden_parties += 1  # a side the viewer may not know of: not drawn
            continue
        # The link as the viewer is shown the match: with its figures only when whole.
        link = whole if s.whole else hidden
        links.append({**link, "lineStyle": dict(link["lineStyle"]), "match_status": s.status})
        degree[supplier] += 1
        degree[receiver] += 1
    _scale_widths(links)

    drawn = [
        o for o in orgs.values() if o.park_code == park_code or (o.park_code, o.code) in degree
    ]
    kinds = [k for k in OrgKind if any(o.kind is k for o in drawn)]
    node_of = _graph_nodes(engine, park_code, lang)
    nodes = [
        _graph_node(
            node_of.get((o.park_code, o.code)) or _node_parts(o, park_code, lang),
            kinds.index(o.kind),
            degree[(o.park_code, o.code)],
        )
        for o in drawn
    ]
    _unique_labels(nodes)
    classes = {MaterialClass(c) for c in {link["material_class"] for link in links}}
    statuses = {
        ExchangeStatus(s) for s in {link["status"] for link in links if link["kind"] == "exchange"}
    }
    lines = [
        {"status": s.value, "label": s.label(lang), "line": LINE_TYPES[s]}
        for s in ExchangeStatus
        if s in statuses
    ]
    if any(link["kind"] == "match" for link in links):
        lines.append({"status": "match", "label": _word("match", lang), "line": "dashed"})
    return {
        "kind": "graph",
        "park": park.code,
        "lang": lang,
        "nodes": nodes,
        "links": links,
        "categories": [
            {"name": k.label(lang), "kind": k.value, "itemStyle": {"color": KIND_COLOURS[k]}}
            for k in kinds
        ],
        "legend": {
            "material_classes": [
                {"class": c.value, "label": c.label(lang), "colour": CLASS_COLOURS[c]}
                for c in MaterialClass
                if c in classes
            ],
            "statuses": lines,
        },
        "method": _graph_method(lang),
        "sources": _graph_sources(exchanges, shown, matches_drawn, hidden_parties, lang),
    }


DrawnMatch = tuple[OrgKey, OrgKey, dict[str, Any], dict[str, Any]]


def _drawn_matches(engine: Engine, park_code: str, lang: str) -> dict[int, DrawnMatch]:
    """Each saved match of the park (proposed or accepted) as the network draws it: its
    supplier and receiver, its link with its figures (quantity, score) and its link
    without them, by match id; the link's ``match_status`` is the viewer's. Made once per
    data version for every viewer in the web application (:func:`memo.park_wide`); a
    viewer's network takes only the matches :func:`shown_matches` shows it, each whole
    only when shown whole."""

    def make() -> dict[int, DrawnMatch]:
        parts, names = match_parts(engine, park_code, tuple(sorted(MATCH_STATUSES)))
        out: dict[int, DrawnMatch] = {}
        for match_id, (supplier_id, receiver_id, material, quantity, unit, score) in parts.items():
            sup, rec = names[supplier_id], names[receiver_id]
            supplier = (sup["park_code"], sup["code"])
            receiver = (rec["park_code"], rec["code"])
            drawn = []
            for figures in (True, False):
                shown = (float(quantity), str(unit)) if figures and quantity is not None else None
                link = _graph_link(
                    "match", supplier, receiver, material, ExchangeStatus.PROPOSED, shown, lang
                )
                link.update(match=match_id, match_status="", score=score if figures else None)
                drawn.append(link)
            out[match_id] = (supplier, receiver, drawn[0], drawn[1])
        return out

    return memo.park_wide(
        engine,
        ("graph matches", park_code, lang),
        make,
        frozenset({memo.MATCHES, memo.ORGANISATIONS}),
    )


def _graph_link(
    kind: str,
    supplier: OrgKey,
    receiver: OrgKey,
    material: str,
    status: ExchangeStatus,
    quantity: tuple[float, str] | None,
    lang: str,
) -> dict[str, Any]:
    props, status_value, status_label, line, opacity = _link_style(kind, material, status, lang)
    link: dict[str, Any] = {
        "source": _node_id(supplier),
        "target": _node_id(receiver),
        "kind": kind,
        "material": material,
        "material_name": props["material_name"],
        "material_class": props["material_class"],
        "material_class_label": props["material_class_label"],
        "status": status_value,
        "status_label": status_label,
        "lineStyle": {"color": props["colour"], "type": line, "opacity": opacity, "width": 2.0},
    }
    if quantity is not None:
        link["value"], link["unit"] = quantity
        link["unit_label"] = units.display(quantity[1])
    return link


@lru_cache(maxsize=4096)
def _link_style(
    kind: str, material: str, status: ExchangeStatus, lang: str
) -> tuple[dict[str, Any], str, str, str, float]:
    """What a link's material and status draw it with: the same for every link of them
    (a network of a few thousand proposals has a few dozen)."""
    return (
        material_properties(material, lang),
        status.value,
        status.label(lang),
        "dashed" if kind == "match" else LINE_TYPES[status],
        0.4 if status is ExchangeStatus.STOPPED else 0.85,
    )


def _scale_widths(
    links: Iterable[dict[str, Any]], thinnest: float = 1.5, widest: float = 7.0
) -> None:
    """Line widths growing with the logarithm of the quantity, within each unit (a tonne
    and a megawatt-hour are not compared); lines without a quantity keep the default."""
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        if link.get("value") and float(link["value"]) > 0:
            by_unit[str(link["unit"])].append(link)
    for group in by_unit.values():
        logs = [math.log10(float(link["value"])) for link in group]
        low, high = min(logs), max(logs)
        for link, value in zip(group, logs, strict=True):
            share = (value - low) / (high - low) if high > low else 0.5
            link["lineStyle"]["width"] = round(thinnest + share * (widest - thinnest), 2)


def _node_id(key: OrgKey) -> str:
    return f"{key[0]}:{key[1]}"


def _graph_nodes(engine: Engine, park_code: str, lang: str) -> dict[OrgKey, dict[str, Any]]:
    """:func:`_node_parts` of each organisation of the park (the registry, the same for
    every viewer), once per data version in the web application."""

    def make() -> dict[OrgKey, dict[str, Any]]:
        return {
            (o.park_code, o.code): _node_parts(o, park_code, lang)
            for o in registry.organisations(engine, park_code)
        }

    return memo.park_wide(
        engine, ("graph nodes", park_code, lang), make, frozenset({memo.ORGANISATIONS})
    )


def _node_parts(org: Organisation, park_code: str, lang: str) -> dict[str, Any]:
    """An organisation's node but what the viewer's network gives it (its category, its
    number of links)."""
    sector, sector_name = sector_of(org, lang)
    return {
        "id": _node_id((org.park_code, org.code)),
        "name": _org_name(org, org.park_code, org.code, park_code, lang),
        "label": _org_label(org, org.park_code, org.code, park_code, lang),
        "inside": org.park_code == park_code and org.inside_park,
        "code": org.code,
        "park": org.park_code,
        "category": 0,
        "kind": org.kind.value,
        "kind_label": org.kind.label(lang),
        "sector": sector,
        "sector_name": sector_name,
        "value": 0,
        "symbolSize": 0.0,
    }


def _graph_node(parts: dict[str, Any], category: int, degree: int) -> dict[str, Any]:
    return {
        **parts,
        "category": category,
        "value": degree,
        "symbolSize": round(10 + 6 * math.sqrt(degree), 1),
    }


def _unique_labels(nodes: Sequence[dict[str, Any]]) -> None:
    """Nodes whose short labels would read the same are labelled by their full names."""
    seen: dict[str, int] = defaultdict(int)
    for node in nodes:
        seen[node["label"]] += 1
    for node in nodes:
        if seen[node["label"]] > 1:
            node["label"] = node["name"]


def _graph_method(lang: str) -> str:
    if lang == "en":
        return (
            "Each circle is an organisation of the park (or of another park an exchange "
            "reaches), coloured by its kind and larger the more links it has; organisations "
            "linked to each other are drawn near each other, those outside the park towards "
            "the edge. Labels are names without their legal form; the full name is in the "
            "tooltip. Each line is an exchange from supplier "
            "to receiver, coloured by the class of its material: solid while it runs, "
            "dashed while proposed, negotiated or planned, dotted once stopped; dashed lines "
            "also show saved matches not yet accepted. Widths follow the quantity on a log "
            "scale, within one unit, where the viewer may see it."
        )
    return (
        "Mỗi vòng tròn là một tổ chức của khu (hoặc của khu khác mà trao đổi vươn tới), "
        "tô màu theo loại hình, càng lớn khi càng có nhiều liên kết; các tổ chức liên kết "
        "với nhau được đặt gần nhau, tổ chức ngoài khu ở phía rìa. Nhãn là tên đã bỏ loại "
        "hình pháp lý; tên đầy đủ hiện khi trỏ vào vòng tròn. Mỗi đường là một trao đổi "
        "từ bên cung cấp tới bên nhận, tô màu theo nhóm vật liệu: nét liền khi đang vận "
        "hành, nét đứt khi đề xuất, đàm phán hay theo kế hoạch, nét chấm khi đã dừng; nét "
        "đứt cũng chỉ các cặp ghép đã lưu chưa được chấp nhận. Độ dày theo khối lượng "
        "(thang log, trong cùng một đơn vị) khi người xem được phép xem."
    )


def _graph_sources(
    exchanges: Sequence[Exchange],
    shown: set[int],
    matches: int,
    hidden_parties: int,
    lang: str,
) -> list[str]:
    with_figures = sum(1 for x in exchanges if x.id in shown)
    drawn = matches - hidden_parties
    if lang == "en":
        out = [
            f"{len(exchanges)} exchanges of the exchange register, {with_figures} with "
            "quantities this viewer may see",
            f"{drawn} saved matches shown to this viewer (matching)",
            "organisations and their kinds: park registry",
        ]
        if hidden_parties:
            out.append(f"{hidden_parties} matches with a confidential party are not drawn")
        return out
    out = [
        f"{len(exchanges)} trao đổi trong sổ trao đổi, {with_figures} có khối lượng người "
        "xem được phép xem",
        f"{drawn} cặp ghép đã lưu hiển thị cho người xem (ghép nối)",
        "tổ chức và loại hình: sổ đăng ký của khu",
    ]
    if hidden_parties:
        out.append(f"{hidden_parties} cặp ghép có bên được bảo mật không được vẽ")
    return out


__all__ = ["park_sankey", "symbiosis_graph"]
