"""A park's inventory: flows and offers/wants, one record at a time, and the review queue.

Adding a flow goes through the importer (the same reading of words, units and numbers,
the same checks, the same authorisation); changing one goes through the single-record
service the command line's `flows set` uses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from parkloop.catalog import catalog
from parkloop.domain.enums import Confidentiality, Destination, Direction
from parkloop.errors import NotAllowed, NotFound, UserError
from parkloop.services import records, registry
from parkloop.services.importing import ImportProblems, import_rows
from parkloop.web.access import Caller, anyone, signed_in
from parkloop.web.i18n import said_in, said_problems
from parkloop.web.render import page

router = APIRouter()
PAGE_SIZE = 100


def _flows_page(
    request: Request,
    caller: Caller,
    code: str,
    params: dict[str, str],
    status_code: int = 200,
    problems: list[dict[str, Any]] | None = None,
    form: dict[str, str] | None = None,
    notice: str = "",
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    try:
        at = max(int(params.get("page") or 1), 1)
    except ValueError:
        at = 1
    chosen = flow_filter(params)
    words = params.get("q", "")
    found = registry.flow_page(
        engine, code, caller.viewer, chosen, words, (at - 1) * PAGE_SIZE, PAGE_SIZE
    )
    pages = max((found.count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    if at > pages:  # past the last page: the last one
        at = pages
        found = registry.flow_page(
            engine, code, caller.viewer, chosen, words, (at - 1) * PAGE_SIZE, PAGE_SIZE
        )
    orgs = registry.organisations(engine, code)
    return page(
        request,
        caller,
        "flows.html",
        status_code=status_code,
        title="Flows",
        park=park,
        flows=found.flows,
        count=found.count,
        total=found.total,
        at=at,
        pages=pages,
        params=params,
        orgs=orgs,
        org_name=org_names(orgs, caller.lang),
        destinations=list(Destination),
        levels=list(Confidentiality),
        problems=problems or [],
        form=form or {},
        notice=notice,
        unclassified=found.unclassified,
    )


def org_names(orgs: list[Any], lang: str) -> Any:
    """The name of an enterprise of the park by its code, in the reader's language."""
    names = {o.code: o.display_name(lang) for o in orgs}
    return lambda code: names.get(code, code)


def flow_filter(params: dict[str, str]) -> registry.FlowFilter:
    """The list's filters from its query: enterprise, direction, year, review (the words,
    ``q``, are matched by the service)."""
    return registry.FlowFilter(
        org_code=params.get("enterprise", ""),
        direction=params.get("direction", ""),
        year=params.get("year", ""),
        review=bool(params.get("review")),
    )


@router.get("/parks/{code}/flows", name="flows")
def flows(request: Request, caller: Annotated[Caller, Depends(anyone)], code: str) -> Response:
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    notice = "saved" if params.pop("saved", "") else ""
    return _flows_page(request, caller, code, params, notice=notice)


@router.post("/parks/{code}/flows", name="flow_add")
def flow_add(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    enterprise: Annotated[str, Form(max_length=64)],
    direction: Annotated[str, Form(max_length=8)],
    material: Annotated[str, Form(max_length=500)],
    quantity: Annotated[str, Form(max_length=40)],
    unit: Annotated[str, Form(max_length=40)],
    period: Annotated[str, Form(max_length=20)],
    price: Annotated[str, Form(max_length=40)] = "",
    destination: Annotated[str, Form(max_length=200)] = "",
    confidentiality: Annotated[str, Form(max_length=16)] = "park",
) -> Response:
    """One flow, typed as a row of the workbook would be."""
    form = {
        "enterprise": enterprise,
        "direction": direction,
        "material": material,
        "quantity": quantity,
        "unit": unit,
        "period": period,
        "price": price,
        "destination": destination,
        "confidentiality": confidentiality,
    }
    row: dict[str, Any] = {
        "park": code,
        "enterprise": enterprise,
        "period": period,
        "direction": direction,
        "material": material,
        "quantity": quantity,
        "unit": unit,
        "confidentiality": confidentiality,
    }
    if price:
        row["price_vnd_per_unit"] = price
    if destination and direction == Direction.OUT.value:
        row["destination"] = destination
    try:
        import_rows(
            request.app.state.engine,
            {"flows": [row]},
            name="form",
            viewer=caller.viewer,
            actor=caller.viewer.name,
            decimal="," if caller.lang == "vi" else ".",
        )
    except ImportProblems as exc:
        return _flows_page(
            request,
            caller,
            code,
            {},
            status_code=422,
            problems=said_problems(caller.lang, exc.problems),
            form=form,
        )
    return RedirectResponse(
        str(request.url_for("flows", code=code)) + f"?enterprise={enterprise}&saved=1", 303
    )


