"""The REST API under /api/v1, as every account and as nobody: what each may read and
write, that no enterprise receives another's private records (authority and the public
aggregates only), pages with their links, ETags and 304, updated_since, problems located
as the importer locates them, tokens (revoked, expired, of a disabled account) and the
cross-site token a session needs on unsafe methods."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from webseed import ACCOUNTS, MARKERS_A, MARKERS_B, P

from parkloop.domain.permissions import Viewer
from parkloop.services import accounts
from parkloop.store import accounts as account_store
from parkloop.web.access import CSRF_COOKIE

API = "/api/v1"
WHO = [None, "a", "b", "c", "operator", "operator_m", "authority", "admin"]
FORBIDDEN = {
    "a": MARKERS_B,
    "b": MARKERS_A,
    "c": MARKERS_A + MARKERS_B,
    "operator_m": MARKERS_A + MARKERS_B,
    "authority": MARKERS_A + MARKERS_B,
    None: MARKERS_A + MARKERS_B,
}
OWNS = {"a": "thep", "b": "nhiet-dien", "c": "xi-mang"}
IN_PARK = {"a", "b", "c", "operator", "admin"}
PROBLEM_KEYS = {"sheet", "row", "column", "value", "message", "fix"}


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def tokens(engine: sa.Engine) -> dict[str, str]:
    """An API token of every account."""
    admin = Viewer.admin()
    return {
        who: accounts.create_token(engine, email, "tests", None, admin)
        for who, (email, *_rest) in ACCOUNTS.items()
    }


@pytest.fixture
def api(app: Any, tokens: dict[str, str]) -> Iterator[Callable[[str | None], TestClient]]:
    """``api("a")``: a client sending account a's token; ``api(None)``: no token."""
    made: list[TestClient] = []

    def make(who: str | None) -> TestClient:
        c = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
        if who is not None:
            c.headers["Authorization"] = f"Bearer {tokens[who]}"
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def rows(engine: sa.Engine, sql: str) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql)))


def flows_of_park(engine: sa.Engine) -> list[Any]:
    return rows(
        engine,
        "select f.id, o.code, f.confidentiality from flows f join organisations o "
        f"on o.id = f.org_id join parks p on p.id = f.park_id where p.code = '{P}' order by f.id",
    )


def listings_of_park(engine: sa.Engine) -> list[Any]:
    return rows(
        engine,
        "select l.id, o.code, l.confidentiality from listings l join organisations o "
        f"on o.id = l.org_id join parks p on p.id = l.park_id where p.code = '{P}' order by l.id",
    )


def may_see(who: str | None, org: str, level: str) -> bool:
    """The permission matrix of docs/confidentiality.md for a record of park P."""
    if who in ("admin", "operator") or level == "public":
        return True
    if level == "park":
        return who in ("a", "b", "c")
    return OWNS.get(who or "") == org


def check_problem(reply: Any) -> dict[str, Any]:
    """A 4xx is an RFC 9457 problem whose rows are located as the importer's are."""
    assert reply.headers["content-type"].startswith("application/problem+json"), reply.text
    body = reply.json()
    assert {"type", "title", "status", "detail", "errors"} <= set(body)
    assert body["status"] == reply.status_code
    assert body["errors"], body
    for row in body["errors"]:
        assert set(row) >= PROBLEM_KEYS, row
    return body


def no_markers(who: str | None, reply: Any, url: str) -> None:
    leaked = [m for m in FORBIDDEN.get(who, ()) if m in reply.text]
    assert leaked == [], f"{who} received {leaked} from {url}"


def wait_for(client: TestClient, job_url: str) -> dict[str, Any]:
    for _ in range(300):
        job = client.get(job_url).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"{job_url} did not end")


# -- reading, as everyone -----------------------------------------------------------------------


