"""parkloop examples list|load"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from parkloop.cli.render import console, number, print_json, progress_bar, say, table
from parkloop.cli.speech import later, t
from parkloop.cli.state import state
from parkloop.domain.enums import DataStatus
from parkloop.errors import msg
from parkloop.examples import EXAMPLES, load_example, load_monitoring
from parkloop.services.importing import ImportReport

if TYPE_CHECKING:
    from parkloop.examples.synthetic import CountryComparison

app = typer.Typer(help="Example datasets: list them, load one.", no_args_is_help=True)


@app.command("list")
def list_examples(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List the example datasets shipped with parkloop."""
    if as_json:
        print_json(
            [
                {"name": e.name, "title": e.title, "description": e.description}
                for e in EXAMPLES.values()
            ]
        )
        return
    table(
        t("Examples"),
        [t("name"), t("title"), t("description")],
        [[e.name, t(e.title), t(e.description)] for e in EXAMPLES.values()],
    )


@app.command("load")
def load(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Example name, e.g. nam-cau-kien.")],
    with_monitoring: Annotated[
        bool,
        typer.Option(
            "--monitoring",
            help="Also its monitoring stations, the park's intake limits and a month of "
            "synthetic readings (nam-cau-kien).",
        ),
    ] = False,
) -> None:
    """Load an example into the database (again: it updates, it does not duplicate)."""
    st = state(ctx)
    with progress_bar() as (_, progress):
        result = load_example(st.engine(create=True), name, progress=progress, viewer=st.viewer())
    report = result["import"]
    assert isinstance(report, ImportReport)
    console.print(
        t("loaded example [bold]{name}[/]: {rows} rows", name=name, rows=report.rows),
        highlight=False,
    )
    if result["evidence"]:
        console.print(t("evidence records: {count}", count=result["evidence"]))
    if with_monitoring:
        done = load_monitoring(st.engine(), name, viewer=st.viewer())
        console.print(
            t(
                "monitoring: {stations} station(s), {written} of {readings} readings stored",
                stations=done["stations"],
                written=done["written"],
                readings=done["readings"],
            ),
            highlight=False,
        )


@app.command("generate")
def generate(
    ctx: typer.Context,
    enterprises: Annotated[int, typer.Option(help="Number of enterprises.", min=1)] = 100_000,
    parks: Annotated[int, typer.Option(help="Number of parks.", min=1)] = 450,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 1,
    year: Annotated[int, typer.Option(help="Inventory year of the flows.")] = 2024,
) -> None:
    """Generate a synthetic national dataset (marked synthetic) for scale tests, and print its
    national totals beside the published figures it is calibrated to."""
    from parkloop.examples.synthetic import compare
    from parkloop.examples.synthetic import generate as run
    from parkloop.services.confidentiality import require_admin

    st = state(ctx)
    require_admin(st.viewer(), msg("generate a synthetic dataset"))
    with progress_bar() as (_, progress):
        counts = run(
            st.engine(create=True), enterprises, parks, seed=seed, year=year, progress=progress
        )
    console.print(
        t(
            "generated {parks} parks, {enterprises} enterprises, {partners} partners and "
            "{flows} flows (seed {seed}, year {year})",
            parks=counts.parks,
            enterprises=counts.enterprises,
            partners=counts.partners,
            flows=counts.flows,
            seed=str(counts.seed),
            year=counts.year,
        )
    )
    _print_comparison(compare(st.engine(), counts.year), st.lang)


# How each unit of the comparison prints: divisor and unit (a word of the catalogs).
_UNITS = {
    "enterprises": (1.0, later("enterprises")),
    "persons": (1e3, later("thousand persons")),
    "t/yr": (1e3, later("thousand t/yr")),
    "m3/yr": (1e6, later("million m3/yr")),
    "VND/yr": (1e12, later("trillion VND/yr")),
}


def _print_comparison(country: CountryComparison, lang: str) -> None:
    rows = []
    for r in country.rows:
        scale, unit = _UNITS[r.unit]
        rows.append(
            [
                say(lang, r.label_en, r.label_vi),
                t(unit),
                number(r.published / scale, lang),
                number(r.expected / scale, lang),
                number(r.generated / scale, lang),
                number(r.ratio, lang, 2),
                "; ".join(DataStatus(x).label(lang) for x in r.status.split("; ")),
            ]
        )
    share = number(country.share, lang, 3)
    table(
        t("National totals of the generated data beside the published figures"),
        [
            t("yearly total"),
            t("unit"),
            t("published, nation"),
            t("published × {share}", share=share),
            t("generated"),
            t("generated ÷ expected"),
            t("status"),
        ],
        rows,
        numeric=(2, 3, 4, 5),
        caption=t(
            "The generated enterprises are {share} times the nation's enterprises in the "
            "templates' VSIC divisions; figures and sources: "
            "parkloop/examples/synthetic_statistics.csv, method: docs/methods/synthetic.md.",
            share=share,
        ),
    )
