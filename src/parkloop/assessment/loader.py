"""Load the indicator catalog and the rule sets, validate them, and refuse a broken file
with the file and the field named. A new rule set is a new file in ``rulesets/``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from parkloop.assessment import indicators as registry
from parkloop.assessment.facts import exact
from parkloop.assessment.model import (
    Cited,
    Criterion,
    Group,
    IndicatorDef,
    IndicatorRef,
    Level,
    MonitoringItem,
    Reported,
    RuleSet,
    Scoring,
    Subcategory,
    Threshold,
    Unit,
)
from parkloop.assessment.parameters import INDICATORS_FILE, Parameters, parameters_from, read_yaml
from parkloop.assessment.validate import validate
from parkloop.errors import UserError, msg

SCHEMA_FILE = "ruleset.schema.yaml"
CRITERIA_MET = "criteria_met"
BUILTIN = IndicatorDef(
    id=CRITERIA_MET,
    unit=Unit.PERCENT,
    level=Level.PARK,
    title_vi="Tỷ lệ các tiêu chí được liệt kê đã đạt",
    title_en="Share of the listed criteria met",
    computed=True,
    defined_in="built-in",
)


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field or '(top)'}: {self.message}"


class RuleFileError(UserError):
    """One or more rule files are invalid; every finding names the file and the field."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        super().__init__("invalid assessment rule file(s)", details=[str(f) for f in self.findings])


@dataclass(frozen=True, slots=True)
class RawFile:
    name: str
    data: dict[str, Any]


@dataclass
class Library:
    """Every indicator definition and every rule set, validated."""

    indicators: dict[str, IndicatorDef]
    rulesets: dict[str, RuleSet]
    parameters: Parameters
    files: list[RawFile] = field(default_factory=list)

    def ruleset(self, ruleset_id: str) -> RuleSet:
        if ruleset_id not in self.rulesets:
            known = ", ".join(sorted(self.rulesets))
            raise UserError(
                msg(
                    "no rule set '{ruleset_id}'; known rule sets: {known}",
                    ruleset_id=str(ruleset_id),
                    known=known,
                )
            )
        return self.rulesets[ruleset_id]

    def indicator(self, indicator_id: str) -> IndicatorDef:
        if indicator_id not in self.indicators:
            raise UserError(
                msg("no indicator '{indicator_id}'", indicator_id=str(indicator_id)),
                details=[f"known indicators: {', '.join(sorted(self.indicators))}"],
            )
        return self.indicators[indicator_id]


# -- reading -----------------------------------------------------------------------------


def _schema() -> dict[str, Any]:
    data = read_yaml(SCHEMA_FILE)
    assert isinstance(data, dict)
    return data


