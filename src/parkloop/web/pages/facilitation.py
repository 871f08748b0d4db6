"""A facilitator's pages: the parks it works for, each with its assessment rate and how
much of it rests on data, the rates its operator kept, its RECP register in the seeds'
form and the links to assess it and compare its scenarios; and a park's RECP register
with the form that records or changes one measure. Park operators and the administrator
open them too, for their parks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from parkloop.errors import UserError, msg
from parkloop.services import assessment_detail as detail
from parkloop.services import facilitation, registry
from parkloop.services.importing import ImportProblems
from parkloop.web.access import Caller, facilitator
from parkloop.web.i18n import said_problems
from parkloop.web.render import page

router = APIRouter()


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        raise UserError(msg("year: '{text}' is not a year, e.g. 2024", text=text))
    return int(text)


@router.get("/facilitation", name="facilitation")
def facilitation_page(
    request: Request,
    caller: Annotated[Caller, Depends(facilitator)],
    ruleset: Annotated[str, Query(max_length=64)] = detail.DEFAULT_RULESET,
) -> Response:
    """The parks the caller works for, each with its assessment and RECP register."""
    found = facilitation.overview(request.app.state.engine, caller.viewer, ruleset)
    return page(
        request,
        caller,
        "facilitation.html",
        title="Assessments and RECP measures",
        work=found,
        rulesets=detail.park_rulesets(),
    )


def _typed(value: float, lang: str) -> str:
    """A stored number as the form shows it for changing: no grouping, the reader's
    decimal mark (read back the same way)."""
    text = format(value, "f").rstrip("0").rstrip(".") or "0"
    return text.replace(".", ",") if lang == "vi" else text


def _form_of(measure: Any, lang: str) -> dict[str, str]:
    """The form filled with a recorded measure, to change it."""
    form = {
        "key": measure.key,
        "enterprise": measure.org_code,
        "year": str(measure.year),
        "title": measure.title,
        "category": measure.category.value,
        "implemented": "yes" if measure.implemented else "no",
        "fuel_type": measure.fuel_text or measure.fuel_type,
        "note": measure.note,
        "data_status": measure.data_status.value,
        "source": measure.source,
    }
    for name in facilitation.NUMBERS:
        value = float(getattr(measure, name))
        form[name] = _typed(value, lang) if value else ""
    return form


def _register_page(
    request: Request,
    caller: Caller,
    code: str,
    year: int | None = None,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    problems: list[dict[str, Any]] | None = None,
    recorded: str = "",
    edit: str = "",
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    found = facilitation.register(engine, code, caller.viewer, year)
    reg = found["register"]
    if form is None:
        chosen = next((m for m in reg["measures"] if m.key == edit), None) if edit else None
        form = _form_of(chosen, caller.lang) if chosen is not None else {}
    return page(
        request,
        caller,
        "recp.html",
        status_code=status_code,
        title="RECP measures",
        park=park,
        recp=reg,
        in_words=found["in_words"],
        recordable=found["recordable"],
        categories=facilitation.CATEGORIES,
        statuses=facilitation.DATA_STATUSES,
        form=form,
        problems=problems or [],
        recorded=recorded,
    )


@router.get("/parks/{code}/recp", name="recp_register")
def recp_register(
    request: Request,
    caller: Annotated[Caller, Depends(facilitator)],
    code: str,
    year: Annotated[str, Query(max_length=10)] = "",
    recorded: Annotated[str, Query(max_length=10)] = "",
    edit: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The park's RECP measures of a year (default: the latest with measures) and, for
    those who may record them, the form that records or changes one."""
    return _register_page(request, caller, code, _year(year), recorded=recorded, edit=edit.strip())


@router.post("/parks/{code}/recp", name="recp_record")
def recp_record(
    request: Request,
    caller: Annotated[Caller, Depends(facilitator)],
    code: str,
    enterprise: Annotated[str, Form(max_length=64)],
    year: Annotated[str, Form(max_length=10)],
    title: Annotated[str, Form(max_length=500)],
    category: Annotated[str, Form(max_length=32)] = "",
    implemented: Annotated[str, Form(max_length=3)] = "yes",
    electricity_saved_mwh: Annotated[str, Form(max_length=40)] = "",
    fuel_saved_gj: Annotated[str, Form(max_length=40)] = "",
    fuel_type: Annotated[str, Form(max_length=200)] = "",
    water_saved_m3: Annotated[str, Form(max_length=40)] = "",
    materials_saved_t: Annotated[str, Form(max_length=40)] = "",
    chemicals_saved_t: Annotated[str, Form(max_length=40)] = "",
    cost_saved_vnd: Annotated[str, Form(max_length=40)] = "",
    investment_vnd: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    data_status: Annotated[str, Form(max_length=32)] = "",
    source: Annotated[str, Form(max_length=1000)] = "",
    key: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Record one RECP measure (or change the one of the same key), as a row of the
    workbook's RECP measures sheet; who may record it is checked by the importer."""
    form = {
        "enterprise": enterprise,
        "year": year,
        "title": title,
        "category": category,
        "implemented": implemented,
        "electricity_saved_mwh": electricity_saved_mwh,
        "fuel_saved_gj": fuel_saved_gj,
        "fuel_type": fuel_type,
        "water_saved_m3": water_saved_m3,
        "materials_saved_t": materials_saved_t,
        "chemicals_saved_t": chemicals_saved_t,
        "cost_saved_vnd": cost_saved_vnd,
        "investment_vnd": investment_vnd,
        "note": note,
        "data_status": data_status,
        "source": source,
        "key": key,
    }
    try:
        facilitation.record_measure(
            request.app.state.engine,
            code,
            caller.viewer,
            form,
            actor=caller.viewer.name,
            lang=caller.lang,
        )
    except ImportProblems as exc:
        return _register_page(
            request,
            caller,
            code,
            status_code=422,
            form=form,
            problems=said_problems(caller.lang, exc.problems),
        )
    target = request.url_for("recp_register", code=code).include_query_params(
        year=year.strip(), recorded="1"
    )
    return RedirectResponse(str(target), status_code=303)
