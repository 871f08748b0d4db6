"""What the monitoring pages show, built on :mod:`parkloop.services.monitoring` (which
decides who sees which station): a park's board (each station's state, completeness and
findings over a period), a station's limits and findings, and the chart data of one
parameter (the database's aggregates with the limit lines and the exceedances).

Who sees what is the monitoring service's rule: an enterprise its own stations, the park's
operator (and the facilitators it engaged) every station of the park, an authority every
station of the parks of its province, the administrator all; the public none (a park has
no way yet to publish its monitoring, so nothing of it is public).

Periods are whole local days (Asia/Ho_Chi_Minh): from the first day's midnight to the
midnight after the last day. Without a chosen period, the seven days ending with the day
of the latest reading the viewer may see (today when there is none).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine

from parkloop.domain.permissions import Role, Viewer
from parkloop.errors import NotFound, UserError, msg
from parkloop.formats import number
from parkloop.monitoring import limits as limit_rules
from parkloop.monitoring import parameters as catalog
from parkloop.monitoring.model import Finding, FindingKind, Parameter, Station
from parkloop.services import monitoring
from parkloop.services.registry import require_park
from parkloop.store.monitoring import StationRecord
from parkloop.store.readings import STEPS, aggregates_of, groups

LOCAL = dt.timezone(dt.timedelta(hours=7))
DEFAULT_DAYS = 7
LONGEST_DAYS = 92  # a period longer than a quarter is refused (charts of daily means then)
FINE_UP_TO_DAYS = 2  # periods up to two days are drawn in 15-minute buckets, longer hourly
STATES = ("exceedance", "gap", "no-data", "ok")
EXCEEDING = (FindingKind.EXCEEDANCE, FindingKind.WINDOW_EXCEEDANCE)
STATE_COLOURS = {"ok": "#2e8b57", "exceedance": "#c0392b", "gap": "#d68910", "no-data": "#7f8c8d"}
STATE_LABELS = {
    "ok": ("trong giới hạn", "within limits"),
    "exceedance": ("đang vượt giới hạn", "exceedance open"),
    "gap": ("mất dữ liệu", "data gap"),
    "no-data": ("chưa có số liệu", "no data"),
}


WINDOW_UNITS = {"min": ("phút", "minute"), "h": ("giờ", "hour"), "d": ("ngày", "day")}


def window_words(window: str, lang: str) -> str:
    """An averaging window in words: "instant" → "tức thời", "1d" → "trung bình 1 ngày"."""
    if window == "instant":
        return "tức thời" if lang == "vi" else "instantaneous"
    for suffix, (vi, en) in WINDOW_UNITS.items():
        if window.endswith(suffix) and window[: -len(suffix)].isdigit():
            n = window[: -len(suffix)]
            return f"trung bình {n} {vi}" if lang == "vi" else f"{n}-{en} mean"
    return window


def parameter_name(code: str, lang: str) -> str:
    found = catalog.parameters().get(code)
    return found.name(lang) if found is not None else code


def helpers(lang: str) -> dict[str, Any]:
    """Words the monitoring templates need, in the reader's language."""
    known = catalog.parameters()
    return {
        "pname": lambda code: parameter_name(code, lang),
        "unit": catalog.unit_display,
        "window_words": lambda window: window_words(window, lang),
        "word_kind": lambda kind: FindingKind(kind).label(lang),
        "params": lambda station: [known[p] for p in station.parameters if p in known],
        "state_label": lambda state: state_label(state, lang),
        "minutes": lambda seconds: number(seconds / 60, lang, 1, fixed=False),
        "local": local,
    }


def state_label(state: str, lang: str) -> str:
    vi, en = STATE_LABELS[state]
    return vi if lang == "vi" else en


