"""Values the pages show as words through ``_()`` although no template spells them: roles,
statuses of jobs and matches, actions of the change log, titles of error pages. Listed
here so a test can hold the catalogs to them."""

from __future__ import annotations

ROLES = ("admin", "operator", "enterprise", "authority", "facilitator", "public")
JOB_STATUSES = ("queued", "running", "done", "failed")
JOB_KINDS = ("import", "match", "optimize", "resilience", "pareto")
MATCH_STATUSES = ("proposed", "accepted", "rejected")
CHANGE_ACTIONS = (
    "create",
    "update",
    "delete",
    "import",
    "accept",
    "reject",
    "sign_in",
    "generate",
    "optimise",
    "match",
)
ERROR_TITLES = (
    "Sign-in needed",
    "Cross-site request refused",
    "The data has problems",
    "Not allowed",
    "Not found",
    "Request refused",
    "Invalid request",
)
# Values messages take as words (``parkloop.errors.Word``) from a variable: the kinds of
# record, the form fields and options a refusal names, the levels of criteria.
MESSAGE_WORDS = (
    "flow",
    "listing",
    "offer or want",
    "exchange",
    "organisation",
    "budget",
    "CO2e cap",
    "treatment capacity",
    "time limit",
    "gap",
    "candidates per supply",
    "year",
    "points",
    "quantity",
    "price",
    "distance",
    "employees",
    "confidentiality",
    "status",
    "park",
    # What a unit measures (``services.quantities``).
    "a mass",
    "a volume",
    "an energy",
    "a gas volume",
    "a steam mass",
    "an emission",
    "a count",
    "a length",
    "an area",
)
DYNAMIC_WORDS: tuple[str, ...] = (
    *ROLES,
    *JOB_STATUSES,
    *JOB_KINDS,
    *MATCH_STATUSES,
    *CHANGE_ACTIONS,
    *ERROR_TITLES,
    *MESSAGE_WORDS,
)
