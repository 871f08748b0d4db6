"""Fixtures of the web tests: the seeded database (see webseed.py), a copy per test, the
application over it, and clients signed in as each account."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from webseed import ACCOUNTS, make_seeded, sign_in

from parkloop.store import db
from parkloop.web.app import create_app


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded database file, made once per test session."""
    root = tmp_path_factory.mktemp("web")
    return make_seeded(root / "seeded.db", root)


@pytest.fixture
def engine(seeded: Path, tmp_path: Path) -> Iterator[Engine]:
    copy = tmp_path / "web.db"
    shutil.copy(seeded, copy)
    made = db.make_engine(f"sqlite:///{copy}")
    yield made
    made.dispose()


@pytest.fixture
def app(engine: Engine) -> Any:
    return create_app(engine, tiles_url="", tiles_attribution="")


@pytest.fixture
def client(app: Any) -> Iterator[Callable[[str | None], TestClient]]:
    """``client("a")``: a client signed in as account ``a`` of ACCOUNTS; ``None``: nobody."""
    made: list[TestClient] = []

    def make(who: str | None) -> TestClient:
        c = TestClient(app, base_url="http://testserver")
        made.append(c)
        if who is not None:
            sign_in(c, ACCOUNTS[who][0])
        return c

    yield make
    for c in made:
        c.close()