@dataclass(frozen=True, slots=True)
class Period:
    """Whole local days: ``first`` to ``last`` inclusive; ``start``/``end`` the instants
    (UTC) of the first day's midnight and of the midnight after the last day."""

    first: dt.date
    last: dt.date
    chosen: bool = False  # given by the reader, not the default

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), LOCAL).astimezone(dt.UTC)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), LOCAL).astimezone(
            dt.UTC
        )

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def step(self) -> str:
        return "15min" if self.days <= FINE_UP_TO_DAYS else "1h"

    def query(self) -> str:
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"


def _day(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(msg("'{text}' is not a date (write 2026-10-31)", text=text)) from None


def period(
    engine: Engine,
    viewer: Viewer,
    park: str,
    first: str = "",
    last: str = "",
    now: dt.datetime | None = None,
) -> Period:
    """The period the reader chose (``first``/``last`` as 2026-10-31; either may be left
    out), else the default one of the module's description."""
    if first.strip() or last.strip():
        end_day = _day(last, "to") if last.strip() else None
        start_day = _day(first, "from") if first.strip() else None
        if end_day is None:
            assert start_day is not None
            end_day = start_day + dt.timedelta(days=DEFAULT_DAYS - 1)
        if start_day is None:
            start_day = end_day - dt.timedelta(days=DEFAULT_DAYS - 1)
        if end_day < start_day:
            raise UserError(msg("the period must end after it starts"))
        if (end_day - start_day).days + 1 > LONGEST_DAYS:
            raise UserError(msg("choose a period of at most {days} days", days=str(LONGEST_DAYS)))
        return Period(start_day, end_day, chosen=True)
    latest = latest_reading(engine, viewer, park)
    moment = latest or now or dt.datetime.now(dt.UTC)
    last_day = moment.astimezone(LOCAL).date()
    return Period(last_day - dt.timedelta(days=DEFAULT_DAYS - 1), last_day)


def latest_reading(engine: Engine, viewer: Viewer, park: str) -> dt.datetime | None:
    """The instant of the latest reading of the park's stations ``viewer`` may see."""
    codes = [r.station.code for r in monitoring.stations(engine, viewer, park)]
    if not codes:
        return None
    last = monitoring.readings(engine).last(codes)
    if not last.num_rows:
        return None
    us = int(np.max(np.asarray(last.column("last_us").to_numpy(), dtype=np.int64)))
    return _instant(us)


# A page of the board asks for the same check many times (the board, its map, a chart per
# parameter): the check report and the status are kept per viewer, park, period, the
# stations as registered and the number of readings stored, so any new reading or changed
# station makes a new one.
MEMO_SIZE = 32
_MEMO: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_MEMO_LOCK = threading.Lock()


def _memo(
    kind: str,
    engine: Engine,
    viewer: Viewer,
    park: str,
    chosen: Period,
    compute: Callable[[], Any],
) -> Any:
    registered = tuple(r.station for r in monitoring.stations(engine, viewer, park))
    key = (
        kind,
        str(engine.url),
        viewer,
        park,
        chosen.first,
        chosen.last,
        registered,
        monitoring.readings(engine).count(),
    )
    with _MEMO_LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    value = compute()
    with _MEMO_LOCK:
        _MEMO[key] = value
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return value


def check_report(
    engine: Engine, viewer: Viewer, park: str, chosen: Period
) -> monitoring.CheckReport:
    """Every check of the park's stations ``viewer`` may see over the period."""
    report: monitoring.CheckReport = _memo(
        "check",
        engine,
        viewer,
        park,
        chosen,
        lambda: monitoring.check(engine, viewer, park, chosen.start, chosen.end),
    )
    return report


def _statuses(
    engine: Engine, viewer: Viewer, park: str, chosen: Period, until: dt.datetime
) -> list[monitoring.StationStatus]:
    """Each station's status at ``until`` (the period's end, or now within the period),
    its completeness over the period's number of days up to then."""
    found: list[monitoring.StationStatus] = _memo(
        "status",
        engine,
        viewer,
        park,
        chosen,
        lambda: monitoring.status(engine, viewer, park, now=until, days=chosen.days),
    )
    return found


def _instant(us: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(us))


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(LOCAL)


# -- the board ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StationRow:
    """One station on the board."""

    record: StationRecord
    state: str  # one of STATES
    last: dt.datetime | None  # local time
    completeness: float | None
    open_exceedances: int
    findings: dict[str, int]  # finding kind value -> episodes in the period

    @property
    def station(self) -> Station:
        return self.record.station

    def owner(self, lang: str) -> str:
        r = self.record
        if r.org_id is None:
            return ""
        return (r.org_name_vi if lang == "vi" else (r.org_name_en or r.org_name_vi)) or ""


@dataclass(frozen=True, slots=True)
class Board:
    park: Any
    period: Period
    rows: tuple[StationRow, ...]
    findings: tuple[Finding, ...]
    may_register: bool
    may_upload: bool
    counts: dict[str, int] = field(default_factory=dict)  # state -> stations

    @property
    def stations(self) -> list[Station]:
        return [r.station for r in self.rows]


def _state(
    station: Station,
    last: dt.datetime | None,
    open_exceedances: int,
    until: dt.datetime,
) -> str:
    if last is None:
        return "no-data"
    if open_exceedances:
        return "exceedance"
    silent = until - last
    if silent > dt.timedelta(seconds=station.interval_s * station.gap_factor):
        return "gap"
    return "ok"


def board(
    engine: Engine,
    viewer: Viewer,
    park: str,
    chosen: Period,
    now: dt.datetime | None = None,
) -> Board:
    """Each station ``viewer`` may see of ``park`` over the period: its state at the end of
    the period (exceedance open, silent for longer than its gap allowance, no reading in
    the period, else ok), its last reading, its completeness and its findings."""
    found = require_park(engine, park)
    now = now or dt.datetime.now(dt.UTC)
    until = min(chosen.end, now)
    statuses = _statuses(engine, viewer, park, chosen, until)
    report = check_report(engine, viewer, park, chosen)
    records = {r.station.code: r for r in monitoring.stations(engine, viewer, park)}
    by_station: dict[str, Counter[str]] = {}
    for f in report.findings:
        by_station.setdefault(f.station, Counter())[f.kind.value] += 1
    rows = []
    for s in statuses:
        code = s.station.code
        record = records.get(code)
        if record is None:
            continue
        last = s.last if s.last is not None and s.last >= chosen.start else None
        opened = len(s.open_exceedances)
        rows.append(
            StationRow(
                record=record,
                state=_state(s.station, last, opened, until),
                last=_local(s.last),
                completeness=s.completeness,
                open_exceedances=opened,
                findings=dict(by_station.get(code, Counter())),
            )
        )
    rows.sort(key=lambda r: (STATES.index(r.state), r.station.name))
    may_register = viewer.role is Role.ADMIN or (
        viewer.role is Role.OPERATOR and viewer.park_id == found.id
    )
    may_upload = viewer.role in (Role.ADMIN, Role.OPERATOR, Role.ENTERPRISE) and bool(rows)
    return Board(
        park=found,
        period=chosen,
        rows=tuple(rows),
        findings=report.findings,
        may_register=may_register,
        may_upload=may_upload,
        counts=dict(Counter(r.state for r in rows)),
    )


def geojson(board_: Board, lang: str) -> dict[str, Any]:
    """The board's stations as GeoJSON the park map draws: each a point of class
    "organisation" whose ``kind`` is its state (colours in the legend)."""
    features = []
    unplaced = 0
    for row in board_.rows:
        st = row.station
        if st.lat is None or st.lon is None:
            unplaced += 1
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [st.lon, st.lat]},
                "properties": {
                    "class": "organisation",
                    "name": st.name,
                    "kind": row.state,
                    "kind_label": f"{state_label(row.state, lang)} · {st.kind.label(lang)}",
                    "park": board_.park.code,
                    "inside_park": True,
                },
            }
        )
    first, last = board_.period.first.isoformat(), board_.period.last.isoformat()
    method = (
        f"Trạng thái cuối kỳ {first} – {last}: đang vượt giới hạn, mất dữ liệu (không có "
        "số liệu lâu hơn chu kỳ đo × hệ số), chưa có số liệu trong kỳ, hoặc trong giới hạn."
        if lang == "vi"
        else f"State at the end of {first} – {last}: exceedance open, data gap (no reading "
        "for longer than the interval × its factor), no data in the period, or within limits."
    )
    return {
        "type": "FeatureCollection",
        "lang": lang,
        "park": board_.park.code,
        "features": features,
        "legend": {
            "kinds": [
                {"kind": s, "colour": STATE_COLOURS[s], "label": state_label(s, lang)}
                for s in STATES
            ]
        },
        "unplaced": {"organisations": unplaced, "exchanges": 0},
        "method": method,
        "sources": ["docs/methods/monitoring.md"],
    }


