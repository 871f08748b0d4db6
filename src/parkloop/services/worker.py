"""Job workers on PostgreSQL, with procrastinate (see docs/jobs.md).

:func:`parkloop.services.jobs.submit` writes a job's row and defers the task
``parkloop.run_job(job_id)`` on procrastinate's queue in the same database; any
``parkloop worker`` process, on any machine that reaches the database, takes it and calls
:func:`parkloop.services.jobs.run`. procrastinate's own tables are created by
:func:`ensure_schema` (idempotent) when a worker starts and when a process first defers
a job.

Killed workers: each worker checks every few seconds for jobs whose heartbeat stopped
(ours, per job) and marks them failed; procrastinate's stalled jobs (its own heartbeat,
per worker) are settled with it: a job the dead worker had taken but not started is
queued again with procrastinate's retry, any other is closed in procrastinate's table
with the outcome our row holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading

from procrastinate import App, PsycopgConnector
from procrastinate.jobs import Status
from procrastinate.schema import SchemaManager
from sqlalchemy import Engine

from parkloop.services import jobs
from parkloop.store import jobs as store

logger = logging.getLogger(__name__)

QUEUE = "parkloop"
TASK = "parkloop.run_job"
# A table of procrastinate's schema: when it exists, the schema has been applied.
SCHEMA_PROBE = "procrastinate_jobs"


def conninfo(engine: Engine) -> str:
    """The libpq URL procrastinate connects with: the engine's, without SQLAlchemy's
    driver name."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(engine: Engine, *, min_size: int = 4, max_size: int | None = None) -> App:
    """A procrastinate app on ``engine``'s database whose one task runs our jobs there,
    with a pool of ``min_size`` to ``max_size`` connections."""
    connector = PsycopgConnector(
        conninfo=conninfo(engine), min_size=min_size, max_size=max_size or min_size
    )
    app = App(connector=connector)

    @app.task(name=TASK, queue=QUEUE)
    def run_job(job_id: int) -> None:
        jobs.run(engine, job_id)

    return app


def ensure_schema(engine: Engine) -> bool:
    """Create procrastinate's tables in ``engine``'s PostgreSQL database unless they
    exist; True when they were created."""
    with engine.begin() as conn:
        created = store.ensure_queue_schema(conn, SchemaManager.get_schema(), SCHEMA_PROBE)
    if created:
        logger.info("created the job queue's tables (procrastinate)")
    return created


class QueueRunner:
    """Hands jobs to the workers through procrastinate; one app (and a small pool of
    connections) per database, opened when the process first defers a job."""

    def __init__(self) -> None:
        self._apps: dict[str, App] = {}
        self._lock = threading.Lock()

    def start(self, engine: Engine, job_id: int) -> None:
        self._app(engine).configure_task(TASK).defer(job_id=job_id)

    def _app(self, engine: Engine) -> App:
        key = conninfo(engine)
        with self._lock:
            app = self._apps.get(key)
            if app is None:
                ensure_schema(engine)
                app = make_app(engine, min_size=1, max_size=2).open()
                self._apps[key] = app
            return app

    def close(self) -> None:
        """Close the connections of every app (the web server calls it on shutdown)."""
        with self._lock:
            apps, self._apps = list(self._apps.values()), {}
        for app in apps:
            app.close()


QUEUE_RUNNER = QueueRunner()


def main(
    engine: Engine,
    concurrency: int = 2,
    *,
    wait: bool = True,
    install_signal_handlers: bool = True,
) -> None:
    """Run a worker on ``engine``'s PostgreSQL database: ``concurrency`` jobs at a time,
    until stopped (Ctrl+C or SIGTERM let running jobs end first), or without ``wait``
    until the queue is empty."""
    ensure_schema(engine)
    jobs.fail_stale(engine)
    # procrastinate's own work (listening, heartbeats, job states) needs a few connections
    # beside those of the running jobs.
    app = make_app(engine, min_size=2, max_size=concurrency + 3)
    asyncio.run(_work(app, engine, concurrency, wait, install_signal_handlers))


async def _work(
    app: App, engine: Engine, concurrency: int, wait: bool, install_signal_handlers: bool
) -> None:
    stale = jobs.stale_after_s()
    async with app.open_async():
        checks = asyncio.create_task(_check_forever(app, engine, stale))
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                name=jobs.worker_name(),
                concurrency=concurrency,
                wait=wait,
                install_signal_handlers=install_signal_handlers,
                update_heartbeat_interval=jobs.heartbeat_every_s(),
                stalled_worker_timeout=stale,
                delete_jobs="successful",
            )
        finally:
            checks.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await checks


async def _check_forever(app: App, engine: Engine, stale: float) -> None:
    while True:
        try:
            await check_stalled(app, engine, stale)
        except Exception:
            logger.exception("the check for stopped jobs failed; trying again")
        await asyncio.sleep(min(max(stale / 2, 0.5), 30.0))


async def check_stalled(app: App, engine: Engine, stale: float) -> None:
    """Mark failed the jobs whose heartbeat stopped, and settle the procrastinate jobs of
    workers that stopped sending theirs."""
    await asyncio.to_thread(jobs.fail_stale, engine)
    stalled = await app.job_manager.get_stalled_jobs(
        queue=QUEUE, task_name=TASK, seconds_since_heartbeat=stale
    )
    for job in stalled:
        job_id = job.task_kwargs.get("job_id")
        if not isinstance(job_id, int):
            continue
        state = await asyncio.to_thread(jobs.state_of, engine, job_id)
        if state == store.QUEUED:
            # Taken by a worker that stopped before starting it: safe to hand out again.
            logger.warning("job %s: its worker stopped before starting it; queued again", job_id)
            await app.job_manager.retry_job(job)
        elif state != store.RUNNING:
            # Ours ended (or is gone): close procrastinate's record the same way.
            done = Status.SUCCEEDED if state == store.DONE else Status.FAILED
            await app.job_manager.finish_job(job, status=done, delete_job=False)
        # Running with a live heartbeat of ours: its thread still works; look again later.
