"""Every route of the web application and the API, as every role: generated from the
application's own route table, so a new route is covered (or the test says what it needs).

- every route declares exactly one access level;
- every GET route answers each role without a server error, and what it sends (pages,
  JSON, CSV, workbooks, zip archives) never holds another enterprise's private names,
  quantities or prices; ``authority``, the park's facilitator, the public and another
  park's operator get none of either enterprise's private records;
- routes for signed-in callers send anonymous browsers to the sign-in page and scripts
  a 401; every POST route refuses anonymous callers and forms without the cross-site
  token, and then nothing in the database has changed.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook
from starlette.routing import Route
from webseed import ACCOUNTS, MARKERS_A, MARKERS_B, P, sign_in

from parkloop.store import db
from parkloop.web.access import CSRF_COOKIE, Access, declared_access, endpoints
from parkloop.web.app import create_app

# FastAPI's own documentation routes: public by design, no data.
DOCUMENTATION = {"openapi", "swagger_ui_html", "swagger_ui_redirect", "redoc_html"}
# Who may receive which private markers: A (thep) its own, B (nhiet-dien) its own, the
# operator of the park and the administrator both; everyone else neither.
FORBIDDEN = {
    "a": MARKERS_B,
    "b": MARKERS_A,
    "c": MARKERS_A + MARKERS_B,
    "operator_m": MARKERS_A + MARKERS_B,
    "authority": MARKERS_A + MARKERS_B,
    "facilitator": MARKERS_A + MARKERS_B,
    None: MARKERS_A + MARKERS_B,
}
WHO = [None, "a", "b", "c", "operator", "operator_m", "authority", "facilitator", "admin"]


@pytest.fixture(scope="module")
def shared(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One copy of the seeded database and one application for all the reading tests."""
    copy = tmp_path_factory.mktemp("routes") / "web.db"
    shutil.copy(seeded, copy)
    engine = db.make_engine(f"sqlite:///{copy}")
    yield create_app(engine, tiles_url="", tiles_attribution="")
    engine.dispose()


def routes(app: Any) -> list[tuple[str, Any]]:
    return [(p, r) for p, r in endpoints(app) if isinstance(r, (APIRoute, Route))]


def path_values(engine: sa.Engine) -> dict[str, list[str]]:
    """Values for each path parameter: every record of the park that holds private data,
    so a route is tried on A's and B's private records as well as shared ones."""
    with engine.connect() as conn:

        def ids(sql: str) -> list[str]:
            return [str(v) for v in conn.execute(sa.text(sql)).scalars()]

        park = f"(select id from parks where code = '{P}')"
        orgs = f"(select id from organisations where park_id = {park})"
        return {
            "code": [P],
            "org": ["thep", "nhiet-dien", "xi-mang"],
            "flow_id": ids(f"select id from flows where org_id in {orgs} order by id"),
            "listing_id": ids(f"select id from listings where org_id in {orgs} order by id"),
            "exchange_id": ids(f"select id from exchanges where park_id = {park} order by id"),
            "match_id": ids("select id from matches order by id")[:12],
            "job_id": ids("select id from jobs order by id")[:3] or ["1"],
            "run_id": ids("select id from optimisation_runs order by id")[:3] or ["1"],
            "ruleset": ["decree-35-2022"],
            "indicator": ["io_monitoring"],
            "year": ["2024"],
            "fmt": ["xlsx", "json", "zip", "csv"],
            "lang": ["vi", "en"],
            "kind": ["flow"],
            "row_id": ids(f"select id from flows where org_id in {orgs} order by id")[:4],
            "email": [ACCOUNTS["a"][0]],
            "station": ["kcn-l-wwtp"],
            "evidence_id": ids(f"select id from evidence where park_id = {park} order by id")[:3]
            or ["1"],
        }


def urls(path: str, values: dict[str, list[str]]) -> list[str]:
    names = re.findall(r"{(\w+)(?::\w+)?}", path)
    missing = [n for n in names if n not in values]
    assert not missing, f"{path}: give test values for path parameters {missing}"
    found = [path]
    for name in names:
        found = [
            re.sub("{" + name + r"(?::\w+)?}", value, url, count=1)
            for url in found
            for value in values[name]
        ]
    return found


