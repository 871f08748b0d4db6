"""A park's figures for each viewer, as the web application derives them from the park's
records read once per data version for every viewer (``memo.park_wide``), are the figures
the services compute for that viewer alone: for every permission scope of the example
park Nam Cầu Kiền (whose enterprises keep private flows), with its saved matches, some of
them accepted across a private record."""

from __future__ import annotations

import contextvars
from typing import Any

import pytest
import sqlalchemy as sa

from parkloop.domain.permissions import Role, Viewer
from parkloop.examples import load_example
from parkloop.services import assessment_detail as detail
from parkloop.services import diagrams, matching, memo, records, registry, summary
from parkloop.services.confidentiality import computing_viewer
from parkloop.services.importing import import_rows
from parkloop.store import assessment as facts_store
from parkloop.store import browse, proposals
from parkloop.store.schema import flows, matches, organisations, parks
from parkloop.web.pages.parks import _dashboard

P = "nam-cau-kien"
ACCEPTED = 6  # matches accepted across a private record, so that some are shown redacted


def _seed(engine: sa.Engine) -> tuple[int, dict[int, str]]:
    """The example park with its matches, a few accepted; its id and its organisations."""
    load_example(engine, P)
    matching.run_matching(engine, park=P)
    with engine.begin() as conn:
        park_id = conn.scalar(sa.select(parks.c.id).where(parks.c.code == P))
        orgs = {
            int(i): str(c)
            for i, c in conn.execute(
                sa.select(organisations.c.id, organisations.c.code).where(
                    organisations.c.park_id == park_id
                )
            )
        }
        private_owners = set(
            conn.scalars(sa.select(flows.c.org_id).where(flows.c.confidentiality == "private"))
        )
        across = conn.scalars(
            sa.select(matches.c.id)
            .where(
                sa.or_(
                    matches.c.supplier_id.in_(private_owners),
                    matches.c.receiver_id.in_(private_owners),
                )
            )
            .order_by(matches.c.id)
            .limit(ACCEPTED)
        ).all()
        conn.execute(sa.update(matches).where(matches.c.id.in_(across)).values(status="accepted"))
    assert park_id is not None and private_owners and across
    return int(park_id), orgs


def scopes(park_id: int, orgs: dict[int, str]) -> list[tuple[Viewer, str]]:
    """Every kind of viewer of the park (each enterprise of it), with the code of an
    enterprise account's own enterprise."""
    out = [
        (Viewer.admin(), ""),
        (Viewer(Role.OPERATOR, park_id=park_id, name="operator"), ""),
        (Viewer(Role.FACILITATOR, parks=frozenset({park_id}), name="facilitator"), ""),
        (Viewer(Role.FACILITATOR, parks=frozenset({park_id + 1}), name="other"), ""),
        (Viewer(Role.AUTHORITY, name="ministry"), ""),
        (Viewer(Role.AUTHORITY, scope=frozenset({park_id}), name="province"), ""),
        (Viewer(Role.PUBLIC, name="public"), ""),
        (Viewer(Role.OPERATOR, park_id=park_id + 1, name="elsewhere"), ""),
    ]
    out += [
        (Viewer(Role.ENTERPRISE, park_id=park_id, org_id=org_id, name=code), code)
        for org_id, code in sorted(orgs.items())
    ]
    return out


def figures(engine: sa.Engine, viewer: Viewer, own: str) -> dict[str, Any]:
    """Everything the park's figures for ``viewer`` are made of, and the pages' figures."""
    shown = matching.shown_matches(engine, P, viewer, diagrams.MATCH_STATUSES)
    return {
        "flow_figures": registry.flow_figures(engine, P, viewer),
        "shown_matches": shown,
        "every_match": matching.shown_matches(engine, P, viewer),
        "match_links": matching.match_links(engine, P, shown),
        "summary": summary.park_summary(engine, P, viewer),
        "graph": diagrams.symbiosis_graph(engine, P, viewer, "en"),
        "sankey": diagrams.park_sankey(engine, P, viewer, None, "vi"),
        "dashboard": _dashboard(engine, P, viewer, own),
        "assessment": _assessment(engine, viewer),
    }


def _assessment(engine: sa.Engine, viewer: Viewer) -> dict[str, Any]:
    """The park's assessment page's figures for ``viewer``."""
    return detail.park_assessment(engine, P, detail.DEFAULT_RULESET, None, viewer)


def in_request(engine: sa.Engine, viewer: Viewer, own: str) -> dict[str, Any]:
    """:func:`figures` as a web request computes them (each request a context of its
    own)."""

    def run() -> dict[str, Any]:
        memo.remember_reads()
        return figures(engine, viewer, own)

    return contextvars.copy_context().run(run)


