"""Fair shares of a gain between partners: the Shapley value (exact, by enumerating every
coalition), a proportional split and an equal split."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from parkloop.errors import Message, msg
from parkloop.optimize.model import F64

MAX_PLAYERS = 12

METHODS: dict[str, str] = {
    "shapley": (
        "Shapley value: each partner receives its marginal contribution v(S ∪ {i}) − v(S) "
        "averaged over every order in which the partners could join; v(S) is the best net "
        "benefit the members of S reach with exchanges among themselves only (running "
        "exchanges between members count as they are). Exact: all 2^n coalitions are solved"
    ),
    "proportional": (
        "proportional to each partner's own side of the exchanges in the coalition's best "
        "network: a supplier's avoided disposal fee and haul less its foregone revenue, a "
        "receiver's avoided purchase (after attribution and deadweight); transport and "
        "treatment costs are shared in the same proportion. Negative sides count as zero; "
        "when no side is positive the split is equal"
    ),
    "equal": "the gain of the coalition divided equally between its partners",
}


def too_many(n: int) -> Message:
    return msg(
        "{n} partners: exact Shapley values need all 2^n coalitions solved; ask for at most "
        "{most} partners (a park's whole network is better split by exchange)",
        n=n,
        most=MAX_PLAYERS,
    )


def coalition_values(n: int, value: Callable[[tuple[int, ...]], float]) -> F64:
    """v(S) for every coalition S, indexed by the bit mask of its members (v(∅) = 0)."""
    if n > MAX_PLAYERS:
        raise ValueError(str(too_many(n)))
    out = np.zeros(1 << n)
    for mask in range(1, 1 << n):
        out[mask] = value(tuple(i for i in range(n) if mask >> i & 1))
    return out


def shapley(values: F64) -> F64:
    """Shapley value of each player from v over all coalitions (length 2^n)."""
    size = len(values)
    n = size.bit_length() - 1
    if size != 1 << n:
        raise ValueError("coalition values must cover all 2^n coalitions")
    masks = np.arange(size)
    members = np.array([bin(m).count("1") for m in range(size)])
    weight = np.array(
        [math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)]
        if n
        else []
    )
    phi = np.zeros(n)
    for i in range(n):
        without = masks[(masks >> i) & 1 == 0]
        phi[i] = float(
            np.sum(weight[members[without]] * (values[without | 1 << i] - values[without]))
        )
    return phi


def equal_split(total: float, n: int) -> F64:
    return np.full(n, total / n) if n else np.zeros(0)


def proportional_split(total: float, weights: Sequence[float]) -> tuple[F64, bool]:
    """``total`` in proportion to the positive weights; equal when none is positive.
    Returns the shares and whether the weights were used."""
    w = np.maximum(np.asarray(weights, dtype=float), 0.0)
    if w.sum() <= 0:
        return equal_split(total, len(w)), False
    return total * w / w.sum(), True


@dataclass
class Shares:
    players: list[str]
    total: float
    shapley: F64
    proportional: F64
    equal: F64
    weights: F64
    proportional_used_weights: bool
    stand_alone: F64
    methods: dict[str, str] = field(default_factory=lambda: dict(METHODS))


def fair_shares(
    players: Sequence[str],
    value: Callable[[tuple[int, ...]], float],
    weights: Sequence[float],
) -> Shares:
    """The three splits of the grand coalition's value between ``players``."""
    n = len(players)
    if n < 2:
        raise ValueError("a share needs at least two partners")
    values = coalition_values(n, value)
    total = float(values[-1])
    split, used = proportional_split(total, weights)
    return Shares(
        players=list(players),
        total=total,
        shapley=shapley(values),
        proportional=split,
        equal=equal_split(total, n),
        weights=np.asarray(weights, dtype=float),
        proportional_used_weights=used,
        stand_alone=np.array([values[1 << i] for i in range(n)]),
    )
