"""Printing: rich tables for people, JSON for scripts, numbers in the reader's language."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from parkloop.formats import number as number  # every printed number is formatted there
from parkloop.jsonable import jsonable


def _width() -> int | None:
    """Wide enough for tables when printing to a file or pipe (rich assumes 80)."""
    import os

    if sys.stdout.isatty():
        return None
    return int(os.environ.get("COLUMNS", "160"))


console = Console(soft_wrap=False, width=_width())
err_console = Console(stderr=True, soft_wrap=True)


def say(lang: str, en: str, vi: str) -> str:
    """The Vietnamese or English wording of a printed label."""
    return vi if lang == "vi" else en


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(data), ensure_ascii=False, indent=2) + "\n")


def table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    numeric: Iterable[int] = (),
    caption: str | None = None,
) -> None:
    right = set(numeric)
    t = Table(title=title, caption=caption, title_justify="left", show_lines=False)
    for i, name in enumerate(columns):
        t.add_column(name, justify="right" if i in right else "left", overflow="fold")
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row))
    console.print(t)


@contextmanager
def progress_bar() -> Iterator[tuple[Progress, Callable[[str, int, int], None]]]:
    """A progress bar on stderr and the ``progress(stage, done, total)`` callback services
    take: one line, the stage at work (a total of 0 means not known yet)."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            for task in tasks.values():
                bar.remove_task(task)
            tasks.clear()
            tasks[stage] = bar.add_task(stage, total=total or None)
        bar.update(tasks[stage], completed=done, total=max(total, done) or None)

    with bar:
        yield bar, progress
