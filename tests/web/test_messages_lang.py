"""A refusal reaches its reader in the reader's language: a page and its flash in the
caller's language, a problem document in the request's (Accept-Language, else the
session's or the account's), the command line in its --lang (Vietnamese by default)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from webseed import ACCOUNTS, PASSWORD, P, post_form

from parkloop.cli import main
from parkloop.domain.permissions import Viewer
from parkloop.services import accounts

Client = Callable[[str | None], TestClient]
PROBLEM = "application/problem+json"


def flow_of(engine: sa.Engine, org: str) -> int:
    with engine.connect() as conn:
        found = conn.scalar(
            sa.text(
                "select f.id from flows f join organisations o on o.id = f.org_id "
                "where o.code = :org and f.confidentiality = 'public'"
            ),
            {"org": org},
        )
    assert found is not None
    return int(found)


def in_vietnamese(c: TestClient) -> TestClient:
    c.cookies.set("parkloop_lang", "vi")
    return c


def test_an_enterprise_editing_anothers_flow_is_refused_in_vietnamese(
    client: Client, engine: sa.Engine
) -> None:
    theirs = flow_of(engine, "nhiet-dien")
    refused = post_form(in_vietnamese(client("a")), f"/parks/{P}/flows/{theirs}", {"quantity": "1"})
    assert refused.status_code == 403
    page = refused.text
    assert "Không được phép" in page  # the page's title
    assert f"không được sửa dòng vật chất số {theirs} (của Nhiệt điện)" in page  # a name
    assert "chưa có gì bị thay đổi" in page and "may not change" not in page


def test_the_same_refusal_reads_in_english_for_an_english_reader(
    client: Client, engine: sa.Engine
) -> None:
    theirs = flow_of(engine, "nhiet-dien")
    refused = post_form(client("a"), f"/parks/{P}/flows/{theirs}", {"quantity": "1"})
    assert refused.status_code == 403
    assert f"may not change flow {theirs} (of " in refused.text
    assert "nothing was changed" in refused.text


def test_a_password_too_short_is_said_in_vietnamese_on_the_account_page(client: Client) -> None:
    least = accounts.min_password_length()
    c = in_vietnamese(client("a"))
    reply = post_form(c, "/account/password", {"current": PASSWORD, "new": "ngắn", "again": "ngắn"})
    assert reply.status_code == 400
    assert f"mật khẩu quá ngắn: hãy dùng ít nhất {least} ký tự" in reply.text
    unlike = post_form(c, "/account/password", {"current": PASSWORD, "new": "x", "again": "y"})
    assert "hai lần nhập mật khẩu mới không giống nhau" in unlike.text


@pytest.fixture
def token_of_a(engine: sa.Engine) -> str:
    return accounts.create_token(engine, ACCOUNTS["a"][0], "tests", None, Viewer.admin())


def api_client(app: Any, token: str, **headers: str) -> TestClient:
    c = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
    c.headers.update({"Authorization": f"Bearer {token}", **headers})
    return c


def test_a_park_not_found_is_a_problem_document_in_the_language_asked_for(
    app: Any, token_of_a: str
) -> None:
    url = "/api/v1/parks/khong-co/flows"
    vi = api_client(app, token_of_a, **{"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}).get(url)
    assert vi.status_code == 404 and vi.headers["content-type"].startswith(PROBLEM)
    assert vi.headers["content-language"] == "vi"
    body = vi.json()
    assert body["title"] == "Không tìm thấy"
    assert body["detail"].startswith("không có khu công nghiệp 'khong-co'; các khu hiện có: ")
    assert body["errors"][0]["message"] == body["detail"]
    en = api_client(app, token_of_a, **{"Accept-Language": "en-GB,en;q=0.9"}).get(url)
    assert en.headers["content-language"] == "en"
    assert en.json()["title"] == "Not found"
    assert en.json()["detail"].startswith("no park 'khong-co'; known parks: ")
    # No Accept-Language: the account's own language (English for this account).
    assert api_client(app, token_of_a).get(url).json()["detail"].startswith("no park")
    # ?lang= says it outright.
    assert (
        api_client(app, token_of_a)
        .get(url + "?lang=vi")
        .json()["detail"]
        .startswith("không có khu")
    )


def test_an_api_refusal_to_change_anothers_flow_is_said_in_vietnamese(
    app: Any, engine: sa.Engine, token_of_a: str
) -> None:
    theirs = flow_of(engine, "nhiet-dien")
    c = api_client(app, token_of_a, **{"Accept-Language": "vi"})
    refused = c.patch(f"/api/v1/parks/{P}/flows/{theirs}", json={"quantity": 1})
    assert refused.status_code == 403
    body = refused.json()
    assert body["title"] == "Không được phép"
    assert f"không được sửa dòng vật chất số {theirs} (của Nhiệt điện)" in body["detail"]


def test_the_command_line_says_a_refusal_in_vietnamese_unless_asked_for_english(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARKLOOP_LANG", raising=False)
    url = engine.url.render_as_string(hide_password=False)

    def run(*args: str) -> str:
        with pytest.raises(SystemExit) as done:
            main(["--db", url, *args])
        assert done.value.code == 1
        return " ".join(capsys.readouterr().err.split())

    said = run("enterprises", "list", "--park", "khong-co")
    assert "không có khu công nghiệp 'khong-co'" in said and "no park" not in said
    assert "no park 'khong-co'" in run("--lang", "en", "enterprises", "list", "--park", "khong-co")
    monkeypatch.setenv("PARKLOOP_NEW_PASSWORD", "ngắn")
    least = accounts.min_password_length()
    add = ("users", "add", "moi@thep.vn", "--role", "enterprise", "--park", P, "--org", "thep")
    assert f"mật khẩu quá ngắn: hãy dùng ít nhất {least} ký tự" in run(*add)
    assert f"the password is too short: use at least {least} characters" in run(
        "--lang", "en", *add
    )
