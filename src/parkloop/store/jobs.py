"""Background jobs: their rows, progress and outcome (see docs/jobs.md and
parkloop.services.jobs).

Every change of state is one conditional UPDATE, so two processes can never both start a
job, and a worker that lost its job (another process declared it stopped) cannot write
over the outcome it was given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, false, func, or_, select, text, true, update

from parkloop.domain.permissions import Role, Viewer
from parkloop.store.schema import change_log, jobs, parks

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# Any number, as long as nothing else in the database takes the same advisory lock.
QUEUE_SCHEMA_LOCK = 0x5041524B  # "PARK"


def create(
    conn: Connection,
    kind: str,
    params: dict[str, Any],
    *,
    actor: str,
    user_id: int | None,
    park_code: str,
    now: dt.datetime,
    payload: bytes | None = None,
) -> int:
    """A new queued job (with the uploaded file it reads, if any); its id."""
    values = {
        "kind": kind,
        "params": params,
        "status": QUEUED,
        "result": {},
        "actor": actor,
        "user_id": user_id,
        "park_code": park_code,
        "created_at": now,
        "payload": payload,
    }
    return int(conn.execute(jobs.insert().values(**values).returning(jobs.c.id)).scalar_one())


def claim(conn: Connection, job_id: int, worker: str, now: dt.datetime) -> bool:
    """Start a queued job for ``worker``: False when it is not queued any more (another
    worker took it, or it was failed meanwhile)."""
    result = conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id, jobs.c.status == QUEUED)
        .values(
            status=RUNNING,
            stage="started",
            done=0,
            total=0,
            worker=worker,
            attempts=jobs.c.attempts + 1,
            started_at=now,
            heartbeat_at=now,
        )
    )
    return result.rowcount == 1


def progress(
    conn: Connection,
    job_id: int,
    worker: str,
    stage: str,
    done: int,
    total: int,
    now: dt.datetime,
) -> bool:
    """Record how far a running job got and that its worker is alive: False when the job
    is no longer ``worker``'s to run."""
    result = conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id, jobs.c.status == RUNNING, jobs.c.worker == worker)
        .values(stage=stage, done=done, total=total, heartbeat_at=now)
    )
    return result.rowcount == 1


def finish(
    conn: Connection, job_id: int, worker: str, result: dict[str, Any], now: dt.datetime
) -> bool:
    """Mark ``worker``'s running job done with its result; False when it was not its own
    any more."""
    outcome = conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id, jobs.c.status == RUNNING, jobs.c.worker == worker)
        .values(
            status=DONE,
            done=jobs.c.total,
            message="",
            result=result,
            heartbeat_at=now,
            finished_at=now,
            payload=None,
        )
    )
    return outcome.rowcount == 1


def fail(
    conn: Connection,
    job_id: int,
    message: str,
    now: dt.datetime,
    *,
    result: dict[str, Any] | None = None,
    worker: str | None = None,
    stale_before: dt.datetime | None = None,
) -> bool:
    """Mark a job that has not ended as failed with ``message`` (and ``result``, e.g. the
    problems of the rows). With ``worker``, only while it is that worker's running job;
    with ``stale_before``, only while it is running and silent since before then. False
    when nothing changed."""
    where: list[ColumnElement[bool]] = [jobs.c.id == job_id, jobs.c.status.in_((QUEUED, RUNNING))]
    if worker is not None:
        where += [jobs.c.status == RUNNING, jobs.c.worker == worker]
    if stale_before is not None:
        where += [jobs.c.status == RUNNING, _last_sign_of_life() < stale_before]
    values: dict[str, Any] = {
        "status": FAILED,
        "message": message,
        "finished_at": now,
        "payload": None,
    }
    if result is not None:
        values["result"] = result
    return conn.execute(update(jobs).where(*where).values(**values)).rowcount == 1


def stale_running(
    conn: Connection, older_than: dt.datetime, exclude: Collection[int] = ()
) -> list[int]:
    """Running jobs whose worker has given no sign of life since ``older_than`` (its
    heartbeat stopped), but those in ``exclude`` (run by the asking process itself)."""
    query = select(jobs.c.id).where(jobs.c.status == RUNNING, _last_sign_of_life() < older_than)
    if exclude:
        query = query.where(jobs.c.id.not_in(list(exclude)))
    return [int(i) for i in conn.scalars(query.order_by(jobs.c.id))]


def _last_sign_of_life() -> ColumnElement[Any]:
    return func.coalesce(jobs.c.heartbeat_at, jobs.c.started_at, jobs.c.created_at)


