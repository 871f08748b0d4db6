"""Who is told of what a monitoring check finds, and when: pure decisions, no database,
no network (docs/methods/alerts.md).

An *episode* is one finding, known by its station, parameter, kind and start. For each
alert rule of a park that covers the episode:

- the first check that finds it sends one **alert** (an episode already over when first
  found gets one alert saying when it ended, and nothing more);
- while it stays open, a **reminder** once the rule's reminder interval has passed since
  the last message;
- when a later check finds it over (its last offending instant is older than the grace),
  or no longer finds it in a span that covers it, one **resolved** message.

What was delivered is kept (services.alerts); :func:`plan` reads it, so running the same
check twice sends nothing twice. A delivery that failed does not count: the next check
tries again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from parkloop import formats
from parkloop.domain.enums import DataStatus, LabelledEnum
from parkloop.monitoring.model import LOCAL_TZ, Finding, FindingKind, Parameter

# A finding whose last offending instant is at most this long before the check's "now"
# is still going on (a station sends every few minutes; a check runs on readings that
# arrived a little late).
DEFAULT_GRACE = timedelta(minutes=30)


class Channel(LabelledEnum):
    LOG = ("log", "nhật ký", "log")
    WEBHOOK = ("webhook", "webhook (POST JSON)", "webhook (POST JSON)")
    EMAIL = ("email", "thư điện tử", "email")


class Event(LabelledEnum):
    ALERT = ("alert", "cảnh báo", "alert")
    REMINDER = ("reminder", "nhắc lại", "reminder")
    RESOLVED = ("resolved", "đã hết", "resolved")


@dataclass(frozen=True, slots=True)
class Rule:
    """Who is told of what in one park: the kinds of finding, the stations (none: all of
    the park's), the channel and its target (a URL for a webhook, addresses separated by
    commas for email, a name for the log), the reminder interval (None: no reminders)
    and the language of the messages."""

    id: int
    park_code: str
    name: str
    kinds: frozenset[FindingKind]
    channel: Channel
    target: str = ""
    stations: frozenset[str] = frozenset()
    reminder_s: int | None = None
    lang: str = "vi"
    active: bool = True

    def covers(self, finding: Finding) -> bool:
        return (
            self.active
            and finding.kind in self.kinds
            and (not self.stations or finding.station in self.stations)
        )


def episode_key(finding: Finding) -> str:
    """The identity of an episode: station, parameter, kind and start (UTC, ISO 8601)."""
    start = finding.start.astimezone(ZoneInfo("UTC")).isoformat()
    return f"{finding.station}|{finding.parameter or ''}|{finding.kind.value}|{start}"


def is_open(finding: Finding, now: datetime, grace: timedelta = DEFAULT_GRACE) -> bool:
    """Whether the episode is still going on at ``now``."""
    return finding.end >= now - grace


@dataclass(frozen=True, slots=True)
class Sent:
    """A message delivered for one rule and one episode: its event, when, and whether the
    episode was open then."""

    event: Event
    at: datetime
    open: bool = True


@dataclass(frozen=True, slots=True)
class Notice:
    """A message to send: for ``rule``, of ``event``, about ``finding``."""

    rule: Rule
    event: Event
    finding: Finding
    key: str
    open: bool


History = Mapping[tuple[int, str], Sequence[Sent]]


def _final(sent: Sequence[Sent]) -> bool:
    return any(s.event is Event.RESOLVED or (s.event is Event.ALERT and not s.open) for s in sent)


def plan(
    rules: Iterable[Rule],
    findings: Iterable[Finding],
    history: History,
    now: datetime,
    *,
    known_open: Mapping[str, Finding] | None = None,
    checked_from: datetime | None = None,
    checked_stations: Collection[str] | None = None,
    grace: timedelta = DEFAULT_GRACE,
) -> list[Notice]:
    """The messages to send now.

    ``findings``: what the check found; ``history``: the messages delivered so far, by
    (rule id, episode key); ``known_open``: episodes earlier checks found open, by key
    (with what was last known of them); ``checked_from``: the start of the span the check
    looked at (None: all of it up to now); ``checked_stations``: the stations it looked at
    (None: all of the park's). An episode known open that the check does not find, at a
    station it looked at and in a span that covers its last known instant, is resolved.
    """
    rules = [r for r in rules if r.active]
    notices: list[Notice] = []
    found: dict[str, Finding] = {}
    for finding in findings:
        found.setdefault(episode_key(finding), finding)
    for key, finding in sorted(found.items()):
        open_now = is_open(finding, now, grace)
        for rule in rules:
            if not rule.covers(finding):
                continue
            sent = history.get((rule.id, key), ())
            if _final(sent):
                continue
            told = [s for s in sent if s.event in (Event.ALERT, Event.REMINDER)]
            if not told:
                notices.append(Notice(rule, Event.ALERT, finding, key, open_now))
            elif not open_now:
                notices.append(Notice(rule, Event.RESOLVED, finding, key, False))
            elif rule.reminder_s and now - max(s.at for s in told) >= timedelta(
                seconds=rule.reminder_s
            ):
                notices.append(Notice(rule, Event.REMINDER, finding, key, True))
    for key, finding in sorted((known_open or {}).items()):
        if key in found or not covered(finding, checked_from, checked_stations):
            continue
        for rule in rules:
            if not rule.covers(finding):
                continue
            sent = history.get((rule.id, key), ())
            if sent and not _final(sent):
                notices.append(Notice(rule, Event.RESOLVED, finding, key, False))
    return notices


def covered(
    finding: Finding, checked_from: datetime | None, checked_stations: Collection[str] | None
) -> bool:
    """Whether a check of that span and those stations looked where the episode was last
    known to be: if it does not find it there, the episode is over."""
    if checked_stations is not None and finding.station not in checked_stations:
        return False
    return checked_from is None or finding.end >= checked_from


# -- what a message says ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Labels:
    """Names a message uses: stations by code, parameters by code (with their units)."""

    stations: Mapping[str, str] = field(default_factory=dict)
    parameters: Mapping[str, Parameter] = field(default_factory=dict)

    def station(self, code: str) -> str:
        return self.stations.get(code) or code

    def parameter(self, code: str | None, lang: str) -> str:
        if code is None:
            return _say(lang, "whole station", "cả trạm")
        known = self.parameters.get(code)
        return known.name(lang) if known is not None else code

    def unit(self, code: str | None) -> str:
        known = self.parameters.get(code) if code else None
        if known is None or not known.unit:
            return ""
        return {"degC": "°C", "m3/h": "m³/h", "m3/d": "m³/ngày"}.get(known.unit, known.unit)


def _say(lang: str, en: str, vi: str) -> str:
    return vi if lang == "vi" else en


def _figure(value: float | None, unit: str, lang: str) -> str:
    if value is None:
        return formats.MISSING
    text = formats.number(value, lang, 2, fixed=False)
    return f"{text} {unit}" if unit else text


def local(moment: datetime) -> datetime:
    """An instant in Viet Nam time, as messages show it."""
    return moment.astimezone(ZoneInfo(LOCAL_TZ))


def _duration(start: datetime, end: datetime, lang: str) -> str:
    minutes = (end - start).total_seconds() / 60
    if minutes < 120:
        return f"{formats.number(minutes, lang)} {_say(lang, 'min', 'phút')}"
    return f"{formats.number(minutes / 60, lang, 1, fixed=False)} {_say(lang, 'h', 'giờ')}"


_EVENT_HEAD = {
    Event.ALERT: ("Alert", "Cảnh báo"),
    Event.REMINDER: ("Reminder", "Nhắc lại"),
    Event.RESOLVED: ("Resolved", "Đã hết"),
}


def subject(notice: Notice, labels: Labels) -> str:
    """One line: event, kind, station and parameter."""
    lang, f = notice.rule.lang, notice.finding
    en, vi = _EVENT_HEAD[notice.event]
    return (
        f"[parkloop] {_say(lang, en, vi)}: {f.kind.label(lang)} – "
        f"{labels.station(f.station)} – {labels.parameter(f.parameter, lang)}"
    )


def _parameters(f: Finding, labels: Labels, lang: str) -> str:
    """The parameter of a finding, or the parameters a station's gap concerns."""
    if f.parameter is None and f.parameters:
        return ", ".join(labels.parameter(p, lang) for p in f.parameters)
    return labels.parameter(f.parameter, lang)


def body(notice: Notice, labels: Labels) -> str:
    """The message: station, parameter, when, peak, limit and its source, in the rule's
    language; instants in Viet Nam time."""
    lang, f = notice.rule.lang, notice.finding
    unit = labels.unit(f.parameter)
    lines = [
        f"{_say(lang, 'Station', 'Trạm')}: {labels.station(f.station)} ({f.station})",
        f"{_say(lang, 'Parameter', 'Thông số')}: {_parameters(f, labels, lang)}",
        f"{_say(lang, 'Finding', 'Phát hiện')}: {f.kind.label(lang)}",
        f"{_say(lang, 'From', 'Từ')}: {formats.moment(local(f.start), lang)}",
    ]
    if notice.open:
        lines.append(
            f"{_say(lang, 'Still going on; last seen', 'Vẫn đang diễn ra; ghi nhận gần nhất')}: "
            f"{formats.moment(local(f.end), lang)}"
        )
    else:
        lines.append(
            f"{_say(lang, 'To', 'Đến')}: {formats.moment(local(f.end), lang)} "
            f"({_duration(f.start, f.end, lang)})"
        )
    if f.kind is FindingKind.GAP:
        lines.append(
            f"{_say(lang, 'No reading for', 'Không có số liệu trong')} "
            f"{_duration(f.start, f.end, lang)}"
        )
    elif f.peak is not None:
        word = (
            _say(lang, "Stuck value", "Giá trị đứng")
            if f.kind is FindingKind.FLATLINE
            else _say(lang, "Peak", "Giá trị cao nhất")
        )
        lines.append(f"{word}: {_figure(f.peak, unit, lang)}")
    if f.limit is not None:
        window = f" ({_window(f.window, lang)})" if f.window else ""
        lines.append(f"{_say(lang, 'Limit', 'Giới hạn')}{window}: {_figure(f.limit, unit, lang)}")
    if f.source:
        status = f" [{_status(f.status, lang)}]" if f.status else ""
        lines.append(f"{_say(lang, 'Source', 'Nguồn')}: {f.source}{status}")
    if notice.event is Event.RESOLVED:
        lines.append(
            _say(
                lang,
                "The latest check no longer finds this episode going on.",
                "Lần kiểm tra mới nhất không còn thấy sự việc này tiếp diễn.",
            )
        )
    elif notice.event is Event.REMINDER:
        lines.append(
            _say(lang, "This episode is still going on.", "Sự việc này vẫn đang tiếp diễn.")
        )
    return "\n".join(lines) + "\n"


def _status(status: str, lang: str) -> str:
    """How sure the limit is, in the reader's words ('đã đọc nguồn', 'chưa kiểm chứng')."""
    if status in DataStatus.values():
        return DataStatus(status).label(lang)
    return _say(lang, "unknown", "chưa rõ") if status == "unknown" else status


def _window(window: str, lang: str) -> str:
    words = {
        "instant": ("instant value", "giá trị tức thời"),
        "1h": ("hourly mean", "trung bình 1 giờ"),
        "1d": ("daily mean", "trung bình ngày"),
        "24h": ("24-hour mean", "trung bình 24 giờ"),
    }
    en, vi = words.get(window, (window, window))
    return _say(lang, en, vi)


def payload(notice: Notice, labels: Labels) -> dict[str, Any]:
    """The JSON a webhook receives: the finding's figures as numbers (not formatted) and
    the message as text, for a chat or a ticket system."""
    f = notice.finding
    return {
        "event": notice.event.value,
        "park": notice.rule.park_code,
        "rule": notice.rule.name,
        "episode": notice.key,
        "open": notice.open,
        "station": f.station,
        "station_name": labels.station(f.station),
        "parameter": f.parameter,
        "parameter_name": labels.parameter(f.parameter, notice.rule.lang),
        "parameters": list(f.parameters),
        "kind": f.kind.value,
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "peak": f.peak,
        "limit": f.limit,
        "unit": labels.unit(f.parameter),
        "window": f.window,
        "source": f.source,
        "status": f.status,
        "lang": notice.rule.lang,
        "subject": subject(notice, labels),
        "text": body(notice, labels),
    }
