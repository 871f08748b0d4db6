"""Year over year: how an assessment changed since an earlier one of the same rule set.

Works on the saved form (``Assessment.to_dict()``), so last year's result is compared as
it was recorded, even if the data behind it has changed since.
"""

from __future__ import annotations

from typing import Any

_RANK = {"no_data": 0, "not_met": 1, "partly_met": 2, "met": 3}


def _change(now: Any, before: Any) -> float | int | None:
    if not isinstance(now, (int, float)) or not isinstance(before, (int, float)):
        return None
    diff = round(now - before, 2)
    return int(diff) if float(diff).is_integer() else diff


def _direction(verdict_now: str, verdict_before: str, change: float | int | None) -> str:
    a, b = _RANK.get(verdict_now), _RANK.get(verdict_before)
    if a is not None and b is not None and a != b:
        return "better" if a > b else "worse"
    if change:
        return "better" if change > 0 else "worse"
    return "same"


def compare(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """Change of the overall rate and of each criterion, in percentage points."""
    before = {c["id"]: c for c in previous.get("criteria", [])}
    criteria = []
    for c in current.get("criteria", []):
        old = before.get(c["id"])
        if old is None:
            criteria.append({"id": c["id"], "change": None, "direction": "new"})
            continue
        change = _change(c.get("score_percent"), old.get("score_percent"))
        criteria.append(
            {
                "id": c["id"],
                "score_percent": c.get("score_percent"),
                "previous_score_percent": old.get("score_percent"),
                "change": change,
                "verdict": c.get("verdict"),
                "previous_verdict": old.get("verdict"),
                "direction": _direction(c.get("verdict", ""), old.get("verdict", ""), change),
            }
        )
    return {
        "previous_year": previous.get("year"),
        "previous_ruleset_version": previous.get("ruleset_version"),
        "overall_percent": current.get("overall_percent"),
        "previous_overall_percent": previous.get("overall_percent"),
        "overall_change": _change(
            current.get("overall_percent_exact"), previous.get("overall_percent_exact")
        ),
        "criteria": criteria,
        "improved": [c["id"] for c in criteria if c["direction"] == "better"],
        "worsened": [c["id"] for c in criteria if c["direction"] == "worse"],
    }
