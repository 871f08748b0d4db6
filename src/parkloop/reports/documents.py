"""The documents of a park, built from the services for one viewer, in Vietnamese or
English: the certification dossier (Decree 35/2022 Art. 41), the annual input/output and
resource-efficiency report (forms A.4/A.5 of Circular 05/2025), an enterprise's forms
B.4/B.5, the environmental and social report for publication, the RECP programme report,
and the workbooks of matches, accounting, optimisation and assessment."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import Engine

from parkloop.assessment import Assessment, library
from parkloop.assessment.model import Verdict
from parkloop.catalog import catalog
from parkloop.domain.enums import Direction, ExchangeStatus
from parkloop.domain.models import Park
from parkloop.domain.permissions import Role, Viewer
from parkloop.reports import figures
from parkloop.reports.model import (
    Cell,
    Column,
    Document,
    Items,
    Letterhead,
    Paragraph,
    Section,
    Signature,
    Table,
    day,
    money,
    num,
    pct,
    text,
)
from parkloop.reports.notes import co2_note, readable_source, status_note, status_word
from parkloop.reports.words import say

KINDS = ("dossier", "annual", "public", "recp", "enterprise")
EXPORTS = ("matches", "accounting", "optimisation", "assessment")
DOSSIER_RULESET = "decree-35-2022"
Progress = Callable[[str, int, int], None]


def quiet(stage: str, done: int, total: int) -> None:
    return None


# -- shared pieces ---------------------------------------------------------------------------


@dataclass
class Names:
    """Names of organisations and materials in the reader's language, never codes."""

    lang: str
    orgs: dict[str, str]

    def org(self, code: str) -> str:
        return self.orgs.get(code) or say(self.lang, "an enterprise not named")

    def material(self, code: str) -> str:
        m = catalog().materials.get(code)
        if m is None:
            return say(self.lang, "another material")
        return m.name_vi if self.lang == "vi" else m.name_en

    def material_class(self, code: str) -> str:
        m = catalog().materials.get(code)
        return m.material_class.label(self.lang) if m else say(self.lang, "other")


def _names(engine: Engine, park: str, lang: str) -> Names:
    from parkloop.services import registry

    orgs = {o.code: o.display_name(lang) for o in registry.organisations(engine, park)}
    keys = set()
    for x in registry.exchanges(engine, park):
        keys.add((x.supplier_park_code or park, x.supplier_code))
        keys.add((x.receiver_park_code or park, x.receiver_code))
    for (_, code), o in registry.organisations_named(engine, keys).items():
        orgs.setdefault(code, o.display_name(lang))
    return Names(lang, orgs)


def park_name(park: Park, lang: str) -> str:
    return (park.name_en if lang == "en" else "") or park.name_vi


def place_date(park: Park, lang: str, when: dt.date) -> str:
    place = park.province or ""
    if lang == "vi":
        line = f"ngày {when.day:02d} tháng {when.month:02d} năm {when.year}"
        return f"{place}, {line}" if place else line.capitalize()
    from parkloop import formats

    return f"{place}, {formats.date(when, lang)}" if place else formats.date(when, lang)


def board(park: Park, lang: str) -> str:
    """The management board a park reports to (Art. 41: the board of its province)."""
    return say(
        lang,
        "The Management Board of industrial parks and economic zones of {province}",
        province=park.province or say(lang, "the province"),
    )


def _operator(park: Park, lang: str) -> str:
    return park.operator or say(
        lang, "The infrastructure investor of {park}", park=park_name(park, lang)
    )


def _park_row(engine: Engine, code: str) -> Park:
    from parkloop.services import registry

    return registry.require_park(engine, code)


def _footer(lang: str, when: dt.date) -> str:
    from parkloop import formats

    return say(lang, "Prepared with parkloop on {date}.", date=formats.date(when, lang))


def _profile_table(engine: Engine, park: Park, year: int, lang: str) -> Table:
    from parkloop.services import assessment as assessment_service

    profile = assessment_service.park_profile(engine, park.code, year)
    t = Table(
        say(lang, "The park at a glance"),
        [
            Column(say(lang, "Item")),
            Column(say(lang, "Value"), "number"),
            Column(say(lang, "Unit")),
        ],
        key="profile",
    )
    t.add(text(say(lang, "Name")), text(park_name(park, lang)), text(""))
    t.add(text(say(lang, "Province")), text(park.province or "—"), text(""))
    t.add(text(say(lang, "Infrastructure investor")), text(_operator(park, lang)), text(""))
    t.add(
        text(say(lang, "Year established")),
        text(str(park.established_year) if park.established_year else "—"),
        text(""),
    )
    t.add(text(say(lang, "Total area")), num(park.total_area_ha, 1), text("ha"))
    t.add(
        text(say(lang, "Central wastewater treatment capacity")),
        num(profile["park"].get("wwtp_capacity_m3_per_day")),
        text(say(lang, "m³ a day")),
    )
    t.add(
        text(say(lang, "Enterprises")), num(profile["enterprises"]), text(say(lang, "enterprises"))
    )
    t.add(text(say(lang, "Employees")), num(profile["employees"]), text(say(lang, "people")))
    return t


def _add_status_notes(doc: Document, statuses: Iterable[str]) -> None:
    for s in sorted(set(statuses)):
        doc.note(status_word(s, doc.lang), status_note(s, doc.lang))


def _add_sources(doc: Document, sources: Iterable[str]) -> None:
    """Add the documents behind figures to the annex, once each, as a reader can look
    them up (a catalog's internal notes left out)."""
    for source in sources:
        r = readable_source(source)
        if r and r not in doc.sources:
            doc.sources.append(r)


# -- legal references ------------------------------------------------------------------------

_CLAUSE = re.compile(r"^(\d+)\.(\d+)(?:\.([a-zđ]|more))?$")


def legal_ref(ruleset: str, criterion: str, lang: str) -> str:
    """Where a criterion stands in its legal text: 37.3 is Article 37 clause 3, 37.1.a
    Article 37 clause 1 point a; the form of a circular for its indicators."""
    m = _CLAUSE.match(criterion)
    vi = lang == "vi"
    if m:
        art, clause, point = m.groups()
        out = f"Điều {art} khoản {clause}" if vi else f"Art. {art}({clause})"
        if point == "more":
            out += " (các điểm còn lại)" if vi else " (further points)"
        elif point:
            out += f" điểm {point}" if vi else f"({point})"
        return out
    if ruleset.startswith("decree-82") and re.fullmatch(r"\d+[a-z]?", criterion):
        clause, point = (
            criterion[:-1] if criterion[-1].isalpha() else criterion,
            (criterion[-1] if criterion[-1].isalpha() else ""),
        )
        out = f"Điều 42 khoản {clause}" if vi else f"Art. 42({clause})"
        return out + ((f" điểm {point}" if vi else f"({point})") if point else "")
    if criterion.startswith("A5"):
        return say(lang, "Circular 05/2025, form A.5")
    if criterion.startswith("B5"):
        return say(lang, "Circular 05/2025, form B.5")
    if re.fullmatch(r"E\d+", criterion):
        return say(lang, "Eco-enterprise criterion {n}", n=criterion[1:])
    return say(lang, "Criterion {n}", n=criterion)


