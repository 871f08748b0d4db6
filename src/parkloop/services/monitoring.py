"""Monitoring stations and their readings: registering stations, giving each its push
token, taking readings in (an uploaded CSV or Excel file, a JSON batch pushed by the
station), checking a park's readings and saying where each station stands.

Who writes readings: the administrator; a park operator for every station of its park; an
enterprise only for its own stations; a station's push token only for that station.

What a batch of readings goes through (whole columns, never one reading at a time):

* instants without an offset are read in Asia/Ho_Chi_Minh; one with an offset (``Z``,
  ``+07:00``) as written;
* each column (or each unit of the long format) is converted to the parameter's canonical
  unit with pint;
* a reading is refused, with its reason, when its station is unknown (or not the writer's),
  its parameter unknown or not measured by the station, its unit cannot measure the
  parameter, its instant cannot be read or lies in the future (beyond
  :data:`CLOCK_SKEW`), or its value is not a number. An impossible value (pH 15) is kept:
  the checks flag it;
* a batch with a refused reading writes nothing, unless every station it holds accepts
  partial batches (``accept_partial``): then the other readings go in;
* a reading already stored with the same value is skipped (a batch sent twice changes
  nothing); one stored with another value is refused and never overwritten.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml
from numpy.typing import NDArray
from sqlalchemy import Engine

from parkloop.domain.permissions import Role, Viewer, in_scope, own_parks, works_in
from parkloop.errors import Message, NotAllowed, NotFound, UserError, msg
from parkloop.monitoring import parameters as catalog
from parkloop.monitoring.model import READINGS_SCHEMA, Finding, FindingKind, Station, StationKind
from parkloop.services.accounts import digest
from parkloop.services.registry import require_park
from parkloop.store import monitoring as store
from parkloop.store.readings import (
    ReadingStore,
    Series,
    aggregates_of,
    groups,
    store_for,
)

FETCH_STATIONS = 10  # stations whose readings a check fetches in one query
CLOCK_SKEW = dt.timedelta(minutes=5)  # a station clock this far ahead is still believed
LOCAL_OFFSET = dt.timedelta(hours=7)  # Asia/Ho_Chi_Minh, no summer time
MAX_LISTED = 1000  # refused rows listed one by one (the count is always whole)
TIMESTAMP_HEADERS = ("timestamp", "thoi gian", "time", "datetime", "ngay gio", "date time")
LONG_HEADERS = {
    "station": ("station", "tram", "ma tram", "station code"),
    "parameter": ("parameter", "thong so", "chi tieu", "parameter code"),
    "timestamp": TIMESTAMP_HEADERS,
    "value": ("value", "gia tri", "ket qua"),
    "unit": ("unit", "don vi", "don vi tinh"),
}
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$", re.IGNORECASE)
_DAY_FIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M")


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refusal:
    """Readings refused for one reason: their rows (file lines, or indexes of a pushed
    batch) and the column they came from."""

    reason: Message
    rows: NDArray[np.int64]
    column: str = ""

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class Received:
    """What became of a batch: readings read, written, already stored (unchanged), refused
    (by reason), and whether the good readings went in despite refusals."""

    read: int
    written: int
    unchanged: int
    refusals: tuple[Refusal, ...]
    partial: bool  # the batch's stations accept partial batches
    stations: tuple[str, ...]

    @property
    def refused(self) -> int:
        return sum(r.count for r in self.refusals)

    @property
    def kept(self) -> bool:
        """Whether the batch's good readings were kept (always, without refusals)."""
        return not self.refusals or self.partial

    def listed(self, limit: int = MAX_LISTED) -> list[tuple[int, str, Message]]:
        """The refused rows one by one, in row order, at most ``limit`` of them."""
        out: list[tuple[int, str, Message]] = []
        for refusal in self.refusals:
            for row in refusal.rows[:limit].tolist():
                out.append((int(row), refusal.column, refusal.reason))
        out.sort(key=lambda r: r[0])
        return out[:limit]

    def summary(self) -> Message:
        if self.refusals and not self.partial:
            return msg(
                "{refused} reading(s) refused: nothing was written (the station takes a "
                "batch whole or not at all)",
                refused=self.refused,
            )
        return msg(
            "{written} reading(s) written, {unchanged} already stored, {refused} refused",
            written=self.written,
            unchanged=self.unchanged,
            refused=self.refused,
        )


@dataclass(frozen=True, slots=True)
class StationStatus:
    """Where a station stands: its last reading, the share of expected readings received
    over the period, and the exceedances still open at its end."""

    station: Station
    last: dt.datetime | None
    completeness: float | None  # 0..1; None before the station's first expected reading
    open_exceedances: tuple[Finding, ...]
    org_name_vi: str = ""
    org_name_en: str = ""


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The findings of a park's stations over a period, with the limits checked."""

    park: str
    start: dt.datetime
    end: dt.datetime
    stations: tuple[Station, ...]
    findings: tuple[Finding, ...]
    limits: tuple[Any, ...] = field(default=())


# -- who may do what ---------------------------------------------------------------------------