def test_each_scopes_figures_derived_from_the_park_wide_reads_are_its_own(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    park_id, orgs = _seed(engine)
    memo.forget_shared()
    every = scopes(park_id, orgs)
    alone = [figures(engine, viewer, own) for viewer, own in every]  # outside any request
    reads: list[str] = []
    for module, name in ((proposals, "match_index"), (browse, "park_flow_figures")):
        real = getattr(module, name)

        def counting(*args: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            reads.append(_name)
            return _real(*args, **kw)

        monkeypatch.setattr(module, name, counting)
    try:
        derived = [in_request(engine, viewer, own) for viewer, own in every]
    finally:
        memo.forget_shared()
    # The park's records were read once for every scope (the index once per set of
    # statuses asked for).
    assert sorted(reads) == ["match_index", "match_index", "park_flow_figures"]
    for (viewer, _), own_figures, derived_figures in zip(every, alone, derived, strict=True):
        for name, value in own_figures.items():
            assert derived_figures[name] == value, (viewer, name)
        # The flows kept out of the park-wide read are those the store's SQL filter gives.
        with engine.connect() as conn:
            assert derived_figures["flow_figures"] == browse.flow_figures(conn, P, viewer)
        # The flows an assessment keeps out of the park-wide read are those the store's
        # SQL filter gives.
        with engine.connect() as conn:
            park = facts_store.park_row(conn, P)
            assert park is not None
            year = facts_store.default_year(conn, park_id)
            computing, _ = computing_viewer(viewer, park_id)
            every_flow = facts_store.park_flow_facts(conn, park_id, year)
            seen = facts_store.flow_facts_by_org(
                every_flow, facts_store.seen_flow_facts(every_flow, computing)
            )
            assert facts_store.park_facts(conn, park, year, computing) == facts_store.park_facts(
                conn, park, year, computing, seen
            )
    # The scopes differ: a private record of an enterprise is in its own figures only.
    counts = {len(f["flow_figures"]) for f in alone}
    assert len(counts) > 2
    assert any(not s.whole for f in alone for s in f["every_match"])
    # Scopes that may see the same records were given one picture, drawn once.
    for picture in ("graph", "sankey", "assessment"):
        drawn = {id(f[picture]) for f in derived}
        assert len({repr(f[picture]) for f in alone}) <= len(drawn) < len(every)


def test_figures_kept_on_after_a_write_are_those_computed_anew(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A figure that rests on records a write did not change is kept on (not computed
    again); after each kind of write every scope's figures are still those computed for
    it alone: a flow's quantity, an import of a new flow, a flow of a saved match turned
    private and back."""
    park_id, orgs = _seed(engine)
    memo.forget_shared()
    every = scopes(park_id, orgs)
    with engine.connect() as conn:
        supply = conn.scalar(
            sa.select(matches.c.supply_id)
            .join(flows, flows.c.id == matches.c.supply_id)
            .where(
                matches.c.supply_kind == "flow",
                matches.c.status == "proposed",
                flows.c.confidentiality == "park",
            )
            .order_by(matches.c.id)
            .limit(1)
        )
        owner = conn.scalar(
            sa.select(organisations.c.code)
            .join(flows, flows.c.org_id == organisations.c.id)
            .where(flows.c.id == supply)
        )
    assert supply is not None and owner is not None
    admin = Viewer(Role.ADMIN, name="admin")
    reads: list[str] = []
    real = proposals.match_index

    def counting(*args: Any, **kw: Any) -> Any:
        reads.append("match_index")
        return real(*args, **kw)

    monkeypatch.setattr(proposals, "match_index", counting)
    row = {
        "park": P,
        "enterprise": owner,
        "period": "2021",
        "direction": "out",
        "material": "fly-ash",
        "quantity": "4321",
        "unit": "t",
        "confidentiality": "park",
    }
    writes = [
        ("quantity", lambda: records.set_flow(engine, supply, admin, quantity="12345")),
        ("import", lambda: import_rows(engine, {"flows": [row]}, viewer=admin)),
        ("private", lambda: records.set_flow(engine, supply, admin, confidentiality="private")),
        ("park", lambda: records.set_flow(engine, supply, admin, confidentiality="park")),
    ]
    try:
        for viewer, own in every:
            in_request(engine, viewer, own)
        before: list[dict[str, Any]] = []
        for name, write in writes:
            reads.clear()
            write()
            derived = [in_request(engine, viewer, own) for viewer, own in every]
            if name in ("private", "park"):  # someone's network changed with it
                assert any(
                    d["graph"] != b["graph"] for d, b in zip(derived, before, strict=True)
                ), name
            before = derived
            # The park's matches were read again only when who may see a match's records
            # changed.
            assert bool(reads) == (name in ("private", "park")), name
            alone = [figures(engine, viewer, own) for viewer, own in every]
            for (viewer, _), own_figures, derived_figures in zip(
                every, alone, derived, strict=True
            ):
                for figure, value in own_figures.items():
                    assert derived_figures[figure] == value, (name, viewer, figure)
    finally:
        memo.forget_shared()


def test_what_a_change_log_entry_changed() -> None:
    assert memo.touched_by([]) == frozenset()
    assert memo.touched_by([("user", "sign_in", {}), ("api_token", "create", {})]) == frozenset()
    quantity = {"id": 1, "changed": {"quantity": [1.0, 2.0], "entered_quantity": [1.0, 2.0]}}
    assert memo.touched_by([("flow", "update", quantity)]) == {memo.FLOWS}
    private = {"id": 1, "changed": {"confidentiality": ["park", "private"]}}
    assert memo.touched_by([("flow", "update", private)]) == {memo.FLOWS, memo.FLOW_ACCESS}
    assert memo.touched_by([("sheets", "import", {"rows": {"flows": 20}})]) == {memo.FLOWS}
    # Anything else may have changed anything.
    assert memo.touched_by([("sheets", "import", {"rows": {"flows": 2, "enterprises": 1}})]) is None
    assert memo.touched_by([("flow", "delete", {"id": 1})]) is None
    assert memo.touched_by([("flow", "update", {"id": 1})]) is None
    assert memo.touched_by([("match", "accept", {})]) is None
    assert memo.touched_by([("organisation", "update", quantity)]) is None
