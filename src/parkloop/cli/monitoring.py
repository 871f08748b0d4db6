"""parkloop monitoring stations add|list|import|token; upload; check; status"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from parkloop.cli.render import console, err_console, number, print_json, progress_bar, table
from parkloop.cli.speech import t
from parkloop.cli.state import park_option, state
from parkloop.errors import UserError, msg
from parkloop.formats import moment as _moment
from parkloop.formats import percent
from parkloop.monitoring.model import Station, StationKind
from parkloop.services import alerts
from parkloop.services import monitoring as service
from parkloop.store.monitoring import StationRecord
from parkloop.web.i18n import said_in

app = typer.Typer(
    help="Monitoring stations and their readings: register, upload, check, status.",
    no_args_is_help=True,
)
stations_app = typer.Typer(help="The park's monitoring stations.", no_args_is_help=True)
app.add_typer(stations_app, name="stations")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ParkOpt = Annotated[str, typer.Option("--park", callback=park_option, help="Park code or name.")]
LARGE = 8 << 20  # files above this many bytes are read in parts behind a progress bar


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="monitoring")


def _print_stations(records: list[StationRecord], lang: str, title: str) -> None:
    table(
        title,
        [
            t("code"),
            t("name"),
            t("kind"),
            t("enterprise"),
            t("parameters"),
            t("limits"),
            t("interval (s)"),
            t("token"),
        ],
        [
            [
                r.station.code,
                r.station.name,
                r.station.kind.label(lang),
                (r.org_name_en or r.org_name_vi) if lang == "en" else r.org_name_vi,
                " ".join(r.station.parameters),
                f"{r.station.limit_set} {r.station.limit_column}".strip(),
                number(r.station.interval_s, lang),
                t("yes") if r.has_token else t("no"),
            ]
            for r in records
        ],
        numeric=[6],
    )


@stations_app.command("list")
def stations_list(ctx: typer.Context, park: ParkOpt, as_json: JsonOpt = False) -> None:
    """The park's stations the viewer may see (an enterprise only its own)."""
    st = state(ctx)
    found = service.stations(st.engine(), st.viewer(), park)
    if as_json:
        print_json([r.station for r in found])
        return
    lang = st.lang
    _print_stations(
        found,
        lang,
        t("{park}: {n_found} station(s)", park=park, n_found=len(found)),
    )


@stations_app.command("add")
def stations_add(
    ctx: typer.Context,
    park: ParkOpt,
    code: Annotated[str, typer.Argument(help="Station code (letters, digits, '.', '_', '-').")],
    kind: Annotated[str, typer.Option("--kind", help="wwtp-outlet, enterprise-outlet or stack.")],
    parameters: Annotated[
        str, typer.Option("--parameters", help="Parameter codes: 'flow,ph,cod,tss,nh4'.")
    ],
    limit_set: Annotated[
        str, typer.Option("--limits", help="Limit set: qcvn-40, qcvn-19, park-intake …")
    ],
    column: Annotated[str, typer.Option("--column", help="Column of the limit set: A, B …")] = "",
    name: Annotated[str, typer.Option("--name", help="Name shown to people.")] = "",
    org: Annotated[
        str | None, typer.Option("--org", help="The enterprise owning it (none: the park's).")
    ] = None,
    lat: Annotated[float | None, typer.Option("--lat")] = None,
    lon: Annotated[float | None, typer.Option("--lon")] = None,
    flow: Annotated[
        float | None, typer.Option("--flow", help="Design discharge, m3/day (stacks m3/h).")
    ] = None,
    receiving: Annotated[
        str | None, typer.Option("--receiving", help="Receiving-water class (Kq).")
    ] = None,
    interval: Annotated[int, typer.Option("--interval", help="Seconds between readings.")] = 300,
    gap_factor: Annotated[
        int, typer.Option("--gap-factor", help="A gap: no reading for interval × this.")
    ] = 3,
    partial: Annotated[
        bool,
        typer.Option("--accept-partial", help="Keep a batch's good readings beside refused ones."),
    ] = False,
    update: Annotated[bool, typer.Option("--update", help="Change a registered station.")] = False,
) -> None:
    """Register a monitoring station (the park operator or the administrator)."""
    st = state(ctx)
    try:
        station_kind = StationKind.parse(kind)
    except (KeyError, ValueError):
        raise UserError(
            msg("kind '{text}': use {kinds}", text=kind, kinds=[k.value for k in StationKind])
        ) from None
    station = Station(
        code=code,
        park_code=park,
        name=name or code,
        kind=station_kind,
        parameters=tuple(p.strip() for p in parameters.replace(";", ",").split(",") if p.strip()),
        limit_set=limit_set,
        limit_column=column,
        org_code=org,
        lat=lat,
        lon=lon,
        flow_m3_per_day=flow,
        receiving_water=receiving,
        interval_s=interval,
        gap_factor=gap_factor,
        accept_partial=partial,
    )
    record = service.add_station(st.engine(), st.viewer(), station, update=update)
    console.print(t("registered station {code}", code=record.station.code))