def status_of(conn: Connection, job_id: int) -> str | None:
    """The status of a job whatever the viewer (for the workers' own bookkeeping)."""
    return conn.scalar(select(jobs.c.status).where(jobs.c.id == job_id))


def get(
    conn: Connection, job_id: int, viewer: Viewer | None = None, user_id: int | None = None
) -> dict[str, Any] | None:
    """A job as :func:`visible_to` lets ``viewer`` see it (no viewer: the worker running
    it), with the id of its park; None when there is none or ``viewer`` may not see it."""
    query = _with_park().where(jobs.c.id == job_id)
    if viewer is not None:
        query = query.where(visible_to(viewer, user_id))
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def listed(
    conn: Connection,
    viewer: Viewer,
    user_id: int | None = None,
    *,
    park_code: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """The newest jobs ``viewer`` may see, optionally of one park, without their results."""
    columns = [c for c in jobs.c if c.name not in ("result", "payload")]
    query = (
        select(*columns, parks.c.id.label("park_id"))
        .select_from(jobs.outerjoin(parks, parks.c.code == jobs.c.park_code))
        .where(visible_to(viewer, user_id))
    )
    if park_code is not None:
        query = query.where(jobs.c.park_code == park_code)
    rows = conn.execute(query.order_by(jobs.c.id.desc()).limit(limit)).mappings()
    return [dict(r) for r in rows]


def visible_to(viewer: Viewer, user_id: int | None = None) -> ColumnElement[bool]:
    """Who may see a job, defined once: the administrator every job; the operator of a
    park its park's jobs; everyone the jobs they started (the account ``user_id``, or
    without accounts the same viewer name). Needs the jobs joined with their park."""
    if viewer.role is Role.ADMIN:
        return true()
    if user_id is not None:
        own: ColumnElement[bool] = jobs.c.user_id == user_id
    elif viewer.name:
        own = and_(jobs.c.user_id.is_(None), jobs.c.actor == viewer.name)
    else:
        own = false()
    if viewer.role is Role.OPERATOR and viewer.park_id is not None:
        return or_(own, parks.c.id == viewer.park_id)
    return own


def payload_of(conn: Connection, job_id: int) -> bytes | None:
    """The file a job was given to read; None once it ended (or when it had none)."""
    return conn.scalar(select(jobs.c.payload).where(jobs.c.id == job_id))


def _with_park() -> Any:
    columns = [c for c in jobs.c if c.name != "payload"]
    return select(*columns, parks.c.id.label("park_id")).select_from(
        jobs.outerjoin(parks, parks.c.code == jobs.c.park_code)
    )


def park_code(conn: Connection, park_id: int) -> str | None:
    return conn.scalar(select(parks.c.code).where(parks.c.id == park_id))


def ensure_queue_schema(conn: Connection, schema_sql: str, probe_table: str) -> bool:
    """PostgreSQL: create the job queue's own tables (``schema_sql``, the queue library's
    schema) unless ``probe_table`` exists; True when it was created. An advisory lock
    makes workers starting together create it once."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": QUEUE_SCHEMA_LOCK})
    if conn.scalar(text("SELECT to_regclass(:name)"), {"name": probe_table}) is not None:
        return False
    # Through the driver without parameters, so the schema's % signs stay as they are.
    conn.connection.driver_connection.execute(schema_sql)  # type: ignore[union-attr]
    return True


def listed_of_kind(
    conn: Connection,
    kind: str,
    park_code: str,
    viewer: Viewer,
    user_id: int | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """The newest jobs of ``kind`` about one park that ``viewer`` may see, without their
    results, newest first."""
    columns = [c for c in jobs.c if c.name not in ("result", "payload")]
    query = (
        select(*columns, parks.c.id.label("park_id"))
        .select_from(jobs.outerjoin(parks, parks.c.code == jobs.c.park_code))
        .where(jobs.c.kind == kind, jobs.c.park_code == park_code, visible_to(viewer, user_id))
        .order_by(jobs.c.id.desc())
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def result_of(conn: Connection, job_id: int) -> dict[str, Any] | None:
    """The result a job stored (for the bookkeeping of whoever already may see the job)."""
    found = conn.scalar(select(jobs.c.result).where(jobs.c.id == job_id))
    return None if found is None else dict(found)


def park_changed_after(conn: Connection, park_code: str, after: dt.datetime) -> dt.datetime | None:
    """The time of the newest entry of a park's change log later than ``after``, if any."""
    newest: dt.datetime | None = conn.scalar(
        select(func.max(change_log.c.at)).where(
            change_log.c.park_code == park_code, change_log.c.at > after
        )
    )
    return newest
