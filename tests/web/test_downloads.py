"""The downloads page and its files: the park's own documents for its operator, an
enterprise's forms for the enterprise itself only, the published report for anyone."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
from fastapi.testclient import TestClient
from webseed import MARKERS_A, MARKERS_B, P

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    return " ".join(
        str(c)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    )


def test_operator_gets_the_park_documents(client: Callable[[str | None], TestClient]) -> None:
    c = client("operator")
    page = c.get(f"/parks/{P}/downloads")
    assert page.status_code == 200 and f"/parks/{P}/documents/dossier.pdf" in page.text
    for url in (f"/parks/{P}/documents/annual.xlsx", f"/parks/{P}/documents/accounting.xlsx"):
        reply = c.get(url)
        assert reply.status_code == 200 and reply.headers["content-type"] == XLSX, url
    html = c.get(f"/parks/{P}/documents/recp.html")
    assert html.status_code == 200 and html.text.startswith("<!DOCTYPE html>")
    assert c.get(f"/parks/{P}/documents/annual.csv").status_code == 404


def test_an_enterprise_gets_only_its_own_forms(client: Callable[[str | None], TestClient]) -> None:
    a = client("a")
    page = a.get(f"/parks/{P}/downloads")
    assert page.status_code == 200
    assert f"/parks/{P}/enterprises/thep/documents/forms.pdf" in page.text
    assert "/enterprises/nhiet-dien/" not in page.text
    assert "/documents/annual." not in page.text
    assert a.get(f"/parks/{P}/documents/annual.xlsx").status_code == 403
    own = a.get(f"/parks/{P}/enterprises/thep/documents/forms.xlsx")
    assert own.status_code == 200
    text = _text(own.content)
    assert not any(str(m) in text for m in MARKERS_B)
    assert a.get(f"/parks/{P}/enterprises/nhiet-dien/documents/forms.xlsx").status_code == 403
    assert MARKERS_A  # the seed has private figures of A that its own forms may show


def test_anyone_gets_the_published_report(client: Callable[[str | None], TestClient]) -> None:
    nobody = client(None)
    page = nobody.get(f"/parks/{P}/downloads")
    assert page.status_code == 200 and "/documents/public.pdf" in page.text
    reply = nobody.get(f"/parks/{P}/documents/public.xlsx")
    assert reply.status_code == 200
    text = _text(reply.content)
    assert not any(str(m) in text for m in (*MARKERS_A, *MARKERS_B))
    refused = nobody.get(f"/parks/{P}/documents/annual.xlsx", follow_redirects=False)
    assert refused.status_code in (401, 303) and refused.headers.get("content-type") != XLSX
