"""Alert decisions: once per episode, reminders, resolved; the words of a message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parkloop.monitoring.alerts import (
    Channel,
    Event,
    Labels,
    Notice,
    Rule,
    Sent,
    body,
    episode_key,
    payload,
    plan,
    subject,
)
from parkloop.monitoring.model import Finding, FindingKind, Media, Parameter

T0 = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
COD = Parameter(
    "cod", "Nhu cầu oxy hóa học (COD)", "Chemical oxygen demand (COD)", "mg/L", Media.WATER
)
LABELS = Labels({"nck-wwtp": "Trạm XLNT tập trung"}, {"cod": COD})


def _finding(end: datetime, kind: FindingKind = FindingKind.EXCEEDANCE, **kw: object) -> Finding:
    values: dict[str, object] = {
        "station": "nck-wwtp",
        "parameter": "cod",
        "kind": kind,
        "start": T0,
        "end": end,
        "peak": 123.456,
        "limit": 75.0,
        "window": "instant",
        "source": "QCVN 40:2011/BTNMT, cột B",
        "status": "read",
    }
    values.update(kw)
    return Finding(**values)  # type: ignore[arg-type]


def _rule(**kw: object) -> Rule:
    values: dict[str, object] = {
        "id": 1,
        "park_code": "nam-cau-kien",
        "name": "vận hành",
        "kinds": frozenset({FindingKind.EXCEEDANCE, FindingKind.GAP}),
        "channel": Channel.LOG,
        "reminder_s": 3600,
    }
    values.update(kw)
    return Rule(**values)  # type: ignore[arg-type]


def _record(
    history: dict[tuple[int, str], list[Sent]], notices: list[Notice], now: datetime
) -> None:
    for n in notices:
        history.setdefault((n.rule.id, n.key), []).append(Sent(n.event, now, n.open))


def test_an_episode_is_alerted_once_reminded_after_the_interval_then_resolved() -> None:
    rule = _rule()
    history: dict[tuple[int, str], list[Sent]] = {}
    now = T0 + timedelta(minutes=20)
    first = plan([rule], [_finding(now)], history, now)
    assert [n.event for n in first] == [Event.ALERT] and first[0].open
    _record(history, first, now)
    # The same check again, and one 59 minutes later: nothing.
    assert plan([rule], [_finding(now)], history, now) == []
    later = now + timedelta(minutes=59)
    assert plan([rule], [_finding(later)], history, later) == []
    # After the interval, one reminder; then nothing until the next interval.
    later = now + timedelta(minutes=60)
    reminded = plan([rule], [_finding(later)], history, later)
    assert [n.event for n in reminded] == [Event.REMINDER]
    _record(history, reminded, later)
    assert plan([rule], [_finding(later)], history, later + timedelta(minutes=30)) == []
    # Over: its last offending instant is older than the grace.
    over = later + timedelta(hours=2)
    resolved = plan([rule], [_finding(later)], history, over)
    assert [n.event for n in resolved] == [Event.RESOLVED] and not resolved[0].open
    _record(history, resolved, over)
    assert plan([rule], [_finding(later)], history, over + timedelta(days=1)) == []


def test_an_episode_over_when_first_found_gets_one_alert_and_no_resolved() -> None:
    rule = _rule()
    history: dict[tuple[int, str], list[Sent]] = {}
    now = T0 + timedelta(days=2)
    notices = plan([rule], [_finding(T0 + timedelta(hours=1))], history, now)
    assert [(n.event, n.open) for n in notices] == [(Event.ALERT, False)]
    _record(history, notices, now)
    assert plan([rule], [_finding(T0 + timedelta(hours=1))], history, now + timedelta(days=1)) == []


def test_without_reminder_interval_no_reminder() -> None:
    rule = _rule(reminder_s=None)
    history: dict[tuple[int, str], list[Sent]] = {}
    _record(history, plan([rule], [_finding(T0)], history, T0), T0)
    later = T0 + timedelta(days=3)
    assert plan([rule], [_finding(later)], history, later) == []


def test_an_episode_no_longer_found_in_a_span_that_covers_it_is_resolved() -> None:
    rule = _rule()
    history: dict[tuple[int, str], list[Sent]] = {}
    finding = _finding(T0 + timedelta(minutes=10))
    now = T0 + timedelta(minutes=15)
    _record(history, plan([rule], [finding], history, now), now)
    known = {episode_key(finding): finding}
    later = now + timedelta(minutes=10)
    # A check of a span that starts after the episode's last instant cannot tell.
    assert plan([rule], [], history, later, known_open=known, checked_from=later) == []
    # Nor can a check of other stations (an enterprise's check sees only its own).
    other = frozenset({"ent-outlet"})
    assert plan([rule], [], history, later, known_open=known, checked_stations=other) == []
    gone = plan([rule], [], history, later, known_open=known, checked_from=T0)
    assert [n.event for n in gone] == [Event.RESOLVED]


def test_rules_choose_kinds_and_stations_and_a_failed_delivery_is_retried() -> None:
    gap = _finding(T0, FindingKind.GAP, parameter=None, peak=None, limit=None, source="")
    flat = _finding(T0, FindingKind.FLATLINE)
    other = _finding(T0, station="khac")
    rules = [_rule(), _rule(id=2, stations=frozenset({"nck-wwtp"}), kinds=frozenset(FindingKind))]
    notices = plan(rules, [gap, flat, other], {}, T0)
    assert sorted((n.rule.id, n.finding.kind.value, n.finding.station) for n in notices) == [
        (1, "exceedance", "khac"),
        (1, "gap", "nck-wwtp"),
        (2, "flatline", "nck-wwtp"),
        (2, "gap", "nck-wwtp"),
    ]
    assert plan([_rule(active=False)], [gap], {}, T0) == []
    # Nothing delivered (a failure is not recorded as sent): the next check tries again.
    assert len(plan(rules, [gap, flat, other], {}, T0 + timedelta(minutes=5))) == 4


def test_message_in_vietnamese_and_english_with_names_peak_limit_and_source() -> None:
    notice = plan([_rule()], [_finding(T0 + timedelta(hours=3))], {}, T0 + timedelta(days=1))[0]
    text = body(notice, LABELS)
    assert "Trạm: Trạm XLNT tập trung (nck-wwtp)" in text
    assert "Thông số: Nhu cầu oxy hóa học (COD)" in text
    assert "Giá trị cao nhất: 123,46 mg/L" in text
    assert "Giới hạn (giá trị tức thời): 75 mg/L" in text
    assert "Nguồn: QCVN 40:2011/BTNMT, cột B [đã đọc nguồn]" in text
    # 01:00 UTC is 08:00 in Viet Nam.
    assert "Từ: 08:00 10/03/2026" in text and "(3 giờ)" in text
    assert subject(notice, LABELS).startswith("[parkloop] Cảnh báo: vượt giới hạn – Trạm XLNT")
    english = plan([_rule(lang="en")], [_finding(T0)], {}, T0)[0]
    said = body(english, LABELS)
    assert "Peak: 123.46 mg/L" in said and "Chemical oxygen demand" in said
    assert "Still going on" in said and "cột B [read]" in said
    data = payload(english, LABELS)
    assert data["peak"] == 123.456 and data["event"] == "alert" and data["open"] is True
    assert data["episode"] == "nck-wwtp|cod|exceedance|2026-03-10T01:00:00+00:00"


def test_gap_message_says_how_long() -> None:
    gap = _finding(T0 + timedelta(hours=5), FindingKind.GAP, parameter=None, peak=None, limit=None)
    text = body(plan([_rule()], [gap], {}, T0 + timedelta(days=1))[0], LABELS)
    assert "Không có số liệu trong 5 giờ" in text and "Thông số: cả trạm" in text
