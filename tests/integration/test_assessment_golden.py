"""Golden results for the example parks, and the Nam Cầu Kiền study's 93 % cross-checked
against the study's own table (the Nam Cầu Kiền circular-economy study).

Regenerate the golden files after a deliberate change with PARKLOOP_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from parkloop.examples import example, load_example
from parkloop.services import assessment as service
from parkloop.services.evidence import list_evidence

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
TOLERANCE = 0.01  # percentage points
RULESETS = ("decree-82-2018", "decree-35-2022", "nck-study", "eip-framework")

# The study's final table, 'Đánh giá hiệu quả áp dụng kinh tế tuần hoàn tại Nam Cầu Kiền'.
STUDY = {**{str(i): 100 for i in range(1, 9)}, "9": 65, "10": 75, "11": 85, "12": 92}
STUDY_OVERALL = 93


def test_nam_cau_kien_reproduces_the_study(engine: sa.Engine) -> None:
    load_example(engine, "nam-cau-kien")
    report = service.assess_park(engine, "nam-cau-kien", "nck-study")
    data = report.to_dict()
    assert data["overall_percent"] == STUDY_OVERALL
    assert sum(STUDY.values()) / len(STUDY) == pytest.approx(
        data["overall_percent_exact"], abs=1e-4
    )
    counted = {c["id"]: c["score_percent"] for c in data["criteria"] if c["counts"]}
    assert counted == STUDY
    by_id = {c["id"]: c for c in data["criteria"]}
    for cid in ("3", "4", "5"):
        assert {i["basis"] for i in by_id[cid]["indicators"]} == {"computed"}, cid
    for cid in ("1", "2", "6", "8", "9", "10", "11", "12"):
        assert {i["basis"] for i in by_id[cid]["indicators"]} == {"evidence"}, cid
    # Input/output monitoring is computed from the 2021 inventory (every enterprise reports
    # inputs and outputs); the annual report to the board comes from evidence.
    monitoring, report = by_id["7"]["indicators"]
    assert (monitoring["id"], monitoring["basis"], monitoring["value"]) == (
        "io_monitoring",
        "computed",
        True,
    )
    assert "30 of 30 enterprises report inputs and outputs" in monitoring["data_used"][0]["detail"]
    assert report["basis"] == "evidence"
    assert data["coverage"]["text"]["en"].startswith("rate 93% over 12 of 12 criteria")
    land = by_id["4"]["indicators"][0]
    assert land["share"]["whole"] == 263 and land["value"] > 31


def test_the_example_evidence_files_are_stored_with_their_hash(engine: sa.Engine) -> None:
    load_example(engine, "nam-cau-kien")
    folder = example("nam-cau-kien").path
    records = list_evidence(engine, "nam-cau-kien")
    assert len(records) >= 14
    for r in records:
        assert r.data_status == "seed" and r.source.startswith(
            "Nam Cầu Kiền circular-economy study"
        )
        content = (folder / "evidence" / r.file_name).read_bytes()
        assert r.file_sha256 == hashlib.sha256(content).hexdigest()


def summary(engine: sa.Engine, park: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for ruleset in RULESETS:
        d = service.assess_park(engine, park, ruleset, save=False).to_dict()
        out[ruleset] = {
            "year": d["year"],
            "overall_percent": d["overall_percent"],
            "overall_percent_exact": d["overall_percent_exact"],
            "criteria": {c["id"]: [c["score_percent"], c["verdict"]] for c in d["criteria"]},
        }
    return out


@pytest.mark.parametrize(
    "name", ["nam-cau-kien", "kalundborg", "hoa-khanh", "hiep-phuoc", "kwinana", "ulsan"]
)
def test_golden_results(engine: sa.Engine, name: str) -> None:
    load_example(engine, name)
    with engine.connect() as conn:
        park = conn.scalar(sa.text("select code from parks order by id limit 1"))
    got = summary(engine, str(park))
    path = GOLDEN / f"assessment_{name}.json"
    if os.environ.get("PARKLOOP_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert set(got) == set(expected)
    for ruleset, want in expected.items():
        have = got[ruleset]
        assert isinstance(have, dict)
        assert have["year"] == want["year"], ruleset
        assert have["overall_percent"] == want["overall_percent"], ruleset
        assert have["overall_percent_exact"] == pytest.approx(
            want["overall_percent_exact"], abs=TOLERANCE
        )
        assert set(have["criteria"]) == set(want["criteria"]), ruleset
        for cid, (score, verdict) in want["criteria"].items():
            got_score, got_verdict = have["criteria"][cid]
            assert got_verdict == verdict, (ruleset, cid)
            if score is None:
                assert got_score is None, (ruleset, cid)
            else:
                assert got_score == pytest.approx(score, abs=TOLERANCE), (ruleset, cid)