def _read(path: Traversable | Path, name: str) -> tuple[RawFile | None, list[Finding]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        return None, [Finding(name, where, f"not valid YAML: {exc}")]
    if not isinstance(data, dict):
        return None, [Finding(name, "", "must be a mapping of fields")]
    return RawFile(name, data), []


def default_ruleset_dir() -> Traversable:
    return resources.files("parkloop.assessment") / "rulesets"


def _ruleset_files(
    directories: Iterable[Traversable | Path],
) -> list[tuple[str, Traversable | Path]]:
    found = []
    for directory in directories:
        for entry in directory.iterdir():
            if entry.name.endswith((".yaml", ".yml")) and not entry.name.startswith("_"):
                found.append((f"rulesets/{entry.name}", entry))
    return sorted(found, key=lambda item: item[0])


# -- building ------------------------------------------------------------------------------


def _cited(raw: dict[str, Any]) -> Cited:
    return Cited(str(raw["status"]), str(raw["source"]))


def _indicator_def(raw: dict[str, Any], defined_in: str) -> IndicatorDef:
    return IndicatorDef(
        id=raw["id"],
        unit=Unit(raw["unit"]),
        level=Level(raw["level"]),
        title_vi=raw["title_vi"],
        title_en=raw["title_en"],
        hint_vi=raw.get("hint_vi", ""),
        hint_en=raw.get("hint_en", ""),
        computed=bool(raw.get("computed", False)),
        defined_in=defined_in,
    )


def _threshold_value(value: Any) -> Fraction | bool:
    if isinstance(value, bool):
        return value
    return exact(value)


def _indicator_ref(raw: dict[str, Any]) -> IndicatorRef:
    threshold = None
    if "threshold" in raw:
        t = raw["threshold"]
        threshold = Threshold(op=t["op"], value=_threshold_value(t["value"]), cited=_cited(t))
    missing = _cited(raw["threshold_missing"]) if "threshold_missing" in raw else None
    return IndicatorRef(
        ref=raw["ref"],
        threshold=threshold,
        threshold_missing=missing,
        action_vi=raw.get("action_vi", ""),
        action_en=raw.get("action_en", ""),
        code=raw.get("code", ""),
        criteria=tuple(str(c) for c in raw.get("criteria", ())),
    )


def _criterion(raw: dict[str, Any], group: str | None = None, from_ruleset: str = "") -> Criterion:
    return Criterion(
        id=str(raw["id"]),
        applies_to=Level(raw["applies_to"]),
        title_vi=raw["title_vi"],
        title_en=raw["title_en"],
        cited=_cited(raw),
        indicators=tuple(_indicator_ref(r) for r in raw["indicators"]),
        group=group if group is not None else raw.get("group", ""),
        text_vi=raw.get("text_vi", ""),
        text_en=raw.get("text_en", ""),
        note_vi=raw.get("note_vi", ""),
        note_en=raw.get("note_en", ""),
        counts=bool(raw.get("counts", True)),
        combine=raw.get("combine", "mean"),
        subcategories=tuple(
            Subcategory(title_en=s["title_en"], title_vi=s.get("title_vi", ""), cited=_cited(s))
            for s in raw.get("subcategories", ())
        ),
        from_ruleset=from_ruleset,
    )


def _monitoring(raw: dict[str, Any]) -> MonitoringItem:
    reported = None
    if "reported" in raw:
        r = raw["reported"]
        value = r.get("value")
        reported = Reported(
            text=r["text"], value=None if value is None else exact(value), cited=_cited(r)
        )
    return MonitoringItem(
        ref=raw["ref"],
        row=str(raw.get("row", "")),
        title_vi=raw.get("title_vi", ""),
        title_en=raw.get("title_en", ""),
        reported=reported,
    )


def _included(
    raw: RawFile, by_id: dict[str, RawFile], seen: tuple[str, ...] = ()
) -> list[Criterion]:
    criteria: list[Criterion] = []
    for inc in raw.data.get("includes", ()):
        other = by_id[inc["ruleset"]]
        if other.data["id"] in seen:
            continue
        criteria.extend(_included(other, by_id, (*seen, raw.data["id"])))
        criteria.extend(
            _criterion(c, inc.get("group"), from_ruleset=other.data["id"])
            for c in other.data.get("criteria", ())
        )
    return criteria


def _ruleset(raw: RawFile, by_id: dict[str, RawFile]) -> RuleSet:
    d = raw.data
    scoring = d["scoring"]
    criteria = _included(raw, by_id) + [_criterion(c) for c in d.get("criteria", ())]
    return RuleSet(
        id=d["id"],
        version=int(d["version"]),
        title_vi=d["title_vi"],
        title_en=d["title_en"],
        document=d["document"],
        cited=_cited(d),
        scoring=Scoring(
            overall=scoring["overall"],
            overall_decimals=int(scoring.get("overall_decimals", 0)),
            cited=_cited(scoring),
        ),
        criteria=tuple(criteria),
        groups=tuple(
            Group(id=g["id"], title_vi=g["title_vi"], title_en=g["title_en"])
            for g in d.get("groups", ())
        ),
        monitoring=tuple(_monitoring(m) for m in d.get("monitoring", ())),
        note_vi=d.get("note_vi", ""),
        note_en=d.get("note_en", ""),
        file=raw.name,
    )


# -- checks: a registry of small functions, each yielding findings --------------------------


@dataclass(frozen=True, slots=True)
class Context:
    catalog: RawFile
    files: list[RawFile]
    indicators: dict[str, IndicatorDef]
    broken: frozenset[str] = frozenset()

    def by_id(self) -> dict[str, RawFile]:
        return {f.data["id"]: f for f in self.files}


Check = Callable[[Context], Iterator[Finding]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


@check
def computed_indicators_have_functions(ctx: Context) -> Iterator[Finding]:
    functions: dict[Level, set[str]] = {
        Level.PARK: set(registry.PARK),
        Level.ENTERPRISE: set(registry.ENTERPRISE),
    }
    for i, raw in enumerate(ctx.catalog.data["indicators"]):
        if raw.get("computed") and raw["id"] not in functions[Level(raw["level"])]:
            yield Finding(
                ctx.catalog.name,
                f"indicators[{i}].computed",
                f"no {raw['level']} function is registered for '{raw['id']}'",
            )
    defined = {raw["id"] for raw in ctx.catalog.data["indicators"] if raw.get("computed")}
    for level, table in functions.items():
        for name in sorted(table - defined):
            yield Finding(
                ctx.catalog.name, "indicators", f"{level} function '{name}' has no definition"
            )


@check
def parameters_are_known(ctx: Context) -> Iterator[Finding]:
    names = {f for f in Parameters.__dataclass_fields__ if f != "cited"}
    for name in ctx.catalog.data["parameters"]:
        if name not in names:
            yield Finding(
                ctx.catalog.name, f"parameters.{name}", "is not a parameter any indicator uses"
            )
    for name in sorted(names - set(ctx.catalog.data["parameters"])):
        yield Finding(ctx.catalog.name, f"parameters.{name}", "is required")


@check
def ids_match_file_names(ctx: Context) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for f in ctx.files:
        stem = f.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if f.data["id"] != stem:
            yield Finding(f.name, "id", f"'{f.data['id']}' must match the file name '{stem}'")
        if f.data["id"] in seen:
            yield Finding(f.name, "id", f"'{f.data['id']}' is also used by {seen[f.data['id']]}")
        seen[f.data["id"]] = f.name


@check
def includes_resolve(ctx: Context) -> Iterator[Finding]:
    by_id = ctx.by_id()
    for f in ctx.files:
        for i, inc in enumerate(f.data.get("includes", ())):
            if inc["ruleset"] in ctx.broken:
                yield Finding(
                    f.name, f"includes[{i}].ruleset", f"rule set '{inc['ruleset']}' is invalid"
                )
            elif inc["ruleset"] not in by_id:
                yield Finding(f.name, f"includes[{i}].ruleset", f"no rule set '{inc['ruleset']}'")
            elif _reaches(by_id, inc["ruleset"], f.data["id"]):
                yield Finding(f.name, f"includes[{i}].ruleset", "includes form a cycle")


def _reaches(by_id: dict[str, RawFile], start: str, target: str) -> bool:
    stack, seen = [start], set()
    while stack:
        current = stack.pop()
        if current == target:
            return True
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        stack.extend(inc["ruleset"] for inc in by_id[current].data.get("includes", ()))
    return False


@check
def criterion_ids_are_unique(ctx: Context) -> Iterator[Finding]:
    for f in ctx.files:
        seen = {c.id for c in _safe_included(ctx, f)}
        for i, c in enumerate(f.data.get("criteria", ())):
            cid = str(c["id"])
            if cid in seen:
                yield Finding(f.name, f"criteria[{i}].id", f"criterion '{cid}' is defined twice")
            seen.add(cid)


@check
def groups_are_declared(ctx: Context) -> Iterator[Finding]:
    for f in ctx.files:
        declared = {g["id"] for g in f.data.get("groups", ())}
        uses = [
            (f"criteria[{i}].group", c.get("group"))
            for i, c in enumerate(f.data.get("criteria", ()))
        ]
        uses += [
            (f"includes[{i}].group", inc.get("group"))
            for i, inc in enumerate(f.data.get("includes", ()))
        ]
        for where, group in uses:
            if group and group not in declared:
                yield Finding(f.name, where, f"group '{group}' is not declared under groups")


@check
def indicator_uses_are_sound(ctx: Context) -> Iterator[Finding]:
    by_id = ctx.by_id()
    for f in ctx.files:
        ids: set[str] | None = {str(c["id"]) for c in f.data.get("criteria", ())}
        if all(inc["ruleset"] in by_id for inc in f.data.get("includes", ())):
            ids = (ids or set()) | {c.id for c in _safe_included(ctx, f)}
        else:
            ids = None  # an include is broken and reported; criteria lists cannot be checked
        for i, c in enumerate(f.data.get("criteria", ())):
            level = Level(c["applies_to"])
            for j, use in enumerate(c["indicators"]):
                where = f"criteria[{i}].indicators[{j}]"
                yield from _check_use(f.name, where, use, level, ctx.indicators, ids)


def _safe_included(ctx: Context, f: RawFile) -> list[Criterion]:
    by_id = ctx.by_id()
    incs = f.data.get("includes", ())
    if all(
        inc["ruleset"] in by_id and not _reaches(by_id, inc["ruleset"], f.data["id"])
        for inc in incs
    ):
        return _included(f, by_id)
    return []


def _check_use(
    name: str,
    where: str,
    use: dict[str, Any],
    level: Level,
    indicators: dict[str, IndicatorDef],
    criterion_ids: set[str] | None,
) -> Iterator[Finding]:
    ref = use["ref"]
    if ref not in indicators:
        yield Finding(name, f"{where}.ref", f"unknown indicator '{ref}'")
        return
    ind = indicators[ref]
    if ref == CRITERIA_MET:
        if not use.get("criteria"):
            yield Finding(name, f"{where}.criteria", f"'{CRITERIA_MET}' needs the list of criteria")
        for k, cid in enumerate(use.get("criteria", ())):
            if criterion_ids is not None and str(cid) not in criterion_ids:
                yield Finding(
                    name, f"{where}.criteria[{k}]", f"no criterion '{cid}' in this rule set"
                )
    elif "criteria" in use:
        yield Finding(name, f"{where}.criteria", f"only '{CRITERIA_MET}' takes a list of criteria")
    elif ind.level is Level.ENTERPRISE and level is Level.PARK:
        yield Finding(name, f"{where}.ref", f"'{ref}' describes one enterprise, not a park")
    elif ind.level is Level.PARK and level is Level.ENTERPRISE and ind.computed:
        yield Finding(name, f"{where}.ref", f"'{ref}' is computed over a whole park")
    has_threshold, has_missing = "threshold" in use, "threshold_missing" in use
    if has_threshold == has_missing:
        yield Finding(name, where, "give either threshold or threshold_missing (with its status)")
    if has_threshold:
        yield from _check_threshold(name, f"{where}.threshold", use["threshold"], ind.unit)


def _check_threshold(name: str, where: str, t: dict[str, Any], unit: Unit) -> Iterator[Finding]:
    if t["status"] == "not_found":
        yield Finding(
            name, f"{where}.status", "a threshold not found is given as threshold_missing"
        )
    value = t["value"]
    if unit is Unit.TEXT:
        yield Finding(name, where, "a text indicator cannot have a threshold")
    elif unit is Unit.BOOLEAN:
        if not isinstance(value, bool) or t["op"] != "==":
            yield Finding(
                name, f"{where}.value", "a yes/no indicator needs op '==' and value true or false"
            )
    elif isinstance(value, bool):
        yield Finding(name, f"{where}.value", f"a {unit} indicator needs a number")


@check
def criteria_met_refers_to_plain_criteria(ctx: Context) -> Iterator[Finding]:
    for f in ctx.files:
        derived = {
            str(c["id"])
            for c in f.data.get("criteria", ())
            if any(u["ref"] == CRITERIA_MET for u in c["indicators"])
        }
        for i, c in enumerate(f.data.get("criteria", ())):
            for j, use in enumerate(c["indicators"]):
                for k, cid in enumerate(use.get("criteria", ())):
                    if str(cid) in derived:
                        yield Finding(
                            f.name,
                            f"criteria[{i}].indicators[{j}].criteria[{k}]",
                            f"criterion '{cid}' is itself built from other criteria",
                        )


@check
def empty_criteria_are_labelled(ctx: Context) -> Iterator[Finding]:
    for f in ctx.files:
        for i, c in enumerate(f.data.get("criteria", ())):
            if not c["indicators"] and (c["status"] != "not_found" or c.get("counts", True)):
                yield Finding(
                    f.name,
                    f"criteria[{i}].indicators",
                    "a criterion without indicators must be status not_found with counts: false",
                )


@check
def wording_is_not_invented(ctx: Context) -> Iterator[Finding]:
    for f in ctx.files:
        for i, c in enumerate(f.data.get("criteria", ())):
            if c["status"] == "not_found" and (c.get("text_vi") or c.get("text_en")):
                yield Finding(
                    f.name,
                    f"criteria[{i}].text_vi",
                    "wording of a criterion not found must be left empty (say so in the note)",
                )


@check
def monitoring_refs_are_known(ctx: Context) -> Iterator[Finding]:
    for f in ctx.files:
        for i, m in enumerate(f.data.get("monitoring", ())):
            if m["ref"] not in ctx.indicators:
                yield Finding(f.name, f"monitoring[{i}].ref", f"unknown indicator '{m['ref']}'")
            elif ctx.indicators[m["ref"]].level is not Level.PARK:
                yield Finding(
                    f.name, f"monitoring[{i}].ref", "monitoring indicators describe the park"
                )


# -- loading ---------------------------------------------------------------------------------


def load_library(directories: Sequence[Traversable | Path] | None = None) -> Library:
    """Read, validate and build every indicator and rule set; raise RuleFileError if broken."""
    schema = _schema()
    findings: list[Finding] = []
    catalog = RawFile(INDICATORS_FILE, read_yaml(INDICATORS_FILE))
    for p in validate(catalog.data, schema["$defs"]["indicator_catalog"], schema):
        findings.append(Finding(catalog.name, p.path, p.message))
    if findings:
        raise RuleFileError(findings)

    indicators: dict[str, IndicatorDef] = {BUILTIN.id: BUILTIN}
    for i, raw in enumerate(catalog.data["indicators"]):
        if raw["id"] in indicators:
            findings.append(
                Finding(catalog.name, f"indicators[{i}].id", f"'{raw['id']}' is defined twice")
            )
        indicators[raw["id"]] = _indicator_def(raw, catalog.name)

    files: list[RawFile] = []
    broken: set[str] = set()
    dirs = list(directories) if directories is not None else [default_ruleset_dir()]
    for name, path in _ruleset_files(dirs):
        raw_file, problems = _read(path, name)
        findings.extend(problems)
        schema_problems = [] if raw_file is None else validate(raw_file.data, schema)
        findings.extend(Finding(name, p.path, p.message) for p in schema_problems)
        if raw_file is None or schema_problems:
            broken.add(name.rsplit("/", 1)[-1].rsplit(".", 1)[0])
            continue
        files.append(raw_file)
        for i, raw in enumerate(raw_file.data.get("indicators", ())):
            if raw.get("computed"):
                findings.append(
                    Finding(
                        name,
                        f"indicators[{i}].computed",
                        "computed indicators belong in indicators.yaml",
                    )
                )
            elif raw["id"] in indicators:
                findings.append(
                    Finding(
                        name,
                        f"indicators[{i}].id",
                        f"'{raw['id']}' is already defined in {indicators[raw['id']].defined_in}",
                    )
                )
            else:
                indicators[raw["id"]] = _indicator_def(raw, name)

    ctx = Context(catalog, files, indicators, frozenset(broken))
    for fn in CHECKS:
        findings.extend(fn(ctx))
    if findings:
        raise RuleFileError(findings)

    by_id = ctx.by_id()
    rulesets = {f.data["id"]: _ruleset(f, by_id) for f in files}
    return Library(
        indicators=indicators,
        rulesets=rulesets,
        parameters=parameters_from(catalog.data["parameters"]),
        files=files,
    )


@cache
def library() -> Library:
    """The shipped indicators and rule sets, loaded and validated once per process."""
    return load_library()
