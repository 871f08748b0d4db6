"""Long work as background jobs whose progress a page can show (see docs/jobs.md).

A job is a row of the ``jobs`` table and one of the kinds in :data:`KINDS`, a small
function of its parameters. :func:`submit` writes the row and hands it to a runner: on
PostgreSQL the procrastinate queue that ``parkloop worker`` processes serve
(:mod:`parkloop.services.worker`), on SQLite a small thread pool inside the process that
submitted it (``parkloop serve``). :func:`run` claims the job, runs it while a heartbeat
thread writes its progress a few times a second, and stores its outcome: a JSON summary,
or a one-line message and, for rejected input, the problems of the rows.

A job whose worker stopped (killed, machine lost) is found by its silent heartbeat and
marked failed; it is never started again by itself, so no job runs twice at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import psycopg
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from parkloop.domain.permissions import Record, Role, Viewer, can_record, sees_everything_of
from parkloop.errors import NotAllowed, NotFound, UserError, Word, as_json, msg
from parkloop.jsonable import jsonable
from parkloop.services.importing import ImportProblems, ImportReport, import_path
from parkloop.services.session import database_error_message, is_busy, mask_passwords, one_line
from parkloop.settings import seconds
from parkloop.store import jobs as store
from parkloop.store import writes

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

STOPPED = "the worker running it stopped; run it again"
# Progress is written at most this often (seconds), whatever the work reports.
PROGRESS_EVERY_S = 0.25
# On SQLite an import holds the one write lock while it writes; a heartbeat waits this
# long for it (milliseconds), then skips that beat.
SQLITE_BEAT_WAIT_MS = 50
IN_PROCESS_THREADS = 2
# Rows of a result kept in the job row; the rest are counted.
RESULT_ROWS = 500
SHOWN_MATCHES = 50


class JobLost(Exception):
    """The job was declared stopped while this process was running it (its heartbeat
    could not be written in time); the work is abandoned and, for an import, rolled back."""


@dataclass(frozen=True, slots=True)
class Work:
    """What a job kind gets: the database, its parameters, whose job it is, and where to
    report progress."""

    engine: Engine
    params: dict[str, Any]
    viewer: Viewer
    actor: str
    progress: Progress
    job_id: int = 0


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of job: the function doing it, and the checks its parameters must pass
    before it is queued."""

    run: Callable[[Work], dict[str, Any]]
    check: Callable[[dict[str, Any]], None]
    park: Callable[[dict[str, Any]], str | None]


# -- the job kinds --------------------------------------------------------------------------------


def import_job(work: Work) -> dict[str, Any]:
    """Import an uploaded workbook, CSV folder or export (all of it or nothing). A file
    uploaded through a page is kept in the job's row, so a worker on another machine can
    read it; it is written to a private folder for the importer and removed after."""
    p = work.params
    with _import_source(work) as path:
        report = import_path(
            work.engine,
            path,
            dry_run=bool(p.get("dry_run", False)),
            decimal=p.get("decimal"),
            park=p.get("park"),
            progress=work.progress,
            actor=work.actor or None,
            viewer=work.viewer,
        )
    return import_summary(report)


@contextmanager
def _import_source(work: Work) -> Iterator[Path]:
    upload = work.params.get("upload")
    if not upload:
        yield Path(work.params["path"])
        return
    with work.engine.connect() as conn:
        data = store.payload_of(conn, work.job_id)
    if data is None:
        raise UserError(
            msg("{upload}: the uploaded file is no longer kept; upload it again", upload=upload)
        )
    with tempfile.TemporaryDirectory(prefix="parkloop-upload-") as folder:
        path = Path(folder) / Path(upload).name
        path.write_bytes(data)
        yield path


def _check_import(params: dict[str, Any]) -> None:
    path = params.get("path")
    if params.get("upload"):
        if path:
            raise UserError(msg("an import job reads an upload or a path, not both"))
        return
    if not path:
        raise UserError(msg("an import job needs the path of the file to import"))
    if not Path(path).exists():
        raise UserError(msg("{name}: the file to import is not there", name=Path(path).name))
    if params.get("decimal") not in (None, "auto", ".", ","):
        raise UserError(msg("decimal mark '{decimal}': use '.' or ','", decimal=params["decimal"]))