@cache
def _criterion_texts(ruleset: str) -> dict[str, dict[str, str]]:
    """The Vietnamese text of each criterion with its source, from the rule set file."""
    path = resources.files("parkloop.assessment") / "rulesets" / f"{ruleset}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {
        str(c["id"]): {
            "vi": str(c.get("text_vi") or ""),
            "en": str(c.get("text_en") or ""),
            "source_vi": str(c.get("text_vi_source") or ""),
        }
        for c in data.get("criteria", [])
    }


def _verdict(v: Verdict, lang: str) -> str:
    return v.label(lang)


def _gap_action(gap: Any, assessment: Assessment, lang: str, names: dict[str, str]) -> str:
    """What people must do to close a gap, in words (never a command)."""
    vi = lang == "vi"
    parts: list[str] = []
    title = names.get(gap.indicator_id, "")
    if gap.verdict is Verdict.NO_DATA:
        hint = gap.hint_vi if vi else gap.hint_en
        parts.append(
            say(lang, "Collect the figures or the documents that show it")
            + (f" ({hint})" if hint else "")
        )
    elif gap.shortfall is not None and gap.unit is not None:
        from parkloop import formats

        amount = formats.number(float(gap.shortfall), lang, 1, fixed=False)
        if gap.whole is not None and gap.unit.value == "enterprises":
            parts.append(
                say(
                    lang,
                    "{amount} more of the {whole} enterprises must reach it",
                    amount=amount,
                    whole=formats.number(float(gap.whole), lang, 0),
                )
            )
        else:
            parts.append(
                say(lang, "{amount} {unit} more needed", amount=amount, unit=gap.unit.label(lang))
            )
    action = gap.action_vi if vi else gap.action_en
    if action:
        parts.append(action)
    said = "; ".join(p[0].lower() + p[1:] if i and p else p for i, p in enumerate(parts))
    if title and said:
        return f"{title}: {said[0].lower()}{said[1:]}"
    return title or said


def _who(indicator_level: str, park: Park, lang: str) -> str:
    if indicator_level == "enterprise":
        return say(lang, "Enterprises of the park, with the infrastructure investor")
    return _operator(park, lang)


def _assessment_tables(
    doc: Document, section: Section, assessment: Assessment, park: Park, quote: bool
) -> list[tuple[str, str, str]]:
    """The self-assessment: each criterion (quoted from the decree when ``quote``) and a
    table of its indicators; returns the gaps as (criterion, action, who)."""
    lang = doc.lang
    rs = assessment.ruleset
    texts = _criterion_texts(rs.id)
    summary = Table(
        say(lang, "Self-assessment against the criteria"),
        [
            Column(say(lang, "Legal basis")),
            Column(say(lang, "Criterion")),
            Column(say(lang, "Rate"), "percent", "%"),
            Column(say(lang, "Result")),
            Column(say(lang, "Indicators with data")),
        ],
        key="criteria",
    )
    statuses: list[str] = []
    sources: list[str] = [rs.cited.source]
    indicator_names: dict[str, str] = {}
    for c in assessment.criteria:
        counted = c.criterion.counts
        summary.add(
            text(legal_ref(rs.id, c.id, lang)),
            text(c.criterion.title(lang) + ("" if counted else say(lang, " (not counted)"))),
            pct(None if c.score is None else float(c.score), 0),
            text(_verdict(c.verdict, lang)),
            text(f"{len(c.with_data)}/{len(c.judged)}" if c.judged else "—"),
        )
        statuses.append(c.criterion.cited.status)
    section.blocks.append(summary)
    from parkloop import formats

    overall = assessment.overall_percent
    section.say(
        say(
            lang,
            "Overall rate: {rate}, the mean of the rates of the {n} criteria with data; a "
            "criterion without data is left out of it.",
            rate=formats.percent(None if overall is None else overall / 100, lang),
            n=len(assessment.counted),
        ),
        "lead",
    )
    for c in assessment.criteria:
        if not c.indicators and not quote:
            continue
        section.say(f"{legal_ref(rs.id, c.id, lang)}. {c.criterion.title(lang)}", "heading")
        if quote:
            t = texts.get(c.id, {})
            quoted = t.get("vi") if lang == "vi" else (t.get("en") or t.get("vi"))
            if quoted:
                section.say(f"“{' '.join(quoted.split())}”", "quote")
                if lang == "vi" and t.get("source_vi"):
                    section.say(t["source_vi"], "small")
            elif c.criterion.cited.status == "not_found":
                section.say(
                    say(
                        lang,
                        "The text of this provision could not be found yet; it is not assessed.",
                    ),
                    "small",
                )
        if not c.indicators:
            continue
        table = Table(
            say(lang, "Indicators of {ref}", ref=legal_ref(rs.id, c.id, lang)),
            [
                Column(say(lang, "Indicator")),
                Column(say(lang, "Value")),
                Column(say(lang, "Required")),
                Column(say(lang, "Result")),
                Column(say(lang, "Based on")),
            ],
            key=f"criterion:{c.id}",
            sheet=f"{say(lang, 'Criterion')} {c.id}",
        )
        for r in c.indicators:
            indicator_names[r.id] = r.definition.title(lang)
            th = r.use.threshold
            table.add(
                text(r.definition.title(lang)),
                text(r.value_text(lang)),
                text(
                    th.describe(r.definition.unit, lang)
                    if th
                    else say(lang, "not set by the text found")
                ),
                text(_verdict(r.verdict, lang)),
                text(
                    r.basis.label(lang) + (f" ({status_note(r.status, lang)})" if r.status else "")
                ),
            )
            if r.status:
                statuses.append(r.status)
            if th:
                statuses.append(th.cited.status)
                sources.append(th.cited.source)
        section.blocks.append(table)
    _add_status_notes(doc, statuses)
    _add_sources(doc, sources)
    levels = {d.id: d.level.value for d in library().indicators.values()}
    return [
        (
            legal_ref(rs.id, g.criterion_id, lang),
            _gap_action(g, assessment, lang, indicator_names),
            _who(levels.get(g.indicator_id, "park"), park, lang),
        )
        for g in assessment.gaps
        if g.counts
    ]


def clearly_unmet(assessment: Assessment) -> list[str]:
    """Why a park may not apply yet (empty when it may): an overall rate below half, or a
    criterion of the decree's Article 37 clause 1 that counts and is not met or has no
    data."""
    reasons = []
    overall = assessment.overall_percent
    if overall is None or overall < 50:
        reasons.append("overall")
    for c in assessment.criteria:
        if (
            c.criterion.counts
            and _CLAUSE.match(c.id)
            and c.verdict
            in (
                Verdict.NOT_MET,
                Verdict.NO_DATA,
            )
        ):
            reasons.append(c.id)
    return reasons


# -- the certification dossier ---------------------------------------------------------------


