"""No private record shows through any figure (docs/confidentiality.md).

Two databases hold the same park; the second also holds an enterprise's private records
with marker values (777,777 t of fly ash at 4,321 VND/t, 333,333 t of iron ore, an offer
of 555,555 t of slag). Every command that reads is run as every kind of viewer who may
not see those records: its output must hold no marker, and must be the same in both
databases, so no total, leftover, rank or count moves with them. Every command of the
command line must declare what it may do (``parkloop.cli.access``).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import typer
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from parkloop.cli import app
from parkloop.cli.access import ACCESS, READ, commands
from parkloop.errors import UserError
from parkloop.services.importing import import_path
from parkloop.store import db

runner = CliRunner()
P = "kcn-l"
MARKERS = (
    "777777",
    "777,777",
    "777.777",
    "4321",
    "4,321",
    "4.321",
    "333333",
    "333,333",
    "333.333",
    "555555",
    "555,555",
    "555.555",
    "MARKER-7c1",
)

BASE = {
    "parks": [
        ["code", "name_vi", "province", "lat", "lon"],
        [P, "KCN L", "Hải Phòng", "20.93", "106.62"],
        ["kcn-m", "KCN M", "Hải Phòng", "20.80", "106.50"],
    ],
    "enterprises": [
        ["park", "code", "name_vi", "vsic", "lat", "lon", "recp_status"],
        [P, "thep", "Thép", "24", "20.931", "106.621", "applying"],
        [P, "xi-mang", "Xi măng", "23", "20.935", "106.625", "aware"],
        [P, "nhiet-dien", "Nhiệt điện", "35", "20.925", "106.615", "applying"],
        [P, "nhua", "Nhựa", "22", "20.928", "106.63", "aware"],
        [P, "giay", "Giấy", "17", "20.94", "106.61", "unaware"],
        [P, "bia", "Bia", "11", "20.92", "106.6", "applying"],
        ["kcn-m", "khac", "Khác", "25", "20.8", "106.5", "aware"],
    ],
    "flows": [
        [
            "park",
            "enterprise",
            "period",
            "direction",
            "material",
            "quantity",
            "unit",
            "destination",
            "confidentiality",
        ],
        [P, "thep", "2024", "out", "steel-slag", "50000", "t", "landfill", "park"],
        [P, "thep", "2024", "out", "mill-scale", "3000", "t", "sold", "park"],
        [P, "thep", "2024", "in", "steel-scrap", "200000", "t", "", "park"],
        [P, "thep", "2024", "in", "electricity", "80000", "MWh", "", "park"],
        [P, "xi-mang", "2024", "in", "natural-gypsum", "20000", "t", "", "park"],
        [P, "xi-mang", "2024", "in", "cement-clinker", "100000", "t", "", "park"],
        [P, "xi-mang", "2024", "in", "coal", "50000", "t", "", "public"],
        [P, "nhiet-dien", "2024", "out", "fly-ash", "60000", "t", "landfill", "public"],
        [P, "nhiet-dien", "2024", "out", "fgd-gypsum", "15000", "t", "landfill", "park"],
        [P, "nhiet-dien", "2024", "out", "steam", "20000", "t_steam", "discharged", "park"],
        [P, "nhiet-dien", "2024", "in", "coal", "300000", "t", "", "park"],
        [P, "nhua", "2024", "out", "plastic-scrap", "2000", "t", "sold_low", "park"],
        [P, "nhua", "2024", "in", "virgin-plastic-resin", "10000", "t", "", "park"],
        [P, "giay", "2024", "in", "paper-scrap", "30000", "t", "", "park"],
        [P, "giay", "2024", "in", "steam", "15000", "t_steam", "", "park"],
        [P, "giay", "2024", "out", "industrial-sludge", "4000", "t", "landfill", "park"],
        [P, "bia", "2024", "out", "brewers-spent-grain", "8000", "t", "landfill", "park"],
        ["kcn-m", "khac", "2024", "in", "natural-sand", "5000", "t", "", "public"],
    ],
    "exchanges": [
        [
            "park",
            "key",
            "supplier",
            "receiver",
            "material",
            "quantity",
            "unit",
            "distance_km",
            "status",
        ],
        [P, "ex-1", "nhiet-dien", "xi-mang", "fly-ash", "30000", "t", "1.2", "running"],
        [P, "ex-2", "thep", "xi-mang", "steel-slag", "20000", "t", "0.8", "running"],
    ],
    "recp_measures": [
        ["park", "enterprise", "year", "title", "electricity_saved_mwh", "cost_saved_vnd"],
        [P, "thep", "2024", "Biến tần", "5000", "9000000000"],
        [P, "xi-mang", "2024", "Thu hồi nhiệt", "3000", "5000000000"],
        [P, "nhiet-dien", "2024", "Chiếu sáng LED", "1000", "2000000000"],
    ],
}
PRIVATE = {
    "flows": [
        [
            "park",
            "enterprise",
            "period",
            "direction",
            "material",
            "quantity",
            "unit",
            "price_vnd_per_unit",
            "destination",
            "confidentiality",
            "description",
        ],
        [
            P,
            "thep",
            "2024",
            "out",
            "fly-ash",
            "777777",
            "t",
            "4321",
            "landfill",
            "private",
            "MARKER-7c1",
        ],
        [P, "thep", "2024", "in", "iron-ore", "333333", "t", "", "", "private", ""],
    ],
    "listings": [
        ["park", "enterprise", "kind", "material", "quantity", "unit", "confidentiality"],
        [P, "thep", "offer", "steel-slag", "555555", "t", "private"],
    ],
}
# Viewers who may not see thep's private records.
OUTSIDERS = (
    "enterprise:kcn-l:xi-mang",
    "operator:kcn-m",
    "authority",
    "facilitator:kcn-l,kcn-m",
    "public",
)
COMMANDS: list[tuple[str, ...]] = [
    ("db", "status"),
    ("monitoring", "stations", "list", "--park", P, "--json"),
    ("monitoring", "check", "--park", P, "--from", "2025-01-01", "--to", "2025-01-02", "--json"),
    ("monitoring", "status", "--park", P, "--at", "2025-01-02", "--json"),
    ("alerts", "rules", "--park", P, "--json"),
    ("alerts", "sent", "--park", P, "--json"),
    ("io-records", "list", "--park", P, "--json"),
    ("io-records", "completeness", "--park", P, "--year", "2025", "--json"),
    ("parks", "list", "--json"),
    ("enterprises", "list", "--park", P, "--json"),
    ("flows", "list", "--park", P, "--json"),
    ("listings", "list", "--park", P, "--json"),
    ("exchanges", "list", "--park", P, "--json"),
    ("materials", "review", "--park", P, "--json"),
    ("match", "--park", P, "--no-save", "--json"),
    ("matches", "list", "--park", P, "--json"),
    ("account", "--park", P, "--json"),
    ("account", "recp", "--park", P, "--json"),
    (
        "account",
        "transport",
        "--rate-vnd-per-tkm",
        "2353",
        "--tonnes-per-trip",
        "34",
        "--trips-per-day",
        "47",
        "--km",
        "31",
        "--json",
    ),
    ("optimize", "--park", P, "--no-save", "--json"),
    ("optimize", "pareto", "--park", P, "--points", "5", "--json"),
    ("resilience", "--park", P, "--json"),
    ("shares", "--exchange", "1", "--json"),
    ("shares", "--enterprises", "nhiet-dien,xi-mang", "--park", P, "--json"),
    ("assess", "--park", P, "--ruleset", "decree-82-2018", "--no-save", "--json"),
    ("rulesets", "list", "--json"),
    ("rulesets", "show", "decree-82-2018", "--json"),
    ("examples", "list", "--json"),
    ("users", "list", "--json"),
    ("demo", "--park", P, "--json"),
    ("evidence", "list", "--park", P, "--json"),
    (
        "dossier",
        "--park",
        P,
        "--ruleset",
        "decree-35-2022",
        "--format",
        "html",
        "-o",
        "{out}/d.html",
    ),
    ("dossier", "--park", P, "--ruleset", "decree-35-2022", "--format", "md", "-o", "{out}/d.md"),
    ("report", "annual", "--park", P, "--format", "xlsx", "-o", "{out}/a.xlsx"),
    ("report", "public", "--park", P, "--format", "xlsx", "-o", "{out}/p.xlsx"),
    ("report", "recp", "--park", P, "--format", "html", "-o", "{out}/r.html"),
    ("report", "enterprise", "--park", P, "--enterprise", "xi-mang", "-o", "{out}/e.html"),
    ("report", "export", "accounting", "--park", P, "-o", "{out}/x.xlsx"),
    ("export", "--format", "json", "-o", "{out}/x.json"),
    ("export", "--format", "csv", "-o", "{out}/csv"),
    ("export", "--format", "xlsx", "-o", "{out}/x.xlsx"),
    ("template", "-o", "{out}/t.xlsx"),
]
VOLATILE_KEYS = frozenset(
    {"seconds", "exported_at", "created_at", "assessed_at", "at", "decided_at", "generated_at"}
)
VOLATILE = re.compile(
    r'"(seconds|exported_at|created_at|assessed_at|at|decided_at|generated_at)": [^,}\]]+'
)
DATES = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?[^\"<\s]*)?|\d{2}/\d{2}/\d{4}")


def write(directory: Path, sheets: dict[str, list[list[str]]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    return directory


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Two SQLite databases: the park, and the park with the private records."""
    root = tmp_path_factory.mktemp("leaks")
    out = {}
    for name, extra in (("without", None), ("with", PRIVATE)):
        path = root / f"{name}.db"
        engine = db.make_engine(f"sqlite:///{path}")
        db.upgrade(engine)
        import_path(engine, write(root / "base", BASE))
        if extra is not None:
            import_path(engine, write(root / "private", extra))
        engine.dispose()
        out[name] = f"sqlite:///{path}"
    return out