def _may_see(viewer: Viewer, record: store.StationRecord) -> bool:
    role = viewer.role
    if role is Role.ADMIN:
        return True
    if role is Role.ENTERPRISE:
        return record.org_id is not None and record.org_id == viewer.org_id
    if role in (Role.OPERATOR, Role.FACILITATOR):
        return works_in(viewer, record.park_id)
    if role is Role.AUTHORITY:
        return in_scope(viewer, record.park_id)
    return False


def _may_write(viewer: Viewer, record: store.StationRecord) -> bool:
    role = viewer.role
    if role is Role.ADMIN:
        return True
    if role is Role.OPERATOR:
        return viewer.park_id is not None and viewer.park_id == record.park_id
    if role is Role.ENTERPRISE:
        return record.org_id is not None and record.org_id == viewer.org_id
    return False


def _may_register(viewer: Viewer, park_id: int) -> bool:
    return viewer.role is Role.ADMIN or (viewer.role is Role.OPERATOR and viewer.park_id == park_id)


def _station(engine: Engine, viewer: Viewer, code: str) -> store.StationRecord:
    with engine.connect() as conn:
        record = store.station(conn, code)
    if record is None or not _may_see(viewer, record):
        raise NotFound(msg("no monitoring station '{code}'", code=code))
    return record


def _park_id(engine: Engine, code: str) -> int:
    park_id = require_park(engine, code).id
    assert park_id is not None  # a park read from the database has its id
    return park_id


def readings(engine: Engine) -> ReadingStore:
    """The readings store of ``engine``'s database."""
    return store_for(engine)


# -- stations ----------------------------------------------------------------------------------


def stations(engine: Engine, viewer: Viewer, park: str | None = None) -> list[store.StationRecord]:
    """The stations ``viewer`` may see, of ``park`` or of every park."""
    park_ids: list[int] | None = None
    if park is not None:
        park_ids = [_park_id(engine, park)]
    elif viewer.role in (Role.OPERATOR, Role.FACILITATOR, Role.ENTERPRISE):
        park_ids = sorted(own_parks(viewer))
    with engine.connect() as conn:
        found = store.stations_of(conn, park_ids)
    return [r for r in found if _may_see(viewer, r)]


def station(engine: Engine, viewer: Viewer, code: str) -> store.StationRecord:
    return _station(engine, viewer, code)


def _checked(station: Station) -> Station:
    from parkloop.store.readings import CODE

    if not CODE.match(station.code):
        raise UserError(
            msg(
                "station code '{code}': use letters, digits, '.', '_' or '-' (at most 64)",
                code=station.code,
            )
        )
    known = catalog.parameters()
    unknown = [p for p in station.parameters if p not in known]
    if unknown:
        raise UserError(
            msg(
                "station '{code}': unknown parameter(s) {unknown}; known: {known}",
                code=station.code,
                unknown=unknown,
                known=sorted(known),
            )
        )
    if not station.parameters:
        raise UserError(msg("station '{code}' measures no parameter", code=station.code))
    if station.interval_s <= 0 or station.gap_factor <= 0:
        raise UserError(
            msg("station '{code}': interval and gap factor must be above 0", code=station.code)
        )
    return station


def add_station(
    engine: Engine, viewer: Viewer, station: Station, *, update: bool = False, source: str = ""
) -> store.StationRecord:
    """Register ``station`` (the park operator or the administrator); with ``update``, a
    station of that code already registered in the same park is changed instead."""
    station = _checked(station)
    park = require_park(engine, station.park_code)
    park_id = _park_id(engine, park.code)
    if not _may_register(viewer, park_id):
        raise NotAllowed(
            msg("only the operator of park '{park}' registers its stations", park=park.code)
        )
    with engine.begin() as conn:
        org_id = None
        if station.org_code:
            from parkloop.store.accounts import organisation_id

            org_id = organisation_id(conn, park_id, station.org_code)
            if org_id is None:
                raise NotFound(
                    msg(
                        "no enterprise '{org}' in park '{park}'",
                        org=station.org_code,
                        park=park.code,
                    )
                )
        existing = store.station(conn, station.code)
        if existing is not None:
            if not update or existing.park_id != park_id:
                raise UserError(msg("a station '{code}' is already registered", code=station.code))
            store.update_station(conn, existing.id, station, org_id)
        else:
            store.insert_station(conn, station, park_id, org_id, source=source)
        record = store.station(conn, station.code)
    assert record is not None
    return record


STATION_COLUMNS = (
    "code",
    "name",
    "kind",
    "parameters",
    "limit_set",
    "limit_column",
    "org_code",
    "lat",
    "lon",
    "flow_m3_per_day",
    "receiving_water",
    "interval_s",
    "gap_factor",
    "accept_partial",
    "commissioned_on",
)


