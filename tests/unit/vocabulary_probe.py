"""The probes of tests/data/vocabulary: texts as park officers type them, each read with
the firm's sector as the importer reads it."""

from __future__ import annotations

import csv
from pathlib import Path

from parkloop.catalog import catalog
from parkloop.catalog.sectors import recognise_sector

DATA = Path(__file__).resolve().parents[1] / "data" / "vocabulary"


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def threshold() -> float:
    return catalog().parameter("material_confidence_threshold")


def division(sector_text: str) -> str | None:
    """The division the importer records for a typed sector (None when doubtful)."""
    found = recognise_sector(sector_text)
    sure = found is not None and found.confidence >= threshold()
    return found.code[:2] if sure and found is not None else None