def match_job(work: Work) -> dict[str, Any]:
    """Match supplies with demands in a park or a region; proposals are saved when the
    viewer may save them (the administrator, the operator of the park)."""
    # Matching and optimisation are slow to import (numpy, scipy, the solvers): only the
    # processes that run such a job pay for them.
    from parkloop.services import matching

    p = work.params
    save = p.get("save")
    if save is None:
        save = _may_save(work.engine, work.viewer, p.get("park"))
    run = matching.run_matching(
        work.engine,
        park=p.get("park"),
        region=p.get("region"),
        all_parks=bool(p.get("all_parks", False)),
        radius_km=p.get("radius_km"),
        top=int(p.get("top", 5)),
        year=p.get("year"),
        save=bool(save),
        progress=work.progress,
        viewer=work.viewer,
    )
    return json_object(
        {
            "scope": run.scope,
            "year": run.year,
            "parameters": run.parameters,
            "supplies": run.supplies,
            "demands": run.demands,
            "matches": len(run),
            "saved": bool(save),
            "inventory": run.inventory,
            "seconds": run.seconds,
            "best": [matching.match_view(m, work.viewer) for m in run.best(SHOWN_MATCHES)],
        }
    )


def optimize_job(work: Work) -> dict[str, Any]:
    """Optimise the exchange network of a park or a region; the plan is saved when the
    viewer may save it."""
    from parkloop.optimize import NET_BENEFIT
    from parkloop.services import optimize

    p = work.params
    save = p.get("save")
    if save is None:
        save = _may_save(work.engine, work.viewer, p.get("park"))
    work.progress("optimising", 0, 1)
    run = optimize.optimise_network(
        work.engine,
        viewer=work.viewer,
        park=p.get("park"),
        region=p.get("region"),
        all_parks=bool(p.get("all_parks", False)),
        objective=p.get("objective") or NET_BENEFIT,
        budget_vnd=p.get("budget_vnd"),
        co2_cap_t=p.get("co2_cap_t"),
        treatment_capacity=p.get("treatment_capacity"),
        time_limit_s=float(p.get("time_limit_s", 60.0)),
        mip_gap=float(p.get("mip_gap", 0.01)),
        top=int(p.get("top", 10)),
        year=p.get("year"),
        save=bool(save),
    )
    work.progress("optimised", 1, 1)
    return json_object({**run.view(work.viewer, limit=SHOWN_MATCHES), "saved": bool(save)})


def resilience_job(work: Work) -> dict[str, Any]:
    """What breaks when an enterprise of a park leaves (one, or each in turn), from the
    records the viewer may see."""
    from parkloop.services import scenarios

    p = work.params
    report = scenarios.resilience_view(
        work.engine,
        str(p["park"]),
        work.viewer,
        enterprise=p.get("enterprise") or None,
        budget_vnd=p.get("budget_vnd"),
        top=int(p.get("top", 10)),
        year=p.get("year"),
        progress=work.progress,
    )
    return json_object(report)


def pareto_job(work: Work) -> dict[str, Any]:
    """The trade-off between money and CO2e of a park's network, from the records the
    viewer may see."""
    from parkloop.services import scenarios

    p = work.params
    curve = scenarios.pareto_view(
        work.engine,
        str(p["park"]),
        work.viewer,
        points=int(p.get("points", 5)),
        budget_vnd=p.get("budget_vnd"),
        co2_cap_t=p.get("co2_cap_t"),
        top=int(p.get("top", 10)),
        year=p.get("year"),
        progress=work.progress,
    )
    return json_object(curve)


def _check_analysis(kind: str) -> Callable[[dict[str, Any]], None]:
    def check(params: dict[str, Any]) -> None:
        from parkloop.services import computed

        computed.check_params(kind, params)

    return check


