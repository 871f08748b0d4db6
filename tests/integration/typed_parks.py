"""Parks typed as staff type them (tests/data/staff_parks, tests/data/match_parks): each
module gives its sheets as the cells of an Excel file; these load one and write it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import openpyxl

DATA = Path(__file__).resolve().parents[1] / "data"


def park_module(folder: str, name: str) -> ModuleType:
    """The park module ``name`` of ``tests/data/<folder>``."""
    spec = importlib.util.spec_from_file_location(name, DATA / folder / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workbook(park: ModuleType, path: Path) -> Path:
    """The park's sheets written as an Excel workbook at ``path``."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for prefix in ("PARK", "ENTERPRISE", "FLOW"):
        ws = wb.create_sheet(getattr(park, f"{prefix}_SHEET_NAME"))
        ws.append(getattr(park, f"{prefix}_HEADERS"))
        for row in getattr(park, f"{prefix}_ROWS"):
            ws.append(row)
    wb.save(path)
    return path