@router.get("/parks/{code}/flows/{flow_id}", name="flow")
def flow(
    request: Request, caller: Annotated[Caller, Depends(anyone)], code: str, flow_id: int
) -> Response:
    return _flow_page(request, caller, code, flow_id)


def _flow_page(
    request: Request,
    caller: Caller,
    code: str,
    flow_id: int,
    status_code: int = 200,
    error: str = "",
    notice: str = "",
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    found = registry.flow(engine, code, flow_id, caller.viewer)
    from parkloop.domain.permissions import can_write
    from parkloop.services.history import record_history

    org = registry.organisation(engine, code, found.org_code)
    cat = catalog()
    return page(
        request,
        caller,
        "flow.html",
        status_code=status_code,
        title=found.key,
        park=park,
        flow=found,
        org=org,
        may_edit=can_write(caller.viewer, park.id, org.id),
        material=cat.materials.get(found.material_code),
        suggestions=[
            cat.materials[c] for c in found.material_words.suggestions if c in cat.materials
        ],
        history=record_history(engine, "flow", flow_id, caller.viewer),
        levels=list(Confidentiality),
        error=error,
        notice=notice,
    )


@router.post("/parks/{code}/flows/{flow_id}", name="flow_save")
def flow_save(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    flow_id: int,
    quantity: Annotated[str, Form(max_length=40)] = "",
    unit: Annotated[str, Form(max_length=40)] = "",
    material: Annotated[str, Form(max_length=500)] = "",
    price: Annotated[str, Form(max_length=40)] = "",
    destination: Annotated[str, Form(max_length=200)] = "",
    confidentiality: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Change what was typed; only the fields given change, the rest stays."""
    try:
        records.set_flow(
            request.app.state.engine,
            flow_id,
            caller.viewer,
            quantity=quantity or None,
            unit=unit or None,
            material=material or None,
            price=price or None,
            destination=destination or None,
            confidentiality=confidentiality or None,
            actor=caller.viewer.name,
            lang=caller.lang,
        )
    except (NotAllowed, NotFound):
        raise
    except UserError as exc:
        return _flow_page(request, caller, code, flow_id, 400, error=said_in(caller.lang, exc))
    return RedirectResponse(str(request.url_for("flow", code=code, flow_id=flow_id)), 303)


@router.post("/parks/{code}/flows/{flow_id}/material", name="flow_assign")
def flow_assign(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    flow_id: int,
    material_code: Annotated[str, Form(max_length=64)],
) -> Response:
    """Settle the material of a flow from the review queue (the words stay)."""
    records.assign_material(
        request.app.state.engine,
        "flow",
        flow_id,
        material_code,
        caller.viewer,
        actor=caller.viewer.name,
    )
    target = request.headers.get("referer") or str(
        request.url_for("flow", code=code, flow_id=flow_id)
    )
    return RedirectResponse(target if target.startswith(str(request.base_url)) else "/", 303)


@router.post("/parks/{code}/flows/{flow_id}/delete", name="flow_delete")
def flow_delete(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, flow_id: int
) -> Response:
    records.delete_record(
        request.app.state.engine, "flow", flow_id, caller.viewer, actor=caller.viewer.name
    )
    return RedirectResponse(str(request.url_for("flows", code=code)) + "?saved=1", 303)


@router.get("/parks/{code}/review", name="review")
def review(request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str) -> Response:
    """Materials parkloop could not read with confidence, with its suggestions."""
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    items = records.review(engine, code, caller.viewer)
    return page(
        request,
        caller,
        "review.html",
        title="Review queue",
        park=park,
        items=items,
    )
