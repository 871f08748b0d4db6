"""Analyses of a park: optimisation scenarios (run as background jobs, compared side by
side), the trade-off between money and CO2e, what breaks when an enterprise leaves, and
fair shares of a gain. Every figure comes from the services, computed from the records the
caller may see; the pages only ask and show."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from parkloop.domain.enums import OrgKind
from parkloop.errors import NotAllowed, NotFound, UserError, Word, msg
from parkloop.services import computed, jobs, registry, scenarios
from parkloop.web.access import Caller, signed_in
from parkloop.web.i18n import said_in
from parkloop.web.pages import assessment
from parkloop.web.render import page

router = APIRouter()

RUN_DEFAULTS = {
    "objective": "net-benefit",
    "budget_vnd": "",
    "co2_cap_t": "",
    "time_limit_s": "60",
    "mip_gap": "0.01",
    "top": "10",
    "year": "",
    "capacity_rule": [""] * scenarios.CAPACITY_ROWS,
    "capacity_quantity": [""] * scenarios.CAPACITY_ROWS,
    "keep": True,
}


def _refused(exc: UserError) -> bool:
    """Whether an error is one the page shows beside its form (bad input), not an error
    page (not allowed, not found)."""
    return not isinstance(exc, (NotAllowed, NotFound))


def _number(text: str, name: str) -> float | None:
    text = text.strip().replace(" ", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise UserError(
            msg("{name}: '{text}' is not a number", name=Word(name), text=text)
        ) from None


def _whole(text: str, name: str, default: int | None) -> int | None:
    value = _number(text, name)
    if value is None:
        return default
    if value != int(value):
        raise UserError(msg("{name}: '{text}' is not a whole number", name=Word(name), text=text))
    return int(value)


# -- scenarios ------------------------------------------------------------------------------------


def _optimisation_page(
    request: Request,
    caller: Caller,
    code: str,
    compare: list[str],
    show: str,
    error: str = "",
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    data = scenarios.park_scenarios(
        engine, code, caller.viewer, caller.user_id, compare=compare, show=show
    )
    values = {**RUN_DEFAULTS, **(form or {})}
    rows = scenarios.CAPACITY_ROWS
    values["capacity_rule"] = (list(values["capacity_rule"]) + [""] * rows)[:rows]
    values["capacity_quantity"] = (list(values["capacity_quantity"]) + [""] * rows)[:rows]
    return page(
        request,
        caller,
        "optimisation.html",
        status_code=status_code,
        title="Optimisation",
        park=park,
        data=data,
        rules=scenarios.rule_choices(),
        form=values,
        error=error,
        time_limit_max=int(scenarios.TIME_LIMIT_MAX_S),
    )


@router.get("/parks/{code}/optimisation", name="optimisation")
def optimisation(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    compare: Annotated[list[str] | None, Query(max_length=32)] = None,
    show: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    """The park's scenarios: the list, a side-by-side comparison, one in full, and the form
    to run another."""
    return _optimisation_page(request, caller, code, compare or [], show)


@router.post("/parks/{code}/optimisation", name="optimisation_run")
def optimisation_run(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    objective: Annotated[str, Form(max_length=32)] = "net-benefit",
    budget_vnd: Annotated[str, Form(max_length=40)] = "",
    co2_cap_t: Annotated[str, Form(max_length=40)] = "",
    capacity_rule: Annotated[list[str] | None, Form(max_length=120)] = None,
    capacity_quantity: Annotated[list[str] | None, Form(max_length=40)] = None,
    time_limit_s: Annotated[str, Form(max_length=20)] = "60",
    mip_gap: Annotated[str, Form(max_length=20)] = "0.01",
    top: Annotated[str, Form(max_length=10)] = "10",
    year: Annotated[str, Form(max_length=10)] = "",
    keep: Annotated[bool, Form()] = False,
) -> Response:
    """Run a scenario as a background job; its page shows the progress, and this page its
    plan once it is done."""
    engine = request.app.state.engine
    form: dict[str, Any] = {
        "objective": objective,
        "budget_vnd": budget_vnd,
        "co2_cap_t": co2_cap_t,
        "capacity_rule": capacity_rule or [],
        "capacity_quantity": capacity_quantity or [],
        "time_limit_s": time_limit_s,
        "mip_gap": mip_gap,
        "top": top,
        "year": year,
        "keep": keep,
    }
    try:
        params = scenarios.scenario_params(
            code,
            caller.viewer,
            engine,
            objective=objective,
            budget_vnd=budget_vnd,
            co2_cap_t=co2_cap_t,
            capacity_rules=capacity_rule or [],
            capacity_quantities=capacity_quantity or [],
            time_limit_s=time_limit_s,
            mip_gap=mip_gap,
            top=top,
            year=year,
            keep=keep,
        )
        job_id = jobs.submit(engine, "optimize", params, caller.viewer, caller.user_id)
    except UserError as exc:
        if not _refused(exc):
            raise
        return _optimisation_page(
            request,
            caller,
            code,
            [],
            "",
            error=said_in(caller.lang, exc),
            form=form,
            status_code=400,
        )
    return RedirectResponse(str(request.url_for("job", job_id=job_id)), status_code=303)


# -- the trade-off curve and resilience: background jobs, their last result shown -----------


def _analysis_page(
    request: Request,
    caller: Caller,
    code: str,
    kind: str,
    template: str,
    title: str,
    form: dict[str, str],
    error: str = "",
    status_code: int = 200,
    **values: Any,
) -> Response:
    """An analysis computed as a job: its last result for the caller (with its date and
    settings), what is under way, and the form to compute it again."""
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    last = computed.latest(engine, kind, code, caller.viewer, caller.user_id)
    shown = {k: "" if v is None else str(v) for k, v in last.settings.items()}
    return page(
        request,
        caller,
        template,
        status_code=status_code,
        title=title,
        park=park,
        last=last,
        form={**form, **shown} if not error and not any(request.query_params.values()) else form,
        error=error,
        **values,
    )


def _pareto_form(
    points: str = "5", budget_vnd: str = "", co2_cap_t: str = "", top: str = "10", year: str = ""
) -> dict[str, str]:
    return {
        "points": points,
        "budget_vnd": budget_vnd,
        "co2_cap_t": co2_cap_t,
        "top": top,
        "year": year,
    }


@router.get("/parks/{code}/optimisation/pareto", name="pareto")
def pareto(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    points: Annotated[str, Query(max_length=10)] = "5",
    budget_vnd: Annotated[str, Query(max_length=40)] = "",
    co2_cap_t: Annotated[str, Query(max_length=40)] = "",
    top: Annotated[str, Query(max_length=10)] = "10",
    year: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """Networks from the one worth most to the one avoiding most CO2e: the last curve
    traced from the records the caller may see (a chart and its table), and the form to
    trace it again in the background."""
    form = _pareto_form(points, budget_vnd, co2_cap_t, top, year)
    return _analysis_page(
        request, caller, code, computed.PARETO, "pareto.html", "Money against CO2e", form
    )


@router.post("/parks/{code}/optimisation/pareto", name="pareto_run")
def pareto_run(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    points: Annotated[str, Form(max_length=10)] = "5",
    budget_vnd: Annotated[str, Form(max_length=40)] = "",
    co2_cap_t: Annotated[str, Form(max_length=40)] = "",
    top: Annotated[str, Form(max_length=10)] = "10",
    year: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Trace the curve as a background job; its page shows the progress, this page the
    curve once it is done."""
    engine = request.app.state.engine
    form = _pareto_form(points, budget_vnd, co2_cap_t, top, year)
    try:
        settings = computed.pareto_settings(
            engine,
            code,
            points=_whole(points, "points", 5) or 5,
            budget_vnd=_number(budget_vnd, "budget"),
            co2_cap_t=_number(co2_cap_t, "CO2e cap"),
            top=_whole(top, "candidates per supply", 10) or 10,
            year=_whole(year, "year", None),
        )
        job_id = computed.submit(engine, computed.PARETO, settings, caller.viewer, caller.user_id)
    except UserError as exc:
        if not _refused(exc):
            raise
        return _analysis_page(
            request,
            caller,
            code,
            computed.PARETO,
            "pareto.html",
            "Money against CO2e",
            form,
            error=said_in(caller.lang, exc),
            status_code=400,
        )
    return RedirectResponse(str(request.url_for("job", job_id=job_id)), status_code=303)