def station_from_row(row: Mapping[str, str], park: str) -> Station:
    """A station from a row of a stations file (columns :data:`STATION_COLUMNS`;
    ``parameters`` separated by ';' or spaces)."""

    def text(name: str) -> str:
        return str(row.get(name) or "").strip()

    def number(name: str) -> float | None:
        value = text(name).replace(",", ".")
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            raise UserError(
                msg("{column}: '{text}' is not a number", column=name, text=text(name))
            ) from None

    try:
        kind = StationKind.parse(text("kind"))
    except (ValueError, KeyError):
        raise UserError(
            msg(
                "kind '{text}': use {kinds}",
                text=text("kind"),
                kinds=[k.value for k in StationKind],
            )
        ) from None
    started = text("commissioned_on")
    interval = number("interval_s")
    factor = number("gap_factor")
    return Station(
        code=text("code"),
        park_code=park,
        name=text("name") or text("code"),
        kind=kind,
        parameters=tuple(p for p in re.split(r"[;,\s]+", text("parameters")) if p),
        limit_set=text("limit_set"),
        limit_column=text("limit_column"),
        org_code=text("org_code") or None,
        lat=number("lat"),
        lon=number("lon"),
        flow_m3_per_day=number("flow_m3_per_day"),
        receiving_water=text("receiving_water") or None,
        interval_s=int(interval) if interval is not None else 300,
        gap_factor=int(factor) if factor is not None else 3,
        accept_partial=text("accept_partial").casefold() in ("1", "true", "yes", "có", "co"),
        commissioned_on=dt.date.fromisoformat(started) if started else None,
    )


def import_stations(
    engine: Engine, viewer: Viewer, park: str, path: Path | str
) -> list[store.StationRecord]:
    """Register (or update) the stations of a CSV file, one per row."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise UserError(msg("{file} holds no station", file=str(path)))
    missing = [c for c in ("code", "kind", "parameters", "limit_set") if c not in rows[0]]
    if missing:
        raise UserError(msg("{file}: missing column(s) {missing}", file=str(path), missing=missing))
    done = []
    for n, row in enumerate(rows, start=2):
        try:
            done.append(
                add_station(
                    engine, viewer, station_from_row(row, park), update=True, source=str(path)
                )
            )
        except UserError as exc:
            raise type(exc)(
                msg("{file} line {line}: {what}", file=str(path), line=str(n), what=exc.said)
            ) from exc
    return done


def intake_limits(engine: Engine, park: str) -> Any:
    """The park's own intake limits (a ``LimitSet``), or None when it has given none."""
    from parkloop.monitoring import limits

    with engine.connect() as conn:
        document = store.intake_document(conn, _park_id(engine, park))
    if document is None:
        return None
    return limits.parse_limit_set(yaml.safe_load(document), f"{park}: intake limits")


def set_intake_limits(engine: Engine, viewer: Viewer, park: str, path: Path | str) -> Any:
    """Keep the park's intake limits from a YAML file in the format of the limit sets
    (the park operator or the administrator); a file with any problem changes nothing."""
    from parkloop.monitoring import limits

    park_id = _park_id(engine, park)
    if not _may_register(viewer, park_id):
        raise NotAllowed(
            msg("only the operator of park '{park}' sets its intake limits", park=park)
        )
    text = Path(path).read_text(encoding="utf-8")
    try:
        parsed = limits.parse_limit_set(yaml.safe_load(text), Path(path).name)
    except (yaml.YAMLError, limits.LimitFileError) as exc:
        raise UserError(msg("{file}: {problem}", file=str(path), problem=str(exc))) from exc
    with engine.begin() as conn:
        store.set_intake_document(
            conn,
            park_id,
            text,
            str(path),
            viewer.name or viewer.role.value,
            dt.datetime.now(dt.UTC),
        )
    return parsed


def issue_token(engine: Engine, viewer: Viewer, code: str) -> str:
    """A new push token for the station (shown once; only its hash is kept); the station's
    former token stops working."""
    record = _station(engine, viewer, code)
    if not _may_register(viewer, record.park_id):
        raise NotAllowed(msg("only the park's operator gives station '{code}' a token", code=code))
    token = "pls_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        store.set_token(conn, record.id, digest(token), dt.datetime.now(dt.UTC))
    return token


def station_of_token(engine: Engine, token: str, code: str) -> store.StationRecord:
    """The station a push token belongs to; NotAllowed unless it is station ``code``."""
    with engine.connect() as conn:
        record = store.station_by_token(conn, digest(token)) if token else None
    if record is None:
        raise NotAllowed(msg("the station token is not valid"))
    if record.station.code != code:
        raise NotAllowed(
            msg("this token sends readings of another station, not of '{code}'", code=code)
        )
    return record


# -- reading files -----------------------------------------------------------------------------


def _fold(text: str) -> str:
    return catalog.fold(str(text))


def _cells(values: Any) -> pa.Array:
    """A column as numbers (float64) when every cell is one, else as trimmed strings; an
    empty cell is null either way."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        series = pd.Series(values, dtype=object)
        kind = pd.api.types.infer_dtype(series, skipna=True)
        if kind in ("floating", "integer", "mixed-integer-float"):
            return pa.array(pd.to_numeric(series), pa.float64(), from_pandas=True)
        empty = series.isna().to_numpy()
        texts = series.astype(str).to_numpy(dtype=object)
        texts[empty] = None
        values = pa.array(texts, pa.string())
    if pa.types.is_floating(values.type) or pa.types.is_integer(values.type):
        return pc.cast(values, pa.float64())
    if pa.types.is_timestamp(values.type):
        return values
    if not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    values = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def _encoded(values: Any) -> tuple[NDArray[np.int64], list[Any]]:
    """A column as codes into its distinct values (each distinct value handled once)."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return codes, encoded.dictionary.to_pylist()


