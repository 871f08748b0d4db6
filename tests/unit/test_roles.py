"""The permission matrix's rows for a facilitator and for an authority of a province or a
region, and the write rules (``can_write``, ``can_record``), with no database."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.dialects import sqlite

from parkloop.domain.enums import Confidentiality
from parkloop.domain.permissions import (
    VISIBILITY,
    Record,
    Role,
    Scope,
    Viewer,
    can_record,
    can_see,
    can_write,
    in_scope,
    oversees,
    own_parks,
    sees_everything_of,
    sees_park_records,
    visible_rows,
)
from parkloop.store.permissions import visible

L, M, N = 1, 2, 3  # three parks
THEP, KHAC = 11, 21  # an enterprise of L, one of M
FACILITATOR = Viewer(Role.FACILITATOR, parks=frozenset({L, M}), name="cpc")
ONE_PARK = Viewer(Role.FACILITATOR, parks=frozenset({L}), name="consultant")
OPERATOR = Viewer(Role.OPERATOR, park_id=L, name="operator")
ENTERPRISE = Viewer(Role.ENTERPRISE, park_id=L, org_id=THEP, name="thep")
MINISTRY = Viewer(Role.AUTHORITY, name="ministry")
PROVINCE = Viewer(Role.AUTHORITY, scope=frozenset({L, M}), name="hai-phong")
PUBLIC = Viewer(Role.PUBLIC, name="public")


def test_a_facilitator_row_is_its_parks_shared_records_and_public_ones_never_private() -> None:
    assert VISIBILITY[Role.FACILITATOR] == {
        Confidentiality.PRIVATE: Scope.NONE,
        Confidentiality.PARK: Scope.OWN_PARK,
        Confidentiality.PUBLIC: Scope.ALL,
    }
    for park in (L, M):
        assert can_see(FACILITATOR, THEP, park, Confidentiality.PARK)
        assert can_see(FACILITATOR, THEP, park, Confidentiality.PUBLIC)
        assert not can_see(FACILITATOR, THEP, park, Confidentiality.PRIVATE)
        assert sees_park_records(FACILITATOR, park)
        assert not sees_everything_of(FACILITATOR, park)
    assert not can_see(FACILITATOR, 31, N, Confidentiality.PARK)
    assert can_see(FACILITATOR, 31, N, Confidentiality.PUBLIC)
    assert not sees_park_records(ONE_PARK, M)
    assert own_parks(FACILITATOR) == {L, M} and own_parks(OPERATOR) == {L}


def test_every_role_has_a_row_and_the_authority_rows_are_the_publics() -> None:
    assert set(VISIBILITY) == set(Role)
    assert VISIBILITY[Role.AUTHORITY] == VISIBILITY[Role.PUBLIC]
    for viewer in (MINISTRY, PROVINCE):
        for park in (L, M, N):
            assert not can_see(viewer, THEP, park, Confidentiality.PARK)
            assert not can_see(viewer, THEP, park, Confidentiality.PRIVATE)


def test_the_columns_filter_follows_the_matrix_over_several_parks() -> None:
    org = np.array([THEP, THEP, THEP, KHAC, KHAC, 31, 31], dtype=np.int64)
    park = np.array([L, L, L, M, M, N, N], dtype=np.int64)
    level = np.array([0, 1, 2, 1, 2, 1, 0], dtype=np.int8)
    seen = visible_rows(FACILITATOR, org, park, level)
    assert seen.tolist() == [True, True, False, True, False, False, True]
    by_one = [
        can_see(FACILITATOR, int(o), int(p), c)
        for o, p, c in zip(
            org,
            park,
            [
                {0: Confidentiality.PUBLIC, 1: Confidentiality.PARK, 2: Confidentiality.PRIVATE}[
                    int(x)
                ]
                for x in level
            ],
            strict=True,
        )
    ]
    assert seen.tolist() == by_one
    assert visible_rows(ONE_PARK, org, park, level).tolist() == [
        True,
        True,
        False,
        False,
        False,
        False,
        True,
    ]


def test_the_sql_filter_reads_the_parks_of_a_facilitator() -> None:
    flows = Table(
        "flows",
        MetaData(),
        Column("org_id", Integer),
        Column("park_id", Integer),
        Column("confidentiality", String),
    )

    def sql(viewer: Viewer) -> str:
        clause = visible(viewer, flows)
        return str(clause.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))

    many = sql(FACILITATOR)
    assert "flows.park_id IN (1, 2)" in many and "'private'" not in many
    assert "flows.park_id = 1" in sql(ONE_PARK)
    assert "park_id" not in sql(PROVINCE)


@pytest.mark.parametrize("park", [L, M, N])
@pytest.mark.parametrize("org", [None, THEP, KHAC])
def test_a_facilitator_changes_no_record_of_a_parks_people(park: int, org: int | None) -> None:
    """Enterprises, flows, offers and wants, exchanges, parks: can_write's, never its."""
    assert not can_write(FACILITATOR, park, org)
    assert not can_write(PROVINCE, park, org)
    assert not can_write(MINISTRY, park, org)


