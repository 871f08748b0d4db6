"""Who may see the details of a confidential record. Defined once; the store derives its
SQL filter from the same matrix, and every page, export and report goes through it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parkloop.domain.enums import Confidentiality


class Role(StrEnum):
    ADMIN = "admin"  # whoever runs the database locally: sees everything
    OPERATOR = "operator"  # a park operator: everything in its own park
    ENTERPRISE = "enterprise"  # a tenant: its own records, and what others share
    AUTHORITY = "authority"  # a management board or ministry: public records and aggregates
    # UNIDO, a cleaner-production centre, a consultant: the shared records of the parks
    # that engaged it, never an enterprise's private ones.
    FACILITATOR = "facilitator"
    PUBLIC = "public"
    # Not a user: the records an aggregate published to others may rest on (never private
    # ones), under the disclosure rule.
    AGGREGATE = "aggregate"


class Scope(StrEnum):
    ALL = "all"
    OWN_PARK = "own_park"
    OWN_ORG = "own_org"
    NONE = "none"


VISIBILITY: dict[Role, dict[Confidentiality, Scope]] = {
    Role.ADMIN: {c: Scope.ALL for c in Confidentiality},
    Role.OPERATOR: {
        Confidentiality.PRIVATE: Scope.OWN_PARK,
        Confidentiality.PARK: Scope.OWN_PARK,
        Confidentiality.PUBLIC: Scope.ALL,
    },
    Role.ENTERPRISE: {
        Confidentiality.PRIVATE: Scope.OWN_ORG,
        Confidentiality.PARK: Scope.OWN_PARK,
        Confidentiality.PUBLIC: Scope.ALL,
    },
    Role.AUTHORITY: {
        Confidentiality.PRIVATE: Scope.NONE,
        Confidentiality.PARK: Scope.NONE,
        Confidentiality.PUBLIC: Scope.ALL,
    },
    Role.FACILITATOR: {
        Confidentiality.PRIVATE: Scope.NONE,
        Confidentiality.PARK: Scope.OWN_PARK,
        Confidentiality.PUBLIC: Scope.ALL,
    },
    Role.PUBLIC: {
        Confidentiality.PRIVATE: Scope.NONE,
        Confidentiality.PARK: Scope.NONE,
        Confidentiality.PUBLIC: Scope.ALL,
    },
    Role.AGGREGATE: {
        Confidentiality.PRIVATE: Scope.NONE,
        Confidentiality.PARK: Scope.ALL,
        Confidentiality.PUBLIC: Scope.ALL,
    },
}


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking. ``park_id``: the park of an operator or an enterprise; ``parks``:
    the parks that engaged a facilitator (its own parks, beside ``park_id``); ``scope``:
    the only parks an authority of a province or a region may open (None: every park, as
    for the ministry and every other role)."""

    role: Role
    park_id: int | None = None
    org_id: int | None = None
    name: str = ""
    parks: frozenset[int] = frozenset()
    scope: frozenset[int] | None = None

    @classmethod
    def admin(cls) -> Viewer:
        return cls(Role.ADMIN, name="admin")

    @classmethod
    def aggregate(cls) -> Viewer:
        """The records a published aggregate may rest on: all but private ones."""
        return cls(Role.AGGREGATE, name="aggregate")


def own_parks(viewer: Viewer) -> frozenset[int]:
    """The viewer's own parks (the ``own_park`` scope of the matrix): an operator's or an
    enterprise's park, the parks that engaged a facilitator."""
    if viewer.park_id is None:
        return viewer.parks
    return viewer.parks | {viewer.park_id}


def works_in(viewer: Viewer, park_id: int | None) -> bool:
    """Whether ``park_id`` is one of the viewer's own parks."""
    return park_id is not None and (park_id == viewer.park_id or park_id in viewer.parks)


def in_scope(viewer: Viewer | None, park_id: int | None) -> bool:
    """Whether ``viewer`` may open the park at all: an authority of a province or a region
    only the parks of it; everyone else (the ministry too) every park."""
    if viewer is None or viewer.scope is None:
        return True
    return park_id is not None and park_id in viewer.scope


def oversees(viewer: Viewer | None, park_id: int | None) -> bool:
    """Whether ``viewer`` follows the park's kept assessment rates (aggregates over every
    record of the park): its operator and the administrator, a facilitator the park
    engaged, an authority whose scope holds the park."""
    if viewer is None or viewer.role is Role.ADMIN:
        return True
    if park_id is None:
        return False
    if viewer.role in (Role.OPERATOR, Role.FACILITATOR):
        return works_in(viewer, park_id)
    return viewer.role is Role.AUTHORITY and in_scope(viewer, park_id)


def can_see(viewer: Viewer, org_id: int, park_id: int, confidentiality: Confidentiality) -> bool:
    """May ``viewer`` see the details of a record owned by ``org_id`` in ``park_id``?"""
    scope = VISIBILITY[viewer.role][Confidentiality(confidentiality)]
    if scope is Scope.ALL:
        return True
    if scope is Scope.OWN_PARK:
        return works_in(viewer, park_id)
    if scope is Scope.OWN_ORG:
        return viewer.org_id is not None and viewer.org_id == org_id
    return False


