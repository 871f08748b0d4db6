"""Verdicts, criterion scores, the overall rate, gaps and year-over-year change."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from parkloop.assessment import assess_enterprise, assess_park, compare, library
from parkloop.assessment.facts import (
    EnterpriseFacts,
    EnterpriseScope,
    EvidenceRecord,
    LandFacts,
    LinkFacts,
    ParkFacts,
)
from parkloop.assessment.model import Cited, Threshold, Unit, Verdict
from parkloop.assessment.result import GapUnit, round_half_up
from parkloop.assessment.scoring import evidence_value, judge

SEED = Cited("seed", "test")


def at_least(value: int) -> Threshold:
    return Threshold(op=">=", value=Fraction(value), cited=SEED)


def evidence(
    indicator: str, year: int = 2021, value: float | None = None, text: str = "", **kw: object
) -> EvidenceRecord:
    return EvidenceRecord(
        id=kw.pop("id", 1),  # type: ignore[arg-type]
        indicator_id=indicator,
        year=year,
        value=None if value is None else Fraction(str(value)),
        value_text=text,
        note="from the study",
        file_sha256=kw.pop("sha", "ab" * 32),  # type: ignore[arg-type]
        data_status="seed",
        **kw,  # type: ignore[arg-type]
    )


# -- judging ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "verdict", "score"),
    [
        (Fraction(25), 25, Verdict.MET, 100),
        (Fraction("24.99"), 25, Verdict.PARTLY_MET, Fraction("99.96")),
        (Fraction(90), 90, Verdict.MET, 100),
        (Fraction("89.99"), 90, Verdict.PARTLY_MET, Fraction(8999, 90)),
        (Fraction(20), 20, Verdict.MET, 100),
        (Fraction("19.99"), 20, Verdict.PARTLY_MET, Fraction("99.95")),
        (Fraction(10), 10, Verdict.MET, 100),
        (Fraction("9.99"), 10, Verdict.PARTLY_MET, Fraction("99.9")),
        (Fraction(1), 1, Verdict.MET, 100),
        (Fraction(0), 1, Verdict.NOT_MET, 0),
        (Fraction(65), 100, Verdict.PARTLY_MET, 65),
        (Fraction(150), 100, Verdict.MET, 100),
    ],
)
def test_judge_is_exact_at_the_boundary(
    value: Fraction, target: int, verdict: Verdict, score: Fraction
) -> None:
    assert judge(value, at_least(target)) == (verdict, score)


def test_judge_yes_no_missing_and_unjudged() -> None:
    yes = Threshold(op="==", value=True, cited=SEED)
    assert judge(True, yes) == (Verdict.MET, 100)
    assert judge(False, yes) == (Verdict.NOT_MET, 0)
    assert judge(None, yes) == (Verdict.NO_DATA, 0)
    assert judge(Fraction(3), None) == (Verdict.NOT_JUDGED, None)


@pytest.mark.parametrize(
    ("unit", "value", "text", "expected"),
    [
        (Unit.BOOLEAN, None, "có", True),
        (Unit.BOOLEAN, None, "Không", False),
        (Unit.BOOLEAN, 1.0, "", True),
        (Unit.BOOLEAN, None, "maybe", None),
        (Unit.PERCENT, 92.0, "", Fraction(92)),
        (Unit.PERCENT, None, "92,5 %", Fraction("92.5")),
        (Unit.PERCENT, None, "", None),
        (Unit.TEXT, None, "dynamic firms", "dynamic firms"),
    ],
)
def test_evidence_values(unit: Unit, value: float | None, text: str, expected: object) -> None:
    got, problem = evidence_value(evidence("x", value=value, text=text), unit)
    assert got == expected
    assert bool(problem) == (expected is None)


def test_round_half_up() -> None:
    assert round_half_up(Fraction(1117, 12), 0) == 93
    assert round_half_up(Fraction(185, 2), 0) == 93
    assert round_half_up(Fraction(1845, 20), 1) == Fraction(923, 10)


# -- the Nam Cầu Kiền study: 93 % --------------------------------------------------------------


def nck_facts(**kw: object) -> ParkFacts:
    """A park meeting Decree 82 criteria 1-8 by data and evidence, with the study's 9-12."""
    yes = [
        "legal_compliance",
        "basic_services",
        "worker_social_infrastructure",
        "io_monitoring",
        "annual_resource_report",
        "annual_public_report",
    ]
    records = [evidence(name, text="yes", id=i) for i, name in enumerate(yes, start=1)]
    for i, (criterion, value) in enumerate({9: 65, 10: 75, 11: 85, 12: 92}.items(), start=20):
        records.append(evidence(f"nck_c{criterion}_fulfilment", value=value, id=i))
    firms = tuple(
        EnterpriseFacts(
            code=f"e{i}", recp_status="applying" if i < 3 else "aware", plans_symbiosis=i == 0
        )
        for i in range(10)
    )
    defaults: dict[str, object] = {
        "park_code": "nck",
        "year": 2021,
        "total_area_ha": Fraction(263),
        "land_use": (
            LandFacts(land_class="green", area_ha=Fraction(38)),
            LandFacts(land_class="traffic", area_ha=Fraction("33.5")),
            LandFacts(land_class="shared_infrastructure", area_ha=Fraction("10.4")),
        ),
        "enterprises": firms,
        "links": (
            LinkFacts(
                key="slag",
                supplier="e0",
                receiver="e1",
                supplier_in_park=True,
                receiver_in_park=True,
                material_code="steel-slag",
                status="running",
                start_date=date(2021, 1, 1),
            ),
        ),
        "evidence": tuple(records),
    }
    defaults.update(kw)
    return ParkFacts(**defaults)  # type: ignore[arg-type]


