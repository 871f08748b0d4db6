"""parkloop db ..."""

from __future__ import annotations

import typer

from parkloop.cli.render import console
from parkloop.cli.state import state
from parkloop.store import db

app = typer.Typer(help="Create, upgrade and inspect the database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Create the schema, or upgrade it to the newest version."""
    database = state(ctx).database
    engine = db.make_engine(database.url)
    before = db.current_revision(engine)
    db.upgrade(engine)
    after = db.current_revision(engine)
    where = database.resolved_url.split("@")[-1]
    if before == after:
        console.print(f"database {where} is up to date (schema {after})")
    else:
        console.print(f"database {where}: schema {before or 'none'} -> {after}")


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Show the schema version of the database and the newest one."""
    engine = db.make_engine(state(ctx).database.url)
    console.print(f"current: {db.current_revision(engine)}  newest: {db.head_revision(engine)}")
