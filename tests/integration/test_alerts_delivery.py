"""Alerts delivered for real: email to an SMTP server and a webhook to an HTTP receiver,
both on loopback and started by the test; once per episode, reminders, resolved; rules
changed only by the park's operator."""

from __future__ import annotations

import email
import json
import socketserver
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa

from parkloop.domain.permissions import Role, Viewer
from parkloop.errors import NotAllowed, UserError
from parkloop.monitoring.model import Finding, FindingKind
from parkloop.services import alerts

T0 = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        server: Any = self.server
        self._say("220 test ESMTP")
        envelope: dict[str, Any] = {"to": []}
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode().rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 test")
            elif verb == "MAIL":
                envelope = {"from": line[10:].strip("<> "), "to": []}
                self._say("250 OK")
            elif verb == "RCPT":
                envelope["to"].append(line[8:].strip("<> "))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 go on")
                data = bytearray()
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                envelope["message"] = email.message_from_bytes(bytes(data), policy=email_policy)
                server.received.append(envelope)
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 OK")


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        server: Any = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server.received.append(json.loads(body))
        self.send_response(server.status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    server: Any = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    server.daemon_threads = True
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("PARKLOOP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PARKLOOP_SMTP_PORT", str(server.server_address[1]))
    monkeypatch.setenv("PARKLOOP_SMTP_FROM", "canhbao@kcn.example.vn")
    yield server.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def hook() -> Iterator[Any]:
    server: Any = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.received = []
    server.status = 200
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def park(engine: sa.Engine) -> int:
    with engine.begin() as conn:
        for code in ("nck", "other"):
            conn.execute(
                sa.text("insert into parks (code, name_vi) values (:c, :n)"), {"c": code, "n": code}
            )
        park_id = conn.scalar(sa.text("select id from parks where code = 'nck'"))
        conn.execute(
            sa.text(
                "insert into stations (park_id, code, name, kind, limit_set) values "
                "(:p, 'nck-wwtp', 'Trạm XLNT tập trung Nam Cầu Kiền', 'wwtp-outlet', "
                "'qcvn-40-2011')"
            ),
            {"p": park_id},
        )
    return int(park_id)


OPERATOR = Viewer(Role.OPERATOR, name="operator:nck")


def _cod(end: datetime, start: datetime = T0) -> Finding:
    return Finding(
        "nck-wwtp",
        "cod",
        FindingKind.EXCEEDANCE,
        start,
        end,
        peak=112.5,
        limit=75.0,
        window="instant",
        source="QCVN 40:2011/BTNMT cột B, Cmax = C × Kq × Kf",
        status="read",
    )


def test_email_and_webhook_once_per_episode_reminder_and_resolved(
    engine: sa.Engine, park: int, smtp: list[dict[str, Any]], hook: Any
) -> None:
    viewer = Viewer(Role.OPERATOR, park_id=park, name="operator:nck")
    alerts.set_rule(
        engine,
        "nck",
        viewer,
        "trưởng ca",
        kinds=["exceedance", "mất dữ liệu"],
        channel="email",
        target="truongca@kcn.example.vn, moitruong@kcn.example.vn",
        reminder_minutes=60,
    )
    alerts.set_rule(
        engine,
        "nck",
        viewer,
        "hệ thống",
        kinds=["all"],
        channel="webhook",
        target=hook.url,
        stations=["nck-wwtp"],
        lang="en",
    )
    now = T0 + timedelta(minutes=20)
    first = alerts.notify(engine, "nck", [_cod(now)], now, checked_from=T0 - timedelta(hours=1))
    assert sorted((d.rule, d.event.value, d.outcome) for d in first) == [
        ("hệ thống", "alert", "sent"),
        ("trưởng ca", "alert", "sent"),
    ]
    assert len(smtp) == 1 and len(hook.received) == 1
    mail = smtp[0]
    assert sorted(mail["to"]) == ["moitruong@kcn.example.vn", "truongca@kcn.example.vn"]
    text = mail["message"].get_content()
    assert "Trạm: Trạm XLNT tập trung Nam Cầu Kiền (nck-wwtp)" in text
    assert "Giá trị cao nhất: 112,5 mg/L" in text and "Giới hạn (giá trị tức thời): 75 mg/L" in text
    assert "QCVN 40:2011/BTNMT cột B" in text
    assert mail["message"]["Subject"].startswith("[parkloop] Cảnh báo: vượt giới hạn")
    sent = hook.received[0]
    assert sent["event"] == "alert" and sent["peak"] == 112.5 and sent["limit"] == 75.0
    assert sent["station_name"] == "Trạm XLNT tập trung Nam Cầu Kiền" and sent["lang"] == "en"

    # The same check run again sends nothing.
    assert alerts.notify(engine, "nck", [_cod(now)], now) == []
    assert len(smtp) == 1 and len(hook.received) == 1

    # An hour on, still open: the email rule reminds; the webhook rule has no reminder.
    later = now + timedelta(minutes=61)
    reminded = alerts.notify(engine, "nck", [_cod(later)], later)
    assert [(d.rule, d.event.value) for d in reminded] == [("trưởng ca", "reminder")]
    assert "vẫn đang tiếp diễn" in smtp[1]["message"].get_content()

    # A later check that covers it finds it no more: resolved, once, to both.
    over = later + timedelta(hours=1)
    resolved = alerts.notify(engine, "nck", [], over, checked_from=T0)
    assert sorted((d.rule, d.event.value) for d in resolved) == [
        ("hệ thống", "resolved"),
        ("trưởng ca", "resolved"),
    ]
    assert hook.received[-1]["event"] == "resolved" and len(smtp) == 3
    assert alerts.notify(engine, "nck", [], over + timedelta(hours=2), checked_from=T0) == []
    history = alerts.deliveries(engine, "nck", viewer)
    assert len(history) == 5 and all(d.outcome == "sent" for d in history)


def test_a_failed_delivery_is_recorded_and_tried_again(
    engine: sa.Engine, park: int, hook: Any
) -> None:
    viewer = Viewer(Role.ADMIN, name="admin")
    alerts.set_rule(
        engine, "nck", viewer, "hook", kinds=["gap"], channel="webhook", target=hook.url
    )
    gap = Finding("nck-wwtp", None, FindingKind.GAP, T0, T0 + timedelta(hours=2))
    now = T0 + timedelta(hours=2)
    hook.status = 503
    failed = alerts.notify(engine, "nck", [gap], now)
    assert [(d.outcome, d.detail) for d in failed] == [("failed", "HTTP 503")]
    hook.status = 200
    retried = alerts.notify(engine, "nck", [gap], now + timedelta(minutes=5))
    assert [(d.event.value, d.outcome) for d in retried] == [("alert", "sent")]
    assert len(hook.received) == 2
    assert alerts.notify(engine, "nck", [gap], now + timedelta(minutes=10)) == []
    outcomes = [d.outcome for d in alerts.deliveries(engine, "nck", viewer)]
    assert outcomes == ["sent", "failed"]


def test_email_without_mail_server_fails_and_says_why(
    engine: sa.Engine, park: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARKLOOP_SMTP_HOST", raising=False)
    viewer = Viewer(Role.ADMIN, name="admin")
    alerts.set_rule(
        engine, "nck", viewer, "mail", kinds=["exceedance"], channel="email", target="a@b.vn"
    )
    [tried] = alerts.notify(engine, "nck", [_cod(T0)], T0)
    assert tried.outcome == "failed" and "PARKLOOP_SMTP_HOST" in tried.detail


def test_only_the_park_operator_changes_rules(engine: sa.Engine, park: int) -> None:
    other_park = Viewer(Role.OPERATOR, park_id=park + 1, name="operator:other")
    enterprise = Viewer(Role.ENTERPRISE, park_id=park, org_id=1, name="enterprise")
    for viewer in (other_park, enterprise, Viewer(Role.AUTHORITY, name="authority")):
        with pytest.raises(NotAllowed):
            alerts.set_rule(engine, "nck", viewer, "x", kinds=["gap"], channel="log")
        with pytest.raises(NotAllowed):
            alerts.rules(engine, "nck", viewer)
    own = Viewer(Role.OPERATOR, park_id=park, name="operator:nck")
    with pytest.raises(UserError):
        alerts.set_rule(engine, "nck", own, "x", kinds=["gap"], channel="webhook", target="ftp://x")
    with pytest.raises(UserError):
        alerts.set_rule(engine, "nck", own, "x", kinds=["gap"], channel="log", stations=["nope"])
    with pytest.raises(UserError):
        alerts.set_rule(engine, "nck", own, "x", kinds=["rain"], channel="log")
    rule = alerts.set_rule(engine, "nck", own, "x", kinds=["flatline"], channel="log")
    assert rule.kinds == {FindingKind.FLATLINE} and rule.stations == frozenset()
    changed = alerts.set_rule(
        engine, "nck", own, "x", kinds=["gap"], channel="log", reminder_minutes=30
    )
    assert changed.id == rule.id and changed.reminder_s == 1800
    assert [r.name for r in alerts.rules(engine, "nck", own)] == ["x"]
    alerts.delete_rule(engine, "nck", own, "x")
    assert alerts.rules(engine, "nck", own) == []
