"""The messages parkloop's code says to users, read from the source: the template of every
``msg("...")`` and every word given as ``Word("...")`` under src/parkloop."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[2] / "src" / "parkloop"


def _literals(func: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == func
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                where = f"{path.relative_to(SRC.parent)}:{node.lineno}"
                found.setdefault(node.args[0].value, where)
    return found


def message_templates() -> dict[str, str]:
    """Each template, with where it is first used."""
    return _literals("msg")


def message_words() -> dict[str, str]:
    """Each word a message takes as a field, with where it is first used."""
    return _literals("Word")
