"""Alerts of monitoring findings: a park's rules (changed only by its operator), and
:func:`notify`, which the monitoring check calls with what it found (docs/methods/alerts.md).

Each message goes by its rule's channel: the log (``parkloop.alerts``), a webhook (POST of
JSON) or email through the SMTP server of the settings. Every try is recorded with its
outcome; what was delivered is never sent again, what failed is tried at the next check.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import httpx
from sqlalchemy import Engine

from parkloop.domain.permissions import Viewer, can_write, sees_everything_of
from parkloop.errors import NotAllowed, NotFound, UserError, Word, msg
from parkloop.monitoring import alerts as pure
from parkloop.monitoring.alerts import Channel, Event, Labels, Notice, Rule, Sent
from parkloop.monitoring.model import Finding, FindingKind, Parameter
from parkloop.services.registry import require_park
from parkloop.settings import seconds, setting
from parkloop.store import alerts as store

log = logging.getLogger("parkloop.alerts")
TLS_MODES = ("none", "starttls", "tls")


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message tried: for which rule, about which episode, how it went."""

    rule: str
    event: Event
    episode: str
    station: str
    parameter: str | None
    kind: FindingKind
    channel: Channel
    target: str
    sent_at: datetime
    outcome: str  # "sent" or "failed"
    detail: str = ""


# -- rules ------------------------------------------------------------------------------------


def _park_id(engine: Engine, park: str) -> int:
    require_park(engine, park)
    with engine.connect() as conn:
        found = store.park_id(conn, park)
    assert found is not None  # require_park has just found it
    return found


def _as_rule(row: Any, park: str) -> Rule:
    return Rule(
        id=row["id"],
        park_code=park,
        name=row["name"],
        kinds=frozenset(FindingKind(k) for k in row["kinds"] or ()),
        channel=Channel(row["channel"]),
        target=row["target"],
        stations=frozenset(row["stations"] or ()),
        reminder_s=row["reminder_s"],
        lang=row["lang"],
        active=bool(row["active"]),
    )


def rules(engine: Engine, park: str, viewer: Viewer) -> list[Rule]:
    """The park's alert rules: its operator and the administrator see them (they name
    addresses and URLs)."""
    park_id = _park_id(engine, park)
    if not sees_everything_of(viewer, park_id):
        raise NotAllowed(
            msg(
                "{who} may not see the alert rules of {park}",
                who=viewer.name or Word(viewer.role.value),
                park=park,
            )
        )
    with engine.connect() as conn:
        return [_as_rule(r, park) for r in store.rules(conn, park_id)]


def may_send(engine: Engine, park: str, viewer: Viewer) -> bool:
    """Whether a check run by ``viewer`` sends the park's alerts: its operator's (or the
    administrator's) does; an enterprise's check of its own stations does not."""
    return can_write(viewer, _park_id(engine, park))


def _check_writer(viewer: Viewer, park_id: int, park: str) -> None:
    if not can_write(viewer, park_id):
        raise NotAllowed(
            msg(
                "{who} may not change the alert rules of {park}; only its operator may",
                who=viewer.name or Word(viewer.role.value),
                park=park,
            )
        )


def parse_kinds(texts: Iterable[str]) -> frozenset[FindingKind]:
    """Kinds of finding as a person names them (value or label, Vietnamese or English);
    'all' for every kind."""
    kinds: set[FindingKind] = set()
    for text in texts:
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            if part.casefold() in ("all", "tất cả"):
                kinds.update(FindingKind)
                continue
            try:
                kinds.add(FindingKind.parse(part))
            except ValueError:
                raise UserError(
                    msg(
                        "'{text}' is not a kind of finding; use {choices} or all",
                        text=part,
                        choices=", ".join(FindingKind.values()),
                    )
                ) from None
    if not kinds:
        raise UserError(msg("say which findings the rule tells of (--kind), or all"))
    return frozenset(kinds)


def _check_target(channel: Channel, target: str) -> str:
    target = target.strip()
    if channel is Channel.WEBHOOK and not target.startswith(("http://", "https://")):
        raise UserError(msg("a webhook needs a URL starting with http:// or https://"))
    if channel is Channel.EMAIL:
        addresses = [a.strip() for a in target.split(",") if a.strip()]
        if not addresses or any("@" not in a or " " in a for a in addresses):
            raise UserError(
                msg("give the email addresses to tell, separated by commas (--to a@b.vn)")
            )
        target = ", ".join(addresses)
    return target