def run(url: str, viewer: str, args: tuple[str, ...], out: Path) -> str:
    """The command's output as ``viewer``, with any file it wrote, minus what changes from
    run to run (timings, timestamps)."""
    out.mkdir(parents=True, exist_ok=True)
    argv = ["--db", url, "--as", viewer, *[a.replace("{out}", str(out)) for a in args]]
    result = runner.invoke(app, argv)
    if result.exception is not None and not isinstance(result.exception, (UserError, SystemExit)):
        raise result.exception
    said = f"error: {result.exception}" if isinstance(result.exception, UserError) else ""
    text = f"exit {result.exit_code}\n{said}\n{scrub(result.stdout)}"
    for path in sorted(out.rglob("*")):
        if path.is_file():
            text += f"\n== {path.name}\n" + read_back(path)
    shutil.rmtree(out)
    text = text.replace(url, "DB").replace(str(out), "OUT")
    return DATES.sub("DATE", VOLATILE.sub(r'"\1": X', text))


def scrub(text: str) -> str:
    """JSON output without the figures that change from run to run."""
    try:
        document = json.loads(text)
    except ValueError:
        return text

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in VOLATILE_KEYS}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(document), ensure_ascii=False, indent=1, sort_keys=True)


def read_back(path: Path) -> str:
    if path.suffix == ".xlsx":
        wb = CalamineWorkbook.from_path(str(path))
        return "\n".join(
            repr(row) for name in wb.sheet_names for row in wb.get_sheet_by_name(name).to_python()
        )
    return path.read_text(encoding="utf-8-sig")


