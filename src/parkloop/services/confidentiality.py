"""The one place that decides what figures a viewer gets (see docs/confidentiality.md).

- Private records enter a computation only for viewers who may see them.
- A park's shared records enter the figures of viewers of that park; a viewer outside it
  (an authority, the public, another park's firm) gets only aggregates over them, and
  only when the aggregate passes the disclosure rule: at least ``min_contributors``
  enterprises, none above ``max_share`` of the total. Otherwise the figure is
  suppressed with a note saying why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from parkloop.domain.permissions import DisclosureRule, Role, Viewer, sees_park_records
from parkloop.errors import Message, NotAllowed, UserError, Word, msg

SUPPRESSED = (
    "suppressed: fewer than {n} enterprises contribute, or one contributes more than "
    "{share:.0%} of it (disclosure rule, docs/confidentiality.md)"
)


def disclosure_rule() -> DisclosureRule:
    """The rule's numbers, from the settings."""
    from parkloop.settings import SETTINGS

    found = {s.name: s for s in SETTINGS}
    least, share = found["disclosure_min_contributors"], found["disclosure_max_share"]
    try:
        rule = DisclosureRule(int(least.value()), float(share.value()))
    except ValueError:
        rule = None
    if rule is None or rule.min_contributors < 1 or not 0 < rule.max_share <= 1:
        raise UserError(
            msg(
                "{env}='{least}', {share_env}='{share}': the disclosure rule needs a "
                "whole number of enterprises of at least 1 and a share above 0 and at "
                "most 1",
                env=least.env,
                least=least,
                share_env=share.env,
                share=share,
            )
        )
    return rule


def computing_viewer(viewer: Viewer | None, park_id: int | None) -> tuple[Viewer, bool]:
    """Whose records a park's figures for ``viewer`` are computed from, and whether they
    are published only as aggregates under the disclosure rule."""
    viewer = viewer or Viewer.admin()
    if sees_park_records(viewer, park_id):
        return viewer, False
    return Viewer.aggregate(), True


def publish(
    figures: Mapping[str, Any], contributions: Mapping[Any, float]
) -> tuple[dict[str, Any] | None, str]:
    """``figures`` if the aggregate over ``contributions`` (per enterprise) may be
    published, else None; and the note that goes with it."""
    rule = disclosure_rule()
    if rule.allows(contributions):
        return dict(figures), (
            f"aggregate over {sum(1 for v in contributions.values() if v)} enterprises, "
            "published under the disclosure rule"
        )
    return None, SUPPRESSED.format(n=rule.min_contributors, share=rule.max_share)


def require_admin(viewer: Viewer | None, what: Message) -> None:
    """Refuse ``what`` to anyone but the administrator."""
    if viewer is not None and viewer.role is not Role.ADMIN:
        raise NotAllowed(
            msg(
                "{who} may not {what}: only the administrator may; nothing was changed",
                who=viewer.name or Word(viewer.role.value),
                what=what,
            )
        )