def _check_scope(params: dict[str, Any]) -> None:
    scopes = [k for k in ("park", "region", "all_parks") if params.get(k)]
    if len(scopes) != 1:
        raise UserError(msg("say which scope: one park, one region, or all parks"))


def _check_optimize(params: dict[str, Any]) -> None:
    from parkloop.optimize import CO2, NET_BENEFIT

    _check_scope(params)
    if params.get("objective") not in (None, NET_BENEFIT, CO2):
        raise UserError(
            msg(
                "objective '{objective}': use {net_benefit} or {co2}",
                objective=params["objective"],
                net_benefit=NET_BENEFIT,
                co2=CO2,
            )
        )


def _park_param(params: dict[str, Any]) -> str | None:
    park = params.get("park")
    return str(park) if park else None


def _may_save(engine: Engine, viewer: Viewer, park: str | None) -> bool:
    """Whether a run saves its proposals: the administrator's always, an operator's when
    it is of its own park; anyone else only sees them."""
    if viewer.role is Role.ADMIN:
        return True
    if park is None or viewer.role is not Role.OPERATOR:
        return False
    with engine.connect() as conn:
        park_id = writes.park_ids(conn, [park]).get(park)
    return park_id is not None and sees_everything_of(viewer, park_id)


# Kinds that compute a scenario or an analysis of a park from the records the viewer may
# see (``permissions.can_record`` with ``Record.SCENARIO``).
SCENARIOS = frozenset({"optimize", "resilience", "pareto"})


def _may_run(conn: Connection, viewer: Viewer, park: str) -> None:
    park_id = writes.park_ids(conn, [park]).get(park)
    if park_id is not None and not can_record(viewer, park_id, Record.SCENARIO):
        raise NotAllowed(
            msg(
                "{who} may not run scenarios of park '{park}': only an account whose "
                "province, region or country holds the park may",
                who=viewer.name or Word(viewer.role.value),
                park=park,
            )
        )


KINDS: dict[str, Kind] = {
    "import": Kind(import_job, _check_import, _park_param),
    "match": Kind(match_job, _check_scope, _park_param),
    "optimize": Kind(optimize_job, _check_optimize, _park_param),
    "resilience": Kind(resilience_job, _check_analysis("resilience"), _park_param),
    "pareto": Kind(pareto_job, _check_analysis("pareto"), _park_param),
}


# -- results --------------------------------------------------------------------------------------


def import_summary(report: ImportReport) -> dict[str, Any]:
    """What an import did, for the job row: counts, warnings, readings and changes (the
    long lists cut to their first rows and counted)."""
    summary = report.as_dict()
    for key in ("readings", "changes"):
        rows = summary[key]
        if len(rows) > RESULT_ROWS:
            summary[key] = rows[:RESULT_ROWS]
            summary[f"{key}_total"] = len(rows)
    return json_object(summary)


def json_object(value: dict[str, Any]) -> dict[str, Any]:
    """``value`` as plain JSON (numpy numbers, dates and enums turned into JSON's own)."""
    out: dict[str, Any] = jsonable(value)
    return out


def problems_result(exc: ImportProblems) -> dict[str, Any]:
    """The problems of rejected input, one per row of a table the page shows."""
    problems = [p.kept() for p in exc.problems[:RESULT_ROWS]]
    result: dict[str, Any] = {"problems": problems, "said": as_json(exc.said)}
    if len(exc.problems) > RESULT_ROWS:
        result["problems_total"] = len(exc.problems)
    return result


def unexpected_message(exc: BaseException) -> str:
    """One line for an error no one foresaw; its traceback goes to the log."""
    if isinstance(exc, (SQLAlchemyError, sqlite3.Error, psycopg.Error)):
        return database_error_message(exc)
    reason = mask_passwords(one_line(str(exc)))[:300]
    shown = f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__
    return f"the job stopped on an unexpected error ({shown}); the server log has the details"


# -- submitting, running, looking -----------------------------------------------------------------


