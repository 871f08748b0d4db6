"""Monthly input/output records: completeness of a year, and the assessment indicator
computed from them (with the flow inventory kept when there are none)."""

from __future__ import annotations

import pytest

from parkloop.assessment import indicators as ind
from parkloop.assessment.facts import EnterpriseFacts, FlowFacts, IoRecordFacts, ParkFacts
from parkloop.monitoring.io_records import Group, Stream, completeness, parse_stream

FULL = (Stream.ELECTRICITY, Stream.WATER_IN, Stream.WASTEWATER_OUT, Stream.MATERIAL)


def _months(months: range, streams: tuple[Stream, ...] = FULL) -> list[tuple[int, Stream]]:
    return [(m, s) for m in months for s in streams]


def test_a_year_is_complete_with_energy_water_wastewater_and_materials_each_month() -> None:
    year = completeness(2025, _months(range(1, 13)))
    assert year.monitored and year.complete == tuple(range(1, 13)) and year.missing == {}
    assert year.expected == (Group.ENERGY, Group.WATER, Group.WASTEWATER, Group.MATERIALS)
    # A fuel is energy as much as electricity.
    fuel = (Stream.FUEL, Stream.WATER_IN, Stream.WASTEWATER_OUT, Stream.MATERIAL)
    assert completeness(2025, _months(range(1, 13), fuel)).monitored


def test_missing_months_say_what_they_lack() -> None:
    records = _months(range(1, 13), FULL[:3]) + _months(range(1, 12), (Stream.MATERIAL,))
    year = completeness(2025, records)
    assert not year.monitored and year.complete == tuple(range(1, 12))
    assert year.missing == {12: (Group.MATERIALS,)}
    assert completeness(2025, []).missing[1] == (
        Group.ENERGY,
        Group.WATER,
        Group.WASTEWATER,
        Group.MATERIALS,
    )


def test_chemicals_are_expected_every_month_once_recorded_in_the_year() -> None:
    records = [*_months(range(1, 13)), (3, Stream.CHEMICAL)]
    year = completeness(2025, records)
    assert Group.CHEMICALS in year.expected
    assert year.complete == (3,) and year.missing[1] == (Group.CHEMICALS,)
    with pytest.raises(ValueError):
        completeness(2025, [(13, Stream.FUEL)])


def test_streams_read_from_staff_words() -> None:
    assert parse_stream("điện") is Stream.ELECTRICITY
    assert parse_stream("Nước thải") is Stream.WASTEWATER_OUT
    assert parse_stream("hoá chất") is Stream.CHEMICAL
    assert parse_stream("main material") is Stream.MATERIAL
    assert parse_stream("water-in") is Stream.WATER_IN
    with pytest.raises(ValueError):
        parse_stream("mưa")


def _firm(code: str, months: int = 0, flows: tuple[str, ...] = ()) -> EnterpriseFacts:
    records = tuple(
        IoRecordFacts(month=m, stream=s.value) for m, s in _months(range(1, months + 1))
    )
    return EnterpriseFacts(
        code=code,
        io_records=records,
        flows=tuple(FlowFacts(direction=d, material_code="x", quantity=1, unit="t") for d in flows),  # type: ignore[arg-type]
    )


def test_indicator_counts_enterprises_with_twelve_complete_months() -> None:
    # Two of four enterprises monitored: 50 %, the least needed.
    park = ParkFacts(
        park_code="p",
        year=2025,
        enterprises=(_firm("a", 12), _firm("b", 12), _firm("c", 11), _firm("d")),
    )
    obs = ind.io_monitoring(park)
    assert obs is not None and obs.value is True
    [used] = obs.used
    assert used.table == "io_records" and used.rows == 4 * (12 + 12 + 11)
    assert used.detail.startswith("2 of 4 enterprises monitor inputs and outputs in 2025 (50 %")
    assert "basis: the monthly input/output records;" in used.detail
    assert "2 of 3 enterprises keeping monthly records have all 12 months complete" in used.detail
    fewer = ParkFacts(
        park_code="p",
        year=2025,
        enterprises=(_firm("a", 12), _firm("c", 11), _firm("d"), _firm("e")),
    )
    assert ind.io_monitoring(fewer).value is False  # type: ignore[union-attr]


def test_an_enterprise_with_records_is_judged_by_them_the_others_by_their_flows() -> None:
    both = ("in", "out")
    # a: twelve months; b: eleven months (its flows do not save it); c: flows both ways;
    # d: only inputs. Monitored: a and c, 2 of 4.
    facts = ParkFacts(
        park_code="p",
        year=2025,
        enterprises=(
            _firm("a", 12),
            _firm("b", 11, both),
            _firm("c", 0, both),
            _firm("d", 0, ("in",)),
        ),
    )
    obs = ind.io_monitoring(facts)
    assert obs is not None and obs.value is True
    records, flows = obs.used
    assert (records.table, flows.table) == ("io_records", "flows")
    assert "basis: the monthly input/output records and the flow inventory" in records.detail
    assert "1 of 2 enterprises without monthly records report inputs and outputs" in flows.detail
    flows_only = ParkFacts(
        park_code="p", year=2025, enterprises=(_firm("c", 0, both), _firm("d", 0, ("in",)))
    )
    obs = ind.io_monitoring(flows_only)
    assert obs is not None and obs.value is True and [u.table for u in obs.used] == ["flows"]
    assert obs.used[0].detail.endswith("basis: the flow inventory")
    assert ind.io_monitoring(ParkFacts(park_code="p", year=2025, enterprises=(_firm("x"),))) is None
