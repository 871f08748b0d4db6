"""Use case of fair shares: split the gain of an exchange or a small coalition between its
partners."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Engine

from parkloop.domain.permissions import Viewer, may_see_level
from parkloop.errors import UserError, msg
from parkloop.optimize import (
    NET_BENEFIT,
    optimise,
)
from parkloop.optimize.shares import MAX_PLAYERS, fair_shares, too_many
from parkloop.services import accounting
from parkloop.services.optimize import network, options_from, running_accounts
from parkloop.store import optimize as store
from parkloop.store import writes

# -- fair shares -----------------------------------------------------------------------------------

# What the proportional split is based on: the partners' own sides, else an equal split.
PROPORTIONAL_BASES = (
    "own side of the exchanges",
    "no partner has a positive side: equal split",
)


def shares_of_exchange(
    engine: Engine, exchange_id: int, viewer: Viewer | None = None
) -> dict[str, Any]:
    """Split an exchange's net benefit between its supplier and its receiver (an exchange
    ``viewer`` may see, valued from the records it may see)."""
    with engine.connect() as conn:
        x = store.get_exchange(conn, exchange_id)
        park_id = writes.park_ids(conn, [x.park_code]).get(x.park_code) if x else None
    if x is None or not may_see_level(viewer or Viewer.admin(), None, park_id, 1):
        raise UserError(
            msg(
                "no exchange {exchange_id}; list them with `parkloop exchanges list --park CODE`",
                exchange_id=str(exchange_id),
            )
        )
    account = accounting.account_park(engine, x.park_code, viewer=viewer)
    row = next(
        (
            a
            for a in account.exchanges
            if (a["key"], a["supplier"], a["receiver"]) == (x.key, x.supplier_code, x.receiver_code)
        ),
        None,
    )
    if row is None:
        raise UserError(
            msg("exchange {exchange_id} could not be accounted", exchange_id=str(exchange_id))
        )
    gain = float(row["net_benefit_vnd"])
    share = account.attribution * (1.0 - account.deadweight)
    sides = [
        share * (row["avoided_disposal_vnd"] + row["avoided_haul_vnd"])
        - row["foregone_revenue_vnd"],
        share * row["avoided_purchase_vnd"],
    ]
    players = [
        f"{x.supplier_park_code}:{x.supplier_code}",
        f"{x.receiver_park_code}:{x.receiver_code}",
    ]
    result = fair_shares(players, lambda members: gain if len(members) == 2 else 0.0, sides)
    result.methods["shapley"] = (
        "Shapley value: each partner receives its marginal contribution averaged over the "
        "orders in which the partners could join; for one exchange, the two partners together "
        "earn its net benefit (as `parkloop account` gives it) and either alone earns nothing, "
        "so each receives half"
    )
    return _shares_view(
        result,
        {
            "exchange": exchange_id,
            "key": x.key,
            "status": x.status.value,
            "material": x.material_code,
        },
        roles=["supplier", "receiver"],
        coalitions=3,
    )


def shares_of_coalition(
    engine: Engine,
    enterprises: Sequence[str],
    park: str | None = None,
    top: int = 10,
    time_limit_s: float = 60.0,
    viewer: Viewer | None = None,
) -> dict[str, Any]:
    """Split the gain of a small coalition: running exchanges among its members and the
    best new network among them, from the records ``viewer`` may see."""
    codes = [c.strip() for c in enterprises if c.strip()]
    if len(set(codes)) != len(codes):
        raise UserError(msg("--enterprises: each enterprise once"))
    if len(codes) < 2:
        raise UserError(msg("--enterprises: name at least two enterprises, A,B"))
    if len(codes) > MAX_PLAYERS:
        raise UserError(too_many(len(codes)))
    orgs: list[int] = []
    with engine.connect() as conn:
        for code in codes:
            where_park, _, plain = code.rpartition(":") if ":" in code else (park, "", code)
            ids = store.find_organisations(conn, plain, where_park or None)
            if not ids:
                raise UserError(msg("--enterprises: no enterprise '{code}'", code=code))
            if len(ids) > 1:
                raise UserError(
                    msg(
                        "--enterprises: '{code}' is in several parks; write PARK:CODE or add "
                        "--park",
                        code=code,
                    )
                )
            orgs.append(ids[0])
        where = store.org_names(conn, orgs)
    parks_of = {where[o]["park_code"] for o in orgs}
    regions_of = {where[o]["region"] for o in orgs}
    if len(parks_of) == 1:
        net = network(engine, park=next(iter(parks_of)), top=top, viewer=viewer)
    elif len(regions_of) == 1 and next(iter(regions_of)):
        net = network(engine, region=next(iter(regions_of)), top=top, viewer=viewer)
    else:
        net = network(engine, all_parks=True, top=top, viewer=viewer)
    options = options_from(NET_BENEFIT, time_limit_s=time_limit_s)
    running = running_accounts(engine, net)
    p = net.problem
    memo: dict[tuple[int, ...], float] = {}

    def value(members: tuple[int, ...]) -> float:
        ids = [orgs[i] for i in members]
        fixed = sum(
            float(r["net_benefit_vnd"])
            for r in running
            if r["supplier_id"] in ids and r["receiver_id"] in ids
        )
        part = p.among(ids)
        key = tuple(part.links.tolist())
        if key not in memo:
            memo[key] = optimise(part.problem, options).objective_value if len(key) else 0.0
        return fixed + memo[key]

    grand = p.among(orgs)
    best = optimise(grand.problem, options)
    sides = np.zeros(len(orgs))
    gp = grand.problem
    x = best.flows.x
    for i, o in enumerate(orgs):
        sides[i] += float(np.sum((gp.supply_org[gp.s] == o) * gp.unit["supplier_side_vnd"] * x))
        sides[i] += float(np.sum((gp.demand_org[gp.d] == o) * gp.unit["receiver_side_vnd"] * x))
        for r in running:
            if r["supplier_id"] in orgs and r["receiver_id"] in orgs:
                if r["supplier_id"] == o:
                    sides[i] += r["supplier_side_vnd"]
                if r["receiver_id"] == o:
                    sides[i] += r["receiver_side_vnd"]
    players = [f"{where[o]['park_code']}:{where[o]['code']}" for o in orgs]
    result = fair_shares(players, value, sides.tolist())
    return _shares_view(
        result,
        {
            "coalition": players,
            "scope": net.scope["label"],
            "links_among_members": grand.problem.n_links,
            "running_among_members": sum(
                1 for r in running if r["supplier_id"] in orgs and r["receiver_id"] in orgs
            ),
        },
        roles=None,
        coalitions=(1 << len(orgs)) - 1,
    )


def _shares_view(
    result: Any, gain_of: dict[str, Any], roles: list[str] | None, coalitions: int
) -> dict[str, Any]:
    players = []
    for i, name in enumerate(result.players):
        park, _, code = name.rpartition(":")
        players.append(
            {
                "park": park,
                "enterprise": code,
                **({"role": roles[i]} if roles else {}),
                "shapley_vnd": float(result.shapley[i]),
                "proportional_vnd": float(result.proportional[i]),
                "equal_vnd": float(result.equal[i]),
                "own_side_vnd": float(result.weights[i]),
                "stand_alone_vnd": float(result.stand_alone[i]),
            }
        )
    return {
        "gain_of": gain_of,
        "total_vnd": result.total,
        "players": players,
        "methods": result.methods,
        "proportional_basis": PROPORTIONAL_BASES[0 if result.proportional_used_weights else 1],
        "coalitions_solved": coalitions,
    }
