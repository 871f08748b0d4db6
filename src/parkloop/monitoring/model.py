"""Monitoring points, their parameters, the readings they send and what a check finds.

Readings travel as columns, never as one object per reading: a batch is a pyarrow table
with :data:`READINGS_SCHEMA` (station code, parameter code, instant in UTC, value in the
parameter's canonical unit), and a series handed to a check is two numpy arrays (instants
as int64 microseconds since the epoch in UTC, values as float64).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pyarrow as pa

from parkloop.domain.enums import LabelledEnum

READINGS_SCHEMA = pa.schema(
    [
        pa.field("station", pa.string(), nullable=False),
        pa.field("parameter", pa.string(), nullable=False),
        pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("value", pa.float64(), nullable=False),
    ]
)
LOCAL_TZ = "Asia/Ho_Chi_Minh"  # instants without an offset are read in this zone


class StationKind(LabelledEnum):
    WWTP_OUTLET = ("wwtp-outlet", "cửa xả trạm xử lý nước thải tập trung", "central WWTP outlet")
    ENTERPRISE_OUTLET = (
        "enterprise-outlet",
        "điểm xả của doanh nghiệp vào hệ thống thu gom",
        "enterprise outlet to the park sewer",
    )
    STACK = ("stack", "ống khói", "stack")


class Media(LabelledEnum):
    WATER = ("water", "nước thải", "wastewater")
    AIR = ("air", "khí thải", "flue gas")


@dataclass(frozen=True, slots=True)
class Parameter:
    """A measured quantity with its canonical unit (a pint unit string) and the range a
    real measurement can take (outside it the sensor, not the process, is wrong)."""

    code: str  # "cod", "ph", "tss", "nh4", "dust", "so2" …
    name_vi: str
    name_en: str
    unit: str  # canonical: "mg/L", "m3/h", "degC", "" for pH, "Pt-Co" for colour …
    media: Media
    low: float | None = None
    high: float | None = None

    def name(self, lang: str = "vi") -> str:
        return self.name_vi if lang == "vi" else self.name_en


@dataclass(frozen=True, slots=True)
class Station:
    """A monitoring point: a park's central WWTP outlet, an enterprise's outlet to the
    park sewer, or a stack."""

    code: str
    park_code: str
    name: str
    kind: StationKind
    parameters: tuple[str, ...]
    limit_set: str  # e.g. "qcvn-40-2025", "qcvn-40-2011", "qcvn-19-2009", "park-intake"
    limit_column: str  # the column of the limit set: "A", "B", "B1", "C" …
    org_code: str | None = None  # the enterprise owning it; None for the park's own
    lat: float | None = None
    lon: float | None = None
    flow_m3_per_day: float | None = None  # design discharge (Kq / Kf class), stacks m3/h
    receiving_water: str | None = None  # receiving-water class (Kq), e.g. "river-q<=50"
    interval_s: int = 300  # expected spacing of readings
    gap_factor: int = 3  # a gap is no reading for longer than interval × gap_factor
    accept_partial: bool = False  # a batch with refused rows: keep the good rows?
    # Added for the transitional rules of parkloop.monitoring.limits.applicable: the day the
    # source started discharging (None: an existing facility, started before any new
    # standard came into force).
    commissioned_on: date | None = None


class FindingKind(LabelledEnum):
    EXCEEDANCE = ("exceedance", "vượt giới hạn", "limit exceeded")
    WINDOW_EXCEEDANCE = (
        "window-exceedance",
        "trung bình vượt giới hạn",
        "average over the window exceeds the limit",
    )
    IMPOSSIBLE = ("impossible", "giá trị không thể có", "physically impossible value")
    FLATLINE = ("flatline", "cảm biến đứng giá trị", "flat-lined sensor")
    GAP = ("gap", "mất dữ liệu", "data gap")


@dataclass(frozen=True, slots=True)
class Finding:
    """One episode a check found: from its first to its last offending instant (a gap:
    from the last reading before to the first after), its worst value, and the limit with
    the document it comes from. A gap several parameters share (the station sent nothing)
    is one finding: its ``parameter`` is None and ``parameters`` names them."""

    station: str
    parameter: str | None  # None for a gap of the station (several parameters at once)
    kind: FindingKind
    start: datetime  # aware, UTC
    end: datetime
    peak: float | None = None
    limit: float | None = None
    window: str | None = None  # "instant", "1h", "1d" …
    source: str = ""  # document or URL of the limit
    status: str = ""  # read / read_secondary / recalled_unverified / unknown
    parameters: tuple[str, ...] = ()  # a station's gap: the parameters without readings