def set_rule(
    engine: Engine,
    park: str,
    viewer: Viewer,
    name: str,
    *,
    kinds: Iterable[str],
    channel: str,
    target: str = "",
    stations: Iterable[str] = (),
    reminder_minutes: float | None = None,
    lang: str = "vi",
    active: bool = True,
) -> Rule:
    """Add the rule ``name`` to the park, or change it: only the park's operator (and the
    administrator) may."""
    park_id = _park_id(engine, park)
    _check_writer(viewer, park_id, park)
    name = name.strip()
    if not name:
        raise UserError(msg("give the rule a name"))
    try:
        chosen = Channel.parse(channel)
    except ValueError:
        raise UserError(
            msg("'{text}' is not a channel; use log, webhook or email", text=channel)
        ) from None
    if lang not in ("vi", "en"):
        raise UserError(msg("'{text}': messages are in vi or en", text=lang))
    if reminder_minutes is not None and not reminder_minutes > 0:
        raise UserError(msg("the reminder interval is a number of minutes above 0"))
    codes = sorted({s.strip() for s in stations if s.strip()})
    values: dict[str, Any] = {
        "kinds": sorted(k.value for k in parse_kinds(kinds)),
        "stations": codes,
        "channel": chosen.value,
        "target": _check_target(chosen, target),
        "reminder_s": None if reminder_minutes is None else round(reminder_minutes * 60),
        "lang": lang,
        "active": active,
        "changed_by": viewer.name,
    }
    with engine.begin() as conn:
        unknown = sorted(set(codes) - store.station_codes(conn, park_id, codes))
        if unknown:
            raise UserError(msg("no station {codes} in {park}", codes=unknown, park=park))
        known = store.rule(conn, park_id, name)
        if known is None:
            store.insert_rule(conn, {"park_id": park_id, "name": name, **values})
        else:
            store.update_rule(conn, known["id"], values)
        row = store.rule(conn, park_id, name)
    assert row is not None
    return _as_rule(row, park)


def delete_rule(engine: Engine, park: str, viewer: Viewer, name: str) -> None:
    park_id = _park_id(engine, park)
    _check_writer(viewer, park_id, park)
    with engine.begin() as conn:
        known = store.rule(conn, park_id, name)
        if known is None:
            raise NotFound(
                msg(
                    "no alert rule '{name}' in {park}; `parkloop alerts rules`",
                    name=name,
                    park=park,
                )
            )
        store.delete_rule(conn, known["id"])


def deliveries(engine: Engine, park: str, viewer: Viewer, limit: int = 100) -> list[Delivery]:
    """The latest messages tried in the park, newest first."""
    park_id = _park_id(engine, park)
    if not sees_everything_of(viewer, park_id):
        raise NotAllowed(
            msg(
                "{who} may not see the alerts of {park}",
                who=viewer.name or Word(viewer.role.value),
                park=park,
            )
        )
    with engine.connect() as conn:
        rows = store.deliveries(conn, park_id, limit)
    return [
        Delivery(
            rule=r["rule"],
            event=Event(r["event"]),
            episode=r["episode"],
            station=r["station"],
            parameter=r["parameter"],
            kind=FindingKind(r["kind"]),
            channel=Channel(r["channel"]),
            target=r["target"],
            sent_at=store.as_moment(r["sent_at"]),
            outcome=r["outcome"],
            detail=r["detail"],
        )
        for r in rows
    ]


# -- notifying --------------------------------------------------------------------------------


def open_since(engine: Engine, park: str) -> datetime | None:
    """The start of the oldest episode still open in the park: a check that starts its
    span there (or earlier) sees every open episode whole, and can resolve it."""
    with engine.connect() as conn:
        park_id = store.park_id(conn, park)
        return None if park_id is None else store.earliest_open_start(conn, park_id)


def _parameters() -> dict[str, Parameter]:
    try:
        from parkloop.monitoring.parameters import parameters

        return parameters()
    except (ImportError, OSError, KeyError, ValueError):  # pragma: no cover - catalog missing
        return {}


