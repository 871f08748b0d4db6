"""Alert SQL: a park's rules, the episodes checks found, and the messages delivered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, delete, insert, select, update

from parkloop.monitoring.model import Finding, FindingKind
from parkloop.store.schema import (
    alert_deliveries,
    alert_episodes,
    alert_rules,
    parks,
    stations,
)


def park_id(conn: Connection, park_code: str) -> int | None:
    return conn.scalar(select(parks.c.id).where(parks.c.code == park_code))


# -- rules ------------------------------------------------------------------------------------


def rules(conn: Connection, park_id: int) -> list[RowMapping]:
    return list(
        conn.execute(
            select(alert_rules).where(alert_rules.c.park_id == park_id).order_by(alert_rules.c.id)
        ).mappings()
    )


def rule(conn: Connection, park_id: int, name: str) -> RowMapping | None:
    return (
        conn.execute(
            select(alert_rules).where(alert_rules.c.park_id == park_id, alert_rules.c.name == name)
        )
        .mappings()
        .first()
    )


def insert_rule(conn: Connection, values: Mapping[str, Any]) -> int:
    key = conn.execute(insert(alert_rules).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def update_rule(conn: Connection, rule_id: int, values: Mapping[str, Any]) -> None:
    conn.execute(update(alert_rules).where(alert_rules.c.id == rule_id).values(**values))


def delete_rule(conn: Connection, rule_id: int) -> None:
    conn.execute(delete(alert_rules).where(alert_rules.c.id == rule_id))


# -- episodes ---------------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    """An instant read back from the database, aware and in UTC (SQLite keeps none)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def as_finding(row: RowMapping) -> Finding:
    return Finding(
        station=row["station"],
        parameter=row["parameter"],
        kind=FindingKind(row["kind"]),
        start=_utc(row["start_at"]),
        end=_utc(row["end_at"]),
        peak=row["peak"],
        limit=row["limit_value"],
        window=row["window"],
        source=row["source"],
        status=row["status"],
    )


def _episode_values(finding: Finding, is_open: bool) -> dict[str, Any]:
    return {
        "station": finding.station,
        "parameter": finding.parameter,
        "kind": finding.kind.value,
        "start_at": finding.start,
        "end_at": finding.end,
        "peak": finding.peak,
        "limit_value": finding.limit,
        "window": finding.window,
        "source": finding.source,
        "status": finding.status,
        "open": is_open,
    }


def episode_ids(conn: Connection, park_id: int, keys: Iterable[str]) -> dict[str, int]:
    wanted = list(keys)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            (r.key, r.id)
            for r in conn.execute(
                select(alert_episodes.c.key, alert_episodes.c.id).where(
                    alert_episodes.c.park_id == park_id, alert_episodes.c.key.in_(chunk)
                )
            )
        )
    return found


def save_episodes(
    conn: Connection,
    park_id: int,
    seen: Sequence[tuple[str, Finding, bool]],
    now: datetime,
) -> dict[str, int]:
    """Keep what a check found, episode by episode (key, finding, still open): a new one
    is added, a known one takes the latest end, peak and state. Returns their ids."""
    ids = episode_ids(conn, park_id, (key for key, _, _ in seen))
    new = [
        {
            "park_id": park_id,
            "key": key,
            "first_seen_at": now,
            "last_seen_at": now,
            **_episode_values(f, is_open),
        }
        for key, f, is_open in seen
        if key not in ids
    ]
    if new:
        conn.execute(insert(alert_episodes), new)
    for key, f, is_open in seen:
        if key in ids:
            conn.execute(
                update(alert_episodes)
                .where(alert_episodes.c.id == ids[key])
                .values(last_seen_at=now, **_episode_values(f, is_open))
            )
    return episode_ids(conn, park_id, (key for key, _, _ in seen)) if new else ids


def open_episodes(conn: Connection, park_id: int) -> dict[str, tuple[int, Finding]]:
    """The episodes of the park the last check that saw them found open, by key."""
    return {
        r["key"]: (r["id"], as_finding(r))
        for r in conn.execute(
            select(alert_episodes).where(
                alert_episodes.c.park_id == park_id, alert_episodes.c.open.is_(True)
            )
        ).mappings()
    }


def close_episodes(conn: Connection, ids: Iterable[int]) -> None:
    wanted = list(ids)
    if wanted:
        conn.execute(
            update(alert_episodes).where(alert_episodes.c.id.in_(wanted)).values(open=False)
        )


def earliest_open_start(conn: Connection, park_id: int) -> datetime | None:
    found = conn.scalar(
        select(alert_episodes.c.start_at)
        .where(alert_episodes.c.park_id == park_id, alert_episodes.c.open.is_(True))
        .order_by(alert_episodes.c.start_at)
        .limit(1)
    )
    return None if found is None else _utc(found)


# -- deliveries -------------------------------------------------------------------------------


def sent(conn: Connection, episode_ids: Iterable[int]) -> list[RowMapping]:
    """The messages delivered (not those that failed) about these episodes."""
    wanted = list(episode_ids)
    rows: list[RowMapping] = []
    for start in range(0, len(wanted), 500):
        rows.extend(
            conn.execute(
                select(alert_deliveries).where(
                    alert_deliveries.c.episode_id.in_(wanted[start : start + 500]),
                    alert_deliveries.c.outcome == "sent",
                )
            ).mappings()
        )
    return [r for r in rows if r is not None]


def as_moment(value: datetime) -> datetime:
    return _utc(value)


def record(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(insert(alert_deliveries), [dict(r) for r in rows])


def deliveries(conn: Connection, park_id: int, limit: int = 100) -> list[RowMapping]:
    """The latest messages tried in a park, newest first, with their rule and episode."""
    return list(
        conn.execute(
            select(
                alert_deliveries,
                alert_rules.c.name.label("rule"),
                alert_episodes.c.key.label("episode"),
                alert_episodes.c.station,
                alert_episodes.c.parameter,
                alert_episodes.c.kind,
                alert_episodes.c.start_at,
            )
            .join(alert_rules, alert_rules.c.id == alert_deliveries.c.rule_id)
            .join(alert_episodes, alert_episodes.c.id == alert_deliveries.c.episode_id)
            .where(alert_rules.c.park_id == park_id)
            .order_by(alert_deliveries.c.sent_at.desc(), alert_deliveries.c.id.desc())
            .limit(limit)
        ).mappings()
    )


def station_names(conn: Connection, park_id: int) -> dict[str, str]:
    return {
        r.code: r.name
        for r in conn.execute(
            select(stations.c.code, stations.c.name).where(stations.c.park_id == park_id)
        )
    }


def station_codes(conn: Connection, park_id: int, codes: Iterable[str]) -> set[str]:
    wanted = list(codes)
    if not wanted:
        return set()
    return set(
        conn.scalars(
            select(stations.c.code).where(
                and_(stations.c.park_id == park_id, stations.c.code.in_(wanted))
            )
        )
    )
