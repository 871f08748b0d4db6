"""Signing in and out, sessions, cross-site tokens, the sign-in rate limit, the first-run
administrator, passwords, API tokens, languages and accounts management."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from webseed import ACCOUNTS, PASSWORD, post_form, sign_in

from parkloop.domain.permissions import Role, Viewer
from parkloop.services import accounts
from parkloop.store import db
from parkloop.web.access import CSRF_COOKIE, SESSION_COOKIE
from parkloop.web.app import create_app

A = ACCOUNTS["a"][0]


def test_signing_in_sets_a_safe_session_cookie_and_signing_out_ends_it(app: Any) -> None:
    client = TestClient(app)
    client.get("/sign-in")
    reply = client.post(
        "/sign-in",
        data={"email": A, "password": PASSWORD, "csrf": client.cookies.get(CSRF_COOKIE)},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    cookie = next(h for h in reply.headers.get_list("set-cookie") if SESSION_COOKIE in h)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/account").status_code == 200
    session = client.cookies.get(SESSION_COOKIE)
    assert post_form(client, "/sign-out").status_code == 303
    # The old cookie is worthless now, even if someone kept it.
    stale = TestClient(app)
    stale.cookies.set(SESSION_COOKIE, session)
    assert stale.get("/account", follow_redirects=False).status_code == 303


def test_a_session_cookie_is_secure_behind_tls(app: Any) -> None:
    client = TestClient(app, base_url="https://parkloop.example")
    client.get("/sign-in")
    reply = client.post(
        "/sign-in",
        data={"email": A, "password": PASSWORD, "csrf": client.cookies.get(CSRF_COOKIE)},
        follow_redirects=False,
    )
    cookie = next(h for h in reply.headers.get_list("set-cookie") if SESSION_COOKIE in h)
    assert "Secure" in cookie


def test_a_wrong_password_is_refused_and_repeated_failures_lock_the_account(app: Any) -> None:
    client = TestClient(app)
    client.get("/sign-in")
    for _ in range(5):
        reply = client.post(
            "/sign-in",
            data={"email": A, "password": "not it at all", "csrf": client.cookies[CSRF_COOKIE]},
        )
        assert reply.status_code == 401
        assert "sai địa chỉ thư điện tử hoặc mật khẩu" in reply.text  # nobody: Vietnamese
    reply = client.post(
        "/sign-in",
        data={"email": A, "password": PASSWORD, "csrf": client.cookies[CSRF_COOKIE]},
    )
    assert reply.status_code == 401 and "đăng nhập sai quá nhiều lần" in reply.text
    # Another account from the same address is not locked by those.
    sign_in(client, ACCOUNTS["b"][0])


def test_a_form_without_this_browsers_token_is_refused(client: Any) -> None:
    c = client("a")
    reply = c.post("/account/tokens", data={"name": "x"}, follow_redirects=False)
    assert reply.status_code == 403
    reply = c.post("/account/tokens", data={"name": "x", "csrf": "forged"})
    assert reply.status_code == 403
    assert post_form(c, "/account/tokens", {"name": "x"}).status_code == 200


def test_the_first_run_link_creates_the_administrator_once(tmp_path: Any) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    db.upgrade(engine)
    token = accounts.setup_link_token(engine)
    assert token
    client = TestClient(create_app(engine))
    assert client.get("/setup?token=wrong").status_code == 403
    assert client.get(f"/setup?token={token}").status_code == 200
    reply = post_form(
        client, "/setup", {"token": token, "email": "root@kcn.vn", "password": "short"}
    )
    assert reply.status_code == 400  # the password is too short: said on the page
    reply = post_form(
        client, "/setup", {"token": token, "email": "root@kcn.vn", "password": PASSWORD}
    )
    assert reply.status_code == 303
    assert client.get("/users").status_code == 200  # signed in as the administrator
    again = TestClient(create_app(engine))
    assert again.get(f"/setup?token={token}").status_code == 403
    assert accounts.setup_link_token(engine) is None
    engine.dispose()


def test_changing_the_password_ends_every_session(app: Any, client: Any) -> None:
    first, second = client("a"), client("a")
    reply = post_form(
        first,
        "/account/password",
        {"current": PASSWORD, "new": "một mật khẩu mới dài", "again": "một mật khẩu mới dài"},
    )
    assert reply.status_code == 303
    assert second.get("/account", follow_redirects=False).status_code == 303
    sign_in(TestClient(app), A, "một mật khẩu mới dài")


def test_api_tokens_act_as_their_account_and_never_need_a_form_token(
    app: Any, engine: sa.Engine
) -> None:
    token = accounts.create_token(engine, A, "script", 30, Viewer(Role.ADMIN, name="admin"))
    api = TestClient(app)
    ok = api.get("/api/v1/parks/kcn-l/graph", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    bad = api.get("/api/v1/parks/kcn-l/graph", headers={"Authorization": "Bearer plk_nope"})
    assert bad.status_code == 401
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "WWW-Authenticate" in bad.headers


def test_disabled_accounts_cannot_sign_in_and_lose_their_sessions(
    app: Any, client: Any, engine: sa.Engine
) -> None:
    c = client("a")
    accounts.set_active(engine, A, False, Viewer(Role.ADMIN, name="admin"))
    assert c.get("/account", follow_redirects=False).status_code == 303
    fresh = TestClient(app)
    fresh.get("/sign-in")
    reply = fresh.post(
        "/sign-in", data={"email": A, "password": PASSWORD, "csrf": fresh.cookies[CSRF_COOKIE]}
    )
    assert reply.status_code == 401


def test_an_operator_creates_enterprise_accounts_of_its_park_only(
    client: Any, engine: sa.Engine
) -> None:
    op = client("operator")
    made = post_form(
        op,
        "/users",
        {
            "email": "new@giay.vn",
            "role": "enterprise",
            "park": "kcn-l",
            "org": "giay",
            "password": PASSWORD,
        },
    )
    assert made.status_code in (200, 303)
    refused = post_form(
        op,
        "/users",
        {"email": "boss@kcn.vn", "role": "admin", "password": PASSWORD},
    )
    assert refused.status_code in (400, 403)
    other = post_form(
        op,
        "/users",
        {
            "email": "x@khac.vn",
            "role": "enterprise",
            "park": "kcn-m",
            "org": "khac",
            "password": PASSWORD,
        },
    )
    assert other.status_code in (400, 403)
    emails = {u.email for u in accounts.users(engine, Viewer(Role.ADMIN, name="admin"))}
    assert "new@giay.vn" in emails and "boss@kcn.vn" not in emails and "x@khac.vn" not in emails
    assert client("a").get("/users").status_code == 403


def test_pages_speak_vietnamese_first_and_english_on_request(client: Any) -> None:
    c = client(None)
    assert "Khu công nghiệp" in c.get("/").text
    c.get("/lang/en?next=/")
    assert "Parks" in c.get("/").text
    assert (
        c.get("/lang/vi?next=https://evil.example/", follow_redirects=False)
        .headers["location"]
        .startswith("/")
    )


def test_the_change_log_names_who_signed_in(client: Any, engine: sa.Engine) -> None:
    client("b")
    with engine.connect() as conn:
        actions = conn.execute(
            sa.text("select actor from change_log where action = 'sign_in'")
        ).scalars()
        assert ACCOUNTS["b"][0] in " ".join(actions)


def test_two_flows_typed_one_after_the_other_are_two_flows(client: Any, engine: sa.Engine) -> None:
    op = client("operator")
    op.get("/lang/vi")  # the page in Vietnamese: numbers typed the Vietnamese way

    def count() -> int:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("select count(*) from flows")).scalar_one())

    before = count()
    for material, quantity in (("tro bay", "1.200"), ("xỉ lò cao", "3.400")):
        reply = post_form(
            op,
            "/parks/kcn-l/flows",
            {
                "enterprise": "giay",
                "period": "2024",
                "direction": "out",
                "material": material,
                "quantity": quantity,
                "unit": "tấn/tháng",
                "confidentiality": "park",
            },
        )
        assert reply.status_code in (200, 303), reply.text[:500]
    assert count() == before + 2
    with engine.connect() as conn:
        typed = conn.execute(
            sa.text("select quantity from flows order by id desc limit 2")
        ).scalars()
        # Typed on a Vietnamese page: "1.200" and "3.400" tonnes a month, twelve times a year.
        assert sorted(typed) == [14400.0, 40800.0]
