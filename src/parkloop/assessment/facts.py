"""What an assessment looks at: a pure snapshot of one park (or one enterprise) in one year.

The store builds these from the database; indicator functions read only these. Quantities
are exact fractions (decimal values as typed) so thresholds hold exactly at the boundary.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction


def exact(value: float | int | str | Fraction) -> Fraction:
    """The decimal a user typed, as an exact fraction (0.1 -> 1/10, not a binary float)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        # Through Decimal: the same fraction as Fraction(repr(value)), in half the time.
        return Fraction(Decimal(repr(value))) if math.isfinite(value) else Fraction(repr(value))
    return Fraction(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceRecord:
    """A document, date and who confirmed it, or a manual value with its justification."""

    id: int
    indicator_id: str
    year: int
    org_code: str | None = None
    value: Fraction | None = None
    value_text: str = ""
    file_name: str = ""
    file_sha256: str = ""
    note: str = ""
    confirmed_by: str = ""
    confirmed_on: date | None = None
    data_status: str = "reported"
    source: str = ""

    @property
    def has_file(self) -> bool:
        return bool(self.file_sha256)


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureFacts:
    """One RECP measure of an enterprise."""

    year: int
    category: str
    implemented: bool
    saves_something: bool
    data_status: str = "reported"


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowFacts:
    """One input or output record of the assessed year."""

    direction: str
    material_code: str
    quantity: Fraction
    unit: str
    secondary: bool = False
    destination: str = ""
    data_status: str = "reported"
    months: int = 12  # the period the record covers: 12 a year, 3 a quarter, 1 a month


@dataclass(frozen=True, slots=True, kw_only=True)
class IoRecordFacts:
    """One monthly input/output record of the assessed year (criterion 7): its month and
    stream (parkloop.monitoring.io_records.Stream values)."""

    month: int
    stream: str
    data_status: str = "reported"


def ran_in_year(status: str, start: date | None, end: date | None, year: int) -> bool:
    """Whether an exchange of ``status`` dated ``start``-``end`` carried material in
    ``year``: a running one unless it started after the year or ended before it (undated
    ones count), a stopped one only for the years its dates show it running."""
    if start is not None and start > date(year, 12, 31):
        return False
    if end is not None and end < date(year, 1, 1):
        return False
    if status == "running":
        return True
    return status == "stopped" and start is not None and end is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkFacts:
    """An exchange between two organisations, with which of them belong to the park."""

    key: str
    supplier: str
    receiver: str
    supplier_in_park: bool
    receiver_in_park: bool
    material_code: str
    status: str
    material_class: str = ""
    secondary: bool = False
    start_date: date | None = None
    end_date: date | None = None
    data_status: str = "reported"

    def in_year(self, year: int) -> bool:
        """Did the exchange run during ``year``? Undated running exchanges count."""
        return ran_in_year(self.status, self.start_date, self.end_date, year)


@dataclass(frozen=True, slots=True, kw_only=True)
class EnterpriseFacts:
    code: str
    name: str = ""
    vsic: str = ""
    recp_status: str = "unaware"
    plans_symbiosis: bool = False
    clubs: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    employees: int | None = None
    data_status: str = "reported"
    measures: tuple[MeasureFacts, ...] = ()
    flows: tuple[FlowFacts, ...] = ()
    io_records: tuple[IoRecordFacts, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnerFacts:
    code: str
    kind: str
    inside_park: bool
    data_status: str = "reported"
    flows: tuple[FlowFacts, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class LandFacts:
    land_class: str
    area_ha: Fraction
    data_status: str = "reported"


@dataclass(frozen=True, slots=True, kw_only=True)
class ParkFacts:
    """One park in one year, as the assessment sees it."""

    park_code: str
    year: int
    name_vi: str = ""
    name_en: str = ""
    total_area_ha: Fraction | None = None
    wwtp_capacity_m3_per_day: Fraction | None = None
    data_status: str = "reported"
    land_use: tuple[LandFacts, ...] = ()
    enterprises: tuple[EnterpriseFacts, ...] = ()
    partners: tuple[PartnerFacts, ...] = ()
    links: tuple[LinkFacts, ...] = ()
    evidence: tuple[EvidenceRecord, ...] = ()

    @property
    def enterprise_codes(self) -> frozenset[str]:
        return frozenset(e.code for e in self.enterprises)


@dataclass(frozen=True, slots=True, kw_only=True)
class EnterpriseScope:
    """One enterprise in one year: only its own records, and its park's public evidence."""

    park_code: str
    year: int
    enterprise: EnterpriseFacts
    links: tuple[LinkFacts, ...] = ()
    evidence: tuple[EvidenceRecord, ...] = ()
    park_evidence: tuple[EvidenceRecord, ...] = ()


def latest_evidence(
    records: Iterable[EvidenceRecord], indicator_id: str, year: int
) -> EvidenceRecord | None:
    """The newest evidence for an indicator from ``year`` or before (later rows win ties)."""
    best: EvidenceRecord | None = None
    for r in records:
        if r.indicator_id != indicator_id or r.year > year:
            continue
        if best is None or (r.year, r.id) > (best.year, best.id):
            best = r
    return best


def status_counts(statuses: Iterable[str]) -> dict[str, int]:
    """How many of the rows used carry each data status, most common first."""
    return dict(Counter(statuses).most_common())
