"""Optimisation scenarios of a park as people compare them, and the analyses around them
(trade-off curve, resilience, fair shares) with names in both languages.

A scenario is either a plan the park's operator saved (``parkloop optimize --park``, or a
run from the pages that kept its plan) or a run someone started from the pages without
keeping it (a job, computed from the records its author may see). A saved plan rests on
every record of the park, private ones included, so its figures are given only to those
who may see every record of the park; anyone else learns that it exists and when it was
made. Every figure here comes from the optimisation services; this module only gathers,
names and orders them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine

from parkloop.catalog import catalog
from parkloop.domain.enums import ExchangeStatus
from parkloop.domain.permissions import Viewer, sees_everything_of, sees_park_records
from parkloop.errors import UserError, Word, msg
from parkloop.jsonable import jsonable
from parkloop.services import jobs, registry
from parkloop.store import scenarios as store

Progress = Callable[[str, int, int], None]
SHOWN = 20  # scenarios listed on a page
SHOWN_EXCHANGES = 100  # planned exchanges listed for one scenario
COMPARED = 3  # scenarios compared side by side unless others are chosen
OBJECTIVES = ("net-benefit", "co2")
TIME_LIMIT_MAX_S = 600.0
CAPACITY_ROWS = 3  # treatment capacities a form offers
HIDDEN = "confidential"
WITHHELD = (
    "a saved plan rests on every record of the park, private ones included: its figures are "
    "shown only to the park operator; run a scenario to see figures from the records you may see"
)


# -- names ----------------------------------------------------------------------------------------


def org_names(engine: Engine, park_codes: Iterable[str]) -> dict[tuple[str, str], dict[str, str]]:
    """(park code, organisation code) -> its name in Vietnamese and in English."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for park in sorted(set(p for p in park_codes if p)):
        try:
            orgs = registry.organisations(engine, park)
        except Exception:  # a park removed since the run: its names are gone
            continue
        for o in orgs:
            out[(park, o.code)] = {"vi": o.display_name("vi"), "en": o.display_name("en")}
    return out


def material_names(code: str | None) -> dict[str, str] | None:
    if not code:
        return None
    found = catalog().materials.get(code)
    if found is None:
        return {"vi": code, "en": code}
    return {"vi": found.name_vi or found.name_en, "en": found.name_en or found.name_vi}


def _named_party(
    party: Mapping[str, Any] | str, park: str, names: Mapping[tuple[str, str], dict[str, str]]
) -> dict[str, Any]:
    """A party of an exchange with its names; a hidden one stays hidden."""
    if isinstance(party, str):
        code, park_code, fallback = party, park, party
    else:
        code = str(party.get("code", ""))
        park_code = str(party.get("park") or park)
        fallback = str(party.get("name") or code)
    hidden = code == HIDDEN
    found = names.get((park_code, code))
    return {
        "park": park_code,
        "code": "" if hidden else code,
        "hidden": hidden,
        "names": None if hidden else (found or {"vi": fallback, "en": fallback}),
    }


def named_exchange(
    x: Mapping[str, Any], park: str, names: Mapping[tuple[str, str], dict[str, str]]
) -> dict[str, Any]:
    """An exchange (planned, running or broken) with its parties and materials named."""
    out = dict(x)
    out["supplier"] = _named_party(x.get("supplier", ""), str(x.get("park") or park), names)
    out["receiver"] = _named_party(x.get("receiver", ""), str(x.get("park") or park), names)
    out["material_names"] = material_names(x.get("material"))
    receiver_material = x.get("receiver_material")
    out["receiver_material_names"] = (
        material_names(receiver_material)
        if receiver_material and receiver_material != x.get("material")
        else None
    )
    return out


def _rule_names(rule_id: str) -> dict[str, str]:
    from parkloop.services.matching import rules

    rule = next((r for r in rules() if r.id == rule_id), None)
    if rule is None:
        return {"vi": rule_id, "en": rule_id}
    supply = material_names(rule.supply_material) or {"vi": "", "en": ""}
    demand = material_names(rule.demand_material) or {"vi": "", "en": ""}
    return {lang: f"{supply[lang]} → {demand[lang]}" for lang in ("vi", "en")}


def rule_choices() -> list[dict[str, Any]]:
    """The substitution rules a treatment capacity may limit, named."""
    from parkloop.services.matching import rules

    return [{"id": r.id, "names": _rule_names(r.id)} for r in rules()]