def test_nck_study_overall_is_93_as_the_study_reports() -> None:
    lib = library()
    result = assess_park(lib.ruleset("nck-study"), nck_facts(), lib)
    scores = {c.id: c.score for c in result.counted}
    assert scores == {str(i): 100 for i in range(1, 9)} | {"9": 65, "10": 75, "11": 85, "12": 92}
    assert result.overall == Fraction(1117, 12)
    assert result.overall_percent == 93
    d = result.to_dict()
    assert d["ruleset"] == "nck-study" and d["overall_percent"] == 93
    assert d["overall_percent_exact"] == pytest.approx(93.0833, abs=1e-4)
    assert [c["id"] for c in d["criteria"] if c["counts"]] == [str(i) for i in range(1, 13)]
    zone = result.criterion("Z1")
    assert zone.verdict is Verdict.MET and not zone.criterion.counts
    gaps = {g.indicator_id: g for g in result.gaps if g.counts}
    assert set(gaps) == {
        "nck_c9_fulfilment",
        "nck_c10_fulfilment",
        "nck_c11_fulfilment",
        "nck_c12_fulfilment",
    }
    assert gaps["nck_c12_fulfilment"].shortfall == 8
    assert gaps["nck_c12_fulfilment"].unit is GapUnit.POINTS


def test_criteria_3_4_5_follow_the_data() -> None:
    lib = library()
    rs = lib.ruleset("decree-82-2018")
    facts = nck_facts(
        enterprises=tuple(
            EnterpriseFacts(
                code=f"e{i}", recp_status="applying" if i < 2 else ("aware" if i < 8 else "unaware")
            )
            for i in range(10)
        ),
        land_use=(LandFacts(land_class="green", area_ha=Fraction("65.74")),),
        links=(),
    )
    result = assess_park(rs, facts, lib)
    c3, c4, c5 = result.criterion("3"), result.criterion("4"), result.criterion("5")
    assert c3.verdict is Verdict.PARTLY_MET
    aware, applying = c3.indicators
    assert aware.value == 80 and aware.verdict is Verdict.PARTLY_MET
    assert applying.verdict is Verdict.MET
    assert c3.score == (Fraction(80 * 100, 90) + 100) / 2
    assert c4.verdict is Verdict.PARTLY_MET
    assert c5.verdict is Verdict.NOT_MET  # no link recorded, nobody plans one
    gaps = {g.indicator_id: g for g in result.gaps}
    assert gaps["recp_aware_share"].shortfall == 1  # 9 of 10 are needed, 8 are aware
    assert gaps["recp_aware_share"].unit is GapUnit.ENTERPRISES
    assert gaps["land_share_green_traffic_shared"].shortfall == Fraction("0.01")
    assert gaps["symbiosis_links"].verdict is Verdict.NO_DATA
    assert "parkloop evidence add --park nck --indicator symbiosis_links --year 2021" in gaps[
        "symbiosis_links"
    ].text("en")
    assert gaps["symbiosis_planning_share"].shortfall == 1
    assert "1 more of the 10 enterprises" in gaps["symbiosis_planning_share"].text("en")
    assert "Cần thêm 1 trên 10 doanh nghiệp" in gaps["symbiosis_planning_share"].text("vi")


def test_computed_values_win_and_evidence_fills_in() -> None:
    lib = library()
    rs = lib.ruleset("decree-82-2018")
    land_evidence = evidence("land_share_green_traffic_shared", value=40.0, id=99)
    with_data = assess_park(rs, nck_facts(evidence=(land_evidence,)), lib)
    land = with_data.criterion("4").indicators[0]
    assert land.basis.value == "computed" and land.evidence is None
    without = assess_park(rs, nck_facts(land_use=(), evidence=(land_evidence,)), lib)
    land = without.criterion("4").indicators[0]
    assert land.basis.value == "evidence" and land.value == 40 and land.status == "seed"
    manual = evidence("land_share_green_traffic_shared", value=26.0, id=100, sha="")
    land = (
        assess_park(rs, nck_facts(land_use=(), evidence=(manual,)), lib)
        .criterion("4")
        .indicators[0]
    )
    assert land.basis.value == "manual"


def test_the_newest_evidence_up_to_the_year_is_used() -> None:
    lib = library()
    rs = lib.ruleset("nck-study")
    records = (
        evidence("nck_c9_fulfilment", 2020, 50.0, id=1),
        evidence("nck_c9_fulfilment", 2021, 65.0, id=2),
        evidence("nck_c9_fulfilment", 2022, 80.0, id=3),
    )
    result = assess_park(rs, nck_facts(evidence=records), lib)
    assert result.criterion("9").indicators[0].value == 65
    later = assess_park(rs, nck_facts(year=2023, evidence=records), lib)
    assert later.criterion("9").indicators[0].value == 80