@stations_app.command("import")
def stations_import(
    ctx: typer.Context,
    park: ParkOpt,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Stations CSV.")],
) -> None:
    """Register (or update) the stations of a CSV file: code, name, kind, parameters,
    limit_set, limit_column, org_code, lat, lon, flow_m3_per_day, receiving_water,
    interval_s, gap_factor, accept_partial, commissioned_on."""
    st = state(ctx)
    done = service.import_stations(st.engine(), st.viewer(), park, path)
    lang = st.lang
    _print_stations(
        done,
        lang,
        t("{n_done} station(s) registered", n_done=len(done)),
    )


@app.command("intake")
def intake(
    ctx: typer.Context,
    park: ParkOpt,
    path: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="The park's intake limits, YAML in the format of the limit sets "
            "(docs/methods/monitoring.md).",
        ),
    ],
) -> None:
    """Keep the park's own intake limits: what its central WWTP accepts from enterprises,
    used for stations whose limit set is park-intake."""
    st = state(ctx)
    limit_set = service.set_intake_limits(st.engine(), st.viewer(), park, path)
    console.print(
        t(
            "{park}: intake limits kept ({n_values} limit(s))",
            park=park,
            n_values=len(limit_set.values),
        )
    )


@stations_app.command("token")
def stations_token(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Station code.")],
) -> None:
    """Give a station a new push token (printed once; the former one stops working)."""
    st = state(ctx)
    token = service.issue_token(st.engine(), st.viewer(), code)
    err_console.print(
        t(
            "push token of {code} (shown once; send it as 'Authorization: Bearer …' to POST "
            "/api/v1/monitoring/stations/{code}/readings):",
            code=code,
        )
    )
    print(token)


def _print_received(received: service.Received, lang: str) -> None:
    console.print(said_in(lang, received.summary()))
    listed = received.listed(50)
    if listed:
        table(
            t("Refused readings"),
            [t("row"), t("column"), t("reason")],
            [[number(row, lang), column, said_in(lang, reason)] for row, column, reason in listed],
            numeric=[0],
            caption=t("{refused} refused in all", refused=received.refused)
            if received.refused > len(listed)
            else None,
        )