def test_a_facilitator_records_recp_measures_and_park_evidence_in_its_parks_only() -> None:
    for park, org in ((L, THEP), (M, KHAC)):
        assert can_record(FACILITATOR, park, Record.RECP_MEASURE, org)
        assert can_record(FACILITATOR, park, Record.EVIDENCE)
        # An enterprise's evidence stays with the enterprise and its operator.
        assert not can_record(FACILITATOR, park, Record.EVIDENCE, org)
    assert not can_record(FACILITATOR, N, Record.RECP_MEASURE, 31)
    assert not can_record(FACILITATOR, N, Record.EVIDENCE)
    assert not can_record(ONE_PARK, M, Record.RECP_MEASURE, KHAC)


def test_the_others_record_what_they_may_write() -> None:
    assert can_record(OPERATOR, L, Record.RECP_MEASURE, THEP)
    assert can_record(OPERATOR, L, Record.EVIDENCE, THEP)
    assert not can_record(OPERATOR, M, Record.RECP_MEASURE, KHAC)
    assert can_record(ENTERPRISE, L, Record.RECP_MEASURE, THEP)
    assert can_record(ENTERPRISE, L, Record.EVIDENCE, THEP)
    assert not can_record(ENTERPRISE, L, Record.EVIDENCE)
    assert not can_record(ENTERPRISE, L, Record.RECP_MEASURE, 12)
    for viewer in (MINISTRY, PROVINCE, PUBLIC):
        assert not can_record(viewer, L, Record.RECP_MEASURE, THEP)
        assert not can_record(viewer, L, Record.EVIDENCE)
    assert can_record(Viewer.admin(), N, Record.EVIDENCE, 31)


def test_scenarios_are_run_by_accounts_whose_scope_holds_the_park() -> None:
    for viewer in (FACILITATOR, OPERATOR, ENTERPRISE, MINISTRY, Viewer.admin()):
        assert can_record(viewer, L, Record.SCENARIO)
    assert can_record(PROVINCE, M, Record.SCENARIO)
    assert not can_record(PROVINCE, N, Record.SCENARIO)
    assert not can_record(PUBLIC, L, Record.SCENARIO)
    assert not can_record(Viewer.aggregate(), L, Record.SCENARIO)


def test_an_authority_opens_the_parks_of_its_scope_and_follows_their_kept_rates() -> None:
    assert in_scope(MINISTRY, N) and in_scope(FACILITATOR, N) and in_scope(None, N)
    assert in_scope(PROVINCE, L) and in_scope(PROVINCE, M)
    assert not in_scope(PROVINCE, N) and not in_scope(PROVINCE, None)
    empty = Viewer(Role.AUTHORITY, scope=frozenset(), name="no parks yet")
    assert not in_scope(empty, L)
    assert oversees(MINISTRY, N) and oversees(PROVINCE, L) and not oversees(PROVINCE, N)
    assert oversees(FACILITATOR, M) and not oversees(FACILITATOR, N)
    assert oversees(OPERATOR, L) and not oversees(OPERATOR, M)
    assert not oversees(ENTERPRISE, L) and not oversees(PUBLIC, L)
    assert oversees(Viewer.admin(), N) and oversees(None, N)
