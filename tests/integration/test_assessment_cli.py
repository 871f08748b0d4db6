"""The assessment commands: JSON shape, evidence add with a file, the dossier file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from assessment_fixtures import tiny_park
from typer.testing import CliRunner

from parkloop.cli import app
from parkloop.cli.assess import print_park_assessment
from parkloop.cli.state import State
from parkloop.services.session import Database
from parkloop.store.schema import assessments

runner = CliRunner()


def run(db_url: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db_url, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_assess_json_shape(engine: sa.Engine, db_url: str) -> None:
    with engine.begin() as conn:
        tiny_park(conn)
    data = json.loads(
        run(
            db_url,
            "assess",
            "--park",
            "tiny",
            "--ruleset",
            "decree-82-2018",
            "--year",
            "2023",
            "--json",
        )
    )
    assert data["ruleset"] == "decree-82-2018"
    assert data["overall_percent"] == 73
    assert data["coverage"]["text"]["en"] == (
        "rate 73% over 4 of 8 criteria; 4 without data (1, 2, 6, 8)"
    )
    assert [c["id"] for c in data["criteria"]] == [str(i) for i in range(1, 9)]
    for c in data["criteria"]:
        assert {"id", "score_percent", "verdict", "indicators", "status", "source"} <= set(c)
        for i in c["indicators"]:
            assert {
                "id",
                "value",
                "threshold",
                "verdict",
                "basis",
                "status",
                "data_used",
                "evidence",
            } <= set(i)
    land = data["criteria"][3]["indicators"][0]
    assert land["share"] == {"part": 25, "whole": 100, "of": "ha"}
    assert land["threshold"]["status"] == "read_secondary"
    assert data["history"][0]["year"] == 2023 and data["change_since_last_year"] is None

    enterprise = json.loads(
        run(
            db_url,
            "assess",
            "--enterprise",
            "tiny:steel",
            "--ruleset",
            "decree-35-2022",
            "--year",
            "2023",
            "--json",
        )
    )
    assert enterprise["enterprise"] == "steel" and enterprise["level"] == "enterprise"
    same = json.loads(
        run(
            db_url,
            "assess",
            "--park",
            "tiny",
            "--enterprise",
            "steel",
            "--ruleset",
            "decree-35-2022",
            "--year",
            "2023",
            "--json",
            "--no-save",
        )
    )
    assert same["overall_percent"] == enterprise["overall_percent"]

    listed = json.loads(run(db_url, "rulesets", "list", "--json"))
    assert {r["id"] for r in listed} == {
        "decree-82-2018",
        "decree-35-2022",
        "nck-study",
        "eip-framework",
    }
    indicators = json.loads(run(db_url, "rulesets", "list", "--indicators", "--json"))
    assert any(i["id"] == "land_share_green_traffic_shared" and i["computed"] for i in indicators)
    shown = json.loads(run(db_url, "--lang", "en", "rulesets", "show", "eip-framework", "--json"))
    env1 = next(c for c in shown["criteria"] if c["indicator"] == "ENV.1 symbiosis_links")
    assert env1["threshold"] == "not found"


def test_human_output_and_errors(engine: sa.Engine, db_url: str) -> None:
    with engine.begin() as conn:
        tiny_park(conn)
    text = run(
        db_url,
        "--lang",
        "en",
        "assess",
        "--park",
        "tiny",
        "--ruleset",
        "decree-82-2018",
        "--year",
        "2023",
    )
    assert "Overall rate" in text and "73%" in text and "Gaps and what would close them" in text
    assert "rate 73% over 4 of 8 criteria; 4 without data (1, 2, 6, 8)" in text
    assert "--year 2023 --file FILE" in " ".join(text.split())
    result = runner.invoke(
        app, ["--db", db_url, "assess", "--park", "tiny", "--ruleset", "decree-99"]
    )
    assert result.exit_code != 0 and "known rule sets" in str(result.exception)


def test_evidence_add_and_dossier(engine: sa.Engine, db_url: str, tmp_path: Path) -> None:
    with engine.begin() as conn:
        tiny_park(conn)
    doc = tmp_path / "report-2023.pdf"
    doc.write_bytes(b"annual public report")
    out = run(
        db_url,
        "evidence",
        "add",
        "--park",
        "tiny",
        "--indicator",
        "annual_public_report",
        "--file",
        str(doc),
        "--note",
        "Published on the website",
        "--year",
        "2023",
        "--confirmed-by",
        "Board",
        "--confirmed-on",
        "20/03/2024",
    )
    assert "#1" in out and "Công bố báo cáo hằng năm" in out  # the indicator by its name
    listed = json.loads(run(db_url, "evidence", "list", "--park", "tiny", "--json"))
    assert listed[0]["file"] == "report-2023.pdf" and listed[0]["value_text"] == "yes"
    data = json.loads(
        run(
            db_url,
            "assess",
            "--park",
            "tiny",
            "--ruleset",
            "decree-82-2018",
            "--year",
            "2023",
            "--json",
        )
    )
    c8 = next(c for c in data["criteria"] if c["id"] == "8")
    assert c8["verdict"] == "met" and c8["indicators"][0]["evidence"]["file"] == "report-2023.pdf"
    for lang in ("vi", "en"):
        target = tmp_path / f"dossier-{lang}.md"
        run(
            db_url,
            "--lang",
            lang,
            "dossier",
            "--park",
            "tiny",
            "--ruleset",
            "decree-82-2018",
            "--format",
            "md",
            "-o",
            str(target),
            "--year",
            "2023",
        )
        assert "report-2023.pdf" in target.read_text(encoding="utf-8")
    html = run(db_url, "dossier", "--park", "tiny", "--format", "html", "--year", "2023")
    assert html.startswith("<!DOCTYPE html>")


def test_the_park_assessment_prints_for_the_demo(
    engine: sa.Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with engine.begin() as conn:
        tiny_park(conn)
    st = State(database=Database(db_url), lang="en")
    print_park_assessment(st, "tiny", "decree-82-2018")
    out = capsys.readouterr().out
    assert "tiny · decree-82-2018" in out and "Overall rate" in out
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(assessments)) == 0
    st.database.dispose()


def test_evidence_without_a_year_goes_to_the_year_assessed(engine: sa.Engine, db_url: str) -> None:
    """Filed without --year, evidence lands on the assessment's year (the latest with flows
    or RECP measures, 2023 here), not the calendar year; and evidence of a later year does
    not move the assessment there."""
    with engine.begin() as conn:
        tiny_park(conn)
    text = run(
        db_url,
        "--lang",
        "en",
        "evidence",
        "add",
        "--park",
        "tiny",
        "--indicator",
        "legal_compliance",
        "--value-text",
        "yes",
        "--note",
        "inspection record",
    )
    assert "year 2023 (the year assessed: the latest with data" in " ".join(text.split())
    run(
        db_url,
        "evidence",
        "add",
        "--park",
        "tiny",
        "--indicator",
        "basic_services",
        "--value-text",
        "yes",
        "--note",
        "contracts",
        "--year",
        "2026",
    )
    with engine.connect() as conn:
        years = dict(
            conn.execute(
                sa.text("select indicator_id, year from evidence where park_id is not null")
            ).all()
        )
    assert years["legal_compliance"] == 2023 and years["basic_services"] == 2026
    data = json.loads(
        run(db_url, "assess", "--park", "tiny", "--ruleset", "decree-82-2018", "--json")
    )
    assert data["year"] == 2023
    legal = data["criteria"][0]["indicators"][0]
    assert (legal["id"], legal["value"], legal["basis"]) == ("legal_compliance", True, "manual")