def _investments(
    items: Sequence[Mapping[str, Any]],
    exchanges: Sequence[Mapping[str, Any]],
    park_names: Mapping[int, dict[str, str]],
) -> list[dict[str, Any]]:
    """What a plan builds, each named: a pipe by the exchange it serves, a shared unit by
    the substitution it treats and its park."""
    by_key = {x.get("key"): x for x in exchanges}
    out = []
    for item in items:
        named = dict(item)
        if item.get("kind") == "pipe":
            x = by_key.get(item.get("exchange"))
            named["serves"] = x
            named["names"] = None
        else:
            named["serves"] = None
            named["names"] = _rule_names(str(item.get("rule", "")))
            named["park_names"] = park_names.get(int(item.get("park_id") or 0))
        out.append(named)
    return out


# -- scenarios ------------------------------------------------------------------------------------


def _when(value: Any) -> dt.datetime | None:
    """A moment as an aware datetime (jobs hand back ISO text, SQLite naive UTC times)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _scenario(
    key: str,
    source: str,
    result: Mapping[str, Any],
    park: str,
    names: Mapping[tuple[str, str], dict[str, str]],
    park_names: Mapping[int, dict[str, str]],
    **extra: Any,
) -> dict[str, Any]:
    raw = result.get("exchanges")
    listed = raw if isinstance(raw, list) else []
    exchanges = [named_exchange(x, park, names) for x in listed[:SHOWN_EXCHANGES]]
    totals = result.get("totals") or {}
    return {
        "key": key,
        "source": source,
        "run_id": result.get("run_id"),
        "objective": result.get("objective"),
        "objective_value": result.get("objective_value"),
        "objective_unit": result.get("objective_unit"),
        "status": result.get("status"),
        "message": result.get("message") or "",
        "options": result.get("options") or {},
        "year": result.get("year"),
        "planned": result.get("planned", len(listed)),
        "before": totals.get("before") or {},
        "after": totals.get("after") or {},
        "gain": totals.get("gain") or {},
        "emissions": result.get("emissions") or {},
        "investments": _investments(result.get("investments") or [], exchanges, park_names),
        "exchanges": exchanges,
        "exchanges_note": raw if isinstance(raw, str) else "",
        "left_and_bought": result.get("left_and_bought") or {},
        "method": result.get("method") or {},
        "investment_costs": result.get("investment_costs") or [],
        "attribution": result.get("attribution"),
        "deadweight": result.get("deadweight"),
        **extra,
    }


def park_scenarios(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    user_id: int | None = None,
    compare: Sequence[str] = (),
    show: str = "",
) -> dict[str, Any]:
    """The scenarios of a park ``viewer`` may compare (newest first), those compared side by
    side (``compare``, else the newest few), the one shown in full (``show``, else the
    newest), the saved plans whose figures are withheld from ``viewer``, and the runs
    still queued, running or failed."""
    park = registry.require_park(engine, park_code)
    full = park.id is not None and sees_everything_of(viewer, park.id)
    with engine.connect() as conn:
        runs = store.runs_of_scope(conn, f"park:{park_code}", SHOWN)
    names = org_names(engine, [park_code])
    park_names = {
        int(p.id): {"vi": p.name_vi or p.name_en, "en": p.name_en or p.name_vi}
        for p in registry.parks(engine)
        if p.id is not None
    }
    scenarios: list[dict[str, Any]] = []
    withheld: list[dict[str, Any]] = []
    saved = {int(r["id"]) for r in runs}
    for run in runs:
        if full:
            scenarios.append(
                _scenario(
                    f"run-{run['id']}",
                    "plan",
                    run["result"] or {},
                    park_code,
                    names,
                    park_names,
                    created_at=_when(run["created_at"]),
                    job_id=None,
                    actor="",
                )
            )
        else:
            withheld.append(
                {
                    "run_id": run["id"],
                    "created_at": _when(run["created_at"]),
                    "objective": run["objective"],
                    "status": run["status"],
                }
            )
    pending: list[dict[str, Any]] = []
    for job in jobs.jobs_for(engine, viewer, user_id, park=park_code, limit=3 * SHOWN):
        if job["kind"] != "optimize":
            continue
        if job["status"] != "done":
            pending.append({**job, "created_at": _when(job["created_at"])})
            continue
        found = jobs.status(engine, int(job["id"]), viewer, user_id)
        result = found.get("result") or {}
        if result.get("run_id") is not None and int(result["run_id"]) in saved:
            continue  # the saved plan stands for it
        scenarios.append(
            _scenario(
                f"job-{job['id']}",
                "job",
                result,
                park_code,
                names,
                park_names,
                created_at=_when(job["created_at"]),
                job_id=job["id"],
                actor=job["actor"],
            )
        )
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    scenarios.sort(key=lambda s: s["created_at"] or oldest, reverse=True)
    scenarios = scenarios[:SHOWN]
    by_key = {s["key"]: s for s in scenarios}
    chosen = [by_key[k] for k in dict.fromkeys(compare) if k in by_key]
    compared = chosen or scenarios[:COMPARED]
    shown = by_key.get(show) or (scenarios[0] if scenarios else None)
    return {
        "scenarios": scenarios,
        "compared": compared,
        "shown": shown,
        "withheld": withheld,
        "withheld_note": WITHHELD if withheld else "",
        "pending": pending[:SHOWN],
        "may_save": full,
    }


def _number(value: str | float | None, name: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(str(value).strip().replace(" ", ""))
    except ValueError:
        raise UserError(
            msg("{name}: '{value}' is not a number", name=Word(name), value=value)
        ) from None


def scenario_params(
    park_code: str,
    viewer: Viewer,
    engine: Engine,
    *,
    objective: str = "net-benefit",
    budget_vnd: str | float | None = None,
    co2_cap_t: str | float | None = None,
    capacity_rules: Sequence[str] = (),
    capacity_quantities: Sequence[str] = (),
    time_limit_s: str | float | None = 60.0,
    mip_gap: str | float | None = 0.01,
    top: str | int | None = 10,
    year: str | int | None = None,
    keep: bool = False,
) -> dict[str, Any]:
    """The parameters of an optimisation job from a form, checked as the command line
    checks them; keeping the plan only for those who may keep it."""
    from parkloop.services import optimize

    park = registry.require_park(engine, park_code)
    capacities: dict[str, float] = {}
    for rule, quantity in zip(capacity_rules, capacity_quantities, strict=False):
        amount = _number(quantity, "treatment capacity")
        if not rule.strip() or amount is None:
            continue
        if rule in capacities:
            raise UserError(msg("treatment capacity: '{rule}' is given twice", rule=rule))
        capacities[rule] = amount
    budget = _number(budget_vnd, "budget")
    cap = _number(co2_cap_t, "CO2e cap")
    limit = _number(time_limit_s, "time limit") or 60.0
    gap = _number(mip_gap, "gap")
    if not 0 < limit <= TIME_LIMIT_MAX_S:
        raise UserError(
            msg(
                "time limit: between 1 and {time_limit_max_s} seconds",
                time_limit_max_s=TIME_LIMIT_MAX_S,
            )
        )
    top_n = int(_number(top, "candidates per supply") or 10)
    if not 1 <= top_n <= 50:
        raise UserError(msg("candidates per supply: between 1 and 50"))
    year_n = _number(year, "year")
    if year_n is not None and not 1900 <= year_n <= 2200:
        raise UserError(msg("year: {year} is not a year", year=str(year)))
    optimize.options_from(objective, budget, cap, capacities, limit, 0.01 if gap is None else gap)
    may_keep = park.id is not None and sees_everything_of(viewer, park.id)
    return {
        "park": park_code,
        "objective": objective,
        "budget_vnd": budget,
        "co2_cap_t": cap,
        "treatment_capacity": capacities,
        "time_limit_s": limit,
        "mip_gap": 0.01 if gap is None else gap,
        "top": top_n,
        "year": int(year_n) if year_n is not None else None,
        "save": bool(keep and may_keep),
    }


# -- the trade-off curve, resilience, shares ------------------------------------------------------


def pareto_view(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    *,
    points: int = 5,
    budget_vnd: float | None = None,
    co2_cap_t: float | None = None,
    top: int = 10,
    year: int | None = None,
    time_limit_s: float = 60.0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The trade-off between money and CO2e from the records ``viewer`` may see, as plain
    JSON, with the points the chart draws."""
    from parkloop.services import optimize

    registry.require_park(engine, park_code)
    if not 5 <= points <= 15:
        raise UserError(msg("points: between 5 and 15"))
    if progress is not None:
        progress("tracing the curve", 0, points)
    curve: dict[str, Any] = jsonable(
        optimize.pareto_curve(
            engine,
            park=park_code,
            points=points,
            budget_vnd=budget_vnd,
            co2_cap_t=co2_cap_t,
            top=top,
            year=year,
            time_limit_s=time_limit_s,
            viewer=viewer,
        )
    )
    curve["chart"] = {
        "points": [
            {
                "point": p["point"],
                "net_benefit_vnd": p["net_benefit_vnd"],
                "co2e_t": p["co2e_t"],
                "exchanges": p["exchanges"],
                "investment_vnd": p["investment_vnd"],
                "status": p["status"],
            }
            for p in curve["points"]
        ],
        "method": curve["method"],
        "note": curve["note"],
    }
    if progress is not None:
        progress("traced", points, points)
    return curve


