"""Who may see the details of a confidential record. Defined once; the store derives its
SQL filter from the same matrix, and every page, export and report goes through it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from parkloop.domain.enums import Confidentiality


class Role(StrEnum):
    ADMIN = "admin"  # whoever runs the database locally: sees everything
    OPERATOR = "operator"  # a park operator: everything in its own park
    ENTERPRISE = "enterprise"  # a tenant: its own records, and what others share
    AUTHORITY = "authority"  # a management board or ministry: public records and aggregates
    PUBLIC = "public"


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
    Role.PUBLIC: {
        Confidentiality.PRIVATE: Scope.NONE,
        Confidentiality.PARK: Scope.NONE,
        Confidentiality.PUBLIC: Scope.ALL,
    },
}


@dataclass(frozen=True, slots=True)
class Viewer:
    role: Role
    park_id: int | None = None
    org_id: int | None = None
    name: str = ""

    @classmethod
    def admin(cls) -> Viewer:
        return cls(Role.ADMIN, name="admin")


def can_see(viewer: Viewer, org_id: int, park_id: int, confidentiality: Confidentiality) -> bool:
    """May ``viewer`` see the details of a record owned by ``org_id`` in ``park_id``?"""
    scope = VISIBILITY[viewer.role][Confidentiality(confidentiality)]
    if scope is Scope.ALL:
        return True
    if scope is Scope.OWN_PARK:
        return viewer.park_id is not None and viewer.park_id == park_id
    if scope is Scope.OWN_ORG:
        return viewer.org_id is not None and viewer.org_id == org_id
    return False


def can_write(viewer: Viewer, park_id: int | None, org_id: int | None = None) -> bool:
    """May ``viewer`` create, change or delete a record of ``org_id`` in ``park_id``
    (``org_id`` None: a record of the park itself, or a new organisation)?

    The administrator changes anything; an operator only its own park; an enterprise only
    its own records; an authority and the public change nothing.
    """
    if viewer.role is Role.ADMIN:
        return True
    if viewer.role is Role.OPERATOR:
        return park_id is not None and viewer.park_id == park_id
    if viewer.role is Role.ENTERPRISE:
        return org_id is not None and viewer.org_id == org_id and viewer.park_id == park_id
    return False
