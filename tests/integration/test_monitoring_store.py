"""The readings store on both databases (Parquet + DuckDB beside SQLite, a partitioned
table on PostgreSQL) and the uploads that feed it: the same tests, the same answers."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkloop.domain.permissions import Role, Viewer
from parkloop.errors import NotAllowed, NotFound
from parkloop.monitoring.checks import window_means
from parkloop.monitoring.model import READINGS_SCHEMA, Station, StationKind
from parkloop.services import monitoring
from parkloop.store import readings as rs
from parkloop.store.readings import ParquetStore, ReadingStore

UTC = dt.UTC
T0 = dt.datetime(2025, 1, 31, 12, tzinfo=UTC)  # the batches cross a month's end
FAR = (dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2026, 1, 1, tzinfo=UTC))


def batch(
    station: str = "s1",
    parameter: str = "cod",
    n: int = 100,
    start: dt.datetime = T0,
    step_s: int = 300,
    values: np.ndarray | None = None,
) -> pa.Table:
    ts = np.datetime64(start.replace(tzinfo=None), "us") + np.arange(n) * np.timedelta64(
        step_s, "s"
    )
    v = np.arange(n, dtype=np.float64) * 1.5 if values is None else values
    return pa.table(
        {
            "station": pa.array([station] * n, pa.string()),
            "parameter": pa.array([parameter] * n, pa.string()),
            "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
            "value": pa.array(v, pa.float64()),
        },
        schema=READINGS_SCHEMA,
    )


@pytest.fixture
def store(engine: sa.Engine) -> ReadingStore:
    return rs.store_for(engine)


def snapshot(store: ReadingStore, stations: list[str]) -> pa.Table:
    return store.fetch(stations, *FAR)


def test_the_store_follows_the_database(engine: sa.Engine, store: ReadingStore) -> None:
    if engine.dialect.name == "postgresql":
        assert isinstance(store, rs.PostgresStore)
    else:
        assert isinstance(store, ParquetStore)
        assert store.root == Path(str(engine.url.database) + ".readings")


def test_a_batch_sent_twice_is_written_once(store: ReadingStore) -> None:
    first = store.append(batch())
    assert (first.written, first.unchanged, first.refused) == (100, 0, 0)
    again = store.append(batch())
    assert (again.written, again.unchanged, again.refused) == (0, 100, 0)
    assert store.count() == 100
    overlapping = store.append(batch(n=150))
    assert (overlapping.written, overlapping.unchanged) == (50, 100)
    assert store.count() == 150


def test_another_value_for_a_stored_key_is_refused_never_overwritten(
    store: ReadingStore,
) -> None:
    store.append(batch(n=10))
    changed = batch(n=12, values=np.full(12, 7.0))  # 7.0 = 1.5 × index nowhere: all differ
    result = store.append(changed)
    assert result.written == 0 and result.refused == 10
    assert result.conflicts.column("stored").to_pylist() == [i * 1.5 for i in range(10)]
    assert store.count() == 10
    partial = store.append(changed, all_or_nothing=False)
    assert (partial.written, partial.refused) == (2, 10)
    series = store.series("s1", "cod", *FAR)
    assert series.values.tolist() == [i * 1.5 for i in range(10)] + [7.0, 7.0]


def test_a_key_twice_in_one_batch(store: ReadingStore) -> None:
    same = pa.concat_tables([batch(n=5), batch(n=5)])
    result = store.append(same)
    assert (result.written, result.unchanged, result.refused) == (5, 5, 0)
    later = T0 + dt.timedelta(days=1)
    clash = pa.concat_tables(
        [batch(n=3, start=later), batch(n=3, start=later, values=np.array([9.0, 0.0, 9.0]))]
    )
    result = store.append(clash)  # every key comes with two values: all refused
    assert (result.written, result.refused) == (0, 6)
    assert result.conflicts.column("stored").null_count == 6
    assert store.count() == 5


def test_series_and_aggregates_come_back_as_arrays(store: ReadingStore) -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(50, 10, 2000)
    store.append(batch(n=2000, values=values))
    store.append(batch(station="s2", parameter="ph", n=50, values=np.full(50, 7.0)))
    series = store.series("s1", "cod", *FAR)
    assert series.ts.dtype == np.int64 and series.values.dtype == np.float64
    assert np.array_equal(series.values, values)
    assert np.all(np.diff(series.ts) == 300_000_000)
    for step, width in (("15min", 900), ("1h", 3600), ("1d", 86400)):
        got = store.aggregates("s1", "cod", *FAR, step)
        starts, means, counts = window_means(series.ts, series.values, width)
        assert np.array_equal(got.start, starts), step
        assert np.allclose(got.mean, means), step
        assert np.array_equal(got.count, counts), step
        assert got.min.dtype == np.float64
        assert np.all(got.min <= got.mean) and np.all(got.mean <= got.max)
    # a day of Viet Nam starts at 17:00 UTC
    days = store.aggregates("s1", "cod", *FAR, "1d")
    assert all(rs.moment(s).hour == 17 for s in days.start.tolist())
    table = store.aggregate(["s1", "s2"], *FAR, "1h")
    assert set(rs.groups(table)) == {("s1", "cod"), ("s2", "ph")}


@pytest.mark.parametrize("outside", [False, True])
def test_the_series_of_many_stations_are_those_of_the_readings(
    store: ReadingStore, outside: bool
) -> None:
    """A check's read (fetch_series) gives each station's series as the plain read does,
    in instant order, whatever the parameter."""
    rng = np.random.default_rng(5)
    late = T0 + dt.timedelta(days=3)
    for station, parameter, start in (("s1", "cod", late), ("s1", "cod", T0), ("s2", "ph", T0)):
        store.append(batch(station, parameter, n=300, start=start, values=rng.normal(50, 9, 300)))
    store.append(batch("s3", "tss", n=10))
    if outside:
        store.append(batch("s2", "not-a-catalog-parameter", n=20))
    got = store.fetch_series(["s2", "s1", "s1"], *FAR)
    table = store.fetch(["s1", "s2"], *FAR)
    expected = {key: rs.series_of(table, bounds) for key, bounds in rs.groups(table).items()}
    assert set(got) == set(expected)
    for key, series in got.items():
        assert np.array_equal(series.ts, expected[key].ts), key
        assert np.array_equal(series.values, expected[key].values), key
        assert np.all(np.diff(series.ts) > 0), key
    assert store.fetch_series(["nowhere"], *FAR) == {}


def test_aggregates_leave_out_impossible_values_when_asked(store: ReadingStore) -> None:
    values = np.array([7.0, 7.2, 15.0, 7.4])
    store.append(batch(parameter="ph", n=4, values=values))
    every = store.aggregate(["s1"], *FAR, "1d")
    possible = store.aggregate(["s1"], *FAR, "1d", {"ph": (0.0, 14.0)})
    assert every.column("count").to_pylist() == [4]
    assert possible.column("count").to_pylist() == [3]
    assert possible.column("max").to_pylist() == [7.4]


def test_a_window_holds_start_and_not_end(store: ReadingStore) -> None:
    store.append(batch(n=12))
    got = store.fetch(["s1"], T0 + dt.timedelta(minutes=5), T0 + dt.timedelta(minutes=15))
    assert got.num_rows == 2
    assert store.fetch(["nowhere"], *FAR).num_rows == 0


def test_last_reading_and_counts(store: ReadingStore) -> None:
    store.append(batch(n=10))
    store.append(batch(parameter="ph", n=4))
    last = store.last(["s1"], since=T0 + dt.timedelta(minutes=30))
    rows = {r["parameter"]: r for r in last.to_pylist()}
    assert rows["cod"]["count"] == 4 and rows["ph"]["count"] == 0
    assert rs.moment(rows["cod"]["last_us"]) == T0 + dt.timedelta(minutes=45)


def test_a_bad_batch_is_refused_whole() -> None:
    bad = batch(n=3).set_column(3, "value", pa.array([1.0, float("nan"), 2.0]))
    with pytest.raises(ValueError, match="finite"):
        rs.as_batch(bad)
    with pytest.raises(ValueError, match="station codes"):
        rs.as_batch(batch(station="../etc", n=1))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    offsets=st.lists(st.integers(0, 24 * 40), min_size=1, max_size=40),
    values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=40, max_size=40),
    stations=st.lists(st.sampled_from(["a", "b"]), min_size=40, max_size=40),
    parameters=st.lists(st.sampled_from(["cod", "ph"]), min_size=40, max_size=40),
)
def test_sending_any_batch_again_changes_nothing(
    store: ReadingStore,
    offsets: list[int],
    values: list[float],
    stations: list[str],
    parameters: list[str],
) -> None:
    n = len(offsets)
    ts = np.datetime64("2025-01-20T00:00", "us") + np.array(offsets) * np.timedelta64(1, "h")
    sent = pa.table(
        {
            "station": stations[:n],
            "parameter": parameters[:n],
            "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
            "value": values[:n],
        },
        schema=READINGS_SCHEMA,
    )
    store.append(sent, all_or_nothing=False)
    before = snapshot(store, ["a", "b"])
    again = store.append(sent, all_or_nothing=False)
    assert again.written == 0
    after = snapshot(store, ["a", "b"])
    assert after.equals(before)


def test_many_small_batches_are_merged_without_losing_one(tmp_path: Path) -> None:
    store = ParquetStore(tmp_path / "r")
    for i in range(rs.COMPACT_AT + 5):
        store.append(batch(n=3, start=T0 + dt.timedelta(hours=i)))
    partition = tmp_path / "r" / "station=s1" / "month=2025-01"
    assert len(list(partition.glob("*.parquet"))) < rs.COMPACT_AT
    assert store.count() == 3 * (rs.COMPACT_AT + 5)
    assert not list((tmp_path / "r").glob(".staging/*"))


# -- uploads through the service ---------------------------------------------------------------


def _park(engine: sa.Engine) -> tuple[int, int, int]:
    with engine.begin() as conn:
        conn.execute(sa.text("insert into parks (code, name_vi) values ('p', 'P'), ('q', 'Q')"))
        park = conn.scalar(sa.text("select id from parks where code = 'p'"))
        other = conn.scalar(sa.text("select id from parks where code = 'q'"))
        for code in ("e1", "e2"):
            conn.execute(
                sa.text(
                    "insert into organisations (park_id, code, name_vi, certifications, clubs) "
                    "values (:p, :c, :n, '[]', '[]')"
                ),
                {"p": park, "c": code, "n": code},
            )
        e1 = conn.scalar(sa.text("select id from organisations where code = 'e1'"))
    return int(park), int(other), int(e1)


def _stations(engine: sa.Engine) -> None:
    admin = Viewer.admin()
    for code, org in (("p-wwtp", None), ("e1-out", "e1"), ("e2-out", "e2")):
        monitoring.add_station(
            engine,
            admin,
            Station(
                code=code,
                park_code="p",
                name=code,
                kind=StationKind.ENTERPRISE_OUTLET if org else StationKind.WWTP_OUTLET,
                parameters=("flow", "temperature", "ph", "cod", "tss"),
                limit_set="qcvn-40",
                limit_column="B",
                org_code=org,
            ),
        )


WIDE = (
    "Thời gian,Lưu lượng (m3/h),Nhiệt độ (°F),pH,COD (g/L),TSS\n"
    "2025-03-01 00:00,100,68,7.1,0.05,20\n"
    '2025-03-01 00:05,101,77,15,"0,06",21\n'
    "2025-03-01 00:10,102,86,7.3,0.07,\n"
)


def test_a_wide_file_is_converted_and_kept(engine: sa.Engine) -> None:
    _park(engine)
    _stations(engine)
    now = dt.datetime(2025, 3, 2, tzinfo=UTC)
    got = monitoring.upload(engine, Viewer.admin(), WIDE.encode(), "s.csv", "p-wwtp", now=now)
    assert (got.read, got.written, got.refused) == (14, 14, 0)
    store = monitoring.readings(engine)
    temp = store.series("p-wwtp", "temperature", *FAR)
    assert np.allclose(temp.values, [20.0, 25.0, 30.0])  # °F to °C, an offset unit
    cod = store.series("p-wwtp", "cod", *FAR)
    assert np.allclose(cod.values, [50.0, 60.0, 70.0])  # g/L to mg/L, a decimal comma
    ph = store.series("p-wwtp", "ph", *FAR)
    assert ph.values.tolist() == [7.1, 15.0, 7.3]  # impossible, but kept for the checks
    assert rs.moment(int(cod.ts[0])) == dt.datetime(2025, 2, 28, 17, tzinfo=UTC)
    again = monitoring.upload(engine, Viewer.admin(), WIDE.encode(), "s.csv", "p-wwtp", now=now)
    assert (again.written, again.unchanged) == (0, 14)


def test_an_excel_file_reads_like_its_csv(engine: sa.Engine, tmp_path: Path) -> None:
    import xlsxwriter

    _park(engine)
    _stations(engine)
    path = tmp_path / "s.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    date = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, ["Timestamp", "COD (mg/L)", "pH"])
    for i in range(3):
        sheet.write_datetime(i + 1, 0, dt.datetime(2025, 3, 1, 0, 5 * i), date)
        sheet.write_number(i + 1, 1, 40 + i)
        sheet.write(i + 1, 2, "7,2" if i == 1 else 7.0)
    book.close()
    got = monitoring.upload(
        engine,
        Viewer.admin(),
        path.read_bytes(),
        "s.xlsx",
        "e1-out",
        now=dt.datetime(2025, 3, 2, tzinfo=UTC),
    )
    assert (got.written, got.refused) == (6, 0)
    ph = monitoring.readings(engine).series("e1-out", "ph", *FAR)
    assert ph.values.tolist() == [7.0, 7.2, 7.0]


def test_a_long_file_refuses_row_by_row_and_all_or_nothing(engine: sa.Engine) -> None:
    _park(engine)
    _stations(engine)
    text = (
        "station,parameter,timestamp,value,unit\n"
        "p-wwtp,cod,2025-03-01T00:00:00+07:00,50,mg/L\n"  # 2
        "nowhere,cod,2025-03-01T00:00:00,50,mg/L\n"  # 3 unknown station
        "p-wwtp,mercury,2025-03-01T00:00:00,50,mg/L\n"  # 4 unknown parameter
        "p-wwtp,so2,2025-03-01T00:00:00,50,mg/Nm3\n"  # 5 not measured here
        "p-wwtp,ph,2025-03-01T00:00:00,5,mg/L\n"  # 6 unit mismatch
        "p-wwtp,cod,2031-03-01T00:00:00,50,mg/L\n"  # 7 future
        "p-wwtp,cod,2025-03-01T00:10:00,abc,mg/L\n"  # 8 not a number
        "p-wwtp,cod,yesterday,50,mg/L\n"  # 9 unreadable instant
        "p-wwtp,cod,2025-03-01T00:20:00,,mg/L\n"  # 10 empty value
    )
    now = dt.datetime(2025, 3, 2, tzinfo=UTC)
    got = monitoring.upload(engine, Viewer.admin(), text.encode(), "l.csv", now=now)
    assert got.written == 0 and not got.kept
    assert [row for row, _c, _r in got.listed()] == [3, 4, 5, 6, 7, 8, 9, 10]
    reasons = {row: reason.render("vi") for row, _c, reason in got.listed()}
    assert "nowhere" in reasons[3]
    assert monitoring.readings(engine).count() == 0


def test_who_may_send_readings(engine: sa.Engine) -> None:
    park, other, e1 = _park(engine)
    _stations(engine)
    data = b"timestamp,COD\n2025-03-01 00:00,50\n"
    now = dt.datetime(2025, 3, 2, tzinfo=UTC)
    operator = Viewer(Role.OPERATOR, park_id=park)
    enterprise = Viewer(Role.ENTERPRISE, park_id=park, org_id=e1)
    stranger = Viewer(Role.OPERATOR, park_id=other)
    authority = Viewer(Role.AUTHORITY)
    assert monitoring.upload(engine, operator, data, "a.csv", "e2-out", now=now).written == 1
    assert monitoring.upload(engine, enterprise, data, "a.csv", "e1-out", now=now).written == 1
    with pytest.raises(NotFound):
        monitoring.upload(engine, enterprise, data, "a.csv", "e2-out", now=now)
    with pytest.raises(NotFound):
        monitoring.upload(engine, stranger, data, "a.csv", "p-wwtp", now=now)
    with pytest.raises(NotAllowed):
        monitoring.upload(engine, authority, data, "a.csv", "p-wwtp", now=now)
    long = b"station,parameter,timestamp,value\ne2-out,cod,2025-03-01 00:05,1\n"
    got = monitoring.upload(engine, enterprise, long, "l.csv", now=now)
    assert got.written == 0 and got.refused == 1
    assert {s.station.code for s in monitoring.stations(engine, enterprise, "p")} == {"e1-out"}
    assert len(monitoring.stations(engine, operator, "p")) == 3
    assert monitoring.stations(engine, stranger, "p") == []
    with pytest.raises(NotAllowed):
        monitoring.issue_token(engine, enterprise, "e1-out")
    assert monitoring.issue_token(engine, operator, "e1-out").startswith("pls_")


def test_status_and_check_of_a_park(engine: sa.Engine) -> None:
    _park(engine)
    _stations(engine)
    start = dt.datetime(2025, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    n = 288
    ts = [start + dt.timedelta(minutes=5 * i) for i in range(n)]
    ph = [7.0] * n
    ph[100:104] = [10.0] * 4  # above 9 for a third of an hour
    buf = io.StringIO()
    buf.write("timestamp,COD (mg/L),pH\n")
    for i, t in enumerate(ts):
        if 200 <= i < 230:  # a gap of two and a half hours
            continue
        buf.write(f"{t.strftime('%Y-%m-%d %H:%M')},40,{ph[i]}\n")
    now = start + dt.timedelta(days=1)
    monitoring.upload(engine, Viewer.admin(), buf.getvalue().encode(), "d.csv", "p-wwtp", now=now)
    report = monitoring.check(engine, Viewer.admin(), "p", start, now)
    kinds = {(f.station, f.parameter, f.kind.value) for f in report.findings}
    # COD and pH stop together: one gap of the station, naming both (not one per parameter)
    assert ("p-wwtp", None, "gap") in kinds
    gaps = [f for f in report.findings if f.station == "p-wwtp" and f.kind.value == "gap"]
    (gap,) = [f for f in gaps if "cod" in f.parameters]
    assert sorted(gap.parameters) == ["cod", "ph"]  # the others sent nothing all day
    assert (gap.start, gap.end) == (ts[199].astimezone(UTC), ts[230].astimezone(UTC))
    exceed = [f for f in report.findings if f.kind.value == "exceedance"]
    assert [(f.parameter, f.peak, f.limit) for f in exceed] == [("ph", 10.0, 9.0)]
    assert (exceed[0].start, exceed[0].end) == (ts[100].astimezone(UTC), ts[103].astimezone(UTC))
    status = {s.station.code: s for s in monitoring.status(engine, Viewer.admin(), "p", now=now)}
    wwtp = status["p-wwtp"]
    assert wwtp.last == ts[-1].astimezone(UTC)
    assert wwtp.completeness == pytest.approx((n - 30) * 2 / (5 * n))
    assert status["e1-out"].last is None and status["e1-out"].completeness == 0.0