def _texts(values: pa.Array) -> pa.Array:
    """Cells as strings (numbers written back), for parameters, units and instants."""
    return values if pa.types.is_string(values.type) else pc.cast(values, pa.string())


def _filled(values: pa.Array) -> pa.Array:
    """Empty cells as a value that is not a number (refused as such, not skipped)."""
    if pa.types.is_floating(values.type):
        return pc.fill_null(values, float("nan"))
    return pc.fill_null(values, "")


def _read_table(data: bytes, filename: str) -> dict[str, pa.Array]:
    """The first sheet of an Excel file or a CSV as string columns by header."""
    name = filename.casefold()
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")):
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=True)
        if not rows:
            return {}
        header = [str(h).strip() for h in rows[0]]
        columns = list(zip(*rows[1:], strict=False)) if len(rows) > 1 else [()] * len(header)
        return {h: _cells(list(c)) for h, c in zip(header, columns, strict=False) if h}
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=_delimiter(data)),
            convert_options=pacsv.ConvertOptions(
                column_types={}, strings_can_be_null=True, auto_dict_encode=False
            ),
        )
    except pa.ArrowInvalid as exc:
        raise UserError(
            msg("{file} cannot be read as CSV: {why}", file=filename, why=str(exc))
        ) from exc
    # Columns Arrow read as numbers (float) or instants are kept as read: turning them
    # into text and back would give the same values, slower. Any other column is text.
    kept = [
        f
        if pa.types.is_floating(f.type) or pa.types.is_timestamp(f.type)
        else f.with_type(pa.string())
        for f in table.schema
    ]
    table = table.cast(pa.schema(kept))
    return {n.strip(): _cells(table.column(n)) for n in table.column_names}


def _delimiter(data: bytes) -> str:
    first = data[:4096].split(b"\n", 1)[0]
    return ";" if first.count(b";") > first.count(b",") else ","


def _instants(text: pa.Array) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Instants (µs UTC) of timestamp strings (or of instants the CSV reader read
    already: local time without a zone), and which could be read; each distinct text is
    parsed once."""
    if pa.types.is_timestamp(text.type):
        zone = text.type.tz
        stamps = pc.cast(text, pa.timestamp("us", tz=zone), safe=False)
        read = pc.is_valid(stamps).to_numpy(zero_copy_only=False)
        us = np.asarray(
            pc.fill_null(stamps.cast(pa.int64()), 0).to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )
        if zone is None:
            us = us - int(LOCAL_OFFSET / dt.timedelta(microseconds=1))
        return us, np.asarray(read, dtype=bool)
    text = _texts(text)
    encoded = pc.dictionary_encode(text)
    uniques = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    n = len(uniques)
    us = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    if n:
        series = pd.Series(uniques, dtype=object)
        has_offset = series.str.contains(_OFFSET, na=False).to_numpy()
        for offset, mask in ((True, has_offset), (False, ~has_offset)):
            if not mask.any():
                continue
            part = series[mask]
            parsed = pd.to_datetime(part, format="ISO8601", errors="coerce", utc=offset)
            for fmt in _DAY_FIRST:
                if not parsed.isna().any():
                    break
                retry = pd.to_datetime(part, format=fmt, errors="coerce", utc=offset)
                parsed = parsed.fillna(retry)
            good = parsed.notna().to_numpy()
            if offset:
                values = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
            else:
                values = parsed - LOCAL_OFFSET
            stamped = values.to_numpy(dtype="datetime64[us]").astype(np.int64)
            idx = np.flatnonzero(mask)
            us[idx[good]] = stamped[good]
            ok[idx[good]] = True
    valid_codes = np.asarray(codes, dtype=np.float64)
    present = ~np.isnan(valid_codes)
    idx = np.where(present, valid_codes, 0).astype(np.int64)
    if n == 0:
        return np.zeros(len(text), dtype=np.int64), np.zeros(len(text), dtype=bool)
    return us[idx], ok[idx] & present


def _numbers(text: pa.Array) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Values of number strings ("12.5", "12,5") and which are numbers."""
    if pa.types.is_floating(text.type):
        values = np.asarray(text.to_numpy(zero_copy_only=False), dtype=np.float64)
        return values, np.isfinite(values)
    try:
        values = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(values, dtype=np.float64), np.isfinite(values)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    dotted = pc.if_else(pc.match_substring(text, "."), text, pc.replace_substring(text, ",", "."))
    values = pd.to_numeric(pd.Series(dotted.to_numpy(zero_copy_only=False)), errors="coerce")
    array = values.to_numpy(dtype=np.float64, na_value=np.nan)
    return array, np.isfinite(array)


@dataclass
class _Rows:
    """Readings as columns before they are checked: station code, parameter as written,
    unit as written (null: the header's or canonical), instant text, value text, row."""

    station: pa.Array
    parameter: pa.Array
    unit: pa.Array
    ts: pa.Array
    value: pa.Array
    row: NDArray[np.int64]
    column: pa.Array  # the column the value came from (wide) or "value"


def _header_of(columns: Mapping[str, pa.Array], names: Iterable[str]) -> str | None:
    wanted = set(names)
    for header in columns:
        if _fold(header) in wanted:
            return header
    return None


