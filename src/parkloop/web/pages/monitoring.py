"""Monitoring pages: a park's board (stations on the map by state, charts of the chosen
station's parameters, completeness), a station's limits and findings, the upload of a
readings file with its refused rows, and the park's alert rules.

Who sees which station is decided by :mod:`parkloop.services.monitoring` (through
:mod:`parkloop.services.monitoring_views`); the alert rules by
:mod:`parkloop.services.alerts`. Every page needs an account: nothing of monitoring is
public.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from parkloop.errors import NotAllowed, NotFound, UserError, msg
from parkloop.monitoring.alerts import Channel
from parkloop.monitoring.model import FindingKind
from parkloop.services import alerts, monitoring, registry
from parkloop.services import monitoring_views as views
from parkloop.web.access import Caller, operator, signed_in
from parkloop.web.i18n import said_in
from parkloop.web.render import page

router = APIRouter()
UPLOAD_LIMIT = 64 * 1024 * 1024  # bytes; a month of 5-minute readings of 10 parameters is ~5 MB
UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")
RESULTS_KEPT_S = 3600  # an upload's result page stays readable this long
_RESULT = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _period(request: Request, caller: Caller, code: str) -> views.Period:
    q = request.query_params
    return views.period(
        request.app.state.engine, caller.viewer, code, q.get("from", ""), q.get("to", "")
    )


# -- the board ---------------------------------------------------------------------------------


@router.get("/parks/{code}/monitoring", name="monitoring")
def board(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    station: str = "",
) -> Response:
    """The park's stations the caller may see: map, charts of one station, completeness."""
    engine = request.app.state.engine
    chosen = _period(request, caller, code)
    found = views.board(engine, caller.viewer, code, chosen)
    shown = None
    if found.rows:
        codes = [r.station.code for r in found.rows]
        shown = found.rows[codes.index(station)] if station in codes else found.rows[0]
    return page(
        request,
        caller,
        "monitoring.html",
        title="Monitoring",
        park=found.park,
        board=found,
        period=chosen,
        shown=shown,
        **views.helpers(caller.lang),
        tiles=request.app.state.tiles_url,
        attribution=request.app.state.tiles_attribution,
    )


@router.get("/parks/{code}/monitoring/stations.geojson", name="monitoring_geojson")
def board_geojson(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str
) -> Response:
    """The stations of the board as GeoJSON for the map, coloured by their state."""
    engine = request.app.state.engine
    chosen = _period(request, caller, code)
    found = views.board(engine, caller.viewer, code, chosen)
    return JSONResponse(views.geojson(found, caller.lang), media_type="application/geo+json")


# -- a station ---------------------------------------------------------------------------------


@router.get("/parks/{code}/monitoring/stations/{station}", name="monitoring_station")
def station_page(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, station: str
) -> Response:
    engine = request.app.state.engine
    chosen = _period(request, caller, code)
    found = views.station_view(engine, caller.viewer, code, station, chosen)
    return page(
        request,
        caller,
        "monitoring_station.html",
        title=found.station.name,
        park=found.park,
        view=found,
        period=chosen,
        **views.helpers(caller.lang),
    )


@router.get("/parks/{code}/monitoring/stations/{station}/chart.json", name="monitoring_chart")
def station_chart(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    station: str,
    parameter: str = "",
) -> Response:
    """One parameter of the station over the period: the database's buckets (mean, min,
    max), the limit lines and the exceedance episodes (times in ms since the epoch)."""
    engine = request.app.state.engine
    chosen = _period(request, caller, code)
    data = views.chart(engine, caller.viewer, code, station, parameter, chosen, caller.lang)
    return JSONResponse(data)


# -- upload ------------------------------------------------------------------------------------


def _results_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / "parkloop-monitoring-uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _keep_result(caller: Caller, code: str, result: dict[str, Any]) -> str:
    """Keep an upload's result for its result page (shared by the server's workers)."""
    folder = _results_dir()
    now = time.time()
    for old in folder.glob("*.json"):
        try:
            if now - old.stat().st_mtime > RESULTS_KEPT_S:
                old.unlink()
        except OSError:
            pass
    key = secrets.token_urlsafe(24)
    data = {"user": caller.user_id, "park": code, **result}
    path = folder / f"{key}.json"
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
        json.dump(data, fh, ensure_ascii=False)
    return key


def _kept_result(caller: Caller, code: str, key: str) -> dict[str, Any] | None:
    if not _RESULT.match(key):
        return None
    path = _results_dir() / f"{key}.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("user") != caller.user_id or data.get("park") != code:
        return None
    return data


def _writable_stations(request: Request, caller: Caller, code: str) -> list[Any]:
    return views.writable_stations(request.app.state.engine, caller.viewer, code)