def dossier(
    engine: Engine,
    park_code: str,
    ruleset: str = DOSSIER_RULESET,
    year: int | None = None,
    lang: str = "vi",
    viewer: Viewer | None = None,
    progress: Progress = quiet,
    when: dt.date | None = None,
) -> Document:
    """The application for eco-industrial-park certification with the four parts of
    Decree 35/2022 Art. 41 (registration, report on the park, self-assessment, supporting
    documents); when the criteria are clearly unmet, a warning document that says so
    instead of an application."""
    from parkloop.services import assessment as assessment_service

    when = when or dt.date.today()
    viewer = viewer or Viewer.admin()
    progress(say(lang, "assessing"), 0, 4)
    report = assessment_service.assess_park(
        engine, park_code, ruleset, year, save=False, viewer=viewer
    )
    a = report.assessment
    park = _park_row(engine, park_code)
    name = park_name(park, lang)
    unmet = clearly_unmet(a)
    doc = Document(kind="dossier", lang=lang, title="", warning=bool(unmet), created=when)
    doc.footer = _footer(lang, when)
    from parkloop import formats

    overall = formats.percent(None if a.overall_percent is None else a.overall_percent / 100, lang)
    if unmet:
        doc.title = say(
            lang, "{park} does not yet meet the criteria of an eco-industrial park", park=name
        )
        doc.subtitle = say(
            lang,
            "Self-assessment for {year} under {ruleset}: not an application",
            year=a.year,
            ruleset=a.ruleset.title(lang),
        )
        doc.letterhead = Letterhead(
            organisation=_operator(park, lang).upper(),
            place_date=place_date(park, lang, when),
            kind=say(lang, "INTERNAL NOTE").upper(),
        )
        s = doc.section(say(lang, "Why this is not an application"))
        s.say(
            say(
                lang,
                "The self-assessment below shows that {park} does not yet meet the criteria "
                "of Article 37 of Decree 35/2022/NĐ-CP (overall rate {rate}). An application "
                "filed now would be refused; close the gaps listed under 'What remains to be "
                "done' first, then prepare the dossier again.",
                park=name,
                rate=overall,
            ),
            "warning",
        )
        failing = [
            f"{legal_ref(a.ruleset.id, c.id, lang)}: {c.criterion.title(lang)} "
            f"({_verdict(c.verdict, lang)})"
            for c in a.criteria
            if c.id in unmet
        ]
        if "overall" in unmet:
            failing.insert(
                0, say(lang, "Overall rate {rate}, below half of the criteria", rate=overall)
            )
        s.blocks.append(Items(tuple(failing)))
    else:
        doc.title = say(lang, "Application for the certificate of eco-industrial park")
        doc.subtitle = say(lang, "for {park}, under Article 41 of Decree 35/2022/NĐ-CP", park=name)
        doc.letterhead = Letterhead(
            organisation=_operator(park, lang).upper(),
            number=say(lang, "No.: ……/{year}/ĐN", year=when.year),
            place_date=place_date(park, lang, when),
            addressee=(board(park, lang),),
            kind=say(lang, "APPLICATION").upper(),
            subject=say(lang, "Re: certification of eco-industrial park"),
        )
        s = doc.section(say(lang, "Written registration"))
        s.say(
            say(
                lang,
                "{operator}, the investor that builds and runs the infrastructure of {park}, "
                "registers the park for the certificate of eco-industrial park under Article "
                "41 of Decree 35/2022/NĐ-CP of 28/05/2022 of the Government, and encloses the "
                "report on the park, the self-assessment against the criteria of Article 37 "
                "and the supporting documents listed below.",
                operator=_operator(park, lang),
                park=name,
            )
        )
        s.say(
            say(
                lang,
                "We undertake that the figures and documents of this dossier are true, and "
                "we take responsibility for them before the law.",
            )
        )
    progress(say(lang, "report on the park"), 1, 4)
    s = doc.section(say(lang, "Report on the park"), page_break=not unmet)
    s.blocks.append(_profile_table(engine, park, a.year, lang))
    _exchange_summary(engine, park, a.year, viewer, lang, s, doc)
    progress(say(lang, "pictures"), 2, 4)
    s.blocks.extend(
        [
            figures.park_map(engine, park_code, viewer, lang),
            figures.network(engine, park_code, viewer, lang),
        ]
    )
    s = doc.section(say(lang, "Self-assessment against the criteria"), page_break=True)
    s.say(
        say(
            lang,
            "Year assessed: {year}. Each criterion is quoted from the decree, followed by its "
            "indicators, the value reached, what the text requires and the result.",
            year=a.year,
        )
    )
    gaps = _assessment_tables(doc, s, a, park, quote=True)
    progress(say(lang, "supporting documents"), 3, 4)
    s = doc.section(say(lang, "Supporting documents"), page_break=True)
    evidence = _evidence_table(engine, park, lang, doc)
    s.blocks.append(evidence)
    s = doc.section(say(lang, "What remains to be done"))
    if gaps:
        s.blocks.append(_gaps_table(gaps, lang))
    else:
        s.say(say(lang, "No gap: every criterion with data is met."))
    if not unmet:
        doc.signature = Signature(
            role=say(lang, "ON BEHALF OF {operator}", operator=_operator(park, lang).upper()),
            note=say(lang, "(Signature, full name and seal)"),
            recipients=(say(lang, "As above"), say(lang, "Filed: administration")),
        )
        doc.attachments = [
            say(lang, "Report on the operation of {park} (part 2 of this dossier)", park=name),
            say(lang, "Self-assessment against the criteria of Article 37 (part 3)"),
        ] + [r[1].text(lang) for r in (row for row in evidence.rows) if r[1].value]
    doc.note(
        say(lang, "Overall rate"),
        say(
            lang,
            "the mean of the rates of the criteria with data; Decree 35/2022 sets no overall rate",
        ),
    )
    progress(say(lang, "done"), 4, 4)
    return doc


def _evidence_table(engine: Engine, park: Park, lang: str, doc: Document) -> Table:
    from parkloop.services import evidence as evidence_service

    records = [
        e
        for e in evidence_service.list_evidence(engine, park.code, None, viewer=Viewer.admin())
        if e.org_code is None
    ]
    indicators = library().indicators
    t = Table(
        say(lang, "Documents supporting the self-assessment"),
        [
            Column(say(lang, "Indicator")),
            Column(say(lang, "Document")),
            Column(say(lang, "Year"), "text"),
            Column(say(lang, "Confirmed by")),
            Column(say(lang, "Confirmed on"), "date"),
            Column(say(lang, "How sure")),
        ],
        key="evidence",
    )
    for e in records:
        d = indicators.get(e.indicator_id)
        t.add(
            text(d.title(lang) if d else say(lang, "another indicator")),
            text(e.file_name or e.note[:120]),
            text(str(e.year)),
            text(e.confirmed_by or "—"),
            day(e.confirmed_on),
            text(status_note(e.data_status, lang)),
        )
    _add_status_notes(doc, [e.data_status for e in records])
    _add_sources(doc, [e.source for e in records])
    return t