def _resilience_form(
    enterprise: str = "", budget_vnd: str = "", top: str = "10", year: str = ""
) -> dict[str, str]:
    return {"enterprise": enterprise, "budget_vnd": budget_vnd, "top": top, "year": year}


@router.get("/parks/{code}/resilience", name="resilience")
def resilience(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    enterprise: Annotated[str, Query(max_length=64)] = "",
    budget_vnd: Annotated[str, Query(max_length=40)] = "",
    top: Annotated[str, Query(max_length=10)] = "10",
    year: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """What breaks if an enterprise leaves (one, or each in turn): the last answer computed
    from the records the caller may see (exchanges broken, benefit lost, partners found
    instead), and the form to compute it again in the background."""
    engine = request.app.state.engine
    return _analysis_page(
        request,
        caller,
        code,
        computed.RESILIENCE,
        "resilience.html",
        "Resilience",
        _resilience_form(enterprise, budget_vnd, top, year),
        enterprises=registry.organisations(engine, code, [OrgKind.ENTERPRISE]),
    )


@router.post("/parks/{code}/resilience", name="resilience_run")
def resilience_run(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    enterprise: Annotated[str, Form(max_length=64)] = "",
    budget_vnd: Annotated[str, Form(max_length=40)] = "",
    top: Annotated[str, Form(max_length=10)] = "10",
    year: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Compute it as a background job; its page shows the progress (enterprise by
    enterprise), this page the answer once it is done."""
    engine = request.app.state.engine
    form = _resilience_form(enterprise, budget_vnd, top, year)
    try:
        settings = computed.resilience_settings(
            engine,
            code,
            enterprise=enterprise or None,
            budget_vnd=_number(budget_vnd, "budget"),
            top=_whole(top, "candidates per supply", 10) or 10,
            year=_whole(year, "year", None),
        )
        job_id = computed.submit(
            engine, computed.RESILIENCE, settings, caller.viewer, caller.user_id
        )
    except UserError as exc:
        if not _refused(exc):
            raise
        return _analysis_page(
            request,
            caller,
            code,
            computed.RESILIENCE,
            "resilience.html",
            "Resilience",
            form,
            error=said_in(caller.lang, exc),
            status_code=400,
            enterprises=registry.organisations(engine, code, [OrgKind.ENTERPRISE]),
        )
    return RedirectResponse(str(request.url_for("job", job_id=job_id)), status_code=303)


# -- fair shares ----------------------------------------------------------------------------------


@router.get("/parks/{code}/shares", name="shares")
def shares(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    exchange: Annotated[str, Query(max_length=20)] = "",
    enterprises: Annotated[list[str] | None, Query(max_length=64)] = None,
    top: Annotated[str, Query(max_length=10)] = "10",
) -> Response:
    """Split the gain of an exchange or of a small coalition of enterprises: Shapley,
    proportional and equal shares."""
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    chosen = [e for e in enterprises or [] if e]
    form = {"exchange": exchange, "enterprises": chosen, "top": top}
    result: dict[str, Any] | None = None
    error = ""
    asked = bool(exchange.strip() or chosen)
    if asked:
        try:
            result = scenarios.shares_view(
                engine,
                code,
                caller.viewer,
                exchange_id=_whole(exchange, "exchange", None),
                enterprises=chosen,
                top=_whole(top, "candidates per supply", 10) or 10,
            )
        except UserError as exc:
            if not _refused(exc):
                raise
            error = said_in(caller.lang, exc)
    return page(
        request,
        caller,
        "shares.html",
        status_code=400 if error else 200,
        title="Fair shares",
        park=park,
        result=result,
        form=form,
        error=error,
        exchanges=scenarios.shareable_exchanges(engine, code, caller.viewer),
        enterprises=registry.organisations(engine, code, [OrgKind.ENTERPRISE]),
        max_players=_max_players(),
    )


def _max_players() -> int:
    from parkloop.optimize.shares import MAX_PLAYERS

    return int(MAX_PLAYERS)


# The assessment pages (web/pages/assessment.py) come with the analyses.
router.include_router(assessment.router)