def test_no_data_is_left_out_of_the_rate_never_counted_as_zero() -> None:
    lib = library()
    result = assess_park(lib.ruleset("decree-35-2022"), ParkFacts(park_code="p", year=2022), lib)
    not_found = result.criterion("37.3")
    assert not_found.verdict is Verdict.NOT_JUDGED and not_found.score is None
    assert "37.3" not in {c.id for c in result.counted}
    empty = result.criterion("37.1.a")
    assert empty.verdict is Verdict.NO_DATA and empty.score is None
    assert result.overall is None and result.overall_percent is None
    d = result.to_dict()
    assert d["overall_percent"] is None and d["coverage"]["with_data"] == []
    assert d["coverage"]["text"]["en"].startswith("no rate: none of the 8 criteria has data")


def test_the_rate_states_its_coverage() -> None:
    """One criterion with data and met, seven without: 100 % over 1 of 8, not 12.5 %."""
    lib = library()
    rs = lib.ruleset("decree-82-2018")
    facts = ParkFacts(
        park_code="p", year=2022, evidence=(evidence("legal_compliance", 2022, text="có"),)
    )
    result = assess_park(rs, facts, lib)
    assert result.overall == 100 and len(result.counted) == 1
    text = result.to_dict()["coverage"]["text"]
    assert text["en"] == "rate 100% over 1 of 8 criteria; 7 without data (2, 3, 4, 5, 6, 7, 8)"
    assert text["vi"].startswith("tỷ lệ 100 % tính trên 1/8 tiêu chí; 7 tiêu chí chưa có dữ liệu")
    # Inside a criterion with data, an indicator without data scores 0 (the criterion asks
    # for all of them) and the criterion says how many have data: criterion 5 with a
    # planning share but no link recorded.
    five = assess_park(
        rs,
        ParkFacts(
            park_code="p",
            year=2022,
            enterprises=(EnterpriseFacts(code="a", plans_symbiosis=True),),
        ),
        lib,
    ).criterion("5")
    links, planning = five.indicators
    assert links.verdict is Verdict.NO_DATA and planning.verdict is Verdict.MET
    assert five.score == 50 and five.verdict is Verdict.PARTLY_MET
    assert (len(five.with_data), len(five.judged)) == (1, 2)


def test_an_enterprise_self_assessment_uses_its_own_records() -> None:
    lib = library()
    rs = lib.ruleset("decree-35-2022")
    me = EnterpriseFacts(code="me", recp_status="applying")
    scope = EnterpriseScope(
        park_code="p",
        year=2022,
        enterprise=me,
        links=(
            LinkFacts(
                key="k",
                supplier="me",
                receiver="someone",
                supplier_in_park=True,
                receiver_in_park=True,
                material_code="steel-slag",
                status="running",
            ),
        ),
        park_evidence=(evidence("eip_certificate", 2022, text="yes"),),
        evidence=(evidence("ent_complaint_rules", 2022, text="no", org_code="me"),),
    )
    result = assess_enterprise(rs, scope, lib)
    assert {c.id for c in result.criteria} == {"E1", "E2", "E3", "E4", "E5", "37.2"}
    assert result.criterion("E1").verdict is Verdict.MET
    assert result.criterion("E3").verdict is Verdict.MET
    assert result.criterion("E4").verdict is Verdict.MET
    complaint = result.criterion("E5").indicators[0]
    assert complaint.value is False and complaint.verdict is Verdict.NOT_MET
    assert result.to_dict()["enterprise"] == "me"
    bare = assess_enterprise(rs, EnterpriseScope(park_code="p", year=2022, enterprise=me), lib)
    commands = {g.indicator_id: g.evidence_command for g in bare.gaps}
    assert commands["eip_certificate"].startswith("parkloop evidence add --park p --indicator")
    assert "--park p --enterprise me --indicator ent_disclosure" in commands["ent_disclosure"]
    with pytest.raises(Exception, match="no enterprise criteria"):
        assess_enterprise(lib.ruleset("decree-82-2018"), scope, lib)


def test_compare_with_last_year() -> None:
    lib = library()
    rs = lib.ruleset("nck-study")
    before = assess_park(rs, nck_facts(evidence=()), lib).to_dict()
    now = assess_park(rs, nck_facts(), lib).to_dict()
    change = compare(now, before | {"year": 2020})
    assert change["previous_year"] == 2020
    assert change["overall_change"] == pytest.approx(
        93.0833 - before["overall_percent_exact"], abs=0.01
    )
    assert "1" in change["improved"] and "9" in change["improved"] and not change["worsened"]
    nine = next(c for c in change["criteria"] if c["id"] == "9")
    # From no data to 65 %: better, but not a change of 65 points (no data was never 0 %).
    assert (nine["previous_score_percent"], nine["score_percent"], nine["change"]) == (
        None,
        65,
        None,
    )
    assert nine["direction"] == "better"
