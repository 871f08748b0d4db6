"""Printing: rich tables for people, JSON for scripts, numbers in the reader's language."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich import box
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

from parkloop.formats import date as date  # every printed figure is formatted there
from parkloop.formats import moment as moment
from parkloop.formats import number as number
from parkloop.formats import percent as percent
from parkloop.jsonable import jsonable


def _width() -> int | None:
    """The width to print at: the terminal's; when printing to a file or a pipe, COLUMNS
    or 100 (rich would assume 80)."""
    if sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((PIPED_WIDTH, 24)).columns


PIPED_WIDTH = 100
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
    legend: Iterable[int] = (),
) -> None:
    """A table that reads at the console's width: text columns wrap between words, a
    number (or a code, a date) is never split across lines, numeric columns align right,
    a column with nothing in it is left out, and the long values of a ``legend`` column
    are shown as short keys explained under the table."""
    right = set(numeric)
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    shown = [i for i in range(len(columns)) if not cells or any(row[i] for row in cells)]
    keys: dict[str, str] = {}
    for i in set(legend) & set(shown):
        for row in cells:
            if row[i]:
                row[i] = keys.setdefault(row[i], f"[{len(keys) + 1}]")
    parts = _parts(columns, cells, shown)
    from parkloop.cli.speech import t

    for n, part in enumerate(parts, 1):
        head = title if n == 1 else f"{title} ({t('continued')})"
        note = caption if n == len(parts) else None
        console.print(
            _table(head, note, columns, cells, part, right, _widths(columns, cells, part))
        )
    for value, key in keys.items():
        console.print(f"{key} {value}", highlight=False, markup=False)


def _table(
    title: str,
    caption: str | None,
    columns: Sequence[str],
    cells: list[list[str]],
    shown: list[int],
    right: set[int],
    widths: dict[int, int] | None,
) -> Table:
    t = Table(
        title=title,
        caption=caption,
        title_justify="left",
        caption_justify="left",
        show_lines=False,
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for i in shown:
        t.add_column(
            columns[i],
            justify="right" if i in right else "left",
            overflow="fold",
            width=None if widths is None else widths[i],
        )
    for row in cells:
        t.add_row(*(row[i] for i in shown))
    return t


def _widths(
    columns: Sequence[str], cells: list[list[str]], shown: list[int]
) -> dict[int, int] | None:
    """Column widths that fit the console, or None when the table fits as it is: each
    column at least as wide as its longest number (or word with a digit) and, as far as
    the width allows, its longest word; what is left shared in proportion to what each
    column would need to show its cells on one line."""
    if not shown:
        return None
    need = {
        i: max(len(part) for c in (columns[i], *(row[i] for row in cells)) for part in [c, ""])
        for i in shown
    }
    gaps = 3 * len(shown) + 1  # padding and separators
    room = console.width - gaps
    if sum(need.values()) <= room:
        return None
    whole = {i: max((_unbreakable(row[i]) for row in cells), default=1) for i in shown}
    words = {
        i: max(
            (len(w) for c in (columns[i], *(row[i] for row in cells)) for w in c.split()), default=1
        )
        for i in shown
    }
    for longest in range(LONGEST_WORD, 0, -2):
        least = {i: max(whole[i], min(words[i], longest), 1) for i in shown}
        if sum(least.values()) <= room:
            break
    spare = room - sum(least.values())
    wants = {i: max(need[i] - least[i], 0) for i in shown}
    total = sum(wants.values()) or 1
    widths = {i: least[i] + spare * wants[i] // total for i in shown}
    return widths


def _parts(columns: Sequence[str], cells: list[list[str]], shown: list[int]) -> list[list[int]]:
    """The columns of a table too wide for the console even with its text wrapped, split
    into tables that fit, each led by the first column (what the row is): a number is never
    squeezed below its own width."""
    if len(shown) < 3:
        return [shown]

    def least(i: int) -> int:
        texts = (columns[i], *(row[i] for row in cells))
        word = max((len(w) for c in texts for w in c.split()), default=1)
        return max(max((_unbreakable(row[i]) for row in cells), default=1), min(word, 4), 1)

    first, *rest = shown
    parts: list[list[int]] = [[first]]
    for i in rest:
        part = parts[-1]
        if len(part) > 1 and sum(map(least, (*part, i))) + 3 * (len(part) + 1) + 1 > console.width:
            parts.append([first])
        parts[-1].append(i)
    return parts


# Words longer than this may be broken inside a narrow text column; shorter ones never are.
LONGEST_WORD = 12


def _unbreakable(cell: str) -> int:
    """The width of the longest piece of a cell that must stay on one line: a word with a
    digit in it (a number, with its sign or unit glued, a code, a date)."""
    return max((len(w) for w in cell.split() if any(c.isdigit() for c in w)), default=0)


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
