"""Pages that compute only what they show, on the seeded park of ``webseed``:

- a page of flows (filters and counts in SQL, words matched over a few columns) holds
  exactly the flows the whole list, filtered, would put on that page, for every caller;
- the proposals a dashboard, the inbox, a match's page and the network show are the ones
  the rule of matching shows each caller (whole, redacted once accepted, or not at all),
  with the same ranks and figures, though only those shown are explained;
- resilience and the trade-off curve are background jobs: the job page follows them, and
  the analysis page shows the last result computed for the caller's view of the records,
  with its date, and says so when the park's records changed after it.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from webseed import ACCOUNTS, MARKERS_A, MARKERS_B, P, post_form, sign_in

from parkloop.catalog import catalog
from parkloop.domain.models import Flow
from parkloop.domain.permissions import Role, Viewer, may_see_level
from parkloop.errors import NotFound
from parkloop.services import inbox, jobs, matching, records, registry, scenarios
from parkloop.store import matching as match_store
from parkloop.store.schema import flows as flows_table
from parkloop.store.schema import jobs as jobs_table
from parkloop.store.schema import listings as listings_table
from parkloop.store.schema import matches as matches_table

WHO = [None, "a", "b", "c", "operator", "operator_m", "authority", "admin"]


def viewer_of(engine: sa.Engine, who: str | None) -> Viewer:
    if who is None:
        return Viewer(Role.PUBLIC, name="public")
    _email, role, park, org = ACCOUNTS[who]
    with engine.connect() as conn:
        park_id = (
            conn.scalar(sa.text("select id from parks where code = :p"), {"p": park})
            if park
            else None
        )
        org_id = (
            conn.scalar(
                sa.text("select id from organisations where code = :o and park_id = :p"),
                {"o": org, "p": park_id},
            )
            if org
            else None
        )
    return Viewer(Role(role), park_id=park_id, org_id=org_id, name=who)


def wait_for(engine: sa.Engine, job_id: int, seconds: float = 120.0) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        state = jobs.state_of(engine, job_id)
        if state in ("done", "failed"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end in {seconds} s")


# -- a page of flows --------------------------------------------------------------------------


def reference_filter(flows: list[Flow], params: dict[str, str]) -> list[Flow]:
    """The list's filters applied to every flow the caller may see, one by one."""
    org, direction = params.get("enterprise", ""), params.get("direction", "")
    year, words = params.get("year", ""), params.get("q", "").strip().casefold()
    cat = catalog()
    out = []
    for f in flows:
        if org and f.org_code != org:
            continue
        if direction and f.direction.value != direction:
            continue
        if year and str(f.period.year) != year:
            continue
        if params.get("review") and f.material_code != "unclassified":
            continue
        if words:
            material = cat.materials.get(f.material_code)
            text = " ".join(
                [
                    f.key,
                    f.org_code,
                    f.material_code,
                    f.material_words.text,
                    material.name_vi if material else "",
                    material.name_en if material else "",
                    f.description,
                ]
            ).casefold()
            if words not in text:
                continue
        out.append(f)
    return out


FILTERS: list[dict[str, str]] = [
    {},
    {"enterprise": "thep"},
    {"enterprise": "nhiet-dien", "direction": "out"},
    {"direction": "in"},
    {"year": "2024"},
    {"year": "02024"},
    {"year": "twenty"},
    {"review": "1"},
    {"direction": "sideways"},
    {"q": "ASH"},
    {"q": "tro bay"},
    {"q": "Tro"},
    {"q": "marker"},
    {"q": "thep", "direction": "out"},
    {"q": "  coal "},
    {"q": "nothing like it"},
]


