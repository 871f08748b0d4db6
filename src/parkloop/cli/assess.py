"""parkloop rulesets | assess | evidence | dossier"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel

from parkloop.assessment import library
from parkloop.cli.render import console, date, number, percent, print_json, table
from parkloop.cli.speech import later, speaking, t
from parkloop.cli.state import State, park_option, state
from parkloop.domain.enums import DataStatus
from parkloop.errors import UserError, msg
from parkloop.services import assessment as service
from parkloop.services import evidence as evidence_service

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
RulesetOpt = Annotated[
    str, typer.Option("--ruleset", help="Rule set id, e.g. decree-82-2018 (see `rulesets list`).")
]

rulesets_app = typer.Typer(help="Assessment rule sets and their indicators.", no_args_is_help=True)
evidence_app = typer.Typer(
    help="Evidence for indicators: documents or justified values.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(rulesets_app, name="rulesets")
    app.command("assess")(assess)
    app.add_typer(evidence_app, name="evidence")
    app.command("dossier")(dossier)


# The levels and units of indicators, said as words (the values stay in --json).
LEVELS = {"park": later("park"), "enterprise": later("enterprise")}
UNITS = {
    "percent": later("percentage"),
    "count": later("count"),
    "boolean": later("yes or no"),
    "years": later("years"),
    "text": later("text"),
    "m3_per_day": later("m³/day"),
}


def _status(status: str, lang: str) -> str:
    if status == "not_found":
        return t("not found")
    if not status:
        return ""
    return DataStatus(status).label(lang) if status in DataStatus.values() else status


# -- rulesets --------------------------------------------------------------------------------


@rulesets_app.command("list")
def list_rulesets(
    ctx: typer.Context,
    indicators: Annotated[
        bool, typer.Option("--indicators", help="List the indicators instead.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List the rule sets a park or an enterprise can be assessed on."""
    lang = state(ctx).lang
    lib = library()
    if indicators:
        items = sorted(lib.indicators.values(), key=lambda d: (d.level, d.id))
        if as_json:
            print_json(
                [
                    {
                        "id": d.id,
                        "unit": d.unit.value,
                        "level": d.level.value,
                        "computed": d.computed,
                        "title": {"vi": d.title_vi, "en": d.title_en},
                        "defined_in": d.defined_in,
                    }
                    for d in items
                ]
            )
            return
        table(
            t("Indicators"),
            [t("id"), t("level"), t("unit"), t("from"), t("title")],
            [
                [
                    d.id,
                    t(LEVELS[d.level.value]),
                    t(UNITS.get(d.unit.value, d.unit.value)),
                    t("data") if d.computed else t("evidence"),
                    d.title(lang),
                ]
                for d in items
            ],
        )
        return
    sets = service.rulesets()
    if as_json:
        print_json(
            [
                {
                    "id": r.id,
                    "version": r.version,
                    "title": {"vi": r.title_vi, "en": r.title_en},
                    "document": r.document,
                    "levels": [lv.value for lv in r.levels],
                    "criteria": len(r.criteria),
                    "status": r.cited.status,
                    "source": r.cited.source,
                    "unverified_items": r.unverified_items,
                }
                for r in sets
            ]
        )
        return
    table(
        t("Rule sets"),
        [t("id"), t("title"), t("covers"), t("criteria"), t("status"), t("unverified")],
        [
            [
                r.id,
                r.title(lang),
                ", ".join(t(LEVELS.get(lv.value, lv.value)) for lv in r.levels),
                len(r.criteria),
                _status(r.cited.status, lang),
                r.unverified_items or "",
            ]
            for r in sets
        ],
        numeric=[3, 5],
    )


