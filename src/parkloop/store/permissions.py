"""Permission-filtered queries: the SQL side of ``parkloop.domain.permissions``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import ColumnElement, Table, and_, false, or_

from parkloop.domain.enums import Confidentiality
from parkloop.domain.permissions import LEVELS, VISIBILITY, Scope, Viewer, own_parks, visible_rows


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


_LEVEL_OF = {c.value: LEVELS[c] for c in Confidentiality}
UNKNOWN_LEVEL = -1  # a confidentiality no level of the matrix admits


def levels(confidentiality: Sequence[str]) -> NDArray[np.int8]:
    """The matrix's level numbers of a column of ``confidentiality`` values."""
    return np.asarray([_LEVEL_OF.get(c, UNKNOWN_LEVEL) for c in confidentiality], dtype=np.int8)


def visible_of(
    viewer: Viewer, org: NDArray[np.int64], park: NDArray[np.int64], level: NDArray[np.int8]
) -> NDArray[np.bool_]:
    """Which rows read for every viewer (their owner ``org``, ``park`` and ``level``,
    from :func:`levels`) ``viewer`` may see: the rows :func:`visible` admits."""
    return visible_rows(viewer, org, park, level)