def test_a_page_of_flows_holds_what_the_whole_list_filtered_puts_there(
    engine: sa.Engine,
) -> None:
    # A flow awaiting review, so that filter has something to find.
    with engine.begin() as conn:
        conn.execute(
            sa.update(flows_table)
            .where(flows_table.c.material_code == "industrial-sludge")
            .values(material_code="unclassified", material_text="bùn lạ")
        )
    for who in WHO:
        viewer = viewer_of(engine, who)
        everything = registry.flows(engine, P, viewer)
        for params in FILTERS:
            expected = reference_filter(everything, params)
            chosen = registry.FlowFilter(
                org_code=params.get("enterprise", ""),
                direction=params.get("direction", ""),
                year=params.get("year", ""),
                review=bool(params.get("review")),
            )
            for limit in (3, 100):
                pages = max((len(expected) + limit - 1) // limit, 1)
                for at in range(pages + 1):
                    found = registry.flow_page(
                        engine, P, viewer, chosen, params.get("q", ""), at * limit, limit
                    )
                    assert found.count == len(expected), (who, params)
                    assert found.total == len(everything)
                    assert found.unclassified == sum(
                        f.material_code == "unclassified" for f in everything
                    )
                    assert found.flows == expected[at * limit : (at + 1) * limit], (
                        who,
                        params,
                        limit,
                        at,
                    )


def test_the_flows_page_counts_and_pages_what_the_caller_may_see(
    client: Any, engine: sa.Engine
) -> None:
    a = client("a")
    page = a.get(f"/parks/{P}/flows?enterprise=thep").text
    assert "777.777" in page or "777,777" in page  # its own private flow
    total = len(registry.flows(engine, P, viewer_of(engine, "a")))
    assert f'class="pl-help">3 / {total}<' in page
    c = client("c")
    for url in (f"/parks/{P}/flows", f"/parks/{P}/flows?q=ash", f"/parks/{P}/flows?page=9"):
        reply = c.get(url)
        assert reply.status_code == 200
        assert [m for m in MARKERS_A + MARKERS_B if m in reply.text] == []


def test_a_flow_or_an_enterprise_shows_only_what_the_caller_may_see(
    client: Any, engine: sa.Engine
) -> None:
    with engine.connect() as conn:
        private_a = conn.scalar(
            sa.select(flows_table.c.id).where(flows_table.c.description == "MARKER-A-7c1")
        )
    assert client("a").get(f"/parks/{P}/flows/{private_a}").status_code == 200
    for who in ("b", "c", "operator_m", "authority"):
        assert client(who).get(f"/parks/{P}/flows/{private_a}").status_code == 404, who
    for who in ("b", "c"):
        page = client(who).get(f"/parks/{P}/enterprises/thep").text
        assert [m for m in MARKERS_A if m in page] == [], who
    own = client("a").get(f"/parks/{P}/enterprises/thep").text
    assert "555.555" in own or "555,555" in own  # its own private offer
    assert client("a").get(f"/parks/{P}/enterprises/nobody").status_code == 404


# -- proposals ----------------------------------------------------------------------------------


def reference_matches(
    engine: sa.Engine, viewer: Viewer, statuses: list[str] | None = None
) -> list[dict[str, Any]]:
    """The proposals of the park as the rule shows them to ``viewer``, match by match:
    whole when it may see both records, redacted to the parties of an accepted one, else
    not at all; ranks counting only those shown; best first."""
    with engine.connect() as conn:
        park_id = conn.scalar(sa.text("select id from parks where code = :p"), {"p": P})
        rows = match_store.list_matches(conn, [park_id], statuses)
        names = match_store.org_names(
            conn, {r["supplier_id"] for r in rows} | {r["receiver_id"] for r in rows}
        )
        privacy = match_store.record_privacy(
            conn,
            {(r["supply_kind"], r["supply_id"]) for r in rows}
            | {(r["demand_kind"], r["demand_id"]) for r in rows},
        )
    shown = []
    for r in rows:
        r["supply_level"], r["supply_quality"] = privacy.get(
            (r["supply_kind"], r["supply_id"]), (2, "")
        )
        r["demand_level"] = privacy.get((r["demand_kind"], r["demand_id"]), (2, ""))[0]
        r["supply_private"], r["demand_private"] = r["supply_level"] == 2, r["demand_level"] == 2
        m = matching.match_from_row(r, names)
        sides = ((m.supplier_id, m.supplier_park_id), (m.receiver_id, m.receiver_park_id))
        if may_see_level(viewer, *sides[0], m.supply_level) and may_see_level(
            viewer, *sides[1], m.demand_level
        ):
            shown.append((m, True))
        elif m.status == "accepted" and any(may_see_level(viewer, *s, 2) for s in sides):
            shown.append((m, False))
    rank: dict[tuple[str, int], int] = defaultdict(int)
    views = []
    for m, whole in sorted(shown, key=lambda x: (x[0].supply_kind, x[0].supply_id, x[0].rank)):
        rank[(m.supply_kind, m.supply_id)] += 1
        view = matching.match_view(m, viewer) if whole else matching._redacted(m)
        view["rank"] = rank[(m.supply_kind, m.supply_id)]
        views.append(view)
    views.sort(key=lambda v: -(v["net_benefit_vnd_per_year"] or 0.0))
    return views


@pytest.fixture
def decided(engine: sa.Engine) -> Iterator[sa.Engine]:
    """The seeded park with some proposals accepted, one rejected, and records whose
    confidentiality changed since they were matched (a supply made private, a demand
    made public), so that whole, redacted and hidden proposals all occur."""
    admin = Viewer.admin()
    with engine.connect() as conn:
        ids = conn.scalars(sa.select(matches_table.c.id).order_by(matches_table.c.id)).all()
    assert len(ids) >= 4
    matching.accept_match(engine, ids[0], viewer=admin)
    matching.accept_match(engine, ids[2], viewer=admin)
    matching.reject_match(engine, ids[1], "too far", viewer=admin)
    with engine.begin() as conn:
        accepted = conn.execute(
            sa.select(matches_table.c.supply_kind, matches_table.c.supply_id).where(
                matches_table.c.id == ids[0]
            )
        ).one()
        table = flows_table if accepted[0] == "flow" else listings_table
        conn.execute(
            sa.update(table).where(table.c.id == accepted[1]).values(confidentiality="private")
        )
        conn.execute(
            sa.update(listings_table)
            .where(listings_table.c.confidentiality == "private", listings_table.c.kind == "want")
            .values(confidentiality="public")
        )
    yield engine


def test_proposals_are_shown_as_the_rule_shows_them(decided: sa.Engine) -> None:
    engine = decided
    shapes: set[tuple[bool, bool]] = set()
    for who in WHO:
        viewer = viewer_of(engine, who)
        for statuses in (None, ["proposed", "accepted"], ["accepted"], ["rejected"]):
            expected = reference_matches(engine, viewer, statuses)
            assert matching.matches_for(engine, P, viewer, statuses) == expected, (who, statuses)
            shown = matching.shown_matches(engine, P, viewer, statuses)
            assert [s.id for s in shown] == [v["id"] for v in expected]
            shapes |= {(s.whole, s.status == "accepted") for s in shown}
            # Only those shown are explained; the drawing's links are the views' figures.
            for limit in (1, 3):
                part = matching.match_views(engine, P, shown[:limit], viewer)
                assert part == expected[:limit]
            links = matching.match_links(engine, P, shown)
            assert [
                (
                    link["id"],
                    link["supplier"],
                    link["receiver"],
                    link["material"],
                    link["unit"],
                    link["quantity"],
                    link["score"],
                )
                for link in links
            ] == [
                (
                    v["id"],
                    {k: v["supplier"][k] for k in ("park", "code")},
                    {k: v["receiver"][k] for k in ("park", "code")},
                    v["material"],
                    v["unit"],
                    v["quantity"],
                    v["score"],
                )
                for v in expected
            ]
    assert {(True, False), (True, True), (False, True)} <= shapes  # whole, whole, redacted


def test_the_inbox_and_a_match_page_show_what_the_rule_shows(decided: sa.Engine) -> None:
    engine = decided
    with engine.connect() as conn:
        ids = conn.scalars(sa.select(matches_table.c.id)).all()
    for who in WHO:
        viewer = viewer_of(engine, who)
        everything = reference_matches(engine, viewer)
        concerning = [
            v
            for v in everything
            if viewer.role is not Role.ENTERPRISE
            or any(
                (v[side]["park"], v[side]["code"]) == (P, ACCOUNTS[str(who)][3])
                for side in ("supplier", "receiver")
            )
        ]
        pages = []
        for at in range(0, len(concerning) + 2, 2):
            found = inbox.inbox(engine, P, viewer, offset=at, limit=2)
            assert found.total == len(concerning), who
            pages += found.matches
        assert [v["id"] for v in pages] == [v["id"] for v in concerning], who
        assert pages == [inbox._enriched(v) for v in concerning], who
        by_id = {v["id"]: v for v in everything}
        for match_id in ids:
            if match_id not in by_id:
                with pytest.raises(NotFound):
                    inbox.match_detail(engine, P, match_id, viewer)
                continue
            view = inbox.match_detail(engine, P, match_id, viewer)
            view.pop("decision")
            view.pop("may_decide")
            assert view == inbox._enriched(by_id[match_id]), (who, match_id)


def test_the_dashboard_lists_the_best_open_proposals_it_counts(
    decided: sa.Engine, client: Any
) -> None:
    for who in ("a", "b", "c", "operator"):
        viewer = viewer_of(decided, who)
        expected = reference_matches(decided, viewer, ["proposed", "accepted"])
        page = client(who).get(f"/parks/{P}").text
        assert f"Open matches ({len(expected)})" in page, who
        rows = page.split("Open matches", 1)[1].split("</tbody>", 1)[0].count("<tr>") - 1
        assert rows == max(min(len(expected), 10), 1), who


# -- analyses as background jobs ------------------------------------------------------------------


def started(reply: Any) -> int:
    assert reply.status_code == 303, reply.text[:800]
    assert "/jobs/" in reply.headers["location"]
    return int(reply.headers["location"].rsplit("/", 1)[1])


def test_resilience_is_a_job_and_its_page_shows_the_last_result_for_the_caller(
    client: Any, engine: sa.Engine
) -> None:
    operator, a = client("operator"), client("a")
    url = f"/parks/{P}/resilience"
    assert "Not computed yet" in operator.get(url).text
    job_id = started(post_form(operator, url, {"top": "10"}))
    assert "resilience" in operator.get(f"/jobs/{job_id}").text
    assert wait_for(engine, job_id) == "done"
    assert "See the result" in operator.get(f"/jobs/{job_id}").text
    page = operator.get(url).text
    assert "Computed on" in page and f"/jobs/{job_id}" in page
    assert "If it left" in page and "Nhiệt điện" in page
    # An enterprise sees no result computed from records it may not see, and its own once
    # computed; the operator's page keeps the operator's.
    assert "Not computed yet" in a.get(url).text
    own = started(post_form(a, url, {"enterprise": "thep"}))
    assert wait_for(engine, own) == "done"
    page_a = a.get(url).text
    assert f"/jobs/{own}" in page_a and f"/jobs/{job_id}" not in page_a
    assert [m for m in MARKERS_B if m in page_a] == []
    assert 'value="thep" selected' in page_a  # the form holds the result's settings
    assert f"/jobs/{job_id}" in operator.get(url).text
    # Refused settings are said beside the form and queue nothing.
    with engine.connect() as conn:
        before = conn.scalar(sa.select(sa.func.count()).select_from(jobs_table))
    for fields, words in (
        ({"enterprise": "nobody"}, "no enterprise &#39;nobody&#39;"),
        ({"top": "51"}, "between 1 and 50"),
        ({"budget_vnd": "-5"}, "zero or more"),
        ({"year": "soon"}, "is not a number"),
    ):
        reply = post_form(operator, url, fields)
        assert reply.status_code == 400 and words in reply.text, fields
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(jobs_table)) == before


