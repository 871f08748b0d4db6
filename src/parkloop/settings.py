"""Settings are a table: name, default, environment variable and help. Documented in
docs/settings.md; a test fails when one is not."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from parkloop.errors import UserError, msg


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str
    env: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.env, self.default)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        "sqlite:///parkloop.db",
        "PARKLOOP_DATABASE_URL",
        "Database to use; the global option --db overrides it. SQLite file or "
        "postgresql://user@host:port/dbname.",
    ),
    Setting(
        "lang",
        "vi",
        "PARKLOOP_LANG",
        "Language of labels in printed output: vi or en; the global option --lang overrides it.",
    ),
    Setting(
        "sqlite_busy_timeout_s",
        "30",
        "PARKLOOP_SQLITE_BUSY_TIMEOUT",
        "Seconds a command waits for another command's write to an SQLite database to finish "
        "(an import, say) before it gives up with a message.",
    ),
    Setting(
        "disclosure_min_contributors",
        "3",
        "PARKLOOP_DISCLOSURE_MIN_CONTRIBUTORS",
        "An aggregate over a park's records is shown to viewers outside the park only when at "
        "least this many enterprises contribute to it (docs/confidentiality.md).",
    ),
    Setting(
        "disclosure_max_share",
        "0.8",
        "PARKLOOP_DISCLOSURE_MAX_SHARE",
        "An aggregate over a park's records is shown to viewers outside the park only when no "
        "single enterprise contributes more than this share of it (above 0, at most 1).",
    ),
    Setting(
        "session_hours",
        "12",
        "PARKLOOP_SESSION_HOURS",
        "Hours a web session lasts without use; each page moves the end on.",
    ),
    Setting(
        "password_min_length",
        "10",
        "PARKLOOP_PASSWORD_MIN_LENGTH",
        "Fewest characters a password may have.",
    ),
    Setting(
        "login_max_failures",
        "5",
        "PARKLOOP_LOGIN_MAX_FAILURES",
        "Failed sign-ins for one account within 15 minutes before it is locked for the rest "
        "of them (ten times as many from one address).",
    ),
    Setting(
        "job_stale_after_s",
        "60",
        "PARKLOOP_JOB_STALE_AFTER",
        "Seconds without a sign of life after which a running background job counts as "
        "stopped (its worker was killed or lost) and is marked failed.",
    ),
    Setting(
        "database_read_url",
        "",
        "PARKLOOP_DATABASE_READ_URL",
        "A read-only copy of the database (a PostgreSQL streaming replica) that the web "
        "application reads pages from; empty: everything uses database_url. Writes, "
        "sign-in and reads just after a write stay on database_url (docs/deploy.md).",
    ),
    Setting(
        "replica_stick_s",
        "10",
        "PARKLOOP_REPLICA_STICK",
        "Seconds after a browser writes during which its pages are read from database_url, "
        "not the replica, so that people see what they just saved; above the replica's lag.",
    ),
    Setting(
        "figures_stale_s",
        "30",
        "PARKLOOP_FIGURES_STALE",
        "Seconds after the records change during which a park's figures (dashboard, "
        "pictures, inbox, assessment) computed before the change may still be shown to "
        "others while the web process computes newer ones; the page says from when they "
        "are. Whoever changed the records sees them at once. 0: every page waits for "
        "figures of the latest records.",
    ),
    Setting(
        "tiles_url",
        "",
        "PARKLOOP_TILES_URL",
        "Map tile URL template (https://tile.example.org/{z}/{x}/{y}.png); empty: maps show "
        "only the Viet Nam outline shipped with parkloop. `parkloop serve --tiles` overrides it.",
    ),
    Setting(
        "tiles_attribution",
        "",
        "PARKLOOP_TILES_ATTRIBUTION",
        "Attribution printed on maps for the tiles of tiles_url.",
    ),
    Setting(
        "readings_dir",
        "",
        "PARKLOOP_READINGS_DIR",
        "Directory of the monitoring readings (Parquet files) of an SQLite database; empty: "
        "'<database file>.readings' beside the SQLite file. A PostgreSQL database keeps "
        "readings in its own partitioned table.",
    ),
    Setting(
        "smtp_host",
        "",
        "PARKLOOP_SMTP_HOST",
        "Mail server that sends alert emails; empty: alert rules by email fail (and say so) "
        "until it is set (docs/methods/alerts.md).",
    ),
    Setting(
        "smtp_port",
        "25",
        "PARKLOOP_SMTP_PORT",
        "Port of smtp_host (587 for STARTTLS, 465 for TLS).",
    ),
    Setting(
        "smtp_tls",
        "none",
        "PARKLOOP_SMTP_TLS",
        "How alert emails reach smtp_host: none, starttls or tls.",
    ),
    Setting("smtp_user", "", "PARKLOOP_SMTP_USER", "User name at smtp_host; empty: no sign-in."),
    Setting("smtp_password", "", "PARKLOOP_SMTP_PASSWORD", "Password of smtp_user."),
    Setting(
        "smtp_from",
        "parkloop@localhost",
        "PARKLOOP_SMTP_FROM",
        "Sender address of alert emails.",
    ),
    Setting(
        "alert_timeout_s",
        "10",
        "PARKLOOP_ALERT_TIMEOUT",
        "Seconds an alert waits for a webhook or the mail server to answer before the "
        "delivery counts as failed (the next check tries again).",
    ),
)


def setting(name: str) -> str:
    for s in SETTINGS:
        if s.name == name:
            return s.value()
    raise KeyError(name)


def seconds(name: str) -> float:
    """A setting that is a number of seconds, zero or more."""
    entry = next(s for s in SETTINGS if s.name == name)
    text = entry.value()
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise UserError(
            msg("{env}='{text}': give a number of seconds, 0 or more", env=entry.env, text=text)
        )
    return value
