"""Example datasets shipped with parkloop, each a directory in the import layout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from parkloop.domain.permissions import Viewer
from parkloop.errors import UserError


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    title: str
    description: str

    @property
    def path(self) -> Path:
        return Path(str(resources.files("parkloop.examples") / self.name))

    @property
    def notes(self) -> str:
        notes = self.path / "NOTES.md"
        return notes.read_text(encoding="utf-8") if notes.exists() else ""


EXAMPLES: dict[str, Example] = {
    e.name: e
    for e in (
        Example(
            "nam-cau-kien",
            "Nam Cầu Kiền, Hải Phòng",
            "Steel, metallurgical by-products, plastics recycling, 2,000 m³/day WWTP, "
            "rooftop solar; built from the Nam Cầu Kiền study.",
        ),
        Example(
            "kalundborg",
            "Kalundborg Symbiosis, Denmark",
            "Power station, refinery, pharmaceuticals, gypsum board, biogas; built from "
            "public figures.",
        ),
    )
}


def example(name: str) -> Example:
    try:
        return EXAMPLES[name]
    except KeyError:
        raise UserError(
            f"no example '{name}'; choose one of: {', '.join(sorted(EXAMPLES))}"
        ) from None


def load_example(
    engine: Engine,
    name: str,
    progress: Callable[[str, int, int], None] | None = None,
    viewer: Viewer | None = None,
) -> dict[str, object]:
    """Load an example through the importer (and its evidence, when it has some); only
    the administrator may."""
    from parkloop.services.confidentiality import require_admin

    require_admin(viewer, "load an example")
    from parkloop.services.importing import import_path

    chosen = example(name)
    report = import_path(engine, chosen.path, progress=progress, actor=f"example:{name}")
    evidence_file = chosen.path / "evidence.csv"
    evidence_rows = 0
    if evidence_file.exists():
        from parkloop.services.evidence import load_evidence_csv

        evidence_rows = load_evidence_csv(engine, evidence_file)
    return {"example": name, "import": report, "evidence": evidence_rows}