# -- a station ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StationView:
    record: StationRecord
    park: Any
    period: Period
    parameters: tuple[Parameter, ...]
    limits: tuple[limit_rules.EffectiveLimit, ...]
    limit_set: Any  # the governing LimitSet, or None
    limits_missing: str  # why there are no limits ("" when there are)
    findings: tuple[Finding, ...]
    may_upload: bool

    @property
    def station(self) -> Station:
        return self.record.station


def station_in_park(engine: Engine, viewer: Viewer, park: str, code: str) -> StationRecord:
    """The station ``code`` of ``park``, if ``viewer`` may see it (else NotFound)."""
    found = require_park(engine, park)
    record = monitoring.station(engine, viewer, code)
    if record.park_id != found.id:
        raise NotFound(msg("no monitoring station '{code}'", code=code))
    return record


def effective(
    station: Station, on_date: dt.date, intake: Any = None
) -> tuple[list[limit_rules.EffectiveLimit], Any, str]:
    """The station's limits on ``on_date`` (``intake``: the park's intake limits, if it
    gave them), the governing set and, when there are none, why (in English; the page
    words it)."""
    try:
        chosen = limit_rules.applicable(station, on_date, intake)
        return limit_rules.effective_limits(station, on_date, intake), chosen, ""
    except limit_rules.NoLimitSet:
        return [], None, "no-limit-set"
    except (LookupError, ValueError):
        return [], None, "no-limit-set"


