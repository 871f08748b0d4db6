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
from parkloop.services import diagrams, matching, memo, registry, summary
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
    }


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
    # The scopes differ: a private record of an enterprise is in its own figures only.
    counts = {len(f["flow_figures"]) for f in alone}
    assert len(counts) > 2
    assert any(not s.whole for f in alone for s in f["every_match"])
    # Scopes that may see the same records were given one picture, drawn once.
    for picture in ("graph", "sankey"):
        drawn = {id(f[picture]) for f in derived}
        assert len({repr(f[picture]) for f in alone}) <= len(drawn) < len(every)