def test_every_command_declares_what_it_may_do() -> None:
    found = {name for name, _ in commands(typer.main.get_command(app))}
    assert found - set(ACCESS) == set(), "declare these in parkloop.cli.access.ACCESS"
    assert set(ACCESS) - found == set(), "ACCESS names commands that do not exist"
    reads = {" ".join(a for a in c if not a.startswith("-") and "{" not in a) for c in COMMANDS}
    for name, access in ACCESS.items():
        if access == READ or name in ("match", "optimize", "assess"):
            assert any(r.startswith(name) for r in reads), f"{name} is not run by the leak test"


@pytest.mark.parametrize("viewer", OUTSIDERS)
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_private_records_never_show_through(
    databases: dict[str, str], tmp_path: Path, viewer: str, args: tuple[str, ...]
) -> None:
    seen = run(databases["with"], viewer, args, tmp_path / "a")
    for marker in MARKERS:
        assert marker not in seen, (marker, seen[:2000])
    unseen = run(databases["without"], viewer, args, tmp_path / "b")
    assert seen == unseen


def test_the_owner_and_its_operator_do_see_them(databases: dict[str, str], tmp_path: Path) -> None:
    for viewer in ("enterprise:kcn-l:thep", "operator:kcn-l", "admin"):
        seen = run(databases["with"], viewer, ("flows", "list", "--park", P, "--json"), tmp_path)
        assert "777777" in seen and "MARKER-7c1" in seen


