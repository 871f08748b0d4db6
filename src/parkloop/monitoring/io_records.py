"""Periodic input/output monitoring (Decree 82/2018 and 35/2022, criterion 7): the streams
an enterprise records each month, and when a year of records is complete
(docs/methods/io-monitoring.md). Pure: no database.

A month of an enterprise is complete when it holds a record of each *expected* group:
energy (electricity or a fuel), water taken in, wastewater let out and main materials
always; hazardous chemicals once the enterprise has recorded any in the year (not every
enterprise uses them). An enterprise with all twelve months complete is *monitored*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from parkloop.domain.enums import LabelledEnum


class Stream(LabelledEnum):
    ELECTRICITY = ("electricity", "điện năng", "electricity")
    FUEL = ("fuel", "nhiên liệu", "fuel")
    WATER_IN = ("water-in", "nước cấp", "water in")
    WASTEWATER_OUT = ("wastewater-out", "nước thải", "wastewater out")
    MATERIAL = ("material", "nguyên vật liệu chính", "main material")
    CHEMICAL = ("chemical", "hóa chất nguy hại", "hazardous chemical")


class Group(LabelledEnum):
    ENERGY = ("energy", "năng lượng", "energy")
    WATER = ("water", "nước cấp", "water in")
    WASTEWATER = ("wastewater", "nước thải", "wastewater")
    MATERIALS = ("materials", "nguyên vật liệu", "materials")
    CHEMICALS = ("chemicals", "hóa chất nguy hại", "hazardous chemicals")


GROUP_OF = {
    Stream.ELECTRICITY: Group.ENERGY,
    Stream.FUEL: Group.ENERGY,
    Stream.WATER_IN: Group.WATER,
    Stream.WASTEWATER_OUT: Group.WASTEWATER,
    Stream.MATERIAL: Group.MATERIALS,
    Stream.CHEMICAL: Group.CHEMICALS,
}
REQUIRED = (Group.ENERGY, Group.WATER, Group.WASTEWATER, Group.MATERIALS)
# The canonical units a stream's quantity may have (parkloop.units: MWh, m3, Nm3, t).
UNITS = {
    Stream.ELECTRICITY: ("MWh",),
    Stream.FUEL: ("t", "m3", "Nm3", "MWh"),
    Stream.WATER_IN: ("m3",),
    Stream.WASTEWATER_OUT: ("m3",),
    Stream.MATERIAL: ("t", "m3"),
    Stream.CHEMICAL: ("t", "m3"),
}
# Words staff write in the stream column besides the labels above.
STREAM_WORDS = {
    "điện": Stream.ELECTRICITY,
    "dien": Stream.ELECTRICITY,
    "điện năng tiêu thụ": Stream.ELECTRICITY,
    "nhiên liệu": Stream.FUEL,
    "nhien lieu": Stream.FUEL,
    "nước": Stream.WATER_IN,
    "nước sạch": Stream.WATER_IN,
    "nuoc cap": Stream.WATER_IN,
    "nước thải": Stream.WASTEWATER_OUT,
    "nuoc thai": Stream.WASTEWATER_OUT,
    "nguyên liệu": Stream.MATERIAL,
    "nguyên vật liệu": Stream.MATERIAL,
    "nguyen lieu": Stream.MATERIAL,
    "vật liệu": Stream.MATERIAL,
    "hóa chất": Stream.CHEMICAL,
    "hoá chất": Stream.CHEMICAL,
    "hoa chat": Stream.CHEMICAL,
    "hóa chất nguy hại": Stream.CHEMICAL,
    "hoá chất nguy hại": Stream.CHEMICAL,
}


def parse_stream(text: str) -> Stream:
    """A stream from its value, its label in either language, or the staff's word."""
    try:
        return Stream.parse(text)
    except ValueError:
        pass
    wanted = " ".join(str(text).split()).casefold()
    if wanted in STREAM_WORDS:
        return STREAM_WORDS[wanted]
    raise ValueError(text)


@dataclass(frozen=True, slots=True)
class Completeness:
    """One enterprise's year: which months are complete, and what each other month
    lacks (groups expected but not recorded)."""

    year: int
    expected: tuple[Group, ...]
    complete: tuple[int, ...]
    missing: dict[int, tuple[Group, ...]]
    records: int

    @property
    def monitored(self) -> bool:
        return len(self.complete) == 12

    @property
    def share(self) -> float:
        return len(self.complete) / 12


def completeness(year: int, months_and_streams: Iterable[tuple[int, Stream]]) -> Completeness:
    """The completeness of one enterprise's records of ``year``: ``(month, stream)`` of
    each record (one per item: several fuels in a month count once)."""
    held: dict[int, set[Group]] = {}
    count = 0
    for month, stream in months_and_streams:
        if not 1 <= month <= 12:
            raise ValueError(f"month {month}")
        held.setdefault(month, set()).add(GROUP_OF[Stream(stream)])
        count += 1
    seen = set().union(*held.values()) if held else set()
    expected = tuple(g for g in Group if g in REQUIRED or g in seen)
    complete: list[int] = []
    missing: dict[int, tuple[Group, ...]] = {}
    for month in range(1, 13):
        lacking = tuple(g for g in expected if g not in held.get(month, set()))
        if lacking:
            missing[month] = lacking
        else:
            complete.append(month)
    return Completeness(year, expected, tuple(complete), missing, count)
