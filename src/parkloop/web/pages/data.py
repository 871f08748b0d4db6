"""Data in and out: upload a workbook (imported as a background job, its problems shown
row by row), download the template and exports, follow a job, read the change log."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from parkloop.errors import NotFound, UserError, msg
from parkloop.services import history, jobs, registry
from parkloop.services.exporter import export_data
from parkloop.services.template import write_template
from parkloop.web.access import Caller, anyone, signed_in
from parkloop.web.i18n import said_job
from parkloop.web.render import page

router = APIRouter()
UPLOAD_LIMIT = 64 * 1024 * 1024  # bytes; a 100,000-row workbook is about 5 MB
UPLOAD_SUFFIXES = (".xlsx", ".csv", ".json")
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "zip": "application/zip",
}


@router.get("/parks/{code}/import", name="import_form")
def import_form(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str
) -> Response:
    park = registry.require_park(request.app.state.engine, code)
    recent = jobs.jobs_for(request.app.state.engine, caller.viewer, caller.user_id, park=code)
    return page(request, caller, "import.html", title="Import", park=park, jobs=recent, error="")


@router.post("/parks/{code}/import", name="import_upload")
async def import_upload(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    file: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
    decimal: Annotated[str, Form(max_length=4)] = "auto",
) -> Response:
    """Hand the workbook to a background job; its page shows the progress and the result."""
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    name = Path(file.filename or "upload.xlsx").name
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise UserError(
            msg(
                "'{name}': upload a workbook (.xlsx), a CSV file or a parkloop JSON export",
                name=name,
            )
        )
    data = await file.read(UPLOAD_LIMIT + 1)
    if len(data) > UPLOAD_LIMIT:
        raise UserError(
            msg(
                "'{name}' is larger than {most} MB: split it by park or by sheet, or "
                "import it with `parkloop import` on the server",
                name=name,
                most=UPLOAD_LIMIT // (1024 * 1024),
            )
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
    return RedirectResponse(str(request.url_for("job", job_id=job_id)), status_code=303)


@router.get("/jobs/{job_id}", name="job")
def job(request: Request, caller: Annotated[Caller, Depends(signed_in)], job_id: int) -> Response:
    found = jobs.status(request.app.state.engine, job_id, caller.viewer, caller.user_id)
    template = "job_progress.html" if request.headers.get("HX-Request") else "job.html"
    park = None
    if found.get("park"):
        try:
            park = registry.require_park(request.app.state.engine, found["park"])
        except NotFound:
            park = None  # the park was deleted since
    return page(request, caller, template, title="Job", job=said_job(caller.lang, found), park=park)


@router.get("/parks/{code}/template.xlsx", name="template")
def template(request: Request, caller: Annotated[Caller, Depends(anyone)], code: str) -> Response:
    """The workbook to fill in, in the reader's language."""
    registry.require_park(request.app.state.engine, code)
    folder = Path(tempfile.mkdtemp(prefix="parkloop-template-"))
    path = write_template(folder / f"parkloop-{code}.xlsx", caller.lang)
    return FileResponse(
        path,
        media_type=MEDIA["xlsx"],
        filename=path.name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/parks/{code}/export.{fmt}", name="export")
def export(
    request: Request, caller: Annotated[Caller, Depends(anyone)], code: str, fmt: str
) -> Response:
    """Everything of the park the caller may see, as a workbook, JSON or zipped CSV files."""
    if fmt not in ("xlsx", "json", "zip"):
        raise NotFound(msg("no export as '{fmt}': xlsx, json or zip (CSV files)", fmt=fmt))
    engine = request.app.state.engine
    registry.require_park(engine, code)
    folder = Path(tempfile.mkdtemp(prefix="parkloop-export-"))
    if fmt == "zip":
        written = export_data(
            engine, folder / code, "csv", park_codes=[code], lang=caller.lang, viewer=caller.viewer
        )
        path = Path(shutil.make_archive(str(folder / f"parkloop-{code}"), "zip", written))
    else:
        path = export_data(
            engine,
            folder / f"parkloop-{code}.{fmt}",
            fmt,
            park_codes=[code],
            lang=caller.lang,
            viewer=caller.viewer,
        )
    return FileResponse(
        path,
        media_type=MEDIA[fmt],
        filename=path.name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/parks/{code}/history", name="park_history")
def park_history(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, page_at: int = 1
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    size = 100
    at = max(page_at, 1)
    entries, count = history.park_history(engine, code, caller.viewer, size, (at - 1) * size)
    return page(
        request,
        caller,
        "history.html",
        title="Change history",
        park=park,
        entries=entries,
        count=count,
        at=at,
        pages=max((count + size - 1) // size, 1),
        record=None,
    )


@router.get("/parks/{code}/history.csv", name="park_history_csv")
def park_history_csv(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str
) -> Response:
    """The park's whole change log, for an auditor."""
    entries, _ = history.park_history(
        request.app.state.engine, code, caller.viewer, limit=1_000_000
    )
    return Response(
        history.as_csv(entries),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="parkloop-{code}-history.csv"'},
    )


@router.get("/parks/{code}/history/{kind}/{row_id}", name="record_history")
def record_history(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    kind: str,
    row_id: int,
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    entries = history.record_history(engine, kind, row_id, caller.viewer)
    record: dict[str, Any] = {"kind": kind, "id": row_id}
    return page(
        request,
        caller,
        "history.html",
        title="Change history",
        park=park,
        entries=entries,
        count=len(entries),
        at=1,
        pages=1,
        record=record,
    )