def _wide(columns: dict[str, pa.Array], station: str, filename: str) -> _Rows:
    if not columns:
        raise UserError(msg("{file} holds no readings", file=filename))
    ts_header = _header_of(columns, TIMESTAMP_HEADERS) or next(iter(columns))
    ts = columns[ts_header]
    n = len(ts)
    rows = np.arange(2, n + 2, dtype=np.int64)
    parts: list[tuple[str, pa.Array]] = [(h, c) for h, c in columns.items() if h != ts_header]
    if not parts:
        raise UserError(
            msg("{file}: no column of readings beside '{column}'", file=filename, column=ts_header)
        )
    m = len(parts)
    names = pa.array([h for h, _ in parts], pa.string())
    parts = [(h, _texts(c)) for h, c in parts]
    repeat = np.repeat(np.arange(m), n)
    return _Rows(
        station=pa.repeat(pa.scalar(station, pa.string()), n * m),
        parameter=names.take(pa.array(repeat)),
        unit=pa.nulls(n * m, pa.string()),
        ts=pa.concat_arrays([ts if pa.types.is_timestamp(ts.type) else _texts(ts)] * m),
        value=pa.concat_arrays([c for _, c in parts]),
        row=np.tile(rows, m),
        column=names.take(pa.array(repeat)),
    )


def _long(columns: dict[str, pa.Array], filename: str) -> _Rows:
    found = {key: _header_of(columns, names) for key, names in LONG_HEADERS.items()}
    missing = [k for k in ("station", "parameter", "timestamp", "value") if found[k] is None]
    if missing:
        raise UserError(
            msg(
                "{file}: the long format needs columns station, parameter, timestamp, value "
                "(and unit); missing {missing}",
                file=filename,
                missing=missing,
            )
        )
    n = len(columns[found["station"]])  # type: ignore[index]
    unit = columns[found["unit"]] if found["unit"] else pa.nulls(n, pa.string())
    return _Rows(
        station=columns[found["station"]],  # type: ignore[index]
        parameter=columns[found["parameter"]],  # type: ignore[index]
        unit=unit,
        ts=columns[found["timestamp"]],  # type: ignore[index]
        value=_filled(columns[found["value"]]),  # type: ignore[index]
        row=np.arange(2, n + 2, dtype=np.int64),
        column=pa.array(np.full(n, found["value"], dtype=object), pa.string()),
    )


# -- from rows to a batch ----------------------------------------------------------------------


class _Refused:
    """Refusals gathered by reason, as masks over the rows."""

    def __init__(self, n: int) -> None:
        self.mask = np.zeros(n, dtype=bool)
        self.found: list[tuple[Message, NDArray[np.bool_], str]] = []

    def add(self, reason: Message, where: NDArray[np.bool_], column: str = "") -> None:
        fresh = where & ~self.mask
        if fresh.any():
            self.found.append((reason, fresh, column))
            self.mask |= fresh


def _prepare(
    rows: _Rows,
    records: Mapping[str, store.StationRecord | None],
    writable: Callable[[store.StationRecord], bool],
    now: dt.datetime,
) -> tuple[pa.Table, NDArray[np.int64], list[Refusal]]:
    """The readings of ``rows`` that pass, as a batch with their row numbers, and the
    refused ones by reason."""
    present = pc.is_valid(rows.value).to_numpy(zero_copy_only=False)
    if not present.all():  # an empty cell is no reading
        keep = pa.array(present)
        rows = _Rows(
            rows.station.filter(keep),
            rows.parameter.filter(keep),
            rows.unit.filter(keep),
            rows.ts.filter(keep),
            rows.value.filter(keep),
            rows.row[present],
            rows.column.filter(keep),
        )
    n = len(rows.row)
    refused = _Refused(n)
    station_codes, station_names = _encoded(pc.fill_null(_texts(rows.station), ""))
    column_names = rows.column
    for i, code in enumerate(station_names):
        where = station_codes == i
        record = records.get(code)
        if record is None:
            refused.add(msg("unknown station '{code}'", code=code), where, "station")
        elif not writable(record):
            refused.add(
                msg("you may not send readings of station '{code}'", code=code), where, "station"
            )
    # parameter (and unit) per distinct (station, parameter text, unit text)
    parameter_text = pc.fill_null(_texts(rows.parameter), "")
    unit_text = pc.fill_null(_texts(rows.unit), "\x00")
    p_codes, p_names = _encoded(parameter_text)
    u_codes, u_names = _encoded(unit_text)
    width_p, width_u = max(len(p_names), 1), max(len(u_names), 1)
    combined = (station_codes.astype(np.int64) * width_p + p_codes) * width_u + u_codes
    combos, combo_codes = np.unique(combined, return_inverse=True)
    values, numeric = _numbers(rows.value)
    canonical = np.full(n, np.nan)
    known_codes = list(catalog.parameters())
    parameter_of = np.zeros(n, dtype=np.int32)
    for i, number in enumerate(combos.tolist()):
        where = combo_codes == i
        rest, u_i = divmod(number, width_u)
        s_i, p_i = divmod(rest, width_p)
        combo = {"s": s_i, "p": p_names[p_i], "u": u_names[u_i]}
        record = records.get(station_names[combo["s"]])
        if record is None:
            continue
        written, unit = combo["p"], (None if combo["u"] == "\x00" else combo["u"])
        st = record.station
        match = catalog.recognise_column(written, st.parameters) if written else None
        if match is None:
            any_match = catalog.recognise_column(written) if written else None
            if any_match is not None:
                refused.add(
                    msg(
                        "station '{code}' does not measure {parameter}",
                        code=st.code,
                        parameter=any_match.parameter,
                    ),
                    where,
                    written,
                )
            else:
                refused.add(msg("unknown parameter '{text}'", text=written), where, written)
            continue
        unit = unit or match.unit
        try:
            canonical[where] = catalog.to_canonical(match.parameter, values[where], unit)
        except catalog.UnitMismatch:
            refused.add(
                msg(
                    "unit '{unit}' cannot measure {parameter} (its unit is '{canonical}')",
                    unit=unit or "",
                    parameter=match.parameter,
                    canonical=catalog.unit_display(match.parameter),
                ),
                where,
                written,
            )
            continue
        parameter_of[where] = known_codes.index(match.parameter)
    ts_us, readable = _instants(rows.ts)
    refused.add(
        msg("the timestamp cannot be read (write 2025-01-31 14:05)"), ~readable, "timestamp"
    )
    limit = int(
        (now + CLOCK_SKEW - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) / dt.timedelta(microseconds=1)
    )
    refused.add(msg("the timestamp lies in the future"), readable & (ts_us > limit), "timestamp")
    refused.add(msg("the value is not a number"), ~numeric, "value")
    good = ~refused.mask
    batch = pa.table(
        {
            "station": rows.station.filter(pa.array(good)),
            "parameter": pa.DictionaryArray.from_arrays(
                pa.array(parameter_of[good]), pa.array(known_codes, pa.string())
            ).cast(pa.string()),
            "ts": pa.array(ts_us[good], pa.timestamp("us", tz="UTC")),
            "value": pa.array(canonical[good], pa.float64()),
        },
        schema=READINGS_SCHEMA,
    )
    refusals = [
        Refusal(reason, rows.row[where], _column(column, column_names, where))
        for reason, where, column in refused.found
    ]
    return batch, rows.row[good], refusals


