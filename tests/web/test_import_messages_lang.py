"""The importer's problems reach their reader in the reader's language: the upload's job
page in the page's language, an API import's job and problem document in the request's,
``parkloop import`` in its --lang (Vietnamese by default). The staff's own text and the
column as the file names it stay as typed; ``str()`` stays English for logs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from webseed import ACCOUNTS, P, post_form

from parkloop.cli import main
from parkloop.domain.permissions import Viewer
from parkloop.services import accounts, jobs

Client = Callable[[str | None], TestClient]

# Row 3 has a quantity that is not a number.
FLOWS_CSV = (
    "park,enterprise,period,direction,material,quantity,unit\n"
    f"{P},thep,2025,out,Xỉ thép,100,tấn\n"
    f"{P},thep,2025,out,Bụi lò,abc,tấn\n"
)


def wait_for(engine: sa.Engine, job_id: int, seconds: float = 60.0) -> str:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        state = jobs.state_of(engine, job_id)
        if state in ("done", "failed"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end in {seconds} s")


def upload(c: TestClient, engine: sa.Engine, text: str = FLOWS_CSV) -> int:
    reply = post_form(
        c, f"/parks/{P}/import", files={"file": ("flows.csv", text.encode(), "text/csv")}
    )
    assert reply.status_code == 303, reply.text[:500]
    job_id = int(reply.headers["location"].rstrip("/").rsplit("/", 1)[1])
    assert wait_for(engine, job_id) == "failed"
    return job_id


def test_a_bad_row_of_an_upload_is_shown_in_vietnamese(client: Client, engine: sa.Engine) -> None:
    c = client("a")
    c.cookies.set("parkloop_lang", "vi")
    job_id = upload(c, engine)
    page = c.get(f"/jobs/{job_id}").text
    assert "flows.csv: có 1 lỗi; chưa có gì được ghi" in page
    assert "<td>quantity</td><td>abc</td><td>không phải là số</td>" in page
    assert "<td>hãy nhập số, ví dụ 1234" in page
    assert "not a number" not in page and "type a number" not in page
    # The same job, read in English.
    c.cookies.set("parkloop_lang", "en")
    english = c.get(f"/jobs/{job_id}", headers={"HX-Request": "true"}).text
    assert "flows.csv: 1 problem found; nothing was written" in english
    assert "<td>not a number</td><td>type a number such as 1234" in english


def test_the_english_switch_shows_the_problems_in_english(
    client: Client, engine: sa.Engine
) -> None:
    c = client("a")
    c.cookies.set("parkloop_lang", "en")
    unknown = FLOWS_CSV.replace(",thep,2025,out,Bụi lò,abc,", ",thepp-x,2025,out,Bụi lò,5,")
    job_id = upload(c, engine, unknown)
    page = c.get(f"/jobs/{job_id}?lang=en").text
    assert f"park &#39;{P}&#39; has no enterprise or partner &#39;thepp-x&#39;" in page
    assert "add it to the Enterprises or Partners sheet" in page
    assert "không có doanh nghiệp" not in page
    vi = c.get(f"/jobs/{job_id}?lang=vi").text
    assert f"khu &#39;{P}&#39; không có doanh nghiệp hay đối tác &#39;thepp-x&#39;" in vi
    assert "hãy thêm đơn vị này vào trang tính Doanh nghiệp hoặc Đối tác" in vi


@pytest.fixture
def token_of_a(engine: sa.Engine) -> str:
    return accounts.create_token(engine, ACCOUNTS["a"][0], "tests", None, Viewer.admin())


def api_client(app: Any, token: str, **headers: str) -> TestClient:
    c = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
    c.headers.update({"Authorization": f"Bearer {token}", **headers})
    return c


def test_an_api_import_says_its_problems_in_the_language_asked_for(
    app: Any, engine: sa.Engine, token_of_a: str
) -> None:
    vi = api_client(app, token_of_a, **{"Accept-Language": "vi-VN,vi;q=0.9"})
    sent = vi.post(
        f"/api/v1/parks/{P}/imports",
        files={"file": ("flows.csv", FLOWS_CSV.encode(), "text/csv")},
    )
    assert sent.status_code == 202, sent.text
    job_url = sent.headers["location"]
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[1])
    assert wait_for(engine, job_id) == "failed"
    reply = vi.get(job_url)
    assert reply.headers["content-language"] == "vi"
    job = reply.json()
    assert job["message"] == "flows.csv: có 1 lỗi; chưa có gì được ghi"
    problem = job["result"]["problems"][0]
    assert (problem["sheet"], problem["row"], problem["column"], problem["value"]) == (
        "flows.csv",
        3,
        "quantity",
        "abc",
    )
    assert problem["message"] == "không phải là số"
    assert problem["fix"].startswith("hãy nhập số, ví dụ ")
    assert "said" not in problem and "said" not in job["result"]
    en = api_client(app, token_of_a, **{"Accept-Language": "en"}).get(job_url).json()
    assert en["result"]["problems"][0]["message"] == "not a number"
    assert en["message"] == "flows.csv: 1 problem found; nothing was written"


def test_a_flow_the_importer_refuses_is_a_problem_document_in_vietnamese(
    app: Any, token_of_a: str
) -> None:
    flow = {
        "enterprise": "thep",
        "period": "2025",
        "direction": "out",
        "material": "Xỉ thép",
        "quantity": 5,
        "unit": "xyz",
    }
    c = api_client(app, token_of_a, **{"Accept-Language": "vi"})
    refused = c.post(f"/api/v1/parks/{P}/flows", json=flow)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-language"] == "vi"
    body = refused.json()
    assert body["title"] == "Dữ liệu có lỗi"
    unit = next(e for e in body["errors"] if e["column"] == "unit")
    assert unit["value"] == "xyz"
    assert unit["message"].startswith("không rõ đơn vị 'xyz'; có phải ý bạn là ")
    assert unit["fix"].startswith("hãy nhập đơn vị như tấn, kg")


def test_parkloop_import_says_a_bad_row_in_vietnamese_unless_asked_for_english(
    engine: sa.Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PARKLOOP_LANG", raising=False)
    url = engine.url.render_as_string(hide_password=False)
    path = tmp_path / "flows.csv"
    path.write_text(FLOWS_CSV, encoding="utf-8")

    def run(*args: str) -> str:
        with pytest.raises(SystemExit) as done:
            main(["--db", url, *args, "import", "--dry-run", str(path)])
        assert done.value.code == 1
        return " ".join(capsys.readouterr().err.split())

    said = run()
    assert "flows.csv: có 1 lỗi; chưa có gì được ghi" in said
    assert (
        "trang tính 'flows.csv', dòng 3, cột 'quantity', giá trị 'abc': không phải là số; "
        "cách sửa: hãy nhập số, ví dụ 1234"
    ) in said
    assert "not a number" not in said
    english = run("--lang", "en")
    assert (
        "sheet 'flows.csv', row 3, column 'quantity', value 'abc': not a number; "
        "fix: type a number such as 1234"
    ) in english