def submit(
    engine: Engine,
    kind: str,
    params: dict[str, Any],
    viewer: Viewer,
    user_id: int | None = None,
    payload: bytes | None = None,
) -> int:
    """Queue a job of ``kind`` for ``viewer`` (the account ``user_id``, when there is one)
    and hand it to the runner; its id. ``payload`` is an uploaded file the job reads (an
    import's ``upload`` parameter names it). Parameters that cannot work are refused here."""
    found = KINDS.get(kind)
    if found is None:
        raise UserError(msg("no job kind '{kind}'; use one of: {kinds}", kind=kind, kinds=KINDS))
    params = {k: v for k, v in params.items() if k != "viewer"}
    found.check(params)
    params["viewer"] = viewer_params(viewer)
    fail_stale(engine)
    with engine.begin() as conn:
        park = found.park(params)
        if park is not None and kind in SCENARIOS:
            _may_run(conn, viewer, park)
        if park is None and viewer.park_id is not None:
            park = store.park_code(conn, viewer.park_id)
        job_id = store.create(
            conn,
            kind,
            jsonable(params),
            actor=viewer.name or viewer.role.value,
            user_id=user_id,
            park_code=park or "",
            now=_now(),
            payload=payload,
        )
    try:
        runner_for(engine).start(engine, job_id)
    except Exception as exc:
        message = msg(
            "the job could not be handed to a worker: {reason}", reason=unexpected_message(exc)
        )
        logger.exception("job %s: %s", job_id, message)
        with engine.begin() as conn:
            store.fail(conn, job_id, str(message), _now())
        raise UserError(message) from exc
    return job_id


def run(engine: Engine, job_id: int, worker: str | None = None) -> str | None:
    """Claim job ``job_id`` and run it to its end: its final status, or None when it was
    not there to claim (another worker has it, or it ended)."""
    worker = worker or worker_name()
    with engine.begin() as conn:
        claimed = store.claim(conn, job_id, worker, _now())
        job = store.get(conn, job_id) if claimed else None
    if job is None:
        logger.info("job %s: not queued any more; left alone", job_id)
        return None
    kind = KINDS.get(job["kind"])
    params = dict(job["params"] or {})
    viewer = viewer_from(params.pop("viewer", None))
    logger.info("job %s (%s) started by %s for %s", job_id, job["kind"], worker, job["actor"])
    with _running(job_id), Heartbeat(engine, job_id, worker) as beat:
        result: dict[str, Any] = {}
        message = ""
        try:
            if kind is None:
                raise UserError(
                    msg("no job kind '{kind}' in this version of parkloop", kind=job["kind"])
                )
            result = kind.run(Work(engine, params, viewer, job["actor"], beat.progress, job_id))
        except JobLost:
            logger.warning("job %s: declared stopped while running here; abandoned", job_id)
            return store.FAILED
        except ImportProblems as exc:
            message, result = exc.message, problems_result(exc)
        except UserError as exc:
            message, result = exc.message, {"details": exc.details} if exc.details else {}
        except Exception as exc:
            logger.exception("job %s (%s) failed", job_id, job["kind"])
            message = unexpected_message(exc)
        except BaseException:
            with engine.begin() as conn:
                store.fail(conn, job_id, "the job was interrupted; run it again", _now())
            raise
    with engine.begin() as conn:
        if message:
            ended = store.fail(conn, job_id, message, _now(), result=result, worker=worker)
        else:
            ended = store.finish(conn, job_id, worker, result, _now())
    status = store.FAILED if message else store.DONE
    if not ended:
        logger.warning("job %s: declared stopped before it ended here; outcome dropped", job_id)
        return store.FAILED
    logger.info("job %s %s%s", job_id, status, f": {message}" if message else "")
    return status


def status(
    engine: Engine, job_id: int, viewer: Viewer, user_id: int | None = None
) -> dict[str, Any]:
    """A job as a page shows it: status, stage, progress, message and result. Only its
    creator, the operator of its park and the administrator may see it."""
    with engine.connect() as conn:
        job = store.get(conn, job_id, viewer, user_id)
    if job is None:
        raise NotFound(msg("no job {job_id}, or not one you may see", job_id=str(job_id)))
    if job["status"] == store.RUNNING and job_id not in _local_jobs():
        cutoff = _now() - dt.timedelta(seconds=stale_after_s())
        with engine.begin() as conn:
            if store.fail(conn, job_id, STOPPED, _now(), stale_before=cutoff):
                job = store.get(conn, job_id) or job
    return job_view(job, engine)


