"""Problems found in what users hand in, located as they see them (sheet, rows, column,
value), each with its fix; one problem repeated on many rows is said once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from parkloop.errors import UserError, msg


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as the user sees it."""

    sheet: str
    row: int | None
    column: str | None
    value: str
    message: str
    fix: str
    rows: tuple[int, ...] = ()

    def __str__(self) -> str:
        where = [f"sheet '{self.sheet}'"]
        if len(self.rows) > 1:
            where.append(f"rows {row_list(self.rows)} ({len(self.rows):,} rows)")
        elif self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        shown = f"value '{_short(self.value)}'" if self.value != "" else "value (blank)"
        return f"{', '.join(where)}, {shown}: {self.message}; fix: {self.fix}"

    def as_dict(self) -> dict[str, object]:
        """The problem as the web page's table and the API's problem document show it."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "rows": list(self.rows) or ([self.row] if self.row is not None else []),
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "fix": self.fix,
        }


def row_list(rows: Iterable[int], limit: int = 12) -> str:
    """Row numbers as ranges: '3-8, 12, 15-20'."""
    ordered = sorted(set(rows))
    spans: list[tuple[int, int]] = []
    for r in ordered:
        if spans and r == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], r)
        else:
            spans.append((r, r))
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in spans[:limit]]
    return ", ".join(parts) + (", …" if len(spans) > limit else "")


def grouped(problems: list[Problem]) -> list[Problem]:
    """One problem repeated on many rows (same sheet, column, value, message and fix) is
    reported once with the list of rows."""
    groups: dict[tuple[str, str | None, str, str, str], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.sheet, p.column, p.value, p.message, p.fix), []).append(p)
    out = []
    for (sheet, column, value, message, fix), members in groups.items():
        rows = tuple(sorted({r for p in members for r in _rows_of(p)}))
        if len(rows) <= 1:
            out.append(members[0])
            continue
        out.append(Problem(sheet, rows[0], column, value, message, fix, rows))
    return out


def _rows_of(problem: Problem) -> tuple[int, ...]:
    return problem.rows or ((problem.row,) if problem.row is not None else ())


def _short(text: str, limit: int = 80) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ImportProblems(UserError):
    """The input has problems; nothing was written. ``problems`` lists each one."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        problems = grouped(problems)
        self.problems = problems
        count = len(problems)
        said = (
            msg("{source}: 1 problem found; nothing was written", source=source)
            if count == 1
            else msg(
                "{source}: {count} problems found; nothing was written", source=source, count=count
            )
        )
        super().__init__(said, [str(p) for p in problems])
