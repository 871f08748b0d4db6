"""Every shipped source text names a document or a URL a reader can find.

A search-index id ("find_string id 42394209012", "(id 61485965826)"), a seed number
("seed 001") or a file name of the reference folder ("reference 08a",
"08a_kalundborg_exchanges.csv") is not a citation: a reader of the catalog, a rule set
or an example cannot follow it. Cite the document itself instead: its title, author and
publisher, a URL, or a described public copy ("a copy in a public code repository").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import parkloop.catalog

PACKAGE = Path(parkloop.catalog.__file__).resolve().parents[1]

# (name, pattern) of what a citation must not be.
OFFENCES: list[tuple[str, re.Pattern[str]]] = [
    ("search-index id", re.compile(r"(?i)\bfind_string\b|\bids?\s*[:#=]?\s*\d{10,}")),
    ("seed number instead of the document's name", re.compile(r"(?i)\bseeds?\s*0\d\d\b")),
    ("reference-folder item instead of the document", re.compile(r"(?i)\breference[/ ]0\d")),
    ("reference-folder file name", re.compile(r"(?i)\b0\d[a-d]?_[a-z0-9_]+\.(?:csv|ya?ml)\b")),
]


def shipped_files() -> list[Path]:
    files = sorted((PACKAGE / "catalog" / "data").rglob("*.csv"))
    files += sorted((PACKAGE / "catalog" / "data").rglob("*.yaml"))
    files += sorted((PACKAGE / "assessment" / "rulesets").glob("*.yaml"))
    files.append(PACKAGE / "assessment" / "indicators.yaml")
    examples = PACKAGE / "examples"
    files += sorted(p for p in examples.rglob("*") if p.suffix in {".csv", ".yaml", ".md"})
    return files


def offences_in(text: str) -> list[str]:
    return [name for name, pattern in OFFENCES if pattern.search(text)]


def csv_cells(path: Path) -> Iterator[tuple[str, str, str]]:
    """(row, column, text) of every cell; row 1 is the header."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    header = next(reader, [])
    for i, name in enumerate(header):
        yield "1", f"header {i + 1}", name
    for number, row in enumerate(reader, start=2):
        for i, cell in enumerate(row):
            column = header[i] if i < len(header) else f"column {i + 1}"
            yield str(number), column, cell


KEY = re.compile(r"^\s*(?:-\s*)?([A-Za-z_][\w.-]*)\s*:")
INLINE_KEY = re.compile(r"([A-Za-z_][\w.-]*)\s*:\s")


def text_lines(path: Path) -> Iterator[tuple[str, str, str]]:
    """(line, key, text) of every line; the key is the YAML key the text belongs to."""
    key = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        own = KEY.match(line)
        if own:
            key = own.group(1)
        for m in OFFENCES:
            found = m[1].search(line)
            if found:
                inline = INLINE_KEY.findall(line[: found.start()])
                yield str(number), (inline[-1] if inline else key or "text"), line
                break


def offences(path: Path) -> list[str]:
    cells = csv_cells(path) if path.suffix == ".csv" else text_lines(path)
    where = "row" if path.suffix == ".csv" else "line"
    found = []
    for place, column, text in cells:
        for name in offences_in(text):
            shown = text if len(text) <= 160 else text[:157] + "..."
            where_found = f"{path.relative_to(PACKAGE)}, {where} {place}, {column}"
            found.append(f"{where_found}: {name}: {shown!r}")
    return found


def test_the_walk_finds_the_shipped_files() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in shipped_files()}
    assert "catalog/data/materials.csv" in names
    assert "assessment/indicators.yaml" in names
    assert "assessment/rulesets/decree-82-2018.yaml" in names
    assert "examples/nam-cau-kien/flows.csv" in names
    assert "examples/kalundborg/NOTES.md" in names


@pytest.mark.parametrize(
    "text",
    [
        "read from a third-party SQL seed (find_string id 42394209012)",
        "an HTML select list (id 8923098871)",
        "legal-status table in another GitHub project (id 61485965826)",
        "seed 001: steel sector table",
        "seed 000 (review of circular-economy industrial parks)",
        "reference 08a_kalundborg_exchanges.csv (pipeline exchanges)",
        "reference 02 A.5 ENV.4 (yes/no)",
        "Built from `reference/08a_kalundborg_exchanges.csv`",
    ],
)
def test_internal_references_are_recognised(text: str) -> None:
    assert offences_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Decree 82/2018/NĐ-CP, Art. 42",
        "third-party SQL seed of VSIC 2018 (a copy in a public code repository)",
        "investment certificate 1680381422 of 08/05/2019",
        "http://books.nap.edu/openbook.php?record_id=4982&page=118",
        "Circular 05/2025 form A.5 ENV.4 (yes/no; GitHub BA spec UC335-340)",
        "vsic2018.csv (levels 1-2 only)",
    ],
)
def test_document_citations_pass(text: str) -> None:
    assert not offences_in(text)


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_shipped_texts_cite_documents_a_reader_can_find(path: Path) -> None:
    found = offences(path)
    assert not found, "\n".join(found)
