"""Rule files validate against their schema; a broken one is refused naming file and field;
a new rule set is a new file."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml

from parkloop.assessment import assess_park, library, load_library
from parkloop.assessment.facts import ParkFacts
from parkloop.assessment.loader import RuleFileError, default_ruleset_dir
from parkloop.assessment.model import STATUSES, Level
from parkloop.assessment.parameters import read_yaml
from parkloop.assessment.validate import validate

SHIPPED = Path(str(default_ruleset_dir()))


def test_shipped_rule_sets_load_and_cover_the_issue() -> None:
    lib = library()
    assert set(lib.rulesets) == {"decree-82-2018", "decree-35-2022", "nck-study", "eip-framework"}
    d82 = lib.ruleset("decree-82-2018")
    assert [c.id for c in d82.criteria] == [str(i) for i in range(1, 9)]
    thresholds = {
        u.ref: u.threshold.value
        for c in d82.criteria
        for u in c.indicators
        if u.threshold is not None and not isinstance(u.threshold.value, bool)
    }
    assert thresholds == {
        "recp_aware_share": 90,
        "recp_applying_share": 20,
        "land_share_green_traffic_shared": 25,
        "symbiosis_links": 1,
        "symbiosis_planning_share": 10,
    }
    for c in d82.criteria[5:]:
        assert c.cited.status == "seed" and "Nam Cầu Kiền circular-economy study" in c.cited.source
        assert c.text_vi and "not_found" in c.note_en
    nck = lib.ruleset("nck-study")
    assert [c.id for c in nck.criteria if c.counts] == [str(i) for i in range(1, 13)]
    assert [c.id for c in nck.criteria if c.group == "zone"] == [f"Z{i}" for i in range(1, 7)]
    assert len(nck.monitoring) == 17
    d35 = lib.ruleset("decree-35-2022")
    assert d35.levels == (Level.PARK, Level.ENTERPRISE)
    a5_codes = {u.code for c in d35.criteria if c.group == "a5" for u in c.indicators}
    assert {"ENV.1", "ENV.3", "PM.1", "SOC.3", "ECO.6"} <= a5_codes
    framework = lib.ruleset("eip-framework")
    assert [c.id for c in framework.criteria] == ["PM", "ENV", "SOC", "ECO"]


def test_every_criterion_and_threshold_carries_status_and_source() -> None:
    for rs in library().rulesets.values():
        assert rs.cited.status in STATUSES and rs.cited.source
        for c in rs.criteria:
            assert c.cited.status in STATUSES and c.cited.source, (rs.id, c.id)
            for u in c.indicators:
                cited = u.threshold.cited if u.threshold is not None else u.threshold_missing
                assert cited is not None and cited.status in STATUSES and cited.source, (
                    rs.id,
                    c.id,
                    u.ref,
                )


def test_recalled_items_load_and_show_as_unverified() -> None:
    lib = library()
    framework = lib.ruleset("eip-framework")
    assert framework.unverified_items == 14
    result = assess_park(framework, ParkFacts(park_code="p", year=2022), lib)
    d = result.to_dict()
    env = next(c for c in d["criteria"] if c["id"] == "ENV")
    assert env["unverified"] is True
    assert all(s["unverified"] for s in env["subcategories"])
    not_judged = [i for i in env["indicators"] if i["verdict"] == "not_judged"]
    assert not_judged and all(i["threshold_missing"]["status"] == "not_found" for i in not_judged)


def test_the_schema_accepts_the_shipped_files() -> None:
    schema = read_yaml("ruleset.schema.yaml")
    for path in sorted(SHIPPED.glob("*.yaml")):
        assert validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema) == [], path.name
    catalog = read_yaml("indicators.yaml")
    assert validate(catalog, schema["$defs"]["indicator_catalog"], schema) == []


def copy_rulesets(tmp_path: Path) -> Path:
    target = tmp_path / "rulesets"
    shutil.copytree(SHIPPED, target)
    return target


def edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def refused(directory: Path) -> list[str]:
    with pytest.raises(RuleFileError) as info:
        load_library([directory])
    return [str(f) for f in info.value.findings]


def test_a_missing_status_is_refused_naming_file_and_field(tmp_path: Path) -> None:
    d = copy_rulesets(tmp_path)
    edit(
        d / "decree-82-2018.yaml",
        lambda data: data["criteria"][3]["indicators"][0]["threshold"].pop("status"),
    )
    assert refused(d) == [
        "rulesets/decree-82-2018.yaml: criteria[3].indicators[0].threshold.status: is required",
        "rulesets/nck-study.yaml: includes[0].ruleset: rule set 'decree-82-2018' is invalid",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda data: data["criteria"][2]["indicators"][0]["threshold"].update(value="ninety"),
            "criteria[2].indicators[0].threshold.value: "
            "must be number or boolean, not the text 'ninety'",
        ),
        (
            lambda data: data["criteria"][2]["indicators"][0].update(ref="recp_awareness"),
            "criteria[2].indicators[0].ref: unknown indicator 'recp_awareness'",
        ),
        (
            lambda data: data["criteria"][0].update(status="probably"),
            "criteria[0].status: 'probably' is not one of",
        ),
        (
            lambda data: data["criteria"][0]["indicators"][0]["threshold"].update(op=">="),
            "criteria[0].indicators[0].threshold.value: "
            "a yes/no indicator needs op '==' and value true or false",
        ),
        (
            lambda data: data["criteria"][1].update(id="1"),
            "criteria[1].id: criterion '1' is defined twice",
        ),
        (
            lambda data: data["criteria"][5].update(status="not_found"),
            "criteria[5].text_vi: wording of a criterion not found must be left empty",
        ),
        (
            lambda data: data["criteria"][4]["indicators"][0].pop("threshold"),
            "criteria[4].indicators[0]: give either threshold or threshold_missing",
        ),
        (
            lambda data: data.update(colour="green"),
            "colour: is not a known field",
        ),
    ],
)
def test_broken_rule_files_are_refused(tmp_path: Path, change: object, expected: str) -> None:
    d = copy_rulesets(tmp_path)
    edit(d / "decree-82-2018.yaml", change)
    findings = refused(d)
    assert any(
        f.startswith("rulesets/decree-82-2018.yaml: ") and expected in f for f in findings
    ), findings


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    d = copy_rulesets(tmp_path)
    (d / "eip-framework.yaml").write_text("id: eip-framework\ncriteria: [\n", encoding="utf-8")
    findings = refused(d)
    assert any(f.startswith("rulesets/eip-framework.yaml: line ") for f in findings), findings


def test_a_broken_include_is_refused(tmp_path: Path) -> None:
    d = copy_rulesets(tmp_path)
    (d / "decree-82-2018.yaml").unlink()
    findings = refused(d)
    assert "rulesets/nck-study.yaml: includes[0].ruleset: no rule set 'decree-82-2018'" in findings


def test_a_new_rule_set_is_a_new_file(tmp_path: Path) -> None:
    d = copy_rulesets(tmp_path)
    (d / "provincial-pilot.yaml").write_text(
        """