def _exchange_summary(
    engine: Engine,
    park: Park,
    year: int,
    viewer: Viewer,
    lang: str,
    s: Section,
    doc: Document,
    account: Any = None,
) -> dict[str, Any]:
    """The benefits of the running exchanges of the year, as totals (from ``account``
    when the caller has it already)."""
    from parkloop.services import accounting

    if account is None:
        account = accounting.account_park(engine, park.code, year, viewer=viewer)
    totals = account.totals
    t = Table(
        say(lang, "Benefits of the running exchanges ({year})", year=account.year),
        [
            Column(say(lang, "Benefit")),
            Column(say(lang, "A year"), "number"),
            Column(say(lang, "Unit")),
        ],
        key="benefits",
    )
    if totals.get("exchanges") is None:
        s.say(
            say(
                lang,
                "The totals are not published: too few enterprises contribute to them, or one "
                "contributes most of them.",
            ),
            "small",
        )
        return dict(totals)
    t.add(
        text(say(lang, "Running exchanges")), num(totals["exchanges"]), text(say(lang, "exchanges"))
    )
    t.add(text(say(lang, "Net benefit")), money(totals["money_vnd_per_year"]), text("VND"))
    t.add(
        text(say(lang, "Greenhouse gas avoided")), num(totals["co2e_t_per_year"], 1), text("t CO2e")
    )
    t.add(text(say(lang, "Water reused")), num(totals["water_m3_per_year"]), text("m³"))
    t.add(text(say(lang, "Energy recovered")), num(totals["energy_mwh_per_year"]), text("MWh"))
    t.add(
        text(say(lang, "Virgin materials avoided")),
        num(totals["materials_t_per_year"]),
        text(say(lang, "t")),
    )
    s.blocks.append(t)
    doc.note(say(lang, "Greenhouse gas avoided"), co2_note(lang))
    doc.note(
        say(lang, "Net benefit"),
        say(
            lang,
            "disposal fees, purchases and hauls avoided, less transport, treatment and revenue "
            "given up, for the supplier and the receiver together",
        ),
    )
    _add_status_notes(doc, [str(r.get("data_status", "")) for r in account.exchanges])
    _add_sources(doc, [str(r.get("source", "")) for r in account.exchanges])
    return dict(totals)


# -- the annual input/output and resource-efficiency report -----------------------------------


