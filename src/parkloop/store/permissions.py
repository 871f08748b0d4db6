"""Permission-filtered queries: the SQL side of ``parkloop.domain.permissions``."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table, and_, false, or_

from parkloop.domain.permissions import VISIBILITY, Scope, Viewer, own_parks


def visible(viewer: Viewer, table: Table) -> ColumnElement[bool]:
    """WHERE clause admitting the rows of ``table`` whose details ``viewer`` may see.

    ``table`` must have ``org_id``, ``park_id`` and ``confidentiality`` columns.
    """
    clauses = []
    own = sorted(own_parks(viewer))
    for level, scope in VISIBILITY[viewer.role].items():
        is_level = table.c.confidentiality == level.value
        if scope is Scope.ALL:
            clauses.append(is_level)
        elif scope is Scope.OWN_PARK and len(own) == 1:
            clauses.append(and_(is_level, table.c.park_id == own[0]))
        elif scope is Scope.OWN_PARK and own:
            clauses.append(and_(is_level, table.c.park_id.in_(own)))
        elif scope is Scope.OWN_ORG and viewer.org_id is not None:
            clauses.append(and_(is_level, table.c.org_id == viewer.org_id))
    if not clauses:
        return false()
    return or_(*clauses)
