"""Parameters of the computed indicators (which land classes, destinations, materials
count), read from the ``parameters`` section of ``indicators.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

import yaml

from parkloop.assessment.model import Cited

INDICATORS_FILE = "indicators.yaml"


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameters:
    open_land_classes: frozenset[str]
    planning_link_statuses: frozenset[str]
    reuse_destinations: frozenset[str]
    wastewater_materials: frozenset[str]
    renewable_materials: frozenset[str]
    recycled_link_classes: frozenset[str]
    waste_partner_kinds: frozenset[str]
    waste_vsic_divisions: frozenset[str]
    io_monitoring_min_share: Fraction
    cited: dict[str, Cited]


# Parameters that are one number (a share in percent), not a set of values.
NUMBERS = frozenset({"io_monitoring_min_share"})


def read_yaml(name: str) -> Any:
    """A YAML file shipped in the assessment package."""
    text = (resources.files("parkloop.assessment") / name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def parameters_from(section: dict[str, Any]) -> Parameters:
    names = [f for f in Parameters.__dataclass_fields__ if f != "cited"]
    missing = [n for n in names if n not in section]
    if missing:
        raise ValueError(f"{INDICATORS_FILE}: parameters missing: {', '.join(missing)}")
    values: dict[str, Any] = {
        n: Fraction(str(section[n]["values"][0]))
        if n in NUMBERS
        else frozenset(str(v) for v in section[n]["values"])
        for n in names
    }
    cited = {n: Cited(section[n]["status"], section[n]["source"]) for n in names}
    return Parameters(**values, cited=cited)


@cache
def parameters() -> Parameters:
    return parameters_from(read_yaml(INDICATORS_FILE)["parameters"])
