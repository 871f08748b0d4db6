"""What each command may do, declared once. ``read``: anyone may run it and gets what
they may see (docs/confidentiality.md); ``write``: it changes records, and every record is
checked against who is writing (an enterprise its own, an operator its park); ``admin``:
the administrator only; ``server``: it runs the web application or a job worker, whose
every request or job checks its own caller. A test fails for a command missing here, and
runs every ``read`` command as every kind of viewer to show private records never show
through."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

READ, WRITE, ADMIN, SERVER = "read", "write", "admin", "server"

ACCESS: dict[str, str] = {
    "db upgrade": ADMIN,
    "db status": READ,
    "parks list": READ,
    "enterprises list": READ,
    "enterprises set": WRITE,
    "enterprises delete": WRITE,
    "flows list": READ,
    "flows set": WRITE,
    "flows delete": WRITE,
    "listings list": READ,
    "listings delete": WRITE,
    "exchanges list": READ,
    "exchanges set": WRITE,
    "exchanges set-status": WRITE,
    "exchanges delete": WRITE,
    "materials review": READ,
    "materials assign": WRITE,
    "import": WRITE,
    "export": READ,
    "template": READ,
    "examples list": READ,
    "examples load": ADMIN,
    "examples generate": ADMIN,
    "demo": READ,  # the operator's look also saves the proposals it finds
    "match": WRITE,  # saves proposals (the operator's run); --no-save reads
    "matches list": READ,
    "matches accept": WRITE,
    "matches reject": WRITE,
    "account": READ,
    "account transport": READ,
    "account recp": READ,
    "optimize": WRITE,  # saves a plan (the operator's run); --no-save reads
    "optimize pareto": READ,
    "resilience": READ,
    "shares": READ,
    "rulesets list": READ,
    "rulesets show": READ,
    "assess": WRITE,  # keeps the result in the history (the operator's); --no-save reads
    "evidence add": WRITE,
    "evidence list": READ,
    "evidence load": WRITE,
    "dossier": READ,
    "report annual": READ,
    "report public": READ,
    "report recp": READ,
    "report enterprise": READ,
    "report export": READ,
    "serve": SERVER,
    "worker": SERVER,
    "users add": WRITE,  # the administrator; an operator its enterprises' accounts
    "users list": READ,
    "users disable": WRITE,
    "users enable": WRITE,
    "users password": WRITE,
    "tokens create": WRITE,
    "monitoring stations list": READ,
    "monitoring stations add": WRITE,
    "monitoring stations import": WRITE,
    "monitoring stations token": WRITE,
    "monitoring upload": WRITE,
    "monitoring check": READ,
    "monitoring status": READ,
    "monitoring intake": WRITE,
    "alerts rules": READ,
    "alerts set": WRITE,
    "alerts delete": WRITE,
    "alerts sent": READ,
    "io-records add": WRITE,
    "io-records import": WRITE,
    "io-records list": READ,
    "io-records completeness": READ,
}


def commands(root: Any) -> Iterator[tuple[str, Any]]:
    """Every command of the command line (a Click command tree), by its path."""

    def walk(command: Any, prefix: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        subs = getattr(command, "commands", None)
        if subs:
            if prefix and getattr(command, "invoke_without_command", False):
                yield " ".join(prefix), command
            for name, sub in subs.items():
                yield from walk(sub, (*prefix, name))
        else:
            yield " ".join(prefix), command

    yield from walk(root, ())