def _flow_table(flows: list[Any], names: Names, lang: str, key: str, title: str) -> Table:
    """Form A.4: inputs and outputs of the year by material class and unit."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for f in flows:
        cls = names.material_class(f.material_code)
        sums[(cls, f.quantity.unit)][0 if f.direction is Direction.IN else 1] += f.annual_quantity
    t = Table(
        title,
        [
            Column(say(lang, "Material class")),
            Column(say(lang, "Unit")),
            Column(say(lang, "Inputs a year"), "number"),
            Column(say(lang, "Outputs a year"), "number"),
        ],
        key=key,
    )
    for (cls, unit), (inp, out) in sorted(sums.items()):
        t.add(text(cls), text(unit), num(inp), num(out))
    return t


def _flows_of_year(flows: list[Any], year: int) -> list[Any]:
    return [f for f in flows if f.period.year == year]


def annual(
    engine: Engine,
    park_code: str,
    year: int | None = None,
    lang: str = "vi",
    viewer: Viewer | None = None,
    progress: Progress = quiet,
    when: dt.date | None = None,
) -> Document:
    """The annual report of a park on its inputs and outputs, exchanges and resource
    efficiency (criterion 7; the fields of forms A.4 and A.5 of Circular 05/2025)."""
    from parkloop.services import accounting, registry
    from parkloop.services import assessment as assessment_service

    when = when or dt.date.today()
    viewer = viewer or Viewer.admin()
    park = _park_row(engine, park_code)
    year, _ = accounting.account_year(engine, [park_code], year)
    names = _names(engine, park_code, lang)
    name = park_name(park, lang)
    doc = Document(
        kind="annual",
        lang=lang,
        title=say(
            lang, "Annual report on inputs, outputs and resource efficiency, {year}", year=year
        ),
        subtitle=name,
        created=when,
        footer=_footer(lang, when),
    )
    doc.letterhead = Letterhead(
        organisation=_operator(park, lang).upper(),
        number=say(lang, "No.: ……/{year}/BC", year=when.year),
        place_date=place_date(park, lang, when),
        addressee=(board(park, lang),),
        kind=say(lang, "REPORT").upper(),
    )
    progress(say(lang, "the park"), 0, 5)
    s = doc.section(say(lang, "General information"))
    s.blocks.append(_profile_table(engine, park, year, lang))
    progress(say(lang, "inputs and outputs"), 1, 5)
    flows = _flows_of_year(registry.flows(engine, park_code, viewer), year)
    s = doc.section(say(lang, "Inputs and outputs of the park (form A.4)"))
    s.say(
        say(
            lang,
            "The materials, water and energy the enterprises take in and put out in a year, by "
            "material class; from {n} flows recorded.",
            n=len(flows),
        )
    )
    s.blocks.append(
        _flow_table(
            flows,
            names,
            lang,
            "inputs_outputs",
            say(lang, "Inputs and outputs by material class ({year})", year=year),
        )
    )
    s.blocks.append(figures.sankey(engine, park_code, viewer, year, lang))
    _add_status_notes(doc, [f.data_status.value for f in flows])
    progress(say(lang, "exchanges"), 2, 5)
    s = doc.section(say(lang, "Industrial symbiosis: the exchanges"), page_break=True)
    account = accounting.account_park(engine, park_code, year, viewer=viewer)
    _exchanges_table(account, names, lang, s)
    _exchange_summary(engine, park, year, viewer, lang, s, doc, account)
    s.blocks.append(figures.network(engine, park_code, viewer, lang))
    progress(say(lang, "resource efficiency"), 3, 5)
    s = doc.section(
        say(lang, "Cleaner production and resource efficiency (form A.5)"), page_break=True
    )
    _recp_tables(
        accounting.park_recp(engine, park_code, year), names, lang, s, doc, per_measure=False
    )
    report = assessment_service.assess_park(
        engine, park_code, DOSSIER_RULESET, year, save=False, viewer=viewer
    )
    _a5_table(report.assessment, lang, s, doc)
    s = doc.section(say(lang, "Circularity of the enterprises"))
    _circularity_table(account.circularity, names, lang, s)
    progress(say(lang, "pictures"), 4, 5)
    s = doc.section(say(lang, "The park on the map and over the years"), page_break=True)
    s.blocks.append(figures.park_map(engine, park_code, viewer, lang))
    s.blocks.append(figures.trends(engine, park_code, viewer, year, lang, {year: account}))
    doc.signature = Signature(
        role=say(lang, "ON BEHALF OF {operator}", operator=_operator(park, lang).upper()),
        note=say(lang, "(Signature, full name and seal)"),
        recipients=(say(lang, "As above"), say(lang, "Filed: administration")),
    )
    progress(say(lang, "done"), 5, 5)
    return doc


def _exchanges_table(account: Any, names: Names, lang: str, s: Section) -> None:
    running = [r for r in account.exchanges if r["status"] == ExchangeStatus.RUNNING.value]
    t = Table(
        say(lang, "Running exchanges and their benefits ({year})", year=account.year),
        [
            Column(say(lang, "Supplier")),
            Column(say(lang, "Receiver")),
            Column(say(lang, "Material")),
            Column(say(lang, "Quantity a year"), "number"),
            Column(say(lang, "Unit")),
            Column(say(lang, "Net benefit"), "money", "VND"),
            Column(say(lang, "CO2e avoided"), "number", "t"),
        ],
        key="exchanges",
    )
    for r in sorted(running, key=lambda r: -float(r["net_benefit_vnd"])):
        t.add(
            text(names.org(r["supplier"])),
            text(names.org(r["receiver"])),
            text(names.material(r["material"])),
            num(r["quantity"]),
            text(r["unit"]),
            money(r["net_benefit_vnd"]),
            num(r["co2e_t"], 1),
        )
    if running:
        t.total = [
            Cell("text", say(lang, "Total"), bold=True),
            text(""),
            text(""),
            Cell("text", ""),
            text(""),
            money(account.totals["money_vnd_per_year"]),
            num(account.totals["co2e_t_per_year"], 1),
        ]
    s.blocks.append(t)


def _recp_tables(
    recp: dict[str, Any], names: Names, lang: str, s: Section, doc: Document, per_measure: bool
) -> None:
    p = recp.get("programme") or {}
    if p and not p.get("measures"):
        s.say(
            say(
                lang,
                "No cleaner-production solution is recorded as carried out in {year}.",
                year=recp.get("year"),
            )
        )
        return
    if p.get("in_words"):
        s.say(p["in_words"][lang], "lead")
    t = Table(
        say(lang, "RECP results by enterprise ({year})", year=recp.get("year")),
        [
            Column(say(lang, "Enterprise")),
            Column(say(lang, "Solutions"), "number"),
            Column(say(lang, "Electricity saved"), "number", "MWh"),
            Column(say(lang, "Water saved"), "number", "m³"),
            Column(say(lang, "Fuel saved"), "number", "TJ"),
            Column(say(lang, "Chemicals saved"), "number", say(lang, "t")),
            Column(say(lang, "CO2 avoided"), "number", "t CO2e"),
            Column(say(lang, "Cost saved"), "money", "VND"),
        ],
        key="recp",
    )
    for e in sorted(recp.get("enterprises", []), key=lambda e: names.org(e["enterprise"])):
        t.add(
            text(names.org(e["enterprise"])),
            num(e["measures"]),
            num(e["electricity_saved_mwh"]),
            num(e["water_saved_m3"]),
            num(e["fuel_saved_tj"], 2),
            num(e["chemicals_saved_t"], 1),
            num(e["co2e_t"], 1),
            money(e["cost_saved_vnd"]),
        )
    if p:
        t.total = [
            Cell(
                "text", say(lang, "Total ({firms} enterprises)", firms=p.get("firms", 0)), bold=True
            ),
            num(p.get("measures")),
            num(p.get("electricity_saved_mwh")),
            num(p.get("water_saved_m3")),
            num(p.get("fuel_saved_tj"), 2),
            num(p.get("chemicals_saved_t"), 1),
            num(p.get("co2e_t"), 1),
            money(p.get("cost_saved_vnd")),
        ]
    s.blocks.append(t)
    if per_measure:
        m = Table(
            say(lang, "RECP solutions carried out"),
            [
                Column(say(lang, "Enterprise")),
                Column(say(lang, "Solution")),
                Column(say(lang, "Electricity saved"), "number", "MWh"),
                Column(say(lang, "Water saved"), "number", "m³"),
                Column(say(lang, "Fuel saved"), "number", "TJ"),
                Column(say(lang, "CO2 avoided"), "number", "t CO2e"),
                Column(say(lang, "Cost saved"), "money", "VND"),
                Column(say(lang, "Investment"), "money", "VND"),
            ],
            key="recp_measures",
        )
        for x in recp.get("measures", []):
            m.add(
                text(names.org(x["enterprise"])),
                text(x["title"]),
                num(x["electricity_saved_mwh"]),
                num(x["water_saved_m3"]),
                num(x["fuel_saved_tj"], 2),
                num(x["co2e_t"], 1),
                money(x["cost_saved_vnd"]),
                money(x["investment_vnd"]),
            )
        s.blocks.append(m)
    doc.note(say(lang, "CO2 avoided"), co2_note(lang))
    _add_status_notes(doc, [str(x.get("data_status", "")) for x in recp.get("measures", [])])
    _add_sources(doc, [str(x.get("source", "")) for x in recp.get("measures", [])])


def _a5_table(a: Assessment, lang: str, s: Section, doc: Document) -> None:
    t = Table(
        say(lang, "Annual indicators of the eco-industrial park (form A.5)"),
        [
            Column(say(lang, "Group")),
            Column(say(lang, "Indicator")),
            Column(say(lang, "Value")),
            Column(say(lang, "Required")),
            Column(say(lang, "Result")),
        ],
        key="a5",
    )
    statuses = []
    for c in a.criteria:
        if not (c.id.startswith("A5") or c.id.startswith("B5")):
            continue
        for r in c.indicators:
            th = r.use.threshold
            t.add(
                text(c.criterion.title(lang)),
                text(r.definition.title(lang)),
                text(r.value_text(lang)),
                text(th.describe(r.definition.unit, lang) if th else "—"),
                text(r.verdict.label(lang)),
            )
            statuses.append(r.status)
    s.blocks.append(t)
    _add_status_notes(doc, [x for x in statuses if x])


def _circularity_table(rows: list[dict[str, Any]], names: Names, lang: str, s: Section) -> None:
    t = Table(
        say(lang, "Material circularity of the enterprises"),
        [
            Column(say(lang, "Enterprise")),
            Column(say(lang, "Virgin inputs"), "number", say(lang, "t")),
            Column(say(lang, "Secondary inputs"), "number", say(lang, "t")),
            Column(say(lang, "Products"), "number", say(lang, "t")),
            Column(say(lang, "Waste"), "number", say(lang, "t")),
            Column(say(lang, "Circularity index"), "number"),
        ],
        key="circularity",
    )
    for r in sorted(rows, key=lambda r: names.org(r["enterprise"])):
        t.add(
            text(names.org(r["enterprise"])),
            num(r["virgin_in_t"]),
            num(r["secondary_in_t"]),
            num(r["products_t"]),
            num(r["waste_out_t"]),
            num(r["mci"], 2),
        )
    if not rows:
        s.say(
            say(
                lang,
                "Not shown: the circularity of an enterprise rests on all its records, shown "
                "only to those who may see them.",
            ),
            "small",
        )
        return
    s.blocks.append(t)
    s.say(
        say(
            lang,
            "Circularity index: the Material Circularity Indicator of the Ellen MacArthur "
            "Foundation, from 0 (linear) to 1 (fully circular).",
        ),
        "small",
    )


# -- an enterprise's forms B.4 / B.5 -----------------------------------------------------------


def enterprise(
    engine: Engine,
    park_code: str,
    org_code: str,
    year: int | None = None,
    lang: str = "vi",
    viewer: Viewer | None = None,
    progress: Progress = quiet,
    when: dt.date | None = None,
) -> Document:
    """An enterprise's annual forms: B.4 (its inputs and outputs, exchanges and RECP
    solutions) and B.5 (its eco-enterprise indicators). Only those who may see the
    enterprise's own records get it (the assessment service refuses the others)."""
    from parkloop.services import accounting, registry
    from parkloop.services import assessment as assessment_service

    when = when or dt.date.today()
    viewer = viewer or Viewer.admin()
    park = _park_row(engine, park_code)
    year, _ = accounting.account_year(engine, [park_code], year)
    progress(say(lang, "assessing"), 0, 3)
    report = assessment_service.assess_enterprise(
        engine, park_code, org_code, DOSSIER_RULESET, year, save=False, viewer=viewer
    )
    org = registry.organisation(engine, park_code, org_code)
    names = _names(engine, park_code, lang)
    oname = org.display_name(lang)
    doc = Document(
        kind="enterprise",
        lang=lang,
        title=say(
            lang, "Annual report of an enterprise in an eco-industrial park, {year}", year=year
        ),
        subtitle=f"{oname} — {park_name(park, lang)}",
        created=when,
        footer=_footer(lang, when),
    )
    doc.letterhead = Letterhead(
        organisation=oname.upper(),
        number=say(lang, "No.: ……/{year}/BC", year=when.year),
        place_date=place_date(park, lang, when),
        addressee=(_operator(park, lang), board(park, lang)),
        kind=say(lang, "REPORT").upper(),
    )
    progress(say(lang, "inputs and outputs"), 1, 3)
    flows = _flows_of_year(registry.flows_of(engine, park_code, org_code, viewer), year)
    s = doc.section(say(lang, "Inputs and outputs of the enterprise (form B.4)"))
    t = Table(
        say(lang, "Inputs and outputs ({year})", year=year),
        [
            Column(say(lang, "Direction")),
            Column(say(lang, "Material")),
            Column(say(lang, "Quantity a year"), "number"),
            Column(say(lang, "Unit")),
            Column(say(lang, "Goes to or comes from")),
        ],
        key="flows",
    )
    for f in sorted(flows, key=lambda f: (f.direction.value, names.material(f.material_code))):
        t.add(
            text(f.direction.label(lang)),
            text(names.material(f.material_code)),
            num(f.annual_quantity),
            text(f.quantity.unit),
            text(f.destination.label(lang) if f.destination else "—"),
        )
    s.blocks.append(t)
    _add_status_notes(doc, [f.data_status.value for f in flows])
    account = accounting.account_park(engine, park_code, year, viewer=viewer)
    mine = [
        r
        for r in account.exchanges
        if org_code in (r["supplier"], r["receiver"])
        and r["status"] == ExchangeStatus.RUNNING.value
    ]
    x = Table(
        say(lang, "Exchanges with other enterprises ({year})", year=year),
        [
            Column(say(lang, "Supplier")),
            Column(say(lang, "Receiver")),
            Column(say(lang, "Material")),
            Column(say(lang, "Quantity a year"), "number"),
            Column(say(lang, "Unit")),
        ],
        key="exchanges",
    )
    for r in mine:
        x.add(
            text(names.org(r["supplier"])),
            text(names.org(r["receiver"])),
            text(names.material(r["material"])),
            num(r["quantity"]),
            text(r["unit"]),
        )
    s.blocks.append(x)
    recp = accounting.park_recp(engine, park_code, year)
    recp = {
        **recp,
        "enterprises": [e for e in recp["enterprises"] if e["enterprise"] == org_code],
        "measures": [m for m in recp["measures"] if m["enterprise"] == org_code],
        "programme": {},
    }
    _recp_tables(recp, names, lang, s, doc, per_measure=True)
    progress(say(lang, "indicators"), 2, 3)
    s = doc.section(say(lang, "Eco-enterprise indicators (form B.5)"), page_break=True)
    gaps = _assessment_tables(doc, s, report.assessment, park, quote=True)
    if gaps:
        g = Table(
            say(lang, "Actions to meet the criteria"),
            [Column("#", "number"), Column(say(lang, "Legal basis")), Column(say(lang, "Action"))],
            key="gaps",
        )
        for i, (ref, action, _who) in enumerate(gaps, start=1):
            g.add(num(i), text(ref), text(action))
        s.blocks.append(g)
    doc.signature = Signature(
        role=say(lang, "DIRECTOR").upper(),
        note=say(lang, "(Signature, full name and seal)"),
        recipients=(say(lang, "As above"), say(lang, "Filed: administration")),
    )
    progress(say(lang, "done"), 3, 3)
    return doc