def can_write(viewer: Viewer, park_id: int | None, org_id: int | None = None) -> bool:
    """May ``viewer`` create, change or delete a record of ``org_id`` in ``park_id``
    (``org_id`` None: a record of the park itself, or a new organisation)?

    The administrator changes anything; an operator only its own park; an enterprise only
    its own records; a facilitator, an authority and the public change none of them (what
    a facilitator records is :func:`can_record`'s).
    """
    if viewer.role is Role.ADMIN:
        return True
    if viewer.role is Role.OPERATOR:
        return park_id is not None and viewer.park_id == park_id
    if viewer.role is Role.ENTERPRISE:
        return org_id is not None and viewer.org_id == org_id and viewer.park_id == park_id
    return False


class Record(StrEnum):
    """What is recorded in a park besides its people's records (enterprises, flows, offers
    and wants, exchanges: :func:`can_write`'s)."""

    RECP_MEASURE = "recp_measure"  # a resource-efficiency measure of an enterprise
    EVIDENCE = "evidence"  # evidence for an assessment indicator
    SCENARIO = "scenario"  # an optimisation scenario or analysis run as a job


def can_record(
    viewer: Viewer, park_id: int | None, kind: Record, org_id: int | None = None
) -> bool:
    """May ``viewer`` record ``kind`` in ``park_id`` (``org_id``: the enterprise a measure
    or a piece of evidence is of; None: the park's own)?

    - a RECP measure: whoever may change the enterprise's records (:func:`can_write`), and
      a facilitator in the parks that engaged it;
    - evidence: whoever may change the records it is about (the operator the park's, an
      enterprise its own), and a facilitator the park's own evidence in its parks (an
      enterprise's evidence stays with the enterprise and its operator);
    - a scenario (computed from the records the viewer may see, never kept as the park's
      plan): every account whose scope holds the park; the public runs none.
    """
    if kind is Record.SCENARIO:
        return viewer.role not in (Role.PUBLIC, Role.AGGREGATE) and in_scope(viewer, park_id)
    if can_write(viewer, park_id, org_id):
        return True
    if viewer.role is not Role.FACILITATOR or not works_in(viewer, park_id):
        return False
    return kind is Record.RECP_MEASURE or org_id is None


LEVELS = {Confidentiality.PUBLIC: 0, Confidentiality.PARK: 1, Confidentiality.PRIVATE: 2}


def may_see_level(
    viewer: Viewer | None, org_id: int | None, park_id: int | None, level: int
) -> bool:
    """:func:`can_see` for a level given as its number (0 public, 1 park, 2 private);
    no viewer means the administrator."""
    if viewer is None:
        return True
    confidentiality = next(c for c, n in LEVELS.items() if n == level)
    return can_see(viewer, org_id if org_id is not None else -1, park_id or -1, confidentiality)


def visible_rows(
    viewer: Viewer | None,
    org: NDArray[np.int64],
    park: NDArray[np.int64],
    level: NDArray[np.int8],
) -> NDArray[np.bool_]:
    """Which rows (organisation, park, level) ``viewer`` may see: the same matrix as
    :func:`can_see`, for whole columns of records entering a computation."""
    if viewer is None or viewer.role is Role.ADMIN:
        return np.ones(org.shape, dtype=bool)
    seen = np.zeros(org.shape, dtype=bool)
    own = own_parks(viewer)
    for confidentiality, scope in VISIBILITY[viewer.role].items():
        at_level = level == LEVELS[confidentiality]
        if scope is Scope.ALL:
            seen |= at_level
        elif scope is Scope.OWN_PARK and len(own) == 1:
            seen |= at_level & (park == next(iter(own)))
        elif scope is Scope.OWN_PARK and own:
            seen |= at_level & np.isin(park, sorted(own))
        elif scope is Scope.OWN_ORG and viewer.org_id is not None:
            seen |= at_level & (org == viewer.org_id)
    return seen


def sees_park_records(viewer: Viewer | None, park_id: int | None) -> bool:
    """Whether ``viewer`` may see a park's shared records (its people, operator, admin)."""
    return viewer is None or can_see(viewer, -1, park_id or -1, Confidentiality.PARK)


def sees_everything_of(viewer: Viewer | None, park_id: int) -> bool:
    """Whether ``viewer`` may see every record of a park (its operator and the admin)."""
    if viewer is None or viewer.role is Role.ADMIN:
        return True
    return viewer.role is Role.OPERATOR and viewer.park_id == park_id


@dataclass(frozen=True, slots=True)
class DisclosureRule:
    """When an aggregate over records a viewer may not see can still be published: enough
    contributors and none dominant (the usual statistical-disclosure rule)."""

    min_contributors: int = 3
    max_share: float = 0.8

    def allows(self, contributions: Mapping[Any, float]) -> bool:
        values = [abs(v) for v in contributions.values() if v]
        total = sum(values)
        return (
            len(values) >= self.min_contributors
            and total > 0
            and (max(values) <= self.max_share * total)
        )
