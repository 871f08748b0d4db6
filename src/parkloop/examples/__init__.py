"""Example datasets shipped with parkloop, each a directory in the import layout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from parkloop.domain.permissions import Viewer
from parkloop.errors import UserError, msg


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
        Example(
            "hoa-khanh",
            "Hòa Khánh, Đà Nẵng",
            "Brewery biogas and steam loop, spent grain and yeast to feed, seafood, textiles, "
            "paper, steel, plastics, central WWTP; a pilot park of the MPI-UNIDO eco-industrial "
            "park project.",
        ),
        Example(
            "hiep-phuoc",
            "Hiệp Phước, Thành phố Hồ Chí Minh",
            "Paper recycling, waste heat from oil refining to flour drying, foundry sand to "
            "unfired bricks, scrap-metal and plastics recycling, steel, chemicals, port, central "
            "WWTP with water reuse; a park of the UNIDO GEIPP programme.",
        ),
        Example(
            "kwinana",
            "Kwinana Industrial Area, Western Australia",
            "Recycled water from the Kwinana Water Reclamation Plant, ammonia-plant CO2, "
            "chlor-alkali, lime and gypsum loops around an alumina refinery; built from public "
            "sources.",
        ),
        Example(
            "ulsan",
            "Ulsan Mipo and Onsan, Korea",
            "Steam network of incinerators, smelters and a chemical plant, biogas from sewage "
            "and food waste, CO2 to a paper mill; the Ulsan EIP programme, from public sources.",
        ),
    )
}


def example(name: str) -> Example:
    try:
        return EXAMPLES[name]
    except KeyError:
        raise UserError(
            msg("no example '{name}'; choose one of: {items}", name=name, items=sorted(EXAMPLES))
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

    require_admin(viewer, msg("load an example"))
    from parkloop.services.importing import import_path

    chosen = example(name)
    report = import_path(engine, chosen.path, progress=progress, actor=f"example:{name}")
    evidence_file = chosen.path / "evidence.csv"
    evidence_rows = 0
    if evidence_file.exists():
        from parkloop.services.evidence import load_evidence_csv

        evidence_rows = load_evidence_csv(engine, evidence_file)
    return {"example": name, "import": report, "evidence": evidence_rows}


def load_monitoring(engine: Engine, name: str, viewer: Viewer | None = None) -> dict[str, object]:
    """Register an example's monitoring stations and its park's intake limits, and store its
    month of synthetic readings (``monitoring/`` beside the workbook: stations.csv,
    intake_limits.yaml, generator.yaml with a fixed seed); only the administrator may.
    Loading it again stores nothing new."""
    from parkloop.monitoring.generator import EXAMPLE_DIR, example_month
    from parkloop.services import monitoring
    from parkloop.services.confidentiality import require_admin

    require_admin(viewer, msg("load an example"))
    assert viewer is not None
    folder = example(name).path / EXAMPLE_DIR
    if not (folder / "stations.csv").exists():
        raise UserError(msg("example {name} has no monitoring data", name=name))
    stations, synthetic = example_month(name)
    (park,) = {s.park_code for s in stations}  # an example is one park
    registered = monitoring.import_stations(engine, viewer, park, folder / "stations.csv")
    if (folder / "intake_limits.yaml").exists():
        monitoring.set_intake_limits(engine, viewer, park, folder / "intake_limits.yaml")
    table = synthetic.table()
    appended = monitoring.readings(engine).append(table)
    return {
        "example": name,
        "stations": len(registered),
        "readings": table.num_rows,
        "written": appended.written,
    }
