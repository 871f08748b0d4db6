"""The data behind the park's pictures (services/diagrams) on the example park Nam Cầu
Kiền, with its saved matches: the Sankey and the symbiosis graph hold together (every
link between two of their nodes, no cycle, quantities kept where the service says they
are), and what a viewer may not see never enters them.

Each node's total is checked against an oracle read from the example's own CSV files,
so a private flow counted for the wrong viewer shows as a wrong total.
"""

from __future__ import annotations

import csv
import html
import json
import os
import shutil
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from parkloop.domain.enums import ExchangeStatus
from parkloop.domain.permissions import Role, Viewer
from parkloop.examples import example, load_example
from parkloop.services import diagrams, matching, registry
from parkloop.services.geo import exchange_figures_shown
from parkloop.store import db
from parkloop.store.schema import organisations, parks

P = "nam-cau-kien"
YEAR = 2021
STATIC = Path(__file__).parents[2] / "src" / "parkloop" / "web" / "static"
CHROMIUM = Path("/usr/bin/chromium")
OWN = "paper-g1"  # an enterprise of the park that is not party to the private flows below


@pytest.fixture(scope="module")
def nck(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[sa.Engine]:
    """The example park with the proposals of a matching run, once for this module."""
    path = tmp_path_factory.mktemp("diagrams") / "nck.db"
    shutil.copy(sqlite_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    load_example(engine, P)
    matching.run_matching(engine, park=P)
    yield engine
    engine.dispose()


def _ids(engine: sa.Engine) -> tuple[int, dict[str, int]]:
    with engine.connect() as conn:
        park_id = conn.scalar(sa.select(parks.c.id).where(parks.c.code == P))
        orgs = dict(
            conn.execute(
                sa.select(organisations.c.code, organisations.c.id).where(
                    organisations.c.park_id == park_id
                )
            ).all()
        )
    assert park_id is not None
    return park_id, {str(k): int(v) for k, v in orgs.items()}


def viewers(engine: sa.Engine) -> dict[str, Viewer]:
    park_id, orgs = _ids(engine)
    return {
        "operator": Viewer(Role.OPERATOR, park_id=park_id),
        "enterprise": Viewer(Role.ENTERPRISE, park_id=park_id, org_id=orgs[OWN]),
        "public": Viewer(Role.PUBLIC, name="public"),
    }


# -- the oracle: node totals from the example's CSV files ----------------------------------


def csv_flows(own: str | None) -> list[dict[str, str]]:
    """The example's flows of YEAR in tonnes a viewer may see: all of them for the
    operator (``own`` None), else every flow but the private ones of other firms."""
    with (example(P).path / "flows.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["period"] == str(YEAR) and r["unit"] == "t"]
    if own is None:
        return rows
    return [r for r in rows if r["confidentiality"] != "private" or r["enterprise"] == own]


def expected_totals(
    flows: Sequence[Mapping[str, str]], exchanges: Sequence[Any]
) -> tuple[dict[str, float], dict[str, float]]:
    """What the Sankey says it draws: each firm's output of a material is the larger of
    its recorded output and what its exchanges carry; its input is what it receives
    plus what its recorded input needs beyond that."""
    out_flow: dict[tuple[str, str], float] = defaultdict(float)
    in_flow: dict[tuple[str, str], float] = defaultdict(float)
    for r in flows:
        key = (r["enterprise"], r["material"])
        (out_flow if r["direction"] == "out" else in_flow)[key] += float(r["quantity"])
    sent: dict[tuple[str, str], float] = defaultdict(float)
    received: dict[tuple[str, str], float] = defaultdict(float)
    for x in exchanges:
        sent[(x.supplier_code, x.material_code)] += x.quantity.value
        eased = x.material_code
        if (x.receiver_code, eased) not in in_flow and x.receiver_material_code:
            eased = x.receiver_material_code
        received[(x.receiver_code, eased)] += x.quantity.value
    outs: dict[str, float] = defaultdict(float)
    for key in set(out_flow) | set(sent):
        outs[key[0]] += max(out_flow.get(key, 0.0), sent.get(key, 0.0))
    ins: dict[str, float] = defaultdict(float)
    for key in set(in_flow) | set(received):
        ins[key[0]] += max(in_flow.get(key, 0.0), received.get(key, 0.0))
    return dict(outs), dict(ins)


def ran_exchanges(engine: sa.Engine, viewer: Viewer) -> list[Any]:
    exchanges = [x for x in registry.exchanges(engine, P) if diagrams._ran(x, YEAR)]
    shown = exchange_figures_shown(engine, exchanges, viewer)
    return [x for x in exchanges if x.id in shown and x.quantity.unit == "t"]


def totals(links: Sequence[Mapping[str, Any]]) -> tuple[dict[str, float], dict[str, float]]:
    """What leaves and what enters each node."""
    out: dict[str, float] = defaultdict(float)
    into: dict[str, float] = defaultdict(float)
    for link in links:
        out[link["source"]] += float(link["value"])
        into[link["target"]] += float(link["value"])
    return out, into


def assert_holds_together(nodes: Sequence[Mapping[str, Any]], links: Sequence[Any]) -> None:
    """Every link joins two nodes, from a column to a later one (so no cycle), and the
    middle column passes on what it takes in."""
    depth = {n["id"]: n["depth"] for n in nodes}
    assert len(depth) == len(nodes), "node ids are unique"
    assert links
    for link in links:
        assert link["source"] in depth and link["target"] in depth, link
        assert depth[link["source"]] < depth[link["target"]], link
        assert float(link["value"]) > 0, link
    assert len({(link["source"], link["target"]) for link in links}) == len(links)
    out, into = totals(links)
    for n in nodes:
        if n["depth"] == 1:
            assert out[n["id"]] == pytest.approx(into[n["id"]], rel=1e-9), n["id"]
        assert n.get("label"), n["id"]
    # Every column carries the whole: what leaves the first reaches the last.
    first = sum(out[n["id"]] for n in nodes if n["depth"] == 0)
    last = sum(into[n["id"]] for n in nodes if n["depth"] == 2)
    assert first == pytest.approx(last, rel=1e-9)


# -- the Sankey ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator", "enterprise", "public"])
def test_the_sankey_holds_together_full_and_compact(nck: sa.Engine, who: str) -> None:
    data = diagrams.park_sankey(nck, P, viewers(nck)[who], YEAR)
    assert data["year"] == YEAR and data["unit"] == "t"
    assert_holds_together(data["nodes"], data["links"])
    assert data["method"] and data["sources"] and len(data["columns"]) == 3
    compact = data["compact"]
    if compact is None:
        return
    assert_holds_together(compact["nodes"], compact["links"])
    full_out, full_in = totals(data["links"])
    out, into = totals(compact["links"])
    for n in compact["nodes"]:
        node = n["id"]
        if n["group"] == "other":
            held = n["members"]
            assert len(held) >= 2
            assert {m["name"] for m in held} <= {x["name"] for x in data["nodes"]}
            carried = out[node] if n["depth"] == 0 else into[node]
            assert carried == pytest.approx(sum(m["value"] for m in held), rel=1e-9)
            total = sum(into[x["id"]] for x in compact["nodes"] if x["depth"] == 2)
            assert all(m["value"] < compact["share"] * total for m in held)
        else:
            assert out[node] == pytest.approx(full_out[node], rel=1e-9), node
            assert into[node] == pytest.approx(full_in[node], rel=1e-9), node


def test_the_compact_sankey_folds_the_small_firms_and_materials(nck: sa.Engine) -> None:
    data = diagrams.park_sankey(nck, P, viewers(nck)["operator"], YEAR)
    compact = data["compact"]
    assert compact is not None
    per_column = defaultdict(int)
    for n in compact["nodes"]:
        per_column[n["depth"]] += 1
    assert max(per_column.values()) <= 16 < len(data["nodes"]) // 3
    folds = [n for n in compact["nodes"] if n["group"] == "other"]
    assert {n["depth"] for n in folds} == {0, 1, 2}
    assert "1 %" in data["method"]


@pytest.mark.parametrize("who", ["operator", "enterprise"])
def test_each_firm_in_the_sankey_carries_exactly_what_the_viewer_may_see(
    nck: sa.Engine, who: str
) -> None:
    viewer = viewers(nck)[who]
    data = diagrams.park_sankey(nck, P, viewer, YEAR)
    assert not data["aggregate"]
    out, into = totals(data["links"])
    want_out, want_in = expected_totals(
        csv_flows(None if who == "operator" else OWN), ran_exchanges(nck, viewer)
    )
    got_out = {n["organisation"]: out[n["id"]] for n in data["nodes"] if n["id"].startswith("out:")}
    got_in = {n["organisation"]: into[n["id"]] for n in data["nodes"] if n["id"].startswith("in:")}
    assert got_out.keys() == want_out.keys()
    assert got_in.keys() == want_in.keys()
    for org, value in want_out.items():
        assert got_out[org] == pytest.approx(value, rel=1e-9), org
    for org, value in want_in.items():
        assert got_in[org] == pytest.approx(value, rel=1e-9), org


def test_private_flows_of_other_firms_never_reach_an_enterprise(nck: sa.Engine) -> None:
    all_flows = csv_flows(None)
    private = [r for r in all_flows if r["confidentiality"] == "private" and r["enterprise"] != OWN]
    assert private, "the example keeps private flows"
    seen = {
        who: totals(diagrams.park_sankey(nck, P, viewers(nck)[who], YEAR)["links"])
        for who in ("operator", "enterprise")
    }
    # The electronics firms' products are private: the operator's picture counts them,
    # the neighbour's does not, by exactly those quantities.
    for org in ("electronics-e1", "electronics-e2", "electronics-e3"):
        node = f"out:{P}:{org}"
        hidden = sum(
            float(r["quantity"])
            for r in private
            if r["enterprise"] == org and r["direction"] == "out"
        )
        assert hidden > 0
        operator_total = seen["operator"][0][node]
        assert seen["enterprise"][0].get(node, 0.0) == pytest.approx(operator_total - hidden)
    # No total published outside the park names a firm.
    public = diagrams.park_sankey(nck, P, viewers(nck)["public"], YEAR)
    assert public["aggregate"] and public["compact"] is None
    assert not [n for n in public["nodes"] if n["id"].startswith(("out:", "in:"))]
    assert public["suppressed"]
    names = {n["name"] for n in seen_nodes(nck, "operator") if n["group"] == "organisation"}
    assert not names & {n["name"] for n in public["nodes"]}


def seen_nodes(engine: sa.Engine, who: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = diagrams.park_sankey(engine, P, viewers(engine)[who], YEAR)[
        "nodes"
    ]
    return nodes


def test_the_sankey_speaks_the_viewers_language(nck: sa.Engine) -> None:
    operator = viewers(nck)["operator"]
    vi = diagrams.park_sankey(nck, P, operator, YEAR, lang="vi")
    en = diagrams.park_sankey(nck, P, operator, YEAR, lang="en")
    assert vi["columns"][1] == "Vật liệu" and en["columns"][1] == "Material"
    assert "Khối lượng" in vi["method"] and "quantities" in en["method"]
    public = diagrams.park_sankey(nck, P, viewers(nck)["public"], YEAR, lang="vi")
    assert all("quy tắc công bố" in s["note"] for s in public["suppressed"])


# -- the symbiosis graph -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator", "enterprise", "public"])
def test_the_graph_holds_together(nck: sa.Engine, who: str) -> None:
    viewer = viewers(nck)[who]
    data = diagrams.symbiosis_graph(nck, P, viewer)
    ids = [n["id"] for n in data["nodes"]]
    assert len(ids) == len(set(ids))
    assert len({n["label"] for n in data["nodes"]}) == len(ids), "labels tell nodes apart"
    degree: dict[str, int] = defaultdict(int)
    for link in data["links"]:
        assert link["source"] in ids and link["target"] in ids, link
        degree[link["source"]] += 1
        degree[link["target"]] += 1
        assert link["lineStyle"]["type"] in ("solid", "dashed", "dotted")
        if link["kind"] == "match":
            assert link["lineStyle"]["type"] == "dashed"
    for n in data["nodes"]:
        assert n["value"] == degree[n["id"]]
        assert 0 <= n["category"] < len(data["categories"])
        assert len(n["label"]) <= len(n["name"])
    assert all(c["itemStyle"]["color"].startswith("#") for c in data["categories"])
    drawn = {"match" if link["kind"] == "match" else link["status"] for link in data["links"]}
    assert drawn == {s["status"] for s in data["legend"]["statuses"]}
    assert data["method"] and data["sources"]


def test_the_graph_shows_only_the_matches_and_figures_the_viewer_may_see(
    nck: sa.Engine,
) -> None:
    saved = {m.id: m for m in matching.list_matches(nck, P, ["proposed", "accepted"])}
    private = {i for i, m in saved.items() if m.supply_private or m.demand_private}
    assert private, "the example has matches resting on private records"
    drawn = {who: diagrams.symbiosis_graph(nck, P, viewers(nck)[who]) for who in viewers(nck)}
    matches = {
        who: {link["match"]: link for link in data["links"] if link["kind"] == "match"}
        for who, data in drawn.items()
    }
    assert private <= matches["operator"].keys()
    for link_id, link in matches["enterprise"].items():
        m = saved[link_id]
        if m.supply_private:
            assert m.supplier_code == OWN
        if m.demand_private:
            assert m.receiver_code == OWN
        assert link.get("value") == pytest.approx(m.quantity)
    assert not private & matches["enterprise"].keys() - {
        i for i, m in saved.items() if OWN in (m.supplier_code, m.receiver_code)
    }
    assert not matches["public"]
    # Exchange quantities go only to those who may see the park's records.
    exchanges = [link for link in drawn["public"]["links"] if link["kind"] == "exchange"]
    assert exchanges and not [link for link in exchanges if "value" in link]
    running = [
        link
        for link in drawn["operator"]["links"]
        if link["kind"] == "exchange" and link["status"] == ExchangeStatus.RUNNING.value
    ]
    assert running and all("value" in link for link in running)


# -- short labels ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Công ty CP Luyện thép cao cấp Việt Nhật", "Luyện thép cao cấp Việt Nhật"),
        ("Doanh nghiệp sơ chế phế liệu thép 1 (minh hoạ)", "Sơ chế phế liệu thép 1"),
        ("Công ty CP Shinec (chủ đầu tư hạ tầng KCN)", "Shinec"),
        ("Công ty TNHH Thành Đại Phú Mỹ Hải Phòng", "Thành Đại Phú Mỹ Hải Phòng"),
        (
            "Cụm nhà máy thép Quán Toan, Hồng Bàng (Thép Việt Nhật, Việt Úc, VSC-POSCO)",
            "Cụm nhà máy thép Quán Toan",
        ),
        ("Công ty Đại Thắng", "Đại Thắng"),
        ("Nam Cầu Kiền Eco Farm", "Nam Cầu Kiền Eco Farm"),
        ("Viet Nhat High-Grade Steelmaking JSC", "Viet Nhat High-Grade Steelmaking"),
        ("Thanh Dai Phu My Hai Phong Co., Ltd", "Thanh Dai Phu My Hai Phong"),
        ("Dai Thang Company", "Dai Thang"),
        ("Công ty", "Công ty"),
        ("(minh hoạ)", "(minh hoạ)"),
    ],
)
def test_short_labels_leave_out_the_legal_form(name: str, label: str) -> None:
    assert diagrams.short_label(name) == label


def test_material_labels_keep_their_words() -> None:
    assert diagrams.short_label("Phế liệu kim loại màu (nhôm, đồng, inox)", legal=False) == (
        "Phế liệu kim loại màu"
    )
    assert diagrams.short_label("Công ty sản phẩm", legal=False) == "Công ty sản phẩm"


# -- drawn in a browser: nothing leaves its box -----------------------------------------

# Every circle or Sankey bar and its label, as placed by charts.js and ECharts, in the
# chart's own pixels; labels hidden for overlapping are counted.
PLACED = """(el) => {
  function box(item) {
    var r = item.getBoundingRect().clone();
    var m = item.getComputedTransform();
    if (m) r.applyTransform(m);
    return [r.x, r.y, r.width, r.height];
  }
  var chart = echarts.getInstanceByDom(el);
  var data = chart.getModel().getSeriesByIndex(0).getData();
  var out = { width: el.clientWidth, height: el.clientHeight, items: [], labels: [], hidden: 0 };
  for (var i = 0; i < data.count(); i++) {
    var shape = data.getItemGraphicEl(i);
    // A network's circle is a group whose symbol carries the label.
    var text = shape.getTextContent() || (shape.childAt && shape.childAt(0).getTextContent());
    out.items.push(box(shape));
    if (!text || text.ignore || text.invisible) { out.hidden++; continue; }
    out.labels.push(box(text));
  }
  return out;
}"""


def _browser() -> Any:
    problem = ""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "playwright is not installed"
    else:
        if not CHROMIUM.exists():
            problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if problem:
        if os.environ.get("PARKLOOP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"the drawing tests need a browser: {problem}")
        pytest.skip(f"BROWSER UNAVAILABLE: {problem}")
    return sync_playwright


def _drawn(kind: str, data: Mapping[str, Any], width: int) -> dict[str, Any]:
    """``data`` drawn by charts.js in a box ``width`` pixels wide, and what it placed."""
    inline = html.escape(json.dumps(data), quote=False)
    page_html = (
        '<!doctype html><html lang="vi"><body style="margin:0">'
        f'<div class="pl-chart" data-kind="{kind}" style="width:{width}px;height:300px">'
        f'<script type="application/json">{inline}</script></div></body></html>'
    )
    with _browser()() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page(viewport={"width": width + 40, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_content(page_html)
            page.add_script_tag(path=str(STATIC / "vendor" / "echarts" / "echarts.min.js"))
            page.add_script_tag(path=str(STATIC / "js" / "charts.js"))
            page.wait_for_function(
                "() => { var el = document.querySelector('.pl-chart');"
                " return el._parkloopChart && typeof el._parkloopChart !== 'string'; }"
            )
            page.wait_for_timeout(300)
            placed: dict[str, Any] = page.eval_on_selector(".pl-chart", PLACED)
            placed["notes"] = page.inner_text(".pl-chart-notes")
            assert not errors, errors
            return placed
        finally:
            browser.close()


def _inside(box: Sequence[float], width: float, height: float) -> bool:
    x, y, w, h = box
    return x >= -0.5 and y >= -0.5 and x + w <= width + 0.5 and y + h <= height + 0.5


def _overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("width", [980, 360])
def test_the_network_stays_in_its_box_and_its_labels_apart(nck: sa.Engine, width: int) -> None:
    data = diagrams.symbiosis_graph(nck, P, viewers(nck)["operator"])
    placed = _drawn("graph", data, width)
    assert placed["width"] == width and placed["height"] >= 360
    assert len(placed["items"]) == len(data["nodes"]) and placed["hidden"] == 0
    for box in placed["items"] + placed["labels"]:
        assert _inside(box, placed["width"], placed["height"]), box
        assert box[1] >= 24, "below the legend of kinds"
    labels = placed["labels"]
    clashes = [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :] if _overlap(a, b)]
    assert clashes == []
    assert "Cách tính và nguồn" in placed["notes"]
    assert "cặp ghép đề xuất" in placed["notes"]


@pytest.mark.parametrize("width", [980, 360])
def test_every_column_of_the_sankey_is_in_its_box(nck: sa.Engine, width: int) -> None:
    data = diagrams.park_sankey(nck, P, viewers(nck)["operator"], YEAR)
    placed = _drawn("sankey", data, width)
    drawn = data["compact"] or data
    assert len(placed["items"]) == len(drawn["nodes"]) and placed["hidden"] == 0
    for box in placed["items"] + placed["labels"]:
        assert _inside(box, placed["width"], placed["height"]), box
    # The last column's bars reach the right side: nothing is cut there.
    right = max(x + w for x, _, w, _ in placed["items"])
    assert right > width * 0.6
    columns: dict[float, list[Sequence[float]]] = defaultdict(list)
    for item, label in zip(placed["items"], placed["labels"], strict=True):
        columns[round(item[0])].append(label)
    assert len(columns) == 3
    for labels in columns.values():
        clashes = [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :] if _overlap(a, b)]
        assert clashes == []
    assert "Cách tính và nguồn" in placed["notes"]
