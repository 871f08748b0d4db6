"""The documents of the Nam Cầu Kiền and Kalundborg examples in Vietnamese and English, in
every format: a PDF of a sane length whose text keeps its diacritics, shows names and
never an internal code, and carries its pictures; an HTML page; a workbook whose numbers
are numbers and whose totals are the totals ``account --json`` and ``assess --json`` give.

Each document is built once per park and language and rendered once per format (module
fixtures); the pages of every PDF are written as PNG into the test's directory
(``scripts/report-pages`` writes them to build/report-pages for a person to look at)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from parkloop.assessment import library
from parkloop.catalog import catalog
from parkloop.cli import app
from parkloop.domain.permissions import Viewer
from parkloop.examples import load_example
from parkloop.reports import documents, render
from parkloop.reports.model import Document, sheet_names
from parkloop.services import registry
from parkloop.store import db

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing"),
]

PARKS = {
    "nam-cau-kien": "Khu công nghiệp Nam Cầu Kiền",
    "kalundborg": "Cộng sinh công nghiệp Kalundborg",
}
LANGS = ("vi", "en")
KINDS = ("dossier", "annual", "public", "recp", "enterprise")
ENTERPRISE = {"nam-cau-kien": "viet-nhat-steel", "kalundborg": "novo-nordisk"}
STATUS_CODES = (
    "read_secondary",
    "recalled_unverified",
    "not_found",
    "partly_met",
    "no_data",
    "not_judged",
    "net-benefit",
    "nck_",
    "(read)",
    "[read]",
    "(seed)",
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    path = tmp_path_factory.mktemp("reports") / "reports.db"
    eng = db.make_engine(f"sqlite:///{path}")
    db.upgrade(eng)
    for park in PARKS:
        load_example(eng, park)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def built(engine: sa.Engine) -> dict[tuple[str, str, str], Document]:
    return {}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str, str], Path]:
    return {"dir": tmp_path_factory.mktemp("artefacts")}  # type: ignore[dict-item]


def _enterprise(engine: sa.Engine, park: str) -> str:
    wanted = ENTERPRISE[park]
    codes = [o.code for o in registry.organisations(engine, park) if o.kind.value == "enterprise"]
    return wanted if wanted in codes else codes[0]


def document(
    engine: sa.Engine, built: dict[Any, Document], kind: str, park: str, lang: str
) -> Document:
    key = (kind, park, lang)
    if key not in built:
        built[key] = documents.build(
            kind, engine, park, lang=lang, enterprise_code=_enterprise(engine, park)
        )
    return built[key]


def rendered(
    engine: sa.Engine,
    built: dict[Any, Document],
    files: dict[Any, Path],
    kind: str,
    park: str,
    lang: str,
    fmt: str,
) -> Path:
    key = (kind, park, lang, fmt)
    if key not in files:
        doc = document(engine, built, kind, park, lang)
        path = files["dir"] / f"{park}-{kind.replace(':', '-')}-{lang}.{fmt}"  # type: ignore[operator]
        path.write_bytes(render.render(doc, fmt))
        files[key] = path
    return files[key]


def forbidden(engine: sa.Engine, park: str) -> list[str]:
    """What must never reach a reader: status codes, indicator ids, organisation and
    material codes."""
    tokens = list(STATUS_CODES)
    tokens += [i for i in library().indicators if "_" in i]
    tokens += [
        o.code for o in registry.organisations(engine, park) if "-" in o.code and len(o.code) > 6
    ]
    used = {f.material_code for f in registry.flows(engine, park, Viewer.admin())}
    tokens += [m for m in used if "-" in m]
    # A name may hold a word that is also a code ("Lake Tissø surface-water intake").
    names = " ".join(
        f"{o.name_vi} {o.name_en}".casefold() for o in registry.organisations(engine, park)
    )
    return [t for t in tokens if t.casefold() not in names]


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert found
    return int(found.group(1))


def coloured_pages(path: Path, out: Path) -> list[float]:
    """Write the pages as PNG into ``out`` and return, per page, the share of its pixels
    in a strong colour (pictures; text and tables are black and pale grey-blue)."""
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(out / "page")], check=True)
    shares = []
    for png in sorted(out.glob("page-*.png")):
        img = Image.open(png).convert("HSV")
        pixels = list(
            img.get_flattened_data() if hasattr(img, "get_flattened_data") else img.getdata()
        )
        strong = sum(1 for _, s, v in pixels if s > 90 and v > 60)
        shares.append(strong / len(pixels))
    return shares


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("park", PARKS)
@pytest.mark.parametrize("kind", KINDS)
def test_pdf(
    engine: sa.Engine,
    built: dict[Any, Document],
    files: dict[Any, Path],
    kind: str,
    park: str,
    lang: str,
) -> None:
    doc = document(engine, built, kind, park, lang)
    path = rendered(engine, built, files, kind, park, lang, "pdf")
    pages = pdf_pages(path)
    assert 1 <= pages <= 60, pages
    text = pdf_text(path)
    flat = " ".join(text.split())
    if lang == "vi":
        assert PARKS[park] in flat
    if doc.letterhead is not None:
        assert (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Độc lập - Tự do - Hạnh phúc" in flat
        )
    words = set(re.findall(r"[\w()\[\]-]+", flat))
    for token in forbidden(engine, park):
        assert token not in words and f" {token} " not in f" {flat} ", (token, kind, park, lang)
    assert not re.search(r"\bE\d{4,}\b", flat)
    for t in doc.tables():
        assert " ".join(t.title.split()) in flat
    # Every picture is drawn (vector SVG, no placeholder) and shows on a page in colour.
    pictures = doc.figures()
    assert all(f.svg.startswith("<svg") for f in pictures), [f.slot for f in pictures if not f.svg]
    shares = coloured_pages(path, path.parent / path.stem)
    if pictures:
        assert sum(1 for s in shares if s > 0.004) >= 1, shares


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("park", PARKS)
@pytest.mark.parametrize("kind", KINDS)
def test_html(
    engine: sa.Engine,
    built: dict[Any, Document],
    files: dict[Any, Path],
    kind: str,
    park: str,
    lang: str,
) -> None:
    doc = document(engine, built, kind, park, lang)
    html = rendered(engine, built, files, kind, park, lang, "html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and f'lang="{lang}"' in html
    assert html.count("<svg") >= len(doc.figures())
    assert "file://" not in html  # a page opened elsewhere asks for nothing on this disk


def _cli_json(engine: sa.Engine, *args: str) -> Any:
    result = CliRunner().invoke(app, ["--db", str(engine.url), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _sheet(book: Any, doc: Document, key: str) -> Any:
    tables = doc.tables()
    names = sheet_names(tables)
    return book[names[[t.key for t in tables].index(key)]]


def _column(sheet: Any, header: str) -> tuple[int, list[Any]]:
    heads = [c.value for c in sheet[3]]
    j = next(i for i, h in enumerate(heads) if h and str(h).startswith(header))
    return j, [row[j].value for row in sheet.iter_rows(min_row=4)]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("park", PARKS)
def test_annual_workbook_totals_are_the_accounts(
    engine: sa.Engine, built: dict[Any, Document], files: dict[Any, Path], park: str, lang: str
) -> None:
    doc = document(engine, built, "annual", park, lang)
    book = openpyxl.load_workbook(
        rendered(engine, built, files, "annual", park, lang, "xlsx"), data_only=True
    )
    totals = _cli_json(engine, "account", "--park", park)["totals"]
    sheet = _sheet(book, doc, "benefits")
    values = [row[1].value for row in sheet.iter_rows(min_row=4, max_row=9)]
    assert all(isinstance(v, (int, float)) for v in values)
    expected = [
        totals[k]
        for k in (
            "exchanges",
            "money_vnd_per_year",
            "co2e_t_per_year",
            "water_m3_per_year",
            "energy_mwh_per_year",
            "materials_t_per_year",
        )
    ]
    assert values == pytest.approx(expected, rel=1e-9)
    if totals["exchanges"]:
        exchanges = _sheet(book, doc, "exchanges")
        last = list(exchanges.iter_rows(min_row=4))[-1]
        money = [c.value for c in last if isinstance(c.value, float)]
        assert money[0] == pytest.approx(totals["money_vnd_per_year"], rel=1e-9)
        assert money[0] == pytest.approx(
            sum(r[5].value for r in list(exchanges.iter_rows(min_row=4))[:-1]), rel=1e-9
        )
    assert book.sheetnames[0] == ("Giới thiệu" if lang == "vi" else "About")


@pytest.mark.parametrize("park", PARKS)
def test_assessment_workbook_is_the_assessment(
    engine: sa.Engine, built: dict[Any, Document], files: dict[Any, Path], park: str
) -> None:
    doc = document(engine, built, "export:assessment", park, "vi")
    book = openpyxl.load_workbook(
        rendered(engine, built, files, "export:assessment", park, "vi", "xlsx"), data_only=True
    )
    data = _cli_json(
        engine, "assess", "--park", park, "--ruleset", documents.DOSSIER_RULESET, "--no-save"
    )
    sheet = _sheet(book, doc, "criteria")
    _, rates = _column(sheet, "Tỷ lệ đạt")
    expected = [
        None if c["score_percent"] is None else c["score_percent"] / 100 for c in data["criteria"]
    ]
    assert rates == pytest.approx(expected, abs=1e-4)
    assert sheet.cell(row=4, column=3).number_format.endswith("%")


@pytest.mark.parametrize("what", documents.EXPORTS)
def test_exports_open_with_numbers_as_numbers(
    engine: sa.Engine, built: dict[Any, Document], files: dict[Any, Path], what: str
) -> None:
    if what == "matches":
        CliRunner().invoke(app, ["--db", str(engine.url), "match", "--park", "nam-cau-kien"])
    doc = document(engine, built, f"export:{what}", "nam-cau-kien", "en")
    path = rendered(engine, built, files, f"export:{what}", "nam-cau-kien", "en", "xlsx")
    book = openpyxl.load_workbook(path, data_only=True)
    assert len(book.sheetnames) == 1 + len(doc.tables())
    numbers = 0
    for t, name in zip(doc.tables(), sheet_names(doc.tables()), strict=True):
        sheet = book[name]
        for j, col in enumerate(t.columns):
            if col.kind in ("number", "money") and t.rows:
                cells = [
                    row[j].value for row in sheet.iter_rows(min_row=4, max_row=3 + len(t.rows))
                ]
                assert all(v is None or isinstance(v, (int, float)) for v in cells), (
                    name,
                    col.label,
                )
                numbers += sum(1 for v in cells if v is not None)
        if t.total is not None and t.rows:
            j = next(j for j, c in enumerate(t.total) if c.numeric and c.value is not None)
            total = sheet.cell(row=4 + len(t.rows), column=j + 1).value
            assert total == pytest.approx(t.column_total(j), rel=1e-9)
    assert numbers > 0


def test_dossier_numbering_and_quotes(engine: sa.Engine, built: dict[Any, Document]) -> None:
    doc = document(engine, built, "dossier", "nam-cau-kien", "vi")
    criteria = doc.table("criteria")
    refs = [r[0].value for r in criteria.rows]
    assert "Điều 37 khoản 3" in refs and "Điều 37 khoản 1 điểm a" in refs
    quotes = [p for p in documents.paragraphs(doc) if p.startswith("“")]
    assert any("bảo vệ môi trường và lao động" in q for q in quotes)
    # The park is far from the criteria: a warning note, not an application.
    assert doc.warning and doc.signature is None and not doc.letterhead.addressee  # type: ignore[union-attr]
    gaps = doc.table("gaps")
    assert gaps.rows and all(
        "parkloop" not in r[2].text("vi") and "--" not in r[2].text("vi") for r in gaps.rows
    )


def test_public_report_holds_only_what_may_be_published(
    engine: sa.Engine, built: dict[Any, Document]
) -> None:
    """Built as the public sees the park: no exchange whose records are not public, the
    totals only under the disclosure rule."""
    from parkloop.domain.permissions import Role, Viewer
    from parkloop.services import accounting

    doc = document(engine, built, "public", "nam-cau-kien", "vi")
    public = accounting.account_park(
        engine, "nam-cau-kien", viewer=Viewer(Role.PUBLIC, name="public")
    )
    admin = accounting.account_park(engine, "nam-cau-kien")
    shown = [t for t in doc.tables() if t.key == "exchanges"]
    assert len(shown[0].rows if shown else []) == len(
        [r for r in public.exchanges if r["status"] == "running"]
    )
    assert len(admin.exchanges) >= len(public.exchanges)
    if public.totals.get("exchanges") is None:
        assert all(t.key != "benefits" for t in doc.tables())


def test_png_pages_are_written(
    files: dict[Any, Path], engine: sa.Engine, built: dict[Any, Document]
) -> None:
    path = rendered(engine, built, files, "recp", "nam-cau-kien", "vi", "pdf")
    out = path.parent / "pages-recp"
    coloured_pages(path, out)
    assert len(list(out.glob("page-*.png"))) == pdf_pages(path)


def test_catalogue_translates_every_word() -> None:
    from parkloop.web.i18n import catalog as web_catalog

    known = {m.id for m in web_catalog("vi") if m.id}
    import ast

    root = Path(documents.__file__).parent
    missing = []
    for f in [*root.glob("*.py"), root.parent / "cli" / "report.py"]:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "say"
                and len(node.args) > 1
            ):
                arg = node.args[1]
                if isinstance(arg, ast.Constant) and arg.value not in known:
                    missing.append(arg.value)
    assert not missing
    assert catalog() is not None
