"""The parkloop command line: thin, every command calls a service."""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer

from parkloop.cli import (
    alerts,
    assess,
    data,
    db,
    demo,
    examples,
    io_records,
    matching,
    monitoring,
    optimize,
    records,
    registry,
    report,
    speech,
    web,
    worker,
)
from parkloop.cli.render import err_console
from parkloop.cli.state import SPOKEN, State
from parkloop.errors import UserError
from parkloop.services.session import (
    OPERATIONAL_ERRORS,
    Database,
    busy_message,
    database_error,
    mask_passwords,
)
from parkloop.settings import setting
from parkloop.web.i18n import said_in

app = typer.Typer(
    name="parkloop",
    help="Run the circular economy of industrial parks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=speech.SpokenGroup,
)


@app.callback()
def options(
    ctx: typer.Context,
    database: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database URL (default: PARKLOOP_DATABASE_URL or ./parkloop.db)."
        ),
    ] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang", help="Language: vi or en.", is_eager=True, callback=speech.lang_option
        ),
    ] = setting("lang"),
    viewer: Annotated[
        str,
        typer.Option(
            "--as",
            help="Look as: admin, operator:PARK, enterprise:PARK:ORG, authority, "
            "facilitator:PARK[,PARK...], public.",
        ),
    ] = "admin",
) -> None:
    ctx.obj = State(database=Database(database), lang=lang, viewer_spec=viewer)


app.add_typer(db.app, name="db")
app.add_typer(registry.parks_app, name="parks")
app.add_typer(registry.enterprises_app, name="enterprises")
app.add_typer(registry.flows_app, name="flows")
app.add_typer(registry.listings_app, name="listings")
app.add_typer(registry.exchanges_app, name="exchanges")
app.add_typer(records.materials_app, name="materials")
records.register(
    registry.flows_app, registry.listings_app, registry.enterprises_app, registry.exchanges_app
)
data.register(app)
app.add_typer(examples.app, name="examples")
app.command("demo")(demo.demo)
app.command("serve")(web.serve)
app.command("worker")(worker.worker)
app.add_typer(web.users_app, name="users")
app.add_typer(web.tokens_app, name="tokens")
app.command("match")(matching.match)
app.add_typer(matching.matches_app, name="matches")
app.add_typer(matching.account_app, name="account")
assess.register(app)
optimize.register(app)
report.register(app)
alerts.register(app)
io_records.register(app)
monitoring.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: exit 0 on success, 1 on a user error, 2 on a usage error.

    A database that is busy, unreachable or failing is a message too, never a traceback.
    A refusal is said in the language of the run (--lang, else the lang setting).
    """
    spoken = SPOKEN.set(setting("lang"))
    try:
        app(args=argv)
    except UserError as exc:
        advice = busy_message(exc)
        said = said_in(SPOKEN.get(), exc)
        _fail(said if advice is None else f"{said}: {said_in(SPOKEN.get(), advice)}")
    except OPERATIONAL_ERRORS as exc:
        _fail(said_in(SPOKEN.get(), database_error(exc)))
    finally:
        SPOKEN.reset(spoken)


def _fail(message: str) -> NoReturn:
    err_console.print(
        f"[bold red]{speech.t('error:')}[/] {mask_passwords(message)}", highlight=False
    )
    sys.exit(1)
