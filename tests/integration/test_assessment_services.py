"""Assessment on SQLite and PostgreSQL: facts from the database, evidence with files,
history and change since last year, enterprise self-assessment, the dossier."""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import Path

import pytest
import sqlalchemy as sa
from assessment_fixtures import add_org, add_park, tiny_park

from parkloop.domain.permissions import Role, Viewer
from parkloop.errors import UserError
from parkloop.services import assessment as service
from parkloop.services.evidence import EvidenceInput, add_evidence, list_evidence, load_evidence_csv
from parkloop.store import assessment as store
from parkloop.store.schema import assessments, change_log, evidence

YES_EVIDENCE = (
    "legal_compliance",
    "basic_services",
    "worker_social_infrastructure",
    "io_monitoring",
    "annual_resource_report",
    "annual_public_report",
)


def test_facts_come_from_the_database(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        tiny_park(conn)
    with engine.connect() as conn:
        park = store.park_row(conn, "tiny")
        assert park is not None
        facts = store.park_facts(conn, park, 2023)
        assert store.default_year(conn, park["id"]) == 2023
    assert [e.code for e in facts.enterprises] == ["food", "plastics", "slag", "steel"]
    assert {(p.code, p.inside_park) for p in facts.partners} == {
        ("utility", True),
        ("collector", False),
    }
    assert facts.total_area_ha == 100
    steel = next(e for e in facts.enterprises if e.code == "steel")
    assert [(f.material_code, f.secondary) for f in steel.flows if f.direction == "in"] == [
        ("steel-scrap", True)
    ]
    assert steel.certifications == ("ISO 14001",) and steel.clubs == ("Eco club",)
    assert {x.key: x.in_year(2023) for x in facts.links} == {"old": False, "slag-2023": True}
    collector_link = next(x for x in facts.links if x.key == "old")
    assert collector_link.supplier_in_park and not collector_link.receiver_in_park

    report = service.assess_park(engine, "tiny", "decree-82-2018", 2023)
    a = report.assessment
    values = {r.id: r.value for c in a.criteria for r in c.indicators}
    assert values["recp_aware_share"] == 75
    assert values["recp_applying_share"] == 50
    assert values["land_share_green_traffic_shared"] == 25
    assert values["symbiosis_links"] == 1
    assert values["symbiosis_planning_share"] == 75
    assert a.criterion("4").verdict.value == "met"
    # Input/output monitoring is computed from the flows: too few firms report both.
    assert values["io_monitoring"] is False
    # The rate is the mean of the four criteria with data (3, 4, 5, 7); the four without
    # (1, 2, 6, 8) are left out, not counted as zero.
    assert a.overall == (Fraction(100 * 75, 90) / 2 + 50 + 200 + 0) / 4
    assert report.to_dict()["overall_percent"] == 73
    assert report.to_dict()["coverage"]["no_data"] == ["1", "2", "6", "8"]


@pytest.mark.parametrize(("green", "verdict"), [(0.02, "met"), (0.0199, "partly_met")])
def test_the_land_boundary_holds_through_the_database(
    engine: sa.Engine, green: float, verdict: str
) -> None:
    # 0.02 + 0.21 + 0.02 is 0.24999999999999997 in floats; the share must still be 25 %.
    with engine.begin() as conn:
        park_id = add_park(
            conn,
            "edge",
            total_area_ha=1.0,
            land={"green": green, "traffic": 0.21, "shared_infrastructure": 0.02},
        )
        add_org(conn, park_id, "only")
    report = service.assess_park(engine, "edge", "decree-82-2018", 2024)
    assert report.assessment.criterion("4").verdict.value == verdict


def test_evidence_with_a_file_is_stored_and_used(engine: sa.Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        tiny_park(conn)
    doc = tmp_path / "eia-approval.pdf"
    doc.write_bytes(b"%PDF-1.4 EIA approval decision 123/QD-UBND")
    evidence_id = add_evidence(
        engine,
        EvidenceInput(
            park_code="tiny",
            indicator_id="legal_compliance",
            year=2023,
            value_text="yes",
            file=doc,
            note="EIA approvals of all tenants",
            confirmed_by="Management board",
        ),
    )
    with engine.connect() as conn:
        row = conn.execute(sa.select(evidence).where(evidence.c.id == evidence_id)).mappings().one()
        logged = conn.scalar(
            sa.select(sa.func.count())
            .select_from(change_log)
            .where(change_log.c.object_type == "evidence")
        )
    assert row["file_name"] == "eia-approval.pdf"
    assert row["file_sha256"] == hashlib.sha256(doc.read_bytes()).hexdigest()
    assert bytes(row["file_content"]) == doc.read_bytes()
    assert logged == 1
    [record] = list_evidence(engine, "tiny")
    assert (record.note, record.data_status, record.source) == (
        "EIA approvals of all tenants",
        "reported",
        "file eia-approval.pdf",
    )
    c1 = service.assess_park(engine, "tiny", "decree-82-2018", 2023).assessment.criterion("1")
    assert c1.verdict.value == "met"
    used = c1.indicators[0]
    assert used.basis.value == "evidence" and used.evidence is not None
    assert used.evidence.file_sha256 == row["file_sha256"]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            EvidenceInput(park_code="tiny", indicator_id="nope", year=2023, note="x"),
            "indicator: unknown indicator 'nope'",
        ),
        (
            EvidenceInput(
                park_code="tiny", indicator_id="legal_compliance", year=2023, value_text="yes"
            ),
            "note: a value without a document",
        ),
        (
            EvidenceInput(
                park_code="tiny",
                indicator_id="ent_disclosure",
                year=2023,
                value_text="yes",
                note="x",
            ),
            "enterprise: 'ent_disclosure' describes one enterprise",
        ),
        (
            EvidenceInput(
                park_code="tiny",
                indicator_id="legal_compliance",
                year=2023,
                value_text="perhaps",
                note="x",
            ),
            "value_text: 'perhaps' is not yes or no",
        ),
        (
            EvidenceInput(park_code="tiny", indicator_id="compliance_years", year=2023, note="x"),
            "value: ",
        ),
        (
            EvidenceInput(
                park_code="nowhere",
                indicator_id="legal_compliance",
                year=2023,
                value_text="yes",
                note="x",
            ),
            "park: no park 'nowhere'",
        ),
    ],
)
def test_bad_evidence_is_refused(engine: sa.Engine, item: EvidenceInput, message: str) -> None:
    with engine.begin() as conn:
        tiny_park(conn)
    with pytest.raises(UserError) as info:
        add_evidence(engine, item)
    assert any(message in d for d in info.value.details), info.value.details
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(evidence)) == 0