# -- the report for publication ---------------------------------------------------------------


def public(
    engine: Engine,
    park_code: str,
    year: int | None = None,
    lang: str = "vi",
    progress: Progress = quiet,
    when: dt.date | None = None,
) -> Document:
    """The annual environmental and social report of a park for publication (criterion
    8): built as the public sees the park, so it holds only what the enterprises allow to
    be published and the totals the disclosure rule lets through."""
    from parkloop.services import accounting

    when = when or dt.date.today()
    viewer = Viewer(Role.PUBLIC, name="public")
    park = _park_row(engine, park_code)
    year, _ = accounting.account_year(engine, [park_code], year)
    names = _names(engine, park_code, lang)
    name = park_name(park, lang)
    doc = Document(
        kind="public",
        lang=lang,
        title=say(lang, "Environmental and social report of {park}, {year}", park=name, year=year),
        subtitle=say(lang, "For publication: only what the enterprises allow to be published"),
        created=when,
        footer=_footer(lang, when),
    )
    progress(say(lang, "the park"), 0, 4)
    s = doc.section(say(lang, "The park"))
    s.blocks.append(_profile_table(engine, park, year, lang))
    s.say(
        say(
            lang,
            "Figures of single enterprises appear only where the enterprise has made them "
            "public; totals over the park are published only when at least several "
            "enterprises contribute to them and none contributes most of them.",
        ),
        "small",
    )
    progress(say(lang, "environment"), 1, 4)
    s = doc.section(say(lang, "Environment: exchanges and resources saved"))
    account = accounting.account_park(engine, park_code, year, viewer=viewer)
    if account.exchanges:
        _exchanges_table(account, names, lang, s)
    _exchange_summary(engine, park, year, viewer, lang, s, doc, account)
    recp = accounting.recp_programme(engine, parks=[park_code], year=year, viewer=viewer)
    s.say(say(lang, "Cleaner production and resource efficiency"), "heading")
    if recp.get("withheld"):
        s.say(
            say(
                lang,
                "The totals of cleaner production are not published: too few enterprises "
                "contribute to them, or one contributes most of them.",
            ),
            "small",
        )
    else:
        _recp_tables({**recp, "enterprises": []}, names, lang, s, doc, per_measure=False)
    progress(say(lang, "pictures"), 2, 4)
    s.blocks.append(figures.network(engine, park_code, viewer, lang))
    s.blocks.append(figures.sankey(engine, park_code, viewer, year, lang))
    s = doc.section(say(lang, "Society"), page_break=True)
    from parkloop.services import assessment as assessment_service

    report = assessment_service.assess_park(
        engine, park_code, DOSSIER_RULESET, year, save=False, viewer=viewer
    )
    soc = Table(
        say(lang, "Social indicators"),
        [Column(say(lang, "Indicator")), Column(say(lang, "Value")), Column(say(lang, "Result"))],
        key="social",
    )
    for c in report.assessment.criteria:
        if c.id in ("A5-SOC", "B5"):
            for r in c.indicators:
                soc.add(
                    text(r.definition.title(lang)),
                    text(r.value_text(lang)),
                    text(r.verdict.label(lang)),
                )
    s.blocks.append(soc)
    progress(say(lang, "map"), 3, 4)
    s.blocks.append(figures.park_map(engine, park_code, viewer, lang))
    s.blocks.append(figures.trends(engine, park_code, viewer, year, lang, {year: account}))
    progress(say(lang, "done"), 4, 4)
    return doc


