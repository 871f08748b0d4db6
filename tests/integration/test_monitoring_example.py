"""The Nam Cầu Kiền example's month of readings, through the database: loaded as a user
loads it, checked by the monitoring service, every planted problem found where the
generator put it and nothing on the clean days; loading it again stores nothing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from parkloop.domain.permissions import Viewer
from parkloop.examples import load_example, load_monitoring
from parkloop.monitoring.generator import example_month
from parkloop.services import monitoring

LOCAL = dt.timezone(dt.timedelta(hours=7))


def test_the_example_month_checked_in_the_database(engine: sa.Engine) -> None:
    admin = Viewer.admin()
    load_example(engine, "nam-cau-kien", viewer=admin)
    done = load_monitoring(engine, "nam-cau-kien", viewer=admin)
    assert done["stations"] == 2 and done["written"] == done["readings"] > 150_000
    assert load_monitoring(engine, "nam-cau-kien", viewer=admin)["written"] == 0

    _, synthetic = example_month("nam-cau-kien")
    start = dt.datetime(2026, 10, 1, tzinfo=LOCAL)
    report = monitoring.check(engine, admin, "nam-cau-kien", start, start + dt.timedelta(days=31))

    found = {(f.kind.value, f.station, f.parameter or "", f.start, f.end) for f in report.findings}
    for truth in synthetic.truth:
        plant = truth.plant
        if plant.kind.value == "gap":  # a station's gap: one finding naming its parameters
            hits = [
                f
                for f in report.findings
                if (f.kind.value, f.station, f.start, f.end)
                == ("gap", plant.station, truth.start, truth.end)
            ]
            assert len(hits) == 1, truth
            station = next(s for s in report.stations if s.code == plant.station)
            assert hits[0].parameter is None
            assert sorted(hits[0].parameters) == sorted(station.parameters)
        else:
            key = (plant.kind.value, plant.station, plant.parameter or "", truth.start, truth.end)
            assert key in found, truth
    planted_days = {t.start.astimezone(LOCAL).date() for t in synthetic.truth}
    clean = [f for f in report.findings if f.start.astimezone(LOCAL).date() not in planted_days]
    assert clean == []