def read_urls(engine: sa.Engine) -> list[str]:
    flows = [r[0] for r in flows_of_park(engine)]
    listings = [r[0] for r in listings_of_park(engine)]
    exchanges = [r[0] for r in rows(engine, "select id from exchanges order by id")]
    matches = [r[0] for r in rows(engine, "select id from matches order by id")]
    return [
        f"{API}/me",
        f"{API}/parks",
        f"{API}/parks/{P}",
        f"{API}/parks/{P}.geojson",
        f"{API}/parks/{P}/graph",
        f"{API}/parks/{P}/sankey",
        f"{API}/parks/{P}/enterprises",
        f"{API}/parks/{P}/enterprises/thep",
        f"{API}/parks/{P}/enterprises/nhiet-dien",
        f"{API}/parks/{P}/flows",
        f"{API}/parks/{P}/flows?enterprise=thep&direction=out",
        f"{API}/parks/{P}/flows?material_class=mineral&year=2024",
        f"{API}/parks/{P}/flows?updated_since=2000-01-01T00:00:00Z",
        *[f"{API}/parks/{P}/flows/{i}" for i in flows],
        f"{API}/parks/{P}/listings?status=all",
        *[f"{API}/parks/{P}/listings/{i}" for i in listings],
        f"{API}/parks/{P}/matches",
        *[f"{API}/parks/{P}/matches/{i}" for i in matches],
        f"{API}/parks/{P}/exchanges",
        *[f"{API}/parks/{P}/exchanges/{i}" for i in exchanges],
        f"{API}/parks/{P}/assessments",
        f"{API}/parks/{P}/assessments/decree-35-2022",
        f"{API}/jobs",
        f"{API}/parks/{P}/history",
        *[f"{API}/parks/{P}/history/flow/{i}" for i in flows[-2:]],
    ]


SIGNED_IN_ONLY = ("/jobs", "/history")


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_every_read_endpoint_as_every_account(api: Any, engine: sa.Engine, who: str | None) -> None:
    client = api(who)
    tried = 0
    for url in read_urls(engine):
        reply = client.get(url)
        tried += 1
        assert reply.status_code < 500, (url, reply.text[:500])
        no_markers(who, reply, url)
        if reply.status_code >= 400:
            check_problem(reply)
        if who is None and any(part in url for part in SIGNED_IN_ONLY):
            assert reply.status_code == 401, url
            assert reply.headers["www-authenticate"].startswith("Bearer")
    assert tried > 30


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_single_records_as_the_permission_matrix_says(
    api: Any, engine: sa.Engine, who: str | None
) -> None:
    client = api(who)
    for flow_id, org, level in flows_of_park(engine):
        reply = client.get(f"{API}/parks/{P}/flows/{flow_id}")
        assert reply.status_code == (200 if may_see(who, org, level) else 404), (
            flow_id,
            org,
            level,
        )
        history = client.get(f"{API}/parks/{P}/history/flow/{flow_id}")
        # Park operators and the administrator, as the history service lets them read.
        elsewhere = 200 if level == "public" else 404
        expected = {None: 401, "operator": 200, "admin": 200, "operator_m": elsewhere}.get(who, 403)
        assert history.status_code == expected, (flow_id, org, level)
    for listing_id, org, level in listings_of_park(engine):
        reply = client.get(f"{API}/parks/{P}/listings/{listing_id}")
        assert reply.status_code == (200 if may_see(who, org, level) else 404), (listing_id, org)
    for (exchange_id,) in rows(engine, "select id from exchanges"):
        reply = client.get(f"{API}/parks/{P}/exchanges/{exchange_id}")
        assert reply.status_code == (200 if who in IN_PARK else 404), exchange_id
    park_log = client.get(f"{API}/parks/{P}/history")
    assert park_log.status_code == {None: 401, "operator": 200, "admin": 200}.get(who, 403)


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_lists_hold_what_the_caller_may_see(api: Any, engine: sa.Engine, who: str | None) -> None:
    client = api(who)
    flows = client.get(f"{API}/parks/{P}/flows").json()
    expected = {i for i, org, level in flows_of_park(engine) if may_see(who, org, level)}
    assert {f["id"] for f in flows["items"]} == expected
    assert flows["total"] == len(expected)
    listings = client.get(f"{API}/parks/{P}/listings?status=all").json()
    expected = {i for i, org, level in listings_of_park(engine) if may_see(who, org, level)}
    assert {x["id"] for x in listings["items"]} == expected


def test_the_owners_and_their_operator_do_receive_the_markers(api: Any) -> None:
    """Without this the searches for markers could pass by finding nothing anywhere."""
    seen = {who: api(who).get(f"{API}/parks/{P}/flows").text for who in ("a", "b", "operator")}
    assert "MARKER-A-7c1" in seen["a"] and "777777" in seen["a"]
    assert "MARKER-B-9d2" in seen["b"] and "868686" in seen["b"]
    assert "MARKER-A-7c1" in seen["operator"] and "MARKER-B-9d2" in seen["operator"]