CSV_HEADER = (
    "park,enterprise,indicator,year,value,value_text,note,"
    "confirmed_by,confirmed_on,file,data_status,source\n"
)
REPORT_ROW = (
    "tiny,,annual_public_report,2023,,yes,Published,Board,15/03/2024,"
    "docs/report.txt,reported,website\n"
)


def test_an_evidence_csv_loads_whole_or_not_at_all(engine: sa.Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        tiny_park(conn)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "report.txt").write_text("annual report 2023", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        CSV_HEADER
        + REPORT_ROW
        + "tiny,,compliance_years,2023,three,,Confirmed,Board,32/01/2024,,reported,letter\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as info:
        load_evidence_csv(engine, bad)
    assert "row 3, column value: 'three' is not a number" in "\n".join(info.value.details)
    assert "row 3, column confirmed_on: '32/01/2024' is not a date dd/mm/yyyy" in "\n".join(
        info.value.details
    )
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(evidence)) == 0
    good = tmp_path / "evidence.csv"
    good.write_text(
        CSV_HEADER
        + REPORT_ROW
        + "tiny,steel,ent_disclosure,2023,,có,Website,,,,seed,seed 001\n"
        + "tiny,,compliance_years,2023,3,,Confirmed by the board,Board,,,reported,letter\n",
        encoding="utf-8",
    )
    assert load_evidence_csv(engine, good) == 3
    assert load_evidence_csv(engine, good) == 3
    records = list_evidence(engine, "tiny")
    assert len(records) == 3
    report_row = next(r for r in records if r.indicator_id == "annual_public_report")
    assert report_row.file_name == "report.txt" and report_row.confirmed_on is not None
    assert report_row.confirmed_on.isoformat() == "2024-03-15"
    own = next(r for r in records if r.indicator_id == "ent_disclosure")
    assert (own.org_code, own.data_status, own.source) == ("steel", "seed", "seed 001")


def _add_yes(engine: sa.Engine, year: int) -> None:
    for name in YES_EVIDENCE:
        add_evidence(
            engine,
            EvidenceInput(
                park_code="tiny", indicator_id=name, year=year, value_text="yes", note="checked"
            ),
        )