def station_view(
    engine: Engine, viewer: Viewer, park: str, code: str, chosen: Period
) -> StationView:
    record = station_in_park(engine, viewer, park, code)
    st = record.station
    found_park = require_park(engine, park)
    known = catalog.parameters()
    lims, governing, missing = effective(st, chosen.first, monitoring.intake_limits(engine, park))
    report = check_report(engine, viewer, park, chosen)
    mine = tuple(f for f in report.findings if f.station == st.code)
    may_upload = viewer.role is Role.ADMIN or (
        viewer.role is Role.OPERATOR and viewer.park_id == record.park_id
    )
    if viewer.role is Role.ENTERPRISE:
        may_upload = record.org_id is not None and record.org_id == viewer.org_id
    return StationView(
        record=record,
        park=found_park,
        period=chosen,
        parameters=tuple(known[p] for p in st.parameters if p in known),
        limits=tuple(lims),
        limit_set=governing,
        limits_missing=missing,
        findings=mine,
        may_upload=may_upload,
    )


def writable_stations(engine: Engine, viewer: Viewer, park: str) -> list[StationRecord]:
    """The park's stations whose readings ``viewer`` may send."""
    found = monitoring.stations(engine, viewer, park)
    return [r for r in found if monitoring._may_write(viewer, r)]


def local(moment: dt.datetime | None) -> dt.datetime | None:
    """An instant in local time of Viet Nam, as the pages show it."""
    return _local(moment)


# -- chart data --------------------------------------------------------------------------------


def _ms(us: int | np.int64) -> int:
    return int(us) // 1000


def _finite(values: NDArray[np.float64]) -> list[float | None]:
    return [None if not math.isfinite(v) else round(float(v), 6) for v in values.tolist()]