def test_authority_and_public_get_aggregates_only(api: Any) -> None:
    for who in ("authority", None):
        client = api(who)
        flows = client.get(f"{API}/parks/{P}/flows").json()["items"]
        assert flows and {f["confidentiality"] for f in flows} == {"public"}
        listings = client.get(f"{API}/parks/{P}/listings?status=all").json()["items"]
        assert {x["confidentiality"] for x in listings} <= {"public"}
        exchanges = client.get(f"{API}/parks/{P}/exchanges").json()
        assert exchanges["items"] == [] and exchanges["one_by_one"] is False
        assert exchanges["totals_note"]  # published under the disclosure rule, or why not
        assert client.get(f"{API}/parks/{P}/matches").json()["items"] == []
        summary = client.get(f"{API}/parks/{P}/assessments").json()
        assert summary["total"] >= 1


# -- pages, ETags, updated_since ----------------------------------------------------------------


def test_pages_with_total_and_links(api: Any) -> None:
    client = api("operator")
    everything = client.get(f"{API}/parks/{P}/flows").json()
    total = everything["total"]
    assert total >= 10
    seen: list[int] = []
    url: str | None = f"{API}/parks/{P}/flows?limit=4"
    pages = 0
    while url:
        reply = client.get(url)
        assert reply.headers["x-total-count"] == str(total)
        body = reply.json()
        assert body["total"] == total and body["limit"] == 4
        seen += [f["id"] for f in body["items"]]
        links = dict(
            (part.split(";")[1].strip(), part.split(";")[0].strip(" <>"))
            for part in reply.headers["link"].split(", ")
        )
        assert 'rel="first"' in links and 'rel="last"' in links
        url = links.get('rel="next"')
        pages += 1
    assert pages == (total + 3) // 4
    assert seen == [f["id"] for f in everything["items"]]
    last = client.get(f"{API}/parks/{P}/flows?limit=4&offset={(pages - 1) * 4}")
    assert 'rel="prev"' in last.headers["link"] and 'rel="next"' not in last.headers["link"]
    beyond = client.get(f"{API}/parks/{P}/flows?offset=10000").json()
    assert beyond["items"] == [] and beyond["total"] == total
    assert client.get(f"{API}/parks/{P}/flows?limit=0").status_code == 422
    assert client.get(f"{API}/parks/{P}/flows?limit=100000").status_code == 422


