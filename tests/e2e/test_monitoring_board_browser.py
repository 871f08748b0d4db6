"""The monitoring board and a station page of the Nam Cầu Kiền example month in Chromium:
the stations on the map as markers coloured by their state, the charts drawn with their
limit lines and shaded exceedances, and not one error in the browser's console."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import serving
from parkloop.domain.permissions import Role, Viewer
from parkloop.examples import load_example, load_monitoring
from parkloop.services import accounts
from parkloop.services.monitoring_views import STATE_COLOURS
from parkloop.store import db

PARK = "nam-cau-kien"
WWTP = "nck-wwtp-outlet"
EMAIL, PASSWORD = "admin@nck.vn", "Mật-khẩu-thử-2026"
PERIOD = "from=2026-10-01&to=2026-10-31"
WIDE = 1280


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the example park with its month of readings (beside it)."""
    path = tmp_path_factory.mktemp("e2e-monitoring") / "nck.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    admin = Viewer(Role.ADMIN, name="admin")
    load_example(engine, PARK, viewer=admin)
    load_monitoring(engine, PARK, viewer=admin)
    accounts.add_user(engine, EMAIL, "admin", admin, password=PASSWORD, lang="en")
    engine.dispose()
    return path


@pytest.fixture
def site(example: Path) -> Iterator[str]:
    """The application over the example database (only read), at the URL this yields."""
    engine = db.make_engine(f"sqlite:///{example}")
    yield from serving(engine)


def _watched_page(browser: Any) -> tuple[Any, list[str]]:
    """A page whose console errors and uncaught exceptions are gathered in the list."""
    page = browser.new_page(viewport={"width": WIDE, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/sign-in?lang=en")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert EMAIL in page.locator(".pl-topbar").inner_text(), page.content()


DRAWN = """() => {
  const charts = [...document.querySelectorAll('.pl-monitoring-chart')];
  return charts.length > 0 && charts.every(
    (el) => el.classList.contains('pl-chart-failed') ||
      (el._parkloopChart && el._parkloopChart !== 'loading'));
}"""

# What each chart drew: its data source, its canvas, points of its mean line, the values
# of its limit lines and the number of shaded exceedances.
CHARTS = """() => [...document.querySelectorAll('.pl-monitoring-chart')].map((el) => {
  const failed = el.classList.contains('pl-chart-failed');
  const option = failed ? null : el._parkloopChart.getOption();
  const series = option ? option.series : [];
  const lines = [];
  let areas = 0;
  let points = 0;
  series.forEach((s) => {
    ((s.markLine || {}).data || []).forEach((d) => lines.push(d.yAxis));
    areas += ((s.markArea || {}).data || []).length;
    points += (s.data || []).filter((p) => p && p[1] !== null && p[1] !== undefined).length;
  });
  const canvas = el.querySelector('canvas');
  return {
    src: el.getAttribute('data-src'),
    failed: failed,
    canvas: canvas ? canvas.width * canvas.height : 0,
    lines: lines,
    areas: areas,
    points: points,
  };
})"""


def _charts(page: Any) -> list[dict[str, Any]]:
    page.wait_for_function(DRAWN, timeout=90_000)
    charts: list[dict[str, Any]] = page.evaluate(CHARTS)
    return charts


def _matches_its_data(page: Any, base: str, chart: dict[str, Any]) -> dict[str, Any]:
    """The chart drew what its JSON holds: every limit as a line, every exceedance shaded."""
    assert not chart["failed"], chart
    assert chart["canvas"] > 0, chart
    data: dict[str, Any] = page.request.get(base + chart["src"]).json()
    expected = sorted(
        v
        for limit in data["limits"]
        for v in (limit.get("high"), limit.get("low"))
        if v is not None
    )
    assert sorted(chart["lines"]) == pytest.approx(expected), (chart, data["limits"])
    assert chart["areas"] == len(data["exceedances"]), chart
    assert chart["points"] > 0, chart
    return data


def test_the_board_shows_the_stations_on_the_map_and_the_charts(
    site: str, browser: Any, shots: Any
) -> None:
    page, errors = _watched_page(browser)
    _sign_in(page, site)
    page.goto(f"{site}/parks/{PARK}/monitoring?{PERIOD}&lang=en")
    colours = {c.lower() for c in STATE_COLOURS.values()}
    marker = "#monitoring-map path.leaflet-interactive"
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('#monitoring-map path.leaflet-interactive')]"
        ".filter((p) => p.getAttribute('fill')).length >= n",
        arg=2,
        timeout=60_000,
    )
    fills = [
        (p.get_attribute("fill") or "").lower() for p in page.locator(marker).element_handles()
    ]
    states = page.request.get(f"{site}/parks/{PARK}/monitoring/stations.geojson?{PERIOD}").json()
    stations = [f for f in states["features"] if f["properties"].get("kind") in STATE_COLOURS]
    assert len(stations) == 2, states
    expected = sorted(STATE_COLOURS[f["properties"]["kind"]].lower() for f in stations)
    assert sorted(f for f in fills if f in colours) == expected, fills

    charts = _charts(page)
    shots(page, "1-board")
    assert charts, "the board shows no chart"
    for chart in charts:
        _matches_its_data(page, site, chart)
    assert any(chart["lines"] for chart in charts), "no chart of the board has a limit line"
    assert errors == [], errors


def test_a_station_page_draws_each_parameter_with_its_limit(
    site: str, browser: Any, shots: Any
) -> None:
    page, errors = _watched_page(browser)
    _sign_in(page, site)
    page.goto(f"{site}/parks/{PARK}/monitoring/stations/{WWTP}?{PERIOD}&lang=en")
    charts = _charts(page)
    shots(page, "1-station")
    assert len(charts) == 10  # the outlet's ten parameters
    cod = next(c for c in charts if "parameter=cod&" in c["src"])
    data = _matches_its_data(page, site, cod)
    assert cod["lines"], "COD is drawn without its limit line"
    assert data["exceedances"], "the planted COD exceedance is not shaded"
    for chart in charts:
        _matches_its_data(page, site, chart)
    assert errors == [], errors