@rulesets_app.command("show")
def show_ruleset(
    ctx: typer.Context,
    ruleset_id: Annotated[str, typer.Argument(help="Rule set id.")],
    as_json: JsonOpt = False,
) -> None:
    """Show a rule set: its criteria, thresholds and where each comes from."""
    lang = state(ctx).lang
    lib = library()
    rs = lib.ruleset(ruleset_id)
    rows: list[list[Any]] = []  # as --json has them: indicator ids
    shown: list[list[Any]] = []  # as people read them: indicator names
    for c in rs.criteria:
        for use in c.indicators or [None]:
            if use is None:
                rows.append([c.id, c.title(lang), "", "", _status(c.cited.status, lang)])
                shown.append(rows[-1])
                continue
            d = lib.indicators[use.ref]
            thr = use.threshold
            code = use.code + " " if use.code else ""
            rows.append(
                [
                    c.id,
                    c.title(lang),
                    f"{code}{d.id}",
                    thr.describe(d.unit, lang) if thr else _status("not_found", lang),
                    _status(thr.cited.status if thr else c.cited.status, lang)
                    + (" (unverified)" if thr and thr.cited.unverified else ""),
                ]
            )
            shown.append(
                [
                    *rows[-1][:2],
                    f"{code}{d.title(lang)}",
                    rows[-1][3],
                    _status(thr.cited.status if thr else c.cited.status, lang)
                    + (t(" (unverified)") if thr and thr.cited.unverified else ""),
                ]
            )
    if as_json:
        print_json(
            {
                "id": rs.id,
                "title": {"vi": rs.title_vi, "en": rs.title_en},
                "status": rs.cited.status,
                "source": rs.cited.source,
                "criteria": [
                    {
                        "criterion": r[0],
                        "title": r[1],
                        "indicator": r[2],
                        "threshold": r[3],
                        "status": r[4],
                    }
                    for r in rows
                ],
            }
        )
        return
    table(
        rs.title(lang),
        [t("criterion"), t("title"), t("indicator"), t("threshold"), t("status")],
        shown,
        caption=f"{rs.cited.source} [{_status(rs.cited.status, lang)}]",
    )


# -- assess ----------------------------------------------------------------------------------