@router.get("/parks/{code}/monitoring/upload", name="monitoring_upload_form")
def upload_form(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    result: str = "",
    station: str = "",
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    return page(
        request,
        caller,
        "monitoring_upload.html",
        title="Upload readings",
        park=park,
        stations=_writable_stations(request, caller, code),
        chosen=station,
        result=_kept_result(caller, code, result) if result else None,
        error="",
    )


@router.post("/parks/{code}/monitoring/upload", name="monitoring_upload")
async def upload(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    file: Annotated[UploadFile, File()],
    station: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Take the readings of the file (the service refuses rows with their reasons), then
    show the outcome on the form's page."""
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    name = Path(file.filename or "readings.csv").name
    try:
        if not name.lower().endswith(UPLOAD_SUFFIXES):
            raise UserError(
                msg("'{name}': upload a CSV file or an Excel workbook of readings", name=name)
            )
        data = await file.read(UPLOAD_LIMIT + 1)
        if len(data) > UPLOAD_LIMIT:
            raise UserError(
                msg(
                    "'{name}' is larger than {most} MB: split it by month",
                    name=name,
                    most=UPLOAD_LIMIT // (1024 * 1024),
                )
            )
        if not data:
            raise UserError(msg("'{name}' is empty", name=name))
        if station:
            views.station_in_park(engine, caller.viewer, code, station)
        received = monitoring.upload(engine, caller.viewer, data, name, station or None)
    except UserError as exc:
        if isinstance(exc, (NotAllowed, NotFound)):
            raise
        return page(
            request,
            caller,
            "monitoring_upload.html",
            status_code=400,
            title="Upload readings",
            park=park,
            stations=_writable_stations(request, caller, code),
            chosen=station,
            result=None,
            error=said_in(caller.lang, exc),
        )
    rows = received.listed()
    result = {
        "file": name,
        "station": station,
        "read": received.read,
        "written": received.written,
        "unchanged": received.unchanged,
        "refused": received.refused,
        "kept": received.kept,
        "summary": {lang: said_in(lang, received.summary()) for lang in ("vi", "en")},
        "rows": [
            {
                "row": row,
                "column": column,
                "reason": {lang: said_in(lang, reason) for lang in ("vi", "en")},
            }
            for row, column, reason in rows
        ],
    }
    key = _keep_result(caller, code, result)
    target = str(request.url_for("monitoring_upload_form", code=code)) + f"?result={key}"
    if station:
        target += f"&station={station}"
    return RedirectResponse(target, status_code=303)


# -- alert rules -------------------------------------------------------------------------------


def _alerts_page(
    request: Request,
    caller: Caller,
    code: str,
    status_code: int = 200,
    error: str = "",
    form: dict[str, Any] | None = None,
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    rules = alerts.rules(engine, code, caller.viewer)
    sent = alerts.deliveries(engine, code, caller.viewer, limit=20)
    stations = monitoring.stations(engine, caller.viewer, code)
    names = {r.station.code: r.station.name for r in stations}
    return page(
        request,
        caller,
        "monitoring_alerts.html",
        status_code=status_code,
        title="Alert rules",
        park=park,
        rules=rules,
        deliveries=sent,
        stations=stations,
        station_name=lambda c: names.get(c, c),
        kinds=list(FindingKind),
        channels=list(Channel),
        may_edit=caller.viewer.role.value in ("operator", "admin"),
        error=error,
        form=form or {},
        notice=request.query_params.get("done", ""),
        **views.helpers(caller.lang),
    )


@router.get("/parks/{code}/monitoring/alerts", name="monitoring_alerts")
def alert_rules(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str
) -> Response:
    """The park's alert rules and the latest messages sent (its operator only)."""
    return _alerts_page(request, caller, code)


@router.post("/parks/{code}/monitoring/alerts", name="monitoring_alert_save")
def alert_save(
    request: Request,
    caller: Annotated[Caller, Depends(operator)],
    code: str,
    name: Annotated[str, Form(max_length=100)] = "",
    kinds: Annotated[list[str] | None, Form()] = None,
    channel: Annotated[str, Form(max_length=20)] = "log",
    target: Annotated[str, Form(max_length=1000)] = "",
    stations: Annotated[list[str] | None, Form()] = None,
    reminder: Annotated[str, Form(max_length=20)] = "",
    lang: Annotated[str, Form(max_length=2)] = "vi",
) -> Response:
    form = {
        "name": name,
        "kinds": kinds or [],
        "channel": channel,
        "target": target,
        "stations": stations or [],
        "reminder": reminder,
        "lang": lang,
    }
    try:
        minutes = None
        if reminder.strip():
            try:
                minutes = float(reminder.replace(",", "."))
            except ValueError:
                raise UserError(
                    msg("the reminder interval is a number of minutes above 0")
                ) from None
        alerts.set_rule(
            request.app.state.engine,
            code,
            caller.viewer,
            name,
            kinds=kinds or [],
            channel=channel,
            target=target,
            stations=stations or [],
            reminder_minutes=minutes,
            lang=lang,
        )
    except UserError as exc:
        if isinstance(exc, (NotAllowed, NotFound)):
            raise
        return _alerts_page(request, caller, code, 400, error=said_in(caller.lang, exc), form=form)
    target_url = str(request.url_for("monitoring_alerts", code=code)) + "?done=saved"
    return RedirectResponse(target_url, status_code=303)


@router.post("/parks/{code}/monitoring/alerts/remove", name="monitoring_alert_remove")
def alert_remove(
    request: Request,
    caller: Annotated[Caller, Depends(operator)],
    code: str,
    name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    alerts.delete_rule(request.app.state.engine, code, caller.viewer, name)
    target_url = str(request.url_for("monitoring_alerts", code=code)) + "?done=removed"
    return RedirectResponse(target_url, status_code=303)