id: provincial-pilot
version: 1
title_vi: Thí điểm cấp tỉnh
title_en: Provincial pilot
document: A provincial pilot programme
status: derived
source: test
scoring: {overall: mean, status: derived, source: test}
indicators:
  - id: pilot_training_hours
    unit: count
    level: park
    title_vi: Giờ đào tạo
    title_en: Training hours
criteria:
  - id: P1
    applies_to: park
    title_vi: Đất dành cho cây xanh
    title_en: Land for green space
    status: derived
    source: test
    indicators:
      - ref: land_share_green_traffic_shared
        threshold: {op: ">=", value: 30, status: derived, source: test}
  - id: P2
    applies_to: park
    title_vi: Đào tạo
    title_en: Training
    status: derived
    source: test
    indicators:
      - ref: pilot_training_hours
        threshold: {op: ">=", value: 40, status: derived, source: test}
""",
        encoding="utf-8",
    )
    lib = load_library([d])
    assert "provincial-pilot" in lib.rulesets
    assert lib.indicators["pilot_training_hours"].defined_in == "rulesets/provincial-pilot.yaml"
    result = assess_park(lib.ruleset("provincial-pilot"), ParkFacts(park_code="p", year=2022), lib)
    assert [c.verdict.value for c in result.criteria] == ["no_data", "no_data"]


def test_the_packaged_data_is_where_the_loader_looks() -> None:
    files = {p.name for p in resources.files("parkloop.assessment").joinpath("rulesets").iterdir()}
    assert {
        "decree-82-2018.yaml",
        "decree-35-2022.yaml",
        "nck-study.yaml",
        "eip-framework.yaml",
    } <= files


def test_validator_reports_paths() -> None:
    schema = {
        "type": "object",
        "required": ["a"],
        "additionalProperties": False,
        "properties": {
            "a": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/item"}},
        },
        "$defs": {
            "item": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}
        },
    }
    assert [str(p) for p in validate({}, schema)] == ["a: is required"]
    assert [str(p) for p in validate({"a": []}, schema)] == ["a: needs at least 1 item(s)"]
    assert [str(p) for p in validate({"a": [{"n": 0}, {"n": True}]}, schema)] == [
        "a[0].n: must be at least 1",
        "a[1].n: must be integer, not a boolean",
    ]