def assess(
    ctx: typer.Context,
    ruleset: RulesetOpt,
    park: Annotated[
        str | None,
        typer.Option("--park", callback=park_option, help="Park code, e.g. nam-cau-kien."),
    ] = None,
    enterprise: Annotated[
        str | None,
        typer.Option(
            "--enterprise", help="Self-assess one enterprise: PARK:ORG, or ORG with --park."
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Year (default: latest with data).")
    ] = None,
    save: Annotated[
        bool | None,
        typer.Option(
            "--save/--no-save",
            help="Keep the result in the history (by default when you are the park operator).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Assess a park (or one enterprise) against a rule set: score per criterion, overall
    rate, gaps with what would close them, and the change since last year."""
    st = state(ctx)
    engine = st.engine()
    if enterprise:
        park_code, org_code = service.resolve_enterprise(park, enterprise)
        report = service.assess_enterprise(
            engine, park_code, org_code, ruleset, year, save=save, viewer=st.viewer()
        )
    elif park:
        report = service.assess_park(engine, park, ruleset, year, save=save, viewer=st.viewer())
    else:
        raise UserError(msg("say what to assess: --park CODE, or --enterprise PARK:ORG"))
    if as_json:
        print_json(report.to_dict())
        return
    show_report(report, st.lang)


def show_report(report: service.AssessmentReport, lang: str) -> None:
    """Print an assessment for people: criteria, indicators, gaps, change since last year."""
    a = report.assessment
    d = report.to_dict()
    who = a.park_code + (f" / {a.org_code}" if a.org_code else "")
    overall = _percent(a.overall_percent, lang)
    head = [
        a.ruleset.title(lang),
        t("Year {year} · Overall rate: [bold]{overall}[/]", year=str(a.year), overall=overall),
        d["coverage"]["text"][lang],
    ]
    console.print(Panel("\n".join(head), title=f"[bold]{who}[/] · {a.ruleset.id}", expand=False))
    rows = []
    for c in a.criteria:
        group = a.ruleset.group(c.criterion.group)
        judged, with_data = len(c.judged), len(c.with_data)
        rows.append(
            [
                c.id,
                c.criterion.title(lang) + ("" if c.criterion.counts else t(" (not counted)")),
                group.title(lang) if group else "",
                "—" if c.score is None else number(float(c.score), lang, 2),
                f"{with_data}/{judged}" if judged else "—",
                c.verdict.label(lang),
                _status(c.criterion.cited.status, lang)
                + (t(" ⚠ unverified") if c.unverified else ""),
            ]
        )
    table(
        t("Criteria"),
        ["#", t("criterion"), t("group"), "%", t("with data"), t("verdict"), t("status")],
        rows,
        numeric=[3, 4],
        caption=t(
            "inside a criterion with data, an indicator without data scores 0; a criterion "
            "without data is left out of the overall rate"
        ),
    )
    rows = []
    for c in a.criteria:
        for r in c.indicators:
            thr = r.use.threshold
            rows.append(
                [
                    c.id,
                    (r.use.code + " " if r.use.code else "") + r.definition.title(lang),
                    r.value_text(lang),
                    thr.describe(r.definition.unit, lang) if thr else _status("not_found", lang),
                    r.verdict.label(lang),
                    r.basis.label(lang),
                    _status(r.status, lang),
                ]
            )
    table(
        t("Indicators"),
        ["#", t("indicator"), t("value"), t("threshold"), t("verdict"), t("basis"), t("status")],
        rows,
        numeric=[2],
    )
    if a.monitoring:
        table(
            t("Monitoring indicators"),
            [
                t("row"),
                t("indicator"),
                t("value"),
                t("reported by source"),
                t("basis"),
                t("status"),
            ],
            [
                [
                    m.item.row,
                    m.result.definition.title(lang),
                    m.result.value_text(lang),
                    m.item.reported.text if m.item.reported else "",
                    m.result.basis.label(lang),
                    _status(m.result.status, lang),
                ]
                for m in a.monitoring
            ],
        )
    if a.gaps:
        table(
            t("Gaps and what would close them"),
            ["#", t("indicator"), t("verdict"), t("what would close it")],
            [
                [
                    g.criterion_id + ("" if g.counts else "*"),
                    _indicator_title(g.indicator_id, lang),
                    g.verdict.label(lang),
                    g.text(lang),
                ]
                for g in a.gaps
            ],
        )
    change = report.change
    if change is None:
        console.print(t("No earlier assessment on record."))
    else:
        delta = change["overall_change"]
        console.print(
            t(
                "Since {year}: {before} → {after} ({delta} points)",
                year=str(change["previous_year"]),
                before=_percent(change["previous_overall_percent"], lang),
                after=_percent(change["overall_percent"], lang),
                delta=("+" if (delta or 0) > 0 else "") + number(delta, lang, 1, fixed=False),
            )
            + (t("; better: {items}", items=change["improved"]) if change["improved"] else "")
            + (t("; worse: {items}", items=change["worsened"]) if change["worsened"] else "")
        )
    if len(report.history) > 1:
        console.print(
            t(
                "History: {items}",
                items=[
                    f"{h['year']} {_percent(h['overall_percent'], lang)}" for h in report.history
                ],
            )
        )


def _percent(points: float | None, lang: str) -> str:
    """A rate in points (87.5) as the reader writes a percentage."""
    if points is None:
        return "—"
    return percent(points / 100, lang, 0 if float(points).is_integer() else 1)


def _indicator_title(indicator_id: str, lang: str) -> str:
    found = library().indicators.get(indicator_id)
    return found.title(lang) if found else indicator_id


def print_park_assessment(st: State, park: str, ruleset: str) -> None:
    """The park's assessment as ``parkloop assess`` prints it (used by ``parkloop demo``)."""
    with speaking(st.lang):
        show_report(
            service.assess_park(st.engine(), park, ruleset, save=False, viewer=st.viewer()),
            st.lang,
        )


# -- evidence --------------------------------------------------------------------------------


def _date(text: str | None) -> Date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise typer.BadParameter(t("use dd/mm/yyyy"), param_hint="--confirmed-on") from None


@evidence_app.command("add")
def add_evidence(
    ctx: typer.Context,
    park: Annotated[str, typer.Option("--park", callback=park_option, help="Park code.")],
    indicator: Annotated[
        str, typer.Option("--indicator", help="Indicator id (see `rulesets list --indicators`).")
    ],
    file: Annotated[
        Path | None, typer.Option("--file", help="The document: a PDF, scan, report...")
    ] = None,
    note: Annotated[
        str, typer.Option("--note", help="What the document shows, or the justification.")
    ] = "",
    enterprise: Annotated[
        str | None,
        typer.Option("--enterprise", help="Organisation code, for enterprise indicators."),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="Year the evidence is for (default: the year `assess` assesses, the latest "
            "with data).",
        ),
    ] = None,
    value: Annotated[
        float | None, typer.Option("--value", help="Numeric value, e.g. 92 for 92 %.")
    ] = None,
    value_text: Annotated[
        str,
        typer.Option(
            "--value-text", help="Text value, e.g. yes / có (a yes/no indicator with a file: yes)."
        ),
    ] = "",
    confirmed_by: Annotated[str, typer.Option("--confirmed-by", help="Who confirmed it.")] = "",
    confirmed_on: Annotated[
        str | None, typer.Option("--confirmed-on", help="When, dd/mm/yyyy.")
    ] = None,
    status: Annotated[
        str, typer.Option("--status", help="Data status: measured, reported, ...")
    ] = "reported",
    source: Annotated[
        str, typer.Option("--source", help="Where it comes from (default: the file).")
    ] = "",
) -> None:
    """Attach evidence to an indicator: the file's name, sha256 and bytes are stored."""
    st = state(ctx)
    item = evidence_service.EvidenceInput(
        park_code=park,
        org_code=enterprise,
        indicator_id=indicator,
        year=year or evidence_service.default_year(st.engine(), park),
        value=value,
        value_text=value_text
        or ("yes" if value is None and file is not None and _is_yes_no(indicator) else ""),
        note=note,
        confirmed_by=confirmed_by,
        confirmed_on=_date(confirmed_on),
        file=file,
        data_status=status,
        source=source,
    )
    evidence_id = evidence_service.add_evidence(st.engine(), item, st.viewer())
    if year is None:
        console.print(
            t(
                "evidence #{evidence_id} stored for {indicator}, year {year} (the year assessed: "
                "the latest with data; choose another with --year)",
                evidence_id=str(evidence_id),
                indicator=_indicator_title(indicator, st.lang),
                year=str(item.year),
            )
        )
    else:
        console.print(
            t(
                "evidence #{evidence_id} stored for {indicator} ({year})",
                evidence_id=str(evidence_id),
                indicator=_indicator_title(indicator, st.lang),
                year=str(item.year),
            )
        )


def _is_yes_no(indicator: str) -> bool:
    definition = library().indicators.get(indicator)
    return definition is not None and definition.unit.value == "boolean"


@evidence_app.command("list")
def list_evidence(
    ctx: typer.Context,
    park: Annotated[str, typer.Option("--park", callback=park_option, help="Park code.")],
    enterprise: Annotated[
        str | None, typer.Option("--enterprise", help="Only this organisation.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the evidence stored for a park."""
    st = state(ctx)
    records = evidence_service.list_evidence(st.engine(), park, enterprise, viewer=st.viewer())
    rows = evidence_service.evidence_summary(records)
    if as_json:
        print_json(rows)
        return
    table(
        t("{park}: {n_rows} evidence", park=park, n_rows=len(rows)),
        [
            "#",
            t("indicator"),
            t("year"),
            t("enterprise"),
            t("value"),
            t("file"),
            "sha256",
            t("confirmed"),
            t("status"),
        ],
        [
            [
                r["id"],
                _indicator_title(r["indicator"], st.lang),
                r["year"],
                r["enterprise"] or "",
                r["value_text"] or ("" if r["value"] is None else number(r["value"], st.lang, 2)),
                r["file"],
                r["sha256"][:12],
                ", ".join(
                    x
                    for x in (
                        r["confirmed_by"],
                        date(r["confirmed_on"], st.lang) if r["confirmed_on"] else "",
                    )
                    if x
                ),
                _status(r["data_status"], st.lang),
            ]
            for r in rows
        ],
    )


@evidence_app.command("load")
def load_evidence(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="evidence.csv (files named in it are relative to it).")
    ],
) -> None:
    """Load an evidence.csv; one bad row refuses the whole file."""
    st = state(ctx)
    count = evidence_service.load_evidence_csv(st.engine(), path, st.viewer())
    console.print(t("{file}: {count} evidence rows stored", file=path.name, count=count))


# -- dossier ---------------------------------------------------------------------------------


def dossier(
    ctx: typer.Context,
    park: Annotated[str, typer.Option("--park", callback=park_option, help="Park code.")],
    ruleset: RulesetOpt = "decree-35-2022",
    fmt: Annotated[str, typer.Option("--format", help="pdf, html, xlsx or md.")] = "html",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: print).")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Year (default: latest with data).")
    ] = None,
) -> None:
    """Write the certification dossier (Decree 35/2022 Art. 41): the application in the
    administrative form, or a warning note when the criteria are clearly unmet."""
    if fmt not in ("pdf", "html", "xlsx", "md"):
        raise typer.BadParameter(t("use pdf, html, xlsx or md"), param_hint="--format")
    st = state(ctx)
    if fmt == "md":
        text = service.dossier(
            st.engine(), park, ruleset, year, lang=st.lang, fmt=fmt, viewer=st.viewer()
        )
        if output is None:
            typer.echo(text, nl=False)
            return
        output.write_text(text, encoding="utf-8")
        console.print(f"{output} ({fmt}, {st.lang})")
        return
    from contextlib import nullcontext

    from parkloop.cli.render import progress_bar
    from parkloop.reports import documents, render

    printed = output is None and fmt == "html"
    # Progress on stderr, except when the page itself is printed (a pipe reads it whole).
    with nullcontext((None, None)) if printed else progress_bar() as (_, progress):
        doc = documents.build(
            "dossier",
            st.engine(),
            park,
            year=year,
            lang=st.lang,
            viewer=st.viewer(),
            ruleset=ruleset,
            progress=progress or documents.quiet,
            pictures=fmt != "xlsx",
        )
        data = render.render(doc, fmt)
    if printed:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    target = output or Path(f"{park}-dossier-{st.lang}.{fmt}")
    target.write_bytes(data)
    console.print(f"{target} ({fmt}, {st.lang})")
