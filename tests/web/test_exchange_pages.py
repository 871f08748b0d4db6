"""The exchange pages: the marketplace of offers and wants, the match inbox and its
decisions, the exchange tracker and its stages.

Each page answers every account (and nobody) with the right status; an enterprise never
receives the other's private markers from any of them, before and after the park's
operator accepts the proposals resting on private records; accepting and rejecting are
for a match's parties, moving an exchange for whom the records service allows; every
form needs this browser's cross-site token and a refused one changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from webseed import MARKERS_A, MARKERS_B, P, post_form

from parkloop.domain.permissions import Viewer
from parkloop.services import jobs, matching
from parkloop.web.access import CSRF_COOKIE

Client = Callable[[str | None], TestClient]
WHO = [None, "a", "b", "c", "operator", "operator_m", "authority", "admin"]
FORBIDDEN = {
    "a": MARKERS_B,
    "b": MARKERS_A,
    "c": MARKERS_A + MARKERS_B,
    "operator_m": MARKERS_A + MARKERS_B,
    "authority": MARKERS_A + MARKERS_B,
    None: MARKERS_A + MARKERS_B,
}


@pytest.fixture
def proposals(engine: sa.Engine) -> dict[str, int]:
    """The park's matching run saved by its broker, and the ids of its proposals:
    ``slag_to_b`` thep's park-level slag for B's private want; ``gypsum`` B's gypsum for
    xi-mang's input, ``gypsum_listing`` for xi-mang's public want; ``ash_private`` A's
    private fly ash for B's private want; ``slag_private`` A's private offer for it."""
    matching.run_matching(engine, park=P, save=True, viewer=Viewer.admin())
    wanted = {
        "slag_to_b": ("thep", "nhiet-dien", "steel-slag", "flow"),
        "gypsum": ("nhiet-dien", "xi-mang", "fgd-gypsum", "flow", "flow"),
        "gypsum_listing": ("nhiet-dien", "xi-mang", "fgd-gypsum", "flow", "listing"),
        "ash_private": ("thep", "nhiet-dien", "fly-ash", "flow"),
        "slag_private": ("thep", "nhiet-dien", "steel-slag", "listing"),
    }
    rows = query(
        engine,
        "select m.id, s.code, r.code, m.material_code, m.supply_kind, m.demand_kind "
        "from matches m join organisations s on s.id = m.supplier_id "
        "join organisations r on r.id = m.receiver_id",
    )
    found = {}
    for name, key in wanted.items():
        ids = [r[0] for r in rows if tuple(r[1 : 1 + len(key)]) == key]
        assert len(ids) == 1, (name, rows)
        found[name] = ids[0]
    return found


@pytest.fixture
def signed(client: Client) -> Client:
    """``signed(who)``: the test's one client of account ``who``, signed in once."""
    made: dict[str | None, TestClient] = {}

    def get(who: str | None) -> TestClient:
        if who not in made:
            made[who] = client(who)
        return made[who]

    return get


@pytest.fixture(autouse=True)
def _jobs_end() -> Iterator[None]:
    """A matching job a test starts ends before its database goes."""
    yield
    jobs.IN_PROCESS.shutdown(wait=True)


