"""Background jobs: a workbook handed over for import, and the jobs the caller may follow
(its own; a park operator its park's too). An import job's result is what the import did,
or, for rejected input, its problems row by row (sheet, row, column, value, fix)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from parkloop.api.models import JobOut, job_of
from parkloop.api.problems import problem_response, responses
from parkloop.api.support import (
    IfNoneMatch,
    Page,
    Paging,
    UpdatedSince,
    aware,
    list_responses,
    one_responses,
    paging,
    record_id,
    send,
    send_page,
)
from parkloop.errors import UserError, msg
from parkloop.services import jobs, registry
from parkloop.web.access import Caller, reader_language, signed_in
from parkloop.web.i18n import said_job
from parkloop.web.pages.data import UPLOAD_LIMIT, UPLOAD_SUFFIXES

router = APIRouter(tags=["jobs"])

LISTED = 10_000  # newest jobs a list is drawn from


@router.get("/jobs", name="api_jobs", response_model=Page[JobOut], responses=list_responses())
def job_list(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    at: Annotated[Paging, Depends(paging)],
    if_none_match: IfNoneMatch = None,
    updated_since: UpdatedSince = None,
    park: Annotated[str, Query(max_length=64, description="Only the jobs of this park")] = "",
    status: Annotated[Literal["queued", "running", "done", "failed"] | None, Query()] = None,
) -> Response:
    """The jobs the caller may follow, newest first, without their results."""
    found = jobs.jobs_for(
        request.app.state.engine, caller.viewer, caller.user_id, park=park or None, limit=LISTED
    )
    if status is not None:
        found = [j for j in found if j["status"] == status]
    if updated_since is not None:
        since = aware(updated_since)
        found = [
            j for j in found if (moved := _moved(j)) is None or since is None or moved >= since
        ]
    return send_page(request, Page[JobOut], found, job_of, at, if_none_match)


def _moved(job: dict[str, Any]) -> dt.datetime | None:
    """When a job last moved: created, started, beat or finished."""
    times = []
    for key in ("created_at", "started_at", "heartbeat_at", "finished_at"):
        value = job.get(key)
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if isinstance(value, dt.datetime):
            times.append(aware(value))
    return max((t for t in times if t is not None), default=None)


@router.get("/jobs/{job_id}", name="api_job", response_model=JobOut, responses=one_responses())
def job(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    job_id: Annotated[int, record_id("job")],
    if_none_match: IfNoneMatch = None,
) -> Response:
    """A job's status, progress and result; what rejected input said is in the request's
    language (``?lang=``, Accept-Language)."""
    found = jobs.status(request.app.state.engine, job_id, caller.viewer, caller.user_id)
    lang = reader_language(request)
    return send(
        job_of(said_job(lang, found)),
        if_none_match,
        headers={"Content-Language": lang},
    )


@router.post(
    "/parks/{code}/imports",
    name="api_import",
    status_code=202,
    response_model=JobOut,
    responses={
        202: {
            "headers": {
                "Location": {"description": "The job to follow", "schema": {"type": "string"}}
            }
        },
        **responses(413),
    },
)
async def import_upload(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    file: Annotated[
        UploadFile,
        File(description="A workbook (.xlsx), a CSV file named after its sheet, or a JSON export"),
    ],
    dry_run: Annotated[bool, Form(description="Check everything, write nothing")] = False,
    decimal: Annotated[
        Literal["auto", ".", ","], Form(description="The decimal mark of numbers typed as text")
    ] = "auto",
) -> Response:
    """Hand a workbook to a background import job (all of it or nothing): 202 with the
    job; follow it at the Location given until its status is done or failed."""
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    name = FilePath(file.filename or "upload.xlsx").name
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise UserError(
            msg(
                "'{name}': upload a workbook (.xlsx), a CSV file or a parkloop JSON export",
                name=name,
            )
        )
    data = await file.read(UPLOAD_LIMIT + 1)
    if len(data) > UPLOAD_LIMIT:
        return problem_response(
            413,
            "The upload is too large",
            f"'{name}' is larger than {UPLOAD_LIMIT // (1024 * 1024)} MB",
            [
                {
                    "column": "file",
                    "value": name,
                    "message": f"larger than {UPLOAD_LIMIT // (1024 * 1024)} MB",
                    "fix": "split it by park or by sheet, or import it with `parkloop import` "
                    "on the server",
                }
            ],
        )
    if not data:
        raise UserError(msg("'{name}' is empty", name=name))
    job_id = jobs.submit(
        engine,
        "import",
        {
            "upload": name,
            "park": park.code,
            "dry_run": dry_run,
            "decimal": decimal if decimal in (".", ",") else None,
        },
        caller.viewer,
        caller.user_id,
        payload=data,
    )
    found = jobs.status(engine, job_id, caller.viewer, caller.user_id)
    location = str(request.url_for("api_job", job_id=job_id))
    return send(job_of(found), status_code=202, headers={"Location": location})
