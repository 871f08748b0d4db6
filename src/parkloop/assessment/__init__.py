"""Eco-industrial-park assessment: rule sets as data, a registry of indicator functions
over a facts snapshot, scoring with exact thresholds, gaps and year-over-year change."""

from __future__ import annotations

from parkloop.assessment.compare import compare
from parkloop.assessment.facts import EnterpriseScope, EvidenceRecord, ParkFacts
from parkloop.assessment.loader import Library, RuleFileError, library, load_library
from parkloop.assessment.model import Level, RuleSet, Verdict
from parkloop.assessment.result import Assessment
from parkloop.assessment.scoring import assess_enterprise, assess_park

__all__ = [
    "Assessment",
    "EnterpriseScope",
    "EvidenceRecord",
    "Level",
    "Library",
    "ParkFacts",
    "RuleFileError",
    "RuleSet",
    "Verdict",
    "assess_enterprise",
    "assess_park",
    "compare",
    "library",
    "load_library",
]
