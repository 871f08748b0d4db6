"""A park's flows: read as the caller may see them, written as the workbook's rows are.

A new flow is one row of the Flows sheet handed to the importer (``import_rows``), so it is
read, checked and refused exactly as a file's row is: each problem names the sheet, row,
column and value and says how to fix it. A change is first checked the same way (the
flow's row as it would then read, not written), then made by the single-record service
of `parkloop flows set`, which logs the old and new values.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from parkloop.api.models import FlowChange, FlowIn, FlowOut, flow_of
from parkloop.api.problems import problem_response, responses
from parkloop.api.support import (
    IfNoneMatch,
    Page,
    Paging,
    UpdatedSince,
    changed_since,
    last_changed,
    list_responses,
    one_responses,
    paging,
    record_id,
    send,
    send_page,
    wanted,
    words,
)
from parkloop.catalog import catalog
from parkloop.domain.enums import Direction, MaterialClass
from parkloop.domain.models import Flow
from parkloop.domain.permissions import can_write
from parkloop.errors import NotAllowed, NotFound, UserError, Word, msg
from parkloop.services import records, registry
from parkloop.services.importing import import_rows
from parkloop.web.access import Caller, anyone, signed_in

router = APIRouter(tags=["flows"])

FlowId = Annotated[int, record_id("flow")]


@router.get(
    "/parks/{code}/flows",
    name="api_flows",
    response_model=Page[FlowOut],
    responses=list_responses(),
)
def flows(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    at: Annotated[Paging, Depends(paging)],
    if_none_match: IfNoneMatch = None,
    updated_since: UpdatedSince = None,
    enterprise: Annotated[str, Query(max_length=200, description="An enterprise's code")] = "",
    direction: Annotated[Direction | None, Query()] = None,
    material: Annotated[str, Query(max_length=200, description="A material's code")] = "",
    material_class: Annotated[MaterialClass | None, Query()] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    needs_review: Annotated[
        bool | None, Query(description="true: only materials awaiting a person's decision")
    ] = None,
    q: Annotated[str, Query(max_length=200, description="Words of the material or key")] = "",
) -> Response:
    """The park's flows the caller may see, filtered."""
    engine = request.app.state.engine
    found = filter_flows(
        registry.flows(engine, code, caller.viewer, year),
        enterprise=enterprise,
        direction=direction,
        material=material,
        material_class=material_class,
        needs_review=needs_review,
        text=wanted(q),
    )
    found, times = changed_since(
        engine, "flow", found, lambda f: f.id, updated_since, caller.viewer
    )
    return send_page(
        request,
        Page[FlowOut],
        found,
        lambda f: flow_of(f, caller.lang, times.get(f.id)),
        at,
        if_none_match,
    )


def filter_flows(
    found: list[Flow],
    *,
    enterprise: str,
    direction: Direction | None,
    material: str,
    material_class: MaterialClass | None,
    needs_review: bool | None,
    text: str,
) -> list[Flow]:
    cat = catalog()
    out = []
    for f in found:
        m = cat.materials.get(f.material_code)
        if enterprise and f.org_code != enterprise:
            continue
        if direction is not None and f.direction is not direction:
            continue
        if material and f.material_code != material:
            continue
        if material_class is not None and (m is None or m.material_class is not material_class):
            continue
        if needs_review is not None and (f.material_code == "unclassified") != needs_review:
            continue
        if text and text not in words(
            f.key,
            f.org_code,
            f.material_code,
            f.material_words.text,
            m.name_vi if m else "",
            m.name_en if m else "",
            f.description,
        ):
            continue
        out.append(f)
    return out


def _visible(request: Request, caller: Caller, code: str, flow_id: int) -> Flow:
    found = next(
        (
            f
            for f in registry.flows(request.app.state.engine, code, caller.viewer)
            if f.id == flow_id
        ),
        None,
    )
    if found is None:
        raise NotFound(
            msg("park '{code}' has no flow {flow_id} you may see", code=code, flow_id=str(flow_id))
        )
    return found


