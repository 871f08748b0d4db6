"""The monitoring pages: the board (with and without readings), a station's limits and
findings, the chart data with its limit line, the upload form with its refused rows, the
alert rules; and who sees which station (an enterprise only its own)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from webseed import P, post_form

from parkloop.domain.permissions import Viewer
from parkloop.monitoring.model import READINGS_SCHEMA, Station, StationKind
from parkloop.services import alerts, monitoring

Client = Callable[[str | None], TestClient]
LOCAL = dt.timezone(dt.timedelta(hours=7))
START = dt.datetime(2026, 10, 1, tzinfo=LOCAL)
DAYS = 3
PERIOD = "from=2026-10-01&to=2026-10-03"
BOARD = f"/parks/{P}/monitoring"
# What B's station shows, as any page could carry it: its name, its code, its peak.
SECRET_B = ("Cửa xả Nhiệt điện kín", "nd-outlet", "4567", "4.567", "4,567")
A_NAME = "Cửa xả Thép riêng"


def _station(code: str, name: str, org: str | None, partial: bool = False) -> Station:
    return Station(
        code=code,
        park_code=P,
        name=name,
        kind=StationKind.ENTERPRISE_OUTLET if org else StationKind.WWTP_OUTLET,
        parameters=("flow", "ph", "cod"),
        limit_set="qcvn-40-2011",
        limit_column="B",
        org_code=org,
        lat=20.93,
        lon=106.62,
        flow_m3_per_day=2000,
        receiving_water="river-no-data",
        accept_partial=partial,
    )


def _readings(code: str, peak: float | None = None) -> pa.Table:
    """DAYS days of 5-minute readings; COD at ``peak`` for an hour on the second day."""
    n = DAYS * 288
    first = int(START.timestamp() * 1_000_000)
    ts = first + np.arange(n, dtype=np.int64) * 300_000_000
    cod = 40 + 5 * np.sin(np.arange(n) / 20)
    if peak is not None:
        cod[288 + 100 : 288 + 112] = peak
    columns: dict[str, list[object]] = {"station": [], "parameter": [], "ts": [], "value": []}
    for parameter, values in (("cod", cod), ("ph", np.full(n, 7.2)), ("flow", np.full(n, 80.0))):
        columns["station"] += [code] * n
        columns["parameter"] += [parameter] * n
        columns["ts"] += ts.view("datetime64[us]").tolist()
        columns["value"] += values.tolist()
    return pa.table(columns).cast(READINGS_SCHEMA)


@pytest.fixture
def stations(engine: Engine) -> None:
    admin = Viewer.admin()
    monitoring.add_station(engine, admin, _station("kcn-l-wwtp", "Cửa xả trạm XLNT", None))
    monitoring.add_station(engine, admin, _station("thep-outlet", A_NAME, "thep"))
    monitoring.add_station(engine, admin, _station("nd-outlet", SECRET_B[0], "nhiet-dien"))


@pytest.fixture
def readings(engine: Engine, stations: None) -> None:
    store = monitoring.readings(engine)
    store.append(_readings("kcn-l-wwtp", peak=170.0))
    store.append(_readings("thep-outlet"))
    store.append(_readings("nd-outlet", peak=4567.0))


def _text(reply: object) -> str:
    return reply.text  # type: ignore[attr-defined, no-any-return]


# -- the board ---------------------------------------------------------------------------------


def test_the_board_without_stations_says_so(client: Client) -> None:
    reply = client("operator").get(BOARD + "?lang=vi")
    assert reply.status_code == 200
    assert "Không có trạm quan trắc nào" in reply.text


def test_the_board_renders_stations_without_readings(
    engine: Engine, client: Client, stations: None
) -> None:
    reply = client("operator").get(f"{BOARD}?{PERIOD}&lang=en")
    assert reply.status_code == 200, reply.text[:2000]
    text = reply.text
    assert "Cửa xả trạm XLNT" in text and A_NAME in text and SECRET_B[0] in text
    assert text.count("pl-badge-no-data") >= 3
    geo = client("operator").get(f"{BOARD}/stations.geojson?{PERIOD}&lang=en").json()
    assert {f["properties"]["kind"] for f in geo["features"]} == {"no-data"}
    # readings arriving afterwards show at once (nothing of the former board is reused)
    monitoring.readings(engine).append(_readings("thep-outlet"))
    geo = client("operator").get(f"{BOARD}/stations.geojson?{PERIOD}&lang=en").json()
    kinds = {f["properties"]["name"]: f["properties"]["kind"] for f in geo["features"]}
    assert kinds[A_NAME] == "ok" and kinds["Cửa xả trạm XLNT"] == "no-data"


def test_the_board_with_readings_shows_states_findings_and_charts(
    client: Client, readings: None
) -> None:
    c = client("operator")
    reply = c.get(f"{BOARD}?{PERIOD}&lang=vi")
    assert reply.status_code == 200, reply.text[:2000]
    text = reply.text
    assert "Quan trắc" in text  # the page in Vietnamese, and its link in the navigation
    assert 'data-kind="monitoring"' in text
    assert "vượt giới hạn" in text
    # the default period is the last seven days with readings
    default = c.get(BOARD + "?lang=en").text
    assert "2026-10-03" in default
    geo = c.get(f"{BOARD}/stations.geojson?{PERIOD}&lang=en").json()
    assert len(geo["features"]) == 3
    assert {k["kind"] for k in geo["legend"]["kinds"]} == {"ok", "exceedance", "gap", "no-data"}


def test_the_chart_data_has_the_limit_line_and_the_exceedance(
    client: Client, readings: None
) -> None:
    url = f"{BOARD}/stations/kcn-l-wwtp/chart.json?parameter=cod&{PERIOD}&lang=en"
    data = client("operator").get(url).json()
    assert data["step"] == "1h"
    assert len(data["mean"]) == DAYS * 24
    highs = [line["high"] for line in data["limits"] if line["window"] == "instant"]
    assert highs and all(h is not None and 0 < h < 170 for h in highs)
    assert "Cmax" in data["limits"][0]["label"]
    assert data["exceedances"], "the planted hour above the limit is shaded"
    peak = max(v for v in data["max"] if v is not None)
    assert peak == pytest.approx(170.0)
    assert data["method"] and data["sources"]


def test_the_station_page_shows_limits_with_their_arithmetic_and_findings(
    client: Client, readings: None
) -> None:
    reply = client("operator").get(f"{BOARD}/stations/kcn-l-wwtp?{PERIOD}&lang=vi")
    assert reply.status_code == 200, reply.text[:2000]
    text = reply.text
    assert "Cmax" in text and "Kq" in text
    assert "Vượt giới hạn" in text or "vượt giới hạn" in text
    assert "QCVN 40" in text


# -- who sees what -----------------------------------------------------------------------------


def test_an_enterprise_sees_only_its_own_station(client: Client, readings: None) -> None:
    a = client("a")
    pages = [
        a.get(f"{BOARD}?{PERIOD}&lang=vi"),
        a.get(f"{BOARD}?{PERIOD}&lang=en"),
        a.get(f"{BOARD}/stations.geojson?{PERIOD}"),
        a.get(f"{BOARD}/stations/thep-outlet?{PERIOD}"),
        a.get(f"{BOARD}/stations/thep-outlet/chart.json?parameter=cod&{PERIOD}"),
        a.get(f"{BOARD}/upload"),
    ]
    for reply in pages:
        assert reply.status_code == 200, (reply.url, reply.text[:500])
        leaked = [m for m in SECRET_B if m in reply.text]
        assert leaked == [], (reply.url, leaked)
    assert A_NAME in pages[0].text
    assert "Cửa xả trạm XLNT" not in pages[0].text  # the park's own station is not A's
    for url in (
        f"{BOARD}/stations/nd-outlet",
        f"{BOARD}/stations/nd-outlet/chart.json?parameter=cod",
        f"{BOARD}/stations/kcn-l-wwtp",
    ):
        reply = a.get(url)
        assert reply.status_code == 404, url
        assert SECRET_B[0] not in reply.text and "4567" not in reply.text


def test_the_operator_and_the_authority_see_every_station_others_none(
    client: Client, readings: None
) -> None:
    for who in ("operator", "authority", "admin"):
        text = client(who).get(f"{BOARD}?{PERIOD}").text
        assert SECRET_B[0] in text and A_NAME in text, who
    other = client("operator_m").get(f"{BOARD}?{PERIOD}")
    assert other.status_code in (200, 403, 404)
    assert SECRET_B[0] not in other.text and A_NAME not in other.text
    nobody = client(None).get(BOARD, follow_redirects=False)
    assert nobody.status_code == 303 and nobody.headers["location"].startswith("/sign-in")
    assert client(None).get(f"{BOARD}/stations/nd-outlet/chart.json?parameter=cod").status_code in (
        401,
        303,
        200,
    )


# -- upload ------------------------------------------------------------------------------------

WIDE_BAD = (
    "timestamp,COD (mg/L),pH\n"
    "2026-10-05 00:00,41.5,7.1\n"
    "2026-10-05 00:05,abc,7.1\n"
    "2026-10-05 00:10,42.0,7.2\n"
    "2099-01-01 00:00,40.0,7.0\n"
)
WIDE_GOOD = "timestamp,COD (mg/L),pH\n2026-10-05 00:00,41.5,7.1\n2026-10-05 00:05,41.9,7.1\n"


def _upload(c: TestClient, body: str, station: str = "thep-outlet") -> object:
    return post_form(
        c,
        f"{BOARD}/upload",
        {"station": station},
        files={"file": ("thep.csv", body.encode(), "text/csv")},
    )


def test_a_bad_file_shows_its_rows_and_stores_nothing(
    engine: Engine, client: Client, stations: None
) -> None:
    a = client("a")
    reply = _upload(a, WIDE_BAD)
    assert reply.status_code == 303  # post/redirect/get
    page = a.get(reply.headers["location"] + "&lang=en")  # type: ignore[attr-defined]
    assert page.status_code == 200
    text = page.text
    assert "nothing was written" in text
    table = text.split("pl-monitoring-refused", 1)[1]
    assert "not a number" in table and "future" in table
    assert re.search(r'<td class="pl-num">3</td>', table)  # the line of "abc"
    assert monitoring.readings(engine).count() == 0
    # the result page is its uploader's only
    other = client("operator").get(reply.headers["location"])  # type: ignore[attr-defined]
    assert "pl-monitoring-refused" not in other.text


def test_a_good_file_is_written_and_a_second_time_changes_nothing(
    engine: Engine, client: Client, stations: None
) -> None:
    a = client("a")
    first = a.get(_upload(a, WIDE_GOOD).headers["location"] + "&lang=en")  # type: ignore[attr-defined]
    assert "4 reading(s) written" in first.text
    assert monitoring.readings(engine).count() == 4
    again = a.get(_upload(a, WIDE_GOOD).headers["location"] + "&lang=en")  # type: ignore[attr-defined]
    assert "4 already stored" in again.text
    assert monitoring.readings(engine).count() == 4


def test_an_enterprise_cannot_upload_for_another_station(
    engine: Engine, client: Client, stations: None
) -> None:
    reply = _upload(client("a"), WIDE_GOOD, station="nd-outlet")
    assert reply.status_code == 404  # type: ignore[attr-defined]
    assert monitoring.readings(engine).count() == 0


def test_the_upload_needs_the_cross_site_token(
    engine: Engine, client: Client, stations: None
) -> None:
    reply = client("a").post(
        f"{BOARD}/upload",
        data={"station": "thep-outlet"},
        files={"file": ("thep.csv", WIDE_GOOD.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert reply.status_code == 403
    assert monitoring.readings(engine).count() == 0


# -- alert rules -------------------------------------------------------------------------------


def test_the_operator_adds_and_removes_a_rule(
    engine: Engine, client: Client, stations: None
) -> None:
    op = client("operator")
    reply = post_form(
        op,
        f"{BOARD}/alerts",
        {
            "name": "trực ca",
            "kinds": ["exceedance", "gap"],
            "channel": "email",
            "target": "ca-truc@kcn-l.vn",
            "stations": ["kcn-l-wwtp"],
            "reminder": "60",
            "lang": "vi",
        },
    )
    assert reply.status_code == 303, reply.text[:1000]
    page = op.get(reply.headers["location"] + "&lang=en").text
    assert "trực ca" in page and "ca-truc@kcn-l.vn" in page
    assert [r.name for r in alerts.rules(engine, P, Viewer.admin())] == ["trực ca"]
    bad = post_form(op, f"{BOARD}/alerts", {"name": "x", "channel": "webhook", "target": "nope"})
    assert bad.status_code == 400
    removed = post_form(op, f"{BOARD}/alerts/remove", {"name": "trực ca"})
    assert removed.status_code == 303
    assert alerts.rules(engine, P, Viewer.admin()) == []


def test_only_the_operator_sees_and_changes_the_rules(
    engine: Engine, client: Client, stations: None
) -> None:
    a = client("a")
    assert a.get(f"{BOARD}/alerts").status_code == 403
    reply = post_form(a, f"{BOARD}/alerts", {"name": "x", "kinds": ["gap"], "channel": "log"})
    assert reply.status_code == 403
    assert client("authority").get(f"{BOARD}/alerts").status_code == 403
    assert alerts.rules(engine, P, Viewer.admin()) == []
