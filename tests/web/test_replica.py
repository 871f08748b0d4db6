"""Pages read from a replica when one is set, writes and sign-in go to the primary, and a
browser reads its own writes: with ``database_read_url`` the application routes each
request (web/replica.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from test_routes import DOCUMENTATION, path_values, routes, urls
from webseed import ACCOUNTS, P, post_form, sign_in

from parkloop.store import db
from parkloop.web.app import create_app
from parkloop.web.replica import WROTE_COOKIE, RoutedEngine

ON_PRIMARY = "Khu công nghiệp trên máy chính"
ON_REPLICA = "Khu công nghiệp trên bản sao"
FLOW = {
    "enterprise": "thep",
    "direction": "out",
    "period": "2024",
    "material": "tro bay lò hơi",
    "quantity": "1.250,5",
    "unit": "tấn/năm",
    "destination": "chôn lấp",
    "confidentiality": "park",
}


def _named(path: Path, name: str) -> None:
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("update parks set name_vi = :n where code = :p"), {"n": name, "p": P})
    engine.dispose()


@pytest.fixture
def pair(seeded: Path, tmp_path: Path) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    """A primary and a replica that tell themselves apart by the park's name; the replica
    is opened read-only, as a hot standby refuses writes."""
    primary, replica = tmp_path / "primary.db", tmp_path / "replica.db"
    shutil.copy(seeded, primary)
    shutil.copy(seeded, replica)
    _named(primary, ON_PRIMARY)
    _named(replica, ON_REPLICA)
    engines = (
        db.make_engine(f"sqlite:///{primary}"),
        db.make_engine(f"sqlite:///file:{replica}?mode=ro&uri=true"),
    )
    yield engines
    for e in engines:
        e.dispose()


def _app(pair: tuple[sa.Engine, sa.Engine], stick_s: float) -> Any:
    primary, replica = pair
    return create_app(primary, read_engine=replica, stick_s=stick_s)


def test_pages_are_read_from_the_replica_and_sign_in_from_the_primary(pair: Any) -> None:
    app = _app(pair, stick_s=0)
    assert isinstance(app.state.engine, RoutedEngine)
    client = sign_in(TestClient(app), ACCOUNTS["operator"][0])
    page = client.get(f"/parks/{P}").text
    assert ON_REPLICA in page and ON_PRIMARY not in page
    # Outside a request (a job, a command) the routed engine is the primary.
    with app.state.engine.connect() as conn:
        name = conn.execute(sa.text("select name_vi from parks where code = :p"), {"p": P})
        assert name.scalar_one() == ON_PRIMARY


def test_a_browser_reads_its_own_writes_from_the_primary(pair: Any) -> None:
    app = _app(pair, stick_s=60)
    writer = sign_in(TestClient(app), ACCOUNTS["operator"][0])
    assert writer.cookies.get(WROTE_COOKIE) == "1"  # signing in is a write
    assert ON_PRIMARY in writer.get(f"/parks/{P}").text
    writer.cookies.delete(WROTE_COOKIE)
    assert ON_REPLICA in writer.get(f"/parks/{P}").text
    assert post_form(writer, f"/parks/{P}/flows", FLOW).status_code == 303
    assert ON_PRIMARY in writer.get(f"/parks/{P}").text
    # Another browser that has written nothing reads the replica.
    reader = TestClient(app)
    reader.get("/")
    assert not reader.cookies.get(WROTE_COOKIE)
    assert ON_REPLICA in reader.get("/").text


def test_a_form_writes_to_the_primary_however_recent_the_replica(pair: Any) -> None:
    primary, _ = pair
    app = _app(pair, stick_s=0)
    client = sign_in(TestClient(app), ACCOUNTS["operator"][0])
    before = _count(primary, "change_log")
    reply = post_form(client, f"/parks/{P}/flows", FLOW)
    assert reply.status_code == 303, reply.text[:800]
    assert _count(primary, "change_log") > before


def _count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(f"select count(*) from {table}")).scalar_one())


@pytest.mark.parametrize(
    "who", [None, "a", "operator", "authority"], ids=lambda w: w or "anonymous"
)
def test_no_page_writes_while_it_is_read(pair: Any, who: str | None) -> None:
    """Every GET route answers on a read-only replica: reading a page never writes."""
    app = _app(pair, stick_s=0)
    client = TestClient(app, raise_server_exceptions=False)
    if who is not None:
        sign_in(client, ACCOUNTS[who][0])
    values = path_values(pair[0])
    tried = 0
    for path, route in routes(app):
        if "GET" not in getattr(route, "methods", set()) or route.name in DOCUMENTATION:
            continue
        for url in urls(path, values)[:2]:
            reply = client.get(url, follow_redirects=False)
            tried += 1
            assert reply.status_code < 500, (url, reply.text[:1000])
    assert tried > 40
