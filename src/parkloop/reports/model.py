"""One model for every document parkloop writes: a document is a list of sections of
paragraphs, tables with typed cells, figures and notes; the renderers (HTML, PDF, XLSX)
only lay it out. Numbers stay numbers in the model (a workbook keeps them as numbers);
they are written for a reader only by ``parkloop.formats`` when a renderer shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from parkloop import formats

CellKind = Literal["number", "money", "percent", "date", "text"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One value of a table. ``percent`` holds percentage points (51 means 51 %);
    ``money`` is in VND."""

    kind: CellKind
    value: float | int | str | dt.date | None
    digits: int = 0
    bold: bool = False

    def text(self, lang: str) -> str:
        """The value as a reader of ``lang`` reads it."""
        v = self.value
        if v is None:
            return formats.MISSING
        if self.kind == "text":
            return str(v)
        if self.kind == "date":
            return formats.date(v if isinstance(v, dt.date) else None, lang)
        if isinstance(v, (str, dt.date)):
            return str(v)
        if self.kind == "percent":
            return formats.percent(float(v) / 100, lang, self.digits)
        return formats.number(v, lang, self.digits)

    @property
    def numeric(self) -> bool:
        return self.kind in ("number", "money", "percent")


def num(value: float | int | None, digits: int = 0) -> Cell:
    return Cell("number", value, digits)


def money(value: float | int | None) -> Cell:
    return Cell("money", value, 0)


def pct(value: float | int | None, digits: int = 0) -> Cell:
    return Cell("percent", value, digits)


def text(value: object) -> Cell:
    return Cell("text", "" if value is None else str(value))


def day(value: dt.date | None) -> Cell:
    return Cell("date", value)


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    kind: CellKind = "text"
    unit: str = ""
    width: int = 0  # a hint for workbooks, in characters (0: as wide as the values)


@dataclass(slots=True)
class Table:
    """A table: its title names the sheet of a workbook; ``total`` is the last row."""

    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    total: list[Cell] | None = None
    note: str = ""
    sheet: str = ""  # the sheet name when the title is too long (31 characters at most)
    key: str = ""  # what the table holds, for programs and tests (never printed)

    def add(self, *cells: Cell) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(list(cells))

    def column_total(self, index: int) -> float:
        """The sum of the numbers of a column (what a workbook's total row checks)."""
        total = 0.0
        for r in self.rows:
            v = r[index].value
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                total += float(v)
        return total


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    style: Literal["body", "lead", "quote", "small", "warning", "heading"] = "body"


@dataclass(frozen=True, slots=True)
class Items:
    """A numbered or bulleted list."""

    items: tuple[str, ...]
    numbered: bool = False


@dataclass(slots=True)
class Figure:
    """A picture: an SVG drawn by ``parkloop.reports.pictures`` when the document is built
    (``draw`` is called then), with its caption and the method behind it."""

    title: str
    caption: str = ""
    svg: str = ""
    slot: str = ""  # which picture: sankey, network, map, trends

    @classmethod
    def drawn(cls, title: str, caption: str, slot: str, draw: Callable[[], str]) -> Figure:
        return cls(title=title, caption=caption, svg=draw(), slot=slot)


Block = Paragraph | Table | Figure | Items


@dataclass(slots=True)
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    page_break: bool = False
    number: str = ""

    def say(self, text: str, style: str = "body") -> None:
        self.blocks.append(Paragraph(text, style))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The head of a Vietnamese administrative document: the issuing organisation on the
    left, the national motto on the right, the number and the place and date lines."""

    organisation: str
    parent: str = ""
    number: str = ""
    place_date: str = ""
    addressee: tuple[str, ...] = ()
    kind: str = ""  # the kind of document, in capitals: ĐƠN ĐỀ NGHỊ, BÁO CÁO …
    subject: str = ""  # V/v …


@dataclass(frozen=True, slots=True)
class Signature:
    role: str  # the office that signs: GIÁM ĐỐC, TM. CÔNG TY …
    note: str = ""  # (Ký, ghi rõ họ tên và đóng dấu)
    name: str = ""
    recipients: tuple[str, ...] = ()  # Nơi nhận


@dataclass(frozen=True, slots=True)
class Note:
    """A note of the annex: what a kind of figure rests on, written for a reader."""

    label: str
    text: str


@dataclass(slots=True)
class Document:
    kind: str
    lang: str
    title: str
    subtitle: str = ""
    letterhead: Letterhead | None = None
    sections: list[Section] = field(default_factory=list)
    signature: Signature | None = None
    attachments: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # documents the figures come from
    warning: bool = False
    footer: str = ""
    created: dt.date = field(default_factory=dt.date.today)

    def section(self, title: str, page_break: bool = False) -> Section:
        s = Section(title=title, page_break=page_break, number=str(len(self.sections) + 1))
        self.sections.append(s)
        return s

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]

    def table(self, key: str) -> Table:
        for t in self.tables():
            if t.key == key:
                return t
        raise KeyError(key)

    def note(self, label: str, text: str) -> None:
        """Add a note to the annex once."""
        if all(n.label != label or n.text != text for n in self.notes):
            self.notes.append(Note(label, text))


def sheet_names(tables: Sequence[Table]) -> list[str]:
    """Unique sheet names of at most 31 characters, without the characters a workbook
    refuses."""
    seen: set[str] = set()
    out = []
    for t in tables:
        base = "".join(" " if ch in "[]:*?/\\" else ch for ch in (t.sheet or t.title)).strip()
        base = base[:31] or "Sheet"
        name, i = base, 2
        while name.casefold() in seen:
            suffix = f" ({i})"
            name, i = base[: 31 - len(suffix)] + suffix, i + 1
        seen.add(name.casefold())
        out.append(name)
    return out
