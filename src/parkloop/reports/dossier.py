"""The certification self-assessment dossier of Decree 35/2022 Art. 41, as HTML or Markdown,
in Vietnamese or English: registration, operation report, self-assessment against the
criteria with the data or evidence behind every figure and its status, and the documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from parkloop import formats
from parkloop.assessment.model import Basis, Verdict
from parkloop.domain.enums import DataStatus, LandUseClass

FORMATS = ("html", "md")
NOT_FOUND = {"vi": "không tìm thấy", "en": "not found"}


@dataclass(frozen=True, slots=True)
class DossierData:
    """What the dossier shows: an assessment report (``to_dict()`` form) and the park profile."""

    report: dict[str, Any]
    profile: dict[str, Any]


@cache
def labels() -> dict[str, dict[str, str]]:
    path = resources.files("parkloop.reports") / "templates" / "dossier_labels.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def number(value: Any, lang: str, digits: int = 0) -> str:
    return formats.number(value, lang, digits, fixed=False)


def status_label(status: str, lang: str) -> str:
    if not status:
        return "—"
    if status == "not_found":
        return NOT_FOUND[lang]
    try:
        return DataStatus(status).label(lang)
    except ValueError:
        return status


def _statuses(indicator: dict[str, Any], lang: str) -> str:
    text = status_label(indicator["status"], lang)
    inputs = indicator.get("input_statuses") or {}
    if indicator["basis"] == Basis.COMPUTED.value and inputs:
        parts = ", ".join(f"{status_label(s, lang)} {n}" for s, n in inputs.items())
        text += f" ({parts})"
    return text


def _data_or_evidence(indicator: dict[str, Any], lang: str) -> str:
    ev = indicator.get("evidence")
    if ev:
        bits = []
        if ev["file"]:
            bits.append(f"{ev['file']} (sha256 {ev['sha256'][:12]}…)")
        if ev["note"]:
            bits.append(ev["note"])
        who = ", ".join(x for x in (ev["confirmed_by"], ev["confirmed_on"] or "") if x)
        if who:
            bits.append(who)
        if ev["source"]:
            bits.append(("nguồn: " if lang == "vi" else "source: ") + ev["source"])
        return " — ".join(bits)
    return "; ".join(str(u["detail"]) for u in indicator.get("data_used", [])) or "—"


def _threshold(indicator: dict[str, Any], lang: str) -> str:
    t = indicator.get("threshold")
    if t is None:
        missing = indicator.get("threshold_missing")
        if missing:
            return (
                f"{labels()['threshold_missing'][lang]} ({status_label(missing['status'], lang)})"
            )
        return "—"
    text = str(t["text"])
    if t["value"] is True:
        text = "có" if lang == "vi" else "yes"
    text += f" [{status_label(t['status'], lang)}]"
    if t.get("unverified"):
        text += f" ({labels()['unverified'][lang]})"
    return text


def _label(enum: type[Verdict] | type[Basis], value: str, lang: str) -> str:
    try:
        return enum(value).label(lang)
    except ValueError:
        return value


def context(data: DossierData, lang: str) -> dict[str, Any]:
    """Everything the templates print, already in the reader's language."""
    report, profile = data.report, data.profile
    park = profile["park"]
    t = {key: texts[lang] for key, texts in labels().items()}
    criteria = []
    for c in report["criteria"]:
        rows = [
            {
                "id": i["code"] or i["id"],
                "title": i["title"][lang],
                "value": i["value_text"][lang],
                "threshold": _threshold(i, lang),
                "verdict": _label(Verdict, i["verdict"], lang),
                "score": number(i["score_percent"], lang, 2)
                if i["score_percent"] is not None
                else "—",
                "basis": _label(Basis, i["basis"], lang),
                "data": _data_or_evidence(i, lang),
                "status": _statuses(i, lang),
                "problem": i.get("problem", ""),
            }
            for i in c["indicators"]
        ]
        criteria.append(
            {
                "id": c["id"],
                "title": c["title"][lang],
                "text": c["text"][lang] or c["text"]["vi"] or c["text"]["en"],
                "note": c["note"][lang],
                "status": status_label(c["status"], lang),
                "source": c["source"],
                "unverified": c["unverified"],
                "counts": c["counts"],
                "score": number(c["score_percent"], lang, 2)
                if c["score_percent"] is not None
                else "—",
                "verdict": _label(Verdict, c["verdict"], lang),
                "indicators": rows,
            }
        )
    area = park.get("total_area_ha")
    land = [
        {
            "class": LandUseClass(u["land_class"]).label(lang)
            if u["land_class"] in LandUseClass.values()
            else u["land_class"],
            "area": number(u["area_ha"], lang, 2),
            "share": number(100 * u["area_ha"] / area, lang, 2) if area else "—",
            "status": status_label(u["data_status"], lang),
        }
        for u in profile["land_use"]
    ]
    change = report.get("change_since_last_year")
    return {
        "t": t,
        "lang": lang,
        "today": date.today().isoformat(),
        "report": report,
        "ruleset_title": report["ruleset_title"][lang],
        "ruleset_status": status_label(report["ruleset_status"], lang),
        "park": park,
        "park_name": (park.get("name_en") if lang == "en" else None) or park["name_vi"],
        "registration": t["part1_text"].format(
            operator=park.get("operator") or "—",
            park=(park.get("name_en") if lang == "en" else None) or park["name_vi"],
        ),
        "to_board": t["to_board"].format(province=park.get("province") or "—"),
        "area": number(area, lang, 2),
        "wwtp": number(park.get("wwtp_capacity_m3_per_day"), lang),
        "profile": profile,
        "employees": number(profile["employees"], lang),
        "sectors": [
            {
                "code": d["code"] or "—",
                "name": d["name_en"] if lang == "en" else d["name_vi"],
                "count": d["enterprises"],
            }
            for d in profile["by_vsic_division"]
        ],
        "land": land,
        "recp": t["recp_line"].format(
            measures=profile["recp_measures_implemented"],
            firms=profile["recp_enterprises"],
            mwh=number(profile["electricity_saved_mwh"], lang),
            m3=number(profile["water_saved_m3"], lang),
            vnd=number(profile["cost_saved_vnd"], lang),
            tj=number(profile.get("recp_fuel_saved_tj", 0.0), lang, 2),
            chem=number(profile.get("recp_chemicals_saved_t", 0.0), lang, 1),
            co2=number(profile.get("recp_co2e_t", 0.0), lang, 1),
            arithmetic=(profile.get("recp_arithmetic") or {}).get(lang, "—"),
        ),
        "overall": number(report["overall_percent"], lang, 2),
        "overall_method": t["overall_method"].format(
            n=report["overall_method"]["criteria_counted"]
        ),
        "coverage": report["coverage"]["text"][lang],
        "criteria": criteria,
        "gaps": [
            {
                "criterion": g["criterion"],
                "indicator": g["indicator"],
                "text": g["text"][lang],
                "counts": g["counts"],
            }
            for g in report["gaps"]
        ],
        "change": None
        if change is None
        else {
            "line": t["change_line"].format(
                year=change["previous_year"],
                before=number(change["previous_overall_percent"], lang, 2),
                now=number(change["overall_percent"], lang, 2),
                delta=number(change["overall_change"], lang, 2),
            ),
            "improved": ", ".join(change["improved"]),
            "worsened": ", ".join(change["worsened"]),
        },
        "monitoring": [
            {
                "row": m["row"],
                "title": m["title"][lang],
                "value": m["value_text"][lang],
                "basis": _label(Basis, m["basis"], lang),
                "status": _statuses(m, lang),
                "reported": m["reported"]["text"] if m.get("reported") else "—",
                "data": _data_or_evidence(m, lang),
            }
            for m in report["monitoring"]
        ],
        "evidence": [
            {
                "id": e.id,
                "indicator": e.indicator_id,
                "year": e.year,
                "file": e.file_name or "—",
                "sha256": e.file_sha256[:16] if e.file_sha256 else "—",
                "confirmed": ", ".join(
                    x
                    for x in (e.confirmed_by, e.confirmed_on.isoformat() if e.confirmed_on else "")
                    if x
                )
                or "—",
                "status": status_label(e.data_status, lang),
                "source": e.source or "—",
            }
            for e in profile["evidence"]
        ],
    }


def _md(value: Any) -> str:
    """A table cell for Markdown: pipes escaped, line breaks folded."""
    return " ".join(str(value).split()).replace("|", "\\|")


def render(data: DossierData, lang: str = "vi", fmt: str = "html") -> str:
    """The dossier as an HTML page or a Markdown document."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    if lang not in formats.LOCALES:
        raise ValueError("language must be vi or en")
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("parkloop.reports", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = _md
    return env.get_template(f"dossier.{fmt}.j2").render(**context(data, lang))