def _column(column: str, names: pa.Array, where: NDArray[np.bool_]) -> str:
    if column != "value":
        return column
    first = int(np.flatnonzero(where)[0])
    return str(names[first].as_py())


def _store_rows(
    engine: Engine,
    batch: pa.Table,
    row_of: NDArray[np.int64],
    refusals: list[Refusal],
    records: Mapping[str, store.StationRecord | None],
    read: int,
) -> Received:
    codes = tuple(sorted(pc.unique(batch.column("station")).to_pylist()))
    involved = [records[c] for c in codes if records.get(c) is not None]
    partial = bool(involved) and all(r.station.accept_partial for r in involved if r)
    if refusals and not partial:
        return Received(read, 0, 0, tuple(refusals), False, codes)
    appended = readings(engine).append(batch, all_or_nothing=not partial)
    if appended.refused:
        keyed = batch.append_column("row", pa.array(row_of, pa.int64()))
        hit = appended.conflicts.join(
            keyed.select(["station", "parameter", "ts", "row"]),
            keys=["station", "parameter", "ts"],
            join_type="inner",
        )
        refusals.append(
            Refusal(
                msg(
                    "a different value is already stored for this station, parameter and "
                    "instant (a stored reading is never overwritten)"
                ),
                np.unique(np.asarray(hit.column("row").to_numpy(), dtype=np.int64)),
                "value",
            )
        )
    return Received(read, appended.written, appended.unchanged, tuple(refusals), partial, codes)


def _records(engine: Engine, codes: Iterable[str]) -> dict[str, store.StationRecord | None]:
    with engine.connect() as conn:
        return {c: store.station(conn, c) for c in codes}