def notify(
    engine: Engine,
    park: str,
    findings: Sequence[Finding],
    now: datetime,
    *,
    checked_from: datetime | None = None,
    stations: Iterable[str] | None = None,
) -> list[Delivery]:
    """Tell who the park's rules say of what a check found, and record what was tried.

    ``findings``: everything the check found in the park; ``now``: the instant of the
    check (aware); ``checked_from``: the start of the span it looked at (None: it looked at
    everything up to now); ``stations``: the codes of the stations it looked at (None: all
    of the park's; pass them when the check saw only some, as for an enterprise).

    Sends each episode's alert once, reminders after each rule's interval while it stays
    open, and a resolved message once a check finds it over or no longer finds it where it
    looked. Called again with the same findings, sends
    nothing new. No viewer: the caller (the monitoring check) has checked who runs it.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    now = now.astimezone(UTC)
    checked = None if stations is None else frozenset(stations)
    park_id = _park_id(engine, park)
    seen = [(pure.episode_key(f), f, pure.is_open(f, now)) for f in findings]
    with engine.begin() as conn:
        park_rules = [_as_rule(r, park) for r in store.rules(conn, park_id)]
        known = store.open_episodes(conn, park_id)
        ids = store.save_episodes(conn, park_id, seen, now)
        ids.update({key: episode_id for key, (episode_id, _) in known.items()})
        history: dict[tuple[int, str], list[Sent]] = {}
        by_id = {episode_id: key for key, episode_id in ids.items()}
        for row in store.sent(conn, ids.values()):
            history.setdefault((row["rule_id"], by_id[row["episode_id"]]), []).append(
                Sent(Event(row["event"]), store.as_moment(row["sent_at"]), bool(row["open"]))
            )
        labels = Labels(store.station_names(conn, park_id), _parameters())
    notices = pure.plan(
        [r for r in park_rules if r.active],
        findings,
        history,
        now,
        known_open={key: f for key, (_, f) in known.items()},
        checked_from=checked_from,
        checked_stations=checked,
    )
    found = {key for key, _, _ in seen}
    tried: list[Delivery] = []
    rows: list[dict[str, Any]] = []
    for notice in notices:
        ok, detail = deliver(notice, labels)
        at = now  # the instant of the check: reminders count from it
        outcome = "sent" if ok else "failed"
        rows.append(
            {
                "rule_id": notice.rule.id,
                "episode_id": ids[notice.key],
                "event": notice.event.value,
                "open": notice.open,
                "sent_at": at,
                "channel": notice.rule.channel.value,
                "target": notice.rule.target,
                "outcome": outcome,
                "detail": detail[:2000],
            }
        )
        f = notice.finding
        tried.append(
            Delivery(
                notice.rule.name,
                notice.event,
                notice.key,
                f.station,
                f.parameter,
                f.kind,
                notice.rule.channel,
                notice.rule.target,
                at,
                outcome,
                detail,
            )
        )
    # Episodes known open that this check covers and no longer finds are over.
    gone = [
        episode_id
        for key, (episode_id, f) in known.items()
        if key not in found and pure.covered(f, checked_from, checked)
    ]
    with engine.begin() as conn:
        store.record(conn, rows)
        store.close_episodes(conn, gone)
    return tried


# -- channels ---------------------------------------------------------------------------------


def deliver(notice: Notice, labels: Labels) -> tuple[bool, str]:
    """Send one message by its rule's channel: whether it went, and what was answered."""
    try:
        if notice.rule.channel is Channel.LOG:
            log.warning("%s\n%s", pure.subject(notice, labels), pure.body(notice, labels))
            return True, "logged"
        if notice.rule.channel is Channel.WEBHOOK:
            return _post(notice, labels)
        return _mail(notice, labels)
    except (OSError, smtplib.SMTPException, httpx.HTTPError, UserError) as exc:
        return False, f"{type(exc).__name__}: {exc}"


def _post(notice: Notice, labels: Labels) -> tuple[bool, str]:
    response = httpx.post(
        notice.rule.target,
        json=pure.payload(notice, labels),
        timeout=seconds("alert_timeout_s"),
        headers={"User-Agent": "parkloop-alerts"},
    )
    return response.is_success, f"HTTP {response.status_code}"


def _mail(notice: Notice, labels: Labels) -> tuple[bool, str]:
    host = setting("smtp_host")
    if not host:
        raise UserError(msg("no mail server: set PARKLOOP_SMTP_HOST"))
    try:
        port = int(setting("smtp_port"))
    except ValueError:
        raise UserError(msg("PARKLOOP_SMTP_PORT must be a port number")) from None
    mode = setting("smtp_tls").strip().lower()
    if mode not in TLS_MODES:
        raise UserError(msg("PARKLOOP_SMTP_TLS must be none, starttls or tls"))
    message = EmailMessage()
    message["Subject"] = pure.subject(notice, labels)
    message["From"] = setting("smtp_from")
    message["To"] = notice.rule.target
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="parkloop")
    message.set_content(pure.body(notice, labels))
    timeout = seconds("alert_timeout_s")
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if mode == "tls":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if mode == "starttls":
            client.starttls(context=context)
        user = setting("smtp_user")
        if user:
            client.login(user, setting("smtp_password"))
        refused = client.send_message(message)
    if refused:
        return False, "refused: " + ", ".join(sorted(refused))
    return True, f"SMTP {host}:{port}"