def jobs_for(
    engine: Engine,
    viewer: Viewer,
    user_id: int | None = None,
    park: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """The newest jobs ``viewer`` may see (of one park, if given), without their results."""
    with engine.connect() as conn:
        rows = store.listed(conn, viewer, user_id, park_code=park, limit=limit)
    return [job_view(r, engine) for r in rows]


def job_view(job: dict[str, Any], engine: Engine) -> dict[str, Any]:
    params = {k: v for k, v in (job["params"] or {}).items() if k != "viewer"}
    if "path" in params:
        # Where the server keeps an upload is its own business; the file name is enough.
        params["file"] = Path(params.pop("path")).name
    if "upload" in params:
        params["file"] = Path(params.pop("upload")).name
    total, done = job["total"] or 0, job["done"] or 0
    view: dict[str, Any] = {
        "id": job["id"],
        "kind": job["kind"],
        "status": job["status"],
        "stage": job["stage"],
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else None,
        "message": job["message"],
        "params": params,
        "actor": job["actor"],
        "park": job["park_code"] or None,
        "attempts": job["attempts"],
        "created_at": _aware(job["created_at"]),
        "started_at": _aware(job["started_at"]),
        "heartbeat_at": _aware(job["heartbeat_at"]),
        "finished_at": _aware(job["finished_at"]),
    }
    if "result" in job:
        view["result"] = job["result"] or {}
    if job["status"] == store.QUEUED and engine.dialect.name == "postgresql":
        view["waiting"] = "waiting for a worker (started with `parkloop worker`)"
    return json_object(view)


def state_of(engine: Engine, job_id: int) -> str | None:
    """A job's status for the workers' bookkeeping, whoever's it is."""
    with engine.connect() as conn:
        return store.status_of(conn, job_id)


def fail_stale(engine: Engine) -> list[int]:
    """Mark failed the running jobs whose heartbeat stopped more than ``job_stale_after_s``
    ago (their worker was killed or lost): ids of those marked. Jobs this process runs
    itself are alive, whatever their heartbeat says (on SQLite an import's write keeps
    the heartbeat out)."""
    now = _now()
    cutoff = now - dt.timedelta(seconds=stale_after_s())
    marked = []
    with engine.begin() as conn:
        for job_id in store.stale_running(conn, cutoff, exclude=_local_jobs()):
            if store.fail(conn, job_id, STOPPED, now, stale_before=cutoff):
                marked.append(job_id)
    for job_id in marked:
        logger.warning("job %s: %s", job_id, STOPPED)
    return marked


# -- viewers, names and time ----------------------------------------------------------------------


def viewer_params(viewer: Viewer) -> dict[str, Any]:
    return {
        "role": viewer.role.value,
        "park_id": viewer.park_id,
        "org_id": viewer.org_id,
        "name": viewer.name,
        "parks": sorted(viewer.parks),
        "scope": None if viewer.scope is None else sorted(viewer.scope),
    }


def viewer_from(params: dict[str, Any] | None) -> Viewer:
    """The viewer a job was submitted by; a row without one is refused everything."""
    if not params:
        return Viewer(Role.PUBLIC, name="unknown")
    scope = params.get("scope")
    return Viewer(
        Role(params["role"]),
        park_id=params.get("park_id"),
        org_id=params.get("org_id"),
        name=params.get("name") or "",
        parks=frozenset(params.get("parks") or ()),
        scope=None if scope is None else frozenset(scope),
    )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_after_s() -> float:
    """Seconds without a heartbeat after which a running job counts as stopped."""
    return max(seconds("job_stale_after_s"), 1.0)


def heartbeat_every_s() -> float:
    """How often a running job says it is alive, well inside the stale limit."""
    return min(max(stale_after_s() / 4, PROGRESS_EVERY_S), 10.0)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back the UTC times it was given without their zone.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


_LOCAL_LOCK = threading.Lock()
_LOCAL: set[int] = set()


@contextmanager
def _running(job_id: int) -> Iterator[None]:
    with _LOCAL_LOCK:
        _LOCAL.add(job_id)
    try:
        yield
    finally:
        with _LOCAL_LOCK:
            _LOCAL.discard(job_id)


def _local_jobs() -> set[int]:
    with _LOCAL_LOCK:
        return set(_LOCAL)


# -- the heartbeat --------------------------------------------------------------------------------


class Heartbeat:
    """A thread writing a running job's latest progress at most every
    :data:`PROGRESS_EVERY_S`, and at least every :func:`heartbeat_every_s` even when the
    work reports nothing (a long solve, a big query), so a stopped worker shows."""

    def __init__(self, engine: Engine, job_id: int, worker: str) -> None:
        self.engine = engine
        self.job_id = job_id
        self.worker = worker
        self.lost = False
        self._latest = ("started", 0, 0)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True
        )

    def progress(self, stage: str, done: int, total: int) -> None:
        """What the work reports; cheap, as it is called for every batch of rows."""
        if self.lost:
            raise JobLost(f"job {self.job_id} was declared stopped")
        with self._lock:
            self._latest = (stage, int(done), int(total))

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        every = heartbeat_every_s()
        written: tuple[str, int, int] | None = None
        last = time.monotonic()
        while not self._stop.wait(PROGRESS_EVERY_S):
            with self._lock:
                latest = self._latest
            if latest == written and time.monotonic() - last < every:
                continue
            ours = self._write(*latest)
            if ours is None:
                continue
            written, last = latest, time.monotonic()
            if not ours:
                self.lost = True
                return

    def _write(self, stage: str, done: int, total: int) -> bool | None:
        """Whether the job is still this worker's; None when the write had to be skipped."""
        try:
            with _quick(self.engine) as conn:
                return store.progress(conn, self.job_id, self.worker, stage, done, total, _now())
        except (SQLAlchemyError, sqlite3.Error, psycopg.Error) as exc:
            if not is_busy(exc):
                logger.warning("job %s: progress not written: %s", self.job_id, one_line(str(exc)))
            return None