@pytest.fixture
def fresh(databases: dict[str, str], tmp_path: Path) -> str:
    """A copy of the database with the private records, to change."""
    source = Path(databases["with"].removeprefix("sqlite:///"))
    copy = tmp_path / "copy.db"
    shutil.copy(source, copy)
    return f"sqlite:///{copy}"


def test_writes_by_others_are_refused_and_change_nothing(fresh: str, tmp_path: Path) -> None:
    url = fresh
    engine = sa.create_engine(url)

    def count() -> tuple[Any, ...]:
        with engine.connect() as conn:
            return tuple(
                conn.execute(sa.text(f"select count(*) from {t}")).scalar()
                for t in ("flows", "matches", "exchanges", "change_log", "optimisation_runs")
            )

    before = count()
    edits = write(
        tmp_path / "edit",
        {
            "flows": [
                [
                    "park",
                    "enterprise",
                    "period",
                    "direction",
                    "material",
                    "quantity",
                    "unit",
                    "confidentiality",
                    "key",
                ],
                [P, "thep", "2024", "out", "fly-ash", "1", "t", "public", "thep:2024:out:fly-ash"],
            ]
        },
    )
    for viewer in ("enterprise:kcn-l:xi-mang", "authority", "public", "operator:kcn-m"):
        for args in (
            ("import", str(edits)),
            ("match", "--park", P),
            ("optimize", "--park", P),
            ("assess", "--park", P, "--ruleset", "decree-82-2018", "--save"),
            ("flows", "delete", "1"),
            ("exchanges", "set-status", "1", "stopped"),
            ("examples", "load", "nam-cau-kien"),
        ):
            if viewer.endswith(":xi-mang") and args[0] == "exchanges":
                continue  # xi-mang receives exchange 1: a party may change it (below)
            result = runner.invoke(app, ["--db", url, "--as", viewer, *args])
            assert result.exit_code == 1, (viewer, args, result.output)
    assert count() == before
    # A party of an exchange may change it; a firm that is not a party may not.
    result = runner.invoke(
        app,
        ["--db", url, "--as", "enterprise:kcn-l:nhua", "exchanges", "set-status", "1", "stopped"],
    )
    assert result.exit_code == 1, result.output
    result = runner.invoke(
        app,
        [
            "--db",
            url,
            "--as",
            "enterprise:kcn-l:xi-mang",
            "exchanges",
            "set-status",
            "1",
            "stopped",
        ],
    )
    assert result.exit_code == 0, result.output
    # The operator's own run is a write it may make, logged under its name.
    result = runner.invoke(app, ["--db", url, "--as", "operator:kcn-l", "match", "--park", P])
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        actor = conn.execute(
            sa.text("select actor from change_log where action = 'match' order by id desc")
        ).scalar()
    assert actor == "operator:kcn-l"
    engine.dispose()


def test_a_match_on_private_records_is_shown_to_the_other_side_only_once_accepted(
    fresh: str,
) -> None:
    url = fresh
    assert (
        runner.invoke(app, ["--db", url, "--as", "operator:kcn-l", "match", "--park", P]).exit_code
        == 0
    )

    def listed(viewer: str) -> list[dict[str, Any]]:
        result = runner.invoke(
            app, ["--db", url, "--as", viewer, "matches", "list", "--park", P, "--json"]
        )
        return list(json.loads(result.stdout))

    operator = listed("operator:kcn-l")
    private = [
        m for m in operator if m["supplier"]["code"] == "thep" and m["material"] == "fly-ash"
    ]
    assert private, "the broker finds pairs for private records"
    target = private[0]
    receiver = target["receiver"]["code"]
    other = listed(f"enterprise:kcn-l:{receiver}")
    assert target["id"] not in {m["id"] for m in other}
    # The owner accepts: the other side now sees the exchange proposal, without its figures.
    accepted = runner.invoke(
        app, ["--db", url, "--as", "enterprise:kcn-l:thep", "matches", "accept", str(target["id"])]
    )
    assert accepted.exit_code == 0, accepted.output
    shown = {m["id"]: m for m in listed(f"enterprise:kcn-l:{receiver}")}
    assert target["id"] in shown and shown[target["id"]]["quantity"] is None
    assert all(marker not in json.dumps(shown) for marker in MARKERS)
