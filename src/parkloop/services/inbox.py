"""A park's match inbox: the saved proposals that concern a viewer, each as
:func:`parkloop.services.matching.matches_for` shows it to that viewer (whole, redacted,
or not at all), and the decisions on them.

An enterprise's inbox holds the proposals where it is the supplier or the receiver; the
park's operator and the administrator see every proposal of the park the matching service
shows them. Deciding goes through ``matching.accept_match`` and ``matching.reject_match``,
the services of ``parkloop matches accept/reject``; running the matcher again is a
background job of the park's operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from parkloop.catalog import catalog, knowledge
from parkloop.domain.models import Park
from parkloop.domain.permissions import (
    Role,
    Viewer,
    can_write,
    sees_everything_of,
    sees_park_records,
)
from parkloop.errors import NotAllowed, NotFound, Word, msg
from parkloop.services import jobs, matching, memo, registry
from parkloop.store import matching as store

STATUSES = ("proposed", "accepted", "rejected")


@dataclass(frozen=True, slots=True)
class Inbox:
    park: Park
    matches: list[dict[str, Any]]  # views of matching.matches_for, best first
    may_run: bool  # whether the viewer may run the matcher and save its proposals
    total: int = 0  # proposals concerning the viewer, all pages together


def inbox(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    status: str = "",
    offset: int = 0,
    limit: int | None = None,
) -> Inbox:
    """The proposals of a park that concern ``viewer``, as the matching service shows
    them; ``status`` one of proposed, accepted, rejected (empty: all); a page of them
    from ``offset`` when ``limit`` is given. Kept by the web process for the viewer's
    permission scope until the data changes (:func:`memo.shared`)."""
    key = ("inbox", park_code, memo.scope_of(viewer), status, offset, limit)
    return memo.shared(
        engine, key, lambda: _inbox(engine, park_code, viewer, status, offset, limit)
    )


def _inbox(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    status: str,
    offset: int,
    limit: int | None,
) -> Inbox:
    park = registry.require_park(engine, park_code)
    statuses = [status] if status in STATUSES else None
    if viewer.role is Role.ENTERPRISE:
        # Its own proposals, ranked among the others of their supplies.
        party = viewer.org_id if viewer.org_id is not None else -1
        shown = matching.shown_matches(engine, park_code, viewer, statuses, party=party)
        shown = [s for s in shown if party in (s.supplier_id, s.receiver_id)]
    else:
        shown = matching.shown_matches(engine, park_code, viewer, statuses)
    total = len(shown)
    if limit is not None:
        shown = shown[max(offset, 0) : max(offset, 0) + limit]
    views = matching.match_views(engine, park_code, shown, viewer)
    may_run = park.id is not None and sees_everything_of(viewer, park.id)
    return Inbox(park, [_enriched(v) for v in views], may_run, total)


def match_detail(engine: Engine, park_code: str, match_id: int, viewer: Viewer) -> dict[str, Any]:
    """One proposal of the park as ``viewer`` may see it, with its decision and whether
    the viewer may decide it. A proposal the viewer is not shown is not found."""
    park = registry.require_park(engine, park_code)
    missing = NotFound(
        msg(
            "park '{park_code}' has no match {match_id} you may see",
            park_code=park_code,
            match_id=str(match_id),
        )
    )
    with engine.connect() as conn:
        row = store.get_match(conn, match_id)
        if row is None or row["park_id"] != park.id:
            raise missing
        names = store.org_names(conn, [row["supplier_id"], row["receiver_id"]])
    # Whether it is shown, and its rank, rest on the matches of its supply alone.
    supply = (str(row["supply_kind"]), int(row["supply_id"]))
    shown = [
        s
        for s in matching.shown_matches(engine, park_code, viewer, supply=supply)
        if s.id == match_id
    ]
    views = matching.match_views(engine, park_code, shown, viewer)
    if not views:
        raise missing
    view = views[0]
    view = _enriched(view)
    view["decision"] = {
        "at": row["decided_at"],
        "by": row["decided_by"],
        "reason": row["decision_reason"],
        "exchange_id": row["exchange_id"],
    }
    parties = [
        (names[row["supplier_id"]]["park_id"], row["supplier_id"]),
        (names[row["receiver_id"]]["park_id"], row["receiver_id"]),
    ]
    # The rule of matching.accept_match and reject_match: its two parties, their park
    # operator or the administrator decide, while it is still a proposal.
    view["may_decide"] = row["status"] == "proposed" and (
        viewer.role is Role.ADMIN or any(can_write(viewer, p, o) for p, o in parties)
    )
    return view


def decide(
    engine: Engine,
    park_code: str,
    match_id: int,
    viewer: Viewer,
    accept: bool,
    reason: str = "",
) -> dict[str, Any]:
    """Accept (it becomes an exchange in negotiation) or reject (with ``reason``) one
    proposal of the park, through the services of ``parkloop matches accept/reject``."""
    if viewer.role in (Role.AUTHORITY, Role.PUBLIC):
        raise NotAllowed(
            msg(
                "{who} may not decide matches: only their two parties and their park "
                "operator may; nothing was changed",
                who=viewer.name or Word(viewer.role.value),
            )
        )
    park = registry.require_park(engine, park_code)
    with engine.connect() as conn:
        row = store.get_match(conn, match_id)
    # Whoever sees none of the park's records is told nothing of its matches.
    if row is None or row["park_id"] != park.id or not sees_park_records(viewer, park.id):
        raise NotFound(
            msg(
                "park '{park_code}' has no match {match_id}",
                park_code=park_code,
                match_id=str(match_id),
            )
        )
    if accept:
        return matching.accept_match(engine, match_id, viewer=viewer)
    return matching.reject_match(engine, match_id, reason, viewer=viewer)


def run_matching(engine: Engine, park_code: str, viewer: Viewer, user_id: int | None) -> int:
    """Queue the park's matching run (its proposals saved) as a background job; its id.
    Only the park's operator and the administrator may."""
    park = registry.require_park(engine, park_code)
    if park.id is None or not sees_everything_of(viewer, park.id):
        raise NotAllowed(
            msg(
                "{who} may not run the matching of park '{park_code}': only its operator "
                "and the administrator may",
                who=viewer.name or Word(viewer.role.value),
                park_code=park_code,
            )
        )
    return jobs.submit(engine, "match", {"park": park_code}, viewer, user_id)


def _enriched(view: dict[str, Any]) -> dict[str, Any]:
    """A view with the Vietnamese of what its substitution rule needs done."""
    reasons = []
    cat = catalog()
    for reason in view.get("reasons") or []:
        if reason.get("kind") == "knowledge_base" and reason.get("rule"):
            rule = knowledge.rule(cat, reason["rule"])
            reason = {**reason, "treatment_vi": rule.treatment_vi}
        reasons.append(reason)
    return {**view, "reasons": reasons}
