"""parkloop import | export | template"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parkloop.catalog.sheets import sheet_spec
from parkloop.cli.render import console, err_console, progress_bar, table
from parkloop.cli.state import state
from parkloop.services.exporter import FORMATS, export_data
from parkloop.services.importer import ImportProblems, ImportReport, import_path
from parkloop.services.template import write_template

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
        str, typer.Option("--decimal", help="Decimal mark of numbers typed as text: '.' or ','.")
    ] = ".",
) -> None:
    """Import a filled-in template, CSV files or an export: all of it, or nothing."""
    st = state(ctx)
    engine = st.engine()
    with progress_bar() as (bar, progress):
        try:
            report = import_path(
                engine,
                file,
                dry_run=dry_run,
                decimal=decimal,
                progress=progress,
                actor=None if st.viewer_spec == "admin" else st.viewer_spec,
            )
        except ImportProblems as exc:
            bar.stop()
            _print_problems(exc)
            raise typer.Exit(1) from None
    _print_report(report, st.lang)


def _print_problems(exc: ImportProblems) -> None:
    err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False)
    for line in exc.details[:SHOWN_PROBLEMS]:
        err_console.print(f"  - {line}", highlight=False, soft_wrap=True)
    hidden = len(exc.details) - SHOWN_PROBLEMS
    if hidden > 0:
        err_console.print(f"  … and {hidden:,} more problems", highlight=False)


def _print_report(report: ImportReport, lang: str) -> None:
    vi = lang == "vi"
    table(
        f"{report.source}"
        + ((" (thử, chưa ghi)" if vi else " (dry run: nothing written)") if report.dry_run else ""),
        ["sheet", "created" if not vi else "thêm mới", "updated" if not vi else "cập nhật"],
        [[sheet_spec(key).label(lang), c.created, c.updated] for key, c in report.sheets.items()],
        numeric=[1, 2],
    )
    for warning in report.warnings:
        err_console.print(f"[yellow]note:[/] {warning}", highlight=False)
    if report.ignored:
        err_console.print(f"[dim]not read: {', '.join(report.ignored)}[/]", highlight=False)
    verb = "would be" if report.dry_run else "were"
    console.print(f"{report.rows:,} rows {verb} written in {report.seconds:.1f} s", highlight=False)


def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="xlsx, csv (a directory) or json.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="File (xlsx, json) or directory (csv) to write.")
    ],
    park: Annotated[
        list[str] | None, typer.Option("--park", help="Only this park; repeat for several.")
    ] = None,
) -> None:
    """Export everything you may see, in a form that imports back unchanged."""
    st = state(ctx)
    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    path = export_data(
        st.engine(), output, fmt, park_codes=park or None, lang=st.lang, viewer=st.viewer()
    )
    console.print(f"wrote {path}", highlight=False)


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
        raise typer.BadParameter("use vi or en", param_hint="--lang")
    console.print(f"wrote {write_template(output, language)}", highlight=False)
