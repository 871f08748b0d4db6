"""Schemathesis against the API's own OpenAPI description, in-process (ASGI), as the park's
operator: every operation, no server error, and every answer (status code, content type,
headers, body) as the description says.

Bounded and deterministic: a few derandomised examples per operation, valid ones and
invalid ones; most cases are put in the seeded park and on ids of its records, so that
reads and writes reach real flows, offers, matches and exchanges. Each operation runs on
its own copy of the database.
"""

from __future__ import annotations

import copy
import functools
import time
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine
from webseed import ACCOUNTS, P

from parkloop.domain.permissions import Viewer
from parkloop.services import accounts
from parkloop.store import db
from parkloop.web.app import create_app

API = "/api/v1"
VALID_EXAMPLES = 8
INVALID_EXAMPLES = 3
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
IDS = ("flow_id", "listing_id", "match_id", "exchange_id", "job_id", "row_id")
SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "phases": [Phase.explicit, Phase.generate],
    "suppress_health_check": list(HealthCheck),
}
RAN: dict[str, int] = {}


@functools.cache
def description() -> dict[str, Any]:
    """The API's description; it does not depend on the data, so any database will do."""
    return create_app(db.make_engine("sqlite://")).openapi()


def operations() -> list[tuple[str, str]]:
    doc = description()
    return [(method.upper(), path) for path, ops in doc["paths"].items() for method in ops]


def in_the_park(case: Any) -> Any:
    """Most cases on the seeded park and on ids of its records."""
    found = case.path_parameters or {}
    if "code" in found and len(str(found["code"])) % 4 != 3:
        found["code"] = P
    for name in IDS:
        if isinstance(found.get(name), int):
            found[name] = 1 + found[name] % 14
    return case


@pytest.mark.parametrize(("method", "path"), operations(), ids=lambda v: str(v))
def test_every_operation_answers_as_described(
    app: Any, engine: Engine, method: str, path: str
) -> None:
    token = accounts.create_token(engine, ACCOUNTS["operator"][0], "schema", None, Viewer.admin())
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_dict(copy.deepcopy(description()))
    schema.app = app  # called in-process, as schemathesis.openapi.from_asgi does
    operation = schema[path][method]
    # One in-process client for every case (schemathesis would start one per case).
    with TestClient(app) as client, asgi.get_client(app) as session:

        def check(case: Any) -> None:
            response = case.call_and_validate(session=session, headers=headers, checks=CHECKS)
            RAN[f"{method} {path}"] = RAN.get(f"{method} {path}", 0) + 1
            if response.status_code == 202 and "location" in response.headers:
                # An import job: let it end before the next case writes.
                for _ in range(200):
                    job = client.get(response.headers["location"], headers=headers).json()
                    if job.get("status") in ("done", "failed"):
                        break
                    time.sleep(0.05)

        for mode, examples in (
            (GenerationMode.POSITIVE, VALID_EXAMPLES),
            (GenerationMode.NEGATIVE, INVALID_EXAMPLES),
        ):
            strategy = operation.as_strategy(generation_mode=mode).map(in_the_park)

            @settings(max_examples=examples, **SETTINGS)
            @given(case=strategy)
            def run(case: Any) -> None:
                check(case)

            try:
                run()
            except Unsatisfiable:
                # Nothing of this operation's request can be made invalid (no parameters).
                assert mode is GenerationMode.NEGATIVE
    assert RAN.get(f"{method} {path}", 0) > 0


def test_the_description_tested_is_the_one_served(app: Any) -> None:
    with TestClient(app) as client:
        assert client.get(f"{API}/openapi.json").json() == description()


def test_how_many_cases_ran() -> None:
    """The count of cases over all operations (shown with -rP)."""
    if not RAN:
        pytest.skip("runs after the operations above")
    print(f"schemathesis: {sum(RAN.values())} cases over {len(RAN)} operations")
    if len(RAN) != len(operations()):
        # Under pytest-xdist the operations are shared among processes: each counts its own.
        pytest.skip(f"{len(RAN)} of {len(operations())} operations ran in this process")
