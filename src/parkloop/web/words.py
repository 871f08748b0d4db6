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
# What a job is doing (its stage), as the services name it; an import's stages are
# templates filled with the sheet (web.i18n.said_stage).
JOB_STAGES = (
    "read {sheet}",
    "check cells of {sheet}",
    "check rows of {sheet}",
    "write {sheet}",
    "loading supplies and demands",
    "matching",
    "saving proposals",
    "optimising",
    "optimised",
    "optimising the network",
    "tracing the curve",
    "traced",
    "each enterprise leaving in turn",
)
# The warnings of an import's report, as the importer writes them (web.i18n.said_warning).
IMPORT_WARNINGS = (
    "sheet '{sheet}': column {columns} not known and ignored",
    "sheet '{sheet}': columns {columns} not known and ignored",
    "sheet '{sheet}', column '{column}': read with a {mark} ({reason}); "
    "e.g. '{example}' is {value}",
    "sheet '{sheet}', column '{column}': read with a {mark} ({reason}); "
    "e.g. '{example}' is {value}, {n} values read this way",
    "decimal comma",
    "decimal point",
    "--decimal {flag}",
    "'{text}' (row {row}) has a {mark}",
    "Vietnamese workbook: '.' groups thousands",
    "English workbook: '.' is the decimal point",
    "headers are parkloop's column keys: '.' is the decimal point",
    "the column mixes decimal points and commas",
    "sheet '{sheet}' row {row}: province '{typed}' is not one of Viet Nam's 34 provinces "
    "and cities (or a former name); kept as typed",
    "sheet '{sheet}' row {row}: province '{typed}' is part of {province} since 2025; "
    "stored as {province}, '{typed}' kept",
)
DYNAMIC_WORDS: tuple[str, ...] = (
    *ROLES,
    *JOB_STATUSES,
    *JOB_KINDS,
    *MATCH_STATUSES,
    *CHANGE_ACTIONS,
    *ERROR_TITLES,
    *MESSAGE_WORDS,
    *JOB_STAGES,
    *IMPORT_WARNINGS,
)