@router.get(
    "/parks/{code}/flows/{flow_id}",
    name="api_flow",
    response_model=FlowOut,
    responses=one_responses(),
)
def flow(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    flow_id: FlowId,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One flow the caller may see."""
    found = _visible(request, caller, code, flow_id)
    at = last_changed(request.app.state.engine, "flow", flow_id, caller.viewer)
    return send(flow_of(found, caller.lang, at), if_none_match)


@router.post(
    "/parks/{code}/flows",
    name="api_flow_add",
    status_code=201,
    response_model=FlowOut,
    responses={
        201: {
            "headers": {"Location": {"description": "The new flow", "schema": {"type": "string"}}}
        },
        **responses(409),
    },
)
def flow_add(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    body: FlowIn,
) -> Response:
    """Add a flow, read and checked as a row of the Flows sheet: 422 with each problem
    located (sheet ``flows``, row 1, the column, the value) and its fix; nothing is
    written then. A flow of the same enterprise, period, direction and material words
    exists already: 409 (change it with PATCH)."""
    engine = request.app.state.engine
    viewer = caller.viewer
    park = registry.require_park(engine, code)
    org = _organisation(engine, code, body.enterprise)
    if org is not None and org.id is not None and not can_write(viewer, park.id, org.id):
        raise NotAllowed(
            msg(
                "{who} may not add flows of {org}: an enterprise adds only its own, "
                "an operator only its park's; nothing was written",
                who=viewer.name or Word(viewer.role.value),
                org=org,
            )
        )
    row = _new_row(code, body)
    name = f"api-{uuid.uuid4().hex[:16]}"
    checked = import_rows(
        engine, {"flows": [row]}, name=name, viewer=viewer, actor=viewer.name, dry_run=True
    )
    counted = checked.sheets.get("flows")
    if counted is not None and counted.updated:
        return problem_response(
            409,
            "The flow exists",
            f"'{body.enterprise}' already has a flow of these material words in this period "
            "and direction; nothing was written",
            [
                {
                    "sheet": "flows",
                    "row": 1,
                    "column": "material",
                    "value": body.material,
                    "message": "a flow with this row key exists",
                    "fix": f"find it with GET {request.url.path}?enterprise=… and change it "
                    "with PATCH, or describe this one in other words",
                }
            ],
        )
    before = {f.id for f in registry.flows(engine, code, viewer)}
    import_rows(engine, {"flows": [row]}, name=name, viewer=viewer, actor=viewer.name)
    made = [f for f in registry.flows(engine, code, viewer) if f.id not in before]
    if not made:
        raise UserError(msg("the flow was written but cannot be found again; list the flows"))
    new = max(made, key=lambda f: f.id or 0)
    assert new.id is not None
    at = last_changed(engine, "flow", new.id, viewer)
    location = str(request.url_for("api_flow", code=code, flow_id=new.id))
    return send(flow_of(new, caller.lang, at), status_code=201, headers={"Location": location})


def _organisation(engine: Any, code: str, typed: str) -> Any:
    """The organisation a row names by its code or its name (None: the importer will say)."""
    text = wanted(typed)
    if not text:
        return None
    for o in registry.organisations(engine, code):
        if text in (o.code.casefold(), wanted(o.name_vi), wanted(o.name_en)):
            return o
    return None


def _new_row(code: str, body: FlowIn) -> dict[str, Any]:
    row: dict[str, Any] = {
        "park": code,
        "enterprise": body.enterprise,
        "period": body.period,
        "direction": body.direction,
        "material": body.material,
        "quantity": body.quantity,
        "unit": body.unit,
        "confidentiality": body.confidentiality,
    }
    for column in (
        "price_vnd_per_unit",
        "destination",
        "frequency",
        "quality",
        "description",
        "waste_code",
        "note",
    ):
        value = getattr(body, column)
        if value is not None and value != "":
            row[column] = value
    return row


@router.patch(
    "/parks/{code}/flows/{flow_id}",
    name="api_flow_change",
    response_model=FlowOut,
)
def flow_change(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    flow_id: FlowId,
    body: FlowChange,
) -> Response:
    """Change a flow: only the fields given change. The flow's row as it would then read
    is checked by the importer first (422 with each problem located and its fix, nothing
    changed); the change is logged with its old and new values."""
    engine = request.app.state.engine
    viewer = caller.viewer
    found = _visible(request, caller, code, flow_id)
    if not records.may_change(engine, "flow", flow_id, viewer):
        raise NotAllowed(
            msg(
                "{who} may not change flow {flow_id} (of {owner}): an enterprise "
                "changes only its own records, an operator only its park's; nothing was "
                "changed",
                who=viewer.name or Word(viewer.role.value),
                flow_id=str(flow_id),
                owner=_organisation(engine, code, found.org_code) or found.org_code,
            )
        )
    given = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    if not given:
        raise UserError(
            msg(
                "say what to change: quantity, unit, material, price_vnd_per_unit, "
                "destination or confidentiality"
            )
        )
    import_rows(
        engine,
        {"flows": [_changed_row(code, found, given)]},
        name=f"api-{uuid.uuid4().hex[:16]}",
        viewer=viewer,
        actor=viewer.name,
        dry_run=True,
    )
    records.set_flow(
        engine,
        flow_id,
        viewer,
        quantity=_number(given.get("quantity")),
        unit=given.get("unit"),
        material=given.get("material"),
        price=_number(given.get("price_vnd_per_unit")),
        destination=given.get("destination"),
        confidentiality=given.get("confidentiality"),
        actor=viewer.name,
        lang="en",
    )
    changed = _visible(request, caller, code, flow_id)
    at = last_changed(engine, "flow", flow_id, viewer)
    return send(flow_of(changed, caller.lang, at))


def _changed_row(code: str, f: Flow, given: dict[str, Any]) -> dict[str, Any]:
    """The flow's row as it would read after the change (for the importer's checks)."""
    q = f.quantity
    row: dict[str, Any] = {
        "park": code,
        "enterprise": f.org_code,
        "key": f.key,
        "period": f.period.label,
        "direction": f.direction.value,
        "material": given.get("material") or f.material_words.text or f.material_code,
        "quantity": given.get(
            "quantity", q.entered_value if q.entered_value is not None else q.value
        ),
        "unit": given.get("unit") or q.entered_unit or q.unit,
        "confidentiality": given.get("confidentiality") or f.confidentiality.value,
    }
    if "material" not in given:
        row["material_code"] = f.material_code
    if "price_vnd_per_unit" in given:
        row["price_vnd_per_unit"] = given["price_vnd_per_unit"]
    if "destination" in given:
        row["destination"] = given["destination"]
    return row


def _number(value: float | None) -> str | None:
    """A number as positional text, read back exactly with a decimal point."""
    if value is None:
        return None
    return format(Decimal(repr(float(value))), "f")


@router.delete(
    "/parks/{code}/flows/{flow_id}",
    name="api_flow_delete",
    status_code=204,
    response_class=Response,
    responses={204: {"description": "Deleted"}},
)
def flow_delete(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    flow_id: FlowId,
) -> Response:
    """Delete a flow (logged with its values)."""
    _visible(request, caller, code, flow_id)
    records.delete_record(
        request.app.state.engine, "flow", flow_id, caller.viewer, actor=caller.viewer.name
    )
    return Response(status_code=204)
