"""The eco-industrial-park assessment of a park: every criterion and indicator with its
value, threshold, verdict, method and sources, the overall rate as the rule set states
it, the gaps and what would close them; one indicator with its evidence and the form to
file more; evidence files handed back; the park's RECP measures register."""

from __future__ import annotations

import mimetypes
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine

from parkloop.domain.permissions import Viewer
from parkloop.errors import NotAllowed, NotFound, UserError, msg
from parkloop.services import assessment_detail as detail
from parkloop.services import memo, registry
from parkloop.web.access import Caller, signed_in
from parkloop.web.i18n import said_in
from parkloop.web.render import page

router = APIRouter()


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        raise UserError(msg("year: '{text}' is not a year, e.g. 2024", text=text))
    return int(text)


def _bad_input(exc: UserError) -> bool:
    return not isinstance(exc, (NotAllowed, NotFound))


@router.get("/parks/{code}/assessment", name="assessment")
def assessment(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    ruleset: Annotated[str, Query(max_length=64)] = detail.DEFAULT_RULESET,
    year: Annotated[str, Query(max_length=10)] = "",
    kept: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """The park's assessment on a rule set for a year (default: the latest with data), from
    the records the caller may see (shown, not kept in the history), and the park's RECP
    measures of that year."""
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    found: dict[str, Any] | None = None
    error = ""
    try:
        found = _park_assessment(engine, code, ruleset, _year(year), caller.viewer)
    except UserError as exc:
        if isinstance(exc, NotAllowed):
            raise
        error = said_in(caller.lang, exc)
    chosen = found["assessment"].year if found else None
    register = memo.shared(
        engine,
        ("recp_register", code, memo.scope_of(caller.viewer), chosen),
        lambda: detail.recp_register(engine, code, caller.viewer, chosen),
    )
    return page(
        request,
        caller,
        "assessment.html",
        status_code=400 if error else 200,
        title="Assessment",
        park=park,
        found=found,
        rulesets=detail.park_rulesets(),
        form={"ruleset": ruleset, "year": year},
        error=error,
        kept=kept,
        recp=register,
    )


def _park_assessment(
    engine: Engine, code: str, ruleset: str, year: int | None, viewer: Viewer
) -> dict[str, Any]:
    """:func:`detail.park_assessment`, kept by the process for the viewer's permission
    scope until the data changes."""
    return memo.shared(
        engine,
        ("park_assessment", code, memo.scope_of(viewer), ruleset, year),
        lambda: detail.park_assessment(engine, code, ruleset, year, viewer),
    )


@router.post("/parks/{code}/assessment", name="assessment_keep")
def assessment_keep(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    ruleset: Annotated[str, Form(max_length=64)] = detail.DEFAULT_RULESET,
    year: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Keep the assessment in the park's history (its operator or the administrator)."""
    engine = request.app.state.engine
    registry.require_park(engine, code)
    kept = detail.keep_assessment(engine, code, ruleset, _year(year), caller.viewer)
    target = request.url_for("assessment", code=code).include_query_params(
        ruleset=ruleset, year=kept, kept="1"
    )
    return RedirectResponse(str(target), status_code=303)


def _indicator_page(
    request: Request,
    caller: Caller,
    code: str,
    ruleset: str,
    indicator: str,
    year: int | None,
    error: str = "",
    form: dict[str, Any] | None = None,
    added: str = "",
    status_code: int = 200,
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    found = memo.shared(
        engine,
        ("indicator_detail", code, memo.scope_of(caller.viewer), ruleset, indicator, year),
        lambda: detail.indicator_detail(engine, code, ruleset, indicator, year, caller.viewer),
    )
    definition = found["definition"]
    return page(
        request,
        caller,
        "assessment_indicator.html",
        status_code=status_code,
        title="Indicator",
        park=park,
        found=found,
        inputs=detail.unit_inputs(definition),
        form={"year": found["year"] or "", "note": "", **(form or {})},
        error=error,
        added=added,
        accept=",".join(detail.EVIDENCE_SUFFIXES),
        limit_mb=detail.EVIDENCE_LIMIT // (1024 * 1024),
    )


@router.get("/parks/{code}/assessment/{ruleset}/{indicator}", name="assessment_indicator")
def assessment_indicator(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    ruleset: str,
    indicator: str,
    year: Annotated[str, Query(max_length=10)] = "",
    added: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """One indicator: its result in each criterion using it, its gap, its evidence and the
    form to file more."""
    return _indicator_page(request, caller, code, ruleset, indicator, _year(year), added=added)


@router.post("/parks/{code}/assessment/{ruleset}/{indicator}/evidence", name="evidence_upload")
def evidence_upload(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    ruleset: str,
    indicator: str,
    year: Annotated[str, Form(max_length=10)],
    note: Annotated[str, Form(max_length=4000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
    value: Annotated[str, Form(max_length=40)] = "",
    value_text: Annotated[str, Form(max_length=500)] = "",
    enterprise: Annotated[str, Form(max_length=64)] = "",
    confirmed_by: Annotated[str, Form(max_length=200)] = "",
    confirmed_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """File evidence for the indicator: a document (kept with its sha256) and a note, or a
    value with its justification. Who may file is checked by the evidence service."""
    engine = request.app.state.engine
    registry.require_park(engine, code)
    detail.indicator_in(ruleset, indicator)
    form = {
        "year": year,
        "note": note,
        "value": value,
        "value_text": value_text,
        "enterprise": enterprise,
        "confirmed_by": confirmed_by,
        "confirmed_on": confirmed_on,
    }
    try:
        the_year = _year(year)
        if the_year is None:
            raise UserError(msg("year: say which year the evidence is for"))
        content: bytes | None = None
        name = ""
        if file is not None and file.filename:
            name = Path(file.filename).name
            content = file.file.read(detail.EVIDENCE_LIMIT + 1)
        number = None
        if value.strip():
            try:
                number = float(value.strip().replace(",", "."))
            except ValueError:
                raise UserError(msg("value: '{value}' is not a number", value=value)) from None
        on = None
        if confirmed_on.strip():
            try:
                on = date.fromisoformat(confirmed_on.strip())
            except ValueError:
                raise UserError(
                    msg("confirmed on: '{confirmed_on}' is not a date", confirmed_on=confirmed_on)
                ) from None
        evidence_id = detail.add_uploaded_evidence(
            engine,
            code,
            indicator,
            year=the_year,
            note=note,
            file_name=name,
            content=content,
            viewer=caller.viewer,
            org_code=enterprise or None,
            value=number,
            value_text=value_text.strip(),
            confirmed_by=confirmed_by.strip(),
            confirmed_on=on,
        )
    except UserError as exc:
        if not _bad_input(exc):
            raise
        return _indicator_page(
            request,
            caller,
            code,
            ruleset,
            indicator,
            None,
            error=said_in(caller.lang, exc),
            form=form,
            status_code=400,
        )
    target = request.url_for(
        "assessment_indicator", code=code, ruleset=ruleset, indicator=indicator
    ).include_query_params(year=the_year, added=evidence_id)
    return RedirectResponse(str(target), status_code=303)


@router.get("/parks/{code}/evidence/{evidence_id}", name="evidence_file")
def evidence_file(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, evidence_id: int
) -> Response:
    """The document filed as evidence, for those who may see the evidence."""
    name, content = detail.evidence_download(
        request.app.state.engine, code, evidence_id, caller.viewer
    )
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response(
        content,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store",
        },
    )
