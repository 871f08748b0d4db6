"""Downloads of a park's documents: the certification dossier, the annual report, the
report for publication, the RECP programme report, an enterprise's forms B.4/B.5 and the
workbooks of the results, as PDF, HTML or XLSX. What a caller may have is decided by
``parkloop.reports.documents`` (the park's own documents for its operator, an enterprise's
forms for those who see its own records, the published report for anyone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from parkloop.domain.enums import OrgKind
from parkloop.errors import NotFound, msg
from parkloop.reports import documents, render
from parkloop.services import registry
from parkloop.web.access import Caller, anyone, signed_in
from parkloop.web.render import page

router = APIRouter()

PARK_DOCUMENTS = ("dossier", "annual", "recp")


def _format(fmt: str) -> str:
    if fmt not in render.FORMATS:
        raise NotFound(
            msg("no such format '{fmt}'; use {items}", fmt=fmt, items=list(render.FORMATS))
        )
    return fmt


def _file(
    request: Request, caller: Caller, code: str, kind: str, fmt: str, org: str | None = None
) -> Response:
    fmt = _format(fmt)
    engine = request.app.state.engine
    doc = documents.build(
        kind,
        engine,
        registry.require_park(engine, code).code,
        lang=caller.lang,
        viewer=caller.viewer,
        enterprise_code=org,
        pictures=fmt != "xlsx",
    )
    name = f"{code}-{kind.replace('export:', '')}{'-' + org if org else ''}-{caller.lang}.{fmt}"
    return Response(
        render.render(doc, fmt),
        media_type=render.MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/parks/{code}/downloads", name="downloads")
def downloads(request: Request, caller: Annotated[Caller, Depends(anyone)], code: str) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    own = documents.may_build("annual", park, caller.viewer)
    enterprises = []
    if own:
        enterprises = registry.organisations(engine, code, [OrgKind.ENTERPRISE])
    elif caller.viewer.org_id is not None and caller.viewer.park_id == park.id:
        enterprises = [
            o
            for o in registry.organisations(engine, code, [OrgKind.ENTERPRISE])
            if o.id == caller.viewer.org_id
        ]
    return page(
        request,
        caller,
        "downloads.html",
        title="Documents",
        park=park,
        own=own,
        park_documents=PARK_DOCUMENTS if own else (),
        exports=documents.EXPORTS if own else (),
        enterprises=enterprises,
        formats=render.FORMATS,
    )


@router.get("/parks/{code}/documents/public.{fmt}", name="document_public")
def public_document(
    request: Request, caller: Annotated[Caller, Depends(anyone)], code: str, fmt: str
) -> Response:
    return _file(request, caller, code, "public", fmt)


@router.get("/parks/{code}/documents/dossier.{fmt}", name="document_dossier")
def dossier_document(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, fmt: str
) -> Response:
    return _file(request, caller, code, "dossier", fmt)


@router.get("/parks/{code}/documents/annual.{fmt}", name="document_annual")
def annual_document(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, fmt: str
) -> Response:
    return _file(request, caller, code, "annual", fmt)


@router.get("/parks/{code}/documents/recp.{fmt}", name="document_recp")
def recp_document(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, fmt: str
) -> Response:
    return _file(request, caller, code, "recp", fmt)


@router.get("/parks/{code}/enterprises/{org}/documents/forms.{fmt}", name="document_enterprise")
def enterprise_document(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, org: str, fmt: str
) -> Response:
    return _file(request, caller, code, "enterprise", fmt, org)


@router.get("/parks/{code}/documents/matches.{fmt}", name="export_matches")
def matches_workbook(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, fmt: str
) -> Response:
    return _file(request, caller, code, "export:matches", fmt)


@router.get("/parks/{code}/documents/accounting.{fmt}", name="export_accounting")
def accounting_workbook(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, fmt: str
) -> Response:
    return _file(request, caller, code, "export:accounting", fmt)


@router.get("/parks/{code}/documents/optimisation.{fmt}", name="export_optimisation")
def optimisation_workbook(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, fmt: str
) -> Response:
    return _file(request, caller, code, "export:optimisation", fmt)


@router.get("/parks/{code}/documents/assessment.{fmt}", name="export_assessment")
def assessment_workbook(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, fmt: str
) -> Response:
    return _file(request, caller, code, "export:assessment", fmt)
