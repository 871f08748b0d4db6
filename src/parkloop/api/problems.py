"""Errors as RFC 9457 problem documents: one shape for every 4xx and 5xx of the API.

Each problem carries ``errors``, one row per thing wrong, located the way the importer
locates a problem in a workbook (sheet, row, column, value, message, fix). A row of a
written record refused by the importer is exactly the importer's problem; a request the
API itself cannot read names where in the request (``sheet``: body, query, path or
header) and which field (``column``).
"""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

PROBLEM = "application/problem+json"


class ProblemRow(BaseModel):
    """One thing wrong, located as the user sees it."""

    sheet: str | None = Field(
        None,
        description="The importer's sheet (e.g. flows), or where in the request: body, query, "
        "path or header",
    )
    row: int | None = Field(None, description="The row of the sheet (first of rows)")
    rows: list[int] = Field(default_factory=list, description="Every row with this problem")
    column: str | None = Field(None, description="The column or field")
    value: str | None = Field(None, description="The value as it was sent")
    message: str = Field(description="What is wrong")
    fix: str | None = Field(None, description="How to put it right")


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field("about:blank", description="A URI naming the kind of problem")
    title: str
    status: int
    detail: str
    errors: list[ProblemRow] = Field(default_factory=list)


def problem_row(message: str, **located: Any) -> dict[str, Any]:
    """A row of ``errors`` with every key present."""
    row = ProblemRow(
        message=message,
        **{k: v for k, v in located.items() if k in ProblemRow.model_fields},
    )
    return row.model_dump()


def problem_response(
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The problem document as a response; without rows, the detail is its one row."""
    if not errors:
        errors = [{"message": detail}]
    body = Problem(
        type="about:blank",
        title=title,
        status=status,
        detail=detail,
        errors=[ProblemRow.model_validate(problem_row(**e)) for e in errors or []],
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, media_type=PROBLEM, headers=headers
    )


# How to put right what the request validation refuses, by pydantic's error type.
FIXES = {
    "missing": "give it",
    "extra_forbidden": "leave it out: it is not a field of this request",
    "int_parsing": "send a whole number",
    "int_type": "send a whole number",
    "int_from_float": "send a whole number",
    "float_parsing": "send a number",
    "float_type": "send a number",
    "finite_number": "send a finite number",
    "bool_parsing": "send true or false",
    "bool_type": "send true or false",
    "string_type": "send text",
    "string_too_long": "shorten it to at most {max_length} characters",
    "string_too_short": "give at least {min_length} characters",
    "greater_than": "send a number above {gt}",
    "greater_than_equal": "send a number of at least {ge}",
    "less_than": "send a number below {lt}",
    "less_than_equal": "send a number of at most {le}",
    "enum": "use one of {expected}",
    "literal_error": "use one of {expected}",
    "datetime_parsing": "send a date and time such as 2026-01-31T08:00:00Z",
    "datetime_from_date_parsing": "send a date and time such as 2026-01-31T08:00:00Z",
    "datetime_type": "send a date and time such as 2026-01-31T08:00:00Z",
    "date_parsing": "send a date such as 2026-01-31",
    "json_invalid": "send a JSON document",
    "json_type": "send a JSON document",
    "model_attributes_type": "send a JSON object",
    "dict_type": "send a JSON object",
    "model_type": "send a JSON object",
    "list_type": "send a JSON array",
}


def validation_rows(errors: list[Any]) -> list[dict[str, Any]]:
    """The rows of a refused request, from FastAPI's validation errors."""
    rows = []
    for e in errors:
        loc = [str(p) for p in e.get("loc", ())]
        where = loc[0] if loc else None
        column = ".".join(loc[1:]) or None
        value = e.get("input")
        shown = None if value is None or isinstance(value, (dict, list)) else str(value)[:200]
        fix = FIXES.get(str(e.get("type", "")), "send it as /api/v1/openapi.json describes it")
        with contextlib.suppress(KeyError, IndexError, ValueError):
            fix = fix.format(**(e.get("ctx") or {}))
        rows.append(
            problem_row(str(e.get("msg", "")), sheet=where, column=column, value=shown, fix=fix)
        )
    return rows


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI descriptions of problem responses."""
    said = {
        400: "The request was refused (what to change is said)",
        401: "No valid API token or session",
        403: "The caller may not do this",
        404: "No such record, or none the caller may see",
        409: "The request conflicts with the record as it is",
        413: "The upload is too large",
        422: "The request or the data it carries has problems, each located and with its fix",
        503: "The database was busy: try again",
    }
    return {
        status: {
            "description": said.get(status, "Problem"),
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
