"""The push endpoint of monitoring stations: the station's own token, idempotent batches,
refusals listed by row as a problem document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from webseed import P

from parkloop.domain.permissions import Viewer
from parkloop.monitoring.model import Station, StationKind
from parkloop.services import monitoring

URL = "/api/v1/monitoring/stations/{code}/readings"


def _station(code: str, org: str | None, partial: bool = False) -> Station:
    return Station(
        code=code,
        park_code=P,
        name=code,
        kind=StationKind.ENTERPRISE_OUTLET if org else StationKind.WWTP_OUTLET,
        parameters=("flow", "ph", "cod"),
        limit_set="qcvn-40",
        limit_column="A",
        org_code=org,
        accept_partial=partial,
    )


@pytest.fixture
def tokens(engine: Engine) -> dict[str, str]:
    admin = Viewer.admin()
    monitoring.add_station(engine, admin, _station("kcn-l-wwtp", None))
    monitoring.add_station(engine, admin, _station("thep-outlet", "thep", partial=True))
    return {
        code: monitoring.issue_token(engine, admin, code) for code in ("kcn-l-wwtp", "thep-outlet")
    }


def _batch(hours: int = 2, start: str = "2025-03-01T00:00:00") -> dict[str, Any]:
    first = dt.datetime.fromisoformat(start)
    readings = []
    for i in range(hours * 12):
        at = (first + dt.timedelta(minutes=5 * i)).isoformat()
        readings.append({"parameter": "cod", "timestamp": at, "value": 40 + i % 7})
        readings.append({"parameter": "ph", "timestamp": at + "+07:00", "value": 7.1})
    return {"readings": readings}


def _push(client: TestClient, code: str, token: str | None, body: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(URL.format(code=code), json=body, headers=headers)


def _count(engine: Engine) -> int:
    return monitoring.readings(engine).count()


def test_a_batch_goes_in_once(
    engine: Engine, client: Callable[[str | None], TestClient], tokens: dict[str, str]
) -> None:
    c = client(None)
    reply = _push(c, "kcn-l-wwtp", tokens["kcn-l-wwtp"], _batch())
    assert reply.status_code == 200, reply.text
    assert reply.json()["written"] == 48
    assert _count(engine) == 48
    again = _push(c, "kcn-l-wwtp", tokens["kcn-l-wwtp"], _batch())
    assert again.status_code == 200
    assert again.json() | {"refused_rows": []} == {
        "read": 48,
        "written": 0,
        "unchanged": 48,
        "refused": 0,
        "refused_rows": [],
    }
    assert _count(engine) == 48
    # local time and UTC name the same instants
    series = monitoring.readings(engine).series(
        "kcn-l-wwtp",
        "cod",
        dt.datetime(2025, 2, 28, 17, tzinfo=dt.UTC),
        dt.datetime(2025, 2, 28, 18, tzinfo=dt.UTC),
    )
    assert len(series.ts) == 12


def test_the_token_opens_only_its_station(
    engine: Engine, client: Callable[[str | None], TestClient], tokens: dict[str, str]
) -> None:
    c = client(None)
    assert _push(c, "kcn-l-wwtp", None, _batch()).status_code == 401
    assert _push(c, "kcn-l-wwtp", "pls_not-a-token", _batch()).status_code == 401
    wrong = _push(c, "thep-outlet", tokens["kcn-l-wwtp"], _batch())
    assert wrong.status_code == 403
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert _count(engine) == 0


def test_a_signed_in_session_is_no_station_token(
    engine: Engine, client: Callable[[str | None], TestClient], tokens: dict[str, str]
) -> None:
    reply = client("operator").post(URL.format(code="kcn-l-wwtp"), json=_batch())
    assert reply.status_code == 403
    assert _count(engine) == 0


def test_refused_rows_are_listed_and_nothing_is_written(
    engine: Engine, client: Callable[[str | None], TestClient], tokens: dict[str, str]
) -> None:
    body = _batch(1)
    body["readings"][3]["value"] = "n/a"
    body["readings"][5]["parameter"] = "mercury-vapour"
    body["readings"][7]["timestamp"] = "2099-01-01T00:00:00"
    body["readings"][9]["unit"] = "°C"
    reply = _push(client(None), "kcn-l-wwtp", tokens["kcn-l-wwtp"], body)
    assert reply.status_code == 422
    assert reply.headers["content-type"].startswith("application/problem+json")
    problem = reply.json()
    rows = sorted(row for e in problem["errors"] for row in e["rows"])
    assert rows == [3, 5, 7, 9]
    assert _count(engine) == 0


def test_a_station_taking_partial_batches_keeps_the_good_rows(
    engine: Engine, client: Callable[[str | None], TestClient], tokens: dict[str, str]
) -> None:
    c = client(None)
    body = _batch(1)
    body["readings"][0]["value"] = "n/a"
    reply = _push(c, "thep-outlet", tokens["thep-outlet"], body)
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer["written"] == 23
    assert [r["row"] for r in answer["refused_rows"]] == [0]
    # the same key with another value is refused, never overwritten
    changed = _batch(1)
    changed["readings"][2]["value"] = 999
    again = _push(c, "thep-outlet", tokens["thep-outlet"], changed).json()
    assert (again["written"], again["unchanged"], again["refused"]) == (1, 22, 1)
    assert [r["row"] for r in again["refused_rows"]] == [2]
    series = monitoring.readings(engine).series(
        "thep-outlet",
        "cod",
        dt.datetime(2025, 2, 28, 17, tzinfo=dt.UTC),
        dt.datetime(2025, 2, 28, 18, tzinfo=dt.UTC),
    )
    assert 999 not in series.values.tolist()
