"""What an import did, or would do: counts per sheet, what it read from words, what it
filled in, and every value a re-import changed (old and new)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class SheetCount:
    created: int = 0
    updated: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated


@dataclass(frozen=True, slots=True)
class Change:
    """One stored value a re-import changes."""

    sheet: str
    key: str
    row: int
    column: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class Reading:
    """How a text was read on import: shown once per distinct text."""

    sheet: str
    column: str
    text: str
    code: str
    confidence: float
    basis: str
    rows: tuple[int, ...]
    suggestions: tuple[str, ...] = ()

    @property
    def doubtful(self) -> bool:
        return self.code in ("unclassified", "") or self.confidence < 0.8


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, for a dry run, would do), sheet by sheet."""

    source: str
    dry_run: bool
    sheets: dict[str, SheetCount] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    filled: Counter[str] = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(c.rows for c in self.sheets.values())

    @property
    def review(self) -> int:
        """Rows imported with a material left for a person to settle."""
        return sum(len(r.rows) for r in self.readings if r.code == "unclassified")

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "sheets": {
                k: {"created": c.created, "updated": c.updated} for k, c in self.sheets.items()
            },
            "rows": self.rows,
            "review": self.review,
            "filled": dict(self.filled),
            "readings": [
                {
                    "sheet": r.sheet,
                    "column": r.column,
                    "text": r.text,
                    "code": r.code,
                    "confidence": round(r.confidence, 3),
                    "basis": r.basis,
                    "rows": list(r.rows),
                    "suggestions": list(r.suggestions),
                }
                for r in self.readings
            ],
            "changes": [
                {
                    "sheet": c.sheet,
                    "key": c.key,
                    "row": c.row,
                    "column": c.column,
                    "old": c.old,
                    "new": c.new,
                }
                for c in self.changes
            ],
            "warnings": self.warnings,
            "ignored": self.ignored,
            "seconds": round(self.seconds, 3),
        }
