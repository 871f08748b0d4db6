"""Analyses too long to compute while a page waits: what breaks when an enterprise leaves
(resilience) and the trade-off between money and CO2e (the Pareto curve). Each runs as a
background job (:mod:`parkloop.services.jobs`, kinds ``resilience`` and ``pareto``) whose
page shows its progress; the analysis pages show the last one finished, with its date.

A result is computed from the records its author may see, so a page shows a viewer only
a result computed for the same view of the records (same role, park and enterprise) among
the jobs the viewer may see (``store.jobs.visible_to``): never one resting on records the
viewer may not see, nor one missing records the viewer sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from parkloop.domain.permissions import Viewer, sees_everything_of
from parkloop.errors import UserError, Word, msg
from parkloop.services import jobs, registry
from parkloop.store import jobs as store

RESILIENCE = "resilience"
PARETO = "pareto"
KINDS = (RESILIENCE, PARETO)
POINTS = (5, 15)  # the fewest and most points of a trade-off curve
TOP = (1, 50)  # candidate partners kept per supply
# Finished jobs looked through for the newest computed for the viewer's view of the records.
LOOKED_AT = 50


@dataclass(frozen=True, slots=True)
class Computed:
    """The last result of an analysis a viewer may be shown, and what is under way."""

    kind: str
    park: str
    result: dict[str, Any] | None = None  # None: not computed yet for this viewer
    settings: dict[str, Any] = field(default_factory=dict)  # what it was computed with
    job_id: int | None = None
    finished_at: dt.datetime | None = None
    # A newer job of this analysis for the same viewer, queued or running: its id, status.
    pending: dict[str, Any] | None = None
    # When the park's change log has entries after the result was started, the newest
    # (only for those who may read the park's change log).
    changed_since: dt.datetime | None = None


def resilience_settings(
    engine: Engine,
    park_code: str,
    *,
    enterprise: str | None = None,
    budget_vnd: float | None = None,
    top: int = 10,
    year: int | None = None,
) -> dict[str, Any]:
    """The parameters of a resilience job, checked: an enterprise of the park (or none:
    each in turn), a budget of zero or more, a number of candidates within :data:`TOP`."""
    park = registry.require_park(engine, park_code)
    if enterprise:
        codes = {o.code for o in registry.organisations(engine, park.code)}
        if enterprise not in codes:
            raise UserError(
                msg(
                    "no enterprise '{enterprise}' in park '{code}'",
                    enterprise=enterprise,
                    code=park.code,
                )
            )
    _check_common(budget_vnd, top)
    return {
        "park": park.code,
        "enterprise": enterprise or None,
        "budget_vnd": budget_vnd,
        "top": top,
        "year": year,
    }


def pareto_settings(
    engine: Engine,
    park_code: str,
    *,
    points: int = 5,
    budget_vnd: float | None = None,
    co2_cap_t: float | None = None,
    top: int = 10,
    year: int | None = None,
) -> dict[str, Any]:
    """The parameters of a trade-off curve job, checked."""
    park = registry.require_park(engine, park_code)
    if not POINTS[0] <= points <= POINTS[1]:
        raise UserError(msg("points: between {least} and {most}", least=POINTS[0], most=POINTS[1]))
    if co2_cap_t is not None and co2_cap_t < 0:
        raise UserError(msg("CO2e cap: zero or more"))
    _check_common(budget_vnd, top)
    return {
        "park": park.code,
        "points": points,
        "budget_vnd": budget_vnd,
        "co2_cap_t": co2_cap_t,
        "top": top,
        "year": year,
    }


def _check_common(budget_vnd: float | None, top: int) -> None:
    if budget_vnd is not None and budget_vnd < 0:
        raise UserError(msg("budget: zero or more"))
    if not TOP[0] <= top <= TOP[1]:
        raise UserError(
            msg(
                "candidate partners kept per supply: between {least} and {most}",
                least=TOP[0],
                most=TOP[1],
            )
        )


def check_params(kind: str, params: Mapping[str, Any]) -> None:
    """What a job of ``kind`` is given must name one park (the job's check)."""
    if not params.get("park"):
        raise UserError(msg("a {kind} job needs the park it is about", kind=Word(kind)))
    if kind == PARETO and not POINTS[0] <= int(params.get("points", 5)) <= POINTS[1]:
        raise UserError(msg("points: between {least} and {most}", least=POINTS[0], most=POINTS[1]))


def submit(
    engine: Engine, kind: str, settings: dict[str, Any], viewer: Viewer, user_id: int | None
) -> int:
    """Queue the analysis (``settings`` from :func:`resilience_settings` or
    :func:`pareto_settings`) for ``viewer``; the job's id."""
    if kind not in KINDS:
        raise UserError(msg("no analysis '{kind}'; use one of: {kinds}", kind=kind, kinds=KINDS))
    return jobs.submit(engine, kind, settings, viewer, user_id)


def latest(
    engine: Engine, kind: str, park_code: str, viewer: Viewer, user_id: int | None = None
) -> Computed:
    """The newest finished result of the analysis of a park computed for ``viewer``'s view
    of the records, among the jobs ``viewer`` may see, with its settings and date; and a
    newer job of it still under way, if any."""
    park = registry.require_park(engine, park_code)
    view = _view_of(jobs.viewer_params(viewer))
    with engine.connect() as conn:
        rows = store.listed_of_kind(conn, kind, park.code, viewer, user_id, limit=LOOKED_AT)
        mine = [r for r in rows if _view_of((r["params"] or {}).get("viewer")) == view]
        done = next((r for r in mine if r["status"] == store.DONE), None)
        pending = next(
            (
                r
                for r in mine
                if r["status"] in (store.QUEUED, store.RUNNING)
                and (done is None or r["id"] > done["id"])
            ),
            None,
        )
        result = store.result_of(conn, int(done["id"])) if done is not None else None
    out = Computed(kind=kind, park=park.code)
    if pending is not None:
        total, finished = pending["total"] or 0, pending["done"] or 0
        out = Computed(
            kind=kind,
            park=park.code,
            pending={
                "id": pending["id"],
                "status": pending["status"],
                "percent": round(100 * finished / total) if total else None,
            },
        )
    if done is None or result is None:
        return out
    started = _aware(done["started_at"] or done["created_at"])
    changed = None
    if park.id is not None and sees_everything_of(viewer, park.id) and started is not None:
        with engine.connect() as conn:
            changed = _aware(store.park_changed_after(conn, park.code, started))
    settings = {k: v for k, v in (done["params"] or {}).items() if k not in ("viewer", "park")}
    return Computed(
        kind=kind,
        park=park.code,
        result=result,
        settings=settings,
        job_id=int(done["id"]),
        finished_at=_aware(done["finished_at"]),
        pending=out.pending,
        changed_since=changed,
    )


def _view_of(params: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...] | None:
    """Which records a job's author could see: everything of its viewer (role, park,
    enterprise and any other scope it has) but its name."""
    if not params:
        return None
    return tuple(
        sorted(
            (key, tuple(value) if isinstance(value, list) else value)
            for key, value in params.items()
            if key != "name"
        )
    )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back the UTC times it was given without their zone.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)