@contextmanager
def _quick(engine: Engine) -> Iterator[Connection]:
    """A transaction for bookkeeping that must not wait: on SQLite it gives up after
    :data:`SQLITE_BEAT_WAIT_MS` instead of the busy timeout."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    with engine.connect() as conn:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BEAT_WAIT_MS}")
        conn.commit()  # the pragma began a transaction of its own
        try:
            with conn.begin():
                yield conn
        finally:
            busy_ms = round(seconds("sqlite_busy_timeout_s") * 1000)
            conn.exec_driver_sql(f"PRAGMA busy_timeout={busy_ms}")


# -- runners --------------------------------------------------------------------------------------


class Runner(Protocol):
    def start(self, engine: Engine, job_id: int) -> None: ...


class InProcessRunner:
    """SQLite: jobs run in a small thread pool of this process (``parkloop serve``),
    created on the first job. SQLite takes one writer at a time, so more threads would
    only wait for each other."""

    def __init__(self, threads: int = IN_PROCESS_THREADS) -> None:
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self, engine: Engine, job_id: int) -> None:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="parkloop-job")
            pool = self._pool
        name = f"{worker_name()} (in-process)"
        pool.submit(self._run, engine, job_id, name)

    @staticmethod
    def _run(engine: Engine, job_id: int, name: str) -> None:
        try:
            run(engine, job_id, name)
        except Exception:
            logger.exception("job %s: the runner failed", job_id)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait``, let the running ones end first."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)


IN_PROCESS = InProcessRunner()


def runner_for(engine: Engine) -> Runner:
    """The procrastinate queue on PostgreSQL, the in-process pool on SQLite."""
    if engine.dialect.name == "postgresql":
        from parkloop.services.worker import QUEUE_RUNNER

        return QUEUE_RUNNER
    return IN_PROCESS
