"""The exchange tracker of a park: its exchanges from proposal through negotiation to
running and stopped, the quantity planned and the quantity measured where known, and
what each saves, as a viewer may see them.

Exchanges are records of their park (docs/confidentiality.md): a viewer of the park sees
them one by one; a viewer outside it (an authority, the public, another park's operator)
gets only the park's totals, under the disclosure rule (as ``accounting.account_park``). An
exchange's quantity and savings are shown where the map shows its quantity
(``geo.exchange_figures_shown``): one accepted from a saved match also needs that match
shown to the viewer with its quantity, since its records may be private.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from parkloop.domain.enums import Confidentiality, DataStatus, ExchangeStatus
from parkloop.domain.models import Exchange, Organisation, Park
from parkloop.domain.permissions import LEVELS, Viewer, may_see_level
from parkloop.errors import NotFound, UserError, msg
from parkloop.services import (
    accounting,
    confidentiality,
    geo,
    matching,
    memo,
    records,
    registry,
)
from parkloop.services.records import Edit
from parkloop.store import matching as match_store
from parkloop.store import registry as registry_store

STAGES = (
    ExchangeStatus.PROPOSED,
    ExchangeStatus.NEGOTIATING,
    ExchangeStatus.RUNNING,
    ExchangeStatus.STOPPED,
)
SAVINGS = (
    "avoided_disposal_vnd",
    "avoided_haul_vnd",
    "avoided_purchase_vnd",
    "foregone_revenue_vnd",
    "transport_cost_vnd",
    "treatment_cost_vnd",
    "net_benefit_vnd",
    "co2e_avoided_virgin_t",
    "co2e_avoided_disposal_t",
    "co2e_avoided_haul_t",
    "co2e_transport_t",
    "co2e_treatment_t",
    "co2e_t",
    "water_reused_m3",
    "energy_recovered_mwh",
    "virgin_material_avoided_t",
)


@dataclass(frozen=True, slots=True)
class Tracked:
    """One exchange as the tracker shows it; figures only where ``figures``."""

    exchange: Exchange
    supplier: Organisation | None
    receiver: Organisation | None
    figures: bool
    planned: float | None  # agreed or proposed quantity per year
    measured: float | None  # measured quantity per year
    match_id: int | None  # the saved match it was accepted from
    account: dict[str, Any] | None  # money and environment per year, with its factors


@dataclass
class Tracker:
    park: Park
    exchanges: list[Tracked]
    by_stage: dict[str, list[Tracked]]
    one_by_one: bool  # False: the viewer is outside the park and gets totals only
    totals: dict[str, Any] | None
    totals_note: str
    hidden_running: int  # running exchanges whose figures are not shown, left out of totals
    planned_by_optimisation: int
    year: int
    method: dict[str, str] = field(default_factory=dict)
    factors: list[dict[str, Any]] = field(default_factory=list)


def tracker(engine: Engine, park_code: str, viewer: Viewer, status: str = "") -> Tracker:
    """The park's exchanges by stage as ``viewer`` may see them, with totals of the
    running ones whose figures it may see; ``status`` one of proposed, negotiating,
    running, stopped (empty: all). A viewer outside the park gets the totals over what a
    published aggregate may rest on, under the disclosure rule, and no exchange. Kept by
    the web process for the viewer's permission scope until the data changes
    (:func:`memo.shared`)."""
    key = ("tracker", park_code, memo.scope_of(viewer), status)
    return memo.shared(engine, key, lambda: _tracker(engine, park_code, viewer, status))


def _tracker(engine: Engine, park_code: str, viewer: Viewer, status: str) -> Tracker:
    park = registry.require_park(engine, park_code)
    computing, aggregate_only = confidentiality.computing_viewer(viewer, park.id)
    account = accounting.account_exchanges_of(engine, park_code, computing)
    rows = _tracked(engine, park_code, computing, account)
    running = [t for t in rows if t.exchange.status is ExchangeStatus.RUNNING]
    shown = [t for t in running if t.account is not None]
    totals: dict[str, Any] | None = _totals(shown)
    note = ""
    if aggregate_only:
        contributions: dict[str, float] = defaultdict(float)
        for t in shown:
            share = abs(float(t.account["net_benefit_vnd"])) / 2 if t.account else 0.0
            contributions[f"{t.exchange.supplier_park_code}:{t.exchange.supplier_code}"] += share
            contributions[f"{t.exchange.receiver_park_code}:{t.exchange.receiver_code}"] += share
        totals, note = confidentiality.publish(totals or {}, contributions)
        rows, shown = [], shown if totals else []
    stages = {s.value for s in STAGES}
    wanted = status if status in stages else ""
    listed = [
        t
        for t in rows
        if t.exchange.status.value in stages and wanted in ("", t.exchange.status.value)
    ]
    used = {key for t in [*rows, *shown] if t.account for key in t.account.get("factors", [])}
    return Tracker(
        park=park,
        exchanges=listed,
        by_stage={s.value: [t for t in listed if t.exchange.status is s] for s in STAGES},
        one_by_one=not aggregate_only,
        totals=totals,
        totals_note=note,
        hidden_running=0 if aggregate_only else len(running) - len(shown),
        planned_by_optimisation=sum(1 for t in rows if t.exchange.status is ExchangeStatus.PLANNED),
        year=account.year,
        method=account.method,
        factors=_cited(account.factors, used),
    )


def _totals(shown: list[Tracked]) -> dict[str, Any]:
    """Sums of the running exchanges whose figures are shown, per year."""

    def total(key: str, digits: int) -> float:
        return round(sum(float(t.account[key]) for t in shown if t.account), digits)

    return {
        "exchanges": len(shown),
        "money_vnd_per_year": total("net_benefit_vnd", 0),
        "co2e_t_per_year": total("co2e_t", 3),
        "water_m3_per_year": total("water_reused_m3", 1),
        "energy_mwh_per_year": total("energy_recovered_mwh", 1),
        "materials_t_per_year": total("virgin_material_avoided_t", 1),
    }


def exchange_detail(
    engine: Engine, park_code: str, exchange_id: int, viewer: Viewer
) -> dict[str, Any]:
    """One exchange of the park as ``viewer`` may see it, with whether the viewer may
    change it, whether the match it came from is shown to the viewer, and the method
    and sources of its figures. An exchange the viewer may not see is not found."""
    park = registry.require_park(engine, park_code)
    _, aggregate_only = confidentiality.computing_viewer(viewer, park.id)
    missing = NotFound(
        msg(
            "park '{park_code}' has no exchange {exchange_id} you may see",
            park_code=park_code,
            exchange_id=str(exchange_id),
        )
    )
    if aggregate_only:
        raise missing
    account = accounting.account_exchanges_of(engine, park_code, viewer)
    found = next(
        (t for t in _tracked(engine, park_code, viewer, account) if t.exchange.id == exchange_id),
        None,
    )
    if found is None:
        raise missing
    match_shown = found.match_id is not None and any(
        v["id"] == found.match_id
        for v in matching.matches_for(engine, park_code, viewer, ["accepted"])
    )
    used = set(found.account.get("factors", [])) if found.account else set()
    return {
        "tracked": found,
        "may_change": records.may_change(engine, "exchange", exchange_id, viewer),
        "match_shown": match_shown,
        "statuses": [s.value for s in STAGES],
        "year": account.year,
        "method": account.method if found.account else {},
        "factors": _cited(account.factors, used),
    }


def set_status(
    engine: Engine,
    park_code: str,
    exchange_id: int,
    viewer: Viewer,
    status: str,
    actor: str | None = None,
) -> Edit:
    """Move one exchange of the park to another stage, through the service of
    ``parkloop exchanges set-status`` (who may is checked there and logged)."""
    if status not in {s.value for s in STAGES}:
        allowed = ", ".join(s.value for s in STAGES)
        raise UserError(
            msg(
                "no stage '{status}' of an exchange: one of {allowed}",
                status=status,
                allowed=allowed,
            )
        )
    if all(x.id != exchange_id for x in registry.exchanges(engine, park_code, viewer=viewer)):
        raise NotFound(
            msg(
                "park '{park_code}' has no exchange {exchange_id}",
                park_code=park_code,
                exchange_id=str(exchange_id),
            )
        )
    return records.set_exchange(engine, exchange_id, viewer, status=status, actor=actor)


def _tracked(
    engine: Engine, park_code: str, viewer: Viewer, account: accounting.ExchangesAccount
) -> list[Tracked]:
    """The exchanges touching the park that ``viewer`` may see, each with its figures
    where they are shown."""
    items = registry.exchanges(engine, park_code, viewer=viewer)
    with engine.connect() as conn:
        park_ids = registry_store.park_ids(conn, {x.park_code for x in items} | {park_code})
        accepted = match_store.list_matches(conn, park_ids.values(), ["accepted"])
    park_level = LEVELS[Confidentiality.PARK]
    items = [x for x in items if may_see_level(viewer, None, park_ids.get(x.park_code), park_level)]
    shown = geo.exchange_figures_shown(engine, items, viewer)
    from_match = {
        int(m["exchange_id"]): (int(m["id"]), float(m["quantity"]))
        for m in accepted
        if m["exchange_id"]
    }
    orgs = geo.organisations_involved(engine, park_code, items)
    accounted = {
        (r["key"], r["supplier"], r["receiver"], r["material"]): r for r in account.exchanges
    }
    out = []
    for x in items:
        figures = x.id in shown
        match = from_match.get(x.id) if x.id is not None else None
        measured = x.quantity.value if x.data_status is DataStatus.MEASURED else None
        planned: float | None = x.quantity.value if measured is None else None
        if planned is None and match is not None:
            planned = match[1]
        row = accounted.get((x.key, x.supplier_code, x.receiver_code, x.material_code))
        out.append(
            Tracked(
                exchange=x,
                supplier=orgs.get((x.supplier_park_code, x.supplier_code)),
                receiver=orgs.get((x.receiver_park_code, x.receiver_code)),
                figures=figures,
                planned=planned if figures else None,
                measured=measured if figures else None,
                match_id=match[0] if match else None,
                account={k: row[k] for k in (*SAVINGS, "factors") if k in row}
                if figures and row is not None
                else None,
            )
        )
    return out


def _cited(factors: dict[str, Any], used: set[str]) -> list[dict[str, Any]]:
    """The factors ``used`` ("material:parameter"), each with its value, status and source."""
    return [
        {"material": key.split(":", 1)[0], "parameter": key.split(":", 1)[-1], **cite}
        for key, cite in sorted(factors.items())
        if key in used
    ]
