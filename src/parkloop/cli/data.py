"""parkloop import | export | template"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parkloop.catalog import catalog
from parkloop.catalog.sheets import sheet_spec
from parkloop.cli.render import (
    console,
    err_console,
    number,
    percent,
    print_json,
    progress_bar,
    table,
)
from parkloop.cli.speech import t
from parkloop.cli.state import park_option, state
from parkloop.domain.enums import Destination
from parkloop.errors import msg
from parkloop.services.exporter import FORMATS, export_data
from parkloop.services.importing import ImportProblems, ImportReport, import_path
from parkloop.services.problems import row_list
from parkloop.services.template import write_template
from parkloop.web.i18n import said_in, said_warning

SHOWN_PROBLEMS = 200


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)
    app.command("export")(export)
    app.command("template")(template)


def import_file(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="A .xlsx workbook, a .csv file, a directory of CSV files or a .json export."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check everything, write nothing.")
    ] = False,
    decimal: Annotated[
        str,
        typer.Option(
            "--decimal",
            help="Decimal mark of numbers typed as text: '.' or ','; by default each column "
            "is decided from its values and the workbook's language.",
        ),
    ] = "auto",
    park: Annotated[
        str | None,
        typer.Option(
            "--park",
            callback=park_option,
            help="Park of sheets that have no park column (code or name).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import a filled-in template, CSV files or an export: all of it, or nothing."""
    st = state(ctx)
    engine = st.engine(create=not dry_run)
    with progress_bar() as (bar, progress):
        try:
            report = import_path(
                engine,
                file,
                dry_run=dry_run,
                decimal=decimal,
                park=park,
                progress=progress,
                actor=None if st.viewer_spec == "admin" else st.viewer_spec,
                viewer=st.viewer(),
            )
        except ImportProblems as exc:
            bar.stop()
            _print_problems(exc, st.lang)
            raise typer.Exit(1) from None
    if as_json:
        print_json(report.as_dict())
        return
    print_report(report, st.lang)


def _print_problems(exc: ImportProblems, lang: str) -> None:
    err_console.print(f"[bold red]{t('error:')}[/] {said_in(lang, exc.said)}", highlight=False)
    for said in exc.said_details[:SHOWN_PROBLEMS]:
        err_console.print(f"  - {said_in(lang, said)}", highlight=False, soft_wrap=True)
    hidden = len(exc.said_details) - SHOWN_PROBLEMS
    if hidden > 0:
        more = msg("… and {count} more problems", count=hidden)
        err_console.print(f"  {said_in(lang, more)}", highlight=False)


SHOWN_READINGS = 40
SHOWN_CHANGES = 60


def _named(code: str, lang: str) -> str:
    """What a reading's code stands for, by name: a material, a destination (a sector keeps
    its VSIC code, the way people cite it); nothing read is a dash."""
    if code in ("", "unclassified", "unknown"):
        return "—"
    material = catalog().materials.get(code)
    if material is not None:
        return material.name_vi if lang == "vi" else material.name_en
    if code in Destination.values():
        return Destination(code).label(lang)
    return code


def print_report(report: ImportReport, lang: str) -> None:
    """What an import did: rows per sheet, what it read from words and how sure it was,
    what it filled in from the catalog, and what a re-import changed."""
    table(
        str(report.source) + (t(" (dry run: nothing written)") if report.dry_run else ""),
        [t("sheet"), t("created"), t("updated")],
        [[sheet_spec(key).label(lang), c.created, c.updated] for key, c in report.sheets.items()],
        numeric=[1, 2],
    )
    doubtful = [r for r in report.readings if r.doubtful]
    if report.readings:
        sure = len(report.readings) - len(doubtful)
        console.print(
            t(
                "read from words: {n_readings} distinct texts, {sure} with confidence; {review} "
                "rows left for review (parkloop materials review)",
                n_readings=len(report.readings),
                sure=sure,
                review=report.review,
            ),
            highlight=False,
        )
    if doubtful:
        table(
            t("read with doubt or not read"),
            [
                t("column"),
                t("as written"),
                t("read as"),
                t("sure"),
                t("rows"),
                t("suggestions"),
            ],
            [
                [
                    r.column,
                    r.text,
                    _named(r.code, lang),
                    percent(r.confidence, lang),
                    row_list(r.rows, 6),
                    "; ".join(_named(s, lang) for s in r.suggestions[:3]),
                ]
                for r in doubtful[:SHOWN_READINGS]
            ],
            numeric=[3],
        )
    for rule, count in sorted(report.filled.items()):
        console.print(
            t(
                "filled from the catalog (estimate): {rule} on {count} rows",
                rule=t(rule),
                count=count,
            ),
            highlight=False,
        )
    if report.changes:
        table(
            t("values this import changes"),
            [
                t("sheet"),
                t("row"),
                t("key"),
                t("column"),
                t("before"),
                t("after"),
            ],
            [
                [c.sheet, c.row, c.key, c.column, c.old, c.new]
                for c in report.changes[:SHOWN_CHANGES]
            ],
            numeric=[1],
        )
        if len(report.changes) > SHOWN_CHANGES:
            console.print(t("… {count} more (--json)", count=len(report.changes) - SHOWN_CHANGES))
    for warning in report.warnings:
        err_console.print(f"[yellow]{t('note:')}[/] {said_warning(lang, warning)}", highlight=False)
    if report.ignored:
        err_console.print(
            "[dim]" + t("not read: {items}", items=report.ignored) + "[/]", highlight=False
        )
    rows, seconds = report.rows, number(report.seconds, lang, 1)
    console.print(
        t("{rows} rows would be written in {seconds} s", rows=rows, seconds=seconds)
        if report.dry_run
        else t("{rows} rows were written in {seconds} s", rows=rows, seconds=seconds),
        highlight=False,
    )


def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="xlsx, csv (a directory) or json.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="File (xlsx, json) or directory (csv) to write.")
    ],
    park: Annotated[
        list[str] | None,
        typer.Option("--park", callback=park_option, help="Only this park; repeat for several."),
    ] = None,
) -> None:
    """Export everything you may see, in a form that imports back unchanged."""
    st = state(ctx)
    if fmt not in FORMATS:
        raise typer.BadParameter(t("use one of {items}", items=FORMATS), param_hint="--format")
    path = export_data(
        st.engine(), output, fmt, park_codes=park or None, lang=st.lang, viewer=st.viewer()
    )
    console.print(t("wrote {path}", path=str(path)), highlight=False)


def template(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="The .xlsx file to write.")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="vi or en (default: the global --lang).")
    ] = None,
) -> None:
    """Write an empty workbook to fill in: sheets, drop-downs and instructions."""
    language = lang or state(ctx).lang
    if language not in ("vi", "en"):
        raise typer.BadParameter(t("use vi or en"), param_hint="--lang")
    console.print(t("wrote {path}", path=str(write_template(output, language))), highlight=False)
