"""Settings are a table: name, default, environment variable and help. Documented in
docs/settings.md; a test fails when one is not."""

from __future__ import annotations

import os
from dataclasses import dataclass


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
)


def setting(name: str) -> str:
    for s in SETTINGS:
        if s.name == name:
            return s.value()
    raise KeyError(name)
