"""A station that sends nothing gives one gap finding naming its silent parameters, not
one per parameter; a sensor's own gap stays a gap of its parameter."""

from __future__ import annotations

import datetime as dt

import numpy as np

from parkloop.monitoring.alerts import Channel, Labels, Rule, body, payload, plan
from parkloop.monitoring.checks import gaps, join_gaps, to_datetime, to_us
from parkloop.monitoring.model import Finding, FindingKind

M = 300_000_000  # five minutes in µs
T0 = to_us(dt.datetime(2026, 10, 1, 0, 0, tzinfo=dt.UTC))
END = T0 + 100 * M


def _gaps(missing: slice, parameter: str) -> list[Finding]:
    ts = np.delete(T0 + np.arange(100, dtype=np.int64) * M, np.arange(100)[missing])
    return gaps(ts, "s1", T0, END, 300, 3, parameter=parameter)


def test_an_outage_of_the_station_is_one_finding_naming_its_parameters() -> None:
    outage = slice(20, 40)
    found = [f for p in ("flow", "ph", "cod") for f in _gaps(outage, p)]
    assert len(found) == 3
    joined = join_gaps(found)
    assert len(joined) == 1
    gap = joined[0]
    assert gap.kind is FindingKind.GAP and gap.station == "s1"
    assert gap.parameter is None and gap.parameters == ("flow", "ph", "cod")
    assert (gap.start, gap.end) == (found[0].start, found[0].end)
    assert gap.limit == found[0].limit
    assert gap.source.endswith(": flow, ph, cod")


def test_a_sensor_gap_and_other_findings_are_kept() -> None:
    sensor = _gaps(slice(50, 60), "cod")
    station = [f for p in ("flow", "ph") for f in _gaps(slice(20, 40), p)]
    other = Finding("s1", "cod", FindingKind.EXCEEDANCE, to_datetime(T0), to_datetime(T0), 12.0)
    elsewhere = [f for p in ("flow", "ph") for f in _gaps(slice(20, 40), p)]
    elsewhere = [Finding("s2", f.parameter, f.kind, f.start, f.end) for f in elsewhere]
    joined = join_gaps([other, *station, *sensor, *elsewhere])
    assert joined[0] is other
    assert [(f.station, f.parameter, f.parameters) for f in joined[1:]] == [
        ("s1", None, ("flow", "ph")),
        ("s1", "cod", ()),
        ("s2", None, ("flow", "ph")),
    ]


def test_one_outage_one_alert_whose_message_names_the_parameters() -> None:
    found = join_gaps([f for p in ("flow", "cod") for f in _gaps(slice(20, 40), p)])
    rule = Rule(1, "nck", "hook", frozenset({FindingKind.GAP}), Channel.LOG, lang="en")
    notices = plan([rule], found, {}, to_datetime(END))
    assert len(notices) == 1
    labels = Labels({"s1": "Outlet"}, {})
    assert "Parameter: flow, cod" in body(notices[0], labels)
    assert payload(notices[0], labels)["parameters"] == ["flow", "cod"]
