"""parkloop worker"""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from parkloop.cli.render import err_console
from parkloop.cli.speech import t
from parkloop.cli.state import state
from parkloop.errors import UserError, msg
from parkloop.services import worker as service
from parkloop.services.confidentiality import require_admin


def worker(
    ctx: typer.Context,
    concurrency: Annotated[
        int, typer.Option("--concurrency", help="Jobs this worker runs at a time.", min=1, max=32)
    ] = 2,
) -> None:
    """Run background jobs (imports, matching, optimisation) queued by `parkloop serve`
    on the PostgreSQL database, until stopped with Ctrl+C."""
    st = state(ctx)
    if make_url(st.database.resolved_url).get_backend_name() != "postgresql":
        raise UserError(
            msg("on SQLite, jobs run inside `parkloop serve`; a worker needs PostgreSQL")
        )
    require_admin(st.viewer(), msg("run a job worker"))
    engine = st.engine()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    err_console.print(
        t(
            "worker on {database}: {count} jobs at a time; stop with Ctrl+C (running jobs end "
            "first)",
            database=st.database.shown,
            count=concurrency,
        ),
        highlight=False,
    )
    service.main(engine, concurrency)
