"""A park's people at work in a real browser (Chromium): the operator imports a workbook
with a bad row, sees the row's problem, fixes it and imports; an enterprise accepts a
match and sees the exchange on the map; an export is downloaded. Every page is also
looked at 390 px wide, where nothing may overflow the screen."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook
from webseed import ACCOUNTS, PASSWORD, P

NARROW, WIDE = 390, 1280
HEADER = "enterprise,period,direction,material,quantity,unit,destination,confidentiality\n"
GOOD_ROW = 'giay,2024,out,tro bay lò hơi,"1.250,5",tấn/tháng,chôn lấp,park\n'
BAD_ROW = "giay,2024,out,bùn thải,nhiều lắm,tấn,chôn lấp,park\n"


def sign_in(page: Any, base: str, who: str) -> None:
    page.goto(f"{base}/sign-in?lang=en")
    page.fill("input[name=email]", ACCOUNTS[who][0])
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".pl-topbar").inner_text().count(ACCOUNTS[who][0]) == 1, page.content()


def upload(page: Any, base: str, path: Path) -> None:
    page.goto(f"{base}/parks/{P}/import")
    page.set_input_files("input[name=file]", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector(".pl-badge-done, .pl-badge-failed", timeout=30_000)


def fits(page: Any, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width + 1, f"{page.url} is {overflow} px wide at {width} px"


def test_an_operator_fixes_a_bad_row_and_imports(
    server: str, browser: Any, shots: Any, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": WIDE, "height": 900})
    sign_in(page, server, "operator")
    bad = tmp_path / "bad" / "flows.csv"
    bad.parent.mkdir()
    bad.write_text(HEADER + GOOD_ROW + BAD_ROW, encoding="utf-8")
    upload(page, server, bad)
    shots(page, "1-import-refused")
    problems = page.locator(".pl-problems tbody tr")
    assert problems.count() == 1
    row = problems.first.inner_text()
    assert "3" in row and "quantity" in row and "nhiều lắm" in row

    fixed = tmp_path / "fixed" / "flows.csv"
    fixed.parent.mkdir()
    fixed.write_text(HEADER + GOOD_ROW + BAD_ROW.replace("nhiều lắm", "4.000"), encoding="utf-8")
    upload(page, server, fixed)
    shots(page, "2-import-done")
    assert page.locator(".pl-badge-done").count() == 1
    page.click("text=See the flows")
    page.fill("input[name=q]", "tro bay lò hơi")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=*")
    shots(page, "3-flows")
    text = page.locator("main table").first.inner_text()
    # "1.250,5" tấn/tháng read as 1,250.5 t a month: 15,006 t a year.
    assert "tro bay lò hơi" in text and "15,006" in text
    shots(page, "3-flows")


def test_an_enterprise_accepts_a_match_and_sees_the_exchange(
    server: str, browser: Any, shots: Any
) -> None:
    page = browser.new_page(viewport={"width": WIDE, "height": 900})
    sign_in(page, server, "c")
    page.goto(f"{server}/parks/{P}/matches")
    shots(page, "1-inbox")
    page.locator("main table a[href*='/matches/']").first.click()
    page.wait_for_load_state()
    shots(page, "2-match")
    page.locator("form[action$='/accept'] button").first.click()
    page.wait_for_load_state()
    shots(page, "3-accepted")
    assert page.locator(".pl-flash-success").count() == 1
    geojson = json.loads(page.request.get(f"{server}/api/v1/parks/{P}.geojson").text())
    statuses = {
        f["properties"].get("status")
        for f in geojson["features"]
        if f["geometry"]["type"] == "LineString"
    }
    assert "negotiating" in statuses
    page.goto(f"{server}/parks/{P}/map")
    page.wait_for_selector(".leaflet-interactive")
    shots(page, "4-map")


def test_an_export_downloads_what_the_reader_may_see(server: str, browser: Any, shots: Any) -> None:
    page = browser.new_page(viewport={"width": WIDE, "height": 900}, accept_downloads=True)
    sign_in(page, server, "a")
    page.goto(f"{server}/parks/{P}/import")
    with page.expect_download() as event:
        page.click("a[href$='export.xlsx']")
    data = Path(event.value.path()).read_bytes()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    text = repr([book.get_sheet_by_name(n).to_python() for n in book.sheet_names])
    assert "MARKER-A-7c1" in text and "MARKER-B-9d2" not in text


def test_every_page_fits_a_phone(server: str, browser: Any, shots: Any) -> None:
    page = browser.new_page(viewport={"width": NARROW, "height": 800})
    sign_in(page, server, "operator")
    for path in (
        "/",
        f"/parks/{P}",
        f"/parks/{P}/flows",
        f"/parks/{P}/enterprises",
        f"/parks/{P}/map",
        f"/parks/{P}/network",
        f"/parks/{P}/marketplace",
        f"/parks/{P}/matches",
        f"/parks/{P}/exchanges",
        f"/parks/{P}/import",
        f"/parks/{P}/optimisation",
        f"/parks/{P}/optimisation/pareto",
        f"/parks/{P}/resilience",
        f"/parks/{P}/shares",
        f"/parks/{P}/assessment",
        f"/parks/{P}/review",
        f"/parks/{P}/history",
        "/users",
        "/account",
    ):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        fits(page, NARROW)
        shots(page, path.strip("/").replace("/", "_") or "home")
    # The menu folds into the top bar and opens without JavaScript.
    page.goto(f"{server}/parks/{P}")
    assert not page.locator("#pl-nav").is_visible()
    page.click(".pl-nav-toggle")
    assert page.locator("#pl-nav").is_visible()
