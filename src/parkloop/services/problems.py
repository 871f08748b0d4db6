"""Problems found in what users hand in, located as they see them (sheet, rows, column,
value), each with its fix; one problem repeated on many rows is said once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, overload

from parkloop.errors import (
    Message,
    Translate,
    UserError,
    as_json,
    as_message,
    from_json,
    msg,
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as the user sees it. What is wrong and the
    fix are messages (templates with named fields: the staff's own text and the column's
    label are fields, kept as typed), said in the reader's language at the edge;
    ``str()`` is the English."""

    sheet: str
    row: int | None
    column: str | None
    value: str
    message: Message
    fix: Message
    rows: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.message, Message):
            object.__setattr__(self, "message", as_message(self.message))
        if not isinstance(self.fix, Message):
            object.__setattr__(self, "fix", as_message(self.fix))

    def said(self) -> Message:
        """The whole problem, where and what, as one message."""
        where = [msg("sheet '{sheet}'", sheet=self.sheet)]
        if len(self.rows) > 1:
            where.append(
                msg("rows {rows} ({count} rows)", rows=row_list(self.rows), count=len(self.rows))
            )
        elif self.row is not None:
            where.append(msg("row {row}", row=str(self.row)))
        if self.column:
            where.append(msg("column '{column}'", column=self.column))
        shown = (
            msg("value '{value}'", value=_short(self.value))
            if self.value != ""
            else msg("value (blank)")
        )
        return msg(
            "{where}, {value}: {message}; fix: {fix}",
            where=where,
            value=shown,
            message=self.message,
            fix=self.fix,
        )

    def __str__(self) -> str:
        return self.said().render()

    def as_dict(self, lang: str = "en", translate: Translate | None = None) -> dict[str, object]:
        """The problem as the web page's table and the API's problem document show it, in
        ``lang`` through ``translate`` (the catalogs' ``gettext``)."""
        said = (
            (self.message.render(lang, translate), self.fix.render(lang, translate))
            if translate is not None
            else (self.message.render(), self.fix.render())
        )
        return {
            "sheet": self.sheet,
            "row": self.row,
            "rows": list(self.rows) or ([self.row] if self.row is not None else []),
            "column": self.column,
            "value": self.value,
            "message": said[0],
            "fix": said[1],
        }

    def kept(self) -> dict[str, Any]:
        """The problem as a job keeps it: the English, and the messages to say it later in
        the reader's language (:func:`said_row`)."""
        return {
            **self.as_dict(),
            "rows": list(self.rows),
            "said": {"message": as_json(self.message), "fix": as_json(self.fix)},
        }


def said_row(row: dict[str, Any], lang: str, translate: Translate) -> dict[str, Any]:
    """A problem a job kept (:meth:`Problem.kept`), its message and fix said in ``lang``;
    a row kept before problems were messages stays as it is."""

    kept = row.get("said")
    if not isinstance(kept, dict):
        return row
    return {
        **{k: v for k, v in row.items() if k != "said"},
        "message": from_json(kept.get("message")).render(lang, translate),
        "fix": from_json(kept.get("fix")).render(lang, translate),
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
    groups: dict[tuple[Any, ...], list[Problem]] = {}
    for p in problems:
        key = (p.sheet, p.column, p.value, _same(p.message), _same(p.fix))
        groups.setdefault(key, []).append(p)
    out = []
    for members in groups.values():
        rows = tuple(sorted({r for p in members for r in _rows_of(p)}))
        first = members[0]
        if len(rows) <= 1:
            out.append(first)
            continue
        out.append(
            Problem(first.sheet, rows[0], first.column, first.value, first.message, first.fix, rows)
        )
    return out


def _same(said: Message) -> Any:
    """What two messages share when they say the same: their template and fields, or
    their English where a field is not a plain value."""
    key = (said.template, *said.fields.items())
    try:
        hash(key)
    except TypeError:
        return said.render()
    return key


class _Said(Sequence[Message]):
    """The problems, each said whole (:meth:`Problem.said`) when it is asked for: an
    import's can be many, and most are never shown."""

    def __init__(self, problems: list[Problem]) -> None:
        self._problems = problems

    def __len__(self) -> int:
        return len(self._problems)

    @overload
    def __getitem__(self, index: int) -> Message: ...

    @overload
    def __getitem__(self, index: slice) -> list[Message]: ...

    def __getitem__(self, index: int | slice) -> Message | list[Message]:
        if isinstance(index, slice):
            return [p.said() for p in self._problems[index]]
        return self._problems[index].said()


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
        super().__init__(said)
        self.said_details = _Said(problems)