@app.command("upload")
def upload(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or Excel file.")],
    station: Annotated[
        str | None,
        typer.Option("--station", help="The station of a wide file (timestamp + parameters)."),
    ] = None,
    long: Annotated[
        bool,
        typer.Option("--long", help="A long file: station, parameter, timestamp, value, unit."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Upload readings. Instants without an offset are local time of Viet Nam; units are
    converted to each parameter's; refused rows are listed with their reason."""
    st = state(ctx)
    if (station is None) == (not long):
        raise UserError(msg("give --station S for a wide file, or --long for a long one"))
    engine, viewer = st.engine(), st.viewer()
    size = path.stat().st_size
    if size > LARGE and not as_json:
        with progress_bar() as (_bar, progress):
            label = t("reading {name}", name=path.name)
            progress(label, 0, 3)
            data = path.read_bytes()
            progress(label, 1, 3)
            received = service.upload(engine, viewer, data, path.name, station)
            progress(label, 3, 3)
    else:
        received = service.upload(engine, viewer, path.read_bytes(), path.name, station)
    if as_json:
        print_json(
            {
                "read": received.read,
                "written": received.written,
                "unchanged": received.unchanged,
                "refused": received.refused,
                "kept": received.kept,
                "refused_rows": service.refused_rows(received, st.lang),
            }
        )
    else:
        _print_received(received, st.lang)
    if received.refusals and not received.kept:
        raise typer.Exit(1)


def _period(start: str, end: str | None) -> tuple[dt.datetime, dt.datetime]:
    first = service.parse_moment(start)
    last = service.parse_moment(end) if end else dt.datetime.now(dt.UTC)
    return first, last


@app.command("check")
def check(
    ctx: typer.Context,
    park: ParkOpt,
    start: Annotated[str, typer.Option("--from", help="2025-03-01 or 2025-03-01T08:00.")],
    end: Annotated[
        str | None, typer.Option("--to", help="End (not included); now if absent.")
    ] = None,
    as_json: JsonOpt = False,
    alert: Annotated[
        bool,
        typer.Option(
            "--alert/--no-alert",
            help="Tell whom the park's alert rules name of what is found (its operator runs "
            "this; an enterprise's check sends nothing).",
        ),
    ] = True,
) -> None:
    """Check the readings of the park's stations over a period: exceedances of the limits
    (instantaneous and averaging windows), impossible values, flat lines, gaps; then send
    the park's alerts, once per episode."""
    st = state(ctx)
    first, last = _period(start, end)
    engine, viewer = st.engine(), st.viewer()
    report = service.check(engine, viewer, park, first, last)
    sent = []
    if alert and alerts.may_send(engine, park, viewer):
        sent = alerts.notify(
            engine,
            park,
            report.findings,
            dt.datetime.now(dt.UTC),
            checked_from=report.start,
            stations=[s.code for s in report.stations],
        )
    lang = st.lang
    if sent:
        err_console.print(t("{n_sent} alert message(s) sent", n_sent=len(sent)))
    if as_json:
        print_json(report)
        return
    span = f"{moment(first, lang)} – {moment(last, lang)}"
    table(
        t(
            "{park}: {n_findings} finding(s), {span}",
            park=park,
            n_findings=len(report.findings),
            span=span,
        ),
        [
            t("station"),
            t("parameter"),
            t("finding"),
            t("from"),
            t("to"),
            t("peak"),
            t("limit"),
            t("window"),
            t("source"),
        ],
        [
            [
                f.station,
                f.parameter or "",
                f.kind.label(lang),
                moment(f.start, lang),
                moment(f.end, lang),
                "" if f.peak is None else number(f.peak, lang, 2, fixed=False),
                "" if f.limit is None else number(f.limit, lang, 2, fixed=False),
                f.window or "",
                f"{f.source} [{f.status}]" if f.status else f.source,
            ]
            for f in report.findings
        ],
        numeric=[5, 6],
        caption=t("Method: docs/methods/monitoring.md (limits, windows, flat lines, gaps)."),
    )


@app.command("status")
def status(
    ctx: typer.Context,
    park: ParkOpt,
    days: Annotated[int, typer.Option("--days", help="Completeness over the last N days.")] = 1,
    at: Annotated[
        str | None, typer.Option("--at", help="As at this instant (default now).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Per station: last reading, completeness over the last days, open exceedances."""
    st = state(ctx)
    now = service.parse_moment(at) if at else dt.datetime.now(dt.UTC)
    found = service.status(st.engine(), st.viewer(), park, now=now, days=days)
    if as_json:
        print_json(found)
        return
    lang = st.lang
    table(
        t("{park}: monitoring status", park=park),
        [
            t("station"),
            t("name"),
            t("last reading"),
            t("completeness ({days} d)", days=days),
            t("open exceedances"),
        ],
        [
            [
                s.station.code,
                s.station.name,
                moment(s.last, lang) if s.last else t("none"),
                "" if s.completeness is None else percent(s.completeness, lang, 1),
                ", ".join(sorted({f.parameter or "" for f in s.open_exceedances}))
                or number(0, lang),
            ]
            for s in found
        ],
        numeric=[3],
        caption=t(
            "Completeness: readings received ÷ readings the station's interval implies, over its "
            "parameters."
        ),
    )


def moment(value: dt.datetime | None, lang: str) -> str:
    """An instant as local time of Viet Nam, through the one formatter."""
    if value is None:
        return ""
    return _moment(value.astimezone(dt.timezone(service.LOCAL_OFFSET)), lang)
