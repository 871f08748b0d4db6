"""The enterprise dashboard and the exchange tracker account only the exchanges they show,
and show exactly the figures the whole park's account gives their reader."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from webseed import ACCOUNTS, PASSWORD, P

from parkloop.domain.permissions import Viewer
from parkloop.formats import number
from parkloop.services import accounting, accounts, confidentiality, dashboard, registry, tracker

Client = Callable[[str | None], TestClient]
ENTERPRISES = ("a", "b", "c")


def _viewer(engine: Engine, who: str) -> Viewer:
    user = accounts.authenticate(engine, ACCOUNTS[who][0], PASSWORD, "127.0.0.1")
    return accounts.viewer_of(user)


def _lang(html: str) -> str:
    found = re.search(r'<html lang="(\w+)"', html)
    assert found is not None
    return found.group(1)


def _same(left: Any, right: Any) -> bool:
    """Equal, NaN included."""
    return json.dumps(left, sort_keys=True, default=str) == json.dumps(
        right, sort_keys=True, default=str
    )


@pytest.mark.parametrize("who", ENTERPRISES)
def test_dashboard_shows_the_park_accounts_own_exchanges(
    engine: Engine, client: Client, who: str
) -> None:
    org = ACCOUNTS[who][3]
    assert org is not None
    viewer = _viewer(engine, who)
    whole = accounting.account_park(engine, P, viewer=viewer)
    expected = [x for x in whole.exchanges if org in (x["supplier"], x["receiver"])]
    net = sum(float(x.get("net_benefit_vnd") or 0.0) for x in expected)
    glance = dashboard.enterprise_glance(engine, P, org, viewer)
    assert _same(glance["exchanges"], expected)
    assert glance["net_benefit_vnd"] == net
    assert glance["method"] == whole.method
    listed = [
        x
        for x in registry.exchanges(engine, P, viewer=viewer)
        if org in (x.supplier_code, x.receiver_code)
    ]
    assert registry.exchanges(engine, P, viewer=viewer, party=org) == listed

    html = client(who).get(f"/parks/{P}").text
    assert f'<div class="pl-card-figure">{number(net, _lang(html))}</div>' in html
    assert f"{number(len(expected), _lang(html))} " in html


def test_some_dashboard_has_exchanges_with_figures(engine: Engine) -> None:
    """The comparison above is about something: the seeded enterprises are party to
    accounted exchanges."""
    counts = [
        len(
            dashboard.enterprise_glance(engine, P, str(ACCOUNTS[w][3]), _viewer(engine, w))[
                "exchanges"
            ]
        )
        for w in ENTERPRISES
    ]
    assert sum(counts) > 0


@pytest.mark.parametrize("who", [*ENTERPRISES, "operator", "admin", "authority", "operator_m"])
def test_tracker_shows_the_park_accounts_figures(engine: Engine, client: Client, who: str) -> None:
    viewer = _viewer(engine, who)
    park = registry.require_park(engine, P)
    computing, aggregate_only = confidentiality.computing_viewer(viewer, park.id)
    whole = accounting.account_park(engine, P, viewer=computing)
    rows = {(r["key"], r["supplier"], r["receiver"], r["material"]): r for r in whole.exchanges}
    found = tracker.tracker(engine, P, viewer)
    assert found.year == whole.year
    assert found.method == whole.method
    used: set[str] = set()
    for t in found.exchanges:
        x = t.exchange
        row = rows.get((x.key, x.supplier_code, x.receiver_code, x.material_code))
        if not t.figures or row is None:
            assert t.account is None
            continue
        expected = {k: row[k] for k in (*tracker.SAVINGS, "factors") if k in row}
        assert _same(t.account, expected)
        used |= set(row["factors"])
    running = [
        rows[
            (
                t.exchange.key,
                t.exchange.supplier_code,
                t.exchange.receiver_code,
                t.exchange.material_code,
            )
        ]
        for t in found.exchanges
        if t.exchange.status.value == "running" and t.account is not None
    ]
    if aggregate_only:
        assert found.exchanges == []
    else:
        assert found.totals is not None
        assert found.totals["exchanges"] == len(running)
        assert found.totals["money_vnd_per_year"] == round(
            sum(float(r["net_benefit_vnd"]) for r in running), 0
        )
        assert found.factors == tracker._cited(whole.factors, used)

    html = client(who).get(f"/parks/{P}/exchanges").text
    if found.totals:
        money = number(found.totals["money_vnd_per_year"], _lang(html))
        assert f'<span class="pl-card-figure">{money}' in html


def test_tracker_totals_are_the_park_accounts_totals_for_the_operator(engine: Engine) -> None:
    viewer = _viewer(engine, "operator")
    whole = accounting.account_park(engine, P, viewer=viewer)
    found = tracker.tracker(engine, P, viewer)
    assert found.totals is not None
    assert found.exchanges and any(t.account for t in found.exchanges)
    for key in ("exchanges", "co2e_t_per_year", "water_m3_per_year", "energy_mwh_per_year"):
        assert found.totals[key] == pytest.approx(whole.totals[key], abs=1e-3), key
    assert found.totals["money_vnd_per_year"] == pytest.approx(
        whole.totals["money_vnd_per_year"], abs=1.0
    )


def test_account_exchanges_of_is_account_parks_rows(engine: Engine) -> None:
    for who in ("operator", "a", "b", "admin"):
        viewer = _viewer(engine, who)
        whole = accounting.account_park(engine, P, viewer=viewer)
        some = accounting.account_exchanges_of(engine, P, viewer)
        assert _same(some.exchanges, whole.exchanges), who
        assert some.factors == whole.factors
        assert (some.year, some.attribution, some.deadweight) == (
            whole.year,
            whole.attribution,
            whole.deadweight,
        )
