"""parkloop examples list|load"""

from __future__ import annotations

from typing import Annotated

import typer

from parkloop.cli.render import console, print_json, progress_bar, table
from parkloop.cli.state import state
from parkloop.examples import EXAMPLES, load_example
from parkloop.services.importing import ImportReport

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
        "Examples",
        ["name", "title", "description"],
        [[e.name, e.title, e.description] for e in EXAMPLES.values()],
    )


@app.command("load")
def load(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Example name, e.g. nam-cau-kien.")],
) -> None:
    """Load an example into the database (again: it updates, it does not duplicate)."""
    st = state(ctx)
    with progress_bar() as (_, progress):
        result = load_example(st.engine(create=True), name, progress=progress, viewer=st.viewer())
    report = result["import"]
    assert isinstance(report, ImportReport)
    console.print(f"loaded example [bold]{name}[/]: {report.rows:,} rows", highlight=False)
    if result["evidence"]:
        console.print(f"evidence records: {result['evidence']}")


@app.command("generate")
def generate(
    ctx: typer.Context,
    enterprises: Annotated[int, typer.Option(help="Number of enterprises.", min=1)] = 100_000,
    parks: Annotated[int, typer.Option(help="Number of parks.", min=1)] = 450,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 1,
    year: Annotated[int, typer.Option(help="Inventory year of the flows.")] = 2024,
) -> None:
    """Generate a synthetic national dataset (marked synthetic) for scale tests."""
    from parkloop.examples.synthetic import generate as run
    from parkloop.services.confidentiality import require_admin

    st = state(ctx)
    require_admin(st.viewer(), "generate a synthetic dataset")
    with progress_bar() as (_, progress):
        counts = run(
            st.engine(create=True), enterprises, parks, seed=seed, year=year, progress=progress
        )
    console.print(
        f"generated {counts.parks} parks, {counts.enterprises} enterprises, "
        f"{counts.partners} partners "
        f"and {counts.flows} flows (seed {counts.seed}, year {counts.year})"
    )