def upload(
    engine: Engine,
    viewer: Viewer,
    data: bytes,
    filename: str,
    station: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Received:
    """Take the readings of an uploaded CSV or Excel file: the wide format of one
    ``station`` (timestamp and a column per parameter, the unit in the header as in
    "COD (mg/L)"), or without ``station`` the long format (station, parameter, timestamp,
    value, unit)."""
    now = now or dt.datetime.now(dt.UTC)
    if viewer.role not in (Role.ADMIN, Role.OPERATOR, Role.ENTERPRISE):
        raise NotAllowed(msg("only a park operator or an enterprise sends readings"))
    columns = _read_table(data, filename)
    if station is not None:
        record = _station(engine, viewer, station)
        if not _may_write(viewer, record):
            raise NotAllowed(msg("you may not send readings of station '{code}'", code=station))
        rows = _wide(columns, record.station.code, filename)
        records: dict[str, store.StationRecord | None] = {record.station.code: record}
    else:
        rows = _long(columns, filename)
        codes = pc.unique(pc.fill_null(rows.station, "")).to_pylist()
        records = _records(engine, codes)
        records = {
            c: (r if r is not None and _may_see(viewer, r) else None) for c, r in records.items()
        }
    read = int(pc.sum(pc.is_valid(rows.value)).as_py() or 0)
    batch, row_of, refusals = _prepare(rows, records, lambda r: _may_write(viewer, r), now)
    return _store_rows(engine, batch, row_of, refusals, records, read)


def push(
    engine: Engine, token: str, code: str, payload: Any, *, now: dt.datetime | None = None
) -> Received:
    """Take a JSON batch a station pushes with its token: ``{"readings": [{"parameter":
    "cod", "timestamp": "2025-01-31T14:05:00+07:00", "value": 12.5, "unit": "mg/L"}, …]}``
    (or the list alone); rows are numbered from 0."""
    now = now or dt.datetime.now(dt.UTC)
    record = station_of_token(engine, token, code)
    items = payload.get("readings") if isinstance(payload, dict) else payload
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise UserError(
            msg(
                "a batch is a JSON object with a list 'readings' of objects with parameter, "
                "timestamp, value (and unit)"
            )
        )
    frame = pd.DataFrame.from_records(items) if items else pd.DataFrame()
    n = len(frame)

    def col(*names: str) -> pa.Array:
        for name in names:
            if name in frame.columns:
                return _cells(frame[name].to_numpy(dtype=object))
        return pa.nulls(n, pa.string())

    rows = _Rows(
        station=pa.array(np.full(n, code, dtype=object), pa.string()),
        parameter=col("parameter"),
        unit=col("unit"),
        ts=col("timestamp", "ts"),
        value=_filled(col("value")),
        row=np.arange(n, dtype=np.int64),
        column=pa.array(np.full(n, "value", dtype=object), pa.string()),
    )
    records: dict[str, store.StationRecord | None] = {code: record}
    batch, row_of, refusals = _prepare(rows, records, lambda r: True, now)
    return _store_rows(engine, batch, row_of, refusals, records, n)


# -- checks and status -------------------------------------------------------------------------


def _window(start: dt.datetime, end: dt.datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("aware instants only")
    if end <= start:
        raise UserError(msg("the period must end after it starts"))


def check(
    engine: Engine,
    viewer: Viewer,
    park: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    include_gaps: bool = True,
) -> CheckReport:
    """Every check of the readings of the park's stations ``viewer`` may see over
    [start, end): impossible values, exceedances of instantaneous limits (on the series)
    and of averaging-window limits (on the database's aggregates, impossible values left
    out), flat lines and gaps."""
    from parkloop.monitoring import checks, limits

    _window(start, end)
    found = stations(engine, viewer, park)
    codes = [r.station.code for r in found]
    store_ = readings(engine)
    known = catalog.parameters()
    ranges = {p.code: (p.low, p.high) for p in known.values()}
    start_us, end_us = checks.to_us(start), checks.to_us(end)
    out: list[Finding] = []
    used: list[Any] = []
    aggregates: dict[str, Any] = {}
    steps = {3600: "1h", 86400: "1d", 900: "15min"}
    intake = intake_limits(engine, park)
    # A few stations per query (few round trips, and a month of them stays small), the
    # next few read while these are checked.
    fetched = _Prefetch(store_, codes, FETCH_STATIONS, start, end)
    empty = Series(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
    series: dict[tuple[str, str], Series] = {}
    try:
        for n, record in enumerate(found):
            st = record.station
            try:
                effective = limits.effective_limits(st, (start + LOCAL_OFFSET).date(), intake)
            except (LookupError, ValueError):
                effective = []
            used.extend(effective)
            if n % FETCH_STATIONS == 0:
                series = fetched.get(n)
            for code in st.parameters:
                if code not in known:
                    continue
                s = series.get((st.code, code), empty)
                mine = [lim for lim in effective if lim.parameter == code]
                instant = [lim for lim in mine if lim.window_s is None]
                out += checks.check_series(
                    st,
                    known[code],
                    s.ts,
                    s.values,
                    instant,
                    start_us,
                    end_us,
                    include_gaps=include_gaps,
                )
                for lim in mine:
                    width = lim.window_s
                    if width is None:
                        continue
                    step = steps.get(width)
                    if step is None:  # a window the database does not bucket: compute it here
                        ok = _possible(s.values, ranges.get(code, (None, None)))
                        b, m, c = checks.window_means(s.ts[ok], s.values[ok], width)
                        out += checks.window_exceedances(
                            b, m, lim, counts=c, interval_s=st.interval_s
                        )
                        continue
                    if step not in aggregates:
                        aggregates[step] = store_.aggregate(codes, start, end, step, ranges)
                    table = aggregates[step]
                    agg = aggregates_of(
                        table, groups_cached(table).get((st.code, code), (0, 0)), step
                    )
                    out += checks.window_exceedances(
                        agg.start, agg.mean, lim, counts=agg.count, interval_s=st.interval_s
                    )
    finally:
        fetched.close()
    out = checks.join_gaps(out)  # one outage of a station: one finding, not one per parameter
    out.sort(key=lambda f: (f.station, f.start, f.kind.value, f.parameter or ""))
    return CheckReport(park, start, end, tuple(r.station for r in found), tuple(out), tuple(used))


class _Prefetch:
    """The series of ``codes`` fetched ``size`` stations at a time, the next chunks (as
    many as the store's ``reads_ahead``) read in threads while one is checked: the
    database (or DuckDB) works while Python checks, instead of each waiting for the
    other. At most ``reads_ahead`` + 1 chunks are held at once."""

    def __init__(
        self,
        store_: ReadingStore,
        codes: list[str],
        size: int,
        start: dt.datetime,
        end: dt.datetime,
    ) -> None:
        self._chunks = [codes[n : n + size] for n in range(0, len(codes), size)]
        self._fetch = lambda chunk: store_.fetch_series(chunk, start, end)
        self._ahead_n = max(1, store_.reads_ahead)
        self._pool = ThreadPoolExecutor(self._ahead_n, thread_name_prefix="parkloop-fetch")
        self._size = size
        self._ahead: dict[int, Future[dict[tuple[str, str], Series]]] = {}
        self._want(0)

    def _want(self, first: int) -> None:
        for i in range(first, min(first + self._ahead_n, len(self._chunks))):
            if i not in self._ahead:
                self._ahead[i] = self._pool.submit(self._fetch, self._chunks[i])

    def get(self, n: int) -> dict[tuple[str, str], Series]:
        """The series of the chunk starting at station ``n`` (a multiple of ``size``)."""
        i = n // self._size
        self._want(i)
        future = self._ahead.pop(i)
        self._want(i + 1)
        return future.result()

    def close(self) -> None:
        for future in self._ahead.values():
            future.cancel()
        self._pool.shutdown(wait=True)


_GROUPS: dict[int, dict[tuple[str, str], tuple[int, int]]] = {}


def groups_cached(table: pa.Table) -> dict[tuple[str, str], tuple[int, int]]:
    key = id(table)
    if key not in _GROUPS:
        _GROUPS.clear()
        _GROUPS[key] = groups(table)
    return _GROUPS[key]


def _possible(
    values: NDArray[np.float64], bounds: tuple[float | None, float | None]
) -> NDArray[np.bool_]:
    low, high = bounds
    ok = np.isfinite(values)
    if low is not None:
        ok &= values >= low
    if high is not None:
        ok &= values <= high
    return ok


def status(
    engine: Engine,
    viewer: Viewer,
    park: str,
    now: dt.datetime | None = None,
    days: int = 1,
) -> list[StationStatus]:
    """Per station of the park: last reading, completeness over the last ``days`` (readings
    received ÷ readings the interval implies, over the station's parameters), and the
    exceedances open at ``now`` (an episode whose last offending reading is the station's
    last reading of that parameter)."""
    now = now or dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=days)
    found = stations(engine, viewer, park)
    codes = [r.station.code for r in found]
    store_ = readings(engine)
    last = store_.last(codes, since=start)
    report = check(engine, viewer, park, start, now, include_gaps=False)
    last_by: dict[str, int] = {}
    counts: dict[str, int] = {}
    last_param: dict[tuple[str, str], int] = {}
    if last.num_rows:
        frame = last.to_pandas()
        last_by = frame.groupby("station")["last_us"].max().to_dict()
        counts = frame.groupby("station")["count"].sum().to_dict()
        last_param = {
            (s, p): int(v)
            for s, p, v in frame[["station", "parameter", "last_us"]].itertuples(index=False)
        }
    out = []
    exceeding = (FindingKind.EXCEEDANCE, FindingKind.WINDOW_EXCEEDANCE)
    for record in found:
        st = record.station
        expected = len(st.parameters) * (days * 86400 // st.interval_s)
        got = counts.get(st.code, 0)
        open_ = tuple(
            f
            for f in report.findings
            if f.station == st.code
            and f.kind in exceeding
            and f.parameter is not None
            and (st.code, f.parameter) in last_param
            and _us(f.end) >= last_param[(st.code, f.parameter)] - st.interval_s * 1_000_000
        )
        out.append(
            StationStatus(
                station=st,
                last=_moment(last_by[st.code]) if st.code in last_by else None,
                completeness=min(1.0, got / expected) if expected else None,
                open_exceedances=open_,
                org_name_vi=record.org_name_vi,
                org_name_en=record.org_name_en,
            )
        )
    return out


def _us(moment: dt.datetime) -> int:
    return int((moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) / dt.timedelta(microseconds=1))


def _moment(us: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(us))


def parse_moment(text: str) -> dt.datetime:
    """A date or instant typed on the command line: an offset as written, else local time
    of Viet Nam; a date alone is its local midnight."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            value = dt.datetime(day.year, day.month, day.day)
        else:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(
            msg(
                "'{text}' is not a date or instant (write 2025-01-31 or 2025-01-31T14:05)",
                text=text,
            )
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone(LOCAL_OFFSET))
    return value.astimezone(dt.UTC)


def refused_rows(
    received: Received, lang: str, translate: Callable[[str], str] | None = None
) -> list[dict[str, Any]]:
    """The refused rows as plain records (row, column, reason in ``lang``)."""
    return [
        {"row": row, "column": column, "reason": reason.render(lang, translate or (lambda s: s))}
        for row, column, reason in received.listed()
    ]


__all__ = [
    "CheckReport",
    "Received",
    "Refusal",
    "StationStatus",
    "add_station",
    "check",
    "import_stations",
    "issue_token",
    "parse_moment",
    "push",
    "stations",
    "status",
    "upload",
]