def test_history_and_the_change_since_last_year(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        tiny_park(conn)
    first = service.assess_park(engine, "tiny", "decree-82-2018", 2022)
    assert first.change is None
    # 2022: criteria 3, 4, 5 and 7 have data, their mean is the rate (1, 2, 6, 8 left out).
    assert first.to_dict()["overall_percent"] == 60
    assert first.to_dict()["coverage"]["no_data"] == ["1", "2", "6", "8"]
    _add_yes(engine, 2023)
    second = service.assess_park(engine, "tiny", "decree-82-2018", 2023)
    # Every criterion has data now. The monitoring document does not overrule the flows,
    # where too few firms report both inputs and outputs: criterion 7 is half met.
    assert second.to_dict()["overall_percent"] == 93
    assert second.to_dict()["coverage"]["no_data"] == []
    assert second.assessment.criterion("7").score == 50
    change = second.change
    assert change is not None and change["previous_year"] == 2022
    assert change["overall_change"] == pytest.approx(
        float(second.assessment.overall) - float(first.assessment.overall), abs=0.01
    )
    assert {"1", "2", "5", "6", "7", "8"} <= set(change["improved"])
    assert [h["year"] for h in second.history] == [2022, 2023]
    again = service.assess_park(engine, "tiny", "decree-82-2018", 2023)
    assert [h["year"] for h in again.history] == [2022, 2023]
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(assessments)) == 2
    unsaved = service.assess_park(engine, "tiny", "nck-study", 2023, save=False)
    assert unsaved.history == []


def test_an_enterprise_self_assessment_shows_only_its_own_data(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        ids = tiny_park(conn)
    add_evidence(
        engine,
        EvidenceInput(
            park_code="tiny",
            indicator_id="eip_certificate",
            year=2023,
            value_text="yes",
            note="certificate",
        ),
    )
    add_evidence(
        engine,
        EvidenceInput(
            park_code="tiny",
            org_code="plastics",
            indicator_id="ent_disclosure",
            year=2023,
            value_text="yes",
            note="plastics' private note",
        ),
    )
    report = service.assess_enterprise(engine, "tiny", "steel", "decree-35-2022", 2023)
    a = report.assessment
    assert a.criterion("E1").verdict.value == "met"
    assert a.criterion("E3").verdict.value == "met"
    assert a.criterion("E4").verdict.value == "met"
    disclosure = next(r for r in a.criterion("E5").indicators if r.id == "ent_disclosure")
    assert disclosure.verdict.value == "no_data"
    text = json.dumps(report.to_dict(), default=str, ensure_ascii=False)
    for secret in ("plastics", "private-2023", "77.7", "food", "collector"):
        assert secret not in text, secret
    own = Viewer(Role.ENTERPRISE, park_id=ids["park"], org_id=ids["steel"])
    other = Viewer(Role.ENTERPRISE, park_id=ids["park"], org_id=ids["plastics"], name="plastics")
    service.assess_enterprise(engine, "tiny", "steel", "decree-35-2022", 2023, viewer=own)
    with pytest.raises(UserError, match="may not assess"):
        service.assess_enterprise(engine, "tiny", "steel", "decree-35-2022", 2023, viewer=other)
    visible = list_evidence(engine, "tiny", viewer=own)
    assert [r.indicator_id for r in visible] == ["eip_certificate"]
    with pytest.raises(UserError, match="not an enterprise"):
        service.assess_enterprise(engine, "tiny", "utility", "decree-35-2022", 2023)
    with pytest.raises(UserError, match="no eco-enterprise criteria"):
        service.assess_enterprise(engine, "tiny", "steel", "nck-study", 2023)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_dossier_renders(engine: sa.Engine, tmp_path: Path, lang: str, fmt: str) -> None:
    with engine.begin() as conn:
        tiny_park(conn)
    doc = tmp_path / "permit.pdf"
    doc.write_bytes(b"permit")
    add_evidence(
        engine,
        EvidenceInput(
            park_code="tiny",
            indicator_id="basic_services",
            year=2023,
            file=doc,
            value_text="yes",
            note="Electricity & water <contracts>",
            data_status="measured",
        ),
    )
    text = service.dossier(engine, "tiny", "decree-35-2022", 2023, lang=lang, fmt=fmt)
    heads = {
        "vi": [
            "1. Văn bản đăng ký",
            "2. Báo cáo tình hình hoạt động",
            "3. Bản tự đánh giá",
            "4. Tài liệu chứng minh",
        ],
        "en": [
            "1. Written registration",
            "2. Report on the park",
            "3. Self-assessment",
            "4. Supporting documents",
        ],
    }[lang]
    for head in heads:
        assert head in text
    assert "permit.pdf" in text and hashlib.sha256(b"permit").hexdigest()[:12] in text
    assert ("đo đạc" if lang == "vi" else "measured") in text
    assert ("không tìm thấy" if lang == "vi" else "not found") in text
    if fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "&lt;contracts&gt;" in text
    else:
        assert text.startswith("# ") and "<contracts>" in text
