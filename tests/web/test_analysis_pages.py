"""The analysis pages: optimisation scenarios (run as jobs, compared), the trade-off curve,
resilience, fair shares, the assessment with its evidence, on the seeded park of
``webseed``: every account sees them, nobody receives another enterprise's private
figures, the authority only aggregates, and evidence is filed only by those who may."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from webseed import ACCOUNTS, MARKERS_A, MARKERS_B, P, post_form, sign_in

from parkloop.domain.permissions import Viewer
from parkloop.services import jobs, scenarios
from parkloop.store import db
from parkloop.store.schema import evidence, optimisation_runs
from parkloop.store.schema import jobs as jobs_table
from parkloop.web.app import create_app

Client = Callable[[str | None], TestClient]

PAGES = (
    f"/parks/{P}/optimisation",
    f"/parks/{P}/optimisation/pareto",
    f"/parks/{P}/resilience",
    f"/parks/{P}/shares",
    f"/parks/{P}/shares?enterprises=thep&enterprises=xi-mang&enterprises=nhiet-dien",
    f"/parks/{P}/assessment",
    f"/parks/{P}/assessment?ruleset=decree-82-2018",
    f"/parks/{P}/assessment/decree-35-2022/compliance_years",
    f"/parks/{P}/assessment/decree-35-2022/ent_disclosure",
)
INDICATOR = f"/parks/{P}/assessment/decree-35-2022/compliance_years"
UPLOAD = INDICATOR + "/evidence"
DOCUMENT = b"%PDF-1.4 confirmation of no violations 2021-2023\n"


def wait_for(engine: Engine, job_id: int, seconds: float = 60.0) -> str:
    """The job's final status, once the in-process runner has ended it."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        state = jobs.state_of(engine, job_id)
        if state in ("done", "failed"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end in {seconds} s")


def run_scenario(c: TestClient, engine: Engine, **fields: Any) -> int:
    """Submit a scenario from the page, follow it to its end; its job id."""
    reply = post_form(c, f"/parks/{P}/optimisation", {"objective": "net-benefit", **fields})
    assert reply.status_code == 303, reply.text[:800]
    location = reply.headers["location"]
    assert "/jobs/" in location
    job_id = int(location.rsplit("/", 1)[1])
    assert wait_for(engine, job_id) == "done", jobs.status(engine, job_id, Viewer.admin())
    assert c.get(location).status_code == 200
    return job_id


def compute(c: TestClient, engine: Engine, url: str, **fields: str) -> int:
    """Start an analysis computed in the background from its page (resilience, the
    trade-off curve), follow it to its end; its job id."""
    reply = post_form(c, url, fields)
    assert reply.status_code == 303, reply.text[:800]
    job_id = int(reply.headers["location"].rsplit("/", 1)[1])
    assert wait_for(engine, job_id) == "done", jobs.status(engine, job_id, Viewer.admin())
    return job_id


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def leaked(text: str, markers: tuple[str, ...]) -> list[str]:
    return [m for m in markers if m in text]


class Planned(dict[str, TestClient]):
    """Signed-in clients of one application, each made when first asked for (signing in
    takes a while); ``engine`` is the application's database."""

    def __init__(self, app: Any, engine: Engine) -> None:
        super().__init__()
        self.app = app
        self.engine = engine

    def __missing__(self, who: str) -> TestClient:
        made = TestClient(self.app, base_url="http://testserver")
        self[who] = sign_in(made, ACCOUNTS[who][0])
        return made

    def anonymous(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")


@pytest.fixture(scope="module")
def planned(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planned]:
    """One park for the reading tests of this module: its operator kept a plan resting on
    everyone's records, A and B each ran a scenario of their own from the page, and every
    account had its resilience (each enterprise in turn) and trade-off curve computed."""
    copy = tmp_path_factory.mktemp("analysis") / "web.db"
    shutil.copy(seeded, copy)
    engine = db.make_engine(f"sqlite:///{copy}")
    clients = Planned(create_app(engine, tiles_url="", tiles_attribution=""), engine)
    run_scenario(clients["operator"], engine, keep="true")
    run_scenario(clients["a"], engine, objective="co2")
    run_scenario(clients["b"], engine)
    for who in ("operator", "a", "b", "c", "operator_m", "authority"):
        compute(clients[who], engine, f"/parks/{P}/resilience")
        compute(clients[who], engine, f"/parks/{P}/optimisation/pareto", points="5")
    yield clients
    for c in clients.values():
        c.close()
    engine.dispose()


# -- every page, every account -------------------------------------------------------------------


def test_each_page_renders_for_every_account_and_anonymous_is_sent_to_sign_in(
    planned: Planned,
) -> None:
    for who in ACCOUNTS:
        c = planned[who]
        for url in PAGES:
            reply = c.get(url)
            assert reply.status_code == 200, (who, url, reply.text[:800])
            assert "Traceback" not in reply.text
    nobody = planned.anonymous()
    for url in PAGES:
        reply = nobody.get(url, follow_redirects=False)
        assert reply.status_code == 303, url
        assert "/sign-in" in reply.headers["location"]


def test_pages_speak_vietnamese_by_default(client: Client) -> None:
    c = client("operator")
    c.cookies.set("parkloop_lang", "vi")
    page = c.get(f"/parks/{P}/assessment").text
    assert "Đánh giá" in page and "Tỷ lệ đạt chung" in page
    assert "Tối ưu hoá" in c.get(f"/parks/{P}/optimisation").text


# -- confidentiality ------------------------------------------------------------------------------


def test_no_enterprise_receives_another_enterprises_private_figures(planned: Planned) -> None:
    with planned.engine.connect() as conn:
        keys = [f"job-{j}" for j in conn.scalars(select(jobs_table.c.id))]
        keys += [f"run-{r}" for r in conn.scalars(select(optimisation_runs.c.id))]
    extra = [f"/parks/{P}/optimisation?show={k}" for k in keys]
    extra.append(f"/parks/{P}/optimisation?" + "&".join(f"compare={k}" for k in keys))
    extra += [f"/parks/{P}/resilience?enterprise={e}" for e in ("thep", "nhiet-dien", "xi-mang")]
    extra += [f"/parks/{P}/shares?exchange={n}" for n in range(1, 7)]
    extra += [f"/parks/{P}/shares?enterprises=thep&enterprises=nhiet-dien"]
    for who, others in (
        ("a", MARKERS_B),
        ("b", MARKERS_A),
        ("c", MARKERS_A + MARKERS_B),
        ("operator_m", MARKERS_A + MARKERS_B),
        ("authority", MARKERS_A + MARKERS_B),
    ):
        for url in (*PAGES, *extra):
            reply = planned[who].get(url)
            assert reply.status_code in (200, 400), (who, url)
            assert leaked(reply.text, others) == [], (who, url)


def test_a_saved_plan_on_everyones_records_is_given_only_to_the_park_operator(
    planned: Planned,
) -> None:
    with planned.engine.connect() as conn:
        run_id = conn.scalar(select(optimisation_runs.c.id))
    operator = planned["operator"].get(f"/parks/{P}/optimisation?show=run-{run_id}").text
    assert "Saved plan" in operator and "596,464" in operator  # rests on private records
    for who in ("a", "b", "c", "authority", "operator_m"):
        page = planned[who].get(f"/parks/{P}/optimisation").text
        assert "Saved plans of the park" in page, who
        assert "596,464" not in page and "596.464" not in page, who


def test_a_plan_from_private_records_cannot_be_split_by_those_who_may_not_see_them(
    planned: Planned,
) -> None:
    a = planned["a"]
    engine = planned.engine
    offered = scenarios.shareable_exchanges(engine, P, _viewer(engine, "a"))
    assert offered and all(x["status"] != "planned" for x in offered)
    planned_ids = [
        x["id"]
        for x in scenarios.shareable_exchanges(engine, P, Viewer.admin())
        if x["status"] == "planned"
    ]
    assert planned_ids
    for n in planned_ids:
        reply = a.get(f"/parks/{P}/shares?exchange={n}")
        assert reply.status_code == 400
        assert "whose gain you may split" in reply.text
    assert (
        planned["operator"].get(f"/parks/{P}/shares?exchange={planned_ids[0]}").status_code == 200
    )


def test_the_authority_sees_aggregates_only(planned: Planned) -> None:
    authority = planned["authority"]
    operator = planned["operator"]
    # Park records (the plan, the running exchanges, each enterprise's part) stay in the park.
    park_figures = ("15,000 t", "30,000 t", "20,000 t", "596,464")
    for url in (f"/parks/{P}/optimisation", f"/parks/{P}/resilience"):
        assert any(f in operator.get(url).text for f in park_figures), url
        page = authority.get(url).text
        assert [f for f in park_figures if f in page] == [], url
    resilience = authority.get(f"/parks/{P}/resilience").text
    assert "No running or planned exchange you may see depends on any enterprise" in resilience
    shares = authority.get(f"/parks/{P}/shares").text
    assert "No exchange of this park whose gain you may split" in shares
    assert authority.get(f"/parks/{P}/shares?exchange=1").status_code == 400
    # RECP measures outside the park: only totals passing the disclosure rule.
    assessment = authority.get(f"/parks/{P}/assessment").text
    assert "Outside the park only totals are shown" in assessment
    assert "not published" in assessment
    assert (
        "Outside the park only totals are shown" not in operator.get(f"/parks/{P}/assessment").text
    )


# -- optimisation jobs ----------------------------------------------------------------------------


def test_a_scenario_run_from_the_page_reaches_done_and_its_plan_shows(
    client: Client, engine: Engine
) -> None:
    operator = client("operator")
    job_id = run_scenario(operator, engine, keep="true", budget_vnd="0", top="5")
    assert count(engine, optimisation_runs) == 1
    page = operator.get(f"/parks/{P}/optimisation").text
    assert "Saved plan" in page and "Planned exchanges (3)" in page
    assert "Nhiệt điện" in page and "Xi măng" in page  # names, not codes
    assert "Investment budget, VND" in page
    result = jobs.status(engine, job_id, Viewer.admin())["result"]
    assert result["saved"] is True and result["options"]["budget_vnd"] == 0

    a = client("a")
    own = run_scenario(a, engine, objective="co2")
    assert count(engine, optimisation_runs) == 1  # an enterprise's run keeps no plan
    page = a.get(f"/parks/{P}/optimisation?show=job-{own}").text
    assert "most CO2e avoided" in page and "Run ·" in page
    assert f"job-{own}" in page


def test_a_scenario_with_bad_input_is_refused_beside_its_form(
    client: Client, engine: Engine
) -> None:
    c = client("operator")
    before = count(engine, jobs_table)
    for fields, words in (
        ({"budget_vnd": "a lot"}, "is not a number"),
        ({"objective": "cheapest"}, "--objective must be one of"),
        ({"top": "500"}, "between 1 and 50"),
        ({"capacity_rule": "no-such-rule", "capacity_quantity": "5"}, "no substitution rule"),
    ):
        reply = post_form(c, f"/parks/{P}/optimisation", fields)
        assert reply.status_code == 400, fields
        assert words in reply.text, fields
    assert count(engine, jobs_table) == before


def test_an_enterprise_asking_to_keep_its_run_keeps_nothing(client: Client, engine: Engine) -> None:
    run_scenario(client("a"), engine, keep="true")
    assert count(engine, optimisation_runs) == 0


def test_the_trade_off_curve_has_its_chart_data_and_table(client: Client, engine: Engine) -> None:
    operator = client("operator")
    compute(operator, engine, f"/parks/{P}/optimisation/pareto", points="6")
    page = operator.get(f"/parks/{P}/optimisation/pareto").text
    assert 'id="pl-pareto"' in page and "data-curve='" in page
    assert page.count('<tr data-point="') == 6
    assert "js/pareto.js" in page and "<script>" not in page
    bad = post_form(operator, f"/parks/{P}/optimisation/pareto", {"points": "two"})
    assert bad.status_code == 400 and "is not a number" in bad.text


# -- evidence -------------------------------------------------------------------------------------


def upload(
    c: TestClient,
    url: str = UPLOAD,
    name: str = "confirmation.pdf",
    content: bytes = DOCUMENT,
    **fields: str,
) -> Any:
    data = {"note": "Sở TN&MT xác nhận không vi phạm", "year": "2024", "value": "3", **fields}
    if c.cookies.get("parkloop_csrf") is None:
        c.get("/")
    data["csrf"] = c.cookies.get("parkloop_csrf") or ""
    return c.post(
        url, data=data, files={"file": (name, content, "application/pdf")}, follow_redirects=False
    )


def test_evidence_uploaded_by_the_operator_is_stored_listed_and_handed_back(
    client: Client, engine: Engine
) -> None:
    c = client("operator")
    reply = upload(c)
    assert reply.status_code == 303, reply.text[:800]
    assert count(engine, evidence) == 1
    page = c.get(reply.headers["location"]).text
    assert "The evidence is stored." in page and "confirmation.pdf" in page
    with engine.connect() as conn:
        evidence_id = conn.scalar(select(evidence.c.id))
    got = c.get(f"/parks/{P}/evidence/{evidence_id}")
    assert got.status_code == 200 and got.content == DOCUMENT
    assert got.headers["content-disposition"].startswith("attachment")
    # The assessment now rests on it.
    assessment = c.get(f"/parks/{P}/assessment").text
    assert "confirmation.pdf" in assessment
    assert (
        client(None).get(f"/parks/{P}/evidence/{evidence_id}", follow_redirects=False).status_code
        == 303
    )


@pytest.mark.parametrize("who", ["operator_m", "authority", "a"])
def test_evidence_of_the_park_from_anyone_but_its_operator_is_refused(
    client: Client, engine: Engine, who: str
) -> None:
    reply = upload(client(who))
    assert reply.status_code == 403, reply.text[:800]
    assert count(engine, evidence) == 0


def test_an_enterprise_files_its_own_evidence_which_its_neighbours_never_see(
    client: Client, engine: Engine
) -> None:
    url = f"/parks/{P}/assessment/decree-35-2022/ent_disclosure/evidence"
    a = client("a")
    assert (
        upload(
            a, url, name="MARKER-A-7c1.pdf", enterprise="thep", value="", value_text="yes"
        ).status_code
        == 303
    )
    assert upload(a, url, enterprise="nhiet-dien", value="", value_text="yes").status_code == 403
    assert count(engine, evidence) == 1
    with engine.connect() as conn:
        evidence_id = conn.scalar(select(evidence.c.id))
    page = url.removesuffix("/evidence")
    assert "MARKER-A-7c1.pdf" in a.get(page).text
    for who in ("b", "authority", "operator_m"):
        c = client(who)
        assert "MARKER-A-7c1" not in c.get(page).text, who
        assert c.get(f"/parks/{P}/evidence/{evidence_id}").status_code == 404, who
    assert client("operator").get(f"/parks/{P}/evidence/{evidence_id}").status_code == 200


def test_evidence_of_the_wrong_type_or_size_is_refused_and_nothing_is_stored(
    client: Client, engine: Engine
) -> None:
    c = client("operator")
    reply = upload(c, name="run-me.exe", content=b"MZ")
    assert reply.status_code == 400 and "upload a document" in reply.text
    from parkloop.services.assessment_detail import EVIDENCE_LIMIT

    reply = upload(c, content=b"0" * (EVIDENCE_LIMIT + 1))
    assert reply.status_code == 400 and "larger than" in reply.text
    reply = upload(c, name="", content=b"", value="", note="")
    assert reply.status_code == 400 and "justification" in reply.text
    assert count(engine, evidence) == 0


def test_a_post_without_the_cross_site_token_is_refused(client: Client, engine: Engine) -> None:
    c = client("operator")
    runs = count(engine, jobs_table)
    reply = c.post(
        f"/parks/{P}/optimisation", data={"objective": "net-benefit"}, follow_redirects=False
    )
    assert reply.status_code == 403
    reply = c.post(
        UPLOAD,
        data={"note": "n", "year": "2024", "value": "3"},
        files={"file": ("x.pdf", DOCUMENT, "application/pdf")},
        follow_redirects=False,
    )
    assert reply.status_code == 403
    reply = c.post(
        f"/parks/{P}/assessment",
        data={"ruleset": "decree-35-2022", "year": "2024", "csrf": "forged"},
        follow_redirects=False,
    )
    assert reply.status_code == 403
    assert count(engine, jobs_table) == runs
    assert count(engine, evidence) == 0


def test_only_the_park_operator_keeps_an_assessment_in_the_history(client: Client) -> None:
    url = f"/parks/{P}/assessment"
    form = {"ruleset": "decree-82-2018", "year": "2024"}
    assert post_form(client("a"), url, form).status_code == 403
    assert post_form(client("operator_m"), url, form).status_code == 403
    reply = post_form(client("operator"), url, form)
    assert reply.status_code == 303
    page = client("operator").get(reply.headers["location"]).text
    assert "The assessment is kept in the park&#39;s history." in page


def test_the_assessment_states_its_coverage_honestly(client: Client) -> None:
    page = client("operator").get(f"/parks/{P}/assessment").text
    # Decree 35: of its 8 counted criteria, 6 have no data and are left out of the rate.
    assert "Criteria with no data" in page and "6 / 8" in page
    assert "left out of the rate: the data is missing, not measured as zero" in page
    assert "rate 10% over 2 of 8 criteria; 6 without data" in page
    assert "Gaps and what would close them" in page and "add evidence" in page
    assert "parkloop evidence add" not in page  # the page offers its form instead
    unknown = client("operator").get(f"/parks/{P}/assessment?ruleset=decree-1-1999")
    assert unknown.status_code == 400 and "known rule sets" in unknown.text
    missing = client("operator").get(f"/parks/{P}/assessment/decree-35-2022/no_such_indicator")
    assert missing.status_code == 404


def _viewer(engine: Engine, who: str) -> Viewer:
    from parkloop.services import accounts

    email = ACCOUNTS[who][0]
    user = next(u for u in accounts.users(engine, Viewer.admin()) if u.email == email)
    return accounts.viewer_of(user)