def chart(
    engine: Engine,
    viewer: Viewer,
    park: str,
    code: str,
    parameter: str,
    chosen: Period,
    lang: str,
    findings: tuple[Finding, ...] | None = None,
) -> dict[str, Any]:
    """One parameter of one station over the period, for a line chart: the database's
    buckets (mean, min, max; an empty bucket is null, so the line breaks there), the
    station's limit lines for this parameter, and its exceedance episodes."""
    record = station_in_park(engine, viewer, park, code)
    st = record.station
    if parameter not in st.parameters:
        raise NotFound(
            msg("station '{code}' does not measure '{parameter}'", code=code, parameter=parameter)
        )
    known = catalog.parameters()
    param = known.get(parameter)
    step = chosen.step
    width_us = STEPS[step] * 1_000_000
    table = monitoring.readings(engine).aggregate([st.code], chosen.start, chosen.end, step)
    agg = aggregates_of(table, groups(table).get((st.code, parameter), (0, 0)), step)
    start_us = int((chosen.start - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds()) * 10**6
    n = chosen.days * 86400 // STEPS[step]
    slots = ((agg.start - start_us) // width_us).astype(np.int64)
    inside = (slots >= 0) & (slots < n)
    mean = np.full(n, np.nan)
    low = np.full(n, np.nan)
    high = np.full(n, np.nan)
    mean[slots[inside]] = agg.mean[inside]
    low[slots[inside]] = agg.min[inside]
    high[slots[inside]] = agg.max[inside]
    lims, governing, _ = effective(st, chosen.first, monitoring.intake_limits(engine, park))
    lines = []
    sources = []
    for lim in lims:
        if lim.parameter != parameter or not lim.known:
            continue
        lines.append(
            {
                "window": lim.window,
                "low": lim.low,
                "high": lim.high,
                "label": lim.arithmetic(lang),
                "status": lim.status,
            }
        )
        sources.append(f"{lim.document} [{lim.status}]: {lim.source}")
    if findings is None:
        findings = check_report(engine, viewer, park, chosen).findings
    episodes = [
        {
            "start": int(f.start.timestamp() * 1000),
            "end": int(f.end.timestamp() * 1000),
            "kind": f.kind.value,
            "label": f.kind.label(lang),
            "window": f.window or "",
            "peak": f.peak,
            "limit": f.limit,
        }
        for f in findings
        if f.station == st.code and f.parameter == parameter and f.kind in EXCEEDING
    ]
    unit = catalog.unit_display(parameter) if param is not None else ""
    name = param.name(lang) if param is not None else parameter
    step_words = {
        "15min": ("trung bình 15 phút", "15-minute means"),
        "1h": ("trung bình giờ", "hourly means"),
    }[step]
    method = (
        f"{step_words[0]} (đường), nhỏ nhất – lớn nhất (dải), do cơ sở dữ liệu tính từ các "
        "giá trị đo; đường giới hạn theo quy chuẩn áp dụng cho trạm; vùng tô: các đợt vượt "
        "giới hạn. Giờ Việt Nam."
        if lang == "vi"
        else f"{step_words[1]} (line) and min – max (band), computed by the database from "
        "the readings; limit lines of the standard governing the station; shaded: the "
        "exceedance episodes. Times in Viet Nam."
    )
    return {
        "kind": "monitoring",
        "lang": lang,
        "station": st.code,
        "parameter": parameter,
        "title": f"{name} ({unit})" if unit else name,
        "unit": unit,
        "step": step,
        "start": _ms(start_us),
        "step_ms": STEPS[step] * 1000,
        "mean": _finite(mean),
        "min": _finite(low),
        "max": _finite(high),
        "limits": lines,
        "exceedances": episodes,
        "limit_set": governing.title(lang) if governing is not None else "",
        "method": method,
        "sources": sorted(set(sources)) or ["docs/methods/monitoring.md"],
    }


__all__ = [
    "Board",
    "Period",
    "StationRow",
    "StationView",
    "board",
    "chart",
    "effective",
    "geojson",
    "period",
    "station_in_park",
    "station_view",
    "writable_stations",
]