# -- the RECP programme report ----------------------------------------------------------------


def recp_report(
    engine: Engine,
    park_code: str,
    year: int | None = None,
    lang: str = "vi",
    viewer: Viewer | None = None,
    progress: Progress = quiet,
    when: dt.date | None = None,
) -> Document:
    """The RECP programme of a park in the form the pilots report it: firms, solutions,
    MWh, m³, TJ, t chemicals, t CO2 and VND, per enterprise and in total."""
    from parkloop.services import accounting

    when = when or dt.date.today()
    viewer = viewer or Viewer.admin()
    park = _park_row(engine, park_code)
    progress(say(lang, "accounting"), 0, 2)
    recp = accounting.recp_programme(engine, parks=[park_code], year=year, viewer=viewer)
    names = _names(engine, park_code, lang)
    doc = Document(
        kind="recp",
        lang=lang,
        title=say(
            lang, "Resource efficient and cleaner production programme, {year}", year=recp["year"]
        ),
        subtitle=park_name(park, lang),
        created=when,
        footer=_footer(lang, when),
    )
    s = doc.section(say(lang, "Results"))
    if recp.get("year_note"):
        s.say(recp["year_note"][lang], "small")
    _recp_tables(recp, names, lang, s, doc, per_measure=True)
    if recp.get("withheld"):
        s.say(
            say(
                lang,
                "Some totals are not published: too few enterprises contribute to them, or one "
                "contributes most of them.",
            ),
            "small",
        )
    doc.note(
        say(lang, "Fuel saved"),
        say(lang, "fuel saved by the solutions, in terajoules of net calorific value"),
    )
    progress(say(lang, "done"), 2, 2)
    return doc


# -- workbooks of the engine's results --------------------------------------------------------


def export(
    engine: Engine,
    park_code: str,
    what: str,
    year: int | None = None,
    lang: str = "vi",
    viewer: Viewer | None = None,
    progress: Progress = quiet,
    when: dt.date | None = None,
) -> Document:
    """A workbook document of one result of the engine: ``matches``, ``accounting``,
    ``optimisation`` or ``assessment``."""
    when = when or dt.date.today()
    viewer = viewer or Viewer.admin()
    park = _park_row(engine, park_code)
    names = _names(engine, park_code, lang)
    builders = {
        "matches": _export_matches,
        "accounting": _export_accounting,
        "optimisation": _export_optimisation,
        "assessment": _export_assessment,
    }
    if what not in builders:
        from parkloop.errors import UserError, msg

        raise UserError(msg("unknown export '{what}'; use {items}", what=what, items=list(EXPORTS)))
    doc = Document(
        kind=f"export-{what}",
        lang=lang,
        title="",
        subtitle=park_name(park, lang),
        created=when,
        footer=_footer(lang, when),
    )
    progress(say(lang, "computing"), 0, 1)
    builders[what](engine, park, year, lang, viewer, names, doc)
    progress(say(lang, "done"), 1, 1)
    return doc


def _export_matches(
    engine: Engine,
    park: Park,
    year: int | None,
    lang: str,
    viewer: Viewer,
    names: Names,
    doc: Document,
) -> None:
    from parkloop.services import matching

    doc.title = say(lang, "Matches proposed for {park}", park=park_name(park, lang))
    views = matching.matches_for(engine, park.code, viewer, None)
    t = Table(
        say(lang, "Matches"),
        [
            Column("#", "number"),
            Column(say(lang, "Supplier")),
            Column(say(lang, "Receiver")),
            Column(say(lang, "Material")),
            Column(say(lang, "Quantity a year"), "number"),
            Column(say(lang, "Unit")),
            Column(say(lang, "Distance"), "number", "km"),
            Column(say(lang, "Net benefit"), "money", say(lang, "VND a year")),
            Column(say(lang, "CO2e avoided"), "number", say(lang, "t a year")),
            Column(say(lang, "Status")),
        ],
        key="matches",
    )
    statuses = {
        "proposed": say(lang, "proposed"),
        "accepted": say(lang, "accepted"),
        "rejected": say(lang, "rejected"),
    }
    for i, m in enumerate(views, start=1):
        sup, rec = m.get("supplier") or {}, m.get("receiver") or {}
        status = m.get("status", "")
        t.add(
            num(i),
            text(sup.get("name") or say(lang, "not shown")),
            text(rec.get("name") or say(lang, "not shown")),
            text(names.material(m.get("material", ""))),
            num(m.get("quantity")),
            text(m.get("unit", "")),
            num(m.get("distance_km"), 1),
            money(m.get("net_benefit_vnd_per_year")),
            num(m.get("co2e_t_per_year"), 1),
            text(statuses.get(status, "—")),
        )
    t.total = [
        Cell("text", say(lang, "Total"), bold=True),
        text(""),
        text(""),
        text(""),
        text(""),
        text(""),
        text(""),
        money(t.column_total(7)),
        num(t.column_total(8), 1),
        text(""),
    ]
    doc.section(say(lang, "Matches")).blocks.append(t)
    doc.note(say(lang, "CO2e avoided"), co2_note(lang))


def _export_accounting(
    engine: Engine,
    park: Park,
    year: int | None,
    lang: str,
    viewer: Viewer,
    names: Names,
    doc: Document,
) -> None:
    from parkloop.services import accounting

    account = accounting.account_park(engine, park.code, year, viewer=viewer)
    doc.title = say(
        lang,
        "Accounts of the exchanges of {park}, {year}",
        park=park_name(park, lang),
        year=account.year,
    )
    s = doc.section(say(lang, "Exchanges"))
    all_rows = Table(
        say(lang, "Every exchange"),
        [
            Column(say(lang, "Supplier")),
            Column(say(lang, "Receiver")),
            Column(say(lang, "Material")),
            Column(say(lang, "Status")),
            Column(say(lang, "Quantity a year"), "number"),
            Column(say(lang, "Unit")),
            Column(say(lang, "Net benefit"), "money", say(lang, "VND a year")),
            Column(say(lang, "CO2e avoided"), "number", say(lang, "t a year")),
            Column(say(lang, "Water reused"), "number", "m³"),
            Column(say(lang, "Energy recovered"), "number", "MWh"),
        ],
        key="all_exchanges",
    )
    for r in account.exchanges:
        st = r["status"]
        all_rows.add(
            text(names.org(r["supplier"])),
            text(names.org(r["receiver"])),
            text(names.material(r["material"])),
            text(ExchangeStatus(st).label(lang) if st in ExchangeStatus.values() else "—"),
            num(r["quantity"]),
            text(r["unit"]),
            money(r["net_benefit_vnd"]),
            num(r["co2e_t"], 1),
            num(r["water_reused_m3"]),
            num(r["energy_recovered_mwh"]),
        )
    s.blocks.append(all_rows)
    _exchanges_table(account, names, lang, s)
    _exchange_summary(engine, park, account.year, viewer, lang, s, doc, account)
    s = doc.section(say(lang, "Circularity"))
    _circularity_table(account.circularity, names, lang, s)
    s = doc.section(say(lang, "Cleaner production"))
    _recp_tables(account.recp, names, lang, s, doc, per_measure=True)


