"""Fair shares: a hand-computed three-firm example and the Shapley axioms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkloop.optimize.shares import (
    MAX_PLAYERS,
    coalition_values,
    fair_shares,
    proportional_split,
    shapley,
)

# A slag supplier A, a cement plant B and a brick maker C: A's slag is worth 60 to B or
# 40 to C (per year, million VND), and there is only slag enough for one of them.
WORTH = {(): 0.0, (0,): 0.0, (1,): 0.0, (2,): 0.0, (0, 1): 60.0, (0, 2): 40.0, (1, 2): 0.0}
WORTH[(0, 1, 2)] = 60.0


def test_three_firms_by_hand() -> None:
    values = coalition_values(3, lambda members: WORTH[members])
    phi = shapley(values)
    # Over the six orders A adds 0, 0, 60, 60, 40, 60; B adds 60, 20, 0, 0, 20, 0; C adds 40 once.
    assert phi.tolist() == pytest.approx([220 / 6, 100 / 6, 40 / 6])
    shares = fair_shares(["A", "B", "C"], lambda members: WORTH[members], [30.0, 30.0, 0.0])
    assert shares.total == 60.0
    assert shares.equal.tolist() == pytest.approx([20.0, 20.0, 20.0])
    assert shares.proportional.tolist() == pytest.approx([30.0, 30.0, 0.0])
    assert shares.stand_alone.tolist() == [0.0, 0.0, 0.0]


@st.composite
def games(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(2, 5))
    values = np.array([0.0] + [float(draw(st.integers(-50, 200))) for _ in range((1 << n) - 1)])
    return values


@settings(max_examples=80, deadline=None)
@given(games())
def test_efficiency(values: np.ndarray) -> None:
    assert shapley(values).sum() == pytest.approx(values[-1], abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(games(), st.data())
def test_null_player_gets_nothing(values: np.ndarray, data: st.DataObject) -> None:
    n = len(values).bit_length() - 1
    null = data.draw(st.integers(0, n - 1))
    for mask in range(len(values)):
        if mask >> null & 1:
            values[mask] = values[mask & ~(1 << null)]  # adds nothing to any coalition
    assert shapley(values)[null] == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(games(), st.data())
def test_symmetric_players_get_the_same(values: np.ndarray, data: st.DataObject) -> None:
    n = len(values).bit_length() - 1
    i, j = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))

    def swap(mask: int) -> int:
        a, b = mask >> i & 1, mask >> j & 1
        return mask & ~(1 << i) & ~(1 << j) | a << j | b << i

    for mask in range(len(values)):
        values[swap(mask)] = values[mask] = max(values[mask], values[swap(mask)])
    phi = shapley(values)
    assert phi[i] == pytest.approx(phi[j], abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(games(), st.data())
def test_additivity(values: np.ndarray, data: st.DataObject) -> None:
    other = np.array([0.0] + [float(data.draw(st.integers(-50, 50))) for _ in values[1:]])
    assert shapley(values + other) == pytest.approx(shapley(values) + shapley(other))


def test_too_many_players_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match=f"at most {MAX_PLAYERS}"):
        coalition_values(MAX_PLAYERS + 1, lambda members: 0.0)


def test_proportional_split_falls_back_to_equal() -> None:
    shares, used = proportional_split(90.0, [-5.0, 0.0, 0.0])
    assert not used and shares.tolist() == [30.0, 30.0, 30.0]
    shares, used = proportional_split(90.0, [-5.0, 10.0, 20.0])
    assert used and shares.tolist() == [0.0, 30.0, 60.0]
