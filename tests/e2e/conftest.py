"""End-to-end tests in Debian's Chromium: the application served over HTTP on loopback
(uvicorn in a thread, the seeded database of tests/web), driven by playwright.

Screenshots are kept in ``tests/e2e/artefacts`` (or ``PARKLOOP_E2E_ARTEFACTS``). Without
Chromium the tests are skipped, loudly; with ``PARKLOOP_REQUIRE_BROWSER=1`` (CI) they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from parkloop.store import db
from parkloop.web.app import create_app

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from webseed import make_seeded

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("PARKLOOP_E2E_ARTEFACTS", Path(__file__).parent / "artefacts"))


def _browser_or_skip() -> Any:
    problem = ""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "playwright is not installed"
    else:
        if not CHROMIUM.exists():
            problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if problem:
        if os.environ.get("PARKLOOP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"end-to-end tests need a browser: {problem}")
        pytest.skip(f"BROWSER UNAVAILABLE: {problem}")
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serving(engine: Any) -> Iterator[str]:
    """The application over ``engine`` on a free loopback port, until the caller is done
    with the URL this yields (then the engine is let go)."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(engine), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)
    engine.dispose()


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("e2e")
    return make_seeded(root / "seeded.db", root)


@pytest.fixture
def server(seeded: Path, tmp_path: Path) -> Iterator[str]:
    """The application on a copy of the seeded database, at the URL this yields."""
    copy = tmp_path / "e2e.db"
    shutil.copy(seeded, copy)
    engine = db.make_engine(f"sqlite:///{copy}")
    yield from serving(engine)


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Any:
    """``shots(page, name)`` keeps a full-page screenshot of the test as an artefact."""
    folder = ARTEFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