def query(engine: sa.Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def one(engine: sa.Engine, sql: str, **params: Any) -> Any:
    rows = query(engine, sql, **params)
    assert len(rows) == 1, rows
    return rows[0][0]


def exchange_id(engine: sa.Engine, key: str) -> int:
    return int(one(engine, "select id from exchanges where key = :key", key=key))


def status_of_match(engine: sa.Engine, match_id: int) -> str:
    return str(one(engine, "select status from matches where id = :id", id=match_id))


def counts(engine: sa.Engine) -> tuple[int, ...]:
    """What a refused form must leave as it was (signing in is logged, and may happen)."""
    return (
        *(one(engine, f"select count(*) from {t}") for t in ("listings", "exchanges", "jobs")),
        one(engine, "select count(*) from change_log where object_type != 'user'"),
        one(engine, "select count(*) from matches where status != 'proposed'"),
        one(engine, "select count(*) from listings where status != 'open'"),
        one(engine, "select count(*) from exchanges where status != 'running'"),
    )


def page_urls(engine: sa.Engine) -> list[str]:
    """Every page of this part for the park: the lists with everything in them, and every
    match and exchange of the park by id."""
    base = f"/parks/{P}"
    urls = [f"{base}/marketplace?status=all", f"{base}/matches", f"{base}/exchanges"]
    urls += [f"{base}/matches/{i}" for (i,) in query(engine, "select id from matches")]
    urls += [f"{base}/exchanges/{i}" for (i,) in query(engine, "select id from exchanges")]
    return urls


# -- every page, every account ---------------------------------------------------------------


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
def test_each_page_answers_each_account(
    signed: Client, engine: sa.Engine, proposals: dict[str, int], who: str | None
) -> None:
    c = signed(who)
    base = f"/parks/{P}"
    in_park = who in ("a", "b", "c", "operator", "admin")
    gypsum, ex1 = proposals["gypsum"], exchange_id(engine, "ex-1")
    expected = {
        f"{base}/marketplace": 200,
        f"{base}/marketplace?lang=en": 200,
        f"{base}/exchanges": 200,
        f"{base}/exchanges?lang=en": 200,
        f"{base}/matches": 303 if who is None else 200,
        f"{base}/matches?lang=en": 303 if who is None else 200,
        f"{base}/matches/{gypsum}": 303 if who is None else (200 if in_park else 404),
        f"{base}/exchanges/{ex1}": 200 if in_park else 404,
        f"{base}/exchanges/{ex1}?lang=en": 200 if in_park else 404,
    }
    for url, status in expected.items():
        reply = c.get(url, follow_redirects=False)
        assert reply.status_code == status, (who, url, reply.status_code, reply.text[:500])
        if status == 303:
            assert reply.headers["location"].startswith("/sign-in"), url
    marketplace = c.get(f"{base}/marketplace?lang=en").text
    # xi-mang's public want is everyone's to see, with the enterprise's name.
    assert "Xi măng" in marketplace and "FGD" in marketplace
    if in_park:
        tracker = c.get(f"{base}/exchanges?lang=en").text
        assert "Nhiệt điện" in tracker and "Fly ash" in tracker
        assert f"{base}/exchanges/{ex1}" in tracker


def test_the_inbox_holds_what_concerns_the_caller(
    signed: Client, proposals: dict[str, int]
) -> None:
    base = f"/parks/{P}/matches"
    link = f"/parks/{P}/matches/{{}}"
    a = signed("a").get(base).text
    b = signed("b").get(base).text
    c = signed("c").get(base).text
    operator = signed("operator").get(base).text
    # B supplies the gypsum and wants the slag; A sees neither its slag nor its ash
    # matched with B's private want until that is accepted; xi-mang takes the gypsum.
    assert link.format(proposals["gypsum"]) in b and link.format(proposals["slag_to_b"]) in b
    assert link.format(proposals["gypsum"]) not in a
    assert link.format(proposals["slag_to_b"]) not in a
    assert link.format(proposals["gypsum"]) in c and link.format(proposals["slag_to_b"]) not in c
    assert all(link.format(i) in operator for i in proposals.values())
    assert signed("authority").get(base).status_code == 200
    detail = signed("b").get(link.format(proposals["slag_to_b"]) + "?lang=en").text
    for words in ("Why it was proposed", "Net benefit", "Factors and their sources", "Method"):
        assert words in detail


# -- what each account may receive -----------------------------------------------------------


def assert_nothing_forbidden(signed: Client, engine: sa.Engine, phase: str, lang: str) -> None:
    """No page sends an account a marker it may not receive (the markers hold both
    languages' ways of writing each number)."""
    urls = page_urls(engine)
    for who, forbidden in FORBIDDEN.items():
        c = signed(who)
        for url in urls:
            reply = c.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
            assert reply.status_code < 500, (who, url, reply.text[:500])
            leaked = [m for m in forbidden if m in reply.text]
            assert leaked == [], f"{phase}: {who} received {leaked} from {url}"


def test_no_page_shows_an_enterprise_what_it_may_not_see(
    signed: Client, engine: sa.Engine, proposals: dict[str, int]
) -> None:
    # Each enterprise lists a private want with its marker price and words.
    for who, marker, price, material in (
        ("a", "MARKER-A-7c1", "4321", "iron ore"),
        ("b", "MARKER-B-9d2", "9191", "limestone"),
    ):
        reply = post_form(
            signed(who),
            f"/parks/{P}/marketplace",
            {
                "enterprise": "thep" if who == "a" else "nhiet-dien",
                "kind": "want",
                "material": material,
                "quantity": "1000",
                "unit": "tấn",
                "price": price,
                "description": marker,
                "confidentiality": "private",
            },
        )
        assert reply.status_code == 303, reply.text[:1000]
    own = signed("a").get(f"/parks/{P}/marketplace").text
    assert "MARKER-A-7c1" in own and "4,321" in own
    assert_nothing_forbidden(signed, engine, "proposed", "vi")
    # The broker accepts the proposals resting on private records and starts them: the
    # parties now see them, without the other side's figures.
    operator = signed("operator")
    for name in ("slag_to_b", "ash_private", "slag_private"):
        reply = post_form(operator, f"/parks/{P}/matches/{proposals[name]}/accept")
        assert reply.status_code == 303, reply.text[:500]
        key = f"match-{proposals[name]}"
        reply = post_form(
            operator,
            f"/parks/{P}/exchanges/{exchange_id(engine, key)}/status",
            {"status": "running"},
        )
        assert reply.status_code == 303, reply.text[:500]
    assert_nothing_forbidden(signed, engine, "accepted", "en")
    # The broker sees all five run; outside the park, the published totals rest only on
    # the two exchanges of shared records.
    for who, running in (("operator", "5"), (None, "2"), ("authority", "2")):
        page = signed(who).get(f"/parks/{P}/exchanges?lang=en").text
        assert re.findall(r'pl-card-figure">([^<]+)<', page)[0] == running, who
    a = signed("a").get(f"/parks/{P}/matches?lang=en").text
    assert f"/parks/{P}/matches/{proposals['ash_private']}" in a
    assert "confidential" in signed("a").get(f"/parks/{P}/exchanges?lang=en").text
    assert "rest on confidential records" in signed("c").get(f"/parks/{P}/exchanges?lang=en").text


# -- deciding on a match ---------------------------------------------------------------------


def test_a_party_accepts_and_the_exchange_is_negotiated(
    signed: Client, engine: sa.Engine, proposals: dict[str, int]
) -> None:
    gypsum = proposals["gypsum"]
    b = signed("b")
    page = b.get(f"/parks/{P}/matches/{gypsum}").text
    assert f"/parks/{P}/matches/{gypsum}/accept" in page
    reply = post_form(b, f"/parks/{P}/matches/{gypsum}/accept")
    assert reply.status_code == 303
    assert reply.headers["location"].endswith(f"/parks/{P}/matches/{gypsum}?done=accepted")
    assert status_of_match(engine, gypsum) == "accepted"
    xid = exchange_id(engine, f"match-{gypsum}")
    assert one(engine, "select status from exchanges where id = :id", id=xid) == "negotiating"
    page = b.get(reply.headers["location"] + "&lang=en").text
    assert "Accepted" in page and f"/parks/{P}/exchanges/{xid}" in page
    assert f"/parks/{P}/matches/{gypsum}/accept" not in page
    # Both parties and the operator follow it in the tracker, in negotiation, with the
    # quantity proposed.
    for who in ("b", "c", "operator"):
        tracker = signed(who).get(f"/parks/{P}/exchanges?status=negotiating&lang=en").text
        assert f"/parks/{P}/exchanges/{xid}" in tracker, who
        assert "15,000 t" in tracker, who
    detail = signed("c").get(f"/parks/{P}/exchanges/{xid}?lang=en").text
    assert "negotiating" in detail and f"/parks/{P}/matches/{gypsum}" in detail
    assert f"/parks/{P}/history/exchange/{xid}" in detail
    # Accepting twice is refused.
    assert post_form(signed("c"), f"/parks/{P}/matches/{gypsum}/accept").status_code == 400


def test_a_party_rejects_with_a_reason(
    signed: Client, engine: sa.Engine, proposals: dict[str, int]
) -> None:
    match_id = proposals["gypsum_listing"]
    c = signed("c")
    before = counts(engine)
    reply = post_form(c, f"/parks/{P}/matches/{match_id}/reject", {"reason": "  "})
    assert reply.status_code == 400
    assert "say why" in reply.text
    assert counts(engine) == before and status_of_match(engine, match_id) == "proposed"
    reply = post_form(c, f"/parks/{P}/matches/{match_id}/reject", {"reason": "quá ẩm, cần sấy"})
    assert reply.status_code == 303
    assert status_of_match(engine, match_id) == "rejected"
    assert (
        one(engine, "select decision_reason from matches where id = :id", id=match_id)
        == "quá ẩm, cần sấy"
    )
    page = c.get(f"/parks/{P}/matches/{match_id}?lang=vi").text
    assert "quá ẩm, cần sấy" in page and "đã từ chối" in page
    assert f"/parks/{P}/matches/{match_id}/reject" not in page
    listed = c.get(f"/parks/{P}/matches?status=rejected").text
    assert f"/parks/{P}/matches/{match_id}" in listed


@pytest.mark.parametrize("who", ["a", "authority", "operator_m"])
@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_only_the_parties_and_their_operator_decide(
    signed: Client, engine: sa.Engine, proposals: dict[str, int], who: str, decision: str
) -> None:
    gypsum = proposals["gypsum"]
    c = signed(who)
    assert f"/matches/{gypsum}/accept" not in c.get(f"/parks/{P}/matches/{gypsum}").text
    before = counts(engine)
    reply = post_form(c, f"/parks/{P}/matches/{gypsum}/{decision}", {"reason": "không phù hợp"})
    # Another park's operator is told nothing of the match; A and the authority may not.
    assert reply.status_code == (404 if who == "operator_m" else 403), reply.text[:500]
    assert counts(engine) == before
    assert status_of_match(engine, gypsum) == "proposed"


def test_forms_without_the_cross_site_token_are_refused(
    signed: Client, engine: sa.Engine, proposals: dict[str, int]
) -> None:
    b = signed("b")
    b.get(f"/parks/{P}/matches")
    assert b.cookies.get(CSRF_COOKIE)
    listing = one(engine, "select id from listings where key = 'nhiet-dien:want:natural-sand'")
    before = counts(engine)
    for url, data in (
        (f"/parks/{P}/matches/{proposals['gypsum']}/accept", {}),
        (f"/parks/{P}/matches/{proposals['gypsum']}/reject", {"reason": "x"}),
        (f"/parks/{P}/marketplace/{listing}/close", {}),
        (
            f"/parks/{P}/marketplace",
            {
                "enterprise": "nhiet-dien",
                "kind": "offer",
                "material": "tro bay",
                "quantity": "5",
                "unit": "tấn",
            },
        ),
        (f"/parks/{P}/exchanges/{exchange_id(engine, 'ex-1')}/status", {"status": "stopped"}),
        (f"/parks/{P}/matches/run", {}),
    ):
        for sent in (data, {**data, "csrf": "not-this-browser's"}):
            reply = b.post(url, data=sent, follow_redirects=False)
            assert reply.status_code == 403, (url, reply.status_code)
    operator = signed("operator")
    operator.get("/")
    reply = operator.post(f"/parks/{P}/matches/run", data={}, follow_redirects=False)
    assert reply.status_code == 403
    assert counts(engine) == before


# -- the exchange tracker --------------------------------------------------------------------


def test_the_operator_moves_an_exchange_and_others_may_not(
    signed: Client, engine: sa.Engine
) -> None:
    xid = exchange_id(engine, "ex-1")  # nhiet-dien -> xi-mang, running
    url = f"/parks/{P}/exchanges/{xid}/status"
    before = counts(engine)
    for who in ("a", "authority", "operator_m"):
        page = signed(who).get(f"/parks/{P}/exchanges/{xid}")
        assert url not in page.text
        assert post_form(signed(who), url, {"status": "stopped"}).status_code == 403, who
    assert counts(engine) == before
    operator = signed("operator")
    assert url in operator.get(f"/parks/{P}/exchanges/{xid}").text
    assert post_form(operator, url, {"status": "paused"}).status_code == 400
    reply = post_form(operator, url, {"status": "stopped"})
    assert reply.status_code == 303
    assert reply.headers["location"].endswith(f"/parks/{P}/exchanges/{xid}?done=changed")
    assert one(engine, "select status from exchanges where id = :id", id=xid) == "stopped"
    actor = one(
        engine,
        "select actor from change_log where object_type = 'exchange' and object_key = 'ex-1'",
    )
    assert actor == "operator@kcn-l.vn"
    stopped = operator.get(f"/parks/{P}/exchanges?status=stopped").text
    assert f"/parks/{P}/exchanges/{xid}" in stopped
    history = operator.get(f"/parks/{P}/history/exchange/{xid}").text
    assert "stopped" in history


def test_the_tracker_totals_what_runs(signed: Client) -> None:
    page = signed("operator").get(f"/parks/{P}/exchanges?lang=en").text
    cards = re.findall(r'pl-card-figure">([^<]+)<', page)
    assert cards[0] == "2"  # ex-1 and ex-2 run
    assert "How the figures are computed" in page and "pl-source" in page
    public = signed(None).get(f"/parks/{P}/exchanges?lang=en").text
    # Outside the park: the totals the disclosure rule publishes, no exchange one by one.
    assert f"/parks/{P}/exchanges/" not in public
    assert "disclosure rule" in public


# -- the marketplace -------------------------------------------------------------------------


def test_an_enterprise_lists_and_closes_its_own_offer(signed: Client, engine: sa.Engine) -> None:
    c = signed("c")
    page = c.get(f"/parks/{P}/marketplace").text
    assert 'name="enterprise" value="xi-mang"' in page  # its own, and only its own
    # Typed in Vietnamese: '.' groups thousands.
    reply = post_form(
        c,
        f"/parks/{P}/marketplace?lang=vi",
        {
            "enterprise": "xi-mang",
            "kind": "offer",
            "material": "bụi lò xi măng",
            "quantity": "1.200",
            "unit": "tấn",
            "price": "50.000",
            "quality": "CaO 40%",
            "confidentiality": "park",
        },
    )
    assert reply.status_code == 303, reply.text[:1000]
    listing, quantity, status = query(
        engine,
        "select l.id, l.quantity, l.status from listings l join organisations o "
        "on o.id = l.org_id where o.code = 'xi-mang' and l.kind = 'offer'",
    )[0]
    assert quantity == 1200 and status == "open"
    for who in ("a", "b", "operator"):
        seen = signed(who).get(f"/parks/{P}/marketplace?kind=offer&lang=en").text
        assert "CaO 40%" in seen and "1,200 t" in seen and "50,000" in seen, who
    assert "CaO 40%" not in signed(None).get(f"/parks/{P}/marketplace").text
    close = f"/parks/{P}/marketplace/{listing}/close"
    assert close not in signed("a").get(f"/parks/{P}/marketplace").text
    assert post_form(signed("a"), close).status_code == 403
    assert post_form(signed("authority"), close).status_code == 403
    # A's private offer is not B's to find.
    private = one(engine, "select id from listings where key = 'thep:offer:steel-slag'")
    assert post_form(signed("b"), f"/parks/{P}/marketplace/{private}/close").status_code == 404
    assert close in c.get(f"/parks/{P}/marketplace").text
    reply = post_form(c, close)
    assert reply.status_code == 303
    assert one(engine, "select status from listings where id = :id", id=listing) == "closed"
    assert "CaO 40%" not in signed("b").get(f"/parks/{P}/marketplace").text
    assert "CaO 40%" in signed("b").get(f"/parks/{P}/marketplace?status=closed").text


def test_a_listing_with_problems_is_shown_back_and_changes_nothing(
    signed: Client, engine: sa.Engine
) -> None:
    before = counts(engine)
    reply = post_form(
        signed("c"),
        f"/parks/{P}/marketplace",
        {
            "enterprise": "xi-mang",
            "kind": "offer",
            "material": "tro bay",
            "quantity": "nhiều",
            "unit": "tấn",
        },
    )
    assert reply.status_code == 422
    assert "pl-problems" in reply.text and "nhiều" in reply.text
    # Another enterprise's listing is refused as the importer refuses it.
    reply = post_form(
        signed("c"),
        f"/parks/{P}/marketplace",
        {
            "enterprise": "thep",
            "kind": "offer",
            "material": "tro bay",
            "quantity": "5",
            "unit": "tấn",
        },
    )
    assert reply.status_code in (403, 422)
    assert counts(engine) == before


def test_the_marketplace_filters(signed: Client) -> None:
    operator = signed("operator")
    wants = operator.get(f"/parks/{P}/marketplace?kind=want&lang=en").text
    assert "Natural sand" in wants and "Steel slag" not in wants
    offers = operator.get(f"/parks/{P}/marketplace?kind=offer&lang=en").text
    assert "Steel slag" in offers and "Natural sand" not in offers
    found = operator.get(f"/parks/{P}/marketplace?q=xi+m%C4%83ng&lang=en").text
    assert "FGD" in found and "Natural sand" not in found
    none = operator.get(f"/parks/{P}/marketplace?class=water&lang=en").text
    assert "No offers or wants match." in none


# -- matching again --------------------------------------------------------------------------


def test_the_operator_matches_the_park_again_as_a_job(
    signed: Client, engine: sa.Engine, proposals: dict[str, int]
) -> None:
    url = f"/parks/{P}/matches/run"
    before = counts(engine)
    assert post_form(signed("a"), url).status_code == 403
    assert post_form(signed("operator_m"), url).status_code == 403
    assert counts(engine) == before
    operator = signed("operator")
    assert url in operator.get(f"/parks/{P}/matches").text
    reply = post_form(operator, url)
    assert reply.status_code == 303
    match = re.fullmatch(r".*/jobs/(\d+)", reply.headers["location"])
    assert match is not None
    jobs.IN_PROCESS.shutdown(wait=True)
    job = int(match.group(1))
    assert one(engine, "select status from jobs where id = :id", id=job) == "done"
    assert one(engine, "select kind from jobs where id = :id", id=job) == "match"
    assert operator.get(reply.headers["location"]).status_code == 200
    # The proposals are saved again, the same pairs keeping their ids.
    assert {i for (i,) in query(engine, "select id from matches")} == set(proposals.values())


def test_the_inbox_comes_in_pages(engine: Any, client: Any) -> None:
    from parkloop.domain.permissions import Role, Viewer
    from parkloop.services import inbox

    whole = inbox.inbox(engine, P, Viewer(Role.ADMIN, name="admin"))
    assert whole.total == len(whole.matches) >= 2
    first = inbox.inbox(engine, P, Viewer(Role.ADMIN, name="admin"), offset=0, limit=1)
    second = inbox.inbox(engine, P, Viewer(Role.ADMIN, name="admin"), offset=1, limit=1)
    assert first.total == whole.total and len(first.matches) == len(second.matches) == 1
    assert [first.matches[0]["id"], second.matches[0]["id"]] == [m["id"] for m in whole.matches[:2]]
    assert client("operator").get(f"/parks/{P}/matches?page_at=2").status_code == 200