def _export_optimisation(
    engine: Engine,
    park: Park,
    year: int | None,
    lang: str,
    viewer: Viewer,
    names: Names,
    doc: Document,
) -> None:
    from parkloop.services import optimize

    run = optimize.optimise_network(engine, viewer=viewer, park=park.code, year=year, save=False)
    view = run.view(viewer)
    doc.title = say(
        lang,
        "Optimised exchange network of {park}, {year}",
        park=park_name(park, lang),
        year=view["year"],
    )
    s = doc.section(say(lang, "Result"))
    totals = view["totals"]
    t = Table(
        say(lang, "Before and after the optimised network"),
        [
            Column(say(lang, "Network")),
            Column(say(lang, "Exchanges"), "number"),
            Column(say(lang, "Net benefit"), "money", say(lang, "VND a year")),
            Column(say(lang, "CO2e avoided"), "number", say(lang, "t a year")),
            Column(say(lang, "Water reused"), "number", "m³"),
            Column(say(lang, "Energy recovered"), "number", "MWh"),
        ],
        key="optimisation_totals",
    )
    labels = {
        "before": say(lang, "Running today"),
        "committed": say(lang, "Agreed, not yet running"),
        "after": say(lang, "With the planned exchanges"),
        "gain": say(lang, "Gain"),
    }
    for k in ("before", "committed", "after", "gain"):
        v = totals.get(k) or {}
        t.add(
            text(labels[k]),
            num(v.get("exchanges")),
            money(v.get("money_vnd_per_year")),
            num(v.get("co2e_t_per_year"), 1),
            num(v.get("water_m3_per_year")),
            num(v.get("energy_mwh_per_year")),
        )
    s.blocks.append(t)
    p = Table(
        say(lang, "Planned exchanges"),
        [
            Column(say(lang, "Supplier")),
            Column(say(lang, "Receiver")),
            Column(say(lang, "Material")),
            Column(say(lang, "Quantity a year"), "number"),
            Column(say(lang, "Unit")),
            Column(say(lang, "Distance"), "number", "km"),
            Column(say(lang, "Net benefit"), "money", say(lang, "VND a year")),
            Column(say(lang, "CO2e avoided"), "number", say(lang, "t a year")),
        ],
        key="planned",
    )
    for x in view["exchanges"]:
        p.add(
            text((x.get("supplier") or {}).get("name") or say(lang, "not shown")),
            text((x.get("receiver") or {}).get("name") or say(lang, "not shown")),
            text(names.material(x.get("material", ""))),
            num(x.get("quantity")),
            text(x.get("unit", "")),
            num(x.get("distance_km"), 1),
            money(x.get("net_benefit_vnd")),
            num(x.get("co2e_t"), 1),
        )
    if p.rows:
        p.total = [
            Cell("text", say(lang, "Total"), bold=True),
            text(""),
            text(""),
            text(""),
            text(""),
            text(""),
            money(p.column_total(6)),
            num(p.column_total(7), 1),
        ]
    s.blocks.append(p)
    s.say(
        say(
            lang,
            "Solver status: {status}.",
            status=say(lang, "optimal")
            if view["status"] == "optimal"
            else say(lang, "best found within the time limit"),
        ),
        "small",
    )
    doc.note(say(lang, "CO2e avoided"), co2_note(lang))


def _export_assessment(
    engine: Engine,
    park: Park,
    year: int | None,
    lang: str,
    viewer: Viewer,
    names: Names,
    doc: Document,
) -> None:
    from parkloop.services import assessment as assessment_service

    report = assessment_service.assess_park(
        engine, park.code, DOSSIER_RULESET, year, save=False, viewer=viewer
    )
    doc.title = say(
        lang,
        "Assessment of {park}, {year}",
        park=park_name(park, lang),
        year=report.assessment.year,
    )
    s = doc.section(say(lang, "Self-assessment against the criteria"))
    gaps = _assessment_tables(doc, s, report.assessment, park, quote=False)
    s.blocks.append(_gaps_table(gaps, lang))


def _gaps_table(gaps: list[tuple[str, str, str]], lang: str) -> Table:
    """What remains to be done to meet the criteria: legal basis, action, who does it."""
    t = Table(
        say(lang, "Actions to meet the criteria"),
        [
            Column("#", "number"),
            Column(say(lang, "Legal basis")),
            Column(say(lang, "Action")),
            Column(say(lang, "Who")),
        ],
        key="gaps",
    )
    for i, (ref, action, who) in enumerate(gaps, start=1):
        t.add(num(i), text(ref), text(action), text(who))
    return t


def build(
    kind: str,
    engine: Engine,
    park: str,
    *,
    year: int | None = None,
    lang: str = "vi",
    viewer: Viewer | None = None,
    enterprise_code: str | None = None,
    ruleset: str = DOSSIER_RULESET,
    progress: Progress = quiet,
    pictures: bool = True,
) -> Document:
    """The document of ``kind`` (see KINDS) or an export (``export:WHAT``), for
    ``viewer``: the park's own documents (dossier, annual and RECP reports, workbooks) for
    its operator and the administrator; an enterprise's forms for those who may see its
    own records; the report for publication for anyone. Without pictures when
    ``pictures`` is False (a workbook has none)."""
    token = figures.DRAWN.set(pictures)
    try:
        return _build(kind, engine, park, year, lang, viewer, enterprise_code, ruleset, progress)
    finally:
        figures.DRAWN.reset(token)


def may_build(kind: str, park: Park, viewer: Viewer | None) -> bool:
    """Whether ``viewer`` may have a document of ``kind`` of the park (an enterprise's
    forms are decided by the enterprise assessment, on its own records)."""
    from parkloop.domain.permissions import sees_everything_of

    if kind in ("public", "enterprise"):
        return True
    return park.id is not None and sees_everything_of(viewer, park.id)


def _build(
    kind: str,
    engine: Engine,
    park: str,
    year: int | None,
    lang: str,
    viewer: Viewer | None,
    enterprise_code: str | None,
    ruleset: str,
    progress: Progress,
) -> Document:
    from parkloop.errors import NotAllowed, UserError, Word, msg

    if not may_build(kind, _park_row(engine, park), viewer):
        raise NotAllowed(
            msg(
                "{who} may not have the documents of '{park_code}': only its operator may",
                who=(viewer.name if viewer else "")
                or Word(viewer.role.value if viewer else "public"),
                park_code=park,
            )
        )
    if kind == "dossier":
        return dossier(engine, park, ruleset, year, lang, viewer, progress)
    if kind == "annual":
        return annual(engine, park, year, lang, viewer, progress)
    if kind == "public":
        return public(engine, park, year, lang, progress)
    if kind == "recp":
        return recp_report(engine, park, year, lang, viewer, progress)
    if kind == "enterprise":
        if not enterprise_code:
            raise UserError(msg("say which enterprise: --enterprise CODE"))
        return enterprise(engine, park, enterprise_code, year, lang, viewer, progress)
    if kind.startswith("export:"):
        return export(engine, park, kind.split(":", 1)[1], year, lang, viewer, progress)
    raise UserError(msg("unknown report '{kind}'; use {items}", kind=kind, items=list(KINDS)))


def paragraphs(doc: Document) -> list[str]:
    """Every paragraph of a document (for tests and previews)."""
    return [b.text for s in doc.sections for b in s.blocks if isinstance(b, Paragraph)]