def resilience_view(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    *,
    enterprise: str | None = None,
    budget_vnd: float | None = None,
    top: int = 10,
    year: int | None = None,
    time_limit_s: float = 60.0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """What breaks when an enterprise leaves, from the records ``viewer`` may see, named."""
    from parkloop.services import resilience

    registry.require_park(engine, park_code)
    if progress is not None:
        progress("optimising the network", 0, 0)
    report: dict[str, Any] = jsonable(
        resilience.resilience_report(
            engine,
            park=park_code,
            enterprise=enterprise or None,
            budget_vnd=budget_vnd,
            top=top,
            year=year,
            time_limit_s=time_limit_s,
            viewer=viewer,
            progress=progress,
        )
    )
    names = org_names(engine, [park_code])
    for e in report["enterprises"]:
        e["enterprise"] = _named_party(e["enterprise"], park_code, names)
        e["broken_running"] = [named_exchange(x, park_code, names) for x in e["broken_running"]]
        e["broken_planned"] = [named_exchange(x, park_code, names) for x in e["broken_planned"]]
        e["alternatives"] = [named_exchange(x, park_code, names) for x in e["alternatives"]]
        e["partners"] = [_named_party(p, park_code, names) for p in e["partners"]]
    return report


def shareable_exchanges(engine: Engine, park_code: str, viewer: Viewer) -> list[dict[str, Any]]:
    """The park's exchanges whose gain ``viewer`` may see split (those of a park it sees)."""
    park = registry.require_park(engine, park_code)
    if not sees_park_records(viewer, park.id):
        return []
    names = org_names(engine, [park_code])
    out = []
    for x in _exchanges_to_share(engine, park_code, viewer):
        out.append(
            {
                "id": x.id,
                "status": x.status.value,
                "supplier": _named_party(
                    {"code": x.supplier_code, "park": x.supplier_park_code}, park_code, names
                ),
                "receiver": _named_party(
                    {"code": x.receiver_code, "park": x.receiver_park_code}, park_code, names
                ),
                "material_names": material_names(x.material_code),
            }
        )
    return out


def _exchanges_to_share(engine: Engine, park_code: str, viewer: Viewer) -> list[Any]:
    """Exchanges of the park whose gain ``viewer`` may see split: every one for those who
    see every record of the park; for others, not the plans an optimisation wrote (their
    quantities may rest on records they may not see)."""
    park = registry.require_park(engine, park_code)
    if not sees_park_records(viewer, park.id):
        return []
    everything = park.id is not None and sees_everything_of(viewer, park.id)
    return [
        x
        for x in registry.exchanges(engine, park_code)
        if everything or x.status is not ExchangeStatus.PLANNED
    ]


def shares_view(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    *,
    exchange_id: int | None = None,
    enterprises: Sequence[str] = (),
    top: int = 10,
) -> dict[str, Any]:
    """Fair shares of an exchange's gain or of a small coalition's, from the records
    ``viewer`` may see, with the partners named."""
    from parkloop.services import shares

    registry.require_park(engine, park_code)
    if (exchange_id is None) == (not enterprises):
        raise UserError(msg("choose an exchange, or two or more enterprises"))
    if exchange_id is not None:
        if all(x.id != exchange_id for x in _exchanges_to_share(engine, park_code, viewer)):
            raise UserError(
                msg(
                    "no exchange {exchange_id} of this park whose gain you may split",
                    exchange_id=str(exchange_id),
                )
            )
        result: dict[str, Any] = jsonable(shares.shares_of_exchange(engine, exchange_id, viewer))
    else:
        result = jsonable(
            shares.shares_of_coalition(
                engine, list(enterprises), park=park_code, top=top, viewer=viewer
            )
        )
    names = org_names(engine, [p["park"] for p in result["players"]])
    for p in result["players"]:
        p["party"] = _named_party({"code": p["enterprise"], "park": p["park"]}, park_code, names)
    material = result["gain_of"].get("material")
    result["gain_of"]["material_names"] = material_names(material) if material else None
    return result