def body_text(reply: Any) -> str:
    """What a reply carries, readable: workbooks and archives opened up."""
    kind = reply.headers.get("content-type", "")
    data = reply.content
    if "spreadsheetml" in kind:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return "\n".join(
            repr(row)
            for name in book.sheet_names
            for row in book.get_sheet_by_name(name).to_python()
        )
    if "zip" in kind:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return data.decode("utf-8", "replace")


def test_every_route_declares_one_access_level(shared: Any) -> None:
    undeclared = []
    for path, route in routes(shared):
        if route.name in DOCUMENTATION:
            continue
        if len(declared_access(route)) != 1:
            undeclared.append(f"{sorted(getattr(route, 'methods', []))} {path}")
    assert undeclared == [], "give each exactly one of anyone/signed_in/operator/admin"


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_no_route_shows_what_the_caller_may_not_see(shared: Any, who: str | None) -> None:
    client = TestClient(shared, raise_server_exceptions=False)
    if who is not None:
        sign_in(client, ACCOUNTS[who][0])
    values = path_values(shared.state.engine)
    forbidden = FORBIDDEN.get(who, ())
    tried = 0
    for path, route in routes(shared):
        if "GET" not in getattr(route, "methods", set()) or route.name in DOCUMENTATION:
            continue
        access = declared_access(route)[0]
        for url in urls(path, values):
            reply = client.get(url, follow_redirects=False)
            tried += 1
            assert reply.status_code < 500, (url, reply.text[:1000])
            if who is None and access is not Access.ANYONE:
                if url.startswith("/api/"):
                    assert reply.status_code == 401, url
                else:
                    assert reply.status_code == 303, url
                    assert reply.headers["location"].startswith("/sign-in"), url
            text = body_text(reply)
            leaked = [m for m in forbidden if m in text]
            assert leaked == [], f"{who} received {leaked} from {url}"
    assert tried > 40


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        return {
            t: conn.execute(sa.text(f"select count(*) from {t}")).scalar_one()
            for t in tables
            if t not in ("web_sessions", "login_attempts", "alembic_version")
        }


def test_no_post_route_takes_a_form_from_nobody_or_without_its_token(
    app: Any, engine: sa.Engine
) -> None:
    values = path_values(engine)
    anonymous = TestClient(app, raise_server_exceptions=False)
    operator = sign_in(TestClient(app, raise_server_exceptions=False), ACCOUNTS["operator"][0])
    before = counts(engine)
    tried = 0
    for path, route in routes(app):
        unsafe = getattr(route, "methods", set()) & {"POST", "PUT", "PATCH", "DELETE"}
        if not unsafe or route.name in ("sign_in", "setup"):
            continue
        for url in urls(path, values)[:3]:
            for method in unsafe:
                anonymous.get("/")
                reply = anonymous.request(
                    method,
                    url,
                    data={"csrf": anonymous.cookies.get(CSRF_COOKIE)},
                    follow_redirects=False,
                )
                assert reply.status_code in (303, 401, 403, 422), (method, url, reply.status_code)
                # A signed-in operator's form without the token is refused as well.
                reply = operator.request(method, url, data={}, follow_redirects=False)
                assert reply.status_code == 403, (method, url, reply.status_code)
                tried += 1
    assert tried > 5
    assert counts(engine) == before


def test_the_owners_and_their_operator_do_receive_the_markers(shared: Any) -> None:
    """Without this the searches above could pass by finding nothing anywhere."""
    seen: dict[str, str] = {}
    for who in ("a", "b", "operator", "admin"):
        client = sign_in(TestClient(shared), ACCOUNTS[who][0])
        seen[who] = (
            client.get(f"/parks/{P}/flows?lang=en").text
            + client.get(f"/parks/{P}/export.json").text
        )
    assert "MARKER-A-7c1" in seen["a"] and "MARKER-B-9d2" not in seen["a"]
    assert "MARKER-B-9d2" in seen["b"] and "MARKER-A-7c1" not in seen["b"]
    for who in ("operator", "admin"):
        assert "MARKER-A-7c1" in seen[who] and "MARKER-B-9d2" in seen[who]
        assert "777,777" in seen[who] or "777777" in seen[who]