def test_the_analyses_tell_their_job_how_far_they_got(engine: sa.Engine) -> None:
    told: list[tuple[str, int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        told.append((stage, done, total))

    viewer = viewer_of(engine, "operator")
    report = scenarios.resilience_view(engine, P, viewer, progress=progress)
    steps = [t for t in told if t[0] == "each enterprise leaving in turn"]
    assert len(report["enterprises"]) >= 2
    assert steps == [(steps[0][0], n, len(report["enterprises"])) for n in range(len(steps))]
    told.clear()
    scenarios.pareto_view(engine, P, viewer, points=6, progress=progress)
    assert told == [("tracing the curve", 0, 6), ("traced", 6, 6)]


def test_a_job_under_way_is_linked_from_the_page(client: Any, engine: sa.Engine) -> None:
    operator = client("operator")
    viewer = viewer_of(engine, "operator")
    with engine.begin() as conn:
        user_id = conn.scalar(
            sa.text("select id from users where email = :e"), {"e": ACCOUNTS["operator"][0]}
        )
        # A job as submit() writes it, not yet taken by a runner.
        from parkloop.store import jobs as job_store

        queued = job_store.create(
            conn,
            "pareto",
            {"park": P, "points": 5, "viewer": jobs.viewer_params(viewer)},
            actor="operator",
            user_id=user_id,
            park_code=P,
            now=dt.datetime.now(dt.UTC),
        )
    page = operator.get(f"/parks/{P}/optimisation/pareto").text
    assert "A new computation is under way" in page and f"/jobs/{queued}" in page
    assert (
        "A new computation is under way"
        not in client("a").get(f"/parks/{P}/optimisation/pareto").text
    )


def test_a_result_older_than_the_parks_records_shows_its_date_and_says_so(
    client: Any, engine: sa.Engine
) -> None:
    operator, a = client("operator"), client("a")
    url = f"/parks/{P}/optimisation/pareto"
    first = started(post_form(operator, url, {"points": "5"}))
    mine = started(post_form(a, url, {"points": "6"}))
    assert wait_for(engine, first) == "done" and wait_for(engine, mine) == "done"
    page = operator.get(url).text
    assert page.count('<tr data-point="') == 5
    assert "changed after this was computed" not in page
    computed_on = re.search(r'class="pl-help pl-computed">Computed on ([^<]*?) from', page)
    assert computed_on is not None and "2" in computed_on.group(1)
    time.sleep(1.1)  # the change log keeps whole seconds on SQLite
    with engine.connect() as conn:
        flow_id = conn.scalar(
            sa.select(flows_table.c.id).where(flows_table.c.material_code == "steel-scrap")
        )
    records.set_flow(engine, flow_id, Viewer.admin(), quantity="210000", actor="admin")
    later = operator.get(url).text
    assert "The park&#39;s records changed after this was computed" in later
    assert computed_on.group(0) in later  # the same result, its date unchanged
    # An enterprise may not read the park's change log: told nothing of it.
    page_a = a.get(url).text
    assert page_a.count('<tr data-point="') == 6
    assert "changed after this was computed" not in page_a
    # Computed again: the newest result, no longer older than the records.
    again = started(post_form(operator, url, {"points": "7"}))
    assert wait_for(engine, again) == "done"
    newest = operator.get(url).text
    assert f"/jobs/{again}" in newest and newest.count('<tr data-point="') == 7
    assert "changed after this was computed" not in newest


def test_an_analysis_page_names_no_private_record_of_another(
    client: Any, engine: sa.Engine
) -> None:
    for who, others in (("b", MARKERS_A), ("c", MARKERS_A + MARKERS_B), ("authority", MARKERS_A)):
        c = client(who)
        for url, fields in (
            (f"/parks/{P}/resilience", {}),
            (f"/parks/{P}/optimisation/pareto", {"points": "5"}),
        ):
            job_id = started(post_form(c, url, fields))
            assert wait_for(engine, job_id) == "done", who
            for shown in (url, f"/jobs/{job_id}"):
                text = c.get(shown).text
                assert [m for m in others if m in text] == [], (who, shown)


def test_every_account_signs_in_for_the_analysis_forms(client: Any) -> None:
    nobody = client(None)
    for url in (f"/parks/{P}/resilience", f"/parks/{P}/optimisation/pareto"):
        reply = nobody.post(url, data={}, follow_redirects=False)
        assert reply.status_code in (303, 401, 403)
    signed = sign_in(client(None), ACCOUNTS["c"][0])
    assert signed.get(f"/parks/{P}/resilience").status_code == 200


def test_a_page_reads_the_park_once_and_the_next_request_reads_it_again(
    client: Any, engine: sa.Engine
) -> None:
    selects: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The park's whole row, by its code: what checking that the park exists reads.
        if "parks.boundary_geojson" in statement and "WHERE parks.code =" in statement:
            selects.append(statement)

    operator = client("operator")
    operator.get(f"/parks/{P}")  # signed in, warm
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        page = operator.get(f"/parks/{P}").text
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert "KCN L" in page
    # One read of the park's row for the page, where each service used to read it again.
    assert len(selects) == 1
    with engine.begin() as conn:
        conn.execute(sa.text("update parks set name_vi = 'KCN L mới' where code = :p"), {"p": P})
    assert "KCN L mới" in operator.get(f"/parks/{P}").text
