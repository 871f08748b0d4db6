"""A facilitator and authorities of a province or a region, through the pages.

The facilitator of park P records RECP measures and park evidence there and runs its
scenarios, is refused the same in park kcn-m and refused any change to a flow, an offer
or an enterprise, and never receives A's or B's private records. An authority of one
province or one region sees the parks of it in its lists and is refused the pages of
any other park."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from webseed import ACCOUNTS, MARKERS_A, MARKERS_B, PASSWORD, P, post_form, sign_in, write_sheets

from parkloop.domain.permissions import Viewer
from parkloop.errors import NotAllowed
from parkloop.services import accounts, jobs
from parkloop.services.importing import ImportProblems, import_path, import_rows
from parkloop.store.schema import change_log, evidence, flows, listings, optimisation_runs
from parkloop.store.schema import recp_measures as measures

Client = Callable[[str | None], TestClient]
FACILITATOR = ACCOUNTS["facilitator"][0]
EVIDENCE = f"/parks/{P}/assessment/decree-35-2022/compliance_years/evidence"
MEASURE = {
    "enterprise": "thep",
    "year": "2024",
    "title": "Biến tần cho quạt hút bụi lò điện",
    "category": "energy_efficiency",
    "electricity_saved_mwh": "1200.5",
    "fuel_saved_gj": "300",
    "fuel_type": "than cám",
    "cost_saved_vnd": "2000000000",
    "investment_vnd": "3000000000",
    "data_status": "estimate",
    "source": "RECP audit 2024",
}


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def leaked(text: str) -> list[str]:
    return [m for m in MARKERS_A + MARKERS_B if m in text]


def wait_for(engine: Engine, job_id: int, seconds: float = 60.0) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        state = jobs.state_of(engine, job_id)
        if state in ("done", "failed"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end in {seconds} s")


# -- the facilitator ------------------------------------------------------------------------------


def test_a_facilitator_goes_to_its_parks_work_and_sees_no_private_record(client: Client) -> None:
    c = client("facilitator")
    home = c.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"].endswith("/facilitation")
    page = c.get("/facilitation?lang=en")
    assert page.status_code == 200
    text = page.text
    assert "KCN L" in text and "KCN M" not in text
    assert "Assessment rate" in text and "over 2 of 8 criteria" in text
    assert f"/parks/{P}/recp" in text and f"/parks/{P}/optimisation" in text
    assert leaked(text) == []
    for url in (f"/parks/{P}", f"/parks/{P}/flows", f"/parks/{P}/recp", f"/parks/{P}/assessment"):
        assert leaked(c.get(url).text) == [], url
    # The park's shared records are the facilitator's to see, as for its enterprises (B's
    # FGD gypsum, 15,000 t, is a park-level record); the public sees none of them.
    assert "15,000" in c.get(f"/parks/{P}/flows?lang=en").text
    assert "15,000" not in client(None).get(f"/parks/{P}/flows?lang=en").text


def test_the_facilitators_pages_are_for_facilitators_operators_and_the_administrator(
    client: Client,
) -> None:
    for who in ("a", "authority"):
        assert client(who).get("/facilitation").status_code == 403, who
        assert client(who).get(f"/parks/{P}/recp").status_code == 403, who
    assert client(None).get("/facilitation", follow_redirects=False).status_code == 303
    operator = client("operator_m").get("/facilitation").text
    assert "KCN M" in operator and "KCN L" not in operator
    everything = client("admin").get("/facilitation").text
    assert "KCN M" in everything and "KCN L" in everything


def test_a_facilitator_records_and_changes_a_recp_measure_of_its_park(
    client: Client, engine: Engine
) -> None:
    c = client("facilitator")
    form = c.get(f"/parks/{P}/recp?lang=en").text
    assert 'name="title"' in form and 'value="thep"' in form
    reply = post_form(c, f"/parks/{P}/recp", MEASURE)
    assert reply.status_code == 303, reply.text[:800]
    with engine.connect() as conn:
        row = conn.execute(select(measures)).mappings().one()
        actors = conn.execute(select(change_log.c.actor)).scalars().all()
    assert row["electricity_saved_mwh"] == pytest.approx(1200.5)
    assert row["fuel_type"] == "coal" or row["fuel_text"] == "than cám"
    assert row["data_status"] == "estimate" and row["source"] == "RECP audit 2024"
    assert FACILITATOR in actors
    page = c.get(reply.headers["location"] + "&lang=en").text
    assert "The measure is recorded." in page
    assert "1 firm saved 1,200 MWh electricity" in page and "billion VND saved a year" in page
    assert "Biến tần cho quạt hút bụi lò điện" in page
    # Changing it: the form filled with the measure, saved under its key.
    filled = c.get(f"/parks/{P}/recp?year=2024&edit={row['key']}&lang=en").text
    assert f'name="key" value="{row["key"]}"' in filled and 'value="1200.5"' in filled
    changed = post_form(
        c, f"/parks/{P}/recp", {**MEASURE, "key": row["key"], "cost_saved_vnd": "2500000000"}
    )
    assert changed.status_code == 303, changed.text[:800]
    with engine.connect() as conn:
        rows = conn.execute(select(measures.c.key, measures.c.cost_saved_vnd)).all()
    assert [tuple(r) for r in rows] == [(row["key"], 2_500_000_000.0)]
    dashboard = c.get("/facilitation?lang=en").text
    assert "RECP programme" in dashboard and "2.5 billion VND saved a year" in dashboard


def test_a_facilitator_is_refused_in_another_park_and_refused_any_change_of_a_flow(
    client: Client, engine: Engine
) -> None:
    c = client("facilitator")
    assert 'name="title"' not in c.get("/parks/kcn-m/recp").text
    other = post_form(c, "/parks/kcn-m/recp", {**MEASURE, "enterprise": "khac"})
    assert other.status_code == 422
    assert "may not write this record (of park &#39;kcn-m&#39;)" in other.text
    assert count(engine, measures) == 0
    with engine.connect() as conn:
        flow_id, quantity = conn.execute(
            text(
                "select f.id, f.quantity from flows f join organisations o on o.id = f.org_id "
                "where o.code = 'xi-mang' and f.confidentiality = 'public'"
            )
        ).one()
    before = (count(engine, flows), count(engine, listings), count(engine, change_log))
    assert post_form(c, f"/parks/{P}/flows/{flow_id}", {"quantity": "1"}).status_code == 403
    assert post_form(c, f"/parks/{P}/flows/{flow_id}/delete").status_code == 403
    assert post_form(c, f"/parks/{P}/enterprises/xi-mang", {"name": "X"}).status_code == 403
    offer = {"enterprise": "xi-mang", "kind": "offer", "material": "fly-ash"}
    refused = post_form(c, f"/parks/{P}/marketplace", {**offer, "quantity": "5", "unit": "t"})
    assert refused.status_code in (403, 422)
    flow_row = {
        "park": P,
        "enterprise": "xi-mang",
        "period": "2024",
        "direction": "out",
        "material": "fly-ash",
        "quantity": "5",
        "unit": "t",
    }
    viewer = accounts.viewer_of(accounts.authenticate(engine, FACILITATOR, PASSWORD, "test"))
    with pytest.raises(ImportProblems, match="may not write"):
        import_rows(engine, {"flows": [flow_row]}, viewer=viewer)
    with engine.connect() as conn:
        kept = conn.scalar(select(flows.c.quantity).where(flows.c.id == flow_id))
    assert kept == quantity
    assert (count(engine, flows), count(engine, listings)) == before[:2]


def upload(c: TestClient, url: str = EVIDENCE, **fields: str) -> Any:
    data = {"note": "Biên bản kiểm tra của Sở", "year": "2024", "value": "3", **fields}
    c.get("/")
    data["csrf"] = c.cookies.get("parkloop_csrf") or ""
    return c.post(
        url,
        data=data,
        files={"file": ("bien-ban.pdf", b"%PDF-1.4 bien ban\n", "application/pdf")},
        follow_redirects=False,
    )


def test_a_facilitator_files_the_evidence_of_its_park_never_an_enterprises(
    client: Client, engine: Engine
) -> None:
    c = client("facilitator")
    assert 'id="evidence-form"' in c.get(EVIDENCE.removesuffix("/evidence")).text
    assert upload(c).status_code == 303
    assert count(engine, evidence) == 1
    assert upload(c, EVIDENCE.replace(P, "kcn-m")).status_code == 403
    own = f"/parks/{P}/assessment/decree-35-2022/ent_disclosure/evidence"
    assert upload(c, own, enterprise="thep", value="", value_text="yes").status_code == 403
    assert count(engine, evidence) == 1


def test_a_facilitator_runs_scenarios_and_assessments_but_keeps_no_plan_of_the_park(
    client: Client, engine: Engine
) -> None:
    c = client("facilitator")
    reply = post_form(c, f"/parks/{P}/optimisation", {"objective": "net-benefit", "keep": "true"})
    assert reply.status_code == 303, reply.text[:800]
    job_id = int(reply.headers["location"].rsplit("/", 1)[1])
    assert wait_for(engine, job_id) == "done"
    assert count(engine, optimisation_runs) == 0
    scenarios = c.get(f"/parks/{P}/optimisation").text
    assert f"job-{job_id}" in scenarios and leaked(scenarios) == []
    assert leaked(c.get(reply.headers["location"]).text) == []
    assert post_form(c, f"/parks/{P}/assessment", {"ruleset": "decree-35-2022"}).status_code == 403


# -- authorities of a province or a region --------------------------------------------------------

AUTHORITIES = {
    # who: province, region; the parks it sees
    "hai-duong": ("Hải Dương", None, {"kcn-l", "kcn-m"}),  # part of Hải Phòng since 2025
    "binh-duong": ("Bình Dương", None, {"kcn-n"}),  # part of Hồ Chí Minh since 2025
    "red-river": (None, "red-river-delta", {"kcn-l", "kcn-m"}),
    "national": (None, None, {"kcn-l", "kcn-m", "kcn-n"}),
}


@pytest.fixture
def scoped(engine: Engine, app: Any, tmp_path: Path) -> dict[str, TestClient]:
    """A third park, in another province, and an authority of each scope signed in."""
    sheets = {
        "parks": [
            ["code", "name_vi", "province", "lat", "lon"],
            ["kcn-n", "KCN N", "Bình Dương", "11.05", "106.65"],
        ],
        "enterprises": [
            ["park", "code", "name_vi", "vsic", "lat", "lon"],
            ["kcn-n", "giay-n", "Giấy N", "17", "11.051", "106.651"],
        ],
    }
    import_path(engine, write_sheets(tmp_path / "kcn-n", sheets))
    out = {}
    for who, (province, region, _) in AUTHORITIES.items():
        email = f"{who}@gov.vn"
        accounts.add_user(
            engine,
            email,
            "authority",
            Viewer.admin(),
            province=province,
            region=region,
            password=PASSWORD,
            lang="en",
        )
        out[who] = sign_in(TestClient(app, base_url="http://testserver"), email)
    return out


def test_an_authority_lists_only_the_parks_of_its_province_or_region(
    scoped: dict[str, TestClient],
) -> None:
    names = {"kcn-l": "KCN L", "kcn-m": "KCN M", "kcn-n": "KCN N"}
    for who, (_, _, seen) in AUTHORITIES.items():
        c = scoped[who]
        home = c.get("/").text
        listed = {code for code, name in names.items() if f">{name}</a>" in home}
        assert listed == seen, who
        api = c.get("/api/v1/parks").json()
        assert {p["code"] for p in api["items"]} == seen, who


def test_an_authority_is_refused_the_pages_of_a_park_outside_its_scope(
    scoped: dict[str, TestClient], client: Client
) -> None:
    c = scoped["binh-duong"]
    for url in (
        f"/parks/{P}",
        f"/parks/{P}/exchanges",
        f"/parks/{P}/map",
        f"/parks/{P}/assessment",
    ):
        refused = c.get(url)
        assert refused.status_code == 403, url
        assert "outside the scope of this account" in refused.text, url
        assert "Hồ Chí Minh" in refused.text, url
    problem = c.get(f"/api/v1/parks/{P}")
    assert problem.status_code == 403
    assert problem.headers["content-type"].startswith("application/problem+json")
    assert c.get("/parks/kcn-n").status_code == 200
    assert scoped["hai-duong"].get("/parks/kcn-n").status_code == 403
    assert scoped["hai-duong"].get(f"/parks/{P}").status_code == 200
    assert scoped["national"].get("/parks/kcn-n").status_code == 200
    # The public still sees what every park publishes.
    assert client(None).get(f"/parks/{P}").status_code == 200


def test_an_authority_follows_the_kept_rates_of_the_parks_it_oversees_only(
    scoped: dict[str, TestClient], client: Client, engine: Engine
) -> None:
    kept = post_form(client("operator"), f"/parks/{P}/assessment", {"ruleset": "decree-35-2022"})
    assert kept.status_code == 303
    assert "Criteria without data" in scoped["hai-duong"].get(f"/parks/{P}").text
    assert "Criteria without data" in scoped["national"].get(f"/parks/{P}").text
    assert (
        "Assessments kept by the park operator" in client("facilitator").get("/facilitation").text
    )
    with engine.connect() as conn:
        ids = {str(c): int(i) for c, i in conn.execute(text("select code, id from parks"))}
        user = accounts.authenticate(engine, "binh-duong@gov.vn", PASSWORD, "test")
    viewer = accounts.viewer_of(user)
    assert viewer.scope == frozenset({ids["kcn-n"]})
    with pytest.raises(NotAllowed):
        jobs.submit(engine, "resilience", {"park": P}, viewer)


def test_the_administrator_creates_an_authority_of_a_province_on_the_accounts_page(
    client: Client, engine: Engine
) -> None:
    admin = client("admin")
    page = admin.get("/users?lang=en").text
    assert 'name="province"' in page and 'value="red-river-delta"' in page
    assert 'name="province"' not in client("operator").get("/users").text
    new = {"email": "hp@gov.vn", "role": "authority", "password": PASSWORD}
    bad = post_form(admin, "/users", {**new, "province": "Xyz"})
    assert bad.status_code == 400 and "is not one of Viet Nam" in bad.text
    assert post_form(admin, "/users", {**new, "province": "Hải Dương"}).status_code == 303
    listed = admin.get("/users?lang=en").text
    assert "<td>hai-phong</td>" in listed and f"<td>{P}</td>" in listed  # the facilitator's
    with engine.connect() as conn:
        scope = conn.execute(
            text("select province_code, region from users where email = 'hp@gov.vn'")
        ).one()
    assert tuple(scope) == ("hai-phong", "")
