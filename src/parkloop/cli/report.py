"""parkloop report annual | public | recp | enterprise | export: documents as PDF, HTML or
XLSX, built from one report model (parkloop.reports)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parkloop.cli.render import console, progress_bar
from parkloop.cli.state import SPOKEN, park_option, state
from parkloop.reports import documents, render

app = typer.Typer(
    help="Documents of a park: annual report, report for publication, RECP programme, an "
    "enterprise's forms, and workbooks of the results.",
    no_args_is_help=True,
)

ParkOpt = Annotated[str, typer.Option("--park", callback=park_option, help="Park code.")]
YearOpt = Annotated[
    int | None, typer.Option("--year", help="Year (default: the latest with data).")
]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", help="pdf, html or xlsx (default: from --out, else pdf)."),
]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Language of the document: vi or en.")]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="File to write (default: named after the document)."),
]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="report")


def _lang(ctx: typer.Context, lang: str | None) -> str:
    chosen = lang or state(ctx).lang
    if chosen not in ("vi", "en"):
        raise typer.BadParameter("vi / en", param_hint="--lang")
    SPOKEN.set(chosen)
    return chosen


def _format(fmt: str | None, out: Path | None, default: str = "pdf") -> str:
    """The format asked for, else the one the file's name says, else ``default``."""
    allowed = render.FORMATS
    if fmt is None:
        suffix = out.suffix.lstrip(".").lower() if out is not None else ""
        fmt = suffix if suffix in allowed else default
    if fmt not in allowed:
        raise typer.BadParameter(" / ".join(allowed), param_hint="--format")
    return fmt


def write_document(
    ctx: typer.Context,
    kind: str,
    park: str,
    fmt: str,
    lang: str,
    out: Path | None,
    year: int | None = None,
    enterprise: str | None = None,
    ruleset: str = documents.DOSSIER_RULESET,
) -> Path:
    """Build the document, render it and write the file, with progress on stderr."""
    st = state(ctx)
    with progress_bar() as (_, progress):
        doc = documents.build(
            kind,
            st.engine(),
            park,
            year=year,
            lang=lang,
            viewer=st.viewer(),
            enterprise_code=enterprise,
            ruleset=ruleset,
            progress=progress,
            pictures=fmt != "xlsx",
        )
        progress(fmt.upper(), 0, 1)
        data = render.render(doc, fmt)
        progress(fmt.upper(), 1, 1)
    name = kind.replace("export:", "") + (f"-{enterprise}" if enterprise else "")
    target = out or Path(f"{park}-{name}-{lang}.{fmt}")
    target.write_bytes(data)
    from parkloop.reports.words import say

    console.print(say(lang, "wrote {path}", path=str(target)))
    return target


@app.command("annual")
def annual(
    ctx: typer.Context,
    park: ParkOpt,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    out: OutOpt = None,
) -> None:
    """The annual report on inputs, outputs and resource efficiency (forms A.4/A.5)."""
    write_document(ctx, "annual", park, _format(fmt, out), _lang(ctx, lang), out, year)


@app.command("public")
def public(
    ctx: typer.Context,
    park: ParkOpt,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    out: OutOpt = None,
) -> None:
    """The environmental and social report for publication: only what may be published."""
    write_document(ctx, "public", park, _format(fmt, out), _lang(ctx, lang), out, year)


@app.command("recp")
def recp(
    ctx: typer.Context,
    park: ParkOpt,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    out: OutOpt = None,
) -> None:
    """The RECP programme report: firms, solutions, MWh, m³, TJ, t chemicals, t CO2, VND."""
    write_document(ctx, "recp", park, _format(fmt, out), _lang(ctx, lang), out, year)


@app.command("enterprise")
def enterprise(
    ctx: typer.Context,
    park: ParkOpt,
    enterprise: Annotated[str, typer.Option("--enterprise", help="Enterprise code.")],
    year: YearOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    out: OutOpt = None,
) -> None:
    """An enterprise's annual forms B.4 and B.5."""
    write_document(
        ctx, "enterprise", park, _format(fmt, out), _lang(ctx, lang), out, year, enterprise
    )


@app.command("export")
def export(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(help="matches, accounting, optimisation or assessment.")],
    park: ParkOpt,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    out: OutOpt = None,
) -> None:
    """A workbook of the matches, the accounts, an optimisation or the assessment."""
    if what not in documents.EXPORTS:
        raise typer.BadParameter(" / ".join(documents.EXPORTS), param_hint="WHAT")
    write_document(
        ctx, f"export:{what}", park, _format(fmt, out, "xlsx"), _lang(ctx, lang), out, year
    )
