"""parkloop db ..."""

from __future__ import annotations

import typer

from parkloop.cli.render import console
from parkloop.cli.speech import t
from parkloop.cli.state import state
from parkloop.errors import msg
from parkloop.services.confidentiality import require_admin

app = typer.Typer(help="Create, upgrade and inspect the database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Create the schema, or upgrade it to the newest version (the administrator only)."""
    st = state(ctx)
    require_admin(st.viewer(), msg("upgrade the database"))
    database = st.database
    before, after = database.upgrade()
    if before == after:
        console.print(
            t(
                "database {database} is up to date (schema {after})",
                database=database.shown,
                after=after,
            ),
            highlight=False,
        )
    else:
        console.print(
            t(
                "database {database}: schema {before} -> {after}",
                database=database.shown,
                before=before or t("none"),
                after=after,
            ),
            highlight=False,
        )


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Show the schema version of the database and the newest one; change nothing."""
    current, newest = state(ctx).database.status()
    console.print(
        t("current: {current}  newest: {newest}", current=current or t("none"), newest=newest),
        highlight=False,
    )