def test_etag_and_not_modified(api: Any, engine: sa.Engine) -> None:
    client = api("operator")
    flow_id = flows_of_park(engine)[0][0]
    for url in (f"{API}/parks/{P}/flows", f"{API}/parks/{P}/flows/{flow_id}", f"{API}/parks"):
        first = client.get(url)
        tag = first.headers["etag"]
        assert tag.startswith('"') and "private" in first.headers["cache-control"]
        again = client.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tag
        assert client.get(url, headers={"If-None-Match": f'"other", W/{tag}'}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    tag = client.get(f"{API}/parks/{P}/flows/{flow_id}").headers["etag"]
    listed = client.get(f"{API}/parks/{P}/flows").headers["etag"]
    changed = client.patch(f"{API}/parks/{P}/flows/{flow_id}", json={"quantity": 123.5})
    assert changed.status_code == 200, changed.text
    after = client.get(f"{API}/parks/{P}/flows/{flow_id}", headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.json()["entered_quantity"] == 123.5
    assert (
        client.get(f"{API}/parks/{P}/flows", headers={"If-None-Match": listed}).status_code == 200
    )
    # Another caller's representation is another: its tag does not match.
    other = api("a").get(f"{API}/parks/{P}/flows").headers["etag"]
    assert other != client.get(f"{API}/parks/{P}/flows").headers["etag"]


def test_updated_since(api: Any, engine: sa.Engine) -> None:
    client = api("operator")
    flow_id = flows_of_park(engine)[1][0]
    seeded = dt.datetime.fromisoformat(
        client.get(f"{API}/parks/{P}/flows/{flow_id}").json()["updated_at"]
    )
    since = seeded + dt.timedelta(seconds=1)
    while dt.datetime.now(dt.UTC) < since + dt.timedelta(milliseconds=50):
        time.sleep(0.05)
    stamp = since.isoformat()
    assert (
        client.get(f"{API}/parks/{P}/flows", params={"updated_since": stamp}).json()["items"] == []
    )
    assert (
        client.patch(f"{API}/parks/{P}/flows/{flow_id}", json={"quantity": 42}).status_code == 200
    )
    changed = client.get(f"{API}/parks/{P}/flows", params={"updated_since": stamp}).json()
    assert [f["id"] for f in changed["items"]] == [flow_id]
    assert dt.datetime.fromisoformat(changed["items"][0]["updated_at"]) >= since
    # A time without a zone is UTC.
    naive = since.replace(tzinfo=None).isoformat()
    assert (
        client.get(f"{API}/parks/{P}/flows", params={"updated_since": naive}).json()["total"] == 1
    )
    everything = client.get(
        f"{API}/parks/{P}/flows", params={"updated_since": "2000-01-01T00:00:00Z"}
    )
    assert everything.json()["total"] == len(flows_of_park(engine))
    # The enterprise that owns it sees the change; another park's operator does not.
    assert (
        api("a").get(f"{API}/parks/{P}/flows", params={"updated_since": stamp}).json()["total"] <= 1
    )
    assert (
        api("operator_m")
        .get(f"{API}/parks/{P}/flows", params={"updated_since": stamp})
        .json()["items"]
        == []
    )
    assert (
        client.get(f"{API}/parks/{P}/flows", params={"updated_since": "yesterday"}).status_code
        == 422
    )


# -- writing, as everyone ---------------------------------------------------------------------

PARTIES = {"b", "c"}  # supplier and receiver of exchange ex-1 and of the gypsum proposals
CAN_WRITE_THEP = {"a", "operator", "admin"}
SEES_PARK = {"a", "b", "c", "operator", "admin"}


def expected_write(who: str | None, allowed: set[str], done: int) -> int:
    """401 for nobody, ``done`` for who may, 404 for who may not see the record, else 403."""
    if who is None:
        return 401
    if who in allowed:
        return done
    return 403 if who in SEES_PARK else 404


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_every_write_endpoint_as_every_account(
    api: Any, engine: sa.Engine, who: str | None
) -> None:
    client = api(who)
    thep = {
        key: i
        for i, key in rows(
            engine,
            "select f.id, f.key from flows f join organisations o on o.id = f.org_id "
            "where o.code = 'thep' and f.confidentiality = 'park'",
        )
    }
    slag, scrap = thep["thep:2024:out:steel-slag"], thep["thep:2024:in:steel-scrap"]
    gypsum = {
        m["quantity"]: m["id"]
        for m in api("operator").get(f"{API}/parks/{P}/matches").json()["items"]
        if m["material"] == "fgd-gypsum"
    }
    exchange = rows(engine, "select id from exchanges where key = 'ex-1'")[0][0]
    flows = f"{API}/parks/{P}/flows"
    deciders = PARTIES | {"operator", "admin"}
    replies = []

    def answer(reply: Any, expected: int | tuple[int, ...]) -> Any:
        replies.append(reply)
        assert reply.status_code in (expected if isinstance(expected, tuple) else (expected,)), (
            reply.request.method,
            reply.request.url,
            reply.text[:300],
        )
        if reply.status_code >= 400:
            check_problem(reply)
        return reply

    answer(
        client.post(flows, json=NEW_FLOW),
        401 if who is None else 201 if who in CAN_WRITE_THEP else 403,
    )
    answer(
        client.patch(f"{flows}/{slag}", json={"quantity": 1}),
        expected_write(who, CAN_WRITE_THEP, 200),
    )
    answer(client.delete(f"{flows}/{scrap}"), expected_write(who, CAN_WRITE_THEP, 204))
    answer(
        client.post(f"{API}/parks/{P}/matches/{gypsum[15000]}/accept"),
        expected_write(who, deciders, 200),
    )
    answer(
        client.post(f"{API}/parks/{P}/matches/{gypsum[12000]}/reject", json={"reason": "no"}),
        expected_write(who, deciders, 200),
    )
    answer(
        client.patch(f"{API}/parks/{P}/exchanges/{exchange}", json={"status": "stopped"}),
        # The two parties: as `parkloop exchanges set-status` decides for them.
        (200, 403) if who in PARTIES else expected_write(who, {"operator", "admin"}, 200),
    )
    upload = {"file": ("flows.csv", FLOWS_CSV.encode(), "text/csv")}
    reply = answer(
        client.post(f"{API}/parks/{P}/imports", files=upload), 401 if who is None else 202
    )
    if who is not None:
        job = wait_for(client, reply.headers["location"])
        assert job["status"] == "failed"  # one row is bad: nothing was written
    for reply in replies:
        no_markers(who, reply, str(reply.request.url))


# -- writing flows ----------------------------------------------------------------------------


NEW_FLOW = {
    "enterprise": "thep",
    "period": "2025",
    "direction": "out",
    "material": "Xỉ lò điện",
    "quantity": 1200.5,
    "unit": "tấn",
    "confidentiality": "private",
}


def count_flows(engine: sa.Engine) -> int:
    return len(flows_of_park(engine))


def test_a_flow_is_added_read_and_checked_as_a_row_of_the_sheet(
    api: Any, engine: sa.Engine
) -> None:
    client = api("a")
    before = count_flows(engine)
    made = client.post(f"{API}/parks/{P}/flows", json=NEW_FLOW)
    assert made.status_code == 201, made.text
    flow = made.json()
    assert (
        flow["material"]["code"] == "steel-slag" and flow["material_words"]["text"] == "Xỉ lò điện"
    )
    assert flow["entered_unit"] == "tấn" and flow["quantity"] == pytest.approx(1200.5)
    assert flow["confidentiality"] == "private" and flow["updated_at"]
    assert made.headers["location"].endswith(f"/parks/{P}/flows/{flow['id']}")
    assert client.get(made.headers["location"]).json()["id"] == flow["id"]
    assert count_flows(engine) == before + 1
    # The same row again is the same flow: refused, not duplicated.
    again = client.post(f"{API}/parks/{P}/flows", json=NEW_FLOW)
    assert again.status_code == 409
    check_problem(again)
    # It is A's private record: B and the park's other firms never see it.
    assert api("b").get(made.headers["location"]).status_code == 404
    assert api("operator").get(made.headers["location"]).status_code == 200
    log = api("operator").get(f"{API}/parks/{P}/history/flow/{flow['id']}").json()["items"]
    assert log and log[0]["action"] == "import" and log[0]["actor"] == ACCOUNTS["a"][0]


def test_a_bad_flow_gets_the_importers_problems_and_nothing_is_written(
    api: Any, engine: sa.Engine
) -> None:
    client = api("operator")
    before = count_flows(engine)
    bad = {**NEW_FLOW, "unit": "xyz", "direction": "sideways", "quantity": -5, "period": "2025"}
    reply = client.post(f"{API}/parks/{P}/flows", json=bad)
    assert reply.status_code == 422
    body = check_problem(reply)
    found = {(e["column"], e["value"]) for e in body["errors"]}
    assert ("unit", "xyz") in found and ("direction", "sideways") in found
    assert ("quantity", "-5") in found
    for e in body["errors"]:
        assert e["sheet"] == "flows" and e["row"] == 1 and e["message"] and e["fix"]
    unknown = client.post(f"{API}/parks/{P}/flows", json={**NEW_FLOW, "enterprise": "nobody"})
    assert unknown.status_code == 422
    assert check_problem(unknown)["errors"][0]["column"] == "enterprise"
    # What the importer never sees: JSON of the wrong shape, located in the request.
    shape = client.post(f"{API}/parks/{P}/flows", json={**NEW_FLOW, "quantity": "lots", "x": 1})
    assert shape.status_code == 422
    located = {(e["sheet"], e["column"]) for e in check_problem(shape)["errors"]}
    assert ("body", "quantity") in located and ("body", "x") in located
    assert count_flows(engine) == before


def test_changing_a_flow(api: Any, engine: sa.Engine) -> None:
    own = next(i for i, org, level in flows_of_park(engine) if org == "thep" and level == "private")
    client = api("a")
    reply = client.patch(f"{API}/parks/{P}/flows/{own}", json={"quantity": 700000, "unit": "kg"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["quantity"] == pytest.approx(700.0) and reply.json()["entered_unit"] == "kg"
    bad = client.patch(f"{API}/parks/{P}/flows/{own}", json={"unit": "MWh"})
    assert bad.status_code == 422
    error = check_problem(bad)["errors"][0]
    assert (error["sheet"], error["row"], error["column"], error["value"]) == (
        "flows",
        1,
        "unit",
        "MWh",
    )
    assert error["fix"]
    input_flow = next(
        i
        for i, org, level in flows_of_park(engine)
        if org == "thep"
        and level == "park"
        and api("operator").get(f"{API}/parks/{P}/flows/{i}").json()["direction"] == "in"
    )
    wrong = client.patch(f"{API}/parks/{P}/flows/{input_flow}", json={"destination": "landfill"})
    assert wrong.status_code == 422 and check_problem(wrong)["errors"][0]["column"] == "destination"
    assert client.get(f"{API}/parks/{P}/flows/{own}").json()["entered_unit"] == "kg"
    assert client.patch(f"{API}/parks/{P}/flows/{own}", json={}).status_code == 400
    log = api("operator").get(f"{API}/parks/{P}/history/flow/{own}").json()["items"]
    update = next(e for e in log if e["action"] == "update")
    assert update["actor"] == ACCOUNTS["a"][0]
    assert update["detail"]["changed"]["entered_unit"] == ["t", "kg"]


def test_who_may_write_which_flow(api: Any, engine: sa.Engine) -> None:
    flows = flows_of_park(engine)
    b_private = next(i for i, org, level in flows if org == "nhiet-dien" and level == "private")
    b_park = next(i for i, org, level in flows if org == "nhiet-dien" and level == "park")
    change = {"quantity": 1}
    # Another's private record is not found; another's shared one is not allowed.
    assert api("a").patch(f"{API}/parks/{P}/flows/{b_private}", json=change).status_code == 404
    assert api("a").patch(f"{API}/parks/{P}/flows/{b_park}", json=change).status_code == 403
    assert api("a").delete(f"{API}/parks/{P}/flows/{b_park}").status_code == 403
    assert (
        api("operator_m").patch(f"{API}/parks/{P}/flows/{b_park}", json=change).status_code == 404
    )
    assert api("authority").delete(f"{API}/parks/{P}/flows/{b_park}").status_code == 404
    assert api(None).delete(f"{API}/parks/{P}/flows/{b_park}").status_code == 401
    assert api(None).post(f"{API}/parks/{P}/flows", json=NEW_FLOW).status_code == 401
    for_b = {**NEW_FLOW, "enterprise": "nhiet-dien"}
    refused = api("a").post(f"{API}/parks/{P}/flows", json=for_b)
    assert refused.status_code == 403
    check_problem(refused)
    assert api("authority").post(f"{API}/parks/{P}/flows", json=NEW_FLOW).status_code == 403
    before = count_flows(engine)
    assert api("b").delete(f"{API}/parks/{P}/flows/{b_private}").status_code == 204
    assert count_flows(engine) == before - 1
    assert api("b").get(f"{API}/parks/{P}/flows/{b_private}").status_code == 404
    assert api("operator").delete(f"{API}/parks/{P}/flows/{b_park}").status_code == 204
    assert api("operator").delete(f"{API}/parks/{P}/flows/999999").status_code == 404
    assert (
        api("operator").patch(f"{API}/parks/kcn-m/flows/{b_park}", json=change).status_code == 404
    )


# -- matches and exchanges --------------------------------------------------------------------


def match_ids(api: Any) -> dict[str, int]:
    """The saved proposals by what they pair, as the park's operator sees them."""
    found = {}
    for m in api("operator").get(f"{API}/parks/{P}/matches").json()["items"]:
        found[
            f"{m['supplier']['code']}>{m['receiver']['code']}:{m['material']}:{m['quantity']:g}"
        ] = m["id"]
    return found


def test_matches_as_each_party_sees_them(api: Any) -> None:
    ids = match_ids(api)
    private_pair = ids["thep>nhiet-dien:fly-ash:646464"]  # A's and B's private records
    shared = ids["nhiet-dien>xi-mang:fgd-gypsum:15000"]
    seen = {
        who: {m["id"] for m in api(who).get(f"{API}/parks/{P}/matches").json()["items"]}
        for who in WHO
    }
    assert private_pair in seen["operator"] and private_pair in seen["admin"]
    assert private_pair not in seen["a"] | seen["b"] | seen["c"]
    assert shared in seen["b"] and shared in seen["c"] and shared not in seen["a"]  # not a party
    assert seen["authority"] == seen[None] == seen["operator_m"] == set()
    assert api("a").get(f"{API}/parks/{P}/matches/{private_pair}").status_code == 404
    detail = api("c").get(f"{API}/parks/{P}/matches/{shared}").json()
    assert detail["may_decide"] is True and not detail["decision"]["reason"]
    # Once accepted, each party sees it with the other side's confidential figures hidden.
    accepted = api("operator").post(f"{API}/parks/{P}/matches/{private_pair}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted" and accepted.json()["exchange_id"]
    for who in ("a", "b"):
        view = api(who).get(f"{API}/parks/{P}/matches/{private_pair}")
        assert view.status_code == 200
        assert view.json()["quantity"] is None
        no_markers(who, view, "match")
        no_markers(who, api(who).get(f"{API}/parks/{P}/exchanges"), "exchanges")


def test_deciding_matches(api: Any) -> None:
    ids = match_ids(api)
    first = ids["nhiet-dien>xi-mang:fgd-gypsum:15000"]
    second = ids["nhiet-dien>xi-mang:fgd-gypsum:12000"]
    private_pair = ids["thep>nhiet-dien:fly-ash:646464"]
    url = f"{API}/parks/{P}/matches"
    assert api(None).post(f"{url}/{first}/accept").status_code == 401
    assert api("a").post(f"{url}/{first}/accept").status_code == 403  # seen, not a party
    assert api("a").post(f"{url}/{private_pair}/accept").status_code == 404  # not seen
    assert api("authority").post(f"{url}/{first}/accept").status_code == 404
    assert api("c").post(f"{url}/{first}/reject", json={}).status_code == 422
    assert api("c").post(f"{url}/{first}/reject", json={"reason": ""}).status_code == 422
    rejected = api("c").post(f"{url}/{first}/reject", json={"reason": "our kiln takes no more"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    detail = api("b").get(f"{url}/{first}").json()
    assert (
        detail["status"] == "rejected" and detail["decision"]["reason"] == "our kiln takes no more"
    )
    accepted = api("b").post(f"{url}/{second}/accept")
    assert accepted.status_code == 200
    exchange_id = accepted.json()["exchange_id"]
    again = api("b").post(f"{url}/{second}/accept")
    assert again.status_code == 400
    check_problem(again)
    exchange = api("c").get(f"{API}/parks/{P}/exchanges/{exchange_id}")
    assert exchange.status_code == 200 and exchange.json()["status"] == "negotiating"
    assert exchange.json()["match_id"] == second


def test_changing_an_exchanges_status(api: Any, engine: sa.Engine) -> None:
    exchange_id = rows(engine, "select id from exchanges where key = 'ex-1'")[0][0]
    url = f"{API}/parks/{P}/exchanges/{exchange_id}"
    assert api(None).patch(url, json={"status": "stopped"}).status_code == 401
    assert api("authority").patch(url, json={"status": "stopped"}).status_code == 404
    assert api("a").patch(url, json={"status": "stopped"}).status_code == 403  # not a party
    bad = api("operator").patch(url, json={"status": "finished"})
    assert bad.status_code == 422 and check_problem(bad)["errors"][0]["column"] == "status"
    done = api("operator").patch(url, json={"status": "stopped"})
    assert done.status_code == 200 and done.json()["status"] == "stopped"
    assert api("operator").get(url).json()["status"] == "stopped"
    log = api("operator").get(f"{API}/parks/{P}/history/exchange/{exchange_id}").json()["items"]
    assert log[0]["detail"]["changed"]["status"] == ["running", "stopped"]
    listed = api("operator").get(f"{API}/parks/{P}/exchanges?status=stopped").json()["items"]
    assert [x["id"] for x in listed] == [exchange_id]


# -- imports and jobs -------------------------------------------------------------------------


FLOWS_CSV = (
    "park,enterprise,period,direction,material,quantity,unit\n"
    f"{P},thep,2025,out,Xỉ thép,100,tấn\n"
    f"{P},thep,2025,out,Bụi lò,abc,tấn\n"
)


def test_an_import_runs_as_a_job_the_caller_follows(api: Any) -> None:
    client = api("a")
    url = f"{API}/parks/{P}/imports"
    bad = client.post(url, files={"file": ("flows.csv", FLOWS_CSV.encode(), "text/csv")})
    assert bad.status_code == 202, bad.text
    job_url = bad.headers["location"]
    job = wait_for(client, job_url)
    assert job["status"] == "failed" and job["kind"] == "import"
    problem = job["result"]["problems"][0]
    assert (problem["sheet"], problem["row"], problem["column"], problem["value"]) == (
        "flows.csv",
        3,
        "quantity",
        "abc",
    )
    good = FLOWS_CSV.splitlines()[:2]
    done = client.post(
        url,
        files={"file": ("flows.csv", "\n".join(good).encode(), "text/csv")},
        data={"dry_run": "true"},
    )
    job = wait_for(client, done.headers["location"])
    assert job["status"] == "done" and job["result"]["dry_run"] is True
    assert job["result"]["sheets"]["flows"]["created"] == 1
    mine = client.get(f"{API}/jobs").json()
    assert mine["total"] == 2 and {j["status"] for j in mine["items"]} == {"done", "failed"}
    assert client.get(f"{API}/jobs?status=failed").json()["total"] == 1
    # Another enterprise sees none of them; the park's operator sees its park's jobs.
    assert api("b").get(f"{API}/jobs").json()["total"] == 0
    assert api("b").get(job_url).status_code == 404
    assert api("operator").get(job_url).status_code == 200
    assert api(None).get(job_url).status_code == 401
    for name, data in (("notes.txt", b"hello"), ("flows.csv", b"")):
        refused = client.post(url, files={"file": (name, data, "text/plain")})
        assert refused.status_code == 400
        check_problem(refused)
    assert client.post(url, data={"dry_run": "true"}).status_code == 422
    assert api(None).post(url, files={"file": ("flows.csv", b"x", "text/csv")}).status_code == 401


def test_an_enterprise_cannot_import_anothers_rows(api: Any) -> None:
    rows_of_b = FLOWS_CSV.splitlines()[:2]
    text = "\n".join(rows_of_b).replace("thep", "nhiet-dien")
    reply = api("a").post(
        f"{API}/parks/{P}/imports", files={"file": ("flows.csv", text.encode(), "text/csv")}
    )
    job = wait_for(api("a"), reply.headers["location"])
    assert job["status"] == "failed"
    assert "may not write" in job["result"]["problems"][0]["message"]


# -- tokens and sessions ----------------------------------------------------------------------


def test_tokens(api: Any, app: Any, engine: sa.Engine, tokens: dict[str, str]) -> None:
    me = api("b").get(f"{API}/me").json()
    assert me["via"] == "token" and me["role"] == "enterprise" and me["enterprise"] == "nhiet-dien"
    assert api(None).get(f"{API}/me").json()["signed_in"] is False
    client = TestClient(app)
    for header in (
        "Bearer plk_not-a-token",
        "Bearer ",
        "Bearer xyz",
        "Bearer " + "plk_" + "x" * 300,
    ):
        reply = client.get(f"{API}/parks", headers={"Authorization": header})
        assert reply.status_code == 401, header
        check_problem(reply)
    # A revoked token, an expired one and one of a disabled account open nothing.
    with engine.begin() as conn:
        now = accounts.now()
        found = account_store.live_token(conn, accounts.digest(tokens["a"]), "api", now)
        assert found is not None
        account_store.revoke_token(conn, found[0], now)
    assert api("a").get(f"{API}/me").status_code == 401
    expiring = accounts.create_token(engine, ACCOUNTS["b"][0], "short", 1, Viewer.admin())
    assert (
        client.get(f"{API}/me", headers={"Authorization": f"Bearer {expiring}"}).status_code == 200
    )
    with engine.begin() as conn:
        conn.execute(
            sa.text("update api_tokens set expires_at = :t where token_hash = :h"),
            {"t": accounts.now() - dt.timedelta(minutes=1), "h": accounts.digest(expiring)},
        )
    assert (
        client.get(f"{API}/me", headers={"Authorization": f"Bearer {expiring}"}).status_code == 401
    )
    accounts.set_active(engine, ACCOUNTS["c"][0], False, Viewer.admin())
    assert api("c").get(f"{API}/parks").status_code == 401
    assert api("operator").get(f"{API}/parks").status_code == 200


def test_a_session_needs_the_cross_site_token_on_unsafe_methods(
    client: Any, engine: sa.Engine
) -> None:
    browser = client("a")
    assert browser.get(f"{API}/me").json()["via"] == "session"
    url = f"{API}/parks/{P}/flows"
    refused = browser.post(url, json=NEW_FLOW)
    assert refused.status_code == 403
    assert check_problem(refused)["errors"][0]["column"] == "X-CSRF-Token"
    wrong = browser.post(url, json=NEW_FLOW, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    token = {"X-CSRF-Token": browser.cookies.get(CSRF_COOKIE)}
    made = browser.post(url, json=NEW_FLOW, headers=token)
    assert made.status_code == 201, made.text
    flow = made.headers["location"]
    assert browser.patch(flow, json={"quantity": 5}).status_code == 403
    assert browser.patch(flow, json={"quantity": 5}, headers=token).status_code == 200
    assert browser.delete(flow).status_code == 403
    assert browser.delete(flow, headers=token).status_code == 204


# -- the description ------------------------------------------------------------------------


def test_the_openapi_description_is_the_apis_own(api: Any) -> None:
    doc = api(None).get(f"{API}/openapi.json").json()
    assert doc["paths"] and all(p.startswith(f"{API}/") for p in doc["paths"])
    assert "Problem" in doc["components"]["schemas"]
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            for status in ("401", "403", "404", "422"):
                content = operation["responses"][status]["content"]
                assert list(content) == ["application/problem+json"], (method, path, status)
    flows = doc["paths"][f"{API}/parks/{{code}}/flows"]["get"]
    assert {p["name"] for p in flows["parameters"]} >= {
        "limit",
        "offset",
        "updated_since",
        "if-none-match",
        "enterprise",
        "direction",
        "material",
        "material_class",
        "year",
        "needs_review",
    }
    assert "304" in flows["responses"]
